//! The Transactions screen fed by APS's transaction feedback: the demo's
//! orders arrive as the simulator's notifications (customer names, emails,
//! their own times), and a payment made while the app is open reaches the
//! list through the in-process receiver.

mod app_harness;
mod common;

use std::time::{Duration, Instant};

use app_harness::{TestState, run_until, sim};
use apsdesk::app::backend::Backend;
use apsdesk::aps::client::signed_request;
use apsdesk::aps::{Command, Language};
use apsdesk::journal::payment::TimeSource;
use apsdesk::journal::vocabulary::EntryKind;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn demo() -> (tokio::runtime::Runtime, Harness<'static, TestState>) {
    let runtime = common::runtime();
    let backend = Backend::demo(runtime.handle()).expect("the demo starts");
    let mut harness = app_harness::harness(backend);
    // The demo records a few hundred notifications and status checks, each
    // a durable commit: longer than one wait of the harness on a busy machine.
    let started = Instant::now();
    while harness
        .state()
        .app
        .as_ref()
        .is_none_or(|app| app.demo_progress.is_some())
    {
        harness.step();
        assert!(
            started.elapsed() < Duration::from_mins(2),
            "the demo never finished loading"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    run_until(&mut harness, "the demo's orders", |state| {
        !state.app().transactions.rows.is_empty()
    });
    (runtime, harness)
}

#[test]
fn the_demo_shows_customers_and_times_from_feedback() {
    let (_runtime, mut harness) = demo();
    let rows = harness.state().app().transactions.rows.clone();
    assert!(
        rows.iter().all(|order| order.customer_name.is_some()
            && order.customer_email.is_some()
            && order
                .payment
                .time
                .is_some_and(|time| time.source == TimeSource::Feedback)),
        "every demo order has its customer and its time from feedback"
    );
    let times: std::collections::BTreeSet<i64> = rows
        .iter()
        .filter_map(|order| order.payment.time.map(|time| time.at_ms))
        .collect();
    assert!(times.len() > rows.len() / 2, "varied times: {times:?}");
    // The customer's name is on the screen, in the Customer column.
    let first = rows[0].clone();
    let name = first.customer_name.clone().expect("a name");
    assert!(
        !harness
            .query_all_by_label(&name)
            .collect::<Vec<_>>()
            .is_empty(),
        "{name} is shown"
    );
    // The journal's own check replays the feedback entries to the same rows.
    let report = harness
        .state()
        .app()
        .backend
        .desk()
        .journal
        .lock()
        .expect("journal")
        .verify()
        .expect("verifies");
    assert!(report.is_clean(), "{:?}", report.findings);
    // Its timeline shows the feedback it came from.
    app_harness::select(&mut harness, &first.merchant_reference);
    run_until(&mut harness, "the detail", |state| {
        state
            .app()
            .transactions
            .detail
            .as_ref()
            .is_some_and(|detail| detail.order.id == first.id)
    });
    let detail = harness
        .state()
        .app()
        .transactions
        .detail
        .clone()
        .expect("detail");
    assert!(
        detail
            .entries
            .iter()
            .any(|entry| entry.entry == EntryKind::Feedback),
        "{:?}",
        detail.entries
    );
}

#[test]
fn a_payment_made_while_the_app_is_open_arrives_by_feedback() {
    let (runtime, mut harness) = demo();
    let sim = sim(&harness);
    let credentials = sim.credentials();
    let mut payment = common::card_payment("LIVE-FB-1", "7500", "SAR", common::APPROVE_CARD);
    payment.set("customer_name", "Zainab Al Live");
    let request = signed_request(&credentials, Command::Purchase, &payment, Language::En);
    let url = format!("{}/FortAPI/paymentApi", sim.base_url());
    let status = runtime
        .block_on(async {
            reqwest::Client::new()
                .post(&url)
                .body(request.to_json())
                .send()
                .await
        })
        .expect("the simulator answers")
        .status();
    assert!(status.is_success());
    // Nothing was looked up: the order is in the journal by feedback alone.
    let started = Instant::now();
    loop {
        {
            let app = harness.state_mut().app_mut();
            app.transactions.reload(&app.backend);
        }
        app_harness::settle(&mut harness);
        if harness
            .state()
            .app()
            .transactions
            .rows
            .iter()
            .any(|order| order.merchant_reference == "LIVE-FB-1")
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the paid order never arrived"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    run_until(&mut harness, "the new order's row", |state| {
        state
            .app()
            .transactions
            .rows
            .iter()
            .any(|order| order.customer_name.as_deref() == Some("Zainab Al Live"))
    });
    assert!(harness.query_by_label("Zainab Al Live").is_some());
}
