//! Fuzzes ID-token decoding: arbitrary token text through a strict offline decoder holding
//! the real Globus key (only the genuine token may verify), and arbitrary header or claims
//! JSON spliced into the genuine token's structure through a decoder with signature and
//! expiry checks disabled, so that the header and claims parsers are reached.
#![no_main]

mod common;

use std::sync::OnceLock;

use globus_identity::IdTokenDecoder;
use libfuzzer_sys::fuzz_target;

struct Setup {
    token: String,
    strict: IdTokenDecoder,
    lenient: IdTokenDecoder,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let fixture = common::fixture();
        let strict = common::builder(&fixture)
            .with_jwks_json(fixture["jwks"].clone())
            .build()
            .expect("strict decoder");
        let lenient = common::builder(&fixture)
            .with_jwks_json(fixture["jwks"].clone())
            .insecure_disable_signature_check()
            .insecure_disable_expiry_check()
            .build()
            .expect("lenient decoder");
        let token = common::fixture_token(&fixture);
        assert!(common::decode(&strict, &token).is_ok(), "fixture verifies");
        Setup {
            token,
            strict,
            lenient,
        }
    })
}

fn b64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

fuzz_target!(|data: &[u8]| {
    let setup = setup();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        // Raw token text: only the genuine token may be accepted.
        0 => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            match common::decode(&setup.strict, text) {
                Ok(_) => assert_eq!(text, setup.token, "a token other than the genuine one verified"),
                Err(err) => {
                    let _ = (err.to_string(), format!("{err:?}"));
                }
            }
            let _ = common::decode(&setup.lenient, text);
        }
        // Arbitrary claims JSON under the genuine header and signature.
        1 => {
            let mut parts = setup.token.split('.');
            let (header, _, signature) = (parts.next().unwrap(), parts.next(), parts.next().unwrap());
            let token = format!("{header}.{}.{signature}", b64(rest));
            assert!(common::decode(&setup.strict, &token).is_err() || b64(rest) == setup.token.split('.').nth(1).unwrap());
            if let Err(err) = common::decode(&setup.lenient, &token) {
                let _ = (err.to_string(), format!("{err:?}"));
            }
        }
        // Arbitrary header JSON over the genuine claims and signature.
        _ => {
            let mut parts = setup.token.split('.');
            let (_, claims, signature) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
            let token = format!("{}.{claims}.{signature}", b64(rest));
            let _ = common::decode(&setup.strict, &token);
            if let Err(err) = common::decode(&setup.lenient, &token) {
                let _ = (err.to_string(), format!("{err:?}"));
            }
        }
    }
});
