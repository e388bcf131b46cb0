//! Token storage that Python globus-sdk apps can share.
//!
//! A [`TokenStorage`] keeps one [`TokenStorageData`] record per resource server, within a
//! namespace (apps always use `"DEFAULT"`). Three storages:
//!
//! | storage | file | Python counterpart |
//! |---|---|---|
//! | [`MemoryTokenStorage`] | none | `MemoryTokenStorage` |
//! | [`JsonTokenStorage`] | `tokens.json`, format 2.0 (reads 1.0) | `JSONTokenStorage` (and the legacy `SimpleJSONFileAdapter`) |
//! | [`SqliteTokenStorage`] | `tokens.db`, schema version 2 (reads 1) | `SQLiteTokenStorage` (and the legacy `SQLiteAdapter`) |
//!
//! The files are the ones Python writes, at the same [default paths](default_token_path):
//! a token file written by a Python app is read here, and the other way round, with every
//! key this crate does not know kept. What is written is byte for byte what Python writes,
//! except the `globus-sdk.version` value, which is [`WRITER_VERSION`].
//!
//! Where Python is unsafe this module is stricter: private file modes set at creation,
//! atomic replacement of JSON files, a cross-process lock around every read-modify-write,
//! SQLite in WAL mode with a busy timeout behind a mutex, and corrupt files reported (never
//! overwritten) until an explicit [`reset`](TokenStorage::reset). See each storage for the
//! details.
//!
//! # Permissions
//!
//! On Unix, new token files (and lock and temporary files) get mode 0600 and new
//! directories mode 0700, set by the create calls themselves: the process umask is never
//! changed. An existing token file that group or others can access is changed to 0600 when
//! it is opened, or the operation fails with [`Error::InsecurePermissions`]. Existing
//! directories are left as they are. On Windows there are no mode bits: the default paths
//! are under `%LOCALAPPDATA%`, whose ACLs admit only the user; choose a directory like it
//! for an explicit path.
//!
//! # Blocking
//!
//! Every method does blocking file I/O (small files, fsync on write, at most a bounded
//! wait for a lock). From async code, call it through `tokio::task::spawn_blocking` (the
//! storages are `Send + Sync`, so an `Arc<dyn TokenStorage>` moves into the closure), or
//! accept a short block where writes are rare, as after a login or a token refresh.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Result};

mod atomic;
mod data;
mod files;
mod json;
mod json_file;
mod lock;
mod memory;
mod paths;
mod pyjson;
mod sqlite;

pub use data::TokenStorageData;
pub use json::{DEFAULT_LOCK_TIMEOUT, JsonTokenStorage, JsonTokenStorageBuilder};
pub use memory::MemoryTokenStorage;
pub use paths::{TokenFileFormat, default_token_path, slugify_app_name};
pub use sqlite::{DEFAULT_BUSY_TIMEOUT, SqliteTokenStorage, SqliteTokenStorageBuilder};

/// The namespace apps use, and the default of every storage.
pub const DEFAULT_NAMESPACE: &str = "DEFAULT";

/// The `globus-sdk.version` this crate writes into token files.
///
/// Python only requires a string there. The value is a valid PEP 440 version whose public
/// part is the Python globus-sdk release whose formats this crate implements, and whose
/// local part names the Rust crate: `4.10.0+globus-rs.<crate version>`.
pub const WRITER_VERSION: &str = concat!("4.10.0+globus-rs.", env!("CARGO_PKG_VERSION"));

/// A store of [`TokenStorageData`] records, partitioned by namespace and indexed by
/// resource server within the namespace (Python's `TokenStorage`).
///
/// A storage reads and writes only its own [`namespace`](Self::namespace). Implementations
/// are `Send + Sync + Debug` (their `Debug` never shows tokens) and the trait is object
/// safe: apps hold an `Arc<dyn TokenStorage>`. Methods block;
/// see the [module docs](self#blocking).
///
/// # Errors
///
/// File storages fail closed. A file that cannot be parsed is [`Error::Corrupt`] and one
/// with an unknown format version [`Error::UnsupportedFormatVersion`]; both leave the file
/// untouched and keep failing, reads and writes alike, until the file is repaired,
/// removed, or discarded with [`reset`](Self::reset) (check with
/// [`Error::needs_reset`]). A single malformed record is [`Error::InvalidTokenData`] for
/// reads that include it; storing that resource server again replaces it. A lock held too
/// long elsewhere is [`Error::Busy`], and file-system failures are [`Error::Io`] naming
/// the path and the operation; after any failed write the file is as it was.
pub trait TokenStorage: Send + Sync + fmt::Debug {
    /// The namespace this storage reads and writes.
    fn namespace(&self) -> &str;

    /// Stores records in this namespace, each under its key, replacing what was stored
    /// for those resource servers and keeping every other record. The write is atomic:
    /// all of the records are stored, or none.
    fn store_token_data_by_resource_server(
        &self,
        token_data_by_resource_server: &BTreeMap<String, TokenStorageData>,
    ) -> Result<()>;

    /// Every record in this namespace, by resource server.
    fn get_token_data_by_resource_server(&self) -> Result<BTreeMap<String, TokenStorageData>>;

    /// The record for one resource server in this namespace, `None` if there is none.
    fn get_token_data(&self, resource_server: &str) -> Result<Option<TokenStorageData>> {
        Ok(self
            .get_token_data_by_resource_server()?
            .remove(resource_server))
    }

    /// Removes the record for a resource server in this namespace. Returns whether there
    /// was one.
    fn remove_token_data(&self, resource_server: &str) -> Result<bool>;

    /// The namespaces that hold at least one record, sorted or in file order. Storages
    /// that cannot list them return [`Error::Unsupported`] (the default).
    fn namespaces(&self) -> Result<Vec<String>> {
        Err(Error::Unsupported {
            operation: "listing namespaces",
        })
    }

    /// Discards everything the storage holds, in every namespace, including a corrupt
    /// file or one in an unsupported format: the explicit recovery for those errors.
    /// Storages that cannot do this return [`Error::Unsupported`] (the default).
    fn reset(&self) -> Result<()> {
        Err(Error::Unsupported { operation: "reset" })
    }

    /// Stores one record under its own [`resource_server`](TokenStorageData::resource_server).
    fn store_token_data(&self, token_data: TokenStorageData) -> Result<()> {
        let mut map = BTreeMap::new();
        map.insert(token_data.resource_server.clone(), token_data);
        self.store_token_data_by_resource_server(&map)
    }
}
