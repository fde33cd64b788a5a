//! Fuzz target: see `checks::roundtrip`; the messages are built by `arbitrary`.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|input: (u8, setkey::pfkey::Message)| {
    checks::roundtrip(input.0, &input.1)
});
