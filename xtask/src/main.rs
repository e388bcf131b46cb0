//! Project automation: `cargo xtask <command>`.
//!
//! Commands:
//! - `ci`: everything CI checks, in the order a human would want the failures: formatting,
//!   clippy with warnings denied, the test suite (doctests included), rustdoc with warnings
//!   denied, and `cargo deny check licenses bans sources` when cargo-deny is installed.
//!   The advisory database cannot be fetched offline, so advisories are never checked here.

use std::env;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("help") | Some("--help") | Some("-h") | None => {
            print_help();
            Ok(())
        }
        Some(other) => Err(format!(
            "unknown xtask command `{other}`; try `cargo xtask help`"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!("cargo xtask <command>");
    println!();
    println!("  ci     fmt, clippy, tests, docs and cargo-deny (licenses, bans, sources)");
}

fn ci() -> Result<(), String> {
    run("cargo", &["fmt", "--all", "--check"], &[])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    run("cargo", &["test", "--workspace"], &[])?;
    run(
        "cargo",
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    if cargo_deny_installed() {
        run(
            "cargo",
            &["deny", "check", "licenses", "bans", "sources"],
            &[],
        )?;
    } else {
        println!(
            "xtask: cargo-deny is not installed; skipping `cargo deny check licenses bans sources` \
             (install it with `cargo install cargo-deny --locked`)"
        );
    }
    println!("xtask: advisories are not checked: the advisory database cannot be fetched offline");
    Ok(())
}

fn cargo_deny_installed() -> bool {
    Command::new("cargo")
        .args(["deny", "--version"])
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false)
}

fn run(program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    println!("xtask: running {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .status()
        .map_err(|err| format!("could not start {program}: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}
