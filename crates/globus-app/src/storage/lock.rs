//! The cross-process advisory lock around every read-modify-write of a JSON token file.
//!
//! The lock is a sibling file, `{file name}.lock` (mode 0600, never deleted: deleting a
//! lock file lets two processes lock two different files). It is locked with
//! [`File::try_lock`] (`flock` on Unix, `LockFileEx` on Windows), polled with a short
//! back-off until a deadline, after which the caller gets [`Error::Busy`]. Each lock takes
//! its own file handle, so it also excludes other threads and other storage instances in
//! the same process. The lock is released when the guard is dropped (the handle closes),
//! and by the kernel if the process dies.
//!
//! Advisory means only cooperating writers are excluded: Python globus-sdk does not take
//! this lock, so a Python process writing at the same moment can still lose an update, as
//! it can among Python processes today.

use std::ffi::OsString;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use super::files;
use crate::error::{Error, Result};

/// A held lock; released on drop.
#[derive(Debug)]
pub(crate) struct FileLock {
    // Held for its lifetime: closing the handle releases the lock.
    _file: File,
}

/// The lock file next to `path`: `tokens.json` → `tokens.json.lock`.
pub(crate) fn lock_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(OsString::from)
        .unwrap_or_else(|| OsString::from("tokens"));
    name.push(".lock");
    path.with_file_name(name)
}

impl FileLock {
    /// Locks `lock_file` exclusively, waiting at most `timeout`. `storage_path` is the file
    /// the lock protects, named in a [`Error::Busy`].
    pub(crate) fn acquire(
        lock_file: &Path,
        storage_path: &Path,
        timeout: Duration,
    ) -> Result<Self> {
        let file = files::create_or_open_private(lock_file, "create token storage lock file")?;
        let locked = retry_for(timeout, || match file.try_lock() {
            Ok(()) => Some(Ok(())),
            Err(TryLockError::WouldBlock) => None,
            Err(TryLockError::Error(err)) => Some(Err(Error::io(
                "lock token storage lock file",
                lock_file,
                err,
            ))),
        });
        match locked {
            Ok(result) => result.map(|()| Self { _file: file }),
            Err(waited) => Err(Error::Busy {
                path: storage_path.to_path_buf(),
                waited,
            }),
        }
    }
}

/// Calls `attempt` until it returns `Some`, sleeping between tries (1 ms, doubling to
/// 20 ms) for at most `timeout`; `Err` with the time waited when it runs out. The wait of
/// every lock and busy-database retry in the storage.
pub(crate) fn retry_for<T>(
    timeout: Duration,
    mut attempt: impl FnMut() -> Option<T>,
) -> std::result::Result<T, Duration> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(done) = attempt() {
            return Ok(done);
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(waited);
        }
        thread::sleep(pause.min(timeout - waited));
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_path_is_a_sibling() {
        assert_eq!(
            lock_path(Path::new("/a/tokens.json")),
            Path::new("/a/tokens.json.lock")
        );
        assert_eq!(lock_path(Path::new("t.db")), Path::new("t.db.lock"));
    }

    #[test]
    fn second_lock_waits_then_is_busy_and_succeeds_after_release() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("tokens.json");
        let lock_file = lock_path(&target);
        let held = FileLock::acquire(&lock_file, &target, Duration::from_secs(1)).unwrap();

        let start = Instant::now();
        let err = FileLock::acquire(&lock_file, &target, Duration::from_millis(100)).unwrap_err();
        assert!(err.is_busy(), "{err}");
        assert!(start.elapsed() >= Duration::from_millis(100));
        assert_eq!(err.path(), Some(target.as_path()));

        drop(held);
        FileLock::acquire(&lock_file, &target, Duration::from_millis(100)).unwrap();
    }
}
