//! The renewing authorizer: margins, single-flight renewal, shared errors, cancellation,
//! and its use by the transport on 401.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use globus_core::authorizer::{Authorizer, Renewal, RenewingAuthorizer, TokenRenewer};
use globus_core::clock::ManualClock;
use globus_core::secret::AccessToken;
use globus_core::{Error, Result};
use httpmock::prelude::*;

const NOW: i64 = 1_700_000_000;

/// Hands out `token-1`, `token-2`, … after a (virtual) delay; fails while `fail` is set.
#[derive(Debug)]
struct TestRenewer {
    calls: AtomicUsize,
    fail: Mutex<bool>,
    delay: Duration,
    lifetime: i64,
    clock: Arc<ManualClock>,
}

impl TestRenewer {
    fn new(clock: Arc<ManualClock>) -> Self {
        Self {
            calls: AtomicUsize::new(0),
            fail: Mutex::new(false),
            delay: Duration::from_millis(50),
            lifetime: 3600,
            clock,
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl TokenRenewer for TestRenewer {
    type Response = String;

    async fn renew(&self) -> Result<Renewal<String>> {
        use globus_core::clock::Clock as _;
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(self.delay).await;
        if *self.fail.lock().unwrap() {
            return Err(Error::Usage(format!("renewal {n} failed")));
        }
        Ok(Renewal {
            access_token: AccessToken::new(format!("token-{n}")),
            expires_at: Some(self.clock.now_unix() + self.lifetime),
            response: format!("response-{n}"),
        })
    }
}

fn setup() -> (Arc<ManualClock>, Arc<TestRenewer>) {
    let clock = Arc::new(ManualClock::new(NOW));
    let renewer = Arc::new(TestRenewer::new(Arc::clone(&clock)));
    (clock, renewer)
}

async fn header(authorizer: &impl Authorizer) -> String {
    authorizer
        .authorization_header()
        .await
        .unwrap()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(start_paused = true)]
async fn nothing_happens_until_a_header_is_needed() {
    let (clock, renewer) = setup();
    let authorizer = RenewingAuthorizer::builder(Arc::clone(&renewer))
        .with_clock(clock)
        .build();
    assert_eq!(renewer.calls(), 0);
    assert_eq!(header(&authorizer).await, "Bearer token-1");
    assert_eq!(header(&authorizer).await, "Bearer token-1");
    assert_eq!(renewer.calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn renews_within_the_sixty_second_margin() {
    let (clock, renewer) = setup();
    let authorizer = RenewingAuthorizer::builder(Arc::clone(&renewer))
        .with_clock(clock.clone())
        .with_token(AccessToken::new("initial"), NOW + 61)
        .build();
    assert_eq!(header(&authorizer).await, "Bearer initial");
    clock.advance(1); // 60 s left: still valid (`now <= expires_at - 60`)
    assert_eq!(header(&authorizer).await, "Bearer initial");
    clock.advance(1); // 59 s left
    assert_eq!(header(&authorizer).await, "Bearer token-1");
    assert_eq!(renewer.calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn one_renewal_for_a_hundred_concurrent_callers() {
    let (clock, renewer) = setup();
    let refreshed = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&refreshed);
    let authorizer = RenewingAuthorizer::builder(Arc::clone(&renewer))
        .with_clock(clock)
        .with_on_refresh(move |response: &String| {
            assert_eq!(response, "response-1");
            seen.fetch_add(1, Ordering::SeqCst);
        })
        .build();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let authorizer = authorizer.clone();
            tokio::spawn(async move { header(&authorizer).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), "Bearer token-1");
    }
    assert_eq!(renewer.calls(), 1);
    assert_eq!(refreshed.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_failed_renewal_is_shared_then_forgotten() {
    let (clock, renewer) = setup();
    *renewer.fail.lock().unwrap() = true;
    let authorizer = RenewingAuthorizer::builder(Arc::clone(&renewer))
        .with_clock(clock)
        .build();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let authorizer = authorizer.clone();
            tokio::spawn(async move {
                authorizer
                    .authorization_header()
                    .await
                    .unwrap_err()
                    .to_string()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), "usage error: renewal 1 failed");
    }
    assert_eq!(renewer.calls(), 1, "every waiter shared the one failure");
    *renewer.fail.lock().unwrap() = false;
    assert_eq!(
        header(&authorizer).await,
        "Bearer token-2",
        "the failure did not poison the next try"
    );
    assert_eq!(renewer.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_caller_does_not_strand_the_others() {
    let (clock, renewer) = setup();
    let authorizer = RenewingAuthorizer::builder(Arc::clone(&renewer))
        .with_clock(clock)
        .build();
    let first = {
        let authorizer = authorizer.clone();
        tokio::spawn(async move { header(&authorizer).await })
    };
    tokio::time::sleep(Duration::from_millis(10)).await; // the renewal is under way
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());
    assert_eq!(header(&authorizer).await, "Bearer token-1");
    assert_eq!(
        renewer.calls(),
        1,
        "the second caller drove the same renewal to completion"
    );
}

#[tokio::test(start_paused = true)]
async fn a_401_makes_only_the_rejected_token_stale() {
    let (clock, renewer) = setup();
    let authorizer = RenewingAuthorizer::builder(Arc::clone(&renewer))
        .with_clock(clock)
        .build();
    let first = authorizer.authorization_header().await.unwrap().unwrap();
    assert!(authorizer.handle_missing_authorization(Some(&first)));
    let second = authorizer.authorization_header().await.unwrap().unwrap();
    assert_eq!(second, "Bearer token-2");
    // A late 401 for the old token does not throw away the new one.
    assert!(authorizer.handle_missing_authorization(Some(&first)));
    assert_eq!(header(&authorizer).await, "Bearer token-2");
    assert_eq!(renewer.calls(), 2);
    assert!(format!("{authorizer:?}").contains("AccessToken([REDACTED])"));
    assert!(!format!("{authorizer:?}").contains("token-2"));
}

#[tokio::test(start_paused = true)]
async fn the_transport_renews_once_for_a_hundred_requests_and_once_on_401() {
    let server = MockServer::start_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/v2/x").header("authorization", "Bearer token-1");
            then.status(200);
        })
        .await;
    let (clock, renewer) = setup();
    let authorizer = RenewingAuthorizer::builder(Arc::clone(&renewer))
        .with_clock(clock)
        .with_token(AccessToken::new("expired"), NOW - 10)
        .build();
    let client = support::builder(&server)
        .with_authorizer(authorizer)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get("/v2/x").send().await.map(|r| r.status()) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 200);
    }
    assert_eq!(renewer.calls(), 1);
    assert_eq!(ok.calls_async().await, 100);

    // The service starts rejecting token-1: one renewal, one retry with token-2.
    ok.delete_async().await;
    let rejected = server
        .mock_async(|when, then| {
            when.path("/v2/y").header("authorization", "Bearer token-1");
            then.status(401);
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.path("/v2/y").header("authorization", "Bearer token-2");
            then.status(200);
        })
        .await;
    client.get("/v2/y").send().await.unwrap();
    assert_eq!(rejected.calls_async().await, 1);
    assert_eq!(accepted.calls_async().await, 1);
    assert_eq!(renewer.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_token_without_expiry_is_used_until_rejected() {
    #[derive(Debug)]
    struct NoExpiry(AtomicUsize);
    impl TokenRenewer for NoExpiry {
        type Response = ();
        async fn renew(&self) -> Result<Renewal<()>> {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Renewal {
                access_token: AccessToken::new(format!("t{n}")),
                expires_at: None,
                response: (),
            })
        }
    }
    let renewer = Arc::new(NoExpiry(AtomicUsize::new(0)));
    let clock = Arc::new(ManualClock::new(NOW));
    let authorizer = RenewingAuthorizer::builder(Arc::clone(&renewer))
        .with_clock(clock.clone())
        .build();
    assert_eq!(header(&authorizer).await, "Bearer t1");
    clock.advance(1_000_000);
    assert_eq!(header(&authorizer).await, "Bearer t1");
    authorizer.expire();
    assert_eq!(header(&authorizer).await, "Bearer t2");
}
