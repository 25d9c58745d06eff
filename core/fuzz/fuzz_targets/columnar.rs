//! Parquet and Arrow IPC through arrow-rs.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::{self, ReadOptions, columnar};

fuzz_target!(|data: &[u8]| {
    let _ = columnar::parquet("fuzz.parquet", data);
    let _ = columnar::arrow_ipc("fuzz.arrow", data);
    let _ = ingest::load("fuzz.parquet", data, &ReadOptions::default(), &mut |_| {});
});
