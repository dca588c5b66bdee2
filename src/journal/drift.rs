//! When APS and the journal disagree about an order's money, and what APS's
//! own figures allow before a capture, refund or void is sent.
//!
//! **Drift.** A journal knows an order's totals from APS's answers to its own
//! operations and reads. When a trusted status answer says otherwise, and no
//! open operation of this journal explains it, somebody moved money that
//! this journal did not see: another desk on another journal, APS's own back
//! office, the web shop's plugin, or this journal put back from a copy. The
//! desk then records a `drift` entry (APS's figures beside the journal's,
//! [`DriftPayload`]) *before* the answer that carried them is projected, so
//! that no crash can leave the row updated and the drift forgotten; and it
//! sends no money command on the order until an operator has acknowledged
//! it (an `acknowledgement` entry, [`AcknowledgementPayload`]).
//! [`unacknowledged`] reads that from the order's entries, so the rule needs
//! no table of its own and `journal verify` replays nothing for it.
//!
//! **Checked against APS.** After the baseline, a capture, refund or void is
//! held to what APS just said of the order ([`refused_by_aps`]): its currency,
//! what is left to capture or refund, whether it is voided or captured, and
//! VISA's last decimal in 3-decimal currencies. One check, in the desk, for
//! every path that sends money (command line, app, Bulk).

use serde::{Deserialize, Serialize};

use super::desk::Baseline;
use super::store::{EntryRecord, OrderRecord};
use super::vocabulary::{EntryKind, EntryOutcome, OrderState};
use crate::aps::validate::{self, FieldError, FieldErrors, Problem};
use crate::aps::{Command, Money};

/// An order's money as one side tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub currency: Option<String>,
    pub authorized: i64,
    pub captured: i64,
    pub refunded: i64,
    pub voided: bool,
}

impl Figures {
    /// What the journal's row says.
    pub fn of_order(order: &OrderRecord) -> Figures {
        Figures {
            currency: order.currency.clone(),
            authorized: order.authorized_minor,
            captured: order.captured_minor,
            refunded: order.refunded_minor,
            voided: order.state == OrderState::Voided,
        }
    }

    /// What a trusted status answer says.
    pub fn of_status(status: &Baseline) -> Figures {
        Figures {
            currency: status.currency.clone(),
            authorized: status.authorized,
            captured: status.captured,
            refunded: status.refunded,
            voided: status.voided,
        }
    }
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let currency = self.currency.as_deref().unwrap_or("");
        let amount = |minor: i64| super::export::format_amount(minor, self.currency.as_deref());
        write!(
            f,
            "authorized {} {currency}, captured {}, refunded {}{}",
            amount(self.authorized),
            amount(self.captured),
            amount(self.refunded),
            if self.voided { ", voided" } else { "" }
        )
    }
}

/// A drift entry's payload: both sides' figures, and the read that saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftPayload {
    pub journal: Figures,
    pub aps: Figures,
    /// The CHECK_STATUS operation whose answer carried APS's figures.
    pub check_status_operation_id: i64,
}

/// An acknowledgement entry's payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcknowledgementPayload {
    /// The drift entry acknowledged (the latest one of the order).
    pub drift_seq: i64,
    /// What the operator said, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A drift the operator has not acknowledged, as the desk reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub order_id: i64,
    pub merchant_reference: String,
    /// The drift entry.
    pub seq: i64,
    pub journal: Figures,
    pub aps: Figures,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "APS's figures for order {} differ from this journal's: APS says {}, the journal knew {}. Somebody moved money this journal did not see (another desk, APS's back office, the shop, or a journal put back from a copy). Nothing was sent; check the order, then acknowledge it with `apsdesk acknowledge {}`",
            self.merchant_reference, self.aps, self.journal, self.merchant_reference
        )
    }
}

/// Whether the journal's row states the order's money at all (an order the
/// journal has only recorded, or only knows as a link or a decline, has no
/// figures to disagree with).
fn knows_money(state: OrderState) -> bool {
    match state {
        OrderState::Authorized
        | OrderState::PartiallyCaptured
        | OrderState::Captured
        | OrderState::PartiallyRefunded
        | OrderState::Refunded
        | OrderState::Voided => true,
        OrderState::Unknown
        | OrderState::Declined
        | OrderState::NotFound
        | OrderState::LinkOpen
        | OrderState::LinkPaid
        | OrderState::LinkExpired => false,
    }
}

/// The journal's figures against APS's, when they disagree about money that
/// moved. An authorization the journal did not know of yet is news, not
/// drift (a link paid, a payment whose answer never reached the journal).
pub fn compare(order: &OrderRecord, aps: &Baseline) -> Option<(Figures, Figures)> {
    if !knows_money(order.state) || !aps.found {
        return None;
    }
    let journal = Figures::of_order(order);
    let aps = Figures::of_status(aps);
    let currency_differs = matches!(
        (&journal.currency, &aps.currency),
        (Some(known), Some(said)) if known != said
    );
    let differs = currency_differs
        || journal.captured != aps.captured
        || journal.refunded != aps.refunded
        || (aps.voided && !journal.voided)
        || (journal.authorized > 0 && journal.authorized != aps.authorized);
    differs.then_some((journal, aps))
}

/// Whether the journal's figures for the order are APS's own word, up to
/// date: an answer of APS to this journal (a status read, a money
/// operation's success, a settlement) stated them, and no signed
/// notification since reported money moving by an operation that is not
/// this journal's own (the shop's refund, a payment): the row takes such
/// news only in part, so a status answer that differs then is news the
/// journal was told of, not money it did not see.
pub fn figures_are_known(entries: &[EntryRecord]) -> bool {
    let authoritative = |entry: &&EntryRecord| match entry.entry {
        EntryKind::Result => {
            entry.outcome == Some(EntryOutcome::Succeeded)
                && (entry.command == Command::CheckStatus || entry.command.moves_money())
        }
        EntryKind::Resolution => matches!(
            entry.outcome,
            Some(EntryOutcome::Applied | EntryOutcome::NotApplied)
        ),
        EntryKind::Request
        | EntryKind::Feedback
        | EntryKind::Imported
        | EntryKind::Drift
        | EntryKind::Acknowledgement
        | EntryKind::Accepted => false,
    };
    let Some(last) = entries
        .iter()
        .filter(authoritative)
        .map(|entry| entry.seq)
        .max()
    else {
        return false;
    };
    // This journal's own money operations that happened: APS notifies each
    // of them too, and those notifications are no news.
    let happened = |operation_id: i64| {
        entries.iter().any(|entry| {
            entry.operation_id == operation_id
                && matches!(
                    (entry.entry, entry.outcome),
                    (EntryKind::Result, Some(EntryOutcome::Succeeded))
                        | (EntryKind::Resolution, Some(EntryOutcome::Applied))
                )
        })
    };
    let mut own: Vec<(Command, Option<i64>)> = entries
        .iter()
        .filter(|entry| entry.entry == EntryKind::Request && entry.command.moves_money())
        .filter(|entry| happened(entry.operation_id))
        .map(|entry| (entry.command, entry.amount_minor))
        .collect();
    entries
        .iter()
        .filter(|entry| {
            entry.entry == EntryKind::Feedback && entry.seq > last && entry.command.moves_money()
        })
        .all(|news| {
            let key = (news.command, news.amount_minor);
            match own.iter().position(|operation| *operation == key) {
                Some(index) => {
                    own.swap_remove(index);
                    true
                }
                None => false,
            }
        })
}

/// The order's latest drift that no later acknowledgement answers, from
/// its entries.
pub fn unacknowledged(order: &OrderRecord, entries: &[EntryRecord]) -> Option<Drift> {
    let latest_drift = entries
        .iter()
        .filter(|entry| entry.entry == EntryKind::Drift)
        .max_by_key(|entry| entry.seq)?;
    let acknowledged = entries.iter().any(|entry| {
        entry.entry == EntryKind::Acknowledgement
            && entry.seq > latest_drift.seq
            && super::payload::read::<AcknowledgementPayload>(&entry.payload).drift_seq
                >= latest_drift.seq
    });
    if acknowledged {
        return None;
    }
    let seen: DriftPayload = super::payload::read(&latest_drift.payload);
    Some(Drift {
        order_id: order.id,
        merchant_reference: order.merchant_reference.clone(),
        seq: latest_drift.seq,
        journal: seen.journal,
        aps: seen.aps,
    })
}

/// Why APS's own figures, just read, refuse a capture, refund or void
/// (`amount` for the ones that carry one). Nothing is sent when they do.
pub fn refused_by_aps(
    command: Command,
    amount: Option<Money>,
    aps: &Baseline,
) -> Result<(), FieldErrors> {
    let mut errors = Vec::new();
    let currency_of_order = aps
        .currency
        .as_deref()
        .and_then(|code| code.parse::<crate::aps::Currency>().ok());
    let left = |total: i64, used: i64| u64::try_from(total.saturating_sub(used)).unwrap_or(0);
    match command {
        Command::Capture | Command::Refund => {
            let Some(amount) = amount else {
                return Ok(());
            };
            if aps.voided {
                errors.push(FieldError::new("amount", Problem::OrderVoided));
            } else if let Some(order_currency) = currency_of_order
                && order_currency != amount.currency()
            {
                errors.push(FieldError::new(
                    "currency",
                    Problem::OtherCurrency {
                        order: order_currency,
                    },
                ));
            } else {
                let available = if command == Command::Capture {
                    left(aps.authorized, aps.captured)
                } else {
                    left(aps.captured, aps.refunded)
                };
                if amount.minor_units() > available {
                    errors.push(FieldError::new(
                        "amount",
                        Problem::MoreThanLeft {
                            left_minor: available,
                            currency: amount.currency(),
                        },
                    ));
                } else if let Err(error) =
                    validate::visa_amount("amount", amount, aps.payment_option.as_deref())
                {
                    errors.push(error);
                }
            }
        }
        Command::VoidAuthorization => {
            if aps.voided {
                errors.push(FieldError::new("merchant_reference", Problem::OrderVoided));
            } else if aps.captured > 0 {
                errors.push(FieldError::new(
                    "merchant_reference",
                    Problem::VoidAfterCapture,
                ));
            }
        }
        Command::Authorization
        | Command::Purchase
        | Command::CheckStatus
        | Command::UpdateToken
        | Command::PaymentLink
        | Command::CheckPaymentLinkStatus
        | Command::GetInstallmentsPlans => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FieldErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        seq: i64,
        operation_id: i64,
        entry: EntryKind,
        command: Command,
        amount_minor: Option<i64>,
        outcome: Option<EntryOutcome>,
    ) -> EntryRecord {
        EntryRecord {
            seq,
            operation_id,
            entry,
            order_id: 1,
            command,
            operator: String::new(),
            profile: String::new(),
            environment: crate::aps::client::Environment::Simulator,
            amount_minor,
            currency: None,
            maintenance_reference: None,
            outcome,
            response_code: None,
            response_message: None,
            payload: "{}".to_owned(),
            at_ms: 0,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    const OK: Option<EntryOutcome> = Some(EntryOutcome::Succeeded);

    #[test]
    fn figures_are_known_only_from_apss_answers_and_own_news() {
        // Known only from notifications (the web shop's purchase and refund):
        // the row takes them in part, so a status read is news, not drift.
        let heard = [
            entry(1, 1, EntryKind::Feedback, Command::Purchase, Some(500), OK),
            entry(2, 2, EntryKind::Feedback, Command::Refund, Some(500), OK),
        ];
        assert!(!figures_are_known(&heard));

        // This journal's capture, answered, and APS's notification of it.
        let mut own = vec![
            entry(1, 1, EntryKind::Result, Command::CheckStatus, None, OK),
            entry(2, 2, EntryKind::Request, Command::Capture, Some(400), None),
            entry(3, 2, EntryKind::Result, Command::Capture, None, OK),
            entry(4, 4, EntryKind::Feedback, Command::Capture, Some(400), OK),
        ];
        assert!(figures_are_known(&own), "its own capture's news is no news");
        // A notification of a capture that is not this journal's.
        own.push(entry(
            5,
            5,
            EntryKind::Feedback,
            Command::Capture,
            Some(300),
            OK,
        ));
        assert!(!figures_are_known(&own));
        // A later status read states the figures again.
        own.push(entry(
            6,
            6,
            EntryKind::Result,
            Command::CheckStatus,
            None,
            OK,
        ));
        assert!(figures_are_known(&own));
        // A capture that was declined did not happen: its "news" would be
        // somebody else's.
        let declined = [
            entry(1, 1, EntryKind::Result, Command::CheckStatus, None, OK),
            entry(2, 2, EntryKind::Request, Command::Capture, Some(400), None),
            entry(
                3,
                2,
                EntryKind::Result,
                Command::Capture,
                None,
                Some(EntryOutcome::Declined),
            ),
            entry(4, 4, EntryKind::Feedback, Command::Capture, Some(400), OK),
        ];
        assert!(!figures_are_known(&declined));
    }
}
