//! Runs every example offline (against the embedded fake) and checks what it prints.
//!
//! `cargo test` builds the examples before it runs tests, so their binaries are next to
//! this test's, under `target/<profile>/examples/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} was not built: run the whole suite (`cargo test --workspace`), which builds the examples",
        path.display()
    );
    path
}

fn run(name: &str, args: &[&str]) -> String {
    let output = Command::new(example(name))
        .args(args)
        .env_remove("GLOBUS_CLIENT_ID")
        .env_remove("GLOBUS_CLIENT_SECRET")
        .env_remove("GLOBUS_SDK_ENVIRONMENT")
        .env_remove("GLOBUS_SDK_SERVICE_URL_AUTH")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{name} failed: {}\n{stdout}\n{stderr}",
        output.status
    );
    stdout
}

#[test]
fn quickstart_logs_in_verifies_resolves_refreshes_and_revokes() {
    let out = run("quickstart", &[]);
    for expected in [
        "running against the embedded fake Globus Auth",
        "1. Log in",
        "refresh token: [REDACTED]",
        "1. Log in with a UserApp",
        "ID token signature, issuer, audience and times verified at login",
        "logged in as jane.doe@globusid.org",
        "ada.lovelace@globusid.org",
        "-> 46bd0f56-e24f-11e5-a510-131bef46955c",
        "differs from the old one: true",
        "the app stored it: true",
        "revoked the stored refresh and access tokens, and removed them",
        "login required now: true",
        "the revoked token is refused: HTTP 401",
        "Done.",
    ] {
        assert!(
            out.contains(expected),
            "quickstart output lacks {expected:?}:\n{out}"
        );
    }
    assert!(
        !out.contains("access token:  ey"),
        "a token was printed:\n{out}"
    );
}

#[test]
fn focused_examples_run_offline() {
    let out = run("client_credentials", &[]);
    assert!(out.contains("the client's own identity"), "{out}");
    let out = run("dependent_tokens", &[]);
    assert!(
        out.contains("groups.api.globus.org: access token [REDACTED], refresh token yes"),
        "{out}"
    );
    let out = run(
        "identity_lookup",
        &["ada@globusid.org", "46bd0f56-e24f-11e5-a510-131bef46955c"],
    );
    assert!(out.contains("ada@globusid.org: "), "{out}");
    assert!(out.contains("cached lookup"), "{out}");
    let out = run("decode_id_token", &[]);
    assert!(out.contains("verified ID token for"), "{out}");
    assert!(out.contains("a tampered token is refused"), "{out}");
    let out = run("core_tour", &[]);
    assert!(out.contains("Done."), "{out}");
}
