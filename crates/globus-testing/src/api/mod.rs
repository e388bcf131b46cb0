//! The Auth API under `/v2/api/`: identities, identity providers, and in-memory CRUD for
//! projects, policies, clients, credentials, scopes and consents.

pub(crate) mod clients;
pub(crate) mod consents;
pub(crate) mod identities;
pub(crate) mod policies;
pub(crate) mod projects;
pub(crate) mod records;
pub(crate) mod scopes;

use axum::response::Response;
use http::Uri;
use serde_json::{Map, Value};

use crate::respond::bad_request;

/// Decoded query pairs.
pub(crate) fn query(uri: &Uri) -> Vec<(String, String)> {
    crate::util::form_pairs(uri.query().unwrap_or("").as_bytes())
}

/// A comma-separated list, trimmed, without empty items.
pub(crate) fn csv(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The index of the record whose `id` is `id`.
pub(crate) fn position(records: &[Value], id: &str) -> Option<usize> {
    records.iter().position(|r| {
        r.get("id")
            .and_then(Value::as_str)
            .is_some_and(|x| x.eq_ignore_ascii_case(id))
    })
}

/// A required string field.
pub(crate) fn req_string(map: &Map<String, Value>, key: &str) -> Result<String, Response> {
    match map.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(bad_request(&format!("'{key}' must be a string"))),
        None => Err(bad_request(&format!("Missing required field '{key}'"))),
    }
}

/// An optional field that may be a string or null: absent → `None`, null → `Some(Null)`.
pub(crate) fn opt_nullable_string(
    map: &Map<String, Value>,
    key: &str,
) -> Result<Option<Value>, Response> {
    match map.get(key) {
        None => Ok(None),
        Some(v @ (Value::String(_) | Value::Null)) => Ok(Some(v.clone())),
        Some(_) => Err(bad_request(&format!("'{key}' must be a string or null"))),
    }
}

/// An optional string field (not null).
pub(crate) fn opt_string(map: &Map<String, Value>, key: &str) -> Result<Option<String>, Response> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad_request(&format!("'{key}' must be a string"))),
    }
}

/// An optional boolean field.
pub(crate) fn opt_bool(map: &Map<String, Value>, key: &str) -> Result<Option<bool>, Response> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(bad_request(&format!("'{key}' must be a boolean"))),
    }
}

/// An optional list of strings, which may also be null: absent → `None`.
pub(crate) fn opt_string_list(
    map: &Map<String, Value>,
    key: &str,
    nullable: bool,
) -> Result<Option<Value>, Response> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Null) if nullable => Ok(Some(Value::Null)),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            Ok(Some(Value::Array(items.clone())))
        }
        Some(_) => Err(bad_request(&format!(
            "'{key}' must be a list of strings{}",
            if nullable { " or null" } else { "" }
        ))),
    }
}
