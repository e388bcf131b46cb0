//! File modes: new files 0600 and directories 0700 even under umask 000 (set in a child
//! process, never in this one), looser existing files tightened, the umask never touched.
#![cfg(unix)]
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::Path;

use common::{assert_helper_ok, copy_fixture, mode, record, set_mode};
use globus_app::storage::{JsonTokenStorage, SqliteTokenStorage, TokenStorage};

const CLIENT_ID: &str = "6b2e3c46-6d1f-4b55-9a4b-3b1f8f0a6c11";
const HELPER_VAR: &str = "GLOBUS_APP_TEST_UMASK_HELPER";

/// The process umask from /proc (Linux), read without changing it.
fn current_umask() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Umask:"))?;
    u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).ok()
}

/// Child process, started under `umask 000` with HOME pointing at a temporary directory:
/// creates the default-path storages of an app, as a Python GlobusApp would find them.
#[test]
fn helper_umask_zero() {
    if std::env::var_os(HELPER_VAR).is_none() {
        return;
    }
    if cfg!(target_os = "linux") {
        assert_eq!(
            current_umask(),
            Some(0),
            "the helper must run under umask 000"
        );
    }
    let json = JsonTokenStorage::for_app(CLIENT_ID, "My App v1.0", "production").unwrap();
    json.store_token_data(record("rs", "1")).unwrap();
    let db = SqliteTokenStorage::for_app(CLIENT_ID, "My App v1.0", "sandbox").unwrap();
    db.store_token_data(record("rs", "1")).unwrap();
    // while the connection is open, SQLite's side files exist and have the database's mode
    for suffix in ["-wal", "-shm"] {
        let side = format!("{}{suffix}", db.path().display());
        assert_eq!(mode(Path::new(&side)), 0o600, "{side}");
    }
    if cfg!(target_os = "linux") {
        assert_eq!(current_umask(), Some(0), "storage changed the umask");
    }
}

#[test]
fn new_files_and_directories_are_private_under_umask_000() {
    let home = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"umask 000 && exec "$0" --exact helper_umask_zero --nocapture --test-threads=1"#)
        .arg(&exe)
        .env("HOME", home.path())
        .env(HELPER_VAR, "1")
        .output()
        .unwrap();
    assert_helper_ok("helper_umask_zero", &output);

    // Python's default paths: ~/.globus/app/{client_id}/{app_slug}/{env_prefix}tokens.{ext}
    let app_dir = home
        .path()
        .join(".globus")
        .join("app")
        .join(CLIENT_ID)
        .join("my-app-v1-0");
    for dir in [
        home.path().join(".globus"),
        home.path().join(".globus").join("app"),
        app_dir.parent().unwrap().to_path_buf(),
        app_dir.clone(),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    for file in ["tokens.json", "tokens.json.lock", "sandbox-tokens.db"] {
        assert_eq!(mode(&app_dir.join(file)), 0o600, "{file}");
    }
    let json = JsonTokenStorage::new(app_dir.join("tokens.json")).unwrap();
    assert!(json.get_token_data("rs").unwrap().is_some());
}

#[test]
fn existing_loose_json_file_is_tightened() {
    let tmp = tempfile::tempdir().unwrap();
    let path = copy_fixture("json_v2.json", tmp.path());
    set_mode(&path, 0o644);
    let storage = JsonTokenStorage::new(&path).unwrap();
    assert!(storage.get_token_data("auth.globus.org").unwrap().is_some());
    assert_eq!(mode(&path), 0o600);

    set_mode(&path, 0o666);
    storage.store_token_data(record("rs", "1")).unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn existing_loose_database_is_tightened() {
    let tmp = tempfile::tempdir().unwrap();
    let path = copy_fixture("sqlite_v2.db", tmp.path());
    set_mode(&path, 0o644);
    let storage = SqliteTokenStorage::new(&path).unwrap();
    assert!(storage.get_token_data("auth.globus.org").unwrap().is_some());
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&tmp.path().join("sqlite_v2.db-wal")), 0o600);
}

#[test]
fn existing_directories_are_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shared");
    fs::create_dir(&dir).unwrap();
    set_mode(&dir, 0o755);
    let storage = JsonTokenStorage::new(dir.join("tokens.json")).unwrap();
    storage.store_token_data(record("rs", "1")).unwrap();
    assert_eq!(mode(&dir), 0o755);
    assert_eq!(mode(&dir.join("tokens.json")), 0o600);
}

#[test]
fn symlinked_token_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let target = copy_fixture("json_v2.json", tmp.path());
    let link = tmp.path().join("tokens.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let before = fs::read(&target).unwrap();
    let storage = JsonTokenStorage::new(&link).unwrap();
    let err = storage.store_token_data(record("rs", "1")).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert!(storage.get_token_data("rs").is_err());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&target).unwrap(), before);
}
