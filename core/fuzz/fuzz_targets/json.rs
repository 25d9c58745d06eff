//! JSON arrays of objects and JSON lines.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::{self, ReadOptions, json};

fuzz_target!(|data: &[u8]| {
    let _ = json::parse("fuzz.json", data);
    let _ = ingest::load("fuzz.json", data, &ReadOptions::default(), &mut |_| {});
});
