//! Globus apps for Rust.
//!
//! This crate will hold `UserApp` and `ClientApp`, the Rust counterparts of Python
//! globus-sdk's `GlobusApp`: login flows, scope requirements, validated tokens and
//! authorizers wired together. It is its own crate, above `globus-auth` and
//! `globus-identity`, because it owns state on disk and interactive flows that a library
//! using only the API clients should not have to compile.
//!
//! Today it provides the foundation those apps stand on: [`storage`], token storage in
//! memory, in a JSON file or in a SQLite database, **file-compatible with Python
//! globus-sdk** (same default paths, same formats), so that a Rust app and a Python app
//! share their logins — and safer than Python's (private file modes from creation, atomic
//! writes, a cross-process lock, corrupt files reported instead of overwritten).
//!
//! ```
//! use std::sync::Arc;
//! use globus_app::storage::{JsonTokenStorage, TokenStorage, TokenStorageData};
//!
//! let dir = tempfile::tempdir()?;
//! // An app would use JsonTokenStorage::for_app(client_id, app_name, "production"), which
//! // picks the same ~/.globus/app/... file as a Python GlobusApp.
//! let storage: Arc<dyn TokenStorage> = Arc::new(JsonTokenStorage::new(dir.path().join("tokens.json"))?);
//!
//! storage.store_token_data(
//!     TokenStorageData::new(
//!         "transfer.api.globus.org",
//!         "urn:globus:auth:scope:transfer.api.globus.org:all",
//!         "access-token",
//!         1_700_000_000,
//!     )
//!     .with_refresh_token("refresh-token")
//!     .with_identity_id("ae341a98-d274-11e5-b888-dbae3a8ba545"),
//! )?;
//!
//! let data = storage.get_token_data("transfer.api.globus.org")?.ok_or("not stored")?;
//! assert_eq!(data.access_token.expose_secret(), "access-token");
//! // Tokens never appear in Debug output.
//! assert!(!format!("{data:?}").contains("access-token"));
//! assert!(storage.remove_token_data("transfer.api.globus.org")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod app;
mod error;
pub mod login_flow;
pub mod storage;

pub use error::{Error, Result};
