//! Helpers shared by the integration tests.
// Test support code: a failed unwrap is a failed test.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use globus_app::storage::TokenStorageData;

/// A committed fixture file (written by Python globus-sdk 4.10.0; see generate_fixtures.py).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Copies a fixture into `dir` (tests never touch the committed files).
pub fn copy_fixture(name: &str, dir: &Path) -> PathBuf {
    let dest = dir.join(name);
    fs::copy(fixture(name), &dest).unwrap();
    dest
}

/// Permission bits of a file.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// A record with every field set.
pub fn record(rs: &str, suffix: &str) -> TokenStorageData {
    TokenStorageData::new(
        rs,
        format!("scope:{rs}"),
        format!("AT-{suffix}"),
        1_700_000_000,
    )
    .with_identity_id("ae341a98-d274-11e5-b888-dbae3a8ba545")
    .with_refresh_token(format!("RT-{suffix}"))
    .with_token_type("Bearer")
}

pub fn map(
    records: impl IntoIterator<Item = TokenStorageData>,
) -> BTreeMap<String, TokenStorageData> {
    records
        .into_iter()
        .map(|r| (r.resource_server.clone(), r))
        .collect()
}

/// Runs the test named `test` of this same test binary in a child process, with `env`
/// set; helper tests do nothing unless their variable is set.
pub fn run_helper(test: &str, env: &[(&str, &str)]) -> Output {
    let exe = std::env::current_exe().unwrap();
    let output = Command::new(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert_helper_ok(test, &output);
    output
}

pub fn assert_helper_ok(test: &str, output: &Output) {
    assert!(
        output.status.success(),
        "helper {test} failed ({}): {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "helper {test} did not run: {}",
        String::from_utf8_lossy(&output.stdout)
    );
}
