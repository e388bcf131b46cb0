//! [`MemoryTokenStorage`]: tokens in process memory.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{DEFAULT_NAMESPACE, TokenStorage, TokenStorageData};
use crate::error::Result;

type Namespaces = BTreeMap<String, BTreeMap<String, TokenStorageData>>;

/// Token storage in memory, lost when the process exits (Python's `MemoryTokenStorage`).
///
/// Cloning gives another handle to the same tokens; [`with_namespace`](Self::with_namespace)
/// gives a handle to another namespace of the same tokens. Like the file storages, it
/// keeps what Python's `to_dict()` keeps: a stored record's [`extra`](TokenStorageData::extra)
/// is dropped.
///
/// ```
/// use globus_app::storage::{MemoryTokenStorage, TokenStorage, TokenStorageData};
///
/// let storage = MemoryTokenStorage::new();
/// storage.store_token_data(TokenStorageData::new("auth.globus.org", "openid", "AT", 0))?;
/// assert!(storage.get_token_data("auth.globus.org")?.is_some());
/// assert!(storage.with_namespace("other").get_token_data("auth.globus.org")?.is_none());
/// # Ok::<(), globus_app::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemoryTokenStorage {
    namespace: String,
    tokens: Arc<Mutex<Namespaces>>,
}

impl Default for MemoryTokenStorage {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryTokenStorage {
    /// An empty storage, namespace `"DEFAULT"`.
    pub fn new() -> Self {
        Self {
            namespace: DEFAULT_NAMESPACE.to_owned(),
            tokens: Arc::default(),
        }
    }

    /// A handle to `namespace` of the same tokens.
    pub fn with_namespace(&self, namespace: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            tokens: Arc::clone(&self.tokens),
        }
    }

    fn tokens(&self) -> MutexGuard<'_, Namespaces> {
        // Every update below is a single map operation: a panic cannot leave a half-made
        // change behind, so a poisoned lock is safe to use.
        self.tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl TokenStorage for MemoryTokenStorage {
    fn namespace(&self) -> &str {
        &self.namespace
    }

    fn store_token_data_by_resource_server(
        &self,
        token_data_by_resource_server: &BTreeMap<String, TokenStorageData>,
    ) -> Result<()> {
        let mut tokens = self.tokens();
        let records = tokens.entry(self.namespace.clone()).or_default();
        for (resource_server, data) in token_data_by_resource_server {
            let mut data = data.clone();
            data.extra.clear();
            records.insert(resource_server.clone(), data);
        }
        Ok(())
    }

    fn get_token_data_by_resource_server(&self) -> Result<BTreeMap<String, TokenStorageData>> {
        Ok(self
            .tokens()
            .get(&self.namespace)
            .cloned()
            .unwrap_or_default())
    }

    fn get_token_data(&self, resource_server: &str) -> Result<Option<TokenStorageData>> {
        Ok(self
            .tokens()
            .get(&self.namespace)
            .and_then(|records| records.get(resource_server))
            .cloned())
    }

    fn remove_token_data(&self, resource_server: &str) -> Result<bool> {
        Ok(self
            .tokens()
            .get_mut(&self.namespace)
            .is_some_and(|records| records.remove(resource_server).is_some()))
    }

    fn namespaces(&self) -> Result<Vec<String>> {
        Ok(self
            .tokens()
            .iter()
            .filter(|(_, records)| !records.is_empty())
            .map(|(name, _)| name.clone())
            .collect())
    }

    /// Forgets every token in every namespace of this storage (all handles share them).
    fn reset(&self) -> Result<()> {
        self.tokens().clear();
        Ok(())
    }
}
