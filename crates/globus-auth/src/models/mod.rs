//! Typed models of Globus Auth's responses.
//!
//! Every model tolerates unknown fields (they are kept in `extra`) and, because Globus Auth
//! omits fields in some answers (an update may echo only what changed), most fields are
//! optional. The raw JSON of any response stays reachable through
//! [`ApiResponse::raw_json`](globus_core::ApiResponse::raw_json).
//!
//! Single resources come back from Globus Auth inside a wrapper named after them
//! (`{"project": {...}}`, `{"client": {...}}`, …). The [`AuthClient`](crate::AuthClient)
//! methods unwrap it: `get_project` gives an `ApiResponse<Project>`, whose `raw_json()` is
//! still the whole body, wrapper included. Lists (`{"projects": [...]}`) are typed
//! responses you can iterate, as Python's `IterableResponse`s are. The one exception is
//! client creation, whose answer has a sibling of the wrapper ([`CreatedClient`]).

mod client;
mod consent;
mod credential;
mod identity;
mod identity_provider;
mod oidc;
mod policy;
mod project;
mod scope;

pub use client::{
    Client, ClientIncluded, ClientLinks, ClientType, CreatedClient, GetClientsResponse, Visibility,
};
pub use consent::GetConsentsResponse;
pub use credential::{ClientCredential, GetClientCredentialsResponse};
pub use identity::{GetIdentitiesResponse, Identity, IdentityStatus};
pub use identity_provider::{GetIdentityProvidersResponse, IdentityProvider};
pub use oidc::{Jwk, JwkSet, OpenIdConfiguration, UserInfo};
pub use policy::{GetPoliciesResponse, Policy};
pub use project::{GetProjectsResponse, Project, ProjectAdminGroup, ProjectAdmins};
pub use scope::{GetScopesResponse, ScopeRecord};

pub(crate) use envelope::{Envelope, Wrap, Wrapped};

mod envelope;

mod introspect; // token introspection (login clients)
pub use introspect::IntrospectResponse;

/// Extra JSON members a model does not name.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Implements `iter()` and `IntoIterator for &T` for a list response, so it can be
/// iterated as Python's `IterableResponse` is.
macro_rules! iterable_response {
    ($response:ty, $field:ident, $item:ty) => {
        impl $response {
            /// Iterates over the items.
            pub fn iter(&self) -> std::slice::Iter<'_, $item> {
                self.$field.iter()
            }

            /// The number of items.
            pub fn len(&self) -> usize {
                self.$field.len()
            }

            /// Whether there are no items.
            pub fn is_empty(&self) -> bool {
                self.$field.is_empty()
            }
        }

        impl<'a> IntoIterator for &'a $response {
            type Item = &'a $item;
            type IntoIter = std::slice::Iter<'a, $item>;

            fn into_iter(self) -> Self::IntoIter {
                self.$field.iter()
            }
        }

        impl IntoIterator for $response {
            type Item = $item;
            type IntoIter = std::vec::IntoIter<$item>;

            fn into_iter(self) -> Self::IntoIter {
                self.$field.into_iter()
            }
        }
    };
}
pub(crate) use iterable_response;

/// Reads `null` (or an absent field, with `#[serde(default)]`) as the type's default: for
/// lists Globus Auth sometimes sends as `null` where an empty list is meant.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
