//! XLSX / ODS (zip containers) and legacy XLS through calamine.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::{self, ReadOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(mut wb) = ingest::sheet::Workbook::open("fuzz.xlsx", data) {
        let _ = wb.sheets();
    }
    let _ = ingest::load("fuzz.xlsx", data, &ReadOptions::default(), &mut |_| {});
});
