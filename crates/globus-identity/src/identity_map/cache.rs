//! Identity records and the (shareable) cache that holds them.

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use futures_util::future::{BoxFuture, Shared};
use globus_auth::models::Identity;
use serde_json::Value;

use crate::error::{Error, Result};

/// One identity as Globus Auth returned it: the typed [`Identity`] (dereference to read its
/// fields) and the record's raw JSON, for fields the SDK does not model.
///
/// Cheap to clone (the record is shared).
#[derive(Clone)]
pub struct IdentityRecord(Arc<RecordInner>);

struct RecordInner {
    identity: Identity,
    /// The raw JSON, decoded from `source` on first use: most callers only read the typed
    /// fields, and decoding every record of a 100-identity lookup into a `Value` cost as
    /// much as the typed decoding itself.
    raw: OnceLock<Value>,
    /// The record's JSON text as Auth sent it, when known.
    source: Option<Box<str>>,
}

impl PartialEq for IdentityRecord {
    fn eq(&self, other: &Self) -> bool {
        self.0.identity == other.0.identity && self.raw_json() == other.raw_json()
    }
}

impl IdentityRecord {
    /// Builds a record from its JSON (`{"id": …, "username": …, …}`), e.g. to prepopulate an
    /// [`IdentityCache`].
    pub fn from_json(raw: Value) -> Result<Self> {
        let identity: Identity = serde_json::from_value(raw.clone())
            .map_err(|err| Error::Usage(format!("not a Globus identity record: {err}")))?;
        Ok(Self(Arc::new(RecordInner {
            identity,
            raw: OnceLock::from(raw),
            source: None,
        })))
    }

    /// A record from a lookup: the typed identity and, when known, its JSON text.
    pub(crate) fn from_parts(identity: Identity, source: Option<Box<str>>) -> Self {
        Self(Arc::new(RecordInner {
            identity,
            raw: OnceLock::new(),
            source,
        }))
    }

    /// The typed record.
    pub fn identity(&self) -> &Identity {
        &self.0.identity
    }

    /// The record's JSON exactly as Auth sent it (decoded on first use).
    pub fn raw_json(&self) -> &Value {
        self.0.raw.get_or_init(|| {
            self.0
                .source
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or_else(|| serde_json::to_value(&self.0.identity).unwrap_or(Value::Null))
        })
    }
}

impl Deref for IdentityRecord {
    type Target = Identity;

    fn deref(&self) -> &Identity {
        &self.0.identity
    }
}

impl fmt::Debug for IdentityRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityRecord")
            .field("id", &self.0.identity.id)
            .field("username", &self.0.identity.username)
            .finish_non_exhaustive()
    }
}

/// What the cache knows about a key.
#[derive(Debug, Clone, PartialEq)]
pub enum CachedIdentity {
    /// The identity.
    Found(IdentityRecord),
    /// Known not to exist: put there by hand ([`IdentityCache::insert_missing`], never
    /// expires, like Python's prepopulated `None`) or by the negative cache after Auth
    /// omitted the key (expires after the negative-cache lifetime).
    Missing,
}

impl CachedIdentity {
    /// The record, if the identity exists.
    pub fn record(&self) -> Option<&IdentityRecord> {
        match self {
            CachedIdentity::Found(record) => Some(record),
            CachedIdentity::Missing => None,
        }
    }

    /// Takes the record, if the identity exists.
    pub fn into_record(self) -> Option<IdentityRecord> {
        match self {
            CachedIdentity::Found(record) => Some(record),
            CachedIdentity::Missing => None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Entry {
    Found(IdentityRecord),
    /// `until`: Unix seconds after which the entry is ignored; `None`: never.
    Missing {
        until: Option<i64>,
    },
}

/// The result of one batch, shared by every lookup waiting for one of its keys.
pub(crate) type BatchFuture = Shared<BoxFuture<'static, Result<(), Error>>>;

#[derive(Default)]
pub(crate) struct CacheState {
    pub(crate) entries: HashMap<String, Entry>,
    /// Keys being fetched right now, each with the batch that fetches it.
    pub(crate) inflight: HashMap<String, (u64, BatchFuture)>,
    pub(crate) next_batch_id: u64,
}

/// The cache behind one or more [`IdentityMap`](super::IdentityMap)s.
///
/// A cheap-to-clone handle: give clones to several maps and they share results *and*
/// in-flight lookups (Python's `cache=` argument). Every record Auth returns is stored under
/// its id, its username and the key it was asked for.
#[derive(Clone, Default)]
pub struct IdentityCache {
    pub(crate) state: Arc<Mutex<CacheState>>,
}

impl IdentityCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, CacheState> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters (each update is one insert or remove), so a poisoned lock is still used.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a record under its id and its username.
    pub fn insert(&self, record: IdentityRecord) {
        let mut state = self.lock();
        state
            .entries
            .insert(record.id.clone(), Entry::Found(record.clone()));
        state
            .entries
            .insert(record.username.clone(), Entry::Found(record));
    }

    /// Stores a record under an extra key (e.g. another spelling of its id).
    pub fn insert_as(&self, key: impl Into<String>, record: IdentityRecord) {
        self.lock().entries.insert(key.into(), Entry::Found(record));
    }

    /// Marks `key` as known not to exist: lookups of it answer "not found" without a request
    /// (Python's prepopulated `None`). It never expires.
    pub fn insert_missing(&self, key: impl Into<String>) {
        self.lock()
            .entries
            .insert(key.into(), Entry::Missing { until: None });
    }

    /// What the cache holds for `key` at time `now` (Unix seconds); expired negative entries
    /// read as absent.
    pub(crate) fn lookup_at(&self, key: &str, now: i64) -> Option<CachedIdentity> {
        lookup_in(&self.lock(), key, now)
    }

    /// What the cache holds for `key`, ignoring the expiry of negative entries (use
    /// [`IdentityMap::cached`](super::IdentityMap::cached) for the map's view).
    pub fn get(&self, key: &str) -> Option<CachedIdentity> {
        self.lock().entries.get(key).map(Entry::to_public)
    }

    /// Removes `key` (only that key: the record stays under its other keys). Returns whether
    /// something was removed.
    pub fn remove(&self, key: &str) -> bool {
        self.lock().entries.remove(key).is_some()
    }

    /// How many keys the cache holds (negative entries included).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Empties the cache (lookups in flight still complete and store their results).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }
}

pub(crate) fn lookup_in(state: &CacheState, key: &str, now: i64) -> Option<CachedIdentity> {
    match state.entries.get(key)? {
        Entry::Missing { until: Some(until) } if now >= *until => None,
        entry => Some(entry.to_public()),
    }
}

impl Entry {
    fn to_public(&self) -> CachedIdentity {
        match self {
            Entry::Found(record) => CachedIdentity::Found(record.clone()),
            Entry::Missing { .. } => CachedIdentity::Missing,
        }
    }
}

impl fmt::Debug for IdentityCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("IdentityCache")
            .field("entries", &state.entries.len())
            .field("inflight", &state.inflight.len())
            .finish()
    }
}
