//! What an operation came to, as the screens show it: a plain record made
//! from the desk's report, for the dialog, Bulk's rows and the toasts.

use crate::aps::{Command, OutcomeClass};
use crate::journal::desk::{OperationReport, RunError, SettledOperation, Ticket};

/// What an operation came to, for the dialog and the toasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationResult {
    /// The submission this is the result of.
    pub ticket: Ticket,
    pub command: Command,
    pub merchant_reference: String,
    /// `None` when nothing was sent (blocked, invalid, unreachable).
    pub class: Option<OutcomeClass>,
    pub response_code: Option<String>,
    pub response_message: Option<String>,
    /// Why it was not sent, or the transport failure.
    pub problem: Option<String>,
    pub operation_id: Option<i64>,
    /// The open operation that blocks the order, when that was the problem.
    pub blocked_by: Option<i64>,
}

pub(super) fn operation_result(report: OperationReport) -> OperationResult {
    let mut out = OperationResult {
        ticket: report.ticket,
        command: report.command,
        merchant_reference: report.merchant_reference.unwrap_or_default(),
        class: None,
        response_code: None,
        response_message: None,
        problem: None,
        operation_id: None,
        blocked_by: None,
    };
    match report.result {
        Ok(report) => {
            out.class = Some(report.outcome.class);
            out.response_code = report.outcome.response_code().map(str::to_owned);
            out.response_message = report.outcome.response_message().map(str::to_owned);
            out.problem = report.outcome.failure.as_ref().map(ToString::to_string);
            out.operation_id = report.operation_id;
        }
        Err(RunError::SettledFirst(settled)) => {
            // Nothing was sent; an operation still open keeps the order blocked.
            out.blocked_by = settled
                .iter()
                .find(|operation| !operation.resolution.is_settled())
                .map(|operation| operation.operation_id);
            out.problem = Some(
                settled
                    .iter()
                    .map(SettledOperation::summary)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        Err(error @ RunError::InFlight(_)) => {
            out.problem = Some(error.to_string());
        }
        Err(
            error @ (RunError::Invalid(_)
            | RunError::NoBaseline { .. }
            | RunError::NotSent(_)
            | RunError::JournalBeforeSending(_)
            | RunError::Journal(_)),
        ) => out.problem = Some(error.to_string()),
    }
    out
}
