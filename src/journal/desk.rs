//! Running operations through the journal: nothing lost, nothing twice.
//!
//! [`Desk::run`] is the one path by which apsdesk sends an operation:
//!
//! 1. A capture, refund or void is refused while an earlier one on the same
//!    order is open (pending, uncertain or untrusted) and cannot be settled now.
//! 2. Before moving money it reads the order's running totals with CHECK_STATUS:
//!    that baseline is what reconciliation compares against later.
//! 3. The request is written to the journal (durably) **before** it is sent.
//! 4. The result is written when the answer arrives, and the order's
//!    projection updated from trusted answers only.
//!
//! [`Desk::reconcile`] settles an open operation: it asks CHECK_STATUS and
//! compares the totals with the baseline; the conclusion and the evidence are
//! recorded. [`Desk::reconcile_all`] does this for every open operation (at
//! start-up). [`Desk::lookup`] records orders from a list of references.

use std::sync::{Arc, Mutex, MutexGuard};

use futures_util::stream::{self, StreamExt};
use serde_json::json;

use super::projection;
use super::store::{Actor, Journal, JournalError, NewEntry, OrderRecord};
use crate::aps::client::{Client, Outcome, SendError};
use crate::aps::params::Params;
use crate::aps::request::{ApsRequest, CheckStatus, Refund};
use crate::aps::response::CheckStatusResponse;
use crate::aps::validate::FieldErrors;
use crate::aps::{Command, Language, OutcomeClass};

/// A journal shared between tasks; locked briefly, never across an await.
pub type SharedJournal = Arc<Mutex<Journal>>;

fn lock(journal: &SharedJournal) -> MutexGuard<'_, Journal> {
    journal
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Why an operation was not run (nothing was sent unless said).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error(
        "operation {operation_id} ({command}) on this order is {state} and could not be settled yet: reconcile it before another capture, refund or void"
    )]
    Blocked {
        operation_id: i64,
        command: String,
        state: String,
    },
    #[error("the order's current totals could not be read from APS ({0}); nothing was sent")]
    NoBaseline(String),
    #[error(transparent)]
    NotSent(#[from] SendError),
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// What an operation produced.
#[derive(Debug)]
pub struct RunReport<T> {
    /// `None` when the request names no order and was not journaled.
    pub operation_id: Option<i64>,
    pub outcome: Outcome<T>,
    pub order: Option<OrderRecord>,
}

/// How reconciliation settled (or could not settle) an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The operation took effect at APS.
    Applied,
    /// It did not: the money did not move, and it may be tried again.
    NotApplied,
    /// The status check itself failed or the totals moved by another amount:
    /// the operation stays open.
    Unresolved(String),
}

impl Resolution {
    pub fn as_str(&self) -> &'static str {
        match self {
            Resolution::Applied => "applied",
            Resolution::NotApplied => "not_applied",
            Resolution::Unresolved(_) => "unresolved",
        }
    }
}

/// The totals an operation is compared against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Baseline {
    pub authorized: i64,
    pub captured: i64,
    pub refunded: i64,
    pub voided: bool,
    pub found: bool,
}

impl Baseline {
    fn from_status(response: &CheckStatusResponse) -> Baseline {
        let totals = response.totals.unwrap_or_default();
        let as_i64 = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
        Baseline {
            authorized: as_i64(totals.authorized),
            captured: as_i64(totals.captured),
            refunded: as_i64(totals.refunded),
            voided: response.transaction_status.as_deref() == Some("08"),
            found: response.order_found(),
        }
    }
}

/// Decides whether an operation was applied, from the totals before and after.
/// Pure, so it is tested as a table.
pub fn decide(command: Command, amount: i64, before: &Baseline, after: &Baseline) -> Resolution {
    let moved = |before: i64, after: i64| match after - before {
        0 => Resolution::NotApplied,
        delta if delta == amount => Resolution::Applied,
        delta => Resolution::Unresolved(format!(
            "the total moved by {delta} minor units, not by the operation's {amount}: another operation happened meanwhile"
        )),
    };
    match command {
        Command::Capture => moved(before.captured, after.captured),
        Command::Refund => moved(before.refunded, after.refunded),
        Command::VoidAuthorization => {
            if after.voided && !before.voided {
                Resolution::Applied
            } else {
                Resolution::NotApplied
            }
        }
        Command::Authorization | Command::Purchase => {
            if after.found && after.authorized > 0 {
                Resolution::Applied
            } else {
                Resolution::NotApplied
            }
        }
        Command::CheckStatus
        | Command::UpdateToken
        | Command::PaymentLink
        | Command::CheckPaymentLinkStatus
        | Command::GetInstallmentsPlans => {
            Resolution::Unresolved(format!("{command} cannot be reconciled by CHECK_STATUS"))
        }
    }
}

/// One looked-up reference.
#[derive(Debug)]
pub struct LookupResult {
    pub merchant_reference: String,
    pub result: Result<OutcomeClass, String>,
    pub order: Option<OrderRecord>,
}

/// An operator's desk: a journal, a client and who is working.
#[derive(Debug, Clone)]
pub struct Desk {
    pub journal: SharedJournal,
    pub client: Client,
    pub actor: Actor,
    pub language: Language,
}

fn outcome_payload<T>(outcome: &Outcome<T>) -> String {
    json!({
        "http_status": outcome.http_status,
        "attempts": outcome.attempts,
        "elapsed_ms": u64::try_from(outcome.elapsed.as_millis()).unwrap_or(u64::MAX),
        "failure": outcome.failure.as_ref().map(ToString::to_string),
        "response": outcome.response.as_ref().map(super::super::aps::params::Params::to_json),
        "raw_body": outcome.raw_body,
    })
    .to_string()
}

impl Desk {
    pub fn new(journal: SharedJournal, client: Client, actor: Actor, language: Language) -> Desk {
        Desk {
            journal,
            client,
            actor,
            language,
        }
    }

    /// Runs a request through the journal (see the module documentation).
    pub async fn run<R: ApsRequest>(
        &self,
        request: &R,
    ) -> Result<RunReport<R::Response>, RunError> {
        let command = request.command();
        let Some(reference) = request.merchant_reference().map(str::to_owned) else {
            let outcome = self.client.send(request, self.language).await?;
            return Ok(RunReport {
                operation_id: None,
                outcome,
                order: None,
            });
        };
        let order_id = lock(&self.journal).ensure_order(&self.actor, &reference)?;
        let mut baseline = None;
        if command.moves_money() {
            self.settle_open_operations(order_id).await?;
            baseline = Some(self.baseline(&reference).await?);
        }
        let params = request.params();
        let amount = params
            .text("amount")
            .and_then(|amount| amount.parse::<i64>().ok());
        let payload = json!({
            "request": self.client.preview(request, self.language).to_json(),
            "baseline": baseline,
        })
        .to_string();
        let operation_id = lock(&self.journal).record_request(
            &self.actor,
            order_id,
            command.name(),
            command.moves_money(),
            &NewEntry {
                amount_minor: amount,
                currency: params.text("currency"),
                maintenance_reference: params.text("maintenance_reference"),
                payload: &payload,
                ..NewEntry::default()
            },
        )?;
        let outcome = match self.client.send(request, self.language).await {
            Ok(outcome) => outcome,
            Err(error) => {
                let payload = json!({ "not_sent": error.to_string() }).to_string();
                lock(&self.journal).record_result(
                    &self.actor,
                    operation_id,
                    &NewEntry {
                        outcome: Some("not_sent"),
                        payload: &payload,
                        ..NewEntry::default()
                    },
                )?;
                return Err(RunError::NotSent(error));
            }
        };
        let order = self.record_outcome(operation_id, order_id, command, amount, &outcome)?;
        Ok(RunReport {
            operation_id: Some(operation_id),
            outcome,
            order,
        })
    }

    /// Writes an outcome and updates the order from it.
    fn record_outcome<T>(
        &self,
        operation_id: i64,
        order_id: i64,
        command: Command,
        amount: Option<i64>,
        outcome: &Outcome<T>,
    ) -> Result<Option<OrderRecord>, RunError> {
        let payload = outcome_payload(outcome);
        let mut journal = lock(&self.journal);
        journal.record_result(
            &self.actor,
            operation_id,
            &NewEntry {
                outcome: Some(outcome.class.as_str()),
                response_code: outcome.response_code(),
                response_message: outcome.response_message(),
                payload: &payload,
                ..NewEntry::default()
            },
        )?;
        if let Some(response) = outcome.trusted_response() {
            journal.update_order(order_id, |order| {
                projection::apply(order, command, outcome.class, response, amount);
            })?;
        }
        Ok(journal.order(order_id)?)
    }

    /// CHECK_STATUS of an order, journaled; the baseline when it answered.
    async fn baseline(&self, reference: &str) -> Result<Baseline, RunError> {
        let check = CheckStatus::for_reference(reference).map_err(RunError::Invalid)?;
        let report = Box::pin(self.run(&check)).await?;
        match (&report.outcome.class, &report.outcome.typed) {
            (OutcomeClass::Succeeded, Some(response)) => Ok(Baseline::from_status(response)),
            _ => Err(RunError::NoBaseline(report.outcome.summary())),
        }
    }

    /// Tries to settle the open operations of an order; refuses if one stays open.
    async fn settle_open_operations(&self, order_id: i64) -> Result<(), RunError> {
        let open = lock(&self.journal).open_operations_for(order_id)?;
        for operation in open {
            // Boxed: reconciling runs a CHECK_STATUS through `run`, which is what called us.
            if let Resolution::Unresolved(_) =
                Box::pin(self.reconcile(operation.operation_id)).await?
            {
                return Err(RunError::Blocked {
                    operation_id: operation.operation_id,
                    command: operation.request.command,
                    state: operation.state,
                });
            }
        }
        Ok(())
    }

    /// Settles an open operation by CHECK_STATUS and records the conclusion.
    pub async fn reconcile(&self, operation_id: i64) -> Result<Resolution, RunError> {
        let request = lock(&self.journal).request_entry(operation_id)?;
        let Some(command) = Command::ALL
            .into_iter()
            .find(|command| command.name() == request.command)
        else {
            return Ok(Resolution::Unresolved(format!(
                "unknown command {}",
                request.command
            )));
        };
        let order = lock(&self.journal).order(request.order_id)?;
        let Some(order) = order else {
            return Ok(Resolution::Unresolved("the order is missing".to_owned()));
        };
        let payload: serde_json::Value = serde_json::from_str(&request.payload).unwrap_or_default();
        let before: Option<Baseline> = serde_json::from_value(payload["baseline"].clone()).ok();
        let check =
            CheckStatus::for_reference(&order.merchant_reference).map_err(RunError::Invalid)?;
        let report = self.run(&check).await?;
        let (OutcomeClass::Succeeded, Some(response)) =
            (&report.outcome.class, &report.outcome.typed)
        else {
            return Ok(Resolution::Unresolved(format!(
                "the status check did not answer: {}",
                report.outcome.summary()
            )));
        };
        let after = Baseline::from_status(response);
        let resolution = match before {
            Some(before) => decide(command, request.amount_minor.unwrap_or(0), &before, &after),
            None if matches!(command, Command::Authorization | Command::Purchase) => {
                let nothing = Baseline {
                    authorized: 0,
                    captured: 0,
                    refunded: 0,
                    voided: false,
                    found: false,
                };
                decide(command, request.amount_minor.unwrap_or(0), &nothing, &after)
            }
            None => {
                Resolution::Unresolved("the operation was recorded without a baseline".to_owned())
            }
        };
        if let Resolution::Unresolved(_) = resolution {
            return Ok(resolution);
        }
        let evidence = json!({
            "conclusion": resolution.as_str(),
            "before": before,
            "after": after,
            "check_status_operation_id": report.operation_id,
        })
        .to_string();
        lock(&self.journal).record_resolution(
            &self.actor,
            operation_id,
            &NewEntry {
                amount_minor: request.amount_minor,
                currency: request.currency.as_deref(),
                maintenance_reference: request.maintenance_reference.as_deref(),
                outcome: Some(resolution.as_str()),
                payload: &evidence,
                ..NewEntry::default()
            },
        )?;
        Ok(resolution)
    }

    /// Settles every open operation of this desk's account (run at start-up). Returns each operation
    /// with what became of it.
    pub async fn reconcile_all(&self) -> Result<Vec<(i64, Resolution)>, RunError> {
        // Only this account's operations: another profile's orders can only
        // be checked with that profile's credentials.
        let open: Vec<_> = lock(&self.journal)
            .open_operations()?
            .into_iter()
            .filter(|operation| {
                operation.request.profile == self.actor.profile
                    && operation.request.environment == self.actor.environment
            })
            .collect();
        let mut results = Vec::with_capacity(open.len());
        for operation in open {
            let resolution = match self.reconcile(operation.operation_id).await {
                Ok(resolution) => resolution,
                Err(RunError::NotSent(error)) => Resolution::Unresolved(error.to_string()),
                Err(error) => return Err(error),
            };
            results.push((operation.operation_id, resolution));
        }
        Ok(results)
    }

    /// The refund to send: when an earlier refund of the same amount on this
    /// order was uncertain and reconciled as not applied, and has not been
    /// retried, its `maintenance_reference` is reused so that APS can tell the
    /// retry from a new refund.
    pub fn refund_with_stable_reference(&self, refund: &Refund) -> Result<Refund, RunError> {
        let mut refund = refund.clone();
        if refund.maintenance_reference.is_some() {
            return Ok(refund);
        }
        let journal = lock(&self.journal);
        let Some(order) = journal.order_by_reference(&self.actor, &refund.merchant_reference)?
        else {
            refund.maintenance_reference = Some(new_maintenance_reference());
            return Ok(refund);
        };
        let amount = i64::try_from(refund.amount.minor_units()).unwrap_or(i64::MAX);
        let entries = journal.order_entries(order.id)?;
        let reusable = entries
            .iter()
            .filter(|entry| entry.entry == "resolution" && entry.command == Command::Refund.name())
            .filter(|entry| {
                entry.outcome.as_deref() == Some("not_applied")
                    && entry.amount_minor == Some(amount)
            })
            .filter_map(|entry| entry.maintenance_reference.clone())
            .rfind(|reference| {
                // Not already used again by a later request.
                entries
                    .iter()
                    .filter(|entry| entry.entry == "request")
                    .filter(|entry| entry.maintenance_reference.as_deref() == Some(reference))
                    .count()
                    == 1
            });
        refund.maintenance_reference = Some(reusable.unwrap_or_else(new_maintenance_reference));
        Ok(refund)
    }

    /// Checks the status of each reference with at most `concurrency` requests
    /// in flight, recording every order; `progress(done, total)` after each.
    pub async fn lookup(
        &self,
        references: Vec<String>,
        concurrency: usize,
        progress: impl Fn(usize, usize),
    ) -> Vec<LookupResult> {
        let total = references.len();
        let mut done = 0;
        let mut results = Vec::with_capacity(total);
        let mut checks = stream::iter(references)
            .map(|reference| async move {
                let result = match CheckStatus::for_reference(&reference) {
                    Err(errors) => Err(errors.message(self.language)),
                    Ok(check) => match self.run(&check).await {
                        Ok(report) => Ok((report.outcome.class, report.order)),
                        Err(error) => Err(error.to_string()),
                    },
                };
                (reference, result)
            })
            .buffer_unordered(concurrency.max(1));
        while let Some((merchant_reference, result)) = checks.next().await {
            done += 1;
            progress(done, total);
            let (result, order) = match result {
                Ok((class, order)) => (Ok(class), order),
                Err(error) => (Err(error), None),
            };
            results.push(LookupResult {
                merchant_reference,
                result,
                order,
            });
        }
        results
    }
}

/// A fresh refund id: `apsdesk-` and the time in milliseconds, unique enough
/// for one operator's refunds and within APS's charset.
pub fn new_maintenance_reference() -> String {
    format!("apsdesk-{}", super::store::now_ms())
}

/// Parses a CSV or a plain list into merchant references: one per line, or
/// the column named `merchant_reference` of a CSV with a header.
pub fn references_from_text(text: &str) -> Vec<String> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .peekable();
    let header_column = lines.peek().and_then(|header| {
        header.split(',').position(|column| {
            column
                .trim()
                .trim_matches('"')
                .eq_ignore_ascii_case("merchant_reference")
        })
    });
    if let Some(column) = header_column {
        lines.next();
        return lines
            .filter_map(|line| line.split(',').nth(column))
            .map(|value| value.trim().trim_matches('"').to_owned())
            .filter(|value| !value.is_empty())
            .collect();
    }
    lines
        .flat_map(|line| line.split([',', ' ', '\t']))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .filter(|value| !value.is_empty())
        .collect()
}

/// The raw parameters of a request entry's payload, for display.
pub fn request_params(payload: &str) -> Option<Params> {
    let value: serde_json::Value = serde_json::from_str(payload).ok()?;
    Params::from_json(value["request"].as_str()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline(captured: i64, refunded: i64, voided: bool) -> Baseline {
        Baseline {
            authorized: 10_000,
            captured,
            refunded,
            voided,
            found: true,
        }
    }

    #[test]
    fn decisions_as_a_table() {
        let cases = [
            (
                Command::Refund,
                500,
                baseline(5000, 0, false),
                baseline(5000, 500, false),
                Resolution::Applied,
            ),
            (
                Command::Refund,
                500,
                baseline(5000, 0, false),
                baseline(5000, 0, false),
                Resolution::NotApplied,
            ),
            (
                Command::Capture,
                4000,
                baseline(0, 0, false),
                baseline(4000, 0, false),
                Resolution::Applied,
            ),
            (
                Command::Capture,
                4000,
                baseline(0, 0, false),
                baseline(0, 0, false),
                Resolution::NotApplied,
            ),
            (
                Command::VoidAuthorization,
                0,
                baseline(0, 0, false),
                baseline(0, 0, true),
                Resolution::Applied,
            ),
            (
                Command::VoidAuthorization,
                0,
                baseline(0, 0, false),
                baseline(0, 0, false),
                Resolution::NotApplied,
            ),
        ];
        for (command, amount, before, after, expected) in cases {
            assert_eq!(
                decide(command, amount, &before, &after),
                expected,
                "{command}"
            );
        }
        assert!(matches!(
            decide(
                Command::Refund,
                500,
                &baseline(5000, 0, false),
                &baseline(5000, 700, false)
            ),
            Resolution::Unresolved(_)
        ));
    }

    #[test]
    fn references_from_lists_and_csv_columns() {
        assert_eq!(
            references_from_text("A-1\nB-2, C-3\n\n"),
            ["A-1", "B-2", "C-3"]
        );
        assert_eq!(
            references_from_text("amount,merchant_reference\n1.000,\"X-1\"\n2,Y-2\n"),
            ["X-1", "Y-2"]
        );
    }
}
