//! The raw-bytes loopback server lives in globus-testing (shared with globus-core's
//! transport tests).

#[allow(unused_imports)] // each test module uses some of them
pub use globus_testing::raw::{Behavior, RawServer, closed_port_url};
