#![no_main]
libfuzzer_sys::fuzz_target!(|input: ccc_aicall_fuzz::emulator::Input| ccc_aicall_fuzz::emulator::check(&input));
