//! Deep, wide and shared inputs: limits hold, nothing recurses, nothing blows up.
//! Correctness only; the timings are measured by `benches/parse.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_scopes::{
    MAX_DEPTH, MAX_INPUT_LEN, MAX_SERIALIZED_LEN, ParseLimits, Scope, ScopeError, ScopeParser,
    merge_scopes, parse_scopes, serialize,
};

/// `s0[s1[s2[…]]]`, `depth` levels.
fn nested_chain(depth: usize) -> String {
    let mut text = String::new();
    for i in 0..depth - 1 {
        text.push_str(&format!("s{i}["));
    }
    text.push_str(&format!("s{}", depth - 1));
    text.push_str(&"]".repeat(depth - 1));
    text
}

/// `s0[s1] s1[s2] …`: flat text, `depth` levels once normalised.
fn flat_chain(depth: usize) -> String {
    (0..depth - 1)
        .map(|i| format!("s{i}[s{}]", i + 1))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n0[n1 m1] m0[n1 m1] n1[n2 m2] …`: each level doubles the written-out size.
fn diamond_chain(levels: usize) -> String {
    (0..levels)
        .flat_map(|i| {
            let deps = format!("[n{} m{}]", i + 1, i + 1);
            [format!("n{i}{deps}"), format!("m{i}{deps}")]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `f` on a thread with a small stack: any recursion over the depth would overflow.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn raised(depth: usize) -> ScopeParser {
    ScopeParser::with_limits(
        ParseLimits::default()
            .with_max_depth(depth)
            .with_max_input_len(64 << 20),
    )
}

#[test]
fn nested_chain_of_ten_thousand() {
    let text = nested_chain(10_000);
    assert_eq!(
        parse_scopes(&text),
        Err(ScopeError::TooDeep {
            limit: MAX_DEPTH,
            position: Some(text.find(&format!("s{}[", MAX_DEPTH - 1)).unwrap() + 5)
        })
    );
    on_small_stack(move || {
        let scopes = raised(10_000).parse(&text).unwrap();
        assert_eq!(scopes.len(), 1);
        let scope = &scopes[0];
        assert_eq!(scope.to_string(), text);
        let mut depth = 1;
        let mut cursor = scope;
        while let Some(next) = cursor.dependencies().first() {
            cursor = next;
            depth += 1;
        }
        assert_eq!(depth, 10_000);
        // Equality and drop of two independent deep values.
        let again = raised(10_000).parse_one(&text).unwrap();
        assert_eq!(&again, scope);
        assert_ne!(again.with_optional(true), *scope);
        drop(scopes);
        drop(again);
    });
}

#[test]
fn the_depth_limit_is_inclusive() {
    let parser = ScopeParser::with_limits(ParseLimits::default().with_max_depth(3));
    assert!(parser.parse(&nested_chain(3)).is_ok());
    assert!(matches!(
        parser.parse(&nested_chain(4)),
        Err(ScopeError::TooDeep {
            limit: 3,
            position: Some(_)
        })
    ));
    assert!(parser.parse(&flat_chain(3)).is_ok());
    assert_eq!(
        parser.parse(&flat_chain(4)),
        Err(ScopeError::TooDeep {
            limit: 3,
            position: None
        })
    );
}

#[test]
fn flat_chain_of_ten_thousand() {
    let text = flat_chain(10_000);
    assert_eq!(
        parse_scopes(&text),
        Err(ScopeError::TooDeep {
            limit: MAX_DEPTH,
            position: None
        })
    );
    // Normalised, every top-level scope carries the rest of the chain: quadratic output.
    assert_eq!(
        raised(20_000).parse(&text),
        Err(ScopeError::SerializedTooLarge {
            limit: MAX_SERIALIZED_LEN
        })
    );
    // A shorter one is accepted and shares its tails.
    let scopes = parse_scopes(&flat_chain(200)).unwrap();
    assert_eq!(scopes.len(), 199);
    assert_eq!(scopes[0].to_string(), nested_chain(200));
}

#[test]
fn diamond_chains() {
    let ten_thousand = diamond_chain(10_000);
    assert_eq!(
        parse_scopes(&ten_thousand),
        Err(ScopeError::TooDeep {
            limit: MAX_DEPTH,
            position: None
        })
    );
    assert_eq!(
        raised(20_000).parse(&ten_thousand),
        Err(ScopeError::SerializedTooLarge {
            limit: MAX_SERIALIZED_LEN
        })
    );
    assert_eq!(
        parse_scopes(&diamond_chain(100)),
        Err(ScopeError::SerializedTooLarge {
            limit: MAX_SERIALIZED_LEN
        })
    );
    // A small diamond is accepted, and the written-out size is what was predicted.
    let scopes = parse_scopes(&diamond_chain(8)).unwrap();
    assert_eq!(scopes.len(), 16);
    let written = serialize(&scopes, true).unwrap();
    let reparsed = parse_scopes(&written).unwrap();
    assert_eq!(reparsed, scopes);
}

#[test]
fn million_deep_nesting_and_huge_inputs() {
    let text = "a[".repeat(1_000_000);
    assert_eq!(
        parse_scopes(&text),
        Err(ScopeError::InputTooLong {
            len: 2_000_000,
            limit: MAX_INPUT_LEN
        })
    );
    let err = raised(MAX_DEPTH).parse(&format!("{text}a{}", "]".repeat(1_000_000)));
    assert!(matches!(
        err,
        Err(ScopeError::TooDeep {
            position: Some(_),
            ..
        })
    ));
    let just_over = "x".repeat(MAX_INPUT_LEN + 1);
    assert!(matches!(
        parse_scopes(&just_over),
        Err(ScopeError::InputTooLong { .. })
    ));
    let just_fits = "x".repeat(MAX_INPUT_LEN);
    assert_eq!(parse_scopes(&just_fits).unwrap().len(), 1);
}

#[test]
fn hundred_thousand_wide() {
    let text = (0..100_000)
        .map(|i| format!("s{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let scopes = parse_scopes(&text).unwrap();
    assert_eq!(scopes.len(), 100_000);
    assert_eq!(serialize(&scopes, true).unwrap(), text);
    let wide_dependencies = format!("top[{text}]");
    let scopes = parse_scopes(&wide_dependencies).unwrap();
    assert_eq!(scopes[0].dependencies().len(), 100_000);
}

#[test]
fn hand_built_deep_and_shared_scopes() {
    on_small_stack(|| {
        // A million-deep chain built by hand: Display, Eq and Drop stay iterative.
        let mut scope = Scope::new("leaf").unwrap();
        for _ in 0..1_000_000 {
            scope = Scope::new("x").unwrap().with_dependency(scope);
        }
        assert_eq!(scope.to_string().len(), 1_000_000 * 3 + 4);
        let other = scope.with_optional(false);
        assert_eq!(other, scope);
        drop(scope);
        drop(other);
    });
    // A hand-built exponential DAG: serialize refuses instead of writing 2^64 bytes.
    let mut scope = Scope::new("leaf").unwrap();
    for i in 0..64 {
        scope = Scope::new(format!("x{i}"))
            .unwrap()
            .with_dependencies([scope.clone(), scope]);
    }
    assert_eq!(
        serialize(&scope, true),
        Err(ScopeError::SerializedTooLarge {
            limit: MAX_SERIALIZED_LEN
        })
    );
    assert!(serde_json::to_string(&scope).is_err());
    // Merging walks each shared node once, and normalising de-duplicates the pairs.
    let merged = merge_scopes(&scope, "y").unwrap();
    assert_eq!(merged.len(), 2);
    assert!(merged[0].to_string().starts_with("x63[x62[x61["));
    assert!(
        merged[0]
            .to_string()
            .ends_with(&format!("[x0[leaf{}", "]".repeat(64)))
    );
    // Named alike, the levels are one node with an edge to itself.
    let looped = Scope::new("x").unwrap();
    let looped = looped.with_dependency(looped.clone());
    assert_eq!(
        merge_scopes(&looped, "y"),
        Err(ScopeError::Cycle { scope: "x".into() })
    );
    assert_eq!(scope, scope.clone());
}
