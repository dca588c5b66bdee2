//! Every filter combination stays fast (issue 15): whole
//! `apsdesk orders list --limit 50` commands, as an operator or a script
//! runs them, over a grid of filter combinations on the 1,000,000-order
//! journal of `benches/journal.rs` (`target/bench-journal/`), including
//! combinations that match nothing. Each combination runs several times;
//! the report gives each one's median and 95th percentile and ends with the
//! slowest. The goal is under 50 ms at the 95th percentile for every one.
//!
//! `cargo bench --bench filter_grid` (after `cargo bench --bench journal`
//! has built the journal). Under `cargo test` the same grid runs once on a
//! small journal made here, so the benchmark cannot rot.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use apsdesk::journal::Journal;
use apsdesk::journal::synthetic::{SeedSpec, seed};

/// The choices of each filter; the first of each is "any".
const STATES: &[&[&str]] = &[
    &[],
    &["refunded"],
    &["voided"],
    &["authorized", "partially_captured"],
];
const CURRENCIES: &[Option<&str>] = &[None, Some("KWD"), Some("OMR"), Some("JPY")];
const METHODS: &[Option<&str>] = &[None, Some("AMEX"), Some("KNET")];
const ENVIRONMENTS: &[Option<&str>] = &[None, Some("simulator"), Some("production")];
const AMOUNTS: &[Option<(&str, &str)>] = &[None, Some(("10", "11")), Some(("100", "400"))];
/// The synthetic journal's orders span the year before 2026-09-21.
const DATES: &[Option<(&str, &str)>] = &[
    None,
    Some(("2026-06-10", "2026-06-10")),
    Some(("2026-03-01", "2026-03-31")),
];
const TEXTS: &[Option<&str>] = &[None, Some("knet"), Some("أحمد"), Some("khalid visa")];
const SORTS: &[(&str, bool)] = &[
    ("created", false),
    ("amount", true),
    ("customer_name", true),
];

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let (journal, _keep) = if benchmarking {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/bench-journal/journal-1000000.sqlite3");
        assert!(
            path.exists(),
            "run `cargo bench --bench journal` first: it builds {}",
            path.display()
        );
        (path, None)
    } else {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join("journal.sqlite3");
        let mut journal = Journal::open(&path).expect("journal");
        seed(
            &mut journal,
            &SeedSpec {
                orders: 500,
                profile: "bench".into(),
                environment: apsdesk::aps::client::Environment::Simulator,
                now_ms: 1_790_000_000_000,
            },
            |_, _| {},
        )
        .expect("seeded");
        (path, Some(dir))
    };
    // Opening once first applies any migration, outside the timings.
    drop(Journal::open(&journal).expect("opens"));
    let runs = if benchmarking { 20 } else { 1 };
    let grid = grid();
    println!(
        "{} combinations of filters, {runs} runs each, whole `orders list --limit 50` commands on {}",
        grid.len(),
        journal.display()
    );
    let mut results: Vec<(Duration, Duration, usize, String)> = Vec::new();
    for args in &grid {
        let mut times: Vec<Duration> = (0..runs).map(|_| run(&journal, args)).collect();
        times.sort();
        let median = times[times.len() / 2];
        let p95 = times[(times.len() * 95).div_ceil(100).saturating_sub(1)];
        results.push((p95, median, rows(&journal, args), args.join(" ")));
    }
    results.sort_by_key(|result| std::cmp::Reverse(result.0));
    let empty = results.iter().filter(|result| result.2 == 0).count();
    println!("{empty} of them match nothing");
    println!("{:>9} {:>9} {:>5}  filters", "p95 ms", "median", "rows");
    for (p95, median, rows, args) in &results {
        println!(
            "{:>9.1} {:>9.1} {rows:>5}  {args}",
            p95.as_secs_f64() * 1000.0,
            median.as_secs_f64() * 1000.0
        );
    }
    let (p95, _, _, args) = &results[0];
    println!(
        "slowest: {:.1} ms at the 95th percentile: {args}",
        p95.as_secs_f64() * 1000.0
    );
}

/// The combinations: every state × currency × method, each with three
/// drawings of the other filters (environment, amount, dates, expiring
/// soon, free text, sort), and the three the issue measured.
fn grid() -> Vec<Vec<String>> {
    let mut state: u64 = 15;
    let mut pick = |len: usize| {
        // SplitMix64: the same grid on every run.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        usize::try_from((z ^ (z >> 31)) % len as u64).expect("small")
    };
    // Each of the other filters is left open half the time, so that the
    // grid holds broad combinations as well as narrow ones.
    let mut choose = |len: usize| if pick(2) == 0 { 0 } else { pick(len) };
    let words = |list: &[&str]| list.iter().map(|word| (*word).to_owned()).collect();
    let mut grid: Vec<Vec<String>> = vec![
        words(&[
            "--state",
            "refunded",
            "--currency",
            "OMR",
            "--payment-option",
            "AMEX",
        ]),
        words(&["--state", "voided", "--currency", "JPY"]),
        words(&[
            "--from",
            "2026-06-10",
            "--to",
            "2026-06-10",
            "--currency",
            "KWD",
        ]),
    ];
    for states in STATES {
        for currency in CURRENCIES {
            for method in METHODS {
                for _ in 0..3 {
                    let mut args = Vec::new();
                    for state in *states {
                        args.extend(words(&["--state", state]));
                    }
                    if let Some(currency) = currency {
                        args.extend(words(&["--currency", currency]));
                        if let Some((min, max)) = AMOUNTS[choose(AMOUNTS.len())] {
                            args.extend(words(&["--amount-min", min, "--amount-max", max]));
                        }
                    }
                    if let Some(method) = method {
                        args.extend(words(&["--payment-option", method]));
                    }
                    if let Some(environment) = ENVIRONMENTS[choose(ENVIRONMENTS.len())] {
                        args.extend(words(&["--environment", environment]));
                    }
                    if let Some((from, to)) = DATES[choose(DATES.len())] {
                        args.extend(words(&["--from", from, "--to", to]));
                    }
                    if choose(4) == 3 {
                        args.push("--expiring-soon".to_owned());
                    }
                    if let Some(text) = TEXTS[choose(TEXTS.len())] {
                        args.extend(words(&["--text", text]));
                    }
                    let (sort, ascending) = SORTS[choose(SORTS.len())];
                    args.extend(words(&["--sort", sort]));
                    if ascending {
                        args.push("--ascending".to_owned());
                    }
                    grid.push(args);
                }
            }
        }
    }
    grid
}

fn command(journal: &Path, args: &[String]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apsdesk"));
    command
        .arg("--db")
        .arg(journal)
        .args(["orders", "list", "--limit", "50"])
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// One whole command, start to exit.
fn run(journal: &Path, args: &[String]) -> Duration {
    let started = Instant::now();
    let output = command(journal, args)
        .stdout(Stdio::null())
        .output()
        .expect("runs");
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

/// How many orders the command lists (at most 50).
fn rows(journal: &Path, args: &[String]) -> usize {
    let output = command(journal, args)
        .arg("--json")
        .stdout(Stdio::piped())
        .output()
        .expect("runs");
    String::from_utf8_lossy(&output.stdout).lines().count()
}
