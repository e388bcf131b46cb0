//! The crate's error type.
//!
//! One enum for all of `globus-app`: token storage, login flows, token validation, and
//! the errors of the layers below (Auth, identities, scopes), wrapped.
//!
//! No message ever contains a token: storage errors name the file, the operation and what
//! was wrong with the data (a field name, a JSON line and column), never a value read from
//! the file.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `globus-app`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Globus Auth call failed (including a refresh token that must be replaced by a
    /// new login: see [`AuthError::is_reauthentication_required`](globus_auth::AuthError::is_reauthentication_required)).
    #[error(transparent)]
    Auth(#[from] globus_auth::AuthError),

    /// Verifying an ID token or looking identities up failed.
    #[error(transparent)]
    Identity(#[from] globus_identity::Error),

    /// A scope string was invalid.
    #[error(transparent)]
    Scope(#[from] globus_scopes::ScopeError),

    /// The login flow's input ended before an authorization code was entered.
    #[error("the login was abandoned: input ended before an authorization code was entered")]
    LoginInputClosed,

    /// The login flow waited longer than its timeout for the browser to come back.
    #[error("the login timed out after {waited:?} without a response from the browser")]
    LoginTimedOut {
        /// How long the flow waited.
        waited: Duration,
    },

    /// Globus Auth redirected back with an error instead of a code (the user declined, or
    /// the request was invalid).
    #[error("the login failed: {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    LoginDenied {
        /// The OAuth2 `error` value (e.g. `access_denied`).
        error: String,
        /// The `error_description`, if any.
        description: Option<String>,
    },

    /// The login flow cannot run here (no browser, a text-only browser, an SSH session).
    #[error("this login flow cannot run here: {0}")]
    LoginFlowUnavailable(String),

    /// No tokens are stored for a resource server the app requires.
    #[error("no tokens are stored for {resource_server}: a login is required")]
    MissingToken {
        /// The resource server.
        resource_server: String,
    },

    /// The stored access token has expired and there is no refresh token.
    #[error(
        "the token for {resource_server} expired at {expired_at} (Unix time) and cannot be refreshed: a login is required"
    )]
    ExpiredToken {
        /// The resource server.
        resource_server: String,
        /// When it expired, in Unix seconds.
        expired_at: i64,
    },

    /// A token response carried no ID token, so the identity behind it is unknown (the
    /// `openid` scope was not requested).
    #[error(
        "the tokens carry no ID token, so the identity that logged in is unknown (was the openid scope requested?)"
    )]
    MissingIdentity,

    /// A login produced tokens for a different identity than the stored ones.
    #[error(
        "the new tokens belong to identity {new}, but the stored tokens belong to {stored}: log out first to switch identities"
    )]
    IdentityMismatch {
        /// The identity of the stored tokens.
        stored: String,
        /// The identity of the new tokens.
        new: String,
    },

    /// Stored tokens lack scopes (or consents to dependent scopes) the app requires.
    #[error(
        "the tokens for {resource_server} do not meet the scope requirements ({scopes}): a login is required"
    )]
    UnmetScopeRequirements {
        /// The resource server.
        resource_server: String,
        /// The required scopes, serialised.
        scopes: String,
    },

    /// The app was configured or called in a way it does not support.
    #[error("usage error: {0}")]
    Usage(String),

    /// A file-system operation on a storage file or directory failed.
    #[error("could not {operation} {path}: {source}", path = path.display())]
    Io {
        /// What was being done, e.g. `"read token storage file"`.
        operation: &'static str,
        /// The file or directory it was done to.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },

    /// The storage file cannot be understood. It was left byte-for-byte untouched, and
    /// writes are refused until it is fixed, removed, or discarded with
    /// [`TokenStorage::reset`](crate::storage::TokenStorage::reset).
    #[error(
        "token storage file {path} is corrupt ({reason}); it was left untouched: \
         repair or remove it, or reset the storage to discard it",
        path = path.display()
    )]
    Corrupt {
        /// The storage file.
        path: PathBuf,
        /// What is wrong, without any value read from the file.
        reason: String,
    },

    /// The storage file was written in a format version this crate does not know (by a
    /// newer SDK, most likely). It is never downgraded or overwritten: writes are refused
    /// until it is removed or discarded with
    /// [`TokenStorage::reset`](crate::storage::TokenStorage::reset).
    #[error(
        "token storage file {path} has {what} {version}, which this version of globus-app \
         does not support; it was left untouched",
        path = path.display()
    )]
    UnsupportedFormatVersion {
        /// The storage file.
        path: PathBuf,
        /// Which version: `"format_version"` (JSON) or `"database schema version"` (SQLite).
        what: &'static str,
        /// The version found, quoted and shortened.
        version: String,
    },

    /// Another process, thread or connection held the storage's lock for longer than the
    /// configured wait.
    #[error(
        "token storage file {path} is busy: its lock was held elsewhere for longer than {waited:?}",
        path = path.display()
    )]
    Busy {
        /// The storage file.
        path: PathBuf,
        /// How long this call waited before giving up.
        waited: Duration,
    },

    /// One stored token record is malformed (a required field is missing or has the wrong
    /// type). Other records are unaffected.
    #[error("invalid token data in {location}: {reason}")]
    InvalidTokenData {
        /// Where the record is: the file, namespace and resource server.
        location: String,
        /// What is wrong, naming the field but never its value.
        reason: String,
    },

    /// The storage file (or its directory's lock or temporary file) is readable by other
    /// users and could not be made private (mode 0600). Usually the file belongs to
    /// another user.
    #[error(
        "token storage file {path} has mode {mode:03o}, which lets other users read it, and it \
         could not be changed to 600: {source}",
        path = path.display()
    )]
    InsecurePermissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
        /// Why changing them failed.
        #[source]
        source: io::Error,
    },

    /// The storage path exists but is not a regular file (a directory, a symbolic link, a
    /// device…). Token storage refuses to read through or replace it.
    #[error(
        "{path} is a {kind}, not a regular file; refusing to use it for token storage",
        path = path.display()
    )]
    NotARegularFile {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },

    /// The storage path cannot be used (for example SQLite's `":memory:"`).
    #[error("invalid token storage path {path}: {reason}", path = path.display())]
    InvalidPath {
        /// The path.
        path: PathBuf,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// The app name gives no usable directory name under Python globus-sdk's slug rules.
    #[error("invalid app name {name:?}: {reason}")]
    InvalidAppName {
        /// The name as given.
        name: String,
        /// Why it was rejected.
        reason: String,
    },

    /// A client id or environment name cannot be part of a file path.
    #[error("invalid {what} {value:?} for a token storage path: {reason}")]
    InvalidPathComponent {
        /// `"client id"` or `"environment"`.
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// The home directory (or on Windows the local application-data directory) is unknown,
    /// so the default token storage path cannot be built. Give the storage an explicit path.
    #[error(
        "cannot find the home directory for the default token storage path; \
         give the token storage an explicit path"
    )]
    NoHomeDirectory,

    /// SQLite reported an error other than busy or corrupt.
    #[error("SQLite could not {operation} {path}: {source}", path = path.display())]
    Sqlite {
        /// What was being done.
        operation: &'static str,
        /// The database file.
        path: PathBuf,
        /// SQLite's error (its message names the failure, never bound values).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// The storage does not support this operation.
    #[error("this token storage does not support {operation}")]
    Unsupported {
        /// The operation, e.g. `"listing namespaces"`.
        operation: &'static str,
    },

    /// A login flow could not use its terminal or its loopback socket: writing the
    /// authorize URL or the prompt, reading the code, or listening on `127.0.0.1`.
    #[error("the login flow could not {operation}: {source}")]
    LoginIo {
        /// What was being done, e.g. `"read the authorization code"`.
        operation: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// Whether the storage file is corrupt ([`Error::Corrupt`]); see
    /// [`needs_reset`](Self::needs_reset) for every error that blocks writes.
    pub fn is_corrupt(&self) -> bool {
        matches!(self, Self::Corrupt { .. })
    }

    /// Whether the storage was busy ([`Error::Busy`]): retrying later may succeed.
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Busy { .. })
    }

    /// Whether the file has a format version this crate does not support
    /// ([`Error::UnsupportedFormatVersion`]).
    pub fn is_unsupported_format_version(&self) -> bool {
        matches!(self, Self::UnsupportedFormatVersion { .. })
    }

    /// Whether the storage refuses writes until the file is repaired, removed or discarded
    /// with [`TokenStorage::reset`](crate::storage::TokenStorage::reset): a corrupt file or
    /// an unsupported format version.
    pub fn needs_reset(&self) -> bool {
        self.is_corrupt() || self.is_unsupported_format_version()
    }

    /// The file or directory the error is about, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Io { path, .. }
            | Self::Corrupt { path, .. }
            | Self::UnsupportedFormatVersion { path, .. }
            | Self::Busy { path, .. }
            | Self::InsecurePermissions { path, .. }
            | Self::NotARegularFile { path, .. }
            | Self::InvalidPath { path, .. }
            | Self::Sqlite { path, .. } => Some(path),
            Self::InvalidTokenData { .. }
            | Self::InvalidAppName { .. }
            | Self::InvalidPathComponent { .. }
            | Self::NoHomeDirectory
            | Self::Unsupported { .. } => None,
            _ => None,
        }
    }

    /// Whether a new login would fix this: tokens missing, expired without a refresh
    /// token, lacking scopes, or a refresh token Globus Auth no longer accepts.
    pub fn is_login_required(&self) -> bool {
        match self {
            Self::MissingToken { .. }
            | Self::ExpiredToken { .. }
            | Self::UnmetScopeRequirements { .. } => true,
            Self::Auth(err) => err.is_reauthentication_required(),
            _ => false,
        }
    }

    pub(crate) fn io(operation: &'static str, path: &Path, source: io::Error) -> Self {
        Self::Io {
            operation,
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn corrupt(path: &Path, reason: impl Into<String>) -> Self {
        Self::Corrupt {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// Quotes a value read from a file for an error message, shortened so that a long value
/// (possibly a secret in the wrong place) is never shown whole.
pub(crate) fn quote_short(value: &str) -> String {
    const MAX: usize = 16;
    let mut short: String = value.chars().take(MAX).collect();
    if value.chars().count() > MAX {
        short.push('…');
    }
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_and_paths() {
        let corrupt = Error::corrupt(Path::new("/x/tokens.json"), "empty file");
        assert!(corrupt.is_corrupt() && corrupt.needs_reset() && !corrupt.is_busy());
        assert_eq!(corrupt.path(), Some(Path::new("/x/tokens.json")));
        let msg = corrupt.to_string();
        assert!(
            msg.contains("/x/tokens.json") && msg.contains("empty file"),
            "{msg}"
        );

        let busy = Error::Busy {
            path: PathBuf::from("/x/tokens.db"),
            waited: Duration::from_millis(5),
        };
        assert!(busy.is_busy() && !busy.needs_reset());
        assert!(Error::NoHomeDirectory.path().is_none());
    }

    #[test]
    fn quoting_shortens() {
        assert_eq!(quote_short("3.0"), "\"3.0\"");
        assert_eq!(
            quote_short("abcdefghijklmnopqrstuvwxyz"),
            "\"abcdefghijklmnop…\""
        );
    }
}
