//! Helpers for the workspace's benchmarks: side-by-side measurement of an SDK path against
//! its bare floor, in wall time and in the calling thread's CPU time, and the one-line
//! summaries `cargo xtask bench` collects.
//!
//! Divan prints the detailed tables; these helpers add what a table cannot show on a
//! shared, noisy machine: the two paths **interleaved** round by round (so a burst of load
//! from another process hits both), the client thread's CPU time (so a server on another
//! thread, or waiting on the network, is not counted), and the ratio.
//!
//! ```
//! use globus_testing::bench::{Comparison, Summary};
//!
//! let comparison = Comparison::run(5, 100, || std::hint::black_box(1 + 1), || {
//!     std::hint::black_box(2 + 2)
//! });
//! let summary = Summary::ratio("doc/example", &comparison, 1.10);
//! assert!(summary.line().starts_with("bench-summary\tdoc/example\t"));
//! ```

use std::fmt;
use std::time::Instant;

/// The prefix of a summary line.
pub const SUMMARY_PREFIX: &str = "bench-summary\t";

/// CPU time used so far by the calling thread, in nanoseconds
/// (`CLOCK_THREAD_CPUTIME_ID`). `None` where that clock is unavailable.
pub fn thread_cpu_ns() -> Option<u64> {
    #[cfg(unix)]
    {
        let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        let secs = u64::try_from(now.tv_sec).ok()?;
        let nanos = u64::try_from(now.tv_nsec).ok()?;
        Some(secs * 1_000_000_000 + nanos)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Pins the calling thread to the CPU it is running on, so that it and every thread it
/// starts afterwards (a loopback server, a runtime's workers) share one CPU. Returns the
/// CPU, or `None` where pinning is unsupported or refused.
///
/// A benchmark whose client and in-process server run on different CPUs charges the client
/// for waking the server on the other CPU (an inter-processor interrupt, and on a virtual
/// machine an exit to the hypervisor): a cost of the loopback set-up, not of the code under
/// test, and the largest source of noise in its CPU time. On one CPU the two take turns.
/// Set `GLOBUS_BENCH_NO_PIN` to leave the threads unpinned.
pub fn pin_to_one_cpu() -> Option<usize> {
    if std::env::var_os("GLOBUS_BENCH_NO_PIN").is_some() {
        return None;
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::thread::{CpuSet, sched_getcpu, sched_setaffinity};
        let cpu = sched_getcpu();
        let mut set = CpuSet::new();
        set.set(cpu);
        sched_setaffinity(None, &set).ok().map(|()| cpu)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Whether the benchmark binary was started by `cargo bench` (which passes `--bench`), as
/// opposed to `cargo test --benches` (which runs each benchmark once, as a test).
pub fn is_bench_run() -> bool {
    std::env::args().any(|arg| arg == "--bench")
        && std::env::var_os("GLOBUS_BENCH_NO_SUMMARY").is_none()
}

/// Per-call cost of one path: medians over the rounds.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    /// Median wall time per call, in nanoseconds.
    pub wall_ns: f64,
    /// Median CPU time of the calling thread per call, in nanoseconds.
    pub cpu_ns: Option<f64>,
}

/// A floor and an SDK path measured side by side.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// The bare floor.
    pub floor: Measure,
    /// The SDK.
    pub sdk: Measure,
}

impl Comparison {
    /// Runs `floor` and `sdk` alternately (the order swapping every round) for `rounds`
    /// rounds of `calls` calls each, after one warm-up round, and takes the median per-call
    /// cost of each.
    pub fn run<A, B>(
        rounds: usize,
        calls: usize,
        mut floor: impl FnMut() -> A,
        mut sdk: impl FnMut() -> B,
    ) -> Self {
        let calls = calls.max(1);
        let mut floor_samples = Vec::with_capacity(rounds);
        let mut sdk_samples = Vec::with_capacity(rounds);
        measure(calls, &mut floor);
        measure(calls, &mut sdk);
        for round in 0..rounds.max(1) {
            if round % 2 == 0 {
                floor_samples.push(measure(calls, &mut floor));
                sdk_samples.push(measure(calls, &mut sdk));
            } else {
                sdk_samples.push(measure(calls, &mut sdk));
                floor_samples.push(measure(calls, &mut floor));
            }
        }
        Self {
            floor: medians(&floor_samples),
            sdk: medians(&sdk_samples),
        }
    }

    /// SDK CPU time over floor CPU time (wall time where CPU time is unavailable).
    pub fn cpu_ratio(&self) -> f64 {
        match (self.sdk.cpu_ns, self.floor.cpu_ns) {
            (Some(sdk), Some(floor)) if floor > 0.0 => sdk / floor,
            _ => self.wall_ratio(),
        }
    }

    /// SDK wall time over floor wall time.
    pub fn wall_ratio(&self) -> f64 {
        self.sdk.wall_ns / self.floor.wall_ns
    }
}

/// Measures `calls` calls of `f`: the cost of one call.
pub fn measure<T>(calls: usize, f: &mut impl FnMut() -> T) -> Measure {
    let cpu_start = thread_cpu_ns();
    let start = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(f());
    }
    let wall = start.elapsed().as_nanos() as f64 / calls as f64;
    let cpu = match (cpu_start, thread_cpu_ns()) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / calls as f64),
        _ => None,
    };
    Measure {
        wall_ns: wall,
        cpu_ns: cpu,
    }
}

fn medians(samples: &[Measure]) -> Measure {
    let wall = median(samples.iter().map(|s| s.wall_ns).collect());
    let cpu: Option<Vec<f64>> = samples.iter().map(|s| s.cpu_ns).collect();
    Measure {
        wall_ns: wall,
        cpu_ns: cpu.map(median),
    }
}

/// The median of `values` (0 for none).
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// Formats nanoseconds with a unit (`812 ns`, `41.3 µs`, `2.41 ms`, `1.20 s`).
pub fn format_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.1} µs", ns / 1_000.0)
    } else if ns < 1_000_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else {
        format!("{:.2} s", ns / 1_000_000_000.0)
    }
}

/// One line of the summary `cargo xtask bench` prints: a group, its floor and SDK figures,
/// their ratio and the target.
#[derive(Debug, Clone)]
pub struct Summary {
    group: String,
    floor: String,
    sdk: String,
    ratio: String,
    target: String,
    met: Option<bool>,
}

impl Summary {
    /// A free-form line.
    pub fn new(
        group: impl Into<String>,
        floor: impl Into<String>,
        sdk: impl Into<String>,
        ratio: impl Into<String>,
        target: impl Into<String>,
        met: Option<bool>,
    ) -> Self {
        Self {
            group: group.into(),
            floor: floor.into(),
            sdk: sdk.into(),
            ratio: ratio.into(),
            target: target.into(),
            met,
        }
    }

    /// The line for a [`Comparison`] whose target is `sdk / floor ≤ max_ratio` in CPU time
    /// (`max_ratio` ≤ 0: no target, the ratio is informative).
    pub fn ratio(group: impl Into<String>, comparison: &Comparison, max_ratio: f64) -> Self {
        let describe = |m: &Measure| match m.cpu_ns {
            Some(cpu) => format!("{} cpu ({} wall)", format_ns(cpu), format_ns(m.wall_ns)),
            None => format!("{} wall", format_ns(m.wall_ns)),
        };
        let ratio = comparison.cpu_ratio();
        let (target, met) = if max_ratio > 0.0 {
            (format!("<= {max_ratio:.2}x"), Some(ratio <= max_ratio))
        } else {
            ("-".to_owned(), None)
        };
        Self::new(
            group,
            describe(&comparison.floor),
            describe(&comparison.sdk),
            format!("{ratio:.3}x (wall {:.3}x)", comparison.wall_ratio()),
            target,
            met,
        )
    }

    /// The tab-separated line, starting with [`SUMMARY_PREFIX`].
    pub fn line(&self) -> String {
        let verdict = match self.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "-",
        };
        format!(
            "{SUMMARY_PREFIX}{}\t{}\t{}\t{}\t{}\t{verdict}",
            self.group, self.floor, self.sdk, self.ratio, self.target
        )
    }

    /// Prints the line on stdout.
    pub fn print(&self) {
        println!("{}", self.line());
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line())
    }
}
