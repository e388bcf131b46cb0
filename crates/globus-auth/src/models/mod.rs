//! Typed models of Globus Auth's responses.
//!
//! Every model tolerates unknown fields (they are kept in `extra`) and, because Globus Auth
//! omits fields in some answers (an update may echo only what changed), most fields are
//! optional. The raw JSON of any response stays reachable through
//! [`ApiResponse::raw_json`](globus_core::ApiResponse::raw_json).

mod identity;
mod oidc;

pub use identity::{GetIdentitiesResponse, Identity, IdentityStatus};
pub use oidc::{Jwk, JwkSet, OpenIdConfiguration, UserInfo};

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
