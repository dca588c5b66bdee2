//! Typed requests for the back-office operations of reference §5.
//!
//! Each request is built once from what an operator typed (a `*Form` of strings,
//! or the command line's flags) by a `parse` function that checks every field and
//! returns all the errors at once. A built request is therefore valid: the client
//! only signs and sends it. Each request type names its response type through
//! [`ApsRequest::Response`].

use jiff::Timestamp;

use super::command::Command;
use super::currency::Currency;
use super::money::Money;
use super::params::Params;
use super::response::{
    CheckStatusResponse, FromParams, InstallmentPlansResponse, MaintenanceResponse,
    PaymentLinkResponse, PaymentLinkStatusResponse, UpdateTokenResponse,
};
use super::validate::{self, FieldError, FieldErrors, Problem};

/// A request apsdesk can send.
pub trait ApsRequest {
    /// What the response is read into.
    type Response: FromParams;

    /// The command, which decides the key, the statuses and whether it moves money.
    fn command(&self) -> Command;

    /// The operation's own parameters, without credentials, language or signature.
    fn write_params(&self, params: &mut Params);

    /// The order this request is about, when it names one.
    fn merchant_reference(&self) -> Option<&str>;

    /// The amount the request moves or asks for, as typed (never re-read
    /// from the parameters).
    fn amount(&self) -> Option<Money> {
        None
    }

    /// A refund's own id, when it has one.
    fn maintenance_reference(&self) -> Option<&str> {
        None
    }

    /// The merchant's invoice or credit-note number for this operation:
    /// recorded in the journal and printed on its receipt, never sent.
    fn document_number(&self) -> Option<&str> {
        None
    }

    /// This request with `reference` as its maintenance_reference: `Some`
    /// only for a refund, which the journal's desk gives an id it chooses
    /// (reusing one when a retry must be recognisable as a retry).
    fn with_maintenance_reference(&self, _reference: &str) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }

    /// The operation's parameters alone, for previews and tests.
    fn params(&self) -> Params {
        let mut params = Params::new();
        self.write_params(&mut params);
        params
    }
}

/// The strings of a capture, refund or void form, as typed. The same struct
/// is the command line's flags (one definition: the help below is theirs).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct MaintenanceForm {
    /// The order's merchant_reference.
    #[arg(long)]
    pub merchant_reference: String,
    /// APS's fort_id of the order (optional with a merchant_reference).
    #[arg(long)]
    pub fort_id: Option<String>,
    /// In major units, checked against the currency's decimals (12.500 KWD).
    /// A negative number is read as the value (`--amount -10.00`), so that
    /// validation names `amount` rather than clap an unknown flag.
    #[arg(long, allow_negative_numbers = true)]
    pub amount: String,
    /// ISO 4217 code of the order's currency (KWD, SAR, AED...).
    #[arg(long)]
    pub currency: String,
    /// Free text APS keeps with the operation.
    #[arg(long)]
    pub order_description: Option<String>,
    /// A refund's own id (a flag of `refund` only).
    #[arg(skip)]
    pub maintenance_reference: Option<String>,
    /// Your invoice number (capture) or credit-note number (refund): kept in
    /// the journal and printed on the receipt; never sent to APS.
    #[arg(long)]
    pub document_number: Option<String>,
    /// The order's payment option or card brand, when known: VISA in a
    /// 3-decimal currency takes only amounts whose last decimal is 0.
    /// (Not a flag: the command line fills it from the journal's order.)
    #[arg(skip)]
    pub payment_option: Option<String>,
}

/// `command=CAPTURE`: take some or all of an authorized amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub merchant_reference: String,
    pub fort_id: Option<String>,
    pub amount: Money,
    pub order_description: Option<String>,
    /// The merchant's invoice number (not sent).
    pub document_number: Option<String>,
}

/// `command=VOID_AUTHORIZATION`: release a whole authorization, before any capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidAuthorization {
    pub merchant_reference: String,
    pub fort_id: Option<String>,
    pub order_description: Option<String>,
}

/// `command=REFUND`: give back some or all of what was captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub merchant_reference: String,
    pub fort_id: Option<String>,
    pub amount: Money,
    pub order_description: Option<String>,
    /// The refund's own id: a refund retried after an uncertain outcome reuses it.
    pub maintenance_reference: Option<String>,
    /// The merchant's credit-note number (not sent).
    pub document_number: Option<String>,
}

struct CommonMaintenance {
    merchant_reference: Option<String>,
    fort_id: Option<String>,
    order_description: Option<String>,
    document_number: Option<String>,
}

fn parse_common(form: &MaintenanceForm, errors: &mut FieldErrors) -> CommonMaintenance {
    CommonMaintenance {
        merchant_reference: errors.take(validate::merchant_reference(&form.merchant_reference)),
        fort_id: errors
            .take(validate::fort_id(form.fort_id.as_deref()))
            .flatten(),
        order_description: errors
            .take(validate::order_description(
                form.order_description.as_deref(),
            ))
            .flatten(),
        document_number: errors
            .take(validate::document_number(form.document_number.as_deref()))
            .flatten(),
    }
}

fn parse_money(amount: &str, currency: &str, errors: &mut FieldErrors) -> Option<Money> {
    let currency = errors.take(validate::currency(currency))?;
    errors.take(validate::amount(amount, currency))
}

/// The amount of a payment by `option` (a VISA one in a 3-decimal currency
/// must end in 0), refused rather than rounded.
fn parse_payment_money(
    amount: &str,
    currency: &str,
    option: Option<&str>,
    errors: &mut FieldErrors,
) -> Option<Money> {
    let money = parse_money(amount, currency, errors)?;
    errors.take(validate::visa_amount("amount", money, option))
}

impl Capture {
    pub fn parse(form: &MaintenanceForm) -> Result<Capture, FieldErrors> {
        let mut errors = FieldErrors::default();
        let common = parse_common(form, &mut errors);
        let amount = parse_payment_money(
            &form.amount,
            &form.currency,
            form.payment_option.as_deref(),
            &mut errors,
        );
        match (common.merchant_reference, amount) {
            (Some(merchant_reference), Some(amount)) if errors.is_empty() => Ok(Capture {
                merchant_reference,
                fort_id: common.fort_id,
                amount,
                order_description: common.order_description,
                document_number: common.document_number,
            }),
            _ => Err(errors),
        }
    }
}

impl VoidAuthorization {
    pub fn parse(form: &MaintenanceForm) -> Result<VoidAuthorization, FieldErrors> {
        let mut errors = FieldErrors::default();
        let common = parse_common(form, &mut errors);
        match common.merchant_reference {
            Some(merchant_reference) if errors.is_empty() => Ok(VoidAuthorization {
                merchant_reference,
                fort_id: common.fort_id,
                order_description: common.order_description,
            }),
            _ => Err(errors),
        }
    }
}

impl Refund {
    pub fn parse(form: &MaintenanceForm) -> Result<Refund, FieldErrors> {
        let mut errors = FieldErrors::default();
        let common = parse_common(form, &mut errors);
        let amount = parse_payment_money(
            &form.amount,
            &form.currency,
            form.payment_option.as_deref(),
            &mut errors,
        );
        let maintenance_reference = errors
            .take(validate::maintenance_reference(
                form.maintenance_reference.as_deref(),
            ))
            .flatten();
        match (common.merchant_reference, amount) {
            (Some(merchant_reference), Some(amount)) if errors.is_empty() => Ok(Refund {
                merchant_reference,
                fort_id: common.fort_id,
                amount,
                order_description: common.order_description,
                maintenance_reference,
                document_number: common.document_number,
            }),
            _ => Err(errors),
        }
    }
}

fn write_amount(params: &mut Params, amount: Money) {
    params.push("amount", amount.to_aps_amount());
    params.push("currency", amount.currency().code());
}

impl ApsRequest for Capture {
    type Response = MaintenanceResponse;

    fn command(&self) -> Command {
        Command::Capture
    }

    fn write_params(&self, params: &mut Params) {
        params.push("merchant_reference", &self.merchant_reference);
        write_amount(params, self.amount);
        params.push_opt("fort_id", self.fort_id.as_deref());
        params.push_opt("order_description", self.order_description.as_deref());
    }

    fn amount(&self) -> Option<Money> {
        Some(self.amount)
    }

    fn merchant_reference(&self) -> Option<&str> {
        Some(&self.merchant_reference)
    }

    fn document_number(&self) -> Option<&str> {
        self.document_number.as_deref()
    }
}

impl ApsRequest for VoidAuthorization {
    type Response = MaintenanceResponse;

    fn command(&self) -> Command {
        Command::VoidAuthorization
    }

    fn write_params(&self, params: &mut Params) {
        params.push("merchant_reference", &self.merchant_reference);
        params.push_opt("fort_id", self.fort_id.as_deref());
        params.push_opt("order_description", self.order_description.as_deref());
    }

    fn merchant_reference(&self) -> Option<&str> {
        Some(&self.merchant_reference)
    }
}

impl ApsRequest for Refund {
    type Response = MaintenanceResponse;

    fn command(&self) -> Command {
        Command::Refund
    }

    fn write_params(&self, params: &mut Params) {
        params.push("merchant_reference", &self.merchant_reference);
        write_amount(params, self.amount);
        params.push_opt("fort_id", self.fort_id.as_deref());
        params.push_opt("order_description", self.order_description.as_deref());
        params.push_opt(
            "maintenance_reference",
            self.maintenance_reference.as_deref(),
        );
    }

    fn amount(&self) -> Option<Money> {
        Some(self.amount)
    }

    fn maintenance_reference(&self) -> Option<&str> {
        self.maintenance_reference.as_deref()
    }

    fn document_number(&self) -> Option<&str> {
        self.document_number.as_deref()
    }

    fn with_maintenance_reference(&self, reference: &str) -> Option<Self> {
        Some(Refund {
            maintenance_reference: Some(reference.to_owned()),
            ..self.clone()
        })
    }

    fn merchant_reference(&self) -> Option<&str> {
        Some(&self.merchant_reference)
    }
}

/// `query_command=CHECK_STATUS`: the order's running totals and last operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckStatus {
    pub merchant_reference: Option<String>,
    pub fort_id: Option<String>,
    pub return_third_party_response_codes: bool,
}

impl CheckStatus {
    /// At least one of the merchant reference and the fort id is needed.
    pub fn parse(
        merchant_reference: Option<&str>,
        fort_id: Option<&str>,
        return_third_party_response_codes: bool,
    ) -> Result<CheckStatus, FieldErrors> {
        let mut errors = FieldErrors::default();
        let merchant_reference = match merchant_reference.map(str::trim).filter(|r| !r.is_empty()) {
            Some(reference) => errors.take(validate::merchant_reference(reference)),
            None => None,
        };
        let fort_id = errors.take(validate::fort_id(fort_id)).flatten();
        if errors.is_empty() && merchant_reference.is_none() && fort_id.is_none() {
            errors.0.push(FieldError::new(
                "merchant_reference",
                Problem::OneOfRequired { other: "fort_id" },
            ));
        }
        if errors.is_empty() {
            Ok(CheckStatus {
                merchant_reference,
                fort_id,
                return_third_party_response_codes,
            })
        } else {
            Err(errors)
        }
    }

    /// A status check of a reference known to be valid (e.g. read from the journal).
    pub fn for_reference(merchant_reference: &str) -> Result<CheckStatus, FieldErrors> {
        CheckStatus::parse(Some(merchant_reference), None, false)
    }
}

impl ApsRequest for CheckStatus {
    type Response = CheckStatusResponse;

    fn command(&self) -> Command {
        Command::CheckStatus
    }

    fn write_params(&self, params: &mut Params) {
        params.push_opt("merchant_reference", self.merchant_reference.as_deref());
        params.push_opt("fort_id", self.fort_id.as_deref());
        if self.return_third_party_response_codes {
            params.push("return_third_party_response_codes", "YES");
        }
    }

    fn merchant_reference(&self) -> Option<&str> {
        self.merchant_reference.as_deref()
    }
}

/// The strings of an update-token form (also the command line's flags).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct UpdateTokenForm {
    /// The order's merchant_reference.
    #[arg(long)]
    pub merchant_reference: String,
    /// The saved card token to update.
    #[arg(long)]
    pub token_name: String,
    /// YYMM.
    #[arg(long)]
    pub expiry_date: Option<String>,
    /// The new card holder name.
    #[arg(long)]
    pub card_holder_name: Option<String>,
    /// ISO 4217 code, when the token is tied to a currency.
    #[arg(long)]
    pub currency: Option<String>,
    /// ACTIVE or INACTIVE.
    #[arg(long)]
    pub token_status: Option<String>,
    /// Rename the token.
    #[arg(long)]
    pub new_token_name: Option<String>,
}

/// `service_command=UPDATE_TOKEN`: change a saved card token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateToken {
    pub merchant_reference: String,
    pub token_name: String,
    pub expiry_date: Option<String>,
    pub card_holder_name: Option<String>,
    pub currency: Option<Currency>,
    pub token_status: Option<&'static str>,
    pub new_token_name: Option<String>,
}

pub const TOKEN_STATUSES: &[&str] = &["ACTIVE", "INACTIVE"];

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

impl UpdateToken {
    /// `now` decides whether a new expiry date has passed.
    pub fn parse(form: &UpdateTokenForm, now: Timestamp) -> Result<UpdateToken, FieldErrors> {
        let mut errors = FieldErrors::default();
        let merchant_reference =
            errors.take(validate::merchant_reference(&form.merchant_reference));
        let token_name = errors.take(validate::token_name("token_name", &form.token_name));
        let today = validate::yymm_of(now);
        let expiry_date = non_empty(form.expiry_date.as_deref())
            .and_then(|expiry| errors.take(validate::card_expiry("expiry_date", expiry, today)));
        let card_holder_name = errors
            .take(validate::optional_text(
                "card_holder_name",
                form.card_holder_name.as_deref(),
                50,
                validate::Charset::PersonName,
            ))
            .flatten();
        let currency = non_empty(form.currency.as_deref())
            .and_then(|code| errors.take(validate::currency(code)));
        let token_status = non_empty(form.token_status.as_deref()).and_then(|status| {
            errors.take(validate::one_of("token_status", status, TOKEN_STATUSES))
        });
        let new_token_name = non_empty(form.new_token_name.as_deref())
            .and_then(|name| errors.take(validate::token_name("new_token_name", name)));
        match (merchant_reference, token_name) {
            (Some(merchant_reference), Some(token_name)) if errors.is_empty() => Ok(UpdateToken {
                merchant_reference,
                token_name,
                expiry_date,
                card_holder_name,
                currency,
                token_status,
                new_token_name,
            }),
            _ => Err(errors),
        }
    }
}

impl ApsRequest for UpdateToken {
    type Response = UpdateTokenResponse;

    fn command(&self) -> Command {
        Command::UpdateToken
    }

    fn write_params(&self, params: &mut Params) {
        params.push("merchant_reference", &self.merchant_reference);
        params.push("token_name", &self.token_name);
        params.push_opt("expiry_date", self.expiry_date.as_deref());
        params.push_opt("card_holder_name", self.card_holder_name.as_deref());
        params.push_opt("currency", self.currency.map(Currency::code));
        params.push_opt("token_status", self.token_status);
        params.push_opt("new_token_name", self.new_token_name.as_deref());
    }

    fn merchant_reference(&self) -> Option<&str> {
        Some(&self.merchant_reference)
    }
}

/// How the customer hears of a payment link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationType {
    Email,
    Sms,
    None,
}

impl NotificationType {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationType::Email => "EMAIL",
            NotificationType::Sms => "SMS",
            NotificationType::None => "NONE",
        }
    }
}

pub const NOTIFICATION_TYPES: &[&str] = &["EMAIL", "SMS", "NONE"];
pub const LINK_COMMANDS: &[&str] = &["AUTHORIZATION", "PURCHASE"];
/// The `payment_option` values apsdesk offers for links and the simulator accepts.
pub const PAYMENT_OPTIONS: &[&str] = &[
    "VISA",
    "MASTERCARD",
    "AMEX",
    "MADA",
    "MEEZA",
    "KNET",
    "BENEFIT",
    "OMANNET",
    "NAPS",
    "STCPAY",
];

/// The strings of a payment-link form (also the command line's flags).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PaymentLinkForm {
    /// The order's merchant_reference.
    #[arg(long)]
    pub merchant_reference: String,
    /// In major units of the currency (a negative number is the value, as
    /// for a capture's amount).
    #[arg(long, allow_negative_numbers = true)]
    pub amount: String,
    /// ISO 4217 code of the order's currency (KWD, SAR, AED...).
    #[arg(long)]
    pub currency: String,
    /// Where APS sends the link (and its receipt).
    #[arg(long)]
    pub customer_email: String,
    /// ISO 8601, in the future (2026-12-31T23:59:59+03:00).
    #[arg(long)]
    pub request_expiry_date: String,
    /// EMAIL, SMS, EMAIL,SMS or NONE.
    #[arg(long, default_value = "NONE")]
    pub notification_type: String,
    /// PURCHASE or AUTHORIZATION.
    #[arg(long)]
    pub link_command: Option<String>,
    /// Restrict the link to one method (VISA, MASTERCARD, KNET...).
    #[arg(long)]
    pub payment_option: Option<String>,
    /// Free text APS keeps with the operation.
    #[arg(long)]
    pub order_description: Option<String>,
    /// Shown on the payment page.
    #[arg(long)]
    pub customer_name: Option<String>,
    /// Required for SMS.
    #[arg(long)]
    pub customer_phone: Option<String>,
    /// Where the customer lands after paying.
    #[arg(long)]
    pub return_url: Option<String>,
}

/// `service_command=PAYMENT_LINK`: a URL the customer pays through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLink {
    pub merchant_reference: String,
    pub amount: Money,
    pub customer_email: String,
    pub request_expiry_date: String,
    /// Normalized: `NONE` alone when it was asked for (NONE wins), else the
    /// others in the order given, without duplicates.
    pub notification_type: Vec<NotificationType>,
    pub link_command: Option<&'static str>,
    pub payment_option: Option<&'static str>,
    pub order_description: Option<String>,
    pub customer_name: Option<String>,
    pub customer_phone: Option<String>,
    pub return_url: Option<String>,
}

fn parse_notification_types(text: &str) -> Result<Vec<NotificationType>, FieldError> {
    let mut kinds = Vec::new();
    for part in text.split(',').map(str::trim) {
        let kind = match validate::one_of("notification_type", part, NOTIFICATION_TYPES)? {
            "EMAIL" => NotificationType::Email,
            "SMS" => NotificationType::Sms,
            _ => NotificationType::None,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.contains(&NotificationType::None) {
        return Ok(vec![NotificationType::None]);
    }
    Ok(kinds)
}

impl PaymentLink {
    /// `now` decides whether the link's expiry is in the future.
    pub fn parse(form: &PaymentLinkForm, now: Timestamp) -> Result<PaymentLink, FieldErrors> {
        let mut errors = FieldErrors::default();
        let merchant_reference =
            errors.take(validate::merchant_reference(&form.merchant_reference));
        let amount = parse_payment_money(
            &form.amount,
            &form.currency,
            form.payment_option.as_deref(),
            &mut errors,
        );
        let customer_email = errors.take(validate::email("customer_email", &form.customer_email));
        let request_expiry_date = errors.take(validate::future_datetime(
            "request_expiry_date",
            &form.request_expiry_date,
            now,
        ));
        let notification_type = if form.notification_type.trim().is_empty() {
            errors.take(Err(FieldError::new("notification_type", Problem::Missing)))
        } else {
            errors.take(parse_notification_types(&form.notification_type))
        };
        let link_command = non_empty(form.link_command.as_deref()).and_then(|command| {
            errors.take(validate::one_of("link_command", command, LINK_COMMANDS))
        });
        let payment_option = non_empty(form.payment_option.as_deref()).and_then(|option| {
            errors.take(validate::one_of("payment_option", option, PAYMENT_OPTIONS))
        });
        if let Some(option) = payment_option {
            errors.0.extend(validate::local_method(
                option,
                link_command,
                amount.map(Money::currency),
            ));
        }
        let order_description = errors
            .take(validate::order_description(
                form.order_description.as_deref(),
            ))
            .flatten();
        let customer_name = errors
            .take(validate::optional_text(
                "customer_name",
                form.customer_name.as_deref(),
                40,
                validate::Charset::PersonName,
            ))
            .flatten();
        let customer_phone = errors
            .take(validate::phone(
                "customer_phone",
                form.customer_phone.as_deref(),
            ))
            .flatten();
        if notification_type
            .as_ref()
            .is_some_and(|kinds| kinds.contains(&NotificationType::Sms))
            && customer_phone.is_none()
            && errors.for_field("customer_phone").is_none()
        {
            errors.0.push(FieldError::new(
                "customer_phone",
                Problem::RequiredFor {
                    reason: validate::REASON_SMS,
                },
            ));
        }
        let return_url = errors
            .take(validate::https_url(
                "return_url",
                form.return_url.as_deref(),
            ))
            .flatten();
        match (
            merchant_reference,
            amount,
            customer_email,
            request_expiry_date,
            notification_type,
        ) {
            (
                Some(merchant_reference),
                Some(amount),
                Some(customer_email),
                Some(request_expiry_date),
                Some(notification_type),
            ) if errors.is_empty() => Ok(PaymentLink {
                merchant_reference,
                amount,
                customer_email,
                request_expiry_date,
                notification_type,
                link_command,
                payment_option,
                order_description,
                customer_name,
                customer_phone,
                return_url,
            }),
            _ => Err(errors),
        }
    }
}

impl ApsRequest for PaymentLink {
    type Response = PaymentLinkResponse;

    fn command(&self) -> Command {
        Command::PaymentLink
    }

    fn write_params(&self, params: &mut Params) {
        params.push("merchant_reference", &self.merchant_reference);
        write_amount(params, self.amount);
        params.push("customer_email", &self.customer_email);
        params.push("request_expiry_date", &self.request_expiry_date);
        let kinds: Vec<&str> = self
            .notification_type
            .iter()
            .map(|kind| kind.as_str())
            .collect();
        params.push("notification_type", kinds.join(","));
        params.push_opt("link_command", self.link_command);
        params.push_opt("payment_option", self.payment_option);
        params.push_opt("order_description", self.order_description.as_deref());
        params.push_opt("customer_name", self.customer_name.as_deref());
        params.push_opt("customer_phone", self.customer_phone.as_deref());
        params.push_opt("return_url", self.return_url.as_deref());
    }

    fn amount(&self) -> Option<Money> {
        Some(self.amount)
    }

    fn merchant_reference(&self) -> Option<&str> {
        Some(&self.merchant_reference)
    }
}

/// `query_command=CHECK_PAYMENT_LINK_STATUS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckPaymentLinkStatus {
    ById { payment_link_id: String },
    ByReference { merchant_reference: String },
}

impl CheckPaymentLinkStatus {
    pub fn parse(
        payment_link_id: Option<&str>,
        merchant_reference: Option<&str>,
    ) -> Result<CheckPaymentLinkStatus, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(id) = non_empty(payment_link_id) {
            if let Some(id) = errors.take(validate::text(
                "payment_link_id",
                id,
                100,
                validate::Charset::Reference,
            )) {
                return Ok(CheckPaymentLinkStatus::ById {
                    payment_link_id: id,
                });
            }
            return Err(errors);
        }
        if let Some(reference) = non_empty(merchant_reference) {
            if let Some(reference) = errors.take(validate::merchant_reference(reference)) {
                return Ok(CheckPaymentLinkStatus::ByReference {
                    merchant_reference: reference,
                });
            }
            return Err(errors);
        }
        errors.0.push(FieldError::new(
            "payment_link_id",
            Problem::OneOfRequired {
                other: "merchant_reference",
            },
        ));
        Err(errors)
    }
}

impl ApsRequest for CheckPaymentLinkStatus {
    type Response = PaymentLinkStatusResponse;

    fn command(&self) -> Command {
        Command::CheckPaymentLinkStatus
    }

    fn write_params(&self, params: &mut Params) {
        match self {
            CheckPaymentLinkStatus::ById { payment_link_id } => {
                params.push("payment_link_id", payment_link_id);
            }
            CheckPaymentLinkStatus::ByReference { merchant_reference } => {
                params.push("merchant_reference", merchant_reference);
            }
        }
    }

    fn merchant_reference(&self) -> Option<&str> {
        match self {
            CheckPaymentLinkStatus::ById { .. } => None,
            CheckPaymentLinkStatus::ByReference { merchant_reference } => Some(merchant_reference),
        }
    }
}

/// `query_command=GET_INSTALLMENTS_PLANS`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetInstallmentsPlans {
    pub amount: Option<Money>,
    pub issuer_code: Option<String>,
}

impl GetInstallmentsPlans {
    pub fn parse(
        amount: Option<&str>,
        currency: Option<&str>,
        issuer_code: Option<&str>,
    ) -> Result<GetInstallmentsPlans, FieldErrors> {
        let mut errors = FieldErrors::default();
        let amount = match (non_empty(amount), non_empty(currency)) {
            (Some(amount), Some(currency)) => parse_money(amount, currency, &mut errors),
            (Some(_), None) => errors.take(Err(FieldError::new("currency", Problem::Missing))),
            (None, Some(_)) => errors.take(Err(FieldError::new("amount", Problem::Missing))),
            (None, None) => None,
        };
        let issuer_code = errors
            .take(validate::optional_text(
                "issuer_code",
                issuer_code,
                50,
                validate::Charset::Alphanumeric,
            ))
            .flatten();
        if errors.is_empty() {
            Ok(GetInstallmentsPlans {
                amount,
                issuer_code,
            })
        } else {
            Err(errors)
        }
    }
}

impl ApsRequest for GetInstallmentsPlans {
    type Response = InstallmentPlansResponse;

    fn command(&self) -> Command {
        Command::GetInstallmentsPlans
    }

    fn write_params(&self, params: &mut Params) {
        if let Some(amount) = self.amount {
            write_amount(params, amount);
        }
        params.push_opt("issuer_code", self.issuer_code.as_deref());
    }

    fn merchant_reference(&self) -> Option<&str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::Language;

    fn now() -> Timestamp {
        "2026-11-22T10:00:00Z".parse().expect("valid")
    }

    fn fields(errors: &FieldErrors) -> Vec<&'static str> {
        errors.0.iter().map(|error| error.field).collect()
    }

    #[test]
    fn capture_parses_and_writes_minor_units() {
        let form = MaintenanceForm {
            merchant_reference: "ORD-1".into(),
            amount: "12.5".into(),
            currency: "KWD".into(),
            fort_id: Some(String::new()),
            ..Default::default()
        };
        let capture = Capture::parse(&form).expect("valid");
        assert_eq!(
            capture.params().to_json(),
            r#"{"merchant_reference":"ORD-1","amount":"12500","currency":"KWD"}"#
        );
    }

    #[test]
    fn every_error_of_a_form_is_reported_at_once() {
        let form = MaintenanceForm {
            merchant_reference: "bad ref".into(),
            amount: "1.0001".into(),
            currency: "USD".into(),
            fort_id: Some("x1".into()),
            maintenance_reference: Some("a b".into()),
            ..Default::default()
        };
        let errors = Refund::parse(&form).expect_err("invalid");
        assert_eq!(
            fields(&errors),
            [
                "merchant_reference",
                "fort_id",
                "amount",
                "maintenance_reference"
            ]
        );
    }

    #[test]
    fn void_sends_no_amount() {
        let form = MaintenanceForm {
            merchant_reference: "ORD-1".into(),
            amount: "5".into(),
            currency: "USD".into(),
            ..Default::default()
        };
        let params = VoidAuthorization::parse(&form).expect("valid").params();
        assert!(!params.contains("amount") && !params.contains("currency"));
    }

    #[test]
    fn check_status_needs_a_reference_or_fort_id() {
        let errors = CheckStatus::parse(None, Some(" "), false).expect_err("neither");
        assert_eq!(fields(&errors), ["merchant_reference"]);
        let by_fort = CheckStatus::parse(None, Some("1234"), true).expect("fort id");
        assert_eq!(
            by_fort.params().to_json(),
            r#"{"fort_id":"1234","return_third_party_response_codes":"YES"}"#
        );
    }

    #[test]
    fn payment_link_rules() {
        let mut form = PaymentLinkForm {
            merchant_reference: "LINK-1".into(),
            amount: "10".into(),
            currency: "SAR".into(),
            customer_email: "a@b.sa".into(),
            request_expiry_date: "2026-12-20T15:36:55+03:00".into(),
            notification_type: "EMAIL, SMS".into(),
            ..Default::default()
        };
        let errors = PaymentLink::parse(&form, now()).expect_err("sms without phone");
        assert_eq!(fields(&errors), ["customer_phone"]);
        form.customer_phone = Some("+966500000000".into());
        let link = PaymentLink::parse(&form, now()).expect("valid");
        assert_eq!(link.params().text("notification_type"), Some("EMAIL,SMS"));
        form.notification_type = "SMS,NONE".into();
        form.customer_phone = None;
        let link = PaymentLink::parse(&form, now()).expect("NONE wins, no phone needed");
        assert_eq!(link.params().text("notification_type"), Some("NONE"));
        form.notification_type = "FAX".into();
        form.return_url = Some("http://x.example".into());
        form.link_command = Some("CAPTURE".into());
        form.request_expiry_date = "2026-11-01T00:00:00+03:00".into();
        let errors = PaymentLink::parse(&form, now()).expect_err("several");
        assert_eq!(
            fields(&errors),
            [
                "request_expiry_date",
                "notification_type",
                "link_command",
                "return_url"
            ]
        );
    }

    #[test]
    fn update_token_rules() {
        let form = UpdateTokenForm {
            merchant_reference: "ORD-1".into(),
            token_name: "tok_1".into(),
            expiry_date: Some("2510".into()),
            token_status: Some("active".into()),
            card_holder_name: Some("Ali 2".into()),
            ..Default::default()
        };
        let errors = UpdateToken::parse(&form, now()).expect_err("invalid");
        assert_eq!(
            fields(&errors),
            ["expiry_date", "card_holder_name", "token_status"]
        );
        let form = UpdateTokenForm {
            merchant_reference: "ORD-1".into(),
            token_name: "tok_1".into(),
            token_status: Some("INACTIVE".into()),
            card_holder_name: Some("علي أحمد".into()),
            ..Default::default()
        };
        let update = UpdateToken::parse(&form, now()).expect("valid");
        assert_eq!(update.params().text("token_status"), Some("INACTIVE"));
    }

    #[test]
    fn installments_need_amount_and_currency_together() {
        assert!(GetInstallmentsPlans::parse(None, None, None).is_ok());
        let errors = GetInstallmentsPlans::parse(Some("10"), None, None).expect_err("no currency");
        assert_eq!(fields(&errors), ["currency"]);
        let plans =
            GetInstallmentsPlans::parse(Some("100"), Some("AED"), Some("FAB")).expect("valid");
        assert_eq!(plans.params().text("amount"), Some("10000"));
    }

    #[test]
    fn payment_link_status_by_id_or_reference() {
        assert!(matches!(
            CheckPaymentLinkStatus::parse(Some("PL1"), None),
            Ok(CheckPaymentLinkStatus::ById { .. })
        ));
        assert!(matches!(
            CheckPaymentLinkStatus::parse(None, Some("REF")),
            Ok(CheckPaymentLinkStatus::ByReference { .. })
        ));
        assert!(CheckPaymentLinkStatus::parse(None, None).is_err());
    }

    /// A capture or refund of a VISA order in KWD is refused before sending
    /// when its last decimal is not 0; the error names `amount`.
    #[test]
    fn visa_orders_in_three_decimal_currencies_refuse_a_last_decimal() {
        let form = MaintenanceForm {
            merchant_reference: "A1".into(),
            amount: "12.345".into(),
            currency: "KWD".into(),
            payment_option: Some("VISA".into()),
            ..Default::default()
        };
        let errors = Capture::parse(&form).expect_err("refused");
        assert_eq!(errors.0.len(), 1);
        assert!(errors.for_field("amount").is_some(), "{errors}");
        assert!(Refund::parse(&form).is_err());
        let fixed = MaintenanceForm {
            amount: "12.350".into(),
            ..form.clone()
        };
        assert!(Capture::parse(&fixed).is_ok());
        let other = MaintenanceForm {
            payment_option: Some("MASTERCARD".into()),
            ..form
        };
        assert!(Capture::parse(&other).is_ok());
    }

    /// The guide: local methods are paid by PURCHASE, in their currency; a
    /// link breaking it is refused before sending, naming each field.
    #[test]
    fn a_local_method_link_is_a_purchase_in_its_currency() {
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().expect("valid");
        let form = PaymentLinkForm {
            merchant_reference: "L1".into(),
            amount: "5".into(),
            currency: "SAR".into(),
            customer_email: "c@example.com".into(),
            request_expiry_date: "2026-12-20T15:36:55+03:00".into(),
            notification_type: "NONE".into(),
            link_command: Some("AUTHORIZATION".into()),
            payment_option: Some("KNET".into()),
            ..Default::default()
        };
        let errors = PaymentLink::parse(&form, now).expect_err("refused");
        let command = errors
            .for_field("link_command")
            .expect("link_command named");
        assert!(command.message(Language::En).contains("KNET"), "{errors}");
        let currency = errors.for_field("currency").expect("currency named");
        assert!(currency.message(Language::En).contains("KWD"), "{errors}");
        assert!(currency.message(Language::Ar).contains("KWD"), "{errors}");
        for (option, code) in [
            ("KNET", "KWD"),
            ("BENEFIT", "BHD"),
            ("NAPS", "QAR"),
            ("OMANNET", "OMR"),
            ("STCPAY", "SAR"),
        ] {
            let good = PaymentLinkForm {
                currency: code.into(),
                link_command: Some("PURCHASE".into()),
                payment_option: Some(option.into()),
                ..form.clone()
            };
            assert!(PaymentLink::parse(&good, now).is_ok(), "{option}");
        }
        let card = PaymentLinkForm {
            payment_option: Some("VISA".into()),
            ..form
        };
        assert!(PaymentLink::parse(&card, now).is_ok());
    }
}
