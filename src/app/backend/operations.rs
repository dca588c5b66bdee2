//! Operations: every submission goes through the desk ([`Desk::submit`]);
//! Bulk runs rows four at a time; reconciliation on demand and at start-up.

use super::super::bulk::{Interrupted, RowFate, RunRecord, RunRow, SkipReason};
use super::{
    Arc, Backend, BulkControl, BulkKind, CheckStatus, Desk, Language, Operation, RowState,
    TaskError, TaskResult, Ticket, operation_result,
};

impl Backend {
    /// Sends an operation through the desk (journaled; the order held while
    /// it runs). Returns the ticket its [`OperationResult`] will carry.
    pub fn submit(&self, operation: Operation, language: Language) -> Ticket {
        let mut desk = self.desk.clone();
        desk.language = language;
        let ticket = Ticket::next();
        self.spawn(async move {
            let report = desk.submit_as(ticket, operation).await;
            TaskResult::Operation(operation_result(report))
        });
        ticket
    }

    pub fn check_status(&self, merchant_reference: &str, language: Language) {
        match CheckStatus::for_reference(merchant_reference) {
            Ok(check) => {
                self.submit(Operation::CheckStatus(check), language);
            }
            Err(errors) => {
                let _ = self
                    .sender
                    .send(TaskResult::Failed(TaskError::Invalid(errors)));
            }
        }
    }

    /// Runs a bulk operation over `rows`, four at a time; each row's
    /// progress comes back as [`TaskResult::BulkRow`].
    pub fn run_bulk(
        &self,
        kind: BulkKind,
        rows: Vec<RunRow>,
        control: BulkControl,
        language: Language,
    ) {
        use futures_util::stream::{self, StreamExt};
        let mut desk = self.desk.clone();
        desk.language = language;
        let sender = self.sender.clone();
        let repaint = Arc::clone(&self.repaint);
        let notify = move |index: usize, state: RowState| {
            let _ = sender.send(TaskResult::BulkRow { index, state });
            if let Some(ctx) = repaint.lock().ok().and_then(|slot| slot.clone()) {
                ctx.request_repaint();
            }
        };
        let record_path = self.bulk_run_path();
        let record = RunRecord {
            kind: kind.into(),
            operator: self.session.operator.clone(),
            profile: self.session.profile.clone(),
            started_ms: jiff::Timestamp::now().as_millisecond(),
            rows: rows.clone(),
        };
        let failed = self.sender.clone();
        self.runtime.spawn(async move {
            // The run is on record before its first row is sent, and never
            // in the place of another profile's run not yet seen there.
            if let Some(path) = &record_path {
                if let Some(other) = other_profiles_record(path, &record.profile) {
                    let error = TaskError::BulkRecordOfProfile(other);
                    let _ = failed.send(TaskResult::BulkNotStarted(error));
                    return;
                }
                let written = serde_json::to_vec_pretty(&record)
                    .map_err(std::io::Error::other)
                    .and_then(|bytes| crate::journal::files::write_private(path, &bytes));
                if let Err(error) = written {
                    // i18n-lint: not shown (the log's detail of TaskError::BulkRecord)
                    let detail = format!("{}: {error}", path.display());
                    let _ = failed.send(TaskResult::BulkNotStarted(TaskError::BulkRecord(detail)));
                    return;
                }
            }
            stream::iter(rows)
                .for_each_concurrent(4, |row: RunRow| {
                    let desk = desk.clone();
                    let control = control.clone();
                    let notify = notify.clone();
                    async move {
                        while control.paused.load(std::sync::atomic::Ordering::Relaxed)
                            && !control.cancelled.load(std::sync::atomic::Ordering::Relaxed)
                        {
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        }
                        if control.cancelled.load(std::sync::atomic::Ordering::Relaxed) {
                            notify(row.index, RowState::Skipped(SkipReason::Cancelled));
                            return;
                        }
                        notify(row.index, RowState::Running);
                        let state = bulk_row(&desk, kind, &row).await;
                        notify(row.index, state);
                    }
                })
                .await;
            // Finished (or cancelled row by row): nothing to report later.
            if let Some(path) = &record_path {
                let _ = std::fs::remove_file(path);
            }
        });
    }

    /// The selected orders as the journal holds them now, for a bulk run's
    /// preview: a selection keeps each order as it was when clicked, and it
    /// may have changed since (a capture from its dialog, a status check,
    /// feedback), so the preview would show, and the run ask APS for, more
    /// than is left. An order no longer in the journal is left out.
    pub fn load_selection_for_bulk(&self, kind: BulkKind, order_ids: Vec<i64>) {
        self.spawn_journal(move |journal| {
            let mut orders = Vec::with_capacity(order_ids.len());
            for id in order_ids {
                match journal.order(id) {
                    Ok(Some(order)) => orders.push(order),
                    Ok(None) => {}
                    Err(error) => return TaskResult::Failed(TaskError::Journal(error.to_string())),
                }
            }
            TaskResult::SelectionForBulk { kind, orders }
        });
    }

    /// Where a running bulk run is recorded: beside the journal.
    fn bulk_run_path(&self) -> Option<std::path::PathBuf> {
        let journal = self.desk.journal.lock().ok()?;
        let mut name = journal.path().file_name()?.to_os_string();
        name.push(".bulk-run.json");
        Some(journal.path().with_file_name(name))
    }

    /// At start-up: a bulk run that the closing of the app interrupted, with
    /// each row told sent or not by the journal (its request is there).
    pub fn find_interrupted_run(&self) {
        let Some(path) = self.bulk_run_path() else {
            return;
        };
        let actor = self.desk.actor.clone();
        self.spawn_journal(move |journal| {
            let Ok(bytes) = std::fs::read(&path) else {
                return TaskResult::Interrupted(None);
            };
            let record: RunRecord = match serde_json::from_slice(&bytes) {
                Ok(record) => record,
                Err(error) => {
                    // i18n-lint: not shown (the log's detail of TaskError::BulkRecord)
                    let detail = format!("{}: {error}", path.display());
                    return TaskResult::Failed(TaskError::BulkRecord(detail));
                }
            };
            if !record.profile.is_empty() && record.profile != actor.profile {
                // Kept for that profile: its rows are not this account's.
                return TaskResult::InterruptedElsewhere(record.profile);
            }
            let command = match BulkKind::from(record.kind) {
                BulkKind::Capture => crate::aps::Command::Capture,
                BulkKind::Refund => crate::aps::Command::Refund,
                BulkKind::Status => crate::aps::Command::CheckStatus,
            };
            // A row was sent if its request is in the journal; it was
            // answered if APS's trusted answer to it is there too. Told from
            // the send alone, so reconciliation (started alongside) does
            // not change the report; what cannot be read is not offered
            // again: it may have been sent.
            let fate = |reference: &str| -> RowFate {
                use crate::journal::vocabulary::{EntryKind, EntryOutcome};
                let order = match journal.order_by_reference(&actor, reference) {
                    Ok(Some(order)) => order,
                    // A row is recorded with its order before it is sent.
                    Ok(None) => return RowFate::NotSent,
                    Err(_) => return RowFate::Unanswered,
                };
                let Ok(entries) = journal.order_entries(order.id) else {
                    return RowFate::Unanswered;
                };
                let Some(request) = entries.iter().rfind(|entry| {
                    entry.entry == EntryKind::Request
                        && entry.command == command
                        && entry.at_ms >= record.started_ms
                }) else {
                    return RowFate::NotSent;
                };
                let result = entries.iter().find(|entry| {
                    entry.entry == EntryKind::Result && entry.operation_id == request.operation_id
                });
                match result.and_then(|entry| entry.outcome) {
                    Some(EntryOutcome::Succeeded | EntryOutcome::Declined) => RowFate::Answered,
                    // It provably never left.
                    Some(EntryOutcome::NotSent) => RowFate::NotSent,
                    Some(
                        EntryOutcome::Uncertain
                        | EntryOutcome::Untrusted
                        | EntryOutcome::Applied
                        | EntryOutcome::NotApplied
                        | EntryOutcome::Unresolved,
                    )
                    | None => RowFate::Unanswered,
                }
            };
            let fates = record
                .rows
                .iter()
                .map(|row| fate(&row.merchant_reference))
                .collect();
            // Reported once: the screen now holds what is left.
            let _ = std::fs::remove_file(&path);
            TaskResult::Interrupted(Some(Interrupted { record, fates }))
        });
    }

    /// Settles the open operations of the account (or one, by id).
    pub fn reconcile(&self, operation_id: Option<i64>) {
        let desk = self.desk.clone();
        self.spawn(async move {
            let result = match operation_id {
                Some(id) => desk
                    .reconcile(id)
                    .await
                    .map(|resolution| vec![(id, resolution)]),
                None => desk.reconcile_all().await,
            };
            match result {
                Ok(resolutions) => TaskResult::Reconciled(resolutions),
                Err(error) => TaskResult::Failed(TaskError::Reconcile(error.to_string())),
            }
        });
    }

    /// Records the operator's acknowledgement of an order's drift.
    pub fn acknowledge_drift(&self, merchant_reference: String) {
        let desk = self.desk.clone();
        self.spawn(async move {
            match desk.acknowledge_drift(&merchant_reference, None) {
                Ok(recorded) => TaskResult::DriftAcknowledged {
                    merchant_reference,
                    recorded: recorded.is_some(),
                },
                Err(error) => TaskResult::Failed(TaskError::Acknowledge(error.to_string())),
            }
        });
    }

    /// Settles what a crash left open, at start-up.
    pub fn reconcile_at_startup(&self) {
        self.reconcile(None);
    }
}

/// The profile of the run recorded at `path` when it is not `profile`'s (a
/// run cut short there, not yet reported to it); a record that cannot be
/// read is reported at start-up, and a run's own write replaces it.
fn other_profiles_record(path: &std::path::Path, profile: &str) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let record: RunRecord = serde_json::from_slice(&bytes).ok()?;
    (!record.profile.is_empty() && record.profile != profile).then_some(record.profile)
}

/// One bulk row: the amount and the currency the preview showed; the method
/// from the journal (after a status check when the order is not known yet,
/// for a status run). A money row whose order's currency is not the one the
/// preview showed is not sent.
async fn bulk_row(desk: &Desk, kind: BulkKind, row: &RunRow) -> RowState {
    use crate::aps::request::{Capture, MaintenanceForm, Refund};
    use crate::aps::validate::FieldErrors;
    let reference = row.merchant_reference.as_str();
    let amount = row.amount.as_deref();
    let check = match CheckStatus::for_reference(reference) {
        Ok(check) => check,
        Err(errors) => {
            return RowState::Skipped(SkipReason::InvalidFields { line: None, errors });
        }
    };
    let build: fn(&MaintenanceForm) -> Result<Operation, FieldErrors> = match kind {
        BulkKind::Status => {
            let report = desk.submit(Operation::CheckStatus(check)).await;
            return RowState::Done(operation_result(report));
        }
        BulkKind::Capture => |form| Capture::parse(form).map(Operation::Capture),
        // The desk gives the refund its maintenance_reference.
        BulkKind::Refund => |form| Refund::parse(form).map(Operation::Refund),
    };
    let Some(amount) = amount else {
        return RowState::Skipped(SkipReason::NoAmount);
    };
    let known = |desk: &Desk| {
        desk.journal
            .lock()
            .ok()
            .and_then(|journal| {
                journal
                    .order_by_reference(&desk.actor, reference)
                    .ok()
                    .flatten()
            })
            .and_then(|order| {
                let option = order.payment_option.or(order.card_brand);
                order.currency.map(|currency| (currency, option))
            })
    };
    let (currency, payment_option) = if let Some(known) = known(desk) {
        known
    } else {
        // Not in the journal yet: its status check records it.
        let asked = desk.run(&check).await;
        let Some(known) = known(desk) else {
            // A trusted answer without the order says APS has none; no
            // trusted answer says nothing either way.
            let answered =
                asked
                    .as_ref()
                    .is_ok_and(|report| match report.outcome.class {
                        crate::aps::OutcomeClass::Succeeded
                        | crate::aps::OutcomeClass::Declined => true,
                        crate::aps::OutcomeClass::Uncertain
                        | crate::aps::OutcomeClass::Untrusted => false,
                    });
            return RowState::Skipped(if answered {
                SkipReason::NotFoundAtAps
            } else {
                SkipReason::StatusNotAnswered
            });
        };
        known
    };
    if row.currency.as_ref() != Some(&currency) {
        return RowState::Skipped(SkipReason::CurrencyChanged);
    }
    // The order may have changed since the preview (a capture from its
    // dialog, a status check): what the journal knows is left bounds the row.
    if let Some(left) = left_in_journal(desk, reference, kind)
        && let Some(currency) = crate::aps::Currency::from_code(&currency)
        && crate::aps::Money::parse_major(amount, currency)
            .is_ok_and(|money| money.minor_units() > left)
    {
        return RowState::Skipped(SkipReason::MoreThanLeft {
            left_minor: left,
            currency,
        });
    }
    let form = MaintenanceForm {
        merchant_reference: reference.to_owned(),
        amount: amount.to_owned(),
        currency,
        payment_option,
        ..MaintenanceForm::default()
    };
    match build(&form) {
        Ok(operation) => RowState::Done(operation_result(desk.submit(operation).await)),
        Err(errors) => RowState::Skipped(SkipReason::InvalidFields { line: None, errors }),
    }
}

/// What the journal says is left to capture or refund of an order now, in
/// minor units; `None` while it does not know the order's money (not yet
/// answered for), when APS alone can say.
fn left_in_journal(desk: &Desk, reference: &str, kind: BulkKind) -> Option<u64> {
    use crate::journal::vocabulary::OrderState;
    let order = desk
        .journal
        .lock()
        .ok()?
        .order_by_reference(&desk.actor, reference)
        .ok()??;
    if order.state == OrderState::Unknown {
        return None;
    }
    let left = match kind {
        BulkKind::Capture if order.state == OrderState::Voided => 0,
        BulkKind::Capture => order.authorized_minor - order.captured_minor,
        BulkKind::Refund => order.captured_minor - order.refunded_minor,
        BulkKind::Status => return None,
    };
    Some(u64::try_from(left).unwrap_or(0))
}
