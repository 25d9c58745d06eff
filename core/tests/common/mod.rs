//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// A reference dataset fetched by `cargo xtask refdata` (the test command runs it first).
/// Fails with the next step when it is missing: a validation test never passes vacuously.
pub fn refdata(file: &str) -> PathBuf {
    let dir = std::env::var_os("PRISME_REFDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/refdata"));
    let path = dir.join(file);
    assert!(
        path.exists(),
        "reference file {} is missing: run `cargo xtask refdata` (or `cargo xtask test`)",
        path.display()
    );
    path
}
