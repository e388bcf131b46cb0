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

/// Accumulates scopes from text and from [`Scope`] values into one graph whose nodes are
/// scope strings, global to everything added.
pub(crate) struct GraphBuilder<'a> {
    limits: ParseLimits,
    index: HashMap<&'a str, u32>,
    /// Node names, and the shared allocation when the name came from a `Scope`.
    names: Vec<(&'a str, Option<&'a Arc<str>>)>,
    /// Edges `(source, target, optional)` in first-seen order, one per pair.
    edges: Vec<(u32, u32, bool)>,
    edge_index: HashMap<(u32, u32), usize>,
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
            edge_index: HashMap::new(),
            top: Vec::new(),
            top_seen: Vec::new(),
            scratch_tokens: Vec::new(),
        }
    }

    pub(crate) fn limits(&self) -> ParseLimits {
        self.limits
    }

    /// The node id of `name`, creating the node on first sight.
    pub(super) fn intern(&mut self, name: &'a str, shared: Option<&'a Arc<str>>) -> u32 {
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

    /// Records a dependency. If the pair is seen both optional and required, required wins.
    pub(super) fn add_edge(&mut self, source: u32, target: u32, optional: bool) {
        match self.edge_index.entry((source, target)) {
            Entry::Occupied(entry) => {
                if let Some(edge) = self.edges.get_mut(*entry.get()) {
                    edge.2 &= optional;
                }
            }
            Entry::Vacant(entry) => {
                entry.insert(self.edges.len());
                self.edges.push((source, target, optional));
            }
        }
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

    /// Normalises and checks the graph: the cycle check (three-colour iterative DFS), the
    /// depth limit and the serialised-size limit. Linear in nodes plus edges.
    pub(crate) fn finish(self) -> Result<ScopeGraph, ScopeError> {
        let node_count = self.names.len();
        // Compressed adjacency: the targets of node n are targets[offsets[n]..offsets[n+1]],
        // in first-seen order.
        let mut offsets = vec![0u32; node_count + 1];
        for &(source, _, _) in &self.edges {
            if let Some(count) = offsets.get_mut(source as usize + 1) {
                *count += 1;
            }
        }
        for n in 0..node_count {
            let before = offsets.get(n).copied().unwrap_or(0);
            if let Some(slot) = offsets.get_mut(n + 1) {
                *slot += before;
            }
        }
        let mut fill: Vec<u32> = offsets.clone();
        let mut targets = vec![(0u32, false); self.edges.len()];
        let mut needed = vec![0u8; node_count];
        for &(source, target, optional) in &self.edges {
            if let Some(next) = fill.get_mut(source as usize) {
                if let Some(slot) = targets.get_mut(*next as usize) {
                    *slot = (target, optional);
                }
                *next += 1;
            }
            if let Some(need) = needed.get_mut(target as usize) {
                *need |= need_bit(optional);
            }
        }
        for &(node, optional) in &self.top {
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

const WHITE: u8 = 0;
const GREY: u8 = 1;
const BLACK: u8 = 2;

/// Three-colour iterative DFS over the whole graph. Returns the nodes in post-order
/// (dependencies before dependents), or the first cycle, depth or size error.
fn check_and_order(graph: &ScopeGraph, limits: ParseLimits) -> Result<Vec<u32>, ScopeError> {
    let node_count = graph.node_count();
    let mut colour = vec![WHITE; node_count];
    let mut depth = vec![0usize; node_count];
    let mut serialized = vec![0u64; node_count];
    let mut post_order = Vec::with_capacity(node_count);
    // Frames are (node, index of the next target to look at).
    let mut stack: Vec<(u32, usize)> = Vec::new();

    let roots = graph
        .top_ids()
        .map(|(node, _)| node)
        .chain(0..node_count as u32);
    for root in roots {
        if colour.get(root as usize) != Some(&WHITE) {
            continue;
        }
        if let Some(c) = colour.get_mut(root as usize) {
            *c = GREY;
        }
        stack.push((root, 0));
        while let Some(frame) = stack.last_mut() {
            let (node, next) = *frame;
            let targets = graph.target_ids(node);
            if let Some(&(child, _)) = targets.get(next) {
                frame.1 += 1;
                match colour.get(child as usize).copied() {
                    Some(WHITE) => {
                        if let Some(c) = colour.get_mut(child as usize) {
                            *c = GREY;
                        }
                        stack.push((child, 0));
                    }
                    Some(GREY) => {
                        return Err(ScopeError::Cycle {
                            scope: graph.name(child).to_owned(),
                        });
                    }
                    _ => {}
                }
                continue;
            }
            // All dependencies are finished: compute this node's depth and size.
            let mut node_depth = 1usize;
            let mut len = graph.name(node).len() as u64;
            if !targets.is_empty() {
                len = len.saturating_add(targets.len() as u64 + 1);
            }
            for &(child, optional) in targets {
                let child = child as usize;
                node_depth =
                    node_depth.max(depth.get(child).copied().unwrap_or(0).saturating_add(1));
                let child_len = serialized.get(child).copied().unwrap_or(0);
                len = len
                    .saturating_add(child_len)
                    .saturating_add(u64::from(optional));
            }
            if node_depth > limits.max_depth {
                return Err(ScopeError::TooDeep {
                    limit: limits.max_depth,
                    position: None,
                });
            }
            if let (Some(d), Some(s), Some(c)) = (
                depth.get_mut(node as usize),
                serialized.get_mut(node as usize),
                colour.get_mut(node as usize),
            ) {
                *d = node_depth;
                *s = len;
                *c = BLACK;
            }
            post_order.push(node);
            stack.pop();
        }
    }

    let mut total = 0u64;
    for (i, (node, optional)) in graph.top_ids().enumerate() {
        let len = serialized.get(node as usize).copied().unwrap_or(0);
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
