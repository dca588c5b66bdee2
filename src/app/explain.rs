//! What the desk and the backend report, said in the operator's language.
//!
//! The library reports in types — [`Unsettled`], [`NoEvidence`],
//! [`SendError`], [`Failure`], [`LeaseHolder`], [`TaskError`] — whose English
//! `Display` is the journal's and the command line's. The app never shows
//! that English: every function here turns one of those types into a
//! sentence from the Fluent files, with only data (references, operation
//! numbers, amounts, codes, operator and host names) put into it. APS's own
//! code texts come from [`crate::aps::codes`], which carries both languages.

use fluent_bundle::FluentValue;

use super::backend::TaskError;
use super::bulk::{SkipCode, SkipReason};
use super::i18n::Tr;
use super::results::{OperationResult, Problem};
use crate::aps::client::{Failure, SendError};
use crate::aps::signature::SignatureCheck;
use crate::aps::{Command, OutcomeClass, codes};
use crate::journal::desk::{NoEvidence, Resolution, SettledOperation, Unsettled};
use crate::journal::lease::LeaseHolder;
use crate::journal::output::{JournalFile, Refusal};
use crate::journal::store::EntryRecord;
use crate::journal::vocabulary::{EntryKind, EntryOutcome, OpenState};

/// A command as the operator calls it ("Refund", "استرداد"), never APS's
/// parameter value (`REFUND`).
pub fn command(tr: &Tr, command: Command) -> String {
    tr.text(match command {
        Command::Authorization => "command-authorization",
        Command::Purchase => "command-purchase",
        Command::Capture => "command-capture",
        Command::VoidAuthorization => "command-void-authorization",
        Command::Refund => "command-refund",
        Command::CheckStatus => "command-check-status",
        Command::UpdateToken => "command-update-token",
        Command::PaymentLink => "command-payment-link",
        Command::CheckPaymentLinkStatus => "command-check-payment-link-status",
        Command::GetInstallmentsPlans => "command-get-installments-plans",
    })
}

/// A journal entry's kind, for the timeline.
pub fn entry_kind(tr: &Tr, kind: EntryKind) -> String {
    tr.text(match kind {
        EntryKind::Request => "entry-request",
        EntryKind::Result => "entry-result",
        EntryKind::Resolution => "entry-resolution",
        EntryKind::Feedback => "entry-feedback",
        EntryKind::Imported => "entry-imported",
        EntryKind::Accepted => "entry-accepted",
        EntryKind::Drift => "entry-drift",
        EntryKind::Acknowledgement => "entry-acknowledgement",
    })
}

/// What an entry says came of its operation, in one word or two.
pub fn entry_outcome(tr: &Tr, outcome: EntryOutcome) -> String {
    tr.text(match outcome {
        EntryOutcome::Succeeded => "entry-outcome-succeeded",
        EntryOutcome::Declined => "entry-outcome-declined",
        EntryOutcome::Uncertain => "entry-outcome-uncertain",
        EntryOutcome::Untrusted => "entry-outcome-untrusted",
        EntryOutcome::NotSent => "entry-outcome-not-sent",
        EntryOutcome::Applied => "entry-outcome-applied",
        EntryOutcome::NotApplied => "entry-outcome-not-applied",
        EntryOutcome::Unresolved => "entry-outcome-unresolved",
    })
}

/// Why an operation blocks its order.
pub fn open_state(tr: &Tr, state: OpenState) -> String {
    tr.text(match state {
        OpenState::Pending => "open-state-pending",
        OpenState::Uncertain => "entry-outcome-uncertain",
        OpenState::Untrusted => "entry-outcome-untrusted",
    })
}

/// An outcome class in one word or two (the toasts; the dialog has longer ones).
pub fn class(tr: &Tr, class: OutcomeClass) -> String {
    entry_outcome(
        tr,
        match class {
            OutcomeClass::Succeeded => EntryOutcome::Succeeded,
            OutcomeClass::Declined => EntryOutcome::Declined,
            OutcomeClass::Uncertain => EntryOutcome::Uncertain,
            OutcomeClass::Untrusted => EntryOutcome::Untrusted,
        },
    )
}

/// The meaning of a `response_code` in the operator's language: APS's own
/// text for its three-digit message (the part `response_message` carries),
/// else for its two-digit status; `recorded` (the message as APS sent it,
/// in the language of that request) only for a code the tables do not know.
pub fn code_text(tr: &Tr, code: Option<&str>, recorded: Option<&str>) -> String {
    let language = tr.language();
    let known = code.and_then(|code| {
        let message = code
            .get(2..)
            .and_then(|message| codes::message_text(message, language));
        message.or_else(|| {
            code.get(..2)
                .and_then(|status| codes::status_text(status, language))
        })
    });
    known
        .map(str::to_owned)
        .or_else(|| recorded.map(str::to_owned))
        .unwrap_or_default()
}

/// One line of an order's timeline: the operation's number, when, what kind
/// of entry, which command (with its amount), what came of it and APS's code.
pub fn timeline_line(tr: &Tr, entry: &EntryRecord, amount: &str) -> String {
    let time = crate::journal::export::format_time_short(entry.at_ms);
    let outcome = entry
        .outcome
        .map(|outcome| entry_outcome(tr, outcome))
        .unwrap_or_default();
    let code = entry.response_code.as_deref();
    let answer = code
        .map(|code| {
            format!(
                "{code} {}",
                code_text(tr, Some(code), entry.response_message.as_deref())
            )
        })
        .unwrap_or_default();
    let line = tr.args(
        "timeline-line",
        &[
            ("operation", entry.operation_id.into()),
            ("time", time.into()),
            ("kind", entry_kind(tr, entry.entry).into()),
            ("command", command(tr, entry.command).into()),
            ("amount", amount.trim().to_owned().into()),
            ("outcome", outcome.into()),
            ("answer", answer.into()),
        ],
    );
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Who holds an order, and since when (UTC, which every desk agrees on).
pub fn holder(tr: &Tr, holder: &LeaseHolder) -> String {
    let since = jiff::Timestamp::from_millisecond(holder.acquired_ms)
        .map(|at| at.strftime("%H:%M").to_string())
        .unwrap_or_default();
    match holder.operation_id {
        Some(operation_id) => tr.args(
            "held-by-operation",
            &[
                ("operation", operation_id.into()),
                ("operator", holder.operator.clone().into()),
                ("since", since.into()),
            ],
        ),
        None => tr.args(
            "held-by-process",
            &[
                ("operator", holder.operator.clone().into()),
                ("pid", holder.pid.into()),
                ("host", holder.host.clone().into()),
                ("since", since.into()),
            ],
        ),
    }
}

/// Why a request could not have left.
pub fn send_error(tr: &Tr, error: &SendError) -> String {
    match error {
        SendError::NotConnected { url, .. } => {
            tr.args("send-not-connected", &[("url", url.clone().into())])
        }
        SendError::Build(_) => tr.text("send-not-built"),
        SendError::EmptyValues(names) => {
            tr.args("send-empty-values", &[("names", names.clone().into())])
        }
    }
}

/// Why an answer is not simply what a checked response said.
pub fn failure(tr: &Tr, failure: &Failure) -> String {
    match failure {
        Failure::Transport(_) => tr.text("failure-transport"),
        Failure::HttpStatus(status) => tr.args("failure-http", &[("status", (*status).into())]),
        Failure::Unreadable(_) => tr.text("failure-unreadable"),
        Failure::Signature(SignatureCheck::Missing) => tr.text("failure-signature-missing"),
        Failure::Signature(SignatureCheck::Mismatch { .. }) => {
            tr.text("failure-signature-mismatch")
        }
        Failure::Signature(SignatureCheck::Valid) => tr.text("failure-signature-valid"),
        Failure::Mismatch(mismatches) => tr.args(
            "failure-mismatch",
            &[(
                "fields",
                mismatches
                    .iter()
                    .map(|mismatch| mismatch.field)
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
            )],
        ),
        Failure::Oversized { read, .. } => {
            tr.args("failure-oversized", &[("bytes", (*read).into())])
        }
    }
}

/// Why a status check gave no evidence.
pub fn no_evidence(tr: &Tr, reason: &NoEvidence) -> String {
    match reason {
        NoEvidence::OrderNotFound => tr.text("evidence-order-not-found"),
        NoEvidence::NoTotals => tr.text("evidence-no-totals"),
        NoEvidence::NoAnswer {
            class: answered,
            failure: broken,
            response_code,
            ..
        } => {
            let detail = match (broken, response_code) {
                (Some(broken), _) => failure(tr, broken),
                (None, Some(code)) => {
                    format!("{code} {}", code_text(tr, Some(code), None))
                }
                (None, None) => String::new(),
            };
            tr.args(
                "evidence-no-answer",
                &[
                    ("outcome", class(tr, *answered).into()),
                    ("detail", detail.into()),
                ],
            )
        }
        NoEvidence::NotSent(error) => send_error(tr, error),
    }
}

/// Where an account's requests go, as the window title names it.
pub fn environment(tr: &Tr, environment: crate::aps::client::Environment) -> String {
    use crate::aps::client::Environment;
    tr.text(match environment {
        Environment::Production => "title-production",
        Environment::Sandbox => "title-sandbox",
        Environment::Simulator => "title-simulator",
        Environment::Custom => "title-custom",
    })
}

/// Why reconciliation left an operation open.
pub fn unsettled(tr: &Tr, why: &Unsettled) -> String {
    match why {
        Unsettled::OrderNotFoundBeforeOrAfter => tr.text("unsettled-not-found"),
        Unsettled::OtherMovement { delta, amount } => tr.args(
            "unsettled-other-movement",
            &[("delta", (*delta).into()), ("amount", (*amount).into())],
        ),
        Unsettled::NoLastStatus => tr.text("unsettled-no-last-status"),
        Unsettled::NotReconcilable(which) => tr.args(
            "unsettled-not-reconcilable",
            &[("command", command(tr, *which).into())],
        ),
        Unsettled::NoLongerOpen => tr.text("unsettled-no-longer-open"),
        Unsettled::OtherAccount {
            sent_profile,
            sent_environment,
            desk_profile,
            desk_environment,
            ..
        } => tr.args(
            "unsettled-other-account",
            &[
                ("sent", sent_profile.clone().into()),
                (
                    "sent_environment",
                    environment(tr, *sent_environment).into(),
                ),
                ("desk", desk_profile.clone().into()),
                (
                    "desk_environment",
                    environment(tr, *desk_environment).into(),
                ),
            ],
        ),
        Unsettled::OrderMissing => tr.text("unsettled-order-missing"),
        Unsettled::NoBaseline => tr.text("unsettled-no-baseline"),
        Unsettled::MayStillBeAtAps { seconds } => tr.args(
            "unsettled-may-still-be-at-aps",
            &[("seconds", (*seconds).into())],
        ),
        Unsettled::Ambiguous { drift_seq } => {
            tr.args("unsettled-ambiguous", &[("entry", (*drift_seq).into())])
        }
        Unsettled::ClockBehind { behind_ms } => tr.args(
            "unsettled-clock-behind",
            &[("seconds", (behind_ms / 1000).max(1).into())],
        ),
        Unsettled::NoEvidence(reason) => no_evidence(tr, reason),
    }
}

/// What reconciliation concluded of one operation (the toasts).
pub fn resolution(tr: &Tr, operation: i64, resolution: &Resolution) -> String {
    match resolution {
        Resolution::Applied => tr.args("reconciled-applied", &[("operation", operation.into())]),
        Resolution::NotApplied => {
            tr.args("reconciled-not-applied", &[("operation", operation.into())])
        }
        Resolution::Unresolved(why) => tr.args(
            "reconciled-open",
            &[
                ("operation", operation.into()),
                ("why", unsettled(tr, why).into()),
            ],
        ),
        Resolution::InFlight(who) => tr.args(
            "reconciled-in-flight",
            &[
                ("operation", operation.into()),
                ("who", holder(tr, who).into()),
            ],
        ),
    }
}

/// An earlier operation a submission found open, and what settling it found.
pub fn settled(tr: &Tr, settled: &SettledOperation) -> String {
    let args = |extra: Option<(&'static str, FluentValue<'static>)>| {
        let mut args = vec![
            ("command", command(tr, settled.command).into()),
            ("operation", settled.operation_id.into()),
        ];
        args.extend(extra);
        args
    };
    match &settled.resolution {
        Resolution::Applied => tr.args("settled-applied", &args(None)),
        Resolution::NotApplied => tr.args("settled-not-applied", &args(None)),
        Resolution::Unresolved(why) => tr.args(
            "settled-open",
            &args(Some(("why", unsettled(tr, why).into()))),
        ),
        Resolution::InFlight(who) => {
            tr.args("settled-in-flight", &[("who", holder(tr, who).into())])
        }
    }
}

/// Why an operation was not sent, or what broke after it was.
pub fn problem(tr: &Tr, problem: &Problem) -> String {
    match problem {
        Problem::Invalid(errors) => {
            let each: Vec<String> = errors
                .0
                .iter()
                .map(|error| super::forms::field_error_text(tr, error))
                .collect();
            tr.args("problem-invalid", &[("errors", each.join("; ").into())])
        }
        Problem::InFlight(who) => tr.args("problem-in-flight", &[("who", holder(tr, who).into())]),
        Problem::SettledFirst(all) => all
            .iter()
            .map(|one| settled(tr, one))
            .collect::<Vec<_>>()
            .join("\n"),
        Problem::NoBaseline(reason) => tr.args(
            "problem-no-baseline",
            &[("why", no_evidence(tr, reason).into())],
        ),
        Problem::NotSent(error) => send_error(tr, error),
        Problem::JournalBeforeSending => tr.text("problem-journal-before-sending"),
        Problem::JournalStopped(findings) => tr.args(
            "problem-journal-stopped",
            &[(
                "why",
                findings
                    .iter()
                    .map(|one| finding(tr, one))
                    .collect::<Vec<_>>()
                    .join(" ")
                    .into(),
            )],
        ),
        Problem::JournalAfterSending => tr.text("problem-journal-after-sending"),
        Problem::Failure(broken) => failure(tr, broken),
        Problem::Drift(seen) => drift(tr, seen),
    }
}

/// A drift, as the order's panel and the dialog say it.
pub fn drift(tr: &Tr, drift: &crate::journal::drift::Drift) -> String {
    let figures = |side: &crate::journal::drift::Figures| {
        let currency = side.currency.as_deref();
        // As every amount in a sentence: one left-to-right unit in Arabic.
        let amount = |minor: i64| match (
            currency.and_then(|code| code.parse::<crate::aps::Currency>().ok()),
            u64::try_from(minor),
        ) {
            (Some(currency), Ok(minor)) => amount_in(tr, minor, currency),
            (None, _) | (_, Err(_)) => crate::journal::export::format_amount(minor, currency),
        };
        tr.args(
            "drift-figures",
            &[
                ("authorized", amount(side.authorized).into()),
                ("captured", amount(side.captured).into()),
                ("refunded", amount(side.refunded).into()),
                ("voided", if side.voided { "yes" } else { "no" }.into()),
            ],
        )
    };
    let crate::journal::drift::Drift {
        merchant_reference,
        aps,
        journal: known,
        ..
    } = drift;
    tr.args(
        "problem-drift",
        &[
            ("reference", merchant_reference.clone().into()),
            ("aps", figures(aps).into()),
            ("journal", figures(known).into()),
        ],
    )
}

/// What came of an operation: its class, code and APS's text for the code;
/// or why it was not sent. A failure after sending follows the class.
pub fn outcome_text(tr: &Tr, result: &OperationResult) -> String {
    let text = match (result.class, &result.problem) {
        (Some(answered), broken) => {
            let code = result.response_code.as_deref();
            let text = code_text(tr, code, result.response_message.as_deref());
            let broken = broken
                .as_ref()
                .map(|broken| format!(": {}", problem(tr, broken)))
                .unwrap_or_default();
            format!(
                "{} {} {text}{broken}",
                class(tr, answered),
                code.unwrap_or_default()
            )
        }
        (None, Some(why)) => problem(tr, why),
        (None, None) => tr.text("outcome-not-sent"),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line for a toast: the operation, its order and what came of it.
pub fn operation_toast(tr: &Tr, result: &OperationResult) -> String {
    let named = command(tr, result.command);
    let outcome = outcome_text(tr, result);
    tr.args(
        "toast-operation",
        &[
            ("command", named.into()),
            ("reference", result.merchant_reference.clone().into()),
            ("outcome", outcome.into()),
        ],
    )
}

/// What `journal verify` found, in the operator's language. The column, the
/// values and the reasons a finding quotes are the journal's own (data).
pub fn finding(tr: &Tr, finding: &crate::journal::verify::Finding) -> String {
    use crate::journal::verify::Finding;
    let seq =
        |seq: Option<i64>| seq.map_or_else(|| tr.text("finding-unkeyed"), |seq| seq.to_string());
    match finding {
        Finding::ChainBroken { seq } => tr.args("activity-broken", &[("seq", (*seq).into())]),
        Finding::KeyUnavailable { from_seq, .. } => {
            tr.args("finding-key-unavailable", &[("from", (*from_seq).into())])
        }
        Finding::Truncated { anchored, present } => tr.args(
            "finding-truncated",
            &[
                ("anchored", (*anchored).into()),
                ("present", (*present).into()),
                ("missing", (anchored - present).into()),
            ],
        ),
        Finding::AnchorMismatch { seq } => {
            tr.args("finding-anchor-mismatch", &[("seq", (*seq).into())])
        }
        Finding::AnchorNotSigned => tr.text("finding-anchor-not-signed"),
        Finding::AnchorOfAnotherJournal { anchor_journal } => tr.args(
            "finding-anchor-other-journal",
            &[("journal", anchor_journal.clone().into())],
        ),
        Finding::AnchorMissing { .. } => tr.text("finding-anchor-missing"),
        Finding::KeyingRemoved => tr.text("finding-keying-removed"),
        Finding::RolledBack { witnessed, present } => tr.args(
            "finding-rolled-back",
            &[
                ("witnessed", (*witnessed).into()),
                ("present", (*present).into()),
                ("missing", (witnessed - present).into()),
            ],
        ),
        Finding::WitnessDiverged { seq } => {
            tr.args("finding-witness-diverged", &[("seq", (*seq).into())])
        }
        Finding::WitnessNotSigned => tr.text("finding-witness-not-signed"),
        Finding::WitnessUnreadable { .. } => tr.text("finding-witness-unreadable"),
        Finding::KeyingChanged { journal, anchor } => tr.args(
            "finding-keying-changed",
            &[
                ("journal", seq(*journal).into()),
                ("anchor", seq(*anchor).into()),
            ],
        ),
        Finding::OrderDiffers {
            merchant_reference,
            field,
            recorded,
            rebuilt,
            ..
        } => tr.args(
            "finding-order-differs",
            &[
                ("reference", merchant_reference.clone().into()),
                ("field", (*field).into()),
                ("recorded", recorded.clone().into()),
                ("rebuilt", rebuilt.clone().into()),
            ],
        ),
        Finding::OrderMissing { order_id } => {
            tr.args("finding-order-missing", &[("order", (*order_id).into())])
        }
        Finding::OpenOperationMissing {
            operation_id,
            merchant_reference,
            ..
        } => tr.args(
            "finding-open-missing",
            &[
                ("reference", merchant_reference.clone().into()),
                ("operation", (*operation_id).into()),
            ],
        ),
        Finding::OpenOperationUnexplained {
            operation_id,
            merchant_reference,
            ..
        } => tr.args(
            "finding-open-unexplained",
            &[
                ("reference", merchant_reference.clone().into()),
                ("operation", (*operation_id).into()),
            ],
        ),
        Finding::OpenOperationState {
            operation_id,
            merchant_reference,
            ..
        } => tr.args(
            "finding-open-state",
            &[
                ("reference", merchant_reference.clone().into()),
                ("operation", (*operation_id).into()),
            ],
        ),
    }
}

/// What is wrong with a profile form's field, naming it by its label.
pub fn profile_field(tr: &Tr, field: &str) -> String {
    let (label, fix) = match field {
        "environment" => ("profile-environment", "profile-fix-environment"),
        "name" => ("profile-name", "profile-fix-name"),
        "merchant_identifier" => (
            "profile-merchant-identifier",
            "profile-fix-merchant-identifier",
        ),
        "sha_type" => ("profile-sha-type", "profile-fix-sha-type"),
        "time_zone" => ("profile-time-zone", "profile-fix-time-zone"),
        "simulator_url" => ("profile-simulator-url", "profile-fix-simulator-url"),
        // The keyring takes no empty secret.
        "access_code" => ("profile-access-code", "form-missing"),
        "request_phrase" => ("profile-request-phrase", "form-missing"),
        "response_phrase" => ("profile-response-phrase", "form-missing"),
        // Fields the form does not set (language, Apple Pay's set).
        _ => ("field-other", "profile-fix-other"),
    };
    tr.args(
        "form-field-error",
        &[
            ("field", tr.text(label).into()),
            ("problem", tr.text(fix).into()),
        ],
    )
}

/// A profile the store refused, in the operator's language (the English
/// detail goes to the log).
pub fn profile_error(tr: &Tr, error: &crate::profiles::ProfileError) -> String {
    use crate::profiles::ProfileError;
    match error {
        ProfileError::Invalid { field, .. } => profile_field(tr, field),
        ProfileError::Unknown(name) => tr.args("profile-unknown", &[("name", name.clone().into())]),
        ProfileError::Exists(name) => tr.args("profile-exists", &[("name", name.clone().into())]),
        ProfileError::Keyring { .. }
        | ProfileError::MissingSecret { .. }
        | ProfileError::File { .. } => {
            tracing::warn!("{error}");
            tr.text("task-profile")
        }
    }
}

/// Why a bulk row is not sent, with what names it (the row, the field, the
/// amount as typed).
pub fn skip_reason(tr: &Tr, reason: &SkipReason) -> String {
    use crate::aps::validate::{FieldError, Problem as FieldProblem};
    let fields = |errors: &crate::aps::validate::FieldErrors| {
        errors
            .0
            .iter()
            .map(|error| super::forms::field_error_text(tr, error))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match reason {
        SkipReason::Unreadable { line } => {
            tr.args("bulk-row-unreadable", &[("line", (*line).into())])
        }
        SkipReason::TooManyFields { line, count } => tr.args(
            "bulk-row-fields",
            &[("line", (*line).into()), ("count", (*count).into())],
        ),
        SkipReason::InvalidFields {
            line: Some(line),
            errors,
        } => tr.args(
            "bulk-row-problem",
            &[("line", (*line).into()), ("problem", fields(errors).into())],
        ),
        SkipReason::InvalidFields { line: None, errors } => fields(errors),
        SkipReason::AmountNotPlain { line, amount } => tr.args(
            "bulk-row-amount",
            &[("line", (*line).into()), ("amount", amount.clone().into())],
        ),
        SkipReason::AmountInCurrency(error) => super::forms::field_error_text(
            tr,
            &FieldError::new("amount", FieldProblem::Amount(*error)),
        ),
        SkipReason::WrongState(state) => tr.args(
            "bulk-skip-wrong-state-named",
            &[("state", tr.text(&format!("state-{state}")).into())],
        ),
        SkipReason::MoreThanLeft {
            left_minor,
            currency,
        } => tr.args(
            "bulk-more-than-left",
            &[("left", amount_in(tr, *left_minor, *currency).into())],
        ),
        SkipReason::ChangedSincePreview {
            left_minor,
            currency,
        } => tr.args(
            "bulk-changed-since-preview",
            &[("left", amount_in(tr, *left_minor, *currency).into())],
        ),
        SkipReason::NoAmount
        | SkipReason::CurrencyUnknown
        | SkipReason::NothingToCapture
        | SkipReason::NothingToRefund
        | SkipReason::NotFoundAtAps
        | SkipReason::StatusNotAnswered
        | SkipReason::CurrencyChanged
        | SkipReason::RepeatedOrder
        | SkipReason::SentBeforeClosing
        | SkipReason::UnansweredBeforeClosing
        | SkipReason::Cancelled => skip_code(tr, reason.code()),
    }
}

/// An amount with its currency code, kept as one left-to-right block in
/// an Arabic sentence.
fn amount_in(tr: &Tr, minor: u64, currency: crate::aps::Currency) -> String {
    super::widgets::ltr_unit(
        &format!(
            "{} {}",
            crate::aps::money::format_minor_units(minor, currency),
            currency.code()
        ),
        tr.is_rtl(),
    )
}

/// A kind of skip reason without its details: the preview's count by
/// reason, and the whole text of the reasons that carry no details.
pub fn skip_code(tr: &Tr, code: SkipCode) -> String {
    tr.text(match code {
        SkipCode::Unreadable => "bulk-skip-unreadable",
        SkipCode::TooManyFields => "bulk-skip-too-many-fields",
        SkipCode::InvalidFields => "bulk-skip-invalid-fields",
        SkipCode::AmountNotPlain => "bulk-skip-amount-not-plain",
        SkipCode::NoAmount => "bulk-no-amount",
        SkipCode::AmountInCurrency => "bulk-skip-amount-in-currency",
        SkipCode::CurrencyUnknown => "bulk-currency-unknown",
        SkipCode::NothingToCapture => "bulk-nothing-to-capture",
        SkipCode::NothingToRefund => "bulk-nothing-to-refund",
        SkipCode::WrongState => "bulk-skip-wrong-state",
        SkipCode::NotFoundAtAps => "bulk-skip-not-found-at-aps",
        SkipCode::StatusNotAnswered => "bulk-skip-status-not-answered",
        SkipCode::CurrencyChanged => "bulk-skip-currency-changed",
        SkipCode::RepeatedOrder => "bulk-row-repeated",
        SkipCode::MoreThanLeft => "bulk-skip-more-than-left",
        SkipCode::ChangedSincePreview => "bulk-skip-changed-since-preview",
        SkipCode::SentBeforeClosing => "bulk-sent-before-closing",
        SkipCode::UnansweredBeforeClosing => "bulk-unanswered-before-closing",
        SkipCode::Cancelled => "bulk-skip-cancelled",
    })
}

/// One of the journal's files, in the operator's words.
fn journal_file(tr: &Tr, what: JournalFile) -> String {
    tr.text(match what {
        JournalFile::Journal => "output-file-journal",
        JournalFile::WriteAheadLog => "output-file-wal",
        JournalFile::SharedMemory => "output-file-shm",
        JournalFile::RollbackJournal => "output-file-rollback",
        JournalFile::Anchor => "output-file-anchor",
        JournalFile::BeforeRestoreCopy => "output-file-before-restore",
        JournalFile::BulkRun => "output-file-bulk-run",
        JournalFile::InstanceLock => "output-file-lock",
        JournalFile::NamedAfterJournal => "output-file-named-after-journal",
    })
}

/// Why the output guard wrote nothing at `path`.
fn output_refused(tr: &Tr, path: &std::path::Path, why: &Refusal) -> String {
    let path = ("path", path.display().to_string().into());
    match why {
        Refusal::JournalsOwn(what) => tr.args(
            "task-output-journals-own",
            &[path, ("what", journal_file(tr, *what).into())],
        ),
        Refusal::SameFileAsJournals {
            what,
            journal_file: file,
        } => tr.args(
            "task-output-same-file",
            &[
                path,
                ("what", journal_file(tr, *what).into()),
                ("file", file.display().to_string().into()),
            ],
        ),
        Refusal::Exists => tr.args("task-output-exists", &[path]),
        Refusal::NoFreeName => tr.args("task-output-no-free-name", &[path]),
    }
}

/// A background task's failure.
pub fn task_error(tr: &Tr, error: &TaskError) -> String {
    match error {
        TaskError::Journal(_) => tr.text("task-journal"),
        TaskError::OrderGone(order) => tr.args("task-order-gone", &[("order", (*order).into())]),
        TaskError::NotSaved => tr.text("task-not-saved"),
        TaskError::NoFileChosen => tr.text("task-no-file-chosen"),
        TaskError::ReadFile { path, .. } => tr.args(
            "task-read-file",
            &[("path", path.display().to_string().into())],
        ),
        TaskError::Receipt(_) => tr.text("task-receipt"),
        TaskError::Export(_) => tr.text("task-export"),
        TaskError::OutputRefused { path, why } => output_refused(tr, path, why),
        TaskError::Profile(_) => tr.text("task-profile"),
        TaskError::Reconcile(_) => tr.text("task-reconcile"),
        TaskError::Acknowledge(_) => tr.text("task-error-acknowledge"),
        TaskError::Stopped(_) => tr.text("task-stopped"),
        TaskError::NoDataDirectory => tr.text("task-no-data-directory"),
        TaskError::JournalLock(_) => tr.text("task-journal-lock"),
        TaskError::DemoFeedback(_) => tr.text("task-demo-feedback"),
        TaskError::Import(_) => tr.text("task-import"),
        TaskError::Views(_) => tr.text("task-views"),
        TaskError::BulkRecord(_) => tr.text("task-bulk-record"),
        TaskError::BulkRecordOfProfile(profile) => tr.args(
            "task-bulk-record-of-profile",
            &[("profile", profile.clone().into())],
        ),
        TaskError::ConfirmImports(_) => tr.text("task-confirm-imports"),
        TaskError::NotInJournal(reference) => tr.args(
            "task-not-in-journal",
            &[("reference", reference.clone().into())],
        ),
        TaskError::Invalid(errors) => problem(tr, &Problem::Invalid(errors.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::Language;
    use crate::aps::client::Environment;

    /// Words of two or more ASCII letters that are not APS's name or data
    /// put in by the test (`alice`, `host-a`, `127.0.0.1` are data).
    fn english(text: &str) -> Vec<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.:/".contains(c)))
            .filter(|token| token.chars().filter(char::is_ascii_alphabetic).count() >= 2)
            .filter(|token| !token.chars().any(|c| c.is_ascii_digit()))
            .map(|token| token.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
            .filter(|token| !["APS", "alice", "host-a"].contains(token))
            .map(str::to_owned)
            .collect()
    }

    fn every_reason() -> Vec<Unsettled> {
        let no_answer = NoEvidence::NoAnswer {
            class: OutcomeClass::Uncertain,
            failure: Some(Failure::HttpStatus(503)),
            response_code: None,
            summary: "CHECK_STATUS uncertain".to_owned(),
        };
        vec![
            Unsettled::OrderNotFoundBeforeOrAfter,
            Unsettled::OtherMovement {
                delta: 5,
                amount: 10,
            },
            Unsettled::NoLastStatus,
            Unsettled::NotReconcilable(Command::UpdateToken),
            Unsettled::NoLongerOpen,
            Unsettled::OtherAccount {
                sent_profile: "alice".to_owned(),
                sent_environment: Environment::Sandbox,
                sent_url: None,
                desk_profile: "alice".to_owned(),
                desk_environment: Environment::Production,
                desk_url: "https://paymentservices.payfort.com".to_owned(),
            },
            Unsettled::OrderMissing,
            Unsettled::NoBaseline,
            Unsettled::MayStillBeAtAps { seconds: 42 },
            Unsettled::ClockBehind { behind_ms: 600_000 },
            Unsettled::Ambiguous { drift_seq: 12 },
            Unsettled::NoEvidence(NoEvidence::OrderNotFound),
            Unsettled::NoEvidence(NoEvidence::NoTotals),
            Unsettled::NoEvidence(no_answer),
            Unsettled::NoEvidence(NoEvidence::NotSent(SendError::NotConnected {
                url: "127.0.0.1:9".to_owned(),
                reason: "refused".to_owned(),
            })),
        ]
    }

    #[test]
    fn every_desk_reason_and_task_error_reads_in_arabic() {
        let tr = Tr::new(Language::Ar);
        let holder = LeaseHolder {
            owner: "o".to_owned(),
            operator: "alice".to_owned(),
            pid: 7,
            host: "host-a".to_owned(),
            purpose: "capture of 1.000 KWD".to_owned(),
            operation_id: Some(3),
            acquired_ms: 0,
            heartbeat_ms: 0,
            pid_namespace: None,
        };
        let mut texts: Vec<String> = every_reason()
            .iter()
            .map(|why| unsettled(&tr, why))
            .collect();
        for reason in every_reason() {
            texts.push(resolution(&tr, 1, &Resolution::Unresolved(reason.clone())));
            texts.push(settled(
                &tr,
                &SettledOperation {
                    operation_id: 2,
                    command: Command::Refund,
                    description: "refund of 1.000 KWD".to_owned(),
                    resolution: Resolution::Unresolved(reason),
                },
            ));
        }
        texts.push(resolution(&tr, 1, &Resolution::InFlight(holder.clone())));
        for problem_case in [
            Problem::InFlight(holder.clone()),
            Problem::NoBaseline(NoEvidence::NoTotals),
            Problem::NotSent(SendError::Build("bad".to_owned())),
            Problem::NotSent(SendError::EmptyValues("x".to_owned())),
            Problem::JournalBeforeSending,
            Problem::JournalStopped(vec![crate::journal::verify::Finding::RolledBack {
                witnessed: 9,
                present: 7,
            }]),
            Problem::JournalAfterSending,
            Problem::Failure(Failure::Transport("reset".to_owned())),
            Problem::Failure(Failure::Unreadable("garbage".to_owned())),
            Problem::Failure(Failure::Signature(SignatureCheck::Missing)),
        ] {
            texts.push(problem(&tr, &problem_case));
        }
        for error in [
            TaskError::Journal("disk I/O error".to_owned()),
            TaskError::OrderGone(4),
            TaskError::NotSaved,
            TaskError::NoFileChosen,
            TaskError::Receipt("font".to_owned()),
            TaskError::Export("full".to_owned()),
            TaskError::OutputRefused {
                path: std::path::PathBuf::from("/tmp/r1.pdf"),
                why: Refusal::Exists,
            },
            TaskError::OutputRefused {
                path: std::path::PathBuf::from("/tmp/r1.pdf"),
                why: Refusal::NoFreeName,
            },
            TaskError::OutputRefused {
                path: std::path::PathBuf::from("/tmp/r1.pdf"),
                why: Refusal::SameFileAsJournals {
                    what: JournalFile::Journal,
                    journal_file: std::path::PathBuf::from("/d1/j1"),
                },
            },
            TaskError::Profile("locked".to_owned()),
            TaskError::Reconcile("busy".to_owned()),
            TaskError::Stopped("panic".to_owned()),
            TaskError::NoDataDirectory,
            TaskError::JournalLock("denied".to_owned()),
            TaskError::DemoFeedback("refused".to_owned()),
            TaskError::NotInJournal("R-1".to_owned()),
            TaskError::Import("locked".to_owned()),
            TaskError::Views("denied".to_owned()),
            TaskError::BulkRecord("full".to_owned()),
            TaskError::BulkRecordOfProfile("P-1".to_owned()),
            TaskError::ConfirmImports("offline".to_owned()),
        ] {
            texts.push(task_error(&tr, &error));
        }
        for what in [
            JournalFile::Journal,
            JournalFile::WriteAheadLog,
            JournalFile::SharedMemory,
            JournalFile::RollbackJournal,
            JournalFile::Anchor,
            JournalFile::BeforeRestoreCopy,
            JournalFile::BulkRun,
            JournalFile::InstanceLock,
            JournalFile::NamedAfterJournal,
        ] {
            let refused = TaskError::OutputRefused {
                path: std::path::PathBuf::from("/d1/j1-x1"),
                why: Refusal::JournalsOwn(what),
            };
            texts.push(task_error(&tr, &refused));
        }
        {
            use crate::journal::verify::Finding;
            for found in [
                Finding::ChainBroken { seq: 3 },
                Finding::KeyUnavailable {
                    from_seq: 2,
                    why: "locked".to_owned(),
                },
                Finding::Truncated {
                    anchored: 9,
                    present: 7,
                },
                Finding::AnchorMismatch { seq: 4 },
                Finding::AnchorNotSigned,
                Finding::AnchorOfAnotherJournal {
                    anchor_journal: "j-2".to_owned(),
                },
                Finding::AnchorMissing {
                    why: "gone".to_owned(),
                },
                Finding::KeyingRemoved,
                Finding::KeyingChanged {
                    journal: None,
                    anchor: Some(5),
                },
                Finding::RolledBack {
                    witnessed: 9,
                    present: 7,
                },
                Finding::WitnessDiverged { seq: 4 },
                Finding::WitnessNotSigned,
                Finding::WitnessUnreadable {
                    why: "locked".to_owned(),
                },
                Finding::OrderMissing { order_id: 8 },
                Finding::OpenOperationMissing {
                    operation_id: 1,
                    order_id: 2,
                    merchant_reference: "R-1".to_owned(),
                    state: "pending".to_owned(),
                },
                Finding::OpenOperationUnexplained {
                    operation_id: 1,
                    order_id: 2,
                    merchant_reference: "R-1".to_owned(),
                },
                Finding::OpenOperationState {
                    operation_id: 1,
                    merchant_reference: "R-1".to_owned(),
                    recorded: "pending".to_owned(),
                    rebuilt: "uncertain".to_owned(),
                },
            ] {
                texts.push(finding(&tr, &found));
            }
        }
        for text in &texts {
            assert!(english(text).is_empty(), "English in Arabic: {text}");
            assert!(!text.contains("missing translation"), "{text}");
        }
        // And the English side says the same things in English.
        let english_tr = Tr::new(Language::En);
        assert!(unsettled(&english_tr, &every_reason()[8]).contains("42"));
    }

    #[test]
    fn a_code_reads_in_apss_own_words_for_the_operators_language() {
        let tr = Tr::new(Language::Ar);
        assert_eq!(code_text(&tr, Some("12000"), Some("Success")), "نجاح");
        assert_eq!(
            code_text(&Tr::new(Language::En), Some("00048"), None),
            codes::message_text("048", Language::En).unwrap_or_default()
        );
        // A code APS does not document keeps the message it came with.
        assert_eq!(code_text(&tr, Some("99999"), Some("odd")), "odd");
    }
}
