//! Confidential clients: authorization code with Basic auth, client credentials, dependent
//! tokens, and client authentication failures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use globus_testing::FakeGlobusAuth;
use globus_testing::http_client::TestRequest;

#[tokio::test]
async fn confidential_authorization_code_with_basic_auth() {
    let fake = FakeGlobusAuth::builder()
        .confidential_redirect_uri("https://portal.example.org/done")
        .build()
        .await
        .unwrap();
    let client = fake.confidential_client().clone();
    let redirect = "https://portal.example.org/done";
    let mut url = fake.url("/v2/oauth2/authorize");
    url.query_pairs_mut()
        .append_pair("client_id", &client.id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", &format!("openid email {TRANSFER}"))
        .append_pair("state", "xyz")
        .append_pair("response_type", "code")
        .append_pair("access_type", "offline")
        .append_pair("nonce", "n-0S6_WzA2Mj");
    let outcome = fake.authorize(&url).await.unwrap();
    assert_eq!(outcome.redirect.host_str(), Some("portal.example.org"));

    // Without the secret: invalid_client.
    let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &outcome.code),
            ("redirect_uri", redirect),
            ("client_id", &client.id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 401);
    assert_eq!(resp.json()["error"], "invalid_client");

    let resp = confidential_token(
        &fake,
        &[
            ("grant_type", "authorization_code"),
            ("code", &outcome.code),
            ("redirect_uri", redirect),
        ],
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body["resource_server"], "auth.globus.org");
    assert_eq!(body["state"], "xyz");
    assert!(body["refresh_token"].is_string());
    assert_eq!(
        body["other_tokens"][0]["resource_server"],
        "transfer.api.globus.org"
    );

    // The confidential client cannot use an unregistered redirect URI.
    let mut bad = url.clone();
    let pairs: Vec<(String, String)> = bad
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "redirect_uri" {
                (k, "http://127.0.0.1/cb".into())
            } else {
                (k, v)
            }
        })
        .collect();
    bad.query_pairs_mut().clear().extend_pairs(pairs);
    assert!(fake.authorize(&bad).await.is_err());
}

#[tokio::test]
async fn client_credentials_grant() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let scopes = format!("{TRANSFER} openid");
    let resp = confidential_token(
        &fake,
        &[("grant_type", "client_credentials"), ("scope", &scopes)],
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body["resource_server"], "transfer.api.globus.org");
    assert_eq!(body["expires_in"], 172_800);
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["other_tokens"][0]["scope"], "openid");
    assert!(body["id_token"].is_string());

    // Native clients may not use it.
    let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", TRANSFER),
            ("client_id", fake.native_client_id()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["error"], "unauthorized_client");

    // A wrong secret.
    let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
        .basic(&fake.confidential_client().id, "wrong")
        .form(&[("grant_type", "client_credentials"), ("scope", TRANSFER)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 401);
    assert_eq!(resp.json()["error"], "invalid_client");

    // Unknown grant type and unknown scope.
    let resp = confidential_token(&fake, &[("grant_type", "password")]).await;
    assert_eq!(resp.json()["error"], "unsupported_grant_type");
    let resp = confidential_token(
        &fake,
        &[("grant_type", "client_credentials"), ("scope", "nope")],
    )
    .await;
    assert_eq!(resp.json()["error"], "invalid_scope");
}

#[tokio::test]
async fn dependent_tokens_are_an_array() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let conf = fake.confidential_client().id.clone();
    let upstream_scope = format!("https://auth.globus.org/scopes/{conf}/all[{GROUPS}]");
    let login = native_login(&fake, &upstream_scope).await;
    assert_eq!(login["resource_server"], conf);
    let token = login["access_token"].as_str().unwrap();

    // With an explicit scope list (space-joined) and refresh tokens.
    let scopes = format!("{GROUPS} {TRANSFER}");
    let resp = confidential_token(
        &fake,
        &[
            ("grant_type", "urn:globus:auth:grant_type:dependent_token"),
            ("token", token),
            ("scope", &scopes),
            ("access_type", "offline"),
        ],
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let arr = resp.json();
    let arr = arr.as_array().expect("a JSON array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["resource_server"], "groups.api.globus.org");
    assert_eq!(arr[1]["resource_server"], "transfer.api.globus.org");
    assert!(
        arr.iter()
            .all(|t| t["refresh_token"].is_string() && t.get("other_tokens").is_none())
    );

    // Without a scope: the dependent scopes the token was granted with.
    let resp = confidential_token(
        &fake,
        &[
            ("grant_type", "urn:globus:auth:grant_type:dependent_token"),
            ("token", token),
        ],
    )
    .await;
    let arr = resp.json();
    assert_eq!(arr.as_array().unwrap().len(), 1);
    assert_eq!(arr[0]["scope"], GROUPS);
    assert!(arr[0].get("refresh_token").is_none());

    // A dependent token acts for the same user.
    let groups_token = arr[0]["access_token"].as_str().unwrap();
    let c = fake.confidential_client();
    let resp = TestRequest::post(fake.url("/v2/oauth2/token/introspect"))
        .basic(&c.id, &c.secret)
        .form(&[("token", groups_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.json()["sub"], fake.user().id);

    // An unknown token.
    let resp = confidential_token(
        &fake,
        &[
            ("grant_type", "urn:globus:auth:grant_type:dependent_token"),
            ("token", "nope"),
        ],
    )
    .await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["error"], "invalid_grant");
}
