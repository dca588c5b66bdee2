//! Orders reaching the desk from the app: a search for a reference the
//! journal does not have, looked up at APS with Enter; and the Import…
//! screen's mapping, preview of rows and refused rows, import and
//! confirmation — against the in-process simulator.

mod app_harness;
mod common;

use std::time::{Duration, Instant};

use app_harness::{TestState, run_until, settle, sim};
use apsdesk::app::Screen;
use apsdesk::app::backend::{Backend, Session};
use apsdesk::aps::Command;
use apsdesk::aps::client::Environment;
use apsdesk::journal::Journal;
use apsdesk::journal::vocabulary::OrderState;
use common::{authorize_in_sim, client, start_sim};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// What must outlive the harness.
struct Fixture {
    _runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

/// The app on an empty journal, over a simulator that holds `references`
/// (authorized, 10.000 KWD each) that the journal has never seen.
fn app_over(references: &[&str]) -> (Fixture, Harness<'static, TestState>) {
    let runtime = common::runtime();
    let sim = runtime.block_on(start_sim());
    for reference in references {
        authorize_in_sim(&sim, reference, "10000", "KWD");
    }
    let dir = tempfile::TempDir::new().expect("temp dir");
    let journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
    let session = Session {
        profile: "test".into(),
        environment: Environment::Simulator,
        operator: "tester".into(),
        demo: false,
        receipt: apsdesk::profiles::ReceiptDetails::default(),
    };
    let backend = Backend::with_desk(
        runtime.handle(),
        journal,
        client(&sim),
        session,
        Some(sim),
        None,
    );
    let harness = app_harness::harness(backend);
    (
        Fixture {
            _runtime: runtime,
            dir,
        },
        harness,
    )
}

/// Steps until a widget labelled `label` is on screen.
fn wait_for_label(harness: &mut Harness<'static, TestState>, label: &str) {
    let started = Instant::now();
    loop {
        harness.step();
        if harness.query_by_label(label).is_some() {
            settle(harness);
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {label:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_search_that_misses_is_looked_up_at_aps_with_enter_and_opens_its_detail() {
    let (_fixture, mut harness) = app_over(&["MISS-1"]);
    run_until(&mut harness, "the empty list", |state| {
        state.app().transactions.total == Some(0)
    });
    assert_eq!(sim(&harness).received(Command::CheckStatus), 0);
    let search = harness.get_by_label_contains("Search reference");
    search.focus();
    harness.step();
    harness
        .get_by_label_contains("Search reference")
        .type_text("MISS-1");
    wait_for_label(&mut harness, "Look up MISS-1 at APS");
    assert!(
        harness
            .query_by_label("No order MISS-1 in the journal.")
            .is_some()
    );
    // Nothing is asked of APS until the operator says so.
    assert_eq!(sim(&harness).received(Command::CheckStatus), 0);
    harness.key_press(egui::Key::Enter);
    run_until(&mut harness, "the order's detail", |state| {
        let screen = &state.app().transactions;
        screen.detail.as_ref().is_some_and(|detail| {
            detail.order.merchant_reference == "MISS-1" && screen.selected == Some(detail.order.id)
        })
    });
    let detail = harness
        .state()
        .app()
        .transactions
        .detail
        .clone()
        .expect("detail");
    assert_eq!(detail.order.state, OrderState::Authorized);
    assert_eq!(detail.order.authorized_minor, 10_000);
    // Asked once, recorded as a status check of its own.
    assert_eq!(sim(&harness).received(Command::CheckStatus), 1);
    assert!(
        detail
            .entries
            .iter()
            .any(|entry| entry.command == Command::CheckStatus),
        "{:?}",
        detail.entries
    );
    // The list found it too, and the prompt is gone.
    run_until(&mut harness, "the row", |state| {
        state
            .app()
            .transactions
            .rows
            .iter()
            .any(|order| order.merchant_reference == "MISS-1")
    });
    assert!(harness.query_by_label("Look up MISS-1 at APS").is_none());
    harness.key_press(egui::Key::Enter);
    settle(&mut harness);
    assert_eq!(sim(&harness).received(Command::CheckStatus), 1);
}

#[test]
fn the_import_screen_previews_maps_refuses_by_line_and_confirms_with_aps() {
    let (fixture, mut harness) = app_over(&["IMP-1", "IMP-3"]);
    let file = fixture.dir.path().join("shop-orders.csv");
    std::fs::write(
        &file,
        "Order No,customer_name,amount,currency,transaction_date\n\
         IMP-1,Sara,99.000,KWD,2026-11-28T09:30:00+03:00\n\
         IMP-2,Khalid,12.5001,KWD,2026-11-28T10:00:00+03:00\n\
         IMP-3,نورة,10.000,KWD,2026-11-27T18:05:00Z\n",
    )
    .expect("written");
    harness.get_by_label("Import…").click();
    run_until(&mut harness, "the Import screen", |state| {
        state.app().settings.screen == Screen::Import
    });
    harness.get_by_label("File").click();
    settle(&mut harness);
    harness
        .get_by_label("File")
        .type_text(file.to_str().expect("path"));
    settle(&mut harness);
    harness.get_by_label("Open").click();
    run_until(&mut harness, "the preview", |state| {
        state.app().import.preview.is_some()
    });
    // "Order No" is not a reporting API name: nothing can be imported yet,
    // and the screen says which field to choose, by its word.
    assert!(
        harness
            .query_by_label_contains(
                "No column holds the Merchant reference: choose “Merchant reference”"
            )
            .is_some()
    );
    assert!(harness.query_by_label("IMP-2").is_some(), "the first rows");
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Order No")
        .click();
    settle(&mut harness);
    harness.get_by_label("Merchant reference").click();
    run_until(&mut harness, "the mapped preview", |state| {
        state
            .app()
            .import
            .preview
            .as_ref()
            .is_some_and(|preview| preview.map_error.is_none())
    });
    assert!(
        harness
            .query_by_label("line 3: Amount: KWD takes at most 3 decimals")
            .is_some()
    );
    assert!(
        harness
            .query_by_label("2 rows will be imported, 1 refused.")
            .is_some()
    );
    assert_eq!(sim(&harness).received(Command::CheckStatus), 0);
    harness.get_by_label("Import 2 rows").click();
    run_until(&mut harness, "the confirmations", |state| {
        state.app().import.confirmed.is_some()
    });
    assert!(
        harness
            .query_by_label_contains("2 orders confirmed by APS, 0 still waiting")
            .is_some()
    );
    assert_eq!(sim(&harness).received(Command::CheckStatus), 2);
    let journal = harness.state().app().backend.desk().journal.clone();
    let journal = journal.lock().expect("journal");
    let actor = harness.state().app().backend.desk().actor.clone();
    let order = journal
        .order_by_reference(&actor, "IMP-1")
        .expect("read")
        .expect("IMP-1");
    // APS's amount, the file's customer.
    assert_eq!(order.amount_minor, Some(10_000));
    assert_eq!(order.customer_name.as_deref(), Some("Sara"));
    assert!(
        journal
            .order_by_reference(&actor, "IMP-2")
            .expect("read")
            .is_none()
    );
}
