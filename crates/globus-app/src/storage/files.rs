//! Private files and directories.
//!
//! New directories are created with mode 0700 and new files with mode 0600 through the
//! open flags themselves (`DirBuilderExt::mode`, `OpenOptionsExt::mode`): the process umask
//! is never changed (Python swaps the process-wide umask, which races with other threads).
//! An existing file whose mode lets group or others in is tightened to 0600 when it is
//! opened, or the open fails with [`Error::InsecurePermissions`]. Existing directories are
//! left alone: a storage path may point into any directory the user chose.
//!
//! On Windows there are no mode bits: the default paths live under `%LOCALAPPDATA%`, whose
//! ACLs admit only the user.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// Mode of new token files.
#[cfg(unix)]
pub(crate) const FILE_MODE: u32 = 0o600;
/// Mode of new directories.
#[cfg(unix)]
pub(crate) const DIR_MODE: u32 = 0o700;

/// Creates `dir` and its missing ancestors with mode 0700. An existing directory is not
/// changed.
pub(crate) fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder
        .create(dir)
        .map_err(|err| Error::io("create token storage directory", dir, err))
}

/// The directory containing `path` (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Whether `path` exists as a regular file; anything else at the path (a symbolic link, a
/// directory) is an error, so that storage never reads through or replaces it.
pub(crate) fn regular_file_exists(path: &Path) -> Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(true),
        Ok(meta) => Err(Error::NotARegularFile {
            path: path.to_path_buf(),
            kind: if meta.file_type().is_symlink() {
                "symbolic link"
            } else if meta.is_dir() {
                "directory"
            } else {
                "special file"
            },
        }),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(Error::io("inspect token storage file", path, err)),
    }
}

/// Options that create a file with mode 0600 (subject only to a stricter umask).
pub(crate) fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

/// The largest token file read. Real ones are a few kilobytes; anything this large is not
/// a token file, and reading it whole would only waste memory.
pub(crate) const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Reads the whole file, tightening its permissions first; `None` when it does not exist.
/// A file larger than [`MAX_FILE_SIZE`] is [`Error::Corrupt`].
pub(crate) fn read_private(path: &Path) -> Result<Option<Vec<u8>>> {
    if !regular_file_exists(path)? {
        return Ok(None);
    }
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(Error::io("open token storage file", path, err)),
    };
    tighten(&file, path)?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Error::io("read token storage file", path, err))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(Error::corrupt(path, "the file is larger than 64 MiB"));
    }
    Ok(Some(bytes))
}

/// Opens `path` (creating it with mode 0600 when missing, never truncating it) and
/// tightens an existing looser file.
pub(crate) fn create_or_open_private(path: &Path, operation: &'static str) -> Result<File> {
    regular_file_exists(path)?;
    let file = private_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|err| Error::io(operation, path, err))?;
    tighten(&file, path)?;
    Ok(file)
}

// SQLite's files are never opened through a descriptor of ours while the process may hold
// a connection to them: closing *any* descriptor of a file drops every POSIX lock the
// process holds on it, SQLite's included (SQLite's "how to corrupt" §2.2). Dropping the
// shared lock on a WAL `-shm` file lets another process truncate it under this process's
// live mapping, which crashes it with SIGBUS. So the SQLite helpers below work by path.

/// Creates `path` with mode 0600 when it is missing, without ever opening it: a private
/// temporary sibling is created and hard-linked into place (an existing file wins the race
/// and is left alone). An existing file is tightened by path.
pub(crate) fn create_private_by_path(path: &Path, operation: &'static str) -> Result<()> {
    if regular_file_exists(path)? {
        return tighten_by_path(path);
    }
    let (tmp, file) = crate::storage::atomic::create_temp_file(path)?;
    drop(file);
    let linked = fs::hard_link(&tmp, path);
    remove_if_exists(&tmp, operation)?;
    match linked {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => tighten_if_exists(path),
        // A file system without hard links (ENOSYS/EOPNOTSUPP, or EPERM as FAT-like file
        // systems answer): create the file in place. Only a file this call creates is
        // opened, so at worst a connection opened in the same instant by another thread
        // loses its lock once, where failing would refuse the storage. Any other failure
        // (read-only, full, …) is reported as it is.
        Err(err)
            if !matches!(
                err.kind(),
                io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied
            ) =>
        {
            Err(Error::io(operation, path, err))
        }
        Err(_) => match private_options().write(true).create_new(true).open(path) {
            Ok(_created) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => tighten_if_exists(path),
            Err(err) => Err(Error::io(operation, path, err)),
        },
    }
}

/// Tightens the file at `path` when it exists, by path (used for SQLite's files).
pub(crate) fn tighten_if_exists(path: &Path) -> Result<()> {
    if !regular_file_exists(path)? {
        return Ok(());
    }
    tighten_by_path(path)
}

#[cfg(unix)]
fn tighten_by_path(path: &Path) -> Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(Error::io("inspect token storage file", path, err)),
    };
    tighten_mode(&meta, path, |perms| fs::set_permissions(path, perms))
}

#[cfg(not(unix))]
fn tighten_by_path(_path: &Path) -> Result<()> {
    Ok(())
}

/// Makes an open file private: mode 0600 if group or others have any permission.
#[cfg(unix)]
pub(crate) fn tighten(file: &File, path: &Path) -> Result<()> {
    let meta = file
        .metadata()
        .map_err(|err| Error::io("inspect token storage file", path, err))?;
    tighten_mode(&meta, path, |perms| file.set_permissions(perms))
}

/// Sets mode 0600 through `set` when `meta` lets group or others in.
#[cfg(unix)]
fn tighten_mode(
    meta: &fs::Metadata,
    path: &Path,
    set: impl FnOnce(fs::Permissions) -> io::Result<()>,
) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    match set(fs::Permissions::from_mode(FILE_MODE)) {
        Ok(()) => {
            tracing::warn!(
                path = %path.display(),
                old_mode = format_args!("{mode:03o}"),
                "token storage file was readable by other users; changed its mode to 600"
            );
            Ok(())
        }
        Err(source) => Err(Error::InsecurePermissions {
            path: path.to_path_buf(),
            mode,
            source,
        }),
    }
}

/// Windows has no mode bits; the default paths rely on `%LOCALAPPDATA%`'s ACLs.
#[cfg(not(unix))]
pub(crate) fn tighten(_file: &File, _path: &Path) -> Result<()> {
    Ok(())
}

/// Removes a file; a missing file is fine.
pub(crate) fn remove_if_exists(path: &Path, operation: &'static str) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(Error::io(operation, path, err)),
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn creates_private_dirs_and_tightens_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a").join("b");
        ensure_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);

        let file = dir.join("f");
        fs::write(&file, b"x").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(read_private(&file).unwrap().unwrap(), b"x");
        assert_eq!(mode(&file), 0o600);
        assert!(read_private(&dir.join("missing")).unwrap().is_none());
    }

    #[test]
    fn refuses_symlinks_and_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("target");
        fs::write(&target, b"x").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = read_private(&link).unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotARegularFile {
                    kind: "symbolic link",
                    ..
                }
            ),
            "{err}"
        );
        let err = create_or_open_private(tmp.path(), "open").unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotARegularFile {
                    kind: "directory",
                    ..
                }
            ),
            "{err}"
        );
    }
}
