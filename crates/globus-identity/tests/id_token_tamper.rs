//! IdTokenDecoder: tampering. Every single-bit flip of a valid token is rejected (checked
//! exhaustively for one token, and by proptest over generated claims), and arbitrary input
//! never panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use proptest::prelude::*;
use serde_json::json;
use support::*;

fn flip(token: &str, bit: usize) -> Vec<u8> {
    let mut bytes = token.as_bytes().to_vec();
    bytes[bit / 8] ^= 1 << (bit % 8);
    bytes
}

fn rejected(decoder: &globus_identity::IdTokenDecoder, bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        // Not even text: a caller could not pass it as &str.
        Err(_) => true,
        Ok(text) => decode(decoder, text).is_err(),
    }
}

#[test]
fn every_single_bit_flip_of_a_globus_style_token_is_rejected() {
    let decoder = offline(&["RS512"], jwks(&[key().jwk(None, Some("RS512"))]))
        .build()
        .unwrap();
    let token = key().sign(&header("RS512"), &claims());
    assert!(decode(&decoder, &token).is_ok());
    let bits = token.len() * 8;
    let accepted: Vec<usize> = (0..bits)
        .filter(|&bit| !rejected(&decoder, &flip(&token, bit)))
        .collect();
    assert!(accepted.is_empty(), "flipped bits accepted: {accepted:?}");
}

#[test]
fn every_single_bit_flip_of_the_real_globus_token_is_rejected() {
    let fixture = fixture();
    let token = fixture["token_response"]["id_token"].as_str().unwrap();
    let decoder = globus_identity::IdTokenDecoder::offline()
        .with_openid_configuration(
            serde_json::from_value(fixture["openid_configuration"].clone()).unwrap(),
        )
        .with_jwks_json(fixture["jwks"].clone())
        .with_audience(fixture["client_id"].as_str().unwrap())
        .with_clock(std::sync::Arc::new(globus_core::clock::ManualClock::new(
            1_621_481_100,
        )))
        .build()
        .unwrap();
    assert!(decode(&decoder, token).is_ok());
    for bit in 0..token.len() * 8 {
        assert!(rejected(&decoder, &flip(token, bit)), "bit {bit}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_single_bit_flips_are_rejected(
        sub in "[a-f0-9-]{1,36}",
        name in proptest::option::of("\\PC{0,40}"),
        exp_offset in 1i64..100_000,
        with_kid in any::<bool>(),
        alg in prop::sample::select(vec!["RS256", "RS384", "RS512"]),
        bit_seed in any::<usize>(),
    ) {
        let kid = if with_kid { Some("k") } else { None };
        let decoder = offline(&["RS256", "RS384", "RS512"], jwks(&[key().jwk(kid, None)])).build().unwrap();
        let mut c = claims();
        c["sub"] = json!(sub);
        c["name"] = json!(name);
        c["exp"] = json!(NOW + exp_offset);
        let h = match kid { Some(k) => header_kid(alg, k), None => header(alg) };
        let token = key().sign(&h, &c);
        prop_assert!(decode(&decoder, &token).is_ok());
        let bit = bit_seed % (token.len() * 8);
        prop_assert!(rejected(&decoder, &flip(&token, bit)));
    }

    #[test]
    fn arbitrary_input_never_panics(input in "\\PC{0,600}") {
        let _ = decode(&decoder(), &input);
    }

    #[test]
    fn arbitrary_dotted_base64url_never_panics(
        segments in prop::collection::vec("[A-Za-z0-9_-]{0,80}", 0..6),
    ) {
        let _ = decode(&decoder(), &segments.join("."));
    }

    #[test]
    fn arbitrary_json_claims_never_panic_and_verify_only_when_valid(
        exp in prop::option::of(any::<i64>()),
        iat in prop::option::of(any::<i64>()),
        aud_is_ours in any::<bool>(),
    ) {
        let mut c = claims();
        let obj = c.as_object_mut().unwrap();
        match exp { Some(e) => { obj.insert("exp".into(), json!(e)); } None => { obj.remove("exp"); } }
        match iat { Some(i) => { obj.insert("iat".into(), json!(i)); } None => { obj.remove("iat"); } }
        if !aud_is_ours { obj.insert("aud".into(), json!(OTHER_CLIENT)); }
        let token = key().sign(&header("RS256"), &c);
        let result = decode(&decoder(), &token);
        let valid = aud_is_ours
            && exp.is_some_and(|e| NOW < e.saturating_add(300))
            && iat.is_some_and(|i| i <= NOW + 300);
        prop_assert_eq!(result.is_ok(), valid, "{:?}", result);
    }
}
