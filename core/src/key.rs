//! The anonymization key: 32 random bytes that make pseudonyms, or the same 32 bytes derived
//! from a passphrase and a salt so that two computers of one consultant agree.
//!
//! [`Secret`] cannot hold a malformed or all-zero key: every constructor checks, so a key made
//! while the random generator failed (all zeros) is refused rather than used forever. Its
//! bits are never printed: [`Secret::fingerprint`] identifies it instead (`Debug` shows the
//! fingerprint).
//!
//! Pseudonyms are HMAC-SHA-256 keyed by the key's **lower-case hex text** (64 ASCII bytes),
//! not by its 32 raw bytes: the app has always keyed HMAC with the text it keeps in local
//! storage, and pseudonyms made before this type existed must stay the same.
//!
//! Passphrase derivation is Argon2id (RFC 9106, RustCrypto's `argon2`) with the RFC's second
//! recommended parameters — 64 MiB of memory, 3 passes, 4 lanes — and a 16-byte salt kept with
//! the workspace: about a second of work per guess for whoever tries passphrases, and the same
//! key on every machine given the same passphrase and salt. Its output is checked against the
//! reference implementation (argon2-cffi, `tests/reference/argon2_reference.py`).

use std::fmt;

use sha2::{Digest, Sha256};

/// Bytes of a key.
pub const KEY_BYTES: usize = 32;
/// Bytes of a passphrase salt.
pub const SALT_BYTES: usize = 16;
/// Characters a passphrase needs at least: a few words, not a password.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// Argon2id memory (KiB), passes and lanes (RFC 9106, section 4, second recommended option).
pub const ARGON2_MEMORY_KIB: u32 = 64 * 1024;
pub const ARGON2_PASSES: u32 = 3;
pub const ARGON2_LANES: u32 = 4;

/// Why a key, salt or passphrase was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the {what} must be {expected} hexadecimal digits ({} bytes); this one has {found} characters",
        expected / 2
    )]
    Length {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("the {what} must be hexadecimal digits (0-9, a-f); character {position} is {found:?}")]
    NotHex {
        what: &'static str,
        position: usize,
        found: char,
    },
    #[error(
        "the {what} is all zeros: it was not made from random bytes (the random generator may \
         have been unavailable); make a new one"
    )]
    AllZero { what: &'static str },
    #[error(
        "the passphrase must be at least {min} characters long, not {found}: a few words that \
         nobody could guess"
    )]
    ShortPassphrase { min: usize, found: usize },
    #[error("the key could not be derived from the passphrase: {0}")]
    Kdf(String),
}

fn hex_text(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `N` bytes from exactly `2 N` hex digits (surrounding whitespace ignored), never all zero.
fn parse_hex<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N], KeyError> {
    let t = text.trim();
    let found = t.chars().count();
    // A wrong length is the likelier mistake (a truncated copy): it is reported first.
    if found != 2 * N {
        return Err(KeyError::Length {
            what,
            expected: 2 * N,
            found,
        });
    }
    if let Some((position, c)) = t.chars().enumerate().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(KeyError::NotHex {
            what,
            position: position + 1,
            found: c,
        });
    }
    let mut out = [0u8; N];
    for (i, pair) in t.as_bytes().chunks_exact(2).enumerate() {
        // Both are hex digits (checked above).
        let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
        out[i] = (digit(pair[0]) << 4) | digit(pair[1]);
    }
    if out.iter().all(|&b| b == 0) {
        return Err(KeyError::AllZero { what });
    }
    Ok(out)
}

/// The anonymization key. See the module documentation.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    bytes: [u8; KEY_BYTES],
    /// Lower-case hex of `bytes`: the HMAC key of pseudonyms.
    hex: String,
}

impl Secret {
    /// A key from 32 bytes (from a secure random generator); refuses all zeros.
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Result<Secret, KeyError> {
        if bytes.iter().all(|&b| b == 0) {
            return Err(KeyError::AllZero { what: "key" });
        }
        Ok(Secret {
            hex: hex_text(&bytes),
            bytes,
        })
    }

    /// A key from its 64 hex digits (a key file, local storage, an import); surrounding
    /// whitespace is ignored and upper-case digits are accepted.
    pub fn from_hex(text: &str) -> Result<Secret, KeyError> {
        Secret::from_bytes(parse_hex::<KEY_BYTES>(text, "key")?)
    }

    /// The key derived from a passphrase and the workspace's salt with Argon2id (parameters
    /// in the module documentation). The passphrase is used as given (UTF-8), with no
    /// trimming or Unicode normalisation: callers strip a file's final line break.
    pub fn from_passphrase(passphrase: &str, salt: &Salt) -> Result<Secret, KeyError> {
        let found = passphrase.chars().count();
        if found < MIN_PASSPHRASE_CHARS {
            return Err(KeyError::ShortPassphrase {
                min: MIN_PASSPHRASE_CHARS,
                found,
            });
        }
        let params = argon2::Params::new(
            ARGON2_MEMORY_KIB,
            ARGON2_PASSES,
            ARGON2_LANES,
            Some(KEY_BYTES),
        )
        .map_err(|e| KeyError::Kdf(e.to_string()))?;
        let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = [0u8; KEY_BYTES];
        kdf.hash_password_into(passphrase.as_bytes(), &salt.0, &mut out)
            .map_err(|e| KeyError::Kdf(e.to_string()))?;
        Secret::from_bytes(out)
    }

    /// The key as 64 lower-case hex digits, to export it or keep it in a file.
    pub fn to_hex(&self) -> String {
        self.hex.clone()
    }

    /// Eight hex digits that identify the key without revealing it: the first four bytes of
    /// SHA-256 over a fixed label and the key's bytes. Two people compare fingerprints to
    /// check that they hold the same key.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"prisme key fingerprint\0");
        h.update(self.bytes);
        hex_text(&h.finalize()[..4])
    }

    /// The bytes pseudonyms are keyed with (the lower-case hex text; see the module doc).
    pub fn hmac_key(&self) -> &[u8] {
        self.hex.as_bytes()
    }

    /// The pseudonym of one identifier under this key (what the app and the CLI write).
    pub fn pseudonym(&self, id: &str) -> String {
        crate::anonymize::pseudonym(self.hmac_key(), id)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.fingerprint())
    }
}

/// The salt of passphrase derivation: 16 random bytes made once per workspace and kept with
/// it (not secret, but needed on every machine that derives the key).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Salt([u8; SALT_BYTES]);

impl Salt {
    /// A salt from 16 bytes (from a secure random generator); refuses all zeros.
    pub fn from_bytes(bytes: [u8; SALT_BYTES]) -> Result<Salt, KeyError> {
        if bytes.iter().all(|&b| b == 0) {
            return Err(KeyError::AllZero { what: "salt" });
        }
        Ok(Salt(bytes))
    }

    /// A salt from its 32 hex digits.
    pub fn from_hex(text: &str) -> Result<Salt, KeyError> {
        Ok(Salt(parse_hex::<SALT_BYTES>(text, "salt")?))
    }

    pub fn to_hex(&self) -> String {
        hex_text(&self.0)
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Salt({})", self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn keys_are_checked() {
        let k = Secret::from_hex(KEY).unwrap();
        assert_eq!(k.to_hex(), KEY);
        assert_eq!(
            Secret::from_hex(&format!("  {}\n", KEY.to_uppercase())).unwrap(),
            k
        );
        assert_eq!(
            Secret::from_hex(&KEY[..62]),
            Err(KeyError::Length {
                what: "key",
                expected: 64,
                found: 62
            })
        );
        assert_eq!(
            Secret::from_hex(&format!("{}zz", &KEY[..62])),
            Err(KeyError::NotHex {
                what: "key",
                position: 63,
                found: 'z'
            })
        );
        assert_eq!(
            Secret::from_hex(&"0".repeat(64)),
            Err(KeyError::AllZero { what: "key" })
        );
        assert_eq!(
            Secret::from_bytes([0; 32]),
            Err(KeyError::AllZero { what: "key" })
        );
        assert!(Secret::from_hex("").is_err());
        let msg = Secret::from_hex(&"0".repeat(64)).unwrap_err().to_string();
        assert!(msg.contains("all zeros"), "{msg}");
    }

    #[test]
    fn fingerprints_identify_without_revealing() {
        let k = Secret::from_hex(KEY).unwrap();
        let f = k.fingerprint();
        assert_eq!(f.len(), 8);
        assert!(!KEY.contains(&f));
        assert_eq!(format!("{k:?}"), format!("Secret({f})"));
        let other = Secret::from_bytes([7; 32]).unwrap();
        assert_ne!(other.fingerprint(), f);
    }

    #[test]
    fn pseudonyms_are_keyed_by_the_hex_text() {
        // What the app did before this type: HMAC keyed by the text in local storage.
        let k = Secret::from_hex(KEY).unwrap();
        assert_eq!(
            k.pseudonym("C001"),
            crate::anonymize::pseudonym(KEY.as_bytes(), "C001")
        );
    }

    #[test]
    fn salts_and_passphrases() {
        let salt = Salt::from_hex("0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(salt.to_hex(), "0123456789abcdef0123456789abcdef");
        assert!(Salt::from_hex("0123").is_err());
        assert_eq!(
            Salt::from_bytes([0; 16]),
            Err(KeyError::AllZero { what: "salt" })
        );
        assert_eq!(
            Secret::from_passphrase("trop court", &salt),
            Err(KeyError::ShortPassphrase { min: 12, found: 10 })
        );
    }
}
