//! Opening the user's browser, and deciding when it cannot be used.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::process::{Command, Stdio};
use std::time::Duration;

use globus_core::authorizer::BoxFuture;

/// Text-only browsers, which cannot complete a Globus login and would take over the
/// terminal (Python's `BROWSER_DENY_LIST`).
pub const TEXT_BROWSERS: &[&str] = &["lynx", "www-browser", "links", "elinks", "w3m"];

/// The environment variables the local-server flow reads.
const VARIABLES: &[&str] = &[
    "SSH_TTY",
    "SSH_CONNECTION",
    "BROWSER",
    "DISPLAY",
    "WAYLAND_DISPLAY",
];

/// How long the system opener waits for its command (`xdg-open`, `open`, …) to report a
/// failure before assuming the browser is starting.
const OPENER_GRACE: Duration = Duration::from_secs(5);

/// Why the browser cannot be used for a login.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BrowserUnavailable {
    /// This is a remote session (`SSH_TTY` or `SSH_CONNECTION` is set): a browser
    /// elsewhere cannot reach this machine's loopback address.
    RemoteSession,
    /// The configured browser (`BROWSER`) is text-only.
    TextBrowser(String),
    /// There is no graphical display (`DISPLAY` and `WAYLAND_DISPLAY` are unset, on a
    /// Unix system other than macOS).
    NoDisplay,
    /// Starting the browser failed (the message says how).
    OpenFailed(String),
}

impl fmt::Display for BrowserUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RemoteSession => {
                f.write_str("cannot use the local-server login flow in a remote (SSH) session")
            }
            Self::TextBrowser(name) => write!(
                f,
                "cannot use the local-server login flow with the text-only browser '{name}'"
            ),
            Self::NoDisplay => f.write_str("cannot open a browser: there is no graphical display"),
            Self::OpenFailed(why) => write!(f, "failed to open the browser: {why}"),
        }
    }
}

impl std::error::Error for BrowserUnavailable {}

/// Opens the authorize URL in the user's browser.
///
/// [`SystemBrowser`] is the default. Any `Fn(String) -> impl Future<Output = Result<(),
/// BrowserUnavailable>>` closure is an opener too, which is how tests play the browser.
/// The opener runs while the local server is already answering, so it may wait for the
/// whole login.
pub trait BrowserOpener: Send + Sync {
    /// Opens `url`; an error makes the manager apply its
    /// [`BrowserFallback`](super::BrowserFallback).
    fn open_browser(&self, url: String) -> BoxFuture<'static, Result<(), BrowserUnavailable>>;
}

impl<F, Fut> BrowserOpener for F
where
    F: Fn(String) -> Fut + Send + Sync,
    Fut: Future<Output = Result<(), BrowserUnavailable>> + Send + 'static,
{
    fn open_browser(&self, url: String) -> BoxFuture<'static, Result<(), BrowserUnavailable>> {
        Box::pin(self(url))
    }
}

/// The environment variables that decide whether a browser can be used: `SSH_TTY`,
/// `SSH_CONNECTION`, `BROWSER`, `DISPLAY` and `WAYLAND_DISPLAY`.
///
/// Read from the process with [`from_process`](Self::from_process) (the default, at each
/// login), or built by hand for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrowserEnvironment {
    vars: BTreeMap<String, String>,
}

impl BrowserEnvironment {
    /// No variables set.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The variables of the current process (values that are not Unicode are skipped).
    pub fn from_process() -> Self {
        let vars = VARIABLES
            .iter()
            .filter_map(|name| Some(((*name).to_owned(), std::env::var(name).ok()?)))
            .collect();
        Self { vars }
    }

    /// Returns a copy with `name` set to `value`.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// A variable's value, when set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether this is an SSH session (`SSH_TTY` or `SSH_CONNECTION` set).
    pub fn is_remote_session(&self) -> bool {
        self.get("SSH_TTY").is_some() || self.get("SSH_CONNECTION").is_some()
    }

    /// The browser command `BROWSER` names (its first entry), as program and arguments.
    fn browser_command(&self) -> Option<Vec<String>> {
        let separator = if cfg!(windows) { ';' } else { ':' };
        let first = self
            .get("BROWSER")?
            .split(separator)
            .map(str::trim)
            .find(|entry| !entry.is_empty())?;
        Some(first.split_whitespace().map(str::to_owned).collect())
    }

    /// The text-only browser `BROWSER` names first, if it does.
    pub fn text_browser(&self) -> Option<String> {
        let command = self.browser_command()?;
        let program = command.first()?;
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let name = name.strip_suffix(".exe").unwrap_or(name);
        TEXT_BROWSERS.contains(&name).then(|| name.to_owned())
    }

    /// Whether a graphical display is available: always on macOS and Windows, else when
    /// `DISPLAY` or `WAYLAND_DISPLAY` is set.
    pub fn has_display(&self) -> bool {
        cfg!(any(windows, target_os = "macos"))
            || self.get("DISPLAY").is_some()
            || self.get("WAYLAND_DISPLAY").is_some()
    }
}

/// The default opener: the browser named by `BROWSER`, else the system's URL opener
/// (`xdg-open` on Linux and BSD, `open` on macOS, `rundll32 url.dll,FileProtocolHandler`
/// on Windows — not `cmd /c start`, whose parser would split the URL at `&`).
///
/// Refuses, before running anything, a text-only browser ([`TEXT_BROWSERS`]) or a Unix
/// session without a display. A command that exits with a failure within five seconds
/// is [`BrowserUnavailable::OpenFailed`]; one still running then is taken to be the
/// browser. No shell is involved: the URL is one argument.
#[derive(Debug, Clone, Default)]
pub struct SystemBrowser {
    environment: Option<BrowserEnvironment>,
}

impl SystemBrowser {
    /// Reads the process environment at each use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decides with `environment` instead of the process's.
    pub fn with_environment(mut self, environment: BrowserEnvironment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// The command that would open `url`, after the checks.
    fn command(&self, url: &str) -> Result<Vec<String>, BrowserUnavailable> {
        let env = self
            .environment
            .clone()
            .unwrap_or_else(BrowserEnvironment::from_process);
        if let Some(name) = env.text_browser() {
            return Err(BrowserUnavailable::TextBrowser(name));
        }
        if let Some(mut command) = env.browser_command() {
            let mut substituted = false;
            for arg in command.iter_mut().skip(1) {
                if arg.contains("%s") {
                    *arg = arg.replace("%s", url);
                    substituted = true;
                }
            }
            if !substituted {
                command.push(url.to_owned());
            }
            return Ok(command);
        }
        if !env.has_display() {
            return Err(BrowserUnavailable::NoDisplay);
        }
        let mut command: Vec<String> = if cfg!(target_os = "macos") {
            vec!["open".into()]
        } else if cfg!(windows) {
            vec!["rundll32".into(), "url.dll,FileProtocolHandler".into()]
        } else {
            vec!["xdg-open".into()]
        };
        command.push(url.to_owned());
        Ok(command)
    }
}

impl BrowserOpener for SystemBrowser {
    fn open_browser(&self, url: String) -> BoxFuture<'static, Result<(), BrowserUnavailable>> {
        let command = self.command(&url);
        Box::pin(async move { run_opener(command?).await })
    }
}

async fn run_opener(command: Vec<String>) -> Result<(), BrowserUnavailable> {
    let Some((program, args)) = command.split_first() else {
        return Err(BrowserUnavailable::OpenFailed("no command".into()));
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| BrowserUnavailable::OpenFailed(format!("cannot run {program}: {e}")))?;
    let deadline = tokio::time::Instant::now() + OPENER_GRACE;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(BrowserUnavailable::OpenFailed(format!(
                    "{program} exited with {status}"
                )));
            }
            Ok(None) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // Still running (a browser started in the foreground), or unobservable: the
            // browser is taken to be open; a thread reaps the process when it ends.
            Ok(None) | Err(_) => {
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_checks() {
        let env = BrowserEnvironment::empty();
        assert!(!env.is_remote_session());
        assert!(env.text_browser().is_none());
        assert!(
            env.clone()
                .with("SSH_TTY", "/dev/pts/1")
                .is_remote_session()
        );
        assert!(
            env.clone()
                .with("SSH_CONNECTION", "1 2 3 4")
                .is_remote_session()
        );
        assert!(!env.clone().with("SSH_TTY", "").is_remote_session());
        for (browser, text) in [
            ("lynx", Some("lynx")),
            ("/usr/bin/w3m", Some("w3m")),
            ("elinks %s", Some("elinks")),
            ("www-browser:firefox", Some("www-browser")),
            ("firefox:lynx", None),
            ("firefox", None),
            ("", None),
        ] {
            assert_eq!(
                env.clone()
                    .with("BROWSER", browser)
                    .text_browser()
                    .as_deref(),
                text,
                "{browser}"
            );
        }
    }

    #[test]
    fn system_browser_commands() {
        let url = "http://x/?a=1&b=2";
        let env = BrowserEnvironment::empty().with("DISPLAY", ":0");
        let opener = SystemBrowser::new().with_environment(env.clone().with("BROWSER", "lynx"));
        assert_eq!(
            opener.command(url),
            Err(BrowserUnavailable::TextBrowser("lynx".into()))
        );
        let opener =
            SystemBrowser::new().with_environment(env.clone().with("BROWSER", "firefox --new-tab"));
        assert_eq!(
            opener.command(url),
            Ok(vec!["firefox".into(), "--new-tab".into(), url.into()])
        );
        let opener = SystemBrowser::new()
            .with_environment(env.clone().with("BROWSER", "my-browser --url=%s --x"));
        assert_eq!(
            opener.command(url),
            Ok(vec![
                "my-browser".into(),
                format!("--url={url}"),
                "--x".into()
            ])
        );
        let command = SystemBrowser::new().with_environment(env).command(url);
        assert_eq!(
            command.ok().and_then(|c| c.last().cloned()).as_deref(),
            Some(url)
        );
        if cfg!(all(unix, not(target_os = "macos"))) {
            let opener = SystemBrowser::new().with_environment(BrowserEnvironment::empty());
            assert_eq!(opener.command(url), Err(BrowserUnavailable::NoDisplay));
        }
    }

    #[tokio::test]
    async fn a_failing_command_is_reported() {
        let missing = run_opener(vec!["/nonexistent/globus-rs-browser".into()]).await;
        assert!(matches!(missing, Err(BrowserUnavailable::OpenFailed(_))));
        if cfg!(unix) {
            assert!(run_opener(vec!["false".into()]).await.is_err());
            assert!(run_opener(vec!["true".into()]).await.is_ok());
        }
    }
}
