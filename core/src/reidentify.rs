//! Re-identification of a pseudonymized target list, on the machine that holds the key and
//! the original files: each pseudonym is looked up among the pseudonyms of the files' ids
//! under the same key (a pseudonym is HMAC-SHA-256(key, id), which cannot be inverted, so the
//! only way back is to hash the candidates). Everything but the id column is kept byte for
//! byte: the CRM receives the list it would have received, with its real ids.

use std::collections::HashMap;

use crate::key::Secret;

/// Pseudonym → id, for the ids of some files under one key.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    ids: HashMap<String, String>,
}

impl Lookup {
    pub fn new<I, S>(secret: &Secret, ids: I) -> Lookup
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids = ids
            .into_iter()
            .map(|id| (secret.pseudonym(id.as_ref()), id.as_ref().to_string()))
            .collect();
        Lookup { ids }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// A target list with its ids in clear.
#[derive(Debug, Clone, PartialEq)]
pub struct Reidentified {
    /// The list, as read, with each found pseudonym replaced by its id.
    pub text: String,
    /// Data rows of the list.
    pub rows: usize,
    /// Pseudonyms found in none of the files (left as they are), with their line.
    pub unmatched: Vec<(usize, String)>,
}

/// Why a list cannot be re-identified.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReidentifyError {
    #[error(
        "this is not a Prisme target list: its first column is {found:?}, not customer_id \
         (export the list from a datamart, or `prisme workbench --target-list`)"
    )]
    NotATargetList { found: String },
    #[error(
        "line {line}: {value:?} is not a pseudonym (20 hexadecimal digits): the list's ids \
         are already in clear"
    )]
    NotAPseudonym { line: usize, value: String },
    #[error(
        "none of the list's {rows} ids is the pseudonym of an id of these files under this \
         key: give the files the list was made from, and the key of the workspace that made it \
         (compare `prisme key fingerprint` with the app's key fingerprint)"
    )]
    NoneFound { rows: usize },
}

fn is_pseudonym(s: &str) -> bool {
    s.len() == 20 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// An id as a CSV field: quoted when it holds the separator, a quote or a line break.
fn field(id: &str, sep: char) -> String {
    if id.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", id.replace('"', "\"\""))
    } else {
        id.to_string()
    }
}

/// Re-identifies a target list (`customer_id` first, `;` or `,` separated, as Prisme writes
/// it; a UTF-8 BOM and CRLF line ends are kept).
pub fn reidentify(list: &str, lookup: &Lookup) -> Result<Reidentified, ReidentifyError> {
    let (bom, body) = match list.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", list),
    };
    let header = body.split('\n').next().unwrap_or("");
    let first = header
        .split([';', ','])
        .next()
        .unwrap_or("")
        .trim_end_matches('\r');
    if first != "customer_id" {
        return Err(ReidentifyError::NotATargetList {
            found: first.chars().take(40).collect(),
        });
    }
    let sep = if header.as_bytes().get("customer_id".len()) == Some(&b',') {
        ','
    } else {
        ';'
    };
    let mut text = String::with_capacity(list.len() + list.len() / 4);
    text.push_str(bom);
    let mut rows = 0;
    let mut unmatched = Vec::new();
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if i == 0 || line.trim_end_matches(['\r', '\n']).is_empty() {
            text.push_str(line);
            continue;
        }
        rows += 1;
        let (id, rest) = match line.find(sep) {
            Some(at) => line.split_at(at),
            None => {
                let end = line.trim_end_matches(['\r', '\n']).len();
                line.split_at(end)
            }
        };
        if !is_pseudonym(id) {
            return Err(ReidentifyError::NotAPseudonym {
                line: i + 1,
                value: id.chars().take(40).collect(),
            });
        }
        match lookup.ids.get(id) {
            Some(clear) => text.push_str(&field(clear, sep)),
            None => {
                unmatched.push((i + 1, id.to_string()));
                text.push_str(id);
            }
        }
        text.push_str(rest);
    }
    if rows > 0 && unmatched.len() == rows {
        return Err(ReidentifyError::NoneFound { rows });
    }
    Ok(Reidentified {
        text,
        rows,
        unmatched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::pseudonym;

    fn key() -> Secret {
        Secret::from_bytes([7; crate::key::KEY_BYTES]).unwrap()
    }

    #[test]
    fn ids_come_back_and_the_rest_is_unchanged() {
        let k = key();
        let (a, b) = (k.pseudonym("C001"), k.pseudonym("Dupont; Jean"));
        let list = format!(
            "\u{feff}customer_id;segment;p_alive\r\n{a};at-risk;0,25\r\n{b};champions;0,9\r\n"
        );
        let lookup = Lookup::new(&k, ["C001", "Dupont; Jean", "C003"]);
        let r = reidentify(&list, &lookup).unwrap();
        assert_eq!(
            r.text,
            "\u{feff}customer_id;segment;p_alive\r\nC001;at-risk;0,25\r\n\"Dupont; Jean\";champions;0,9\r\n"
        );
        assert_eq!((r.rows, r.unmatched.len()), (2, 0));
    }

    #[test]
    fn plain_lists_unknown_ids_and_errors() {
        let k = key();
        let a = k.pseudonym("42");
        // The HMAC primitive and the key's pseudonym agree (RFC 4231-tested primitive).
        assert_eq!(a, pseudonym(k.hmac_key(), "42"));
        let other = "0123456789abcdef0123";
        let list = format!("customer_id,clv\n{a},12.5\n{other},3\n");
        let r = reidentify(&list, &Lookup::new(&k, ["42"])).unwrap();
        assert_eq!(r.text, format!("customer_id,clv\n42,12.5\n{other},3\n"));
        assert_eq!(r.unmatched, vec![(3, other.to_string())]);

        let none = reidentify(&format!("customer_id\n{other}\n"), &Lookup::new(&k, ["42"]));
        assert_eq!(none, Err(ReidentifyError::NoneFound { rows: 1 }));
        let clear = reidentify("customer_id;x\nC001;1\n", &Lookup::new(&k, ["C001"]));
        assert!(matches!(
            clear,
            Err(ReidentifyError::NotAPseudonym { line: 2, .. })
        ));
        let wrong = reidentify("id;x\n", &Lookup::default());
        assert!(matches!(wrong, Err(ReidentifyError::NotATargetList { .. })));
        // A header alone: nothing to do, nothing wrong.
        assert_eq!(
            reidentify("customer_id\n", &Lookup::default())
                .unwrap()
                .rows,
            0
        );
    }
}
