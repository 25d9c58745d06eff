//! The whole slice: any file as transactions, then RFM.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::ReadOptions;
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::transactions::{BadRows, load_transactions};

fuzz_target!(|data: &[u8]| {
    if let Ok((tx, _)) =
        load_transactions("fuzz.csv", data, &ReadOptions::default(), BadRows::Skip, &mut |_| {})
    {
        let _ = rfm(&tx, &RfmParams::default());
    }
});
