//! [`TokenStorageData`]: one stored token record, as Python globus-sdk stores it.

use std::fmt;

use globus_core::secret::{AccessToken, RefreshToken};
use serde_json::{Map, Value};

use super::pyjson::{first_significant_byte, write_str};
use crate::error::{Error, Result};

/// The tokens and metadata for one resource server: Python globus-sdk's
/// `TokenStorageData`, the record every storage keeps.
///
/// Tokens are the redacting types of `globus_core::secret`, so `Debug` never shows them
/// (nor the values of [`extra`](Self::extra), only its keys).
///
/// On disk a record is the JSON object Python's `to_dict()` makes, with the fields in this
/// order: `resource_server`, `identity_id`, `scope`, `access_token`, `refresh_token`,
/// `expires_at_seconds`, `token_type`; absent (`None`) fields are left out, and `extra` is
/// not written (as in Python). Unknown keys read from a file land in `extra`.
///
/// ```
/// use globus_app::storage::TokenStorageData;
///
/// let data = TokenStorageData::new("transfer.api.globus.org", "urn:globus:auth:scope:transfer.api.globus.org:all", "AT", 1_700_000_000)
///     .with_refresh_token("RT")
///     .with_token_type("Bearer");
/// assert_eq!(data.access_token.expose_secret(), "AT");
/// assert!(format!("{data:?}").contains("[REDACTED]"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct TokenStorageData {
    /// The resource server the tokens are for, e.g. `transfer.api.globus.org`.
    pub resource_server: String,
    /// The primary identity of the user or client the tokens were issued to, when known
    /// (from the login's ID token; `None` for dependent or client-credentials tokens and
    /// for records written by the legacy v1 storages).
    pub identity_id: Option<String>,
    /// The space-separated scopes the access token grants.
    pub scope: String,
    /// The access token.
    pub access_token: AccessToken,
    /// The refresh token, when refresh tokens were requested.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires, in seconds since the Unix epoch.
    pub expires_at_seconds: i64,
    /// The token type, `"Bearer"` when present.
    pub token_type: Option<String>,
    /// Keys found in a stored record that this crate does not know, kept for inspection.
    /// Like Python's `to_dict()`, storages do not write them back with this record.
    pub extra: Map<String, Value>,
}

impl TokenStorageData {
    /// A record with the required fields; the optional ones start as `None`.
    pub fn new(
        resource_server: impl Into<String>,
        scope: impl Into<String>,
        access_token: impl Into<AccessToken>,
        expires_at_seconds: i64,
    ) -> Self {
        Self {
            resource_server: resource_server.into(),
            identity_id: None,
            scope: scope.into(),
            access_token: access_token.into(),
            refresh_token: None,
            expires_at_seconds,
            token_type: None,
            extra: Map::new(),
        }
    }

    /// Sets [`identity_id`](Self::identity_id).
    pub fn with_identity_id(mut self, identity_id: impl Into<String>) -> Self {
        self.identity_id = Some(identity_id.into());
        self
    }

    /// Sets [`refresh_token`](Self::refresh_token).
    pub fn with_refresh_token(mut self, refresh_token: impl Into<RefreshToken>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// Sets [`token_type`](Self::token_type).
    pub fn with_token_type(mut self, token_type: impl Into<String>) -> Self {
        self.token_type = Some(token_type.into());
        self
    }

    /// The record as JSON text, byte for byte what Python writes with
    /// `json.dumps(data.to_dict())`: this is the text stored in the SQLite
    /// `token_data_json` column and, inside the JSON file, under each resource server.
    ///
    /// The text contains the tokens: write it only to private storage.
    pub fn to_json_string(&self) -> String {
        let mut out = String::with_capacity(256 + self.scope.len());
        out.push('{');
        let mut first = true;
        let mut field = |out: &mut String, name: &str| {
            if !first {
                out.push_str(", ");
            }
            first = false;
            write_str(out, name);
            out.push_str(": ");
        };
        field(&mut out, "resource_server");
        write_str(&mut out, &self.resource_server);
        if let Some(identity_id) = &self.identity_id {
            field(&mut out, "identity_id");
            write_str(&mut out, identity_id);
        }
        field(&mut out, "scope");
        write_str(&mut out, &self.scope);
        field(&mut out, "access_token");
        write_str(&mut out, self.access_token.expose_secret());
        if let Some(refresh_token) = &self.refresh_token {
            field(&mut out, "refresh_token");
            write_str(&mut out, refresh_token.expose_secret());
        }
        field(&mut out, "expires_at_seconds");
        out.push_str(&self.expires_at_seconds.to_string());
        if let Some(token_type) = &self.token_type {
            field(&mut out, "token_type");
            write_str(&mut out, token_type);
        }
        out.push('}');
        out
    }

    /// Parses a record from JSON text, as Python's `TokenStorageData.from_dict` reads it:
    /// missing or `null` optional fields are `None`, unknown keys go to
    /// [`extra`](Self::extra), a missing required field or a wrong type is an
    /// [`Error::InvalidTokenData`] that names the field (never its value).
    pub fn from_json_str(text: &str) -> Result<Self> {
        Self::parse(text).map_err(|reason| Error::InvalidTokenData {
            location: "the given JSON text".to_owned(),
            reason,
        })
    }

    /// Parses a record, returning a value-free reason on failure.
    pub(crate) fn parse(text: &str) -> std::result::Result<Self, String> {
        if first_significant_byte(text) != Some(b'{') {
            return Err("the record is not a JSON object".to_owned());
        }
        let object: Map<String, Value> =
            serde_json::from_str(text).map_err(|err| super::pyjson::describe_json_error(&err))?;
        Self::from_map(object)
    }

    fn from_map(mut object: Map<String, Value>) -> std::result::Result<Self, String> {
        let resource_server = required_str(&mut object, "resource_server")?;
        let identity_id = optional_str(&mut object, "identity_id")?;
        let scope = required_str(&mut object, "scope")?;
        let access_token = required_str(&mut object, "access_token")?;
        let refresh_token = optional_str(&mut object, "refresh_token")?;
        let expires_at_seconds = match object.remove("expires_at_seconds") {
            None | Some(Value::Null) => return Err(missing("expires_at_seconds")),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.as_i64().ok_or_else(|| {
                "field \"expires_at_seconds\" is out of range for a 64-bit integer".to_owned()
            })?,
            Some(_) => return Err("field \"expires_at_seconds\" must be an integer".to_owned()),
        };
        let token_type = optional_str(&mut object, "token_type")?;
        Ok(Self {
            resource_server,
            identity_id,
            scope,
            access_token: AccessToken::new(access_token),
            refresh_token: refresh_token.map(RefreshToken::new),
            expires_at_seconds,
            token_type,
            extra: object,
        })
    }
}

fn missing(field: &str) -> String {
    format!("required field {field:?} is missing or null")
}

fn required_str(
    object: &mut Map<String, Value>,
    field: &str,
) -> std::result::Result<String, String> {
    optional_str(object, field)?.ok_or_else(|| missing(field))
}

fn optional_str(
    object: &mut Map<String, Value>,
    field: &str,
) -> std::result::Result<Option<String>, String> {
    match object.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("field {field:?} must be a string or null")),
    }
}

impl fmt::Debug for TokenStorageData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenStorageData")
            .field("resource_server", &self.resource_server)
            .field("identity_id", &self.identity_id)
            .field("scope", &self.scope)
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at_seconds", &self.expires_at_seconds)
            .field("token_type", &self.token_type)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> TokenStorageData {
        TokenStorageData::new("rs", "s1 s2", "AT-1", 1_700_000_000)
            .with_identity_id("id-1")
            .with_refresh_token("RT-1")
            .with_token_type("Bearer")
    }

    #[test]
    fn writes_python_field_order_and_omits_none() {
        assert_eq!(
            full().to_json_string(),
            r#"{"resource_server": "rs", "identity_id": "id-1", "scope": "s1 s2", "access_token": "AT-1", "refresh_token": "RT-1", "expires_at_seconds": 1700000000, "token_type": "Bearer"}"#
        );
        assert_eq!(
            TokenStorageData::new("rs", "", "AT", -1).to_json_string(),
            r#"{"resource_server": "rs", "scope": "", "access_token": "AT", "expires_at_seconds": -1}"#
        );
    }

    #[test]
    fn round_trips_and_keeps_extra() {
        let mut text = full().to_json_string();
        text.pop();
        text.push_str(r#", "future": {"a": [1, 2]}}"#);
        let data = TokenStorageData::parse(&text).unwrap();
        assert_eq!(data.extra.len(), 1);
        assert_eq!(data.refresh_token.as_ref().unwrap().expose_secret(), "RT-1");
        // extra is not written back, as in Python's to_dict()
        assert_eq!(data.to_json_string(), full().to_json_string());
    }

    #[test]
    fn reads_v1_records_with_nulls() {
        let v1 = r#"{"scope": "openid", "access_token": "AT", "refresh_token": null, "token_type": null, "expires_at_seconds": 1700000060, "resource_server": "auth.globus.org"}"#;
        let data = TokenStorageData::parse(v1).unwrap();
        assert!(data.identity_id.is_none() && data.refresh_token.is_none());
        assert!(data.token_type.is_none() && data.extra.is_empty());
        assert_eq!(data.expires_at_seconds, 1_700_000_060);
    }

    #[test]
    fn rejects_bad_records_without_quoting_values() {
        let cases = [
            (r#"["SECRET"]"#, "not a JSON object"),
            (
                r#"{"scope": "s", "access_token": "SECRET", "expires_at_seconds": 1}"#,
                "resource_server",
            ),
            (
                r#"{"resource_server": "r", "scope": "s", "access_token": 5, "expires_at_seconds": 1}"#,
                "access_token",
            ),
            (
                r#"{"resource_server": "r", "scope": "s", "access_token": "SECRET", "expires_at_seconds": 1.0}"#,
                "integer",
            ),
            (
                r#"{"resource_server": "r", "scope": "s", "access_token": "SECRET", "expires_at_seconds": "SECRET"}"#,
                "integer",
            ),
            (
                r#"{"resource_server": "r", "scope": "s", "access_token": "SECRET", "expires_at_seconds": 18446744073709551615}"#,
                "out of range",
            ),
            (
                r#"{"resource_server": "r", "scope": "s", "access_token": "SECRET"}"#,
                "expires_at_seconds",
            ),
            (
                r#"{"resource_server": "r", "scope": "s", "access_token": "SECRET", "expires_at_seconds": 1, "refresh_token": ["SECRET"]}"#,
                "refresh_token",
            ),
            (r#"{"resource_server": "SECRET"#, "end of JSON"),
        ];
        for (text, expect) in cases {
            let err = TokenStorageData::from_json_str(text)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expect), "{text}: {err}");
            assert!(!err.contains("SECRET"), "{err}");
        }
    }

    #[test]
    fn debug_hides_tokens_and_extra_values() {
        let mut data = full();
        data.extra
            .insert("other".into(), Value::String("HIDDEN".into()));
        let debug = format!("{data:?}");
        assert!(!debug.contains("AT-1") && !debug.contains("RT-1") && !debug.contains("HIDDEN"));
        assert!(debug.contains("other"));
    }
}
