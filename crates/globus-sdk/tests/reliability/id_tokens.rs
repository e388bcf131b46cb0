//! Rows 6–15: forged, mis-keyed, rotated, tampered, type-confused and oversized ID tokens,
//! against offline decoders at a pinned time and online decoders fetching from httpmock.
//! (globus-identity's own tests hold the exhaustive tables; these pin each row through the
//! `globus_sdk` facade.)

use std::sync::Arc;

use futures_util::future::join_all;
use globus_sdk::core::RetryConfig;
use globus_sdk::core::clock::ManualClock;
use globus_sdk::identity::{Error, IdTokenDecoder};
use httpmock::prelude::*;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::keys::*;
use crate::support::native_as;

fn decoy_1024() -> Value {
    let mut n = vec![0xC5u8; 128];
    n[127] |= 1;
    json!({"kty": "RSA", "kid": "small", "n": b64(&n), "e": "AQAB"})
}

/// A 2048-bit "modulus" that is nobody's key.
fn decoy(i: u8) -> Value {
    let mut n = vec![0xC5u8; 256];
    n[1] = i;
    n[255] |= 1;
    json!({"kty": "RSA", "n": b64(&n), "e": "AQAB"})
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

fn without(mut claims: Value, name: &str) -> Value {
    claims.as_object_mut().unwrap().remove(name);
    claims
}

#[test]
fn row_6_alg_none_and_hmac_keyed_with_the_public_key_are_refused() {
    let decoder = decoder();
    let payload = b64(claims().to_string().as_bytes());
    for header in [r#"{"alg":"none"}"#, r#"{"alg":"None","typ":"JWT"}"#] {
        for sig in ["", "AAAA"] {
            let token = format!("{}.{payload}.{sig}", b64(header.as_bytes()));
            let err = decode(&decoder, &token).unwrap_err();
            assert!(
                matches!(err, Error::DisallowedAlgorithm(_)),
                "{header}{sig}: {err}"
            );
        }
    }
    let k = key();
    let secrets = [
        k.public_pem().into_bytes(),
        k.public_der(),
        k.jwk(None, None).to_string().into_bytes(),
        k.modulus(),
    ];
    for secret in &secrets {
        for alg in ["HS256", "HS384", "HS512"] {
            let err = decode(&decoder, &hmac_token(alg, secret, &claims())).unwrap_err();
            assert!(matches!(err, Error::DisallowedAlgorithm(_)), "{alg}: {err}");
        }
    }
}

#[test]
fn row_7_the_algorithm_must_be_in_the_intersection_with_discovery() {
    let token = key().sign(&header("RS256"), &claims());
    // Discovery lists only RS512: an RS256 token is refused.
    let only_512 = offline(&["RS512"], jwks(&[key().jwk(None, None)]))
        .build()
        .unwrap();
    let err = decode(&only_512, &token).unwrap_err();
    assert!(matches!(err, Error::DisallowedAlgorithm(_)), "{err}");
    assert!(decode(&only_512, &key().sign(&header("RS512"), &claims())).is_ok());
    // Discovery listing none/HS256 does not make them acceptable.
    let lax = offline(&["none", "HS256", "RS256"], jwks(&[key().jwk(None, None)]))
        .build()
        .unwrap();
    assert!(decode(&lax, &token).is_ok());
    let hs = hmac_token("HS256", &key().modulus(), &claims());
    assert!(matches!(
        decode(&lax, &hs),
        Err(Error::DisallowedAlgorithm(_))
    ));
}

#[test]
fn row_8_key_selection_table() {
    let [a, b] = keys();
    let ok = |set: Value, token: &str| decode(&offline(&["RS256"], set).build().unwrap(), token);
    // Unknown kid: no matching key.
    let err = ok(
        jwks(&[a.jwk(Some("k1"), None)]),
        &a.sign(&header_kid("RS256", "zz"), &claims()),
    )
    .unwrap_err();
    assert!(matches!(err, Error::NoMatchingKey { .. }), "{err}");
    // No kid (the Globus header) with one key, and with old + new keys: accepted.
    let kidless = a.sign(&header("RS256"), &claims());
    assert!(ok(jwks(&[a.jwk(None, None)]), &kidless).is_ok());
    assert!(ok(jwks(&[b.jwk(None, None), a.jwk(None, None)]), &kidless).is_ok());
    // use: enc and a key alg mismatch are skipped.
    let mut enc = a.jwk(None, None);
    enc["use"] = json!("enc");
    assert!(
        ok(jwks(&[enc, b.jwk(None, None)]), &kidless)
            .unwrap_err()
            .is_signature_error()
    );
    assert!(
        ok(
            jwks(&[a.jwk(None, Some("RS512")), b.jwk(None, None)]),
            &kidless
        )
        .is_err()
    );
    // A 1024-bit key is refused.
    let err = ok(
        jwks(&[decoy_1024(), a.jwk(Some("ok"), None)]),
        &a.sign(&header_kid("RS256", "small"), &claims()),
    )
    .unwrap_err();
    assert!(matches!(err, Error::NoMatchingKey { .. }), "{err}");
    // 50 kid-less keys: refused by the bound, without trying them all.
    let mut many: Vec<Value> = (0..49).map(decoy).collect();
    many.push(a.jwk(None, None));
    let err = ok(jwks(&many), &kidless).unwrap_err();
    assert!(
        matches!(err, Error::TooManyCandidateKeys { eligible: 50, .. }),
        "{err}"
    );
}

#[test]
fn row_8_the_real_globus_token_without_kid_verifies_at_a_pinned_time() {
    // The Python SDK's fixture: RS512, no kid, one key; valid at FIXTURE_NOW only.
    let fixture = fixture();
    let config: globus_sdk::auth::models::OpenIdConfiguration =
        serde_json::from_value(fixture["openid_configuration"].clone()).unwrap();
    let token = fixture["token_response"]["id_token"].as_str().unwrap();
    let at = |now: i64| {
        IdTokenDecoder::offline()
            .with_openid_configuration(config.clone())
            .with_jwks_json(fixture["jwks"].clone())
            .with_audience(fixture["client_id"].as_str().unwrap())
            .with_clock(Arc::new(ManualClock::new(now)))
            .build()
            .unwrap()
    };
    let claims = decode(&at(FIXTURE_NOW), token).unwrap();
    assert!(!claims.sub.is_empty());
    assert!(decode(&at(NOW), token).unwrap_err().is_expired());
}

/// A mock Globus Auth with the configuration; the key set is mocked per test.
async fn serve() -> MockServer {
    let server = MockServer::start_async().await;
    let config = config_json(&["RS256"], &server.url("/jwk.json"));
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/.well-known/openid-configuration");
            then.status(200).json_body(config);
        })
        .await;
    server
}

async fn mock_keys(server: &MockServer, keys: Value) -> httpmock::Mock<'_> {
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/jwk.json");
            then.status(200).json_body(keys);
        })
        .await
}

fn online(server: &MockServer, clock: Arc<ManualClock>) -> IdTokenDecoder {
    let login = native_as(&server.base_url(), AUDIENCE, RetryConfig::disabled(), None);
    IdTokenDecoder::builder(login)
        .with_clock(clock)
        .build()
        .unwrap()
}

#[tokio::test]
async fn row_9_jwks_rotation_costs_exactly_one_refetch_then_is_cached() {
    let [old, new] = keys();
    let server = serve().await;
    let v1 = mock_keys(&server, jwks(&[old.jwk(Some("k1"), None)])).await;
    let clock = Arc::new(ManualClock::new(NOW));
    let decoder = online(&server, Arc::clone(&clock));
    decoder
        .decode(&old.sign(&header_kid("RS256", "k1"), &claims()))
        .await
        .unwrap();
    assert_eq!(v1.calls_async().await, 1);
    v1.delete_async().await;
    let v2 = mock_keys(
        &server,
        jwks(&[new.jwk(Some("k2"), None), old.jwk(Some("k1"), None)]),
    )
    .await;
    clock.advance(61);
    let rotated = new.sign(&header_kid("RS256", "k2"), &claims());
    for _ in 0..5 {
        decoder.decode(&rotated).await.unwrap();
    }
    assert_eq!(v2.calls_async().await, 1, "one re-fetch, then cached");
}

#[tokio::test]
async fn row_10_a_flood_of_random_kids_costs_at_most_one_fetch_per_cooldown() {
    let server = serve().await;
    let keys_mock = mock_keys(&server, jwks(&[key().jwk(Some("real"), None)])).await;
    let clock = Arc::new(ManualClock::new(NOW));
    let decoder = online(&server, Arc::clone(&clock));
    decoder.prefetch().await.unwrap();
    clock.advance(3600);
    let forger = &keys()[1];
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
        "first fetch + one re-fetch"
    );
    clock.advance(60);
    for token in tokens.iter().take(100) {
        assert!(decoder.decode(token).await.is_err());
    }
    assert_eq!(
        keys_mock.calls_async().await,
        3,
        "one more per cooldown window"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// `exp` at now − leeway is expired, one second later it is not; `iat`/`nbf` at
    /// now + leeway are fine, one second later they are not (leeway 300 s).
    #[test]
    fn row_11_time_claim_boundaries_at_the_leeway(now in 1_600_000_000i64..1_900_000_000) {
        let k = key();
        let at = |c: Value| {
            let d = offline_at(&["RS256"], jwks(&[k.jwk(None, None)]), now).build().unwrap();
            decode(&d, &k.sign(&header("RS256"), &c))
        };
        let base = with(with(claims(), "iat", json!(now - 10)), "exp", json!(now + 3600));
        prop_assert!(matches!(at(with(base.clone(), "exp", json!(now - 300))), Err(Error::Expired { .. })), "exp");
        prop_assert!(at(with(base.clone(), "exp", json!(now - 299))).is_ok());
        prop_assert!(at(with(base.clone(), "iat", json!(now + 300))).is_ok());
        prop_assert!(matches!(at(with(base.clone(), "iat", json!(now + 301))), Err(Error::IssuedInFuture { .. })), "iat");
        prop_assert!(at(with(base.clone(), "nbf", json!(now + 300))).is_ok());
        prop_assert!(matches!(at(with(base, "nbf", json!(now + 301))), Err(Error::NotYetValid { .. })), "nbf");
    }
}

#[test]
fn row_12_issuer_audience_azp_and_sub_table() {
    let d = decoder();
    let check = |c: Value| decode(&d, &key().sign(&header("RS256"), &c));
    for iss in [
        "https://auth.globus.org/",
        "http://auth.globus.org",
        "https://AUTH.globus.org",
        "https://evil.example",
    ] {
        let err = check(with(claims(), "iss", json!(iss))).unwrap_err();
        assert!(matches!(err, Error::WrongIssuer { .. }), "{iss}: {err}");
    }
    for aud in [
        json!("other-client"),
        json!([AUDIENCE, "untrusted"]),
        json!([]),
    ] {
        let err = check(with(claims(), "aud", aud.clone())).unwrap_err();
        assert!(matches!(err, Error::WrongAudience(_)), "{aud}: {err}");
    }
    let err = check(with(claims(), "aud", json!(5))).unwrap_err();
    assert!(err.is_claims_error(), "{err}");
    let err = check(with(claims(), "azp", json!("other-client"))).unwrap_err();
    assert!(matches!(err, Error::WrongAuthorizedParty), "{err}");
    let err = check(without(claims(), "sub")).unwrap_err();
    assert!(matches!(err, Error::MissingClaim("sub")), "{err}");
    assert!(check(with(claims(), "azp", json!(AUDIENCE))).is_ok());
}

#[test]
fn row_13_every_single_bit_flip_is_rejected() {
    let d = decoder();
    let token = key().sign(&header("RS256"), &claims());
    assert!(decode(&d, &token).is_ok());
    let bytes = token.as_bytes();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.to_vec();
            flipped[i] ^= 1 << bit;
            let Ok(text) = String::from_utf8(flipped) else {
                continue;
            };
            assert!(decode(&d, &text).is_err(), "flip {i}:{bit} accepted");
        }
    }
}

#[test]
fn row_14_claim_type_confusion_is_never_absence() {
    let d = decoder();
    let signed_raw = |claims: &str| key().sign_raw("RS256", &header("RS256").to_string(), claims);
    for (name, value) in [
        ("exp", json!("99999999999")),
        ("exp", json!(1.5e10)),
        ("exp", json!(-1)),
        ("exp", Value::Null),
        ("iat", Value::Null),
        ("nbf", json!("never")),
        ("sub", json!(123)),
    ] {
        let err = decode(
            &d,
            &key().sign(&header("RS256"), &with(claims(), name, value.clone())),
        )
        .unwrap_err();
        assert!(
            err.is_claims_error() || err.is_time_error(),
            "{name}={value}: {err}"
        );
    }
    for missing in ["exp", "iat", "iss", "aud", "sub"] {
        let err = decode(
            &d,
            &key().sign(&header("RS256"), &without(claims(), missing)),
        )
        .unwrap_err();
        assert!(matches!(err, Error::MissingClaim(_)), "{missing}: {err}");
    }
    // 1e400 and duplicate keys, which serde_json cannot build: raw JSON text.
    let text = claims().to_string();
    let huge = text.replacen('{', "{\"exp\":1e400,", 1).replacen(
        &format!("\"exp\":{}", NOW + 3600),
        "\"x\":0",
        1,
    );
    assert!(decode(&d, &signed_raw(&huge)).is_err(), "{huge}");
    let dup = text.replacen('{', &format!("{{\"exp\":{},", NOW - 99_999), 1);
    assert!(
        decode(&d, &signed_raw(&dup)).is_err(),
        "duplicate exp accepted"
    );
}

#[test]
fn row_15_oversized_and_junk_tokens_are_refused_by_size_or_structure() {
    let d = decoder();
    let big = with(claims(), "aud", json!(vec![AUDIENCE; 100_000]));
    let err = decode(&d, &key().sign(&header("RS256"), &big)).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    let megabyte = format!("{}.{}.{}", "a".repeat(16), "b".repeat(1 << 20), "c");
    let start = std::time::Instant::now();
    assert!(matches!(decode(&d, &megabyte), Err(Error::TooLarge { .. })));
    assert!(start.elapsed() < std::time::Duration::from_secs(1));
    for junk in [
        "",
        ".",
        "..",
        "a.b",
        "a.b.c.d",
        "a.b.c",
        "ey.ey.ey",
        "\u{0}.\u{0}.\u{0}",
    ] {
        assert!(decode(&d, junk).unwrap_err().is_malformed(), "{junk:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn row_15_arbitrary_input_never_panics(s in "\\PC{0,300}", parts in proptest::collection::vec("[A-Za-z0-9_-]{0,60}", 0..5)) {
        let d = decoder();
        let _ = decode(&d, &s);
        let _ = decode(&d, &parts.join("."));
    }
}
