//! IdentityMap on httpmock (exact request counts and shapes) and on the fake Globus Auth.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use globus_core::clock::ManualClock;
use globus_identity::{CachedIdentity, Error, IdentityCache, IdentityMap, IdentityRecord};
use httpmock::HttpMockRequest;
use httpmock::prelude::*;
use serde_json::{Value, json};
use support::auth_client;

const SIROSEN_ID: &str = "ae341a98-d274-11e5-b888-dbae3a8ba545";
const SIROSEN: &str = "sirosen@globus.org";
const GLOBUS_ID: &str = "46bd0f56-e24f-11e5-a510-131bef46955c";
const GLOBUS: &str = "globus@globus.org";

fn sirosen() -> Value {
    json!({"email": "sirosen@globus.org", "id": SIROSEN_ID,
           "identity_provider": "927d7238-f917-4eb2-9ace-c523fa9ba34e", "name": "Stephen Rosen",
           "organization": "Globus Team", "status": "used", "username": SIROSEN,
           "identity_type": "login", "not_modelled": 7})
}

fn globus() -> Value {
    json!({"email": null, "id": GLOBUS_ID, "identity_provider": "927d7238-f917-4eb2-9ace-c523fa9ba34e",
           "name": null, "organization": null, "status": "unused", "username": GLOBUS})
}

fn id(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-{i:012x}")
}

/// The comma-joined values of a query parameter.
fn list(req: &HttpMockRequest, name: &str) -> Vec<String> {
    req.query_params()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

fn map(server: &MockServer) -> IdentityMap {
    IdentityMap::new(auth_client(&server.base_url()))
}

/// Id lookups of at most 100 distinct ids, without `provision` or `usernames`; answers
/// with no identities.
async fn ids_mock(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .query_param_exists("ids")
                .query_param_missing("usernames")
                .query_param_missing("provision")
                .is_true(|req| {
                    let ids = list(req, "ids");
                    let mut unique = ids.clone();
                    unique.sort();
                    unique.dedup();
                    !ids.is_empty() && ids.len() <= 100 && unique.len() == ids.len()
                });
            then.status(200).json_body(json!({"identities": []}));
        })
        .await
}

async fn usernames_mock(server: &MockServer, identities: Value) -> httpmock::Mock<'_> {
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .query_param_exists("usernames")
                .query_param("provision", "false")
                .query_param_missing("ids")
                .is_true(|req| list(req, "usernames").len() <= 100);
            then.status(200)
                .json_body(json!({"identities": identities}));
        })
        .await
}

/// Answers every lookup with these records (whatever was asked).
async fn records_mock(server: &MockServer, identities: Value) -> httpmock::Mock<'_> {
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/v2/api/identities");
            then.status(200)
                .json_body(json!({"identities": identities}));
        })
        .await
}

#[tokio::test]
async fn request_counts_for_1_100_101_and_10000_ids() {
    for (n, requests) in [(1, 1), (100, 1), (101, 2), (10_000, 100)] {
        let server = MockServer::start_async().await;
        let mock = ids_mock(&server).await;
        let keys: Vec<String> = (0..n).map(id).collect();
        let found = map(&server).get_many(&keys).await.unwrap();
        assert_eq!(found.len(), n);
        assert!(found.values().all(Option::is_none));
        assert_eq!(mock.calls_async().await, requests, "{n} ids");
    }
}

#[tokio::test]
async fn one_lookup_sends_the_key_as_written() {
    let server = MockServer::start_async().await;
    let upper = SIROSEN_ID.to_uppercase();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .query_param("ids", upper.as_str())
                .query_param_missing("provision");
            then.status(200)
                .json_body(json!({"identities": [sirosen()]}));
        })
        .await;
    let map = map(&server);
    let record = map.get(&upper).await.unwrap().unwrap();
    assert_eq!(record.username, SIROSEN);
    // Cached under the spelling asked for as well as the id and the username.
    for key in [upper.as_str(), SIROSEN_ID, SIROSEN] {
        assert!(map.get(key).await.unwrap().is_some(), "{key}");
    }
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn ids_and_usernames_are_never_mixed_and_usernames_send_provision_false() {
    let server = MockServer::start_async().await;
    let ids = ids_mock(&server).await;
    let names = usernames_mock(&server, json!([])).await;
    let mut keys: Vec<String> = (0..150).map(id).collect();
    keys.extend((0..150).map(|i| format!("user{i}@example.org")));
    keys.push("urn:uuid:12345678-1234-5678-1234-567812345678".into());
    keys.push("{12345678-1234-5678-1234-567812345679}".into());
    keys.push("12345678123456781234567812345670".into());
    let found = map(&server).get_many(&keys).await.unwrap();
    assert_eq!(found.len(), 303);
    assert_eq!(ids.calls_async().await, 2);
    assert_eq!(names.calls_async().await, 2);
}

#[tokio::test]
async fn duplicates_are_looked_up_once() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .is_true(|req| list(req, "usernames").len() == 2);
            then.status(200)
                .json_body(json!({"identities": [sirosen(), globus()]}));
        })
        .await;
    let map = IdentityMap::builder(auth_client(&server.base_url()))
        .keys([SIROSEN, GLOBUS, SIROSEN, GLOBUS, SIROSEN])
        .build();
    assert_eq!(
        map.pending_usernames(),
        vec![GLOBUS.to_owned(), SIROSEN.to_owned()]
    );
    let found = map
        .get_many([SIROSEN, SIROSEN, GLOBUS, SIROSEN])
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[SIROSEN].as_ref().unwrap().organization.as_deref(),
        Some("Globus Team")
    );
    assert_eq!(found[GLOBUS].as_ref().unwrap().organization, None);
    assert_eq!(mock.calls_async().await, 1);
    assert!(map.pending_usernames().is_empty());
}

#[tokio::test]
async fn records_are_typed_cached_under_id_and_username_and_keep_raw_json() {
    let server = MockServer::start_async().await;
    let mock = usernames_mock(&server, json!([sirosen()])).await;
    let map = map(&server);
    let record = map.get(SIROSEN).await.unwrap().unwrap();
    assert_eq!(record.id, SIROSEN_ID);
    assert_eq!(record.name.as_deref(), Some("Stephen Rosen"));
    assert_eq!(record.identity_type.as_deref(), Some("login"));
    assert_eq!(record.raw_json()["not_modelled"], 7);
    let by_id = map.get(SIROSEN_ID).await.unwrap().unwrap();
    assert_eq!(by_id, record);
    // Python: adding the id of an identity fetched by username is a no-op.
    assert!(!map.add(SIROSEN_ID));
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn add_queues_keys_and_a_lookup_carries_the_queue() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .is_true(|req| list(req, "ids").len() == 3);
            then.status(200).json_body(json!({"identities": []}));
        })
        .await;
    let map = map(&server);
    assert!(map.add(id(1)));
    assert!(!map.add(id(1)));
    assert!(map.add(id(2)));
    assert!(map.add(id(3)));
    assert!(map.add("someone@example.org"));
    assert!(!map.add("a@b.org,c@d.org"), "a comma could inject a key");
    assert!(!map.add(""));
    assert_eq!(map.get(&id(2)).await.unwrap(), None);
    assert_eq!(mock.calls_async().await, 1);
    // The others were resolved (not found) by that same request.
    assert_eq!(map.cached(&id(1)), Some(CachedIdentity::Missing));
    assert!(map.get(&id(3)).await.unwrap().is_none());
    assert_eq!(mock.calls_async().await, 1);
    assert!(map.pending_ids().is_empty());
    assert_eq!(
        map.pending_usernames(),
        vec!["someone@example.org".to_owned()]
    );
}

#[tokio::test]
async fn batch_size_limits_each_request() {
    // Python's test_identity_map_batch_limit.
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .query_param("ids", GLOBUS_ID);
            then.status(200)
                .json_body(json!({"identities": [globus()]}));
        })
        .await;
    let map = IdentityMap::builder(auth_client(&server.base_url()))
        .batch_size(1)
        .build();
    assert_eq!(map.batch_size(), 1);
    map.add(SIROSEN_ID);
    map.add(GLOBUS_ID);
    assert_eq!(map.get(GLOBUS_ID).await.unwrap().unwrap().username, GLOBUS);
    assert_eq!(mock.calls_async().await, 1);
    assert_eq!(map.pending_ids(), vec![SIROSEN_ID.to_owned()]);
    // 0 means the default.
    let map = IdentityMap::builder(auth_client(&server.base_url()))
        .batch_size(0)
        .build();
    assert_eq!(map.batch_size(), 100);
}

#[tokio::test]
async fn two_maps_sharing_a_cache_share_results() {
    for (first, second) in [
        (SIROSEN, SIROSEN),
        (SIROSEN, SIROSEN_ID),
        (SIROSEN_ID, SIROSEN),
    ] {
        let server = MockServer::start_async().await;
        let mock = records_mock(&server, json!([sirosen()])).await;
        let cache = IdentityCache::new();
        let build = || {
            IdentityMap::builder(auth_client(&server.base_url()))
                .cache(cache.clone())
                .build()
        };
        let (a, b) = (build(), build());
        a.add(first);
        b.add(second);
        assert_eq!(mock.calls_async().await, 0);
        let x = a.get(first).await.unwrap().unwrap();
        let y = b.get(second).await.unwrap().unwrap();
        assert_eq!(x.id, y.id);
        assert_eq!(a.get(second).await.unwrap(), b.get(first).await.unwrap());
        assert_eq!(mock.calls_async().await, 1, "{first} then {second}");
    }
}

#[tokio::test]
async fn prepopulated_entries_prevent_lookups() {
    let server = MockServer::start_async().await;
    let mock = records_mock(&server, json!([])).await;
    let cache = IdentityCache::new();
    cache.insert(IdentityRecord::from_json(sirosen()).unwrap());
    cache.insert_missing(GLOBUS_ID);
    cache.insert_missing(GLOBUS);
    let map = IdentityMap::builder(auth_client(&server.base_url()))
        .cache(cache.clone())
        .build();
    assert!(map.get(SIROSEN).await.unwrap().is_some());
    assert!(map.get(SIROSEN_ID).await.unwrap().is_some());
    assert!(map.get(GLOBUS).await.unwrap().is_none());
    let found = map.get_many([GLOBUS_ID, SIROSEN]).await.unwrap();
    assert!(found[GLOBUS_ID].is_none() && found[SIROSEN].is_some());
    assert!(!map.add(GLOBUS));
    assert_eq!(mock.calls_async().await, 0);
    assert_eq!(cache.len(), 4);
    assert!(IdentityRecord::from_json(json!({"id": 1})).is_err());
}

#[tokio::test]
async fn not_found_is_none_and_the_negative_cache_remembers_it() {
    let server = MockServer::start_async().await;
    let mock = records_mock(&server, json!([])).await;
    let clock = Arc::new(ManualClock::new(1_000_000));
    let map = IdentityMap::builder(auth_client(&server.base_url()))
        .clock(clock.clone())
        .negative_cache_ttl(Duration::from_secs(60))
        .build();
    for _ in 0..3 {
        assert_eq!(map.get("ghost@example.org").await.unwrap(), None);
    }
    assert_eq!(mock.calls_async().await, 1);
    clock.advance(60);
    assert_eq!(map.get("ghost@example.org").await.unwrap(), None);
    assert_eq!(mock.calls_async().await, 2);

    // Python's behaviour: a fresh request every time.
    let python = IdentityMap::builder(auth_client(&server.base_url()))
        .without_negative_cache()
        .build();
    for _ in 0..3 {
        assert_eq!(python.get("ghost@example.org").await.unwrap(), None);
    }
    assert_eq!(mock.calls_async().await, 5);
    assert_eq!(python.cached("ghost@example.org"), None);
}

#[tokio::test]
async fn remove_forgets_only_that_key() {
    // Python's test_identity_map_del.
    let server = MockServer::start_async().await;
    let mock = records_mock(&server, json!([sirosen()])).await;
    let map = map(&server);
    let id = map.get(SIROSEN).await.unwrap().unwrap().id.clone();
    assert!(map.remove(&id));
    assert!(!map.remove(&id));
    assert_eq!(map.get(SIROSEN).await.unwrap().unwrap().id, id);
    assert_eq!(mock.calls_async().await, 1);
    assert_eq!(map.get(&id).await.unwrap().unwrap().username, SIROSEN);
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_lookups_of_one_key_share_one_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/api/identities");
            then.status(200)
                .delay(Duration::from_millis(200))
                .json_body(json!({"identities": [sirosen()]}));
        })
        .await;
    let cache = IdentityCache::new();
    let maps: Vec<Arc<IdentityMap>> = (0..2)
        .map(|_| {
            Arc::new(
                IdentityMap::builder(auth_client(&server.base_url()))
                    .cache(cache.clone())
                    .build(),
            )
        })
        .collect();
    let tasks = (0..50).map(|i| {
        let map = Arc::clone(&maps[i % 2]);
        tokio::spawn(async move { map.get(SIROSEN).await })
    });
    let results = join_all(tasks).await;
    for result in results {
        assert_eq!(result.unwrap().unwrap().unwrap().id, SIROSEN_ID);
    }
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_401_is_a_typed_error_and_nothing_is_cached() {
    let server = MockServer::start_async().await;
    let denied = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/api/identities");
            then.status(401).json_body(json!({
                "errors": [{"status": "401", "code": "UNAUTHORIZED", "detail": "Call must be authenticated"}],
                "error": "unauthorized", "error_description": "Unauthorized",
            }));
        })
        .await;
    let map = IdentityMap::builder(auth_client(&server.base_url()))
        .max_concurrent_batches(1)
        .build();
    let err = map.get(SIROSEN).await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(401));
    assert!(!err.is_retryable());
    assert_eq!(map.cached(SIROSEN), None);
    // A bulk lookup stops at the first failure: no request for the other 99 batches.
    let keys: Vec<String> = (0..10_000).map(id).collect();
    assert!(map.get_many(&keys).await.is_err());
    assert_eq!(denied.calls_async().await, 2);
    // Once Auth answers again, the same map works.
    denied.delete_async().await;
    records_mock(&server, json!([sirosen()])).await;
    assert!(map.get(SIROSEN).await.unwrap().is_some());
    assert!(map.get_many(&keys).await.is_ok());
}

#[tokio::test]
async fn a_5xx_after_retries_is_a_retryable_typed_error() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/api/identities");
            then.status(503)
                .json_body(json!({"errors": [{"status": "503"}]}));
        })
        .await;
    let err = map(&server).get(SIROSEN_ID).await.unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable());
    assert_eq!(mock.calls_async().await, 6, "one attempt and five retries");
}

#[tokio::test]
async fn keys_that_could_inject_are_refused_before_any_request() {
    let server = MockServer::start_async().await;
    let mock = records_mock(&server, json!([])).await;
    let map = map(&server);
    for key in [
        "a@b.org,c@d.org",
        &format!("{SIROSEN_ID},{GLOBUS_ID}"),
        "",
        "a\r\nb",
    ] {
        let err = map.get(key).await.unwrap_err();
        assert!(matches!(err, Error::InvalidKey { .. }), "{key:?}: {err}");
        assert!(map.get_many([SIROSEN, key]).await.is_err());
    }
    assert_eq!(mock.calls_async().await, 0);
}
