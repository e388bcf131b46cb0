//! The request log: every request the fake received, for assertions.

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;

use crate::util::{b64_decode, form_pairs};

/// Form and query fields whose values `Debug` hides.
const SECRET_FIELDS: &[&str] = &[
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "code",
    "code_verifier",
    "secret",
    "password",
    "assertion",
];

/// Headers whose values `Debug` hides.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// One request as the fake received it. `Debug` redacts credentials (the `Authorization`
/// header, and token, secret, code and verifier fields); the accessors return raw values.
#[derive(Clone)]
pub struct RecordedRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) received_at: u64,
}

impl RecordedRequest {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path, without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query string, if there was one.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The decoded query parameters, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| form_pairs(q.as_bytes()))
            .unwrap_or_default()
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// All request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The raw `Authorization` header.
    pub fn authorization(&self) -> Option<&str> {
        self.header("authorization")
    }

    /// The token of an `Authorization: Bearer <token>` header.
    pub fn bearer_token(&self) -> Option<&str> {
        let auth = self.authorization()?;
        let (scheme, rest) = auth.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
    }

    /// The `(client id, secret)` of an `Authorization: Basic …` header.
    pub fn basic_credentials(&self) -> Option<(String, String)> {
        parse_basic(self.authorization()?)
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as UTF-8 text, if it is.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The body decoded as `application/x-www-form-urlencoded` pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        form_pairs(&self.body)
    }

    /// The first value of a form field.
    pub fn form_param(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The body parsed as JSON, if it is.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The fake's clock (Unix seconds) when the request arrived.
    pub fn received_at(&self) -> u64 {
        self.received_at
    }

    fn is_form(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    }
}

/// Parses `Basic base64(id:secret)` (no URL-decoding, like Globus).
pub(crate) fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(b64_decode(rest)?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn redact_pairs(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            if SECRET_FIELDS.contains(&k.as_str()) {
                (k, "<redacted>".to_owned())
            } else {
                (k, v)
            }
        })
        .collect()
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let value = if SECRET_HEADERS.contains(&k.as_str()) {
                    let scheme = v
                        .to_str()
                        .ok()
                        .and_then(|s| s.split(' ').next())
                        .unwrap_or("");
                    format!("{scheme} <redacted>").trim_start().to_owned()
                } else {
                    v.to_str().unwrap_or("<binary>").to_owned()
                };
                (k.as_str().to_owned(), value)
            })
            .collect();
        let mut d = f.debug_struct("RecordedRequest");
        d.field("method", &self.method)
            .field("path", &self.path)
            .field("query", &redact_pairs(self.query_pairs()))
            .field("headers", &headers);
        if self.is_form() {
            d.field("form", &redact_pairs(self.form()));
        } else if self.body.is_empty() {
            d.field("body", &"");
        } else {
            d.field("body_len", &self.body.len());
        }
        d.finish()
    }
}

/// All requests so far, and hit counts per `METHOD path`.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    pub(crate) entries: Vec<RecordedRequest>,
    pub(crate) hits: BTreeMap<String, usize>,
}

impl RequestLog {
    pub(crate) fn push(&mut self, req: RecordedRequest) {
        *self
            .hits
            .entry(format!("{} {}", req.method, req.path))
            .or_default() += 1;
        self.entries.push(req);
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.hits.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            http::HeaderValue::from_static("Basic c2VjcmV0"),
        );
        headers.insert(
            "content-type",
            http::HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let req = RecordedRequest {
            method: Method::POST,
            path: "/v2/oauth2/token".into(),
            query: Some("code=abc&state=xyz".into()),
            headers,
            body: Bytes::from_static(
                b"grant_type=refresh_token&refresh_token=SECRETRT&client_id=c",
            ),
            received_at: 0,
        };
        let dbg = format!("{req:?}");
        assert!(!dbg.contains("SECRETRT"), "{dbg}");
        assert!(!dbg.contains("c2VjcmV0"), "{dbg}");
        assert!(!dbg.contains("abc"), "{dbg}");
        assert!(dbg.contains("xyz") && dbg.contains("refresh_token") && dbg.contains("Basic"));
        assert_eq!(req.form_param("refresh_token").as_deref(), Some("SECRETRT"));
        assert_eq!(req.authorization(), Some("Basic c2VjcmV0"));
    }
}
