//! IdentityMap against the fake Globus Auth: real records, omitted identities, the
//! speed-up of concurrent batches measured in virtual time, and batches run as tasks of a
//! multi-threaded runtime.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

use globus_auth::AuthClient;
use globus_identity::IdentityMap;
use globus_testing::FakeGlobusAuth;

const SIROSEN_ID: &str = "ae341a98-d274-11e5-b888-dbae3a8ba545";

fn id(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-{i:012x}")
}

#[tokio::test]
async fn the_fake_resolves_real_records_and_omits_missing_ones() {
    let fake = FakeGlobusAuth::builder()
        .missing_identity("ghost@example.org")
        .build()
        .await
        .unwrap();
    let map = IdentityMap::new(authorized_client(&fake, &token(&fake)));
    let found = map
        .get_many(["ada@uchicago.edu", "ghost@example.org", SIROSEN_ID])
        .await
        .unwrap();
    let ada = found["ada@uchicago.edu"].as_ref().unwrap();
    assert_eq!(ada.username, "ada@uchicago.edu");
    assert!(ada.raw_json().get("identity_provider").is_some());
    assert!(found["ghost@example.org"].is_none());
    assert_eq!(found[SIROSEN_ID].as_ref().unwrap().id, SIROSEN_ID);
    assert!(map.get(&ada.id).await.unwrap().is_some());
    assert_eq!(fake.hits(http::Method::GET, "/v2/api/identities"), 2);
}

/// An access token for the fake's Auth API.
fn token(fake: &FakeGlobusAuth) -> String {
    let tokens = fake.issue_tokens_for("openid").unwrap();
    tokens.access_token("auth.globus.org").unwrap().to_owned()
}

/// An Auth client for the fake. No timeouts and no idle-connection expiry: the
/// virtual-time test's clock jumps.
fn authorized_client(fake: &FakeGlobusAuth, token: &str) -> AuthClient {
    AuthClient::builder()
        .with_env_vars(globus_core::EnvVars::empty())
        .with_base_url(fake.base_url().as_str())
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_authorizer(globus_core::AccessTokenAuthorizer::new(
            globus_core::secret::AccessToken::new(token),
        ))
        .build()
        .unwrap()
}

async fn timed_lookup(
    fake: &FakeGlobusAuth,
    token: &str,
    in_flight: usize,
    offset: usize,
) -> Duration {
    let auth = authorized_client(fake, token);
    let map = IdentityMap::builder(auth)
        .max_concurrent_batches(in_flight)
        .build();
    let keys: Vec<String> = (offset..offset + 2_000).map(id).collect();
    let start = tokio::time::Instant::now();
    let found = map.get_many(&keys).await.unwrap();
    assert_eq!(found.len(), 2_000);
    start.elapsed()
}

#[tokio::test(start_paused = true)]
async fn four_batches_in_flight_beat_sequential_lookups_in_virtual_time() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let token = token(&fake);
    fake.inject(
        globus_testing::Fault::delay(Duration::from_millis(1))
            .times(1_000)
            .on(http::Method::GET, "/v2/api/identities"),
    );
    let sequential = timed_lookup(&fake, &token, 1, 0).await;
    let concurrent = timed_lookup(&fake, &token, 4, 100_000).await;
    assert_eq!(fake.hits(http::Method::GET, "/v2/api/identities"), 40);
    assert!(sequential >= Duration::from_millis(20), "{sequential:?}");
    assert!(concurrent < sequential, "{concurrent:?} vs {sequential:?}");
    println!("20 batches at 1 ms: sequential {sequential:?}, 4 in flight {concurrent:?}");
}

fn map_on_runtime(fake: &FakeGlobusAuth) -> IdentityMap {
    IdentityMap::builder(authorized_client(fake, &token(fake)))
        .max_concurrent_batches(4)
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_run_as_tasks_and_every_answer_lands_in_the_result_and_the_cache() {
    let fake = FakeGlobusAuth::builder().build().await.unwrap();
    let map = map_on_runtime(&fake);
    let mut keys: Vec<String> = (0..950).map(id).collect();
    keys.push(SIROSEN_ID.to_owned());
    keys.push("ada@uchicago.edu".to_owned());
    let found = map.get_many(&keys).await.unwrap();
    assert_eq!(found.len(), keys.len());
    assert!(keys.iter().all(|key| found.contains_key(key)));
    assert_eq!(found[SIROSEN_ID].as_ref().unwrap().id, SIROSEN_ID);
    assert_eq!(
        found["ada@uchicago.edu"].as_ref().unwrap().username,
        "ada@uchicago.edu"
    );
    // 951 ids in 10 batches, one username batch.
    assert_eq!(fake.hits(http::Method::GET, "/v2/api/identities"), 11);
    // Cached: nothing more is sent.
    assert!(map.get(SIROSEN_ID).await.unwrap().is_some());
    assert_eq!(fake.hits(http::Method::GET, "/v2/api/identities"), 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_whose_caller_gave_up_is_finished_by_the_next_one_without_a_new_request() {
    let fake = FakeGlobusAuth::builder().build().await.unwrap();
    let map = map_on_runtime(&fake);
    {
        // Polled once (the batch task is started), then dropped. (On a busy machine the
        // task may even have finished by then; either way no second request is due.)
        let abandoned = pin!(map.get_many([SIROSEN_ID]));
        let mut cx = Context::from_waker(Waker::noop());
        let _ = abandoned.poll(&mut cx);
    }
    let found = map.get(SIROSEN_ID).await.unwrap().unwrap();
    assert_eq!(found.id, SIROSEN_ID);
    assert_eq!(fake.hits(http::Method::GET, "/v2/api/identities"), 1);
}
