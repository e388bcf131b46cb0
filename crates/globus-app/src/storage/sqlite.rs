//! [`SqliteTokenStorage`]: tokens in a SQLite database that Python globus-sdk's
//! `SQLiteTokenStorage` (schema version 2) and legacy `SQLiteAdapter` (version 1) share.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::paths::{TokenFileFormat, default_token_path};
use super::{DEFAULT_NAMESPACE, TokenStorage, TokenStorageData, WRITER_VERSION, files, lock};
use crate::error::{Error, Result, quote_short};

/// How long an operation waits for another connection's lock by default (Python's
/// `sqlite3` default too).
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The newest database schema version this crate reads and writes.
const SCHEMA_VERSION: u32 = 2;

/// Python's schema; SQLite stores this text (without `IF NOT EXISTS`) in `sqlite_master`,
/// so a database created here is indistinguishable from one Python created.
const CREATE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS token_storage (
    namespace VARCHAR NOT NULL,
    resource_server VARCHAR NOT NULL,
    token_data_json VARCHAR NOT NULL,
    PRIMARY KEY (namespace, resource_server)
);
CREATE TABLE IF NOT EXISTS sdk_storage_adapter_internal (
    attribute VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY (attribute)
);
";

/// Token storage in a SQLite database, in Python globus-sdk's schema: one row per
/// (namespace, resource server) in `token_storage`, the record in `token_data_json` as the
/// same JSON text the JSON storage writes.
///
/// Compared with Python's `SQLiteTokenStorage`:
/// - the database file is created with mode 0600 before SQLite opens it (SQLite gives its
///   `-wal` and `-shm` files the same mode); an existing looser file is tightened;
/// - WAL journal mode and a [busy timeout](SqliteTokenStorageBuilder::busy_timeout): a lock
///   held longer gives [`Error::Busy`];
/// - the schema is created idempotently in a transaction whenever tables are missing, so an
///   empty (zero-byte) file is initialised as a new database rather than failing with
///   "no such table", and two processes creating it at once do not collide;
/// - the connection is guarded by a mutex: the storage can be shared by many threads and
///   tasks (`Arc<SqliteTokenStorage>`);
/// - a file that is not a database is [`Error::Corrupt`] and is never modified; a database
///   whose `globus-sdk.database_schema_version` is newer than 2 can be read but refuses
///   writes ([`Error::UnsupportedFormatVersion`]).
///
/// The database is opened on first use, so a corrupt file surfaces on the first operation
/// and can then be discarded with [`reset`](TokenStorage::reset). Version 1 databases
/// (from the legacy `SQLiteAdapter`, with a `config_storage` table) are read and written in
/// place, keeping their version, as Python does.
///
/// ```
/// use globus_app::storage::{SqliteTokenStorage, TokenStorage, TokenStorageData};
///
/// let dir = tempfile::tempdir()?;
/// let storage = SqliteTokenStorage::new(dir.path().join("tokens.db"))?;
/// storage.store_token_data(TokenStorageData::new("auth.globus.org", "openid", "AT", 1_700_000_000))?;
/// assert!(storage.remove_token_data("auth.globus.org")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteTokenStorage {
    path: PathBuf,
    namespace: String,
    busy_timeout: Duration,
    state: Mutex<Option<OpenDatabase>>,
    /// Set once SQLite reported the database damaged: writes are refused until
    /// [`reset`](TokenStorage::reset), even those that would not touch the damaged pages.
    damaged: AtomicBool,
}

#[derive(Debug)]
struct OpenDatabase {
    conn: Connection,
    /// Set when the schema version is newer than this crate knows: writes are refused.
    newer_schema: Option<String>,
}

/// Options for a [`SqliteTokenStorage`]; made by [`SqliteTokenStorage::builder`].
#[derive(Debug, Clone)]
pub struct SqliteTokenStorageBuilder {
    path: PathBuf,
    namespace: String,
    busy_timeout: Duration,
}

impl SqliteTokenStorageBuilder {
    /// The namespace to read and write (default `"DEFAULT"`, the one apps use).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// How long an operation waits for another connection's lock before failing with
    /// [`Error::Busy`] (default [`DEFAULT_BUSY_TIMEOUT`]).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Creates the storage: checks the path and creates its directory (mode 0700) if
    /// missing. The database itself is opened, and created if needed, on first use.
    pub fn build(self) -> Result<SqliteTokenStorage> {
        if self.path.as_os_str() == ":memory:" || self.path.as_os_str().is_empty() {
            return Err(Error::InvalidPath {
                path: self.path,
                reason: "SQLite token storage needs a file; use MemoryTokenStorage to keep \
                         tokens in memory",
            });
        }
        files::ensure_dir(files::parent_dir(&self.path))?;
        Ok(SqliteTokenStorage {
            path: self.path,
            namespace: self.namespace,
            busy_timeout: self.busy_timeout,
            state: Mutex::new(None),
            damaged: AtomicBool::new(false),
        })
    }
}

impl SqliteTokenStorage {
    /// A storage for the database at `path`, namespace `"DEFAULT"`, default options.
    pub fn new(path: impl Into<PathBuf>) -> Result<Self> {
        Self::builder(path).build()
    }

    /// Options for a storage for the database at `path`.
    pub fn builder(path: impl Into<PathBuf>) -> SqliteTokenStorageBuilder {
        SqliteTokenStorageBuilder {
            path: path.into(),
            namespace: DEFAULT_NAMESPACE.to_owned(),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        }
    }

    /// The storage a Python `GlobusApp` configured with `token_storage="sqlite"` uses:
    /// `~/.globus/app/{client_id}/{app_slug}/{env_prefix}tokens.db` (see
    /// [`default_token_path`]), namespace `"DEFAULT"`.
    pub fn for_app(client_id: &str, app_name: &str, environment: &str) -> Result<Self> {
        Self::new(default_token_path(
            client_id,
            app_name,
            environment,
            TokenFileFormat::Sqlite,
        )?)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with the open database, opening it first if needed.
    ///
    /// SQLite's busy handler absorbs most contention, but a few paths report `SQLITE_BUSY`
    /// at once without calling it (another process recovering the WAL index or switching
    /// the journal mode); those are retried here, with a short backoff, until the same
    /// busy timeout has passed.
    fn with_db<T>(&self, mut f: impl FnMut(&mut OpenDatabase) -> Result<T>) -> Result<T> {
        let outcome = lock::retry_for(self.busy_timeout, || match self.with_db_once(&mut f) {
            Err(Error::Busy { .. }) => None,
            result => Some(result),
        });
        outcome.unwrap_or_else(|waited| {
            Err(Error::Busy {
                path: self.path.clone(),
                waited,
            })
        })
    }

    fn with_db_once<T>(&self, f: impl FnOnce(&mut OpenDatabase) -> Result<T>) -> Result<T> {
        // A panic inside `f` drops any open transaction, which rolls it back: the
        // connection is consistent even when the mutex is poisoned.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let db = match state.take() {
            Some(db) => db,
            None => self.open()?,
        };
        f(state.insert(db))
    }

    fn open(&self) -> Result<OpenDatabase> {
        let path = &self.path;
        files::ensure_dir(files::parent_dir(path))?;
        // Created here with mode 0600 so that SQLite never creates it under the umask (its
        // `-wal` and `-shm` files copy the database's mode).
        files::create_private_by_path(path, "create token database")?;
        for suffix in ["-wal", "-shm", "-journal"] {
            files::tighten_if_exists(&sibling(path, suffix))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|err| self.sql_error("open", err))?;
        conn.busy_timeout(self.busy_timeout)
            .map_err(|err| self.sql_error("configure", err))?;

        // Reads only: a file that is not a database fails here, untouched.
        let tables = table_names(&conn).map_err(|err| self.sql_error("read the schema of", err))?;
        let has = |name: &str| tables.iter().any(|t| t == name);
        let newer_schema = if has("sdk_storage_adapter_internal") {
            schema_version(&conn)
                .map_err(|err| self.sql_error("read the schema version of", err))?
                .filter(|version| {
                    !matches!(version.trim().parse::<u32>(), Ok(v) if v <= SCHEMA_VERSION)
                })
        } else {
            None
        };
        if newer_schema.is_none() {
            // Nothing is written (WAL switch, schema) into a damaged database: a file that
            // fails SQLite's integrity check is corrupt and stays byte for byte as it was.
            let check: String = conn
                .query_row("PRAGMA integrity_check(1)", [], |row| row.get(0))
                .map_err(|err| self.sql_error("check", err))?;
            if check != "ok" {
                // SQLite's first finding (a page or index, no data from the rows).
                let finding: String = check.chars().take(200).collect();
                return Err(Error::corrupt(
                    path,
                    format!("SQLite's integrity check failed: {finding}"),
                ));
            }
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
                .map_err(|err| self.sql_error("enable WAL mode on", err))?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(path = %path.display(), journal_mode = %mode,
                    "SQLite token storage could not switch to WAL mode");
            }
            if !(has("token_storage") && has("sdk_storage_adapter_internal")) {
                create_schema(&mut conn)
                    .map_err(|err| self.sql_error("create the schema of", err))?;
            }
        }
        for suffix in ["-wal", "-shm"] {
            files::tighten_if_exists(&sibling(path, suffix))?;
        }
        Ok(OpenDatabase { conn, newer_schema })
    }

    fn check_writable(&self, db: &OpenDatabase) -> Result<()> {
        if self.damaged.load(Ordering::SeqCst) {
            return Err(Error::corrupt(
                &self.path,
                "SQLite reported the database malformed earlier",
            ));
        }
        match &db.newer_schema {
            None => Ok(()),
            Some(version) => Err(Error::UnsupportedFormatVersion {
                path: self.path.clone(),
                what: "database schema version",
                version: quote_short(version),
            }),
        }
    }

    /// Maps a SQLite error: busy and locked → [`Error::Busy`]; not a database and corrupt
    /// → [`Error::Corrupt`]; the rest → [`Error::Sqlite`].
    fn sql_error(&self, operation: &'static str, err: rusqlite::Error) -> Error {
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy {
                path: self.path.clone(),
                waited: self.busy_timeout,
            },
            Some(ErrorCode::NotADatabase) => Error::corrupt(&self.path, "not a SQLite database"),
            Some(ErrorCode::DatabaseCorrupt) => {
                self.damaged.store(true, Ordering::SeqCst);
                Error::corrupt(&self.path, "SQLite reports the database is malformed")
            }
            _ => Error::Sqlite {
                operation,
                path: self.path.clone(),
                source: Box::new(err),
            },
        }
    }

    fn parse_row(&self, resource_server: &str, json: &str) -> Result<TokenStorageData> {
        TokenStorageData::parse(json).map_err(|reason| Error::InvalidTokenData {
            location: format!(
                "{} (namespace {:?}, resource server {:?})",
                self.path.display(),
                self.namespace,
                resource_server
            ),
            reason,
        })
    }
}

impl TokenStorage for SqliteTokenStorage {
    fn namespace(&self) -> &str {
        &self.namespace
    }

    fn store_token_data_by_resource_server(
        &self,
        token_data_by_resource_server: &BTreeMap<String, TokenStorageData>,
    ) -> Result<()> {
        self.with_db(|db| {
            self.check_writable(db)?;
            let write = |conn: &mut Connection| -> rusqlite::Result<()> {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                {
                    let mut insert = tx.prepare(
                        "REPLACE INTO token_storage(namespace, resource_server, token_data_json) \
                         VALUES (?1, ?2, ?3)",
                    )?;
                    for (resource_server, data) in token_data_by_resource_server {
                        insert.execute(params![
                            self.namespace,
                            resource_server,
                            data.to_json_string()
                        ])?;
                    }
                }
                tx.commit()
            };
            write(&mut db.conn).map_err(|err| self.sql_error("store tokens in", err))
        })
    }

    fn get_token_data_by_resource_server(&self) -> Result<BTreeMap<String, TokenStorageData>> {
        let rows = self.with_db(|db| {
            let read = || -> rusqlite::Result<Vec<(String, String)>> {
                let mut select = db.conn.prepare(
                    "SELECT resource_server, token_data_json FROM token_storage WHERE namespace = ?1",
                )?;
                let rows = select.query_map([&self.namespace], |row| Ok((row.get(0)?, row.get(1)?)))?;
                rows.collect()
            };
            read().map_err(|err| self.sql_error("read tokens from", err))
        })?;
        rows.into_iter()
            .map(|(rs, json)| {
                let data = self.parse_row(&rs, &json)?;
                Ok((rs, data))
            })
            .collect()
    }

    fn get_token_data(&self, resource_server: &str) -> Result<Option<TokenStorageData>> {
        let json = self.with_db(|db| {
            db.conn
                .query_row(
                    "SELECT token_data_json FROM token_storage \
                     WHERE namespace = ?1 AND resource_server = ?2",
                    [&self.namespace, resource_server],
                    |row| row.get::<_, String>(0),
                )
                .optional()
                .map_err(|err| self.sql_error("read tokens from", err))
        })?;
        json.map(|json| self.parse_row(resource_server, &json))
            .transpose()
    }

    fn remove_token_data(&self, resource_server: &str) -> Result<bool> {
        self.with_db(|db| {
            self.check_writable(db)?;
            db.conn
                .execute(
                    "DELETE FROM token_storage WHERE namespace = ?1 AND resource_server = ?2",
                    [&self.namespace, resource_server],
                )
                .map(|deleted| deleted > 0)
                .map_err(|err| self.sql_error("remove tokens from", err))
        })
    }

    fn namespaces(&self) -> Result<Vec<String>> {
        self.with_db(|db| {
            let read = || -> rusqlite::Result<Vec<String>> {
                let mut select = db
                    .conn
                    .prepare("SELECT DISTINCT namespace FROM token_storage ORDER BY namespace")?;
                let rows = select.query_map([], |row| row.get(0))?;
                rows.collect()
            };
            read().map_err(|err| self.sql_error("list namespaces in", err))
        })
    }

    /// Closes the connection and deletes the database file with its `-wal`, `-shm` and
    /// `-journal` files (every namespace); the next operation creates a new database.
    /// Another process that has the database open keeps writing to the deleted file.
    fn reset(&self) -> Result<()> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        drop(state.take());
        self.damaged.store(false, Ordering::SeqCst);
        files::regular_file_exists(&self.path)?;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            files::remove_if_exists(&sibling(&self.path, suffix), "remove token database file")?;
        }
        Ok(())
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut select = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let rows = select.query_map([], |row| row.get(0))?;
    rows.collect()
}

fn schema_version(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT CAST(value AS TEXT) FROM sdk_storage_adapter_internal \
         WHERE attribute = 'globus-sdk.database_schema_version'",
        [],
        |row| row.get(0),
    )
    .optional()
}

fn create_schema(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(CREATE_SCHEMA)?;
    tx.execute(
        "INSERT OR IGNORE INTO sdk_storage_adapter_internal(attribute, value) \
         VALUES ('globus-sdk.version', ?1), ('globus-sdk.database_schema_version', ?2)",
        params![WRITER_VERSION, SCHEMA_VERSION.to_string()],
    )?;
    tx.commit()
}
