//! "Money moves once" as a property: random schedules of captures, refunds
//! and voids from one to four desks on one journal — separate `Desk`s in
//! this process, and separate `apsdesk` processes — under every fault the
//! simulator can inject, with submissions killed at random points and
//! reconciliations in between. Every request goes through the test rig's
//! hostile relay (`common::relay`), and the schedules draw its attacks too:
//! a money command answered with another order's genuine answer, a baseline
//! or a reconcile read that is another order's status; and the wall clock
//! the desks read (a `TestClock`) stepped forward and back; the journal
//! copied aside and put back later with its anchor (a rollback: writes on
//! it must be refused, and the schedule then goes on with the newer
//! journal); a desk on a second journal of the same account moving money on
//! the same orders (which the first journal must see as drift). After each
//! schedule, and a final reconciliation:
//!
//! - the money the simulator moved equals the sum of the journals'
//!   operations that succeeded or were resolved as applied (plus, only when
//!   a second journal moved money on the order, some of the operations left
//!   open as ambiguous);
//! - nothing is recorded applied without this operation's evidence: a
//!   success is an answer about this order and this command, an applied
//!   resolution rests on a status answer about this order;
//! - no operation is both applied and not applied;
//! - no capture, refund or void was recorded (and so sent) while another on
//!   its order was open;
//! - no capture, refund or void reached the simulator from the first
//!   journal while a second journal's movement on that order was
//!   unacknowledged, nor from a journal put back from an older copy;
//! - nothing reached the simulator that the journals did not record first.
//!
//! The default run tries 64 schedules; `APSDESK_MODEL_CASES=2000 cargo test
//! --release --test money_model` tries thousands (README gives the figures).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apsdesk::aps::client::{Client, ClientOptions};
use apsdesk::aps::request::{Capture, CheckStatus, MaintenanceForm, Refund, VoidAuthorization};
use apsdesk::aps::{Command, Language};
use apsdesk::journal::clock::TestClock;
use apsdesk::journal::desk::{Operation, RunError};
use apsdesk::journal::key::KeySource;
use apsdesk::journal::lease::LeasePolicy;
use apsdesk::journal::payload::{self, ResolutionPayload, ResultPayload};
use apsdesk::journal::vocabulary::{EntryKind, EntryOutcome};
use apsdesk::journal::{Actor, Desk, Journal};
use apsdesk::profiles::vault::Vault;
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator};
use common::relay::{Action, Pattern, Pick, Relay};
use common::{authorize_in_sim, start_sim};
use proptest::prelude::*;

const ORDERS: [&str; 2] = ["M-1", "M-2"];
const AUTHORIZED: u64 = 10_000;
const MONEY_COMMANDS: [Command; 3] = [
    Command::Capture,
    Command::Refund,
    Command::VoidAuthorization,
];

#[derive(Debug, Clone, Copy)]
enum Kind {
    Capture(u64),
    Refund(u64),
    Void,
}

impl Kind {
    fn command(self) -> Command {
        match self {
            Kind::Capture(_) => Command::Capture,
            Kind::Refund(_) => Command::Refund,
            Kind::Void => Command::VoidAuthorization,
        }
    }
}

/// Where the submission's process or task is cut off, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kill {
    No,
    /// Soon after it starts (often while settling or reading the baseline).
    Early,
    /// While APS holds the request (with a hang fault, after it applied it).
    WhileWaiting,
}

/// What the relay does to a submission's traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Substitution {
    None,
    /// The money command reaches APS; its answer is another order's.
    Answer,
    /// The baseline (the order's next status check) is another order's.
    Baseline,
}

#[derive(Debug, Clone)]
struct Submission {
    desk: usize,
    order: usize,
    kind: Kind,
    fault: Option<FaultKind>,
    kill: Kill,
    /// Run by an `apsdesk` process instead of a `Desk` of this process.
    by_process: bool,
    substitution: Substitution,
}

#[derive(Debug, Clone)]
enum Step {
    /// Submissions started together.
    Round(Vec<Submission>),
    Reconcile {
        desk: usize,
        /// The first status read of the reconcile is another order's.
        swap_read: bool,
    },
    /// The wall clock the desks read steps (NTP, a clock set by hand).
    ClockStepped { wall_ms: i64 },
    /// A desk on a second journal of the same account moves money.
    Elsewhere { order: usize, kind: Kind },
    /// The first journal's operator acknowledges the drift shown on an order.
    Acknowledge { order: usize },
    /// The journal (and its anchor) is copied aside...
    Snapshot,
    /// ...and put back in place of the live one, a submission tried on it.
    PutBack { order: usize, kind: Kind },
}

fn fault() -> impl Strategy<Value = Option<FaultKind>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(FaultKind::Latency { millis: 150 })),
        1 => Just(Some(FaultKind::DropAfterApply)),
        1 => Just(Some(FaultKind::HangAfterApply { millis: 300 })),
        1 => Just(Some(FaultKind::HttpStatus { status: 500 })),
        1 => Just(Some(FaultKind::MalformedJson)),
        1 => Just(Some(FaultKind::WrongSignature)),
        1 => Just(Some(FaultKind::MissingSignature)),
        1 => Just(Some(FaultKind::OmitTotals)),
    ]
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        3 => prop::sample::select(vec![1_000_u64, 2_500, 5_000]).prop_map(Kind::Capture),
        2 => prop::sample::select(vec![500_u64, 1_000]).prop_map(Kind::Refund),
        1 => Just(Kind::Void),
    ]
}

/// What the second journal moves: amounts none of the first journal's
/// operations use. APS's CHECK_STATUS names no operation, so a movement of
/// exactly an open operation's amount by a journal this one cannot see is
/// indistinguishable from that operation (README, "drift": the stated
/// limit; `answers_bound`'s ignored test shows it still breaks). Any other
/// amount is a movement the first journal must not take for its own.
fn elsewhere_kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        3 => prop::sample::select(vec![700_u64, 1_300]).prop_map(Kind::Capture),
        2 => Just(Kind::Refund(300)),
        1 => Just(Kind::Void),
    ]
}

fn substitution() -> impl Strategy<Value = Substitution> {
    prop_oneof![
        6 => Just(Substitution::None),
        1 => Just(Substitution::Answer),
        1 => Just(Substitution::Baseline),
    ]
}

fn submission(desks: usize) -> impl Strategy<Value = Submission> {
    (
        0..desks,
        0..ORDERS.len(),
        kind(),
        fault(),
        prop_oneof![4 => Just(Kill::No), 1 => Just(Kill::Early), 1 => Just(Kill::WhileWaiting)],
        prop::bool::weighted(0.2),
        substitution(),
    )
        .prop_map(
            |(desk, order, kind, fault, kill, by_process, substitution)| Submission {
                desk,
                order,
                kind,
                fault,
                kill,
                by_process,
                substitution,
            },
        )
}

fn schedule() -> impl Strategy<Value = (usize, Vec<Step>)> {
    (1_usize..=4).prop_flat_map(|desks| {
        let step = prop_oneof![
            8 => prop::collection::vec(submission(desks), 1..=3).prop_map(Step::Round),
            2 => (0..desks, prop::bool::weighted(0.3))
                .prop_map(|(desk, swap_read)| Step::Reconcile { desk, swap_read }),
            1 => prop::sample::select(vec![-600_000_i64, -30_000, 30_000, 600_000])
                .prop_map(|wall_ms| Step::ClockStepped { wall_ms }),
            1 => (0..ORDERS.len(), elsewhere_kind())
                .prop_map(|(order, kind)| Step::Elsewhere { order, kind }),
            1 => (0..ORDERS.len()).prop_map(|order| Step::Acknowledge { order }),
            1 => Just(Step::Snapshot),
            1 => (0..ORDERS.len(), kind()).prop_map(|(order, kind)| Step::PutBack { order, kind }),
        ];
        (Just(desks), prop::collection::vec(step, 1..=6))
    })
}

fn options() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(1),
        query_attempts: 3,
        retry_base_delay: Duration::from_millis(10),
    }
}

fn lease_policy() -> LeasePolicy {
    LeasePolicy {
        time_to_live: Duration::from_millis(400),
        heartbeat: Duration::from_millis(50),
    }
}

fn operation(order: &str, kind: Kind) -> Operation {
    let amount = |minor: u64| format!("{}.{:03}", minor / 1000, minor % 1000);
    let form = |minor: u64| MaintenanceForm {
        merchant_reference: order.into(),
        amount: amount(minor),
        currency: "KWD".into(),
        ..MaintenanceForm::default()
    };
    match kind {
        Kind::Capture(minor) => Operation::Capture(Capture::parse(&form(minor)).expect("valid")),
        Kind::Refund(minor) => Operation::Refund(Refund::parse(&form(minor)).expect("valid")),
        Kind::Void => Operation::Void(
            VoidAuthorization::parse(&MaintenanceForm {
                merchant_reference: order.into(),
                ..MaintenanceForm::default()
            })
            .expect("valid"),
        ),
    }
}

/// What a process needs to reach the simulator (it runs off the runtime).
struct ProcessTarget {
    base_url: String,
    credentials: apsdesk::aps::client::Credentials,
}

/// The same submission by the `apsdesk` binary, killed if asked.
fn by_process(target: &ProcessTarget, db: &Path, submission: &Submission) {
    let order = ORDERS[submission.order];
    let amount = |minor: u64| format!("{}.{:03}", minor / 1000, minor % 1000);
    let mut args: Vec<String> = match submission.kind {
        Kind::Capture(minor) => vec!["capture".into(), "--amount".into(), amount(minor)],
        Kind::Refund(minor) => vec!["refund".into(), "--amount".into(), amount(minor)],
        Kind::Void => vec!["void".into()],
    };
    args.extend(["--merchant-reference".into(), order.into()]);
    if !matches!(submission.kind, Kind::Void) {
        args.extend(["--currency".into(), "KWD".into()]);
    }
    let mut child = common::apsdesk_with(&target.credentials, &target.base_url)
        .args(&args)
        .arg("--credentials-from-env")
        .arg("--db")
        .arg(db)
        .arg("--timeout")
        .arg("1")
        .env("APSDESK_OPERATOR", format!("process-{}", submission.desk))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("apsdesk starts");
    match submission.kill {
        Kill::No => {}
        Kill::Early => {
            std::thread::sleep(Duration::from_millis(30));
            let _ = child.kill();
        }
        Kill::WhileWaiting => {
            std::thread::sleep(Duration::from_millis(200));
            let _ = child.kill();
        }
    }
    let _ = child.wait();
}

/// The latest genuine answer to `command` about an order other than
/// `reference`, else any answer about another order.
fn another_orders_answer(command: Command, reference: &str) -> Pick {
    let reference = reference.to_owned();
    Pick::new(move |_, recorded| {
        let others = || {
            recorded
                .iter()
                .rev()
                .filter(|answer| answer.merchant_reference.as_deref() != Some(reference.as_str()))
        };
        others()
            .find(|answer| answer.command == Some(command))
            .or_else(|| others().next())
            .cloned()
    })
}

/// The capture, refund and void requests the relay passed on about `reference`.
fn money_forwarded(relay: &Relay, reference: &str) -> usize {
    MONEY_COMMANDS
        .iter()
        .map(|command| relay.forwarded(*command, reference))
        .sum()
}

/// A closed journal's files, copied as a file-level backup would (the
/// database, its WAL if any, its anchor); what `to` had is replaced.
fn copy_journal(from: &Path, to: &Path) {
    for suffix in ["", "-wal", ".anchor", "-shm"] {
        let with = |path: &Path| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        let (source, target) = (with(from), with(to));
        let _ = std::fs::remove_file(&target);
        if suffix != "-shm" && source.exists() {
            std::fs::copy(&source, &target).expect("copied");
        }
    }
}

/// Entries in the journal at `db` (0 before it exists).
fn entry_count(db: &Path) -> i64 {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|connection| {
            connection.query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
        })
        .unwrap_or(0)
}

/// The journal's last entry (0 before it has one).
fn last_seq(db: &Path) -> i64 {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|connection| {
            connection.query_row("SELECT coalesce(max(seq), 0) FROM entries", [], |row| {
                row.get(0)
            })
        })
        .unwrap_or(0)
}

/// The journal's latest drift entry on `reference` (0 when none).
fn last_drift_seq(db: &Path, reference: &str) -> i64 {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|connection| {
            connection.query_row(
                "SELECT coalesce(max(e.seq), 0) FROM entries e JOIN orders o ON o.id = e.order_id
                 WHERE o.merchant_reference = ?1 AND e.entry = ?2",
                rusqlite::params![reference, EntryKind::Drift.as_str()],
                |row| row.get(0),
            )
        })
        .unwrap_or(0)
}

/// One schedule's world: the simulator and the relay in front of it, the
/// first journal and its desks, a second journal of the same account, the
/// clock the desks read, and what the run has seen break.
struct World {
    sim: RunningSimulator,
    relay: Relay,
    db: PathBuf,
    dir: PathBuf,
    clock: TestClock,
    keys: KeySource,
    desks: Vec<Desk>,
    desk_count: usize,
    second: Desk,
    /// A copy of the first journal taken by a `Snapshot` step.
    snapshot: Option<PathBuf>,
    /// Orders the second journal moved money on since the first journal's
    /// operator acknowledged a drift that shows it (the first journal must
    /// send no money command there).
    drifted: BTreeSet<usize>,
    /// Every order the second journal ever moved money on.
    ever_drifted: BTreeSet<usize>,
    /// The first journal's last entry when the second journal last moved
    /// money on each order: a drift recorded after it shows that movement.
    moved_at_seq: BTreeMap<usize, i64>,
    /// How far the steps have moved the desks' wall clock.
    wall_offset_ms: i64,
    /// Broken promises seen while the schedule ran.
    violations: Vec<String>,
}

/// A desk on `journal`, through the relay, reading `clock`.
fn desk_on(
    sim: &RunningSimulator,
    relay: &Relay,
    clock: &TestClock,
    journal: Journal,
    operator: String,
) -> Desk {
    let client =
        Client::with_options(&relay.endpoint(), sim.credentials(), options()).expect("client");
    let actor = Actor {
        operator,
        profile: format!("env:{}", sim.credentials().merchant_identifier),
        account: sim.credentials().merchant_identifier,
        environment: apsdesk::aps::client::Environment::Simulator,
    };
    let mut desk = Desk::new(Arc::new(Mutex::new(journal)), client, actor, Language::En);
    desk.lease = lease_policy();
    desk.settle_grace = Duration::from_millis(100);
    desk.clock = Arc::new(clock.clone());
    desk
}

impl World {
    fn desk(&self, db: &Path, operator: String) -> Desk {
        let journal = Journal::open_with(db, &self.keys).expect("journal opens");
        desk_on(&self.sim, &self.relay, &self.clock, journal, operator)
    }

    fn open_desks(&mut self) {
        self.desks = (0..self.desk_count)
            .map(|index| self.desk(&self.db, format!("desk-{index}")))
            .collect();
    }

    async fn run_submission(&self, submission: Submission, processes: bool) {
        if submission.by_process && processes {
            // The simulator serves on this runtime: block another thread, not it.
            let db = self.db.clone();
            let target = ProcessTarget {
                base_url: self.relay.base_url(),
                credentials: self.sim.credentials(),
            };
            tokio::task::spawn_blocking(move || by_process(&target, &db, &submission))
                .await
                .expect("process runner");
            return;
        }
        let desk = &self.desks[submission.desk];
        let work = desk.submit(operation(ORDERS[submission.order], submission.kind));
        match submission.kill {
            Kill::No => {
                let _ = work.await;
            }
            Kill::Early => {
                let _ = tokio::time::timeout(Duration::from_millis(5), work).await;
            }
            Kill::WhileWaiting => {
                let _ = tokio::time::timeout(Duration::from_millis(200), work).await;
            }
        }
    }

    async fn round(&mut self, submissions: Vec<Submission>, processes: bool) {
        for submission in &submissions {
            let reference = ORDERS[submission.order];
            if let Some(kind) = submission.fault {
                let command = match kind {
                    FaultKind::OmitTotals => Command::CheckStatus,
                    _ => submission.kind.command(),
                };
                self.sim.inject(FaultRule::once(command, kind));
            }
            match submission.substitution {
                Substitution::None => {}
                Substitution::Answer => {
                    let command = submission.kind.command();
                    self.relay.on(
                        Pattern::of(command).reference(reference),
                        Action::ForwardAnswering(another_orders_answer(command, reference)),
                    );
                }
                Substitution::Baseline => {
                    self.relay.on(
                        Pattern::of(Command::CheckStatus)
                            .reference(reference)
                            .nth(1),
                        Action::ForwardAnswering(another_orders_answer(
                            Command::CheckStatus,
                            reference,
                        )),
                    );
                }
            }
        }
        let sent_before: Vec<usize> = ORDERS
            .iter()
            .map(|reference| money_forwarded(&self.relay, reference))
            .collect();
        futures_util::future::join_all(
            submissions
                .into_iter()
                .map(|submission| self.run_submission(submission, processes)),
        )
        .await;
        self.sim.clear_faults();
        self.relay.clear_rules();
        for &order in &self.drifted {
            let sent = money_forwarded(&self.relay, ORDERS[order]);
            if sent != sent_before[order] {
                self.violations.push(format!(
                    "{}: {} money command(s) sent while the second journal's movement was unacknowledged",
                    ORDERS[order],
                    sent - sent_before[order]
                ));
            }
        }
    }

    async fn reconcile(&self, desk: usize, swap_read: bool) {
        if swap_read {
            self.relay.on(
                Pattern::of(Command::CheckStatus).nth(1),
                Action::ForwardAnswering(Pick::new(|arrival, recorded| {
                    let about = arrival.merchant_reference.clone();
                    recorded
                        .iter()
                        .rev()
                        .find(|answer| {
                            answer.command == Some(Command::CheckStatus)
                                && answer.merchant_reference != about
                        })
                        .cloned()
                })),
            );
        }
        let _ = self.desks[desk].reconcile_all().await;
        self.relay.clear_rules();
    }

    /// The second journal's desk moves money; it acknowledges what it sees
    /// as drift (the first journal's moves) as its own operator would.
    async fn elsewhere(&mut self, order: usize, kind: Kind) {
        let reference = ORDERS[order];
        let before = common::ledger::at_sim(&self.sim, reference);
        let report = self.second.submit(operation(reference, kind)).await;
        if let Err(RunError::Drift(_)) = report.result {
            let _ = self
                .second
                .acknowledge_drift(reference, Some("the first desk's"));
            let _ = self.second.submit(operation(reference, kind)).await;
        }
        let _ = self.second.reconcile_all().await;
        if common::ledger::at_sim(&self.sim, reference) != before {
            self.drifted.insert(order);
            self.ever_drifted.insert(order);
            self.moved_at_seq.insert(order, last_seq(&self.db));
        }
    }

    /// The first journal's operator acknowledges the drift the journal
    /// shows on an order. It covers the second journal's movements when the
    /// drift was recorded after the latest of them.
    fn acknowledge(&mut self, order: usize) {
        let reference = ORDERS[order];
        let Ok(Some(_)) = self.desks[0].acknowledge_drift(reference, Some("seen")) else {
            return;
        };
        let seen = last_drift_seq(&self.db, reference);
        if seen > self.moved_at_seq.get(&order).copied().unwrap_or(i64::MAX) {
            self.drifted.remove(&order);
        }
    }

    /// Copies the closed journal aside.
    fn snapshot(&mut self) {
        if !self.db.exists() {
            return;
        }
        self.desks.clear();
        let copy = self.dir.join("snapshot.sqlite3");
        copy_journal(&self.db, &copy);
        self.snapshot = Some(copy);
        self.open_desks();
    }

    /// Puts the snapshot back in place of the live journal and tries a
    /// submission on it. An older copy must send nothing; the newer journal
    /// then goes back. A copy as new as the live journal is simply the
    /// journal, and the schedule goes on with it.
    async fn put_back(&mut self, order: usize, kind: Kind) {
        let Some(snapshot) = self.snapshot.clone() else {
            return;
        };
        self.desks.clear();
        let newer = self.dir.join("newer.sqlite3");
        copy_journal(&self.db, &newer);
        let rolled_back = entry_count(&snapshot) < entry_count(&newer);
        copy_journal(&snapshot, &self.db);
        let sent_before: usize = ORDERS
            .iter()
            .map(|reference| money_forwarded(&self.relay, reference))
            .sum();
        if let Ok(journal) = Journal::open_with(&self.db, &self.keys) {
            let desk = desk_on(
                &self.sim,
                &self.relay,
                &self.clock,
                journal,
                "desk-restored".into(),
            );
            let _ = desk.reconcile_all().await;
            let _ = desk.submit(operation(ORDERS[order], kind)).await;
        }
        let sent: usize = ORDERS
            .iter()
            .map(|reference| money_forwarded(&self.relay, reference))
            .sum();
        if rolled_back {
            if sent != sent_before {
                self.violations.push(format!(
                    "a journal put back from an older copy sent {} money command(s)",
                    sent - sent_before
                ));
            }
            copy_journal(&newer, &self.db);
        }
        self.open_desks();
    }
}

/// One money operation as a journal recorded it.
#[derive(Debug)]
struct Recorded {
    command: Command,
    amount: i64,
    result: Option<EntryOutcome>,
    resolutions: Vec<EntryOutcome>,
}

impl Recorded {
    fn applied(&self) -> bool {
        self.result == Some(EntryOutcome::Succeeded)
            || self.resolutions.contains(&EntryOutcome::Applied)
    }

    fn open(&self) -> bool {
        let closed_by_result = self
            .result
            .is_some_and(|outcome| outcome.keeps_open().is_none());
        !closed_by_result
            && !self
                .resolutions
                .iter()
                .any(|outcome| matches!(outcome, EntryOutcome::Applied | EntryOutcome::NotApplied))
    }
}

/// An entry as read from the journal's file.
struct Row {
    operation_id: i64,
    entry: EntryKind,
    command: Command,
    amount: Option<i64>,
    outcome: Option<EntryOutcome>,
    payload: String,
}

/// The entries of the journal at `db` about `reference` (none before it exists).
fn rows(db: &Path, reference: &str) -> Vec<Row> {
    let Ok(connection) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return Vec::new();
    };
    let Ok(mut statement) = connection.prepare(
        "SELECT e.operation_id, e.entry, e.command, e.amount_minor, e.outcome, e.payload
         FROM entries e JOIN orders o ON o.id = e.order_id
         WHERE o.merchant_reference = ?1 ORDER BY e.seq",
    ) else {
        return Vec::new();
    };
    statement
        .query_map([reference], |row| {
            Ok(Row {
                operation_id: row.get(0)?,
                entry: row.get(1)?,
                command: row.get(2)?,
                amount: row.get(3)?,
                outcome: row.get(4)?,
                payload: row.get(5)?,
            })
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("read")
}

/// The answer a result entry recorded, when it recorded one.
fn answer_of(row: &Row) -> Option<apsdesk::aps::params::Params> {
    payload::read::<ResultPayload>(&row.payload)
        .response
        .and_then(|field| field.params())
}

/// Reads one journal's money operations on `reference`, checking the rules
/// that hold within a journal.
fn journal_operations(
    db: &Path,
    reference: &str,
    money_requests: &mut HashMap<Command, u32>,
) -> Result<BTreeMap<i64, Recorded>, TestCaseError> {
    let rows = rows(db, reference);
    let mut operations = BTreeMap::<i64, Recorded>::new();
    let mut open = BTreeSet::new();
    // A drift recorded and not yet acknowledged.
    let mut drift_shown = false;
    for row in &rows {
        match row.entry {
            EntryKind::Drift => drift_shown = true,
            EntryKind::Acknowledgement => drift_shown = false,
            EntryKind::Request
            | EntryKind::Result
            | EntryKind::Resolution
            | EntryKind::Feedback
            | EntryKind::Imported
            | EntryKind::Accepted => {}
        }
        let command = row.command;
        if !command.moves_money() {
            continue;
        }
        match row.entry {
            EntryKind::Request => {
                prop_assert!(
                    !drift_shown,
                    "{reference}: operation {} recorded while a drift was unacknowledged",
                    row.operation_id
                );
                prop_assert!(
                    open.is_empty(),
                    "{reference}: operation {} recorded while {open:?} was open",
                    row.operation_id
                );
                open.insert(row.operation_id);
                operations.insert(
                    row.operation_id,
                    Recorded {
                        command,
                        amount: row.amount.unwrap_or(0),
                        result: None,
                        resolutions: Vec::new(),
                    },
                );
                *money_requests.entry(command).or_default() += 1;
            }
            EntryKind::Result => {
                let outcome = row.outcome.expect("a result has an outcome");
                if outcome.keeps_open().is_none() {
                    open.remove(&row.operation_id);
                }
                if outcome == EntryOutcome::Succeeded {
                    // A success is this order's answer to this command.
                    let answer = answer_of(row);
                    let about = answer
                        .as_ref()
                        .and_then(|answer| answer.text("merchant_reference"));
                    let answered = answer.as_ref().and_then(|answer| answer.text("command"));
                    prop_assert!(
                        about == Some(reference) && answered == Some(command.name()),
                        "{reference}: operation {} recorded as succeeded on an answer about {about:?} to {answered:?}",
                        row.operation_id
                    );
                }
                if let Some(record) = operations.get_mut(&row.operation_id) {
                    record.result = Some(outcome);
                }
            }
            EntryKind::Resolution => {
                let outcome = row.outcome.expect("a resolution has an outcome");
                if matches!(outcome, EntryOutcome::Applied | EntryOutcome::NotApplied) {
                    open.remove(&row.operation_id);
                    // It rests on a status answer about this order.
                    let evidence = payload::read::<ResolutionPayload>(&row.payload);
                    let status = evidence.check_status_operation_id.and_then(|id| {
                        rows.iter().find(|other| {
                            other.operation_id == id && other.entry == EntryKind::Result
                        })
                    });
                    let about = status
                        .and_then(answer_of)
                        .and_then(|answer| answer.text("merchant_reference").map(str::to_owned));
                    prop_assert_eq!(
                        about.as_deref(),
                        Some(reference),
                        "{}: operation {} settled as {} on a status answer about another order",
                        reference,
                        row.operation_id,
                        outcome
                    );
                }
                if let Some(record) = operations.get_mut(&row.operation_id) {
                    record.resolutions.push(outcome);
                }
            }
            // APS's news of an operation (the model sends no feedback, and
            // feedback settles nothing), imported rows (none here), and
            // drift and its acknowledgement (about the order, not an
            // operation; their command is CHECK_STATUS), and an acceptance
            // (about the journal; the model accepts nothing).
            EntryKind::Feedback
            | EntryKind::Imported
            | EntryKind::Drift
            | EntryKind::Acknowledgement
            | EntryKind::Accepted => {}
        }
    }
    for (id, record) in &operations {
        let applied = record.resolutions.contains(&EntryOutcome::Applied);
        let not_applied = record.resolutions.contains(&EntryOutcome::NotApplied);
        prop_assert!(!(applied && not_applied), "operation {id}: {record:?}");
        prop_assert!(
            !(record.result == Some(EntryOutcome::Succeeded) && not_applied),
            "operation {id}: {record:?}"
        );
        prop_assert!(
            !(record.result == Some(EntryOutcome::Declined) && applied),
            "operation {id}: {record:?}"
        );
    }
    Ok(operations)
}

/// Whether `gap` is the sum of some of `amounts` (a handful at most).
fn some_sum_to(gap: i64, amounts: &[i64]) -> bool {
    (0_u32..1 << amounts.len()).any(|mask| {
        amounts
            .iter()
            .enumerate()
            .filter(|(index, _)| mask & (1 << index) != 0)
            .map(|(_, amount)| amount)
            .sum::<i64>()
            == gap
    })
}

fn check_invariants(world: &World, second_db: &Path) -> Result<(), TestCaseError> {
    prop_assert!(world.violations.is_empty(), "{:?}", world.violations);
    let mut money_requests = HashMap::<Command, u32>::new();
    for (index, reference) in ORDERS.iter().enumerate() {
        let mut operations = Vec::new();
        for db in [world.db.as_path(), second_db] {
            operations
                .extend(journal_operations(db, reference, &mut money_requests)?.into_values());
        }
        let (captured, refunded, voided) = world.sim.with_state(|state| {
            let order = state.order(reference).expect("order in the simulator");
            (
                i64::try_from(order.captured).expect("fits"),
                i64::try_from(order.refunded).expect("fits"),
                order.voided,
            )
        });
        let open: Vec<&Recorded> = operations.iter().filter(|record| record.open()).collect();
        // Only a movement of another journal may leave an operation open
        // (ambiguous) once the faults stop.
        let ambiguous_allowed = world.ever_drifted.contains(&index);
        prop_assert!(
            open.is_empty() || ambiguous_allowed,
            "{reference}: everything settles once the faults stop: {open:?}"
        );
        for (command, at_aps) in [(Command::Capture, captured), (Command::Refund, refunded)] {
            let applied: i64 = operations
                .iter()
                .filter(|record| record.command == command && record.applied())
                .map(|record| record.amount)
                .sum();
            let open_amounts: Vec<i64> = open
                .iter()
                .filter(|record| record.command == command)
                .map(|record| record.amount)
                .collect();
            prop_assert!(
                at_aps == applied
                    || (at_aps > applied && some_sum_to(at_aps - applied, &open_amounts)),
                "{reference} {command}: {at_aps} at the simulator, {applied} recorded applied, open {open_amounts:?}: {operations:?}"
            );
        }
        let void_applied = operations
            .iter()
            .any(|record| record.command == Command::VoidAuthorization && record.applied());
        let void_open = open
            .iter()
            .any(|record| record.command == Command::VoidAuthorization);
        prop_assert!(
            voided == void_applied || (voided && void_open),
            "{reference} voided {voided}: {operations:?}"
        );
    }
    for command in MONEY_COMMANDS {
        let recorded = money_requests.get(&command).copied().unwrap_or(0);
        prop_assert!(
            world.sim.received(command) <= recorded,
            "{command}: the simulator received {} but the journals recorded {recorded}",
            world.sim.received(command)
        );
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("APSDESK_MODEL_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn money_moves_once_whatever_the_schedule((desks, steps) in schedule()) {
        let runtime = common::runtime();
        let dir = tempfile::TempDir::new().expect("temp dir");
        let db = dir.path().join("journal.sqlite3");
        let second_db = dir.path().join("second.sqlite3");
        let sim = runtime.block_on(start_sim());
        let relay = runtime.block_on(Relay::start(&sim));
        for reference in ORDERS {
            authorize_in_sim(&sim, reference, &AUTHORIZED.to_string(), "KWD");
        }
        // A journal put back is caught by what the installation's keyring
        // remembers; `apsdesk` processes have no keyring here, so schedules
        // that put a journal back run on desks of this process only.
        let rolls_back = steps.iter().any(|step| matches!(step, Step::PutBack { .. }));
        let keys = if rolls_back {
            KeySource::Keyring(Vault::with_store(
                keyring_core::mock::Store::new().expect("mock store"),
            ))
        } else {
            KeySource::Unkeyed
        };
        let clock = TestClock::new();
        let second = desk_on(
            &sim,
            &relay,
            &clock,
            Journal::open_with(&second_db, &keys).expect("journal opens"),
            "elsewhere".into(),
        );
        let world = runtime.block_on(async {
            let mut world = World {
                second,
                sim,
                relay,
                db: db.clone(),
                dir: dir.path().to_owned(),
                clock,
                keys,
                desks: Vec::new(),
                desk_count: desks,
                snapshot: None,
                drifted: BTreeSet::new(),
                ever_drifted: BTreeSet::new(),
                moved_at_seq: BTreeMap::new(),
                wall_offset_ms: 0,
                violations: Vec::new(),
            };
            world.open_desks();
            // The first journal knows both orders before anything happens,
            // so a movement it did not make is drift to it.
            for reference in ORDERS {
                let check = CheckStatus::for_reference(reference).expect("valid");
                let _ = world.desks[0].submit(Operation::CheckStatus(check)).await;
            }
            for step in steps {
                match step {
                    Step::Round(submissions) => world.round(submissions, !rolls_back).await,
                    Step::Reconcile { desk, swap_read } => world.reconcile(desk, swap_read).await,
                    Step::ClockStepped { wall_ms } => {
                        world.clock.step_wall(wall_ms);
                        world.wall_offset_ms += wall_ms;
                    }
                    Step::Elsewhere { order, kind } => world.elsewhere(order, kind).await,
                    Step::Acknowledge { order } => world.acknowledge(order),
                    Step::Snapshot => world.snapshot(),
                    Step::PutBack { order, kind } => world.put_back(order, kind).await,
                }
            }
            // The faults stop and the clock is corrected (a desk whose clock
            // stands behind the journal rightly concludes nothing); abandoned
            // leases lapse and requests that got no answer age past their
            // timeout; the desks settle the rest.
            world.clock.step_wall(-world.wall_offset_ms);
            world.sim.clear_faults();
            world.relay.clear_rules();
            tokio::time::sleep(options().request_timeout + Duration::from_millis(200)).await;
            for _ in 0..5 {
                let open = world.desks[0].reconcile_all().await.unwrap_or_default();
                let elsewhere = world.second.reconcile_all().await.unwrap_or_default();
                if open.iter().chain(&elsewhere).all(|(_, resolution)| resolution.is_settled()) {
                    break;
                }
                tokio::time::sleep(lease_policy().time_to_live).await;
            }
            world
        });
        check_invariants(&world, &second_db)?;
    }
}
