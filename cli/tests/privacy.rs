//! Anonymization from the command line: the same key gives the same pseudonyms as the core
//! function the app calls (`sources::prepare_source`), and no output holds a raw id, name,
//! e-mail or phone; where the key comes from; personal columns never drive the churn model.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use prisme_core::anonymize::AnonymizeOptions;
use prisme_core::ingest::ReadOptions;
use prisme_core::key::Secret;
use prisme_core::sources::{Corrections, prepare_source};

const KEY: &str = "9c1e5a7f3b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("prisme-privacy-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("home")).unwrap();
    d
}

/// `prisme` with a home of its own and no key in the environment, so that the machine's
/// configuration does not leak into the tests.
fn prisme(d: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_prisme"));
    c.env("HOME", d.join("home"))
        .env("XDG_CONFIG_HOME", d.join("home").join(".config"))
        .env_remove("PRISME_SECRET_FILE")
        .env_remove("PRISME_PASSPHRASE")
        .env_remove("PRISME_SALT");
    c
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

const FIRSTS: [&str; 4] = ["Jean", "Marie", "Pierre", "Sophie"];
const POSTCODES: [&str; 4] = ["75002", "69003", "13001", "59000"];

fn email(i: usize) -> String {
    format!("{}.client{i}@exemple.fr", FIRSTS[i % 4].to_lowercase())
}

fn phone(i: usize) -> String {
    format!("06 12 34 {:02} {:02}", i / 100, i % 100)
}

/// A shop's sales keyed by e-mail, and its customer table (same key) with a first name, a
/// postcode, a phone and a churn label that the first name predicts perfectly.
fn shop(d: &Path) -> (PathBuf, PathBuf) {
    let mut tx = String::from("Email;Date;Montant\n");
    let mut customers = String::from("Email;Prénom;Code postal;Téléphone;Offre;Résilié\n");
    for i in 0..240 {
        for k in 0..(1 + i % 3) {
            tx.push_str(&format!(
                "{};{:02}/{:02}/2024;{},{:02}\n",
                email(i),
                1 + (i * 7 + k * 11) % 28,
                1 + (i + k * 4) % 12,
                10 + (i * 13) % 90,
                (i * 7) % 100
            ));
        }
        customers.push_str(&format!(
            "{};{};{};{};{};{}\n",
            email(i),
            FIRSTS[i % 4],
            POSTCODES[i % 4],
            phone(i),
            if i % 5 < 2 { "pro" } else { "basic" },
            if i % 4 == 0 || (i % 4 == 1 && i % 3 == 0) {
                "oui"
            } else {
                "non"
            }
        ));
    }
    let (t, c) = (d.join("ventes.csv"), d.join("clients.csv"));
    std::fs::write(&t, tx).unwrap();
    std::fs::write(&c, customers).unwrap();
    (t, c)
}

fn scores_ids(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

#[test]
fn same_key_same_pseudonyms_as_the_app_and_no_raw_identifier_in_any_output() {
    let d = dir("outputs");
    let (tx, customers) = shop(&d);
    let key = d.join("key.txt");
    std::fs::write(&key, format!("{KEY}\n")).unwrap();
    let mart = d.join("mart.json");
    std::fs::write(
        &mart,
        r#"{"name": "Tous", "filter": {"op": "compare", "column": "frequency", "cmp": "ge", "value": 1}}"#,
    )
    .unwrap();
    let (report, scores, targets) = (d.join("r.json"), d.join("s.csv"), d.join("t.csv"));
    let out = ok(prisme(&d)
        .arg("analyze")
        .arg("--transactions")
        .arg(&tx)
        .arg("--customers")
        .arg(&customers)
        .arg("--secret-file")
        .arg(&key)
        .arg("--out")
        .arg(&report)
        .arg("--scores")
        .arg(&scores)
        .arg("--per-customer")
        .arg("--datamart")
        .arg(&mart)
        .arg("--target-list")
        .arg(&targets)
        .args(["--target-columns", "segment,clv,Offre"])
        .output()
        .unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let secret = Secret::from_hex(KEY).unwrap();
    assert!(stderr.contains(&secret.fingerprint()), "{stderr}");
    assert!(!stderr.contains(KEY), "the key itself is never printed");

    // The app's worker: the same file through `prepare_source` with the same key.
    let bytes = std::fs::read(&tx).unwrap();
    let app = prepare_source(
        "ventes.csv",
        &bytes,
        &ReadOptions::default(),
        &Corrections::default(),
        Some(&AnonymizeOptions::new(secret.clone())),
        None,
        &mut |_| {},
    )
    .unwrap();
    let email_col = app
        .table
        .columns
        .iter()
        .find(|c| c.plan.name == "Email")
        .unwrap();
    let app_ids: BTreeSet<String> = prisme_core::analysis::text_values(&email_col.array)
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(app_ids.len(), 240);
    assert_eq!(scores_ids(&scores), app_ids);
    assert!(app_ids.contains(&secret.pseudonym(&email(0))));

    // No raw e-mail, name, phone or postcode anywhere.
    let outputs = [
        std::fs::read_to_string(&scores).unwrap(),
        std::fs::read_to_string(&report).unwrap(),
        std::fs::read_to_string(&targets).unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ];
    let target_lines = outputs[2].lines().count();
    assert_eq!(target_lines, 241, "the target list holds every customer");
    assert!(outputs[2].lines().next().unwrap().contains("Offre"));
    for i in 0..240 {
        for raw in [email(i), phone(i)] {
            for (o, text) in outputs.iter().enumerate() {
                assert!(!text.contains(&raw), "output {o} holds {raw}");
            }
        }
    }
    // (Postcodes are generalized, and five digits can occur inside numbers: not searched.)
    for raw in FIRSTS {
        for (o, text) in outputs.iter().enumerate() {
            assert!(!text.contains(raw), "output {o} holds {raw}");
        }
    }
    // The per-customer rows of the report carry pseudonyms too.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let rows = json["customers"].as_array().unwrap();
    assert_eq!(rows.len(), 240);
    assert!(
        rows.iter()
            .all(|r| app_ids.contains(r["customer_id"].as_str().unwrap()))
    );
}

#[test]
fn personal_columns_never_drive_churn_even_without_anonymization() {
    let d = dir("churn");
    let (tx, customers) = shop(&d);
    let report = d.join("r.json");
    ok(prisme(&d)
        .arg("analyze")
        .arg("--transactions")
        .arg(&tx)
        .arg("--customers")
        .arg(&customers)
        .arg("--no-anonymize")
        .arg("--out")
        .arg(&report)
        .output()
        .unwrap());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let result = &json["churn"]["result"];
    assert_eq!(json["churn"]["label_source"], "customer-table");
    for model in ["logistic", "gbt"] {
        for d in result[model]["drivers"].as_array().unwrap() {
            let column = d["column"].as_str().unwrap();
            assert!(
                !["Prénom", "Code postal", "Téléphone", "Email"].contains(&column),
                "{model} driver {}",
                d["name"]
            );
        }
    }
    let excluded = result["dataset"]["excluded"].as_array().unwrap();
    for c in ["Prénom", "Code postal", "Téléphone"] {
        assert!(
            excluded
                .iter()
                .any(|e| e["name"] == c
                    && e["reason"].as_str().unwrap().starts_with("personal data")),
            "{c}: {excluded:?}"
        );
    }
}

#[test]
fn where_the_key_comes_from() {
    let d = dir("sources");
    let (tx, _) = shop(&d);
    let key = d.join("key.txt");
    std::fs::write(&key, KEY).unwrap();
    let secret = Secret::from_hex(KEY).unwrap();
    let rfm = |cmd: &mut Command, scores: &Path| -> Output {
        cmd.arg("rfm")
            .arg(&tx)
            .arg("--scores")
            .arg(scores)
            .output()
            .unwrap()
    };
    let rfm_off = |cmd: &mut Command, scores: &Path| -> Output {
        cmd.args(["rfm", "--no-anonymize"])
            .arg(&tx)
            .arg("--scores")
            .arg(scores)
            .output()
            .unwrap()
    };
    let pseudonymized = |scores: &Path| scores_ids(scores).contains(&secret.pseudonym(&email(0)));

    // No key: raw ids, and standard error says so.
    let s = d.join("none.csv");
    let out = ok(rfm(&mut prisme(&d), &s));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no anonymization key"));
    assert!(scores_ids(&s).contains(&email(0)));
    // --anonymize without a key refuses.
    let out = prisme(&d)
        .args(["analyze", "--anonymize", "--transactions"])
        .arg(&tx)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--anonymize needs a key"));

    // PRISME_SECRET_FILE turns it on by default; --no-anonymize turns it off.
    let s = d.join("env.csv");
    ok(rfm(prisme(&d).env("PRISME_SECRET_FILE", &key), &s));
    assert!(pseudonymized(&s));
    let s = d.join("off.csv");
    ok(rfm_off(prisme(&d).env("PRISME_SECRET_FILE", &key), &s));
    assert!(scores_ids(&s).contains(&email(0)));

    // The default file, as `prisme key new` writes it.
    let out = ok(prisme(&d).args(["key", "new"]).output().unwrap());
    let written = d.join("home/.config/prisme/secret");
    let new_key = Secret::from_hex(&std::fs::read_to_string(&written).unwrap()).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        new_key.fingerprint()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&written).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = prisme(&d).args(["key", "new"]).output().unwrap();
    assert!(!again.status.success(), "an existing key is not replaced");
    let s = d.join("default.csv");
    ok(rfm(&mut prisme(&d), &s));
    assert!(scores_ids(&s).contains(&new_key.pseudonym(&email(0))));
}

#[test]
fn passphrases_and_bad_keys() {
    let d = dir("passphrase");
    // The reference key of tests/reference/argon2_reference.json (argon2-cffi).
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/reference/argon2_reference.json")).unwrap();
    let case = &reference[0];
    let (pass, salt) = (
        case["passphrase"].as_str().unwrap(),
        case["salt"].as_str().unwrap(),
    );
    let out = ok(prisme(&d)
        .args(["key", "fingerprint", "--salt", salt])
        .env("PRISME_PASSPHRASE", pass)
        .output()
        .unwrap());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        case["fingerprint"].as_str().unwrap()
    );
    let file = d.join("pass.txt");
    std::fs::write(&file, format!("{pass}\n")).unwrap();
    let out = ok(prisme(&d)
        .args(["key", "fingerprint", "--passphrase-file"])
        .arg(&file)
        .env("PRISME_SALT", salt)
        .output()
        .unwrap());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        case["fingerprint"].as_str().unwrap()
    );
    // A passphrase without the workspace's salt is refused with the way out.
    let out = prisme(&d)
        .args(["key", "fingerprint"])
        .env("PRISME_PASSPHRASE", pass)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("salt"));

    // Malformed and all-zero keys are refused with the reason.
    for (text, reason) in [
        (&KEY[..63], "64 hexadecimal digits"),
        ("0".repeat(64).as_str(), "all zeros"),
        (&format!("{}x", &KEY[..63]), "hexadecimal digits (0-9, a-f)"),
    ] {
        let bad = d.join("bad.txt");
        std::fs::write(&bad, text).unwrap();
        let out = prisme(&d)
            .args(["key", "fingerprint", "--secret-file"])
            .arg(&bad)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(reason), "{err}");
    }
}

#[test]
fn profile_json_states_personal_and_fate() {
    let d = dir("profile");
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/data/pii/clients_fr.csv"
    );
    let out = ok(prisme(&d)
        .args(["profile", "--json", file])
        .output()
        .unwrap());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let columns = json[0]["columns"].as_array().unwrap();
    let of = |name: &str| {
        let c = columns.iter().find(|c| c["name"] == name).unwrap();
        (
            c["personal"].as_bool().unwrap(),
            c["fate"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(of("N° client"), (true, "pseudonymize".into()));
    assert_eq!(of("Compte"), (true, "drop".into()));
    assert_eq!(of("Code postal"), (true, "generalize".into()));
    assert_eq!(of("Ville"), (false, "keep".into()));
    let text = ok(prisme(&d).args(["profile", file]).output().unwrap());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("fate drop (personal)"), "{text}");
    assert!(text.contains("fate keep"));
}

/// `prisme key reidentify` turns the pseudonymized target list back into the list made
/// without anonymization, line for line, with the key and the original files; a wrong key
/// finds nothing and says so.
#[test]
fn a_target_list_is_reidentified_with_the_key_and_the_files() {
    let d = dir("reidentify");
    let (tx, customers) = shop(&d);
    let key = d.join("key");
    std::fs::write(&key, format!("{KEY}\n")).unwrap();
    let mart = d.join("mart.json");
    std::fs::write(
        &mart,
        r#"{"name": "Fidèles", "filter": {"op": "compare", "column": "orders", "cmp": "ge", "value": 2}}"#,
    )
    .unwrap();
    let list = |out: &Path, anonymize: &[&str]| {
        ok(prisme(&d)
            .arg("workbench")
            .args([&tx, &customers])
            .args(anonymize)
            .arg("--datamart")
            .arg(&mart)
            .arg("--target-list")
            .arg(out)
            .args([
                "--target-columns",
                "orders,revenue,Offre",
                "--target-style",
                "fr",
            ])
            .output()
            .unwrap());
        std::fs::read_to_string(out).unwrap()
    };
    let key_arg = ["--secret-file", key.to_str().unwrap()];
    let pseudonymized = list(&d.join("pseudo.csv"), &key_arg);
    let raw = list(&d.join("raw.csv"), &["--no-anonymize"]);
    assert!(!pseudonymized.contains("@exemple.fr"));
    assert!(raw.lines().count() > 100, "{raw}");

    let back = d.join("back.csv");
    let out = ok(prisme(&d)
        .args(["key", "reidentify"])
        .arg(d.join("pseudo.csv"))
        .args([&tx, &customers])
        .args(key_arg)
        .arg("--out")
        .arg(&back)
        .output()
        .unwrap());
    let back = std::fs::read_to_string(&back).unwrap();
    let sorted = |t: &str| {
        let mut l: Vec<String> = t.lines().map(str::to_string).collect();
        l[1..].sort();
        l
    };
    // The same header (with its BOM) and the same rows; only the order (by id) differs.
    assert_eq!(sorted(&back), sorted(&raw));
    let n = raw.lines().count() - 1;
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("{n} of {n} ids re-identified")),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Another key: no pseudonym matches, and the message says what to check.
    let other = d.join("other");
    std::fs::write(&other, format!("{}\n", KEY.replace('9', "8"))).unwrap();
    let out = prisme(&d)
        .args(["key", "reidentify"])
        .arg(d.join("pseudo.csv"))
        .args([&tx, &customers])
        .arg("--secret-file")
        .arg(&other)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("none of the list's"));
}
