//! Drives the built `globus` CLI example against the fake Globus Auth.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use globus_sdk::testing::FakeGlobusAuth;

fn cli() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("examples")
        .join("globus");
    assert!(
        path.exists(),
        "{} was not built: run `cargo test --workspace`",
        path.display()
    );
    path
}

struct Env {
    fake: FakeGlobusAuth,
    home: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            fake: FakeGlobusAuth::builder().build_in_background().unwrap(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[], None)
    }

    fn run_with(&self, args: &[&str], extra_env: &[(&str, &str)], stdin: Option<&str>) -> Output {
        let mut command = Command::new(cli());
        command
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("GLOBUS_CLIENT_ID", self.fake.native_client_id())
            .env("GLOBUS_SDK_SERVICE_URL_AUTH", self.fake.base_url().as_str())
            .envs(extra_env.iter().copied())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        if let Some(input) = stdin {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        child.wait_with_output().unwrap()
    }

    fn token_file(&self) -> PathBuf {
        self.home
            .path()
            .join(".globus/app")
            .join(self.fake.native_client_id())
            .join("globus-cli-rs/tokens.json")
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "status {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn login_whoami_identities_logout() {
    let env = Env::new();
    let user = env.fake.user().clone();

    let out = env.run(&["login"]);
    assert_ok(&out);
    assert!(
        stdout(&out).contains(&format!(
            "You have logged in to Globus as {}",
            user.username
        )),
        "{}",
        stdout(&out)
    );
    let file = env.token_file();
    assert_eq!(mode(&file), 0o600, "the token file is private");
    let stored = std::fs::read_to_string(&file).unwrap();
    assert!(stored.contains("\"format_version\": \"2.0\""));
    assert!(stored.contains(&user.id), "the identity id is stored");

    let out = env.run(&["whoami"]);
    assert_ok(&out);
    assert_eq!(stdout(&out).trim(), user.username);
    let out = env.run(&["whoami", "--json"]);
    assert_ok(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["sub"], user.id.as_str());

    let out = env.run(&[
        "identities",
        &user.username,
        "46bd0f56-e24f-11e5-a510-131bef46955c",
    ]);
    assert_ok(&out);
    let table = stdout(&out);
    assert!(table.starts_with("ID"), "{table}");
    assert!(
        table.contains(&user.id) && table.contains(&user.name),
        "{table}"
    );
    assert!(
        table.contains("46bd0f56-e24f-11e5-a510-131bef46955c"),
        "{table}"
    );
    let out = env.run(&["identities", "--json", &user.username]);
    assert_ok(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["identities"][0]["username"], user.username.as_str());

    // Nothing printed is a secret: no token from the file appears in any output.
    let data: serde_json::Value = serde_json::from_str(&stored).unwrap();
    let record = &data["data"]["DEFAULT"]["auth.globus.org"];
    let secrets = [
        record["access_token"].as_str().unwrap(),
        record["refresh_token"].as_str().unwrap(),
    ];
    for out in [env.run(&["whoami"]), env.run(&["whoami", "--json"])] {
        for secret in secrets {
            assert!(!stdout(&out).contains(secret) && !stderr(&out).contains(secret));
        }
    }

    let out = env.run(&["logout"]);
    assert_ok(&out);
    assert!(
        stdout(&out).contains("Logged out: 2 token(s) revoked"),
        "{}",
        stdout(&out)
    );
    for secret in secrets {
        assert!(!env.fake.is_token_active(secret), "revoked");
    }
    let out = env.run(&["whoami"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not logged in"), "{}", stderr(&out));
}

#[test]
fn scopes_parse_normalises_or_exits_2() {
    let env = Env::new();
    let out = env.run(&["scopes", "parse", "foo[bar] foo[baz]  openid"]);
    assert_ok(&out);
    assert_eq!(stdout(&out).trim(), "foo[bar baz] openid");
    let out = env.run(&["scopes", "parse", "foo[bar"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid scope string"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["scopes", "parse", "--dot", "a[b]"]);
    assert_ok(&out);
    assert!(stdout(&out).contains("digraph"), "{}", stdout(&out));
}

#[test]
fn token_introspect_needs_a_confidential_client() {
    let env = Env::new();
    let issued = env.fake.issue_tokens_for("openid profile").unwrap();
    let token = issued.access_token("auth.globus.org").unwrap().to_owned();

    let out = env.run_with(&["token", "introspect"], &[], Some(&token));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("GLOBUS_CLIENT_SECRET"),
        "{}",
        stderr(&out)
    );

    let confidential = env.fake.confidential_client().clone();
    let out = env.run_with(
        &["token", "introspect"],
        &[
            ("GLOBUS_CLIENT_ID", &confidential.id),
            ("GLOBUS_CLIENT_SECRET", &confidential.secret),
        ],
        Some(&token),
    );
    assert_ok(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["active"], true);
    assert!(!stdout(&out).contains(&token) && !stdout(&out).contains(&confidential.secret));
}

#[test]
fn missing_client_id_is_a_clear_error() {
    let env = Env::new();
    let out = Command::new(cli())
        .arg("whoami")
        .env_clear()
        .env("HOME", env.home.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("GLOBUS_CLIENT_ID is not set"),
        "{}",
        stderr(&out)
    );
}
