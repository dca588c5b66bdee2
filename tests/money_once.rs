//! "Money moves once", tried as an unlucky operator and a second operator
//! would: the release binary's commands against the simulator, one journal,
//! faults injected, and the simulator's own totals as the judge.
//!
//! Each test is a reproduction of a way the promise once broke: a repeat
//! after an uncertain answer, two processes on one order, a reconcile that
//! cannot see the order, a redirecting server, any endpoint called
//! `simulator`.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use apsdesk::aps::Command;
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator, Seed, SimConfig};
use common::{authorize_in_sim, sim_totals, start_sim};
use tempfile::TempDir;

/// A simulator on a runtime of its own (the test thread blocks on child
/// processes) and a journal in a temporary folder.
struct Desk {
    sim: RunningSimulator,
    runtime: tokio::runtime::Runtime,
    dir: TempDir,
}

impl Desk {
    fn new() -> Desk {
        let runtime = common::runtime();
        let sim = runtime.block_on(start_sim());
        Desk {
            sim,
            runtime,
            dir: TempDir::new().expect("temp dir"),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("journal.sqlite3")
    }

    /// `apsdesk ARGS --credentials-from-env --db DB`, aimed at `endpoint`.
    fn command_at(&self, endpoint: &str, args: &[&str]) -> Process {
        let mut process = common::apsdesk_with(&self.sim.credentials(), endpoint);
        process
            .args(args)
            .arg("--credentials-from-env")
            .arg("--db")
            .arg(self.db())
            .env("APSDESK_OPERATOR", "amal")
            // One second of grace after a request's timeout (60 s outside tests).
            .env("APSDESK_SETTLE_GRACE", "1");
        process
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_at(&self.sim.base_url(), args)
    }

    fn run_at(&self, endpoint: &str, args: &[&str]) -> Output {
        self.command_at(endpoint, args)
            .output()
            .expect("apsdesk runs")
    }
}

/// Waits (ten seconds at most) until `condition` holds; fails saying `what`
/// never happened.
fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn capture_args<'a>(reference: &'a str, amount: &'a str) -> Vec<&'a str> {
    vec![
        "capture",
        "--merchant-reference",
        reference,
        "--amount",
        amount,
        "--currency",
        "KWD",
    ]
}

fn refund_args<'a>(reference: &'a str, amount: &'a str) -> Vec<&'a str> {
    vec![
        "refund",
        "--merchant-reference",
        reference,
        "--amount",
        amount,
        "--currency",
        "KWD",
    ]
}

/// The `maintenance_reference` of every REFUND request the journal recorded.
fn refund_references(db: &Path) -> Vec<String> {
    let connection = rusqlite::Connection::open(db).expect("journal opens");
    let mut statement = connection
        .prepare(
            "SELECT maintenance_reference FROM entries
             WHERE entry = 'request' AND command = 'REFUND' ORDER BY seq",
        )
        .expect("query");
    statement
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("read")
}

/// The rows of a journal table, read-only (0 before apsdesk created it).
fn rows_in(db: &Path, table: &str) -> i64 {
    let Ok(connection) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    connection
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })
        .unwrap_or(0)
}

/// Open operations in the journal.
fn open_operations(db: &Path) -> i64 {
    rows_in(db, "open_operations")
}

#[test]
fn a_capture_repeated_after_a_lost_answer_settles_the_first_and_sends_nothing() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "REP-1", "5000", "KWD");
    desk.sim
        .inject(FaultRule::once(Command::Capture, FaultKind::DropAfterApply));

    let first = desk.run(&capture_args("REP-1", "5.000"));
    assert_eq!(code(&first), 3, "{}", text(&first));
    assert!(text(&first).contains("blocked"), "{}", text(&first));

    // The operator, unsure, runs the very same command again.
    let repeat = desk.run(&capture_args("REP-1", "5.000"));
    assert_eq!(code(&repeat), 0, "{}", text(&repeat));
    assert!(
        text(&repeat).contains("was applied at APS: nothing sent"),
        "{}",
        text(&repeat)
    );
    assert_eq!(sim_totals(&desk.sim, "REP-1").1, 5000, "captured once");
    assert_eq!(desk.sim.received(Command::Capture), 1);

    // A third time: the order is settled, so this is a new capture, which
    // APS's own figures refuse before it is sent (nothing left to capture).
    let third = desk.run(&capture_args("REP-1", "5.000"));
    assert_eq!(code(&third), 2, "{}", text(&third));
    assert_eq!(sim_totals(&desk.sim, "REP-1").1, 5000);
    assert_eq!(desk.sim.received(Command::Capture), 1);
}

#[test]
fn a_refund_repeated_after_a_lost_answer_is_not_sent_again() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "REP-2", "10000", "KWD");
    assert_eq!(code(&desk.run(&capture_args("REP-2", "10.000"))), 0);
    desk.sim
        .inject(FaultRule::once(Command::Refund, FaultKind::DropAfterApply));
    assert_eq!(code(&desk.run(&refund_args("REP-2", "2.000"))), 3);
    let repeat = desk.run(&refund_args("REP-2", "2.000"));
    assert_eq!(code(&repeat), 0, "{}", text(&repeat));
    assert_eq!(sim_totals(&desk.sim, "REP-2").2, 2000, "refunded once");
    assert_eq!(desk.sim.received(Command::Refund), 1);
}

#[test]
fn a_refund_that_did_not_happen_is_reported_then_resent_under_its_own_id() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "REP-3", "10000", "KWD");
    assert_eq!(code(&desk.run(&capture_args("REP-3", "10.000"))), 0);
    // APS fails before applying: uncertain for the desk, nothing moved.
    desk.sim.inject(FaultRule::once(
        Command::Refund,
        FaultKind::HttpStatus { status: 500 },
    ));
    let short = ["--timeout", "1"];
    let refund = |extra: &[&str]| {
        let mut args = refund_args("REP-3", "2.000");
        args.extend_from_slice(extra);
        desk.run(&args)
    };
    assert_eq!(code(&refund(&short)), 3);

    // A 5xx may come from a gateway while APS still works on the request:
    // until the request's timeout and the grace have passed, unmoved totals
    // prove nothing.
    let early = refund(&short);
    assert_eq!(code(&early), 3, "{}", text(&early));
    assert!(
        text(&early).contains("APS may still be working on it"),
        "{}",
        text(&early)
    );
    std::thread::sleep(Duration::from_millis(2_200));
    let repeat = refund(&short);
    assert_eq!(code(&repeat), 6, "{}", text(&repeat));
    assert!(
        text(&repeat).contains("may be sent again"),
        "{}",
        text(&repeat)
    );
    assert_eq!(desk.sim.received(Command::Refund), 1, "nothing sent");

    let resend = desk.run(&refund_args("REP-3", "2.000"));
    assert_eq!(code(&resend), 0, "{}", text(&resend));
    assert_eq!(sim_totals(&desk.sim, "REP-3").2, 2000);
    let references = refund_references(&desk.db());
    assert_eq!(references.len(), 2, "{references:?}");
    assert_eq!(
        references[0], references[1],
        "the retry carries the first refund's maintenance_reference"
    );
}

#[test]
fn a_second_process_on_an_order_in_flight_is_refused_and_nothing_moves_twice() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "TWO-1", "5000", "KWD");
    desk.sim.inject(FaultRule::once(
        Command::Capture,
        FaultKind::Latency { millis: 2_500 },
    ));
    let mut first = desk
        .command_at(&desk.sim.base_url(), &capture_args("TWO-1", "5.000"))
        .spawn()
        .expect("first desk starts");
    // Wait until the first process has recorded its capture as pending.
    wait_until("the first capture never started", || {
        open_operations(&desk.db()) > 0
    });
    let second = desk.run(&capture_args("TWO-1", "5.000"));
    assert_eq!(code(&second), 3, "{}", text(&second));
    assert!(
        text(&second).contains("by amal is in flight since"),
        "{}",
        text(&second)
    );
    // A reconcile from another desk leaves the live operation alone too.
    let reconcile = desk.run(&["journal", "reconcile"]);
    assert!(
        text(&reconcile).contains("not touched"),
        "{}",
        text(&reconcile)
    );
    let first = first.wait().expect("first desk ends");
    assert_eq!(first.code(), Some(0));
    assert_eq!(desk.sim.received(Command::Capture), 1);
    assert_eq!(sim_totals(&desk.sim, "TWO-1").1, 5000);
    // No operation was both settled by someone else and answered.
    let connection = rusqlite::Connection::open(desk.db()).expect("opens");
    let resolutions: i64 = connection
        .query_row(
            "SELECT count(*) FROM entries WHERE entry = 'resolution'",
            [],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(resolutions, 0);
}

#[test]
fn a_killed_process_frees_its_order_at_once_and_its_operation_is_reconciled() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "KILL-2", "5000", "KWD");
    desk.sim.inject(FaultRule::once(
        Command::Capture,
        FaultKind::HangAfterApply { millis: 20_000 },
    ));
    let mut first = desk
        .command_at(&desk.sim.base_url(), &capture_args("KILL-2", "5.000"))
        .spawn()
        .expect("first desk starts");
    wait_until("the capture never left", || {
        open_operations(&desk.db()) > 0 && desk.sim.received(Command::Capture) > 0
    });
    std::thread::sleep(Duration::from_millis(200));
    first.kill().expect("killed");
    first.wait().expect("reaped");
    // The process is gone: its lease no longer holds the order.
    let repeat = desk.run(&capture_args("KILL-2", "5.000"));
    assert_eq!(code(&repeat), 0, "{}", text(&repeat));
    assert!(text(&repeat).contains("was applied"), "{}", text(&repeat));
    assert_eq!(desk.sim.received(Command::Capture), 1);
    assert_eq!(sim_totals(&desk.sim, "KILL-2").1, 5000);
}

#[test]
fn reconciliation_without_evidence_keeps_the_operation_open() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "EVI-1", "5000", "KWD");
    desk.sim
        .inject(FaultRule::once(Command::Capture, FaultKind::DropAfterApply));
    assert_eq!(code(&desk.run(&capture_args("EVI-1", "5.000"))), 3);

    // A status answer without totals proves nothing.
    desk.sim.inject(FaultRule {
        command: Some("CHECK_STATUS".into()),
        kind: FaultKind::OmitTotals,
        times: None,
    });
    let reconcile = desk.run(&["journal", "reconcile"]);
    assert_eq!(code(&reconcile), 3, "{}", text(&reconcile));
    assert!(
        text(&reconcile).contains("no totals"),
        "{}",
        text(&reconcile)
    );
    assert_eq!(open_operations(&desk.db()), 1);
    desk.sim.clear_faults();

    // Another server (an empty simulator) does not know the order: the
    // operation stays open, recorded against the server it was sent to.
    let elsewhere = desk.runtime.block_on(start_sim());
    let reconcile = desk.run_at(&elsewhere.base_url(), &["journal", "reconcile"]);
    assert_eq!(code(&reconcile), 3, "{}", text(&reconcile));
    assert!(
        text(&reconcile).contains("reconcile it with the account it was sent with"),
        "{}",
        text(&reconcile)
    );
    assert_eq!(open_operations(&desk.db()), 1);

    // The same address, restarted empty (APS answers "not found"): still open.
    let address: SocketAddr = desk.sim.address();
    let Desk { sim, runtime, dir } = desk;
    runtime.block_on(sim.shutdown());
    let forgetful = runtime
        .block_on(RunningSimulator::start(
            SimConfig::default(),
            address,
            Seed::Empty,
        ))
        .expect("restarts on the same address");
    let desk = Desk {
        sim: forgetful,
        runtime,
        dir,
    };
    let reconcile = desk.run(&["journal", "reconcile"]);
    assert_eq!(code(&reconcile), 3, "{}", text(&reconcile));
    assert!(
        text(&reconcile).contains("does not find the order"),
        "{}",
        text(&reconcile)
    );
    assert_eq!(open_operations(&desk.db()), 1, "the order stays blocked");
}

/// A server that answers every request with `307 Temporary Redirect` to
/// `location`, and a listener at `location` that counts connections.
async fn redirector() -> (String, Arc<AtomicU32>) {
    let trap = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("trap binds");
    let trap_address = trap.local_addr().expect("address");
    let reached = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&reached);
    tokio::spawn(async move {
        while let Ok((_socket, _)) = trap.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let location = format!("http://{trap_address}/FortAPI/paymentApi");
    let app = axum::Router::new().fallback(move || {
        let location = location.clone();
        async move {
            (
                axum::http::StatusCode::TEMPORARY_REDIRECT,
                [(axum::http::header::LOCATION, location)],
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, reached)
}

#[test]
fn a_redirect_is_never_followed() {
    let desk = Desk::new();
    let (url, reached) = desk.runtime.block_on(redirector());
    let status = desk.run_at(&url, &["status", "--merchant-reference", "RED-1"]);
    assert_eq!(code(&status), 5, "{}", text(&status));
    assert!(text(&status).contains("307"), "{}", text(&status));
    let capture = desk.run_at(&url, &capture_args("RED-1", "1.000"));
    assert_eq!(
        code(&capture),
        5,
        "no baseline, nothing sent: {}",
        text(&capture)
    );
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "nothing, and no access code, went where Location pointed"
    );
}

#[test]
fn a_money_command_answered_by_a_redirect_is_uncertain_and_goes_nowhere_else() {
    use apsdesk::aps::client::{Client, Endpoint, Failure};
    use apsdesk::aps::request::{Capture, MaintenanceForm};
    let desk = Desk::new();
    let (url, reached) = desk.runtime.block_on(redirector());
    let client = Client::with_options(
        &Endpoint::parse(&url).expect("loopback"),
        desk.sim.credentials(),
        common::fast_options(),
    )
    .expect("client");
    let capture = Capture::parse(&MaintenanceForm {
        merchant_reference: "RED-2".into(),
        amount: "1.000".into(),
        currency: "KWD".into(),
        ..MaintenanceForm::default()
    })
    .expect("valid");
    let outcome = desk
        .runtime
        .block_on(client.send(&capture, apsdesk::aps::Language::En))
        .expect("the request left");
    assert_eq!(outcome.class, apsdesk::aps::OutcomeClass::Uncertain);
    assert_eq!(outcome.failure, Some(Failure::HttpStatus(307)));
    assert_eq!(outcome.attempts, 1, "a money command is never retried");
    assert_eq!(reached.load(Ordering::SeqCst), 0);
}

#[test]
fn an_endpoint_is_aps_over_https_a_loopback_simulator_or_explicitly_custom() {
    let desk = Desk::new();
    for (endpoint, says) in [
        (
            "http://paymentservices.payfort.com/FortAPI/paymentApi",
            "only reached over https",
        ),
        ("https://aps.evil.example/", "--custom-endpoint"),
    ] {
        let output = desk.run_at(endpoint, &["status", "--merchant-reference", "ENV-1"]);
        assert_eq!(code(&output), 2, "{endpoint}: {}", text(&output));
        assert!(
            text(&output).contains(says),
            "{endpoint}: {}",
            text(&output)
        );
    }
    assert!(!desk.db().exists(), "nothing was journaled");

    // Allowed explicitly, it is recorded as `custom`, never `simulator`.
    // (0.0.0.0 is not a loopback address, and nothing listens on port 9.)
    let output = desk.run_at(
        "http://0.0.0.0:9",
        &[
            "status",
            "--merchant-reference",
            "ENV-1",
            "--custom-endpoint",
        ],
    );
    assert_eq!(code(&output), 5, "{}", text(&output));
    let connection = rusqlite::Connection::open(desk.db()).expect("opens");
    let environment: String = connection
        .query_row(
            "SELECT environment FROM orders WHERE merchant_reference = 'ENV-1'",
            [],
            |row| row.get(0),
        )
        .expect("the order is recorded");
    assert_eq!(environment, "custom");

    // A loopback simulator is `simulator`.
    let output = desk.run(&["status", "--merchant-reference", "ENV-2"]);
    // CHECK_STATUS answers an unknown order with its success status (12036).
    assert_eq!(code(&output), 0, "{}", text(&output));
    let environment: String = connection
        .query_row(
            "SELECT environment FROM orders WHERE merchant_reference = 'ENV-2'",
            [],
            |row| row.get(0),
        )
        .expect("the order is recorded");
    assert_eq!(environment, "simulator");
}

/// Orders held by a submission.
fn leases(db: &Path) -> i64 {
    rows_in(db, "order_leases")
}

#[test]
fn a_refund_id_of_a_refund_that_happened_is_refused_not_recorded_again() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "MR-1", "10000", "KWD");
    assert_eq!(code(&desk.run(&capture_args("MR-1", "10.000"))), 0);
    let mut first = refund_args("MR-1", "1.000");
    first.extend(["--maintenance-reference", "MR-B"]);
    assert_eq!(code(&desk.run(&first)), 0);
    for amount in ["1.000", "2.000"] {
        let mut again = refund_args("MR-1", amount);
        again.extend(["--maintenance-reference", "MR-B"]);
        let output = desk.run(&again);
        assert_eq!(code(&output), 2, "{}", text(&output));
        assert!(
            text(&output).contains("maintenance_reference")
                && text(&output).contains("already used"),
            "{}",
            text(&output)
        );
    }
    assert_eq!(desk.sim.received(Command::Refund), 1);
    assert_eq!(sim_totals(&desk.sim, "MR-1").2, 1000);
    let connection = rusqlite::Connection::open(desk.db()).expect("opens");
    let recorded: i64 = connection
        .query_row(
            "SELECT refunded_minor FROM orders WHERE merchant_reference = 'MR-1'",
            [],
            |row| row.get(0),
        )
        .expect("the order");
    assert_eq!(recorded, 1000, "no phantom refund in the journal");
}

#[test]
fn a_restore_never_replaces_a_journal_under_an_operation_in_flight() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "RST-1", "5000", "KWD");
    assert_eq!(
        code(&desk.run(&["status", "--merchant-reference", "RST-1"])),
        0
    );
    let backup = desk.dir.path().join("backup.sqlite3");
    let backup_arg = backup.to_str().expect("path").to_owned();
    assert_eq!(
        code(&desk.run(&["journal", "backup", "--out", &backup_arg])),
        0
    );
    // The capture's baseline waits at APS while someone restores.
    desk.sim.inject(FaultRule {
        command: Some("CHECK_STATUS".into()),
        kind: FaultKind::Latency { millis: 2_000 },
        times: Some(1),
    });
    let mut capture = desk
        .command_at(&desk.sim.base_url(), &capture_args("RST-1", "5.000"))
        .spawn()
        .expect("starts");
    wait_until("the capture never took its order", || {
        leases(&desk.db()) > 0
    });
    for force in [false, true] {
        let mut args = vec!["journal", "restore", "--from", backup_arg.as_str()];
        if force {
            args.push("--force");
        }
        let restore = desk.run(&args);
        assert_eq!(code(&restore), 1, "{}", text(&restore));
        assert!(text(&restore).contains("in flight"), "{}", text(&restore));
    }
    assert_eq!(capture.wait().expect("ends").code(), Some(0));
    assert_eq!(sim_totals(&desk.sim, "RST-1").1, 5000);
    assert_eq!(
        requests_of(&desk.db(), "CAPTURE"),
        1,
        "the capture is in the journal"
    );
}

/// How many requests of `command` the journal recorded.
fn requests_of(db: &Path, command: &str) -> i64 {
    let connection = rusqlite::Connection::open(db).expect("opens");
    connection
        .query_row(
            "SELECT count(*) FROM entries WHERE entry = 'request' AND command = ?1",
            [command],
            |row| row.get(0),
        )
        .expect("count")
}

#[test]
fn a_late_status_answer_never_overwrites_a_newer_capture() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "LATE-1", "5000", "KWD");
    // The look-up is slow at APS; a capture happens meanwhile.
    desk.sim.inject(FaultRule {
        command: Some("CHECK_STATUS".into()),
        kind: FaultKind::Latency { millis: 1_500 },
        times: Some(1),
    });
    let mut status = desk
        .command_at(
            &desk.sim.base_url(),
            &["status", "--merchant-reference", "LATE-1"],
        )
        .spawn()
        .expect("starts");
    wait_until("the look-up never left", || {
        desk.sim.received(Command::CheckStatus) > 0
    });
    assert_eq!(code(&desk.run(&capture_args("LATE-1", "5.000"))), 0);
    assert_eq!(status.wait().expect("ends").code(), Some(0));
    let connection = rusqlite::Connection::open(desk.db()).expect("opens");
    let (captured, state): (i64, String) = connection
        .query_row(
            "SELECT captured_minor, state FROM orders WHERE merchant_reference = 'LATE-1'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("the order");
    assert_eq!((captured, state.as_str()), (5000, "captured"));
    // And `journal verify` agrees (its replay follows the same rule).
    let verify = desk.run(&["journal", "verify"]);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}

#[test]
fn a_status_asked_during_a_capture_and_answered_after_it_never_overwrites_it() {
    let desk = Desk::new();
    authorize_in_sim(&desk.sim, "LATE-2", "5000", "KWD");
    // The capture is recorded and waits at APS before applying...
    desk.sim.inject(FaultRule::once(
        Command::Capture,
        FaultKind::Latency { millis: 1_500 },
    ));
    let mut capture = desk
        .command_at(&desk.sim.base_url(), &capture_args("LATE-2", "5.000"))
        .spawn()
        .expect("starts");
    wait_until("the capture never left", || {
        desk.sim.received(Command::Capture) > 0
    });
    // ...while a look-up reads the totals from before it and answers late.
    desk.sim.inject(FaultRule {
        command: Some("CHECK_STATUS".into()),
        kind: FaultKind::Latency { millis: 2_500 },
        times: Some(1),
    });
    let mut status = desk
        .command_at(
            &desk.sim.base_url(),
            &["status", "--merchant-reference", "LATE-2"],
        )
        .spawn()
        .expect("starts");
    assert_eq!(capture.wait().expect("ends").code(), Some(0));
    assert_eq!(status.wait().expect("ends").code(), Some(0));
    assert_eq!(sim_totals(&desk.sim, "LATE-2").1, 5000);
    let connection = rusqlite::Connection::open(desk.db()).expect("opens");
    let captured: i64 = connection
        .query_row(
            "SELECT captured_minor FROM orders WHERE merchant_reference = 'LATE-2'",
            [],
            |row| row.get(0),
        )
        .expect("the order");
    assert_eq!(captured, 5000, "the late answer did not undo the capture");
    let verify = desk.run(&["journal", "verify"]);
    assert_eq!(code(&verify), 0, "{}", text(&verify));
}
