//! Rows 29–32: token-file permissions, atomic writes under a full disk and a crash
//! mid-write, corrupt and unknown files, and many writers. Unix only (modes, umask,
//! `ulimit -f`); the helpers below run as child processes of this test binary.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use globus_sdk::app::storage::{
    JsonTokenStorage, SqliteTokenStorage, TokenStorage, TokenStorageData,
};

use crate::support::{assert_helper_ok, run_helper};

const HELPER_VAR: &str = "GLOBUS_RELIABILITY_STORAGE_HELPER";

fn record(rs: &str, access: &str) -> TokenStorageData {
    TokenStorageData::new(rs, "openid", access, 1_900_000_000).with_refresh_token("RT")
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn open(kind: &str, path: &Path) -> Box<dyn TokenStorage> {
    match kind {
        "json" => Box::new(
            JsonTokenStorage::builder(path)
                .lock_timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        ),
        _ => Box::new(
            SqliteTokenStorage::builder(path)
                .busy_timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        ),
    }
}

/// Child: `op:kind:path[:worker]`. `umask` creates both storages in a fresh directory;
/// `big` stores a 256 KiB record (run under `ulimit -f`); `writer` stores 100 records.
#[test]
fn helper_storage() {
    let Ok(spec) = std::env::var(HELPER_VAR) else {
        return;
    };
    let mut parts = spec.splitn(4, ':');
    let (op, kind, path) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let path = Path::new(path);
    match op {
        "umask" => {
            let json = JsonTokenStorage::new(path.join("new/dir/tokens.json")).unwrap();
            json.store_token_data(record("rs", "AT")).unwrap();
            let db = SqliteTokenStorage::new(path.join("new/db/tokens.db")).unwrap();
            db.store_token_data(record("rs", "AT")).unwrap();
            for side in ["-wal", "-shm"] {
                let side = format!("{}{side}", path.join("new/db/tokens.db").display());
                assert_eq!(mode(Path::new(&side)), 0o600, "{side}");
            }
            // The storage never touched the process umask (Python swaps it).
            if let Ok(status) = fs::read_to_string("/proc/self/status") {
                assert!(status.contains("Umask:\t0000"), "umask changed");
            }
        }
        "big" => {
            let storage = open(kind, path);
            let err = storage
                .store_token_data(record("big", &"A".repeat(256 * 1024)))
                .unwrap_err();
            assert!(matches!(err, globus_sdk::app::Error::Io { .. }), "{err:?}");
            // The old record is still readable.
            assert!(storage.get_token_data("rs").unwrap().is_some());
        }
        "writer" => {
            let worker = parts.next().unwrap();
            let storage = open(kind, path);
            for i in 0..100 {
                let rs = format!("w{worker}-{i}");
                storage.store_token_data(record(&rs, &rs)).unwrap();
            }
        }
        other => panic!("unknown helper op {other}"),
    }
}

const HELPER: &str = "storage::helper_storage";

#[test]
fn row_29_files_are_0600_and_directories_0700_even_under_umask_000() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = format!("umask:-:{}", tmp.path().display());
    let output = run_helper(HELPER, HELPER_VAR, &spec, Some("umask 000 &&"));
    assert_helper_ok(HELPER, &output);
    for (file, dir) in [
        ("new/dir/tokens.json", "new/dir"),
        ("new/db/tokens.db", "new/db"),
    ] {
        assert_eq!(mode(&tmp.path().join(file)), 0o600, "{file}");
        assert_eq!(mode(&tmp.path().join(dir)), 0o700, "{dir}");
    }
    // A pre-existing loose file is tightened on the next write.
    for (name, kind) in [("loose.json", "json"), ("loose.db", "sqlite")] {
        let path = tmp.path().join(name);
        open(kind, &path)
            .store_token_data(record("rs", "AT"))
            .unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        open(kind, &path)
            .store_token_data(record("rs2", "AT"))
            .unwrap();
        assert_eq!(mode(&path), 0o600, "{name}");
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn row_30_a_full_disk_and_a_crash_mid_write_leave_the_old_file_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.json");
    open("json", &path)
        .store_token_data(record("rs", "AT"))
        .unwrap();
    let before = fs::read(&path).unwrap();
    let spec = format!("big:json:{}", path.display());

    // Disk full: a file-size limit makes the write fail (EFBIG) instead of killing us.
    let output = run_helper(
        HELPER,
        HELPER_VAR,
        &spec,
        Some("trap '' XFSZ; ulimit -f 16 &&"),
    );
    assert_helper_ok(HELPER, &output);
    assert_eq!(fs::read(&path).unwrap(), before, "old file byte-identical");

    // A crash mid-write: the same limit, but the signal kills the writer.
    let output = run_helper(HELPER, HELPER_VAR, &spec, Some("ulimit -f 16 &&"));
    assert!(!output.status.success(), "the writer was killed");
    assert_eq!(fs::read(&path).unwrap(), before, "old file byte-identical");
    assert!(
        files_in(tmp.path()).iter().any(|n| n.contains(".tmp.")),
        "the crash left its temp file: {:?}",
        files_in(tmp.path())
    );
    // The next write cleans it up and works.
    let storage = open("json", &path);
    storage.store_token_data(record("rs2", "AT2")).unwrap();
    assert!(
        !files_in(tmp.path()).iter().any(|n| n.contains(".tmp.")),
        "{:?}",
        files_in(tmp.path())
    );
    assert_eq!(
        storage.get_token_data_by_resource_server().unwrap().len(),
        2
    );
}

#[test]
fn row_31_corrupt_and_unknown_files_fail_closed_until_reset() {
    let cases: &[(&str, &str, &[u8])] = &[
        ("json", "truncated", br#"{"data": {"DEFAULT": {"rs": {"access_token": "SECR"#),
        ("json", "zero bytes", b""),
        ("json", "binary", &[0xff, 0xfe, 0x00, 0x80, 0x7b]),
        ("json", "array", br#"[{"access_token": "SECRET"}]"#),
        ("json", "format 3.0", br#"{"data": {}, "format_version": "3.0", "globus-sdk.version": "9"}"#),
        ("sqlite", "not a database", b"this is not a database, it is text...................................................................................................."),
    ];
    for (kind, case, bytes) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens");
        fs::write(&path, bytes).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let storage = open(kind, &path);
        let read = storage.get_token_data_by_resource_server().unwrap_err();
        assert!(
            read.is_corrupt() || read.is_unsupported_format_version(),
            "{case}: {read}"
        );
        assert!(read.needs_reset(), "{case}");
        assert_eq!(read.path(), Some(path.as_path()), "{case}");
        assert!(!read.to_string().contains("SECR"), "{case}: {read}");
        let write = storage.store_token_data(record("rs", "new")).unwrap_err();
        assert!(write.needs_reset(), "{case}: {write}");
        assert_eq!(fs::read(&path).unwrap(), *bytes, "{case}: file untouched");
        storage.reset().unwrap();
        storage.store_token_data(record("rs", "new")).unwrap();
        assert!(storage.get_token_data("rs").unwrap().is_some(), "{case}");
    }
    // A zero-byte SQLite file is a new, empty database.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.db");
    fs::write(&path, b"").unwrap();
    let storage = open("sqlite", &path);
    assert!(
        storage
            .get_token_data_by_resource_server()
            .unwrap()
            .is_empty()
    );
    storage.store_token_data(record("rs", "AT")).unwrap();
}

fn many_processes(kind: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(format!("tokens.{kind}"));
    let children: Vec<_> = (0..8)
        .map(|worker| {
            let spec = format!("writer:{kind}:{}:{worker}", path.display());
            std::thread::spawn(move || run_helper(HELPER, HELPER_VAR, &spec, None))
        })
        .collect();
    for child in children {
        assert_helper_ok(HELPER, &child.join().unwrap());
    }
    let all = open(kind, &path)
        .get_token_data_by_resource_server()
        .unwrap();
    assert_eq!(all.len(), 800, "{kind}: no lost updates");
}

#[test]
fn row_32_eight_processes_times_100_writes_lose_nothing_json() {
    many_processes("json");
}

#[test]
fn row_32_eight_processes_times_100_writes_lose_nothing_sqlite() {
    many_processes("sqlite");
}

#[test]
fn row_32_a_held_sqlite_write_lock_gives_busy_after_the_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.db");
    open("sqlite", &path)
        .store_token_data(record("rs", "AT"))
        .unwrap();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let storage = SqliteTokenStorage::builder(&path)
        .busy_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = storage.store_token_data(record("rs2", "AT")).unwrap_err();
    assert!(err.is_busy(), "{err}");
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "{:?}",
        start.elapsed()
    );
    holder.execute_batch("ROLLBACK").unwrap();
    storage.store_token_data(record("rs2", "AT")).unwrap();
}
