//! Issue 24's trust defects, tried as an operator moving money would: an
//! order the filter hides never joins an action on the selection, Bulk's
//! preview counts only what can be sent and sends just that, "Use the
//! listed orders" captures what is left, "Clear all filters" lists every
//! order again, the money dialogs say what they do and to whom, and Activity
//! is one line per operation. Money is judged by what the simulator itself
//! received and holds.

mod app_harness;
mod common;

use app_harness::{TestState, run_until, select, settle, sim, type_into};
use apsdesk::app::Screen;
use apsdesk::app::bulk::{RowState, SkipReason};
use apsdesk::aps::{Command, OutcomeClass};
use common::sim_totals;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const INPUT: &str = "Merchant references, or CSV lines of merchant_reference,amount";

fn open_bulk(harness: &mut Harness<'static, TestState>) {
    harness.get_by_label("Bulk").click();
    run_until(harness, "the bulk screen", |state| {
        state.app().settings.screen == Screen::Bulk
    });
}

fn orders_listed(harness: &mut Harness<'static, TestState>, count: usize) {
    run_until(harness, "the orders", |state| {
        state.app().transactions.rows.len() == count
    });
}

fn run_finished(harness: &mut Harness<'static, TestState>, rows: usize) {
    run_until(harness, "the run to finish", |state| {
        let (done, total) = state.app().bulk.progress();
        total == rows && done == rows && !state.app().bulk.running
    });
}

/// The dialog's send button as it reads now.
fn send_label(harness: &Harness<'static, TestState>) -> String {
    let app = harness.state().app();
    app.dialog
        .as_ref()
        .expect("a dialog")
        .confirm_label(&app.tr)
}

/// Opens the dialog of `button` on the order shown, types `amount` (KWD,
/// none for a void), sends it and closes the dialog.
fn operate(harness: &mut Harness<'static, TestState>, button: &str, amount: Option<&str>) {
    harness.get_by_label(button).click();
    run_until(harness, "the dialog", |state| state.app().dialog.is_some());
    if let Some(amount) = amount {
        type_into(harness, "Amount · KWD", amount);
        harness.step();
    }
    harness.get_by_label(&send_label(harness)).click();
    let result = app_harness::dialog_result(harness);
    assert_eq!(result.class, Some(OutcomeClass::Succeeded), "{result:?}");
    harness.get_by_label("Close").click();
    run_until(harness, "the dialog to close", |state| {
        state.app().dialog.is_none()
    });
}

/// Point 1: the list is filtered to authorizations and all three are
/// selected; one is then captured in full from its dialog, so the filter
/// hides it. The bar no longer counts it, and "Refund selected…" — which
/// could refund it, since it is captured — does not take it: nothing is
/// refunded at APS.
#[test]
fn an_order_an_operation_hides_from_the_filter_leaves_the_selection() {
    let (_fixture, mut harness) = app_harness::with_orders(&["HS-1", "HS-2", "HS-3"]);
    orders_listed(&mut harness, 3);
    // The state filter set to Authorized (as its drop-down does).
    let app = harness.state_mut().app_mut();
    app.transactions.filter.states = vec![apsdesk::journal::vocabulary::OrderState::Authorized];
    app.transactions.filter_changed(&app.backend);
    run_until(&mut harness, "the authorizations", |state| {
        state.app().transactions.filter.states.len() == 1
            && state.app().transactions.rows.len() == 3
    });
    harness.get_by_label("Select all filtered").click();
    run_until(&mut harness, "all selected", |state| {
        state.app().transactions.marked.len() == 3
    });
    select(&mut harness, "HS-1");
    // The click selected HS-1 alone: select all again.
    harness.get_by_label("Select all filtered").click();
    run_until(&mut harness, "all selected", |state| {
        state.app().transactions.marked.len() == 3
    });
    operate(&mut harness, "Capture…", Some("10"));
    run_until(&mut harness, "HS-1 to leave the list", |state| {
        state.app().transactions.rows.len() == 2
    });
    run_until(&mut harness, "the selection checked", |state| {
        state.app().transactions.selection().hidden == 0
    });
    let seen = harness.state().app().transactions.selection();
    assert_eq!(seen.shown.len(), 2, "{seen:?}");
    harness.get_by_label("2 selected");
    harness.get_by_label("Refund selected…").click();
    run_until(&mut harness, "the preview", |state| {
        state.app().bulk.confirming.is_some()
    });
    let references: Vec<String> = harness
        .state()
        .app()
        .bulk
        .rows
        .iter()
        .map(|row| row.merchant_reference.clone())
        .collect();
    assert!(
        !references.contains(&"HS-1".to_owned()),
        "the hidden order is in the run: {references:?}"
    );
    let preview = apsdesk::app::bulk::preview(&harness.state().app().bulk.rows);
    assert_eq!(preview.count, 0, "nothing captured is left to refund");
    assert_eq!(sim(&harness).received(Command::Refund), 0);
    assert_eq!(sim_totals(sim(&harness), "HS-1").2, 0);
}

/// Point 2: a pasted capture of 9,999 KWD on a 10.000 KWD authorization is
/// skipped in the preview with what is left, the total is only what will
/// be sent, and the run sends just that; "the order changed" is not said,
/// since it did not.
#[test]
fn the_bulk_preview_counts_only_what_the_orders_have_left() {
    let (_fixture, mut harness) = app_harness::with_orders(&["BP-1", "BP-2"]);
    orders_listed(&mut harness, 2);
    open_bulk(&mut harness);
    harness.get_by_label(INPUT).click();
    settle(&mut harness);
    harness
        .get_by_label(INPUT)
        .type_text("BP-1,9999\nBP-2,4.000\n");
    settle(&mut harness);
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    let rows = harness.state().app().bulk.rows.clone();
    let preview = apsdesk::app::bulk::preview(&rows);
    assert_eq!(preview.count, 1, "{rows:?}");
    assert_eq!(preview.totals_text(), "4.000 KWD");
    harness.get_by_label_contains("1 order, totalling 4.000 KWD");
    let Some(RowState::Skipped(why @ SkipReason::MoreThanLeft { left_minor, .. })) = rows
        .iter()
        .find(|row| row.merchant_reference == "BP-1")
        .map(|row| &row.state)
    else {
        panic!("{rows:?}");
    };
    assert_eq!(*left_minor, 10_000);
    let said = apsdesk::app::explain::skip_reason(&harness.state().app().tr, why);
    assert!(
        said.contains("10.000 KWD left") && !said.contains("changed"),
        "{said}"
    );
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 2);
    assert_eq!(sim(&harness).received(Command::Capture), 1);
    assert_eq!(sim_totals(sim(&harness), "BP-1").1, 0);
    assert_eq!(sim_totals(sim(&harness), "BP-2").1, 4_000);
}

/// Point 2: "Use the listed orders" then "Capture all" takes each listed
/// order with what is left to capture of it (one of them partly captured
/// before), and the run captures exactly that at APS.
#[test]
fn use_the_listed_orders_captures_what_each_has_left() {
    let (_fixture, mut harness) = app_harness::with_orders(&["UL-1", "UL-2"]);
    orders_listed(&mut harness, 2);
    select(&mut harness, "UL-1");
    operate(&mut harness, "Capture…", Some("3"));
    run_until(&mut harness, "the list after the capture", |state| {
        state
            .app()
            .transactions
            .rows
            .iter()
            .any(|order| order.captured_minor == 3_000)
    });
    open_bulk(&mut harness);
    harness.get_by_label("Use the listed orders").click();
    settle(&mut harness);
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    let preview = apsdesk::app::bulk::preview(&harness.state().app().bulk.rows);
    assert_eq!(preview.count, 2);
    assert_eq!(preview.totals_text(), "17.000 KWD");
    harness.get_by_label("Confirm and start").click();
    run_finished(&mut harness, 2);
    assert_eq!(sim_totals(sim(&harness), "UL-1").1, 10_000);
    assert_eq!(sim_totals(sim(&harness), "UL-2").1, 10_000);
    assert_eq!(sim(&harness).received(Command::Capture), 3);
}

/// Point 7: "Clear all filters" from the palette clears the applied search
/// with its box: every order is listed again without a Refresh.
#[test]
fn clear_all_filters_clears_the_applied_search() {
    let (_fixture, mut harness) = app_harness::with_orders(&["CF-1", "CF-2"]);
    orders_listed(&mut harness, 2);
    type_into(
        &mut harness,
        "Search reference, APS transaction number, email, name, method, KNET ref…",
        "CF-1",
    );
    harness.key_press(egui::Key::Enter);
    run_until(&mut harness, "the search", |state| {
        state.app().transactions.rows.len() == 1
    });
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    settle(&mut harness);
    "clear all filters".clone_into(&mut harness.state_mut().app_mut().palette.query);
    settle(&mut harness);
    harness.key_press(egui::Key::Enter);
    run_until(&mut harness, "every order again", |state| {
        state.app().transactions.rows.len() == 2
    });
    assert!(harness.state().app().transactions.filter.text.is_empty());
}

/// Point 5: the capture dialog names the order and its customer, says what
/// is left before and after, its button says the action and the amount,
/// the raw parameters are closed, and an error appearing under the amount
/// moves no field under the pointer. The void dialog states what it
/// releases and that it cannot be undone.
#[test]
fn money_dialogs_say_what_they_do_and_to_whom() {
    let (_fixture, mut harness) = app_harness::with_orders(&["MD-1", "MD-2"]);
    select(&mut harness, "MD-1");
    harness.get_by_label("Capture…").click();
    run_until(&mut harness, "the dialog", |state| {
        state.app().dialog.is_some()
    });
    settle(&mut harness);
    harness.get_by_label_contains("Order MD-1 · Customer:");
    harness.get_by_label("Capture 10.000 KWD");
    assert!(
        harness.query_by_label_contains("access_code").is_none()
            && harness.query_by_label_contains("signature =").is_none(),
        "the request's parameters are closed by default"
    );
    harness.get_by_label_contains("Technical details");
    let description = harness.get_by_label("Order description").rect();
    type_into(&mut harness, "Amount · KWD", "4");
    settle(&mut harness);
    harness.get_by_label("Left to capture: 10.000 KWD now, 6.000 KWD after this capture");
    harness.get_by_label("Capture 4.000 KWD");
    // An amount the order cannot take: the error shows, nothing moves.
    type_into(&mut harness, "Amount · KWD", "11");
    settle(&mut harness);
    harness.get_by_label_contains("more than");
    let moved = harness.get_by_label("Order description").rect().top() - description.top();
    assert!(moved.abs() < 0.5, "the next field moved by {moved}");
    // Not an amount the order can take: the button names no amount, and
    // pressing it sends nothing.
    let button = send_label(&harness);
    assert_eq!(button, "Capture");
    harness
        .query_all_by_label(&button)
        .last()
        .expect("the send button")
        .click();
    settle(&mut harness);
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    harness.key_press(egui::Key::Escape);
    run_until(&mut harness, "the dialog to close", |state| {
        state.app().dialog.is_none()
    });
    select(&mut harness, "MD-2");
    harness.get_by_label("Void…").click();
    run_until(&mut harness, "the dialog", |state| {
        state.app().dialog.is_some()
    });
    settle(&mut harness);
    harness.get_by_label_contains("Releases the authorization of 10.000 KWD");
    harness.get_by_label_contains("This cannot be undone");
    let button = send_label(&harness);
    assert_eq!(button, "Void the authorization of 10.000 KWD");
    harness.get_by_label(&button).click();
    let result = app_harness::dialog_result(&mut harness);
    assert_eq!(result.class, Some(OutcomeClass::Succeeded), "{result:?}");
    assert_eq!(sim(&harness).received(Command::VoidAuthorization), 1);
}

/// Point 6: Activity is one line per operation — a capture sent and
/// answered is one line, naming its order and amount — and filters by
/// order.
#[test]
fn activity_is_one_line_per_operation_with_its_order_and_amount() {
    let (_fixture, mut harness) = app_harness::with_orders(&["AC-1", "AC-2"]);
    select(&mut harness, "AC-1");
    operate(&mut harness, "Capture…", Some("2.5"));
    harness.get_by_label("Activity").click();
    run_until(&mut harness, "the operations", |state| {
        state
            .app()
            .activity
            .entries
            .iter()
            .any(|line| line.command == Command::Capture)
    });
    let app = harness.state().app();
    let rows = app.activity.shown_rows(&app.tr);
    let captures: Vec<_> = rows.iter().filter(|row| row.command == "Capture").collect();
    assert_eq!(captures.len(), 1, "{rows:?}");
    assert_eq!(captures[0].order, "AC-1");
    assert_eq!(captures[0].amount, "2.500 KWD");
    assert!(captures[0].outcome.contains("ucceeded"), "{rows:?}");
    harness.get_by_label("2.500 KWD");
    harness.state_mut().app_mut().activity.filter_text = "AC-2".into();
    let app = harness.state().app();
    let rows = app.activity.shown_rows(&app.tr);
    assert!(rows.iter().all(|row| row.order == "AC-2"), "{rows:?}");
}
