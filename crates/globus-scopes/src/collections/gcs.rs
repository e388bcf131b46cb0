use std::fmt;

use super::{ScopeCollection, url_scope, urn_scope};
use crate::error::ScopeError;
use crate::scope::Scope;

/// The scopes of a Globus Connect Server endpoint: `manage_collections`. The resource
/// server is the endpoint id.
///
/// ```
/// use globus_scopes::GcsEndpointScopes;
///
/// let endpoint = GcsEndpointScopes::new("00000000-0000-0000-0000-000000000000")?;
/// assert_eq!(
///     endpoint.manage_collections().scope_string(),
///     "urn:globus:auth:scope:00000000-0000-0000-0000-000000000000:manage_collections"
/// );
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GcsEndpointScopes {
    endpoint_id: String,
    manage_collections: Scope,
}

impl GcsEndpointScopes {
    /// The scopes of the endpoint `endpoint_id`.
    ///
    /// # Errors
    /// [`ScopeError::ForbiddenCharacter`] when the id holds a character no scope string
    /// may contain.
    pub fn new(endpoint_id: impl fmt::Display) -> Result<Self, ScopeError> {
        let endpoint_id = endpoint_id.to_string();
        let manage_collections = urn_scope(&endpoint_id, "manage_collections")?;
        Ok(Self {
            endpoint_id,
            manage_collections,
        })
    }

    /// The endpoint id.
    pub fn endpoint_id(&self) -> &str {
        &self.endpoint_id
    }

    /// `urn:globus:auth:scope:{endpoint_id}:manage_collections`
    pub fn manage_collections(&self) -> Scope {
        self.manage_collections.clone()
    }
}

impl ScopeCollection for GcsEndpointScopes {
    fn resource_server(&self) -> &str {
        &self.endpoint_id
    }

    fn scopes(&self) -> Vec<Scope> {
        vec![self.manage_collections()]
    }
}

/// The scopes of a Globus Connect Server collection: `data_access` and `https`. The
/// resource server is the collection id.
///
/// ```
/// use globus_scopes::{GcsCollectionScopes, TransferScopes};
///
/// let collection = GcsCollectionScopes::new("00000000-0000-0000-0000-000000000000")?;
/// let scope = TransferScopes::all().with_dependency(collection.data_access().with_optional(true));
/// assert_eq!(
///     scope.to_string(),
///     "urn:globus:auth:scope:transfer.api.globus.org:all\
///      [*https://auth.globus.org/scopes/00000000-0000-0000-0000-000000000000/data_access]"
/// );
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GcsCollectionScopes {
    collection_id: String,
    data_access: Scope,
    https: Scope,
}

impl GcsCollectionScopes {
    /// The scopes of the collection `collection_id`.
    ///
    /// # Errors
    /// [`ScopeError::ForbiddenCharacter`] when the id holds a character no scope string
    /// may contain.
    pub fn new(collection_id: impl fmt::Display) -> Result<Self, ScopeError> {
        let collection_id = collection_id.to_string();
        let data_access = url_scope(&collection_id, "data_access")?;
        let https = url_scope(&collection_id, "https")?;
        Ok(Self {
            collection_id,
            data_access,
            https,
        })
    }

    /// The collection id.
    pub fn collection_id(&self) -> &str {
        &self.collection_id
    }

    /// `https://auth.globus.org/scopes/{collection_id}/data_access`
    pub fn data_access(&self) -> Scope {
        self.data_access.clone()
    }

    /// `https://auth.globus.org/scopes/{collection_id}/https`
    pub fn https(&self) -> Scope {
        self.https.clone()
    }
}

impl ScopeCollection for GcsCollectionScopes {
    fn resource_server(&self) -> &str {
        &self.collection_id
    }

    fn scopes(&self) -> Vec<Scope> {
        vec![self.data_access(), self.https()]
    }
}
