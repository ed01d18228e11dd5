#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wenming::fuzz::docx(data));
