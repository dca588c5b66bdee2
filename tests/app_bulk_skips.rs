//! Bulk rows skipped when the run reaches them (issue 15), each for its own
//! reason and never sent: an order neither the journal nor APS knows, one
//! whose status check got no trusted answer (not "unknown at APS": nobody
//! knows), and one whose currency is not the one the preview showed. The
//! rows come from a run recorded by an earlier session, as the app finds it
//! at its next start.

mod app_harness;
mod common;

use app_harness::{TestState, run_until, sim};
use apsdesk::app::bulk::{RecordedKind, RowState, RunRecord, RunRow, SkipReason};
use apsdesk::aps::Command;
use apsdesk::sim::{FaultKind, FaultRule};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The app at its next start after a capture run of `rows` (reference,
/// currency the preview showed) was recorded; the simulator holds an
/// authorized 10.000 KWD order for each of `at_aps`, the journal knows
/// `in_journal`. `faults` are injected before the run is confirmed.
fn rerun(
    rows: &[(&str, &str)],
    at_aps: &[&str],
    in_journal: &[&str],
    faults: &[FaultRule],
) -> (app_harness::Fixture, Harness<'static, TestState>) {
    let runtime = common::runtime();
    let simulator = runtime.block_on(common::start_sim());
    for reference in at_aps {
        common::authorize_in_sim(&simulator, reference, "10000", "KWD");
    }
    let record = RunRecord {
        kind: RecordedKind::Capture,
        operator: "tester".into(),
        profile: "test".into(),
        started_ms: jiff::Timestamp::now().as_millisecond() - 1,
        rows: rows
            .iter()
            .enumerate()
            .map(|(index, (reference, currency))| RunRow {
                index,
                merchant_reference: (*reference).to_owned(),
                amount: Some("2.000".into()),
                currency: Some((*currency).to_owned()),
                left_at_preview: None,
            })
            .collect(),
    };
    let (fixture, mut harness) =
        app_harness::over_with(runtime, simulator, in_journal, false, |_, _, dir| {
            std::fs::write(
                dir.join("journal.sqlite3.bulk-run.json"),
                serde_json::to_vec(&record).expect("json"),
            )
            .expect("record");
        });
    run_until(&mut harness, "the interrupted run", |state| {
        state.app().bulk.rows.len() == rows.len()
    });
    for fault in faults {
        sim(&harness).inject(fault.clone());
    }
    harness.get_by_label("Confirm and start").click();
    run_until(&mut harness, "the run", |state| {
        let (done, total) = state.app().bulk.progress();
        done == total && !state.app().bulk.running
    });
    (fixture, harness)
}

fn states(harness: &Harness<'static, TestState>) -> Vec<RowState> {
    app_harness::bulk_states(harness)
}

#[test]
fn an_order_apsdesk_and_aps_do_not_know_is_skipped_as_not_found() {
    let (_fixture, harness) = rerun(&[("GONE-1", "KWD")], &[], &[], &[]);
    assert_eq!(
        states(&harness),
        vec![RowState::Skipped(SkipReason::NotFoundAtAps)]
    );
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    harness.get_by_label("skipped: APS does not know this order");
}

/// APS knows the order, but its answers to the status check cannot be
/// trusted (wrong signature): the row is not sent, and not called unknown.
#[test]
fn a_status_check_without_a_trusted_answer_skips_the_row_as_unanswered() {
    let untrusted = FaultRule {
        command: Some(Command::CheckStatus.name().to_owned()),
        kind: FaultKind::WrongSignature,
        times: None,
    };
    let (_fixture, harness) = rerun(&[("LOST-1", "KWD")], &["LOST-1"], &[], &[untrusted]);
    assert_eq!(
        states(&harness),
        vec![RowState::Skipped(SkipReason::StatusNotAnswered)]
    );
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    assert_eq!(common::sim_totals(sim(&harness), "LOST-1").1, 0);
}

/// The record says SAR, the journal says KWD: not sent.
#[test]
fn a_currency_other_than_the_previewed_one_is_skipped() {
    let (_fixture, harness) = rerun(
        &[("CUR-1", "SAR"), ("CUR-2", "KWD")],
        &["CUR-1", "CUR-2"],
        &["CUR-1", "CUR-2"],
        &[],
    );
    let states = states(&harness);
    assert_eq!(states[0], RowState::Skipped(SkipReason::CurrencyChanged));
    assert!(matches!(states[1], RowState::Done(_)), "{states:?}");
    assert_eq!(common::sim_totals(sim(&harness), "CUR-1").1, 0);
    assert_eq!(common::sim_totals(sim(&harness), "CUR-2").1, 2_000);
}
