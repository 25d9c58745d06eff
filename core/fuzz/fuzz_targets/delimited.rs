//! Delimited text: encoding and dialect sniffing, tokenizer, number and date parsing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::{self, ReadOptions};

fuzz_target!(|data: &[u8]| {
    // Force the text path even when the bytes look like another format's magic.
    let _ = ingest::load("fuzz.csv", data, &ReadOptions::default(), &mut |_| {});
    let opts = ReadOptions {
        has_header: Some(false),
        locale: ingest::Locale::En,
        ..ReadOptions::default()
    };
    let _ = ingest::load("fuzz.csv", data, &opts, &mut |_| {});
});
