//! Expiry (with tokio's paused clock), refresh, rotation, revocation, introspection, userinfo.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use globus_testing::http_client::TestRequest;
use globus_testing::{FakeGlobusAuth, IssueOptions};

async fn introspect(
    fake: &FakeGlobusAuth,
    token: &str,
    include: Option<&str>,
) -> serde_json::Value {
    let c = fake.confidential_client();
    let mut form = vec![("token", token)];
    if let Some(i) = include {
        form.push(("include", i));
    }
    let resp = TestRequest::post(fake.url("/v2/oauth2/token/introspect"))
        .basic(&c.id, &c.secret)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()
}

async fn userinfo(fake: &FakeGlobusAuth, token: &str) -> globus_testing::http_client::TestResponse {
    TestRequest::get(fake.url("/v2/oauth2/userinfo"))
        .bearer(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn refresh_after_expiry_with_a_paused_clock() {
    let fake = FakeGlobusAuth::builder()
        .access_token_lifetime(Duration::from_secs(60))
        .build()
        .await
        .unwrap();
    let login = native_login(&fake, "openid profile email").await;
    assert_eq!(login["expires_in"], 60);
    let at = login["access_token"].as_str().unwrap().to_owned();
    assert_eq!(userinfo(&fake, &at).await.status, 200);

    tokio::time::advance(Duration::from_secs(61)).await;
    assert!(!fake.is_token_active(&at));
    let resp = userinfo(&fake, &at).await;
    assert_globus_error(&resp, 401, "UNAUTHORIZED");
    assert_eq!(
        introspect(&fake, &at, None).await,
        serde_json::json!({"active": false})
    );

    let rt = login["refresh_token"].as_str().unwrap();
    let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", fake.native_client_id()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    let new_at = resp.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(userinfo(&fake, &new_at).await.status, 200);
}

#[tokio::test]
async fn advance_clock_by_hand_and_rotation() {
    let fake = FakeGlobusAuth::builder()
        .access_token_lifetime(Duration::from_secs(10))
        .refresh_token_rotation(true)
        .build()
        .await
        .unwrap();
    let tokens = fake.issue_tokens_for(TRANSFER).unwrap();
    let at = tokens.access_token("transfer.api.globus.org").unwrap();
    let rt = tokens
        .refresh_token("transfer.api.globus.org")
        .unwrap()
        .to_owned();
    assert!(fake.is_token_active(at));
    fake.advance_clock(Duration::from_secs(11));
    assert!(!fake.is_token_active(at));

    let refresh = |rt: String| {
        let fake = fake.clone();
        async move {
            TestRequest::post(fake.url("/v2/oauth2/token"))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &rt),
                    ("client_id", fake.native_client_id()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let resp = refresh(rt.clone()).await;
    assert_eq!(resp.status, 200);
    let new_rt = resp.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_rt, rt);
    // The rotated-out refresh token is dead.
    let resp = refresh(rt).await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["error"], "invalid_grant");
    assert_eq!(refresh(new_rt).await.status, 200);

    // Another client's refresh token.
    let c = fake.confidential_client();
    let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
        .basic(&c.id, &c.secret)
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "unknown"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn revocation_then_introspection_is_inactive() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let login = native_login(&fake, &format!("openid profile email {TRANSFER}")).await;
    let at = login["access_token"].as_str().unwrap();

    let info = introspect(&fake, at, Some("identity_set")).await;
    assert_eq!(info["active"], true);
    assert_eq!(info["client_id"], fake.native_client_id());
    assert_eq!(info["sub"], fake.user().id);
    assert_eq!(info["username"], fake.user().username);
    assert_eq!(info["email"], fake.user().email);
    assert_eq!(info["name"], fake.user().name);
    assert_eq!(info["scope"], "openid profile email");
    assert_eq!(info["iss"], fake.issuer());
    assert_eq!(info["token_type"], "Bearer");
    assert_eq!(info["aud"][0], "auth.globus.org");
    assert_eq!(info["identity_set"], serde_json::json!([fake.user().id]));
    let (exp, iat) = (info["exp"].as_u64().unwrap(), info["iat"].as_u64().unwrap());
    assert_eq!(exp - iat, 172_800);
    assert_eq!(info["nbf"], info["iat"]);

    // Native revoke: client_id in the form.
    let resp = TestRequest::post(fake.url("/v2/oauth2/token/revoke"))
        .form(&[("token", at), ("client_id", fake.native_client_id())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json(), serde_json::json!({"active": false}));
    assert_eq!(
        introspect(&fake, at, None).await,
        serde_json::json!({"active": false})
    );

    // Revoking a refresh token kills the access tokens minted with it.
    let other = &login["other_tokens"][0];
    let (tat, trt) = (
        other["access_token"].as_str().unwrap(),
        other["refresh_token"].as_str().unwrap(),
    );
    assert_eq!(introspect(&fake, tat, None).await["active"], true);
    let c = fake.confidential_client();
    let resp = TestRequest::post(fake.url("/v2/oauth2/token/revoke"))
        .basic(&c.id, &c.secret)
        .form(&[("token", trt)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(introspect(&fake, tat, None).await["active"], false);

    // Revocation needs client authentication.
    let resp = TestRequest::post(fake.url("/v2/oauth2/token/revoke"))
        .form(&[("token", at)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 401);
    // Introspection needs Basic auth (Globus error shape).
    let resp = TestRequest::post(fake.url("/v2/oauth2/token/introspect"))
        .form(&[("token", at)])
        .send()
        .await
        .unwrap();
    assert_globus_error(&resp, 401, "UNAUTHORIZED");
}

#[tokio::test]
async fn userinfo_claims_and_scope_checks() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let at = auth_token(&fake);
    let resp = userinfo(&fake, &at).await;
    assert_eq!(resp.status, 200);
    let info = resp.json();
    let user = fake.user();
    assert_eq!(info["sub"], user.id);
    assert_eq!(info["preferred_username"], user.username);
    assert_eq!(info["name"], user.name);
    assert_eq!(info["email"], user.email);
    assert_eq!(info["organization"], user.organization);
    assert_eq!(info["identity_provider"], user.identity_provider);
    assert_eq!(info["identity_provider_display_name"], "Globus ID");
    assert_eq!(info["identity_set"][0]["sub"], user.id);

    // A token without openid → 403 FORBIDDEN; none → 401.
    let tokens = fake
        .issue_tokens(IssueOptions::new(
            "urn:globus:auth:scope:auth.globus.org:view_identities",
        ))
        .unwrap();
    let at = tokens.access_token("auth.globus.org").unwrap();
    assert_globus_error(&userinfo(&fake, at).await, 403, "FORBIDDEN");
    let resp = TestRequest::get(fake.url("/v2/oauth2/userinfo"))
        .send()
        .await
        .unwrap();
    let err = assert_globus_error(&resp, 401, "UNAUTHORIZED");
    assert_eq!(err["detail"], "Call must be authenticated");
    assert_eq!(resp.json()["error"], "unauthorized");
}
