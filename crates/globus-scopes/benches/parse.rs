//! Parser benchmarks: a realistic mix of scope strings, and the adversarial shapes.
//!
//! Run with `cargo bench -p globus-scopes --bench parse`. Throughput is reported per
//! scope string (items) and in bytes.
//!
//! - `mix_100k`: 100,000 distinct strings as applications send them (OIDC and URN scopes,
//!   URL scopes, space-separated requests, Transfer with dependent `data_access` scopes on
//!   one to three collections, flows and timers over Transfer), each parsed on its own.
//!   The target is at least 200 MB/s.
//! - `chain`/`diamond`/`wide` at 1k, 2k, 5k and 10k: the cost per byte as the input grows,
//!   with the default limits (rejected early) and raised ones. Parsing is linear; the
//!   verdict is the instruction count `cargo xtask bench` takes with callgrind (the
//!   `GLOBUS_BENCH_DRIVER=chain:<n>` / `diamond:<n>` driver modes below), as time per byte
//!   on a shared machine also grows with the working set.
//!
//! After divan's tables, `cargo bench` (not `cargo test`) prints `bench-summary` lines for
//! `cargo xtask bench`: the mix's throughput, and the time per byte at 10k against 1k for
//! the raised-limit chain and diamond (informative).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use globus_scopes::{ParseLimits, ScopeParser, merge_scopes, parse_scopes};

fn main() {
    // For instruction counts: `GLOBUS_BENCH_DRIVER=mix_100k valgrind --tool=callgrind …`
    // parses the mix once and exits.
    // `GLOBUS_BENCH_DRIVER=chain:10000` (or `diamond:`, `wide:`) parses that input once
    // with raised limits, so instruction counts at two sizes show linearity.
    match std::env::var("GLOBUS_BENCH_DRIVER").as_deref() {
        Ok("mix_100k") => {
            for text in &mix_100k() {
                black_box(parse_scopes(black_box(text)).unwrap());
            }
            return;
        }
        Ok(other) => {
            let (kind, n) = other
                .split_once(':')
                .expect("GLOBUS_BENCH_DRIVER=<kind>:<n>");
            let n: usize = n.parse().expect("a size");
            let text = match kind {
                "chain" => chain(n),
                "diamond" => diamond(n),
                _ => wide(n),
            };
            black_box(parser(true, n).parse(black_box(&text)).is_ok());
            return;
        }
        Err(_) => {}
    }
    divan::main();
    if std::env::args().any(|arg| arg == "--bench")
        && std::env::var_os("GLOBUS_BENCH_NO_SUMMARY").is_none()
    {
        summary();
    }
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

/// A small deterministic generator (xorshift), so the mix is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn uuid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// 100,000 distinct scope strings in realistic proportions.
fn mix_100k() -> Vec<String> {
    const URNS: [&str; 8] = [
        "openid",
        "email",
        "profile",
        "urn:globus:auth:scope:auth.globus.org:view_identities",
        "urn:globus:auth:scope:auth.globus.org:view_identity_set",
        "urn:globus:auth:scope:transfer.api.globus.org:all",
        "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
        "urn:globus:auth:scope:search.api.globus.org:all",
    ];
    let transfer = "urn:globus:auth:scope:transfer.api.globus.org:all";
    let data_access = |c: &str| format!("https://auth.globus.org/scopes/{c}/data_access");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..100_000)
        .map(|_| match rng.below(20) {
            // 25%: one URN or OIDC scope.
            0..=4 => URNS[rng.below(URNS.len() as u64) as usize].to_owned(),
            // 15%: a login request, several scopes separated by spaces.
            5..=7 => format!(
                "openid profile email {} {}",
                URNS[3 + rng.below(5) as usize],
                URNS[3 + rng.below(5) as usize]
            ),
            // 20%: a URL scope (a collection, a flow, a timer).
            8..=11 => match rng.below(3) {
                0 => data_access(&rng.uuid()),
                1 => {
                    let flow = rng.uuid();
                    format!(
                        "https://auth.globus.org/scopes/{flow}/flow_{}_user",
                        flow.replace('-', "_")
                    )
                }
                _ => format!("https://auth.globus.org/scopes/{}/timer", rng.uuid()),
            },
            // 30%: Transfer with data_access on one to three collections.
            12..=17 => {
                let deps: Vec<String> = (0..1 + rng.below(3))
                    .map(|_| format!("*{}", data_access(&rng.uuid())))
                    .collect();
                format!("{transfer}[{}]", deps.join(" "))
            }
            // 10%: a timer or flow over Transfer over a collection, two levels deep.
            _ => format!(
                "https://auth.globus.org/scopes/{}/timer[{transfer}[*{}]]",
                rng.uuid(),
                data_access(&rng.uuid())
            ),
        })
        .collect()
}

/// Parses each of 100,000 realistic strings on its own.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn mix_100k_strings(bencher: Bencher<'_, '_>) {
    let mix = mix_100k();
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

/// `s0[s1[…s{n-1}]]`: `n` levels of bracket nesting.
fn chain(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n - 1 {
        text.push_str(&format!("s{i}["));
    }
    text.push_str(&format!("s{}", n - 1));
    text.push_str(&"]".repeat(n - 1));
    text
}

/// `n0[n1 m1] m0[n1 m1] …` for `n` levels: flat text whose graph is `n` levels deep and
/// whose written-out size doubles with each level.
fn diamond(n: usize) -> String {
    (0..n)
        .flat_map(|i| {
            let deps = format!("[n{} m{}]", i + 1, i + 1);
            [format!("n{i}{deps}"), format!("m{i}{deps}")]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` distinct top-level scopes.
fn wide(n: usize) -> String {
    (0..n)
        .map(|i| format!("urn:globus:auth:scope:s{i}:all"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The default limits, or limits raised so that `n` levels parse (the diamond is then
/// refused by the serialised-size limit instead).
fn parser(raised: bool, n: usize) -> ScopeParser {
    if raised {
        ScopeParser::with_limits(ParseLimits::default().with_max_depth(n + 1))
    } else {
        ScopeParser::new()
    }
}

const SIZES: [usize; 4] = [1_000, 2_000, 5_000, 10_000];

/// The chain with the default depth limit: refused at level 1,024, after reading that far.
#[divan::bench(args = SIZES)]
fn chain_default(bencher: Bencher<'_, '_>, n: usize) {
    let text = chain(n);
    let parser = parser(false, n);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| black_box(parser.parse(black_box(&text)).is_ok()));
}

/// The chain with the depth limit raised to `n`: parsed.
#[divan::bench(args = SIZES)]
fn chain_raised(bencher: Bencher<'_, '_>, n: usize) {
    let text = chain(n);
    let parser = parser(true, n);
    assert!(parser.parse(&text).is_ok());
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| black_box(parser.parse(black_box(&text)).is_ok()));
}

/// The diamond with the default limits: refused by the depth limit once the graph is
/// built.
#[divan::bench(args = SIZES)]
fn diamond_default(bencher: Bencher<'_, '_>, n: usize) {
    let text = diamond(n);
    let parser = parser(false, n);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| black_box(parser.parse(black_box(&text)).is_err()));
}

/// The diamond with the depth limit raised: refused by the serialised-size limit (its text
/// would be about 2^n bytes).
#[divan::bench(args = SIZES)]
fn diamond_raised(bencher: Bencher<'_, '_>, n: usize) {
    let text = diamond(n);
    let parser = parser(true, n);
    assert!(parser.parse(&text).is_err());
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| black_box(parser.parse(black_box(&text)).is_err()));
}

/// `n` distinct top-level scopes.
#[divan::bench(args = SIZES)]
fn wide_top_level(bencher: Bencher<'_, '_>, n: usize) {
    let text = wide(n);
    bencher
        .counter(ItemsCount::new(n))
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

/// The (median, fastest) over `rounds` of the seconds one call of `f` takes. On a shared
/// machine the fastest run is the better estimate of the cost itself (load only ever adds
/// time); both are reported.
fn timings(rounds: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn summary_line(group: &str, sdk: &str, ratio: &str, target: &str, met: bool) {
    let verdict = if met { "met" } else { "MISSED" };
    println!("bench-summary\t{group}\t-\t{sdk}\t{ratio}\t{target}\t{verdict}");
}

fn summary() {
    let mix = mix_100k();
    let bytes: usize = mix.iter().map(String::len).sum();
    let (median, fastest) = timings(21, || {
        for text in &mix {
            black_box(parse_scopes(black_box(text)).unwrap());
        }
    });
    let mb_per_s = |seconds: f64| bytes as f64 / seconds / 1e6;
    summary_line(
        "scopes/mix_100k",
        &format!(
            "{:.0} MB/s, {:.0} ns/string median; {:.0} MB/s, {:.0} ns/string fastest ({:.1} MB, {} strings)",
            mb_per_s(median),
            median * 1e9 / mix.len() as f64,
            mb_per_s(fastest),
            fastest * 1e9 / mix.len() as f64,
            bytes as f64 / 1e6,
            mix.len()
        ),
        "-",
        ">= 200 MB/s (median)",
        mb_per_s(median) >= 200.0,
    );
    for (name, make) in [
        ("chain", chain as fn(usize) -> String),
        ("diamond", diamond),
    ] {
        let per_byte = |n: usize| {
            let text = make(n);
            let parser = parser(true, n);
            let (_, fastest) = timings(31, || {
                black_box(parser.parse(black_box(&text)).is_ok());
            });
            fastest / text.len() as f64
        };
        let small = per_byte(1_000);
        let large = per_byte(10_000);
        let growth = large / small;
        // Informative: on a shared machine, time per byte also grows with the working set
        // (10k levels no longer fit the small caches). The verdict on linearity is the
        // instruction count `cargo xtask bench` takes with callgrind.
        println!(
            "bench-summary\tscopes/{name}_raised time per byte\t-\t{:.2} ns/byte at 1k, {:.2} ns/byte at 10k (fastest of 31)\t{growth:.2}x per byte (10k/1k)\tsee instructions\t-",
            small * 1e9,
            large * 1e9
        );
    }
}
