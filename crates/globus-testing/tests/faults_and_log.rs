//! Fault injection (every kind), the request log, hit counters, unknown routes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use globus_testing::http_client::TestRequest;
use globus_testing::{Error, FakeGlobusAuth, Fault};
use http::Method;

fn cc_request(fake: &FakeGlobusAuth) -> TestRequest {
    let c = fake.confidential_client();
    TestRequest::post(fake.url("/v2/oauth2/token"))
        .basic(&c.id, &c.secret)
        .form(&[("grant_type", "client_credentials"), ("scope", TRANSFER)])
}

#[tokio::test]
async fn status_faults_with_retry_after_for_n_matching_requests() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    fake.inject(
        Fault::status(503)
            .retry_after(7)
            .times(2)
            .on(Method::POST, "/v2/oauth2/token"),
    );
    assert_eq!(fake.pending_faults(), 2);
    // A non-matching request is untouched.
    let resp = TestRequest::get(fake.url("/jwk.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    for _ in 0..2 {
        let resp = cc_request(&fake).send().await.unwrap();
        assert_eq!(resp.status, 503);
        assert_eq!(resp.header("retry-after"), Some("7"));
        assert_globus_error(&resp, 503, "SERVICE_UNAVAILABLE");
    }
    assert_eq!(cc_request(&fake).send().await.unwrap().status, 200);
    assert_eq!(fake.pending_faults(), 0);

    // A custom body and a raw Retry-After value; clear_faults drops the rest.
    fake.inject(
        Fault::status(429)
            .retry_after_header("soon")
            .body(r#"{"x":1}"#),
    );
    let resp = TestRequest::get(fake.url("/jwk.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 429);
    assert_eq!(resp.header("retry-after"), Some("soon"));
    assert_eq!(resp.json(), serde_json::json!({"x": 1}));
    assert_eq!(resp.header("content-type"), Some("application/json"));
    fake.inject(Fault::status(500).times(5).on_path_prefix("/v2/api/"));
    fake.clear_faults();
    assert_eq!(fake.pending_faults(), 0);
}

#[tokio::test(start_paused = true)]
async fn delays_use_tokio_time() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    fake.inject(Fault::delay(Duration::from_secs(30)).on_path("/jwk.json"));
    let start = tokio::time::Instant::now();
    let resp = TestRequest::get(fake.url("/jwk.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    assert!(start.elapsed() >= Duration::from_secs(30));

    // A delayed error, e.g. to trip a client timeout.
    fake.inject(Fault::status(504).with_delay(Duration::from_secs(5)));
    let timed_out = tokio::time::timeout(
        Duration::from_secs(1),
        TestRequest::get(fake.url("/jwk.json")).send(),
    )
    .await;
    assert!(timed_out.is_err());
}

#[tokio::test]
async fn malformed_body_and_dropped_connection() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    fake.inject(Fault::malformed_body().on(Method::POST, "/v2/oauth2/token"));
    let resp = cc_request(&fake).send().await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&resp.body).is_err());

    fake.inject(Fault::malformed_body().with_status(502));
    assert_eq!(cc_request(&fake).send().await.unwrap().status, 502);

    fake.inject(Fault::drop_connection());
    match cc_request(&fake).send().await {
        Err(Error::Http(_)) => {}
        other => panic!("expected a connection error, got {other:?}"),
    }
    // The server is fine afterwards, and the dropped request was still logged.
    assert_eq!(cc_request(&fake).send().await.unwrap().status, 200);
    assert_eq!(fake.hits(Method::POST, "/v2/oauth2/token"), 4);
}

#[tokio::test]
async fn request_log_and_redacted_debug() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let resp = cc_request(&fake).send().await.unwrap();
    let token = resp.json()["access_token"].as_str().unwrap().to_owned();
    let c = fake.confidential_client().clone();
    TestRequest::post(fake.url("/v2/oauth2/token/introspect"))
        .basic(&c.id, &c.secret)
        .form(&[("token", &token), ("include", "identity_set")])
        .send()
        .await
        .unwrap();
    let mut url = fake.url("/v2/api/identities");
    url.set_query(Some(
        "usernames=a@example.org,b@example.org&provision=false",
    ));
    TestRequest::get(url)
        .basic(&c.id, &c.secret)
        .send()
        .await
        .unwrap();

    let all = fake.requests();
    assert_eq!(all.len(), 3);
    let first = &all[0];
    assert_eq!(first.method(), Method::POST);
    assert_eq!(first.path(), "/v2/oauth2/token");
    assert_eq!(
        first.basic_credentials(),
        Some((c.id.clone(), c.secret.clone()))
    );
    assert_eq!(first.form_param("scope").as_deref(), Some(TRANSFER));
    assert_eq!(
        first.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let intro = &fake.requests_to(Method::POST, "/v2/oauth2/token/introspect")[0];
    assert_eq!(intro.form_param("token").as_deref(), Some(token.as_str()));
    let dbg = format!("{intro:?}");
    assert!(!dbg.contains(&token), "{dbg}");
    assert!(!dbg.contains(&c.secret), "{dbg}");
    assert!(
        dbg.contains("identity_set") && dbg.contains("Basic <redacted>"),
        "{dbg}"
    );

    let last = fake.last_request().unwrap();
    assert_eq!(
        last.query_param("usernames").as_deref(),
        Some("a@example.org,b@example.org")
    );
    assert_eq!(last.query_param("provision").as_deref(), Some("false"));
    assert!(last.body().is_empty());

    assert_eq!(fake.hits(Method::GET, "/v2/api/identities"), 1);
    assert_eq!(fake.hit_counts().len(), 3);
    fake.clear_requests();
    assert!(fake.requests().is_empty());
    assert_eq!(fake.hits(Method::GET, "/v2/api/identities"), 0);
}

#[tokio::test]
async fn unknown_routes_are_loud() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let resp = TestRequest::get(fake.url("/v2/api/nonsense"))
        .send()
        .await
        .unwrap();
    let err = assert_globus_error(&resp, 404, "NOT_FOUND");
    let detail = err["detail"].as_str().unwrap();
    assert!(detail.contains("GET /v2/api/nonsense"), "{detail}");
    let resp = TestRequest::new(Method::PATCH, fake.url("/v2/oauth2/token"))
        .send()
        .await
        .unwrap();
    let err = assert_globus_error(&resp, 405, "METHOD_NOT_ALLOWED");
    assert!(err["detail"].as_str().unwrap().contains("PATCH"));
    // A form-less token request is a 400, not a panic.
    let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
        .body(vec![0xff, 0xfe])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["error"], "invalid_request");
}

#[test]
fn background_server_serves_while_the_caller_blocks() {
    let fake = FakeGlobusAuth::builder().build_in_background().unwrap();
    let url = fake.url("/.well-known/openid-configuration");
    // A separate runtime (as a test that runs a binary might have) talks to it.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let resp = rt.block_on(TestRequest::get(url).send()).unwrap();
    assert_eq!(resp.status, 200);
    let addr = fake.addr();
    let clone = fake.clone();
    drop(fake);
    assert!(
        std::net::TcpStream::connect(addr).is_ok(),
        "a clone keeps it alive"
    );
    // Dropping the last handle stops the server (and joins its thread).
    drop(clone);
    assert!(std::net::TcpStream::connect(addr).is_err());
}
