//! Default token file paths, exactly where Python globus-sdk's `GlobusApp` puts them, so
//! that a Rust app and a Python app with the same client id and app name share tokens.
//!
//! - Unix: `~/.globus/app/{client_id}/{app_slug}/{env_prefix}tokens.{json|db}`
//! - Windows: `%LOCALAPPDATA%\globus\app\{client_id}\{app_slug}\{env_prefix}tokens.{json|db}`,
//!   falling back to `%APPDATA%` (only when `LOCALAPPDATA` is unset) and then to
//!   `~\AppData\Local`.
//!
//! `env_prefix` is empty for `production` and `"{environment}-"` otherwise
//! (`sandbox-tokens.json`). The app slug follows [`slugify_app_name`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Which kind of token file: decides the file extension of the default path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenFileFormat {
    /// [`JsonTokenStorage`](super::JsonTokenStorage): `tokens.json`.
    Json,
    /// [`SqliteTokenStorage`](super::SqliteTokenStorage): `tokens.db`.
    Sqlite,
}

impl TokenFileFormat {
    /// The file extension Python uses: `"json"` or `"db"`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Sqlite => "db",
        }
    }
}

/// The default token file for an app, as Python's `FileTokenStorage.for_globus_app` builds
/// it:
///
/// - Unix: `~/.globus/app/{client_id}/{app_slug}/{env_prefix}tokens.{json|db}`
/// - Windows: `%LOCALAPPDATA%\globus\app\{client_id}\{app_slug}\{env_prefix}tokens.{json|db}`,
///   falling back to `%APPDATA%` (only when `LOCALAPPDATA` is unset) and then to
///   `~\AppData\Local`.
///
/// `env_prefix` is empty for `production` and `"{environment}-"` otherwise
/// (`sandbox-tokens.json`); the app slug follows [`slugify_app_name`].
///
/// `environment` is the Globus environment name (`"production"`, `"sandbox"`, …). The client
/// id and environment must be usable as path components (no separators, no `..`, no control
/// characters); Python does not check this, but they are UUIDs and short names in practice.
///
/// ```
/// use globus_app::storage::{default_token_path, TokenFileFormat};
///
/// let path = default_token_path(
///     "6b2e3c46-6d1f-4b55-9a4b-3b1f8f0a6c11",
///     "Globus CLI v3.30.0",
///     "sandbox",
///     TokenFileFormat::Json,
/// )?;
/// # #[cfg(unix)]
/// assert!(path.ends_with(".globus/app/6b2e3c46-6d1f-4b55-9a4b-3b1f8f0a6c11/globus-cli-v3-30-0/sandbox-tokens.json"));
/// # Ok::<(), globus_app::Error>(())
/// ```
pub fn default_token_path(
    client_id: &str,
    app_name: &str,
    environment: &str,
    format: TokenFileFormat,
) -> Result<PathBuf> {
    let base = if cfg!(windows) {
        windows_data_dir(|name| std::env::var_os(name), std::env::home_dir())
            .map(|dir| dir.join("globus").join("app"))
    } else {
        std::env::home_dir().map(|home| home.join(".globus").join("app"))
    };
    let base = base.ok_or(Error::NoHomeDirectory)?;
    token_path_under(&base, client_id, app_name, environment, format)
}

/// `{base}/{client_id}/{slug}/{env_prefix}tokens.{ext}`.
pub(crate) fn token_path_under(
    base: &Path,
    client_id: &str,
    app_name: &str,
    environment: &str,
    format: TokenFileFormat,
) -> Result<PathBuf> {
    check_component("client id", client_id)?;
    check_component("environment", environment)?;
    let slug = slugify_app_name(app_name)?;
    let prefix = if environment == "production" {
        String::new()
    } else {
        format!("{environment}-")
    };
    let file = format!("{prefix}tokens.{}", format.extension());
    Ok(base.join(client_id).join(slug).join(file))
}

/// Python's choice of data directory on Windows:
/// `os.getenv("LOCALAPPDATA", os.getenv("APPDATA"))`, and `~\AppData\Local` when that is
/// unset or empty. (An empty `LOCALAPPDATA` falls back to the home directory, not to
/// `APPDATA`, exactly as in Python.)
pub(crate) fn windows_data_dir(
    var: impl Fn(&str) -> Option<OsString>,
    home: Option<PathBuf>,
) -> Option<PathBuf> {
    let dir = var("LOCALAPPDATA").or_else(|| var("APPDATA"));
    match dir {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => home.map(|home| home.join("AppData").join("Local")),
    }
}

fn check_component(what: &'static str, value: &str) -> Result<()> {
    let reason = if value.is_empty() {
        Some("it is empty")
    } else if value == "." || value == ".." {
        Some("it is a relative directory name")
    } else if value.chars().any(|c| RESERVED_CHARS.contains(&c)) {
        Some("it contains a character that is not allowed in file names")
    } else if value.chars().any(char::is_control) {
        Some("it contains a control character")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidPathComponent {
            what,
            value: value.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Characters Windows reserves in file names; Python replaces each with `+`.
const RESERVED_CHARS: [char; 9] = ['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Turns an app name into the directory name Python globus-sdk uses for it.
///
/// The rules, applied in this order (Python's `_slugify_app_name`):
/// 1. each of `< > : " / \ | ? *` becomes `+`;
/// 2. `.` and space become `-`;
/// 3. characters Python's `str.isprintable()` rejects are dropped (control, format,
///    separator and private-use characters);
/// 4. the result is lowercased;
/// 5. an empty result, or exactly one of the Windows device names `con`, `prn`, `aux`,
///    `nul`, `com<digit>`, `lpt<digit>`, is an [`Error::InvalidAppName`].
///
/// ```
/// use globus_app::storage::slugify_app_name;
///
/// assert_eq!(slugify_app_name("Globus CLI v3.30.0")?, "globus-cli-v3-30-0");
/// assert_eq!(slugify_app_name("glob<>:\"/\\|?*us")?, "glob+++++++++us");
/// assert_eq!(slugify_app_name("Continuous Deployment App")?, "continuous-deployment-app");
/// assert!(slugify_app_name("CON").is_err());
/// assert!(slugify_app_name("\n\t").is_err());
/// # Ok::<(), globus_app::Error>(())
/// ```
///
/// Unassigned code points, which Python treats as unprintable or not depending on the
/// Unicode version of the Python build, are kept.
pub fn slugify_app_name(app_name: &str) -> Result<String> {
    let replaced: String = app_name
        .chars()
        .filter_map(|c| match c {
            c if RESERVED_CHARS.contains(&c) => Some('+'),
            '.' | ' ' => Some('-'),
            c if !is_printable(c) => None,
            c => Some(c),
        })
        .collect();
    let slug = replaced.to_lowercase();
    if is_reserved_name(&slug) {
        return Err(Error::InvalidAppName {
            name: app_name.to_owned(),
            reason: format!(
                "it results in a reserved file name ({slug:?}); please choose a different name"
            ),
        });
    }
    if slug.is_empty() {
        return Err(Error::InvalidAppName {
            name: app_name.to_owned(),
            reason: "it results in the empty string; please choose a different name".to_owned(),
        });
    }
    Ok(slug)
}

/// Python's `re.fullmatch(r"con|prn|aux|nul|com\d|lpt\d", slug)`, where `\d` is any Unicode
/// decimal digit.
fn is_reserved_name(slug: &str) -> bool {
    if matches!(slug, "con" | "prn" | "aux" | "nul") {
        return true;
    }
    let rest = slug
        .strip_prefix("com")
        .or_else(|| slug.strip_prefix("lpt"));
    let mut chars = rest.into_iter().flat_map(str::chars);
    matches!((chars.next(), chars.next()), (Some(c), None) if in_ranges(c, DECIMAL_DIGITS))
}

/// Python's `str.isprintable()` for assigned characters: not in the general categories
/// Cc, Cf, Zs, Zl, Zp, Co or Cs, except the ASCII space.
fn is_printable(c: char) -> bool {
    !in_ranges(c, NOT_PRINTABLE)
}

fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    let c = u32::from(c);
    ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
}

/// Assigned characters `str.isprintable()` rejects, from CPython 3.11's Unicode 14 database
/// (`unicodedata.category(c) in {Cc, Cf, Zs, Zl, Zp, Co, Cs} and c != " "`).
#[rustfmt::skip]
const NOT_PRINTABLE: &[(u32, u32)] = &[
    (0x0, 0x1F), (0x7F, 0xA0), (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD),
    (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x1680, 0x1680), (0x180E, 0x180E),
    (0x2000, 0x200F), (0x2028, 0x202F), (0x205F, 0x2064), (0x2066, 0x206F), (0x3000, 0x3000),
    (0xD800, 0xF8FF), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD),
];

/// Unicode decimal digits (category Nd), what Python's `\d` matches in `str` patterns.
#[rustfmt::skip]
const DECIMAL_DIGITS: &[(u32, u32)] = &[
    (0x30, 0x39), (0x660, 0x669), (0x6F0, 0x6F9), (0x7C0, 0x7C9), (0x966, 0x96F),
    (0x9E6, 0x9EF), (0xA66, 0xA6F), (0xAE6, 0xAEF), (0xB66, 0xB6F), (0xBE6, 0xBEF),
    (0xC66, 0xC6F), (0xCE6, 0xCEF), (0xD66, 0xD6F), (0xDE6, 0xDEF), (0xE50, 0xE59),
    (0xED0, 0xED9), (0xF20, 0xF29), (0x1040, 0x1049), (0x1090, 0x1099), (0x17E0, 0x17E9),
    (0x1810, 0x1819), (0x1946, 0x194F), (0x19D0, 0x19D9), (0x1A80, 0x1A89), (0x1A90, 0x1A99),
    (0x1B50, 0x1B59), (0x1BB0, 0x1BB9), (0x1C40, 0x1C49), (0x1C50, 0x1C59), (0xA620, 0xA629),
    (0xA8D0, 0xA8D9), (0xA900, 0xA909), (0xA9D0, 0xA9D9), (0xA9F0, 0xA9F9), (0xAA50, 0xAA59),
    (0xABF0, 0xABF9), (0xFF10, 0xFF19), (0x104A0, 0x104A9), (0x10D30, 0x10D39),
    (0x11066, 0x1106F), (0x110F0, 0x110F9), (0x11136, 0x1113F), (0x111D0, 0x111D9),
    (0x112F0, 0x112F9), (0x11450, 0x11459), (0x114D0, 0x114D9), (0x11650, 0x11659),
    (0x116C0, 0x116C9), (0x11730, 0x11739), (0x118E0, 0x118E9), (0x11950, 0x11959),
    (0x11C50, 0x11C59), (0x11D50, 0x11D59), (0x11DA0, 0x11DA9), (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9), (0x16B50, 0x16B59), (0x1D7CE, 0x1D7FF), (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9), (0x1E950, 0x1E959), (0x1FBF0, 0x1FBF9),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_data_dir_follows_python() {
        let home = Some(PathBuf::from("H"));
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(*v))
            }
        };
        let both = env(&[("LOCALAPPDATA", "L"), ("APPDATA", "A")]);
        assert_eq!(windows_data_dir(both, home.clone()), Some("L".into()));
        let roaming = env(&[("APPDATA", "A")]);
        assert_eq!(windows_data_dir(roaming, home.clone()), Some("A".into()));
        let empty_local = env(&[("LOCALAPPDATA", ""), ("APPDATA", "A")]);
        let fallback = Path::new("H").join("AppData").join("Local");
        assert_eq!(
            windows_data_dir(empty_local, home.clone()),
            Some(fallback.clone())
        );
        assert_eq!(windows_data_dir(env(&[]), home), Some(fallback));
        assert_eq!(windows_data_dir(env(&[]), None), None);
    }

    #[test]
    fn path_under_base() {
        let base = Path::new("/home/u/.globus/app");
        let cid = "6b2e3c46-6d1f-4b55-9a4b-3b1f8f0a6c11";
        let json = token_path_under(base, cid, "My App", "production", TokenFileFormat::Json);
        assert_eq!(
            json.unwrap(),
            base.join(cid).join("my-app").join("tokens.json")
        );
        let db = token_path_under(base, cid, "My App", "sandbox", TokenFileFormat::Sqlite);
        assert_eq!(
            db.unwrap(),
            base.join(cid).join("my-app").join("sandbox-tokens.db")
        );
    }

    #[test]
    fn rejects_traversal_in_client_id_and_environment() {
        let base = Path::new("/b");
        for (cid, env) in [
            ("..", "production"),
            ("a/b", "production"),
            ("", "production"),
            ("c", "../x"),
            ("c", "a\\b"),
            ("c", "x\ny"),
            ("c", ""),
        ] {
            let err = token_path_under(base, cid, "app", env, TokenFileFormat::Json).unwrap_err();
            assert!(
                matches!(err, Error::InvalidPathComponent { .. }),
                "{cid:?} {env:?}: {err}"
            );
        }
    }

    #[test]
    fn digits_and_printable_tables_match_python_examples() {
        assert!(is_reserved_name("com\u{0661}")); // ARABIC-INDIC DIGIT ONE is \d in Python
        assert!(!is_reserved_name("com\u{00b9}")); // SUPERSCRIPT ONE is not (category No)
        assert!(
            !is_reserved_name("com10") && !is_reserved_name("com") && !is_reserved_name("conx")
        );
        assert!(!is_printable('\u{200d}') && !is_printable('\u{a0}') && !is_printable('\u{e000}'));
        assert!(is_printable('é') && is_printable('😀') && is_printable(' '));
    }
}
