//! How what APS answers changes the journal's picture of an order.
//!
//! The entries are the record; an order row is a projection of them, kept so
//! that lists and searches are fast. Only trusted responses change it: an
//! uncertain or untrusted outcome leaves the totals as they were (the open
//! operation says why they may be stale).

use crate::aps::params::Params;
use crate::aps::{Command, OutcomeClass};

use super::payment::{PaymentResult, PaymentTime, TimeSource};
use super::store::OrderRecord;
use super::vocabulary::OrderState;

/// The state that follows from the totals, the order's kind and its last
/// transaction status.
pub fn derive_state(order: &OrderRecord, last_transaction_status: Option<&str>) -> OrderState {
    if last_transaction_status == Some("08") {
        return OrderState::Voided;
    }
    let (authorized, captured, refunded) = (
        order.authorized_minor,
        order.captured_minor,
        order.refunded_minor,
    );
    if refunded > 0 {
        return if refunded >= captured {
            OrderState::Refunded
        } else {
            OrderState::PartiallyRefunded
        };
    }
    if captured > 0 {
        return if captured >= authorized {
            OrderState::Captured
        } else {
            OrderState::PartiallyCaptured
        };
    }
    if authorized > 0 {
        return OrderState::Authorized;
    }
    match last_transaction_status {
        Some("03" | "13") => OrderState::Declined,
        _ => match order.payment_link_status.as_deref() {
            Some("OPEN") => OrderState::LinkOpen,
            Some("PAID") => OrderState::LinkPaid,
            Some("EXPIRED") => OrderState::LinkExpired,
            _ => OrderState::Unknown,
        },
    }
}

/// Whether a read's answer (CHECK_STATUS and friends) is older than what the
/// journal knows of the order's money: if another money operation's entry
/// (request, answer or settlement, `latest_money_entry`) was recorded after
/// the read was asked (`read_request`), the read may report totals from
/// before it, and must not overwrite the row.
pub fn read_is_stale(command: Command, read_request: i64, latest_money_entry: i64) -> bool {
    !command.moves_money() && latest_money_entry > read_request
}

fn set_if_present(field: &mut Option<String>, response: &Params, name: &str) {
    if let Some(value) = response.non_empty(name) {
        *field = Some(value.to_owned());
    }
}

fn total(response: &Params, name: &str) -> Option<i64> {
    response
        .non_empty(name)
        .and_then(|value| value.parse().ok())
}

/// Copies the descriptive fields every response may carry.
fn copy_details(order: &mut OrderRecord, response: &Params) {
    set_if_present(&mut order.fort_id, response, "fort_id");
    set_if_present(&mut order.payment_option, response, "payment_option");
    set_if_present(
        &mut order.authorization_code,
        response,
        "authorization_code",
    );
    set_if_present(&mut order.knet_ref_number, response, "knet_ref_number");
    set_if_present(
        &mut order.third_party_transaction_number,
        response,
        "third_party_transaction_number",
    );
    set_if_present(&mut order.customer_email, response, "customer_email");
    set_if_present(&mut order.customer_name, response, "customer_name");
    set_if_present(&mut order.masked_card, response, "card_number");
    set_if_present(&mut order.card_brand, response, "card_brand");
    set_if_present(&mut order.currency, response, "currency");
    if let Some(code) = response.non_empty("response_code") {
        order.last_response_code = Some(code.to_owned());
    }
}

/// The statuses of a payment's own answer: a status check whose last
/// transaction has one of them describes the payment itself.
const PAYMENT_STATUSES: [&str; 4] = ["02", "03", "13", "14"];

/// A status check whose last transaction is the payment tells the payment's
/// code and message (never its time: CHECK_STATUS carries none). Only when
/// the payment's own answer is not known already.
fn payment_from_status(order: &mut OrderRecord, response: &Params) {
    let (Some(status), Some(code)) = (
        response.non_empty("transaction_status"),
        response.non_empty("transaction_code"),
    ) else {
        return;
    };
    if order.payment.response_code.is_some() || !PAYMENT_STATUSES.contains(&status) {
        return;
    }
    order.payment.response_code = Some(code.to_owned());
    order.payment.response_message = response.non_empty("transaction_message").map(str::to_owned);
}

/// Keeps the answer to the payment itself (AUTHORIZATION or PURCHASE,
/// approved or declined) as the order's payment result, with the time it
/// arrived at this desk: the desk's own operation knows its transaction time.
/// Any other command, or an uncertain or untrusted answer, changes nothing.
pub fn record_payment(
    order: &mut OrderRecord,
    command: Command,
    class: OutcomeClass,
    response: &Params,
    at_ms: i64,
) {
    let is_payment = matches!(command, Command::Authorization | Command::Purchase);
    let definite = matches!(class, OutcomeClass::Succeeded | OutcomeClass::Declined);
    let Some(code) = response.non_empty("response_code") else {
        return;
    };
    if !is_payment || !definite {
        return;
    }
    order.payment = PaymentResult {
        response_code: Some(code.to_owned()),
        response_message: response.non_empty("response_message").map(str::to_owned),
        time: Some(PaymentTime {
            at_ms,
            source: TimeSource::Answer,
        }),
    };
}

/// What a feedback notification did to its order (see [`apply_feedback`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackEffect {
    /// A payment's result and money on an order that showed none: the
    /// order is now authorized, purchased or declined by it.
    PaymentRecorded,
    /// The payment's own result and time were recorded; the totals stay as
    /// the desk's evidence (its own answers and status checks) made them.
    TotalsKept,
    /// A payment whose amount or currency differs from what the journal
    /// knows of the order: in the timeline only, the order unchanged.
    AmountDiffers,
    /// A capture, refund or void, or a result that is not definite:
    /// descriptive fields only (and the timeline).
    DetailsOnly,
}

/// Applies a signed feedback notification (`command`, its outcome `class`,
/// its parameters, the time it arrived) to its order.
///
/// Feedback never fights the desk's evidence: it fills the descriptive fields
/// (fort_id, payment option, customer name and email, masked card,
/// authorization code, KNET/BENEFIT/OmanNet numbers) — a capture, refund or
/// void notification only those still empty, a payment notification all but
/// a known fort_id — and records the
/// payment's own result and time if none with a time is known. Money moves
/// only for a payment (AUTHORIZATION or PURCHASE) on an order that shows no
/// money at all (nothing authorized, captured or refunded): the first news
/// of an order the desk never saw. Totals the desk learnt from APS itself are
/// never changed by a notification, a capture, refund or void notification
/// never moves a total (a status check does), and no notification settles
/// or reopens an operation. A replayed old notification therefore changes
/// nothing that matters; `journal verify` replays the same function.
pub fn apply_feedback(
    order: &mut OrderRecord,
    command: Command,
    class: OutcomeClass,
    notification: &Params,
    received_ms: i64,
) -> FeedbackEffect {
    let is_payment = matches!(command, Command::Authorization | Command::Purchase);
    let amount = total(notification, "amount");
    let currency = notification.non_empty("currency");
    let differs =
        (order.amount_minor.is_some() && amount.is_some() && order.amount_minor != amount)
            || (order.currency.is_some()
                && currency.is_some()
                && order.currency.as_deref() != currency);
    if is_payment && differs {
        // Not this order's payment as the journal knows it (the go-live
        // checklist: validate the amount): kept in the timeline only.
        return FeedbackEffect::AmountDiffers;
    }
    for (field, name) in [
        (&mut order.fort_id, "fort_id"),
        (&mut order.payment_option, "payment_option"),
        (&mut order.authorization_code, "authorization_code"),
        (&mut order.knet_ref_number, "knet_ref_number"),
        (
            &mut order.third_party_transaction_number,
            "third_party_transaction_number",
        ),
        (&mut order.customer_email, "customer_email"),
        (&mut order.customer_name, "customer_name"),
        (&mut order.masked_card, "card_number"),
        (&mut order.card_brand, "card_brand"),
        (&mut order.payment_link_id, "payment_link_id"),
    ] {
        // A maintenance notification only fills what the journal does not
        // know: the payment's identity is the payment's, and a signed but
        // mismatched capture or refund notification must not rewrite it.
        // Nor does a payment notification replace the transaction id the
        // order already has.
        if (is_payment && name != "fort_id") || field.is_none() {
            set_if_present(field, notification, name);
        }
    }
    let definite = matches!(class, OutcomeClass::Succeeded | OutcomeClass::Declined);
    if !is_payment || !definite {
        return FeedbackEffect::DetailsOnly;
    }
    if order.currency.is_none() {
        order.currency = currency.map(str::to_owned);
    }
    if order.payment.time.is_none()
        && let Some(code) = notification.non_empty("response_code")
    {
        order.payment = PaymentResult {
            response_code: Some(code.to_owned()),
            response_message: notification
                .non_empty("response_message")
                .map(str::to_owned),
            time: Some(PaymentTime {
                at_ms: received_ms,
                source: TimeSource::Feedback,
            }),
        };
    }
    let shows_no_money =
        order.authorized_minor == 0 && order.captured_minor == 0 && order.refunded_minor == 0;
    if !shows_no_money || order.state == OrderState::Voided {
        return FeedbackEffect::TotalsKept;
    }
    let status = notification
        .non_empty("response_code")
        .and_then(|code| code.get(..2));
    if class == OutcomeClass::Succeeded
        && let Some(amount) = amount
    {
        order.kind = Some(command.name().to_owned());
        order.amount_minor = Some(amount);
        order.authorized_minor = amount;
        if command == Command::Purchase {
            order.captured_minor = amount;
        }
    }
    order.state = derive_state(order, status);
    FeedbackEffect::PaymentRecorded
}

/// Applies a trusted answer of `command` (with the amount the operation moved,
/// in minor units) to the order.
pub fn apply(
    order: &mut OrderRecord,
    command: Command,
    class: OutcomeClass,
    response: &Params,
    amount: Option<i64>,
) {
    if class == OutcomeClass::Untrusted {
        return;
    }
    if let Some(code) = response.non_empty("response_code") {
        order.last_response_code = Some(code.to_owned());
    }
    if class != OutcomeClass::Succeeded {
        return;
    }
    copy_details(order, response);
    let amount = amount.unwrap_or(0);
    let mut last_status = None;
    match command {
        Command::CheckStatus => {
            if response
                .text("response_code")
                .is_some_and(|code| code.ends_with("036"))
            {
                if order.authorized_minor == 0 {
                    order.state = OrderState::NotFound;
                }
                return;
            }
            if let (Some(authorized), Some(captured), Some(refunded)) = (
                total(response, "authorized_amount"),
                total(response, "captured_amount"),
                total(response, "refunded_amount"),
            ) {
                order.authorized_minor = authorized;
                order.captured_minor = captured;
                order.refunded_minor = refunded;
            }
            if let Some(amount) = total(response, "amount") {
                order.amount_minor = Some(amount);
            }
            last_status = response.non_empty("transaction_status");
            payment_from_status(order, response);
        }
        Command::Capture => order.captured_minor += amount,
        Command::Refund => order.refunded_minor += amount,
        Command::VoidAuthorization => last_status = Some("08"),
        Command::Authorization | Command::Purchase => {
            order.kind = Some(command.name().to_owned());
            order.amount_minor = Some(amount);
            order.authorized_minor = amount;
            if command == Command::Purchase {
                order.captured_minor = amount;
            }
        }
        Command::PaymentLink => {
            set_if_present(&mut order.payment_link_id, response, "payment_link_id");
            set_if_present(&mut order.payment_link_url, response, "payment_link");
            order.payment_link_status = Some("OPEN".to_owned());
            order.amount_minor = Some(amount);
        }
        Command::CheckPaymentLinkStatus => {
            set_if_present(&mut order.payment_link_id, response, "payment_link_id");
            set_if_present(
                &mut order.payment_link_status,
                response,
                "payment_link_status",
            );
        }
        Command::UpdateToken | Command::GetInstallmentsPlans => return,
    }
    order.state = if order.state == OrderState::Voided
        && last_status.is_none()
        && command != Command::CheckStatus
    {
        OrderState::Voided
    } else {
        derive_state(order, last_status)
    };
}

/// The third-party response codes a status check answers when asked
/// (`return_third_party_response_codes=YES`): the processor's and the
/// acquirer's own codes, shown in the order's detail.
pub const THIRD_PARTY_FIELDS: [&str; 4] = [
    "processor_response_code",
    "processor_response_message",
    "acquirer_response_code",
    "acquirer_response_message",
];

/// The parameters of every trusted answer among `entries` (a definite
/// result, whose signature checked), newest first.
pub fn trusted_answers(entries: &[super::store::EntryRecord]) -> impl Iterator<Item = Params> + '_ {
    use super::payload::{self, ResultPayload};
    use super::vocabulary::{EntryKind, EntryOutcome};
    entries
        .iter()
        .rev()
        .filter(|entry| {
            entry.entry == EntryKind::Result
                && matches!(
                    entry.outcome,
                    Some(EntryOutcome::Succeeded | EntryOutcome::Declined)
                )
        })
        .filter_map(|entry| {
            payload::read::<ResultPayload>(&entry.payload)
                .response?
                .params()
        })
}

/// The third-party fields of the latest trusted answer that carries any,
/// each with its value (entries in the journal's order).
pub fn third_party_codes(entries: &[super::store::EntryRecord]) -> Vec<(&'static str, String)> {
    trusted_answers(entries)
        .find_map(|response| {
            let found: Vec<_> = THIRD_PARTY_FIELDS
                .iter()
                .filter_map(|name| Some((*name, response.non_empty(name)?.to_owned())))
                .collect();
            (!found.is_empty()).then_some(found)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> OrderRecord {
        OrderRecord::unknown(1, "p", crate::aps::client::Environment::Simulator, "A", 0)
    }

    fn params(items: &[(&str, &str)]) -> Params {
        items.iter().copied().collect()
    }

    #[test]
    fn states_follow_the_totals() {
        let mut record = order();
        let status = params(&[
            ("response_code", "12000"),
            ("authorized_amount", "10000"),
            ("captured_amount", "4000"),
            ("refunded_amount", "0"),
            ("currency", "KWD"),
            ("transaction_status", "04"),
        ]);
        apply(
            &mut record,
            Command::CheckStatus,
            OutcomeClass::Succeeded,
            &status,
            None,
        );
        assert_eq!(record.state, OrderState::PartiallyCaptured);
        assert_eq!(record.currency.as_deref(), Some("KWD"));
        apply(
            &mut record,
            Command::Capture,
            OutcomeClass::Succeeded,
            &params(&[("response_code", "04000")]),
            Some(6000),
        );
        assert_eq!(
            (record.captured_minor, record.state.as_str()),
            (10_000, "captured")
        );
        apply(
            &mut record,
            Command::Refund,
            OutcomeClass::Succeeded,
            &params(&[("response_code", "06000")]),
            Some(1000),
        );
        assert_eq!(record.state, OrderState::PartiallyRefunded);
        apply(
            &mut record,
            Command::Refund,
            OutcomeClass::Declined,
            &params(&[("response_code", "07048")]),
            Some(99_999),
        );
        assert_eq!(
            (record.refunded_minor, record.last_response_code.as_deref()),
            (1000, Some("07048"))
        );
        apply(
            &mut record,
            Command::Refund,
            OutcomeClass::Uncertain,
            &params(&[]),
            Some(9000),
        );
        assert_eq!(record.refunded_minor, 1000);
        apply(
            &mut record,
            Command::Refund,
            OutcomeClass::Succeeded,
            &params(&[]),
            Some(9000),
        );
        assert_eq!(record.state, OrderState::Refunded);
    }

    /// What a notification may change, case by case: never a total the
    /// desk's evidence set, never a known payment time; money only as the
    /// first news of an order.
    #[test]
    fn feedback_fills_details_and_moves_money_only_on_an_order_that_shows_none() {
        let payment = |command: &str, amount: &str, code: &str| {
            params(&[
                ("command", command),
                ("merchant_reference", "A"),
                ("amount", amount),
                ("currency", "KWD"),
                ("customer_name", "Amal"),
                ("response_code", code),
            ])
        };
        let purchase = payment("PURCHASE", "10000", "14000");
        // First news: the order is purchased, with its time.
        let mut blank = order();
        let effect = apply_feedback(
            &mut blank,
            Command::Purchase,
            OutcomeClass::Succeeded,
            &purchase,
            77,
        );
        assert_eq!(effect, FeedbackEffect::PaymentRecorded);
        assert_eq!(
            (blank.authorized_minor, blank.captured_minor, blank.state),
            (10_000, 10_000, OrderState::Captured)
        );
        assert_eq!(
            blank.payment.time,
            Some(PaymentTime {
                at_ms: 77,
                source: TimeSource::Feedback
            })
        );
        // The desk's evidence (a refund since) stands; the desk's own
        // payment time too.
        let mut known = order();
        known.amount_minor = Some(10_000);
        known.currency = Some("KWD".to_owned());
        known.authorized_minor = 10_000;
        known.captured_minor = 10_000;
        known.refunded_minor = 4_000;
        known.state = OrderState::PartiallyRefunded;
        known.payment.time = Some(PaymentTime {
            at_ms: 5,
            source: TimeSource::Answer,
        });
        let before = known.clone();
        let effect = apply_feedback(
            &mut known,
            Command::Purchase,
            OutcomeClass::Succeeded,
            &purchase,
            77,
        );
        assert_eq!(effect, FeedbackEffect::TotalsKept);
        assert_eq!(
            (known.refunded_minor, known.state, known.payment.time),
            (4_000, OrderState::PartiallyRefunded, before.payment.time)
        );
        assert_eq!(known.customer_name.as_deref(), Some("Amal"));
        // A capture or refund notification moves nothing.
        let mut authorized = order();
        authorized.authorized_minor = 10_000;
        authorized.state = OrderState::Authorized;
        let effect = apply_feedback(
            &mut authorized,
            Command::Capture,
            OutcomeClass::Succeeded,
            &payment("CAPTURE", "10000", "04000"),
            77,
        );
        assert_eq!(effect, FeedbackEffect::DetailsOnly);
        assert_eq!(
            (authorized.captured_minor, authorized.state),
            (0, OrderState::Authorized)
        );
        // Another amount than the order's: nothing changes at all.
        let mut link = order();
        link.amount_minor = Some(5_000);
        link.payment_link_status = Some("OPEN".to_owned());
        link.state = OrderState::LinkOpen;
        let before = link.clone();
        let effect = apply_feedback(
            &mut link,
            Command::Purchase,
            OutcomeClass::Succeeded,
            &purchase,
            77,
        );
        assert_eq!((effect, link), (FeedbackEffect::AmountDiffers, before));
        // A voided order stays voided; a declined payment declines a blank one.
        let mut voided = order();
        voided.state = OrderState::Voided;
        apply_feedback(
            &mut voided,
            Command::Purchase,
            OutcomeClass::Succeeded,
            &purchase,
            77,
        );
        assert_eq!(
            (voided.authorized_minor, voided.state),
            (0, OrderState::Voided)
        );
        let mut declined = order();
        apply_feedback(
            &mut declined,
            Command::Purchase,
            OutcomeClass::Declined,
            &payment("PURCHASE", "10000", "13666"),
            77,
        );
        assert_eq!(
            (declined.authorized_minor, declined.state),
            (0, OrderState::Declined)
        );
    }

    /// A maintenance notification fills what the journal does not know of
    /// the order and changes nothing it knows; a payment notification never
    /// replaces a known fort_id.
    #[test]
    fn feedback_never_replaces_the_identity_the_journal_knows() {
        let mut known = order();
        known.fort_id = Some("169000000000000001".to_owned());
        known.payment_option = Some("VISA".to_owned());
        known.masked_card = Some("400555******0001".to_owned());
        known.authorized_minor = 10_000;
        known.state = OrderState::Authorized;
        let other = params(&[
            ("command", "CAPTURE"),
            ("merchant_reference", "A"),
            ("fort_id", "169000000000000999"),
            ("payment_option", "MASTERCARD"),
            ("card_number", "512345******0008"),
            ("card_brand", "MASTERCARD"),
            ("response_code", "04000"),
        ]);
        for command in [
            Command::Capture,
            Command::Refund,
            Command::VoidAuthorization,
        ] {
            let mut order = known.clone();
            apply_feedback(&mut order, command, OutcomeClass::Succeeded, &other, 77);
            assert_eq!(
                (
                    order.fort_id.as_deref(),
                    order.payment_option.as_deref(),
                    order.masked_card.as_deref()
                ),
                (
                    Some("169000000000000001"),
                    Some("VISA"),
                    Some("400555******0001")
                ),
                "{command:?}"
            );
            // What was empty is filled.
            assert_eq!(order.card_brand.as_deref(), Some("MASTERCARD"));
        }
        let mut paid = order();
        paid.fort_id = Some("169000000000000001".to_owned());
        let payment = params(&[
            ("command", "PURCHASE"),
            ("merchant_reference", "A"),
            ("amount", "10000"),
            ("currency", "KWD"),
            ("fort_id", "169000000000000999"),
            ("response_code", "14000"),
        ]);
        apply_feedback(
            &mut paid,
            Command::Purchase,
            OutcomeClass::Succeeded,
            &payment,
            77,
        );
        assert_eq!(paid.fort_id.as_deref(), Some("169000000000000001"));
        let mut blank = order();
        apply_feedback(
            &mut blank,
            Command::Purchase,
            OutcomeClass::Succeeded,
            &payment,
            77,
        );
        assert_eq!(blank.fort_id.as_deref(), Some("169000000000000999"));
    }

    #[test]
    fn voids_and_unknown_orders() {
        let mut record = order();
        record.authorized_minor = 500;
        apply(
            &mut record,
            Command::VoidAuthorization,
            OutcomeClass::Succeeded,
            &params(&[]),
            None,
        );
        assert_eq!(record.state, OrderState::Voided);
        let mut record = order();
        apply(
            &mut record,
            Command::CheckStatus,
            OutcomeClass::Succeeded,
            &params(&[("response_code", "12036")]),
            None,
        );
        assert_eq!(record.state, OrderState::NotFound);
    }
}
