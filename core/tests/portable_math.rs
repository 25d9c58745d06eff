//! The engine's transcendental functions come from `crate::math` (the `libm` crate), never the
//! platform's maths library, so the CLI and the browser compute the same bits (see
//! `src/math.rs`). This scans the sources for the platform's versions.

use std::fs;
use std::path::Path;

const PLATFORM: [&str; 8] = [
    ".exp()",
    ".exp_m1()",
    ".ln()",
    ".ln_1p()",
    ".log10()",
    ".powf(",
    ".sin()",
    ".cos()",
];

fn scan(dir: &Path, found: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scan(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("math.rs") {
            let text = fs::read_to_string(&path).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if PLATFORM.iter().any(|p| code.contains(p)) {
                    found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
}

#[test]
fn no_platform_maths_in_the_engine() {
    let mut found = Vec::new();
    scan(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(
        found.is_empty(),
        "use crate::math::Portable (det_exp, det_ln…) instead:\n{}",
        found.join("\n")
    );
}

/// The portable functions are the functions they stand for.
#[test]
fn portable_functions_agree_on_exact_cases() {
    use prisme_core::math::Portable;
    assert_eq!(0.0f64.det_exp(), 1.0);
    assert_eq!(1.0f64.det_ln(), 0.0);
    assert_eq!(2.0f64.det_powf(10.0), 1024.0);
    assert_eq!(1000.0f64.det_log10(), 3.0);
}
