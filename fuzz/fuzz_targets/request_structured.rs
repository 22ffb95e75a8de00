#![no_main]
// The generated value goes in as a `Value`, as the bindings hand it over (no JSON parser limiting its depth).
// A crash is kept in `request`'s byte form, `Request::to_bytes`, so its replay needs no generator.
libfuzzer_sys::fuzz_target!(|input: ccc_aicall_fuzz::gen::Request| {
    let case = ccc_aicall_fuzz::checks::key_case(input.case);
    let value = input.to_value();
    let len = value.to_string().len();
    if case == ccc_aicall::KeyCase::Wire {
        ccc_aicall_fuzz::checks::same_in_every_case(&value);
    }
    ccc_aicall_fuzz::checks::request_value(case, value, len);
});
