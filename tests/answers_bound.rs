//! Issue 22's "Found", one regression test per break: each attack run as an
//! adversary would against the real desk (a hostile relay between the desk
//! and the simulator that hands back answers the simulator itself signed,
//! a second journal on the same account, a journal copied back, a stepped
//! clock, an oversized answer), and each judged by the simulator's own
//! state and the journals' record: after the attack and a reconciliation,
//! the money at the simulator is the money the journals record as applied,
//! and the relay passed each capture, refund or void on to the simulator
//! once.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apsdesk::aps::client::{Client, ClientOptions, Environment};
use apsdesk::aps::request::ApsRequest;
use apsdesk::aps::request::{Capture, CheckStatus, MaintenanceForm, Refund, VoidAuthorization};
use apsdesk::aps::{Command, Language, OutcomeClass};
use apsdesk::journal::clock::TestClock;
use apsdesk::journal::desk::{Resolution, RunError};
use apsdesk::journal::key::KeySource;
use apsdesk::journal::lease::LeasePolicy;
use apsdesk::journal::{Actor, Desk, Journal};
use apsdesk::profiles::vault::Vault;
use apsdesk::sim::RunningSimulator;
use common::ledger::{self, assert_money_agrees};
use common::relay::{Action, Pattern, Pick, Relay};
use common::{authorize_in_sim, signed, start_sim};
use tempfile::TempDir;

const VICTIM: &str = "VICTIM-1";
const OTHER: &str = "OTHER-1";

/// How long a desk waits for an answer.
const TIMEOUT: Duration = Duration::from_secs(1);
/// The grace after it before unmoved totals prove "not applied".
const GRACE: Duration = Duration::from_millis(200);

/// A simulator, a relay in front of it, one installation's keyring (the
/// journals' keys) and a folder for journals.
struct Rig {
    runtime: tokio::runtime::Runtime,
    sim: RunningSimulator,
    relay: Relay,
    keys: KeySource,
    dir: TempDir,
}

impl Rig {
    fn new() -> Rig {
        let runtime = common::runtime();
        let sim = runtime.block_on(start_sim());
        let relay = runtime.block_on(Relay::start(&sim));
        let keys = KeySource::Keyring(Vault::with_store(
            keyring_core::mock::Store::new().expect("mock store"),
        ));
        Rig {
            runtime,
            sim,
            relay,
            keys,
            dir: TempDir::new().expect("temp dir"),
        }
    }

    fn db(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A desk of this installation on the journal at `db`, through the relay.
    fn desk(&self, db: &Path, operator: &str, profile: &str) -> Desk {
        let journal = Journal::open_with(db, &self.keys).expect("journal opens");
        self.desk_on(journal, operator, profile)
    }

    fn desk_on(&self, journal: Journal, operator: &str, profile: &str) -> Desk {
        let client = Client::with_options(
            &self.relay.endpoint(),
            self.sim.credentials(),
            ClientOptions {
                connect_timeout: Duration::from_secs(2),
                request_timeout: TIMEOUT,
                query_attempts: 3,
                retry_base_delay: Duration::from_millis(10),
            },
        )
        .expect("client");
        let actor = Actor {
            operator: operator.into(),
            profile: profile.into(),
            account: self.sim.credentials().merchant_identifier,
            environment: Environment::Simulator,
        };
        let mut desk = Desk::new(Arc::new(Mutex::new(journal)), client, actor, Language::En);
        desk.settle_grace = GRACE;
        desk
    }

    /// The one desk most tests need.
    fn main_desk(&self) -> (Desk, PathBuf) {
        let db = self.db("journal.sqlite3");
        (self.desk(&db, "amal", PROFILE), db)
    }

    /// Mints a genuine answer: `operation` on `command` sent straight to
    /// the simulator through the relay, which records it.
    fn genuine(&self, command: Command, operation: &[(&str, &str)]) -> common::relay::Recorded {
        self.runtime
            .block_on(self.relay.ask(&signed(command, operation)))
    }
}

/// Waits until a request that got no trusted answer is past its timeout and
/// grace ("APS may still be working on it" is over).
fn wait_out_the_window() {
    std::thread::sleep(TIMEOUT + GRACE + Duration::from_millis(300));
}

const PROFILE: &str = "env:MERCHANT";

fn form(reference: &str, amount: &str, currency: &str) -> MaintenanceForm {
    MaintenanceForm {
        merchant_reference: reference.into(),
        amount: amount.into(),
        currency: currency.into(),
        ..MaintenanceForm::default()
    }
}

fn capture(reference: &str, amount: &str) -> Capture {
    Capture::parse(&form(reference, amount, "KWD")).expect("valid capture")
}

fn refund(reference: &str, amount: &str) -> Refund {
    Refund::parse(&form(reference, amount, "KWD")).expect("valid refund")
}

fn void(reference: &str) -> VoidAuthorization {
    VoidAuthorization::parse(&MaintenanceForm {
        merchant_reference: reference.into(),
        ..MaintenanceForm::default()
    })
    .expect("valid void")
}

/// Settles whatever the desk left open, as the desk does at start-up.
fn reconcile(rig: &Rig, desk: &Desk) -> Vec<(i64, Resolution)> {
    rig.runtime
        .block_on(desk.reconcile_all())
        .expect("reconciles")
}

/// The operator wants `request` done once: he runs it, and runs it again
/// (up to three times) unless the desk says it happened — succeeded, or an
/// earlier attempt settled as applied.
fn until_done<R: ApsRequest>(rig: &Rig, desk: &Desk, request: &R) {
    for _ in 0..3 {
        match rig.runtime.block_on(desk.run(request)) {
            Ok(report) if report.outcome.class == OutcomeClass::Succeeded => return,
            Err(RunError::SettledFirst(settled))
                if settled
                    .iter()
                    .all(|operation| operation.resolution == Resolution::Applied) =>
            {
                return;
            }
            Ok(_) | Err(_) => {}
        }
    }
}

fn response_code(answer: &common::relay::Recorded) -> String {
    answer
        .response()
        .text("response_code")
        .unwrap_or_default()
        .to_owned()
}

// --- 1. Answers are tied to their request -------------------------------

#[test]
fn a_capture_applied_but_answered_with_another_orders_decline_is_never_sent_again() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    authorize_in_sim(&rig.sim, OTHER, "1000", "KWD");
    // Another order's genuine decline: more than it has authorized.
    let decline = rig.genuine(
        Command::Capture,
        &[
            ("merchant_reference", OTHER),
            ("amount", "5000"),
            ("currency", "KWD"),
        ],
    );
    assert_eq!(response_code(&decline), "05042", "a genuine decline");
    let swap = rig.relay.on(
        Pattern::of(Command::Capture).reference(VICTIM),
        Action::ForwardAnswering(Pick::answer_to(Command::Capture, OTHER)),
    );
    let (desk, db) = rig.main_desk();
    let _ = rig.runtime.block_on(desk.run(&capture(VICTIM, "5.000")));
    assert_eq!(swap.fired(), 1, "the relay swapped the answer");
    assert_eq!(
        ledger::at_sim(&rig.sim, VICTIM).captured,
        5000,
        "APS applied it"
    );
    rig.relay.clear_rules();

    // The operator, told "declined", captures again.
    until_done(&rig, &desk, &capture(VICTIM, "5.000"));
    reconcile(&rig, &desk);
    assert_eq!(
        rig.relay.forwarded(Command::Capture, VICTIM),
        1,
        "the capture reached APS once"
    );
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
}

#[test]
fn a_refund_applied_but_answered_with_another_orders_decline_is_never_sent_again() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    authorize_in_sim(&rig.sim, OTHER, "1000", "KWD");
    let (desk, db) = rig.main_desk();
    rig.runtime
        .block_on(desk.run(&capture(VICTIM, "10.000")))
        .expect("captured");
    // Another order's genuine refusal: a refund of more than it captured.
    let decline = rig.genuine(
        Command::Refund,
        &[
            ("merchant_reference", OTHER),
            ("amount", "2000"),
            ("currency", "KWD"),
            ("maintenance_reference", "OTHER-R-1"),
        ],
    );
    assert_eq!(response_code(&decline), "00048", "a genuine refusal");
    let swap = rig.relay.on(
        Pattern::of(Command::Refund).reference(VICTIM),
        Action::ForwardAnswering(Pick::answer_to(Command::Refund, OTHER)),
    );
    let _ = rig.runtime.block_on(desk.run(&refund(VICTIM, "2.000")));
    assert_eq!(swap.fired(), 1);
    assert_eq!(
        ledger::at_sim(&rig.sim, VICTIM).refunded,
        2000,
        "APS applied it"
    );
    rig.relay.clear_rules();

    until_done(&rig, &desk, &refund(VICTIM, "2.000"));
    reconcile(&rig, &desk);
    assert_eq!(
        ledger::at_sim(&rig.sim, VICTIM).refunded,
        2000,
        "refunded once"
    );
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
}

#[test]
fn a_capture_never_forwarded_but_answered_with_another_orders_success_is_not_recorded_captured() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    authorize_in_sim(&rig.sim, OTHER, "10000", "KWD");
    let success = rig.genuine(
        Command::Capture,
        &[
            ("merchant_reference", OTHER),
            ("amount", "5000"),
            ("currency", "KWD"),
        ],
    );
    assert_eq!(response_code(&success), "04000", "a genuine success");
    let swap = rig.relay.on(
        Pattern::of(Command::Capture).reference(VICTIM),
        Action::AnswerUnforwarded(Pick::answer_to(Command::Capture, OTHER)),
    );
    let (desk, db) = rig.main_desk();
    let _ = rig.runtime.block_on(desk.run(&capture(VICTIM, "5.000")));
    assert_eq!(swap.fired(), 1);
    assert_eq!(rig.relay.forwarded(Command::Capture, VICTIM), 0);
    rig.relay.clear_rules();
    // Whatever the desk concluded, it must match APS (nothing captured)...
    wait_out_the_window();
    reconcile(&rig, &desk);
    assert_money_agrees(&rig.sim, &[&db], VICTIM);

    // ...and the operator can then capture, once.
    until_done(&rig, &desk, &capture(VICTIM, "5.000"));
    reconcile(&rig, &desk);
    assert_eq!(ledger::at_sim(&rig.sim, VICTIM).captured, 5000);
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
}

#[test]
fn a_void_applied_but_answered_with_another_orders_decline_is_recorded_as_applied() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    authorize_in_sim(&rig.sim, OTHER, "10000", "KWD");
    // Another order's genuine refusal of a void: it has a capture.
    rig.genuine(
        Command::Capture,
        &[
            ("merchant_reference", OTHER),
            ("amount", "1000"),
            ("currency", "KWD"),
        ],
    );
    let decline = rig.genuine(Command::VoidAuthorization, &[("merchant_reference", OTHER)]);
    assert_eq!(response_code(&decline), "09034", "a genuine refusal");
    let swap = rig.relay.on(
        Pattern::of(Command::VoidAuthorization).reference(VICTIM),
        Action::ForwardAnswering(Pick::answer_to(Command::VoidAuthorization, OTHER)),
    );
    let (desk, db) = rig.main_desk();
    let _ = rig.runtime.block_on(desk.run(&void(VICTIM)));
    assert_eq!(swap.fired(), 1);
    assert!(ledger::at_sim(&rig.sim, VICTIM).voided, "APS applied it");
    rig.relay.clear_rules();
    reconcile(&rig, &desk);
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
    let state: String = rusqlite::Connection::open(&db)
        .expect("opens")
        .query_row(
            "SELECT state FROM orders WHERE merchant_reference = ?1",
            [VICTIM],
            |row| row.get(0),
        )
        .expect("the order");
    assert_ne!(state, "authorized", "the order is not left authorized");
}

// --- 2. Status answers are tied to their order ---------------------------

#[test]
fn a_reconcile_fed_another_orders_status_does_not_conclude_not_applied() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    authorize_in_sim(&rig.sim, OTHER, "10000", "KWD");
    rig.genuine(Command::CheckStatus, &[("merchant_reference", OTHER)]);
    // The capture is applied and its answer lost: open.
    rig.relay.on(
        Pattern::of(Command::Capture).reference(VICTIM),
        Action::ForwardAndDrop,
    );
    let (desk, db) = rig.main_desk();
    let _ = rig.runtime.block_on(desk.run(&capture(VICTIM, "5.000")));
    rig.relay.clear_rules();
    wait_out_the_window();
    // Only the reconcile's read is another order's (nothing captured there).
    let swap = rig.relay.on(
        Pattern::of(Command::CheckStatus).reference(VICTIM).nth(1),
        Action::ForwardAnswering(Pick::answer_to(Command::CheckStatus, OTHER)),
    );
    let settled = reconcile(&rig, &desk);
    assert_eq!(swap.fired(), 1, "the reconcile read was swapped");
    assert!(
        settled
            .iter()
            .all(|(_, resolution)| *resolution != Resolution::NotApplied),
        "{settled:?}"
    );
    rig.relay.clear_rules();
    // The operator captures again; the desk settles what is open first.
    until_done(&rig, &desk, &capture(VICTIM, "5.000"));
    reconcile(&rig, &desk);
    assert_eq!(rig.relay.forwarded(Command::Capture, VICTIM), 1);
    assert_eq!(ledger::at_sim(&rig.sim, VICTIM).captured, 5000);
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
}

#[test]
fn a_capture_whose_baseline_is_another_orders_is_never_sent_twice() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    authorize_in_sim(&rig.sim, OTHER, "10000", "KWD");
    // The other order shows what the victim will show once captured.
    rig.genuine(
        Command::Capture,
        &[
            ("merchant_reference", OTHER),
            ("amount", "5000"),
            ("currency", "KWD"),
        ],
    );
    rig.genuine(Command::CheckStatus, &[("merchant_reference", OTHER)]);
    let swap = rig.relay.on(
        Pattern::of(Command::CheckStatus).reference(VICTIM).nth(1),
        Action::ForwardAnswering(Pick::answer_to(Command::CheckStatus, OTHER)),
    );
    rig.relay.on(
        Pattern::of(Command::Capture).reference(VICTIM),
        Action::ForwardAndDrop,
    );
    let (desk, db) = rig.main_desk();
    let _ = rig.runtime.block_on(desk.run(&capture(VICTIM, "5.000")));
    assert_eq!(swap.fired(), 1, "the baseline was swapped");
    rig.relay.clear_rules();
    wait_out_the_window();
    // Every later read is genuine.
    reconcile(&rig, &desk);
    until_done(&rig, &desk, &capture(VICTIM, "5.000"));
    reconcile(&rig, &desk);
    assert_eq!(
        rig.relay.forwarded(Command::Capture, VICTIM),
        1,
        "one capture reached APS"
    );
    assert_eq!(ledger::at_sim(&rig.sim, VICTIM).captured, 5000);
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
}

// --- 3. A wall-clock step does not shorten "APS may still be working on it"

#[test]
fn a_wall_clock_step_does_not_conclude_a_capture_still_on_its_way_not_applied() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    let (mut desk, db) = rig.main_desk();
    let clock = TestClock::new();
    desk.clock = Arc::new(clock.clone());
    // Long enough that the reconcile below runs well inside the window.
    desk.client = Client::with_options(
        &rig.relay.endpoint(),
        rig.sim.credentials(),
        ClientOptions {
            request_timeout: Duration::from_secs(6),
            ..common::fast_options()
        },
    )
    .expect("client");
    desk.lease = LeasePolicy {
        time_to_live: Duration::from_millis(300),
        heartbeat: Duration::from_millis(50),
    };
    let held = rig.relay.on(
        Pattern::of(Command::Capture).reference(VICTIM),
        Action::Hold,
    );
    // The desk is killed while its capture is still on the way to APS.
    let sending = desk.clone();
    let task = rig
        .runtime
        .spawn(async move { sending.run(&capture(VICTIM, "5.000")).await });
    wait_until("the capture never reached the relay", || {
        rig.relay.held() == 1
    });
    task.abort();
    assert_eq!(held.fired(), 1);
    rig.relay.clear_rules();
    std::thread::sleep(Duration::from_millis(400));
    // NTP steps the wall clock ten minutes forward.
    clock.step_wall(10 * 60 * 1000);
    let settled = reconcile(&rig, &desk);
    assert!(
        settled
            .iter()
            .all(|(_, resolution)| *resolution != Resolution::NotApplied),
        "{settled:?}"
    );
    // The operator captures again; then the late request lands.
    until_done(&rig, &desk, &capture(VICTIM, "5.000"));
    assert_eq!(rig.runtime.block_on(rig.relay.deliver_held()), 1);
    reconcile(&rig, &desk);
    assert_eq!(rig.relay.forwarded(Command::Capture, VICTIM), 1);
    assert_eq!(ledger::at_sim(&rig.sim, VICTIM).captured, 5000);
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
}

/// Waits (ten seconds at most) until `condition` holds.
fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

// --- 4. A journal copied back --------------------------------------------

/// Copies a closed journal as a file-level backup would: the database, its
/// WAL if any, its anchor; what `to` had beside it is replaced or removed.
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

#[test]
fn a_journal_copied_back_with_its_anchor_does_not_send_a_capture_again() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    let db = rig.db("journal.sqlite3");
    let older = rig.db("older.sqlite3");
    let newer = rig.db("newer.sqlite3");
    {
        let desk = rig.desk(&db, "amal", PROFILE);
        rig.runtime
            .block_on(desk.run(&CheckStatus::for_reference(VICTIM).expect("valid")))
            .expect("looked up");
    }
    copy_journal(&db, &older);
    {
        // Applied at APS, the answer lost: the live journal holds it open.
        rig.relay.on(
            Pattern::of(Command::Capture).reference(VICTIM),
            Action::ForwardAndDrop,
        );
        let desk = rig.desk(&db, "amal", PROFILE);
        let _ = rig.runtime.block_on(desk.run(&capture(VICTIM, "5.000")));
        rig.relay.clear_rules();
    }
    assert_eq!(ledger::at_sim(&rig.sim, VICTIM).captured, 5000);
    copy_journal(&db, &newer);
    // The app is closed, the older journal and its anchor are put back.
    copy_journal(&older, &db);
    wait_out_the_window();
    if let Ok(journal) = Journal::open_with(&db, &rig.keys) {
        let desk = rig.desk_on(journal, "amal", PROFILE);
        let _ = rig.runtime.block_on(desk.reconcile_all());
        let _ = rig.runtime.block_on(desk.run(&capture(VICTIM, "5.000")));
    }
    assert_eq!(
        rig.relay.forwarded(Command::Capture, VICTIM),
        1,
        "the old journal sent no capture"
    );
    assert_eq!(ledger::at_sim(&rig.sim, VICTIM).captured, 5000);

    // The newer journal goes back in place: it settles what it left open.
    copy_journal(&newer, &db);
    let desk = rig.desk(&db, "amal", PROFILE);
    reconcile(&rig, &desk);
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
}

// --- 7. Two desks on one account -----------------------------------------

/// The limit README states: a second journal that moves exactly the amount
/// of this journal's open operation inside its window cannot be told from
/// it by APS's totals (CHECK_STATUS names no operation); one journal for
/// every desk closes it (the profiles test below). Run with `--ignored` to
/// see it still break.
#[test]
#[ignore = "documented limit: separate journals moving the same amount (README, drift)"]
fn a_capture_lost_before_aps_is_not_concluded_applied_from_another_journals_capture() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    let (a_db, b_db) = (rig.db("a.sqlite3"), rig.db("b.sqlite3"));
    let desk_a = rig.desk(&a_db, "amal", PROFILE);
    let desk_b = rig.desk(&b_db, "badr", PROFILE);
    let lost = rig.relay.on(
        Pattern::of(Command::Capture).reference(VICTIM).nth(1),
        Action::Drop,
    );
    let _ = rig.runtime.block_on(desk_a.run(&capture(VICTIM, "4.000")));
    assert_eq!(lost.fired(), 1, "desk A's capture never reached APS");
    rig.runtime
        .block_on(desk_b.run(&capture(VICTIM, "4.000")))
        .expect("desk B captures");
    assert_eq!(ledger::at_sim(&rig.sim, VICTIM).captured, 4000);
    wait_out_the_window();
    let settled = reconcile(&rig, &desk_a);
    assert!(
        settled
            .iter()
            .all(|(_, resolution)| *resolution != Resolution::Applied),
        "desk A concluded applied from desk B's capture: {settled:?}"
    );
    assert_money_agrees(&rig.sim, &[&a_db, &b_db], VICTIM);
}

#[test]
fn two_profiles_of_one_account_in_one_journal_capture_an_order_once() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    let db = rig.db("journal.sqlite3");
    let desk_a = rig.desk(&db, "amal", PROFILE);
    let desk_b = rig.desk(&db, "badr", "shop-two");
    rig.relay.on(
        Pattern::of(Command::Capture).reference(VICTIM).nth(1),
        Action::Drop,
    );
    let _ = rig.runtime.block_on(desk_a.run(&capture(VICTIM, "4.000")));
    rig.relay.clear_rules();
    wait_out_the_window();
    // Desk B captures the same amount until it is done.
    until_done(&rig, &desk_b, &capture(VICTIM, "4.000"));
    reconcile(&rig, &desk_a);
    reconcile(&rig, &desk_b);
    assert_eq!(ledger::at_sim(&rig.sim, VICTIM).captured, 4000);
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
    let rows: i64 = rusqlite::Connection::open(&db)
        .expect("opens")
        .query_row(
            "SELECT count(*) FROM orders WHERE merchant_reference = ?1",
            [VICTIM],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(rows, 1, "one APS order is one order of the journal");
}

// --- 9. Checked against what APS just said; answers bounded ---------------

/// The fields a refusal names, or the error that was not a refusal.
fn refused_fields<T: std::fmt::Debug>(result: Result<T, RunError>) -> Vec<&'static str> {
    match result {
        Err(RunError::Invalid(errors)) => errors.0.iter().map(|error| error.field).collect(),
        other => panic!("not refused as invalid: {other:?}"),
    }
}

#[test]
fn a_capture_in_another_currency_than_the_orders_is_refused_before_sending() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "SAR");
    let (desk, _db) = rig.main_desk();
    let result = rig.runtime.block_on(desk.run(&capture(VICTIM, "5.000")));
    assert_eq!(
        rig.relay.forwarded(Command::Capture, VICTIM),
        0,
        "nothing sent"
    );
    assert!(refused_fields(result).contains(&"currency"));
}

#[test]
fn a_refund_of_more_than_aps_captured_is_refused_before_sending() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    let (desk, _db) = rig.main_desk();
    rig.runtime
        .block_on(desk.run(&capture(VICTIM, "3.000")))
        .expect("captured");
    let result = rig.runtime.block_on(desk.run(&refund(VICTIM, "5.000")));
    assert_eq!(
        rig.relay.forwarded(Command::Refund, VICTIM),
        0,
        "nothing sent"
    );
    assert!(refused_fields(result).contains(&"amount"));
}

#[test]
fn a_first_capture_of_a_visa_kwd_order_with_a_last_decimal_is_refused_before_sending() {
    let rig = Rig::new();
    // A VISA order the journal has never seen.
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    let (desk, _db) = rig.main_desk();
    let result = rig.runtime.block_on(desk.run(&capture(VICTIM, "1.001")));
    assert_eq!(
        rig.relay.forwarded(Command::Capture, VICTIM),
        0,
        "nothing sent"
    );
    assert!(refused_fields(result).contains(&"amount"));
}

/// The journal's bytes on disk (with its WAL).
fn journal_bytes(db: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|suffix| {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            std::fs::metadata(PathBuf::from(name)).map_or(0, |meta| meta.len())
        })
        .sum()
}

/// Runs `apsdesk ARGS` through the relay under GNU time; its exit code and
/// peak resident memory in KB.
fn apsdesk_measured(rig: &Rig, db: &Path, args: &[&str]) -> (i32, u64, String) {
    let report = rig.dir.path().join("time.txt");
    let time = Path::new("/usr/bin/time");
    assert!(
        time.exists(),
        "this test measures the binary's memory with GNU time (apt-get install time)"
    );
    let apsdesk = common::apsdesk_with(&rig.sim.credentials(), &rig.relay.base_url());
    let mut process = std::process::Command::new(time);
    process
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(apsdesk.get_program())
        .args(args)
        .arg("--credentials-from-env")
        .arg("--db")
        .arg(db)
        .arg("--timeout")
        .arg("10")
        .envs(
            apsdesk
                .get_envs()
                .filter_map(|(name, value)| value.map(|value| (name, value))),
        )
        .env_remove("APSDESK_DB")
        .env_remove("APSDESK_TIMEOUT")
        .env("APSDESK_OPERATOR", "amal")
        .env("APSDESK_SETTLE_GRACE", "1");
    let output = process.output().expect("apsdesk runs");
    let peak_kb = std::fs::read_to_string(&report)
        .expect("time's report")
        .lines()
        .rev()
        .find_map(|line| line.trim().parse::<u64>().ok())
        .expect("peak memory in KB");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), peak_kb, text)
}

#[test]
fn a_50_mb_answer_is_uncertain_bounded_in_memory_and_barely_grows_the_journal() {
    let rig = Rig::new();
    authorize_in_sim(&rig.sim, VICTIM, "10000", "KWD");
    authorize_in_sim(&rig.sim, OTHER, "10000", "KWD");
    let db = rig.db("journal.sqlite3");
    // What an ordinary capture costs the same binary.
    let (code, ordinary_kb, text) = apsdesk_measured(
        &rig,
        &db,
        &[
            "capture",
            "--merchant-reference",
            OTHER,
            "--amount",
            "5.000",
            "--currency",
            "KWD",
        ],
    );
    assert_eq!(code, 0, "{text}");
    let before = journal_bytes(&db);
    let huge = rig.relay.on(
        Pattern::of(Command::Capture).reference(VICTIM),
        Action::Oversized {
            bytes: 50 * 1024 * 1024,
        },
    );
    let (code, peak_kb, text) = apsdesk_measured(
        &rig,
        &db,
        &[
            "capture",
            "--merchant-reference",
            VICTIM,
            "--amount",
            "5.000",
            "--currency",
            "KWD",
        ],
    );
    assert_eq!(huge.fired(), 1);
    let grown = journal_bytes(&db).saturating_sub(before);
    let bounded = code == 3 && grown < 1024 * 1024 && peak_kb < ordinary_kb + 40 * 1024;
    assert!(
        bounded,
        "a 50 MB answer: exit {code} (3, uncertain, expected), the journal grew by {grown} bytes \
         (under 1 MiB expected), {peak_kb} KB at peak against {ordinary_kb} KB for an ordinary \
         capture (under 40 MB more expected): {text}"
    );
    // Uncertain, not lost: the capture happened and is settled as applied.
    rig.relay.clear_rules();
    let output = common::apsdesk_with(&rig.sim.credentials(), &rig.relay.base_url())
        .args(["journal", "reconcile", "--credentials-from-env", "--db"])
        .arg(&db)
        .env("APSDESK_OPERATOR", "amal")
        .env("APSDESK_SETTLE_GRACE", "1")
        .output()
        .expect("apsdesk runs");
    assert!(
        output.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_money_agrees(&rig.sim, &[&db], VICTIM);
}
