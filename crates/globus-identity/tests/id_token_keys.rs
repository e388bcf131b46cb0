//! IdTokenDecoder: key selection and key-set hygiene (reliability matrix row 8 and JWKS
//! faults): bounded kid-less candidates, ineligible keys, small keys, bad key sets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use globus_identity::Error;
use serde_json::{Value, json};
use support::*;

/// A syntactically valid 2048-bit "modulus" (odd, top bit set) that is nobody's key.
fn decoy(i: u8) -> Value {
    let mut n = vec![0xC5u8; 256];
    n[1] = i;
    n[255] |= 1;
    json!({"kty": "RSA", "n": b64(&n), "e": "AQAB"})
}

#[test]
fn kidless_tokens_try_a_bounded_number_of_keys() {
    let k = key();
    let token = k.sign(&header("RS256"), &claims());
    // 50 kid-less keys: refused without trying them all.
    let mut many: Vec<Value> = (0..49).map(decoy).collect();
    many.push(k.jwk(None, None));
    let decoder = offline(&["RS256"], jwks(&many)).build().unwrap();
    let err = decode(&decoder, &token).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooManyCandidateKeys {
                eligible: 50,
                limit: 5
            }
        ),
        "{err}"
    );
    // Five (the bound), the real one last: accepted.
    let mut five: Vec<Value> = (0..4).map(decoy).collect();
    five.push(k.jwk(None, None));
    assert!(decode(&offline(&["RS256"], jwks(&five)).build().unwrap(), &token).is_ok());
    // The bound is configurable.
    let wide = offline(&["RS256"], jwks(&many))
        .with_max_candidate_keys(50)
        .build()
        .unwrap();
    assert!(decode(&wide, &token).is_ok());
}

#[test]
fn ineligible_keys_are_never_used() {
    let [a, b, _] = keys();
    let mut enc = a.jwk(Some("enc"), None);
    enc["use"] = json!("enc");
    let mut verify_only = b.jwk(None, None);
    verify_only["key_ops"] = json!(["encrypt"]);
    let set = jwks(&[enc, verify_only, b.jwk(Some("b"), Some("RS512"))]);
    let decoder = offline(&["RS256", "RS512"], set).build().unwrap();
    // use: enc is skipped.
    let err = decode(&decoder, &a.sign(&header_kid("RS256", "enc"), &claims())).unwrap_err();
    assert!(matches!(err, Error::NoMatchingKey { .. }), "{err}");
    let err = decode(&decoder, &a.sign(&header("RS256"), &claims())).unwrap_err();
    assert!(err.is_signature_error(), "{err}");
    // The key's own alg binds it: RS512 only.
    let err = decode(&decoder, &b.sign(&header_kid("RS256", "b"), &claims())).unwrap_err();
    assert!(matches!(err, Error::NoMatchingKey { .. }), "{err}");
    assert!(decode(&decoder, &b.sign(&header_kid("RS512", "b"), &claims())).is_ok());
}

#[test]
fn rsa_keys_under_2048_bits_are_refused() {
    let mut n = vec![0xC5u8; 128]; // 1024 bits
    n[127] |= 1;
    let small = json!({"kty": "RSA", "kid": "small", "n": b64(&n), "e": "AQAB"});
    let err = offline(&["RS256"], jwks(std::slice::from_ref(&small)))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::KeySet(_)), "{err}");
    let decoder = offline(&["RS256"], jwks(&[small, key().jwk(Some("ok"), None)]))
        .build()
        .unwrap();
    let err = decode(
        &decoder,
        &key().sign(&header_kid("RS256", "small"), &claims()),
    )
    .unwrap_err();
    assert!(matches!(err, Error::NoMatchingKey { .. }), "{err}");
}

#[test]
fn bad_keys_are_skipped_and_bad_key_sets_refused() {
    let good = key().jwk(None, None);
    let mut e_one = good.clone();
    e_one["e"] = json!("AQ");
    let mut not_b64 = good.clone();
    not_b64["n"] = json!("***");
    let skipped = [
        json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}),
        json!({"kty": "oct", "k": "c2VjcmV0"}),
        e_one,
        not_b64,
        json!({"kty": "RSA"}),
        json!("not an object"),
        json!({"kty": "RSA", "n": 5, "e": "AQAB"}),
    ];
    for bad in &skipped {
        let err = offline(&["RS256"], jwks(std::slice::from_ref(bad)))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::KeySet(_)), "{bad}: {err}");
        let decoder = offline(&["RS256"], jwks(&[bad.clone(), good.clone()]))
            .build()
            .unwrap();
        assert!(
            decode(&decoder, &key().sign(&header("RS256"), &claims())).is_ok(),
            "{bad}"
        );
    }
    for set in [
        json!({"keys": []}),
        json!({"keys": "x"}),
        json!([1]),
        json!({}),
    ] {
        let err = offline(&["RS256"], set.clone()).build().unwrap_err();
        assert!(matches!(err, Error::KeySet(_)), "{set}: {err}");
    }
    let many: Vec<Value> = (0..10_000).map(|i| decoy((i % 250) as u8)).collect();
    let err = offline(&["RS256"], jwks(&many)).build().unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { .. } | Error::KeySet(_)),
        "{err}"
    );
    let hundred_one: Vec<Value> = (0..101).map(|i| decoy(i as u8)).collect();
    let err = offline(&["RS256"], jwks(&hundred_one)).build().unwrap_err();
    assert!(
        matches!(&err, Error::KeySet(m) if m.contains("101")),
        "{err}"
    );
    // Duplicate kids: both are tried.
    let [a, b, _] = keys();
    let dup = jwks(&[b.jwk(Some("x"), None), a.jwk(Some("x"), None)]);
    let decoder = offline(&["RS256"], dup).build().unwrap();
    assert!(decode(&decoder, &a.sign(&header_kid("RS256", "x"), &claims())).is_ok());
}
