//! Building the normalised scope graph: interning, edge union, the optional/required
//! collapse, and the checks (cycles, depth, serialised size) that make a graph valid.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::ParseLimits;
use super::tokenizer::Token;
use crate::error::ScopeError;
use crate::graph::ScopeGraph;
use crate::scope::Scope;

/// Bit set in [`ScopeGraph`]'s `needed` flags when a node is used as a required scope.
pub(crate) const NEED_REQUIRED: u8 = 1;
/// Bit set when a node is used as an optional scope.
pub(crate) const NEED_OPTIONAL: u8 = 2;

pub(crate) fn need_bit(optional: bool) -> u8 {
    if optional {
        NEED_OPTIONAL
    } else {
        NEED_REQUIRED
    }
}

/// Up to this many nodes, [`GraphBuilder::intern`] searches the names linearly.
const SMALL_GRAPH: usize = 16;

/// Accumulates scopes from text and from [`Scope`] values into one graph whose nodes are
/// scope strings, global to everything added.
pub(crate) struct GraphBuilder<'a> {
    limits: ParseLimits,
    index: HashMap<&'a str, u32>,
    /// Node names, and the shared allocation when the name came from a `Scope`.
    names: Vec<(&'a str, Option<&'a Arc<str>>)>,
    /// Every edge occurrence `(source, target, optional)`, in input order. Duplicates
    /// are merged by `finish`, without hashing.
    edges: Vec<(u32, u32, bool)>,
    /// Top-level `(node, optional)` pairs in first-seen order, one per pair.
    top: Vec<(u32, bool)>,
    /// Which of the two top-level variants each node already has.
    top_seen: Vec<u8>,
    pub(super) scratch_tokens: Vec<Token>,
}

impl<'a> GraphBuilder<'a> {
    pub(crate) fn new(limits: ParseLimits) -> Self {
        Self {
            limits,
            index: HashMap::new(),
            names: Vec::new(),
            edges: Vec::new(),
            top: Vec::new(),
            top_seen: Vec::new(),
            scratch_tokens: Vec::new(),
        }
    }

    pub(crate) fn limits(&self) -> ParseLimits {
        self.limits
    }

    /// The node id of `name`, creating the node on first sight.
    ///
    /// Below [`SMALL_GRAPH`] nodes (nearly every real scope string) the names are searched
    /// linearly, with no hashing and no map; the map is built when the graph grows past
    /// that, so large inputs stay linear.
    pub(super) fn intern(&mut self, name: &'a str, shared: Option<&'a Arc<str>>) -> u32 {
        if self.names.len() < SMALL_GRAPH {
            if let Some(id) = self.names.iter().position(|&(known, _)| known == name) {
                // Fewer than SMALL_GRAPH nodes: the id fits.
                return id as u32;
            }
            let id = self.names.len() as u32;
            self.names.push((name, shared));
            self.top_seen.push(0);
            if self.names.len() == SMALL_GRAPH {
                self.index.reserve(SMALL_GRAPH * 2);
                for (node, &(known, _)) in self.names.iter().enumerate() {
                    self.index.insert(known, node as u32);
                }
            }
            return id;
        }
        match self.index.entry(name) {
            Entry::Occupied(entry) => *entry.get(),
            Entry::Vacant(entry) => {
                // Input length is bounded well below u32::MAX nodes by the limits, and a
                // node always costs at least one byte of input or one `Scope` allocation.
                let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                entry.insert(id);
                self.names.push((name, shared));
                self.top_seen.push(0);
                id
            }
        }
    }

    /// Records a top-level scope. `foo` and `*foo` are distinct top-level entries.
    pub(super) fn add_top(&mut self, node: u32, optional: bool) {
        let bit = need_bit(optional);
        if let Some(seen) = self.top_seen.get_mut(node as usize)
            && *seen & bit == 0
        {
            *seen |= bit;
            self.top.push((node, optional));
        }
    }

    /// Records a dependency occurrence.
    pub(super) fn add_edge(&mut self, source: u32, target: u32, optional: bool) {
        self.edges.push((source, target, optional));
    }

    /// Makes room for `words` more scope strings.
    pub(super) fn reserve(&mut self, words: usize) {
        if self.names.len() + words >= SMALL_GRAPH {
            self.index.reserve(words);
        }
        self.names.reserve(words);
        self.top_seen.reserve(words);
    }

    /// Adds `scope` (and its whole dependency DAG) as a top-level scope, with exactly the
    /// effect parsing `scope.to_string()` would have, but without writing it out. Each
    /// shared sub-scope is walked once.
    pub(crate) fn add_scope(&mut self, scope: &'a Scope) {
        let mut visited: HashSet<usize> = HashSet::new();
        // Pre-order walk; each frame is (parent node, scope), as the text's tokens would be.
        let mut stack: Vec<(Option<u32>, &'a Scope)> = vec![(None, scope)];
        while let Some((parent, scope)) = stack.pop() {
            let node = self.intern(scope.scope_string(), Some(scope.shared_string()));
            match parent {
                Some(parent) => self.add_edge(parent, node, scope.is_optional()),
                None => self.add_top(node, scope.is_optional()),
            }
            // A scope already walked only repeats edges that are already recorded.
            if visited.insert(scope.addr()) {
                stack.extend(
                    scope
                        .dependencies()
                        .iter()
                        .rev()
                        .map(|dependency| (Some(node), dependency)),
                );
            }
        }
    }

    /// Normalises and checks the graph: merges duplicate edges (required beating
    /// optional), then runs the cycle check (three-colour iterative DFS), the depth limit
    /// and the serialised-size limit. Linear in nodes plus edge occurrences.
    pub(crate) fn finish(self) -> Result<ScopeGraph, ScopeError> {
        let (offsets, targets) = adjacency(self.names.len(), &self.edges);
        let mut needed = vec![0u8; self.names.len()];
        for &(node, optional) in targets.iter().chain(&self.top) {
            if let Some(need) = needed.get_mut(node as usize) {
                *need |= need_bit(optional);
            }
        }
        let names: Vec<Arc<str>> = self
            .names
            .iter()
            .map(|&(name, shared)| shared.cloned().unwrap_or_else(|| Arc::from(name)))
            .collect();

        let graph = ScopeGraph::from_parts(names, self.top, offsets, targets, needed);
        let post_order = check_and_order(&graph, self.limits)?;
        Ok(graph.with_post_order(post_order))
    }
}

/// Compressed adjacency with duplicates merged: the targets of node `n` are
/// `targets[offsets[n]..offsets[n + 1]]`, each `(target, optional)` once, in first-seen
/// order, optional only if every occurrence was optional.
fn adjacency(node_count: usize, edges: &[(u32, u32, bool)]) -> (Vec<u32>, Vec<(u32, bool)>) {
    // Every id in `edges` is below `node_count` (ids come from `intern`), and edge counts
    // fit in u32 (the input is far smaller), so the indexing below is in bounds.
    let mut offsets = vec![0u32; node_count + 1];
    if edges.is_empty() {
        return (offsets, Vec::new());
    }
    for &(source, _, _) in edges {
        offsets[source as usize + 1] += 1;
    }
    for n in 0..node_count {
        offsets[n + 1] += offsets[n];
    }
    // Stable counting sort by source.
    let mut cursor = offsets.clone();
    let mut grouped = vec![(0u32, false); edges.len()];
    for &(source, target, optional) in edges {
        let slot = &mut cursor[source as usize];
        grouped[*slot as usize] = (target, optional);
        *slot += 1;
    }
    // Merge duplicates in place: `seen[target] = (source + 1, index of its entry)`.
    let mut seen = vec![(0u32, 0u32); node_count];
    let mut write = 0usize;
    let mut read = 0usize;
    for source in 0..node_count {
        let end = offsets[source + 1] as usize;
        offsets[source] = write as u32;
        let stamp = source as u32 + 1;
        while read < end {
            let (target, optional) = grouped[read];
            let (last_source, index) = &mut seen[target as usize];
            if *last_source == stamp {
                grouped[*index as usize].1 &= optional;
            } else {
                *last_source = stamp;
                *index = write as u32;
                grouped[write] = (target, optional);
                write += 1;
            }
            read += 1;
        }
    }
    offsets[node_count] = write as u32;
    grouped.truncate(write);
    (offsets, grouped)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Colour {
    /// Not reached yet.
    White,
    /// On the current DFS path.
    Grey,
    /// Finished: acyclic below, depth and size known.
    Black,
}

#[derive(Clone, Copy)]
struct Visit {
    colour: Colour,
    /// Levels from this node down, itself included.
    depth: usize,
    /// Bytes of this node written out, without an optional marker (saturating).
    len: u64,
}

/// Three-colour iterative DFS over the whole graph. Returns the nodes in post-order
/// (dependencies before dependents), or the first cycle, depth or size error.
fn check_and_order(graph: &ScopeGraph, limits: ParseLimits) -> Result<Vec<u32>, ScopeError> {
    let node_count = graph.node_count();
    let unvisited = Visit {
        colour: Colour::White,
        depth: 0,
        len: 0,
    };
    let mut visits = vec![unvisited; node_count];
    let mut post_order = Vec::with_capacity(node_count);
    // Frames are (node, index of the next target to look at).
    let mut stack: Vec<(u32, usize)> = Vec::new();

    let roots = graph
        .top_ids()
        .map(|(node, _)| node)
        .chain(0..node_count as u32);
    for root in roots {
        match visits.get_mut(root as usize) {
            Some(visit) if visit.colour == Colour::White => visit.colour = Colour::Grey,
            _ => continue,
        }
        stack.push((root, 0));
        while let Some(frame) = stack.last_mut() {
            let (node, next) = *frame;
            let targets = graph.target_ids(node);
            if let Some(&(child, _)) = targets.get(next) {
                frame.1 += 1;
                let Some(visit) = visits.get_mut(child as usize) else {
                    continue;
                };
                match visit.colour {
                    Colour::White => {
                        visit.colour = Colour::Grey;
                        stack.push((child, 0));
                    }
                    Colour::Grey => {
                        return Err(ScopeError::Cycle {
                            scope: graph.name(child).to_owned(),
                        });
                    }
                    Colour::Black => {}
                }
                continue;
            }
            // Every dependency is finished: this node's depth and size follow.
            let mut depth = 1usize;
            let mut len = graph.name(node).len() as u64;
            if !targets.is_empty() {
                // The brackets, and a space between each pair of dependencies.
                len = len.saturating_add(targets.len() as u64 + 1);
            }
            for &(child, optional) in targets {
                if let Some(visit) = visits.get(child as usize) {
                    depth = depth.max(visit.depth.saturating_add(1));
                    len = len
                        .saturating_add(visit.len)
                        .saturating_add(u64::from(optional));
                }
            }
            if depth > limits.max_depth {
                return Err(ScopeError::TooDeep {
                    limit: limits.max_depth,
                    position: None,
                });
            }
            if let Some(visit) = visits.get_mut(node as usize) {
                *visit = Visit {
                    colour: Colour::Black,
                    depth,
                    len,
                };
            }
            post_order.push(node);
            stack.pop();
        }
    }

    let mut total = 0u64;
    for (i, (node, optional)) in graph.top_ids().enumerate() {
        let len = visits.get(node as usize).map_or(0, |visit| visit.len);
        total = total
            .saturating_add(len)
            .saturating_add(u64::from(optional))
            .saturating_add(u64::from(i > 0));
    }
    if total > limits.max_serialized_len as u64 {
        return Err(ScopeError::SerializedTooLarge {
            limit: limits.max_serialized_len,
        });
    }
    Ok(post_order)
}
