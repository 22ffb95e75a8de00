#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ccc_aicall_fuzz::checks::profile(data));
