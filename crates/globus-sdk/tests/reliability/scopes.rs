//! Row 33: the scope parser on Python's bad-input and cycle lists, empty input, control
//! characters, Unicode in authorize URLs, 10⁶-deep nesting, diamond chains and 1 MB
//! widths — with bounded time and no stack overflow.

use std::time::{Duration, Instant};

use globus_sdk::scopes::{ScopeError, parse_scopes, serialize};
use proptest::prelude::*;

use crate::support::native;

#[test]
fn row_33_python_bad_inputs_and_cycles_are_errors() {
    for bad in [
        "foo[",
        "foo[bar",
        "foo]",
        "foo bar]",
        "foo[bar]]",
        "foo[bar] baz]",
        "[foo]",
        "foo[]",
        "foo[[bar]]",
        "foo [bar]",
        "foo[bar]baz",
        "foo*",
        "* foo",
        "foo*[bar]",
        "foo [bar*]",
    ] {
        assert!(
            matches!(parse_scopes(bad), Err(ScopeError::Parse { .. })),
            "{bad:?}"
        );
    }
    for cyclic in [
        "foo[foo]",
        "foo[*foo]",
        "foo[bar[foo]]",
        "foo[bar[*baz[*bar]]]",
    ] {
        assert!(
            matches!(parse_scopes(cyclic), Err(ScopeError::Cycle { .. })),
            "{cyclic:?}"
        );
    }
    // Python's 1000-deep chain closing on itself, in well under 100 ms of real work.
    let mut chain = String::from("s0");
    for i in 1..1000 {
        chain.push_str(&format!("[s{i}"));
    }
    chain.push_str("[s0");
    chain.push_str(&"]".repeat(1000));
    let start = Instant::now();
    assert!(matches!(
        parse_scopes(&chain),
        Err(ScopeError::Cycle { .. })
    ));
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn row_33_empty_whitespace_and_control_characters() {
    assert!(parse_scopes("").unwrap().is_empty());
    assert!(parse_scopes("   ").unwrap().is_empty());
    assert_eq!(parse_scopes("  openid  email ").unwrap().len(), 2);
    for bad in [
        "foo\tbar",
        "foo\n",
        "foo\r\nbar",
        "foo\u{a0}",
        "foo[bar\u{0}]",
    ] {
        assert!(
            matches!(
                parse_scopes(bad),
                Err(ScopeError::ForbiddenCharacter { .. })
            ),
            "{bad:?}"
        );
    }
    // An empty scope set cannot start a flow; CR/LF never reach a URL.
    let client = native("https://127.0.0.1:1/");
    assert!(client.oauth2_start_flow("").is_err());
    assert!(client.oauth2_start_flow("openid\r\nX-Injected: 1").is_err());
}

#[test]
fn row_33_unicode_and_url_punctuation_are_percent_encoded_in_urls() {
    let scopes = "urn:globus:auth:scope:é emoji:🦀 rtl:\u{200f}mark a%20b c&d=e f#g h\"i";
    assert_eq!(parse_scopes(scopes).unwrap().len(), 7);
    let flow = native("https://127.0.0.1:1/")
        .oauth2_start_flow(scopes)
        .unwrap();
    let url = flow.authorize_url();
    let raw = url.as_str();
    for forbidden in ["é", "🦀", "\u{200f}", " ", "\"", "c&d", "f#g"] {
        assert!(!raw.contains(forbidden), "{forbidden:?} unencoded in {raw}");
    }
    let sent: String = url
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(parse_scopes(&sent).unwrap().len(), 7, "{sent}");
}

/// Runs `f` on a thread with a small stack: recursion over the depth would overflow.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn row_33_deep_wide_and_diamond_inputs_are_bounded() {
    on_small_stack(|| {
        // 10⁶ levels: refused by size before any recursion; 10⁵ levels by depth.
        let million = format!("{}a{}", "a[".repeat(1_000_000), "]".repeat(1_000_000));
        assert!(parse_scopes(&million).is_err());
        let deep = format!("{}a{}", "a[".repeat(100_000), "]".repeat(100_000));
        let start = Instant::now();
        assert!(matches!(
            parse_scopes(&deep),
            Err(ScopeError::TooDeep { .. } | ScopeError::Cycle { .. })
        ));
        assert!(start.elapsed() < Duration::from_secs(2));
        // A diamond chain of 10⁴ levels (2^10000 paths): refused fast, never expanded.
        let diamond = (0..10_000)
            .flat_map(|i| {
                let deps = format!("[n{} m{}]", i + 1, i + 1);
                [format!("n{i}{deps}"), format!("m{i}{deps}")]
            })
            .collect::<Vec<_>>()
            .join(" ");
        let start = Instant::now();
        assert!(parse_scopes(&diamond).is_err());
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        // 10⁵ scopes wide is fine and linear; Display and Drop of the result are iterative.
        let wide: String = (0..100_000).map(|i| format!("s{i} ")).collect();
        let start = Instant::now();
        let scopes = parse_scopes(&wide).unwrap();
        assert_eq!(scopes.len(), 100_000);
        assert!(serialize(&scopes, false).unwrap().len() > 500_000);
        drop(scopes);
        assert!(start.elapsed() < Duration::from_secs(5));
        // Just over 1 MiB: refused by length.
        assert!(matches!(
            parse_scopes(&"x".repeat((1 << 20) + 1)),
            Err(ScopeError::InputTooLong { .. })
        ));
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn row_33_parse_of_display_round_trips_and_nothing_panics(s in "[a-c\\[\\] *]{0,40}") {
        if let Ok(scopes) = parse_scopes(&s) {
            let text = serialize(&scopes, true).unwrap_or_default();
            let again = parse_scopes(&text).unwrap();
            prop_assert_eq!(serialize(&again, true).unwrap_or_default(), text);
        }
    }
}
