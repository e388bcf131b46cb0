//! The conformance corpus (globus-sdk's own fixtures) for the login-client methods: each
//! entry is served by httpmock and read through the matching method; 2xx bodies decode
//! without error and match the metadata, error entries give errors that match it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use globus_auth::login::DependentTokenOptions;
use globus_auth::{AuthError, LoginClient, OAuthTokenResponse};
use globus_testing::corpus::{self, CorpusEntry};
use httpmock::MockServer;
use serde_json::Value;

const METHODS: &[&str] = &[
    "oauth2_client_credentials_tokens",
    "oauth2_exchange_code_for_tokens",
    "oauth2_get_dependent_tokens",
    "oauth2_revoke_token",
    "oauth2_token_introspect",
];

/// The token response must hold exactly the entry's tokens.
fn check_tokens(entry: &CorpusEntry, tokens: &OAuthTokenResponse) {
    let json = entry.json.as_ref().unwrap();
    let rs = json["resource_server"].as_str().unwrap();
    let data = tokens.by_resource_server().get(rs).unwrap();
    assert_eq!(data.access_token.expose_secret(), json["access_token"]);
    assert_eq!(data.scope, json["scope"]);
    assert_eq!(data.token_type.as_deref(), json["token_type"].as_str());
    assert!(data.expires_at_seconds.is_some());
    assert_eq!(
        tokens.by_resource_server().len(),
        1 + json["other_tokens"].as_array().map_or(0, Vec::len)
    );
    assert_eq!(
        tokens.id_token().map(|t| t.expose_secret().to_owned()),
        json["id_token"].as_str().map(str::to_owned)
    );
    assert_eq!(tokens.state(), json["state"].as_str());
    let meta = &entry.metadata;
    if let Some(at) = meta.get("access_token") {
        assert_eq!(data.access_token.expose_secret(), at);
    }
    if let Some(rs) = meta.get("resource_server") {
        assert_eq!(data.resource_server, *rs);
    }
    if let Some(scope) = meta.get("scope") {
        assert_eq!(data.scope, *scope);
    }
}

/// An error must carry the entry's status and, where the metadata says, code and message.
fn check_error(entry: &CorpusEntry, err: &AuthError) {
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(entry.status));
    let json = entry.json.as_ref().unwrap();
    let meta = &entry.metadata;
    let expected_code = meta
        .get("code")
        .or_else(|| json.get("error"))
        .and_then(Value::as_str);
    assert_eq!(err.code(), expected_code);
    if let Some(message) = meta.get("message").and_then(Value::as_str) {
        assert_eq!(err.api_error().unwrap().message().as_deref(), Some(message));
    }
    if let Some(id) = meta.get("error_id").and_then(Value::as_str) {
        assert_eq!(err.request_id(), Some(id));
    }
}

async fn run(entry: &CorpusEntry) {
    let server = MockServer::start_async().await;
    let mock = corpus::mock(&server, &entry.sdk_method, &entry.case).unwrap();
    let base = server.base_url();
    let native = login_support::native(&base);
    let confidential = login_support::confidential(&base);
    let ok = (200..300).contains(&entry.status);
    let mut calls = 1;
    match entry.sdk_method.as_str() {
        "oauth2_client_credentials_tokens" => {
            let scope = entry
                .metadata
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or("openid");
            let tokens = confidential
                .oauth2_client_credentials_tokens(scope)
                .await
                .unwrap();
            check_tokens(entry, &tokens);
        }
        "oauth2_exchange_code_for_tokens" => {
            calls = 2;
            let results = [
                native
                    .oauth2_start_flow("openid")
                    .unwrap()
                    .with_state("_default")
                    .exchange_code("a-code", "_default")
                    .await,
                confidential
                    .oauth2_start_flow("https://app.example.org/cb", "openid")
                    .unwrap()
                    .with_state("_default")
                    .exchange_code("a-code", "_default")
                    .await,
            ];
            for result in results {
                match result {
                    Ok(tokens) => check_tokens(entry, &tokens),
                    Err(err) => {
                        assert!(!ok, "{err}");
                        check_error(entry, &err);
                        // Python: AuthAPIError with code None; here the OAuth error is
                        // read, and a dead grant means "log in again".
                        assert!(matches!(err, AuthError::ReauthenticationRequired(_)));
                    }
                }
            }
        }
        "oauth2_get_dependent_tokens" => {
            let tokens = confidential
                .oauth2_get_dependent_tokens("incoming", DependentTokenOptions::new())
                .await
                .unwrap();
            let rs_data = entry.metadata["rs_data"].as_object().unwrap();
            assert_eq!(tokens.by_resource_server().len(), rs_data.len());
            for (rs, expected) in rs_data {
                let data = tokens.by_resource_server().get(rs).unwrap();
                assert_eq!(data.access_token.expose_secret(), expected["access_token"]);
                assert_eq!(data.scope, expected["scope"]);
                assert_eq!(
                    data.refresh_token
                        .as_ref()
                        .map(|t| t.expose_secret().to_owned()),
                    expected["refresh_token"].as_str().map(str::to_owned)
                );
                assert!(data.expires_at_seconds.is_some());
            }
        }
        "oauth2_revoke_token" => {
            calls = 2;
            for response in [
                native.oauth2_revoke_token("tok", Vec::new()).await.unwrap(),
                confidential
                    .oauth2_revoke_token("tok", Vec::new())
                    .await
                    .unwrap(),
            ] {
                assert_eq!(response.raw_json(), entry.json.as_ref());
            }
        }
        "oauth2_token_introspect" => {
            let info = confidential
                .oauth2_token_introspect("tok", None, Vec::new())
                .await
                .unwrap();
            let meta = &entry.metadata;
            assert!(info.active);
            assert_eq!(info.client_id.as_deref(), meta["client_id"].as_str());
            assert_eq!(info.email.as_deref(), meta["email"].as_str());
            assert_eq!(info.name.as_deref(), meta["name"].as_str());
            assert_eq!(info.scope.as_deref(), meta["scope"].as_str());
            assert_eq!(info.username.as_deref(), meta["username"].as_str());
            assert_eq!(info.sub.as_deref(), meta["id"].as_str());
            assert_eq!(info.iss.as_deref(), Some("https://auth.globus.org"));
            assert_eq!(info.aud.as_ref().map(Vec::len), Some(2));
            assert!(info.exp.is_some() && info.iat.is_some() && info.nbf.is_some());
            assert!(info.extra.is_empty(), "unmodelled: {:?}", info.extra);
        }
        other => panic!("no runner for {other}"),
    }
    mock.assert_calls_async(calls).await;
}

#[tokio::test]
async fn every_login_client_entry_of_the_corpus() {
    let entries: Vec<&CorpusEntry> = corpus::entries()
        .iter()
        .filter(|e| METHODS.contains(&e.sdk_method.as_str()))
        .collect();
    // 2 client credentials, 3 code exchanges, 2 dependent, 1 revoke, 1 introspect.
    assert_eq!(entries.len(), 9);
    assert!(entries.iter().any(|e| e.status == 401));
    for entry in entries {
        eprintln!("{}/{}", entry.sdk_method, entry.case);
        run(entry).await;
    }
}
