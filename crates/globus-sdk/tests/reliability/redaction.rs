//! Row 34 (and the redaction sweep): the main flows — native login, refresh,
//! client credentials, dependent tokens, introspection, revocation, ID-token decoding,
//! identity lookups and token storage — run with sentinel secrets under a `tracing`
//! subscriber capturing everything at TRACE (dependencies' `log` records included).
//! No sentinel may appear in a captured line, in the `Debug`/`Display` of any public
//! value handled, or in any error chain.

use std::sync::Arc;

use globus_sdk::app::storage::{
    JsonTokenStorage, SqliteTokenStorage, TokenStorage, TokenStorageData,
};
use globus_sdk::auth::flow::CodeVerifier;
use globus_sdk::auth::login::DependentTokenOptions;
use globus_sdk::auth::{ClientCredentialsAuthorizer, LoginClient, RefreshTokenAuthorizer};
use globus_sdk::core::clock::ManualClock;
use globus_sdk::core::secret::{AccessToken, ClientSecret, RefreshToken};
use globus_sdk::core::{Authorizer, RetryConfig};
use globus_sdk::identity::IdentityMap;
use httpmock::prelude::*;
use serde_json::json;

use crate::support::{Capture, auth_client, confidential, error_chain, native, token_body};

const MARK: &str = "SENTINEL";
const AT: &str = "SENTINEL-access-token";
const RT: &str = "SENTINEL-refresh-token";
const NEW_RT: &str = "SENTINEL-rotated-refresh-token";
const DEP_AT: &str = "SENTINEL-dependent-access-token";
const ID_TOKEN: &str = "SENTINEL-id-token";
const SECRET: &str = "SENTINEL-client-secret";
const CODE: &str = "SENTINEL-auth-code";
const STATE: &str = "SENTINEL-state";

/// Mocks every Auth endpoint the flows use, answering with sentinel tokens.
async fn mock_auth(server: &MockServer) {
    let mut login = token_body("auth.globus.org", "openid", AT, Some(RT));
    login["id_token"] = json!(ID_TOKEN);
    login["other_tokens"] = json!([token_body("transfer.api.globus.org", "t", AT, Some(RT))]);
    let mocks: Vec<(&str, &str, serde_json::Value)> = vec![
        ("grant_type", "authorization_code", login),
        (
            "grant_type",
            "refresh_token",
            token_body("auth.globus.org", "openid", AT, Some(NEW_RT)),
        ),
        (
            "grant_type",
            "client_credentials",
            token_body("auth.globus.org", "openid", AT, None),
        ),
        (
            "grant_type",
            "urn:globus:auth:grant_type:dependent_token",
            json!([token_body("transfer.api.globus.org", "t", DEP_AT, Some(RT))]),
        ),
    ];
    for (key, value, body) in mocks {
        server
            .mock_async(move |when, then| {
                when.method(POST)
                    .path("/v2/oauth2/token")
                    .form_urlencoded_tuple(key, value);
                then.status(200).json_body(body);
            })
            .await;
    }
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token/introspect");
            then.status(200)
                .json_body(json!({"active": true, "scope": "openid", "sub": "me",
                "client_id": "c", "username": "ada@globusid.org", "exp": 1_900_000_000}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token/revoke");
            then.status(200).json_body(json!({"active": false}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/oauth2/userinfo");
            then.status(200).json_body(json!({"sub": "me"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/api/identities");
            then.status(200).json_body(
                json!({"identities": [{"id": "00000000-0000-4000-8000-000000000001",
                "username": "ada@globusid.org", "status": "used", "identity_provider": "x",
                "name": null, "email": null, "organization": null}]}),
            );
        })
        .await;
    // A 200 whose body is broken JSON that quotes a token.
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("grant_type", "broken");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!("{{\"access_token\": \"{AT}\""));
        })
        .await;
}

#[tokio::test]
async fn row_34_no_sentinel_in_traces_debug_display_or_error_chains() {
    // `log` records of dependencies (reqwest, hyper-util, rusqlite…) become tracing events.
    let _ = tracing_log::LogTracer::init();
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.writer())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    mock_auth(&server).await;
    let base = server.base_url();
    let mut shown: Vec<String> = Vec::new();
    let mut show = |text: String| shown.push(text);

    // Native login: sentinel state, verifier and code; sentinel tokens back.
    let login = native(&base);
    let verifier = CodeVerifier::new(format!("{MARK}{}", "v".repeat(40))).unwrap();
    let flow = login
        .oauth2_start_flow("openid")
        .unwrap()
        .with_state(STATE)
        .with_verifier(verifier);
    show(format!(
        "{flow:?} {:?} {} {:?}",
        flow.verifier(),
        flow.verifier(),
        flow.state()
    ));
    let tokens = flow.exchange_code(CODE, STATE).await.unwrap();
    show(format!(
        "{tokens} {tokens:?} {tokens:#?} {:?}",
        tokens.by_resource_server()
    ));
    show(format!("{:?}", tokens.id_token()));
    for data in tokens.by_resource_server().iter() {
        show(format!(
            "{data:?} {:?} {:?}",
            data.access_token, data.refresh_token
        ));
    }

    // Refresh, directly and through an authorizer (which rotates the refresh token).
    let refreshed = login
        .oauth2_refresh_token(&RefreshToken::new(RT), Vec::new())
        .await
        .unwrap();
    show(format!("{refreshed:?} {refreshed}"));
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new(RT), login.clone())
        .with_token(AccessToken::new(AT), 0)
        .with_clock(clock.clone())
        .build();
    let header = authorizer.authorization_header().await.unwrap();
    show(format!(
        "{authorizer:?} {:?} {:?}",
        authorizer.refresh_token(),
        authorizer.current_token()
    ));
    assert!(header.is_some());
    let client = auth_client(&base, RetryConfig::disabled())
        .with_authorizer(authorizer)
        .build()
        .unwrap();
    show(format!("{client:?} {:?}", client.userinfo().await.unwrap()));

    // Client credentials, dependent tokens, introspection, revocation.
    let conf = confidential(&base, "c", SECRET);
    show(format!("{conf:?} {:?}", ClientSecret::new(SECRET)));
    let cc = ClientCredentialsAuthorizer::new(conf.clone(), "openid").unwrap();
    cc.authorization_header().await.unwrap();
    show(format!("{cc:?}"));
    let dependent = conf
        .oauth2_get_dependent_tokens(AT, DependentTokenOptions::new())
        .await
        .unwrap();
    show(format!("{dependent:?}"));
    let info = conf
        .oauth2_token_introspect(AT, None, Vec::new())
        .await
        .unwrap();
    show(format!("{info:?}"));
    let revoked = login.oauth2_revoke_token(RT, Vec::new()).await.unwrap();
    show(format!("{revoked:?}"));
    let err = login
        .oauth2_token(vec![("grant_type".into(), "broken".into())], Vec::new())
        .await
        .unwrap_err();
    shown.extend(error_chain(&err));
    let err = flow_with_bad_state(&base).await;
    shown.extend(error_chain(&err));

    // Identity lookups through an authorized client.
    let map = IdentityMap::new(
        auth_client(&base, RetryConfig::disabled())
            .with_authorizer(globus_sdk::core::AccessTokenAuthorizer::new(
                AccessToken::new(AT),
            ))
            .build()
            .unwrap(),
    );
    shown.push(format!(
        "{map:?} {:?}",
        map.get("ada@globusid.org").await.unwrap()
    ));

    // Storage: JSON and SQLite, records, a corrupt file quoting a token.
    let tmp = tempfile::tempdir().unwrap();
    let record = TokenStorageData::new("auth.globus.org", "openid", AT, 1_900_000_000)
        .with_refresh_token(RT);
    shown.push(format!("{record:?}"));
    let json = JsonTokenStorage::new(tmp.path().join("tokens.json")).unwrap();
    let db = SqliteTokenStorage::new(tmp.path().join("tokens.db")).unwrap();
    for storage in [&json as &dyn TokenStorage, &db] {
        storage.store_token_data(record.clone()).unwrap();
        shown.push(format!(
            "{storage:?} {:?}",
            storage.get_token_data_by_resource_server().unwrap()
        ));
    }
    let corrupt = tmp.path().join("corrupt.json");
    std::fs::write(
        &corrupt,
        format!("{{\"data\": {{\"DEFAULT\": {{\"rs\": \"{AT}"),
    )
    .unwrap();
    let err = JsonTokenStorage::new(&corrupt)
        .unwrap()
        .get_token_data_by_resource_server()
        .unwrap_err();
    shown.extend(error_chain(&err));

    let traces = capture.text();
    assert!(
        traces.contains("TRACE") || traces.contains("DEBUG"),
        "nothing captured: {traces}"
    );
    assert!(traces.lines().count() > 20, "too little captured: {traces}");
    for text in shown.iter().chain([&traces]) {
        assert!(!text.contains(MARK), "secret leaked: {text}");
    }
}

async fn flow_with_bad_state(base: &str) -> globus_sdk::auth::AuthError {
    native(base)
        .oauth2_start_flow("openid")
        .unwrap()
        .with_state(STATE)
        .exchange_callback(&format!("code={CODE}&state={STATE}-forged"))
        .await
        .unwrap_err()
}
