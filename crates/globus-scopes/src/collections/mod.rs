//! Scope builders for every Globus service, each knowing its resource server.
//!
//! The static collections are unit types with the exact scope strings as constants and
//! a function per scope returning a [`Scope`]:
//!
//! ```
//! use globus_scopes::{ScopeCollection, TransferScopes};
//!
//! assert_eq!(TransferScopes::ALL, "urn:globus:auth:scope:transfer.api.globus.org:all");
//! assert_eq!(TransferScopes::all().scope_string(), TransferScopes::ALL);
//! assert_eq!(TransferScopes.resource_server(), "transfer.api.globus.org");
//! assert_eq!(TransferScopes.scopes().len(), 2);
//! ```
//!
//! The dynamic collections ([`GcsEndpointScopes`], [`GcsCollectionScopes`],
//! [`SpecificFlowScopes`]) are built from an id, which is also their resource server.

mod auth;
mod compute;
mod flows;
mod gcs;
mod groups;
mod search;
mod timers;
mod transfer;

pub use auth::AuthScopes;
pub use compute::ComputeScopes;
pub use flows::{FlowsScopes, SpecificFlowScopes};
pub use gcs::{GcsCollectionScopes, GcsEndpointScopes};
pub use groups::{GroupsScopes, NexusScopes};
pub use search::SearchScopes;
pub use timers::TimersScopes;
pub use transfer::TransferScopes;

use crate::error::ScopeError;
use crate::scope::Scope;

/// A set of scopes belonging to one resource server.
pub trait ScopeCollection {
    /// The resource server the scopes belong to (the key of its tokens in a token
    /// response).
    fn resource_server(&self) -> &str;

    /// Every scope of the collection, in declaration order.
    fn scopes(&self) -> Vec<Scope>;
}

/// `urn:globus:auth:scope:{resource_server}:{name}`, checked.
pub(crate) fn urn_scope(resource_server: &str, name: &str) -> Result<Scope, ScopeError> {
    Scope::new(format!("urn:globus:auth:scope:{resource_server}:{name}"))
}

/// `https://auth.globus.org/scopes/{resource_server}/{name}`, checked.
pub(crate) fn url_scope(resource_server: &str, name: &str) -> Result<Scope, ScopeError> {
    Scope::new(format!(
        "https://auth.globus.org/scopes/{resource_server}/{name}"
    ))
}

/// Defines a static scope collection: a unit struct with `RESOURCE_SERVER`, one constant
/// and one function per scope, `SCOPE_STRINGS`, and the [`ScopeCollection`] impl.
macro_rules! static_collection {
    (
        $(#[$meta:meta])*
        pub struct $name:ident;
        resource_server = $rs:literal;
        $( $konst:ident, $func:ident = $string:literal; )*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl $name {
            #[doc = concat!("The resource server: `", $rs, "`.")]
            pub const RESOURCE_SERVER: &'static str = $rs;

            $(
                #[doc = concat!("The scope string `", $string, "`.")]
                pub const $konst: &'static str = $string;

                #[doc = concat!("The scope `", $string, "`.")]
                pub fn $func() -> $crate::Scope {
                    $crate::Scope::from_static(Self::$konst)
                }
            )*

            /// Every scope string of the collection, in declaration order.
            pub const SCOPE_STRINGS: &'static [&'static str] = &[$(Self::$konst),*];
        }

        impl $crate::ScopeCollection for $name {
            fn resource_server(&self) -> &str {
                Self::RESOURCE_SERVER
            }

            fn scopes(&self) -> Vec<$crate::Scope> {
                Self::SCOPE_STRINGS
                    .iter()
                    .map(|s| $crate::Scope::from_static(s))
                    .collect()
            }
        }
    };
}
pub(crate) use static_collection;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::validate_scope_string;

    fn all_static() -> Vec<(&'static str, &'static [&'static str], Vec<Scope>)> {
        vec![
            (
                AuthScopes::RESOURCE_SERVER,
                AuthScopes::SCOPE_STRINGS,
                AuthScopes.scopes(),
            ),
            (
                ComputeScopes::RESOURCE_SERVER,
                ComputeScopes::SCOPE_STRINGS,
                ComputeScopes.scopes(),
            ),
            (
                FlowsScopes::RESOURCE_SERVER,
                FlowsScopes::SCOPE_STRINGS,
                FlowsScopes.scopes(),
            ),
            (
                GroupsScopes::RESOURCE_SERVER,
                GroupsScopes::SCOPE_STRINGS,
                GroupsScopes.scopes(),
            ),
            (
                NexusScopes::RESOURCE_SERVER,
                NexusScopes::SCOPE_STRINGS,
                NexusScopes.scopes(),
            ),
            (
                SearchScopes::RESOURCE_SERVER,
                SearchScopes::SCOPE_STRINGS,
                SearchScopes.scopes(),
            ),
            (
                TimersScopes::RESOURCE_SERVER,
                TimersScopes::SCOPE_STRINGS,
                TimersScopes.scopes(),
            ),
            (
                TransferScopes::RESOURCE_SERVER,
                TransferScopes::SCOPE_STRINGS,
                TransferScopes.scopes(),
            ),
        ]
    }

    #[test]
    fn every_static_string_is_a_valid_scope_string() {
        for (_, strings, scopes) in all_static() {
            assert_eq!(strings.len(), scopes.len());
            for (string, scope) in strings.iter().zip(&scopes) {
                assert_eq!(validate_scope_string(string), Ok(()));
                assert_eq!(scope.scope_string(), *string);
                assert!(!scope.is_optional());
                assert!(scope.dependencies().is_empty());
            }
        }
    }

    #[test]
    fn builders_match_python() {
        assert_eq!(
            urn_scope("example.globus.org", "myscope").map(|s| s.to_string()),
            Ok("urn:globus:auth:scope:example.globus.org:myscope".to_owned())
        );
        assert_eq!(
            url_scope("00000000-0000-0000-0000-000000000000", "data_access").map(|s| s.to_string()),
            Ok(
                "https://auth.globus.org/scopes/00000000-0000-0000-0000-000000000000/data_access"
                    .to_owned()
            )
        );
    }
}
