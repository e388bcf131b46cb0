//! The `TokenStorage` contract, checked the same way on all three storages (Python's
//! tests/functional/tokenstorage/v2 cases and more).
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use common::{map, record};
use globus_app::storage::{
    JsonTokenStorage, MemoryTokenStorage, SqliteTokenStorage, TokenStorage, TokenStorageData,
};

/// Opens the storage of `kind` at `dir` in `namespace` (memory storages share `memory`).
fn open(
    kind: &str,
    dir: &Path,
    namespace: &str,
    memory: &MemoryTokenStorage,
) -> Arc<dyn TokenStorage> {
    match kind {
        "json" => Arc::new(
            JsonTokenStorage::builder(dir.join("tokens.json"))
                .namespace(namespace)
                .build()
                .unwrap(),
        ),
        "sqlite" => Arc::new(
            SqliteTokenStorage::builder(dir.join("tokens.db"))
                .namespace(namespace)
                .build()
                .unwrap(),
        ),
        _ => Arc::new(memory.with_namespace(namespace)),
    }
}

fn for_each_storage(test: impl Fn(&str, &dyn Fn(&str) -> Arc<dyn TokenStorage>)) {
    for kind in ["memory", "json", "sqlite"] {
        let tmp = tempfile::tempdir().unwrap();
        let memory = MemoryTokenStorage::new();
        let opener = |namespace: &str| open(kind, tmp.path(), namespace, &memory);
        test(kind, &opener);
    }
}

#[test]
fn store_get_remove() {
    for_each_storage(|kind, open| {
        let storage = open("DEFAULT");
        assert_eq!(storage.namespace(), "DEFAULT");
        assert!(
            storage
                .get_token_data_by_resource_server()
                .unwrap()
                .is_empty(),
            "{kind}"
        );
        assert!(storage.get_token_data("rs1").unwrap().is_none(), "{kind}");
        assert!(!storage.remove_token_data("rs1").unwrap(), "{kind}");

        storage
            .store_token_data_by_resource_server(&map([record("rs1", "1"), record("rs2", "2")]))
            .unwrap();
        let all = storage.get_token_data_by_resource_server().unwrap();
        assert_eq!(all.keys().collect::<Vec<_>>(), ["rs1", "rs2"], "{kind}");
        assert_eq!(
            all["rs1"].to_json_string(),
            record("rs1", "1").to_json_string(),
            "{kind}"
        );

        // replace one, keep the other
        storage.store_token_data(record("rs1", "1b")).unwrap();
        let rs1 = storage.get_token_data("rs1").unwrap().unwrap();
        assert_eq!(rs1.access_token.expose_secret(), "AT-1b", "{kind}");
        assert!(storage.get_token_data("rs2").unwrap().is_some(), "{kind}");

        assert!(storage.remove_token_data("rs1").unwrap(), "{kind}");
        assert!(!storage.remove_token_data("rs1").unwrap(), "{kind}");
        assert!(storage.get_token_data("rs1").unwrap().is_none(), "{kind}");
        assert_eq!(
            storage.get_token_data_by_resource_server().unwrap().len(),
            1,
            "{kind}"
        );

        // an empty store changes nothing
        storage
            .store_token_data_by_resource_server(&BTreeMap::new())
            .unwrap();
        assert_eq!(
            storage.get_token_data_by_resource_server().unwrap().len(),
            1,
            "{kind}"
        );
    });
}

#[test]
fn namespaces_are_isolated_and_listed() {
    for_each_storage(|kind, open| {
        let foo = open("foo");
        let bar = open("bar");
        assert!(foo.namespaces().unwrap().is_empty(), "{kind}");
        foo.store_token_data(record("rs", "foo")).unwrap();
        assert!(
            bar.get_token_data_by_resource_server().unwrap().is_empty(),
            "{kind}"
        );
        assert_eq!(bar.namespaces().unwrap(), ["foo"], "{kind}");
        bar.store_token_data(record("rs", "bar")).unwrap();
        let mut names = foo.namespaces().unwrap();
        names.sort();
        assert_eq!(names, ["bar", "foo"], "{kind}");
        let got = foo.get_token_data("rs").unwrap().unwrap();
        assert_eq!(got.access_token.expose_secret(), "AT-foo", "{kind}");
        assert!(!bar.remove_token_data("missing").unwrap());
        assert!(bar.remove_token_data("rs").unwrap(), "{kind}");
        assert!(foo.get_token_data("rs").unwrap().is_some(), "{kind}");
        // a namespace whose last record was removed is not listed
        assert_eq!(foo.namespaces().unwrap(), ["foo"], "{kind}");

        // reset discards every namespace
        foo.reset().unwrap();
        assert!(foo.namespaces().unwrap().is_empty(), "{kind}");
        assert!(foo.get_token_data("rs").unwrap().is_none(), "{kind}");
    });
}

#[test]
fn map_key_wins_and_extra_is_not_stored() {
    for_each_storage(|kind, open| {
        let storage = open("DEFAULT");
        let mut data = record("inner", "1");
        data.extra
            .insert("future".into(), serde_json::json!([1, 2]));
        let mut by_rs = BTreeMap::new();
        by_rs.insert("outer".to_owned(), data);
        storage.store_token_data_by_resource_server(&by_rs).unwrap();
        let got = storage.get_token_data("outer").unwrap().unwrap();
        assert_eq!(got.resource_server, "inner", "{kind}");
        assert!(
            got.extra.is_empty(),
            "{kind}: extra is not written, as in Python"
        );
        assert!(storage.get_token_data("inner").unwrap().is_none(), "{kind}");
    });
}

#[test]
fn optional_fields_round_trip_as_none() {
    for_each_storage(|kind, open| {
        let storage = open("DEFAULT");
        storage
            .store_token_data(TokenStorageData::new("rs", "", "AT", i64::MIN))
            .unwrap();
        let got = storage.get_token_data("rs").unwrap().unwrap();
        assert!(
            got.identity_id.is_none() && got.refresh_token.is_none(),
            "{kind}"
        );
        assert!(got.token_type.is_none(), "{kind}");
        assert_eq!(got.expires_at_seconds, i64::MIN, "{kind}");
    });
}

#[test]
fn unusual_names_are_stored_verbatim() {
    let long = "x".repeat(10 * 1024);
    let names = [
        "a'b\"c",
        "100%",
        "../../etc/passwd",
        "ünï/cödé 😀",
        "",
        long.as_str(),
    ];
    for_each_storage(|kind, open| {
        for namespace in names {
            let storage = open(namespace);
            for rs in names {
                storage.store_token_data(record(rs, "n")).unwrap();
            }
            let all = storage.get_token_data_by_resource_server().unwrap();
            assert_eq!(all.len(), names.len(), "{kind} {namespace:?}");
        }
        let mut listed = open("DEFAULT").namespaces().unwrap();
        listed.sort();
        let mut expected: Vec<_> = names.iter().map(|n| n.to_string()).collect();
        expected.sort();
        assert_eq!(listed, expected, "{kind}");
    });
}

#[test]
fn debug_output_never_shows_tokens() {
    for_each_storage(|kind, open| {
        let storage = open("DEFAULT");
        storage.store_token_data(record("rs", "SENTINEL")).unwrap();
        let data = storage.get_token_data("rs").unwrap().unwrap();
        for text in [
            format!("{storage:?}"),
            format!("{data:?}"),
            format!("{data:#?}"),
        ] {
            assert!(!text.contains("SENTINEL"), "{kind}: {text}");
        }
    });
}
