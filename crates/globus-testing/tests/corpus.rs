//! The embedded conformance corpus and its httpmock helper; the fake's shapes match it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use globus_testing::corpus;
use globus_testing::http_client::TestRequest;
use globus_testing::{Error, FakeGlobusAuth};
use serde_json::Value;

#[test]
fn corpus_is_embedded_and_indexed() {
    assert_eq!(corpus::entries().len(), 146);
    let e = corpus::entry("oauth2_exchange_code_for_tokens", "invalid_grant").unwrap();
    assert_eq!(e.status, 401);
    assert_eq!(e.json.as_ref().unwrap()["error"], "invalid_grant");
    assert_eq!(corpus::cases("get_identities").len(), 6);
    assert!(corpus::entry("get_identities", "nope").is_none());
}

#[tokio::test]
async fn mock_registers_method_path_status_and_body() {
    let server = httpmock::MockServer::start_async().await;
    let mock = corpus::mock(&server, "userinfo", "forbidden").unwrap();
    let url = url::Url::parse(&server.url("/v2/oauth2/userinfo")).unwrap();
    let resp = TestRequest::get(url).send().await.unwrap();
    assert_eq!(resp.status, 403);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    assert_eq!(
        resp.json(),
        corpus::entry("userinfo", "forbidden")
            .unwrap()
            .json
            .clone()
            .unwrap()
    );
    mock.assert();

    // A dependent-token response is an array.
    let _m = corpus::mock(&server, "oauth2_get_dependent_tokens", "groups").unwrap();
    let url = url::Url::parse(&server.url("/v2/oauth2/token")).unwrap();
    let resp = TestRequest::post(url)
        .form(&[("grant_type", "x")])
        .send()
        .await
        .unwrap();
    assert!(resp.json().is_array());

    assert!(matches!(
        corpus::mock(&server, "no_such_method", "default"),
        Err(Error::InvalidInput(_))
    ));
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

/// The fake's answers carry the corpus's keys.
#[tokio::test]
async fn fake_shapes_match_the_corpus() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let c = fake.confidential_client().clone();

    // Token response (client credentials, transfer).
    let resp = confidential_token(
        &fake,
        &[("grant_type", "client_credentials"), ("scope", TRANSFER)],
    )
    .await;
    let body = resp.json();
    let want = corpus::entry("oauth2_client_credentials_tokens", "default").unwrap();
    assert_eq!(keys(&body), keys(want.json.as_ref().unwrap()));

    // Introspection.
    let at = body["access_token"].as_str().unwrap();
    let got = TestRequest::post(fake.url("/v2/oauth2/token/introspect"))
        .basic(&c.id, &c.secret)
        .form(&[("token", at)])
        .send()
        .await
        .unwrap()
        .json();
    let want = corpus::entry("oauth2_token_introspect", "default").unwrap();
    assert_eq!(keys(&got), keys(want.json.as_ref().unwrap()));

    // The 401 error body.
    let resp = TestRequest::get(fake.url("/v2/api/identities"))
        .send()
        .await
        .unwrap();
    let want = corpus::entry("get_identities", "unauthorized")
        .unwrap()
        .json
        .clone()
        .unwrap();
    let got = resp.json();
    assert_eq!(keys(&got), keys(&want));
    assert_eq!(keys(&got["errors"][0]), keys(&want["errors"][0]));
    assert_eq!(got["error"], want["error"]);
    assert_eq!(got["errors"][0]["detail"], want["errors"][0]["detail"]);

    // Identity records: the corpus keys plus identity_type.
    let token = auth_token(&fake);
    let mut url = fake.url("/v2/api/identities");
    url.set_query(Some("usernames=globus@globus.org"));
    let got = TestRequest::get(url)
        .bearer(&token)
        .send()
        .await
        .unwrap()
        .json();
    let want = corpus::entry("get_identities", "default")
        .unwrap()
        .json
        .clone()
        .unwrap();
    let mut want_keys = keys(&want["identities"][0]);
    want_keys.push("identity_type".into());
    want_keys.sort();
    assert_eq!(keys(&got["identities"][0]), want_keys);

    // Credentials and clients.
    let cred = TestRequest::post(fake.url(&format!("/v2/api/clients/{}/credentials", c.id)))
        .bearer(&token)
        .json(&serde_json::json!({"credential": {"name": "foo"}}))
        .send()
        .await
        .unwrap()
        .json();
    let want = corpus::entry("create_client_credential", "default")
        .unwrap()
        .json
        .clone()
        .unwrap();
    assert_eq!(keys(&cred["credential"]), keys(&want["credential"]));
    let client = TestRequest::get(fake.url(&format!("/v2/api/clients/{}", c.id)))
        .bearer(&token)
        .send()
        .await
        .unwrap()
        .json();
    let want = corpus::entry("get_client", "default")
        .unwrap()
        .json
        .clone()
        .unwrap();
    assert_eq!(keys(&client["client"]), keys(&want["client"]));
}
