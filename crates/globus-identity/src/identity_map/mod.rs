//! [`IdentityMap`]: batched, cached, concurrent identity lookups (Python's `IdentityMap`).

mod batch;
mod cache;
mod key;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::stream::{self, StreamExt as _};
use globus_auth::AuthClient;
use globus_core::clock::{Clock, system_clock};

use self::batch::{Batch, BatchContext};
use self::cache::{BatchFuture, lookup_in};
pub use self::cache::{CachedIdentity, IdentityCache, IdentityRecord};
use self::key::{KeyKind, kind_of, validate};
use crate::error::Result;

/// Keys per request (Python's `_default_id_batch_size`).
pub const DEFAULT_BATCH_SIZE: usize = 100;
/// Requests a bulk lookup keeps in flight at once.
pub const DEFAULT_MAX_CONCURRENT_BATCHES: usize = 4;
/// How long "not found" is remembered by default.
pub const DEFAULT_NEGATIVE_CACHE_TTL: Duration = Duration::from_secs(300);

/// The answer of [`IdentityMap::get_many`]: every key asked for, with its record or `None`
/// when Globus Auth does not know it.
pub type IdentityLookup = HashMap<String, Option<IdentityRecord>>;

/// Resolves identity ids and usernames to identity records, in batches, with a cache.
///
/// Python's `IdentityMap`, with the same rules — and async, concurrent and bounded:
///
/// - A key that parses as a UUID (as Python's `uuid.UUID()` accepts it: any case, with or
///   without hyphens, `{braced}`, `urn:uuid:`) is an **id**, anything else a **username**.
///   Keys are sent as written. Ids and usernames are never mixed in one request; username
///   lookups send `provision=false`.
/// - [`add`](Self::add) queues keys; a lookup fills its request with queued keys of the same
///   kind, up to the batch size (default 100), so adding first saves requests.
/// - Every record is cached under its id, its username and the key that found it. Give maps
///   a shared [`IdentityCache`] to share results; entries put there by hand (including
///   [`insert_missing`](IdentityCache::insert_missing)) prevent lookups.
/// - [`get_many`](Self::get_many) resolves any number of keys with the fewest requests,
///   keeping up to 4 (configurable) in flight. Concurrent lookups of the same key share
///   one request.
/// - A key Auth omits is "not found" (`None`), not an error. Errors from Auth (401, 403, a
///   5xx after retries) are [`Error::Auth`](crate::Error::Auth).
///
/// **Negative cache (on by default, 5 minutes).** Python re-fetches a missing key on every
/// lookup, so rendering a list that holds `k` unknown ids costs `k` extra requests each time.
/// Here "not found" is remembered for [`DEFAULT_NEGATIVE_CACHE_TTL`]; the lifetime keeps a
/// long-lived or shared cache from hiding an identity created later.
/// [`without_negative_cache`](IdentityMapBuilder::without_negative_cache) restores Python's
/// behaviour.
///
/// ```no_run
/// use globus_auth::AuthClient;
/// use globus_identity::IdentityMap;
///
/// # async fn demo(auth: AuthClient) -> Result<(), globus_identity::Error> {
/// let map = IdentityMap::new(auth);
/// map.add("sirosen@globus.org");
/// map.add("ae341a98-d274-11e5-b888-dbae3a8ba545");
/// // One request per kind for everything queued so far.
/// if let Some(identity) = map.get("sirosen@globus.org").await? {
///     println!("{} is {}", identity.username, identity.id);
/// }
/// # Ok(()) }
/// ```
pub struct IdentityMap {
    client: AuthClient,
    cache: IdentityCache,
    pending: Mutex<Pending>,
    batch_size: usize,
    max_concurrent: usize,
    negative_ttl: Option<Duration>,
    clock: Arc<dyn Clock>,
}

#[derive(Default)]
struct Pending {
    ids: BTreeSet<String>,
    usernames: BTreeSet<String>,
}

impl Pending {
    fn set(&mut self, kind: KeyKind) -> &mut BTreeSet<String> {
        match kind {
            KeyKind::Id => &mut self.ids,
            KeyKind::Username => &mut self.usernames,
        }
    }
}

/// Configures an [`IdentityMap`]: [`IdentityMap::builder`].
#[must_use]
pub struct IdentityMapBuilder {
    client: AuthClient,
    keys: Vec<String>,
    cache: Option<IdentityCache>,
    batch_size: usize,
    max_concurrent: usize,
    negative_ttl: Option<Duration>,
    clock: Arc<dyn Clock>,
}

impl IdentityMapBuilder {
    /// Queues keys for later lookups (Python's `identity_ids`). Invalid keys are skipped.
    pub fn keys<I>(mut self, keys: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.keys.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Keys per request; `0` means the default, [`DEFAULT_BATCH_SIZE`] (as in Python, where
    /// a falsy value uses the default).
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = if batch_size == 0 {
            DEFAULT_BATCH_SIZE
        } else {
            batch_size
        };
        self
    }

    /// Requests a bulk lookup keeps in flight at once (default
    /// [`DEFAULT_MAX_CONCURRENT_BATCHES`]; `0` counts as 1).
    pub fn max_concurrent_batches(mut self, max: usize) -> Self {
        self.max_concurrent = max.max(1);
        self
    }

    /// Shares `cache` (results and in-flight lookups) with every map given a clone of it.
    pub fn cache(mut self, cache: IdentityCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Remembers "not found" for `ttl` (default [`DEFAULT_NEGATIVE_CACHE_TTL`]).
    pub fn negative_cache_ttl(mut self, ttl: Duration) -> Self {
        self.negative_ttl = Some(ttl);
        self
    }

    /// Never remembers "not found": a missing key is fetched again on every lookup, as in
    /// Python.
    pub fn without_negative_cache(mut self) -> Self {
        self.negative_ttl = None;
        self
    }

    /// The clock that dates negative entries (tests pass a
    /// [`ManualClock`](globus_core::clock::ManualClock)).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the map. No request is made.
    pub fn build(self) -> IdentityMap {
        let map = IdentityMap {
            client: self.client,
            cache: self.cache.unwrap_or_default(),
            pending: Mutex::new(Pending::default()),
            batch_size: self.batch_size,
            max_concurrent: self.max_concurrent,
            negative_ttl: self.negative_ttl,
            clock: self.clock,
        };
        for key in self.keys {
            map.add(key);
        }
        map
    }
}

impl IdentityMap {
    /// A map with the defaults, looking identities up through `client`.
    pub fn new(client: AuthClient) -> Self {
        Self::builder(client).build()
    }

    /// Starts configuring a map.
    pub fn builder(client: AuthClient) -> IdentityMapBuilder {
        IdentityMapBuilder {
            client,
            keys: Vec::new(),
            cache: None,
            batch_size: DEFAULT_BATCH_SIZE,
            max_concurrent: DEFAULT_MAX_CONCURRENT_BATCHES,
            negative_ttl: Some(DEFAULT_NEGATIVE_CACHE_TTL),
            clock: system_clock(),
        }
    }

    /// The cache (clone it to share it with another map).
    pub fn cache(&self) -> &IdentityCache {
        &self.cache
    }

    /// Keys per request.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `key` for the next lookup. Returns `false` when it is already known (cached,
    /// being fetched, or queued) or cannot be sent (empty, or holding a comma), `true` when
    /// it was queued.
    pub fn add(&self, key: impl Into<String>) -> bool {
        let key = key.into();
        if validate(&key).is_err() {
            return false;
        }
        let now = self.clock.now_unix();
        let state = self.cache.lock();
        if lookup_in(&state, &key, now).is_some() || state.inflight.contains_key(&key) {
            return false;
        }
        self.pending().set(kind_of(&key)).insert(key)
    }

    /// The queued ids, sorted.
    pub fn pending_ids(&self) -> Vec<String> {
        self.pending().ids.iter().cloned().collect()
    }

    /// The queued usernames, sorted.
    pub fn pending_usernames(&self) -> Vec<String> {
        self.pending().usernames.iter().cloned().collect()
    }

    /// What the cache says about `key`, without any request.
    pub fn cached(&self, key: &str) -> Option<CachedIdentity> {
        self.cache.lookup_at(key, self.clock.now_unix())
    }

    /// Forgets `key` (Python's `del map[key]`): only that key, so a record fetched by
    /// username stays reachable by username after its id is removed. Queued keys are not
    /// affected. Returns whether the cache held it.
    pub fn remove(&self, key: &str) -> bool {
        self.cache.remove(key)
    }

    /// Looks `key` up: from the cache, or with **one** request that also carries queued keys
    /// of the same kind (up to the batch size). `Ok(None)` when Auth does not know the key.
    pub async fn get(&self, key: &str) -> Result<Option<IdentityRecord>> {
        let mut found = self.get_many([key]).await?;
        Ok(found.remove(key).flatten())
    }

    /// Looks up every key (duplicates are fine) with the fewest requests: each kind is split
    /// into batches, the last batch of each kind topped up with queued keys, and up to
    /// [`max_concurrent_batches`](IdentityMapBuilder::max_concurrent_batches) requests run
    /// at once. Keys already being fetched by another lookup wait for that request.
    ///
    /// An invalid key fails the call before any request. On an Auth error the remaining
    /// batches are not sent; results of the batches that succeeded stay cached.
    pub async fn get_many<I>(&self, keys: I) -> Result<IdentityLookup>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut wanted: Vec<String> = Vec::new();
        for key in keys {
            let key = key.as_ref();
            validate(key)?;
            wanted.push(key.to_owned());
        }
        // Duplicates dropped, first occurrence kept: each key is copied once, above.
        let unique: Vec<bool> = {
            let mut seen: HashSet<&str> = HashSet::with_capacity(wanted.len());
            wanted.iter().map(|key| seen.insert(key.as_str())).collect()
        };
        let wanted: Vec<String> = wanted
            .into_iter()
            .zip(unique)
            .filter_map(|(key, unique)| unique.then_some(key))
            .collect();
        let (ours, theirs) = self.plan(&wanted);

        let futures: Vec<BatchFuture> = ours
            .iter()
            .map(|b| b.future.clone())
            .chain(theirs)
            .collect();
        let mut results = stream::iter(futures).buffer_unordered(self.max_concurrent);
        while let Some(result) = results.next().await {
            if let Err(err) = result {
                drop(results);
                for batch in &ours {
                    batch.abandon_if_unstarted(&self.cache);
                }
                return Err(err);
            }
        }

        let now = self.clock.now_unix();
        let state = self.cache.lock();
        Ok(wanted
            .into_iter()
            .map(|key| {
                let record = lookup_in(&state, &key, now).and_then(CachedIdentity::into_record);
                (key, record)
            })
            .collect())
    }

    /// Looks up every queued key. Afterwards the queue is empty.
    pub async fn resolve_pending(&self) -> Result<()> {
        let keys: Vec<String> = {
            let mut pending = self.pending();
            let ids = std::mem::take(&mut pending.ids);
            let usernames = std::mem::take(&mut pending.usernames);
            ids.into_iter().chain(usernames).collect()
        };
        self.get_many(keys).await.map(drop)
    }

    /// Decides, under the cache lock, which keys need new batches (registered in flight
    /// before the lock is released, so concurrent lookups join them) and which in-flight
    /// batches of other lookups to wait for.
    fn plan(&self, wanted: &[String]) -> (Vec<Batch>, Vec<BatchFuture>) {
        let now = self.clock.now_unix();
        let mut state = self.cache.lock();
        let mut pending = self.pending();
        // Borrowed from `wanted`; owned only for keys taken from the queue.
        let mut need: [(KeyKind, Vec<Cow<'_, str>>); 2] =
            [(KeyKind::Id, Vec::new()), (KeyKind::Username, Vec::new())];
        let mut waits: HashMap<u64, BatchFuture> = HashMap::new();
        for key in wanted {
            let kind = kind_of(key);
            pending.set(kind).remove(key);
            if lookup_in(&state, key, now).is_some() {
                continue;
            }
            if let Some((id, future)) = state.inflight.get(key) {
                waits.entry(*id).or_insert_with(|| future.clone());
                continue;
            }
            let slot = if kind == KeyKind::Id { 0 } else { 1 };
            need[slot].1.push(Cow::Borrowed(key));
        }
        // Top up each kind's last batch with queued keys: no extra request.
        for (kind, keys) in &mut need {
            if keys.is_empty() {
                continue;
            }
            let queue = pending.set(*kind);
            while keys.len() % self.batch_size != 0 {
                let Some(extra) = queue.pop_first() else {
                    break;
                };
                // Cached by a shared map, or in flight elsewhere: dropped, as in Python.
                if lookup_in(&state, &extra, now).is_none() && !state.inflight.contains_key(&extra)
                {
                    keys.push(Cow::Owned(extra));
                }
            }
        }
        drop(pending);

        let ctx = BatchContext {
            client: self.client.clone(),
            cache: self.cache.clone(),
            negative_ttl: self.negative_ttl,
            clock: Arc::clone(&self.clock),
        };
        let mut ours = Vec::new();
        for (kind, keys) in need {
            for chunk in keys.chunks(self.batch_size) {
                let id = state.next_batch_id;
                state.next_batch_id += 1;
                let keys: Arc<[String]> = chunk.iter().map(|key| key.to_string()).collect();
                let batch = Batch::new(&ctx, id, kind, keys);
                for key in chunk {
                    state
                        .inflight
                        .insert(key.to_string(), (id, batch.future.clone()));
                }
                ours.push(batch);
            }
        }
        (ours, waits.into_values().collect())
    }
}

impl fmt::Debug for IdentityMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pending = self.pending();
        f.debug_struct("IdentityMap")
            .field("cache", &self.cache)
            .field("pending_ids", &pending.ids.len())
            .field("pending_usernames", &pending.usernames.len())
            .field("batch_size", &self.batch_size)
            .field("max_concurrent_batches", &self.max_concurrent)
            .field("negative_ttl", &self.negative_ttl)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for IdentityMapBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityMapBuilder")
            .field("keys", &self.keys.len())
            .field("batch_size", &self.batch_size)
            .field("max_concurrent_batches", &self.max_concurrent)
            .field("negative_ttl", &self.negative_ttl)
            .finish_non_exhaustive()
    }
}
