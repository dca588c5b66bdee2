//! The journal and APS must agree before money moves, and what APS just said
//! of an order decides what a capture, refund or void may still take. Every
//! test is judged by the simulator's own totals.
//!
//! - Money moved by a second journal on the same account is *drift*: the
//!   first desk sends nothing on that order until an operator acknowledges
//!   it, and the acknowledgement is an entry of its own.
//! - A capture in another currency, a refund of more than APS's captured
//!   total, a void of a captured order and a first capture of a VISA order
//!   in KWD whose last decimal is not 0 are refused on APS's own figures
//!   (the journal knew nothing of the order), naming the field.
//! - A wall-clock step does not shorten the time APS may still be working
//!   on a request that got no answer.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use apsdesk::aps::request::{Capture, MaintenanceForm, Refund, VoidAuthorization};
use apsdesk::aps::{Command, Language};
use apsdesk::journal::clock::TestClock;
use apsdesk::journal::desk::{Resolution, RunError, Unsettled};
use apsdesk::journal::vocabulary::EntryKind;
use apsdesk::journal::{Actor, Desk, Journal};
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator};
use common::{authorize_in_sim, client, runtime, sim_totals, start_sim};
use tempfile::TempDir;

fn actor(profile: &str) -> Actor {
    Actor {
        operator: "amal".into(),
        profile: profile.into(),
        environment: apsdesk::aps::client::Environment::Simulator,
    }
}

fn desk(sim: &RunningSimulator, dir: &TempDir, name: &str) -> Desk {
    let journal = Journal::open(&dir.path().join(format!("{name}.db"))).expect("journal opens");
    Desk::new(
        Arc::new(Mutex::new(journal)),
        client(sim),
        actor(name),
        Language::En,
    )
}

fn form(reference: &str, amount: &str, currency: &str) -> MaintenanceForm {
    MaintenanceForm {
        merchant_reference: reference.into(),
        amount: amount.into(),
        currency: currency.into(),
        ..MaintenanceForm::default()
    }
}

fn capture(reference: &str, amount: &str, currency: &str) -> Capture {
    Capture::parse(&form(reference, amount, currency)).expect("a valid capture")
}

fn refund(reference: &str, amount: &str, currency: &str) -> Refund {
    Refund::parse(&form(reference, amount, currency)).expect("a valid refund")
}

fn field_of(error: &RunError) -> Vec<&'static str> {
    match error {
        RunError::Invalid(errors) => errors.0.iter().map(|error| error.field).collect(),
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

#[test]
fn money_another_journal_moved_stops_this_desk_until_acknowledged() {
    let rt = runtime();
    let sim = rt.block_on(start_sim());
    let dir = TempDir::new().expect("temp dir");
    authorize_in_sim(&sim, "DRIFT-1", "10000", "KWD");
    let desk_a = desk(&sim, &dir, "a");
    let desk_b = desk(&sim, &dir, "b");

    rt.block_on(desk_a.run(&capture("DRIFT-1", "4.000", "KWD")))
        .expect("A's first capture goes");
    // Another desk, on its own journal, captures on the same order.
    rt.block_on(desk_b.run(&capture("DRIFT-1", "3.000", "KWD")))
        .expect("B's capture goes");
    assert_eq!(sim_totals(&sim, "DRIFT-1"), (10000, 7000, 0));

    // A's journal knew 4.000 captured; APS says 7.000: nothing is sent.
    for _ in 0..2 {
        let refused = rt.block_on(desk_a.run(&capture("DRIFT-1", "1.000", "KWD")));
        match refused {
            Err(RunError::Drift(drift)) => {
                assert_eq!(drift.journal.captured, 4000);
                assert_eq!(drift.aps.captured, 7000);
            }
            other => panic!("expected a drift, got {other:?}"),
        }
        assert_eq!(sim_totals(&sim, "DRIFT-1"), (10000, 7000, 0));
    }
    let order = desk_a
        .journal
        .lock()
        .expect("journal")
        .order_by_reference(&desk_a.actor, "DRIFT-1")
        .expect("read")
        .expect("order");
    assert!(
        desk_a
            .unacknowledged_drift(order.id)
            .expect("read")
            .is_some()
    );

    let acknowledged = desk_a
        .acknowledge_drift("DRIFT-1", Some("B captured 3.000 on the other desk"))
        .expect("recorded");
    assert!(acknowledged.is_some());
    assert_eq!(
        desk_a.acknowledge_drift("DRIFT-1", None).expect("read"),
        None,
        "nothing left to acknowledge"
    );
    rt.block_on(desk_a.run(&capture("DRIFT-1", "1.000", "KWD")))
        .expect("after the acknowledgement the capture goes");
    assert_eq!(sim_totals(&sim, "DRIFT-1"), (10000, 8000, 0));

    let kinds: Vec<EntryKind> = desk_a
        .journal
        .lock()
        .expect("journal")
        .order_entries(order.id)
        .expect("entries")
        .iter()
        .map(|entry| entry.entry)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|kind| **kind == EntryKind::Drift)
            .count(),
        1,
        "one drift seen, recorded once: {kinds:?}"
    );
    assert!(kinds.contains(&EntryKind::Acknowledgement));
    let report = desk_a
        .journal
        .lock()
        .expect("journal")
        .verify()
        .expect("verify");
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn aps_own_figures_refuse_what_the_order_cannot_take() {
    let rt = runtime();
    let sim = rt.block_on(start_sim());
    let dir = TempDir::new().expect("temp dir");
    let desk = desk(&sim, &dir, "a");

    // Another currency, on an order the journal has never seen.
    authorize_in_sim(&sim, "SAR-1", "10000", "SAR");
    let refused = rt
        .block_on(desk.run(&capture("SAR-1", "10.000", "KWD")))
        .expect_err("a KWD capture of a SAR order is refused");
    assert_eq!(field_of(&refused), ["currency"]);
    assert_eq!(sim_totals(&sim, "SAR-1"), (10000, 0, 0));

    // More than APS's captured total, refunded.
    authorize_in_sim(&sim, "KWD-1", "10000", "KWD");
    rt.block_on(desk.run(&capture("KWD-1", "4.000", "KWD")))
        .expect("capture");
    let refused = rt
        .block_on(desk.run(&refund("KWD-1", "4.010", "KWD")))
        .expect_err("a refund beyond the captured total is refused");
    assert_eq!(field_of(&refused), ["amount"]);
    // More than is left to capture.
    let refused = rt
        .block_on(desk.run(&capture("KWD-1", "6.010", "KWD")))
        .expect_err("a capture beyond what is left is refused");
    assert_eq!(field_of(&refused), ["amount"]);
    // A void once part of it is captured.
    let void = VoidAuthorization::parse(&MaintenanceForm {
        merchant_reference: "KWD-1".into(),
        ..MaintenanceForm::default()
    })
    .expect("a valid void");
    let refused = rt
        .block_on(desk.run(&void))
        .expect_err("a void after a capture is refused");
    assert_eq!(field_of(&refused), ["merchant_reference"]);
    assert_eq!(sim_totals(&sim, "KWD-1"), (10000, 4000, 0));

    // VISA in KWD, the journal's first sight of the order: 1.001 is refused.
    authorize_in_sim(&sim, "VISA-1", "10000", "KWD");
    let refused = rt
        .block_on(desk.run(&capture("VISA-1", "1.001", "KWD")))
        .expect_err("VISA's last decimal");
    assert_eq!(field_of(&refused), ["amount"]);
    assert_eq!(sim_totals(&sim, "VISA-1"), (10000, 0, 0));
    rt.block_on(desk.run(&capture("VISA-1", "1.000", "KWD")))
        .expect("1.000 goes");
    assert_eq!(sim_totals(&sim, "VISA-1"), (10000, 1000, 0));
}

#[test]
fn a_wall_clock_step_does_not_shorten_the_wait_for_aps() {
    let rt = runtime();
    let sim = rt.block_on(start_sim());
    let dir = TempDir::new().expect("temp dir");
    let mut desk = desk(&sim, &dir, "a");
    let clock = TestClock::new();
    desk.clock = Arc::new(clock.clone());
    authorize_in_sim(&sim, "CLOCK-1", "10000", "KWD");

    // A gateway error: nothing applied, but APS might still be working on it.
    sim.inject(FaultRule::once(
        Command::Capture,
        FaultKind::HttpStatus { status: 504 },
    ));
    let report = rt
        .block_on(desk.run(&capture("CLOCK-1", "4.000", "KWD")))
        .expect("sent");
    let operation = report.operation_id.expect("journaled");

    // The wall clock jumps ten minutes ahead (an NTP step, a VM resumed).
    clock.step_wall(10 * 60 * 1000);
    match rt.block_on(desk.reconcile(operation)).expect("reconciles") {
        Resolution::Unresolved(Unsettled::MayStillBeAtAps { .. }) => {}
        other => panic!("a wall-clock step concluded {other:?}"),
    }
    // A repeat sends nothing while it is open.
    let repeat = rt.block_on(desk.run(&capture("CLOCK-1", "4.000", "KWD")));
    assert!(
        matches!(repeat, Err(RunError::SettledFirst(_))),
        "{repeat:?}"
    );
    assert_eq!(sim_totals(&sim, "CLOCK-1"), (10000, 0, 0));

    // After a reboot, a wall clock set back behind the journal is refused.
    clock.reboot();
    clock.step_wall(-30 * 60 * 1000);
    match rt.block_on(desk.reconcile(operation)).expect("reconciles") {
        Resolution::Unresolved(Unsettled::ClockBehind { .. }) => {}
        other => panic!("a clock behind the journal concluded {other:?}"),
    }

    // Time really passing (on the step-proof clock) lets it conclude.
    let clock = TestClock::new();
    desk.clock = Arc::new(clock.clone());
    clock.advance(Duration::from_mins(3));
    assert_eq!(
        rt.block_on(desk.reconcile(operation)).expect("reconciles"),
        Resolution::NotApplied
    );
    assert_eq!(sim_totals(&sim, "CLOCK-1"), (10000, 0, 0));
}
