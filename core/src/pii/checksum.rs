//! The check digits that make bank, card and social-security numbers recognisable by content:
//! a 15-digit value that passes the NIR key, or 16 digits that pass Luhn, is that number and
//! not an order id, with an error rate of 1 in 97 (NIR, IBAN) or 1 in 10 (Luhn) per value —
//! which is why a column is classified only when most of its values pass (see [`super`]).
//!
//! Written by hand because each is a few lines of arithmetic and no crate covers all three
//! without pulling in parsers we do not need. Tested on published valid numbers (ECBS and
//! Wikipedia IBAN examples, issuers' Luhn test cards, a NIR with its key computed by hand) and
//! on the same numbers with one digit changed.

/// Letters of IBAN country codes and the length of their IBANs (SWIFT's IBAN registry). A
/// country missing from the table is accepted at any length from 15 to 34.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// `value` without spaces, dashes and dots, if what is left is at most `max` characters.
fn compact(value: &str, max: usize) -> Option<String> {
    let mut out = String::with_capacity(max);
    for c in value.trim().chars() {
        match c {
            ' ' | '-' | '.' | '\u{a0}' => {}
            c => {
                if out.len() >= max {
                    return None;
                }
                out.push(c);
            }
        }
    }
    Some(out)
}

/// An IBAN (ISO 13616) with or without spaces: two letters, two check digits, up to 30
/// letters and digits, the registry's length for the country, and the ISO 7064 mod-97-10
/// check (the number with its first four characters moved to the end, letters as 10–35,
/// leaves 1 modulo 97).
pub fn is_iban(value: &str) -> bool {
    let Some(s) = compact(value, 34) else {
        return false;
    };
    let b = s.as_bytes();
    if b.len() < 15
        || !b[..2].iter().all(u8::is_ascii_alphabetic)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b[4..].iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let country = s[..2].to_ascii_uppercase();
    if let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country)
        && b.len() != len
    {
        return false;
    }
    // Digits of the rearranged number, folded into the remainder as they come.
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            _ => u32::from(c.to_ascii_uppercase() - b'A') + 10,
        };
        rem = if v < 10 {
            (rem * 10 + v) % 97
        } else {
            (rem * 100 + v) % 97
        };
    }
    rem == 1
}

/// The Luhn (mod 10) check over a string of ASCII digits.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Whether the leading digits (issuer identification number) and length fit a card scheme:
/// Visa, Mastercard, American Express, Discover, Diners, JCB, UnionPay, Maestro, Mir. This
/// keeps 14-digit SIRET company numbers, which also pass Luhn, out unless they start like a
/// Diners card.
fn card_scheme(d: &[u8]) -> bool {
    let n = d.len();
    let prefix = |k: usize| -> u32 {
        d[..k]
            .iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let p2 = prefix(2);
    let p4 = prefix(4);
    match d[0] {
        b'4' => matches!(n, 13 | 16 | 19),
        b'3' => match p2 {
            34 | 37 => n == 15,
            35 => (16..=19).contains(&n) && (3528..=3589).contains(&p4),
            30 | 36 | 38 | 39 => (14..=19).contains(&n),
            _ => false,
        },
        b'5' => match p2 {
            51..=55 => n == 16,
            50 | 56..=59 => (13..=19).contains(&n),
            _ => false,
        },
        b'2' => {
            (n == 16 && (2221..=2720).contains(&p4))
                || ((16..=19).contains(&n) && (2200..=2204).contains(&p4))
        }
        b'6' => (13..=19).contains(&n),
        _ => false,
    }
}

/// A payment card number: 13 to 19 digits, grouped by spaces or dashes or not at all, with a
/// scheme's leading digits and length, passing Luhn, and not one repeated digit.
pub fn is_card(value: &str) -> bool {
    let Some(s) = compact(value, 19) else {
        return false;
    };
    let d = s.as_bytes();
    (13..=19).contains(&d.len())
        && d.iter().all(u8::is_ascii_digit)
        && d.iter().any(|&c| c != d[0])
        && card_scheme(d)
        && luhn(d)
}

/// A French NIR (numéro de sécurité sociale), 15 characters once spaces, dots and dashes are
/// removed: sex (1, 2; 3, 4, 7, 8 for provisional numbers), year, month (01–12, or 20–42 and
/// 50–99 when unknown), département (2A and 2B for Corsica), commune, order number and a
/// key equal to 97 − (the first 13 digits mod 97), where Corsica's 2A counts as 19 and 2B
/// as 18.
pub fn is_nir(value: &str) -> bool {
    let Some(s) = compact(value, 15) else {
        return false;
    };
    let b = s.as_bytes();
    if b.len() != 15 {
        return false;
    }
    let corsica = match (b[5], b[6].to_ascii_uppercase()) {
        (b'2', b'A') => Some(19u64),
        (b'2', b'B') => Some(18u64),
        _ => None,
    };
    let digit_positions = b
        .iter()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || (corsica.is_some() && (i == 5 || i == 6)));
    if !digit_positions || !matches!(b[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter()
            .fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0'))
    };
    let month = num(3..5);
    if !(matches!(month, 1..=12 | 20..=42) || month >= 50) {
        return false;
    }
    let body = match corsica {
        Some(dep) => num(0..5) * 100_000_000 + dep * 1_000_000 + num(7..13),
        None => num(0..13),
    };
    97 - body % 97 == num(13..15)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Changes the digit at `i` (counting digits only) to the next one.
    fn change_digit(s: &str, i: usize) -> String {
        let mut k = 0;
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    k += 1;
                    if k - 1 == i {
                        return char::from(b'0' + (c as u8 - b'0' + 1) % 10);
                    }
                }
                c
            })
            .collect()
    }

    fn digits(s: &str) -> usize {
        s.chars().filter(char::is_ascii_digit).count()
    }

    #[test]
    fn published_ibans() {
        // Wikipedia's "IBAN" article and the ECBS examples.
        let valid = [
            "GB82 WEST 1234 5698 7654 32",
            "DE89 3704 0044 0532 0130 00",
            "FR14 2004 1010 0505 0001 3M02 606",
            "FR7630006000011234567890189",
            "BE68 5390 0754 7034",
            "NL91 ABNA 0417 1643 00",
            "CH93 0076 2011 6238 5295 7",
            "fr76 3000 6000 0112 3456 7890 189",
        ];
        for v in valid {
            assert!(is_iban(v), "{v}");
            for i in 0..digits(v) {
                let wrong = change_digit(v, i);
                assert!(!is_iban(&wrong), "{wrong}");
            }
        }
        assert!(
            !is_iban("FR76 3000 6000 0112 3456 7890 18"),
            "a digit short"
        );
        assert!(!is_iban("XX"));
        assert!(!is_iban("123456789012345678"));
    }

    #[test]
    fn issuers_test_cards() {
        // Test numbers published by Visa, Mastercard, American Express, Discover, Diners and
        // JCB (as listed in payment processors' documentation).
        let valid = [
            "4111 1111 1111 1111",
            "4012 8888 8888 1881",
            "4222222222222",
            "5555 5555 5555 4444",
            "5105-1051-0510-5100",
            "2223 0031 2200 3222",
            "3782 822463 10005",
            "3714 496353 98431",
            "6011 1111 1111 1117",
            "3056 9309 0259 04",
            "3530 1113 3330 0000",
        ];
        for v in valid {
            assert!(is_card(v), "{v}");
            for i in 0..digits(v) {
                let wrong = change_digit(v, i);
                assert!(!is_card(&wrong), "{wrong}");
            }
        }
        assert!(!is_card("0000 0000 0000 0000"));
        // A SIRET (14 digits, passes Luhn) is not a card.
        assert!(luhn(b"73282932000074"));
        assert!(!is_card("732 829 320 00074"));
        assert!(!is_card("4111 1111 1111 1111 1111"));
    }

    #[test]
    fn nir_keys() {
        // 2 55 08 14 168 025: 2550814168025 mod 97 = 59, key 97 - 59 = 38.
        let valid = [
            "2 55 08 14 168 025 38",
            "255081416802538",
            "2.55.08.14.168.025.38",
            // Corsica: 2A counts as 19, 2B as 18 (keys computed the same way by hand).
            "1 86 03 2A 004 123 72",
            "1 86 03 2B 004 123 02",
        ];
        for v in valid {
            assert!(is_nir(v), "{v}");
            for i in 0..digits(v) {
                let wrong = change_digit(v, i);
                // Changing the month can make it invalid for another reason; either way it
                // must not match.
                assert!(!is_nir(&wrong), "{wrong}");
            }
        }
        assert!(!is_nir("1 86 03 2A 004 123 02"), "2A's key used for 2B");
        assert!(!is_nir("5 55 08 14 168 025 38"));
        assert!(!is_nir("25508141680253"));
    }
}
