//! Checking scope requirements against consent trees, iteratively and memoised.

use std::collections::HashMap;

use super::ConsentForest;
use crate::scope::Scope;

/// Answers "does the consent subtree at `node` satisfy `scope`?" for one batch of scopes.
///
/// A consent satisfies a scope when its `scope_name` equals the scope string and each
/// dependency of the scope is satisfied by some child consent, recursively. Optional
/// markers and the consent status are ignored, as in the Python SDK.
///
/// Answers are memoised per (consent, scope allocation), so shared sub-scopes are
/// checked once per consent, and the walk uses an explicit stack: no input can make it
/// recurse or take exponential time.
pub(super) struct Matcher<'f, 's> {
    forest: &'f ConsentForest,
    memo: HashMap<(usize, usize), bool>,
    stack: Vec<Frame<'s>>,
}

#[derive(Clone, Copy)]
struct Frame<'s> {
    node: usize,
    scope: &'s Scope,
    /// Index of the dependency being looked for.
    dependency: usize,
    /// Index of the child consent being tried for it.
    child: usize,
}

impl<'f, 's> Matcher<'f, 's> {
    pub(super) fn new(forest: &'f ConsentForest) -> Self {
        Self {
            forest,
            memo: HashMap::new(),
            stack: Vec::new(),
        }
    }

    fn name_matches(&self, node: usize, scope: &Scope) -> bool {
        self.forest
            .node_at(node)
            .is_some_and(|consent| consent.scope_name == scope.scope_string())
    }

    /// Whether the subtree rooted at consent index `node` satisfies `scope`.
    pub(super) fn satisfies(&mut self, node: usize, scope: &'s Scope) -> bool {
        if let Some(&known) = self.memo.get(&(node, scope.addr())) {
            return known;
        }
        if !self.name_matches(node, scope) {
            return false;
        }
        self.stack.clear();
        self.stack.push(Frame {
            node,
            scope,
            dependency: 0,
            child: 0,
        });
        while let Some(&Frame {
            node,
            scope,
            dependency,
            child,
        }) = self.stack.last()
        {
            let outcome = match scope.dependencies().get(dependency) {
                // Every dependency found a satisfying child.
                None => Some(true),
                Some(wanted) => match self.forest.child_indices(node).get(child) {
                    // No child satisfies this dependency.
                    None => Some(false),
                    Some(&candidate) => {
                        let known = if self.name_matches(candidate, wanted) {
                            self.memo.get(&(candidate, wanted.addr())).copied()
                        } else {
                            Some(false)
                        };
                        match known {
                            Some(satisfied) => self.advance(satisfied),
                            None => self.stack.push(Frame {
                                node: candidate,
                                scope: wanted,
                                dependency: 0,
                                child: 0,
                            }),
                        }
                        None
                    }
                },
            };
            if let Some(satisfied) = outcome {
                if let Some(done) = self.stack.pop() {
                    self.memo.insert((done.node, done.scope.addr()), satisfied);
                }
                if self.stack.is_empty() {
                    return satisfied;
                }
                self.advance(satisfied);
            }
        }
        false
    }

    /// Moves the top frame on after learning whether its current child satisfies its
    /// current dependency.
    fn advance(&mut self, satisfied: bool) {
        if let Some(frame) = self.stack.last_mut() {
            if satisfied {
                frame.dependency += 1;
                frame.child = 0;
            } else {
                frame.child += 1;
            }
        }
    }
}
