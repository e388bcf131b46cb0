//! The Globus Auth conformance corpus: 146 canned real responses, embedded, with a helper
//! that registers any of them on an [`httpmock::MockServer`] for quick unit tests.
//!
//! NOTICE: the corpus (`testdata/conformance/auth-responses.json`) comes from the PyPI
//! package globus-sdk 4.10.0, module `globus_sdk.testing.data.auth`, Copyright Globus,
//! licensed under the Apache License 2.0. It is embedded unchanged.
//!
//! ```
//! use globus_testing::corpus;
//!
//! let entry = corpus::entry("get_identities", "default").expect("in the corpus");
//! assert_eq!(entry.http_method, "GET");
//! assert_eq!(entry.path, "/v2/api/identities");
//! assert_eq!(corpus::entries().len(), 146);
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::error::Error;

const CORPUS_JSON: &str = include_str!("../../../testdata/conformance/auth-responses.json");

/// One canned response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CorpusEntry {
    /// The Python SDK method it answers, e.g. `get_identities`.
    pub sdk_method: String,
    /// The case name, e.g. `default`, `unauthorized`.
    pub case: String,
    /// The HTTP method, e.g. `GET`.
    pub http_method: String,
    /// The request path, e.g. `/v2/api/identities`.
    pub path: String,
    /// The HTTP status.
    pub status: u16,
    /// The JSON body, if the response has one.
    #[serde(default)]
    pub json: Option<Value>,
    /// The text body, for non-JSON responses.
    #[serde(default)]
    pub text: Option<String>,
    /// An explicit content type, if the fixture sets one.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Extra response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The fixture's metadata: the inputs and expected values (ids, usernames…).
    #[serde(default)]
    pub metadata: Value,
}

#[derive(Deserialize)]
struct CorpusFile {
    entries: Vec<CorpusEntry>,
}

/// Every entry, in file order.
pub fn entries() -> &'static [CorpusEntry] {
    static CORPUS: OnceLock<Vec<CorpusEntry>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        serde_json::from_str::<CorpusFile>(CORPUS_JSON)
            .map(|f| f.entries)
            .unwrap_or_default()
    })
}

/// The entry for an SDK method and case, e.g. `entry("userinfo", "forbidden")`.
pub fn entry(sdk_method: &str, case: &str) -> Option<&'static CorpusEntry> {
    entries()
        .iter()
        .find(|e| e.sdk_method == sdk_method && e.case == case)
}

/// The entries for one SDK method, in file order.
pub fn cases(sdk_method: &str) -> Vec<&'static CorpusEntry> {
    entries()
        .iter()
        .filter(|e| e.sdk_method == sdk_method)
        .collect()
}

/// Registers the entry as a mock on `server`: it matches the entry's method and path and
/// answers its status, headers and body (JSON with `Content-Type: application/json`).
///
/// ```
/// # fn main() -> Result<(), globus_testing::Error> {
/// let server = httpmock::MockServer::start();
/// let mock = globus_testing::corpus::mock(&server, "oauth2_revoke_token", "default")?;
/// // ... point the code under test at server.base_url() and call it ...
/// # let _ = mock;
/// # Ok(()) }
/// ```
pub fn mock<'a>(
    server: &'a httpmock::MockServer,
    sdk_method: &str,
    case: &str,
) -> Result<httpmock::Mock<'a>, Error> {
    let e = entry(sdk_method, case)
        .ok_or_else(|| Error::InvalidInput(format!("no corpus entry for {sdk_method}/{case}")))?;
    let method: httpmock::Method = e
        .http_method
        .parse()
        .map_err(|err: String| Error::InvalidInput(err))?;
    Ok(server.mock(|when, then| {
        when.method(method).path(e.path.clone());
        let mut then = then.status(e.status);
        for (k, v) in &e.headers {
            then = then.header(k.clone(), v.clone());
        }
        match (&e.json, &e.text) {
            (Some(json), _) => {
                let ct = e
                    .content_type
                    .clone()
                    .unwrap_or_else(|| "application/json".into());
                then.header("content-type", ct).body(json.to_string());
            }
            (None, Some(text)) => {
                let ct = e
                    .content_type
                    .clone()
                    .unwrap_or_else(|| "text/plain".into());
                then.header("content-type", ct).body(text.clone());
            }
            (None, None) => {}
        }
    }))
}

/// A token-endpoint answer for one resource server, shaped as Globus Auth sends it
/// (`expires_in` two days, `Bearer`, no `other_tokens`), with a refresh token if given:
/// for tests that need a token response the corpus does not hold.
///
/// ```
/// let body = globus_testing::corpus::token_body("transfer.api.globus.org", "urn:x", "AT", None);
/// assert_eq!(body["resource_server"], "transfer.api.globus.org");
/// assert!(body.get("refresh_token").is_none());
/// ```
pub fn token_body(
    resource_server: &str,
    scope: &str,
    access_token: &str,
    refresh_token: Option<&str>,
) -> serde_json::Value {
    let mut body = serde_json::json!({
        "access_token": access_token,
        "expires_in": 172800,
        "resource_server": resource_server,
        "scope": scope,
        "token_type": "Bearer",
        "other_tokens": [],
    });
    if let Some(refresh_token) = refresh_token {
        body["refresh_token"] = serde_json::Value::from(refresh_token);
    }
    body
}
