//! The normalised scope graph, and its Graphviz DOT rendering.

use std::fmt;
use std::sync::Arc;

use crate::error::ScopeError;
use crate::parser::ScopeParser;
use crate::parser::graph_builder::{NEED_OPTIONAL, NEED_REQUIRED};
use crate::scope::Scope;

/// The graph a scope string describes, after normalisation and checks.
///
/// Nodes are scope strings, global to the whole input: `foo[bar] baz[bar[x]]` has one
/// `bar` node with the edge `bar -> x`, so every `bar` in the output depends on `x`. An
/// edge seen both optional and required is required. Top-level entries are
/// `(scope string, optional)` pairs, so `foo *foo` has two. Every order (nodes, top-level
/// entries, each node's dependencies) is first-seen order in the input.
///
/// A `ScopeGraph` is always acyclic and within the [`ParseLimits`](crate::ParseLimits) it
/// was built with. Its [`Display`](fmt::Display) is a Graphviz DOT rendering, as in the
/// Python SDK:
///
/// ```
/// use globus_scopes::ScopeGraph;
///
/// let graph = ScopeGraph::parse("foo[bar[*baz]]")?;
/// assert_eq!(
///     graph.to_string(),
///     "digraph scopes {\n  rankdir=\"LR\";\n\n  foo\n\n  foo -> bar;\n  \
///      bar -> baz [ label = \"optional\" ];\n\n}"
/// );
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ScopeGraph {
    names: Vec<Arc<str>>,
    top: Vec<(u32, bool)>,
    offsets: Vec<u32>,
    targets: Vec<(u32, bool)>,
    /// Per node: which variants (required, optional) are referenced.
    needed: Vec<u8>,
    /// Nodes with every dependency before its dependents.
    post_order: Vec<u32>,
}

impl ScopeGraph {
    /// Parses `text` with the default [`ParseLimits`](crate::ParseLimits).
    ///
    /// # Errors
    /// As [`parse_scopes`](crate::parse_scopes).
    pub fn parse(text: &str) -> Result<Self, ScopeError> {
        ScopeParser::new().parse_graph(text)
    }

    pub(crate) fn from_parts(
        names: Vec<Arc<str>>,
        top: Vec<(u32, bool)>,
        offsets: Vec<u32>,
        targets: Vec<(u32, bool)>,
        needed: Vec<u8>,
    ) -> Self {
        Self {
            names,
            top,
            offsets,
            targets,
            needed,
            post_order: Vec::new(),
        }
    }

    pub(crate) fn with_post_order(mut self, post_order: Vec<u32>) -> Self {
        self.post_order = post_order;
        self
    }

    pub(crate) fn node_count(&self) -> usize {
        self.names.len()
    }

    pub(crate) fn name(&self, node: u32) -> &str {
        self.names.get(node as usize).map_or("", |name| name)
    }

    pub(crate) fn top_ids(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.top.iter().copied()
    }

    pub(crate) fn target_ids(&self, node: u32) -> &[(u32, bool)] {
        let start = self.offsets.get(node as usize).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(node as usize + 1).copied().unwrap_or(0) as usize;
        self.targets.get(start..end).unwrap_or_default()
    }

    /// The top-level `(scope string, optional)` pairs, in first-seen order.
    pub fn top_level_scopes(&self) -> impl Iterator<Item = (&str, bool)> + '_ {
        self.top
            .iter()
            .map(|&(node, optional)| (self.name(node), optional))
    }

    /// Every scope string in the graph, in first-seen order.
    pub fn nodes(&self) -> impl Iterator<Item = &str> + '_ {
        self.names.iter().map(|name| &**name)
    }

    /// Every edge `(scope string, dependency, optional)`, grouped by source in first-seen
    /// order.
    pub fn edges(&self) -> impl Iterator<Item = (&str, &str, bool)> + '_ {
        (0..self.names.len() as u32).flat_map(move |source| {
            self.target_ids(source)
                .iter()
                .map(move |&(target, optional)| (self.name(source), self.name(target), optional))
        })
    }

    /// The scopes the graph describes: one [`Scope`] per top-level entry, in first-seen
    /// order. Sub-scopes are shared: each `(scope string, optional)` pair is built once.
    pub fn to_scopes(&self) -> Vec<Scope> {
        // built[node] = (required variant, optional variant)
        let mut built: Vec<(Option<Scope>, Option<Scope>)> = vec![(None, None); self.names.len()];
        let variant = |built: &[(Option<Scope>, Option<Scope>)], node: u32, optional: bool| {
            built.get(node as usize).and_then(|(required, opt)| {
                if optional {
                    opt.clone()
                } else {
                    required.clone()
                }
            })
        };
        for &node in &self.post_order {
            // Post-order guarantees every dependency has been built already.
            let dependencies: Box<[Scope]> = self
                .target_ids(node)
                .iter()
                .filter_map(|&(target, optional)| variant(&built, target, optional))
                .collect();
            debug_assert_eq!(dependencies.len(), self.target_ids(node).len());
            let Some(name) = self.names.get(node as usize) else {
                continue;
            };
            let needed = self.needed.get(node as usize).copied().unwrap_or(0);
            let Some(slot) = built.get_mut(node as usize) else {
                continue;
            };
            match needed {
                NEED_REQUIRED => {
                    slot.0 = Some(Scope::from_parts(name.clone(), false, dependencies));
                }
                NEED_OPTIONAL => {
                    slot.1 = Some(Scope::from_parts(name.clone(), true, dependencies));
                }
                _ => {
                    slot.0 = Some(Scope::from_parts(name.clone(), false, dependencies.clone()));
                    slot.1 = Some(Scope::from_parts(name.clone(), true, dependencies));
                }
            }
        }
        self.top
            .iter()
            .filter_map(|&(node, optional)| variant(&built, node, optional))
            .collect()
    }

    /// The Graphviz DOT rendering (the same text as [`Display`](fmt::Display)).
    pub fn to_dot(&self) -> String {
        self.to_string()
    }
}

/// Writes `name` as a DOT node id: bare when it is a plain identifier (so simple graphs
/// read exactly as the Python SDK writes them), quoted and escaped otherwise.
fn write_id(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !["node", "edge", "graph", "digraph", "subgraph", "strict"]
            .iter()
            .any(|keyword| keyword.eq_ignore_ascii_case(name));
    if plain {
        return f.write_str(name);
    }
    f.write_str("\"")?;
    for c in name.chars() {
        if c == '"' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

impl fmt::Display for ScopeGraph {
    /// Graphviz DOT: the top-level scopes (an optional one as the node id `"*name"`), then
    /// the required edges, then the optional edges labelled `optional`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("digraph scopes {\n  rankdir=\"LR\";\n\n")?;
        for (name, optional) in self.top_level_scopes() {
            f.write_str("  ")?;
            if optional {
                write_id(f, &format!("*{name}"))?;
            } else {
                write_id(f, name)?;
            }
            f.write_str("\n")?;
        }
        f.write_str("\n")?;
        for pass_optional in [false, true] {
            for (source, target, optional) in self.edges() {
                if optional != pass_optional {
                    continue;
                }
                f.write_str("  ")?;
                write_id(f, source)?;
                f.write_str(" -> ")?;
                write_id(f, target)?;
                f.write_str(if optional {
                    " [ label = \"optional\" ];\n"
                } else {
                    ";\n"
                })?;
            }
        }
        f.write_str("\n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn without_blank_lines(s: &str) -> String {
        s.lines()
            .filter(|line| !line.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn dot(text: &str) -> String {
        ScopeGraph::parse(text)
            .map(|g| without_blank_lines(&g.to_string()))
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn dot_matches_python_for_plain_names() {
        assert_eq!(dot("foo"), "digraph scopes {\n  rankdir=\"LR\";\n  foo\n}");
        assert_eq!(
            dot("foo[bar]"),
            "digraph scopes {\n  rankdir=\"LR\";\n  foo\n  foo -> bar;\n}"
        );
        assert_eq!(
            dot("foo[bar[*baz]]"),
            "digraph scopes {\n  rankdir=\"LR\";\n  foo\n  foo -> bar;\n  \
             bar -> baz [ label = \"optional\" ];\n}"
        );
    }

    #[test]
    fn dot_quotes_other_names() {
        assert_eq!(
            dot("*foo"),
            "digraph scopes {\n  rankdir=\"LR\";\n  \"*foo\"\n}"
        );
        assert_eq!(
            dot("urn:x[a\"b\\c node]"),
            "digraph scopes {\n  rankdir=\"LR\";\n  \"urn:x\"\n  \"urn:x\" -> \"a\\\"b\\\\c\";\n  \
             \"urn:x\" -> \"node\";\n}"
        );
    }

    #[test]
    fn required_edges_come_first() {
        assert_eq!(
            dot("a[*b c]"),
            "digraph scopes {\n  rankdir=\"LR\";\n  a\n  a -> c;\n  \
             a -> b [ label = \"optional\" ];\n}"
        );
    }

    #[test]
    fn accessors_report_first_seen_order() {
        let graph = ScopeGraph::parse("b[c] *a b[*d c] a").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(graph.nodes().collect::<Vec<_>>(), ["b", "c", "a", "d"]);
        assert_eq!(
            graph.top_level_scopes().collect::<Vec<_>>(),
            [("b", false), ("a", true), ("a", false)]
        );
        assert_eq!(
            graph.edges().collect::<Vec<_>>(),
            [("b", "c", false), ("b", "d", true)]
        );
        assert_eq!(graph.to_dot(), graph.to_string());
    }
}
