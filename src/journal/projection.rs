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
