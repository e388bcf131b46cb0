//! Atomic replacement of a file: a crash or a full disk never leaves a torn token file.
//!
//! The new contents go to a temporary file in the target's own directory (so the rename
//! stays on one file system), created with `create_new` (it never follows or reuses an
//! existing path) and mode 0600; the data is fsynced, the temporary file is renamed over
//! the target, and the directory is fsynced so the rename itself is durable. Until the
//! rename, readers see the old file, byte for byte.
//!
//! A process killed between creating and renaming its temporary file leaves it behind; the
//! next writer, which holds the storage lock and so knows no other write is in flight,
//! removes such stale files before writing ([`remove_stale_temp_files`]).

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::files;
use crate::error::{Error, Result};

/// Replaces `path`'s contents with `contents` atomically.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_atomic_with_hook(path, contents, |_| Ok(()))
}

/// [`write_atomic`], calling `before_rename` with the temporary file's path after it was
/// written and synced: tests inject failures and crashes there.
pub(crate) fn write_atomic_with_hook(
    path: &Path,
    contents: &[u8],
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> Result<()> {
    let dir = files::parent_dir(path);
    let (temp_path, mut temp) = create_temp_file(path)?;
    let written = temp
        .write_all(contents)
        .and_then(|()| temp.sync_all())
        .map_err(|err| Error::io("write temporary token storage file", &temp_path, err))
        .and_then(|()| {
            drop(temp);
            before_rename(&temp_path)
                .map_err(|err| Error::io("write temporary token storage file", &temp_path, err))
        })
        .and_then(|()| {
            fs::rename(&temp_path, path)
                .map_err(|err| Error::io("replace token storage file", path, err))
        });
    if let Err(err) = written {
        // The target is untouched; do not leave the temporary file behind either.
        if let Err(cleanup) = fs::remove_file(&temp_path)
            && cleanup.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(path = %temp_path.display(), error = %cleanup,
                "could not remove temporary token storage file");
        }
        return Err(err);
    }
    sync_dir(dir);
    Ok(())
}

/// The prefix of temporary files for `path`: `.tokens.json.tmp.`.
fn temp_prefix(path: &Path) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(path.file_name().unwrap_or_default());
    prefix.push(".tmp.");
    prefix
}

/// Creates a new private temporary sibling of `path`, named with [`temp_prefix`].
pub(crate) fn create_temp_file(path: &Path) -> Result<(PathBuf, fs::File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = temp_prefix(path);
    let mut attempt = 0;
    loop {
        let mut name = prefix.clone();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        name.push(format!("{}.{}", std::process::id(), n));
        let temp_path = path.with_file_name(name);
        match files::private_options()
            .write(true)
            .create_new(true)
            .open(&temp_path)
        {
            Ok(file) => return Ok((temp_path, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(err) => {
                return Err(Error::io(
                    "create temporary token storage file",
                    &temp_path,
                    err,
                ));
            }
        }
    }
}

/// Removes temporary files that a crashed writer of `path` left behind. Call only while
/// holding the storage lock. Failures are logged, not returned: they do not stop the write.
pub(crate) fn remove_stale_temp_files(path: &Path) {
    let dir = files::parent_dir(path);
    let prefix = temp_prefix(path);
    let prefix = prefix.as_encoded_bytes();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            tracing::warn!(dir = %dir.display(), error = %err,
                "could not list the token storage directory to remove stale temporary files");
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.as_encoded_bytes().starts_with(prefix) {
            let stale = entry.path();
            match fs::remove_file(&stale) {
                Ok(()) => tracing::info!(path = %stale.display(),
                    "removed a temporary token storage file left by an interrupted write"),
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => tracing::warn!(path = %stale.display(), error = %err,
                    "could not remove a stale temporary token storage file"),
            }
        }
    }
}

/// Makes a rename in `dir` durable. Best effort: after the rename the new file is in
/// place, so a failure here is logged rather than reported as a failed write.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        if let Err(err) = fs::File::open(dir).and_then(|d| d.sync_all()) {
            tracing::warn!(dir = %dir.display(), error = %err,
                "could not fsync the token storage directory after a write");
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_files(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp."))
            .collect()
    }

    #[test]
    fn replaces_contents_with_a_private_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert!(temp_files(tmp.path()).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn failure_before_rename_leaves_old_file_and_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens.json");
        fs::write(&path, b"old contents").unwrap();
        let err = write_atomic_with_hook(&path, b"new contents", |temp| {
            assert_eq!(fs::read(temp).unwrap(), b"new contents");
            Err(io::Error::other("injected failure"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("injected failure"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"old contents");
        assert!(temp_files(tmp.path()).is_empty());
    }

    #[test]
    fn stale_temp_files_are_removed_and_others_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens.json");
        fs::write(tmp.path().join(".tokens.json.tmp.123.0"), b"stale").unwrap();
        fs::write(tmp.path().join(".other.json.tmp.123.0"), b"not ours").unwrap();
        remove_stale_temp_files(&path);
        assert_eq!(
            temp_files(tmp.path()),
            vec![".other.json.tmp.123.0".to_owned()]
        );
    }

    /// Helper run in a child process by `killed_writer_leaves_old_file_intact`: writes and
    /// exits abruptly between writing the temporary file and renaming it.
    #[test]
    fn helper_killed_writer() {
        let Some(path) = std::env::var_os("GLOBUS_APP_TEST_KILLED_WRITER") else {
            return;
        };
        let _ = write_atomic_with_hook(Path::new(&path), b"torn?", |_| std::process::exit(42));
    }

    #[test]
    fn killed_writer_leaves_old_file_intact() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tokens.json");
        fs::write(&path, b"old contents").unwrap();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "storage::atomic::tests::helper_killed_writer",
                "--nocapture",
            ])
            .env("GLOBUS_APP_TEST_KILLED_WRITER", &path)
            .output()
            .unwrap()
            .status;
        assert_eq!(status.code(), Some(42));
        assert_eq!(fs::read(&path).unwrap(), b"old contents");
        assert_eq!(
            temp_files(tmp.path()).len(),
            1,
            "the crash leaves its temp file"
        );

        remove_stale_temp_files(&path);
        write_atomic(&path, b"new").unwrap();
        assert!(temp_files(tmp.path()).is_empty());
        assert_eq!(fs::read(&path).unwrap(), b"new");
    }
}
