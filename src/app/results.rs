//! What an operation came to, as the screens show it: a plain record made
//! from the desk's report, for the dialog, Bulk's rows and the toasts.

use crate::aps::client::{Failure, SendError};
use crate::aps::validate::FieldErrors;
use crate::aps::{Command, OutcomeClass};
use crate::journal::desk::{NoEvidence, OperationReport, RunError, SettledOperation, Ticket};
use crate::journal::drift::Drift;
use crate::journal::lease::LeaseHolder;

/// Why an operation was not sent, or what broke after it was: typed, so
/// that the screens say it in the operator's language
/// ([`super::explain::problem`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The form did not validate (the dialogs refuse before this).
    Invalid(FieldErrors),
    /// Another submission holds the order.
    InFlight(LeaseHolder),
    /// Earlier operations were open: settled (or tried), nothing sent.
    SettledFirst(Vec<SettledOperation>),
    /// No totals to compare against later: nothing sent.
    NoBaseline(NoEvidence),
    /// The request could not have left.
    NotSent(SendError),
    /// The journal failed before the request was recorded: nothing sent.
    JournalBeforeSending,
    /// The journal takes no entry: its head disagrees with its anchor or
    /// this computer's witness (cut, replaced, put back). Nothing sent.
    JournalStopped(Vec<crate::journal::verify::Finding>),
    /// The journal failed after the request may have left: reconcile.
    JournalAfterSending,
    /// The answer broke or did not check (the class says uncertain or untrusted).
    Failure(Failure),
    /// APS's figures differ from the journal's, unacknowledged: nothing sent.
    Drift(Drift),
}

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
    /// Why it was not sent, or the transport failure (boxed: rows of Bulk
    /// hold many results, most without one).
    pub problem: Option<Box<Problem>>,
    pub operation_id: Option<i64>,
    /// The open operation that blocks the order, when that was the problem.
    pub blocked_by: Option<i64>,
}

/// The library's English words for a problem: for the results CSV and the
/// log, never for the screen.
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Invalid(errors) => write!(f, "{}", errors.message(crate::aps::Language::En)),
            Problem::InFlight(holder) => write!(f, "{}: nothing was sent", holder.describe()),
            Problem::SettledFirst(settled) => f.write_str(
                &settled
                    .iter()
                    .map(SettledOperation::summary)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Problem::NoBaseline(reason) => write!(
                f,
                "the order's totals could not be read from APS: {reason}; nothing was sent"
            ),
            Problem::NotSent(error) => write!(f, "{error}"),
            Problem::JournalBeforeSending => {
                f.write_str("the journal failed before the request was recorded; nothing was sent")
            }
            Problem::JournalStopped(findings) => write!(
                f,
                "the journal takes no new entry ({}); nothing was sent",
                findings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Problem::JournalAfterSending => {
                f.write_str("the journal failed after the request may have left: reconcile")
            }
            Problem::Failure(failure) => write!(f, "{failure}"),
            Problem::Drift(drift) => write!(f, "{drift}"),
        }
    }
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
            out.problem = report
                .outcome
                .failure
                .clone()
                .map(|failure| Box::new(Problem::Failure(failure)));
            out.operation_id = report.operation_id;
        }
        Err(RunError::SettledFirst(settled)) => {
            // Nothing was sent; an operation still open keeps the order blocked.
            out.blocked_by = settled
                .iter()
                .find(|operation| !operation.resolution.is_settled())
                .map(|operation| operation.operation_id);
            out.problem = Some(Box::new(Problem::SettledFirst(settled)));
        }
        Err(RunError::InFlight(holder)) => out.problem = Some(Box::new(Problem::InFlight(*holder))),
        Err(RunError::Invalid(errors)) => out.problem = Some(Box::new(Problem::Invalid(errors))),
        Err(RunError::NoBaseline { reason, .. }) => {
            out.problem = Some(Box::new(Problem::NoBaseline(reason)));
        }
        Err(RunError::NotSent(error)) => out.problem = Some(Box::new(Problem::NotSent(error))),
        Err(RunError::Drift(drift)) => out.problem = Some(Box::new(Problem::Drift(*drift))),
        Err(RunError::JournalBeforeSending(crate::journal::JournalError::WritesStopped(
            findings,
        ))) => out.problem = Some(Box::new(Problem::JournalStopped(findings))),
        Err(error @ RunError::JournalBeforeSending(_)) => {
            // The journal's own words go to the log; the operator gets a sentence.
            tracing::error!("{error}");
            out.problem = Some(Box::new(Problem::JournalBeforeSending));
        }
        Err(error @ RunError::Journal(_)) => {
            tracing::error!("{error}");
            out.problem = Some(Box::new(Problem::JournalAfterSending));
        }
    }
    out
}
