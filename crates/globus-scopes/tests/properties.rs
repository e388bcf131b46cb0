//! Property tests: `parse(display(x))` is `x` normalised (checked against a naive model of
//! the Python algorithm), and parsing never panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_scopes::{
    Scope, ScopeError, ScopeGraph, ScopeList, merge_scopes, parse_scopes, serialize,
};
use proptest::prelude::*;

/// Names: mostly from a tiny alphabet so that scopes collide, unions and cycles happen.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-e]",
        1 => "[a-zA-Z0-9:/._%#&\"é☃🦀-]{1,8}",
    ]
}

fn scope_tree() -> impl Strategy<Value = Scope> {
    let leaf = (name(), any::<bool>())
        .prop_map(|(name, optional)| Scope::new(name).unwrap().with_optional(optional));
    leaf.prop_recursive(4, 24, 3, |inner| {
        (name(), any::<bool>(), prop::collection::vec(inner, 0..4)).prop_map(
            |(name, optional, dependencies)| {
                Scope::new(name)
                    .unwrap()
                    .with_optional(optional)
                    .with_dependencies(dependencies)
            },
        )
    })
}

/// A direct model of the Python normalisation, recursive and quadratic, for small inputs.
#[derive(Default)]
struct Model {
    top: Vec<(String, bool)>,
    edges: Vec<(String, String, bool)>,
}

impl Model {
    fn add(&mut self, scope: &Scope, parent: Option<&str>) {
        let name = scope.scope_string().to_owned();
        let optional = scope.is_optional();
        match parent {
            None => {
                if !self.top.contains(&(name.clone(), optional)) {
                    self.top.push((name.clone(), optional));
                }
            }
            Some(parent) => {
                match self
                    .edges
                    .iter_mut()
                    .find(|(s, d, _)| s == parent && *d == name)
                {
                    Some(edge) => edge.2 &= optional,
                    None => self.edges.push((parent.to_owned(), name.clone(), optional)),
                }
            }
        }
        for dependency in scope.dependencies() {
            self.add(dependency, Some(&name));
        }
    }

    fn targets(&self, name: &str) -> Vec<(String, bool)> {
        self.edges
            .iter()
            .filter(|(s, _, _)| s == name)
            .map(|(_, d, o)| (d.clone(), *o))
            .collect()
    }

    fn has_cycle_from(&self, name: &str, path: &mut Vec<String>) -> bool {
        if path.iter().any(|p| p == name) {
            return true;
        }
        path.push(name.to_owned());
        let found = self
            .targets(name)
            .iter()
            .any(|(d, _)| self.has_cycle_from(d, path));
        path.pop();
        found
    }

    fn build(&self, name: &str, optional: bool) -> Scope {
        let dependencies = self
            .targets(name)
            .into_iter()
            .map(|(d, o)| self.build(&d, o));
        Scope::new(name)
            .unwrap()
            .with_optional(optional)
            .with_dependencies(dependencies)
    }

    /// `None` when the graph has a cycle.
    fn normalise(scopes: &[Scope]) -> Option<Vec<Scope>> {
        let mut model = Model::default();
        for scope in scopes {
            model.add(scope, None);
        }
        if model
            .top
            .iter()
            .any(|(name, _)| model.has_cycle_from(name, &mut Vec::new()))
        {
            return None;
        }
        Some(model.top.iter().map(|(n, o)| model.build(n, *o)).collect())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_of_display_is_the_normalised_input(scopes in prop::collection::vec(scope_tree(), 0..4)) {
        let text = serialize(&scopes, false).unwrap();
        let parsed = parse_scopes(&text);
        let merged = merge_scopes(&scopes, ScopeList::new());
        match Model::normalise(&scopes) {
            Some(expected) => {
                prop_assert_eq!(parsed.as_ref(), Ok(&expected), "text: {}", text);
                prop_assert_eq!(merged, Ok(expected));
            }
            None => {
                prop_assert!(matches!(parsed, Err(ScopeError::Cycle { .. })), "text: {}", text);
                prop_assert!(matches!(merged, Err(ScopeError::Cycle { .. })), "merged: {:?}", merged);
            }
        }
    }

    #[test]
    fn single_trees_with_distinct_names_round_trip_exactly(scope in scope_tree()) {
        let mut names = Vec::new();
        let mut stack = vec![&scope];
        while let Some(s) = stack.pop() {
            names.push(s.scope_string());
            stack.extend(s.dependencies());
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        prop_assume!(unique.len() == names.len());
        prop_assert_eq!(Scope::parse(&scope.to_string()), Ok(scope));
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in any::<String>()) {
        check_text(&text)?;
    }

    #[test]
    fn parsing_grammar_like_text_never_panics(text in "[ab*\\[\\] é]{0,32}") {
        check_text(&text)?;
    }

    #[test]
    fn scope_new_accepts_exactly_the_valid_strings(text in any::<String>()) {
        let valid = !text.is_empty()
            && !text.chars().any(|c| matches!(c, '[' | ']' | '*') || c.is_whitespace() || c.is_control());
        match Scope::new(&text) {
            Ok(scope) => {
                prop_assert!(valid);
                prop_assert_eq!(scope.to_string(), text);
            }
            Err(_) => prop_assert!(!valid),
        }
    }
}

/// Parses `text`; when it is accepted, the output is already normalised (parsing its
/// serialisation gives it back) and the graph view agrees.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let Ok(scopes) = parse_scopes(text) else {
        return Ok(());
    };
    let written = serialize(&scopes, false).unwrap();
    prop_assert_eq!(parse_scopes(&written), Ok(scopes.clone()));
    let graph = ScopeGraph::parse(text).unwrap();
    prop_assert_eq!(graph.to_scopes(), scopes);
    prop_assert!(graph.to_dot().starts_with("digraph scopes {"), "{}", graph);
    Ok(())
}
