//! Typed views of APS responses.
//!
//! A response is always kept whole as [`Params`] (what was received, signed and
//! checked); the typed structs here only read the fields an operator needs from
//! it. Reading never fails: a missing field is `None`, because the authoritative
//! record is the raw response, and a field APS adds later must not break anything.

use super::currency::Currency;
use super::lang::Language;
use super::money::{Money, format_minor_units};
use super::outcome::ResponseCode;
use super::params::{Params, Value};

/// Reads a typed response from the checked parameters.
pub trait FromParams: Sized {
    fn from_params(params: &Params) -> Self;
}

/// The fields every response carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Common {
    pub response_code: Option<ResponseCode>,
    pub status: Option<String>,
    pub response_message: Option<String>,
    pub merchant_reference: Option<String>,
    pub fort_id: Option<String>,
    pub language: Option<Language>,
}

fn text(params: &Params, name: &str) -> Option<String> {
    params.non_empty(name).map(str::to_owned)
}

impl FromParams for Common {
    fn from_params(params: &Params) -> Self {
        Common {
            response_code: params.text("response_code").and_then(ResponseCode::parse),
            status: text(params, "status"),
            response_message: text(params, "response_message"),
            merchant_reference: text(params, "merchant_reference"),
            fort_id: text(params, "fort_id"),
            language: params
                .text("language")
                .and_then(|language| language.parse().ok()),
        }
    }
}

/// The amount and currency of a response, when both are present and valid.
fn money(params: &Params) -> Option<Money> {
    let currency = Currency::from_code(params.text("currency")?)?;
    Money::parse_minor(params.text("amount")?, currency).ok()
}

/// A running total in minor units: `0` is a valid total (nothing captured yet).
fn total(params: &Params, name: &str) -> Option<u64> {
    let value = params.text(name)?;
    if value.is_empty() || !value.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// The answer to a capture, a refund or a void.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceResponse {
    pub common: Common,
    pub amount: Option<Money>,
    pub maintenance_reference: Option<String>,
    pub authorization_code: Option<String>,
}

impl FromParams for MaintenanceResponse {
    fn from_params(params: &Params) -> Self {
        MaintenanceResponse {
            common: Common::from_params(params),
            amount: money(params),
            maintenance_reference: text(params, "maintenance_reference"),
            authorization_code: text(params, "authorization_code"),
        }
    }
}

/// The running totals of an order, in minor units of its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub authorized: u64,
    pub captured: u64,
    pub refunded: u64,
}

impl Totals {
    /// What can still be captured.
    pub fn capturable(self) -> u64 {
        self.authorized.saturating_sub(self.captured)
    }

    /// What can still be refunded.
    pub fn refundable(self) -> u64 {
        self.captured.saturating_sub(self.refunded)
    }

    /// `authorized 10.000, captured 5.000, refunded 0.000 KWD`.
    pub fn describe(self, currency: Currency) -> String {
        format!(
            "authorized {}, captured {}, refunded {} {currency}",
            format_minor_units(self.authorized, currency),
            format_minor_units(self.captured, currency),
            format_minor_units(self.refunded, currency),
        )
    }
}

/// The answer to CHECK_STATUS: the order's last operation and running totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckStatusResponse {
    pub common: Common,
    pub transaction_status: Option<String>,
    pub transaction_code: Option<String>,
    pub transaction_message: Option<String>,
    pub currency: Option<Currency>,
    /// `None` when APS answered without the three totals.
    pub totals: Option<Totals>,
    pub authorization_code: Option<String>,
    pub processor_response_code: Option<String>,
    pub acquirer_response_code: Option<String>,
    pub payment_option: Option<String>,
}

impl CheckStatusResponse {
    /// APS answers an unknown order with message 036 (reported as `12036`).
    pub fn order_found(&self) -> bool {
        self.common
            .response_code
            .is_none_or(|code| code.message() != "036")
    }
}

impl FromParams for CheckStatusResponse {
    fn from_params(params: &Params) -> Self {
        let totals = match (
            total(params, "authorized_amount"),
            total(params, "captured_amount"),
            total(params, "refunded_amount"),
        ) {
            (Some(authorized), Some(captured), Some(refunded)) => Some(Totals {
                authorized,
                captured,
                refunded,
            }),
            _ => None,
        };
        CheckStatusResponse {
            common: Common::from_params(params),
            transaction_status: text(params, "transaction_status"),
            transaction_code: text(params, "transaction_code"),
            transaction_message: text(params, "transaction_message"),
            currency: params.text("currency").and_then(Currency::from_code),
            totals,
            authorization_code: text(params, "authorization_code"),
            processor_response_code: text(params, "processor_response_code"),
            acquirer_response_code: text(params, "acquirer_response_code"),
            payment_option: text(params, "payment_option"),
        }
    }
}

/// The answer to UPDATE_TOKEN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateTokenResponse {
    pub common: Common,
    pub token_name: Option<String>,
    /// Masked by APS, e.g. `400555******0001`.
    pub card_number: Option<String>,
    pub card_brand: Option<String>,
    pub card_bin: Option<String>,
    pub token_status: Option<String>,
    pub creation_date: Option<String>,
    pub expiry_date: Option<String>,
}

impl FromParams for UpdateTokenResponse {
    fn from_params(params: &Params) -> Self {
        UpdateTokenResponse {
            common: Common::from_params(params),
            token_name: text(params, "new_token_name").or_else(|| text(params, "token_name")),
            card_number: text(params, "card_number"),
            card_brand: text(params, "card_brand"),
            card_bin: text(params, "card_bin"),
            token_status: text(params, "token_status"),
            creation_date: text(params, "creation_date"),
            expiry_date: text(params, "expiry_date"),
        }
    }
}

/// The answer to PAYMENT_LINK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLinkResponse {
    pub common: Common,
    pub payment_link_id: Option<String>,
    pub payment_link: Option<String>,
    pub amount: Option<Money>,
}

impl FromParams for PaymentLinkResponse {
    fn from_params(params: &Params) -> Self {
        PaymentLinkResponse {
            common: Common::from_params(params),
            payment_link_id: text(params, "payment_link_id"),
            payment_link: text(params, "payment_link"),
            amount: money(params),
        }
    }
}

/// The answer to CHECK_PAYMENT_LINK_STATUS. The status field's name is not
/// confirmed publicly; apsdesk reads `payment_link_status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLinkStatusResponse {
    pub common: Common,
    pub payment_link_id: Option<String>,
    pub payment_link_status: Option<String>,
    pub amount: Option<Money>,
}

impl FromParams for PaymentLinkStatusResponse {
    fn from_params(params: &Params) -> Self {
        PaymentLinkStatusResponse {
            common: Common::from_params(params),
            payment_link_id: text(params, "payment_link_id"),
            payment_link_status: text(params, "payment_link_status"),
            amount: money(params),
        }
    }
}

/// The answer to GET_INSTALLMENTS_PLANS; `installment_detail` is a nested object
/// (and is not signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentPlansResponse {
    pub common: Common,
    pub installment_detail: Option<Value>,
}

impl FromParams for InstallmentPlansResponse {
    fn from_params(params: &Params) -> Self {
        InstallmentPlansResponse {
            common: Common::from_params(params),
            installment_detail: params.get("installment_detail").cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_status_reads_totals_and_not_found() {
        let params = Params::from_json(
            r#"{"response_code":"12000","currency":"KWD","authorized_amount":"10000","captured_amount":"7500","refunded_amount":"0","new_field":"kept"}"#,
        )
        .expect("valid");
        let response = CheckStatusResponse::from_params(&params);
        let totals = response.totals.expect("all three");
        assert_eq!((totals.capturable(), totals.refundable()), (2500, 7500));
        assert!(response.order_found());
        assert_eq!(
            totals.describe(response.currency.expect("KWD")),
            "authorized 10.000, captured 7.500, refunded 0.000 KWD"
        );
        let params: Params = [("response_code", "12036")].into_iter().collect();
        let response = CheckStatusResponse::from_params(&params);
        assert!(!response.order_found());
        assert_eq!(response.totals, None);
    }

    #[test]
    fn maintenance_reads_amount_in_minor_units() {
        let params: Params = [("amount", "12500"), ("currency", "KWD"), ("fort_id", "17")]
            .into_iter()
            .collect();
        let response = MaintenanceResponse::from_params(&params);
        assert_eq!(
            response.amount.map(Money::format_major),
            Some("12.500".into())
        );
        assert_eq!(response.common.fort_id.as_deref(), Some("17"));
    }
}
