//! Benchmarks: ID-token decode+verify through `IdTokenDecoder` (cached key set) against
//! `jsonwebtoken::decode` with the same key and checks; `IdentityMap` resolving 10 000 ids
//! against a local mock, sequential and 4 batches in flight.
//!
//! `cargo bench -p globus-identity --bench identity`. The identity lookups go to a loopback
//! server on its own thread ([`globus_testing::loopback`]) that answers every id asked
//! for, optionally after 1 ms. After divan's tables, `cargo bench` prints `bench-summary`
//! lines for `cargo xtask bench`: decoder against `jsonwebtoken` (interleaved, thread CPU
//! time), the requests one resolution of 10 000 ids makes, and sequential against 4
//! batches in flight. Figures: BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::FutureExt as _;
use globus_auth::AuthClient;
use globus_core::{EnvVars, RetryConfig};
use globus_identity::{IdTokenDecoder, IdentityLookup, IdentityMap};
use globus_testing::bench::{Comparison, Summary, format_ns, is_bench_run, median};
use globus_testing::keys::{TestKey, jose_header};
use globus_testing::loopback::{LoopbackResponse, LoopbackServer};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

const ISSUER: &str = "https://auth.globus.org";
const CLIENT_ID: &str = "7fb58e00-839d-44e3-8047-10a502612dca";

fn main() {
    divan::main();
    if is_bench_run() {
        decoder_summary();
        identity_map::summary();
    }
}

struct Tokens {
    decoder: IdTokenDecoder,
    key: DecodingKey,
    rs256: String,
    rs512: String,
}

fn tokens() -> &'static Tokens {
    static TOKENS: OnceLock<Tokens> = OnceLock::new();
    TOKENS.get_or_init(|| {
        let key = TestKey::generate();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        // Globus-shaped claims (3 linked identities), valid for a day.
        let identity = json!({"sub": "c8aad43e-d274-11e5-bf98-8b02896cf782", "username": "ada@globusid.org",
            "name": "Ada Lovelace", "organization": "Globus", "email": "ada@example.org",
            "identity_provider": "41143743-f3c8-4d60-bbdb-eeecaba85bd9",
            "identity_provider_display_name": "Globus ID", "last_authentication": now});
        let claims = json!({"sub": "c8aad43e-d274-11e5-bf98-8b02896cf782", "iss": ISSUER, "aud": CLIENT_ID,
            "exp": now + 86_400, "iat": now, "preferred_username": "ada@globusid.org", "name": "Ada Lovelace",
            "organization": "Globus", "email": "ada@example.org",
            "identity_provider": "41143743-f3c8-4d60-bbdb-eeecaba85bd9",
            "identity_provider_display_name": "Globus ID", "last_authentication": now,
            "identity_set": [identity, identity, identity], "at_hash": "1PvUancEuL_sg1WPl5luMEFGkcL6Ph8uqgiUFsz8deA"});
        let config: globus_auth::models::OpenIdConfiguration = serde_json::from_value(json!({
            "issuer": ISSUER, "jwks_uri": format!("{ISSUER}/jwk.json"),
            "id_token_signing_alg_values_supported": ["RS256", "RS512"],
        }))
        .unwrap();
        let decoder = IdTokenDecoder::offline()
            .with_openid_configuration(config)
            .with_jwks_json(json!({"keys": [key.jwk(None, None)]}))
            .with_audience(CLIENT_ID)
            .build()
            .unwrap();
        Tokens {
            decoder,
            key: DecodingKey::from_rsa_components(&key.n, &key.e).unwrap(),
            rs256: key.sign(&jose_header("RS256"), &claims),
            rs512: key.sign(&jose_header("RS512"), &claims),
        }
    })
}

fn token(alg: &str) -> &'static str {
    match alg {
        "RS512" => &tokens().rs512,
        _ => &tokens().rs256,
    }
}

mod decode {
    use super::*;

    /// The checks `IdTokenDecoder` makes, as `jsonwebtoken` spells them.
    pub(crate) fn validation(alg: &str) -> Validation {
        let algorithm = if alg == "RS512" {
            Algorithm::RS512
        } else {
            Algorithm::RS256
        };
        let mut validation = Validation::new(algorithm);
        validation.set_audience(&[CLIENT_ID]);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 300;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation
    }

    /// `IdTokenDecoder::decode` with the configuration and key set cached: strict parsing,
    /// allow-list, key selection, signature, every claim check, typed claims.
    #[divan::bench(args = ["RS256", "RS512"])]
    fn id_token_decoder(bencher: divan::Bencher<'_, '_>, alg: &str) {
        let decoder = &tokens().decoder;
        let token = token(alg);
        bencher.bench(|| {
            decoder
                .decode(divan::black_box(token))
                .now_or_never()
                .unwrap()
                .unwrap()
        });
    }

    /// `jsonwebtoken::decode` with the same key, algorithm, audience, issuer, leeway and
    /// required claims, into a `serde_json::Value`.
    #[divan::bench(args = ["RS256", "RS512"])]
    fn jsonwebtoken_direct(bencher: divan::Bencher<'_, '_>, alg: &str) {
        let validation = validation(alg);
        let key = &tokens().key;
        let token = token(alg);
        bencher.bench(|| {
            jsonwebtoken::decode::<Value>(divan::black_box(token), key, &validation).unwrap()
        });
    }
}

mod identity_map {
    use super::*;

    pub(crate) const KEYS: usize = 10_000;

    pub(crate) fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    /// A loopback server (its own thread) answering each lookup with a record for every id
    /// asked for, after `latency`.
    pub(crate) fn server(latency: Duration) -> LoopbackServer {
        LoopbackServer::with_latency(latency, |request| {
            let ids = request.query_param("ids").unwrap_or_default();
            let records: Vec<String> = ids
                .split("%2C")
                .flat_map(|part| part.split(','))
                .filter(|id| !id.is_empty())
                .map(|id| {
                    format!(
                        r#"{{"id": "{id}", "username": "u-{id}@example.org", "name": "Some One", "email": null, "organization": "Org", "status": "used", "identity_provider": "41143743-f3c8-4d60-bbdb-eeecaba85bd9", "identity_type": "login"}}"#
                    )
                })
                .collect();
            LoopbackResponse::json(format!(r#"{{"identities": [{}]}}"#, records.join(", ")))
        })
        .unwrap()
    }

    pub(crate) fn client(server: &LoopbackServer) -> AuthClient {
        AuthClient::builder()
            .with_env_vars(EnvVars::empty())
            .with_base_url(server.base_url())
            .with_retry_config(RetryConfig::disabled())
            .build()
            .unwrap()
    }

    pub(crate) fn ids() -> Vec<String> {
        (0..KEYS)
            .map(|i| format!("{i:08x}-0000-4000-8000-{i:012x}"))
            .collect()
    }

    /// Resolves `ids` with a new map. The map and the answers are returned, so that
    /// dropping them (10,000 records: ~11 ms of frees, the same whether the lookups ran
    /// one at a time or four at once) is not part of the resolution's time: divan drops a
    /// benchmark's output after timing it, and the summary drops it after reading the clock.
    pub(crate) fn resolve(
        rt: &tokio::runtime::Runtime,
        client: &AuthClient,
        ids: &[String],
        in_flight: usize,
    ) -> (IdentityMap, IdentityLookup) {
        let map = IdentityMap::builder(client.clone())
            .max_concurrent_batches(in_flight)
            .build();
        let found = rt.block_on(map.get_many(ids)).unwrap();
        assert_eq!(found.len(), KEYS);
        (map, found)
    }

    /// Resolves 10 000 ids (100 requests) against a loopback server with no added latency.
    #[divan::bench(args = [1, 4], sample_count = 10, sample_size = 1)]
    fn resolve_10000_ids(bencher: divan::Bencher<'_, '_>, in_flight: usize) {
        let rt = runtime();
        let server = server(Duration::ZERO);
        let client = client(&server);
        let ids = ids();
        bencher.bench_local(|| resolve(&rt, &client, &ids, in_flight));
    }

    /// The same with 1 ms of latency per response, as a nearby Auth would have.
    #[divan::bench(args = [1, 4], sample_count = 10, sample_size = 1)]
    fn resolve_10000_ids_1ms_latency(bencher: divan::Bencher<'_, '_>, in_flight: usize) {
        let rt = runtime();
        let server = server(Duration::from_millis(1));
        let client = client(&server);
        let ids = ids();
        bencher.bench_local(|| resolve(&rt, &client, &ids, in_flight));
    }

    /// Summary lines: the requests one resolution of 10 000 ids makes, and sequential
    /// against 4 batches in flight with 1 ms of latency (medians of interleaved runs).
    pub(crate) fn summary() {
        let rt = runtime();
        let server = server(Duration::from_millis(1));
        let client = client(&server);
        let ids = ids();
        resolve(&rt, &client, &ids, 4);
        server.reset_requests();
        resolve(&rt, &client, &ids, 1);
        let requests = server.requests();
        Summary::new(
            "identity/map_10000_ids requests",
            "-",
            format!("{requests} requests"),
            "-",
            "exactly 100",
            Some(requests == 100),
        )
        .print();
        let mut sequential = Vec::new();
        let mut concurrent = Vec::new();
        for _ in 0..7 {
            let start = Instant::now();
            let resolved = resolve(&rt, &client, &ids, 1);
            sequential.push(start.elapsed().as_secs_f64() * 1e9);
            drop(resolved);
            let start = Instant::now();
            let resolved = resolve(&rt, &client, &ids, 4);
            concurrent.push(start.elapsed().as_secs_f64() * 1e9);
            drop(resolved);
        }
        let (sequential, concurrent) = (median(sequential), median(concurrent));
        let speedup = sequential / concurrent;
        Summary::new(
            "identity/map_10000_ids 4 in flight vs sequential (1 ms latency)",
            format!("{} sequential", format_ns(sequential)),
            format!("{} with 4 in flight", format_ns(concurrent)),
            format!("{speedup:.2}x faster"),
            ">= 3x faster",
            Some(speedup >= 3.0),
        )
        .print();
    }
}

/// Summary lines for the decoder against `jsonwebtoken`, measured side by side.
fn decoder_summary() {
    for alg in ["RS256", "RS512"] {
        let decoder = &tokens().decoder;
        let token = token(alg);
        let validation = decode::validation(alg);
        let key = &tokens().key;
        let comparison = Comparison::run(
            21,
            200,
            || jsonwebtoken::decode::<Value>(token, key, &validation).unwrap(),
            || decoder.decode(token).now_or_never().unwrap().unwrap(),
        );
        Summary::ratio(format!("identity/id_token_{alg}"), &comparison, 1.10).print();
    }
}
