//! `apsdesk orders import` through the binary, against the simulator: a bad
//! row refused with its line and field and the rest imported, a file
//! imported twice adding nothing, APS's amount winning over the file's, a
//! killed run resumed without asking APS twice; and the long runs' progress
//! in whole lines when piped.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command as Process, Output};
use std::time::{Duration, Instant};

use apsdesk::aps::Command;
use apsdesk::aps::client::Environment;
use apsdesk::journal::payment::TimeSource;
use apsdesk::journal::vocabulary::{EntryKind, OrderState};
use apsdesk::journal::{Actor, Journal};
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator};
use common::{authorize_in_sim, start_sim};
use tempfile::TempDir;

struct Rig {
    sim: RunningSimulator,
    _runtime: tokio::runtime::Runtime,
    dir: TempDir,
}

impl Rig {
    fn new() -> Rig {
        let runtime = common::runtime();
        let sim = runtime.block_on(start_sim());
        Rig {
            sim,
            _runtime: runtime,
            dir: TempDir::new().expect("temp dir"),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("journal.sqlite3")
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        path
    }

    fn command(&self, args: &[&str]) -> Process {
        let mut process = common::apsdesk_with(&self.sim.credentials(), &self.sim.base_url());
        process
            .args(args)
            .arg("--db")
            .arg(self.db())
            .arg("--credentials-from-env")
            .env("APSDESK_OPERATOR", "script");
        process
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("apsdesk runs")
    }

    /// The account `--credentials-from-env` files orders under.
    fn actor(&self) -> Actor {
        Actor {
            operator: "script".into(),
            profile: format!("env:{}", self.sim.credentials().merchant_identifier),
            account: self.sim.credentials().merchant_identifier,
            environment: Environment::Simulator,
        }
    }

    fn journal(&self) -> Journal {
        Journal::open(&self.db()).expect("journal")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn import_entries(journal: &Journal) -> i64 {
    journal
        .connection()
        .query_row(
            "SELECT count(*) FROM entries WHERE entry = ?1",
            [EntryKind::Imported],
            |row| row.get(0),
        )
        .expect("count")
}

#[test]
fn a_bad_row_is_refused_by_line_and_field_and_aps_amounts_win_over_the_file() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, "IMP-1", "10000", "KWD");
    authorize_in_sim(&rig.sim, "IMP-3", "2500", "KWD");
    // IMP-1's file amount (99.000) is not what APS holds (10.000); IMP-2's
    // amount has four decimals; IMP-4 was never paid at APS.
    let file = rig.file(
        "report.csv",
        "Order No,customer_name,customer_email,amount,currency,transaction_date,Notes\n\
         IMP-1,Sara Al-Otaibi,sara@example.com,99.000,KWD,2026-11-28T09:30:00+03:00,gift\n\
         IMP-2,Khalid,k@example.com,12.5001,KWD,2026-11-28T10:00:00+03:00,\n\
         IMP-3,نورة الكندري,noura@example.com,2.500,KWD,2026-11-27T18:05:00Z,\n\
         IMP-4,Omar,omar@example.com,5.000,KWD,2026-11-26T12:00:00Z,\n",
    );
    let file_arg = file.to_str().expect("path");
    let output = rig.run(&[
        "orders",
        "import",
        file_arg,
        "--map",
        "Order No=merchant_reference",
        "--map",
        "Notes=ignore",
    ]);
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{out}\n{err}");
    assert!(
        err.contains("refused line 3: amount: KWD takes at most 3 decimals"),
        "{err}"
    );
    assert!(out.contains("3 row(s) imported from report.csv"), "{out}");
    assert!(
        out.contains("3 order(s) confirmed with CHECK_STATUS, 0 still waiting"),
        "{out}"
    );
    assert_eq!(rig.sim.received(Command::CheckStatus), 3);

    let journal = rig.journal();
    let actor = rig.actor();
    // Nothing half-done: the refused row left no order.
    assert!(
        journal
            .order_by_reference(&actor, "IMP-2")
            .expect("read")
            .is_none()
    );
    let order = journal
        .order_by_reference(&actor, "IMP-1")
        .expect("read")
        .expect("IMP-1");
    // APS's word on money, the file's on the customer and the time.
    assert_eq!(order.amount_minor, Some(10_000));
    assert_eq!(order.authorized_minor, 10_000);
    assert_eq!(order.state, OrderState::Authorized);
    assert_eq!(order.currency.as_deref(), Some("KWD"));
    assert_eq!(order.customer_name.as_deref(), Some("Sara Al-Otaibi"));
    assert_eq!(order.customer_email.as_deref(), Some("sara@example.com"));
    let time = order.payment.time.expect("the file's time");
    assert_eq!(time.source, TimeSource::Import);
    assert_eq!(
        time.at_ms,
        apsdesk::journal::import::parse_time("2026-11-28T06:30:00Z").expect("time")
    );
    let unpaid = journal
        .order_by_reference(&actor, "IMP-4")
        .expect("read")
        .expect("IMP-4");
    assert_eq!(unpaid.state, OrderState::NotFound);
    assert_eq!(unpaid.amount_minor, None);
    assert!(
        journal
            .pending_confirmations(&actor)
            .expect("pending")
            .is_empty()
    );
    assert_eq!(import_entries(&journal), 3);
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    drop(journal);

    let shown = rig.run(&["orders", "show", "IMP-3"]);
    assert!(
        text(&shown.stdout).contains("imported from report.csv line 4 (sha256 "),
        "{}",
        text(&shown.stdout)
    );

    // The same file again: nothing added, nobody asked.
    let again = rig.run(&[
        "orders",
        "import",
        file_arg,
        "--map",
        "Order No=merchant_reference",
    ]);
    let out = text(&again.stdout);
    assert!(out.contains("was imported on"), "{out}");
    assert!(out.contains("nothing added"), "{out}");
    assert_eq!(import_entries(&rig.journal()), 3);
    assert_eq!(rig.sim.received(Command::CheckStatus), 3);
}

#[test]
fn a_mapping_without_a_reference_is_refused_before_anything_is_read() {
    let rig = Rig::new();
    let file = rig.file("orders.csv", "Order,Total\nA-1,1.000\n");
    let output = rig.run(&["orders", "import", file.to_str().expect("path")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("no column is mapped to merchant_reference"),
        "{}",
        text(&output.stderr)
    );
    assert!(!rig.db().exists() || import_entries(&rig.journal()) == 0);
}

#[test]
fn a_look_up_aps_refuses_confirms_nothing() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, "REF-1", "1000", "KWD");
    let file = rig.file("one.csv", "merchant_reference\nREF-1\n");
    // A wrong request phrase: APS answers 008 (signature mismatch), which
    // says nothing about the order.
    let output = rig
        .command(&["orders", "import", file.to_str().expect("path")])
        .env("APSDESK_REQUEST_PHRASE", "not-the-phrase")
        .output()
        .expect("apsdesk runs");
    assert_eq!(output.status.code(), Some(5), "{}", text(&output.stdout));
    assert!(
        text(&output.stdout).contains("0 order(s) confirmed with CHECK_STATUS, 1 still waiting")
    );
    assert_eq!(
        rig.journal()
            .pending_confirmations(&rig.actor())
            .expect("pending")
            .len(),
        1
    );
    let output = rig.run(&["orders", "confirm-imports"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let journal = rig.journal();
    assert!(
        journal
            .pending_confirmations(&rig.actor())
            .expect("pending")
            .is_empty()
    );
    let order = journal
        .order_by_reference(&rig.actor(), "REF-1")
        .expect("read")
        .expect("REF-1");
    assert_eq!(order.authorized_minor, 1000);
}

/// Polls `done` until it holds.
fn wait_for(what: &str, timeout: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn confirmations_resume_after_a_kill_without_asking_aps_twice() {
    let rig = Rig::new();
    let count = 12;
    let mut csv = String::from("merchant_reference,customer_name\n");
    for index in 1..=count {
        let reference = format!("RES-{index}");
        authorize_in_sim(&rig.sim, &reference, "1000", "KWD");
        writeln!(csv, "{reference},Customer {index}").expect("text");
    }
    let file = rig.file("resume.csv", &csv);
    // The journal exists before the test and the process both open it.
    drop(rig.journal());
    // Every look-up takes 300 ms: the kill lands mid-way.
    rig.sim.inject(FaultRule {
        command: Some("CHECK_STATUS".to_owned()),
        kind: FaultKind::Latency { millis: 300 },
        times: None,
    });
    let mut child = rig
        .command(&[
            "orders",
            "import",
            file.to_str().expect("path"),
            "--concurrency",
            "2",
        ])
        .spawn()
        .expect("spawned");
    let actor = rig.actor();
    let pending = || {
        Journal::open(&rig.db())
            .ok()
            .and_then(|journal| journal.pending_confirmations(&actor).ok())
            .map_or(usize::MAX, |pending| pending.len())
    };
    wait_for("some confirmations", Duration::from_secs(30), || {
        let left = pending();
        (1..=count - 4).contains(&left)
    });
    child.kill().expect("killed");
    child.wait().expect("reaped");
    let journal = rig.journal();
    let left = journal.pending_confirmations(&actor).expect("pending");
    assert!(!left.is_empty() && left.len() < count, "{}", left.len());
    // Every row was recorded before any look-up.
    assert_eq!(
        import_entries(&journal),
        i64::try_from(count).expect("small")
    );
    drop(journal);

    rig.sim.clear_faults();
    let asked_before = rig.sim.received(Command::CheckStatus);
    let output = rig.run(&["orders", "confirm-imports"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    // Only what was still waiting was asked again.
    assert_eq!(
        rig.sim.received(Command::CheckStatus) - asked_before,
        u32::try_from(left.len()).expect("small")
    );
    let journal = rig.journal();
    assert!(
        journal
            .pending_confirmations(&actor)
            .expect("pending")
            .is_empty()
    );
    for index in 1..=count {
        let order = journal
            .order_by_reference(&actor, &format!("RES-{index}"))
            .expect("read")
            .expect("order");
        assert_eq!(order.authorized_minor, 1000, "RES-{index}");
    }
}

#[test]
fn a_killed_import_records_all_of_its_file_or_nothing() {
    let rig = Rig::new();
    let rows = 20_000;
    let mut csv = String::from("merchant_reference,customer_email,amount,currency\n");
    for index in 0..rows {
        writeln!(csv, "BIG-{index},c{index}@example.com,1.250,KWD").expect("text");
    }
    let file = rig.file("big.csv", &csv);
    let file_arg = file.to_str().expect("path");
    let mut child = rig
        .command(&["orders", "import", file_arg, "--no-confirm"])
        .spawn()
        .expect("spawned");
    // Killed while the rows are being written (the journal exists, the
    // process has not finished).
    wait_for("the import to start", Duration::from_secs(30), || {
        rig.db().exists()
    });
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        child.try_wait().expect("status").is_none(),
        "the import ended before it could be killed: the test proves nothing"
    );
    child.kill().expect("killed");
    child.wait().expect("reaped");
    let recorded = import_entries(&rig.journal());
    assert!(recorded == 0 || recorded == rows, "{recorded} of {rows}");
    let output = rig.run(&["orders", "import", file_arg, "--no-confirm"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(import_entries(&rig.journal()), rows);
    assert_eq!(rig.sim.received(Command::CheckStatus), 0);
}

/// Every line of `output` whole: no carriage return, ending in a newline.
fn assert_whole_lines(output: &[u8], label: &str) -> Vec<String> {
    let text = text(output);
    assert!(!text.contains('\r'), "{text:?}");
    assert!(text.is_empty() || text.ends_with('\n'), "{text:?}");
    text.lines()
        .filter(|line| line.starts_with(label))
        .map(str::to_owned)
        .collect()
}

#[test]
fn long_runs_print_whole_lines_when_piped() {
    let rig = Rig::new();
    let seeded = rig.run(&["journal", "seed", "--orders", "40"]);
    assert_eq!(seeded.status.code(), Some(0));
    let lines = assert_whole_lines(&seeded.stderr, "orders seeded");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("orders seeded 40/40")
    );

    let receipts = rig.dir.path().join("receipts");
    let output = rig.run(&[
        "receipt",
        "--batch",
        "--out",
        receipts.to_str().expect("path"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let lines = assert_whole_lines(&output.stderr, "receipts");
    // One line per tenth, never one per receipt.
    assert_eq!(lines.len(), 10, "{lines:?}");
    assert_eq!(lines.last().map(String::as_str), Some("receipts 40/40"));

    let list = rig.file("refs.txt", "SEED-1\nSEED-2\nSEED-3\n");
    let output = rig.run(&["orders", "lookup", list.to_str().expect("path")]);
    let lines = assert_whole_lines(&output.stderr, "checked");
    assert_eq!(lines.last().map(String::as_str), Some("checked 3/3"));
}
