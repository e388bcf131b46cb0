//! Shared by the ID-token and key-set targets: the real Globus fixture (an RS512 ID token
//! without `kid`, its JWK and OpenID configuration) and offline decoders at a pinned time.
#![allow(dead_code)]

use std::sync::Arc;

use futures_util::FutureExt as _;
use globus_auth::models::OpenIdConfiguration;
use globus_core::clock::ManualClock;
use globus_identity::{IdTokenClaims, IdTokenDecoder, IdTokenDecoderBuilder};
use serde_json::Value;

/// A time at which the fixture token is valid.
pub const FIXTURE_NOW: i64 = 1_621_481_100;

pub fn fixture() -> Value {
    serde_json::from_str(include_str!(
        "../../crates/globus-identity/testdata/globus_id_token.json"
    ))
    .expect("fixture JSON")
}

pub fn fixture_token(fixture: &Value) -> String {
    fixture["token_response"]["id_token"]
        .as_str()
        .expect("fixture id_token")
        .to_owned()
}

/// An offline decoder builder for the fixture's client, configuration and clock.
pub fn builder(fixture: &Value) -> IdTokenDecoderBuilder {
    let config: OpenIdConfiguration =
        serde_json::from_value(fixture["openid_configuration"].clone()).expect("configuration");
    IdTokenDecoder::offline()
        .with_openid_configuration(config)
        .with_audience(fixture["client_id"].as_str().expect("client id"))
        .with_clock(Arc::new(ManualClock::new(FIXTURE_NOW)))
}

/// Decodes without an executor: an offline decoder never waits.
pub fn decode(decoder: &IdTokenDecoder, token: &str) -> globus_identity::Result<IdTokenClaims> {
    decoder
        .decode(token)
        .now_or_never()
        .expect("an offline decode completes without waiting")
}
