//! The reliability and security acceptance matrix (36 rows; see `SECURITY.md` at the
//! repository root and `reliability.md` §5): one integration-test crate, one module per
//! group, every test named `row_<n>_<what>` so that a row maps to its tests.
//!
//! Everything runs offline: httpmock, the fake Globus Auth (`globus-testing`), a raw
//! loopback TCP server for faults httpmock cannot play, and a loopback TLS server with
//! certificates made in the test. Time-dependent rows use tokio's paused clock or a
//! `ManualClock`; nothing sleeps for real.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

mod support;

mod clock;
mod concurrency;
mod error_shapes;
mod id_tokens;
mod identity_batching;
mod malformed_responses;
mod pkce_state;
mod redaction;
mod retry_rate_limits;
mod scopes;
mod storage;
mod transport_faults;
