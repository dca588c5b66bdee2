//! Issue 15's bulk runs attacked as an unlucky operator or an attacker would:
//! a selection that changed after it was made, an order listed twice,
//! Confirm pressed twice, the production total typed wrong, a run cut short
//! with a row left unanswered, a corrupt run record, another desk refunding
//! between the preview and the start. Each test asserts what the simulator
//! itself received and moved, not what apsdesk says.

mod app_harness;
mod common;

use std::sync::{Arc, Mutex};

use app_harness::{TestState, run_until, select, settle, sim, type_into};
use apsdesk::app::Screen;
use apsdesk::app::bulk::{RowState, SkipReason};
use apsdesk::aps::client::Environment;
use apsdesk::aps::request::{Capture, MaintenanceForm, Refund};
use apsdesk::aps::{Command, Language, OutcomeClass};
use apsdesk::journal::desk::Operation;
use apsdesk::journal::{Actor, Desk, Journal};
use apsdesk::sim::{FaultKind, FaultRule};
use common::sim_totals;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const INPUT: &str = "Merchant references, or CSV lines of merchant_reference,amount";
const RECORD: &str = "journal.sqlite3.bulk-run.json";

fn open_bulk(harness: &mut Harness<'static, TestState>) {
    harness.get_by_label("Bulk").click();
    run_until(harness, "the bulk screen", |state| {
        state.app().settings.screen == Screen::Bulk
    });
}

fn paste(harness: &mut Harness<'static, TestState>, text: &str) {
    harness.get_by_label(INPUT).click();
    settle(harness);
    harness.get_by_label(INPUT).type_text(text);
    settle(harness);
}

fn orders_listed(harness: &mut Harness<'static, TestState>, count: usize) {
    run_until(harness, "the orders", |state| {
        state.app().transactions.rows.len() == count
    });
}

fn select_all_filtered(harness: &mut Harness<'static, TestState>, count: usize) {
    harness.get_by_label("Select all filtered").click();
    run_until(harness, "all selected", |state| {
        state.app().transactions.marked.len() == count
    });
}

/// Clicks "Capture selected…" or "Refund selected…" and waits for its preview.
fn on_selection(harness: &mut Harness<'static, TestState>, button: &str) {
    harness.get_by_label(button).click();
    run_until(harness, "the preview", |state| {
        state.app().bulk.confirming.is_some()
    });
}

/// Waits until the list shows an order with `minor` captured.
fn listed_with_captured(harness: &mut Harness<'static, TestState>, minor: i64) {
    run_until(harness, "the list after the capture", |state| {
        state
            .app()
            .transactions
            .rows
            .iter()
            .any(|order| order.captured_minor == minor)
    });
}

/// Waits until every one of the `rows` rows is finished and the run is over.
fn run_finished(harness: &mut Harness<'static, TestState>, rows: usize) {
    run_until(harness, "the run to finish", |state| {
        let (done, total) = state.app().bulk.progress();
        total == rows && done == rows && !state.app().bulk.running
    });
}

/// Whether a toast on screen says `needle`.
fn toasted(harness: &Harness<'static, TestState>, needle: &str) -> bool {
    harness
        .state()
        .app()
        .toast_texts()
        .iter()
        .any(|text| text.contains(needle))
}

fn row_states(harness: &Harness<'static, TestState>) -> Vec<RowState> {
    app_harness::bulk_states(harness)
}

/// Opens the Capture or Refund dialog of the order shown, types `amount`
/// (KWD), sends it and closes the dialog.
fn operate(harness: &mut Harness<'static, TestState>, button: &str, amount: &str) {
    harness.get_by_label(button).click();
    run_until(harness, "the dialog", |state| state.app().dialog.is_some());
    type_into(harness, "Amount · KWD", amount);
    harness.step();
    harness.get_by_label("Send").click();
    let result = app_harness::dialog_result(harness);
    assert_eq!(result.class, Some(OutcomeClass::Succeeded), "{result:?}");
    harness.get_by_label("Close").click();
    run_until(harness, "the dialog to close", |state| {
        state.app().dialog.is_none()
    });
}

/// The selection was made, then the order changed (a partial capture from
/// its dialog): the preview shows what is left now, and the run moves
/// exactly that — APS is never asked for more than the order has left.
#[test]
fn a_selection_changed_after_it_was_made_is_previewed_as_it_is_now() {
    let (_fixture, mut harness) = app_harness::with_orders(&["SS-1"]);
    // The click selects the order (for Bulk) and shows it.
    select(&mut harness, "SS-1");
    assert_eq!(harness.state().app().transactions.marked.len(), 1);
    operate(&mut harness, "Capture…", "4");
    listed_with_captured(&mut harness, 4_000);
    harness.get_by_label("Capture selected…").click();
    run_until(&mut harness, "the preview", |state| {
        state.app().settings.screen == Screen::Bulk && !state.app().bulk.rows.is_empty()
    });
    let preview = apsdesk::app::bulk::preview(&harness.state().app().bulk.rows);
    assert_eq!(
        preview.totals_text(),
        "6.000 KWD",
        "the preview shows what is left now"
    );
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 1);
    assert_eq!(sim(&harness).received(Command::Capture), 2);
    assert_eq!(sim_totals(sim(&harness), "SS-1").1, 10_000);
}

/// The preview was shown, then the order changed before Start (a partial
/// capture from its dialog, as a status check would change it): the run
/// never moves more than the preview showed, nor asks APS for more than
/// the order has left — that row is refused, saying what is left, and the
/// others go.
#[test]
fn an_order_changed_between_the_preview_and_the_start_never_moves_more() {
    let (_fixture, mut harness) = app_harness::with_orders(&["PS-1", "PS-2"]);
    orders_listed(&mut harness, 2);
    select_all_filtered(&mut harness, 2);
    on_selection(&mut harness, "Capture selected…");
    let preview = apsdesk::app::bulk::preview(&harness.state().app().bulk.rows);
    assert_eq!(preview.totals_text(), "20.000 KWD");
    // Meanwhile, on Transactions, 4.000 of PS-1 is captured.
    harness.get_by_label("Transactions").click();
    settle(&mut harness);
    select(&mut harness, "PS-1");
    operate(&mut harness, "Capture…", "4");
    open_bulk(&mut harness);
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 2);
    let (authorized, captured, _) = sim_totals(sim(&harness), "PS-1");
    assert!(captured <= authorized, "{captured} of {authorized}");
    let moved_by_bulk =
        sim_totals(sim(&harness), "PS-1").1 - 4_000 + sim_totals(sim(&harness), "PS-2").1;
    let previewed: u64 = preview.totals.iter().map(|(_, minor)| *minor).sum();
    assert!(moved_by_bulk <= previewed, "{moved_by_bulk} > {previewed}");
    assert_eq!(sim_totals(sim(&harness), "PS-2").1, 10_000);
    // The dialog's capture and PS-2's: none asked beyond what was left.
    assert_eq!(sim(&harness).received(Command::Capture), 2);
    let refused = harness
        .state()
        .app()
        .bulk
        .rows
        .iter()
        .find(|row| row.merchant_reference == "PS-1")
        .map(|row| row.state.clone());
    let Some(RowState::Skipped(
        why @ SkipReason::MoreThanLeft {
            left_minor: 6_000, ..
        },
    )) = &refused
    else {
        panic!("{refused:?}");
    };
    let tr = apsdesk::app::i18n::Tr::new(Language::En);
    assert!(
        apsdesk::app::explain::skip_reason(&tr, why).contains("(6.000 KWD)"),
        "{refused:?}"
    );
}

/// One order on several lines (a pasted list that repeats a line, or a
/// selection pasted under a list): it is sent once, the repeats are skipped
/// with why, and the preview counts it once.
#[test]
fn the_same_order_twice_in_one_run_is_previewed_and_sent_once() {
    let (_fixture, mut harness) = app_harness::with_orders(&["DU-1", "DU-2"]);
    orders_listed(&mut harness, 2);
    open_bulk(&mut harness);
    paste(
        &mut harness,
        "DU-1,1.000\nDU-2,1.000\nDU-1,1.000\nDU-1,1.000\nDU-2,1.000\nDU-1,1.000\n",
    );
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    let preview = apsdesk::app::bulk::preview(&harness.state().app().bulk.rows);
    assert_eq!(preview.count, 2, "{:?}", row_states(&harness));
    assert_eq!(preview.totals_text(), "2.000 KWD");
    harness.get_by_label_contains("2 orders, totalling 2.000 KWD");
    for state in &row_states(&harness)[2..] {
        assert!(
            matches!(state, RowState::Skipped(SkipReason::RepeatedOrder)),
            "{state:?}"
        );
    }
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 6);
    assert_eq!(sim(&harness).received(Command::Capture), 2);
    assert_eq!(sim_totals(sim(&harness), "DU-1").1, 1_000);
    assert_eq!(sim_totals(sim(&harness), "DU-2").1, 1_000);
}

/// Confirm clicked twice in one frame, then Enter held on it, then the run
/// buttons and the selection's tried while the run is going: one run, each
/// row sent once.
#[test]
fn start_pressed_twice_and_enter_held_start_one_run() {
    let (_fixture, mut harness) = app_harness::with_orders(&["DS-1", "DS-2"]);
    orders_listed(&mut harness, 2);
    sim(&harness).inject(FaultRule {
        command: Some(Command::Capture.name().to_owned()),
        kind: FaultKind::Latency { millis: 1_200 },
        times: Some(2),
    });
    open_bulk(&mut harness);
    paste(&mut harness, "DS-1,1.000\nDS-2,1.000\n");
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    let confirm = harness.get_by_label("Confirm and start");
    confirm.focus();
    confirm.click();
    confirm.click();
    harness.step();
    for _ in 0..10 {
        harness.key_press(egui::Key::Enter);
        harness.step();
    }
    assert!(harness.state().app().bulk.running);
    assert!(
        !harness
            .state()
            .app()
            .bulk
            .control
            .cancelled
            .load(std::sync::atomic::Ordering::Relaxed),
        "the second click of the double click did not cancel the run"
    );
    // A moment later, Cancel takes clicks again.
    assert!(
        !egui_kittest::kittest::NodeT::accesskit_node(&harness.get_by_label("Cancel the rest"))
            .is_disabled()
    );
    // While it runs: a second run on the same text, and one on the selection.
    for label in ["Capture all", "Refund all"] {
        harness.get_by_label(label).click();
        harness.step();
    }
    // The palette's "capture the selection" reaches the same place.
    let listed = harness.state().app().transactions.rows.clone();
    harness
        .state_mut()
        .app_mut()
        .bulk
        .preview_selection(apsdesk::app::bulk::BulkKind::Capture, &listed);
    assert!(
        harness.state().app().bulk.confirming.is_none(),
        "no preview opens over a running run"
    );
    run_finished(&mut harness, 2);
    for _ in 0..20 {
        harness.step();
    }
    assert_eq!(
        sim(&harness).received(Command::Capture),
        2,
        "{:?}",
        row_states(&harness)
    );
    assert_eq!(sim_totals(sim(&harness), "DS-1").1, 1_000);
    assert_eq!(sim_totals(sim(&harness), "DS-2").1, 1_000);
}

/// The app on an account in `environment`, over a simulator holding an
/// authorized order for each `(reference, minor units, currency)`.
fn app_in(
    environment: Environment,
    orders: &[(&str, &str, &str)],
) -> (app_harness::Fixture, Harness<'static, TestState>) {
    let runtime = common::runtime();
    let simulator = runtime.block_on(common::start_sim());
    for (reference, minor, currency) in orders {
        common::authorize_in_sim(&simulator, reference, minor, currency);
    }
    let references: Vec<&str> = orders.iter().map(|(reference, _, _)| *reference).collect();
    app_harness::over_in(
        runtime,
        simulator,
        &references,
        false,
        environment,
        |_, _, _| {},
    )
}

/// Production, two currencies: only the exact totals shown start the run —
/// not one currency's alone, not the other order, not other digits, not a
/// value equal in number but written otherwise; the exact text pasted with
/// spaces around does.
#[test]
fn production_starts_only_on_the_exact_totals_of_every_currency() {
    let (_fixture, mut harness) = app_in(
        Environment::Production,
        &[("TP-1", "1234500", "KWD"), ("TP-2", "300", "SAR")],
    );
    orders_listed(&mut harness, 2);
    select_all_filtered(&mut harness, 2);
    on_selection(&mut harness, "Capture selected…");
    let totals = apsdesk::app::bulk::preview(&harness.state().app().bulk.rows).totals_text();
    let (first, second) = if totals.starts_with("1,234") {
        ("1,234.500 KWD", "3.00 SAR")
    } else {
        ("3.00 SAR", "1,234.500 KWD")
    };
    assert_eq!(totals, format!("{first}, {second}"));
    let prompt = format!("Production: type the total shown ({totals}) to start");
    for wrong in [
        first.to_owned(),
        second.to_owned(),
        format!("{second}, {first}"),
        format!("{first}, {second}, 0.001 KWD"),
        "1234.5 KWD, 3 SAR".to_owned(),
        "1,234.5 KWD, 3.00 SAR".to_owned(),
        "3 SAR, 1234.500 KWD".to_owned(),
        "١٬٢٣٤٫٥٠٠ KWD، ٣٫٠٠ SAR".to_owned(),
        "1,234.600 KWD, 3.00 SAR".to_owned(),
        "1,234.500 USD, 3.00 SAR".to_owned(),
        format!("{first}; {second}"),
        totals.to_lowercase(),
    ] {
        harness.state_mut().app_mut().bulk.confirmation.clear();
        type_into(&mut harness, &prompt, &wrong);
        harness.get_by_label("Confirm and start").click();
        harness.key_press(egui::Key::Enter);
        settle(&mut harness);
        assert!(
            !harness.state().app().bulk.running,
            "{wrong:?} starts nothing"
        );
    }
    for _ in 0..10 {
        harness.step();
    }
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    harness.state_mut().app_mut().bulk.confirmation.clear();
    type_into(&mut harness, &prompt, &format!("  {totals}  "));
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 2);
    assert_eq!(sim(&harness).received(Command::Capture), 2);
    assert_eq!(sim_totals(sim(&harness), "TP-1").1, 1_234_500);
    assert_eq!(sim_totals(sim(&harness), "TP-2").1, 300);
}

/// Sandbox: the preview is shown, but no total is asked for.
#[test]
fn a_sandbox_run_previews_without_asking_for_the_total() {
    let (_fixture, mut harness) = app_in(Environment::Sandbox, &[("SB-1", "10000", "KWD")]);
    orders_listed(&mut harness, 1);
    open_bulk(&mut harness);
    paste(&mut harness, "SB-1,2.000");
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    harness.get_by_label_contains("1 order, totalling 2.000 KWD");
    assert!(
        harness
            .query_by_label_contains("type the total shown")
            .is_none()
    );
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 1);
    assert_eq!(sim_totals(sim(&harness), "SB-1").1, 2_000);
}

fn capture(reference: &str, amount: &str) -> Operation {
    let form = MaintenanceForm {
        merchant_reference: reference.into(),
        amount: amount.into(),
        currency: "KWD".into(),
        ..Default::default()
    };
    Operation::Capture(Capture::parse(&form).expect("capture"))
}

/// The app closed mid-run: one row answered, one sent but never answered
/// (the connection dropped after APS applied it), one never started. The
/// next start tells the three apart, sends none of the first two again,
/// and leaves the unanswered one to be settled from APS's status.
#[test]
fn an_interrupted_run_tells_answered_unanswered_and_unsent_rows_apart() {
    let references = ["IC-1", "IC-2", "IC-3"];
    let runtime = common::runtime();
    let simulator = runtime.block_on(common::start_sim());
    for reference in references {
        common::authorize_in_sim(&simulator, reference, "10000", "KWD");
    }
    // The first capture sent (IC-1's) is applied, and its answer lost.
    simulator.inject(FaultRule::once(Command::Capture, FaultKind::DropAfterApply));
    let (_fixture, mut harness) = app_harness::over_with(
        runtime,
        simulator,
        &references,
        false,
        |runtime, desk, dir| {
            app_harness::write_run_record(dir, &references);
            runtime.block_on(desk.submit(capture("IC-1", "2.000")));
            let answered = runtime.block_on(desk.submit(capture("IC-2", "2.000")));
            assert!(answered.result.is_ok(), "{answered:?}");
        },
    );
    run_until(&mut harness, "the interrupted run", |state| {
        state.app().settings.screen == Screen::Bulk && state.app().bulk.rows.len() == 3
    });
    harness.get_by_label_contains("2 of 3 rows had been sent (1 without an answer");
    let states = row_states(&harness);
    assert!(
        matches!(
            &states[0],
            RowState::Skipped(SkipReason::UnansweredBeforeClosing)
        ),
        "{states:?}"
    );
    assert!(
        matches!(&states[1], RowState::Skipped(SkipReason::SentBeforeClosing)),
        "{states:?}"
    );
    assert_eq!(states[2], RowState::Waiting);
    assert_eq!(sim(&harness).received(Command::Capture), 2);
    harness.get_by_label_contains("1 order, totalling 2.000 KWD");
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 3);
    for _ in 0..20 {
        harness.step();
    }
    assert_eq!(sim(&harness).received(Command::Capture), 3);
    for reference in references {
        assert_eq!(sim_totals(sim(&harness), reference).1, 2_000, "{reference}");
    }
}

/// A run record that is empty, cut short or garbage does not stop the app:
/// the operator is told, the record is kept for whoever looks, and nothing
/// is sent.
#[test]
fn a_corrupt_run_record_is_reported_and_stops_nothing() {
    for bytes in [
        b"".as_slice(),
        b"{\"kind\":\"capture\",\"operator\":\"tes".as_slice(),
        b"\x00\xff\xfe not json".as_slice(),
        b"{\"kind\":\"transfer\",\"operator\":\"x\",\"started_ms\":0,\"rows\":[]}".as_slice(),
    ] {
        let runtime = common::runtime();
        let simulator = runtime.block_on(common::start_sim());
        common::authorize_in_sim(&simulator, "CR-1", "10000", "KWD");
        let (fixture, mut harness) =
            app_harness::over_with(runtime, simulator, &["CR-1"], false, |_, _, dir| {
                std::fs::write(dir.join(RECORD), bytes).expect("record");
            });
        run_until(&mut harness, "the toast", |state| {
            state
                .app()
                .toast_texts()
                .iter()
                .any(|text| text.contains("record of a bulk run"))
        });
        orders_listed(&mut harness, 1);
        assert!(fixture.dir.path().join(RECORD).exists(), "kept: {bytes:?}");
        // The app goes on: a capture from the dialog works.
        select(&mut harness, "CR-1");
        operate(&mut harness, "Capture…", "1");
        assert_eq!(sim(&harness).received(Command::Capture), 1);
        assert_eq!(sim_totals(sim(&harness), "CR-1").1, 1_000);
    }
}

/// "Refund the rest" previewed, then another desk (its own journal, the
/// same account) refunds part before Start: the order is never refunded
/// beyond what was captured.
#[test]
fn another_desk_refunding_between_preview_and_start_never_refunds_beyond_the_capture() {
    let (fixture, mut harness) = app_harness::with_orders(&["OD-1"]);
    select(&mut harness, "OD-1");
    operate(&mut harness, "Capture…", "10");
    listed_with_captured(&mut harness, 10_000);
    on_selection(&mut harness, "Refund selected…");
    harness.get_by_label_contains("1 order, totalling 10.000 KWD");
    // The other desk.
    let other_dir = tempfile::TempDir::new().expect("dir");
    let other = Desk::new(
        Arc::new(Mutex::new(
            Journal::open(&other_dir.path().join("other.sqlite3")).expect("journal"),
        )),
        common::client(sim(&harness)),
        Actor {
            operator: "other".into(),
            profile: "test".into(),
            account: apsdesk::sim::config::DEMO_MERCHANT_IDENTIFIER.into(),
            environment: Environment::Simulator,
        },
        Language::En,
    );
    let form = MaintenanceForm {
        merchant_reference: "OD-1".into(),
        amount: "4.000".into(),
        currency: "KWD".into(),
        ..Default::default()
    };
    let refund = Operation::Refund(Refund::parse(&form).expect("refund"));
    let report = fixture.runtime.block_on(other.submit(refund));
    assert!(report.result.is_ok(), "{report:?}");
    assert_eq!(sim_totals(sim(&harness), "OD-1").2, 4_000);
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 1);
    let (_, captured, refunded) = sim_totals(sim(&harness), "OD-1");
    assert!(refunded <= captured, "{refunded} of {captured}");
    assert_eq!(
        refunded, 4_000,
        "the rest as previewed is more than is left"
    );
}

/// Records `references` (looked up in `sim`) in the journal at `path`.
fn record_orders(
    runtime: &tokio::runtime::Runtime,
    path: &std::path::Path,
    sim: &apsdesk::sim::RunningSimulator,
    references: &[String],
) {
    let desk = Desk::new(
        Arc::new(Mutex::new(Journal::open(path).expect("journal"))),
        common::client(sim),
        Actor {
            operator: "tester".into(),
            profile: "test".into(),
            account: apsdesk::sim::config::DEMO_MERCHANT_IDENTIFIER.into(),
            environment: Environment::Simulator,
        },
        Language::En,
    );
    runtime.block_on(desk.lookup(references.to_vec(), 4, |_, _| {}));
}

/// The app over the journal at `path`, on `runtime`, talking to the
/// simulator through `client`; the simulator stays with the caller, so it
/// outlives the app.
fn app_on(
    runtime: &tokio::runtime::Runtime,
    path: &std::path::Path,
    client: apsdesk::aps::client::Client,
) -> Harness<'static, TestState> {
    let session = apsdesk::app::backend::Session {
        profile: "test".into(),
        environment: Environment::Simulator,
        operator: "tester".into(),
        demo: false,
        receipt: apsdesk::profiles::ReceiptDetails::default(),
    };
    let journal = Journal::open(path).expect("journal");
    let backend = apsdesk::app::backend::Backend::with_desk(
        runtime.handle(),
        journal,
        client,
        session,
        None,
        None,
    );
    app_harness::harness(backend)
}

/// The app really closed mid-run — its window and every task of its
/// runtime gone while four captures were at APS, applied and unanswered,
/// and two rows not started. The next start reports the four as sent
/// without an answer and offers the two; reconciliation settles the four
/// from APS's totals; none is sent again, and each order moves once.
#[test]
fn closing_the_app_mid_run_loses_no_row_and_sends_none_twice() {
    let references: Vec<String> = (1..=6).map(|index| format!("KC-{index}")).collect();
    let sim_runtime = common::runtime();
    let simulator = sim_runtime.block_on(common::start_sim());
    for reference in &references {
        common::authorize_in_sim(&simulator, reference, "10000", "KWD");
    }
    let dir = tempfile::TempDir::new().expect("dir");
    let path = dir.path().join("journal.sqlite3");
    record_orders(&sim_runtime, &path, &simulator, &references);
    // Four captures are applied, then answered only after the app is gone.
    simulator.inject(FaultRule {
        command: Some(Command::Capture.name().to_owned()),
        kind: FaultKind::HangAfterApply { millis: 5_000 },
        times: Some(4),
    });
    let first_runtime = common::runtime();
    {
        let mut harness = app_on(&first_runtime, &path, common::client(&simulator));
        orders_listed(&mut harness, 6);
        open_bulk(&mut harness);
        let lines = references.join(",2.000\n") + ",2.000\n";
        paste(&mut harness, &lines);
        harness.get_by_label("Capture all").click();
        settle(&mut harness);
        harness.get_by_label("Confirm and start").click();
        run_until(&mut harness, "four captures applied at APS", |_| {
            references
                .iter()
                .filter(|reference| sim_totals(&simulator, reference).1 == 2_000)
                .count()
                == 4
        });
        assert!(dir.path().join(RECORD).exists());
    }
    // The window closed; the process's tasks die where they are.
    first_runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    assert_eq!(simulator.received(Command::Capture), 4);

    let second_runtime = common::runtime();
    let mut harness = app_on(&second_runtime, &path, common::client(&simulator));
    run_until(&mut harness, "the interrupted run", |state| {
        state.app().settings.screen == Screen::Bulk && state.app().bulk.rows.len() == 6
    });
    harness.get_by_label_contains("4 of 6 rows had been sent (4 without an answer");
    let states = row_states(&harness);
    let unanswered = states
        .iter()
        .filter(|state| {
            matches!(
                state,
                RowState::Skipped(SkipReason::UnansweredBeforeClosing)
            )
        })
        .count();
    let waiting = states
        .iter()
        .filter(|state| **state == RowState::Waiting)
        .count();
    assert_eq!((unanswered, waiting), (4, 2), "{states:?}");
    // Reconciliation at start-up settles the four from APS's status: the
    // totals moved by exactly each capture, so each was applied.
    run_until(&mut harness, "the four settled", |_| {
        Journal::open(&path)
            .expect("journal")
            .open_operations()
            .expect("open operations")
            .is_empty()
    });
    let journal = Journal::open(&path).expect("journal");
    let applied = journal
        .orders_page(&apsdesk::journal::OrderFilter::default(), None, 10)
        .expect("orders")
        .rows
        .iter()
        .filter(|order| {
            journal
                .order_entries(order.id)
                .expect("entries")
                .iter()
                .any(|entry| {
                    entry.entry == apsdesk::journal::vocabulary::EntryKind::Resolution
                        && entry.outcome
                            == Some(apsdesk::journal::vocabulary::EntryOutcome::Applied)
                })
        })
        .count();
    assert_eq!(applied, 4);
    harness.get_by_label_contains("2 orders, totalling 4.000 KWD");
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 6);
    for _ in 0..20 {
        harness.step();
    }
    assert_eq!(simulator.received(Command::Capture), 6);
    for reference in &references {
        assert_eq!(sim_totals(&simulator, reference).1, 2_000, "{reference}");
    }
}

/// A profile switch asked for while a run goes: refused until it ends, so
/// the run's rows stay on screen and its record beside the journal is not
/// taken over by another run.
#[test]
fn switching_profile_while_a_run_goes_waits_for_it() {
    let (fixture, mut harness) = app_harness::with_orders(&["SW-1", "SW-2"]);
    orders_listed(&mut harness, 2);
    let _config = app_harness::profile_on_sim(
        &mut harness,
        "other",
        &fixture.dir.path().join("journal.sqlite3"),
    );
    sim(&harness).inject(FaultRule {
        command: Some(Command::Capture.name().to_owned()),
        kind: FaultKind::Latency { millis: 1_200 },
        times: Some(2),
    });
    open_bulk(&mut harness);
    paste(&mut harness, "SW-1,1.000\nSW-2,1.000\n");
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    harness.get_by_label("Confirm and start").click();
    settle(&mut harness);
    assert!(harness.state().app().bulk.running);
    harness.get_by_label("Profiles").click();
    run_until(&mut harness, "the profiles", |state| {
        !state.app().profiles.profiles.is_empty()
    });
    harness.get_by_label("Use").click();
    settle(&mut harness);
    assert!(
        toasted(&harness, "bulk run"),
        "{:?}",
        harness.state().app().toast_texts()
    );
    for _ in 0..30 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(harness.state().app().backend.session().profile, "test");
    run_finished(&mut harness, 2);
    for state in row_states(&harness) {
        assert!(
            matches!(&state, RowState::Done(result) if result.class == Some(OutcomeClass::Succeeded)),
            "{state:?}"
        );
    }
    run_until(&mut harness, "the record removed", |_| {
        !fixture.dir.path().join(RECORD).exists()
    });
    assert_eq!(sim(&harness).received(Command::Capture), 2);
    // Once it ended, the switch goes through.
    harness.get_by_label("Use").click();
    run_until(&mut harness, "the switch", |state| {
        state.app().backend.session().profile == "other"
    });
}

/// A run cut short under another profile (the journal holds every
/// profile's orders, and two accounts may use the same references): the
/// next start under this profile does not offer its rows here, where they
/// would move this account's orders, nor deletes its record: that profile
/// is told when it is opened.
#[test]
fn a_run_cut_short_under_another_profile_is_not_offered_under_this_one() {
    let runtime = common::runtime();
    let simulator = runtime.block_on(common::start_sim());
    common::authorize_in_sim(&simulator, "XA-1", "10000", "KWD");
    let (fixture, mut harness) =
        app_harness::over_with(runtime, simulator, &["XA-1"], false, |_, _, dir| {
            // What a session of profile "other" wrote as its run started.
            let record = serde_json::json!({
                "kind": "capture",
                "operator": "tester",
                "profile": "other",
                "environment": "simulator",
                "started_ms": jiff::Timestamp::now().as_millisecond() - 1,
                "rows": [{
                    "index": 0,
                    "merchant_reference": "XA-1",
                    "amount": "2.000",
                    "currency": "KWD",
                }],
            });
            std::fs::write(dir.join(RECORD), record.to_string()).expect("record");
        });
    orders_listed(&mut harness, 1);
    for _ in 0..8 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    assert!(
        harness.state().app().bulk.rows.is_empty(),
        "{:?}",
        row_states(&harness)
    );
    assert!(
        toasted(&harness, "profile other"),
        "{:?}",
        harness.state().app().toast_texts()
    );
    let kept = std::fs::read(fixture.dir.path().join(RECORD)).expect("kept");
    // A run of this profile would take the record's place: it waits until
    // that profile has seen its run.
    open_bulk(&mut harness);
    paste(&mut harness, "XA-1,1.000");
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    harness.get_by_label("Confirm and start").click();
    run_until(&mut harness, "the run refused", |state| {
        !state.app().bulk.running && state.app().bulk.confirming.is_some()
    });
    assert!(
        toasted(&harness, "profile other"),
        "{:?}",
        harness.state().app().toast_texts()
    );
    assert_eq!(
        std::fs::read(fixture.dir.path().join(RECORD)).expect("kept"),
        kept
    );
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    // Opening that profile reports its run.
    let _config = app_harness::profile_on_sim(
        &mut harness,
        "other",
        &fixture.dir.path().join("journal.sqlite3"),
    );
    harness.get_by_label("Profiles").click();
    run_until(&mut harness, "the profiles", |state| {
        !state.app().profiles.profiles.is_empty()
    });
    harness.get_by_label("Use").click();
    run_until(&mut harness, "its run reported", |state| {
        state.app().backend.session().profile == "other"
            && state.app().bulk.rows.len() == 1
            && state.app().settings.screen == Screen::Bulk
    });
    assert!(!fixture.dir.path().join(RECORD).exists());
    assert_eq!(row_states(&harness), [RowState::Waiting]);
}

/// The run's record cannot be written (the folder is read-only, the disk
/// full): the run does not start, and the screen says so and offers the
/// preview again — it is not left "running" with nothing running.
#[test]
fn a_run_whose_record_cannot_be_written_does_not_start_and_does_not_hang() {
    let (fixture, mut harness) = app_harness::with_orders(&["UW-1"]);
    orders_listed(&mut harness, 1);
    // A folder where the record goes: writing it fails.
    let record = fixture.dir.path().join(RECORD);
    std::fs::create_dir(&record).expect("in the way");
    open_bulk(&mut harness);
    paste(&mut harness, "UW-1,1.000");
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    harness.get_by_label("Confirm and start").click();
    run_until(&mut harness, "the run not started", |state| {
        state
            .app()
            .toast_texts()
            .iter()
            .any(|text| text.contains("record of a bulk run"))
    });
    settle(&mut harness);
    assert!(!harness.state().app().bulk.running);
    assert_eq!(row_states(&harness), [RowState::Waiting]);
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    // The folder fixed, the same preview starts it.
    std::fs::remove_dir(&record).expect("removed");
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 1);
    assert_eq!(sim_totals(sim(&harness), "UW-1").1, 1_000);
}

/// Two desks (two installations, each its own journal) select the same
/// orders and capture all that is left at the same moment: APS's totals
/// decide, so each order is captured once, never beyond its authorization.
#[test]
fn two_desks_capturing_all_that_is_left_of_the_same_orders_capture_each_once() {
    let references: Vec<String> = (1..=3).map(|index| format!("TD-{index}")).collect();
    let runtime = common::runtime();
    let simulator = runtime.block_on(common::start_sim());
    for reference in &references {
        common::authorize_in_sim(&simulator, reference, "10000", "KWD");
    }
    let dirs = [
        tempfile::TempDir::new().expect("dir"),
        tempfile::TempDir::new().expect("dir"),
    ];
    let mut desks: Vec<Harness<'static, TestState>> = dirs
        .iter()
        .map(|dir| {
            let path = dir.path().join("journal.sqlite3");
            record_orders(&runtime, &path, &simulator, &references);
            app_on(&runtime, &path, common::client(&simulator))
        })
        .collect();
    for harness in &mut desks {
        orders_listed(harness, 3);
        select_all_filtered(harness, 3);
        on_selection(harness, "Capture selected…");
        harness.get_by_label_contains("3 orders, totalling 30.000 KWD");
    }
    for harness in &mut desks {
        harness.get_by_label("Confirm and start").click();
    }
    for harness in &mut desks {
        run_finished(harness, 3);
    }
    for reference in &references {
        assert_eq!(sim_totals(&simulator, reference).1, 10_000, "{reference}");
    }
    let succeeded: usize = desks
        .iter()
        .flat_map(row_states)
        .filter(|state| {
            matches!(state, RowState::Done(result) if result.class == Some(OutcomeClass::Succeeded))
        })
        .count();
    assert_eq!(succeeded, 3);
}

/// Click, Shift-click, Ctrl-click, then Capture selected: exactly the
/// selected orders move at APS, the others not at all.
#[test]
fn a_bulk_run_on_a_shift_and_ctrl_click_selection_moves_only_those_orders() {
    let references = ["SC-1", "SC-2", "SC-3", "SC-4", "SC-5"];
    let (_fixture, mut harness) = app_harness::with_orders(&references);
    orders_listed(&mut harness, 5);
    let rows: Vec<String> = harness
        .state()
        .app()
        .transactions
        .rows
        .iter()
        .map(|order| order.merchant_reference.clone())
        .collect();
    harness.get_by_label(&rows[0]).click();
    settle(&mut harness);
    harness
        .get_by_label(&rows[3])
        .click_modifiers(egui::Modifiers::SHIFT);
    settle(&mut harness);
    harness
        .get_by_label(&rows[1])
        .click_modifiers(egui::Modifiers::COMMAND);
    settle(&mut harness);
    assert_eq!(harness.state().app().transactions.marked.len(), 3);
    on_selection(&mut harness, "Capture selected…");
    harness.get_by_label_contains("3 orders, totalling 30.000 KWD");
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 3);
    for (index, reference) in rows.iter().enumerate() {
        let expected = if [0, 2, 3].contains(&index) {
            10_000
        } else {
            0
        };
        assert_eq!(
            sim_totals(sim(&harness), reference).1,
            expected,
            "{reference}"
        );
    }
    assert_eq!(sim(&harness).received(Command::Capture), 3);
}

/// A voided authorization in the selection: "capture all that is left"
/// skips it, saying why, and the preview's total leaves it out — it is not
/// asked of APS.
#[test]
fn a_voided_order_in_the_selection_is_skipped_not_previewed_as_capturable() {
    let (_fixture, mut harness) = app_harness::with_orders(&["VO-1", "VO-2"]);
    select(&mut harness, "VO-1");
    harness.get_by_label("Void…").click();
    run_until(&mut harness, "the dialog", |state| {
        state.app().dialog.is_some()
    });
    harness.get_by_label("Send").click();
    let result = app_harness::dialog_result(&mut harness);
    assert_eq!(result.class, Some(OutcomeClass::Succeeded), "{result:?}");
    harness.get_by_label("Close").click();
    settle(&mut harness);
    select_all_filtered(&mut harness, 2);
    on_selection(&mut harness, "Capture selected…");
    let preview = apsdesk::app::bulk::preview(&harness.state().app().bulk.rows);
    assert_eq!(
        (preview.count, preview.totals_text()),
        (1, "10.000 KWD".to_owned()),
        "{:?}",
        row_states(&harness)
    );
    // B8 and views-bulk's rule are one: the state named, code `wrong_state`.
    let voided = harness
        .state()
        .app()
        .bulk
        .rows
        .iter()
        .find(|row| row.merchant_reference == "VO-1")
        .map(|row| row.state.clone());
    assert_eq!(
        voided,
        Some(RowState::Skipped(SkipReason::WrongState(
            apsdesk::journal::vocabulary::OrderState::Voided
        )))
    );
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 2);
    assert_eq!(sim(&harness).received(Command::Capture), 1);
    assert_eq!(sim_totals(sim(&harness), "VO-2").1, 10_000);
}
