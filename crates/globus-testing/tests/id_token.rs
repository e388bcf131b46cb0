//! ID tokens verify with `jsonwebtoken` against the JWKS the fake serves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use globus_testing::http_client::{TestRequest, pkce_verifier};
use globus_testing::{FakeGlobusAuth, IssueOptions, SigningAlgorithm};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

async fn discovered_jwks(fake: &FakeGlobusAuth) -> (Value, JwkSet) {
    let config = TestRequest::get(fake.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json();
    let jwks_uri = url::Url::parse(config["jwks_uri"].as_str().unwrap()).unwrap();
    let jwks: JwkSet =
        serde_json::from_value(TestRequest::get(jwks_uri).send().await.unwrap().json()).unwrap();
    (config, jwks)
}

fn verify(
    token: &str,
    key: &jsonwebtoken::jwk::Jwk,
    alg: Algorithm,
    aud: &str,
    iss: &str,
) -> jsonwebtoken::errors::Result<Value> {
    let mut validation = Validation::new(alg);
    validation.set_audience(&[aud]);
    validation.set_issuer(&[iss]);
    decode::<Value>(token, &DecodingKey::from_jwk(key)?, &validation).map(|d| d.claims)
}

fn at_hash_512(access_token: &str) -> String {
    use base64::Engine as _;
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA512, access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&d.as_ref()[..32])
}

#[tokio::test]
async fn rs512_id_token_from_a_native_login_verifies() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let (config, jwks) = discovered_jwks(&fake).await;
    assert_eq!(config["issuer"], fake.issuer());
    assert!(!fake.issuer().ends_with('/'));
    assert_eq!(
        config["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS512"])
    );
    assert_eq!(
        config["token_endpoint"],
        format!("{}/v2/oauth2/token", fake.issuer())
    );
    assert_eq!(config["jwks_uri"], format!("{}/jwk.json", fake.issuer()));
    assert_eq!(jwks.keys.len(), 1);
    let raw_jwks = fake.jwks();
    assert_eq!(raw_jwks["keys"][0]["alg"], "RS512");
    assert_eq!(raw_jwks["keys"][0]["kty"], "RSA");
    assert_eq!(raw_jwks["keys"][0]["use"], "sig");
    assert_eq!(raw_jwks["keys"][0]["e"], "AQAB");
    assert!(raw_jwks["keys"][0].get("kid").is_none());

    // Native login with a nonce.
    let verifier = pkce_verifier();
    let redirect = fake.native_redirect_uri().to_string();
    let mut url = native_authorize_url(&fake, "openid profile email", &verifier, &redirect, false);
    url.query_pairs_mut().append_pair("nonce", "n-42");
    let outcome = fake.authorize(&url).await.unwrap();
    let body = exchange_native(&fake, &outcome.code, &verifier, &redirect)
        .await
        .json();
    let id_token = body["id_token"].as_str().unwrap();

    let header = decode_header(id_token).unwrap();
    assert_eq!(header.alg, Algorithm::RS512);
    assert!(header.kid.is_none());
    let claims = verify(
        id_token,
        &jwks.keys[0],
        Algorithm::RS512,
        fake.native_client_id(),
        &fake.issuer(),
    )
    .unwrap();
    let user = fake.user();
    assert_eq!(claims["sub"], user.id);
    assert_eq!(claims["aud"], fake.native_client_id());
    assert_eq!(claims["preferred_username"], user.username);
    assert_eq!(claims["name"], user.name);
    assert_eq!(claims["email"], user.email);
    assert_eq!(claims["organization"], user.organization);
    assert_eq!(claims["identity_provider"], user.identity_provider);
    assert_eq!(claims["identity_provider_display_name"], "Globus ID");
    assert_eq!(claims["identity_set"][0]["sub"], user.id);
    assert_eq!(claims["identity_set"][0]["username"], user.username);
    assert_eq!(claims["nonce"], "n-42");
    assert!(claims["last_authentication"].is_u64());
    let (exp, iat) = (
        claims["exp"].as_u64().unwrap(),
        claims["iat"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 172_800);
    assert_eq!(
        claims["at_hash"],
        at_hash_512(body["access_token"].as_str().unwrap())
    );

    // The wrong audience fails.
    assert!(
        verify(
            id_token,
            &jwks.keys[0],
            Algorithm::RS512,
            "someone-else",
            &fake.issuer()
        )
        .is_err()
    );
}

#[tokio::test]
async fn rs256_with_key_ids() {
    let fake = FakeGlobusAuth::builder()
        .signing_algorithm(SigningAlgorithm::Rs256)
        .include_key_id(true)
        .build()
        .await
        .unwrap();
    assert_eq!(fake.signing_algorithm(), SigningAlgorithm::Rs256);
    let (config, jwks) = discovered_jwks(&fake).await;
    assert_eq!(
        config["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    let tokens = fake
        .issue_tokens(IssueOptions::new("openid profile"))
        .unwrap();
    let id_token = tokens.id_token().unwrap();
    let header = decode_header(id_token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let kid = header.kid.unwrap();
    let key = jwks.find(&kid).unwrap();
    let claims = verify(
        id_token,
        key,
        Algorithm::RS256,
        fake.native_client_id(),
        &fake.issuer(),
    )
    .unwrap();
    // Without the email scope there is no email claim.
    assert!(claims.get("email").is_none());
    assert_eq!(claims["preferred_username"], fake.user().username);
}

#[tokio::test]
async fn key_rotation_adds_a_key_and_signs_with_it() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let old = fake.issue_tokens_for("openid").unwrap();
    assert_eq!(fake.rotate_signing_key().unwrap(), None);
    let new = fake.issue_tokens_for("openid").unwrap();
    let (_, jwks) = discovered_jwks(&fake).await;
    assert_eq!(jwks.keys.len(), 2);
    let (aud, iss) = (fake.native_client_id().to_owned(), fake.issuer());
    let check = |t: &str, k: usize| verify(t, &jwks.keys[k], Algorithm::RS512, &aud, &iss).is_ok();
    // The newest key comes first (where a keys[0]-only decoder looks).
    assert!(check(new.id_token().unwrap(), 0));
    assert!(!check(new.id_token().unwrap(), 1));
    assert!(check(old.id_token().unwrap(), 1));
    assert!(!check(old.id_token().unwrap(), 0));

    let with_kids = FakeGlobusAuth::builder()
        .include_key_id(true)
        .build()
        .await
        .unwrap();
    let kid = with_kids.rotate_signing_key().unwrap().unwrap();
    let t = with_kids.issue_tokens_for("openid").unwrap();
    assert_eq!(
        decode_header(t.id_token().unwrap()).unwrap().kid.as_deref(),
        Some(kid.as_str())
    );
}

#[tokio::test]
async fn client_credentials_id_token_is_about_the_client() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let resp = confidential_token(
        &fake,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "openid profile"),
        ],
    )
    .await;
    let id_token = resp.json()["id_token"].as_str().unwrap().to_owned();
    let (_, jwks) = discovered_jwks(&fake).await;
    let conf = fake.confidential_client().id.clone();
    let claims = verify(
        &id_token,
        &jwks.keys[0],
        Algorithm::RS512,
        &conf,
        &fake.issuer(),
    )
    .unwrap();
    assert_eq!(claims["sub"], conf);
    assert_eq!(
        claims["preferred_username"],
        format!("{conf}@clients.auth.globus.org")
    );
}
