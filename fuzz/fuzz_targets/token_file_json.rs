//! Fuzzes the JSON token-file loader: arbitrary bytes as `tokens.json`, read, then written
//! through `JsonTokenStorage`. Corrupt or unknown-version files must fail closed (never
//! overwritten); readable files must accept a store without losing records.
#![no_main]

mod storage_common;

use globus_app::storage::JsonTokenStorage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = storage_common::write_file("tokens.json", data);
    let storage = JsonTokenStorage::new(&path).expect("open JSON storage");
    storage_common::exercise(&storage, &path, data, false);
});
