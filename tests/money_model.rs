//! "Money moves once" as a property: random schedules of captures, refunds
//! and voids from one to four desks on one journal — separate `Desk`s in
//! this process, and separate `apsdesk` processes — under every fault the
//! simulator can inject, with submissions killed at random points and
//! reconciliations in between. After each schedule, and a final
//! reconciliation:
//!
//! - the money the simulator moved equals the sum of the journal's
//!   operations that succeeded or were resolved as applied;
//! - no operation is both applied and not applied;
//! - no capture, refund or void was recorded (and so sent) while another on
//!   its order was open;
//! - nothing reached the simulator that the journal did not record first.
//!
//! The default run tries a few schedules; `APSDESK_MODEL_CASES=2000 cargo test
//! --release --test money_model` tries thousands (README gives the figures).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apsdesk::aps::client::{Client, ClientOptions};
use apsdesk::aps::request::{Capture, MaintenanceForm, Refund, VoidAuthorization};
use apsdesk::aps::{Command, Language};
use apsdesk::journal::desk::Operation;
use apsdesk::journal::lease::LeasePolicy;
use apsdesk::journal::vocabulary::{EntryKind, EntryOutcome};
use apsdesk::journal::{Actor, Desk, Journal};
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator};
use common::{authorize_in_sim, start_sim};
use proptest::prelude::*;

const ORDERS: [&str; 2] = ["M-1", "M-2"];
const AUTHORIZED: u64 = 10_000;

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

#[derive(Debug, Clone)]
struct Submission {
    desk: usize,
    order: usize,
    kind: Kind,
    fault: Option<FaultKind>,
    kill: Kill,
    /// Run by an `apsdesk` process instead of a `Desk` of this process.
    by_process: bool,
}

#[derive(Debug, Clone)]
enum Step {
    /// Submissions started together.
    Round(Vec<Submission>),
    Reconcile {
        desk: usize,
    },
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

fn submission(desks: usize) -> impl Strategy<Value = Submission> {
    (
        0..desks,
        0..ORDERS.len(),
        kind(),
        fault(),
        prop_oneof![4 => Just(Kill::No), 1 => Just(Kill::Early), 1 => Just(Kill::WhileWaiting)],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(desk, order, kind, fault, kill, by_process)| Submission {
            desk,
            order,
            kind,
            fault,
            kill,
            by_process,
        })
}

fn schedule() -> impl Strategy<Value = (usize, Vec<Step>)> {
    (1_usize..=4).prop_flat_map(|desks| {
        let step = prop_oneof![
            4 => prop::collection::vec(submission(desks), 1..=3).prop_map(Step::Round),
            1 => (0..desks).prop_map(|desk| Step::Reconcile { desk }),
        ];
        (Just(desks), prop::collection::vec(step, 1..=5))
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

fn desk(sim: &RunningSimulator, db: &Path, index: usize) -> Desk {
    let journal = Journal::open(db).expect("journal opens");
    let client =
        Client::with_options(&sim.endpoint(), sim.credentials(), options()).expect("client");
    let actor = Actor {
        operator: format!("desk-{index}"),
        profile: format!("env:{}", sim.credentials().merchant_identifier),
        environment: apsdesk::aps::client::Environment::Simulator,
    };
    let mut desk = Desk::new(Arc::new(Mutex::new(journal)), client, actor, Language::En);
    desk.lease = lease_policy();
    desk.settle_grace = Duration::from_millis(100);
    desk
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

async fn run_submission(sim: &RunningSimulator, db: &Path, desks: &[Desk], submission: Submission) {
    if submission.by_process {
        // The simulator serves on this runtime: block another thread, not it.
        let db = db.to_owned();
        let target = ProcessTarget {
            base_url: sim.base_url(),
            credentials: sim.credentials(),
        };
        tokio::task::spawn_blocking(move || by_process(&target, &db, &submission))
            .await
            .expect("process runner");
        return;
    }
    let desk = &desks[submission.desk];
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

/// One money operation as the journal recorded it.
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
}

fn check_invariants(sim: &RunningSimulator, db: &Path) -> Result<(), TestCaseError> {
    let journal = Journal::open(db).expect("journal opens");
    prop_assert!(
        journal.open_operations().expect("open").is_empty(),
        "everything settles once the faults stop: {:?}",
        journal.open_operations()
    );
    let mut money_requests = std::collections::HashMap::<Command, u32>::new();
    for reference in ORDERS {
        let orders = journal.orders_by_reference(reference).expect("orders");
        let mut operations = BTreeMap::<i64, Recorded>::new();
        let mut open = BTreeSet::new();
        for order in &orders {
            for entry in journal.order_entries(order.id).expect("entries") {
                if !entry.command.moves_money() {
                    continue;
                }
                match entry.entry {
                    EntryKind::Request => {
                        prop_assert!(
                            open.is_empty(),
                            "{reference}: operation {} recorded while {open:?} was open",
                            entry.operation_id
                        );
                        open.insert(entry.operation_id);
                        operations.insert(
                            entry.operation_id,
                            Recorded {
                                command: entry.command,
                                amount: entry.amount_minor.unwrap_or(0),
                                result: None,
                                resolutions: Vec::new(),
                            },
                        );
                        *money_requests.entry(entry.command).or_default() += 1;
                    }
                    EntryKind::Result => {
                        let outcome = entry.outcome.expect("a result has an outcome");
                        if outcome.keeps_open().is_none() {
                            open.remove(&entry.operation_id);
                        }
                        if let Some(record) = operations.get_mut(&entry.operation_id) {
                            record.result = Some(outcome);
                        }
                    }
                    EntryKind::Resolution => {
                        let outcome = entry.outcome.expect("a resolution has an outcome");
                        if matches!(outcome, EntryOutcome::Applied | EntryOutcome::NotApplied) {
                            open.remove(&entry.operation_id);
                        }
                        if let Some(record) = operations.get_mut(&entry.operation_id) {
                            record.resolutions.push(outcome);
                        }
                    }
                    // APS's news of an operation (the model sends no
                    // feedback, and feedback settles nothing), and imported
                    // rows (the model imports nothing).
                    // An acceptance is about the journal (the model accepts nothing).
                    EntryKind::Feedback
                    | EntryKind::Imported
                    | EntryKind::Drift
                    | EntryKind::Acknowledgement
                    | EntryKind::Accepted => {}
                }
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
        let sum = |command: Command| -> i64 {
            operations
                .values()
                .filter(|record| record.command == command && record.applied())
                .map(|record| record.amount)
                .sum()
        };
        let (captured, refunded, voided) = sim.with_state(|state| {
            let order = state.order(reference).expect("order in the simulator");
            (order.captured, order.refunded, order.voided)
        });
        prop_assert_eq!(
            i64::try_from(captured).expect("fits"),
            sum(Command::Capture),
            "{} captured: {:?}",
            reference,
            operations
        );
        prop_assert_eq!(
            i64::try_from(refunded).expect("fits"),
            sum(Command::Refund),
            "{} refunded: {:?}",
            reference,
            operations
        );
        let void_applied = operations
            .values()
            .any(|record| record.command == Command::VoidAuthorization && record.applied());
        prop_assert_eq!(voided, void_applied, "{} voided", reference);
    }
    for command in [
        Command::Capture,
        Command::Refund,
        Command::VoidAuthorization,
    ] {
        let recorded = money_requests.get(&command).copied().unwrap_or(0);
        prop_assert!(
            sim.received(command) <= recorded,
            "{command}: the simulator received {} but the journal recorded {recorded}",
            sim.received(command)
        );
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("APSDESK_MODEL_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn money_moves_once_whatever_the_schedule((desks, steps) in schedule()) {
        let runtime = common::runtime();
        let dir = tempfile::TempDir::new().expect("temp dir");
        let db = dir.path().join("journal.sqlite3");
        let sim = runtime.block_on(start_sim());
        for reference in ORDERS {
            authorize_in_sim(&sim, reference, &AUTHORIZED.to_string(), "KWD");
        }
        let all: Vec<Desk> = (0..desks).map(|index| desk(&sim, &db, index)).collect();
        runtime.block_on(async {
            for step in steps {
                match step {
                    Step::Round(submissions) => {
                        for submission in &submissions {
                            if let Some(kind) = submission.fault {
                                let command = match kind {
                                    FaultKind::OmitTotals => Command::CheckStatus,
                                    _ => submission.kind.command(),
                                };
                                sim.inject(FaultRule::once(command, kind));
                            }
                        }
                        futures_util::future::join_all(
                            submissions
                                .into_iter()
                                .map(|submission| run_submission(&sim, &db, &all, submission)),
                        )
                        .await;
                        sim.clear_faults();
                    }
                    Step::Reconcile { desk } => {
                        let _ = all[desk].reconcile_all().await;
                    }
                }
            }
            // The faults stop; abandoned leases lapse and requests that got no
            // answer age past their timeout; one desk settles the rest.
            sim.clear_faults();
            tokio::time::sleep(options().request_timeout + Duration::from_millis(200)).await;
            for _ in 0..5 {
                let open = all[0].reconcile_all().await.expect("reconciles");
                if open.iter().all(|(_, resolution)| resolution.is_settled()) {
                    break;
                }
                tokio::time::sleep(lease_policy().time_to_live).await;
            }
        });
        check_invariants(&sim, &db)?;
    }
}
