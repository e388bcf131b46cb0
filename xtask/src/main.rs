//! Project automation: `cargo xtask <command>`.
//!
//! Commands:
//! - `ci`: everything CI checks, in the order a human would want the failures: formatting,
//!   clippy with warnings denied, the test suite (doctests included), rustdoc with warnings
//!   denied, and `cargo deny check licenses bans sources` when cargo-deny is installed.
//!   The advisory database cannot be fetched offline, so advisories are never checked here.
//! - `fuzz <target> [seconds]`: runs one cargo-fuzz target (default 600 s) from `fuzz/`,
//!   seeded from `fuzz/seeds/<target>`; `fuzz list` lists the targets.
//! - `bench [filter] [--no-callgrind]`: runs every crate's benchmarks in release mode, then
//!   prints a summary table: each group's floor, SDK, ratio and target, collected from the
//!   `bench-summary` lines the benchmarks print, plus (when valgrind is installed)
//!   instructions per call of the request path counted with callgrind, and the `globus`
//!   CLI example's cold start and release binary size. `bench cli` measures only the CLI;
//!   another filter is passed to the benchmarks (and skips the CLI).

mod bench;
mod bench_repeat;
mod cli_bench;

use std::env;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("fuzz") => fuzz(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
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
    println!(
        "  ci                      fmt, clippy, tests, docs and cargo-deny (licenses, bans, sources)"
    );
    println!(
        "  fuzz <target> [secs]    run a cargo-fuzz target (default 600 s); `fuzz list` lists them"
    );
    println!("  bench [filter] [--no-callgrind]  run the benchmarks (release) and print a summary");
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

fn fuzz(args: &[String]) -> Result<(), String> {
    let fuzz_dir = workspace_root()?.join("fuzz");
    let target = args
        .first()
        .ok_or("usage: cargo xtask fuzz <target> [seconds] (or `cargo xtask fuzz list`)")?;
    if !command_works("cargo", &["fuzz", "--version"]) {
        return Err(
            "cargo-fuzz is not installed: `cargo install cargo-fuzz` (it runs on this stable \
             toolchain with RUSTC_BOOTSTRAP=1, which this command sets)"
                .into(),
        );
    }
    if target == "list" {
        return run_in(&fuzz_dir, "cargo", &["fuzz", "list"], &[]);
    }
    let seconds: u64 = match args.get(1) {
        Some(text) => text
            .parse()
            .map_err(|_| format!("`{text}` is not a number of seconds"))?,
        None => 600,
    };
    let corpus = format!("corpus/{target}");
    let seeds = format!("seeds/{target}");
    std::fs::create_dir_all(fuzz_dir.join(&corpus))
        .map_err(|err| format!("could not create fuzz/{corpus}: {err}"))?;
    let mut run_args = vec!["fuzz", "run", target.as_str(), corpus.as_str()];
    if fuzz_dir.join(&seeds).is_dir() {
        run_args.push(seeds.as_str());
    }
    let max_time = format!("-max_total_time={seconds}");
    run_args.extend(["--", max_time.as_str(), "-print_final_stats=1"]);
    run_in(&fuzz_dir, "cargo", &run_args, &[("RUSTC_BOOTSTRAP", "1")])
}

fn workspace_root() -> Result<std::path::PathBuf, String> {
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    std::path::Path::new(manifest_dir)
        .parent()
        .map(std::path::Path::to_path_buf)
        .ok_or_else(|| "cannot find the workspace root".into())
}

fn command_works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false)
}

fn run_in(
    dir: &std::path::Path,
    program: &str,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Result<(), String> {
    println!(
        "xtask: running {program} {} (in {})",
        args.join(" "),
        dir.display()
    );
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .status()
        .map_err(|err| format!("could not start {program}: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

fn cargo_deny_installed() -> bool {
    command_works("cargo", &["deny", "--version"])
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
