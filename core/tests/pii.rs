//! Personal data in realistic French and English files (CSV and XLSX, written by
//! `data/pii/make_pii_corpus.py`), under misleading headers and inside free text: the role
//! and the default fate of every column are written here by hand, and the test fails on any
//! personal column left at `keep` or any personal value that survives anonymization.

#![allow(clippy::result_large_err)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_schema::DataType;
use prisme_core::anonymize::{AnonymizeOptions, Fate, PiiAction};
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::{ReadOptions, Table};
use prisme_core::key::Secret;
use prisme_core::pii::contact::{find_emails, find_phones};
use prisme_core::sources::{Corrections, PreparedSource, prepare_source};

use Fate::{Drop, Generalize, Keep, Pseudonymize};

/// (column, role, default fate, personal). Personal columns are those whose default fate is
/// not `keep`, written out again so that a wrong fate and a wrong flag both show.
type Expected = &'static [(&'static str, Option<Role>, Fate, bool)];

const CLIENTS_FR: Expected = &[
    ("N° client", Some(Role::CustomerId), Pseudonymize, true),
    ("Titulaire", Some(Role::Name), Drop, true),
    ("Compte", Some(Role::Iban), Drop, true),
    ("Contact", Some(Role::Phone), Drop, true),
    ("Livraison", Some(Role::Address), Drop, true),
    ("Localisation", Some(Role::Postcode), Generalize, true),
    ("Code postal", Some(Role::Postcode), Generalize, true),
    ("Ville", Some(Role::City), Keep, false),
    ("Région", Some(Role::Region), Keep, false),
    ("Date de naissance", Some(Role::BirthDate), Generalize, true),
    ("Ref", Some(Role::NationalId), Drop, true),
    ("Commentaire", Some(Role::FreeText), Drop, true),
    ("Libellé", Some(Role::FreeText), Drop, true),
    ("Segment", None, Keep, false),
    ("Résilié", Some(Role::ChurnLabel), Keep, false),
    ("CA 2023", Some(Role::Amount), Keep, false),
];

const CUSTOMERS_EN: Expected = &[
    ("customer_id", Some(Role::CustomerId), Pseudonymize, true),
    ("owner", Some(Role::Name), Drop, true),
    ("email", Some(Role::Email), Drop, true),
    ("contact", Some(Role::Phone), Drop, true),
    ("ref", Some(Role::PaymentCard), Drop, true),
    ("ip", Some(Role::IpAddress), Drop, true),
    ("dob", Some(Role::BirthDate), Generalize, true),
    ("zip", Some(Role::Postcode), Generalize, true),
    ("location", Some(Role::Address), Drop, true),
    ("city", Some(Role::City), Keep, false),
    ("region", Some(Role::Region), Keep, false),
    ("notes", Some(Role::FreeText), Drop, true),
    // Unique user names no detector recognises: flagged, dropped until the user decides.
    ("handle", None, Drop, true),
    ("plan", None, Keep, false),
    ("churned", Some(Role::ChurnLabel), Keep, false),
    ("spend", Some(Role::Amount), Keep, false),
];

const VENTES_FR: Expected = &[
    // The shop's sales are keyed by e-mail: the key is pseudonymized, not dropped.
    ("Email", Some(Role::CustomerId), Pseudonymize, true),
    ("Date", Some(Role::Date), Keep, false),
    ("Montant", Some(Role::Amount), Keep, false),
    ("Canal", Some(Role::Channel), Keep, false),
    ("Observations", Some(Role::FreeText), Drop, true),
    ("Numéro", Some(Role::Phone), Drop, true),
    // NIRs stored as numbers by the spreadsheet.
    ("Identifiant", Some(Role::NationalId), Drop, true),
    ("Carte", Some(Role::PaymentCard), Drop, true),
    ("Adresse IP", Some(Role::IpAddress), Drop, true),
    ("Magasin", Some(Role::Region), Keep, false),
];

const ACCOUNTS_EN: Expected = &[
    ("Member ID", Some(Role::CustomerId), Pseudonymize, true),
    ("Account", Some(Role::Iban), Drop, true),
    ("Holder", Some(Role::Name), Drop, true),
    ("Date of birth", Some(Role::BirthDate), Generalize, true),
    ("Postcode", Some(Role::Postcode), Generalize, true),
    ("Town", Some(Role::City), Keep, false),
    ("Notes", Some(Role::FreeText), Drop, true),
    ("Phone", Some(Role::Phone), Drop, true),
    ("Tier", None, Keep, false),
    ("Balance", Some(Role::Amount), Keep, false),
];

const FILES: &[(&str, &[u8], Expected)] = &[
    (
        "clients_fr.csv",
        include_bytes!("data/pii/clients_fr.csv"),
        CLIENTS_FR,
    ),
    (
        "customers_en.csv",
        include_bytes!("data/pii/customers_en.csv"),
        CUSTOMERS_EN,
    ),
    (
        "ventes_fr.xlsx",
        include_bytes!("data/pii/ventes_fr.xlsx"),
        VENTES_FR,
    ),
    (
        "accounts_en.xlsx",
        include_bytes!("data/pii/accounts_en.xlsx"),
        ACCOUNTS_EN,
    ),
];

fn secret() -> Secret {
    Secret::from_hex("3f1c0a9e5b7d2468ace013579bdf2468ace013579bdf02468ace013579bdf024").unwrap()
}

fn prepare(
    name: &str,
    bytes: &[u8],
    opts: Option<&AnonymizeOptions>,
    corrections: &Corrections,
) -> PreparedSource {
    prepare_source(
        name,
        bytes,
        &ReadOptions::default(),
        corrections,
        opts,
        None,
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every non-blank cell of a table's column as text.
fn cells(table: &Table, column: &str) -> Vec<String> {
    let Some(col) = table.columns.iter().find(|c| c.plan.name == column) else {
        return Vec::new();
    };
    let text = arrow_cast::cast::cast(&col.array, &DataType::Utf8).unwrap();
    let s = text.as_string::<i32>();
    (0..s.len())
        .filter(|&i| s.is_valid(i) && !s.value(i).trim().is_empty())
        .map(|i| s.value(i).to_string())
        .collect()
}

fn all_cells(table: &Table) -> Vec<String> {
    table
        .columns
        .iter()
        .flat_map(|c| cells(table, &c.plan.name))
        .collect()
}

#[test]
fn every_column_has_its_hand_written_role_and_fate() {
    for &(file, bytes, expected) in FILES {
        let s = prepare(file, bytes, None, &Corrections::default());
        let names: Vec<&str> = s.view.columns.iter().map(|c| c.name.as_str()).collect();
        let wanted: Vec<&str> = expected.iter().map(|e| e.0).collect();
        assert_eq!(names, wanted, "{file}: columns");
        for &(column, role, fate, personal) in expected {
            let c = s.view.columns.iter().find(|c| c.name == column).unwrap();
            assert_eq!(c.role.map(|r| r.role), role, "{file}: role of {column}");
            assert_eq!(c.default_fate, fate, "{file}: default fate of {column}");
            assert_eq!(c.personal, personal, "{file}: personal {column}");
            assert!(
                !personal || c.default_fate != Keep,
                "{file}: personal column {column} left at keep"
            );
            // Anonymization off: everything is kept, and the view says so.
            assert_eq!(c.fate, Keep, "{file}: {column} without anonymization");
            // The profile (what `prisme profile --json` prints) says the same.
            let p = s
                .view
                .profile
                .columns
                .iter()
                .find(|p| p.name == column)
                .unwrap();
            assert_eq!(
                (p.personal, p.fate),
                (personal, fate),
                "{file}: profile {column}"
            );
        }
    }
}

/// The raw values of personal columns, at least five characters long (shorter ones such as
/// `oui` also occur in harmless columns).
fn personal_values(file: &str, bytes: &[u8], expected: Expected) -> Vec<(String, String)> {
    let raw = prepare(file, bytes, None, &Corrections::default());
    expected
        .iter()
        .filter(|e| e.3)
        .flat_map(|e| {
            cells(&raw.table, e.0)
                .into_iter()
                .filter(|v| v.chars().count() >= 5)
                .map(|v| (e.0.to_string(), v))
        })
        .collect()
}

fn assert_nothing_personal_survives(
    file: &str,
    table: &Table,
    personal: &[(String, String)],
    what: &str,
) {
    let out = all_cells(table);
    for (column, v) in personal {
        assert!(
            !out.iter().any(|cell| cell.contains(v.as_str())),
            "{file} ({what}): the value {v:?} of {column} survived"
        );
    }
}

#[test]
fn default_anonymization_leaves_no_personal_value() {
    let opts = AnonymizeOptions::new(secret());
    for &(file, bytes, expected) in FILES {
        let personal = personal_values(file, bytes, expected);
        assert!(
            personal.len() > 100,
            "{file}: the corpus holds personal data"
        );
        let s = prepare(file, bytes, Some(&opts), &Corrections::default());
        for &(column, _, fate, _) in expected {
            let c = s.view.columns.iter().find(|c| c.name == column).unwrap();
            assert_eq!(c.fate, fate, "{file}: {column}");
            let present = s.table.columns.iter().any(|t| t.plan.name == column);
            assert_eq!(present, fate != Drop, "{file}: {column} present");
        }
        assert_nothing_personal_survives(file, &s.table, &personal, "defaults");
    }
}

#[test]
fn masking_leaves_no_personal_value() {
    let opts = AnonymizeOptions {
        pii: PiiAction::Mask,
        ..AnonymizeOptions::new(secret())
    };
    for &(file, bytes, expected) in FILES {
        let personal: Vec<(String, String)> = personal_values(file, bytes, expected)
            .into_iter()
            // Free text is redacted, not masked: its words stay (checked below).
            .filter(|(c, _)| {
                !matches!(
                    c.as_str(),
                    "Commentaire" | "Libellé" | "notes" | "Observations" | "Notes" | "handle"
                )
            })
            .collect();
        let s = prepare(file, bytes, Some(&opts), &Corrections::default());
        assert_nothing_personal_survives(file, &s.table, &personal, "masked");
    }
}

#[test]
fn kept_free_text_is_redacted() {
    let opts = AnonymizeOptions::new(secret());
    let (file, bytes, _) = FILES[0];
    let kept = Corrections {
        fates: vec![(11, Fate::Redact), (12, Fate::Redact)],
        ..Corrections::default()
    };
    let s = prepare(file, bytes, Some(&opts), &kept);
    assert_eq!(s.view.columns[11].fate, Fate::Redact);
    assert!(s.view.columns[11].fate_chosen);
    for column in ["Commentaire", "Libellé"] {
        let text = cells(&s.table, column);
        assert_eq!(text.len(), 30, "{column} kept");
        for t in &text {
            assert!(
                find_emails(t).is_empty() && find_phones(t).is_empty(),
                "{t}"
            );
        }
        assert!(text.iter().any(|t| t.contains("[email]")), "{column}");
    }
    assert!(
        cells(&s.table, "Commentaire")
            .iter()
            .any(|t| t.contains("[phone]"))
    );
    // The words stay.
    assert!(
        cells(&s.table, "Libellé")
            .iter()
            .any(|t| t.starts_with("Ouverture de compte en agence"))
    );
}

#[test]
fn generalized_values() {
    let opts = AnonymizeOptions::new(secret());
    let (file, bytes, _) = FILES[0];
    let s = prepare(file, bytes, Some(&opts), &Corrections::default());
    let deps = cells(&s.table, "Code postal");
    assert_eq!(
        &deps[..12],
        [
            "75", "69", "13", "31", "59", "33", "01", "2A", "2B", "974", "06", "44"
        ]
    );
    assert_eq!(cells(&s.table, "Localisation"), deps);
    // Birth dates become years.
    let years = cells(&s.table, "Date de naissance");
    assert!(
        years
            .iter()
            .all(|y| y.len() == 4 && (y.as_str() >= "1950" && y.as_str() < "2000"))
    );
    // Typed birth dates of a spreadsheet too.
    let (file, bytes, _) = FILES[3];
    let s = prepare(file, bytes, Some(&opts), &Corrections::default());
    let years = cells(&s.table, "Date of birth");
    assert_eq!(years.len(), 25);
    assert!(years.iter().all(|y| y.len() == 4));
    // UK postcodes keep their area.
    assert_eq!(cells(&s.table, "Postcode")[0], "SW");
}

#[test]
fn an_email_key_becomes_the_pseudonym_of_the_email() {
    let opts = AnonymizeOptions::new(secret());
    let (file, bytes, _) = FILES[2];
    let raw = prepare(file, bytes, None, &Corrections::default());
    let s = prepare(file, bytes, Some(&opts), &Corrections::default());
    let emails = cells(&raw.table, "Email");
    let pseudonyms = cells(&s.table, "Email");
    assert_eq!(emails.len(), 40);
    for (e, p) in emails.iter().zip(&pseudonyms) {
        assert_eq!(*p, secret().pseudonym(e));
    }
}
