//! The public API's shape: Send/Sync, typed preloading, error predicates, Debug output.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use globus_auth::models::JwkSet;
use globus_identity::{Error, IdTokenDecoder, IdentityCache, IdentityMap};
use support::*;

fn assert_send<T: Send>(_: &T) {}
fn assert_send_sync<T: Send + Sync + 'static>() {}

#[test]
fn types_and_futures_are_send() {
    assert_send_sync::<IdTokenDecoder>();
    assert_send_sync::<IdentityMap>();
    assert_send_sync::<IdentityCache>();
    assert_send_sync::<Error>();
    let decoder = decoder();
    let token = key().sign(&header("RS256"), &claims());
    assert_send(&decoder.decode(&token));
    let map = IdentityMap::new(auth_client("https://auth.globus.org/"));
    assert_send(&map.get_many(["a@b.org"]));
    assert_send(&map.get("a@b.org"));
}

#[test]
fn a_typed_key_set_can_be_preloaded() {
    let fixture = fixture();
    let typed: JwkSet = serde_json::from_value(fixture["jwks"].clone()).unwrap();
    let decoder = IdTokenDecoder::offline()
        .with_openid_configuration(
            serde_json::from_value(fixture["openid_configuration"].clone()).unwrap(),
        )
        .with_jwks(&typed)
        .with_audience(fixture["client_id"].as_str().unwrap())
        .insecure_disable_expiry_check()
        .build()
        .unwrap();
    let token = fixture["token_response"]["id_token"].as_str().unwrap();
    assert_eq!(
        decode(&decoder, token).unwrap().sub,
        "c8aad43e-d274-11e5-bf98-8b02896cf782"
    );
}

#[test]
fn the_insecure_signature_switch_is_the_only_way_to_skip_the_signature() {
    let forged = keys()[2].sign(&header("RS256"), &claims());
    assert!(matches!(
        decode(&decoder(), &forged),
        Err(Error::BadSignature)
    ));
    let inspecting = offline(&["RS256"], jwks(&[key().jwk(None, None)]))
        .insecure_disable_signature_check()
        .build()
        .unwrap();
    // Claims are still checked, and alg none is still refused.
    assert!(decode(&inspecting, &forged).is_ok());
    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none"}"#),
        b64(claims().to_string().as_bytes())
    );
    assert!(matches!(
        decode(&inspecting, &none),
        Err(Error::DisallowedAlgorithm(_))
    ));
    let mut expired = claims();
    expired["exp"] = serde_json::json!(NOW - 1000);
    assert!(
        decode(&inspecting, &keys()[2].sign(&header("RS256"), &expired))
            .unwrap_err()
            .is_expired()
    );
}

#[test]
fn error_predicates_group_the_variants() {
    assert!(Error::BadSignature.is_signature_error());
    assert!(Error::NoMatchingKey { kid: None }.is_signature_error());
    assert!(Error::DisallowedAlgorithm("none".into()).is_signature_error());
    assert!(Error::WrongAuthorizedParty.is_claims_error());
    assert!(Error::Malformed("x".into()).is_malformed());
    assert!(
        Error::TooLarge {
            what: "ID token",
            size: 2,
            limit: 1
        }
        .is_malformed()
    );
    assert!(!Error::BadSignature.is_claims_error());
    assert!(!Error::BadSignature.is_retryable());
    assert!(Error::NoIdToken.auth_error().is_none());
}

#[test]
fn debug_output_shows_no_token_material() {
    let decoder = decoder();
    let text = format!("{decoder:?}");
    assert!(text.contains("IdTokenDecoder") && text.contains(CLIENT_ID));
    assert!(!text.contains(&key().n));
    let map = IdentityMap::new(auth_client("https://auth.globus.org/"));
    assert!(format!("{map:?}").contains("IdentityMap"));
}
