//! The journal and the desk against the in-process simulator: every operation
//! recorded, uncertain outcomes reconciled, nothing sent twice, the chain,
//! the queries, export, backup and migrations.

mod common;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apsdesk::aps::request::{
    Capture, CheckPaymentLinkStatus, CheckStatus, MaintenanceForm, PaymentLink, PaymentLinkForm,
    Refund, UpdateToken, UpdateTokenForm, VoidAuthorization,
};
use apsdesk::aps::{Command, Language, OutcomeClass};
use apsdesk::journal::anchor::Anchor;
use apsdesk::journal::chain::{self, EntryFields};
use apsdesk::journal::desk::{Resolution, RunError, SharedJournal, Unsettled};
use apsdesk::journal::export::{BOM, export_csv};
use apsdesk::journal::key::{ChainKey, KeySource};
use apsdesk::journal::restore::RestoreOptions;
use apsdesk::journal::store::NewEntry;
use apsdesk::journal::synthetic::{SeedSpec, seed};
use apsdesk::journal::verify::Finding;
use apsdesk::journal::{Actor, Desk, Journal, JournalError, OrderFilter, SortColumn};
use apsdesk::profiles::vault::Vault;
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator};
use common::{authorize_in_sim, client, sim_totals, start_sim};
use tempfile::TempDir;

fn actor() -> Actor {
    Actor {
        operator: "amal".into(),
        profile: "demo".into(),
        environment: apsdesk::aps::client::Environment::Simulator,
    }
}

fn shared(journal: Journal) -> SharedJournal {
    Arc::new(Mutex::new(journal))
}

fn desk_at(sim: &RunningSimulator, path: &std::path::Path) -> Desk {
    let journal = Journal::open(path).expect("journal opens");
    Desk::new(shared(journal), client(sim), actor(), Language::En)
}

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

fn open_count(desk: &Desk) -> usize {
    desk.journal
        .lock()
        .expect("lock")
        .open_operations()
        .expect("read")
        .len()
}

#[tokio::test]
async fn partial_capture_refund_and_status_are_recorded_with_their_totals() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let desk = desk_at(&sim, &dir.path().join("journal.sqlite3"));
    authorize_in_sim(&sim, "J-1", "10000", "KWD");

    let report = desk.run(&capture("J-1", "4.000")).await.expect("sent");
    assert_eq!(report.outcome.class, OutcomeClass::Succeeded);
    let order = report.order.expect("recorded");
    assert_eq!(
        (order.captured_minor, order.state.as_str()),
        (4000, "partially_captured")
    );

    let report = desk.run(&refund("J-1", "1.500")).await.expect("sent");
    assert_eq!(
        report.outcome.class,
        OutcomeClass::Succeeded,
        "{}",
        report.outcome.summary()
    );
    let check = CheckStatus::for_reference("J-1").expect("valid");
    let order = desk
        .run(&check)
        .await
        .expect("sent")
        .order
        .expect("recorded");
    assert_eq!(
        (
            order.authorized_minor,
            order.captured_minor,
            order.refunded_minor
        ),
        (10_000, 4_000, 1_500)
    );
    assert_eq!(
        order.state,
        apsdesk::journal::vocabulary::OrderState::PartiallyRefunded
    );
    assert_eq!(order.currency.as_deref(), Some("KWD"));
    assert_eq!(sim_totals(&sim, "J-1"), (10_000, 4_000, 1_500));

    let journal = desk.journal.lock().expect("lock");
    let entries = journal.order_entries(order.id).expect("entries");
    // Each operation is a request then a result; a capture and a refund each
    // read a baseline first: 2 baselines + capture + refund + status = 5.
    assert_eq!(entries.len(), 10);
    for pair in entries.chunks(2) {
        assert_eq!(
            (pair[0].entry.as_str(), pair[1].entry.as_str()),
            ("request", "result")
        );
        assert_eq!(pair[0].operation_id, pair[1].operation_id);
        assert_eq!(pair[0].operator, "amal");
    }
    let refund_request = entries
        .iter()
        .find(|entry| {
            entry.command == apsdesk::aps::Command::Refund
                && entry.entry == apsdesk::journal::vocabulary::EntryKind::Request
        })
        .expect("refund recorded");
    assert_eq!(refund_request.amount_minor, Some(1500));
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    assert!(journal.open_operations().expect("open").is_empty());
}

#[tokio::test]
async fn a_refund_beyond_the_captured_amount_is_refused_on_aps_figures_and_moves_nothing() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let desk = desk_at(&sim, &dir.path().join("journal.sqlite3"));
    authorize_in_sim(&sim, "J-2", "10000", "KWD");
    desk.run(&capture("J-2", "2.000")).await.expect("sent");
    // The baseline says 2.000 is captured: 2.010 is refused before sending.
    match desk.run(&refund("J-2", "2.010")).await {
        Err(RunError::Invalid(errors)) => {
            assert_eq!(errors.0[0].field, "amount", "{errors:?}");
        }
        other => panic!("expected a refusal naming amount, got {other:?}"),
    }
    assert_eq!(sim.received(Command::Refund), 0, "nothing was sent");
    assert_eq!(sim_totals(&sim, "J-2"), (10000, 2000, 0));
    assert_eq!(
        open_count(&desk),
        0,
        "a refusal before sending does not block the order"
    );
}

#[tokio::test]
async fn a_dropped_refund_blocks_the_order_until_reconciled_and_is_never_resent() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let desk = desk_at(&sim, &dir.path().join("journal.sqlite3"));
    authorize_in_sim(&sim, "J-3", "10000", "KWD");
    desk.run(&capture("J-3", "10.000")).await.expect("sent");

    sim.inject(FaultRule::once(Command::Refund, FaultKind::DropAfterApply));
    let report = desk.run(&refund("J-3", "3.000")).await.expect("sent");
    assert_eq!(report.outcome.class, OutcomeClass::Uncertain);
    assert_eq!(sim.received(Command::Refund), 1);
    assert_eq!(sim_totals(&sim, "J-3").2, 3000, "the simulator applied it");
    assert_eq!(open_count(&desk), 1);
    assert_eq!(
        report.order.expect("order").refunded_minor,
        0,
        "not believed yet"
    );

    // While APS cannot be asked, another refund on the order is refused.
    sim.inject(FaultRule {
        command: Some("CHECK_STATUS".into()),
        kind: FaultKind::HttpStatus { status: 503 },
        times: None,
    });
    let blocked = desk.run(&refund("J-3", "3.000")).await;
    assert!(
        matches!(&blocked, Err(RunError::SettledFirst(settled))
            if matches!(settled[0].resolution, Resolution::Unresolved(_))),
        "{blocked:?}"
    );
    assert_eq!(sim.received(Command::Refund), 1, "nothing sent");

    sim.clear_faults();
    let resolutions = desk.reconcile_all().await.expect("reconciled");
    assert_eq!(resolutions.len(), 1);
    assert_eq!(resolutions[0].1, Resolution::Applied);
    assert_eq!(open_count(&desk), 0);
    let journal = desk.journal.lock().expect("lock");
    let order = journal
        .order_by_reference(&actor(), "J-3")
        .expect("read")
        .expect("order");
    assert_eq!(order.refunded_minor, 3000);
    let resolutions: Vec<_> = journal
        .order_entries(order.id)
        .expect("entries")
        .into_iter()
        .filter(|entry| entry.entry == apsdesk::journal::vocabulary::EntryKind::Resolution)
        .collect();
    // The blocked attempt recorded why it could not conclude; then the conclusion.
    assert_eq!(resolutions.len(), 2, "{resolutions:?}");
    assert_eq!(
        resolutions[0].outcome,
        Some(apsdesk::journal::vocabulary::EntryOutcome::Unresolved)
    );
    assert!(
        resolutions[0].payload.contains("503"),
        "{}",
        resolutions[0].payload
    );
    let resolution = &resolutions[1];
    assert_eq!(
        resolution.outcome,
        Some(apsdesk::journal::vocabulary::EntryOutcome::Applied)
    );
    assert!(resolution.payload.contains("\"before\"") && resolution.payload.contains("\"after\""));
    drop(journal);
    assert_eq!(
        sim.received(Command::Refund),
        1,
        "reconciliation never resends"
    );
}

#[tokio::test]
async fn an_unapplied_refund_is_retried_with_its_maintenance_reference() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let mut desk = desk_at(&sim, &dir.path().join("journal.sqlite3"));
    // Unmoved totals count only once the request's timeout (2 s here) and
    // this grace have passed.
    desk.settle_grace = Duration::from_millis(100);
    authorize_in_sim(&sim, "J-4", "10000", "KWD");
    desk.run(&capture("J-4", "10.000")).await.expect("sent");

    sim.inject(FaultRule::once(
        Command::Refund,
        FaultKind::HttpStatus { status: 500 },
    ));
    let maintenance_reference = |report: &apsdesk::journal::desk::RunReport<_>| {
        report
            .outcome
            .request
            .text("maintenance_reference")
            .expect("the desk gave the refund an id")
            .to_owned()
    };
    let report = desk.run(&refund("J-4", "2.500")).await.expect("sent");
    assert_eq!(report.outcome.class, OutcomeClass::Uncertain);
    let first_reference = maintenance_reference(&report);
    let resolutions = desk.reconcile_all().await.expect("reconciled");
    assert!(
        matches!(
            &resolutions[0].1,
            Resolution::Unresolved(Unsettled::MayStillBeAtAps { .. })
        ),
        "a 5xx proves nothing before the timeout: {resolutions:?}"
    );
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let resolutions = desk.reconcile_all().await.expect("reconciled");
    assert_eq!(resolutions[0].1, Resolution::NotApplied);

    let report = desk.run(&refund("J-4", "2.500")).await.expect("sent");
    assert_eq!(maintenance_reference(&report), first_reference);
    assert_eq!(report.outcome.class, OutcomeClass::Succeeded);
    assert_eq!(sim_totals(&sim, "J-4").2, 2500);

    // A third refund of the same amount is a new refund, with a new reference.
    let report = desk.run(&refund("J-4", "2.500")).await.expect("sent");
    assert_ne!(maintenance_reference(&report), first_reference);
    assert_eq!(sim_totals(&sim, "J-4").2, 5000);
}

#[tokio::test]
async fn a_crash_between_pending_and_completed_is_reconciled_at_restart() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    authorize_in_sim(&sim, "J-5", "10000", "KWD");
    {
        let desk = desk_at(&sim, &path);
        desk.run(&capture("J-5", "10.000")).await.expect("sent");
        // APS applies the refund and answers late; the process "dies" while
        // waiting: the future is dropped after the pending entry was written.
        sim.inject(FaultRule::once(
            Command::Refund,
            FaultKind::HangAfterApply { millis: 1_500 },
        ));
        let crashed = tokio::time::timeout(
            Duration::from_millis(700),
            desk.run(&refund("J-5", "4.000")),
        )
        .await;
        assert!(crashed.is_err(), "the run was cut off");
        let journal = desk.journal.lock().expect("lock");
        let open = journal.open_operations().expect("open");
        assert_eq!(open.len(), 1);
        assert_eq!(
            open[0].state,
            apsdesk::journal::vocabulary::OpenState::Pending
        );
        assert_eq!(open[0].request.command, apsdesk::aps::Command::Refund);
    }
    assert_eq!(sim_totals(&sim, "J-5").2, 4000, "APS applied it");

    // Restart: a new journal handle and desk, reconciliation at start-up.
    // The "crashed" submission ran in this very process, so its lease lapses
    // by its heartbeat only: a short time to live, and a wait past it.
    let mut desk = desk_at(&sim, &path);
    desk.lease.time_to_live = Duration::from_millis(300);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let resolutions = desk.reconcile_all().await.expect("reconciled");
    assert_eq!(resolutions.len(), 1);
    assert_eq!(resolutions[0].1, Resolution::Applied);
    assert_eq!(
        sim.received(Command::Refund),
        1,
        "no second refund was sent"
    );
    let journal = desk.journal.lock().expect("lock");
    let order = journal
        .order_by_reference(&actor(), "J-5")
        .expect("read")
        .expect("order");
    assert_eq!(order.refunded_minor, 4000);
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
}

#[tokio::test]
async fn the_hash_chain_detects_an_edited_row_and_the_triggers_refuse_edits() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let desk = desk_at(&sim, &path);
    authorize_in_sim(&sim, "J-6", "10000", "KWD");
    desk.run(&capture("J-6", "1.000")).await.expect("sent");
    desk.run(&capture("J-6", "2.000")).await.expect("sent");
    drop(desk);

    let raw = rusqlite::Connection::open(&path).expect("raw open");
    let update = raw.execute(
        "UPDATE entries SET amount_minor = 9000 WHERE command = 'CAPTURE'",
        [],
    );
    assert!(update.is_err(), "updates are refused");
    assert!(
        raw.execute("DELETE FROM entries WHERE seq = 1", [])
            .is_err(),
        "deletes are refused"
    );
    // Someone with the file drops the trigger and edits the amount anyway.
    raw.execute_batch(
        "DROP TRIGGER entries_no_update;
         UPDATE entries SET amount_minor = 100 WHERE seq = (SELECT min(seq) FROM entries WHERE command = 'CAPTURE');",
    )
    .expect("tampered");
    let edited: i64 = raw
        .query_row(
            "SELECT min(seq) FROM entries WHERE command = 'CAPTURE'",
            [],
            |row| row.get(0),
        )
        .expect("seq");
    drop(raw);
    let journal = Journal::open(&path).expect("opens");
    let report = journal.verify_chain().expect("verify");
    assert_eq!(report.first_broken_seq, Some(edited));
}

/// The card this test hands to the desk (and nothing else in it uses).
const CARD_THROUGH_THE_DESK: &str = "4557012345678902";

/// A status check that also carries a card's fields, as a server-to-server
/// request does: the way a full card number passes through the desk (its
/// client signs and sends it; the journal records the request and answer).
struct StatusWithCard(CheckStatus);

impl apsdesk::aps::request::ApsRequest for StatusWithCard {
    type Response = apsdesk::aps::response::CheckStatusResponse;

    fn command(&self) -> Command {
        self.0.command()
    }

    fn write_params(&self, params: &mut apsdesk::aps::params::Params) {
        self.0.write_params(params);
        params.push("card_number", CARD_THROUGH_THE_DESK);
        params.push("expiry_date", "3012");
        params.push("card_security_code", "987");
    }

    fn merchant_reference(&self) -> Option<&str> {
        self.0.merchant_reference()
    }
}

#[tokio::test]
async fn secrets_never_reach_the_database_file() {
    use apsdesk::aps::request::ApsRequest as _;
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let mut desk = desk_at(&sim, &path);
    let apple_pay = sim.apple_pay_credentials();
    desk.apple_pay = Some(desk.client.with_credentials(apple_pay.clone()));
    authorize_in_sim(&sim, "J-7", "10000", "KWD");
    authorize_in_sim(&sim, "J-8", "10000", "KWD");
    // An Apple Pay order, maintained with the Apple Pay set.
    let apple_pay_payment = apsdesk::aps::client::signed_request(
        &apple_pay,
        Command::Authorization,
        &common::card_payment("J-AP", "10000", "KWD", common::APPROVE_CARD),
        Language::En,
    );
    sim.with_state(|state| state.handle(&apple_pay_payment, jiff::Timestamp::now()));
    assert_eq!(
        desk.run(&capture("J-AP", "4.000"))
            .await
            .expect("sent")
            .outcome
            .class,
        OutcomeClass::Succeeded
    );
    assert_eq!(sim_totals(&sim, "J-AP").1, 4000);
    // The card goes through the desk: signed, sent, answered, journaled.
    let with_card = StatusWithCard(CheckStatus::for_reference("J-8").expect("valid"));
    assert!(
        with_card
            .params()
            .text("card_number")
            .is_some_and(|number| number == CARD_THROUGH_THE_DESK)
    );
    assert_eq!(
        desk.run(&with_card).await.expect("sent").outcome.class,
        OutcomeClass::Succeeded
    );
    desk.run(&capture("J-7", "5.000")).await.expect("sent");
    desk.run(&refund("J-7", "1.000")).await.expect("sent");
    let void = VoidAuthorization::parse(&MaintenanceForm {
        merchant_reference: "J-8".into(),
        ..MaintenanceForm::default()
    })
    .expect("valid");
    assert_eq!(
        desk.run(&void).await.expect("sent").outcome.class,
        OutcomeClass::Succeeded
    );
    let token = sim
        .with_state(|state| state.tokens().next().map(|token| token.token_name.clone()))
        .expect("a token");
    let update = UpdateToken::parse(
        &UpdateTokenForm {
            merchant_reference: "J-T".into(),
            token_name: token,
            card_holder_name: Some("Huda Al-Kandari".into()),
            ..UpdateTokenForm::default()
        },
        jiff::Timestamp::now(),
    )
    .expect("valid");
    assert_eq!(
        desk.run(&update).await.expect("sent").outcome.class,
        OutcomeClass::Succeeded
    );
    let link = PaymentLink::parse(
        &PaymentLinkForm {
            merchant_reference: "J-L".into(),
            amount: "7.250".into(),
            currency: "KWD".into(),
            customer_email: "buyer@example.com".into(),
            request_expiry_date: "2099-01-01T00:00:00+03:00".into(),
            notification_type: "NONE".into(),
            customer_name: Some("نورة الكندري".into()),
            ..PaymentLinkForm::default()
        },
        jiff::Timestamp::now(),
    )
    .expect("valid");
    let report = desk.run(&link).await.expect("sent");
    assert_eq!(
        report.outcome.class,
        OutcomeClass::Succeeded,
        "{}",
        report.outcome.summary()
    );
    let link_order = report.order.expect("recorded");
    let link_id = link_order
        .payment_link_id
        .clone()
        .expect("link id recorded");
    assert_eq!(link_order.payment_link_status.as_deref(), Some("OPEN"));
    sim.pay_link(&link_id).expect("paid");
    let status = CheckPaymentLinkStatus::parse(None, Some("J-L")).expect("valid");
    let order = desk
        .run(&status)
        .await
        .expect("sent")
        .order
        .expect("recorded");
    assert_eq!(order.payment_link_status.as_deref(), Some("PAID"));
    desk.run(&CheckStatus::for_reference("J-7").expect("valid"))
        .await
        .expect("sent");
    drop(desk);

    let credentials = sim.credentials();
    let secrets = [
        credentials.access_code.expose().to_owned(),
        credentials.request_phrase.expose().to_owned(),
        credentials.response_phrase.expose().to_owned(),
        apple_pay.access_code.expose().to_owned(),
        apple_pay.request_phrase.expose().to_owned(),
        apple_pay.response_phrase.expose().to_owned(),
        CARD_THROUGH_THE_DESK.to_owned(),
    ];
    // What the journal may keep of the card: its masked form.
    let masked = apsdesk::aps::client::mask_card_number(CARD_THROUGH_THE_DESK);
    let mut masked_found = false;
    let mut scanned = 0;
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        scanned += bytes.len();
        masked_found |= bytes
            .windows(masked.len())
            .any(|window| window == masked.as_bytes());
        for secret in &secrets {
            assert!(
                !bytes
                    .windows(secret.len())
                    .any(|window| window == secret.as_bytes()),
                "a secret ({} bytes) is in the journal's files",
                secret.len()
            );
        }
    }
    assert!(
        scanned > 10_000,
        "the journal was written ({scanned} bytes)"
    );
    assert!(
        masked_found,
        "the card's request reached the files, masked ({masked})"
    );
    // The same bytes are findable when present: the scan is not vacuous.
    let journal = Journal::open(&path).expect("opens");
    let order = journal
        .order_by_reference(&actor(), "J-7")
        .expect("read")
        .expect("order");
    assert_eq!(order.captured_minor, 5000);
}

fn synthetic_journal(dir: &TempDir, orders: u64) -> Journal {
    let mut journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("opens");
    let spec = SeedSpec {
        orders,
        profile: "demo".into(),
        environment: apsdesk::aps::client::Environment::Simulator,
        now_ms: 1_790_000_000_000,
    };
    let report = seed(&mut journal, &spec, |_, _| {}).expect("seeded");
    assert_eq!(report.orders, orders);
    assert!(report.operations >= 2 * orders, "{report:?}");
    journal
}

fn all_pages(journal: &Journal, filter: &OrderFilter, page_size: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor = None;
    loop {
        let page = journal
            .orders_page(filter, cursor.as_ref(), page_size)
            .expect("page");
        assert!(page.rows.len() <= page_size);
        ids.extend(page.rows.iter().map(|order| order.id));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return ids,
        }
    }
}

#[test]
fn keyset_pages_cover_every_sort_exactly_once_in_order() {
    let dir = TempDir::new().expect("temp dir");
    let journal = synthetic_journal(&dir, 1_500);
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    for sort in SortColumn::ALL {
        for descending in [false, true] {
            let filter = OrderFilter {
                sort,
                descending,
                ..OrderFilter::default()
            };
            let paged = all_pages(&journal, &filter, 97);
            let whole = journal.orders_page(&filter, None, 10_000).expect("whole");
            let expected: Vec<i64> = whole.rows.iter().map(|order| order.id).collect();
            assert_eq!(paged, expected, "{sort:?} descending={descending}");
            assert_eq!(paged.len(), 1_500);
        }
    }
    // The sort itself is right: amounts ascending never go down.
    let filter = OrderFilter {
        sort: SortColumn::Amount,
        ..OrderFilter::default()
    };
    let rows = journal
        .orders_page(&filter, None, 1_500)
        .expect("rows")
        .rows;
    assert!(
        rows.windows(2)
            .all(|pair| pair[0].amount_minor <= pair[1].amount_minor)
    );
}

#[test]
fn filters_and_arabic_search_find_exactly_the_matching_orders() {
    let dir = TempDir::new().expect("temp dir");
    let journal = synthetic_journal(&dir, 2_000);
    let everything = journal
        .orders_page(&OrderFilter::default(), None, 5_000)
        .expect("all")
        .rows;

    let check =
        |filter: OrderFilter, predicate: &dyn Fn(&apsdesk::journal::store::OrderRecord) -> bool| {
            let found: Vec<i64> = all_pages(&journal, &filter, 50);
            // Small pages make the window (400 rows per row of the page) smaller
            // than the journal, so both ways of answering a page are exercised.
            for page_size in [1, 3] {
                assert_eq!(
                    all_pages(&journal, &filter, page_size),
                    found,
                    "{filter:?} by {page_size}"
                );
            }
            let mut expected: Vec<i64> = everything
                .iter()
                .filter(|order| predicate(order))
                .map(|order| order.id)
                .collect();
            let mut sorted_found = found.clone();
            sorted_found.sort_unstable();
            expected.sort_unstable();
            assert!(!expected.is_empty(), "{filter:?} matches something");
            assert_eq!(sorted_found, expected, "{filter:?}");
            assert_eq!(
                journal.count_orders(&filter).expect("count"),
                expected.len() as u64
            );
        };
    check(
        OrderFilter {
            text: "أحمد".into(),
            ..OrderFilter::default()
        },
        &|order| {
            order
                .customer_name
                .as_deref()
                .is_some_and(|name| name.contains("أحمد"))
        },
    );
    check(
        OrderFilter {
            text: "al-kandari".into(),
            ..OrderFilter::default()
        },
        &|order| {
            order
                .customer_name
                .as_deref()
                .is_some_and(|name| name.contains("Al-Kandari"))
        },
    );
    let knet = everything
        .iter()
        .find(|order| order.knet_ref_number.is_some())
        .expect("a KNET order");
    let knet_ref = knet.knet_ref_number.clone().expect("ref");
    check(
        OrderFilter {
            text: knet_ref.clone(),
            ..OrderFilter::default()
        },
        &|order| order.knet_ref_number.as_deref() == Some(knet_ref.as_str()),
    );
    check(
        OrderFilter {
            text: "SYN-00000042".into(),
            ..OrderFilter::default()
        },
        &|order| order.merchant_reference == "SYN-00000042",
    );
    check(
        OrderFilter {
            states: vec![
                apsdesk::journal::vocabulary::OrderState::PartiallyRefunded,
                apsdesk::journal::vocabulary::OrderState::Voided,
            ],
            currency: Some("KWD".into()),
            ..OrderFilter::default()
        },
        &|order| {
            matches!(order.state.as_str(), "partially_refunded" | "voided")
                && order.currency.as_deref() == Some("KWD")
        },
    );
    check(
        OrderFilter {
            payment_options: vec!["KNET".into()],
            amount_min: Some(100_000),
            amount_max: Some(500_000),
            sort: SortColumn::Amount,
            ..OrderFilter::default()
        },
        &|order| {
            order.payment_option.as_deref() == Some("KNET")
                && order
                    .amount_minor
                    .is_some_and(|amount| (100_000..=500_000).contains(&amount))
        },
    );
    let middle = everything[everything.len() / 2].created_ms;
    check(
        OrderFilter {
            created_from_ms: Some(middle),
            created_to_ms: Some(middle + 30 * 24 * 3600 * 1000),
            profile: Some("demo".into()),
            environment: Some(apsdesk::aps::client::Environment::Simulator),
            ..OrderFilter::default()
        },
        &|order| (middle..middle + 30 * 24 * 3600 * 1000).contains(&order.created_ms),
    );
    let none = OrderFilter {
        profile: Some("another".into()),
        ..OrderFilter::default()
    };
    assert_eq!(journal.count_orders(&none).expect("count"), 0);
}

#[test]
fn csv_export_has_a_bom_every_row_and_the_currency_decimals() {
    let dir = TempDir::new().expect("temp dir");
    let journal = synthetic_journal(&dir, 600);
    let filter = OrderFilter {
        currency: Some("KWD".into()),
        ..OrderFilter::default()
    };
    let mut bytes = Vec::new();
    let written = export_csv(&journal, &filter, &mut bytes).expect("exported");
    assert_eq!(written, journal.count_orders(&filter).expect("count"));
    assert!(bytes.starts_with(BOM));
    let text = String::from_utf8(bytes[BOM.len()..].to_vec()).expect("UTF-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let amount_column = headers
        .iter()
        .position(|name| name == "amount")
        .expect("amount column");
    let name_column = headers
        .iter()
        .position(|name| name == "customer_name")
        .expect("name column");
    let mut rows = 0;
    let mut arabic = 0;
    for record in reader.records() {
        let record = record.expect("row");
        rows += 1;
        let amount = &record[amount_column];
        let decimals = amount.split('.').nth(1).map(str::len);
        assert_eq!(decimals, Some(3), "KWD amount {amount}");
        if record[name_column]
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
        {
            arabic += 1;
        }
    }
    assert_eq!(rows, written);
    assert!(arabic > 0, "Arabic names survive the export");
}

#[test]
fn backup_while_open_and_restore() {
    let dir = TempDir::new().expect("temp dir");
    let journal = synthetic_journal(&dir, 300);
    let backup = dir.path().join("backup.sqlite3");
    journal.backup(&backup).expect("backed up");
    assert!(journal.backup(&backup).is_err(), "never overwrites");
    let target = dir.path().join("restored.sqlite3");
    let options = RestoreOptions {
        keys: &KeySource::Unkeyed,
        force: false,
    };
    let report = Journal::restore(&backup, &target, &options).expect("restored");
    assert_eq!(
        report.previous_kept_at, None,
        "there was no journal to keep"
    );
    let restored = Journal::open(&target).expect("opens");
    assert!(restored.verify().expect("verify").is_clean());
    assert_eq!(
        restored
            .count_orders(&OrderFilter::default())
            .expect("count"),
        300
    );
    assert_eq!(
        restored.verify_chain().expect("verify").entries_checked,
        journal.verify_chain().expect("verify").entries_checked
    );
}

#[test]
fn a_version_1_journal_is_migrated_with_its_records() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    {
        let mut journal = Journal::open_at_version(&path, 1).expect("v1");
        assert_eq!(journal.schema_version().expect("version"), 1);
        let order_id = journal.ensure_order(&actor(), "OLD-1").expect("order");
        // Written as version 1 wrote it: `update_order` knows only today's columns.
        journal
            .connection()
            .execute(
                "UPDATE orders SET third_party_transaction_number = ?2, customer_name = ?3
                 WHERE id = ?1",
                rusqlite::params![order_id, "5550001112223334", "مريم الحربي"],
            )
            .expect("updated");
        journal
            .record_request(
                &actor(),
                order_id,
                apsdesk::aps::Command::CheckStatus,
                false,
                &apsdesk::journal::store::NewEntry {
                    payload: "{}",
                    ..Default::default()
                },
            )
            .expect("recorded");
    }
    let journal = Journal::open(&path).expect("migrated");
    assert_eq!(
        journal.schema_version().expect("version"),
        apsdesk::journal::schema::current_version()
    );
    assert!(
        !journal.identity().journal_id.is_empty(),
        "the migration gives the journal an identity"
    );
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    // Version 2 indexes the third-party number: the old order is found by it.
    for text in ["5550001112223334", "OLD-1", "مريم"] {
        let filter = OrderFilter {
            text: text.into(),
            ..OrderFilter::default()
        };
        let rows = journal.orders_page(&filter, None, 10).expect("page").rows;
        assert_eq!(rows.len(), 1, "{text}");
        assert_eq!(rows[0].merchant_reference, "OLD-1");
    }
}

#[tokio::test]
async fn looking_up_references_records_their_orders() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let desk = desk_at(&sim, &dir.path().join("journal.sqlite3"));
    for index in 0..12 {
        authorize_in_sim(&sim, &format!("LK-{index}"), "2500", "KWD");
    }
    let mut text = "merchant_reference,amount\n".to_owned();
    for index in 0..12 {
        writeln!(text, "LK-{index},2.500").expect("in memory");
    }
    text.push_str("LK-MISSING,1\n");
    let references = apsdesk::journal::desk::references_from_text(&text);
    assert_eq!(references.len(), 13);
    let progress = Mutex::new(Vec::new());
    let results = desk
        .lookup(references, 3, |done, total| {
            progress.lock().expect("lock").push((done, total));
        })
        .await;
    assert_eq!(results.len(), 13);
    assert_eq!(progress.lock().expect("lock").last(), Some(&(13, 13)));
    let authorized = results
        .iter()
        .filter(|result| {
            result.order.as_ref().is_some_and(|order| {
                order.state == apsdesk::journal::vocabulary::OrderState::Authorized
            })
        })
        .count();
    assert_eq!(authorized, 12);
    let journal = desk.journal.lock().expect("lock");
    let missing = journal
        .order_by_reference(&actor(), "LK-MISSING")
        .expect("read")
        .expect("recorded");
    assert_eq!(
        missing.state,
        apsdesk::journal::vocabulary::OrderState::NotFound
    );
}

// ---- The journal as evidence (issue 11) ----

/// A keyring of the test's own (keyring-core's mock store).
fn mock_keys() -> KeySource {
    KeySource::Keyring(Vault::with_store(
        keyring_core::mock::Store::new().expect("mock store"),
    ))
}

/// A journal of `orders` synthetic orders at `path`, keyed by `keys`.
fn seeded_at(path: &std::path::Path, keys: &KeySource, orders: u64) -> i64 {
    let mut journal = Journal::open_with(path, keys).expect("opens");
    let spec = SeedSpec {
        orders,
        profile: "demo".into(),
        environment: apsdesk::aps::client::Environment::Simulator,
        now_ms: 1_790_000_000_000,
    };
    seed(&mut journal, &spec, |_, _| {}).expect("seeded");
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    journal
        .connection()
        .query_row("SELECT max(seq) FROM entries", [], |row| row.get(0))
        .expect("count")
}

/// What someone with sqlite3 and no key can do: the triggers dropped.
fn tamper(path: &std::path::Path, sql: &str) {
    let connection = rusqlite::Connection::open(path).expect("opens");
    connection
        .execute_batch(&format!(
            "DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;
             DROP TRIGGER IF EXISTS journal_meta_no_update; DROP TRIGGER IF EXISTS journal_meta_no_delete;
             {sql}"
        ))
        .expect("tampered");
}

fn findings(path: &std::path::Path, keys: &KeySource) -> Vec<Finding> {
    Journal::open_with(path, keys)
        .expect("opens")
        .verify()
        .expect("verify")
        .findings
}

/// Recomputes the chain from `from` on with plain SHA-256, as someone
/// without the key would after editing an entry; returns the new head hash.
fn rechain_unkeyed(path: &std::path::Path, from: i64) -> String {
    let mut entries = Journal::open(path)
        .expect("opens")
        .recent_entries(usize::MAX)
        .expect("entries");
    entries.reverse();
    let connection = rusqlite::Connection::open(path).expect("opens");
    let mut previous = entries
        .iter()
        .find(|entry| entry.seq == from - 1)
        .map_or_else(|| chain::GENESIS.to_owned(), |entry| entry.hash.clone());
    for entry in entries.iter().filter(|entry| entry.seq >= from) {
        let fields = EntryFields {
            seq: entry.seq,
            operation_id: entry.operation_id,
            entry: entry.entry.as_str(),
            order_id: entry.order_id,
            command: entry.command.name(),
            operator: &entry.operator,
            profile: &entry.profile,
            environment: entry.environment.as_str(),
            amount_minor: entry.amount_minor,
            currency: entry.currency.as_deref(),
            maintenance_reference: entry.maintenance_reference.as_deref(),
            outcome: entry
                .outcome
                .map(apsdesk::journal::vocabulary::EntryOutcome::as_str),
            response_code: entry.response_code.as_deref(),
            response_message: entry.response_message.as_deref(),
            payload: &entry.payload,
            at_ms: entry.at_ms,
        };
        let hash = chain::entry_hash(&previous, &fields);
        connection
            .execute(
                "UPDATE entries SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
                rusqlite::params![entry.seq, previous, hash],
            )
            .expect("rechained");
        previous = hash;
    }
    previous
}

#[test]
fn a_keyed_journal_reports_entries_removed_from_its_end_or_all_of_them() {
    let dir = TempDir::new().expect("temp dir");
    let keys = mock_keys();
    let path = dir.path().join("journal.sqlite3");
    let last = seeded_at(&path, &keys, 20);
    let journal = Journal::open_with(&path, &keys).expect("opens");
    assert_eq!(
        journal.identity().keyed_from_seq,
        Some(1),
        "keyed from the start"
    );
    drop(journal);

    tamper(
        &path,
        &format!("DELETE FROM entries WHERE seq > {}", last - 3),
    );
    let found = findings(&path, &keys);
    assert!(
        found.contains(&Finding::Truncated {
            anchored: last,
            present: last - 3
        }),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|finding| finding.to_string().contains("3 entries are missing")),
        "{found:?}"
    );

    tamper(&path, "DELETE FROM entries");
    let found = findings(&path, &keys);
    assert!(
        found.contains(&Finding::Truncated {
            anchored: last,
            present: 0
        }),
        "{found:?}"
    );
}

#[test]
fn an_edit_rechained_without_the_key_is_reported() {
    let dir = TempDir::new().expect("temp dir");
    let keys = mock_keys();
    let path = dir.path().join("journal.sqlite3");
    let last = seeded_at(&path, &keys, 20);
    // The amount of entry 5 lowered, the chain recomputed with SHA-256 from
    // there, and the anchor rewritten to the new head (it cannot be signed).
    tamper(&path, "UPDATE entries SET amount_minor = 1 WHERE seq = 5");
    let head = rechain_unkeyed(&path, 5);
    let journal_id = Journal::open_with(&path, &keys)
        .expect("opens")
        .identity()
        .journal_id
        .clone();
    Anchor::new(&journal_id, last, &head, Some(1), None)
        .write(&Anchor::path_for(&path))
        .expect("anchor rewritten");
    let found = findings(&path, &keys);
    assert!(
        found.contains(&Finding::ChainBroken { seq: 5 }),
        "{found:?}"
    );
    assert!(found.contains(&Finding::AnchorNotSigned), "{found:?}");

    // And with the record of keying removed too, so the chain reads as unkeyed.
    tamper(
        &path,
        "DELETE FROM journal_meta WHERE name = 'keyed_from_seq'",
    );
    rechain_unkeyed(&path, 1);
    let found = findings(&path, &keys);
    assert!(found.contains(&Finding::KeyingRemoved), "{found:?}");
    // Nothing more is chained onto it.
    let mut journal = Journal::open_with(&path, &keys).expect("opens");
    let order_id = journal.ensure_order(&actor(), "AFTER").expect("order");
    let refused = journal.record_request(
        &actor(),
        order_id,
        apsdesk::aps::Command::CheckStatus,
        false,
        &NewEntry {
            payload: "{}",
            ..NewEntry::default()
        },
    );
    assert!(
        matches!(refused, Err(JournalError::ChainKeyMissing { .. })),
        "{refused:?}"
    );
}

#[test]
fn an_unkeyed_journal_keeps_verifying_and_is_keyed_from_its_next_entry() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let last = seeded_at(&path, &KeySource::Unkeyed, 10);
    assert_eq!(
        Journal::open(&path)
            .expect("opens")
            .identity()
            .keyed_from_seq,
        None
    );
    let keys = KeySource::Fixed(ChainKey::from_bytes([9; 32]));
    let mut journal = Journal::open_with(&path, &keys).expect("opens");
    assert_eq!(journal.identity().keyed_from_seq, Some(last + 1));
    let order_id = journal.ensure_order(&actor(), "KEYED-1").expect("order");
    journal
        .record_request(
            &actor(),
            order_id,
            apsdesk::aps::Command::CheckStatus,
            false,
            &NewEntry {
                payload: "{}",
                ..NewEntry::default()
            },
        )
        .expect("recorded");
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    assert_eq!(
        report.entries_checked,
        u64::try_from(last + 1).expect("count")
    );
    // Without the key, the keyed entry cannot be checked, and that is said.
    let found = findings(&path, &KeySource::Unkeyed);
    assert!(
        matches!(found.as_slice(), [Finding::KeyUnavailable { from_seq, .. }] if *from_seq == last + 1),
        "{found:?}"
    );
    // With another key, it does not verify.
    let other = KeySource::Fixed(ChainKey::from_bytes([1; 32]));
    assert!(findings(&path, &other).contains(&Finding::ChainBroken { seq: last + 1 }));
}

#[test]
fn derived_state_is_rebuilt_and_compared() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    seeded_at(&path, &KeySource::Unkeyed, 30);
    let mut journal = Journal::open(&path).expect("opens");
    let order_id = journal.ensure_order(&actor(), "OPEN-1").expect("order");
    let operation_id = journal
        .record_request(
            &actor(),
            order_id,
            apsdesk::aps::Command::Refund,
            true,
            &NewEntry {
                amount_minor: Some(100),
                payload: "{}",
                ..NewEntry::default()
            },
        )
        .expect("recorded");
    assert!(journal.verify().expect("verify").is_clean());
    drop(journal);

    // The open refund deleted: its order would take another refund.
    tamper(
        &path,
        &format!("DELETE FROM open_operations WHERE operation_id = {operation_id}"),
    );
    // A captured order's totals edited.
    tamper(
        &path,
        "UPDATE orders SET refunded_minor = refunded_minor + 500 WHERE merchant_reference = 'SYN-00000002'",
    );
    let found = findings(&path, &KeySource::Unkeyed);
    assert!(
        found.iter().any(|finding| matches!(finding,
            Finding::OpenOperationMissing { operation_id: id, merchant_reference, .. }
                if *id == operation_id && merchant_reference == "OPEN-1")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|finding| matches!(finding,
            Finding::OrderDiffers { merchant_reference, field: "refunded_minor", .. }
                if merchant_reference == "SYN-00000002")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|finding| finding.to_string().contains("OPEN-1")
                || finding.to_string().contains("SYN-00000002")),
        "{found:?}"
    );
}

#[test]
fn an_uncertain_operation_stays_open_and_one_not_sent_is_closed() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let mut journal = Journal::open(&path).expect("opens");
    let order_id = journal.ensure_order(&actor(), "U-1").expect("order");
    let request = |journal: &mut Journal| {
        journal
            .record_request(
                &actor(),
                order_id,
                apsdesk::aps::Command::Capture,
                true,
                &NewEntry {
                    amount_minor: Some(100),
                    payload: "{}",
                    ..NewEntry::default()
                },
            )
            .expect("recorded")
    };
    let first = request(&mut journal);
    journal
        .record_result(
            &actor(),
            first,
            &NewEntry {
                outcome: Some(apsdesk::journal::vocabulary::EntryOutcome::Uncertain),
                payload: "{}",
                ..NewEntry::default()
            },
        )
        .expect("result");
    assert!(journal.verify().expect("verify").is_clean());
    let second = request(&mut journal);
    journal
        .record_result(
            &actor(),
            second,
            &NewEntry {
                outcome: Some(apsdesk::journal::vocabulary::EntryOutcome::NotSent),
                payload: "{}",
                ..NewEntry::default()
            },
        )
        .expect("result");
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    // The first one, still uncertain, deleted from the table: reported.
    drop(journal);
    tamper(
        &path,
        &format!("DELETE FROM open_operations WHERE operation_id = {first}"),
    );
    let found = findings(&path, &KeySource::Unkeyed);
    assert!(
        matches!(found.as_slice(), [Finding::OpenOperationMissing { operation_id, state, .. }]
            if *operation_id == first && state == "uncertain"),
        "{found:?}"
    );
}

#[test]
fn a_full_card_number_in_a_signed_answer_is_refused_and_never_stored() {
    use apsdesk::aps::client::{Client, Endpoint};
    use apsdesk::aps::request::CheckStatus;
    use apsdesk::sim::SimConfig;

    const CARD: &str = "4005550000000001";
    let runtime = common::runtime();
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let credentials = SimConfig::default().credentials;
    // A stand-in for APS that answers every request with a correctly signed
    // status holding the full card number.
    let answer = {
        let mut params = common::pairs(&[
            ("command", "CHECK_STATUS"),
            ("query_command", "CHECK_STATUS"),
            ("response_code", "12000"),
            ("response_message", "Success"),
            ("status", "12"),
            ("merchant_reference", "CARD-1"),
            ("merchant_identifier", &credentials.merchant_identifier),
            ("access_code", credentials.access_code.expose()),
            ("language", "en"),
            ("transaction_status", "02"),
            ("card_number", CARD),
        ]);
        let signature = apsdesk::aps::signature::sign(
            &params,
            credentials.sha_type,
            credentials.response_phrase.expose(),
        );
        params.push("signature", signature);
        params.to_json()
    };
    let address = runtime.block_on(async {
        let app = axum::Router::new().fallback(move || {
            let answer = answer.clone();
            async move { ([("content-type", "application/json")], answer) }
        });
        let listener = tokio::net::TcpListener::bind(common::LOOPBACK)
            .await
            .expect("binds");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    });
    let client = Client::with_options(
        &Endpoint::Custom(format!("http://{address}")),
        credentials,
        common::fast_options(),
    )
    .expect("client");
    let desk = Desk::new(
        shared(Journal::open(&path).expect("opens")),
        client,
        actor(),
        Language::En,
    );
    let check = CheckStatus::for_reference("CARD-1").expect("valid");
    let result = runtime.block_on(desk.run(&check));
    assert!(
        matches!(
            result,
            Err(RunError::Journal(JournalError::CardNumberInPayload))
        ),
        "{result:?}"
    );
    drop(desk);
    let connection = rusqlite::Connection::open(&path).expect("opens");
    let stored: i64 = connection
        .query_row(
            "SELECT count(*) FROM entries WHERE payload LIKE ?1 OR response_message LIKE ?1",
            [format!("%{CARD}%")],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(stored, 0, "the card number was stored");
    let results: i64 = connection
        .query_row(
            "SELECT count(*) FROM entries WHERE entry = 'result'",
            [],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(results, 0, "no result holding it was written");
    let bytes = std::fs::read(&path).expect("read");
    assert!(
        !bytes
            .windows(CARD.len())
            .any(|window| window == CARD.as_bytes()),
        "the card number is in the file"
    );
}

#[cfg(unix)]
#[test]
fn the_journal_its_wal_anchor_and_backups_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let dir = TempDir::new().expect("temp dir");
    let data = dir.path().join("data/apsdesk");
    let path = data.join("journal.sqlite3");
    let mut journal = Journal::open(&path).expect("opens");
    let order_id = journal.ensure_order(&actor(), "P-1").expect("order");
    journal
        .record_request(
            &actor(),
            order_id,
            apsdesk::aps::Command::CheckStatus,
            false,
            &NewEntry {
                payload: "{}",
                ..NewEntry::default()
            },
        )
        .expect("recorded");
    assert_eq!(mode(&dir.path().join("data")), 0o700);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&path), 0o600);
    let [wal, shm] = Journal::sidecars(&path);
    assert_eq!(mode(&wal), 0o600, "the WAL");
    assert_eq!(mode(&shm), 0o600, "the shared memory");
    assert_eq!(mode(&Anchor::path_for(&path)), 0o600, "the anchor");
    let backup = dir.path().join("backups/nightly.sqlite3");
    journal.backup(&backup).expect("backed up");
    assert_eq!(mode(&dir.path().join("backups")), 0o700);
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(mode(&Anchor::path_for(&backup)), 0o600);
    drop(journal);
    // A journal written before files were private is made private on open.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    drop(Journal::open(&path).expect("opens"));
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn processes_opening_a_new_journal_at_once_make_one_key() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    drop(Journal::open(&path).expect("created unkeyed"));
    let keys = mock_keys();
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (path, keys) = (path.clone(), keys.clone());
            std::thread::spawn(move || {
                let mut journal = Journal::open_with(&path, &keys).expect("opens");
                let order_id = journal
                    .ensure_order(&actor(), &format!("W-{writer}"))
                    .expect("order");
                journal
                    .record_request(
                        &actor(),
                        order_id,
                        apsdesk::aps::Command::CheckStatus,
                        false,
                        &NewEntry {
                            payload: "{}",
                            ..NewEntry::default()
                        },
                    )
                    .expect("recorded");
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    let journal = Journal::open_with(&path, &keys).expect("opens");
    assert_eq!(journal.identity().keyed_from_seq, Some(1));
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    assert_eq!(report.entries_checked, 4);
}
