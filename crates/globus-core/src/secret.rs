//! Redacting wrappers for secrets: tokens, client secrets, codes, verifiers.
//!
//! A secret's `Debug` and `Display` never show its value, so a secret can sit in any struct
//! that derives `Debug`, travel inside errors, and appear in `tracing` fields without leaking.
//! The value is reachable only through [`SecretString::expose_secret`] (and the same method
//! on every newtype), whose name makes each use easy to find in review.
//!
//! Secrets are not `PartialEq`: comparing a secret with `==` invites timing leaks. Use
//! [`SecretString::ct_eq`], which takes time independent of where the values differ.
//!
//! ```
//! use globus_core::secret::AccessToken;
//!
//! let token = AccessToken::new("AT-very-secret");
//! assert_eq!(format!("{token:?}"), "AccessToken([REDACTED])");
//! assert_eq!(token.to_string(), "[REDACTED]");
//! assert_eq!(token.expose_secret(), "AT-very-secret");
//! ```

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer};

/// The text printed in place of any secret value.
pub const REDACTED: &str = "[REDACTED]";

/// A string whose value is never printed.
///
/// Cloning is cheap (the value is shared). Deserializes from a JSON string; it deliberately
/// does not implement `Serialize`: code that writes a secret out (token storage) must call
/// [`expose_secret`](Self::expose_secret) explicitly.
#[derive(Clone)]
pub struct SecretString(Arc<str>);

impl SecretString {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    /// The secret value. Every call site is a place where the secret leaves its wrapper;
    /// never log or display what it returns.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Length of the value in bytes (lengths are not secret; useful for validation).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compares two secrets in time that depends only on their lengths, not on where they
    /// differ, so that comparing a received `state` or code with the expected one leaks
    /// nothing to a timing attacker.
    pub fn ct_eq(&self, other: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), other.as_bytes())
    }
}

/// Compares two byte strings without an early exit on the first difference.
///
/// Lengths are compared first (a length is not secret for the values we compare: states,
/// codes and verifiers have public formats).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimiser from turning the fold back into an early-exit loop.
    std::hint::black_box(diff) == 0
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretString({REDACTED})")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Copies the text once, straight into the shared buffer (through a `String`, a
        /// token would be allocated and copied twice).
        struct SecretVisitor;

        impl serde::de::Visitor<'_> for SecretVisitor {
            type Value = SecretString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<SecretString, E> {
                Ok(SecretString(Arc::from(value)))
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<SecretString, E> {
                Ok(SecretString::new(value))
            }
        }

        deserializer.deserialize_str(SecretVisitor)
    }
}

/// Defines a named secret newtype over [`SecretString`] whose `Debug` prints
/// `Name([REDACTED])` and whose `Display` prints `[REDACTED]`.
///
/// Used by this crate and the other globus crates so that every kind of secret has its own
/// type (an access token cannot be passed where a refresh token is expected).
///
/// ```
/// globus_core::secret_type! {
///     /// A nonce sent with an authorization request.
///     pub struct Nonce;
/// }
/// let nonce = Nonce::new("n-123");
/// assert_eq!(format!("{nonce:?}"), "Nonce([REDACTED])");
/// ```
#[macro_export]
macro_rules! secret_type {
    ($(#[$meta:meta])* $vis:vis struct $name:ident;) => {
        $(#[$meta])*
        #[derive(Clone)]
        $vis struct $name($crate::secret::SecretString);

        impl $name {
            /// Wraps a value.
            pub fn new(value: impl Into<String>) -> Self {
                Self($crate::secret::SecretString::new(value))
            }

            /// The secret value. Never log or display what this returns.
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }

            /// Compares with `other` in time independent of where they differ.
            pub fn ct_eq(&self, other: &str) -> bool {
                self.0.ct_eq(other)
            }

            /// The redacting wrapper underneath.
            pub fn as_secret(&self) -> &$crate::secret::SecretString {
                &self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), $crate::secret::REDACTED)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::secret::REDACTED)
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                $crate::secret::SecretString::deserialize(deserializer).map(Self)
            }
        }
    };
}

secret_type! {
    /// An OAuth2 access token (sent as `Authorization: Bearer …`).
    pub struct AccessToken;
}

secret_type! {
    /// An OAuth2 refresh token.
    pub struct RefreshToken;
}

secret_type! {
    /// A confidential client's secret (sent with HTTP Basic authentication).
    pub struct ClientSecret;
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENTINEL: &str = "sentinel-7f3a9c";

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = SecretString::new(SENTINEL);
        let at = AccessToken::new(SENTINEL);
        let rt = RefreshToken::new(SENTINEL);
        let cs = ClientSecret::new(SENTINEL);
        for text in [
            format!("{s:?} {s} {s:#?}"),
            format!("{at:?} {at} {at:#?}"),
            format!("{rt:?} {rt}"),
            format!("{cs:?} {cs}"),
            format!("{:?}", Some(&at)),
        ] {
            assert!(!text.contains(SENTINEL), "leaked in {text}");
            assert!(text.contains(REDACTED));
        }
        assert_eq!(format!("{at:?}"), "AccessToken([REDACTED])");
        assert_eq!(format!("{cs:?}"), "ClientSecret([REDACTED])");
    }

    #[test]
    fn expose_returns_the_value() {
        assert_eq!(AccessToken::new(SENTINEL).expose_secret(), SENTINEL);
        assert_eq!(SecretString::from(SENTINEL).len(), SENTINEL.len());
        assert!(SecretString::new("").is_empty());
    }

    #[test]
    fn constant_time_comparison() {
        let s = SecretString::new("abc");
        assert!(s.ct_eq("abc"));
        assert!(!s.ct_eq("abd"));
        assert!(!s.ct_eq("ab"));
        assert!(!s.ct_eq("abcd"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn deserializes_from_a_json_string() {
        let at: AccessToken = serde_json::from_str(&format!("\"{SENTINEL}\"")).unwrap();
        assert_eq!(at.expose_secret(), SENTINEL);
        assert!(serde_json::from_str::<AccessToken>("12").is_err());
        // Escapes are decoded (the text then comes from serde_json's scratch buffer).
        let escaped: SecretString = serde_json::from_str(r#""a\"b\u00e9""#).unwrap();
        assert_eq!(escaped.expose_secret(), "a\"bé");
        // And from an owned string (a `Value`).
        let owned: SecretString = serde_json::from_value(serde_json::json!("xyz")).unwrap();
        assert_eq!(owned.expose_secret(), "xyz");
    }
}
