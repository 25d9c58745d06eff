//! Redaction of free text: what identifies someone directly and can be recognised reliably is
//! replaced by a tag, the rest of the text is kept.
//!
//! Replaced: e-mail addresses (`[email]`), phone numbers (`[phone]`), IBANs (`[iban]`), payment
//! card numbers (`[card]`) and NIRs (`[nir]`). Not replaced: names and street addresses
//! written in the text, which no pattern finds reliably — that is why free text is dropped
//! unless the user keeps it.

use std::ops::Range;

use super::checksum::{is_card, is_iban, is_nir};
use super::contact::{find_emails, find_numbers, is_phone};

/// IBANs inside `text`: two letters and two digits starting a word, then groups of letters
/// and digits, the longest run that passes the check.
pub fn find_ibans(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if starts_word
            && b[i].is_ascii_alphabetic()
            && b[i + 1].is_ascii_alphabetic()
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
        {
            let mut j = i;
            while j < b.len() && j - i < 42 && (b[j].is_ascii_alphanumeric() || b[j] == b' ') {
                j += 1;
            }
            let found = (i + 15..=j).rev().find(|&end| {
                (end == b.len() || !b[end].is_ascii_alphanumeric()) && is_iban(&text[i..end])
            });
            if let Some(end) = found {
                let end = i + text[i..end].trim_end().len();
                out.push(i..end);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// What each kind of found value is replaced with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Email,
    Phone,
    Iban,
    Card,
    Nir,
}

impl Tag {
    fn text(self) -> &'static str {
        match self {
            Tag::Email => "[email]",
            Tag::Phone => "[phone]",
            Tag::Iban => "[iban]",
            Tag::Card => "[card]",
            Tag::Nir => "[nir]",
        }
    }
}

/// Every personal value found in `text`, in order, without overlaps (the first found wins:
/// e-mails, IBANs, then numbers).
fn findings(text: &str) -> Vec<(Range<usize>, Tag)> {
    let mut all: Vec<(Range<usize>, Tag)> = Vec::new();
    let push = |r: Range<usize>, t: Tag, all: &mut Vec<(Range<usize>, Tag)>| {
        if !all.iter().any(|(o, _)| o.start < r.end && r.start < o.end) {
            all.push((r, t));
        }
    };
    for r in find_emails(text) {
        push(r, Tag::Email, &mut all);
    }
    for r in find_ibans(text) {
        push(r, Tag::Iban, &mut all);
    }
    let numbers = find_numbers(text, |s| is_nir(s) || is_card(s) || is_phone(s));
    for r in numbers {
        let s = &text[r.clone()];
        let tag = if is_nir(s) {
            Tag::Nir
        } else if is_card(s) {
            Tag::Card
        } else {
            Tag::Phone
        };
        push(r, tag, &mut all);
    }
    all.sort_by_key(|(r, _)| r.start);
    all
}

/// Whether `text` holds an e-mail, phone, IBAN, card number or NIR.
pub fn contains_personal(text: &str) -> bool {
    // Cheap filters first: e-mails need `@`, the numbers at least eight digits.
    (text.contains('@') || text.bytes().filter(u8::is_ascii_digit).count() >= 8)
        && !findings(text).is_empty()
}

/// `text` with its e-mails, phones, IBANs, card numbers and NIRs replaced by tags.
pub fn redact(text: &str) -> String {
    if !text.contains('@') && text.bytes().filter(u8::is_ascii_digit).count() < 8 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (r, tag) in findings(text) {
        out.push_str(&text[last..r.start]);
        out.push_str(tag.text());
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_contacts_and_numbers() {
        assert_eq!(
            redact(
                "Client mécontent, rappeler au 06 12 34 56 78 ou écrire à jean.dupont@exemple.fr."
            ),
            "Client mécontent, rappeler au [phone] ou écrire à [email]."
        );
        assert_eq!(
            redact("Prélèvement sur FR76 3000 6000 0112 3456 7890 189 refusé"),
            "Prélèvement sur [iban] refusé"
        );
        assert_eq!(
            redact("Carte 4111 1111 1111 1111, NIR 2 55 08 14 168 025 38"),
            "Carte [card], NIR [nir]"
        );
        assert_eq!(
            redact("Commande 12 du 05/01/2024, montant 1 234,50 €"),
            "Commande 12 du 05/01/2024, montant 1 234,50 €"
        );
        assert_eq!(redact(""), "");
        assert!(contains_personal("écrire à marie@exemple.fr"));
        assert!(!contains_personal("livraison en retard de 3 jours"));
    }
}
