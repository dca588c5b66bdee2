//! Reading the journal for the screens: pages, counts, details, links and
//! the activity, always scoped to the open account.

use super::{Backend, Cursor, OrderDetail, OrderFilter, TaskError, TaskResult};

impl Backend {
    /// A page of orders; `append` continues the list after `after`.
    pub fn load_page(
        &self,
        generation: u64,
        filter: OrderFilter,
        after: Option<Cursor>,
        append: bool,
    ) {
        let filter = self.scoped(filter);
        self.spawn_journal(move |journal| {
            match journal.orders_page(&filter, after.as_ref(), 200) {
                Ok(page) => TaskResult::Page {
                    generation,
                    rows: page.rows,
                    next: page.next,
                    append,
                },
                Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),
            }
        });
    }

    /// Up to `limit` orders the filter matches, in its order ("select all
    /// filtered"); more than that is refused with a message.
    pub fn load_all_matching(&self, generation: u64, filter: OrderFilter, limit: usize) {
        let filter = self.scoped(filter);
        self.spawn_journal(
            move |journal| match journal.orders_page(&filter, None, limit) {
                Ok(page) => TaskResult::AllMatching {
                    generation,
                    rows: page.rows,
                    complete: page.next.is_none(),
                },
                Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),
            },
        );
    }

    /// The orders made through payment links, newest first.
    pub fn load_links(&self) {
        let filter = self.scoped(OrderFilter {
            payment_links_only: true,
            descending: true,
            ..OrderFilter::default()
        });
        self.spawn_journal(
            move |journal| match journal.orders_page(&filter, None, 500) {
                Ok(page) => TaskResult::Links(page.rows),
                Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),
            },
        );
    }

    pub fn count(&self, generation: u64, filter: OrderFilter) {
        let filter = self.scoped(filter);
        self.spawn_journal(move |journal| match journal.count_orders(&filter) {
            Ok(count) => TaskResult::Count { generation, count },
            Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),
        });
    }

    pub fn load_detail(&self, order_id: i64) {
        let session = self.session.clone();
        self.spawn_journal(move |journal| {
            let detail = journal.order(order_id).and_then(|order| {
                order
                    .filter(|order| Backend::in_scope(&session, order))
                    .map(|order| detail_of(journal, order))
                    .transpose()
            });
            match detail {
                Ok(Some(detail)) => TaskResult::Detail(Box::new(detail)),
                Ok(None) => TaskResult::Failed(TaskError::OrderGone(order_id)),
                Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),
            }
        });
    }

    pub fn load_activity(&self, limit: usize) {
        let session = self.session.clone();
        self.spawn_journal(move |journal| match journal.recent_entries(limit) {
            Ok(mut entries) => {
                // The account's own entries (the chain check still covers all).
                entries.retain(|entry| {
                    entry.profile == session.profile && entry.environment == session.environment
                });
                // Each order's reference read once.
                let mut references = std::collections::HashMap::new();
                for entry in &entries {
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        references.entry(entry.order_id)
                    {
                        let reference = journal
                            .order(entry.order_id)
                            .ok()
                            .flatten()
                            .map(|order| order.merchant_reference);
                        slot.insert(reference);
                    }
                }
                let lines = super::super::activity::operation_lines(&entries, |id| {
                    references.get(&id).cloned().flatten()
                });
                TaskResult::Activity(lines)
            }
            Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),
        });
    }

    pub fn verify_chain(&self) {
        self.spawn_journal(|journal| match journal.verify() {
            Ok(report) => TaskResult::Chain(report),
            Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),
        });
    }
}

/// Everything the detail panel shows of `order`.
pub(super) fn detail_of(
    journal: &crate::journal::Journal,
    order: crate::journal::store::OrderRecord,
) -> Result<OrderDetail, crate::journal::JournalError> {
    let entries = journal.order_entries(order.id)?;
    let open = journal.open_operations_for(order.id)?;
    let third_party_codes = crate::journal::projection::third_party_codes(&entries);
    let credential_set = crate::journal::desk::order_wallet(&entries);
    let drift = crate::journal::drift::unacknowledged(&order, &entries);
    Ok(OrderDetail {
        order,
        entries,
        open,
        third_party_codes,
        credential_set,
        drift,
    })
}
