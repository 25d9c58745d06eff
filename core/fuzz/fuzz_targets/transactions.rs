//! The whole slice: any file as transactions, then RFM.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prisme_core::ingest::ReadOptions;
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::transactions::{BadRows, load_transactions};

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // Panics the core catches (third-party decoders on damaged files, see
    // `ingest::guarded`) must unwind to that guard instead of aborting in libfuzzer-sys's
    // hook; a panic nothing catches still reaches libfuzzer-sys and is reported as a crash.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    if let Ok((tx, _)) =
        load_transactions("fuzz.csv", data, &ReadOptions::default(), BadRows::Skip, &mut |_| {})
    {
        let _ = rfm(&tx, &RfmParams::default());
    }
});
