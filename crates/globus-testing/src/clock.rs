//! The fake's clock: wall time at start-up plus tokio's monotonic time since, plus a manual
//! offset. Under `tokio::time::pause()` the fake's time moves only with `advance`, so expiry
//! tests need no real sleeps.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug)]
pub(crate) struct Clock {
    wall_at_start: Duration,
    started: tokio::time::Instant,
    offset: Mutex<Duration>,
}

impl Clock {
    pub(crate) fn new() -> Self {
        Self {
            wall_at_start: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
            started: tokio::time::Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        }
    }

    /// Seconds since the Unix epoch, as the fake sees them.
    pub(crate) fn now(&self) -> u64 {
        let offset = *self.offset.lock().unwrap_or_else(|e| e.into_inner());
        (self.wall_at_start + self.started.elapsed() + offset).as_secs()
    }

    /// Moves the fake's time forward.
    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset += by;
    }
}
