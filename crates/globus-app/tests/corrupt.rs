//! Corrupt and unknown inputs: each is an error naming the file, the file is left byte for
//! byte untouched (by reads and by refused writes), and `reset()` recovers.
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::Path;

use common::{copy_fixture, record};
use globus_app::Error;
use globus_app::storage::{JsonTokenStorage, SqliteTokenStorage, TokenStorage};

/// Every operation fails with an error that names `path` and satisfies `check`; the file
/// does not change; after `reset()` the storage works again.
fn assert_fails_closed(
    storage: &dyn TokenStorage,
    path: &Path,
    check: fn(&Error) -> bool,
    case: &str,
) {
    let before = fs::read(path).unwrap();
    let errors = [
        storage.get_token_data_by_resource_server().err(),
        storage.get_token_data("rs").err(),
        storage.store_token_data(record("rs", "new")).err(),
        storage.remove_token_data("rs").err(),
        storage.namespaces().err(),
    ];
    for err in errors {
        let err = err.unwrap_or_else(|| panic!("{case}: an operation succeeded"));
        assert!(check(&err), "{case}: unexpected error {err:?}");
        assert!(err.needs_reset(), "{case}: {err}");
        assert_eq!(err.path(), Some(path), "{case}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{case}: {err}"
        );
        assert!(!err.to_string().contains("SECRET"), "{case}: {err}");
    }
    assert_eq!(fs::read(path).unwrap(), before, "{case}: file changed");

    storage.reset().unwrap();
    storage.store_token_data(record("rs", "new")).unwrap();
    let got = storage.get_token_data("rs").unwrap().unwrap();
    assert_eq!(got.access_token.expose_secret(), "AT-new", "{case}");
}

#[test]
fn corrupt_json_files_fail_closed() {
    let cases: &[(&str, &[u8])] = &[
        ("truncated", br#"{"data": {"DEFAULT": {"rs": {"access_token": "SECRET"#),
        ("zero bytes", b""),
        ("open brace only", b"{"),
        ("binary", &[0xff, 0xfe, 0x00, 0x01, 0x80, 0x7b, 0x22]),
        ("valid JSON array", br#"[{"access_token": "SECRET"}]"#),
        ("JSON string", br#""SECRET""#),
        ("UTF-8 BOM", b"\xef\xbb\xbf{\"data\": {}, \"format_version\": \"2.0\", \"globus-sdk.version\": \"1\"}"),
        ("missing format_version", br#"{"data": {}, "globus-sdk.version": "4.10.0"}"#),
        ("data not an object", br#"{"data": ["SECRET"], "format_version": "2.0", "globus-sdk.version": "4.10.0"}"#),
        ("namespace not an object", br#"{"data": {"DEFAULT": "SECRET"}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}"#),
        ("v1 without by_rs", br#"{"format_version": "1.0", "globus-sdk.version": "3.0"}"#),
    ];
    for (case, bytes) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens.json");
        fs::write(&path, bytes).unwrap();
        let storage = JsonTokenStorage::new(&path).unwrap();
        assert_fails_closed(&storage, &path, Error::is_corrupt, case);
    }
}

#[test]
fn unknown_json_format_version_is_never_downgraded() {
    for version in [
        r#""3.0""#,
        r#""2.1""#,
        r#""a-long-version-string-from-the-future""#,
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens.json");
        let text = format!(
            r#"{{"data": {{}}, "format_version": {version}, "globus-sdk.version": "9.0.0"}}"#
        );
        fs::write(&path, text).unwrap();
        let storage = JsonTokenStorage::new(&path).unwrap();
        assert_fails_closed(
            &storage,
            &path,
            Error::is_unsupported_format_version,
            version,
        );
    }
}

#[test]
fn one_malformed_json_record_spares_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.json");
    fs::write(
        &path,
        r#"{"data": {"DEFAULT": {"bad": {"resource_server": "bad", "access_token": "SECRET"}, "good": {"resource_server": "good", "scope": "s", "access_token": "AT", "expires_at_seconds": 1}}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}"#,
    )
    .unwrap();
    let storage = JsonTokenStorage::new(&path).unwrap();
    let err = storage.get_token_data_by_resource_server().unwrap_err();
    assert!(matches!(err, Error::InvalidTokenData { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("\"bad\"") && message.contains("scope") && !message.contains("SECRET"),
        "{message}"
    );
    assert!(storage.get_token_data("good").unwrap().is_some());
    assert!(storage.get_token_data("bad").is_err());
    // storing the bad resource server again repairs it
    storage.store_token_data(record("bad", "fixed")).unwrap();
    assert_eq!(
        storage.get_token_data_by_resource_server().unwrap().len(),
        2
    );
}

#[test]
fn sqlite_not_a_database_fails_closed() {
    let mut garbage = b"this is not a SQLite database, SECRET".repeat(200);
    garbage.truncate(4096);
    let cases: &[(&str, Vec<u8>)] = &[
        ("text", garbage),
        ("short", b"hello".to_vec()),
        ("JSON", br#"{"data": {}}"#.to_vec()),
        ("bad header", {
            let mut bytes = b"SQLite format 3\0".to_vec();
            bytes.resize(1024, 0xAB);
            bytes
        }),
    ];
    for (case, bytes) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens.db");
        fs::write(&path, bytes).unwrap();
        let storage = SqliteTokenStorage::new(&path).unwrap();
        assert_fails_closed(&storage, &path, Error::is_corrupt, case);
    }
}

/// Decision: a zero-byte database file is a new, empty database (SQLite itself treats it
/// so). This is also what a crash leaves between pre-creating the file with mode 0600 and
/// creating the schema, so it must not need a reset.
#[test]
fn sqlite_zero_byte_file_is_a_new_database() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.db");
    fs::write(&path, b"").unwrap();
    let storage = SqliteTokenStorage::new(&path).unwrap();
    assert!(
        storage
            .get_token_data_by_resource_server()
            .unwrap()
            .is_empty()
    );
    storage.store_token_data(record("rs", "1")).unwrap();
    assert!(storage.get_token_data("rs").unwrap().is_some());
}

#[test]
fn sqlite_missing_tables_are_created() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE unrelated (x INTEGER);")
        .unwrap();
    drop(conn);
    let storage = SqliteTokenStorage::new(&path).unwrap();
    storage.store_token_data(record("rs", "1")).unwrap();
    assert_eq!(storage.namespaces().unwrap(), ["DEFAULT"]);
}

#[test]
fn sqlite_newer_schema_is_readable_but_refuses_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.db");
    let storage = SqliteTokenStorage::new(&path).unwrap();
    storage.store_token_data(record("rs", "1")).unwrap();
    drop(storage);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE sdk_storage_adapter_internal SET value = '3' WHERE attribute = 'globus-sdk.database_schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let before = fs::read(&path).unwrap();

    let storage = SqliteTokenStorage::new(&path).unwrap();
    assert!(storage.get_token_data("rs").unwrap().is_some());
    let err = storage.store_token_data(record("rs", "2")).unwrap_err();
    assert!(err.is_unsupported_format_version(), "{err:?}");
    assert!(err.to_string().contains("\"3\""), "{err}");
    assert!(storage.remove_token_data("rs").unwrap_err().needs_reset());
    drop(storage);
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn sqlite_malformed_row_is_a_typed_error_for_that_row() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.db");
    let storage = SqliteTokenStorage::new(&path).unwrap();
    storage.store_token_data(record("good", "1")).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO token_storage VALUES ('DEFAULT', 'bad', '{\"access_token\": \"SECRET\"')",
        [],
    )
    .unwrap();
    drop(conn);
    let err = storage.get_token_data_by_resource_server().unwrap_err();
    assert!(matches!(err, Error::InvalidTokenData { .. }), "{err:?}");
    assert!(!err.to_string().contains("SECRET"), "{err}");
    assert!(storage.get_token_data("good").unwrap().is_some());
}

/// Python rewrites the file in place; a read that catches it empty retries briefly.
#[test]
fn json_read_during_an_in_place_rewrite_retries() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.json");
    fs::write(&path, b"").unwrap();
    let storage = JsonTokenStorage::new(&path).unwrap();
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(5));
            fs::copy(common::fixture("json_v2.json"), path).unwrap();
        })
    };
    let got = storage.get_token_data_by_resource_server().unwrap();
    writer.join().unwrap();
    assert_eq!(got.len(), 2);
}

#[test]
fn stale_temp_file_from_a_crash_is_removed_by_the_next_write() {
    let tmp = tempfile::tempdir().unwrap();
    let path = copy_fixture("json_v2.json", tmp.path());
    let stale = tmp.path().join(".json_v2.json.tmp.4242.0");
    fs::write(&stale, b"{\"data\": {\"DEFAU").unwrap();
    let storage = JsonTokenStorage::new(&path).unwrap();
    // reads ignore it
    assert_eq!(
        storage.get_token_data_by_resource_server().unwrap().len(),
        2
    );
    assert!(stale.exists());
    storage.store_token_data(record("rs", "1")).unwrap();
    assert!(!stale.exists());
    assert_eq!(
        storage.get_token_data_by_resource_server().unwrap().len(),
        3
    );
}

#[test]
fn fuzz_regression_a_corrupt_database_is_never_written() {
    // Found by the token_file_sqlite fuzz target (reliability row 31). The first database's
    // schema reads fine but its pages are damaged: opening it used to switch it to WAL
    // mode (rewriting its header) before the damage was found. The second's damage is met
    // only by a read of the rows; a store that would not touch it used to succeed after.
    for fixture in [
        "fuzz_sqlite_corrupt_page.db",
        "fuzz_sqlite_malformed_read.db",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens.db");
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        fs::copy(source, &path).unwrap();
        let before = fs::read(&path).unwrap();
        let storage = SqliteTokenStorage::new(&path).unwrap();
        let read = storage.get_token_data_by_resource_server();
        let stored = storage.store_token_data(record("rs", "new"));
        match read {
            Err(err) if err.needs_reset() => {
                assert!(stored.is_err(), "{fixture}: a store succeeded");
                let after = fs::read(&path).unwrap();
                assert!(after == before, "{fixture}: the database changed");
            }
            other => panic!("{fixture}: expected a corrupt-database error, got {other:?}"),
        }
        storage.reset().unwrap();
        storage.store_token_data(record("rs", "new")).unwrap();
    }
}
