//! Globus scope strings: the [`Scope`] model, a linear-time parser, scope builders for
//! every Globus service, [`DependentScopeSpec`] and the [`ConsentForest`]. No HTTP.
//!
//! The behaviour follows the Python `globus-sdk` v4 (`globus_sdk.scopes`), with
//! deliberate differences listed below.
//!
//! # Parsing and building scopes
//!
//! ```
//! use globus_scopes::{GcsCollectionScopes, Scope, TransferScopes, parse_scopes};
//!
//! // Parse scope text: several scopes, optional (`*`) and dependent (`[...]`) ones.
//! let scopes = parse_scopes(
//!     "openid urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c0ffee/data_access]",
//! )?;
//! assert_eq!(scopes.len(), 2);
//! assert_eq!(scopes[1].dependencies()[0].is_optional(), true);
//!
//! // Or build the same scope from the typed collections.
//! let data_access = GcsCollectionScopes::new("c0ffee")?.data_access().with_optional(true);
//! let transfer = TransferScopes::all().with_dependency(data_access);
//! assert_eq!(transfer, scopes[1]);
//! assert_eq!(transfer.to_string().parse::<Scope>()?, transfer);
//! # Ok::<(), globus_scopes::ScopeError>(())
//! ```
//!
//! # Passing scopes to APIs
//!
//! Functions that take scopes take [`impl IntoScopes`](IntoScopes): a `&str`, a
//! `String`, a [`Scope`], or slices, vectors and arrays of them. [`serialize`] writes them
//! for the wire (strings untouched); [`ScopeList::parse_all`] parses them; and
//! [`merge_scopes`] merges two lists with the parser's normalisation.
//!
//! ```
//! use globus_scopes::{AuthScopes, merge_scopes, serialize};
//!
//! assert_eq!(serialize([AuthScopes::openid(), AuthScopes::email()], true)?, "openid email");
//! let merged = merge_scopes("foo[bar]", ["foo[baz]", "openid"])?;
//! assert_eq!(serialize(merged, true)?, "foo[bar baz] openid");
//! # Ok::<(), globus_scopes::ScopeError>(())
//! ```
//!
//! # Checking consents
//!
//! ```
//! use globus_scopes::{ConsentForest, GcsCollectionScopes, TransferScopes};
//!
//! // The body of Auth's GET /v2/api/identities/{id}/consents.
//! let body = serde_json::json!({"consents": [
//!     {"id": 1, "dependency_path": [1], "scope_name": TransferScopes::ALL,
//!      "client": "c1", "scope": "s1", "effective_identity": "i", "status": "approved",
//!      "created": "2024-03-18T17:32:51+00:00", "updated": "2024-03-18T17:32:51+00:00",
//!      "last_used": null, "allows_refresh": true, "auto_approved": false,
//!      "atomically_revocable": false},
//!     {"id": 2, "dependency_path": [1, 2],
//!      "scope_name": "https://auth.globus.org/scopes/c0ffee/data_access",
//!      "client": "c2", "scope": "s2", "effective_identity": "i", "status": "approved",
//!      "created": "2024-03-18T17:32:51+00:00", "updated": "2024-03-18T17:32:51+00:00",
//!      "last_used": null, "allows_refresh": true, "auto_approved": false,
//!      "atomically_revocable": true}
//! ]});
//! let forest = ConsentForest::from_json(&body)?;
//!
//! let data_access = GcsCollectionScopes::new("c0ffee")?.data_access();
//! assert!(forest.meets_scope_requirements(TransferScopes::all().with_dependency(data_access))?);
//! let other = GcsCollectionScopes::new("decaf")?.data_access();
//! assert!(!forest.meets_scope_requirements(TransferScopes::all().with_dependency(other))?);
//! # Ok::<(), globus_scopes::ScopeError>(())
//! ```
//!
//! # Robustness
//!
//! Parsing is linear in the input: sub-scopes that appear in several places are shared
//! (one allocation per `(scope string, optional)` pair), the cycle check is a three-colour
//! iterative DFS, and nothing in this crate recurses: parsing, `Display`, equality,
//! `Drop` and the consent checks all use explicit stacks. Input length, nesting depth and
//! the size of the parsed scopes written back out are bounded by [`ParseLimits`]
//! (defaults [`MAX_INPUT_LEN`], [`MAX_DEPTH`], [`MAX_SERIALIZED_LEN`]); exceeding one is
//! an error, never a hang. Nothing panics on any input.
//!
//! # Differences from the Python SDK
//!
//! - Output order is deterministic: first seen in the input (Python's comes from sets).
//! - Whitespace other than the space (tab, newline, NBSP…) and control characters are
//!   rejected, in the parser and in [`Scope::new`]; Python keeps them inside scope
//!   strings (and strips them from the last token only). [`Scope::new`] also rejects the
//!   empty string. Every `Scope` therefore writes out text that parses back to itself.
//! - [`merge_scopes`] and [`ConsentForest::meets_scope_requirements`] accept strings as
//!   well as scopes; each string is parsed on its own.
//! - The DOT rendering quotes node ids that are not plain identifiers (such as URNs and
//!   `*optional` top-level entries) so that the output is valid Graphviz.
//! - [`ConsentForest::new`] also rejects consents with an empty `dependency_path` and
//!   duplicate ids, which Python silently ignores or overwrites.
#![warn(missing_docs)]

mod collections;
mod consents;
mod dependent;
mod error;
mod graph;
mod parser;
mod scope;
mod serialize;

pub use collections::{
    AuthScopes, ComputeScopes, FlowsScopes, GcsCollectionScopes, GcsEndpointScopes, GroupsScopes,
    NexusScopes, ScopeCollection, SearchScopes, SpecificFlowScopes, TimersScopes, TransferScopes,
};
pub use consents::{Consent, ConsentForest, ConsentTree};
pub use dependent::DependentScopeSpec;
pub use error::{ParseErrorKind, ScopeError};
pub use graph::ScopeGraph;
pub use parser::{
    MAX_DEPTH, MAX_INPUT_LEN, MAX_SERIALIZED_LEN, ParseLimits, ScopeParser, merge_scopes,
    parse_scopes,
};
pub use scope::Scope;
pub use serialize::{IntoScopes, ScopeEntry, ScopeIter, ScopeList, serialize};
