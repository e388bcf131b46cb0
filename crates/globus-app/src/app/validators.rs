//! The checks of token validation (Python's validators in
//! `token_storage/validating_token_storage/validators.py`), as plain functions.
//!
//! | Python validator | here | runs |
//! |---|---|---|
//! | `NotExpiredValidator` | [`check_expiry`] with [`ExpiryRule::NotExpired`] | after retrieve |
//! | `HasRefreshTokensValidator` | [`check_expiry`] with [`ExpiryRule::HasRefreshToken`] | after retrieve |
//! | `ScopeRequirementsValidator` | [`check_root_scopes`], then the consent check of [`ValidatingTokenStorage`](super::ValidatingTokenStorage) | before store (top-level scopes only) and after retrieve |
//! | `UnchangingIdentityIDValidator` | [`check_identity`] | before store |

use std::collections::BTreeMap;

use globus_scopes::Scope;

use crate::error::{Error, Result};
use crate::storage::TokenStorageData;

/// How stored tokens must stand against time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExpiryRule {
    /// The access token must not have expired (user apps without refresh tokens).
    NotExpired,
    /// There must be a refresh token (user apps with refresh tokens): the access token
    /// may have expired.
    HasRefreshToken,
    /// No rule (client apps: a new token is one client-credentials grant away).
    None,
}

/// Checks a retrieved record against `rule` at `now` (Unix seconds). No margin, as in
/// Python: a token expiring in one second is valid.
pub(crate) fn check_expiry(rule: ExpiryRule, data: &TokenStorageData, now: i64) -> Result<()> {
    match rule {
        ExpiryRule::NotExpired if data.expires_at_seconds < now => Err(Error::ExpiredToken {
            resource_server: data.resource_server.clone(),
            expired_at: data.expires_at_seconds,
        }),
        ExpiryRule::HasRefreshToken if data.refresh_token.is_none() => Err(Error::MissingToken {
            resource_server: data.resource_server.clone(),
        }),
        _ => Ok(()),
    }
}

/// Checks that every required scope string (the top level of each requirement; optional
/// markers and dependencies ignored) is among the token's space-separated scopes.
pub(crate) fn check_root_scopes(
    resource_server: &str,
    granted: &str,
    required: &[Scope],
) -> Result<()> {
    let met = required.iter().all(|scope| {
        granted
            .split_whitespace()
            .any(|g| g == scope.scope_string())
    });
    if met {
        Ok(())
    } else {
        Err(unmet(resource_server, required))
    }
}

/// The error for requirements that are not met.
pub(crate) fn unmet(resource_server: &str, required: &[Scope]) -> Error {
    Error::UnmetScopeRequirements {
        resource_server: resource_server.to_owned(),
        scopes: required
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Whether some requirement has dependent scopes, which only consents can show.
pub(crate) fn has_dependencies(required: &[Scope]) -> bool {
    required
        .iter()
        .any(|scope| !scope.dependencies().is_empty())
}

/// What is being stored, for the identity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoreKind {
    /// Tokens from a login (or a client-credentials grant the app asked for).
    Login,
    /// Tokens from a renewal: refresh responses carry no ID token, and the identity is the
    /// stored one (Python's fix for issue #1050).
    Renewal,
}

/// The identity rule of user apps (`UnchangingIdentityIDValidator`): a login's tokens
/// must name an identity when `require_identity` (openid is required), and never a
/// different one than the tokens already stored.
pub(crate) fn check_identity(
    prior: Option<&str>,
    new: Option<&str>,
    kind: StoreKind,
    require_identity: bool,
) -> Result<()> {
    match (prior, new) {
        (_, None) if require_identity && kind == StoreKind::Login => Err(Error::MissingIdentity),
        (Some(stored), Some(new)) if stored != new => Err(Error::IdentityMismatch {
            stored: stored.to_owned(),
            new: new.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// The identity of a set of records: the one identity id they name, `None` if none does.
/// Records naming two identities are an [`Error::IdentityMismatch`] (Python raises
/// `ValueError`).
pub(crate) fn identity_of(records: &BTreeMap<String, TokenStorageData>) -> Result<Option<String>> {
    let mut found: Option<&str> = None;
    for id in records.values().filter_map(|d| d.identity_id.as_deref()) {
        match found {
            None => found = Some(id),
            Some(first) if first != id => {
                return Err(Error::IdentityMismatch {
                    stored: first.to_owned(),
                    new: id.to_owned(),
                });
            }
            Some(_) => {}
        }
    }
    Ok(found.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(rs: &str, expires: i64) -> TokenStorageData {
        TokenStorageData::new(rs, "a b", "AT", expires)
    }

    #[test]
    fn expiry_has_no_margin() {
        let data = record("rs", 100);
        assert!(check_expiry(ExpiryRule::NotExpired, &data, 100).is_ok());
        let err = check_expiry(ExpiryRule::NotExpired, &data, 101).unwrap_err();
        assert!(matches!(
            err,
            Error::ExpiredToken {
                expired_at: 100,
                ..
            }
        ));
        assert!(matches!(
            check_expiry(ExpiryRule::HasRefreshToken, &data, 0),
            Err(Error::MissingToken { .. })
        ));
        let refreshable = data.clone().with_refresh_token("RT");
        assert!(check_expiry(ExpiryRule::HasRefreshToken, &refreshable, 1_000).is_ok());
        assert!(check_expiry(ExpiryRule::None, &data, 1_000).is_ok());
    }

    #[test]
    fn root_scopes_ignore_dependencies_and_need_exact_strings() -> Result<()> {
        let required = globus_scopes::parse_scopes("a[x] *b")?;
        assert!(check_root_scopes("rs", "b a c", &required).is_ok());
        assert!(has_dependencies(&required));
        let err = check_root_scopes("rs", "a bb", &required).unwrap_err();
        assert!(err.to_string().contains("a[x] *b"), "{err}");
        assert!(check_root_scopes("rs", "", &[]).is_ok());
        Ok(())
    }

    #[test]
    fn identity_rules() {
        use StoreKind::{Login, Renewal};
        assert!(matches!(
            check_identity(None, None, Login, true),
            Err(Error::MissingIdentity)
        ));
        assert!(check_identity(None, None, Login, false).is_ok());
        assert!(check_identity(None, None, Renewal, true).is_ok());
        assert!(check_identity(Some("a"), Some("a"), Login, true).is_ok());
        assert!(check_identity(None, Some("a"), Login, true).is_ok());
        assert!(matches!(
            check_identity(Some("a"), Some("b"), Login, true),
            Err(Error::IdentityMismatch { .. })
        ));
    }

    #[test]
    fn identity_of_records() {
        let mut records = BTreeMap::new();
        records.insert("x".into(), record("x", 0));
        assert_eq!(identity_of(&records).unwrap(), None);
        records.insert("y".into(), record("y", 0).with_identity_id("id1"));
        records.insert("z".into(), record("z", 0).with_identity_id("id1"));
        assert_eq!(identity_of(&records).unwrap().as_deref(), Some("id1"));
        records.insert("w".into(), record("w", 0).with_identity_id("id2"));
        assert!(identity_of(&records).is_err());
    }
}
