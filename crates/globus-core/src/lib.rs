//! Core of the Globus SDK for Rust.
#![warn(missing_docs)]

pub mod secret;

#[doc(hidden)]
pub mod __private {
    //! Re-exports used by this crate's macros; not part of the public API.
    pub use serde;
}
