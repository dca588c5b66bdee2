//! The storage seam: what the desk needs of a journal, as a trait.
//!
//! [`Journal`] (SQLite, one file per installation) implements it; the team
//! journal on PostgreSQL is the next implementation. The trait is cut along
//! what must hold whatever the database:
//!
//! - **Transactions**: each `record_*` is one atomic, durable write that
//!   appends to the chain and changes the open operations together — a
//!   request is pending before it is sent, a result or a conclusion closes it;
//!   a result and the order row it changes are one write
//!   (`record_result_and_project`). Every append first checks the chain's
//!   head against what is kept outside the journal (anchor, witness).
//! - **The lease**: taking an order, refreshing and releasing it, and binding
//!   it to the request in the request's own transaction (so that a lapsed
//!   lease can never send).
//! - **The chain**: entries are appended, never changed; `verify` checks the
//!   chain, its anchor and the derived state.
//! - **Paging**: keyset pages of any filter, and counts.
//!
//! It is deliberately not a row-level interface (no "insert this row"): a
//! PostgreSQL store keeps the same promises with its own transactions and
//! locks (`SELECT … FOR UPDATE` for the lease, a sequence for the chain).

use std::path::Path;

use super::lease::{LeaseClaim, LeaseHolder, LeasePolicy};
use super::query::{Cursor, OrderFilter, Page};
use super::store::{
    Actor, EntryRecord, Journal, NewEntry, Observation, OpenOperation, OrderRecord, Result,
};
use super::verify::VerifyReport;
use crate::aps::Command;

/// A journal the desk can work through.
pub trait JournalStore: Send {
    // Orders (a projection of the entries).
    fn ensure_order(&mut self, actor: &Actor, merchant_reference: &str) -> Result<i64>;
    fn order(&self, order_id: i64) -> Result<Option<OrderRecord>>;
    fn order_by_reference(
        &self,
        actor: &Actor,
        merchant_reference: &str,
    ) -> Result<Option<OrderRecord>>;
    fn update_order(
        &mut self,
        order_id: i64,
        change: &mut dyn FnMut(&mut OrderRecord),
    ) -> Result<()>;

    // Recording: each call one durable transaction on the chain.
    fn record_request(
        &mut self,
        actor: &Actor,
        order_id: i64,
        command: Command,
        blocks_order: bool,
        entry: &NewEntry<'_>,
    ) -> Result<i64>;
    fn record_leased_request(
        &mut self,
        actor: &Actor,
        order_id: i64,
        command: Command,
        entry: &NewEntry<'_>,
        lease_owner: &str,
    ) -> Result<i64>;
    fn record_result(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()>;
    /// A result and what it changes of its order's row, in one transaction:
    /// `project` changes the row (given the order's entries, the new one
    /// among them); both are written or neither. Returns the order.
    fn record_result_and_project(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
        project: &mut dyn FnMut(&mut OrderRecord, &[EntryRecord]),
    ) -> Result<Option<OrderRecord>>;
    fn record_resolution(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()>;
    fn record_unresolved(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()>;
    fn record_observation(
        &mut self,
        actor: &Actor,
        order_id: i64,
        observation: Observation,
        operation_id: Option<i64>,
        entry: &NewEntry<'_>,
    ) -> Result<i64>;

    // Reading the record.
    fn request_entry(&self, operation_id: i64) -> Result<EntryRecord>;
    fn operation_entries(&self, operation_id: i64) -> Result<Vec<EntryRecord>>;
    fn order_entries(&self, order_id: i64) -> Result<Vec<EntryRecord>>;
    fn open_operations(&self) -> Result<Vec<OpenOperation>>;
    fn open_operations_for(&self, order_id: i64) -> Result<Vec<OpenOperation>>;

    // The order lease.
    fn acquire_lease(
        &mut self,
        order_id: i64,
        claim: &LeaseClaim,
        policy: &LeasePolicy,
    ) -> Result<std::result::Result<(), LeaseHolder>>;
    fn heartbeat_lease(&mut self, order_id: i64, owner: &str) -> Result<bool>;
    fn release_lease(&mut self, order_id: i64, owner: &str) -> Result<()>;

    // Paging and evidence.
    fn orders_page(
        &self,
        filter: &OrderFilter,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page>;
    fn count_orders(&self, filter: &OrderFilter) -> Result<u64>;
    fn verify(&self) -> Result<VerifyReport>;
    fn backup(&self, destination: &Path) -> Result<()>;
}

impl JournalStore for Journal {
    fn ensure_order(&mut self, actor: &Actor, merchant_reference: &str) -> Result<i64> {
        Journal::ensure_order(self, actor, merchant_reference)
    }

    fn order(&self, order_id: i64) -> Result<Option<OrderRecord>> {
        Journal::order(self, order_id)
    }

    fn order_by_reference(
        &self,
        actor: &Actor,
        merchant_reference: &str,
    ) -> Result<Option<OrderRecord>> {
        Journal::order_by_reference(self, actor, merchant_reference)
    }

    fn update_order(
        &mut self,
        order_id: i64,
        change: &mut dyn FnMut(&mut OrderRecord),
    ) -> Result<()> {
        Journal::update_order(self, order_id, change)
    }

    fn record_request(
        &mut self,
        actor: &Actor,
        order_id: i64,
        command: Command,
        blocks_order: bool,
        entry: &NewEntry<'_>,
    ) -> Result<i64> {
        Journal::record_request(self, actor, order_id, command, blocks_order, entry)
    }

    fn record_leased_request(
        &mut self,
        actor: &Actor,
        order_id: i64,
        command: Command,
        entry: &NewEntry<'_>,
        lease_owner: &str,
    ) -> Result<i64> {
        Journal::record_leased_request(self, actor, order_id, command, entry, lease_owner)
    }

    fn record_result(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()> {
        Journal::record_result(self, actor, operation_id, entry)
    }

    fn record_result_and_project(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
        project: &mut dyn FnMut(&mut OrderRecord, &[EntryRecord]),
    ) -> Result<Option<OrderRecord>> {
        Journal::record_result_and_project(self, actor, operation_id, entry, project)
    }

    fn record_resolution(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()> {
        Journal::record_resolution(self, actor, operation_id, entry)
    }

    fn record_unresolved(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()> {
        Journal::record_unresolved(self, actor, operation_id, entry)
    }

    fn record_observation(
        &mut self,
        actor: &Actor,
        order_id: i64,
        observation: Observation,
        operation_id: Option<i64>,
        entry: &NewEntry<'_>,
    ) -> Result<i64> {
        Journal::record_observation(self, actor, order_id, observation, operation_id, entry)
    }

    fn request_entry(&self, operation_id: i64) -> Result<EntryRecord> {
        Journal::request_entry(self, operation_id)
    }

    fn operation_entries(&self, operation_id: i64) -> Result<Vec<EntryRecord>> {
        Journal::operation_entries(self, operation_id)
    }

    fn order_entries(&self, order_id: i64) -> Result<Vec<EntryRecord>> {
        Journal::order_entries(self, order_id)
    }

    fn open_operations(&self) -> Result<Vec<OpenOperation>> {
        Journal::open_operations(self)
    }

    fn open_operations_for(&self, order_id: i64) -> Result<Vec<OpenOperation>> {
        Journal::open_operations_for(self, order_id)
    }

    fn acquire_lease(
        &mut self,
        order_id: i64,
        claim: &LeaseClaim,
        policy: &LeasePolicy,
    ) -> Result<std::result::Result<(), LeaseHolder>> {
        Journal::acquire_lease(self, order_id, claim, policy)
    }

    fn heartbeat_lease(&mut self, order_id: i64, owner: &str) -> Result<bool> {
        Journal::heartbeat_lease(self, order_id, owner)
    }

    fn release_lease(&mut self, order_id: i64, owner: &str) -> Result<()> {
        Journal::release_lease(self, order_id, owner)
    }

    fn orders_page(
        &self,
        filter: &OrderFilter,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page> {
        Journal::orders_page(self, filter, after, limit)
    }

    fn count_orders(&self, filter: &OrderFilter) -> Result<u64> {
        Journal::count_orders(self, filter)
    }

    fn verify(&self) -> Result<VerifyReport> {
        Journal::verify(self)
    }

    fn backup(&self, destination: &Path) -> Result<()> {
        Journal::backup(self, destination)
    }
}
