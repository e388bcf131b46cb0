//! Captured log output, for tests that assert what a `tracing` subscriber printed (a
//! redaction test searching every line for a secret, say).
//!
//! ```
//! use globus_testing::capture::Capture;
//! use std::io::Write as _;
//!
//! let capture = Capture::default();
//! // With tracing-subscriber: `tracing_subscriber::fmt().with_writer(capture.writer())`.
//! let mut writer = (capture.writer())();
//! writer.write_all(b"GET /v2/api/identities 200\n").unwrap();
//! assert!(capture.text().contains("200"));
//! ```

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// A shared, growing buffer that writers append to. Clones share the buffer.
#[derive(Debug, Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Everything written so far (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.lock()).into_owned()
    }

    /// A writer factory for `tracing_subscriber::fmt().with_writer(...)`: any
    /// `Fn() -> impl Write` is a `MakeWriter`, so no tracing-subscriber types are needed here.
    pub fn writer(&self) -> impl Fn() -> Capture + Send + Sync + 'static {
        let capture = self.clone();
        move || capture.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        // A test that panicked while writing leaves the bytes it wrote; keep them.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lock().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
