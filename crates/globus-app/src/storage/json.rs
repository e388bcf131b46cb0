//! [`JsonTokenStorage`]: tokens in a JSON file that Python globus-sdk's `JSONTokenStorage`
//! reads and writes too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use super::json_file::JsonDocument;
use super::lock::{self, FileLock};
use super::paths::{TokenFileFormat, default_token_path};
use super::{DEFAULT_NAMESPACE, TokenStorage, TokenStorageData, atomic, files};
use crate::error::{Error, Result};

/// How long a write waits for another writer's lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// Re-reads of a file that fails to parse, in case a Python writer was midway (see
/// [`JsonTokenStorage::load`]).
const TORN_READ_RETRIES: u32 = 3;
const TORN_READ_PAUSE: Duration = Duration::from_millis(20);

/// Token storage in a JSON file, in Python globus-sdk's format (version 2.0; version 1.0
/// files are read and upgraded on the next write).
///
/// Compared with Python's `JSONTokenStorage`:
/// - every write goes to a temporary file that is fsynced and renamed over the old one, so
///   a crash or a full disk never leaves a torn file;
/// - every read-modify-write holds an advisory lock on `{file}.lock`, so processes (and
///   threads) writing different resource servers at once lose nothing; a lock held longer
///   than the [lock timeout](JsonTokenStorageBuilder::lock_timeout) gives [`Error::Busy`];
/// - new files are 0600 and new directories 0700 without touching the umask; an existing
///   looser file is tightened to 0600 when read (see [`TokenStorage`] for the errors);
/// - a corrupt file or an unknown format version is an error that names the file and never
///   overwrites it; writes refuse until the file is fixed or [`reset`](TokenStorage::reset).
///   (A file that fails to parse is read again a few times over 60 ms first, in case a
///   Python process was rewriting it in place at that moment.)
/// - removing a resource server that is not stored does not rewrite the file.
///
/// Reads take no lock: the file is only ever replaced whole, so a reader sees the old or
/// the new contents. The lock is advisory: Python globus-sdk does not take it, so a Python
/// process writing at the same instant can still lose an update (as two Python processes
/// can today), but never tear the file this storage writes.
///
/// New records are added after the existing ones, in the map's (sorted) order; a replaced
/// record keeps its place, as in Python.
///
/// ```
/// use globus_app::storage::{JsonTokenStorage, TokenStorage, TokenStorageData};
///
/// let dir = tempfile::tempdir()?;
/// let storage = JsonTokenStorage::builder(dir.path().join("tokens.json"))
///     .namespace("profile-a")
///     .build()?;
/// storage.store_token_data(TokenStorageData::new("auth.globus.org", "openid", "AT", 1_700_000_000))?;
/// assert_eq!(storage.namespaces()?, ["profile-a"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JsonTokenStorage {
    path: PathBuf,
    lock_path: PathBuf,
    namespace: String,
    lock_timeout: Duration,
    torn_read_pause: Duration,
    /// Serialises this instance's writers so that threads queue here instead of polling
    /// the file lock.
    writers: Mutex<()>,
}

/// Options for a [`JsonTokenStorage`]; made by [`JsonTokenStorage::builder`].
#[derive(Debug, Clone)]
pub struct JsonTokenStorageBuilder {
    path: PathBuf,
    namespace: String,
    lock_timeout: Duration,
    torn_read_pause: Duration,
}

impl JsonTokenStorageBuilder {
    /// The namespace to read and write (default `"DEFAULT"`, the one apps use).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// How long a write waits for the file lock before failing with [`Error::Busy`]
    /// (default [`DEFAULT_LOCK_TIMEOUT`]).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How long to wait before reading again a file that failed to parse, in case another
    /// process was rewriting it in place (default 20 ms, three times at most). Zero reads
    /// again at once, which only tells a torn file from a corrupt one when the writer is
    /// already done.
    pub fn torn_read_pause(mut self, pause: Duration) -> Self {
        self.torn_read_pause = pause;
        self
    }

    /// Creates the storage. The containing directory is created (mode 0700) if missing;
    /// the file itself is created by the first write.
    pub fn build(self) -> Result<JsonTokenStorage> {
        let path = self.path;
        files::ensure_dir(files::parent_dir(&path))?;
        let lock_path = lock::lock_path(&path);
        Ok(JsonTokenStorage {
            path,
            lock_path,
            namespace: self.namespace,
            lock_timeout: self.lock_timeout,
            torn_read_pause: self.torn_read_pause,
            writers: Mutex::new(()),
        })
    }
}

impl JsonTokenStorage {
    /// A storage for the file at `path`, namespace `"DEFAULT"`, default options.
    pub fn new(path: impl Into<PathBuf>) -> Result<Self> {
        Self::builder(path).build()
    }

    /// Options for a storage for the file at `path`.
    pub fn builder(path: impl Into<PathBuf>) -> JsonTokenStorageBuilder {
        JsonTokenStorageBuilder {
            path: path.into(),
            namespace: DEFAULT_NAMESPACE.to_owned(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            torn_read_pause: TORN_READ_PAUSE,
        }
    }

    /// The storage a Python `GlobusApp` with this client id, app name and environment
    /// uses by default: `~/.globus/app/{client_id}/{app_slug}/{env_prefix}tokens.json`
    /// (see [`default_token_path`]), namespace `"DEFAULT"`.
    pub fn for_app(client_id: &str, app_name: &str, environment: &str) -> Result<Self> {
        Self::new(default_token_path(
            client_id,
            app_name,
            environment,
            TokenFileFormat::Json,
        )?)
    }

    /// The token file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads and parses the file; `None` when it does not exist.
    ///
    /// Python globus-sdk rewrites the file in place (truncate, then write), so a read can
    /// catch it empty or half written. A file that fails to parse is therefore read again
    /// after a short pause, a few times: if its bytes changed, the new bytes are parsed; if
    /// not, it really is corrupt.
    fn load(&self) -> Result<Option<JsonDocument>> {
        let Some(mut bytes) = files::read_private(&self.path)? else {
            return Ok(None);
        };
        let mut rereads = 0;
        loop {
            match JsonDocument::parse(&self.path, &bytes) {
                Ok(doc) => return Ok(Some(doc)),
                Err(err) if err.is_corrupt() && rereads < TORN_READ_RETRIES => {
                    rereads += 1;
                    if !self.torn_read_pause.is_zero() {
                        thread::sleep(self.torn_read_pause);
                    }
                    match files::read_private(&self.path)? {
                        None => return Ok(None),
                        Some(again) if again == bytes => return Err(err),
                        Some(again) => bytes = again,
                    }
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn location(&self, resource_server: &str) -> String {
        format!(
            "{} (namespace {:?}, resource server {:?})",
            self.path.display(),
            self.namespace,
            resource_server
        )
    }

    fn parse_record(&self, resource_server: &str, raw: &str) -> Result<TokenStorageData> {
        TokenStorageData::parse(raw).map_err(|reason| Error::InvalidTokenData {
            location: self.location(resource_server),
            reason,
        })
    }

    fn lock_writers(&self) -> MutexGuard<'_, ()> {
        // The guard protects no data, so a panic elsewhere cannot leave anything broken.
        self.writers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs a read-modify-write under the locks. `change` returns its result and whether
    /// the document changed; an unchanged document is not written.
    fn modify<T>(&self, change: impl FnOnce(&mut JsonDocument) -> Result<(T, bool)>) -> Result<T> {
        let _writers = self.lock_writers();
        files::ensure_dir(files::parent_dir(&self.path))?;
        let _lock = FileLock::acquire(&self.lock_path, &self.path, self.lock_timeout)?;
        atomic::remove_stale_temp_files(&self.path);
        let mut doc = self.load()?.unwrap_or_else(JsonDocument::empty);
        let (result, changed) = change(&mut doc)?;
        if changed {
            atomic::write_atomic(&self.path, &doc.to_bytes())?;
        }
        Ok(result)
    }
}

impl TokenStorage for JsonTokenStorage {
    fn namespace(&self) -> &str {
        &self.namespace
    }

    fn store_token_data_by_resource_server(
        &self,
        token_data_by_resource_server: &BTreeMap<String, TokenStorageData>,
    ) -> Result<()> {
        if token_data_by_resource_server.is_empty() {
            return Ok(());
        }
        self.modify(|doc| {
            let mut records = doc
                .namespace(&self.path, &self.namespace)?
                .unwrap_or_default();
            for (resource_server, data) in token_data_by_resource_server {
                records.insert(resource_server, data.to_json_string());
            }
            doc.set_namespace(&self.namespace, &records);
            Ok(((), true))
        })
    }

    fn get_token_data_by_resource_server(&self) -> Result<BTreeMap<String, TokenStorageData>> {
        let Some(doc) = self.load()? else {
            return Ok(BTreeMap::new());
        };
        let Some(records) = doc.namespace(&self.path, &self.namespace)? else {
            return Ok(BTreeMap::new());
        };
        records
            .entries
            .iter()
            .map(|(rs, raw)| Ok((rs.clone(), self.parse_record(rs, raw)?)))
            .collect()
    }

    fn get_token_data(&self, resource_server: &str) -> Result<Option<TokenStorageData>> {
        let Some(doc) = self.load()? else {
            return Ok(None);
        };
        let records = doc.namespace(&self.path, &self.namespace)?;
        match records.as_ref().and_then(|r| r.get(resource_server)) {
            Some(raw) => self.parse_record(resource_server, raw).map(Some),
            None => Ok(None),
        }
    }

    fn remove_token_data(&self, resource_server: &str) -> Result<bool> {
        self.modify(|doc| {
            let Some(mut records) = doc.namespace(&self.path, &self.namespace)? else {
                return Ok((false, false));
            };
            let removed = records.remove(resource_server);
            if removed {
                doc.set_namespace(&self.namespace, &records);
            }
            Ok((removed, removed))
        })
    }

    fn namespaces(&self) -> Result<Vec<String>> {
        match self.load()? {
            Some(doc) => doc.non_empty_namespaces(&self.path),
            None => Ok(Vec::new()),
        }
    }

    /// Deletes the token file (every namespace in it) and any temporary files left by
    /// interrupted writes, under the file lock.
    fn reset(&self) -> Result<()> {
        let _writers = self.lock_writers();
        files::ensure_dir(files::parent_dir(&self.path))?;
        let _lock = FileLock::acquire(&self.lock_path, &self.path, self.lock_timeout)?;
        atomic::remove_stale_temp_files(&self.path);
        if files::regular_file_exists(&self.path)? {
            files::remove_if_exists(&self.path, "remove token storage file")?;
        }
        Ok(())
    }
}
