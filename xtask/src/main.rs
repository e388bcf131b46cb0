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

use std::env;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("fuzz") => fuzz(&args[1..]),
        Some("bench") => bench(&args[1..]),
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

fn bench(args: &[String]) -> Result<(), String> {
    let callgrind = !args.iter().any(|a| a == "--no-callgrind");
    let filter = args.iter().find(|a| !a.starts_with("--"));
    let mut bench_args = vec!["bench", "--workspace", "--benches"];
    if let Some(filter) = filter {
        bench_args.extend(["--", filter.as_str()]);
    }
    let cli_only = filter.is_some_and(|f| f == "cli");
    let mut rows = if cli_only {
        Vec::new()
    } else {
        run_collecting("cargo", &bench_args, SUMMARY_PREFIX)?
            .iter()
            .map(|line| line.split('\t').map(str::to_owned).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    if !cli_only
        && callgrind
        && filter.is_none_or(|f| "request".contains(f.as_str()) || f.contains("request"))
    {
        match request_instructions() {
            Ok(mut extra) => rows.append(&mut extra),
            Err(err) => println!("xtask: instruction counts skipped: {err}"),
        }
    }
    if !cli_only
        && callgrind
        && filter.is_none_or(|f| "parse".contains(f.as_str()) || f.contains("scope"))
    {
        match scope_instructions() {
            Ok(mut extra) => rows.append(&mut extra),
            Err(err) => println!("xtask: scope instruction counts skipped: {err}"),
        }
    }
    if filter.is_none() || cli_only {
        rows.push(cli_cold_start());
    }
    print_summary(&rows);
    Ok(())
}

/// The prefix of the lines benchmarks print for the summary (see
/// `globus_testing::bench::Summary`): tab-separated group, floor, SDK, ratio, target,
/// verdict.
const SUMMARY_PREFIX: &str = "bench-summary\t";

/// Runs a command, echoing its stdout, and returns the stdout lines starting with `prefix`
/// (without it).
fn run_collecting(program: &str, args: &[&str], prefix: &str) -> Result<Vec<String>, String> {
    use std::io::BufRead as _;
    println!("xtask: running {program} {}", args.join(" "));
    let mut child = Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|err| format!("could not start {program}: {err}"))?;
    let mut collected = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.map_err(|err| format!("reading {program}'s output: {err}"))?;
            println!("{line}");
            if let Some(rest) = line.strip_prefix(prefix) {
                collected.push(rest.to_owned());
            }
        }
    }
    let status = child
        .wait()
        .map_err(|err| format!("waiting for {program}: {err}"))?;
    if status.success() {
        Ok(collected)
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Prints the rows as an aligned table.
fn print_summary(rows: &[Vec<String>]) {
    let header: Vec<String> = ["group", "floor", "sdk", "ratio", "target", "verdict"]
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
    let all: Vec<&Vec<String>> = std::iter::once(&header).chain(rows).collect();
    let columns = all.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            all.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    println!();
    println!("xtask: benchmark summary (ratios: SDK / floor; medians of interleaved runs)");
    for row in all {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("  {}", cells.join(" | ").trim_end());
    }
}

/// Instructions per call of the request path, SDK against floor, on the client thread:
/// the request benchmark's driver mode run under callgrind for two call counts, so that
/// start-up cancels out. Repeatable to a fraction of a percent on a noisy machine.
fn request_instructions() -> Result<Vec<Vec<String>>, String> {
    if !command_works("valgrind", &["--version"]) {
        return Err("valgrind is not installed".into());
    }
    let exe = bench_executable("globus-auth", "request")?;
    let dir = std::env::temp_dir().join(format!("xtask-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    let (low, high) = (100usize, 300usize);
    let per_call = |case: &str| -> Result<f64, String> {
        let count = |calls: usize| -> Result<u64, String> {
            let out = dir.join(format!("cg.{}.{calls}", case.replace('/', "_")));
            let status = Command::new("valgrind")
                .args([
                    "--tool=callgrind",
                    "--separate-threads=yes",
                    &format!("--callgrind-out-file={}", out.display()),
                ])
                .arg(&exe)
                .env("GLOBUS_BENCH_DRIVER", case)
                .env("GLOBUS_BENCH_CALLS", calls.to_string())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .map_err(|err| format!("could not start valgrind: {err}"))?;
            if !status.success() {
                return Err(format!("valgrind failed on {case} ({status})"));
            }
            // Thread 1 is the client (the benchmark's main thread); the server has its own.
            let main_thread = format!("{}-01", out.display());
            let text = std::fs::read_to_string(&main_thread)
                .map_err(|err| format!("reading {main_thread}: {err}"))?;
            text.lines()
                .find_map(|line| line.strip_prefix("totals: "))
                .and_then(|n| n.trim().parse().ok())
                .ok_or_else(|| format!("no totals in {main_thread}"))
        };
        let (a, b) = (count(low)?, count(high)?);
        Ok(b.saturating_sub(a) as f64 / (high - low) as f64)
    };
    let mut rows = Vec::new();
    for group in ["get_identities", "refresh_token"] {
        println!("xtask: counting instructions for request/{group} (callgrind)");
        let floor = per_call(&format!("{group}/floor"))?;
        let sdk = per_call(&format!("{group}/sdk"))?;
        let ratio = sdk / floor;
        rows.push(vec![
            format!("request/{group} (instructions)"),
            format!("{floor:.0} instr/call"),
            format!("{sdk:.0} instr/call"),
            format!("{ratio:.3}x"),
            "<= 1.10x".to_owned(),
            if ratio <= 1.10 { "met" } else { "MISSED" }.to_owned(),
        ]);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(rows)
}

/// Total instructions of one run of `exe` under callgrind with these environment
/// variables (all threads).
fn callgrind_total(exe: &std::path::Path, envs: &[(&str, &str)]) -> Result<u64, String> {
    let out = std::env::temp_dir().join(format!("xtask-cg-{}.out", std::process::id()));
    let status = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            &format!("--callgrind-out-file={}", out.display()),
        ])
        .arg(exe)
        .envs(envs.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|err| format!("could not start valgrind: {err}"))?;
    if !status.success() {
        return Err(format!("valgrind failed ({status})"));
    }
    let text =
        std::fs::read_to_string(&out).map_err(|err| format!("reading {}: {err}", out.display()))?;
    let _ = std::fs::remove_file(&out);
    text.lines()
        .find_map(|line| line.strip_prefix("totals: "))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| "no totals in the callgrind output".to_owned())
}

/// Linearity of the scope parser on the pathological inputs, in instructions: parsing the
/// 10,000-level chain and diamond against the 1,000-level ones (building the text
/// included, which is linear too), after subtracting a trivial run.
fn scope_instructions() -> Result<Vec<Vec<String>>, String> {
    if !command_works("valgrind", &["--version"]) {
        return Err("valgrind is not installed".into());
    }
    let exe = bench_executable("globus-scopes", "parse")?;
    let base = callgrind_total(&exe, &[("GLOBUS_BENCH_DRIVER", "chain:2")])?;
    let mut rows = Vec::new();
    for kind in ["chain", "diamond"] {
        println!("xtask: counting instructions for scopes/{kind} 1k and 10k (callgrind)");
        let small = callgrind_total(&exe, &[("GLOBUS_BENCH_DRIVER", &format!("{kind}:1000"))])?
            .saturating_sub(base);
        let large = callgrind_total(&exe, &[("GLOBUS_BENCH_DRIVER", &format!("{kind}:10000"))])?
            .saturating_sub(base);
        let growth = large as f64 / small as f64;
        rows.push(vec![
            format!("scopes/{kind}_raised linearity (instructions)"),
            format!("{small} instr at 1k"),
            format!("{large} instr at 10k"),
            format!("{growth:.2}x for 10x the input"),
            "linear (< 11x)".to_owned(),
            if growth < 11.0 { "met" } else { "MISSED" }.to_owned(),
        ]);
    }
    Ok(rows)
}

/// Builds a bench target and returns its executable (from cargo's JSON messages).
fn bench_executable(package: &str, bench: &str) -> Result<std::path::PathBuf, String> {
    let output = Command::new("cargo")
        .args([
            "bench",
            "-p",
            package,
            "--bench",
            bench,
            "--no-run",
            "--message-format=json",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|err| format!("could not start cargo: {err}"))?;
    if !output.status.success() {
        return Err(format!("building the {bench} benchmark failed"));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter(|line| {
            line.contains(r#""reason":"compiler-artifact""#)
                && line.contains(&format!(r#""name":"{bench}""#))
                && line.contains(r#""kind":["bench"]"#)
        })
        .find_map(|line| {
            let start = line.find(r#""executable":""#)? + r#""executable":""#.len();
            let end = line[start..].find('"')? + start;
            Some(std::path::PathBuf::from(&line[start..end]))
        })
        .ok_or_else(|| format!("cargo did not report the {bench} benchmark's executable"))
}

// ---------------------------------------------------------------------------------------
// Cold start and binary size of the `globus` CLI example (examples/globus).
//
// Builds it in release mode, reports the binary's size, and times `globus whoami` from
// spawning the process to the first byte of its request arriving at a loopback listener
// (target: under 10 ms). The CLI gets a private HOME holding a stored login whose access
// token is still valid, so `whoami` goes straight to `GET /v2/oauth2/userinfo`.
// ---------------------------------------------------------------------------------------

const CLI_EXAMPLE: &str = "globus";
const CLI_ARGS: &[&str] = &["whoami"];
const CLI_CLIENT_ID: &str = "7fb58e00-839d-44e3-8047-10a502612dca";
const CLI_RUNS: usize = 31;

fn cli_cold_start() -> Vec<String> {
    let row = |sdk: String, verdict: &str| {
        vec![
            "cli/globus whoami cold start".to_owned(),
            "-".to_owned(),
            sdk,
            "-".to_owned(),
            "< 10 ms to first request".to_owned(),
            verdict.to_owned(),
        ]
    };
    let Ok(root) = workspace_root() else {
        return row("cannot find the workspace root".into(), "not measured");
    };
    match measure_cli(&root) {
        Ok(cli) => {
            println!(
                "xtask: cli cold start over {CLI_RUNS} runs: min {:.2} ms, median {:.2} ms, max {:.2} ms",
                cli.min_ms, cli.median_ms, cli.max_ms
            );
            let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
            let stripped = cli
                .stripped
                .map(|bytes| format!(", {:.1} MiB stripped", mib(bytes)))
                .unwrap_or_default();
            row(
                format!(
                    "{:.2} ms median to first request (min {:.2}); release binary {:.1} MiB{stripped}",
                    cli.median_ms,
                    cli.min_ms,
                    mib(cli.size),
                ),
                if cli.median_ms < 10.0 {
                    "met"
                } else {
                    "MISSED"
                },
            )
        }
        Err(err) => row(err, "not measured"),
    }
}

/// What [`measure_cli`] found.
struct CliFigures {
    size: u64,
    stripped: Option<u64>,
    min_ms: f64,
    median_ms: f64,
    max_ms: f64,
}

/// A stored login for the CLI (the Python SDK's JSON token file, format 2.0) whose access
/// token is valid for a day.
fn cli_token_file(home: &std::path::Path) -> Result<(), String> {
    let dir = home
        .join(".globus/app")
        .join(CLI_CLIENT_ID)
        .join("globus-cli-rs");
    std::fs::create_dir_all(&dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|err| err.to_string())?
        .as_secs();
    let record = format!(
        r#"{{"resource_server": "auth.globus.org", "identity_id": "c8aad43e-d274-11e5-bf98-8b02896cf782", "scope": "openid profile email urn:globus:auth:scope:auth.globus.org:view_identities", "access_token": "bench-access-token", "refresh_token": "bench-refresh-token", "expires_at_seconds": {}, "token_type": "Bearer"}}"#,
        now + 86_400
    );
    let text = format!(
        r#"{{"data": {{"DEFAULT": {{"auth.globus.org": {record}}}}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}}"#
    );
    let path = dir.join("tokens.json");
    std::fs::write(&path, text).map_err(|err| format!("writing {}: {err}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|err| format!("chmod {}: {err}", path.display()))?;
    }
    Ok(())
}

/// Builds the CLI, then runs `globus whoami` [`CLI_RUNS`] times against a loopback
/// listener: the binary's size and the time from spawn to the first byte of the request.
fn measure_cli(root: &std::path::Path) -> Result<CliFigures, String> {
    use std::io::{Read as _, Write as _};
    use std::time::Instant;
    run(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "globus-examples",
            "--example",
            CLI_EXAMPLE,
        ],
        &[],
    )?;
    let binary = root.join("target/release/examples").join(CLI_EXAMPLE);
    let size = std::fs::metadata(&binary)
        .map_err(|err| format!("{}: {err}", binary.display()))?
        .len();
    // The release profile keeps line tables; the size without them is what ships.
    let stripped_path =
        std::env::temp_dir().join(format!("xtask-cli-stripped-{}", std::process::id()));
    let stripped = Command::new("strip")
        .arg("-o")
        .arg(&stripped_path)
        .arg(&binary)
        .status()
        .ok()
        .filter(std::process::ExitStatus::success)
        .and_then(|_| std::fs::metadata(&stripped_path).ok())
        .map(|meta| meta.len());
    let _ = std::fs::remove_file(&stripped_path);
    let home = std::env::temp_dir().join(format!("xtask-cli-home-{}", std::process::id()));
    cli_token_file(&home)?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|err| format!("binding a loopback listener: {err}"))?;
    let base_url = format!(
        "http://{}/",
        listener.local_addr().map_err(|err| err.to_string())?
    );
    const USERINFO: &str = r#"{"sub": "c8aad43e-d274-11e5-bf98-8b02896cf782", "preferred_username": "ada@globusid.org"}"#;
    let mut times = Vec::new();
    // One extra run first, to warm the page cache; it is not counted.
    for run in 0..=CLI_RUNS {
        let start = Instant::now();
        let child = Command::new(&binary)
            .args(CLI_ARGS)
            .env_clear()
            .env("HOME", &home)
            .env("GLOBUS_CLIENT_ID", CLI_CLIENT_ID)
            .env("GLOBUS_SDK_SERVICE_URL_AUTH", &base_url)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|err| format!("starting {}: {err}", binary.display()))?;
        let (mut stream, _) = listener
            .accept()
            .map_err(|err| format!("waiting for the CLI's request: {err}"))?;
        let mut first = [0u8; 1];
        stream
            .read_exact(&mut first)
            .map_err(|err| format!("reading the CLI's request: {err}"))?;
        let elapsed = start.elapsed().as_secs_f64() * 1e3;
        // Read the rest of the head, then answer, so the CLI finishes normally.
        let mut head = vec![first[0]];
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{USERINFO}",
            USERINFO.len()
        );
        drop(stream);
        let output = child
            .wait_with_output()
            .map_err(|err| format!("waiting for the CLI: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "`globus whoami` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        if run > 0 {
            times.push(elapsed);
        }
    }
    let _ = std::fs::remove_dir_all(&home);
    times.sort_by(f64::total_cmp);
    Ok(CliFigures {
        size,
        stripped,
        min_ms: times.first().copied().unwrap_or(0.0),
        median_ms: times[times.len() / 2],
        max_ms: times.last().copied().unwrap_or(0.0),
    })
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
