//! E-mail addresses and phone numbers, as whole values and inside free text.
//!
//! Hand-written scanners rather than a regex engine: the core stays free of a regex crate
//! (its size counts in the browser's download), and the shapes are simple. What counts:
//! - an e-mail is `local@domain.tld` with the characters RFC 5322 allows in an unquoted local
//!   part, a domain of at least two labels and a top-level domain of letters;
//! - a phone number is French (`0X XX XX XX XX` with spaces, dots or dashes or none, `+33`
//!   and `0033` forms, `+33 (0)6 …`), international (`+` or `00`, a country code and 8 to 15
//!   digits in all), North American with its `(212) 555-0123` or `212-555-0123` grouping, or a
//!   national number starting with a single 0 and grouped by separators (UK `020 7946 0958`).
//!   Slashes and commas are not separators, so dates and amounts never read as phones.

/// Characters of an unquoted local part (RFC 5322 atext, plus dots between atoms).
fn local_char(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c)
}

fn domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '.'
}

/// Whether `value` (trimmed) is exactly one e-mail address.
pub fn is_email(value: &str) -> bool {
    let v = value.trim();
    let v = v
        .strip_prefix("mailto:")
        .or_else(|| v.strip_prefix("MAILTO:"))
        .unwrap_or(v);
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    valid_local(local) && valid_domain(domain)
}

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && local.chars().all(local_char)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

fn valid_domain(domain: &str) -> bool {
    if domain.is_empty() || domain.len() > 253 || !domain.chars().all(domain_char) {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let tld = labels[labels.len() - 1];
    labels
        .iter()
        .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic)
}

/// Byte ranges of the e-mail addresses inside `text`.
pub fn find_emails(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find('@').map(|i| from + i) {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| local_char(c))
            .last()
            .map_or(at, |(i, _)| i);
        let mut end = text[at + 1..]
            .char_indices()
            .take_while(|&(_, c)| domain_char(c))
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        // A sentence's full stop or dash after the address is not part of it.
        while end > at + 1 && matches!(text.as_bytes()[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let mut start = start;
        while start < at && text.as_bytes()[start] == b'.' {
            start += 1;
        }
        if valid_local(&text[start..at]) && valid_domain(&text[at + 1..end]) {
            out.push(start..end);
        }
        from = end.max(at + 1);
    }
    out
}

/// Whether `value` (trimmed) is exactly one phone number.
pub fn is_phone(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.len() > 32 {
        return false;
    }
    let (plus, rest) = match v.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, v),
    };
    // "+33 (0)6 …": the national trunk zero shown in parentheses is not dialled.
    let rest = rest.replacen("(0)", "", 1);
    let mut digits = Vec::with_capacity(16);
    let mut groups: Vec<usize> = Vec::new();
    let mut run = 0;
    let mut separators = 0;
    for c in rest.chars() {
        match c {
            '0'..='9' => {
                digits.push(c as u8 - b'0');
                run += 1;
            }
            ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {
                if run > 0 {
                    groups.push(run);
                    run = 0;
                }
                separators += 1;
            }
            _ => return false,
        }
    }
    if run > 0 {
        groups.push(run);
    }
    let n = digits.len();
    // Groups of a written number are short; a long run inside separators is something else.
    let grouped = separators > 0 && groups.iter().all(|&g| g <= 6);
    if !grouped && groups.len() > 1 {
        return false;
    }
    let international = |d: &[u8]| {
        let n = d.len();
        (8..=15).contains(&n)
            && d[0] != 0
            && match d {
                // France: 33, then nine digits starting 1–9.
                [3, 3, rest @ ..] => rest.len() == 9 && rest[0] != 0,
                _ => true,
            }
    };
    if plus {
        return international(&digits);
    }
    if n >= 2 && digits[0] == 0 && digits[1] == 0 {
        // Written without groups, "00" and a short number is more likely a padded id.
        return international(&digits[2..]) && (grouped || n >= 12);
    }
    if n == 10 && digits[0] == 0 && digits[1] != 0 {
        // French national number, grouped or not.
        return grouped || groups.len() == 1;
    }
    if n == 11 && digits[0] == 0 && digits[1] != 0 && grouped {
        // UK and other 11-digit national numbers, written in groups.
        return true;
    }
    // North American: (NXX) NXX-XXXX or NXX-NXX-XXXX, N being 2–9.
    if n == 10 && grouped && groups == [3, 3, 4] && digits[0] >= 2 && digits[3] >= 2 {
        return true;
    }
    false
}

/// Characters that can make up a number written in text (with letters A and B for Corsican
/// NIRs, and letters for the check validators to reject).
fn number_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')' | '+' | '\u{a0}' | 'A' | 'B')
}

/// Byte ranges of numbers inside `text` that `accept` recognises (phone, card, NIR): in each
/// run of digits and separators, the longest accepted span starting at a word boundary,
/// left to right.
pub fn find_numbers(text: &str, accept: impl Fn(&str) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !number_char(chars[i].1) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && number_char(chars[j].1) {
            j += 1;
        }
        // A run glued to letters ("ref12345678") is a code, not a number someone wrote out.
        let glued_before = i > 0 && chars[i - 1].1.is_alphanumeric();
        let run = &chars[i..j];
        let byte = |k: usize| chars.get(k).map_or(text.len(), |c| c.0);
        let mut k = 0;
        while k < run.len() {
            let starts_word =
                k == 0 && !glued_before || k > 0 && matches!(run[k - 1].1, ' ' | '.' | '\u{a0}');
            let c = run[k].1;
            if !starts_word || !(c.is_ascii_digit() || c == '+' || c == '(') {
                k += 1;
                continue;
            }
            let mut found = None;
            // No number we look for is longer than 48 characters written out; the bound keeps
            // a long run of digits linear.
            for end in (k + 1..=run.len().min(k + 48)).rev() {
                let ends_word = end == run.len()
                    && !chars.get(j).is_some_and(|c| c.1.is_alphanumeric())
                    || end < run.len() && matches!(run[end].1, ' ' | '.' | '\u{a0}');
                if !ends_word {
                    continue;
                }
                let span = byte(i + k)..byte(i + end);
                if accept(text[span.clone()].trim_end_matches(['.', ' ', '-'])) {
                    found = Some((span, end));
                    break;
                }
            }
            match found {
                Some((span, end)) => {
                    let s = &text[span.clone()];
                    let trimmed = s.trim_end_matches(['.', ' ', '-']).len();
                    out.push(span.start..span.start + trimmed);
                    k = end;
                }
                None => k += 1,
            }
        }
        i = j;
    }
    out
}

/// Phone numbers inside `text`.
pub fn find_phones(text: &str) -> Vec<std::ops::Range<usize>> {
    find_numbers(text, is_phone)
}

/// Public webmail providers: the domain of an address there says nothing about its owner, so
/// a masked e-mail may keep it (`***@gmail.com`); any other domain may be the person's own
/// or their employer's and is masked too.
pub const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "aol.com",
    "bbox.fr",
    "free.fr",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.fr",
    "googlemail.com",
    "hotmail.co.uk",
    "hotmail.com",
    "hotmail.fr",
    "icloud.com",
    "laposte.net",
    "live.com",
    "live.fr",
    "mac.com",
    "me.com",
    "msn.com",
    "neuf.fr",
    "numericable.fr",
    "orange.fr",
    "outlook.com",
    "outlook.fr",
    "proton.me",
    "protonmail.com",
    "sfr.fr",
    "wanadoo.fr",
    "yahoo.co.uk",
    "yahoo.com",
    "yahoo.fr",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for v in [
            "jean.dupont@exemple.fr",
            " marie+promo@mail.example.co.uk ",
            "o'neil@example.com",
            "élodie@exemple.fr",
            "mailto:a@b.io",
        ] {
            assert!(is_email(v), "{v}");
        }
        for v in [
            "jean.dupont@",
            "@exemple.fr",
            "jean@exemple",
            "jean@@exemple.fr",
            "jean dupont@exemple.fr",
            "jean@exemple.f2",
            ".jean@exemple.fr",
            "a@b.c",
            "Paris",
        ] {
            assert!(!is_email(v), "{v}");
        }
    }

    #[test]
    fn emails_in_text() {
        let t = "Rappeler Mme Martin (marie.martin@exemple.fr). Copie à jean@exemple.fr.";
        let found: Vec<&str> = find_emails(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(found, ["marie.martin@exemple.fr", "jean@exemple.fr"]);
        assert!(find_emails("prix @ 12 €").is_empty());
    }

    #[test]
    fn phones() {
        for v in [
            "06 12 34 56 78",
            "0612345678",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "01 42 68 53 00",
            "+33 6 12 34 56 78",
            "+33612345678",
            "+33 (0)6 12 34 56 78",
            "0033 6 12 34 56 78",
            "+44 20 7946 0958",
            "020 7946 0958",
            "+1 (212) 555-0123",
            "(212) 555-0123",
            "212-555-0123",
            "+49 30 901820",
            "07700 900123",
        ] {
            assert!(is_phone(v), "{v}");
        }
        for v in [
            "12/03/2024",
            "2024-03-12",
            "1 234,50",
            "75002",
            "0012345678",
            "C001",
            "123456789",
            "+33 6 12 34 56",
            "1234567890",
            "4111 1111 1111 1111",
            "00000000000",
            "06 12 34 56 78 90",
        ] {
            assert!(!is_phone(v), "{v}");
        }
    }

    #[test]
    fn phones_in_text() {
        let t = "Client joignable au 06 12 34 56 78 ou au +33 1 42 68 53 00, commande 12 du 05/01/2024.";
        let found: Vec<&str> = find_phones(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(found, ["06 12 34 56 78", "+33 1 42 68 53 00"]);
        let t = "Tél.0612345678.";
        // Glued to a word: still a number (the dot separates it).
        assert_eq!(find_phones(t).len(), 1);
        assert!(find_phones("ref12345678901 montant 1 234,50 €").is_empty());
    }
}
