//! [`ConsentForest`] and [`ConsentTree`].

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use super::Consent;
use super::requirements::Matcher;
use crate::error::ScopeError;
use crate::parser::ScopeParser;
use crate::scope::Scope;
use crate::serialize::IntoScopes;

/// All of a user's consents, arranged in trees by their `dependency_path`.
///
/// A consent whose `dependency_path` has one element is a root; any other consent's
/// parent is the next-to-last element of its path. Every tree is walked iteratively.
///
/// ```
/// use globus_scopes::{Consent, ConsentForest};
///
/// let forest = ConsentForest::new(vec![
///     Consent::new(1, "urn:globus:auth:scope:transfer.api.globus.org:all", vec![1]),
///     Consent::new(2, "https://auth.globus.org/scopes/c0ffee/data_access", vec![1, 2]),
/// ])?;
/// assert!(forest.meets_scope_requirements(
///     "urn:globus:auth:scope:transfer.api.globus.org:all\
///      [*https://auth.globus.org/scopes/c0ffee/data_access]"
/// )?);
/// assert!(!forest.meets_scope_requirements("https://auth.globus.org/scopes/c0ffee/data_access")?);
/// assert_eq!(forest.trees()[0].max_depth(), 2);
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ConsentForest {
    nodes: Vec<Consent>,
    index: HashMap<u64, usize>,
    parents: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
}

impl ConsentForest {
    /// Arranges `consents` into trees.
    ///
    /// # Errors
    /// [`ScopeError::MalformedConsent`] for a consent with an empty `dependency_path` or
    /// an id used twice, and [`ScopeError::MissingParentConsent`] when a consent's parent
    /// is not in the list (for example when the list is incomplete).
    pub fn new(consents: impl IntoIterator<Item = Consent>) -> Result<Self, ScopeError> {
        let nodes: Vec<Consent> = consents.into_iter().collect();
        let mut index = HashMap::with_capacity(nodes.len());
        for (i, consent) in nodes.iter().enumerate() {
            if consent.dependency_path.is_empty() {
                return Err(ScopeError::MalformedConsent {
                    id: Some(consent.id),
                    reason: "its dependency_path is empty".to_owned(),
                });
            }
            match index.entry(consent.id) {
                Entry::Occupied(_) => {
                    return Err(ScopeError::MalformedConsent {
                        id: Some(consent.id),
                        reason: "its id appears more than once".to_owned(),
                    });
                }
                Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        let mut parents = vec![None; nodes.len()];
        let mut children = vec![Vec::new(); nodes.len()];
        let mut roots = Vec::new();
        for (i, consent) in nodes.iter().enumerate() {
            let Some(parent_id) = consent.parent_id() else {
                roots.push(i);
                continue;
            };
            let Some(&parent) = index.get(&parent_id) else {
                return Err(ScopeError::MissingParentConsent {
                    consent: consent.id,
                    parent: parent_id,
                });
            };
            if let (Some(slot), Some(list)) = (parents.get_mut(i), children.get_mut(parent)) {
                *slot = Some(parent);
                list.push(i);
            }
        }
        Ok(Self {
            nodes,
            index,
            parents,
            children,
            roots,
        })
    }

    /// Reads the forest from the JSON of Auth's get-consents response
    /// (`{"consents": [...]}`) or from the bare array.
    ///
    /// # Errors
    /// [`ScopeError::MalformedConsent`] when the JSON has the wrong shape or a consent
    /// cannot be read; otherwise as [`ConsentForest::new`].
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ScopeError> {
        let list = value.get("consents").unwrap_or(value);
        let Some(items) = list.as_array() else {
            return Err(ScopeError::MalformedConsent {
                id: None,
                reason: "expected a JSON array of consents or an object with 'consents'".to_owned(),
            });
        };
        let consents = items
            .iter()
            .map(Consent::from_json)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(consents)
    }

    /// Every consent, in the order given.
    pub fn nodes(&self) -> &[Consent] {
        &self.nodes
    }

    /// The consent with this id.
    pub fn get_node(&self, id: u64) -> Option<&Consent> {
        self.index.get(&id).and_then(|&i| self.nodes.get(i))
    }

    /// The consents whose parent is the consent `id`, in the order given.
    pub fn children(&self, id: u64) -> impl Iterator<Item = &Consent> + '_ {
        let indices = self
            .index
            .get(&id)
            .map_or(&[][..], |&i| self.child_indices(i));
        indices.iter().filter_map(|&i| self.nodes.get(i))
    }

    /// One tree per root consent, in the order given.
    pub fn trees(&self) -> Vec<ConsentTree<'_>> {
        self.roots
            .iter()
            .filter_map(|&root| {
                Some(ConsentTree {
                    forest: self,
                    root,
                    root_consent: self.nodes.get(root)?,
                })
            })
            .collect()
    }

    /// Whether the consents cover every scope in `scopes`: each top-level scope must be
    /// satisfied by some tree. Strings are parsed (with the default limits). Optional
    /// markers are ignored, and so is each consent's `status`, as in the Python SDK.
    ///
    /// # Errors
    /// A parse error from a string in `scopes`.
    pub fn meets_scope_requirements(&self, scopes: impl IntoScopes) -> Result<bool, ScopeError> {
        let scopes = ScopeParser::new().parse_all(scopes)?;
        let mut matcher = Matcher::new(self);
        Ok(scopes.iter().all(|scope| {
            self.roots
                .iter()
                .any(|&root| matcher.satisfies(root, scope))
        }))
    }

    pub(super) fn node_at(&self, index: usize) -> Option<&Consent> {
        self.nodes.get(index)
    }

    pub(super) fn child_indices(&self, index: usize) -> &[usize] {
        self.children.get(index).map_or(&[], Vec::as_slice)
    }
}

impl fmt::Display for ConsentForest {
    /// The Python layout: a `nodes` section listing every consent and a `trees` section
    /// with each tree's rendering.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConsentForest\n  nodes")?;
        for node in &self.nodes {
            write!(f, "\n    {node}")?;
        }
        f.write_str("\n  trees")?;
        for tree in self.trees() {
            tree.write_lines(f, "    ")?;
        }
        Ok(())
    }
}

/// One root consent and everything below it; borrowed from a [`ConsentForest`].
#[derive(Debug, Clone, Copy)]
pub struct ConsentTree<'a> {
    forest: &'a ConsentForest,
    root: usize,
    root_consent: &'a Consent,
}

impl<'a> ConsentTree<'a> {
    /// The root consent.
    pub fn root(&self) -> &'a Consent {
        self.root_consent
    }

    /// Every consent in the tree, root first, depth-first in the order given.
    pub fn nodes(&self) -> Vec<&'a Consent> {
        let mut out = Vec::new();
        self.walk(|_, consent| out.push(consent));
        out
    }

    /// The consent with this id, if it is in this tree.
    pub fn get_node(&self, id: u64) -> Option<&'a Consent> {
        let target = *self.forest.index.get(&id)?;
        let mut current = target;
        // Follow parents up to a root; a forest has at most `len` levels.
        for _ in 0..=self.forest.nodes.len() {
            if current == self.root {
                return self.forest.nodes.get(target);
            }
            current = (*self.forest.parents.get(current)?)?;
        }
        None
    }

    /// The children of the consent `id` (empty when it is not in this tree).
    pub fn children(&self, id: u64) -> impl Iterator<Item = &'a Consent> + 'a {
        let forest = self.forest;
        let in_tree = self.get_node(id).is_some();
        let indices = match forest.index.get(&id) {
            Some(&i) if in_tree => forest.child_indices(i),
            _ => &[],
        };
        indices.iter().filter_map(move |&i| forest.nodes.get(i))
    }

    /// The number of levels in the tree; a lone root has depth 1.
    pub fn max_depth(&self) -> usize {
        let mut deepest = 0;
        self.walk(|depth, _| deepest = deepest.max(depth + 1));
        deepest
    }

    /// Whether this tree satisfies `scope`: the root's `scope_name` is the scope string
    /// and each dependency is satisfied by some child, recursively. Optional markers and
    /// `status` are ignored.
    pub fn meets_scope_requirements(&self, scope: &Scope) -> bool {
        Matcher::new(self.forest).satisfies(self.root, scope)
    }

    /// Calls `visit(depth, consent)` for each consent, depth-first, root at depth 0.
    fn walk(&self, mut visit: impl FnMut(usize, &'a Consent)) {
        let forest = self.forest;
        let mut stack = vec![(self.root, 0usize)];
        while let Some((index, depth)) = stack.pop() {
            if let Some(consent) = forest.nodes.get(index) {
                visit(depth, consent);
            }
            stack.extend(
                forest
                    .child_indices(index)
                    .iter()
                    .rev()
                    .map(|&child| (child, depth + 1)),
            );
        }
    }

    fn write_lines(&self, f: &mut fmt::Formatter<'_>, indent: &str) -> fmt::Result {
        let mut result = Ok(());
        self.walk(|depth, consent| {
            if result.is_ok() {
                result = write!(f, "\n{indent}{:width$} - {consent}", "", width = depth * 2);
            }
        });
        result
    }
}

impl fmt::Display for ConsentTree<'_> {
    /// One line per consent, ` - <consent>`, indented two spaces per level (Python's
    /// layout).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut result = Ok(());
        self.walk(|depth, consent| {
            if result.is_ok() {
                let newline = if first { "" } else { "\n" };
                first = false;
                result = write!(f, "{newline}{:width$} - {consent}", "", width = depth * 2);
            }
        });
        result
    }
}
