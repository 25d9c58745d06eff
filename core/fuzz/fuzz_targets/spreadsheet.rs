//! XLSX / ODS (zip containers) and legacy XLS through calamine.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::{self, ReadOptions};

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // Panics the core catches (third-party decoders on damaged files, see
    // `ingest::guarded`) must unwind to that guard instead of aborting in libfuzzer-sys's
    // hook; a panic nothing catches still reaches libfuzzer-sys and is reported as a crash.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    if let Ok(mut wb) = ingest::sheet::Workbook::open("fuzz.xlsx", data) {
        let _ = wb.sheets();
    }
    let _ = ingest::load("fuzz.xlsx", data, &ReadOptions::default(), &mut |_| {});
});
