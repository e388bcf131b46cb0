//! Fuzzes key-set parsing: arbitrary bytes as a JWKS document, preloaded into an offline
//! decoder that then decodes the real Globus ID token. No input may panic; the token may
//! verify only when the set holds the genuine key.
#![no_main]

mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

struct Setup {
    fixture: Value,
    token: String,
    modulus: String,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let fixture = common::fixture();
        let token = common::fixture_token(&fixture);
        let modulus = fixture["jwks"]["keys"][0]["n"]
            .as_str()
            .expect("fixture modulus")
            .to_owned();
        Setup {
            fixture,
            token,
            modulus,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let setup = setup();
    let Ok(jwks) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    match common::builder(&setup.fixture)
        .with_jwks_json(jwks.clone())
        .with_key_set_limits(64 * 1024, 16)
        .build()
    {
        Ok(decoder) => {
            if common::decode(&decoder, &setup.token).is_ok() {
                let text = jwks.to_string();
                assert!(
                    text.contains(&setup.modulus),
                    "the token verified with a key set lacking the genuine key"
                );
            }
        }
        Err(err) => {
            let _ = (err.to_string(), format!("{err:?}"));
        }
    }
});
