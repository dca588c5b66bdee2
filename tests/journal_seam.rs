//! The storage seam is real: the desk works through any `JournalStore`.
//! A store that refuses to write stands in for a full disk or a locked
//! database, and proves the promise "a journal that cannot record the
//! request means nothing is sent".

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use apsdesk::aps::request::{Capture, MaintenanceForm};
use apsdesk::aps::{Command, Language};
use apsdesk::journal::desk::{Operation, RunError};
use apsdesk::journal::lease::{LeaseClaim, LeaseHolder, LeasePolicy};
use apsdesk::journal::query::{Cursor, Page};
use apsdesk::journal::store::{
    EntryRecord, NewEntry, Observation, OpenOperation, OrderRecord, Result,
};
use apsdesk::journal::verify::VerifyReport;
use apsdesk::journal::{Actor, Desk, Journal, JournalError, JournalStore, OrderFilter};
use common::{authorize_in_sim, client, sim_totals, start_sim};

/// The SQLite journal, except that recording a request fails.
struct RefusesRequests(Journal);

fn full_disk() -> JournalError {
    JournalError::Io(std::io::Error::other("no space left on device"))
}

impl JournalStore for RefusesRequests {
    fn ensure_order(&mut self, actor: &Actor, merchant_reference: &str) -> Result<i64> {
        self.0.ensure_order(actor, merchant_reference)
    }
    fn order(&self, order_id: i64) -> Result<Option<OrderRecord>> {
        self.0.order(order_id)
    }
    fn order_by_reference(&self, actor: &Actor, reference: &str) -> Result<Option<OrderRecord>> {
        self.0.order_by_reference(actor, reference)
    }
    fn update_order(
        &mut self,
        order_id: i64,
        change: &mut dyn FnMut(&mut OrderRecord),
    ) -> Result<()> {
        self.0.update_order(order_id, change)
    }
    fn record_request(
        &mut self,
        actor: &Actor,
        order_id: i64,
        command: Command,
        blocks_order: bool,
        entry: &NewEntry<'_>,
    ) -> Result<i64> {
        if command.moves_money() {
            return Err(full_disk());
        }
        self.0
            .record_request(actor, order_id, command, blocks_order, entry)
    }
    fn record_leased_request(
        &mut self,
        _actor: &Actor,
        _order_id: i64,
        _command: Command,
        _entry: &NewEntry<'_>,
        _lease_owner: &str,
    ) -> Result<i64> {
        Err(full_disk())
    }
    fn record_result(&mut self, actor: &Actor, id: i64, entry: &NewEntry<'_>) -> Result<()> {
        self.0.record_result(actor, id, entry)
    }
    fn record_result_and_project(
        &mut self,
        actor: &Actor,
        id: i64,
        entry: &NewEntry<'_>,
        project: &mut dyn FnMut(&mut OrderRecord, &[EntryRecord]),
    ) -> Result<Option<OrderRecord>> {
        self.0.record_result_and_project(actor, id, entry, project)
    }
    fn record_resolution(&mut self, actor: &Actor, id: i64, entry: &NewEntry<'_>) -> Result<()> {
        self.0.record_resolution(actor, id, entry)
    }
    fn record_unresolved(&mut self, actor: &Actor, id: i64, entry: &NewEntry<'_>) -> Result<()> {
        self.0.record_unresolved(actor, id, entry)
    }
    fn record_observation(
        &mut self,
        actor: &Actor,
        order_id: i64,
        observation: Observation,
        operation_id: Option<i64>,
        entry: &NewEntry<'_>,
    ) -> Result<i64> {
        self.0
            .record_observation(actor, order_id, observation, operation_id, entry)
    }
    fn request_entry(&self, operation_id: i64) -> Result<EntryRecord> {
        self.0.request_entry(operation_id)
    }
    fn operation_entries(&self, operation_id: i64) -> Result<Vec<EntryRecord>> {
        self.0.operation_entries(operation_id)
    }
    fn order_entries(&self, order_id: i64) -> Result<Vec<EntryRecord>> {
        self.0.order_entries(order_id)
    }
    fn open_operations(&self) -> Result<Vec<OpenOperation>> {
        self.0.open_operations()
    }
    fn open_operations_for(&self, order_id: i64) -> Result<Vec<OpenOperation>> {
        self.0.open_operations_for(order_id)
    }
    fn acquire_lease(
        &mut self,
        order_id: i64,
        claim: &LeaseClaim,
        policy: &LeasePolicy,
    ) -> Result<std::result::Result<(), LeaseHolder>> {
        self.0.acquire_lease(order_id, claim, policy)
    }
    fn heartbeat_lease(&mut self, order_id: i64, owner: &str) -> Result<bool> {
        self.0.heartbeat_lease(order_id, owner)
    }
    fn release_lease(&mut self, order_id: i64, owner: &str) -> Result<()> {
        self.0.release_lease(order_id, owner)
    }
    fn orders_page(
        &self,
        filter: &OrderFilter,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page> {
        self.0.orders_page(filter, after, limit)
    }
    fn count_orders(&self, filter: &OrderFilter) -> Result<u64> {
        self.0.count_orders(filter)
    }
    fn verify(&self) -> Result<VerifyReport> {
        self.0.verify()
    }
    fn backup(&self, destination: &Path) -> Result<()> {
        self.0.backup(destination)
    }
}

#[tokio::test]
async fn a_journal_that_cannot_record_the_request_means_nothing_is_sent() {
    let sim = start_sim().await;
    authorize_in_sim(&sim, "SEAM-1", "5000", "KWD");
    let dir = tempfile::TempDir::new().expect("temp dir");
    let journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
    let desk = Desk::new(
        Arc::new(Mutex::new(RefusesRequests(journal))),
        client(&sim),
        Actor {
            operator: "amal".into(),
            profile: "seam".into(),
            account: apsdesk::sim::config::DEMO_MERCHANT_IDENTIFIER.into(),
            environment: apsdesk::aps::client::Environment::Simulator,
        },
        Language::En,
    );
    let capture = Capture::parse(&MaintenanceForm {
        merchant_reference: "SEAM-1".into(),
        amount: "5.000".into(),
        currency: "KWD".into(),
        ..MaintenanceForm::default()
    })
    .expect("valid");
    let report = desk.submit(Operation::Capture(capture)).await;
    assert!(
        matches!(report.result, Err(RunError::JournalBeforeSending(_))),
        "{:?}",
        report.result
    );
    assert_eq!(sim.received(Command::Capture), 0, "nothing was sent");
    assert_eq!(sim_totals(&sim, "SEAM-1").1, 0);
    // The lease was given back: the order is not left held.
    let journal = desk.journal.lock().expect("lock");
    let order = journal
        .0
        .order_by_reference(&desk.actor, "SEAM-1")
        .expect("read")
        .expect("order");
    assert_eq!(journal.0.lease(order.id).expect("lease"), None);
    assert!(journal.0.open_operations().expect("open").is_empty());
}
