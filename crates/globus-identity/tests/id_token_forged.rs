//! IdTokenDecoder: the forged-token suite (reliability matrix rows 6–8 and 13–15): algorithm
//! confusion, key selection, header tricks, structural junk, size limits, bad key sets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use globus_identity::{Error, IdTokenDecoder};
use httpmock::prelude::*;
use serde_json::json;
use support::*;

fn assert_disallowed(result: globus_identity::Result<globus_identity::IdTokenClaims>, what: &str) {
    match result {
        Err(Error::DisallowedAlgorithm(_)) => {}
        other => panic!("{what}: expected DisallowedAlgorithm, got {other:?}"),
    }
}

#[test]
fn alg_none_is_refused_with_and_without_a_signature() {
    let decoder = decoder();
    for alg in ["none", "None", "NONE", "nOnE"] {
        let input = format!(
            "{}.{}",
            b64(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes()),
            b64(claims().to_string().as_bytes())
        );
        assert_disallowed(decode(&decoder, &format!("{input}.")), alg);
        let signed = key().sign(&header("RS256"), &claims());
        let sig = signed.rsplit('.').next().unwrap();
        assert_disallowed(decode(&decoder, &format!("{input}.{sig}")), alg);
    }
}

#[test]
fn hmac_keyed_with_the_public_key_is_refused_in_every_encoding() {
    let decoder = decoder();
    let k = key();
    let jwk_json = k.jwk(None, None).to_string();
    let secrets: Vec<(&str, Vec<u8>)> = vec![
        ("PEM", k.public_pem().into_bytes()),
        ("DER", k.public_der()),
        ("JWK JSON", jwk_json.into_bytes()),
        ("raw modulus", k.modulus()),
        ("base64url modulus", k.n.clone().into_bytes()),
    ];
    for (what, secret) in &secrets {
        for alg in ["HS256", "HS384", "HS512"] {
            assert_disallowed(
                decode(&decoder, &hmac_token(alg, secret, &claims())),
                &format!("{alg} {what}"),
            );
        }
    }
}

#[tokio::test]
async fn disallowed_algorithms_are_refused_before_any_fetch() {
    let server = MockServer::start_async().await;
    let config = server
        .mock_async(|when, then| {
            when.method(GET).path("/.well-known/openid-configuration");
            then.status(200).json_body(config_json(
                &["RS256", "HS256", "none"],
                &server.url("/jwk.json"),
            ));
        })
        .await;
    let keys = server
        .mock_async(|when, then| {
            when.method(GET).path("/jwk.json");
            then.status(200).json_body(jwks(&[key().jwk(None, None)]));
        })
        .await;
    let decoder = IdTokenDecoder::builder(native_client(&server.base_url(), CLIENT_ID))
        .with_clock(clock())
        .build()
        .unwrap();
    let forged = hmac_token("HS256", key().public_pem().as_bytes(), &claims());
    assert!(matches!(
        decoder.decode(&forged).await,
        Err(Error::DisallowedAlgorithm(_))
    ));
    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none"}"#),
        b64(claims().to_string().as_bytes())
    );
    assert!(matches!(
        decoder.decode(&none).await,
        Err(Error::DisallowedAlgorithm(_))
    ));
    assert_eq!(config.calls_async().await, 0);
    assert_eq!(keys.calls_async().await, 0);
    // A genuine token goes on to fetch both.
    assert!(
        decoder
            .decode(&key().sign(&header("RS256"), &claims()))
            .await
            .is_ok()
    );
    assert_eq!(
        (config.calls_async().await, keys.calls_async().await),
        (1, 1)
    );
}

#[test]
fn the_algorithm_must_be_listed_by_discovery() {
    let only_512 = offline(&["RS512"], jwks(&[key().jwk(None, None)]))
        .build()
        .unwrap();
    assert_disallowed(
        decode(&only_512, &key().sign(&header("RS256"), &claims())),
        "RS256 vs [RS512]",
    );
    assert!(decode(&only_512, &key().sign(&header("RS512"), &claims())).is_ok());

    // Discovery listing none or HMAC changes nothing: the compiled allow-list wins.
    let junk = offline(&["none", "HS256"], jwks(&[key().jwk(None, None)]))
        .build()
        .unwrap();
    assert_disallowed(
        decode(&junk, &key().sign(&header("RS256"), &claims())),
        "RS256 vs [none, HS256]",
    );
    assert_disallowed(
        decode(&junk, &hmac_token("HS256", key().n.as_bytes(), &claims())),
        "HS256",
    );
    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none"}"#),
        b64(claims().to_string().as_bytes())
    );
    assert_disallowed(decode(&junk, &none), "none");

    // Other asymmetric algorithms are outside the allow-list too.
    for alg in ["PS256", "ES256", "EdDSA"] {
        let forged = sign_raw(
            key(),
            "RS256",
            &json!({"alg": alg}).to_string(),
            &claims().to_string(),
        );
        assert_disallowed(decode(&decoder(), &forged), alg);
    }
}

#[test]
fn kid_selects_the_key() {
    let [a, b, _] = keys();
    let set = jwks(&[a.jwk(Some("a"), None), b.jwk(Some("b"), None)]);
    let decoder = offline(&["RS256"], set).build().unwrap();
    assert!(decode(&decoder, &b.sign(&header_kid("RS256", "b"), &claims())).is_ok());
    assert!(decode(&decoder, &a.sign(&header_kid("RS256", "a"), &claims())).is_ok());
    // The named key does not verify: a bad signature, whatever the other keys say.
    let err = decode(&decoder, &a.sign(&header_kid("RS256", "b"), &claims())).unwrap_err();
    assert!(matches!(err, Error::BadSignature), "{err}");
    // An unknown kid (no client to re-fetch with): no matching key.
    let err = decode(&decoder, &a.sign(&header_kid("RS256", "zz"), &claims())).unwrap_err();
    assert!(
        matches!(&err, Error::NoMatchingKey { kid: Some(k) } if k == "zz"),
        "{err}"
    );
    assert!(err.is_signature_error());
}

#[test]
fn without_kid_every_eligible_key_is_tried() {
    let [a, b, c] = keys();
    // One key: the Globus case.
    let one = offline(&["RS512"], jwks(&[a.jwk(None, Some("RS512"))]))
        .build()
        .unwrap();
    assert!(decode(&one, &a.sign(&header("RS512"), &claims())).is_ok());
    // Two keys during a rollover: whichever signed, it verifies (both orders).
    for set in [
        jwks(&[a.jwk(None, None), b.jwk(None, None)]),
        jwks(&[b.jwk(None, None), a.jwk(None, None)]),
    ] {
        let decoder = offline(&["RS256"], set).build().unwrap();
        assert!(decode(&decoder, &a.sign(&header("RS256"), &claims())).is_ok());
        assert!(decode(&decoder, &b.sign(&header("RS256"), &claims())).is_ok());
        // Neither verifies.
        let err = decode(&decoder, &c.sign(&header("RS256"), &claims())).unwrap_err();
        assert!(matches!(err, Error::BadSignature), "{err}");
    }
}

#[tokio::test]
async fn header_supplied_keys_are_ignored_and_never_fetched() {
    let server = MockServer::start_async().await;
    let attacker = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(jwks(&[keys()[1].jwk(None, None)]));
        })
        .await;
    let evil = &keys()[1];
    let decoder = decoder();
    for member in ["jku", "x5u"] {
        let mut h = header("RS256");
        h[member] = json!(server.url("/evil.json"));
        assert!(matches!(
            decode(&decoder, &evil.sign(&h, &claims())),
            Err(Error::BadSignature)
        ));
        // The trusted key still works with the member present: it is ignored, not fatal.
        assert!(decode(&decoder, &key().sign(&h, &claims())).is_ok());
    }
    let mut h = header("RS256");
    h["jwk"] = evil.jwk(None, None);
    assert!(matches!(
        decode(&decoder, &evil.sign(&h, &claims())),
        Err(Error::BadSignature)
    ));
    let mut h = header("RS256");
    h["x5c"] = json!([b64(&evil.public_der())]);
    assert!(matches!(
        decode(&decoder, &evil.sign(&h, &claims())),
        Err(Error::BadSignature)
    ));
    assert_eq!(attacker.calls_async().await, 0);
}

#[test]
fn unsupported_header_members_are_refused() {
    let decoder = decoder();
    for (member, value) in [
        ("crit", json!(["exp"])),
        ("cty", json!("JWT")),
        ("zip", json!("DEF")),
        ("enc", json!("A256GCM")),
        ("typ", json!("at+jwt")),
        ("typ", json!(1)),
    ] {
        let mut h = header("RS256");
        h[member] = value;
        let err = decode(&decoder, &key().sign(&h, &claims())).unwrap_err();
        assert!(
            matches!(err, Error::UnsupportedHeader(_)),
            "{member}: {err}"
        );
    }
    let mut h = header("RS256");
    h["kid"] = json!(5);
    assert!(matches!(
        decode(&decoder, &key().sign(&h, &claims())),
        Err(Error::Malformed(_))
    ));
    // A JWE (five segments) is refused as such.
    let err = decode(&decoder, "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d").unwrap_err();
    assert!(matches!(err, Error::UnsupportedHeader(_)), "{err}");
}

#[test]
fn structural_junk_is_malformed() {
    let decoder = decoder();
    let good = key().sign(&header("RS256"), &claims());
    let parts: Vec<&str> = good.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    let swap_last = |seg: &str| {
        // Same bytes, a non-zero unused trailing bit: non-canonical base64url (the
        // 256-byte signature leaves 4 unused bits in its last character).
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bytes = seg.as_bytes().to_vec();
        let last = bytes.last_mut().unwrap();
        let value = ALPHABET.iter().position(|c| c == last).unwrap();
        *last = ALPHABET[value ^ 1];
        String::from_utf8(bytes).unwrap()
    };
    let cases: Vec<(&str, String)> = vec![
        ("2 segments", format!("{h}.{p}")),
        ("4 segments", format!("{h}.{p}.{s}.{s}")),
        ("empty header", format!(".{p}.{s}")),
        ("empty payload", format!("{h}..{s}")),
        ("empty", String::new()),
        ("padding", format!("{h}=.{p}.{s}")),
        (
            "standard base64",
            format!("{h}.{p}.{}", s.replace('-', "+").replace('_', "/") + "+/"),
        ),
        ("space", format!("{h}. {p}.{s}")),
        ("newline", format!("{h}.{p}\n.{s}")),
        ("trailing newline", format!("{good}\n")),
        ("leading space", format!(" {good}")),
        (
            "non-canonical signature",
            format!("{h}.{p}.{}", swap_last(s)),
        ),
        (
            "header not an object",
            format!("{}.{p}.{s}", b64(b"[\"RS256\"]")),
        ),
        ("header not JSON", format!("{}.{p}.{s}", b64(b"alg=RS256"))),
        (
            "header not UTF-8",
            format!("{}.{p}.{s}", b64(b"{\"alg\":\"RS256\xff\"}")),
        ),
        ("no alg", format!("{}.{p}.{s}", b64(br#"{"typ":"JWT"}"#))),
        (
            "alg not a string",
            format!("{}.{p}.{s}", b64(br#"{"alg":256}"#)),
        ),
    ];
    for (what, token) in cases {
        let err = decode(&decoder, &token).unwrap_err();
        assert!(err.is_malformed(), "{what}: {err}");
    }
    // Payloads that are not objects, signed properly.
    for payload in ["[]", "\"claims\"", "{\"a\":", "null"] {
        let token = sign_raw(key(), "RS256", &header("RS256").to_string(), payload);
        assert!(
            decode(&decoder, &token).unwrap_err().is_malformed(),
            "{payload}"
        );
    }
}

#[test]
fn re_encoded_claims_break_the_signature() {
    let decoder = decoder();
    let good = key().sign(&header("RS256"), &claims());
    let s = good.rsplit('.').next().unwrap();
    let pretty = serde_json::to_string_pretty(&claims()).unwrap();
    let forged = format!(
        "{}.{}.{s}",
        b64(header("RS256").to_string().as_bytes()),
        b64(pretty.as_bytes())
    );
    assert!(matches!(
        decode(&decoder, &forged),
        Err(Error::BadSignature)
    ));
    let mut elevated = claims();
    elevated["sub"] = json!("00000000-0000-0000-0000-000000000000");
    let forged = format!(
        "{}.{}.{s}",
        b64(header("RS256").to_string().as_bytes()),
        b64(elevated.to_string().as_bytes())
    );
    assert!(matches!(
        decode(&decoder, &forged),
        Err(Error::BadSignature)
    ));
}

#[test]
fn oversized_tokens_are_refused_before_decoding() {
    let decoder = decoder();
    // 1 MB of junk that is not even a JWT: the size check comes first.
    let huge = "!".repeat(1 << 20);
    assert!(matches!(
        decode(&decoder, &huge),
        Err(Error::TooLarge {
            what: "ID token",
            ..
        })
    ));
    // A 100 000-element aud, properly signed.
    let mut c = claims();
    c["aud"] = json!(vec![CLIENT_ID; 100_000]);
    let token = key().sign(&header("RS256"), &c);
    assert!(matches!(
        decode(&decoder, &token),
        Err(Error::TooLarge { .. })
    ));
    // A 10 KiB header.
    let mut h = header("RS256");
    h["pad"] = json!("x".repeat(10_000));
    assert!(matches!(
        decode(&decoder, &key().sign(&h, &claims())),
        Err(Error::TooLarge {
            what: "ID token header",
            ..
        })
    ));
    // The limit is configurable, both ways.
    let small = offline(&["RS256"], jwks(&[key().jwk(None, None)]))
        .with_max_token_size(100)
        .build()
        .unwrap();
    assert!(matches!(
        decode(&small, &key().sign(&header("RS256"), &claims())),
        Err(Error::TooLarge { .. })
    ));
}
