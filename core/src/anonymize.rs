//! Anonymization, applied right after reading and before anything is kept: identifier columns
//! become keyed pseudonyms, personal-data columns are dropped or masked.
//!
//! Pseudonyms are HMAC-SHA-256 of the identifier under a per-project secret (RustCrypto's
//! `hmac` and `sha2`), truncated to 80 bits and written in hex: the same secret gives the same
//! pseudonym, so files pseudonymized separately still join, and without the secret the
//! original ids cannot be recomputed from a guess list.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt32Type;
use arrow_array::{ArrayRef, DictionaryArray, StringArray};
use arrow_schema::DataType;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ingest::Table;
use crate::ingest::roles::Role;

/// What to do with personal-data columns (e-mail, phone, name, address, IBAN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PiiAction {
    /// Remove the column.
    #[default]
    Drop,
    /// Keep a masked form (`j***@example.com`, `** ** ** ** 12`).
    Mask,
    /// Keep as is (the user opted out).
    Keep,
}

/// Anonymization settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnonymizeOptions {
    /// The per-project secret (at least 16 bytes; the app generates 32 random bytes).
    pub secret: Vec<u8>,
    pub pseudonymize_ids: bool,
    pub pii: PiiAction,
}

/// What anonymization did, for the profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnonymizationReport {
    pub pseudonymized: Vec<String>,
    pub dropped: Vec<String>,
    pub masked: Vec<String>,
}

/// Errors of the anonymization family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnonymizeError {
    #[error("the project secret must be at least 16 bytes long, not {0}")]
    ShortSecret(usize),
}

/// The pseudonym of one identifier: 20 hex digits of HMAC-SHA-256(secret, id).
pub fn pseudonym(secret: &[u8], id: &str) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(20);
    for b in &digest[..10] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Masks a personal value, keeping what helps a user recognise the kind of value.
pub fn mask(role: Role, value: &str) -> String {
    let v = value.trim();
    match role {
        Role::Email => match v.split_once('@') {
            Some((user, domain)) => {
                let first: String = user.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        },
        Role::Phone => {
            let digits: Vec<char> = v.chars().filter(char::is_ascii_digit).collect();
            let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
            format!("** ** ** ** {tail}")
        }
        Role::Iban => {
            let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            let country: String = compact.chars().take(2).collect();
            let tail: String = compact
                .chars()
                .skip(compact.chars().count().saturating_sub(4))
                .collect();
            format!("{country}** **** **** {tail}")
        }
        Role::Name => {
            let initial: String = v.chars().take(1).collect();
            if initial.is_empty() {
                String::new()
            } else {
                format!("{initial}.")
            }
        }
        _ => "***".into(),
    }
}

fn map_strings(array: &ArrayRef, f: impl Fn(&str) -> String) -> ArrayRef {
    match array.data_type() {
        DataType::Dictionary(_, _) => {
            // Only the distinct values are transformed: keys (and joins) are unchanged.
            let dict = array.as_dictionary::<UInt32Type>();
            let values = dict.values().as_string::<i32>();
            let mapped: StringArray = values.iter().map(|v| v.map(&f)).collect();
            Arc::new(DictionaryArray::new(dict.keys().clone(), Arc::new(mapped)))
        }
        DataType::Utf8 => {
            let s = array.as_string::<i32>();
            let mapped: StringArray = s.iter().map(|v| v.map(&f)).collect();
            Arc::new(mapped)
        }
        // Identifier and personal columns are always read as text (see `build_kind`).
        _ => array.clone(),
    }
}

/// Anonymizes a table in place and says what it did.
pub fn anonymize(
    table: &mut Table,
    opts: &AnonymizeOptions,
) -> Result<AnonymizationReport, AnonymizeError> {
    if opts.secret.len() < 16 {
        return Err(AnonymizeError::ShortSecret(opts.secret.len()));
    }
    let mut report = AnonymizationReport::default();
    let mut keep = Vec::with_capacity(table.columns.len());
    for mut col in std::mem::take(&mut table.columns) {
        let role = col.plan.role.map(|r| r.role);
        match role {
            Some(Role::CustomerId | Role::OrderId) if opts.pseudonymize_ids => {
                col.array = map_strings(&col.array, |id| pseudonym(&opts.secret, id));
                // Invalid-value examples would show the original ids.
                col.invalid.examples.clear();
                report.pseudonymized.push(col.plan.name.clone());
                keep.push(col);
            }
            Some(r) if r.is_pii() => match opts.pii {
                PiiAction::Drop => report.dropped.push(col.plan.name.clone()),
                PiiAction::Mask => {
                    col.array = map_strings(&col.array, |v| mask(r, v));
                    col.invalid.examples.clear();
                    report.masked.push(col.plan.name.clone());
                    keep.push(col);
                }
                PiiAction::Keep => keep.push(col),
            },
            _ => keep.push(col),
        }
    }
    table.columns = keep;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Our pseudonym is the first 10 bytes of that MAC.
        assert_eq!(
            pseudonym(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a04"
        );
    }

    #[test]
    fn same_secret_same_pseudonym() {
        let s = b"0123456789abcdef-project";
        assert_eq!(pseudonym(s, "C001"), pseudonym(s, "C001"));
        assert_ne!(pseudonym(s, "C001"), pseudonym(s, "C002"));
        assert_ne!(
            pseudonym(s, "C001"),
            pseudonym(b"another-secret-of-16b", "C001")
        );
    }

    #[test]
    fn masks() {
        assert_eq!(
            mask(Role::Email, "jean.dupont@exemple.fr"),
            "j***@exemple.fr"
        );
        assert_eq!(mask(Role::Phone, "+33 6 12 34 56 78"), "** ** ** ** 78");
        assert_eq!(
            mask(Role::Iban, "FR76 3000 6000 0112 3456 7890 189"),
            "FR** **** **** 0189"
        );
        assert_eq!(mask(Role::Name, "Élodie"), "É.");
        assert_eq!(mask(Role::Address, "1 rue de la Paix"), "***");
    }
}
