//! One resource server's tokens, and the per-resource-server map.

use std::fmt;

use globus_core::secret::{AccessToken, RefreshToken};

use crate::error::{AuthError, Result};

/// The tokens for one resource server (Python's `by_resource_server[rs]` dict).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenData {
    /// The resource server, e.g. `transfer.api.globus.org`.
    pub resource_server: String,
    /// The granted scopes, space-separated.
    pub scope: String,
    /// The access token.
    pub access_token: AccessToken,
    /// The refresh token, when refresh tokens were requested.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires, in Unix seconds (the time the response was read +
    /// `expires_in`). `None` when Globus Auth did not say (no `expires_in`): the token is
    /// then used until a service rejects it (Python counts it as already expired, which
    /// makes every request refresh).
    pub expires_at_seconds: Option<i64>,
    /// The token type (`Bearer`).
    pub token_type: Option<String>,
}

impl TokenData {
    /// Builds token data (for tests and storage round trips).
    pub fn new(
        resource_server: impl Into<String>,
        scope: impl Into<String>,
        access_token: AccessToken,
        refresh_token: Option<RefreshToken>,
        expires_at_seconds: Option<i64>,
        token_type: Option<String>,
    ) -> Self {
        Self {
            resource_server: resource_server.into(),
            scope: scope.into(),
            access_token,
            refresh_token,
            expires_at_seconds,
            token_type,
        }
    }

    /// The granted scopes, one by one.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_whitespace()
    }

    /// Whether the access token has expired at `now_unix` (no margin). A token of unknown
    /// expiry is not considered expired.
    pub fn is_expired(&self, now_unix: i64) -> bool {
        self.expires_at_seconds.is_some_and(|at| at < now_unix)
    }
}

/// The tokens of a response, keyed by resource server, in the order Globus Auth listed
/// them (a later token for the same resource server replaces an earlier one, as in
/// Python).
#[derive(Debug, Clone, Default)]
pub struct ByResourceServer {
    tokens: Vec<TokenData>,
}

impl ByResourceServer {
    pub(crate) fn insert(&mut self, token: TokenData) {
        match self
            .tokens
            .iter_mut()
            .find(|t| t.resource_server == token.resource_server)
        {
            Some(existing) => *existing = token,
            None => self.tokens.push(token),
        }
    }

    pub(crate) fn iter_mut(&mut self) -> std::slice::IterMut<'_, TokenData> {
        self.tokens.iter_mut()
    }

    /// The tokens for `resource_server`.
    pub fn get(&self, resource_server: &str) -> Option<&TokenData> {
        self.tokens
            .iter()
            .find(|t| t.resource_server == resource_server)
    }

    /// Whether there are tokens for `resource_server`.
    pub fn contains(&self, resource_server: &str) -> bool {
        self.get(resource_server).is_some()
    }

    /// The resource servers.
    pub fn resource_servers(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().map(|t| t.resource_server.as_str())
    }

    /// Every resource server's tokens.
    pub fn iter(&self) -> std::slice::Iter<'_, TokenData> {
        self.tokens.iter()
    }

    /// How many resource servers.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The single token a set of scopes belongs to (Python's `by_scopes[...]`).
    ///
    /// `scopes` is one scope or several separated by spaces. Every scope must have been
    /// granted, and all of them to the same resource server; otherwise the error says
    /// which scope was not granted (and what was), or which resource servers they span.
    pub fn by_scopes(&self, scopes: &str) -> Result<&TokenData> {
        let mut found: Option<&TokenData> = None;
        let mut requested = scopes.split_whitespace().peekable();
        if requested.peek().is_none() {
            return Err(AuthError::ScopeLookup(
                "by_scopes needs at least one scope".into(),
            ));
        }
        for scope in requested {
            let Some(token) = self.tokens.iter().find(|t| t.scopes().any(|s| s == scope)) else {
                return Err(AuthError::ScopeLookup(format!(
                    "scope \"{scope}\" was not granted in this response (was it requested when \
                     the flow started?); granted scopes: {}",
                    self.granted_scopes()
                )));
            };
            match found {
                Some(previous) if previous.resource_server != token.resource_server => {
                    return Err(AuthError::ScopeLookup(format!(
                        "scopes \"{scopes}\" belong to more than one resource server ({} and {}); \
                         look them up one resource server at a time",
                        previous.resource_server, token.resource_server
                    )));
                }
                _ => found = Some(token),
            }
        }
        found.ok_or_else(|| AuthError::ScopeLookup("no scope given".into()))
    }

    fn granted_scopes(&self) -> String {
        let all: Vec<&str> = self.tokens.iter().flat_map(TokenData::scopes).collect();
        if all.is_empty() {
            "none".into()
        } else {
            all.join(" ")
        }
    }
}

impl<'a> IntoIterator for &'a ByResourceServer {
    type Item = &'a TokenData;
    type IntoIter = std::slice::Iter<'a, TokenData>;

    fn into_iter(self) -> Self::IntoIter {
        self.tokens.iter()
    }
}

impl IntoIterator for ByResourceServer {
    type Item = TokenData;
    type IntoIter = std::vec::IntoIter<TokenData>;

    fn into_iter(self) -> Self::IntoIter {
        self.tokens.into_iter()
    }
}

impl fmt::Display for ByResourceServer {
    /// Lists resource servers and scopes; never tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, token) in self.tokens.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", token.resource_server, token.scope)?;
        }
        Ok(())
    }
}
