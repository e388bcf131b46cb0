//! Structured information some Globus errors carry: authorization parameters (a request
//! to log in again with particular session requirements) and consent requirements.

use serde_json::{Map, Value};

/// The `authorization_parameters` of an error: what a new login must satisfy before the
/// request can succeed (Python's `AuthorizationParameterInfo`).
///
/// Members of the wrong JSON type are dropped with a warning in the `tracing` log, as the
/// Python SDK does, so one malformed member never hides the others.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AuthorizationParameters {
    /// A message to show the user.
    pub session_message: Option<String>,
    /// Identity ids the session must include.
    pub session_required_identities: Option<Vec<String>>,
    /// Domains of which the session must include one.
    pub session_required_single_domain: Option<Vec<String>>,
    /// Policy ids the session must satisfy (a comma-separated string is split).
    pub session_required_policies: Option<Vec<String>>,
    /// Whether the session must have used multi-factor authentication.
    pub session_required_mfa: Option<bool>,
    /// Scopes that need consent.
    pub required_scopes: Option<Vec<String>>,
    /// The `prompt` value to send with the login (e.g. `login`).
    pub prompt: Option<String>,
    /// Members this SDK does not model.
    pub extra: Map<String, Value>,
}

const KNOWN_PARAMETERS: &[&str] = &[
    "session_message",
    "session_required_identities",
    "session_required_single_domain",
    "session_required_policies",
    "session_required_mfa",
    "required_scopes",
    "prompt",
];

impl AuthorizationParameters {
    /// Reads `authorization_parameters` from an error's root document; `None` when the
    /// member is absent or not an object.
    pub fn from_error_root(root: &Map<String, Value>) -> Option<Self> {
        root.get("authorization_parameters")
            .and_then(Value::as_object)
            .map(Self::from_object)
    }

    /// Reads the parameters from the `authorization_parameters` object itself.
    pub fn from_object(data: &Map<String, Value>) -> Self {
        let extra = data
            .iter()
            .filter(|(k, _)| !KNOWN_PARAMETERS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Self {
            session_message: string_member(data, "session_message"),
            session_required_identities: string_list_member(
                data,
                "session_required_identities",
                false,
            ),
            session_required_single_domain: string_list_member(
                data,
                "session_required_single_domain",
                false,
            ),
            session_required_policies: string_list_member(data, "session_required_policies", true),
            session_required_mfa: match data.get("session_required_mfa") {
                None | Some(Value::Null) => None,
                Some(Value::Bool(b)) => Some(*b),
                Some(_) => {
                    warn_type("session_required_mfa", "bool");
                    None
                }
            },
            required_scopes: string_list_member(data, "required_scopes", false),
            prompt: string_member(data, "prompt"),
            extra,
        }
    }
}

/// Set on `ConsentRequired` errors that name the scopes needing consent (Python's
/// `ConsentRequiredInfo`): from `required_scopes` (a list) or the singular
/// `required_scope` that Flows and Actions send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsentRequiredInfo {
    /// The scope strings that need consent.
    pub required_scopes: Vec<String>,
}

impl ConsentRequiredInfo {
    /// Reads the info from an error's root document; `None` unless the root `code` is
    /// `ConsentRequired` and at least one scope is named.
    pub fn from_error_root(root: &Map<String, Value>) -> Option<Self> {
        if root.get("code").and_then(Value::as_str) != Some("ConsentRequired") {
            return None;
        }
        let required_scopes = match (root.get("required_scopes"), root.get("required_scope")) {
            (Some(Value::Array(list)), _) => list
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default(),
            (_, Some(Value::String(scope))) => vec![scope.clone()],
            _ => Vec::new(),
        };
        (!required_scopes.is_empty()).then_some(Self { required_scopes })
    }
}

fn string_member(data: &Map<String, Value>, key: &str) -> Option<String> {
    match data.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            warn_type(key, "str");
            None
        }
    }
}

fn string_list_member(
    data: &Map<String, Value>,
    key: &str,
    split_string: bool,
) -> Option<Vec<String>> {
    match data.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if split_string => Some(s.split(',').map(str::to_owned).collect()),
        Some(Value::Array(list)) => {
            let strings = list
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>();
            if strings.is_none() {
                warn_type(key, "list[str]");
            }
            strings
        }
        Some(_) => {
            warn_type(
                key,
                if split_string {
                    "list[str]|str"
                } else {
                    "list[str]"
                },
            );
            None
        }
    }
}

fn warn_type(key: &str, expected: &str) {
    tracing::warn!(
        member = key,
        expected,
        "ignoring authorization parameter of unexpected type"
    );
}
