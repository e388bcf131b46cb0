//! IdTokenDecoder: good tokens, the real Globus fixture, and every claim check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use globus_core::clock::{ManualClock, SystemClock};
use globus_identity::{Error, IdTokenDecoder};
use serde_json::{Value, json};
use support::*;

fn token_with(claims: &Value) -> String {
    key().sign(&header("RS256"), claims)
}

fn decode_claims(claims: &Value) -> globus_identity::Result<globus_identity::IdTokenClaims> {
    decode(&decoder(), &token_with(claims))
}

fn with(field: &str, value: Value) -> Value {
    let mut c = claims();
    c[field] = value;
    c
}

fn without(field: &str) -> Value {
    let mut c = claims();
    c.as_object_mut().unwrap().remove(field);
    c
}

#[test]
fn rs256_token_verifies_and_types_the_claims() {
    let got = decode_claims(&claims()).unwrap();
    assert_eq!(got.sub, "c8aad43e-d274-11e5-bf98-8b02896cf782");
    assert_eq!(got.iss, ISSUER);
    assert_eq!(got.aud, vec![CLIENT_ID.to_owned()]);
    assert_eq!((got.exp, got.iat, got.nbf), (NOW + 3600, NOW, None));
    assert_eq!(got.preferred_username.as_deref(), Some("ada@globusid.org"));
    assert_eq!(got.organization.as_deref(), Some("Analytical Engines"));
    assert_eq!(
        got.identity_provider_display_name.as_deref(),
        Some("Globus ID")
    );
    assert_eq!(got.last_authentication, Some(NOW - 10));
    let set = got.identity_set.as_ref().unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(set[1].name, None);
    assert_eq!(set[1].last_authentication, None);
    assert_eq!(got.raw()["email"], "ada@example.org");
    assert_eq!(got.get("name"), Some(&json!("Ada Lovelace")));
}

#[test]
fn rs384_and_rs512_tokens_verify() {
    let decoder = offline(&["RS256", "RS384", "RS512"], jwks(&[key().jwk(None, None)]))
        .build()
        .unwrap();
    for alg in ["RS384", "RS512"] {
        let token = key().sign(&header(alg), &claims());
        assert!(decode(&decoder, &token).is_ok(), "{alg}");
    }
}

#[test]
fn the_real_globus_token_decodes_at_a_pinned_time() {
    let fixture = fixture();
    let token = fixture["token_response"]["id_token"].as_str().unwrap();
    let decoder = IdTokenDecoder::offline()
        .with_openid_configuration(
            serde_json::from_value(fixture["openid_configuration"].clone()).unwrap(),
        )
        .with_jwks_json(fixture["jwks"].clone())
        .with_audience(fixture["client_id"].as_str().unwrap())
        .with_clock(Arc::new(ManualClock::new(1_621_481_011 + 60)))
        .build()
        .unwrap();
    let claims = decode(&decoder, token).unwrap();
    assert_eq!(
        claims.preferred_username.as_deref(),
        Some("sirosen2@globusid.org")
    );
    assert_eq!(claims.iss, "https://auth.globus.org");
    assert_eq!(claims.exp, 1_621_653_811);
    assert_eq!(claims.exp - claims.iat, 172_800);
    assert_eq!(
        claims.at_hash.as_deref(),
        Some("1PvUancEuL_sg1WPl5luMEFGkcL6Ph8uqgiUFsz8deA")
    );
    let set = claims.identity_set.unwrap();
    assert_eq!(set.len(), 3);
    assert_eq!(
        set[2].username.as_deref(),
        Some("sirosen+bademail2@globus.org")
    );
}

#[test]
fn the_real_globus_token_is_expired_today_unless_expiry_is_insecurely_disabled() {
    let fixture = fixture();
    let token = fixture["token_response"]["id_token"].as_str().unwrap();
    let builder = || {
        IdTokenDecoder::offline()
            .with_openid_configuration(
                serde_json::from_value(fixture["openid_configuration"].clone()).unwrap(),
            )
            .with_jwks_json(fixture["jwks"].clone())
            .with_audience(fixture["client_id"].as_str().unwrap())
            .with_clock(Arc::new(SystemClock))
    };
    let err = decode(&builder().build().unwrap(), token).unwrap_err();
    assert!(err.is_expired(), "{err}");
    let claims = decode(
        &builder().insecure_disable_expiry_check().build().unwrap(),
        token,
    )
    .unwrap();
    assert_eq!(claims.sub, "c8aad43e-d274-11e5-bf98-8b02896cf782");
    // Python's other way: a leeway as large as the token's age.
    let age = SystemClock.now_unix_for_test() - 1_621_653_811 + 1;
    let claims = decode(
        &builder()
            .with_leeway(Duration::from_secs(age as u64))
            .build()
            .unwrap(),
        token,
    );
    assert!(claims.is_ok());
}

trait NowForTest {
    fn now_unix_for_test(&self) -> i64;
}
impl NowForTest for SystemClock {
    fn now_unix_for_test(&self) -> i64 {
        globus_core::clock::Clock::now_unix(self)
    }
}

#[test]
fn exp_boundaries_at_the_leeway() {
    // Rejected on or after exp + leeway (RFC 7519 and PyJWT), accepted one second before.
    let ok = decode_claims(&with("exp", json!(NOW - 300 + 1)));
    assert!(ok.is_ok(), "{ok:?}");
    for exp in [NOW - 300, NOW - 300 - 1, -1, 0] {
        let err = decode_claims(&with("exp", json!(exp))).unwrap_err();
        assert!(matches!(err, Error::Expired { .. }), "{exp}: {err}");
        assert!(err.is_claims_error() && err.is_time_error());
    }
}

#[test]
fn iat_and_nbf_boundaries_at_the_leeway() {
    assert!(decode_claims(&with("iat", json!(NOW + 300))).is_ok());
    let err = decode_claims(&with("iat", json!(NOW + 300 + 1))).unwrap_err();
    assert!(matches!(err, Error::IssuedInFuture { .. }), "{err}");
    assert!(err.to_string().contains("clock"));

    assert!(decode_claims(&with("nbf", json!(NOW + 300))).is_ok());
    assert!(decode_claims(&with("nbf", json!(NOW - 1000))).is_ok());
    let err = decode_claims(&with("nbf", json!(NOW + 300 + 1))).unwrap_err();
    assert!(matches!(err, Error::NotYetValid { .. }), "{err}");
}

#[test]
fn a_local_clock_ten_minutes_off_is_a_clear_clock_error() {
    for skew in [-600, 600] {
        let decoder = offline(&["RS256"], jwks(&[key().jwk(None, None)]))
            .with_clock(Arc::new(ManualClock::new(NOW + skew)))
            .with_leeway(Duration::from_secs(300))
            .build()
            .unwrap();
        let mut c = claims();
        c["exp"] = json!(NOW + 60);
        let err = decode(&decoder, &token_with(&c)).unwrap_err();
        assert!(err.is_time_error(), "{skew}: {err}");
    }
}

#[test]
fn the_issuer_must_match_exactly() {
    for iss in [
        "https://auth.globus.org/",
        "http://auth.globus.org",
        "https://AUTH.globus.org",
        "https://auth.globus.org.evil.example",
        "https://evil.example",
        "",
    ] {
        let err = decode_claims(&with("iss", json!(iss))).unwrap_err();
        assert!(matches!(err, Error::WrongIssuer { .. }), "{iss}: {err}");
    }
    assert!(matches!(
        decode_claims(&without("iss")),
        Err(Error::MissingClaim("iss"))
    ));
    assert!(matches!(
        decode_claims(&with("iss", json!(1))),
        Err(Error::InvalidClaim { claim: "iss", .. })
    ));
}

#[test]
fn the_issuer_check_can_be_overridden_or_explicitly_disabled() {
    let token = token_with(&with("iss", json!("https://auth.sandbox.globuscs.info")));
    let base = || offline(&["RS256"], jwks(&[key().jwk(None, None)]));
    assert!(decode(&base().build().unwrap(), &token).is_err());
    let custom = base()
        .with_issuer("https://auth.sandbox.globuscs.info")
        .build()
        .unwrap();
    assert!(decode(&custom, &token).is_ok());
    let lax = base().insecure_disable_issuer_check().build().unwrap();
    assert!(decode(&lax, &token).is_ok());
    assert!(decode(&lax, &token_with(&without("iss"))).is_ok());
}

#[test]
fn the_audience_must_be_this_client_and_nothing_untrusted() {
    for aud in [
        json!(OTHER_CLIENT),
        json!([CLIENT_ID, OTHER_CLIENT]),
        json!([OTHER_CLIENT]),
        json!([]),
        json!(""),
    ] {
        let err = decode_claims(&with("aud", aud.clone())).unwrap_err();
        assert!(matches!(err, Error::WrongAudience(_)), "{aud}: {err}");
    }
    for aud in [
        json!(42),
        json!([CLIENT_ID, 42]),
        json!(null),
        json!({"a": 1}),
    ] {
        let err = decode_claims(&with("aud", aud.clone())).unwrap_err();
        assert!(
            matches!(err, Error::InvalidClaim { claim: "aud", .. }),
            "{aud}: {err}"
        );
    }
    assert!(matches!(
        decode_claims(&without("aud")),
        Err(Error::MissingClaim("aud"))
    ));
    assert!(decode_claims(&with("aud", json!([CLIENT_ID]))).is_ok());

    // An extra audience is accepted only when trusted; other configured audiences count.
    let token = token_with(&with("aud", json!([CLIENT_ID, OTHER_CLIENT])));
    let trusting = offline(&["RS256"], jwks(&[key().jwk(None, None)]))
        .with_trusted_audiences([OTHER_CLIENT])
        .build()
        .unwrap();
    assert!(decode(&trusting, &token).is_ok());
    let both = offline(&["RS256"], jwks(&[key().jwk(None, None)]))
        .with_audiences([OTHER_CLIENT, CLIENT_ID])
        .build()
        .unwrap();
    assert_eq!(both.audiences().len(), 2);
    assert!(decode(&both, &token).is_ok());
}

#[test]
fn azp_when_present_must_be_this_client() {
    assert!(decode_claims(&with("azp", json!(CLIENT_ID))).is_ok());
    assert!(matches!(
        decode_claims(&with("azp", json!(OTHER_CLIENT))),
        Err(Error::WrongAuthorizedParty)
    ));
    assert!(matches!(
        decode_claims(&with("azp", json!(null))),
        Err(Error::InvalidClaim { claim: "azp", .. })
    ));
}

#[test]
fn required_claims_must_be_present() {
    for (claim, name) in [
        ("exp", "exp"),
        ("iat", "iat"),
        ("sub", "sub"),
        ("iss", "iss"),
        ("aud", "aud"),
    ] {
        let err = decode_claims(&without(claim)).unwrap_err();
        assert!(
            matches!(err, Error::MissingClaim(c) if c == name),
            "{claim}: {err}"
        );
    }
}

#[test]
fn wrong_claim_types_are_errors_never_absent() {
    let cases = [
        ("exp", json!("99999999999")),
        ("exp", json!(1.5e10)),
        ("exp", json!(1621653811.0)),
        ("exp", json!(null)),
        ("exp", json!(true)),
        ("exp", json!(u64::MAX)),
        ("iat", json!(null)),
        ("iat", json!("0")),
        ("nbf", json!("never")),
        ("nbf", json!(null)),
        ("nbf", json!(1.5)),
        ("sub", json!(123)),
        ("sub", json!(null)),
        ("sub", json!("")),
        ("email", json!(42)),
        ("identity_set", json!("me")),
        ("last_authentication", json!("yesterday")),
        ("nonce", json!(7)),
    ];
    for (claim, value) in cases {
        let err = decode_claims(&with(claim, value.clone())).unwrap_err();
        assert!(
            matches!(err, Error::InvalidClaim { claim: c, .. } if c == claim),
            "{claim} = {value}: {err}"
        );
        assert!(err.is_claims_error());
    }
}

#[test]
fn out_of_range_and_duplicate_claims_are_refused() {
    let base = claims().to_string();
    let body = base.trim_end_matches('}');
    // 1e400 is out of range for JSON numbers: the payload does not parse.
    let huge = sign_raw(
        key(),
        "RS256",
        &header("RS256").to_string(),
        &format!("{body},\"nbf\":1e400}}"),
    );
    assert!(matches!(
        decode(&decoder(), &huge),
        Err(Error::Malformed(_))
    ));
    // A second exp must not shadow the first.
    let dup = sign_raw(
        key(),
        "RS256",
        &header("RS256").to_string(),
        &format!("{body},\"exp\":99999999999}}"),
    );
    let err = decode(&decoder(), &dup).unwrap_err();
    assert!(
        matches!(&err, Error::Malformed(m) if m.contains("duplicate")),
        "{err}"
    );
}

#[test]
fn the_nonce_is_checked_when_expected() {
    let decoder = decoder();
    let token = token_with(&with("nonce", json!("n-42")));
    let run = |nonce: &str, token: &str| {
        use futures_util::FutureExt as _;
        decoder
            .decode_with_nonce(token, nonce)
            .now_or_never()
            .unwrap()
    };
    assert_eq!(run("n-42", &token).unwrap().nonce.as_deref(), Some("n-42"));
    assert!(matches!(run("n-43", &token), Err(Error::NonceMismatch)));
    assert!(matches!(
        run("n-42", &token_with(&claims())),
        Err(Error::NonceMismatch)
    ));
}

#[test]
fn leeway_is_configurable() {
    let strict = offline(&["RS256"], jwks(&[key().jwk(None, None)]))
        .with_leeway(Duration::ZERO)
        .build()
        .unwrap();
    assert!(decode(&strict, &token_with(&with("exp", json!(NOW + 1)))).is_ok());
    assert!(decode(&strict, &token_with(&with("exp", json!(NOW)))).is_err());
    assert!(decode(&strict, &token_with(&with("iat", json!(NOW + 1)))).is_err());
}

#[test]
fn builder_misuse_is_a_usage_error() {
    // An AuthClient knows no client id: the audience must be given.
    let auth = auth_client("https://auth.globus.org/");
    let err = IdTokenDecoder::new(auth.clone()).unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err}");
    assert!(
        IdTokenDecoder::builder(auth)
            .with_audience(CLIENT_ID)
            .build()
            .is_ok()
    );
    // Offline needs both documents.
    let err = IdTokenDecoder::offline()
        .with_openid_configuration(config(&["RS256"]))
        .with_audience(CLIENT_ID)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err}");
    // A login client gives its id as the audience.
    let login = native_client("https://auth.globus.org/", CLIENT_ID);
    assert_eq!(IdTokenDecoder::new(login).unwrap().audiences(), [CLIENT_ID]);
}

#[test]
fn errors_do_not_echo_claim_values() {
    let secret = "sentinel-claim-value-4242";
    let err = decode_claims(&with("aud", json!(secret))).unwrap_err();
    assert!(!err.to_string().contains(secret));
    assert!(!format!("{err:?}").contains(secret));
    let err = decode_claims(&with("exp", json!(secret))).unwrap_err();
    assert!(!err.to_string().contains(secret));
}
