//! Consents, and the consent forest used to check dependent-scope requirements.
//!
//! Globus Auth's `GET /v2/api/identities/{id}/consents` returns
//! `{"consents": [...]}`; each entry is a [`Consent`]. A consent's `dependency_path`
//! lists the consent ids from a root consent down to itself, so consents form trees:
//! a user's consent for a client to use Transfer, and below it Transfer's consent to use
//! each collection's `data_access` scope. [`ConsentForest`] builds those trees and
//! answers "do these consents cover these scopes?".

mod forest;
mod requirements;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ScopeError;

pub use forest::{ConsentForest, ConsentTree};

/// One consent: a grant by a user for a client to use a scope, possibly on behalf of
/// another consent (see `dependency_path`).
///
/// Field names are those of the Auth API. Unknown fields are ignored. Timestamps are kept
/// as the ISO 8601 strings Auth sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Consent {
    /// The consent id.
    pub id: u64,
    /// The id of the client the consent was granted to.
    pub client: String,
    /// The id of the consented scope.
    pub scope: String,
    /// The consented scope string, e.g. `urn:globus:auth:scope:transfer.api.globus.org:all`.
    pub scope_name: String,
    /// The identity the consent was granted by.
    pub effective_identity: String,
    /// Consent ids from a root consent down to this one; its last element is this
    /// consent's id, the one before it is its parent.
    pub dependency_path: Vec<u64>,
    /// When the consent was created.
    pub created: String,
    /// When the consent was last updated.
    pub updated: String,
    /// When the consent was last used, if known.
    #[serde(default)]
    pub last_used: Option<String>,
    /// The consent status, e.g. `approved`.
    pub status: String,
    /// Whether refresh tokens may be issued under this consent.
    pub allows_refresh: bool,
    /// Whether the consent was granted without asking the user.
    pub auto_approved: bool,
    /// Whether the consent can be revoked on its own (an optional dependency).
    pub atomically_revocable: bool,
}

impl Consent {
    /// A consent with the given id, scope string and dependency path; every other field
    /// is empty (`status` is `"approved"`, flags are false). Useful for tests.
    pub fn new(id: u64, scope_name: impl Into<String>, dependency_path: Vec<u64>) -> Self {
        Self {
            id,
            client: String::new(),
            scope: String::new(),
            scope_name: scope_name.into(),
            effective_identity: String::new(),
            dependency_path,
            created: String::new(),
            updated: String::new(),
            last_used: None,
            status: "approved".to_owned(),
            allows_refresh: false,
            auto_approved: false,
            atomically_revocable: false,
        }
    }

    /// Reads one consent from JSON.
    ///
    /// # Errors
    /// [`ScopeError::MalformedConsent`] naming what is missing or mistyped.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ScopeError> {
        Self::deserialize(value).map_err(|e| ScopeError::MalformedConsent {
            id: value.get("id").and_then(serde_json::Value::as_u64),
            reason: format!("failed to load consent: {e}"),
        })
    }

    /// The id of this consent's parent, or `None` for a root consent.
    pub fn parent_id(&self) -> Option<u64> {
        match self.dependency_path.as_slice() {
            [.., parent, _] => Some(*parent),
            _ => None,
        }
    }
}

impl fmt::Display for Consent {
    /// `Consent [<id>]: Client [<client>] -> Scope [<scope_name>]`, as in Python.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Consent [{}]: Client [{}] -> Scope [{}]",
            self.id, self.client, self.scope_name
        )
    }
}
