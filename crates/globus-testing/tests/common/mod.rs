//! Shared helpers for the integration tests: a native PKCE login done by hand.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use globus_testing::http_client::{TestRequest, TestResponse, pkce_verifier};
use globus_testing::{FakeGlobusAuth, pkce_challenge};
use serde_json::Value;
use url::Url;

pub const TRANSFER: &str = "urn:globus:auth:scope:transfer.api.globus.org:all";
pub const GROUPS: &str =
    "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";

/// Builds a native-app authorize URL the way the Python SDK does.
pub fn native_authorize_url(
    fake: &FakeGlobusAuth,
    scopes: &str,
    verifier: &str,
    redirect: &str,
    offline: bool,
) -> Url {
    let mut url = fake.url("/v2/oauth2/authorize");
    url.query_pairs_mut()
        .append_pair("client_id", fake.native_client_id())
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", scopes)
        .append_pair("state", "_default")
        .append_pair("response_type", "code")
        .append_pair("code_challenge", &pkce_challenge(verifier))
        .append_pair("code_challenge_method", "S256")
        .append_pair("access_type", if offline { "offline" } else { "online" });
    url
}

/// The native exchange request.
pub async fn exchange_native(
    fake: &FakeGlobusAuth,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> TestResponse {
    TestRequest::post(fake.url("/v2/oauth2/token"))
        .form(&[
            ("client_id", fake.native_client_id()),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", redirect),
        ])
        .send()
        .await
        .unwrap()
}

/// A full native login with refresh tokens; returns the token response.
pub async fn native_login(fake: &FakeGlobusAuth, scopes: &str) -> Value {
    let verifier = pkce_verifier();
    let redirect = fake.native_redirect_uri().to_string();
    let url = native_authorize_url(fake, scopes, &verifier, &redirect, true);
    let outcome = fake.authorize(&url).await.unwrap();
    let resp = exchange_native(fake, &outcome.code, &verifier, &redirect).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()
}

/// Token request with Basic auth for the confidential client.
pub async fn confidential_token(fake: &FakeGlobusAuth, form: &[(&str, &str)]) -> TestResponse {
    let c = fake.confidential_client();
    TestRequest::post(fake.url("/v2/oauth2/token"))
        .basic(&c.id, &c.secret)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// An auth.globus.org access token for the user (no login).
pub fn auth_token(fake: &FakeGlobusAuth) -> String {
    fake.issue_tokens_for("openid profile email")
        .unwrap()
        .access_token("auth.globus.org")
        .unwrap()
        .to_owned()
}

/// Asserts the Globus hybrid error shape and returns the first error object.
pub fn assert_globus_error(resp: &TestResponse, status: u16, code: &str) -> Value {
    assert_eq!(resp.status, status, "{}", resp.text());
    let body = resp.json();
    let err = body["errors"][0].clone();
    assert_eq!(err["status"], status.to_string());
    assert_eq!(err["code"], code);
    assert!(err["id"].as_str().is_some_and(|s| s.len() == 36));
    assert!(err["detail"].is_string() && err["title"].is_string());
    assert!(body["error"].is_string() && body["error_description"].is_string());
    err
}
