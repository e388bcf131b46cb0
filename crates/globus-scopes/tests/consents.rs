//! Consent forests: the Python SDK's cases, the conformance corpus, and robustness.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_scopes::{Consent, ConsentForest, Scope, ScopeError};
use serde_json::json;

/// A consent for scope `name`, below `parent` when given.
fn consent(id: u64, name: &str, parent: Option<&Consent>) -> Consent {
    let mut path = parent.map_or_else(Vec::new, |p| p.dependency_path.clone());
    path.push(id);
    let mut consent = Consent::new(id, name, path);
    consent.client = format!("client-{id}");
    consent
}

fn meets(forest: &ConsentForest, scopes: &str) -> bool {
    forest.meets_scope_requirements(scopes).unwrap()
}

#[test]
fn forest_creation() {
    let root = consent(1, "A", None);
    let node1 = consent(2, "B", Some(&root));
    let node2 = consent(3, "C", Some(&node1));
    let forest = ConsentForest::new([root.clone(), node1.clone(), node2.clone()]).unwrap();
    let trees = forest.trees();
    assert_eq!(trees.len(), 1);
    let tree = trees[0];
    assert_eq!(tree.root(), &root);
    assert_eq!(tree.max_depth(), 3);
    assert_eq!(tree.children(1).collect::<Vec<_>>(), [&node1]);
    assert_eq!(tree.children(2).collect::<Vec<_>>(), [&node2]);
    assert_eq!(tree.children(3).count(), 0);
    assert_eq!(tree.get_node(1), Some(&root));
    assert_eq!(tree.get_node(2), Some(&node1));
    assert_eq!(tree.get_node(3), Some(&node2));
    assert_eq!(tree.get_node(4), None);
    assert_eq!(tree.nodes(), [&root, &node1, &node2]);
    assert_eq!(forest.get_node(2), Some(&node1));
    assert_eq!(forest.children(1).collect::<Vec<_>>(), [&node1]);
    assert_eq!(forest.nodes().len(), 3);
}

#[test]
fn scope_requirement_evaluation() {
    let root = consent(1, "A", None);
    let node1 = consent(2, "B", Some(&root));
    let node2 = consent(3, "C", Some(&node1));
    let forest = ConsentForest::new([root, node1, node2]).unwrap();
    assert!(meets(&forest, "A"));
    assert!(meets(&forest, "A[B[C]]"));
    assert!(!meets(&forest, "B"));
    assert!(!meets(&forest, "A[C]"));
}

#[test]
fn sibling_dependent_scopes() {
    let root = consent(1, "A", None);
    let node1 = consent(2, "B", Some(&root));
    let node2 = consent(3, "C", Some(&root));
    let forest = ConsentForest::new([root, node1, node2]).unwrap();
    for yes in ["A", "A[B]", "A[C]", "A[B C]", "A[C B]", "A[B] A[C]"] {
        assert!(meets(&forest, yes), "{yes}");
    }
    for no in ["A[B[C]]", "A[C[B]]", "A[D]", "A[B C D]"] {
        assert!(!meets(&forest, no), "{no}");
    }
}

#[test]
fn optional_dependent_scopes_are_ignored() {
    for revocable in [true, false] {
        let root = consent(1, "A", None);
        let mut child = consent(2, "B", Some(&root));
        child.atomically_revocable = revocable;
        let forest = ConsentForest::new([root, child]).unwrap();
        assert!(meets(&forest, "A[B]"));
        assert!(meets(&forest, "A[*B]"));
        assert!(meets(&forest, "*A[*B]"));
    }
}

#[test]
fn tree_with_dependent_scopes_and_optional_branches() {
    // Transfer -> (collection 1 data_access, collection 2 data_access -> nested)
    let transfer = "urn:globus:auth:scope:transfer.api.globus.org:all";
    let da = |c: &str| format!("https://auth.globus.org/scopes/{c}/data_access");
    let root = consent(10, transfer, None);
    let c1 = consent(11, &da("c1"), Some(&root));
    let c2 = consent(12, &da("c2"), Some(&root));
    let nested = consent(13, "nested", Some(&c2));
    let forest = ConsentForest::new([root, c1, c2, nested]).unwrap();
    assert_eq!(forest.trees()[0].max_depth(), 3);
    let ok = format!("{transfer}[*{} {}[*nested]]", da("c1"), da("c2"));
    assert!(meets(&forest, &ok));
    let missing = format!("{transfer}[*{} *{}]", da("c1"), da("c3"));
    assert!(!meets(&forest, &missing));
    let wrong_branch = format!("{transfer}[{}[nested]]", da("c1"));
    assert!(!meets(&forest, &wrong_branch));
}

#[test]
fn disjoint_trees_with_duplicate_scopes() {
    let root1 = consent(1, "A", None);
    let child1 = consent(2, "B", Some(&root1));
    let root2 = consent(3, "B", None);
    let child2 = consent(4, "C", Some(&root2));
    let forest = ConsentForest::new([root1, child1, root2, child2]).unwrap();
    assert_eq!(forest.trees().len(), 2);
    assert!(meets(&forest, "A[B]"));
    assert!(meets(&forest, "B[C]"));
    // One string is one graph: "A[B] B[C]" means A[B[C]] B[C], as in Python.
    assert!(!meets(&forest, "A[B] B[C]"));
    // Separate strings are parsed on their own.
    assert!(forest.meets_scope_requirements(["A[B]", "B[C]"]).unwrap());
    assert!(!meets(&forest, "A[B[C]]"));
}

#[test]
fn mixed_requirement_shapes_and_status_ignored() {
    let mut root = consent(1, "A", None);
    root.status = "revoked".into();
    let child = consent(2, "B", Some(&root));
    let other = consent(3, "D", None);
    let forest = ConsentForest::new([root, child, other]).unwrap();
    let a_b = Scope::new("A")
        .unwrap()
        .with_dependency(Scope::new("B").unwrap());
    assert!(forest.meets_scope_requirements(&a_b).unwrap());
    assert!(forest.meets_scope_requirements((a_b.clone(), "D")).unwrap());
    assert!(
        !forest
            .meets_scope_requirements([a_b.to_string(), "E".into()])
            .unwrap()
    );
    assert!(forest.meets_scope_requirements("").unwrap());
    assert!(matches!(
        forest.meets_scope_requirements("A["),
        Err(ScopeError::Parse { .. })
    ));
}

#[test]
fn missing_intermediate_node() {
    let root = consent(1, "A", None);
    let node1 = consent(2, "B", Some(&root));
    let node2 = consent(3, "C", Some(&node1));
    let err = ConsentForest::new([root, node2]).unwrap_err();
    assert_eq!(
        err,
        ScopeError::MissingParentConsent {
            consent: 3,
            parent: 2
        }
    );
    assert!(err.to_string().contains("Missing parent node: 2"));
}

#[test]
fn malformed_forests() {
    assert!(matches!(
        ConsentForest::new([Consent::new(1, "A", vec![])]),
        Err(ScopeError::MalformedConsent { id: Some(1), .. })
    ));
    assert!(matches!(
        ConsentForest::new([Consent::new(1, "A", vec![1]), Consent::new(1, "B", vec![1])]),
        Err(ScopeError::MalformedConsent { id: Some(1), .. })
    ));
    // Parent loops that no root reaches are harmless: they belong to no tree.
    let forest = ConsentForest::new([
        Consent::new(1, "A", vec![2, 1]),
        Consent::new(2, "B", vec![1, 2]),
        Consent::new(3, "C", vec![3, 3]),
    ])
    .unwrap();
    assert_eq!(forest.trees().len(), 0);
    assert!(!meets(&forest, "A"));
    assert!(meets(&forest, ""));
}

#[test]
fn conformance_corpus_get_consents() {
    let corpus: serde_json::Value = serde_json::from_str(include_str!(
        "../../../testdata/conformance/auth-responses.json"
    ))
    .unwrap();
    let entries = corpus["entries"].as_array().unwrap();
    let mut seen = 0;
    for entry in entries.iter().filter(|e| e["sdk_method"] == "get_consents") {
        seen += 1;
        let forest = ConsentForest::from_json(&entry["json"]).unwrap();
        let consents: Vec<Consent> =
            serde_json::from_value(entry["json"]["consents"].clone()).unwrap();
        assert_eq!(forest.nodes(), consents.as_slice());
        let root = &forest.nodes()[0];
        assert_eq!(root.id, 142632);
        assert_eq!(root.client, "065db752-2f43-4fe1-a633-2ee68c9da889");
        assert_eq!(
            root.last_used.as_deref(),
            Some("2024-03-18T17:34:04.719126+00:00")
        );
        assert_eq!(root.parent_id(), None);
        assert_eq!(forest.nodes()[1].parent_id(), Some(142632));
        assert!(forest.nodes()[1].atomically_revocable);
        assert!(meets(
            &forest,
            "urn:globus:auth:scope:transfer.api.globus.org:all\
             [*https://auth.globus.org/scopes/542a86fc-1766-450d-841f-065488a2ec01/data_access]"
        ));
        // Round trip through serde keeps the wire field names.
        let back = serde_json::to_value(&consents).unwrap();
        assert_eq!(back, entry["json"]["consents"]);
    }
    assert!(seen > 0);
}

#[test]
fn consent_json_errors() {
    let missing = json!({"id": 5, "scope_name": "A", "dependency_path": [5]});
    let err = Consent::from_json(&missing).unwrap_err();
    assert!(matches!(
        err,
        ScopeError::MalformedConsent { id: Some(5), .. }
    ));
    assert!(err.to_string().contains("missing field"));
    assert!(ConsentForest::from_json(&json!({"consents": 3})).is_err());
    assert!(ConsentForest::from_json(&json!("x")).is_err());
    assert_eq!(
        ConsentForest::from_json(&json!([])).unwrap().nodes().len(),
        0
    );
    let mut full = serde_json::to_value(Consent::new(1, "A", vec![1])).unwrap();
    full["unknown_field"] = json!({"nested": true});
    full.as_object_mut().unwrap().remove("last_used");
    let consent = Consent::from_json(&full).unwrap();
    assert_eq!(consent.last_used, None);
}

#[test]
fn text_renderings() {
    let root = consent(1, "A", None);
    let child = consent(2, "B", Some(&root));
    let grandchild = consent(3, "C", Some(&child));
    let forest = ConsentForest::new([root, child, grandchild]).unwrap();
    assert_eq!(
        forest.nodes()[0].to_string(),
        "Consent [1]: Client [client-1] -> Scope [A]"
    );
    assert_eq!(
        forest.trees()[0].to_string(),
        " - Consent [1]: Client [client-1] -> Scope [A]\n   \
         - Consent [2]: Client [client-2] -> Scope [B]\n     \
         - Consent [3]: Client [client-3] -> Scope [C]"
    );
    let text = forest.to_string();
    assert!(text.starts_with("ConsentForest\n  nodes\n    Consent [1]"));
    assert!(text.contains("\n  trees\n     - Consent [1]"));
}

#[test]
fn deep_trees_and_shared_requirements() {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            // A 10,000-deep consent chain checked against a 10,000-deep scope.
            let mut consents: Vec<Consent> = Vec::new();
            let mut scope = Scope::new("s9999").unwrap();
            for i in 0..10_000u64 {
                let parent = consents.last();
                consents.push(consent(i, &format!("s{i}"), parent));
            }
            for i in (0..9_999).rev() {
                scope = Scope::new(format!("s{i}")).unwrap().with_dependency(scope);
            }
            let forest = ConsentForest::new(consents).unwrap();
            assert_eq!(forest.trees()[0].max_depth(), 10_000);
            assert!(forest.meets_scope_requirements(&scope).unwrap());
            assert!(forest.trees()[0].meets_scope_requirements(&scope));

            // A requirement whose text would be 2^60 long: memoisation keeps it linear.
            let mut shared = Scope::new("s59").unwrap();
            for i in (0..59).rev() {
                shared = Scope::new(format!("s{i}"))
                    .unwrap()
                    .with_dependencies([shared.clone(), shared]);
            }
            assert!(forest.meets_scope_requirements(&shared).unwrap());
            let unmet = shared.with_dependency(Scope::new("nope").unwrap());
            assert!(!forest.meets_scope_requirements(&unmet).unwrap());
        })
        .unwrap()
        .join()
        .unwrap();
}
