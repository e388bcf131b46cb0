//! IdentityMap on a multi-threaded runtime, where each batch runs as a task of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use globus_identity::IdentityMap;
use globus_testing::FakeGlobusAuth;

const SIROSEN_ID: &str = "ae341a98-d274-11e5-b888-dbae3a8ba545";

fn map(fake: &FakeGlobusAuth, in_flight: usize) -> IdentityMap {
    let token = fake.issue_tokens_for("openid").unwrap();
    let auth = globus_auth::AuthClient::builder()
        .with_env_vars(globus_core::EnvVars::empty())
        .with_base_url(fake.base_url().as_str())
        .with_authorizer(globus_core::AccessTokenAuthorizer::new(
            globus_core::secret::AccessToken::new(token.access_token("auth.globus.org").unwrap()),
        ))
        .build()
        .unwrap();
    IdentityMap::builder(auth)
        .max_concurrent_batches(in_flight)
        .build()
}

fn id(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-{i:012x}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_run_as_tasks_and_every_answer_lands_in_the_result_and_the_cache() {
    let fake = FakeGlobusAuth::builder().build().await.unwrap();
    let map = map(&fake, 4);
    let mut keys: Vec<String> = (0..950).map(id).collect();
    keys.push(SIROSEN_ID.to_owned());
    keys.push("ada@uchicago.edu".to_owned());
    let found = map.get_many(&keys).await.unwrap();
    assert_eq!(found.len(), keys.len());
    assert_eq!(found[SIROSEN_ID].as_ref().unwrap().id, SIROSEN_ID);
    assert_eq!(
        found["ada@uchicago.edu"].as_ref().unwrap().username,
        "ada@uchicago.edu"
    );
    assert!(keys.iter().all(|key| found.contains_key(key)));
    // 951 ids in 10 batches, one username batch.
    assert_eq!(fake.hits(http::Method::GET, "/v2/api/identities"), 11);
    // Cached: nothing more is sent.
    assert!(map.get(SIROSEN_ID).await.unwrap().is_some());
    assert_eq!(fake.hits(http::Method::GET, "/v2/api/identities"), 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_whose_caller_gave_up_is_finished_by_the_next_one_without_a_new_request() {
    let fake = FakeGlobusAuth::builder().build().await.unwrap();
    let map = map(&fake, 4);
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
