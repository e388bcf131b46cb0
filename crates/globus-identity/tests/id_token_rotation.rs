//! IdTokenDecoder against a served configuration and key set: lazy single-flight fetches,
//! key rotation, the re-fetch cooldown under a flood of unknown kids, keeping the last good
//! set, token responses, and the fake Globus Auth end to end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use futures_util::future::join_all;
use globus_auth::OAuthTokenResponse;
use globus_core::Response;
use globus_core::clock::ManualClock;
use globus_core::http::{HeaderMap, Method, StatusCode};
use globus_identity::{DecodeIdToken, Error, IdTokenDecoder};
use globus_testing::{FakeGlobusAuth, SigningAlgorithm};
use httpmock::prelude::*;
use serde_json::{Value, json};
use support::*;

/// A mock server with the configuration; the key set is mocked per test.
async fn serve(algs: &[&str]) -> (MockServer, Value) {
    let server = MockServer::start_async().await;
    let config = config_json(algs, &server.url("/jwk.json"));
    (server, config)
}

async fn mock_config<'a>(server: &'a MockServer, config: &Value) -> httpmock::Mock<'a> {
    let config = config.clone();
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/.well-known/openid-configuration");
            then.status(200).json_body(config);
        })
        .await
}

async fn mock_keys<'a>(server: &'a MockServer, keys: Value) -> httpmock::Mock<'a> {
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/jwk.json");
            then.status(200).json_body(keys);
        })
        .await
}

fn decoder_for(server: &MockServer, clock: Arc<ManualClock>) -> IdTokenDecoder {
    IdTokenDecoder::builder(native_client(&server.base_url(), CLIENT_ID))
        .with_clock(clock)
        .build()
        .unwrap()
}

#[tokio::test]
async fn concurrent_first_users_share_one_fetch_of_each_document() {
    let (server, config) = serve(&["RS256"]).await;
    let config_mock = mock_config(&server, &config).await;
    let keys_mock = mock_keys(&server, jwks(&[key().jwk(None, None)])).await;
    let decoder = decoder_for(&server, clock());
    let token = key().sign(&header("RS256"), &claims());
    let results = join_all((0..20).map(|_| decoder.decode(&token))).await;
    assert!(results.iter().all(Result::is_ok));
    // And later calls, from clones too, use the cache.
    let clone = decoder.clone();
    for _ in 0..5 {
        clone.decode(&token).await.unwrap();
    }
    assert_eq!(config_mock.calls_async().await, 1);
    assert_eq!(keys_mock.calls_async().await, 1);
    assert_eq!(decoder.key_set_fetches(), 1);
}

#[tokio::test]
async fn rotation_costs_exactly_one_refetch_then_is_cached() {
    let [old, new, _] = keys();
    let (server, config) = serve(&["RS256"]).await;
    mock_config(&server, &config).await;
    let v1 = mock_keys(&server, jwks(&[old.jwk(Some("k1"), None)])).await;
    let clock = clock();
    let decoder = decoder_for(&server, Arc::clone(&clock));
    decoder
        .decode(&old.sign(&header_kid("RS256", "k1"), &claims()))
        .await
        .unwrap();
    assert_eq!(v1.calls_async().await, 1);

    // Globus rotates; a minute later a token signed with the new key arrives.
    v1.delete_async().await;
    let v2 = mock_keys(
        &server,
        jwks(&[new.jwk(Some("k2"), None), old.jwk(Some("k1"), None)]),
    )
    .await;
    clock.advance(61);
    let rotated = new.sign(&header_kid("RS256", "k2"), &claims());
    decoder.decode(&rotated).await.unwrap();
    assert_eq!(v2.calls_async().await, 1);
    for _ in 0..10 {
        decoder.decode(&rotated).await.unwrap();
        decoder
            .decode(&old.sign(&header_kid("RS256", "k1"), &claims()))
            .await
            .unwrap();
    }
    assert_eq!(v2.calls_async().await, 1);
    assert_eq!(decoder.key_set_fetches(), 2);
}

#[tokio::test]
async fn kidless_rotation_the_globus_case() {
    let [old, new, _] = keys();
    let (server, config) = serve(&["RS512"]).await;
    mock_config(&server, &config).await;
    let v1 = mock_keys(&server, jwks(&[old.jwk(None, Some("RS512"))])).await;
    let clock = clock();
    let decoder = decoder_for(&server, Arc::clone(&clock));
    decoder.prefetch().await.unwrap();
    v1.delete_async().await;
    let v2 = mock_keys(
        &server,
        jwks(&[new.jwk(None, Some("RS512")), old.jwk(None, Some("RS512"))]),
    )
    .await;

    // Within the cooldown of the first fetch, no re-fetch: the new key is unknown.
    let token = new.sign(&header("RS512"), &claims());
    assert!(matches!(
        decoder.decode(&token).await,
        Err(Error::BadSignature)
    ));
    assert_eq!(v2.calls_async().await, 0);
    clock.advance(60);
    decoder.decode(&token).await.unwrap();
    decoder
        .decode(&old.sign(&header("RS512"), &claims()))
        .await
        .unwrap();
    assert_eq!(v2.calls_async().await, 1);
}

#[tokio::test]
async fn a_flood_of_random_kids_costs_at_most_one_fetch_per_cooldown() {
    let (server, config) = serve(&["RS256"]).await;
    mock_config(&server, &config).await;
    let keys_mock = mock_keys(&server, jwks(&[key().jwk(Some("real"), None)])).await;
    let clock = clock();
    let decoder = decoder_for(&server, Arc::clone(&clock));
    decoder.prefetch().await.unwrap();
    clock.advance(3600);

    // 1000 forged tokens with distinct kids (signed with another key), all at once.
    let forger = &keys()[2];
    let tokens: Vec<String> = (0..1000)
        .map(|i| forger.sign(&header_kid("RS256", &format!("kid-{i}")), &claims()))
        .collect();
    let results = join_all(tokens.iter().map(|t| decoder.decode(t))).await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(Error::NoMatchingKey { .. })))
    );
    assert_eq!(
        keys_mock.calls_async().await,
        2,
        "the first fetch and one re-fetch"
    );

    // And one at a time, within the same cooldown: no more fetches.
    for token in tokens.iter().take(200) {
        assert!(decoder.decode(token).await.is_err());
    }
    assert_eq!(keys_mock.calls_async().await, 2);
    // The next window allows exactly one more.
    clock.advance(60);
    for token in tokens.iter().take(200) {
        assert!(decoder.decode(token).await.is_err());
    }
    assert_eq!(keys_mock.calls_async().await, 3);
    // Genuine tokens kept working throughout.
    decoder
        .decode(&key().sign(&header_kid("RS256", "real"), &claims()))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_failed_refetch_keeps_the_last_good_set() {
    let (server, config) = serve(&["RS256"]).await;
    mock_config(&server, &config).await;
    let good = mock_keys(&server, jwks(&[key().jwk(Some("k1"), None)])).await;
    let clock = clock();
    let decoder = decoder_for(&server, Arc::clone(&clock));
    let genuine = key().sign(&header_kid("RS256", "k1"), &claims());
    decoder.decode(&genuine).await.unwrap();
    good.delete_async().await;

    let bodies = [
        (500, json!({"errors": [{"status": "500"}]})),
        (200, json!({"keys": []})),
        (200, json!("<html>")),
    ];
    for (status, body) in bodies {
        let broken = server
            .mock_async(move |when, then| {
                when.method(GET).path("/jwk.json");
                then.status(status).json_body(body);
            })
            .await;
        clock.advance(61);
        let unknown = keys()[1].sign(&header_kid("RS256", "k2"), &claims());
        assert!(matches!(
            decoder.decode(&unknown).await,
            Err(Error::NoMatchingKey { .. })
        ));
        assert_eq!(broken.calls_async().await, 1, "{status}");
        decoder.decode(&genuine).await.unwrap();
        broken.delete_async().await;
    }
}

#[tokio::test]
async fn fetch_failures_are_typed_and_retried_on_the_next_decode() {
    let (server, config) = serve(&["RS256"]).await;
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path("/.well-known/openid-configuration");
            then.status(503)
                .json_body(json!({"errors": [{"status": "503"}]}));
        })
        .await;
    let decoder = decoder_for(&server, clock());
    let token = key().sign(&header("RS256"), &claims());
    let err = decoder.decode(&token).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::FetchFailed {
                what: "OpenID configuration",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(503));
    failing.delete_async().await;
    mock_config(&server, &config).await;
    mock_keys(&server, jwks(&[key().jwk(None, None)])).await;
    decoder.decode(&token).await.unwrap();
}

#[tokio::test]
async fn the_real_globus_fixture_through_served_documents_and_a_token_response() {
    let fixture = fixture();
    let server = MockServer::start_async().await;
    let mut config = fixture["openid_configuration"].clone();
    config["jwks_uri"] = json!(server.url("/jwk.json"));
    let config_mock = mock_config(&server, &config).await;
    let keys_mock = mock_keys(&server, fixture["jwks"].clone()).await;
    let login = native_client(&server.base_url(), fixture["client_id"].as_str().unwrap());
    let decoder = IdTokenDecoder::builder(login)
        .with_clock(Arc::new(ManualClock::new(1_621_481_011 + 3600)))
        .build()
        .unwrap();

    let body = fixture["token_response"].to_string();
    let response = OAuthTokenResponse::from_response(
        Response::from_parts(
            Method::POST,
            server.url("/v2/oauth2/token"),
            StatusCode::OK,
            HeaderMap::new(),
            body,
        ),
        1_621_481_011,
    )
    .unwrap();
    for _ in 0..3 {
        let claims = response.decode_id_token(&decoder).await.unwrap();
        assert_eq!(
            claims.preferred_username.as_deref(),
            Some("sirosen2@globusid.org")
        );
    }
    // Python re-fetches both documents on every decode_id_token call; one decoder fetches once.
    assert_eq!(
        (
            config_mock.calls_async().await,
            keys_mock.calls_async().await
        ),
        (1, 1)
    );

    let mut no_id = fixture["token_response"].clone();
    no_id.as_object_mut().unwrap().remove("id_token");
    let response = OAuthTokenResponse::from_response(
        Response::from_parts(
            Method::POST,
            server.url("/v2/oauth2/token"),
            StatusCode::OK,
            HeaderMap::new(),
            no_id.to_string(),
        ),
        0,
    )
    .unwrap();
    assert!(matches!(
        response.decode_id_token(&decoder).await,
        Err(Error::NoIdToken)
    ));
}

async fn fake_decoder(fake: &FakeGlobusAuth, clock: Arc<ManualClock>) -> IdTokenDecoder {
    let login = native_client(fake.base_url().as_str(), fake.native_client_id());
    IdTokenDecoder::builder(login)
        .with_clock(clock)
        .build()
        .unwrap()
}

#[tokio::test]
async fn fake_globus_auth_end_to_end_rs512_without_kid_and_rotation() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let clock = Arc::new(ManualClock::new(i64::try_from(fake.now()).unwrap()));
    let decoder = fake_decoder(&fake, Arc::clone(&clock)).await;
    let tokens = fake.issue_tokens_for("openid profile email").unwrap();
    let claims = decoder.decode(tokens.id_token().unwrap()).await.unwrap();
    assert_eq!(claims.iss, fake.issuer());
    assert_eq!(claims.aud, vec![fake.native_client_id().to_owned()]);
    assert_eq!(claims.sub, fake.user().id);

    fake.rotate_signing_key().unwrap();
    clock.advance(61);
    let rotated = fake.issue_tokens_for("openid profile email").unwrap();
    decoder.decode(rotated.id_token().unwrap()).await.unwrap();
    decoder.decode(tokens.id_token().unwrap()).await.unwrap();
    assert_eq!(fake.hits(Method::GET, "/jwk.json"), 2);
    assert_eq!(
        fake.hits(Method::GET, "/.well-known/openid-configuration"),
        1
    );
}

#[tokio::test]
async fn fake_globus_auth_end_to_end_rs256_with_kid() {
    let fake = FakeGlobusAuth::builder()
        .signing_algorithm(SigningAlgorithm::Rs256)
        .include_key_id(true)
        .build()
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(i64::try_from(fake.now()).unwrap()));
    let decoder = fake_decoder(&fake, Arc::clone(&clock)).await;
    let tokens = fake.issue_tokens_for("openid").unwrap();
    decoder.decode(tokens.id_token().unwrap()).await.unwrap();
    fake.rotate_signing_key().unwrap();
    clock.advance(120);
    let rotated = fake.issue_tokens_for("openid").unwrap();
    decoder.decode(rotated.id_token().unwrap()).await.unwrap();
    assert_eq!(fake.hits(Method::GET, "/jwk.json"), 2);
}
