//! Parser benchmarks: a realistic mix of scope strings, and the adversarial shapes.
//!
//! Run with `cargo bench -p globus-scopes --bench parse`. Throughput is reported per
//! scope string (items) and in bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use globus_scopes::{ParseLimits, ScopeParser, merge_scopes, parse_scopes};

fn main() {
    divan::main();
}

const COLLECTIONS: [&str; 4] = [
    "542a86fc-1766-450d-841f-065488a2ec01",
    "0b5a3b4c-1e2d-4f6a-8b9c-0d1e2f3a4b5c",
    "9f6d2c1e-7a3b-4c5d-8e9f-0a1b2c3d4e5f",
    "c0ffee00-1234-4567-89ab-cdef01234567",
];

/// Scope strings as applications send them: OIDC and URN scopes, URL scopes, and
/// Transfer with dependent `data_access` scopes on one or more collections.
fn realistic_mix() -> Vec<String> {
    let transfer = "urn:globus:auth:scope:transfer.api.globus.org:all";
    let data_access = |c: &str| format!("https://auth.globus.org/scopes/{c}/data_access");
    let mut mix = vec![
        "openid profile email".to_owned(),
        "urn:globus:auth:scope:auth.globus.org:view_identities".to_owned(),
        transfer.to_owned(),
        "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships".to_owned(),
        "https://auth.globus.org/scopes/524230d7-ea86-4a52-8312-86065a9e0417/timer".to_owned(),
        "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/run_status".to_owned(),
        format!(
            "openid urn:globus:auth:scope:auth.globus.org:view_identity_set {transfer}[*{}]",
            data_access(COLLECTIONS[3])
        ),
    ];
    for c in COLLECTIONS {
        mix.push(format!("{transfer}[*{}]", data_access(c)));
    }
    mix.push(format!(
        "{transfer}[{}]",
        COLLECTIONS
            .iter()
            .map(|c| format!("*{}", data_access(c)))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    mix.push(format!(
        "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/run[{transfer}[*{}]]",
        data_access(COLLECTIONS[0])
    ));
    mix
}

#[divan::bench]
fn mix(bencher: Bencher<'_, '_>) {
    let mix = realistic_mix();
    let bytes: usize = mix.iter().map(String::len).sum();
    bencher
        .counter(ItemsCount::new(mix.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| {
            for text in &mix {
                black_box(parse_scopes(black_box(text)).unwrap());
            }
        });
}

#[divan::bench(args = ["plain_urn", "url", "nested_dependent"])]
fn single(bencher: Bencher<'_, '_>, kind: &str) {
    let text = match kind {
        "plain_urn" => "urn:globus:auth:scope:transfer.api.globus.org:all".to_owned(),
        "url" => format!(
            "https://auth.globus.org/scopes/{}/data_access",
            COLLECTIONS[0]
        ),
        _ => format!(
            "urn:globus:auth:scope:transfer.api.globus.org:all\
             [*https://auth.globus.org/scopes/{}/data_access]",
            COLLECTIONS[0]
        ),
    };
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| black_box(parse_scopes(black_box(&text)).unwrap()));
}

/// `s0[s1[…s9999]]`: rejected by the default depth limit, and accepted with a raised one.
#[divan::bench(args = [false, true])]
fn chain_10000(bencher: Bencher<'_, '_>, raised: bool) {
    let mut text = String::new();
    for i in 0..9_999 {
        text.push_str(&format!("s{i}["));
    }
    text.push_str("s9999");
    text.push_str(&"]".repeat(9_999));
    let parser = if raised {
        ScopeParser::with_limits(ParseLimits::default().with_max_depth(10_000))
    } else {
        ScopeParser::new()
    };
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| black_box(parser.parse(black_box(&text)).is_ok()));
}

/// `n0[n1 m1] m0[n1 m1] …` for 10,000 levels: rejected by the depth limit, or with a
/// raised depth limit by the serialised-size limit (its text would be 2^10000 bytes).
#[divan::bench(args = [false, true])]
fn diamond_10000(bencher: Bencher<'_, '_>, raised: bool) {
    let text = (0..10_000)
        .flat_map(|i| {
            let deps = format!("[n{} m{}]", i + 1, i + 1);
            [format!("n{i}{deps}"), format!("m{i}{deps}")]
        })
        .collect::<Vec<_>>()
        .join(" ");
    let parser = if raised {
        ScopeParser::with_limits(ParseLimits::default().with_max_depth(20_000))
    } else {
        ScopeParser::new()
    };
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| black_box(parser.parse(black_box(&text)).is_err()));
}

/// 10,000 distinct top-level scopes.
#[divan::bench]
fn wide_10000(bencher: Bencher<'_, '_>) {
    let text = (0..10_000)
        .map(|i| format!("urn:globus:auth:scope:s{i}:all"))
        .collect::<Vec<_>>()
        .join(" ");
    bencher
        .counter(ItemsCount::new(10_000usize))
        .counter(BytesCount::of_str(&text))
        .bench(|| black_box(parse_scopes(black_box(&text)).unwrap()));
}

#[divan::bench]
fn display_nested(bencher: Bencher<'_, '_>) {
    let scopes = parse_scopes(realistic_mix().last().unwrap()).unwrap();
    bencher.bench(|| black_box(black_box(&scopes[0]).to_string()));
}

#[divan::bench]
fn merge_mix(bencher: Bencher<'_, '_>) {
    let mix = realistic_mix();
    let a = parse_scopes(&mix[7]).unwrap();
    let b = parse_scopes(&mix[6]).unwrap();
    bencher.bench(|| black_box(merge_scopes(black_box(&a), black_box(&b)).unwrap()));
}
