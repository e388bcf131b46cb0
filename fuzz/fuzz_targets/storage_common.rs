//! Shared by the token-file targets: a scratch directory (in memory when `/dev/shm`
//! exists) and the fail-closed oracle every storage must satisfy.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use globus_app::storage::{TokenStorage, TokenStorageData};

/// A per-process scratch directory.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::Builder::new().prefix("globus-fuzz").tempdir_in(shm)
        } else {
            tempfile::Builder::new().prefix("globus-fuzz").tempdir()
        };
        dir.expect("scratch directory")
    })
    .path()
}

/// Removes `path` and its lock/temp/journal siblings.
pub fn clean(path: &Path) {
    let dir = path.parent().expect("parent");
    let name = path.file_name().expect("file name").to_string_lossy().into_owned();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Writes `bytes` as the token file and returns its path.
pub fn write_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    clean(&path);
    std::fs::write(&path, bytes).expect("write token file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    path
}

const FUZZ_RS: &str = "fuzz.example.org";

/// Reads everything; then, if the file could be read, a store must succeed and be read
/// back; if the file is corrupt or of an unknown version, the store must fail and leave
/// the file byte for byte as it was. `lenient_store` lets a store fail after a successful
/// read (SQLite: damage in pages the read did not touch).
pub fn exercise(storage: &dyn TokenStorage, path: &Path, original: &[u8], lenient_store: bool) {
    let all = storage.get_token_data_by_resource_server();
    let _ = storage.namespaces();
    let _ = storage.get_token_data("auth.globus.org");
    let shown = match &all {
        Ok(records) => format!("{records:?}"),
        Err(err) => format!("{err} {err:?}"),
    };
    let _ = shown;
    let record = TokenStorageData::new(FUZZ_RS, "openid", "fuzz-access-token", 1_700_000_000)
        .with_refresh_token("fuzz-refresh-token");
    let stored = storage.store_token_data(record);
    match &all {
        Err(err) if err.needs_reset() => {
            assert!(stored.is_err(), "a store into a file needing reset succeeded: {err}");
            let now = std::fs::read(path).unwrap_or_default();
            assert!(now == original, "a failed store changed the file");
        }
        Err(_) => {}
        Ok(before) => {
            if let Err(err) = &stored {
                // A database whose damage the read did not touch, or a newer schema, may
                // still refuse the write (typed); nothing else may.
                if lenient_store || err.needs_reset() {
                    return;
                }
                panic!("store failed after a successful read: {err} (had {} records)", before.len());
            }
            let back = storage
                .get_token_data(FUZZ_RS)
                .expect("read back after a store")
                .expect("stored record present");
            assert_eq!(back.access_token.expose_secret(), "fuzz-access-token");
            let after = storage
                .get_token_data_by_resource_server()
                .expect("read everything after a store");
            for key in before.keys() {
                assert!(after.contains_key(key), "store lost the record {key:?}");
            }
        }
    }
}
