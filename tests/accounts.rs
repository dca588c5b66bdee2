//! One APS order per account (issue 22): two profiles of one merchant
//! account on one journal share the order, its lease and its open
//! operations, judged by the simulator's own totals; and a journal from
//! before, which already holds two rows for one order, still opens with the
//! older row as the order.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use apsdesk::aps::request::{Capture, MaintenanceForm};
use apsdesk::aps::{Command, Language, OutcomeClass};
use apsdesk::journal::desk::{Resolution, RunError};
use apsdesk::journal::lease::{LeaseClaim, LeasePolicy, LiveSubmission};
use apsdesk::journal::store::NewEntry;
use apsdesk::journal::{Actor, Desk, Journal, schema};
use apsdesk::sim::config::DEMO_MERCHANT_IDENTIFIER;
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator};
use common::{authorize_in_sim, client, sim_totals, start_sim};
use tempfile::TempDir;

fn actor(profile: &str) -> Actor {
    Actor {
        operator: format!("operator of {profile}"),
        profile: profile.into(),
        account: DEMO_MERCHANT_IDENTIFIER.into(),
        environment: apsdesk::aps::client::Environment::Simulator,
    }
}

fn capture(reference: &str, amount: &str) -> Capture {
    Capture::parse(&MaintenanceForm {
        merchant_reference: reference.into(),
        amount: amount.into(),
        currency: "KWD".into(),
        ..MaintenanceForm::default()
    })
    .expect("valid capture")
}

/// A desk of `profile` on the journal at `path` (its own connection, as a
/// second window or process would have).
fn desk(sim: &RunningSimulator, path: &std::path::Path, profile: &str) -> Desk {
    let journal = Journal::open(path).expect("journal opens");
    let mut desk = Desk::new(
        Arc::new(Mutex::new(journal)),
        client(sim),
        actor(profile),
        Language::En,
    );
    desk.settle_grace = Duration::from_millis(50);
    desk
}

/// Profile A's capture is applied at APS but its answer is lost; profile B
/// of the same account then asks for the same capture. B must settle A's
/// operation first and send nothing: the money moves once, the order is
/// listed once.
#[tokio::test]
async fn a_second_profile_of_the_account_settles_the_first_ones_capture_and_sends_nothing() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    authorize_in_sim(&sim, "ACC-1", "10000", "KWD");
    let shop_a = desk(&sim, &path, "shop-a");
    let shop_b = desk(&sim, &path, "shop-b");

    sim.inject(FaultRule::once(Command::Capture, FaultKind::DropAfterApply));
    let report = shop_a.run(&capture("ACC-1", "4.000")).await.expect("sent");
    assert_eq!(report.outcome.class, OutcomeClass::Uncertain);
    assert_eq!(sim_totals(&sim, "ACC-1").1, 4000, "applied at APS");

    let second = shop_b.run(&capture("ACC-1", "4.000")).await;
    assert!(
        matches!(&second, Err(RunError::SettledFirst(settled)) if settled.len() == 1),
        "{second:?}"
    );
    assert_eq!(sim.received(Command::Capture), 1, "never sent twice");
    assert_eq!(sim_totals(&sim, "ACC-1").1, 4000);

    let journal = shop_b.journal.lock().expect("lock");
    let rows = journal.orders_by_reference("ACC-1").expect("read");
    assert_eq!(rows.len(), 1, "one APS order, one row: {rows:?}");
    assert_eq!(rows[0].profile, "shop-a", "the profile that made it");
}

/// `reconcile_all` of either profile settles what the other left open on
/// the account; another account's operations stay for that account.
#[tokio::test]
async fn reconcile_all_of_either_profile_sees_the_accounts_open_operations() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    authorize_in_sim(&sim, "ACC-2", "10000", "KWD");
    let shop_a = desk(&sim, &path, "shop-a");
    sim.inject(FaultRule::once(Command::Capture, FaultKind::DropAfterApply));
    shop_a.run(&capture("ACC-2", "2.500")).await.expect("sent");

    // A desk of another account on the same journal does not touch it.
    let mut other_account = desk(&sim, &path, "elsewhere");
    other_account.actor.account = "anotheraccount".into();
    assert!(
        other_account
            .reconcile_all()
            .await
            .expect("reconciled")
            .is_empty()
    );

    tokio::time::sleep(Duration::from_millis(100)).await;
    let shop_b = desk(&sim, &path, "shop-b");
    let resolutions = shop_b.reconcile_all().await.expect("reconciled");
    assert_eq!(resolutions.len(), 1, "{resolutions:?}");
    assert_eq!(resolutions[0].1, Resolution::Applied);
    let journal = shop_b.journal.lock().expect("lock");
    assert!(journal.open_operations().expect("read").is_empty());
    let order = journal
        .order_by_reference(&actor("shop-b"), "ACC-2")
        .expect("read")
        .expect("order");
    assert_eq!(order.captured_minor, 2500);
    assert_eq!(sim.received(Command::Capture), 1);
}

/// The schema just before orders were one per account.
fn version_before_accounts() -> u32 {
    let index = schema::MIGRATIONS
        .iter()
        .position(|sql| sql.contains("ALTER TABLE orders ADD COLUMN account"))
        .expect("the accounts migration");
    u32::try_from(index).expect("fits")
}

/// A request entry as the desk records one: the signed request's merchant
/// identifier in its payload.
fn record_capture(journal: &mut Journal, profile: &str, order_id: i64, reference: &str) -> i64 {
    let payload = format!(
        r#"{{"request":{{"command":"CAPTURE","merchant_identifier":"{DEMO_MERCHANT_IDENTIFIER}","merchant_reference":"{reference}","amount":"1000","currency":"KWD"}}}}"#
    );
    journal
        .record_request(
            &actor(profile),
            order_id,
            Command::Capture,
            true,
            &NewEntry {
                amount_minor: Some(1000),
                currency: Some("KWD"),
                payload: &payload,
                ..NewEntry::default()
            },
        )
        .expect("recorded")
}

/// A journal written before accounts were recorded: profiles A and B of one
/// account each made a row for OLD-1 (each with an open capture), and
/// profile C made OLD-2 with no entry naming its account. It opens; the
/// older OLD-1 row is the order for both profiles, B's open capture blocks
/// it and its lease is the order's; C's row is adopted by C; nothing was
/// rewritten, and `verify` finds the journal intact.
#[test]
fn a_journal_with_two_rows_for_one_order_opens_with_the_older_as_the_order() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let (row_a, row_b, row_c, open_b) = {
        let mut old = Journal::open_at_version(&path, version_before_accounts()).expect("old");
        let insert = |journal: &Journal, profile: &str, reference: &str| -> i64 {
            journal
                .connection()
                .query_row(
                    "INSERT INTO orders (profile, environment, merchant_reference, state,
                        created_ms, updated_ms)
                     VALUES (?1, 'simulator', ?2, 'unknown', 1, 1) RETURNING id",
                    [profile, reference],
                    |row| row.get(0),
                )
                .expect("inserted")
        };
        let row_a = insert(&old, "shop-a", "OLD-1");
        let row_b = insert(&old, "shop-b", "OLD-1");
        let row_c = insert(&old, "shop-c", "OLD-2");
        let open_a = record_capture(&mut old, "shop-a", row_a, "OLD-1");
        let open_b = record_capture(&mut old, "shop-b", row_b, "OLD-1");
        (row_a, row_b, row_c, [open_a, open_b])
    };
    let entries_before: i64 = {
        let connection = rusqlite::Connection::open(&path).expect("opens");
        connection
            .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
            .expect("counts")
    };

    let mut journal = Journal::open(&path).expect("a journal from before opens");
    for profile in ["shop-a", "shop-b"] {
        assert_eq!(
            journal
                .ensure_order(&actor(profile), "OLD-1")
                .expect("order"),
            row_a,
            "{profile}: the older row is the order"
        );
        assert_eq!(
            journal
                .order_by_reference(&actor(profile), "OLD-1")
                .expect("read")
                .map(|order| order.id),
            Some(row_a)
        );
    }
    let blocking: Vec<i64> = journal
        .open_operations_for(row_a)
        .expect("read")
        .iter()
        .map(|open| open.operation_id)
        .collect();
    assert_eq!(
        blocking,
        open_b.to_vec(),
        "B's open capture blocks the order too"
    );
    assert_eq!(
        journal
            .ensure_order(&actor("shop-c"), "OLD-2")
            .expect("order"),
        row_c,
        "adopted, not made again"
    );

    // The newer row's lease is the order's.
    let policy = LeasePolicy::default();
    let holder = LeaseClaim::new("b", "reconciling".into());
    let _live = LiveSubmission::new(&holder.owner);
    journal
        .acquire_lease(row_b, &holder, &policy)
        .expect("journal")
        .expect("free");
    let other = LeaseClaim::new("a", "capture".into());
    assert!(
        journal
            .acquire_lease(row_a, &other, &policy)
            .expect("journal")
            .is_err(),
        "one lease for the order"
    );
    journal
        .release_lease(row_b, &holder.owner)
        .expect("released");

    let entries_after: i64 = journal
        .connection()
        .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
        .expect("counts");
    assert_eq!(
        entries_before, entries_after,
        "no entry written or rewritten"
    );
    let report = journal.verify().expect("verifies");
    assert!(report.is_clean(), "{:?}", report.findings);
}
