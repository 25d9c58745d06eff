//! What the server accepts: ids, names and documents, checked before anything is stored.
//!
//! A document is validated by the same code the app and the CLI read it with (prisme-core), so
//! the server never stores a document that Prisme cannot open. It must also hold aggregates
//! only: a report without its per-customer rows, a datamart whose optional target list is
//! pseudonymized.

use prisme_core::analysis::{REPORT_FORMAT, REPORT_VERSION, Report};
use prisme_core::datamart::Datamart;
use serde::Deserialize;

use crate::error::ApiError;
use crate::store::Kind;

pub const MAX_ID_LEN: usize = 64;
pub const MAX_NAME_CHARS: usize = 200;
/// Deeper than any document Prisme writes (a report is under 10 levels), shallow enough that
/// no parser's recursion is at risk.
pub const MAX_DEPTH: usize = 64;

/// The top-level fields a datamart document may have.
const DATAMART_FIELDS: &[&str] = &["name", "description", "filter", "target_list"];

/// Workspace and document ids: `[A-Za-z0-9_-]{1,64}`, so that no id can name a path, hide a
/// separator or need escaping anywhere.
pub fn id(what: &str, value: &str) -> Result<(), ApiError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        return Ok(());
    }
    Err(ApiError::bad_request(
        "invalid_id",
        format!(
            "{what} {:?} is not a valid id: use 1 to {MAX_ID_LEN} letters, digits, '-' or '_'",
            shorten(value)
        ),
    ))
}

/// A document's display name: any text (quotes and semicolons included), but not blank, not
/// longer than 200 characters and without control characters.
pub fn name(value: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::unprocessable(
            "invalid_name",
            "\"name\" is blank: give the document a name",
        ));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::unprocessable(
            "invalid_name",
            format!("\"name\" is longer than {MAX_NAME_CHARS} characters: shorten it"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::unprocessable(
            "invalid_name",
            "\"name\" contains control characters (line breaks, tabs, …): remove them",
        ));
    }
    Ok(())
}

/// The deepest nesting of arrays and objects in JSON text, computed without parsing (so that a
/// hostile body cannot exhaust a parser's stack before it is refused).
pub fn depth(text: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Checks a document of `kind` (its JSON text, already known to be well-formed JSON).
pub fn document(kind: Kind, text: &str) -> Result<(), ApiError> {
    if !text.trim_start().starts_with('{') {
        return Err(ApiError::unprocessable(
            "invalid_document",
            format!(
                "\"document\" must be a JSON object: the {} file as Prisme writes it",
                kind.as_str()
            ),
        ));
    }
    match kind {
        Kind::Report => report(text),
        Kind::Datamart => datamart(text),
    }
}

fn report(text: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Head {
        #[serde(default)]
        format: Option<serde_json::Value>,
        #[serde(default)]
        version: Option<serde_json::Value>,
        #[serde(default)]
        filter: Option<serde::de::IgnoredAny>,
    }
    let head: Head = serde_json::from_str(text).map_err(|e| invalid("report", e))?;
    match head.format.as_ref().and_then(|f| f.as_str()) {
        Some(REPORT_FORMAT) => {}
        found => {
            let hint = if head.filter.is_some() {
                " (this looks like a datamart: save it under /datamarts/)"
            } else {
                ""
            };
            let found = match found {
                Some(f) => format!("its \"format\" is {:?}", shorten(f)),
                None => "it has no \"format\" field".to_string(),
            };
            return Err(ApiError::unprocessable(
                "wrong_format",
                format!(
                    "this is not a Prisme report: {found}; send the report.json that Prisme \
                     writes (\"format\": \"{REPORT_FORMAT}\"){hint}"
                ),
            ));
        }
    }
    let version = head.version.as_ref().and_then(|v| v.as_u64());
    match version {
        Some(v) if v > u64::from(REPORT_VERSION) => {
            return Err(ApiError::unprocessable(
                "format_too_new",
                format!(
                    "this report was written by a newer Prisme (format version {v}; this server \
                     reads up to {REPORT_VERSION}): update prisme-server to store it"
                ),
            ));
        }
        Some(_) => {}
        None => {
            return Err(ApiError::unprocessable(
                "invalid_document",
                "the report's \"version\" is missing or not a whole number: send the \
                 report.json as Prisme writes it",
            ));
        }
    }
    let report = Report::from_json(text).map_err(|e| {
        ApiError::unprocessable(
            "invalid_document",
            format!("the report does not read as a Prisme report: {e}"),
        )
    })?;
    // Per-customer values stay on the laptop that computed them: the server keeps aggregates.
    let mut per_customer = Vec::new();
    if report.customers.is_some() {
        per_customer.push("customers");
    }
    if report
        .clusters
        .as_ref()
        .is_some_and(|c| !c.labels.is_empty())
    {
        per_customer.push("clusters.labels");
    }
    if let Some(clv) = &report.clv
        && !(clv.p_alive.is_empty()
            && clv.expected_purchases.is_empty()
            && clv.expected_spend.is_empty()
            && clv.clv.is_empty()
            && clv.at_risk.is_empty())
    {
        per_customer.push("clv (per-customer vectors)");
    }
    if let Some(churn) = &report.churn
        && !(churn.result.customer_id.is_empty() && churn.result.churn_score.is_empty())
    {
        per_customer.push("churn.result (customer ids and scores)");
    }
    if !per_customer.is_empty() {
        return Err(ApiError::unprocessable(
            "customer_rows",
            format!(
                "the report carries per-customer data ({}): the sync server keeps aggregates \
                 only; save the report without per-customer rows (the CLI adds them only with \
                 --per-customer)",
                per_customer.join(", ")
            ),
        ));
    }
    Ok(())
}

fn datamart(text: &str) -> Result<(), ApiError> {
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| invalid("datamart", e))?;
    if let Some(unknown) = fields
        .keys()
        .find(|k| !DATAMART_FIELDS.contains(&k.as_str()))
    {
        let hint = if unknown == "format" {
            " (this looks like a report: save it under /reports/)"
        } else {
            ""
        };
        return Err(ApiError::unprocessable(
            "unknown_field",
            format!(
                "a datamart has no field {:?}: it carries {}{hint}",
                shorten(unknown),
                DATAMART_FIELDS.join(", ")
            ),
        ));
    }
    let mart: Datamart = serde_json::from_str(text).map_err(|e| invalid("datamart", e))?;
    if mart.name.trim().is_empty() {
        return Err(ApiError::unprocessable(
            "invalid_document",
            "the datamart's own \"name\" is blank: name it",
        ));
    }
    if let Some(list) = fields.get("target_list") {
        let ids = list.as_array().ok_or_else(|| {
            ApiError::unprocessable(
                "invalid_document",
                "\"target_list\" must be an array of pseudonymized customer ids",
            )
        })?;
        for id in ids {
            if !id.as_str().is_some_and(is_pseudonym) {
                return Err(ApiError::unprocessable(
                    "customer_rows",
                    "\"target_list\" holds pseudonymized ids only (20 lowercase hex digits, \
                         as Prisme's anonymization writes them): pseudonymize the ids on the \
                     Data page, or leave the list out",
                ));
            }
        }
    }
    Ok(())
}

/// Prisme's pseudonyms: 20 lowercase hex digits (prisme_core::anonymize::pseudonym).
fn is_pseudonym(s: &str) -> bool {
    s.len() == 20 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn invalid(what: &str, e: serde_json::Error) -> ApiError {
    ApiError::unprocessable(
        "invalid_document",
        format!("the {what} does not read as a Prisme {what}: {e}"),
    )
}

/// A value quoted back in a message, cut so that a hostile value cannot flood the answer.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_names() {
        for ok in ["a", "Q3-report_2", &"x".repeat(64)] {
            assert!(id("id", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "..",
            "../etc",
            "a/b",
            "a b",
            "é",
            "a;DROP",
            "a'",
            &"x".repeat(65),
        ] {
            let e = id("id", bad).unwrap_err();
            assert_eq!(e.code, "invalid_id", "{bad}");
        }
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(depth(br#"{"a": [1, {"b": "[[[{{{"}]}"#), 3);
        assert_eq!(depth(br#"{"a": "\"[[["}"#), 1);
        assert_eq!(depth(b"1"), 0);
        assert_eq!(depth("[".repeat(100_000).as_bytes()), 100_000);
    }

    #[test]
    fn names_allow_sql_metacharacters_but_not_control_characters() {
        assert!(name("Q3 '; DROP TABLE documents; --").is_ok());
        assert_eq!(name("a\nb").unwrap_err().code, "invalid_name");
        assert_eq!(name("  ").unwrap_err().code, "invalid_name");
        assert_eq!(name(&"é".repeat(201)).unwrap_err().code, "invalid_name");
    }

    #[test]
    fn pseudonyms_are_what_core_writes() {
        let p = prisme_core::anonymize::pseudonym(b"0123456789abcdef", "C-42");
        assert!(is_pseudonym(&p), "{p}");
        assert!(!is_pseudonym("C-42"));
        assert!(!is_pseudonym("alice@example.com"));
    }
}
