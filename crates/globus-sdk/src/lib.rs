//! The Globus SDK for Rust.
#![warn(missing_docs)]
pub use globus_auth as auth;
pub use globus_core as core;
pub use globus_identity as identity;
pub use globus_scopes as scopes;
