//! The app's scope requirements: the scopes it needs, per resource server.

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use globus_scopes::{IntoScopes, Scope, merge_scopes};

use crate::error::Result;

/// Scope requirements by resource server, shared by the app, its token validation and its
/// authorizer factory.
#[derive(Debug, Default)]
pub(crate) struct Requirements {
    by_resource_server: RwLock<BTreeMap<String, Vec<Scope>>>,
}

/// Parses anything [`IntoScopes`] into scopes: strings with the scope parser (so
/// `"a b[c]"` gives two scopes), [`Scope`] values as they are.
pub(crate) fn parse_requirement(scopes: impl IntoScopes) -> Result<Vec<Scope>> {
    Ok(scopes.into_scope_list().parse_all()?)
}

impl Requirements {
    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, Vec<Scope>>> {
        // Every update is one map operation: a panic cannot leave half a change behind.
        self.by_resource_server
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, Vec<Scope>>> {
        self.by_resource_server
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `scopes` to the requirements of `resource_server`, skipping scopes that are
    /// already required (equal scopes, dependencies included).
    pub(crate) fn add(&self, resource_server: String, scopes: Vec<Scope>) {
        let mut map = self.write();
        let current = map.entry(resource_server).or_default();
        for scope in scopes {
            if !current.contains(&scope) {
                current.push(scope);
            }
        }
    }

    /// The requirements of one resource server (`None`: it has none).
    pub(crate) fn get(&self, resource_server: &str) -> Option<Vec<Scope>> {
        self.read().get(resource_server).cloned()
    }

    /// A copy of every requirement.
    pub(crate) fn snapshot(&self) -> BTreeMap<String, Vec<Scope>> {
        self.read().clone()
    }

    /// The resource servers with requirements.
    pub(crate) fn resource_servers(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// Every required scope merged with `extra` (Python's `ScopeParser.merge_scopes`:
    /// duplicates removed, dependencies unioned), written out for a login.
    pub(crate) fn login_scopes(&self, extra: &[String]) -> Result<Vec<String>> {
        let all: Vec<Scope> = self.read().values().flatten().cloned().collect();
        let merged = merge_scopes(all, extra)?;
        Ok(merged.iter().map(ToString::to_string).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_without_duplicates_and_merges_for_login() -> Result<()> {
        let reqs = Requirements::default();
        reqs.add("rs1".into(), parse_requirement("a b[c]")?);
        reqs.add("rs1".into(), parse_requirement(["a", "b[c]"])?);
        reqs.add("rs2".into(), parse_requirement("b[d]")?);
        assert_eq!(reqs.get("rs1").map(|s| s.len()), Some(2));
        assert_eq!(reqs.resource_servers(), ["rs1", "rs2"]);
        let scopes = reqs.login_scopes(&["e".to_owned(), "a".to_owned()])?;
        assert_eq!(scopes, ["a", "b[c d]", "e"]);
        assert!(reqs.get("rs3").is_none());
        assert!(parse_requirement("a[").is_err());
        Ok(())
    }
}
