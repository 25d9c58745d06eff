//! Delimited text: encoding and dialect sniffing, tokenizer, number and date parsing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::{self, ReadOptions};

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // Panics the core catches (third-party decoders on damaged files, see
    // `ingest::guarded`) must unwind to that guard instead of aborting in libfuzzer-sys's
    // hook; a panic nothing catches still reaches libfuzzer-sys and is reported as a crash.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    // Force the text path even when the bytes look like another format's magic.
    let _ = ingest::load("fuzz.csv", data, &ReadOptions::default(), &mut |_| {});
    let opts = ReadOptions {
        has_header: Some(false),
        locale: ingest::Locale::En,
        ..ReadOptions::default()
    };
    let _ = ingest::load("fuzz.csv", data, &opts, &mut |_| {});
});
