//! Bearer tokens: made by `prisme-server token create`, one workspace each, read-only or
//! read-write.
//!
//! A token reads `prisme_<id>_<secret>`: the id (16 hex digits) finds the row, the secret (64
//! hex digits, 256 random bits) proves it. Only the SHA-256 of the secret is stored, and it is
//! compared in constant time, so neither a copy of the database nor response timings give a
//! usable token away.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::routes::AppState;
use crate::store::{Store, StoreError};

const PREFIX: &str = "prisme_";
const ID_HEX: usize = 16;
const SECRET_HEX: usize = 64;

/// Who is calling: a valid token's rights.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token_id: String,
    pub workspace: String,
    pub can_write: bool,
    /// The token's label: the author of what it saves.
    pub label: String,
}

impl Caller {
    /// Refuses a caller whose token is for another workspace, or read-only when `write`.
    pub fn authorize(&self, workspace: &str, write: bool) -> Result<(), ApiError> {
        // Both are short public ids; the comparison need not be constant-time.
        if self.workspace != workspace {
            return Err(ApiError::forbidden(
                "wrong_workspace",
                format!(
                    "this token is for workspace {:?}, not {workspace:?}: use a token created \
                     for {workspace:?}",
                    self.workspace
                ),
            ));
        }
        if write && !self.can_write {
            return Err(ApiError::forbidden(
                "read_only_token",
                format!(
                    "this token can only read: ask an admin for a read-write token \
                     (prisme-server token create --workspace {workspace} --write)"
                ),
            ));
        }
        Ok(())
    }
}

/// Creates a token and returns it; only its hash is kept.
pub async fn create_token(
    store: &Store,
    workspace: &str,
    can_write: bool,
    label: &str,
) -> Result<String, StoreError> {
    let id = random_hex(ID_HEX / 2);
    let secret = random_hex(SECRET_HEX / 2);
    store
        .insert_token(&id, &hash(&secret), workspace, can_write, label)
        .await?;
    Ok(format!("{PREFIX}{id}_{secret}"))
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS random source failing leaves no safe way to make a token.
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    hex(&buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Splits `prisme_<id>_<secret>` into its id and secret.
fn parse(token: &str) -> Option<(&str, &str)> {
    let (id, secret) = token.strip_prefix(PREFIX)?.split_once('_')?;
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(id, ID_HEX) && hex(secret, SECRET_HEX)).then_some((id, secret))
}

/// Checks a token against the database: the caller it stands for, or `None`.
pub async fn verify(store: &Store, token: &str) -> Result<Option<Caller>, StoreError> {
    let Some((id, secret)) = parse(token) else {
        return Ok(None);
    };
    let Some(record) = store.token(id).await? else {
        return Ok(None);
    };
    let matches: bool = hash(secret)
        .as_bytes()
        .ct_eq(record.secret_hash.as_bytes())
        .into();
    Ok(matches.then(|| Caller {
        token_id: id.to_string(),
        workspace: record.workspace,
        can_write: record.can_write,
        label: record.label,
    }))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::unauthorized(
                "missing_token",
                "send the workspace's token as Authorization: Bearer <token> (an admin creates \
                 one with prisme-server token create)",
            ));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| parse(t).is_some())
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "malformed_token",
                    "the Authorization header must read Bearer prisme_<id>_<secret>: copy the \
                     whole token that prisme-server token create printed",
                )
            })?;
        let caller = verify(&state.store, token).await?.ok_or_else(|| {
            ApiError::unauthorized(
                "invalid_token",
                "this token is unknown or revoked: ask an admin for a new one",
            )
        })?;
        tracing::Span::current().record("token", caller.token_id.as_str());
        state.limiter.check(&caller.token_id)?;
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_only_in_their_exact_shape() {
        let id = "0123456789abcdef";
        let secret = "a".repeat(64);
        let token = format!("prisme_{id}_{secret}");
        assert_eq!(parse(&token), Some((id, secret.as_str())));
        assert_eq!(parse(&token[1..]), None);
        assert_eq!(parse(&token[..token.len() - 1]), None);
        assert_eq!(parse(&format!("prisme_{id}_{}", "g".repeat(64))), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn the_stored_hash_is_not_the_secret() {
        let secret = "b".repeat(64);
        let h = hash(&secret);
        assert_eq!(h.len(), 64);
        assert_ne!(h, secret);
        assert_eq!(h, hash(&secret));
    }
}
