//! [`DependentScopeSpec`], the dependent-scope entry of Auth's scope-creation payloads.

use serde::{Deserialize, Serialize};

/// A dependent scope of a scope being created or updated (`AuthClient::create_scope`,
/// `update_scope`). Serialises exactly as the Python SDK's payload:
/// `{"scope": "<dependent scope id>", "optional": bool, "requires_refresh_token": bool}`.
///
/// ```
/// use globus_scopes::DependentScopeSpec;
///
/// let spec = DependentScopeSpec::new("1b7b9b3a-0000-0000-0000-000000000000", true, false);
/// assert_eq!(
///     serde_json::to_string(&spec)?,
///     r#"{"scope":"1b7b9b3a-0000-0000-0000-000000000000","optional":true,"requires_refresh_token":false}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DependentScopeSpec {
    /// The id of the dependent scope (a UUID string).
    pub scope: String,
    /// Whether the user may decline this dependency without declining the whole consent.
    pub optional: bool,
    /// Whether the dependency needs a refresh token.
    pub requires_refresh_token: bool,
}

impl DependentScopeSpec {
    /// A spec for the dependent scope with id `scope` (anything that displays as the
    /// id, such as a `&str` or a UUID type).
    pub fn new(scope: impl ToString, optional: bool, requires_refresh_token: bool) -> Self {
        Self {
            scope: scope.to_string(),
            optional,
            requires_refresh_token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_tolerates_unknown_fields() {
        let json = r#"{"scope":"x","optional":false,"requires_refresh_token":true,"extra":1}"#;
        let spec: DependentScopeSpec = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec, DependentScopeSpec::new("x", false, true));
        let value = serde_json::to_value(&spec).unwrap_or_default();
        assert_eq!(
            value,
            serde_json::json!({"scope": "x", "optional": false, "requires_refresh_token": true})
        );
    }
}
