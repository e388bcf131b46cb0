//! Table tests for the grammar, normalisation and cycle rules of the Python SDK (§5.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_scopes::{ParseErrorKind, Scope, ScopeError, ScopeGraph, parse_scopes};

fn texts(input: &str) -> Vec<String> {
    parse_scopes(input)
        .unwrap_or_else(|e| panic!("{input:?}: {e}"))
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn accepts_python_valid_inputs() {
    for (input, expected) in [
        ("foo", vec!["foo"]),
        ("*foo", vec!["*foo"]),
        ("foo[bar]", vec!["foo[bar]"]),
        ("foo[*bar]", vec!["foo[*bar]"]),
        ("foo bar", vec!["foo", "bar"]),
        ("foo[bar[baz]]", vec!["foo[bar[baz]]"]),
        ("foo[ bar   *baz  ]", vec!["foo[bar *baz]"]),
        ("foo ", vec!["foo"]),
        (" foo", vec!["foo"]),
        ("  foo   bar  ", vec!["foo", "bar"]),
        ("foo[ bar]", vec!["foo[bar]"]),
        ("foo[bar ]", vec!["foo[bar]"]),
        ("foo[bar] baz", vec!["foo[bar]", "baz"]),
        ("foo[bar[baz]] qux", vec!["foo[bar[baz]]", "qux"]),
    ] {
        assert_eq!(texts(input), expected, "{input:?}");
    }
}

#[test]
fn empty_and_blank_input_give_no_scopes() {
    assert_eq!(texts(""), Vec::<String>::new());
    assert_eq!(texts("   "), Vec::<String>::new());
}

#[test]
fn rejects_python_invalid_inputs_with_kind_and_position() {
    use ParseErrorKind::*;
    for (input, kind, position) in [
        ("foo*", EndsInOptionalMarker, 3),
        ("foo *", EndsInOptionalMarker, 4),
        ("foo*[bar]", OptionalMarkerWithoutScope, 3),
        ("foo *[bar]", OptionalMarkerWithoutScope, 4),
        ("foo [bar*]", SpaceBeforeOpeningBracket, 4),
        ("foo * ", SpaceAfterOptionalMarker, 4),
        ("* foo", SpaceAfterOptionalMarker, 0),
        ("foo[]", EmptyBrackets, 3),
        ("[foo]", OpeningBracketWithoutScope, 0),
        ("foo[[bar]]", DoubleOpeningBracket, 3),
        ("foo[", EndsInOpeningBracket, 4),
        ("foo[bar", UnclosedBracket, 7),
        ("foo]", UnmatchedClosingBracket, 3),
        ("foo bar]", UnmatchedClosingBracket, 7),
        ("foo[bar]]", UnmatchedClosingBracket, 8),
        ("foo[bar] baz]", UnmatchedClosingBracket, 12),
        ("foo [bar]", SpaceBeforeOpeningBracket, 4),
        ("foo[bar]baz", InvalidAfterClosingBracket, 8),
        // More shapes.
        ("*", EndsInOptionalMarker, 0),
        ("**x", OptionalMarkerWithoutScope, 0),
        ("*[x]", OptionalMarkerWithoutScope, 0),
        ("x[*]", OptionalMarkerWithoutScope, 2),
        ("x[y]*z", InvalidAfterClosingBracket, 4),
        ("]", UnmatchedClosingBracket, 0),
        ("[", EndsInOpeningBracket, 1),
        ("x[y[z]", UnclosedBracket, 6),
    ] {
        assert_eq!(
            parse_scopes(input),
            Err(ScopeError::Parse { kind, position }),
            "{input:?}"
        );
    }
}

#[test]
fn character_errors_win_over_token_errors_as_in_python() {
    // Python tokenizes the whole input before applying the token rules.
    assert_eq!(
        parse_scopes("[foo] [bar]"),
        Err(ScopeError::Parse {
            kind: ParseErrorKind::SpaceBeforeOpeningBracket,
            position: 6
        })
    );
}

#[test]
fn rejects_other_whitespace_and_control_characters() {
    for (input, character, position) in [
        ("foo\tbar", '\t', 3),
        ("foo\n", '\n', 3),
        ("foo\r\nbar", '\r', 3),
        ("foo[bar\u{0}]", '\u{0}', 7),
        ("foo\u{a0}", '\u{a0}', 3),
        ("\u{3000}foo", '\u{3000}', 0),
    ] {
        assert_eq!(
            parse_scopes(input),
            Err(ScopeError::ForbiddenCharacter {
                character,
                position
            }),
            "{input:?}"
        );
    }
}

#[test]
fn accepts_unicode_and_url_punctuation() {
    for input in [
        "urn:globus:auth:scope:é",
        "emoji:🦀",
        "rtl:\u{200f}mark",
        "https://x/y?a=%20&b=#frag",
        "quote\"d",
    ] {
        assert_eq!(texts(input), vec![input.to_owned()], "{input:?}");
    }
}

#[test]
fn normalisation_rules() {
    for (input, expected) in [
        // Duplicate removal; top-level entries are (string, optional) pairs.
        ("foo foo", vec!["foo"]),
        ("*foo foo", vec!["*foo", "foo"]),
        ("foo *foo foo *foo", vec!["foo", "*foo"]),
        // Dependencies are a union per scope string, wherever it appears.
        ("foo[bar] foo[baz]", vec!["foo[bar baz]"]),
        (
            "foo[bar[baz]] qux[bar]",
            vec!["foo[bar[baz]]", "qux[bar[baz]]"],
        ),
        ("foo[bar[baz]] bar", vec!["foo[bar[baz]]", "bar[baz]"]),
        ("foo[bar] *foo", vec!["foo[bar]", "*foo[bar]"]),
        // Optional and required collapse to required.
        ("foo[bar *bar]", vec!["foo[bar]"]),
        ("foo[*bar bar]", vec!["foo[bar]"]),
        ("foo[bar[*baz]] bar[baz]", vec!["foo[bar[baz]]", "bar[baz]"]),
        ("foo[bar[baz]] bar[*baz]", vec!["foo[bar[baz]]", "bar[baz]"]),
        ("foo[*bar] baz[*bar]", vec!["foo[*bar]", "baz[*bar]"]),
        // Deterministic first-seen order.
        ("a b c d e f", vec!["a", "b", "c", "d", "e", "f"]),
        ("x[c b a] x[d a]", vec!["x[c b a d]"]),
    ] {
        assert_eq!(texts(input), expected, "{input:?}");
    }
}

#[test]
fn shared_sub_scopes_are_one_allocation() {
    let scopes = parse_scopes("foo[bar[baz]] qux[bar]").unwrap();
    let (foo_bar, qux_bar) = (&scopes[0].dependencies()[0], &scopes[1].dependencies()[0]);
    assert_eq!(foo_bar, qux_bar);
    assert!(std::ptr::eq(
        foo_bar.dependencies().as_ptr(),
        qux_bar.dependencies().as_ptr()
    ));
}

#[test]
fn cycles_are_rejected_and_named() {
    for (input, scope) in [
        ("foo[foo]", "foo"),
        ("foo[*foo]", "foo"),
        ("foo[bar[foo]]", "foo"),
        ("foo[bar[baz[bar]]]", "bar"),
        ("foo[bar[*baz[bar]]]", "bar"),
        ("foo[bar[*baz[*bar]]]", "bar"),
        // Nodes are global to the input.
        ("foo[bar] bar[foo]", "foo"),
        ("a[b] c[b[a]]", "a"),
    ] {
        assert_eq!(
            parse_scopes(input),
            Err(ScopeError::Cycle {
                scope: scope.to_owned()
            }),
            "{input:?}"
        );
    }
    let err = parse_scopes("foo[foo]").unwrap_err();
    assert_eq!(err.to_string(), "A cycle was found involving 'foo'");
}

#[test]
fn python_thousand_deep_cycle() {
    let mut input = String::new();
    for i in 0..1000 {
        input.push_str(&format!("foo{i}["));
    }
    input.push_str(" foo10");
    input.push_str(&"]".repeat(1000));
    assert_eq!(
        parse_scopes(&input),
        Err(ScopeError::Cycle {
            scope: "foo10".into()
        })
    );
}

#[test]
fn scope_parse_wants_exactly_one() {
    assert_eq!(
        Scope::parse("foo[ bar   *baz  ]").map(|s| s.to_string()),
        Ok("foo[bar *baz]".to_owned())
    );
    assert_eq!(
        Scope::parse("  "),
        Err(ScopeError::NotExactlyOne { count: 0 })
    );
    assert_eq!(
        Scope::parse("foo bar"),
        Err(ScopeError::NotExactlyOne { count: 2 })
    );
    assert_eq!(
        "foo foo".parse::<Scope>().map(|s| s.to_string()),
        Ok("foo".into())
    );
    assert!("foo[".parse::<Scope>().is_err());
}

#[test]
fn graph_view_matches_parse() {
    let graph = ScopeGraph::parse("foo[bar[*baz]] bar[baz]").unwrap();
    assert_eq!(
        graph.edges().collect::<Vec<_>>(),
        [("foo", "bar", false), ("bar", "baz", false)]
    );
    let scopes = graph.to_scopes();
    assert_eq!(scopes, parse_scopes("foo[bar[baz]] bar[baz]").unwrap());
}
