//! Fuzzes the scope parser: no input may panic, hang or overflow the stack, and accepted
//! input must satisfy the parser's invariants.
#![no_main]

use globus_scopes::{
    Consent, ConsentForest, ParseLimits, Scope, ScopeError, ScopeGraph, ScopeParser, merge_scopes,
    parse_scopes, serialize,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    // Default limits: accepted output is normalised and round-trips.
    if let Ok(scopes) = parse_scopes(text) {
        let written = serialize(&scopes, false).expect("parsed scopes serialise");
        assert_eq!(parse_scopes(&written).as_ref(), Ok(&scopes), "{text:?}");
        let graph = ScopeGraph::parse(text).expect("graph parses when scopes do");
        assert_eq!(graph.to_scopes(), scopes);
        let _ = graph.to_dot();
        // Merging with itself changes nothing.
        assert_eq!(merge_scopes(&scopes, &scopes).as_ref(), Ok(&scopes));
    }

    // Small limits: every limit error path is reachable from short inputs.
    let small = ScopeParser::with_limits(
        ParseLimits::default()
            .with_max_depth(6)
            .with_max_input_len(512)
            .with_max_serialized_len(2048),
    );
    match small.parse(text) {
        Ok(scopes) => {
            for scope in &scopes {
                assert_eq!(Scope::parse(&scope.to_string()).as_ref(), Ok(scope));
            }
            check_consents(&scopes);
        }
        Err(
            ScopeError::Parse { .. }
            | ScopeError::ForbiddenCharacter { .. }
            | ScopeError::Cycle { .. }
            | ScopeError::InputTooLong { .. }
            | ScopeError::TooDeep { .. }
            | ScopeError::SerializedTooLarge { .. },
        ) => {}
        Err(other) => panic!("unexpected parse error {other:?} for {text:?}"),
    }

    // Scope::new accepts exactly the strings without forbidden characters.
    if let Ok(scope) = Scope::new(text) {
        assert_eq!(scope.to_string(), text);
        assert_eq!(Scope::parse(text).as_ref(), Ok(&scope));
    }
});

/// Builds the consent forest a user granting exactly `scopes` would have, and checks that
/// it meets them. The tree is the scopes' expansion, bounded by the small size limit.
fn check_consents(scopes: &[Scope]) {
    let mut consents = Vec::new();
    let mut next_id = 0u64;
    let mut stack: Vec<(&Scope, Vec<u64>)> = scopes.iter().map(|s| (s, Vec::new())).collect();
    while let Some((scope, mut path)) = stack.pop() {
        next_id += 1;
        path.push(next_id);
        consents.push(Consent::new(next_id, scope.scope_string(), path.clone()));
        for dependency in scope.dependencies() {
            stack.push((dependency, path.clone()));
        }
    }
    let forest = ConsentForest::new(consents).expect("generated forest is well formed");
    assert_eq!(forest.meets_scope_requirements(scopes), Ok(true));
    let deepest = forest
        .trees()
        .iter()
        .map(|t| t.max_depth())
        .max()
        .unwrap_or(0);
    assert!(deepest <= 6);
}
