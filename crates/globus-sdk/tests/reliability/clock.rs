//! Row 35: clock skew. ID tokens are accepted while the local clock is within the 300 s
//! leeway and refused with a clear "check the local clock" error beyond it; retry backoff
//! runs on the monotonic (tokio) clock, so a wall-clock jump mid-backoff changes nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use globus_sdk::core::clock::ManualClock;
use globus_sdk::identity::Error;
use httpmock::prelude::*;
use proptest::prelude::*;
use serde_json::json;
use tokio::time::Instant;

use crate::support::keys::*;
use crate::support::{base, fixed_retry};

/// A token issued by a server whose clock says [`NOW`], checked by a local clock `skew`
/// seconds off.
fn check_with_skew(skew: i64) -> Result<(), Error> {
    let k = key();
    let decoder = offline_at(&["RS256"], jwks(&[k.jwk(None, None)]), NOW + skew)
        .build()
        .unwrap();
    let mut claims = claims();
    claims["iat"] = json!(NOW);
    claims["nbf"] = json!(NOW);
    claims["exp"] = json!(NOW + 600);
    decode(&decoder, &k.sign(&header("RS256"), &claims)).map(|_| ())
}

#[test]
fn row_35_local_clock_ten_minutes_off_is_a_clear_skew_error() {
    assert!(check_with_skew(0).is_ok());
    assert!(check_with_skew(-299).is_ok(), "behind, within leeway");
    assert!(
        check_with_skew(299 + 600).is_ok(),
        "ahead, within leeway of exp"
    );
    let behind = check_with_skew(-600).unwrap_err();
    assert!(behind.is_time_error(), "{behind}");
    assert!(
        behind.to_string().contains("check the local clock"),
        "{behind}"
    );
    let ahead = check_with_skew(600 + 600).unwrap_err();
    assert!(ahead.is_expired(), "{ahead}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn row_35_skew_within_the_leeway_is_accepted_beyond_it_refused(skew in -2000i64..2000) {
        let ok = check_with_skew(skew).is_ok();
        // Valid while iat/nbf ≤ local + 300 and local < exp + 300.
        let expected = NOW <= NOW + skew + 300 && NOW + skew < NOW + 600 + 300;
        prop_assert_eq!(ok, expected, "skew {}", skew);
    }
}

#[tokio::test(start_paused = true)]
async fn row_35_a_wall_clock_jump_during_backoff_changes_nothing() {
    for jump in [-86_400i64, 86_400] {
        let server = MockServer::start_async().await;
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&calls);
        let clock = Arc::new(ManualClock::new(1_700_000_000));
        let jumper = Arc::clone(&clock);
        server
            .mock_async(move |when, then| {
                when.any_request().is_true(move |_| {
                    // The wall clock jumps while the first answer is on its way.
                    jumper.advance(jump);
                    seen.fetch_add(1, Ordering::SeqCst) == 0
                });
                then.status(503);
            })
            .await;
        server
            .mock_async(|when, then| {
                when.any_request();
                then.status(200).json_body(json!({}));
            })
            .await;
        let client = base(&server.base_url())
            .with_retry_config(fixed_retry())
            .with_clock(clock)
            .build()
            .unwrap();
        let start = Instant::now();
        client.get("/v2/x").send().await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(100), "jump {jump}");
    }
}
