//! The login flows' terminal: where the URL and prompt are printed and the code is read.
//!
//! Standard input is read on a dedicated thread, one bounded line per login, and the line
//! is handed to the async side through a channel: the executor never blocks, and — unlike
//! tokio's `stdin`, whose read runs on the blocking pool — an abandoned login (a timeout,
//! Ctrl-C) never keeps the runtime from shutting down.

use std::fmt;
use std::io::{self, BufRead};

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{Mutex, oneshot};

use crate::error::{Error, Result};

/// The longest line read: a pasted code, or a pasted callback URL with its code and
/// state, is far shorter.
pub(crate) const MAX_INPUT_LINE: usize = 8 * 1024;

/// A boxed writer.
type BoxWriter = Box<dyn AsyncWrite + Send + Unpin>;
/// A boxed reader.
type BoxReader = Box<dyn AsyncBufRead + Send + Unpin>;

/// Where a manager prints (stdout unless replaced).
pub(crate) struct Output(Mutex<BoxWriter>);

impl Output {
    pub(crate) fn stdout() -> Self {
        Self::new(tokio::io::stdout())
    }

    pub(crate) fn new<W: AsyncWrite + Send + Unpin + 'static>(writer: W) -> Self {
        Self(Mutex::new(Box::new(writer)))
    }

    /// Writes and flushes `text`, in one piece with respect to other logins.
    pub(crate) async fn write(&self, text: &str) -> Result<()> {
        let mut writer = self.0.lock().await;
        let io_error = |source| Error::LoginIo {
            operation: "write to the terminal",
            source,
        };
        writer.write_all(text.as_bytes()).await.map_err(io_error)?;
        writer.flush().await.map_err(io_error)
    }
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Output")
    }
}

/// Where a manager reads the code (stdin unless replaced). A replacement reader is kept
/// between logins, so nothing read ahead is lost.
pub(crate) enum Input {
    Stdin,
    Reader(Mutex<BoxReader>),
}

impl Input {
    pub(crate) fn reader<R: AsyncBufRead + Send + Unpin + 'static>(reader: R) -> Self {
        Self::Reader(Mutex::new(Box::new(reader)))
    }

    /// Reads one line of at most `max` bytes.
    pub(crate) async fn read_line(&self, max: usize) -> Result<Line> {
        let io_error = |source| Error::LoginIo {
            operation: "read the authorization code",
            source,
        };
        match self {
            Self::Reader(reader) => {
                let mut reader = reader.lock().await;
                let mut line = LineBuilder::new(max);
                loop {
                    let buf = reader.fill_buf().await.map_err(io_error)?;
                    let (used, done) = line.feed(buf);
                    reader.consume(used);
                    if done {
                        return Ok(line.finish());
                    }
                }
            }
            Self::Stdin => {
                let (send, receive) = oneshot::channel();
                std::thread::Builder::new()
                    .name("globus-login-stdin".into())
                    .spawn(move || {
                        let _ = send.send(read_line_blocking(&mut io::stdin().lock(), max));
                    })
                    .map_err(io_error)?;
                receive
                    .await
                    .map_err(|_| io_error(io::Error::other("the stdin reader stopped")))?
                    .map_err(io_error)
            }
        }
    }
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stdin => "Stdin",
            Self::Reader(_) => "Reader",
        })
    }
}

fn read_line_blocking(reader: &mut impl BufRead, max: usize) -> io::Result<Line> {
    let mut line = LineBuilder::new(max);
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        let (used, done) = line.feed(buf);
        reader.consume(used);
        if done {
            return Ok(line.finish());
        }
    }
}

/// One line read from the terminal.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// The line, without its `\n`.
    Text(String),
    /// The input ended before any character of a line.
    Closed,
    /// The line was longer than the limit (it was read to its end and dropped).
    TooLong,
    /// The line was not UTF-8.
    NotUtf8,
}

/// Collects one line from buffered chunks, never keeping more than `max` bytes.
struct LineBuilder {
    line: Vec<u8>,
    max: usize,
    too_long: bool,
    ended: bool,
}

impl LineBuilder {
    fn new(max: usize) -> Self {
        Self {
            line: Vec::new(),
            max,
            too_long: false,
            ended: false,
        }
    }

    /// Takes what it needs from `buf` (empty: end of input); returns how many bytes it
    /// used and whether the line is complete.
    fn feed(&mut self, buf: &[u8]) -> (usize, bool) {
        if buf.is_empty() {
            self.ended = true;
            return (0, true);
        }
        let (chunk, used, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(end) => (&buf[..end], end + 1, true),
            None => (buf, buf.len(), false),
        };
        if !self.too_long {
            if self.line.len() + chunk.len() > self.max {
                self.too_long = true;
                self.line = Vec::new();
            } else {
                self.line.extend_from_slice(chunk);
            }
        }
        (used, done)
    }

    fn finish(self) -> Line {
        if self.too_long {
            Line::TooLong
        } else if self.ended && self.line.is_empty() {
            Line::Closed
        } else {
            String::from_utf8(self.line).map_or(Line::NotUtf8, Line::Text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &'static [u8], max: usize) -> Vec<Line> {
        let reader = Input::reader(input);
        let mut out = Vec::new();
        loop {
            match reader.read_line(max).await {
                Ok(Line::Closed) | Err(_) => break,
                Ok(line) => out.push(line),
            }
        }
        // The blocking reader agrees.
        let mut blocking = Vec::new();
        let mut input = input;
        loop {
            match read_line_blocking(&mut input, max) {
                Ok(Line::Closed) | Err(_) => break,
                Ok(line) => blocking.push(line),
            }
        }
        assert_eq!(out, blocking);
        out
    }

    #[tokio::test]
    async fn bounded_lines() {
        assert_eq!(
            lines(b"abc\r\n  def  \nlast", 16).await,
            vec![
                Line::Text("abc\r".into()),
                Line::Text("  def  ".into()),
                Line::Text("last".into())
            ]
        );
        assert_eq!(
            lines(b"0123456789abcdefXYZ\nok\n", 16).await,
            vec![Line::TooLong, Line::Text("ok".into())]
        );
        assert_eq!(
            lines(b"0123456789abcdef\n", 16).await,
            vec![Line::Text("0123456789abcdef".into())]
        );
        assert_eq!(lines(b"\xff\xfe\n", 16).await, vec![Line::NotUtf8]);
        assert_eq!(lines(b"", 16).await, vec![]);
        assert_eq!(lines(b"\n", 16).await, vec![Line::Text(String::new())]);
    }
}
