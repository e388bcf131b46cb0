//! `cargo xtask bench`: run the benchmarks and summarise floor, SDK, ratio and target.

use std::process::Command;

use crate::cli_bench::cli_cold_start;
use crate::command_works;

pub(crate) fn bench(args: &[String]) -> Result<(), String> {
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
    let request_wanted =
        filter.is_none_or(|f| "request".contains(f.as_str()) || f.contains("request"));
    if !cli_only && request_wanted {
        match crate::bench_repeat::request_repeats(&rows, 4) {
            Ok(mut extra) => rows.append(&mut extra),
            Err(err) => println!("xtask: repeated request summaries skipped: {err}"),
        }
    }
    if !cli_only && callgrind && request_wanted {
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
pub(crate) const SUMMARY_PREFIX: &str = "bench-summary\t";

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
pub(crate) fn bench_executable(package: &str, bench: &str) -> Result<std::path::PathBuf, String> {
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
