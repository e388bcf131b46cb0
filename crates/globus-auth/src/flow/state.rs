//! The `state` parameter (CSRF protection) and checks on what comes back with the code.

use globus_core::secret::constant_time_eq;
use oauth2::CsrfToken;

use crate::error::{AuthError, Result};
use crate::token::AuthorizationCode;

/// How many random bytes a generated `state` is made from (base64url: 43 characters).
pub const STATE_ENTROPY_BYTES: u32 = 32;

/// The longest authorization code accepted (Globus codes are a few dozen characters).
pub const MAX_CODE_LEN: usize = 1024;

/// The `state` of a flow, and whether the caller chose it.
#[derive(Debug, Clone)]
pub(crate) struct FlowState {
    pub(crate) token: CsrfToken,
    /// The caller set the state (e.g. Python's `"_default"`, or a value kept in a web
    /// session): only then may the check be skipped.
    pub(crate) fixed: bool,
}

impl FlowState {
    /// A fresh random state from a CSPRNG.
    pub(crate) fn generate() -> Self {
        Self {
            token: CsrfToken::new_random_len(STATE_ENTROPY_BYTES),
            fixed: false,
        }
    }

    /// A state chosen by the caller.
    pub(crate) fn fixed(state: String) -> Self {
        Self {
            token: CsrfToken::new(state),
            fixed: true,
        }
    }

    pub(crate) fn secret(&self) -> &str {
        self.token.secret()
    }

    /// Compares the state that came back with the code, in constant time.
    pub(crate) fn verify(&self, returned: &str) -> Result<()> {
        if constant_time_eq(self.token.secret().as_bytes(), returned.as_bytes()) {
            Ok(())
        } else {
            tracing::warn!("the state returned with the authorization code does not match");
            Err(AuthError::StateMismatch)
        }
    }
}

/// Reads the redirect back from the authorize endpoint (a full URL or just its query):
/// checks the `state` first — exactly one, equal to ours — then reports an OAuth2
/// `error`, then returns the one `code`.
pub(crate) fn read_callback(state: &FlowState, callback: &str) -> Result<AuthorizationCode> {
    let query = match callback.split_once('?') {
        Some((_, query)) => query,
        None => callback,
    };
    let query = query.split('#').next().unwrap_or_default();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let values = |key: &str| {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    match values("state").as_slice() {
        [returned] => state.verify(returned)?,
        _ => {
            tracing::warn!("the callback has no state, or several");
            return Err(AuthError::StateMismatch);
        }
    }
    if let Some(error) = values("error").first() {
        return Err(AuthError::AuthorizationDenied {
            error: (*error).to_owned(),
            description: values("error_description").first().map(|d| (*d).to_owned()),
        });
    }
    match values("code").as_slice() {
        [code] => Ok(AuthorizationCode::new(*code)),
        [] => Err(AuthError::InvalidAuthorizationCode(
            "the callback has no code",
        )),
        _ => Err(AuthError::InvalidAuthorizationCode(
            "the callback has several codes",
        )),
    }
}

/// Trims a code (as pasted by a user or read from a callback) and refuses anything that
/// cannot be one. The error never quotes the code.
pub(crate) fn clean_code(code: &AuthorizationCode) -> Result<String> {
    let code = code.expose_secret().trim();
    if code.is_empty() {
        return Err(AuthError::InvalidAuthorizationCode("the code is empty"));
    }
    if code.len() > MAX_CODE_LEN {
        return Err(AuthError::InvalidAuthorizationCode("the code is too long"));
    }
    if code.contains("://") {
        return Err(AuthError::InvalidAuthorizationCode(
            "this looks like a URL: paste only the code",
        ));
    }
    if code.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AuthError::InvalidAuthorizationCode(
            "the code contains whitespace or control characters",
        ));
    }
    Ok(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_trimmed_and_checked() {
        let ok = clean_code(&AuthorizationCode::new("  abc123\n")).unwrap_or_default();
        assert_eq!(ok, "abc123");
        for bad in ["", "   ", "ab c", "ab\tc", "a\u{0}b", "https://x/?code=1"] {
            assert!(clean_code(&AuthorizationCode::new(bad)).is_err(), "{bad:?}");
        }
        let long = "a".repeat(MAX_CODE_LEN + 1);
        assert!(clean_code(&AuthorizationCode::new(long)).is_err());
    }

    #[test]
    fn generated_states_are_random_and_checked() {
        let a = FlowState::generate();
        let b = FlowState::generate();
        assert_ne!(a.secret(), b.secret());
        assert_eq!(a.secret().len(), 43);
        assert!(a.verify(a.secret()).is_ok());
        assert!(matches!(
            a.verify(b.secret()),
            Err(AuthError::StateMismatch)
        ));
        assert!(matches!(a.verify(""), Err(AuthError::StateMismatch)));
    }
}
