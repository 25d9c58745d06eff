//! Text encoding detection and decoding.
//!
//! Delimited files from French Excel arrive in Windows-1252, from newer tools in UTF-8 (with or
//! without a BOM) and occasionally in UTF-16. The tokenizer works on raw bytes, which is correct
//! for every ASCII-compatible encoding because separators, quotes, digits and line ends are ASCII;
//! only text fields are decoded, one at a time, and only when they hold non-ASCII bytes. UTF-16
//! is the exception: it is transcoded to UTF-8 up front.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// An encoding Prisme can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Windows-1252, a superset of the printable part of ISO-8859-1 (Latin-1).
    Windows1252,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }

    /// Parses a user-supplied encoding name (`utf-8`, `latin1`, `cp1252`, …).
    pub fn from_label(label: &str) -> Option<Self> {
        let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
        if enc == encoding_rs::UTF_8 {
            Some(TextEncoding::Utf8)
        } else if enc == encoding_rs::UTF_16LE {
            Some(TextEncoding::Utf16Le)
        } else if enc == encoding_rs::UTF_16BE {
            Some(TextEncoding::Utf16Be)
        } else if enc == encoding_rs::WINDOWS_1252 {
            Some(TextEncoding::Windows1252)
        } else {
            None
        }
    }
}

/// What [`detect`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectedEncoding {
    pub encoding: TextEncoding,
    /// Length of the byte-order mark at the start of the input (0 when absent).
    pub bom_len: usize,
    /// Bytes that are not valid in the detected encoding (only counted for UTF-8 input
    /// that is mostly valid: they are replaced by U+FFFD).
    pub invalid_bytes: usize,
}

/// Detects the encoding of `bytes`: a BOM wins; then UTF-16 by its zero-byte pattern; then UTF-8
/// when the bytes are valid UTF-8 (or nearly so); otherwise Windows-1252.
pub fn detect(bytes: &[u8]) -> DetectedEncoding {
    let found = |encoding, bom_len| DetectedEncoding {
        encoding,
        bom_len,
        invalid_bytes: 0,
    };
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let mut d = found(TextEncoding::Utf8, 3);
        d.invalid_bytes = count_invalid_utf8(&bytes[3..]).0;
        return d;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return found(TextEncoding::Utf16Le, 2);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return found(TextEncoding::Utf16Be, 2);
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return found(enc, 0);
    }
    let (invalid, valid_multibyte) = count_invalid_utf8(bytes);
    // A Windows-1252 file with accents has invalid sequences at nearly every accent and no
    // valid multi-byte sequence; a UTF-8 file damaged in a few places has many valid ones.
    if invalid == 0 || valid_multibyte >= 4 * invalid {
        DetectedEncoding {
            encoding: TextEncoding::Utf8,
            bom_len: 0,
            invalid_bytes: invalid,
        }
    } else {
        found(TextEncoding::Windows1252, 0)
    }
}

/// Counts invalid bytes and valid multi-byte sequences in UTF-8 input.
pub(crate) fn count_invalid_utf8(mut bytes: &[u8]) -> (usize, usize) {
    let mut invalid = 0;
    let mut multibyte = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                if !s.is_ascii() {
                    multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                }
                return (invalid, multibyte);
            }
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                // Checked a word at a time first: in a Windows-1252 file the valid stretches
                // between two accents are ASCII, and this runs once per accent.
                if !valid.is_ascii() {
                    multibyte += valid.iter().filter(|&&b| b >= 0xC0).count();
                }
                let skip = e.error_len().unwrap_or(bytes.len() - e.valid_up_to());
                invalid += skip;
                bytes = &bytes[e.valid_up_to() + skip..];
            }
        }
    }
}

/// UTF-16 text without a BOM shows a zero in every other byte for ASCII characters.
fn utf16_without_bom(bytes: &[u8]) -> Option<TextEncoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_zero * 10 >= pairs * 7 && even_zero * 10 <= pairs {
        Some(TextEncoding::Utf16Le)
    } else if even_zero * 10 >= pairs * 7 && odd_zero * 10 <= pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Returns bytes in an ASCII-compatible encoding that the tokenizer can scan: the input itself
/// (BOM stripped) for UTF-8 and Windows-1252, a UTF-8 transcoding for UTF-16.
pub fn ascii_compatible<'a>(bytes: &'a [u8], detected: &DetectedEncoding) -> Cow<'a, [u8]> {
    let body = &bytes[detected.bom_len.min(bytes.len())..];
    match detected.encoding {
        TextEncoding::Utf8 | TextEncoding::Windows1252 => Cow::Borrowed(body),
        TextEncoding::Utf16Le => {
            let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(body);
            Cow::Owned(text.into_owned().into_bytes())
        }
        TextEncoding::Utf16Be => {
            let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(body);
            Cow::Owned(text.into_owned().into_bytes())
        }
    }
}

/// The encoding of the bytes [`ascii_compatible`] returned: UTF-16 became UTF-8.
pub fn scanned_encoding(encoding: TextEncoding) -> TextEncoding {
    match encoding {
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => TextEncoding::Utf8,
        other => other,
    }
}

/// Decodes one field of scanned bytes (see [`scanned_encoding`]) to text. ASCII is borrowed.
pub fn decode_field(bytes: &[u8], scanned: TextEncoding) -> Cow<'_, str> {
    if bytes.is_ascii() {
        // ASCII is valid UTF-8; this cannot fail.
        return Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default());
    }
    match scanned {
        TextEncoding::Windows1252 => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
        _ => String::from_utf8_lossy(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = detect("id;nom\n1;Élodie\n".as_bytes());
        assert_eq!(d.encoding, TextEncoding::Utf8);
        assert_eq!(d.bom_len, 0);
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice("id;nom\n".as_bytes());
        let d = detect(&with_bom);
        assert_eq!((d.encoding, d.bom_len), (TextEncoding::Utf8, 3));
    }

    #[test]
    fn windows_1252_accents() {
        // "Élodie;Bénédicte;12,50 €" in Windows-1252: É=C9, é=E9, €=80.
        let bytes = b"\xC9lodie;B\xE9n\xE9dicte;12,50 \x80\n";
        let d = detect(bytes);
        assert_eq!(d.encoding, TextEncoding::Windows1252);
        assert_eq!(decode_field(&bytes[..6], d.encoding), "Élodie");
        assert_eq!(decode_field(&bytes[17..24], d.encoding), "12,50 €");
    }

    #[test]
    fn utf16_le_with_bom_is_transcoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "id,montant\n1,\u{e9}\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = detect(&bytes);
        assert_eq!(d.encoding, TextEncoding::Utf16Le);
        assert_eq!(
            &*ascii_compatible(&bytes, &d),
            "id,montant\n1,é\n".as_bytes()
        );
    }

    #[test]
    fn utf16_be_without_bom() {
        let mut bytes = vec![];
        for unit in "id,amount\n1,2\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(detect(&bytes).encoding, TextEncoding::Utf16Be);
    }

    #[test]
    fn mostly_utf8_with_one_bad_byte_stays_utf8() {
        let mut bytes = "é,è,à,ç,ù\n".as_bytes().to_vec();
        bytes.push(0xFF);
        let d = detect(&bytes);
        assert_eq!(d.encoding, TextEncoding::Utf8);
        assert_eq!(d.invalid_bytes, 1);
    }

    #[test]
    fn labels() {
        assert_eq!(
            TextEncoding::from_label("latin1"),
            Some(TextEncoding::Windows1252)
        );
        assert_eq!(TextEncoding::from_label("UTF-8"), Some(TextEncoding::Utf8));
        assert_eq!(TextEncoding::from_label("klingon"), None);
    }
}
