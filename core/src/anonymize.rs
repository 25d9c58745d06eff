//! Anonymization, applied right after reading and before anything is kept: what each column
//! becomes ([`Fate`]) under the user's settings, and doing it.
//!
//! Default fates ([`default_fate`]), decided from the column's role ([`crate::ingest::roles`],
//! content detectors in [`crate::pii`]):
//!
//! | column | fate |
//! | --- | --- |
//! | customer id, order id (even when the key is an e-mail or a phone) | pseudonymize |
//! | national id, payment card, IBAN, name, e-mail, phone, IP address, street address | drop |
//! | birth date | generalize to the year of birth |
//! | postcode | generalize to the département (`75002` → `75`; `20090` → `2A`; `97400` → `974`) |
//! | free text | drop (redact when the user keeps it: e-mails, phones, IBANs, cards, NIRs replaced by `[email]`, `[phone]`, …) |
//! | unrecognised text with mostly distinct values, or long text ([`crate::pii::needs_decision`]) | drop until the user decides |
//! | everything else (dates, amounts, city, region, channel, category, …) | keep |
//!
//! Pseudonyms are HMAC-SHA-256 of the identifier under the project's key
//! ([`crate::key::Secret`]; RustCrypto's `hmac` and `sha2`), truncated to 80 bits and written
//! in hex: the same key gives the same pseudonym, so files pseudonymized separately still
//! join, and without the key the original ids cannot be recomputed from a guess list.
//!
//! Masks keep only what tells the kind of value apart, never what points to the person: an
//! e-mail keeps its domain only when it is a public webmail provider's (`***@gmail.com`,
//! otherwise `***@***`), a phone its country or French area prefix, an IBAN its country, an
//! IPv4 address its first two bytes, a name its initial.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int64Type, TimestampMillisecondType, UInt32Type};
use arrow_array::{Array, ArrayRef, DictionaryArray, Int64Array, StringArray};
use arrow_schema::DataType;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ingest::column::{ColumnKind, FormatReport};
use crate::ingest::date::civil_from_days;
use crate::ingest::roles::Role;
use crate::ingest::{ColumnPlan, Table, TableColumn};
use crate::key::Secret;
use crate::pii;

/// What to do with personal-data columns: the user's global choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PiiAction {
    /// The default fates (see the module documentation).
    #[default]
    Drop,
    /// Keep a masked form of direct identifiers (`***@***`, `06 ** ** ** **`), generalize
    /// birth dates and postcodes, redact free text.
    Mask,
    /// Keep personal data as it is (the user opted out), except free text, which is redacted.
    Keep,
}

/// What becomes of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fate {
    /// Keyed pseudonyms replace the values (identifiers).
    Pseudonymize,
    /// The column is removed.
    Drop,
    /// A masked form replaces each value.
    Mask,
    /// A coarser value replaces each value (year of birth, département).
    Generalize,
    /// E-mails, phones, IBANs, cards and NIRs inside the text are replaced by tags.
    Redact,
    /// The column is kept as it is.
    Keep,
}

impl Fate {
    pub const ALL: [Fate; 6] = [
        Fate::Pseudonymize,
        Fate::Drop,
        Fate::Mask,
        Fate::Generalize,
        Fate::Redact,
        Fate::Keep,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Fate::Pseudonymize => "pseudonymize",
            Fate::Drop => "drop",
            Fate::Mask => "mask",
            Fate::Generalize => "generalize",
            Fate::Redact => "redact",
            Fate::Keep => "keep",
        }
    }

    pub fn from_key(key: &str) -> Option<Fate> {
        Fate::ALL.into_iter().find(|f| f.key() == key.trim())
    }
}

/// Anonymization settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymizeOptions {
    /// The project's key (checked: never all zeros).
    pub secret: Secret,
    pub pseudonymize_ids: bool,
    pub pii: PiiAction,
}

impl AnonymizeOptions {
    /// The default settings with this key: ids pseudonymized, personal data at its default
    /// fate.
    pub fn new(secret: Secret) -> AnonymizeOptions {
        AnonymizeOptions {
            secret,
            pseudonymize_ids: true,
            pii: PiiAction::Drop,
        }
    }
}

/// What anonymization did, by column name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnonymizationReport {
    pub pseudonymized: Vec<String>,
    pub dropped: Vec<String>,
    pub masked: Vec<String>,
    pub generalized: Vec<String>,
    pub redacted: Vec<String>,
    /// Personal columns kept as they are, by the user's choice.
    pub kept_personal: Vec<String>,
}

/// Errors of the anonymization family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnonymizeError {
    #[error(
        "column {column:?} cannot be generalized: only birth dates (to the year), postcodes \
         (to the département) and other dates (to the year) can; choose drop, mask or keep"
    )]
    CannotGeneralize { column: String },
}

/// How the default settings treat a column, for the profile and the Data page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnPrivacy {
    /// Treated as personal data: identifiers, personal-data roles, and unrecognised columns
    /// awaiting the user's decision. Exactly the columns whose default fate is not `keep`.
    pub personal: bool,
    /// Unrecognised text that may be personal: dropped until the user decides.
    pub needs_decision: bool,
    /// The fate under the default settings.
    pub fate: Fate,
}

/// The fate of a column with this role under the default settings.
pub fn default_fate(role: Option<Role>, needs_decision: bool) -> Fate {
    match role {
        Some(Role::CustomerId | Role::OrderId) => Fate::Pseudonymize,
        Some(Role::BirthDate | Role::Postcode) => Fate::Generalize,
        Some(r) if r.is_pii() => Fate::Drop,
        None if needs_decision => Fate::Drop,
        _ => Fate::Keep,
    }
}

/// The fate of a column with this role under the user's settings (before per-column choices).
pub fn fate_under(role: Option<Role>, needs_decision: bool, opts: &AnonymizeOptions) -> Fate {
    match role {
        Some(Role::CustomerId | Role::OrderId) => {
            if opts.pseudonymize_ids {
                Fate::Pseudonymize
            } else {
                Fate::Keep
            }
        }
        Some(r) if r.is_pii() => match (opts.pii, r) {
            (PiiAction::Drop, _) => default_fate(role, needs_decision),
            (_, Role::FreeText) => Fate::Redact,
            (PiiAction::Mask, Role::BirthDate | Role::Postcode) => Fate::Generalize,
            (PiiAction::Mask, _) => Fate::Mask,
            (PiiAction::Keep, _) => Fate::Keep,
        },
        None if needs_decision => match opts.pii {
            PiiAction::Keep => Fate::Keep,
            _ => Fate::Drop,
        },
        _ => Fate::Keep,
    }
}

/// How the default settings treat a planned column.
pub fn column_privacy(plan: &ColumnPlan) -> ColumnPrivacy {
    let role = plan.role.map(|r| r.role);
    let needs_decision = pii::needs_decision(role, &plan.guess);
    let fate = default_fate(role, needs_decision);
    ColumnPrivacy {
        personal: fate != Fate::Keep,
        needs_decision,
        fate,
    }
}

/// The fate of a planned column: the user's choice for it (`choices`, by column index) if
/// any, else the settings' fate; `Keep` when anonymization is off.
pub fn column_fate(
    plan: &ColumnPlan,
    opts: Option<&AnonymizeOptions>,
    choices: &[(usize, Fate)],
) -> Fate {
    let Some(opts) = opts else {
        return Fate::Keep;
    };
    if let Some(&(_, f)) = choices.iter().rev().find(|(i, _)| *i == plan.index) {
        return f;
    }
    let role = plan.role.map(|r| r.role);
    fate_under(role, pii::needs_decision(role, &plan.guess), opts)
}

/// The pseudonym of one identifier: 20 hex digits of HMAC-SHA-256(key, id). Callers use
/// [`Secret::pseudonym`]; this is the primitive, tested against RFC 4231.
pub fn pseudonym(key: &[u8], id: &str) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(20);
    for b in &digest[..10] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Masks a personal value, keeping only what tells the kind of value apart (see the module
/// documentation).
pub fn mask(role: Role, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return String::new();
    }
    match role {
        Role::Email => match v.rsplit_once('@') {
            Some((_, domain)) => {
                let d = domain.trim().to_lowercase();
                if pii::contact::PUBLIC_MAIL_DOMAINS.contains(&d.as_str()) {
                    format!("***@{d}")
                } else {
                    "***@***".into()
                }
            }
            None => "***".into(),
        },
        Role::Phone => {
            let digits: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
            let international = v.starts_with('+') || digits.starts_with(b"00");
            let national = if digits.starts_with(b"00") {
                &digits[2..]
            } else {
                &digits[..]
            };
            if international && national.starts_with(b"33") {
                "+33 ** ** ** **".into()
            } else if international {
                "+** ** ** ** **".into()
            } else if digits.len() == 10 && digits[0] == b'0' {
                format!("0{} ** ** ** **", char::from(digits[1]))
            } else {
                "** ** ** ** **".into()
            }
        }
        Role::Iban => {
            let country: String = v
                .chars()
                .filter(char::is_ascii_alphabetic)
                .take(2)
                .collect::<String>()
                .to_ascii_uppercase();
            format!("{country}** **** **** ****")
        }
        Role::Name => {
            let initial: String = v.chars().take(1).collect();
            format!("{initial}.")
        }
        Role::PaymentCard => "**** **** **** ****".into(),
        Role::IpAddress => match v.parse::<std::net::Ipv4Addr>() {
            Ok(ip) => {
                let o = ip.octets();
                format!("{}.{}.*.*", o[0], o[1])
            }
            Err(_) => "***".into(),
        },
        Role::Postcode => pii::address::generalize_postcode(v),
        Role::FreeText => pii::redact::redact(v),
        _ => "***".into(),
    }
}

/// The column as text (identifiers and personal columns are read as text already; a user's
/// choice may apply a text fate to another column).
fn as_text(array: &ArrayRef) -> ArrayRef {
    match array.data_type() {
        DataType::Utf8 | DataType::Dictionary(_, _) => array.clone(),
        _ => arrow_cast::cast::cast(array, &DataType::Utf8).unwrap_or_else(|_| {
            // Every type our readers build casts to text; anything else becomes blanks.
            Arc::new(StringArray::new_null(array.len()))
        }),
    }
}

fn map_strings(array: &ArrayRef, f: impl Fn(&str) -> String) -> ArrayRef {
    let array = as_text(array);
    match array.data_type() {
        DataType::Dictionary(_, _) => {
            // Only the distinct values are transformed: keys (and joins) are unchanged.
            let dict = array.as_dictionary::<UInt32Type>();
            let values = dict.values().as_string::<i32>();
            let mapped: StringArray = values.iter().map(|v| v.map(&f)).collect();
            Arc::new(DictionaryArray::new(dict.keys().clone(), Arc::new(mapped)))
        }
        _ => {
            let s = array.as_string::<i32>();
            let mapped: StringArray = s.iter().map(|v| v.map(&f)).collect();
            Arc::new(mapped)
        }
    }
}

/// The year of a date written as text (`12/03/1985`, `1985-03-12`): a four-digit number from
/// 1900 to 2100.
fn year_in_text(text: &str) -> Option<i64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|t| t.len() == 4)
        .filter_map(|t| t.parse::<i64>().ok())
        .find(|y| (1900..=2100).contains(y))
}

/// Dates (or years, or dates as text) to their year.
fn years(array: &ArrayRef) -> Option<ArrayRef> {
    let year = |days: i32| i64::from(civil_from_days(days).0);
    let out: Int64Array = match array.data_type() {
        DataType::Date32 => array
            .as_primitive::<Date32Type>()
            .iter()
            .map(|d| d.map(year))
            .collect(),
        DataType::Timestamp(_, _) => array
            .as_primitive::<TimestampMillisecondType>()
            .iter()
            .map(|ms| ms.map(|ms| year(ms.div_euclid(86_400_000) as i32)))
            .collect(),
        // Years of birth already.
        DataType::Int64 => array.as_primitive::<Int64Type>().clone(),
        DataType::Utf8 | DataType::Dictionary(_, _) => {
            let text = arrow_cast::cast::cast(array, &DataType::Utf8).ok()?;
            text.as_string::<i32>()
                .iter()
                .map(|v| v.and_then(year_in_text))
                .collect()
        }
        _ => return None,
    };
    Some(Arc::new(out))
}

/// Applies one fate to one column; `None` when the column is dropped.
fn apply(
    mut col: TableColumn,
    fate: Fate,
    opts: &AnonymizeOptions,
) -> Result<Option<TableColumn>, AnonymizeError> {
    let role = col.plan.role.map(|r| r.role);
    let text = |col: &mut TableColumn, array: ArrayRef| {
        col.array = array;
        col.kind = ColumnKind::Text;
        col.format = FormatReport::None;
    };
    match fate {
        Fate::Keep => return Ok(Some(col)),
        Fate::Drop => return Ok(None),
        Fate::Pseudonymize => {
            let a = map_strings(&col.array, |id| opts.secret.pseudonym(id));
            text(&mut col, a);
        }
        Fate::Mask => {
            let r = role.unwrap_or(Role::Name);
            let a = map_strings(&col.array, |v| mask(r, v));
            text(&mut col, a);
        }
        Fate::Redact => {
            let a = map_strings(&col.array, pii::redact::redact);
            text(&mut col, a);
        }
        Fate::Generalize => match role {
            Some(Role::Postcode) => {
                let a = map_strings(&col.array, pii::address::generalize_postcode);
                text(&mut col, a);
            }
            _ if role == Some(Role::BirthDate) || col.kind.is_temporal() => {
                let a = years(&col.array).ok_or_else(|| AnonymizeError::CannotGeneralize {
                    column: col.plan.name.clone(),
                })?;
                col.array = a;
                col.kind = ColumnKind::Integer;
                col.format = FormatReport::None;
            }
            _ => {
                return Err(AnonymizeError::CannotGeneralize {
                    column: col.plan.name.clone(),
                });
            }
        },
    }
    // Invalid-value examples would show the original values.
    col.invalid.examples.clear();
    Ok(Some(col))
}

/// The values in clear of the columns anonymization pseudonymizes (customer ids and other
/// identifiers), distinct: where re-identification ([`crate::reidentify`]) looks pseudonyms up.
pub fn pseudonymized_values(
    table: &Table,
    opts: &AnonymizeOptions,
    choices: &[(usize, Fate)],
) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for col in &table.columns {
        if column_fate(&col.plan, Some(opts), choices) != Fate::Pseudonymize {
            continue;
        }
        let text = as_text(&col.array);
        let strings = match text.data_type() {
            DataType::Dictionary(_, _) => text
                .as_dictionary::<UInt32Type>()
                .values()
                .as_string::<i32>()
                .clone(),
            _ => text.as_string::<i32>().clone(),
        };
        out.extend(strings.iter().flatten().map(str::to_string));
    }
    out.into_iter().collect()
}

/// Anonymizes a table in place under the settings and says what it did.
pub fn anonymize(
    table: &mut Table,
    opts: &AnonymizeOptions,
) -> Result<AnonymizationReport, AnonymizeError> {
    anonymize_with(table, opts, &[])
}

/// Anonymizes a table in place, with the user's per-column choices (column index, fate)
/// taking precedence over the settings.
pub fn anonymize_with(
    table: &mut Table,
    opts: &AnonymizeOptions,
    choices: &[(usize, Fate)],
) -> Result<AnonymizationReport, AnonymizeError> {
    let mut report = AnonymizationReport::default();
    let mut keep = Vec::with_capacity(table.columns.len());
    for col in std::mem::take(&mut table.columns) {
        let fate = column_fate(&col.plan, Some(opts), choices);
        let name = col.plan.name.clone();
        let personal = column_privacy(&col.plan).personal;
        if let Some(c) = apply(col, fate, opts)? {
            keep.push(c);
        }
        match fate {
            Fate::Pseudonymize => report.pseudonymized.push(name),
            Fate::Drop => report.dropped.push(name),
            Fate::Mask => report.masked.push(name),
            Fate::Generalize => report.generalized.push(name),
            Fate::Redact => report.redacted.push(name),
            Fate::Keep if personal => report.kept_personal.push(name),
            Fate::Keep => {}
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
    fn masks_leak_nothing_personal() {
        assert_eq!(mask(Role::Email, "jean.dupont@exemple.fr"), "***@***");
        assert_eq!(mask(Role::Email, "Jean.Dupont@GMail.com"), "***@gmail.com");
        assert_eq!(mask(Role::Phone, "06 12 34 56 78"), "06 ** ** ** **");
        assert_eq!(mask(Role::Phone, "+33 6 12 34 56 78"), "+33 ** ** ** **");
        assert_eq!(mask(Role::Phone, "+44 20 7946 0958"), "+** ** ** ** **");
        assert_eq!(
            mask(Role::Iban, "FR76 3000 6000 0112 3456 7890 189"),
            "FR** **** **** ****"
        );
        assert_eq!(mask(Role::Name, "Élodie"), "É.");
        assert_eq!(mask(Role::Address, "1 rue de la Paix"), "***");
        assert_eq!(
            mask(Role::PaymentCard, "4111 1111 1111 1111"),
            "**** **** **** ****"
        );
        assert_eq!(mask(Role::IpAddress, "192.168.1.20"), "192.168.*.*");
        assert_eq!(mask(Role::NationalId, "2 55 08 14 168 025 38"), "***");
        assert_eq!(mask(Role::Email, " "), "");
    }

    #[test]
    fn fates() {
        use Role::*;
        for (role, fate) in [
            (CustomerId, Fate::Pseudonymize),
            (OrderId, Fate::Pseudonymize),
            (NationalId, Fate::Drop),
            (PaymentCard, Fate::Drop),
            (Iban, Fate::Drop),
            (Name, Fate::Drop),
            (Email, Fate::Drop),
            (Phone, Fate::Drop),
            (IpAddress, Fate::Drop),
            (Address, Fate::Drop),
            (FreeText, Fate::Drop),
            (BirthDate, Fate::Generalize),
            (Postcode, Fate::Generalize),
            (City, Fate::Keep),
            (Region, Fate::Keep),
            (Amount, Fate::Keep),
        ] {
            assert_eq!(default_fate(Some(role), false), fate, "{role:?}");
        }
        assert_eq!(default_fate(None, true), Fate::Drop);
        assert_eq!(default_fate(None, false), Fate::Keep);
        let mut opts = AnonymizeOptions::new(Secret::from_bytes([9; 32]).unwrap());
        opts.pii = PiiAction::Mask;
        assert_eq!(fate_under(Some(Email), false, &opts), Fate::Mask);
        assert_eq!(fate_under(Some(FreeText), false, &opts), Fate::Redact);
        assert_eq!(fate_under(Some(Postcode), false, &opts), Fate::Generalize);
        opts.pii = PiiAction::Keep;
        assert_eq!(fate_under(Some(Email), false, &opts), Fate::Keep);
        assert_eq!(fate_under(Some(FreeText), false, &opts), Fate::Redact);
        assert_eq!(fate_under(None, true, &opts), Fate::Keep);
        assert_eq!(Fate::from_key("generalize"), Some(Fate::Generalize));
    }

    #[test]
    fn years_from_text() {
        assert_eq!(year_in_text("12/03/1985"), Some(1985));
        assert_eq!(year_in_text("1985-03-12"), Some(1985));
        assert_eq!(year_in_text("inconnue"), None);
    }
}
