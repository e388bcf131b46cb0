//! Fuzzes the JSON token-file loader: arbitrary bytes as `tokens.json`, read, then written
//! through `JsonTokenStorage`. Corrupt or unknown-version files must fail closed (never
//! overwritten); readable files must accept a store without losing records.
#![no_main]

mod storage_common;

use globus_app::storage::JsonTokenStorage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = storage_common::write_file("tokens.json", data);
    // No pause before re-reading a file that failed to parse: nobody else writes it.
    let storage = JsonTokenStorage::builder(&path)
        .torn_read_pause(std::time::Duration::ZERO)
        .build()
        .expect("open JSON storage");
    storage_common::exercise(&storage, &path, data, false);
});
