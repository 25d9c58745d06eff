//! Postal addresses and postcodes.
//!
//! A street address is a house number (`12`, `12 bis`, `221B`) followed within a few words by
//! a kind of street (French: rue, avenue, bd, chemin, allée, place, impasse, …; English:
//! street, road, ave, lane, drive, …): `12 rue de la Paix`, `3 bis, avenue Foch`,
//! `221B Baker Street`. A house number is at most four digits, so `75002 Paris` is a postcode
//! and a city, not a street.
//!
//! A French postcode is five digits whose first two are a département (01–95; 20 for
//! Corsica; 97 and 98 followed by the overseas digit). Bare five-digit values are as often
//! amounts or ids, so a column of them counts as postcodes only with a header that says so
//! (see [`super::content_role`]); `75002 Paris` proves itself.

use crate::ingest::roles::normalize;

/// Kinds of street, accents folded, as they are written in full or abbreviated.
const STREET_KINDS: &[&str] = &[
    "allee",
    "allees",
    "av",
    "ave",
    "avenue",
    "bd",
    "bld",
    "blvd",
    "boulevard",
    "ch",
    "chaussee",
    "chemin",
    "cite",
    "clos",
    "close",
    "court",
    "cours",
    "crescent",
    "crs",
    "ct",
    "dr",
    "drive",
    "esplanade",
    "faubourg",
    "fbg",
    "gardens",
    "grande",
    "hameau",
    "highway",
    "hwy",
    "imp",
    "impasse",
    "lane",
    "ln",
    "lotissement",
    "mews",
    "montee",
    "parvis",
    "passage",
    "pkwy",
    "parkway",
    "pl",
    "place",
    "promenade",
    "quai",
    "rd",
    "residence",
    "road",
    "rond",
    "route",
    "rte",
    "rue",
    "ruelle",
    "sentier",
    "sq",
    "square",
    "st",
    "street",
    "terrace",
    "traverse",
    "villa",
    "voie",
    "way",
];

/// Words that may sit between a house number and the street kind in French.
const NUMBER_SUFFIXES: &[&str] = &["bis", "ter", "quater", "b", "a", "c"];

fn house_number(token: &str) -> bool {
    let digits = token.chars().take_while(char::is_ascii_digit).count();
    let rest = &token[digits..];
    (1..=4).contains(&digits)
        && (rest.is_empty()
            || rest.len() == 1 && rest.chars().all(|c| c.is_ascii_alphabetic())
            || NUMBER_SUFFIXES.contains(&rest.to_ascii_lowercase().as_str()))
}

/// Whether `value` reads as a street address.
pub fn is_street_address(value: &str) -> bool {
    let tokens: Vec<String> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(normalize)
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() < 3 || tokens.len() > 20 {
        return false;
    }
    // The number comes first, or after an apartment or building mention ("Apt 4, 12 rue …").
    for start in 0..tokens.len().min(3) {
        if !house_number(&tokens[start]) {
            continue;
        }
        let mut k = start + 1;
        if tokens
            .get(k)
            .is_some_and(|t| NUMBER_SUFFIXES.contains(&t.as_str()))
        {
            k += 1;
        }
        // French: the kind right after the number, then its name; English: one to four words
        // of name, then the kind.
        if tokens
            .get(k)
            .is_some_and(|t| STREET_KINDS.contains(&t.as_str()))
            && tokens.len() > k + 1
        {
            return true;
        }
        if (k + 1..tokens.len().min(k + 5)).any(|j| STREET_KINDS.contains(&tokens[j].as_str())) {
            return true;
        }
    }
    false
}

/// The département a French postcode belongs to: its first two digits; for Corsica (20xxx)
/// 2A below 20200 and 2B from there; overseas (97x, 98x) the first three digits.
pub fn departement(postcode: &str) -> Option<String> {
    let p = postcode.trim();
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A spreadsheet that stored the postcode as a number lost its leading zero (06000 → 6000).
    let p = match p.len() {
        4 => format!("0{p}"),
        5 => p.to_string(),
        _ => return None,
    };
    let two: u32 = p[..2].parse().ok()?;
    let three: u32 = p[..3].parse().ok()?;
    match two {
        1..=19 | 21..=95 => Some(p[..2].to_string()),
        20 => Some(if &p[..5] < "20200" { "2A" } else { "2B" }.to_string()),
        97 if (1..=8).contains(&(three % 10)) => Some(p[..3].to_string()),
        98 if matches!(three % 10, 0 | 4 | 6 | 7 | 8) => Some(p[..3].to_string()),
        _ => None,
    }
}

/// A five-digit French postcode with a real département.
pub fn is_french_postcode(value: &str) -> bool {
    let v = value.trim();
    v.len() == 5 && departement(v).is_some()
}

/// A postcode and a city, in either order: `75002 Paris`, `13001 MARSEILLE CEDEX 01`,
/// `Paris 75002`.
pub fn is_postcode_city(value: &str) -> bool {
    let tokens: Vec<&str> = value.split_whitespace().collect();
    if tokens.len() < 2 || tokens.len() > 8 {
        return false;
    }
    let wordy = |t: &str| {
        t.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
            && t.chars().any(char::is_alphabetic)
    };
    let cedex_tail = |ts: &[&str]| {
        ts.iter()
            .all(|t| wordy(t) || t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
    };
    (is_french_postcode(tokens[0]) && wordy(tokens[1]) && cedex_tail(&tokens[1..]))
        || (is_french_postcode(tokens[tokens.len() - 1])
            && tokens[..tokens.len() - 1].iter().all(|t| wordy(t)))
}

/// The coarse form a postcode is generalized to: the département for a French postcode (see
/// [`departement`]), otherwise the first two letters or digits (a UK postcode area, a US
/// ZIP's first two digits), upper-cased. Blank stays blank.
pub fn generalize_postcode(value: &str) -> String {
    let v = value.trim();
    if let Some(d) = departement(v) {
        return d;
    }
    if let Some((code, _)) = v.split_once(char::is_whitespace)
        && let Some(d) = departement(code)
    {
        return d;
    }
    v.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(2)
        .collect::<String>()
        .to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streets() {
        for v in [
            "12 rue de la Paix",
            "12 rue de la Paix, 75002 Paris",
            "3 bis, avenue Foch",
            "3bis avenue Foch 75116 Paris",
            "45 bd Haussmann",
            "7 Allée des Tilleuls",
            "1 place Bellecour 69002 Lyon",
            "18 impasse du Moulin",
            "221B Baker Street",
            "10 Downing St",
            "1600 Pennsylvania Avenue NW, Washington",
            "Apt 4, 12 chemin des Vignes",
        ] {
            assert!(is_street_address(v), "{v}");
        }
        for v in [
            "75002 Paris",
            "Rue du Commerce",
            "Paris",
            "12,50",
            "Lot de 3 verres",
            "C001",
            "2024-03-01",
        ] {
            assert!(!is_street_address(v), "{v}");
        }
    }

    #[test]
    fn postcodes_and_departements() {
        assert_eq!(departement("75002").as_deref(), Some("75"));
        assert_eq!(departement("01000").as_deref(), Some("01"));
        assert_eq!(departement("6000").as_deref(), Some("06"));
        assert_eq!(departement("20000").as_deref(), Some("2A"));
        assert_eq!(departement("20169").as_deref(), Some("2A"));
        assert_eq!(departement("20200").as_deref(), Some("2B"));
        assert_eq!(departement("20600").as_deref(), Some("2B"));
        assert_eq!(departement("97400").as_deref(), Some("974"));
        assert_eq!(departement("97110").as_deref(), Some("971"));
        assert_eq!(departement("98000").as_deref(), Some("980"));
        assert_eq!(departement("00100"), None);
        assert_eq!(departement("96000"), None);
        assert_eq!(departement("99000"), None);
        assert_eq!(departement("750"), None);
        assert!(is_french_postcode("13001"));
        assert!(!is_french_postcode("1300"));
        assert!(is_postcode_city("75002 Paris"));
        assert!(is_postcode_city("13001 MARSEILLE CEDEX 01"));
        assert!(is_postcode_city("Saint-Étienne 42000"));
        assert!(!is_postcode_city("75002"));
        assert!(!is_postcode_city("12 500"));
        assert_eq!(generalize_postcode("75002"), "75");
        assert_eq!(generalize_postcode("20090"), "2A");
        assert_eq!(generalize_postcode("97400"), "974");
        assert_eq!(generalize_postcode("75002 Paris"), "75");
        assert_eq!(generalize_postcode("SW1A 1AA"), "SW");
        assert_eq!(generalize_postcode("90210"), "90");
        assert_eq!(generalize_postcode(""), "");
    }
}
