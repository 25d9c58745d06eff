//! JSON arrays of objects and JSON lines.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::{self, ReadOptions, json};

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // Panics the core catches (third-party decoders on damaged files, see
    // `ingest::guarded`) must unwind to that guard instead of aborting in libfuzzer-sys's
    // hook; a panic nothing catches still reaches libfuzzer-sys and is reported as a crash.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = json::parse("fuzz.json", data);
    let _ = ingest::load("fuzz.json", data, &ReadOptions::default(), &mut |_| {});
});
