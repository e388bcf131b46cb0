//! One batch: a single `GET /v2/api/identities` for up to `batch_size` keys of one kind.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::FutureExt as _;
use globus_auth::AuthClient;
use globus_core::clock::Clock;
use serde_json::value::RawValue;

use super::cache::{BatchFuture, Entry, IdentityCache, IdentityRecord};
use super::key::{KeyKind, parse_uuid};
use crate::error::{Error, Result};

/// A batch registered in the cache's in-flight table, not necessarily started.
pub(crate) struct Batch {
    pub(crate) id: u64,
    /// Shared with the running lookup: one allocation, not a copy of every key.
    pub(crate) keys: Arc<[String]>,
    pub(crate) started: Arc<AtomicBool>,
    pub(crate) future: BatchFuture,
}

/// What a batch needs to run and store its results.
pub(crate) struct BatchContext {
    pub(crate) client: AuthClient,
    pub(crate) cache: IdentityCache,
    pub(crate) negative_ttl: Option<Duration>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Batch {
    /// Creates the (lazy) batch future. Nothing is sent until it is first polled.
    pub(crate) fn new(ctx: &BatchContext, id: u64, kind: KeyKind, keys: Arc<[String]>) -> Self {
        let started = Arc::new(AtomicBool::new(false));
        let future = on_runtime(run(
            ctx.client.clone(),
            ctx.cache.clone(),
            ctx.negative_ttl,
            Arc::clone(&ctx.clock),
            id,
            kind,
            Arc::clone(&keys),
            Arc::clone(&started),
        ))
        .boxed()
        .shared();
        Self {
            id,
            keys,
            started,
            future,
        }
    }

    /// Takes the batch out of the in-flight table if no one has started it (used when a bulk
    /// lookup gives up early on an error, so no request is sent for it).
    pub(crate) fn abandon_if_unstarted(&self, cache: &IdentityCache) {
        if self.started.load(Ordering::SeqCst) {
            return;
        }
        let mut state = cache.lock();
        for key in self.keys.iter() {
            if state
                .inflight
                .get(key)
                .is_some_and(|(id, _)| *id == self.id)
            {
                state.inflight.remove(key);
            }
        }
    }
}

/// Runs a batch as a task of the current runtime when that runtime has worker threads, so
/// that the batches in flight handle their responses (decoding up to 100 records each) in
/// parallel, rather than one after the other in the task that awaits them all. Elsewhere
/// (a current-thread runtime, no runtime) the batch runs where it is awaited.
///
/// Dropping the returned future aborts the task. The in-flight table holds the batch until
/// it finishes, so a batch whose caller gave up still completes (it fills the cache, and a
/// later lookup of its keys waits for it instead of sending another request).
async fn on_runtime<F>(batch: F) -> Result<()>
where
    F: Future<Output = Result<()>> + Send + 'static,
{
    use tokio::runtime::{Handle, RuntimeFlavor};
    use tracing::Instrument as _;

    let handle = match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => handle,
        _ => return batch.await,
    };
    let mut task = AbortOnDrop(handle.spawn(batch.in_current_span()));
    match (&mut task.0).await {
        Ok(result) => result,
        Err(err) => match err.try_into_panic() {
            // The batch panicked: so does its waiter, as it would have running inline.
            Ok(panic) => std::panic::resume_unwind(panic),
            // Only `AbortOnDrop` aborts the task (and then nobody is waiting any more), or
            // the runtime shutting down.
            Err(_) => Err(Error::LookupStopped),
        },
    }
}

/// Aborts a spawned task when dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The `identities` array of a lookup's body, each record as JSON text.
#[derive(serde::Deserialize)]
struct RawIdentities<'a> {
    #[serde(borrow)]
    identities: Vec<&'a RawValue>,
}

#[allow(clippy::too_many_arguments)]
async fn run(
    client: AuthClient,
    cache: IdentityCache,
    negative_ttl: Option<Duration>,
    clock: Arc<dyn Clock>,
    id: u64,
    kind: KeyKind,
    keys: Arc<[String]>,
    started: Arc<AtomicBool>,
) -> Result<()> {
    started.store(true, Ordering::SeqCst);
    tracing::debug!(
        batch = id,
        ?kind,
        keys = keys.len(),
        "looking identities up"
    );
    let request = client.get_identities();
    let request = match kind {
        KeyKind::Id => request.ids(keys.iter().map(String::as_str)),
        // `provision=false` is the builder's default for usernames.
        KeyKind::Username => request.usernames(keys.iter().map(String::as_str)),
    };
    let outcome = request.send().await.map(|response| {
        // Each record's JSON text, found without decoding it (it is decoded only if someone
        // asks for a record's raw JSON). Both lists come from the same array of the same
        // body, so they line up whenever both decode.
        let (data, response) = response.into_parts();
        let sources: Vec<&RawValue> = serde_json::from_slice::<RawIdentities<'_>>(response.bytes())
            .map(|raw| raw.identities)
            .unwrap_or_default();
        let aligned = sources.len() == data.identities.len();
        let records: Vec<IdentityRecord> = data
            .identities
            .into_iter()
            .zip(0..)
            .map(|(identity, i)| {
                let source = sources
                    .get(i)
                    .filter(|_| aligned)
                    .map(|raw| Box::<str>::from(raw.get()));
                IdentityRecord::from_parts(identity, source)
            })
            .collect();
        records
    });

    let now = clock.now_unix();
    let mut state = cache.lock();
    if let Ok(records) = &outcome {
        for record in records {
            state
                .entries
                .insert(record.id.clone(), Entry::Found(record.clone()));
            state
                .entries
                .insert(record.username.clone(), Entry::Found(record.clone()));
        }
        // Index the answers once, so matching the keys is linear in the batch: by the
        // UUID's value (any spelling of the id) and by the username without case.
        // Only the index this batch's kind of key needs.
        let by_id: HashMap<u128, &IdentityRecord> = match kind {
            KeyKind::Id => records
                .iter()
                .filter_map(|r| parse_uuid(&r.id).map(|uuid| (uuid, r)))
                .collect(),
            KeyKind::Username => HashMap::new(),
        };
        let by_username: HashMap<String, &IdentityRecord> = match kind {
            KeyKind::Username => records
                .iter()
                .map(|r| (r.username.to_ascii_lowercase(), r))
                .collect(),
            KeyKind::Id => HashMap::new(),
        };
        for key in keys.iter() {
            let answer = match kind {
                KeyKind::Id => parse_uuid(key).and_then(|uuid| by_id.get(&uuid)),
                KeyKind::Username => by_username.get(&key.to_ascii_lowercase()),
            };
            match (answer, negative_ttl) {
                (Some(&record), _) => {
                    // Another spelling of the id (upper case, braces, urn:uuid:) or the
                    // username in another case: remember it too, so it is not re-fetched.
                    if !state.entries.contains_key(key) {
                        state
                            .entries
                            .insert(key.clone(), Entry::Found(record.clone()));
                    }
                }
                (None, Some(ttl)) => {
                    let ttl = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
                    state.entries.insert(
                        key.clone(),
                        Entry::Missing {
                            until: Some(now.saturating_add(ttl)),
                        },
                    );
                }
                (None, None) => {}
            }
        }
    }
    for key in keys.iter() {
        if state.inflight.get(key).is_some_and(|(b, _)| *b == id) {
            state.inflight.remove(key);
        }
    }
    drop(state);
    match outcome {
        Ok(_) => Ok(()),
        Err(err) => {
            tracing::debug!(batch = id, error = %err, "identity lookup failed");
            Err(Error::Auth(err))
        }
    }
}
