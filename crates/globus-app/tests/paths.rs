//! App-name slugs and default paths, with the cases of Python globus-sdk's
//! tests/unit/tokenstorage/v2/test_token_storage.py and §8.6 of the feature reference. Every
//! expected slug and rejection below was checked against globus-sdk 4.10.0 on CPython 3.11.
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_app::Error;
use globus_app::storage::{TokenFileFormat, default_token_path, slugify_app_name};

#[test]
fn slug_table() {
    let cases = [
        ("Globus CLI v3.30.0", "globus-cli-v3-30-0"),
        ("my-cool-app", "my-cool-app"),
        ("jonathan", "jonathan"),
        ("glob<>:\"/\\|?*us", "glob+++++++++us"),
        ("glob\0\n\t\rus", "globus"),
        ("Continuous Deployment App", "continuous-deployment-app"),
        ("a. b", "a--b"),
        ("a?", "a+"),
        ("AB", "ab"),
        ("..", "--"),
        ("../../etc/passwd", "--+--+etc+passwd"),
        // non-printable by Python's str.isprintable(): NBSP, zero-width joiner, BOM, DEL
        ("a\u{a0}b\u{200d}c\u{feff}d\u{7f}e", "abcde"),
        ("Ünïcödé Äpp 😀", "ünïcödé-äpp-😀"),
        ("ΣΑΣ", "σας"), // final sigma, as Python's str.lower()
        ("comx", "comx"),
        ("com10", "com10"),
        ("lpt", "lpt"),
        ("console", "console"),
    ];
    for (name, slug) in cases {
        assert_eq!(slugify_app_name(name).unwrap(), slug, "{name:?}");
    }
}

#[test]
fn reserved_and_empty_names_are_rejected() {
    for name in [
        "CON",
        "PRN\n",
        "nul",
        "aux",
        "LPT9",
        "COM1",
        "com\u{0661}",
        "Lpt0\u{200b}",
    ] {
        let err = slugify_app_name(name).unwrap_err();
        assert!(
            matches!(err, Error::InvalidAppName { .. }),
            "{name:?}: {err:?}"
        );
        assert!(err.to_string().contains("reserved file name"), "{err}");
    }
    for name in ["", "\n\t\r", "\u{200b}\u{a0}"] {
        let err = slugify_app_name(name).unwrap_err();
        assert!(err.to_string().contains("empty string"), "{name:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn default_paths_follow_python() {
    let home = std::env::home_dir().unwrap();
    let cid = "6b2e3c46-6d1f-4b55-9a4b-3b1f8f0a6c11";
    let json = default_token_path(
        cid,
        "Globus CLI v3.30.0",
        "production",
        TokenFileFormat::Json,
    );
    assert_eq!(
        json.unwrap(),
        home.join(".globus/app")
            .join(cid)
            .join("globus-cli-v3-30-0/tokens.json")
    );
    let db = default_token_path(cid, "x", "sandbox", TokenFileFormat::Sqlite).unwrap();
    assert_eq!(
        db,
        home.join(".globus/app")
            .join(cid)
            .join("x/sandbox-tokens.db")
    );
    assert!(matches!(
        default_token_path("../x", "app", "production", TokenFileFormat::Json),
        Err(Error::InvalidPathComponent {
            what: "client id",
            ..
        })
    ));
    assert!(matches!(
        default_token_path(cid, "nul", "production", TokenFileFormat::Json),
        Err(Error::InvalidAppName { .. })
    ));
}
