//! Personal data recognised by content, so that a misleading header ("compte", "titulaire",
//! "ref", "contact", "livraison", "Commentaire") does not let it through.
//!
//! Each sampled value of a column (the first thousand rows, as for column kinds) goes through
//! the detectors below and is counted under the first that recognises it ([`Evidence`]); the
//! column then takes a personal-data role when a large enough share of its non-blank values
//! agree ([`content_role`]):
//!
//! | role | a value counts when it is | share needed |
//! | --- | --- | --- |
//! | IBAN | an IBAN passing its mod-97 check ([`checksum`]) | 0.8 |
//! | national id | a French NIR with its key, 2A/2B included ([`checksum`]) | 0.8 |
//! | payment card | 13–19 digits of a card scheme passing Luhn ([`checksum`]) | 0.8 |
//! | e-mail / phone | an e-mail, or a French or international phone number, alone or in a short value (`Tél. 06 …`) ([`contact`]) | 0.8 together; the more frequent names the role |
//! | IP address | IPv4 or IPv6 ([`network`]) | 0.8 |
//! | address | a house number and a kind of street ([`address`]) | 0.6 |
//! | postcode | `75002 Paris`; or a bare French postcode under a location header (localisation, livraison, lieu, …) ([`address`]) | 0.8 |
//! | name | capitalised words with a common first name or a civility ([`names`]) | 0.6; 0.3 under a person header (titulaire, owner, contact, …) |
//! | free text | four words or more, when at least one sampled value holds an e-mail, phone, IBAN, card or NIR ([`redact`]) | 0.3 of long values |
//!
//! Structured detectors ask for 0.8 so that one bad value does not hide a column, while ids
//! that pass a check digit by chance (one in 10 for Luhn, one in 97 for mod 97) never reach
//! it; addresses and names vary more, and their detectors make fewer false matches, hence
//! lower shares. Content wins over any header except a customer-id header: a customer key
//! that is an e-mail or a phone stays the key (it is pseudonymized, not dropped).

pub mod address;
pub mod checksum;
pub mod contact;
pub mod names;
pub mod network;
pub mod redact;

use serde::{Deserialize, Serialize};

use crate::ingest::column::ColumnKind;
use crate::ingest::roles::{Role, normalize};
use crate::ingest::sniff::KindGuess;

/// Characters of a value the detectors look at: longer texts are cut (a sample is enough to
/// tell the kind of column).
const MAX_VALUE_CHARS: usize = 2000;

/// What the sampled values of one column look like, counted by detector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Evidence {
    /// Non-blank values examined.
    pub values: u32,
    pub email: u32,
    pub phone: u32,
    pub iban: u32,
    pub card: u32,
    pub nir: u32,
    pub ip: u32,
    pub street: u32,
    /// A bare French postcode (`75002`).
    pub postcode: u32,
    /// A postcode with its city (`75002 Paris`).
    pub postcode_city: u32,
    /// A person's name (first-name lexicon or civility).
    pub person: u32,
    /// Capitalised words that could be a name.
    pub name_shaped: u32,
    /// Four words or more.
    pub long_text: u32,
    /// An e-mail, phone, IBAN, card or NIR inside a longer text.
    pub inside: u32,
}

impl Evidence {
    /// Counts one non-blank text value.
    pub fn add(&mut self, value: &str) {
        self.values += 1;
        let v = value.trim();
        let v = match v.char_indices().nth(MAX_VALUE_CHARS) {
            Some((cut, _)) => &v[..cut],
            None => v,
        };
        // Most values are short numbers, codes or dates: without a letter, an `@` or eight
        // digits, only a postcode or an IPv4 address is possible.
        let digits = v.bytes().filter(u8::is_ascii_digit).count();
        if digits < 8 && !v.contains('@') && !v.chars().any(char::is_alphabetic) {
            if address::is_french_postcode(v) {
                self.postcode += 1;
            } else if network::is_ip(v) {
                self.ip += 1;
            }
            return;
        }
        if contact::is_email(v) {
            self.email += 1;
        } else if checksum::is_iban(v) {
            self.iban += 1;
        } else if checksum::is_nir(v) {
            self.nir += 1;
        } else if checksum::is_card(v) {
            self.card += 1;
        } else if contact::is_phone(v) {
            self.phone += 1;
        } else if network::is_ip(v) {
            self.ip += 1;
        } else if address::is_french_postcode(v) {
            self.postcode += 1;
        } else if address::is_postcode_city(v) {
            self.postcode_city += 1;
        } else if address::is_street_address(v) {
            self.street += 1;
        } else {
            let words = v.split_whitespace().count();
            if words >= 4 {
                self.long_text += 1;
            }
            let shape = names::name_shape(v);
            if shape.person {
                self.person += 1;
            } else if shape.shaped {
                self.name_shaped += 1;
            } else if redact::contains_personal(v) {
                // "Jean Dupont <jean@exemple.fr>", "Tél. 06 12 34 56 78": a contact with a
                // label; in a longer text, a contact inside free text.
                if words < 4 {
                    if contact::find_emails(v).is_empty() {
                        self.phone += 1;
                    } else {
                        self.email += 1;
                    }
                } else {
                    self.inside += 1;
                }
            }
        }
    }

    /// Counts one non-blank typed number (spreadsheets store long digit strings as numbers).
    pub fn add_number(&mut self, value: f64) {
        if value.fract() == 0.0 && value.abs() < 1e16 {
            self.add(&format!("{}", value as i64));
        } else {
            self.values += 1;
        }
    }

    /// Counts one non-blank value no detector applies to (a date, a boolean).
    pub fn add_other(&mut self) {
        self.values += 1;
    }

    /// The share of examined values that `count` represents.
    pub fn share(&self, count: u32) -> f64 {
        if self.values == 0 {
            0.0
        } else {
            f64::from(count) / f64::from(self.values)
        }
    }
}

/// Header words that announce a person without saying "name".
const PERSON_HINTS: &[&str] = &[
    "beneficiaire",
    "contact",
    "destinataire",
    "gerant",
    "holder",
    "interlocuteur",
    "owner",
    "person",
    "personne",
    "porteur",
    "representant",
    "responsable",
    "signataire",
    "titulaire",
];

/// Header words that announce a place.
const LOCATION_HINTS: &[&str] = &[
    "billing",
    "delivery",
    "domicile",
    "facturation",
    "lieu",
    "livraison",
    "localisation",
    "location",
    "residence",
    "shipping",
];

fn has_token(name: &str, words: &[&str]) -> bool {
    normalize(name).split('_').any(|t| words.contains(&t))
}

/// The personal-data role a column's content proves, with a confidence (0–1), if any.
pub fn content_role(name: &str, e: &Evidence) -> Option<(Role, f64)> {
    if e.values == 0 {
        return None;
    }
    let s = |k: u32| e.share(k);
    let confidence = |share: f64| (0.6 + 0.35 * share).min(0.97);
    let structured = [
        (Role::Iban, e.iban),
        (Role::NationalId, e.nir),
        (Role::PaymentCard, e.card),
        (Role::IpAddress, e.ip),
    ];
    for (role, count) in structured {
        if s(count) >= 0.8 {
            return Some((role, confidence(s(count))));
        }
    }
    if s(e.email + e.phone) >= 0.8 {
        let role = if e.email >= e.phone {
            Role::Email
        } else {
            Role::Phone
        };
        return Some((role, confidence(s(e.email + e.phone))));
    }
    if s(e.street) >= 0.6 {
        return Some((Role::Address, confidence(s(e.street))));
    }
    if s(e.postcode_city) >= 0.8 || s(e.postcode) >= 0.8 && has_token(name, LOCATION_HINTS) {
        return Some((Role::Postcode, confidence(s(e.postcode_city + e.postcode))));
    }
    let shaped = s(e.person + e.name_shaped);
    if shaped >= 0.8 && (s(e.person) >= 0.6 || s(e.person) >= 0.3 && has_token(name, PERSON_HINTS))
    {
        return Some((Role::Name, confidence(s(e.person))));
    }
    if e.inside > 0 && s(e.long_text) >= 0.3 {
        return Some((Role::FreeText, confidence(s(e.long_text))));
    }
    None
}

/// Values needed in a sample before a column's share of distinct values means something.
const DECISION_MIN_VALUES: usize = 20;

/// An unrecognised column that may hold personal data: text without a role, either mostly
/// distinct values (at least 20 sampled, half of them distinct: names, references, notes
/// no detector recognised) or long multi-word text. It is dropped until the user decides;
/// identifiers, cities, regions, channels and categories have roles and are never flagged.
pub fn needs_decision(role: Option<Role>, guess: &KindGuess) -> bool {
    if role.is_some() || guess.kind != ColumnKind::Text {
        return false;
    }
    let e = &guess.content;
    let distinct = guess.non_blank >= DECISION_MIN_VALUES && guess.distinct_ratio >= 0.5;
    let long_text = e.values >= 5 && e.share(e.long_text) >= 0.5;
    distinct || long_text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(values: &[&str]) -> Evidence {
        let mut e = Evidence::default();
        for v in values {
            e.add(v);
        }
        e
    }

    fn role(name: &str, values: &[&str]) -> Option<Role> {
        content_role(name, &evidence(values)).map(|(r, _)| r)
    }

    #[test]
    fn roles_by_content_whatever_the_header() {
        assert_eq!(
            role(
                "compte",
                &[
                    "FR76 3000 6000 0112 3456 7890 189",
                    "DE89 3704 0044 0532 0130 00"
                ]
            ),
            Some(Role::Iban)
        );
        assert_eq!(
            role("ref", &["4111 1111 1111 1111", "5555 5555 5555 4444"]),
            Some(Role::PaymentCard)
        );
        assert_eq!(
            role("ref", &["2 55 08 14 168 025 38", "1 86 03 2A 004 123 72"]),
            Some(Role::NationalId)
        );
        assert_eq!(
            role(
                "contact",
                &["06 12 34 56 78", "+33 1 42 68 53 00", "jean@exemple.fr"]
            ),
            Some(Role::Phone)
        );
        assert_eq!(
            role(
                "livraison",
                &["12 rue de la Paix 75002 Paris", "3 bis avenue Foch"]
            ),
            Some(Role::Address)
        );
        assert_eq!(
            role("localisation", &["75002 Paris", "69003 Lyon"]),
            Some(Role::Postcode)
        );
        assert_eq!(
            role("localisation", &["75002", "69003"]),
            Some(Role::Postcode)
        );
        assert_eq!(role("montant", &["75002", "69003"]), None);
        assert_eq!(
            role(
                "titulaire",
                &["Jean Dupont", "Marie Martin", "Élodie Petit"]
            ),
            Some(Role::Name)
        );
        assert_eq!(
            role(
                "owner",
                &[
                    "Jean Dupont",
                    "Kowalski Zbigniew",
                    "Emily Clarke",
                    "Nguyen Thi"
                ]
            ),
            Some(Role::Name)
        );
        // The same values under a neutral header: too few known first names.
        assert_eq!(
            role(
                "libelle",
                &[
                    "Jean Dupont",
                    "Kowalski Zbigniew",
                    "Emily Clarke",
                    "Nguyen Thi"
                ]
            ),
            None
        );
        assert_eq!(
            role(
                "magasin",
                &["Lille Centre", "Paris Opéra", "Nîmes", "Jean Jaurès"]
            ),
            None
        );
        assert_eq!(
            role(
                "Commentaire",
                &[
                    "livré en retard, client mécontent",
                    "rappeler au 06 12 34 56 78 avant jeudi",
                    "RAS"
                ]
            ),
            Some(Role::FreeText)
        );
        assert_eq!(
            role("ip", &["192.168.1.20", "2001:db8::1"]),
            Some(Role::IpAddress)
        );
        assert_eq!(role("id", &["C001", "C002"]), None);
        assert_eq!(role("montant", &["12,50", "3"]), None);
    }
}
