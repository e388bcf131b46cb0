//! `serialize`, `IntoScopes`, `ScopeList::parse_all` and `merge_scopes`, with the Python
//! SDK's cases.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The borrowed forms are what these tests exercise.
#![allow(clippy::needless_borrows_for_generic_args)]

use globus_scopes::{
    IntoScopes, Scope, ScopeEntry, ScopeError, ScopeIter, ScopeList, merge_scopes, serialize,
};

fn s(text: &str) -> Scope {
    Scope::new(text).unwrap()
}

#[test]
fn strings_pass_through_exactly() {
    for text in [
        "foo",
        "*foo",
        "foo[bar] baz",
        " foo  ",
        "foo[bar] bar[foo]",
        "not[valid",
    ] {
        assert_eq!(serialize(text, true).unwrap(), text);
        assert_eq!(serialize(text.to_owned(), true).unwrap(), text);
        assert_eq!(serialize(&text.to_owned(), true).unwrap(), text);
    }
}

#[test]
fn scope_objects_and_collections() {
    assert_eq!(serialize(s("scope1"), true).unwrap(), "scope1");
    assert_eq!(serialize(&s("scope1"), true).unwrap(), "scope1");
    assert_eq!(serialize(["scope1"], true).unwrap(), "scope1");
    assert_eq!(serialize(vec!["scope1"], true).unwrap(), "scope1");
    assert_eq!(serialize(&["scope1"][..], true).unwrap(), "scope1");
    assert_eq!(serialize(&vec!["scope1"], true).unwrap(), "scope1");
    assert_eq!(serialize(&["scope1"], true).unwrap(), "scope1");
    assert_eq!(
        serialize(ScopeIter(std::iter::once("scope1")), true).unwrap(),
        "scope1"
    );
}

#[test]
fn mixed_data() {
    let cases: Vec<(ScopeList, &str)> = vec![
        (("scope1", s("scope2")).into_scope_list(), "scope1 scope2"),
        (
            [s("scope1"), s("scope2")].into_scope_list(),
            "scope1 scope2",
        ),
        (
            ([s("scope1"), s("scope2")], "scope3").into_scope_list(),
            "scope1 scope2 scope3",
        ),
        (
            ([s("scope1"), s("scope2")], "scope3 scope4").into_scope_list(),
            "scope1 scope2 scope3 scope4",
        ),
        (
            vec![
                ScopeEntry::Scope(s("scope1")),
                ScopeEntry::Text("scope2".into()),
                ScopeEntry::Text("scope3 scope4".into()),
            ]
            .into_scope_list(),
            "scope1 scope2 scope3 scope4",
        ),
    ];
    for (list, expected) in cases {
        assert_eq!(serialize(&list, true).unwrap(), expected);
        assert_eq!(list.to_scope_string().unwrap(), expected);
    }
}

#[test]
fn empty_is_rejected_unless_allowed() {
    let empties: Vec<ScopeList> = vec![
        "".into_scope_list(),
        Vec::<String>::new().into_scope_list(),
        ScopeList::new(),
        <[&str; 0]>::default().into_scope_list(),
    ];
    for empty in empties {
        assert_eq!(serialize(&empty, true), Err(ScopeError::EmptyScopes));
        assert_eq!(serialize(&empty, false).unwrap(), "");
    }
    assert_eq!(
        ScopeError::EmptyScopes.to_string(),
        "'scopes' cannot be the empty string or empty collection."
    );
    // As in Python, only an empty *result* is rejected.
    assert_eq!(serialize(["", ""], true).unwrap(), " ");
}

#[test]
fn list_building() {
    let mut list: ScopeList = ["a", "b"].into_iter().collect();
    list.push(s("c"));
    list.extend([s("d").with_optional(true)]);
    list.push_entry(ScopeEntry::Text("e[f]".into()));
    assert_eq!(list.len(), 5);
    assert!(!list.is_empty());
    assert_eq!(list.to_scope_string().unwrap(), "a b c *d e[f]");
    let parsed = list.parse_all().unwrap();
    assert_eq!(
        parsed.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["a", "b", "c", "*d", "e[f]"]
    );
    assert_eq!(list.iter().count(), 5);
    assert_eq!((&list).into_iter().count(), 5);
    assert_eq!(list.entries()[2], ScopeEntry::Scope(s("c")));
}

#[test]
fn parse_all_parses_each_string_on_its_own() {
    let list = ("scope1 scope2[scope3 scope4]", [s("scope1")]).into_scope_list();
    let parsed = list.parse_all().unwrap();
    assert_eq!(
        parsed.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["scope1", "scope2[scope3 scope4]", "scope1"]
    );
    assert!(matches!(
        ("ok", "bad[").into_scope_list().parse_all(),
        Err(ScopeError::Parse { .. })
    ));
}

#[test]
fn merge_python_cases() {
    let merged = merge_scopes([s("foo"), s("bar")], [s("foo"), s("baz")]).unwrap();
    assert_eq!(
        merged.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["foo", "bar", "baz"]
    );

    let merged = merge_scopes([s("foo").with_optional(true)], [s("foo")]).unwrap();
    assert_eq!(
        merged.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["*foo", "foo"]
    );

    let merged = merge_scopes(
        [s("foo").with_dependency(s("bar"))],
        [s("foo").with_dependency(s("baz"))],
    )
    .unwrap();
    assert_eq!(
        merged.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["foo[bar baz]"]
    );

    let merged = merge_scopes(
        [s("foo").with_dependency(s("bar"))],
        [s("foo").with_dependency(s("bar").with_optional(true))],
    )
    .unwrap();
    assert_eq!(
        merged.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["foo[bar]"]
    );

    let merged = merge_scopes(
        [s("foo").with_dependency(s("bar"))],
        [s("foo").with_optional(true).with_dependency(s("baz"))],
    )
    .unwrap();
    assert_eq!(
        merged.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["foo[bar baz]", "*foo[bar baz]"]
    );
}

#[test]
fn merge_equals_parsing_the_joined_text() {
    let a = [
        Scope::parse("x[y[*z] w]").unwrap(),
        s("q").with_dependency(Scope::parse("y[v]").unwrap()),
    ];
    let b = ["w[*z] *x", "y[*z]"];
    let joined = format!("{} {}", serialize(&a, true).unwrap(), b.join(" "));
    assert_eq!(
        merge_scopes(&a, b).unwrap(),
        globus_scopes::parse_scopes(&joined).unwrap()
    );
    assert_eq!(
        merge_scopes(Scope::parse("a[b]").unwrap(), "b[a]"),
        Err(ScopeError::Cycle { scope: "a".into() })
    );
}

#[test]
fn control_characters_in_strings_are_refused() {
    // Reliability row 33: CR/LF never reach a URL, form or header (Python passes them).
    for (text, character, position) in [
        ("openid\r\nX-Injected: 1", '\r', 6),
        ("a\tb", '\t', 1),
        ("a\u{0}", '\u{0}', 1),
        ("é\u{85}", '\u{85}', 2),
    ] {
        assert_eq!(
            serialize(text, true),
            Err(ScopeError::ForbiddenCharacter {
                character,
                position
            }),
            "{text:?}"
        );
    }
    assert_eq!(
        serialize(["ok", "bad\n"], true),
        Err(ScopeError::ForbiddenCharacter {
            character: '\n',
            position: 6
        })
    );
}
