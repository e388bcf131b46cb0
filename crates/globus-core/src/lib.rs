//! Core of the Globus SDK.
#![warn(missing_docs)]
