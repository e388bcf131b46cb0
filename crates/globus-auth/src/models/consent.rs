//! Consents (`GET /v2/api/identities/{identity_id}/consents`).

use globus_scopes::{Consent, ConsentForest, ScopeError};
use serde::{Deserialize, Serialize};

use super::{Extra, iterable_response, null_as_default};

/// The body of `GET /v2/api/identities/{identity_id}/consents`: iterate it to get the
/// consents, or turn it into a [`ConsentForest`] with [`to_forest`](Self::to_forest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetConsentsResponse {
    /// The consents, each with its dependency path.
    #[serde(default, deserialize_with = "null_as_default")]
    pub consents: Vec<Consent>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

iterable_response!(GetConsentsResponse, consents, Consent);

impl GetConsentsResponse {
    /// The consents as a forest of dependency trees (Python's `to_forest()`), for
    /// questions such as "has the user consented to these scopes?".
    ///
    /// # Errors
    /// A consent whose parent (the second-to-last id of its `dependency_path`) is not in
    /// the list.
    pub fn to_forest(&self) -> Result<ConsentForest, ScopeError> {
        ConsentForest::new(self.consents.iter().cloned())
    }
}
