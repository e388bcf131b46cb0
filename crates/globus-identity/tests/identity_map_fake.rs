//! IdentityMap against the fake Globus Auth: real records, omitted identities, and the
//! speed-up of concurrent batches measured in virtual time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use globus_identity::IdentityMap;

const SIROSEN_ID: &str = "ae341a98-d274-11e5-b888-dbae3a8ba545";

fn id(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-{i:012x}")
}

#[tokio::test]
async fn the_fake_resolves_real_records_and_omits_missing_ones() {
    let fake = globus_testing::FakeGlobusAuth::builder()
        .missing_identity("ghost@example.org")
        .build()
        .await
        .unwrap();
    let token = fake.issue_tokens_for("openid").unwrap();
    let auth = globus_auth::AuthClient::builder()
        .with_env_vars(globus_core::EnvVars::empty())
        .with_base_url(fake.base_url().as_str())
        .with_authorizer(globus_core::AccessTokenAuthorizer::new(
            globus_core::secret::AccessToken::new(token.access_token("auth.globus.org").unwrap()),
        ))
        .build()
        .unwrap();
    let map = IdentityMap::new(auth);
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

async fn timed_lookup(
    fake: &globus_testing::FakeGlobusAuth,
    token: &str,
    in_flight: usize,
    offset: usize,
) -> Duration {
    let auth = globus_auth::AuthClient::builder()
        .with_env_vars(globus_core::EnvVars::empty())
        .with_base_url(fake.base_url().as_str())
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_authorizer(globus_core::AccessTokenAuthorizer::new(
            globus_core::secret::AccessToken::new(token),
        ))
        .build()
        .unwrap();
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
    let fake = globus_testing::FakeGlobusAuth::start().await.unwrap();
    let tokens = fake.issue_tokens_for("openid").unwrap();
    let token = tokens.access_token("auth.globus.org").unwrap().to_owned();
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
