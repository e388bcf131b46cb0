//! Fuzzes consent-forest construction from untrusted JSON (the get-consents response)
//! and the requirement check against it.
#![no_main]

use globus_scopes::{ConsentForest, ParseLimits, ScopeParser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line is a scope requirement; the rest is the JSON body.
    let (requirement, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => data.split_at(i),
        None => (&data[..0], data),
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    let Ok(forest) = ConsentForest::from_json(&json) else {
        return;
    };
    let _ = forest.to_string();
    for tree in forest.trees() {
        assert!(tree.max_depth() >= 1);
        assert_eq!(tree.get_node(tree.root().id), Some(tree.root()));
        let _ = tree.nodes();
    }
    let Ok(requirement) = std::str::from_utf8(requirement) else {
        return;
    };
    let parser = ScopeParser::with_limits(ParseLimits::default().with_max_depth(64));
    if let Ok(scopes) = parser.parse(requirement) {
        let met = forest.meets_scope_requirements(&scopes);
        assert!(met.is_ok());
        // Each tree's answer is consistent with the forest's.
        let any_tree = scopes.iter().all(|scope| {
            forest
                .trees()
                .iter()
                .any(|t| t.meets_scope_requirements(scope))
        });
        assert_eq!(met, Ok(any_tree));
    }
});
