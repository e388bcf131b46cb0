//! Many writers at once: processes and threads storing different resource servers lose
//! nothing; a lock held elsewhere gives `Busy` after the configured wait.
//!
//! The multi-process tests run this test binary itself as the child processes (helper
//! tests selected with `--exact`, which do nothing unless their variable is set).
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{assert_helper_ok, record};
use globus_app::storage::{JsonTokenStorage, SqliteTokenStorage, TokenStorage};

const PROCESSES: usize = 8;
const WRITES: usize = 100;
const HELPER_VAR: &str = "GLOBUS_APP_TEST_WRITER";

fn open(kind: &str, path: &str) -> Box<dyn TokenStorage> {
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

/// Child process: `GLOBUS_APP_TEST_WRITER=kind:worker:path` stores WRITES records named
/// `w{worker}-{i}`, each in its own read-modify-write.
#[test]
fn helper_writer() {
    let Ok(spec) = std::env::var(HELPER_VAR) else {
        return;
    };
    let mut parts = spec.splitn(3, ':');
    let (kind, worker, path) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let storage = open(kind, path);
    for i in 0..WRITES {
        let rs = format!("w{worker}-{i}");
        storage.store_token_data(record(&rs, &rs)).unwrap();
    }
}

fn many_processes(kind: &str, file: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(file);
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|worker| {
            std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "helper_writer",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(HELPER_VAR, format!("{kind}:{worker}:{}", path.display()))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_helper_ok("helper_writer", &output);
    }

    let storage = open(kind, path.to_str().unwrap());
    let all = storage.get_token_data_by_resource_server().unwrap();
    assert_eq!(all.len(), PROCESSES * WRITES, "lost updates");
    for worker in 0..PROCESSES {
        for i in 0..WRITES {
            let rs = format!("w{worker}-{i}");
            assert_eq!(all[&rs].access_token.expose_secret(), format!("AT-{rs}"));
        }
    }
    // no temporary file is left behind
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn json_eight_processes_hundred_writes_each_lose_nothing() {
    many_processes("json", "tokens.json");
}

#[test]
fn sqlite_eight_processes_hundred_writes_each_lose_nothing() {
    many_processes("sqlite", "tokens.db");
}

/// 100 threads in one process: half share one storage, half open their own.
fn many_threads(kind: &'static str, file: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(file).to_str().unwrap().to_owned();
    let shared: Arc<dyn TokenStorage> = Arc::from(open(kind, &path));
    let threads: Vec<_> = (0..100)
        .map(|t| {
            let shared = Arc::clone(&shared);
            let path = path.clone();
            thread::spawn(move || {
                let own;
                let storage: &dyn TokenStorage = if t % 2 == 0 {
                    &*shared
                } else {
                    own = open(kind, &path);
                    &*own
                };
                for i in 0..3 {
                    let rs = format!("t{t}-{i}");
                    storage.store_token_data(record(&rs, &rs)).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(
        shared.get_token_data_by_resource_server().unwrap().len(),
        300
    );
}

#[test]
fn json_hundred_threads_lose_nothing() {
    many_threads("json", "tokens.json");
}

#[test]
fn sqlite_hundred_threads_lose_nothing() {
    many_threads("sqlite", "tokens.db");
}

#[test]
fn json_lock_held_elsewhere_gives_busy_after_the_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.json");
    let storage = JsonTokenStorage::builder(&path)
        .lock_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    storage.store_token_data(record("rs", "1")).unwrap();
    let before = std::fs::read(&path).unwrap();

    // Another holder of the lock (same protocol as another process).
    let lock = std::fs::File::options()
        .write(true)
        .open(tmp.path().join("tokens.json.lock"))
        .unwrap();
    lock.lock().unwrap();

    let start = Instant::now();
    let err = storage.store_token_data(record("rs", "2")).unwrap_err();
    let waited = start.elapsed();
    assert!(err.is_busy(), "{err:?}");
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert!(err.to_string().contains("tokens.json"), "{err}");
    // reads do not need the lock
    assert!(storage.get_token_data("rs").unwrap().is_some());
    assert_eq!(std::fs::read(&path).unwrap(), before);

    drop(lock);
    storage.store_token_data(record("rs", "2")).unwrap();
}

#[test]
fn sqlite_write_lock_held_by_another_connection_gives_busy() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.db");
    let storage = SqliteTokenStorage::builder(&path)
        .busy_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    storage.store_token_data(record("rs", "1")).unwrap();

    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE;").unwrap();

    let start = Instant::now();
    let err = storage.store_token_data(record("rs", "2")).unwrap_err();
    let waited = start.elapsed();
    assert!(err.is_busy(), "{err:?}");
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    // WAL: readers are not blocked by the writer
    assert_eq!(
        storage
            .get_token_data("rs")
            .unwrap()
            .unwrap()
            .access_token
            .expose_secret(),
        "AT-1"
    );

    other.execute_batch("COMMIT;").unwrap();
    storage.store_token_data(record("rs", "2")).unwrap();
    assert_eq!(
        storage
            .get_token_data("rs")
            .unwrap()
            .unwrap()
            .access_token
            .expose_secret(),
        "AT-2"
    );
}

#[test]
fn storages_are_send_sync_and_object_safe() {
    fn assert_send_sync<T: Send + Sync + ?Sized>() {}
    assert_send_sync::<dyn TokenStorage>();
    assert_send_sync::<JsonTokenStorage>();
    assert_send_sync::<SqliteTokenStorage>();
    assert_send_sync::<globus_app::storage::MemoryTokenStorage>();
    assert_send_sync::<globus_app::Error>();
}
