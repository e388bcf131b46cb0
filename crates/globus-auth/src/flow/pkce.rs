//! PKCE (RFC 7636), S256 only: the code verifier and its challenge.

use std::fmt;

use base64::Engine as _;
use oauth2::{PkceCodeChallenge, PkceCodeVerifier};

/// The shortest verifier RFC 7636 allows.
pub const MIN_VERIFIER_LEN: usize = 43;
/// The longest verifier RFC 7636 allows.
pub const MAX_VERIFIER_LEN: usize = 128;
/// The fewest random bytes a verifier is made from (32 bytes encode to 43 characters).
pub const MIN_VERIFIER_ENTROPY_BYTES: usize = 32;

/// Why a PKCE code verifier was refused. Never carries the verifier itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PkceError {
    /// The verifier is not 43–128 characters long.
    #[error("verifier must be 43-128 characters long: {0}")]
    Length(usize),
    /// The verifier contains a character outside `[A-Za-z0-9-._~]`.
    #[error("verifier contained invalid characters (allowed: A-Z a-z 0-9 - . _ ~)")]
    InvalidCharacter,
    /// Fewer than 32 (or more than 96) random bytes were given to
    /// [`CodeVerifier::from_random_bytes`].
    #[error("a verifier must be made from 32 to 96 random bytes, got {0}")]
    Entropy(usize),
}

/// A PKCE code verifier: 43–128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
///
/// It is a secret known only to the app that started the login: `Debug` and `Display`
/// redact it, and it is deliberately not `Clone` (one verifier, one login). The challenge
/// sent in the authorize URL is always `S256`: base64url, without padding, of its SHA-256.
///
/// ```
/// use globus_auth::flow::CodeVerifier;
///
/// // RFC 7636 Appendix B.
/// let verifier = CodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// assert_eq!(verifier.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// assert!(CodeVerifier::new("too-short").is_err());
/// # Ok::<(), globus_auth::flow::PkceError>(())
/// ```
pub struct CodeVerifier(PkceCodeVerifier);

impl CodeVerifier {
    /// Checks and wraps a caller-chosen verifier (Python's `verifier=`).
    ///
    /// # Errors
    /// [`PkceError::Length`] unless it is 43–128 characters long,
    /// [`PkceError::InvalidCharacter`] for any character outside `[A-Za-z0-9-._~]`
    /// (including every non-ASCII character).
    pub fn new(verifier: impl Into<String>) -> Result<Self, PkceError> {
        let verifier = verifier.into();
        let chars = verifier.chars().count();
        if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&chars) {
            return Err(PkceError::Length(chars));
        }
        if !verifier.bytes().all(is_unreserved) {
            return Err(PkceError::InvalidCharacter);
        }
        Ok(Self(PkceCodeVerifier::new(verifier)))
    }

    /// A fresh verifier: base64url (no padding) of 32 bytes from a CSPRNG, always 43
    /// characters (as the Python SDK generates them).
    pub fn generate() -> Self {
        let (_, verifier) = PkceCodeChallenge::new_random_sha256_len(32);
        Self(verifier)
    }

    /// A verifier made from caller-supplied random bytes (base64url without padding), for
    /// apps with their own entropy source. RFC 7636 Appendix B's 32 octets give
    /// `dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`.
    ///
    /// # Errors
    /// [`PkceError::Entropy`] for fewer than 32 or more than 96 bytes.
    pub fn from_random_bytes(bytes: &[u8]) -> Result<Self, PkceError> {
        if !(MIN_VERIFIER_ENTROPY_BYTES..=96).contains(&bytes.len()) {
            return Err(PkceError::Entropy(bytes.len()));
        }
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        Self::new(encoded)
    }

    /// The `S256` code challenge: base64url (no padding) of the verifier's SHA-256, 43
    /// characters.
    pub fn challenge(&self) -> String {
        // The length was checked on construction, so this never panics.
        PkceCodeChallenge::from_code_verifier_sha256(&self.0)
            .as_str()
            .to_owned()
    }

    /// The verifier. Never log or display what this returns.
    pub fn expose_secret(&self) -> &str {
        self.0.secret()
    }

    /// The `oauth2` crate's verifier type, for code built on that crate.
    pub fn into_inner(self) -> PkceCodeVerifier {
        self.0
    }
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodeVerifier({})", globus_core::secret::REDACTED)
    }
}

impl fmt::Display for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(globus_core::secret::REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_verifiers_are_43_unreserved_characters() {
        let v = CodeVerifier::generate();
        assert_eq!(v.expose_secret().len(), 43);
        assert!(v.expose_secret().bytes().all(is_unreserved));
        assert_eq!(v.challenge().len(), 43);
    }

    #[test]
    fn entropy_bounds() {
        assert_eq!(
            CodeVerifier::from_random_bytes(&[0; 31]).err(),
            Some(PkceError::Entropy(31))
        );
        assert!(CodeVerifier::from_random_bytes(&[0; 96]).is_ok());
        assert!(CodeVerifier::from_random_bytes(&[0; 97]).is_err());
    }
}
