//! The request benchmark's CPU-time comparison repeated in fresh processes.
//!
//! Within one process the floor and the SDK are interleaved round by round, which cancels
//! load from other processes; what it cannot cancel is the process itself (where the
//! allocator, the stack and the code land in memory, and so how caches treat them), which
//! moves a ratio by a few hundredths from one run to the next. The median over several
//! processes is the figure to quote; the range shows the spread.

use std::process::Command;

use crate::bench::{SUMMARY_PREFIX, bench_executable};

/// Runs the request benchmark's summary `runs` more times (no divan tables) and returns one
/// row per comparison: the median ratio over those runs and `first` (the run made by
/// `cargo bench`), with the range.
pub(crate) fn request_repeats(
    first: &[Vec<String>],
    runs: usize,
) -> Result<Vec<Vec<String>>, String> {
    let exe = bench_executable("globus-auth", "request")?;
    let mut ratios: Vec<(String, String, Vec<f64>)> = first
        .iter()
        .filter(|row| {
            row.first()
                .is_some_and(|group| group.starts_with("request/"))
        })
        .filter_map(|row| {
            Some((
                row[0].clone(),
                row.get(4)?.clone(),
                vec![ratio_of(row.get(3)?)?],
            ))
        })
        .collect();
    for run in 1..=runs {
        println!("xtask: request summary again in a fresh process ({run}/{runs})");
        // A filter matching no divan benchmark: only the summary runs.
        let output = Command::new(&exe)
            .args(["--bench", "summary-only"])
            .stderr(std::process::Stdio::null())
            .output()
            .map_err(|err| format!("could not start {}: {err}", exe.display()))?;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Some(rest) = line.strip_prefix(SUMMARY_PREFIX) else {
                continue;
            };
            let cells: Vec<&str> = rest.split('\t').collect();
            let (Some(group), Some(ratio)) =
                (cells.first(), cells.get(3).and_then(|r| ratio_of(r)))
            else {
                continue;
            };
            if let Some(entry) = ratios.iter_mut().find(|(g, _, _)| g == group) {
                entry.2.push(ratio);
            }
        }
    }
    Ok(ratios
        .into_iter()
        .map(|(group, target, mut values)| {
            values.sort_by(f64::total_cmp);
            let median = values[values.len() / 2];
            let limit = target
                .trim_start_matches("<=")
                .trim()
                .trim_end_matches('x')
                .parse::<f64>()
                .ok();
            vec![
                format!("{group}, median of {} processes", values.len()),
                "-".to_owned(),
                "-".to_owned(),
                format!(
                    "{median:.3}x (range {:.3}-{:.3}x)",
                    values[0],
                    values[values.len() - 1]
                ),
                target,
                match limit {
                    Some(limit) if median <= limit => "met",
                    Some(_) => "MISSED",
                    None => "-",
                }
                .to_owned(),
            ]
        })
        .collect())
}

/// The CPU-time ratio of a summary cell such as `1.086x (wall 1.065x)`.
fn ratio_of(cell: &str) -> Option<f64> {
    cell.split('x').next()?.trim().parse().ok()
}
