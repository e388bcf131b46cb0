//! Fuzzes the SQLite token-file loader: arbitrary bytes as `tokens.db` (seeded with real
//! databases written by Python and by this crate), read, then written through
//! `SqliteTokenStorage`. Files that are not databases or have a newer schema must fail
//! closed; readable files must accept a store without losing records.
#![no_main]

mod storage_common;

use globus_app::storage::SqliteTokenStorage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = storage_common::write_file("tokens.db", data);
    match SqliteTokenStorage::new(&path) {
        Ok(storage) => storage_common::exercise(&storage, &path, data, true),
        Err(err) => {
            let _ = format!("{err} {err:?}");
        }
    }
});
