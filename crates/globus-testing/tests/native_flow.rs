//! Native-app PKCE login end to end, and the authorize/exchange checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use globus_testing::http_client::{TestRequest, pkce_verifier};
use globus_testing::{Error, FakeGlobusAuth};

#[tokio::test]
async fn native_pkce_login_then_refresh() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let verifier = pkce_verifier();
    let redirect = fake.native_redirect_uri().to_string();
    let scopes = format!("openid profile email {TRANSFER}");
    let url = native_authorize_url(&fake, &scopes, &verifier, &redirect, true);

    let outcome = fake.authorize(&url).await.unwrap();
    assert_eq!(outcome.state.as_deref(), Some("_default"));
    assert!(outcome.redirect.as_str().starts_with(&redirect));
    assert!(!format!("{outcome:?}").contains(&outcome.code));

    let resp = exchange_native(&fake, &outcome.code, &verifier, &redirect).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body["resource_server"], "auth.globus.org");
    assert_eq!(body["scope"], "openid profile email");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 172_800);
    assert_eq!(body["state"], "_default");
    assert!(body["access_token"].as_str().unwrap().len() >= 43);
    assert!(body["id_token"].is_string());
    let other = &body["other_tokens"][0];
    assert_eq!(other["resource_server"], "transfer.api.globus.org");
    assert_eq!(other["scope"], TRANSFER);
    assert!(other["refresh_token"].is_string());
    assert!(other.get("other_tokens").is_none());
    assert_eq!(body["other_tokens"].as_array().unwrap().len(), 1);

    // Native refresh: client_id in the form, no Authorization header.
    let rt = body["refresh_token"].as_str().unwrap();
    let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", fake.native_client_id()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.text());
    let refreshed = resp.json();
    assert_eq!(refreshed["resource_server"], "auth.globus.org");
    assert_eq!(refreshed["other_tokens"], serde_json::json!([]));
    assert_ne!(refreshed["access_token"], body["access_token"]);
    // No rotation by default: the same refresh token comes back.
    assert_eq!(refreshed["refresh_token"], rt);
    assert!(refreshed["id_token"].is_string());
}

#[tokio::test]
async fn online_access_gives_no_refresh_tokens_and_loopback_redirects_work() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let verifier = pkce_verifier();
    let redirect = "http://127.0.0.1:8765/callback";
    let url = native_authorize_url(&fake, TRANSFER, &verifier, redirect, false);
    let outcome = fake.authorize(&url).await.unwrap();
    assert_eq!(outcome.redirect.host_str(), Some("127.0.0.1"));
    assert_eq!(outcome.redirect.port(), Some(8765));
    let body = exchange_native(&fake, &outcome.code, &verifier, redirect)
        .await
        .json();
    assert_eq!(body["resource_server"], "transfer.api.globus.org");
    assert!(body.get("refresh_token").is_none());
    assert!(body.get("id_token").is_none());

    let url = native_authorize_url(&fake, "openid", &verifier, "http://localhost/cb", false);
    assert!(fake.authorize(&url).await.is_ok());
}

#[tokio::test]
async fn state_is_echoed_exactly() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let verifier = pkce_verifier();
    let redirect = fake.native_redirect_uri().to_string();
    let mut url = native_authorize_url(&fake, "openid", &verifier, &redirect, false);
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "state")
        .collect();
    let weird = "a b&c=d/é+%";
    url.query_pairs_mut()
        .clear()
        .extend_pairs(pairs)
        .append_pair("state", weird);
    let outcome = fake.authorize(&url).await.unwrap();
    assert_eq!(outcome.state.as_deref(), Some(weird));
}

#[tokio::test]
async fn pkce_mismatch_and_reused_code_are_invalid_grant() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let verifier = pkce_verifier();
    let redirect = fake.native_redirect_uri().to_string();
    let url = native_authorize_url(&fake, "openid", &verifier, &redirect, false);

    let outcome = fake.authorize(&url).await.unwrap();
    let wrong = pkce_verifier();
    let resp = exchange_native(&fake, &outcome.code, &wrong, &redirect).await;
    assert_eq!(resp.status, 401);
    assert_eq!(resp.json()["error"], "invalid_grant");

    // The right verifier still works once, and only once.
    let ok = exchange_native(&fake, &outcome.code, &verifier, &redirect).await;
    assert_eq!(ok.status, 200);
    let again = exchange_native(&fake, &outcome.code, &verifier, &redirect).await;
    assert_eq!(again.status, 401);
    assert_eq!(again.json()["error"], "invalid_grant");

    // A different redirect_uri than at authorize time.
    let outcome = fake.authorize(&url).await.unwrap();
    let resp = exchange_native(&fake, &outcome.code, &verifier, "http://127.0.0.1/other").await;
    assert_eq!(resp.json()["error"], "invalid_grant");

    // Unknown code, missing verifier.
    let resp = exchange_native(&fake, "nope", &verifier, &redirect).await;
    assert_eq!(resp.json()["error"], "invalid_grant");
    let outcome = fake.authorize(&url).await.unwrap();
    let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
        .form(&[
            ("client_id", fake.native_client_id()),
            ("grant_type", "authorization_code"),
            ("code", &outcome.code),
            ("redirect_uri", &redirect),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 401);
    assert_eq!(resp.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn authorize_rejects_bad_clients_redirects_and_scopes() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let verifier = pkce_verifier();
    let redirect = fake.native_redirect_uri().to_string();

    // Unknown client: a 400 page, no redirect.
    let mut url = native_authorize_url(&fake, "openid", &verifier, &redirect, false);
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "client_id" {
                (k, "bogus".into())
            } else {
                (k, v)
            }
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    match fake.authorize(&url).await {
        Err(Error::AuthorizeFailed { status: 400, body }) => assert!(body.contains("client_id")),
        other => panic!("expected a 400 page, got {other:?}"),
    }

    // Unregistered redirect URI: a 400 page, never a redirect there.
    let url = native_authorize_url(
        &fake,
        "openid",
        &verifier,
        "https://evil.example.com/cb",
        false,
    );
    assert!(matches!(
        fake.authorize(&url).await,
        Err(Error::AuthorizeFailed { status: 400, .. })
    ));

    // Unknown scope: redirected back with error=invalid_scope and the state.
    let url = native_authorize_url(&fake, "openid not-a-scope", &verifier, &redirect, false);
    match fake.authorize(&url).await {
        Err(Error::AuthorizeDenied { error, state, .. }) => {
            assert_eq!(error, "invalid_scope");
            assert_eq!(state.as_deref(), Some("_default"));
        }
        other => panic!("expected invalid_scope, got {other:?}"),
    }

    // Native client without PKCE.
    let mut url = fake.url("/v2/oauth2/authorize");
    url.query_pairs_mut()
        .append_pair("client_id", fake.native_client_id())
        .append_pair("redirect_uri", &redirect)
        .append_pair("scope", "openid")
        .append_pair("response_type", "code");
    match fake.authorize(&url).await {
        Err(Error::AuthorizeDenied { error, .. }) => assert_eq!(error, "invalid_request"),
        other => panic!("expected invalid_request, got {other:?}"),
    }

    // Session parameters: accepted when well-formed, logged for assertions.
    let mut url = native_authorize_url(&fake, "openid", &verifier, &redirect, false);
    url.query_pairs_mut()
        .append_pair("session_required_mfa", "True")
        .append_pair("session_required_single_domain", "uchicago.edu,globus.org")
        .append_pair("session_message", "hi there")
        .append_pair("prompt", "login");
    assert!(fake.authorize(&url).await.is_ok());
    let logged = fake.last_request().unwrap();
    assert_eq!(
        logged.query_param("session_required_mfa").as_deref(),
        Some("True")
    );
    let mut url = native_authorize_url(&fake, "openid", &verifier, &redirect, false);
    url.query_pairs_mut()
        .append_pair("session_required_mfa", "yes");
    assert!(matches!(
        fake.authorize(&url).await,
        Err(Error::AuthorizeDenied { .. })
    ));

    // Dependent-scope syntax is accepted.
    let scope = format!("https://auth.globus.org/scopes/abc/all[{TRANSFER}]");
    let url = native_authorize_url(&fake, &scope, &verifier, &redirect, false);
    assert!(fake.authorize(&url).await.is_ok());
}

#[tokio::test]
async fn auth_code_page_shows_the_code() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let mut url = fake.native_redirect_uri();
    url.query_pairs_mut().append_pair("code", "abc<123>");
    let resp = TestRequest::get(url).send().await.unwrap();
    assert_eq!(resp.status, 200);
    assert!(
        resp.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(resp.text().contains("abc&lt;123&gt;"));
}
