//! Checks on every field the reference constrains, made before anything is sent.
//!
//! Each check returns a [`FieldError`] that names the APS parameter and says what
//! is wrong with it, in English or Arabic ([`FieldError::message`]). Request
//! builders collect every error of a form at once ([`FieldErrors`]) so that an
//! operator fixes them in one pass.

use std::fmt;

use jiff::Timestamp;

use super::currency::Currency;
use super::lang::Language;
use super::money::{AmountError, Money};

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing,
    TooLong {
        max: usize,
    },
    /// Characters outside the allowed set, described for people.
    Charset {
        allowed: Charset,
    },
    /// Not one of a fixed list of values.
    NotOneOf {
        choices: &'static [&'static str],
    },
    Amount(AmountError),
    UnknownCurrency,
    /// An expiry date that is not `YYMM` with a month 01–12.
    NotYymm,
    /// A card expiry (`YYMM`) that has already passed.
    CardExpired,
    /// Not an ISO-8601 date and time with an offset.
    NotIsoDateTime,
    NotInFuture,
    NotEmail,
    NotHttpsUrl,
    /// Required because another field asks for it (the phone for SMS).
    RequiredFor {
        reason: &'static str,
    },
    /// At least one of two fields is needed.
    OneOfRequired {
        other: &'static str,
    },
    /// VISA in a 3-decimal currency: the last decimal must be 0 (the
    /// guide). The nearest valid amounts are offered, never chosen.
    VisaLastDecimal {
        below: Option<Money>,
        above: Option<Money>,
    },
    /// A local method is paid by PURCHASE only (the guide).
    PurchaseOnly {
        method: &'static str,
    },
    /// A local method pays in one currency.
    MethodCurrency {
        method: &'static str,
        currency: &'static str,
    },
    /// A refund id already used by a refund that happened: a new refund needs
    /// a new id (APS would answer the earlier refund again, moving nothing).
    AlreadyUsed {
        operation_id: i64,
    },
    /// The order was paid with Apple Pay and the account has no Apple Pay
    /// credential set to sign its maintenance with.
    ApplePayCredentialsMissing,
    /// A capture or refund of more than the order has left for it (APS
    /// would decline it; the dialog says so before anything is sent).
    MoreThanLeft {
        left_minor: u64,
        currency: Currency,
    },
    /// APS says the order is voided: nothing can be captured, refunded or
    /// voided again.
    OrderVoided,
    /// APS says the order is in another currency.
    OtherCurrency {
        order: Currency,
    },
    /// APS says part of the order is captured: a void would be refused
    /// (refund instead).
    VoidAfterCapture,
}

/// A named character set, so that messages can say what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// `A-Z a-z 0-9 - _ .` (merchant_reference, maintenance_reference).
    Reference,
    /// ASCII digits (fort_id).
    Digits,
    /// ASCII letters and digits (merchant_identifier, access_code, issuer_code).
    Alphanumeric,
    /// Letters, digits, `' / . _ - # : $` and space (order_description).
    Description,
    /// Letters, digits, `. @ - _` (token_name).
    TokenName,
    /// Letters, spaces, `. ' -` (names).
    PersonName,
    /// Digits with an optional leading `+` (phone).
    Phone,
}

impl Charset {
    fn describe(self, language: Language) -> &'static str {
        match (self, language) {
            (Charset::Reference, Language::En) => "letters A-Z a-z, digits and - _ .",
            (Charset::Reference, Language::Ar) => "الحروف اللاتينية A-Z a-z والأرقام و - _ .",
            (Charset::Digits, Language::En) => "digits 0-9",
            (Charset::Digits, Language::Ar) => "الأرقام 0-9",
            (Charset::Alphanumeric, Language::En) => "letters A-Z a-z and digits",
            (Charset::Alphanumeric, Language::Ar) => "الحروف اللاتينية A-Z a-z والأرقام",
            (Charset::Description, Language::En) => "letters, digits, spaces and ' / . _ - # : $",
            (Charset::Description, Language::Ar) => "الحروف والأرقام والمسافات و ' / . _ - # : $",
            (Charset::TokenName, Language::En) => "letters, digits and . @ - _",
            (Charset::TokenName, Language::Ar) => "الحروف والأرقام و . @ - _",
            (Charset::PersonName, Language::En) => "letters, spaces and . ' -",
            (Charset::PersonName, Language::Ar) => "الحروف والمسافات و . ' -",
            (Charset::Phone, Language::En) => "digits, optionally after a leading +",
            (Charset::Phone, Language::Ar) => "الأرقام، مع + اختيارية في البداية",
        }
    }

    fn allows(self, c: char) -> bool {
        match self {
            Charset::Reference => c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
            Charset::Digits => c.is_ascii_digit(),
            Charset::Alphanumeric => c.is_ascii_alphanumeric(),
            // Letters of any script: operators write descriptions in Arabic.
            Charset::Description => {
                c.is_alphanumeric()
                    || matches!(c, '\'' | '/' | '.' | '_' | '-' | '#' | ':' | '$' | ' ')
            }
            Charset::TokenName => c.is_ascii_alphanumeric() || matches!(c, '.' | '@' | '-' | '_'),
            Charset::PersonName => c.is_alphabetic() || matches!(c, ' ' | '.' | '\'' | '-'),
            Charset::Phone => c.is_ascii_digit() || c == '+',
        }
    }
}

/// One field's error: which APS parameter, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: &'static str, problem: Problem) -> Self {
        Self { field, problem }
    }

    /// What is wrong, in the operator's language, without the field's name
    /// (a form puts its own label in front).
    pub fn problem_text(&self, language: Language) -> String {
        match language {
            Language::En => self.problem_en(),
            Language::Ar => self.problem_ar(),
        }
    }

    /// The error in the operator's language, naming the field.
    pub fn message(&self, language: Language) -> String {
        let field = self.field;
        match language {
            Language::En => format!("{field}: {}", self.problem_en()),
            Language::Ar => format!("{field}: {}", self.problem_ar()),
        }
    }

    fn problem_en(&self) -> String {
        match &self.problem {
            Problem::Missing => "is required".to_owned(),
            Problem::TooLong { max } => format!("is too long (at most {max} characters)"),
            Problem::Charset { allowed } => {
                format!("may contain only {}", allowed.describe(Language::En))
            }
            Problem::NotOneOf { choices } => format!("must be one of {}", choices.join(", ")),
            Problem::Amount(error) => error.message(Language::En),
            Problem::UnknownCurrency => {
                "is not an ISO 4217 currency code (e.g. KWD, SAR, AED)".to_owned()
            }
            Problem::NotYymm => "must be YYMM, e.g. 2705 for May 2027".to_owned(),
            Problem::CardExpired => "is in the past".to_owned(),
            Problem::NotIsoDateTime => {
                "must be an ISO-8601 date and time with an offset, e.g. 2026-12-20T15:36:55+03:00"
                    .to_owned()
            }
            Problem::NotInFuture => "must be in the future".to_owned(),
            Problem::NotEmail => "is not an email address".to_owned(),
            Problem::NotHttpsUrl => "must be an https:// URL".to_owned(),
            Problem::RequiredFor { reason } => format!("is required {reason}"),
            Problem::OneOfRequired { other } => format!("is required when {other} is not given"),
            Problem::AlreadyUsed { operation_id } => format!(
                "was already used by refund operation {operation_id}, which happened: a new refund needs a new id (or leave it out and apsdesk chooses one)"
            ),
            Problem::ApplePayCredentialsMissing => "the order was paid with Apple Pay: its capture, refund or void must be signed with the profile's Apple Pay set, and this profile has none (add it with `profile add --replace --apple-pay-sha-type`); nothing was sent".to_owned(),
            Problem::VisaLastDecimal { below, above } => {
                let currency = below.or(*above).map(|money| money.currency().to_string());
                format!(
                    "VISA in {} takes only amounts whose last decimal is 0; use {}",
                    currency.unwrap_or_default(),
                    nearest(*below, *above, "or")
                )
            }
            Problem::PurchaseOnly { method } => {
                format!("must be PURCHASE: {method} is a local method, paid by purchase only")
            }
            Problem::MoreThanLeft {
                left_minor,
                currency,
            } => format!(
                "is more than the order has left ({} {currency})",
                super::money::format_minor_units(*left_minor, *currency)
            ),
            Problem::MethodCurrency { method, currency } => {
                format!("must be {currency}: {method} pays only in {currency}")
            }
            Problem::OrderVoided => {
                "APS says the order is voided: nothing more can be captured, refunded or voided"
                    .to_owned()
            }
            Problem::OtherCurrency { order } => {
                format!("must be {order}: APS says the order is in {order}")
            }
            Problem::VoidAfterCapture => {
                "APS says part of the order is captured: it cannot be voided (refund it instead)"
                    .to_owned()
            }
        }
    }

    fn problem_ar(&self) -> String {
        match &self.problem {
            Problem::Missing => "حقل مطلوب".to_owned(),
            Problem::TooLong { max } => format!("طويل جدًا ({max} حرفًا على الأكثر)"),
            Problem::Charset { allowed } => {
                format!("لا يقبل إلا {}", allowed.describe(Language::Ar))
            }
            Problem::NotOneOf { choices } => format!("يجب أن يكون أحد القيم: {}", choices.join("، ")),
            Problem::Amount(error) => error.message(Language::Ar),
            Problem::UnknownCurrency => "ليس رمز عملة وفق ISO 4217 (مثل KWD أو SAR أو AED)".to_owned(),
            Problem::NotYymm => "يجب أن يكون بالصيغة YYMM، مثل 2705 لشهر مايو 2027".to_owned(),
            Problem::CardExpired => "تاريخ منتهٍ".to_owned(),
            Problem::NotIsoDateTime => {
                "يجب أن يكون تاريخًا ووقتًا بصيغة ISO-8601 مع فرق التوقيت، مثل 2026-12-20T15:36:55+03:00".to_owned()
            }
            Problem::NotInFuture => "يجب أن يكون في المستقبل".to_owned(),
            Problem::NotEmail => "ليس عنوان بريد إلكتروني صحيحًا".to_owned(),
            Problem::NotHttpsUrl => "يجب أن يكون رابطًا يبدأ بـ https://".to_owned(),
            Problem::RequiredFor { reason } => match *reason {
                REASON_SMS => "مطلوب عند اختيار الإشعار عبر SMS".to_owned(),
                _ => "حقل مطلوب".to_owned(),
            },
            Problem::OneOfRequired { other } => format!("مطلوب عند عدم إدخال {other}"),
            Problem::AlreadyUsed { operation_id } => format!(
                "استُخدم من قبل في عملية الاسترداد {operation_id} التي تمت: الاسترداد الجديد يحتاج معرفاً جديداً (أو اتركه ليختاره apsdesk)"
            ),
            Problem::ApplePayCredentialsMissing => "دُفع الطلب عبر Apple Pay: يجب توقيع الالتقاط أو الاسترداد أو الإلغاء بمجموعة بيانات Apple Pay الخاصة بالملف، وهذا الملف لا يملكها (أضفها بالأمر profile add --replace --apple-pay-sha-type)؛ لم يُرسل شيء".to_owned(),
            Problem::VisaLastDecimal { below, above } => {
                let currency = below.or(*above).map(|money| money.currency().to_string());
                format!(
                    "فيزا بعملة {} لا تقبل إلا مبالغ منزلتها العشرية الأخيرة 0؛ استخدم {}",
                    currency.unwrap_or_default(),
                    nearest(*below, *above, "أو")
                )
            }
            Problem::MoreThanLeft {
                left_minor,
                currency,
            } => format!(
                "أكثر مما بقي في الطلب ({} {currency})",
                super::money::format_minor_units(*left_minor, *currency)
            ),
            Problem::PurchaseOnly { method } => {
                format!("يجب أن يكون PURCHASE: وسيلة الدفع المحلية {method} لا تقبل إلا الشراء")
            }
            Problem::MethodCurrency { method, currency } => {
                format!("يجب أن تكون {currency}: وسيلة الدفع {method} لا تدفع إلا بعملة {currency}")
            }
            Problem::OrderVoided => {
                "تقول APS إن الطلب مُبطَل: لا يمكن تحصيل شيء منه أو استرداده أو إبطاله مرة أخرى"
                    .to_owned()
            }
            Problem::OtherCurrency { order } => {
                format!("يجب أن تكون {order}: تقول APS إن الطلب بعملة {order}")
            }
            Problem::VoidAfterCapture => {
                "تقول APS إن جزءًا من الطلب قد حُصِّل: لا يمكن إبطاله (استرده بدلًا من ذلك)".to_owned()
            }
        }
    }
}

/// "12.340 or 12.350": the valid amounts offered, in major units.
fn nearest(below: Option<Money>, above: Option<Money>, or: &str) -> String {
    match (below, above) {
        (Some(below), Some(above)) => {
            format!("{} {or} {}", below.format_major(), above.format_major())
        }
        (Some(one), None) | (None, Some(one)) => one.format_major(),
        (None, None) => String::new(),
    }
}

/// Whether a payment option or card brand is VISA (`VISA`, any case).
pub fn is_visa(option_or_brand: &str) -> bool {
    option_or_brand.eq_ignore_ascii_case("VISA")
}

/// The guide: "For 3-decimal currencies, round to zero in final decimal
/// place" (VISA). For a VISA payment in a currency of exponent 3 (KWD, BHD,
/// OMR, JOD...), an amount whose last decimal is not 0 is refused, naming the
/// field and offering the nearest valid amounts; it is never rounded.
/// Other brands and currencies pass unchanged.
pub fn visa_amount(
    field: &'static str,
    amount: Money,
    option_or_brand: Option<&str>,
) -> Result<Money, FieldError> {
    let visa = option_or_brand.is_some_and(is_visa);
    let minor = amount.minor_units();
    if !visa || amount.currency().exponent() != 3 || minor.is_multiple_of(10) {
        return Ok(amount);
    }
    let below = Money::from_minor_units(minor - minor % 10, amount.currency()).ok();
    let above = Money::from_minor_units(minor - minor % 10 + 10, amount.currency()).ok();
    Err(FieldError::new(
        field,
        Problem::VisaLastDecimal { below, above },
    ))
}

/// The local payment methods and the one currency each pays in (the guide:
/// "Use PURCHASE command (not AUTHORIZATION) for local payment methods").
pub const LOCAL_METHOD_CURRENCIES: &[(&str, &str)] = &[
    ("KNET", "KWD"),
    ("BENEFIT", "BHD"),
    ("NAPS", "QAR"),
    ("OMANNET", "OMR"),
    ("STCPAY", "SAR"),
];

/// A payment by a local method: PURCHASE only (`link_command`), in the
/// method's currency (`currency`). Other options pass.
pub fn local_method(
    option: &str,
    command: Option<&str>,
    currency: Option<Currency>,
) -> Vec<FieldError> {
    let Some(&(method, method_currency)) = LOCAL_METHOD_CURRENCIES
        .iter()
        .find(|(method, _)| method.eq_ignore_ascii_case(option))
    else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    if command.is_some_and(|command| command != "PURCHASE") {
        errors.push(FieldError::new(
            "link_command",
            Problem::PurchaseOnly { method },
        ));
    }
    if currency.is_some_and(|currency| currency.code() != method_currency) {
        errors.push(FieldError::new(
            "currency",
            Problem::MethodCurrency {
                method,
                currency: method_currency,
            },
        ));
    }
    errors
}

/// Why the phone is required: the notification is by SMS.
pub const REASON_SMS: &str = "when notification_type includes SMS";

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Language::En))
    }
}

impl std::error::Error for FieldError {}

/// Every error of one form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records the error of a check, if any, and returns its value.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    /// The error about a field, if any (for inline display beside that field).
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|error| error.field == field)
    }

    /// Every error, one per line, in the operator's language.
    pub fn message(&self, language: Language) -> String {
        self.0
            .iter()
            .map(|error| error.message(language))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Language::En))
    }
}

impl std::error::Error for FieldErrors {}

/// A required text: present, not longer than `max` characters, in `charset`.
pub fn text(
    field: &'static str,
    value: &str,
    max: usize,
    charset: Charset,
) -> Result<String, FieldError> {
    if value.is_empty() {
        return Err(FieldError::new(field, Problem::Missing));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, Problem::TooLong { max }));
    }
    if !value.chars().all(|c| charset.allows(c)) {
        return Err(FieldError::new(
            field,
            Problem::Charset { allowed: charset },
        ));
    }
    Ok(value.to_owned())
}

/// An optional text: empty means absent (APS never gets an empty value).
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
    charset: Charset,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim).filter(|value| !value.is_empty()) {
        Some(value) => text(field, value, max, charset).map(Some),
        None => Ok(None),
    }
}

pub fn merchant_reference(value: &str) -> Result<String, FieldError> {
    text("merchant_reference", value.trim(), 40, Charset::Reference)
}

pub fn fort_id(value: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_text("fort_id", value, 20, Charset::Digits)
}

pub fn maintenance_reference(value: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_text("maintenance_reference", value, 200, Charset::Reference)
}

pub fn order_description(value: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_text("order_description", value, 150, Charset::Description)
}

/// The merchant's invoice (capture) or credit-note (refund) number: kept in
/// the journal and printed on the receipt, never sent to APS.
pub fn document_number(value: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_text("document_number", value, 40, Charset::Description)
}

pub fn merchant_identifier(value: &str) -> Result<String, FieldError> {
    text("merchant_identifier", value, 20, Charset::Alphanumeric)
}

pub fn access_code(value: &str) -> Result<(), FieldError> {
    text("access_code", value, 20, Charset::Alphanumeric).map(|_| ())
}

pub fn token_name(field: &'static str, value: &str) -> Result<String, FieldError> {
    text(field, value.trim(), 100, Charset::TokenName)
}

pub fn currency(value: &str) -> Result<Currency, FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new("currency", Problem::Missing));
    }
    value
        .parse::<Currency>()
        .map_err(|_| FieldError::new("currency", Problem::UnknownCurrency))
}

/// An amount typed in major units, in a currency already checked.
pub fn amount(value: &str, currency: Currency) -> Result<Money, FieldError> {
    Money::parse_major(value, currency)
        .map_err(|error| FieldError::new("amount", Problem::Amount(error)))
}

/// One of a fixed set of values (exact spelling, as APS compares).
pub fn one_of(
    field: &'static str,
    value: &str,
    choices: &'static [&'static str],
) -> Result<&'static str, FieldError> {
    choices
        .iter()
        .copied()
        .find(|choice| *choice == value.trim())
        .ok_or(FieldError::new(field, Problem::NotOneOf { choices }))
}

/// A card expiry `YYMM` that has not passed by `today_yymm` (e.g. 2611).
pub fn card_expiry(
    field: &'static str,
    value: &str,
    today_yymm: u16,
) -> Result<String, FieldError> {
    let value = value.trim();
    let valid_shape = value.len() == 4 && value.bytes().all(|byte| byte.is_ascii_digit());
    let yymm: u16 = value
        .parse()
        .ok()
        .filter(|_| valid_shape)
        .ok_or(FieldError::new(field, Problem::NotYymm))?;
    if !(1..=12).contains(&(yymm % 100)) {
        return Err(FieldError::new(field, Problem::NotYymm));
    }
    if yymm < today_yymm {
        return Err(FieldError::new(field, Problem::CardExpired));
    }
    Ok(value.to_owned())
}

/// An ISO-8601 date and time with an offset, strictly after `now`.
pub fn future_datetime(
    field: &'static str,
    value: &str,
    now: Timestamp,
) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, Problem::Missing));
    }
    // RFC 3339 requires the offset; a bare local time would be ambiguous.
    let instant: Timestamp = value
        .parse()
        .map_err(|_| FieldError::new(field, Problem::NotIsoDateTime))?;
    if !has_explicit_offset(value) {
        return Err(FieldError::new(field, Problem::NotIsoDateTime));
    }
    if instant <= now {
        return Err(FieldError::new(field, Problem::NotInFuture));
    }
    Ok(value.to_owned())
}

fn has_explicit_offset(value: &str) -> bool {
    let time_part = value.split_once('T').map_or("", |(_, time)| time);
    time_part.ends_with('Z') || time_part.contains('+') || time_part.contains('-')
}

/// An email address of a plausible shape: one `@`, a dotted domain, no spaces,
/// at most 254 characters.
pub fn email(field: &'static str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, Problem::Missing));
    }
    if value.chars().count() > 254 {
        return Err(FieldError::new(field, Problem::TooLong { max: 254 }));
    }
    let plausible = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
    }) && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if plausible {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(field, Problem::NotEmail))
    }
}

/// An `https://` URL with a host.
pub fn https_url(field: &'static str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    let host = value
        .strip_prefix("https://")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(host) if !host.is_empty() && !value.chars().any(char::is_whitespace) => {
            Ok(Some(value.to_owned()))
        }
        _ => Err(FieldError::new(field, Problem::NotHttpsUrl)),
    }
}

/// A phone number: at most 19 characters, digits with an optional leading `+`.
pub fn phone(field: &'static str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let checked = optional_text(
        field,
        value.map(|v| v.replace([' ', '-'], "")).as_deref(),
        19,
        Charset::Phone,
    )?;
    if let Some(phone) = &checked
        && (phone[1..].contains('+') || phone == "+")
    {
        return Err(FieldError::new(
            field,
            Problem::Charset {
                allowed: Charset::Phone,
            },
        ));
    }
    Ok(checked)
}

/// `YYMM` of a moment in UTC, for [`card_expiry`].
pub fn yymm_of(now: Timestamp) -> u16 {
    let date = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let year = u16::try_from(date.year().rem_euclid(100)).unwrap_or(0);
    let month = u16::try_from(date.month()).unwrap_or(1);
    year * 100 + month
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem<T: fmt::Debug>(result: Result<T, FieldError>) -> Problem {
        result.expect_err("should be refused").problem
    }

    #[test]
    fn merchant_reference_rules() {
        assert_eq!(merchant_reference("Order-1_a.b"), Ok("Order-1_a.b".into()));
        assert_eq!(problem(merchant_reference("")), Problem::Missing);
        assert_eq!(
            problem(merchant_reference(&"a".repeat(41))),
            Problem::TooLong { max: 40 }
        );
        assert!(merchant_reference(&"a".repeat(40)).is_ok());
        assert_eq!(
            problem(merchant_reference("order 1")),
            Problem::Charset {
                allowed: Charset::Reference
            }
        );
        assert!(merchant_reference("طلب1").is_err());
    }

    #[test]
    fn fort_id_and_maintenance_reference_rules() {
        assert_eq!(fort_id(None), Ok(None));
        assert_eq!(fort_id(Some("")), Ok(None));
        assert_eq!(
            fort_id(Some("169996200000001")),
            Ok(Some("169996200000001".into()))
        );
        assert_eq!(
            problem(fort_id(Some("12a"))),
            Problem::Charset {
                allowed: Charset::Digits
            }
        );
        assert_eq!(
            problem(fort_id(Some(&"1".repeat(21)))),
            Problem::TooLong { max: 20 }
        );
        assert!(maintenance_reference(Some(&"r".repeat(200))).is_ok());
        assert_eq!(
            problem(maintenance_reference(Some(&"r".repeat(201)))),
            Problem::TooLong { max: 200 }
        );
        assert!(maintenance_reference(Some("refund 1")).is_err());
    }

    #[test]
    fn order_description_accepts_arabic_and_the_listed_signs() {
        assert!(order_description(Some("طلب رقم #12: 'كتب' / 5$ _-.")).is_ok());
        assert_eq!(
            problem(order_description(Some("a&b"))),
            Problem::Charset {
                allowed: Charset::Description
            }
        );
        assert_eq!(
            problem(order_description(Some(&"x".repeat(151)))),
            Problem::TooLong { max: 150 }
        );
    }

    #[test]
    fn identifiers_token_names_and_currency() {
        assert!(merchant_identifier("MxvOupuG").is_ok());
        assert!(merchant_identifier("Mxv-OupuG").is_err());
        assert!(access_code(&"a".repeat(21)).is_err());
        assert!(token_name("token_name", "tok.en@x-1_2").is_ok());
        assert!(token_name("token_name", "tok en").is_err());
        assert_eq!(
            problem(token_name("token_name", &"t".repeat(101))),
            Problem::TooLong { max: 100 }
        );
        assert_eq!(currency("kwd").map(Currency::code), Ok("KWD"));
        assert_eq!(problem(currency("ABC")), Problem::UnknownCurrency);
        assert_eq!(problem(currency("")), Problem::Missing);
    }

    #[test]
    fn amounts_are_checked_against_the_currency() {
        let kwd = Currency::from_code("KWD").expect("known");
        assert_eq!(amount("12.500", kwd).map(Money::minor_units), Ok(12_500));
        assert!(matches!(
            problem(amount("12.5001", kwd)),
            Problem::Amount(AmountError::TooManyDecimals { .. })
        ));
    }

    #[test]
    fn card_expiry_rules() {
        assert_eq!(card_expiry("expiry_date", "2705", 2611), Ok("2705".into()));
        assert_eq!(card_expiry("expiry_date", "2611", 2611), Ok("2611".into()));
        assert_eq!(
            problem(card_expiry("expiry_date", "2610", 2611)),
            Problem::CardExpired
        );
        assert_eq!(
            problem(card_expiry("expiry_date", "2713", 2611)),
            Problem::NotYymm
        );
        assert_eq!(
            problem(card_expiry("expiry_date", "2700", 2611)),
            Problem::NotYymm
        );
        assert_eq!(
            problem(card_expiry("expiry_date", "05/27", 2611)),
            Problem::NotYymm
        );
        assert_eq!(
            problem(card_expiry("expiry_date", "+705", 2611)),
            Problem::NotYymm
        );
        assert_eq!(
            yymm_of("2026-11-22T10:00:00Z".parse().expect("valid")),
            2611
        );
    }

    #[test]
    fn expiry_datetime_needs_offset_and_future() {
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().expect("valid");
        let field = "request_expiry_date";
        assert!(future_datetime(field, "2026-12-20T15:36:55+03:00", now).is_ok());
        assert!(future_datetime(field, "2026-12-20T15:36:55Z", now).is_ok());
        assert_eq!(
            problem(future_datetime(field, "2026-11-22T12:00:00+03:00", now)),
            Problem::NotInFuture
        );
        assert_eq!(
            problem(future_datetime(field, "2026-12-20T15:36:55", now)),
            Problem::NotIsoDateTime
        );
        assert_eq!(
            problem(future_datetime(field, "2026-12-20", now)),
            Problem::NotIsoDateTime
        );
        assert_eq!(
            problem(future_datetime(field, "tomorrow", now)),
            Problem::NotIsoDateTime
        );
        assert_eq!(problem(future_datetime(field, "", now)), Problem::Missing);
    }

    #[test]
    fn email_url_phone_and_choices() {
        assert!(email("customer_email", "test@gmail.com").is_ok());
        for bad in [
            "test",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "@b.com",
            "a@.com",
            "a@b..com",
        ] {
            assert_eq!(
                problem(email("customer_email", bad)),
                Problem::NotEmail,
                "{bad}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            problem(email("customer_email", &long)),
            Problem::TooLong { max: 254 }
        );
        assert!(https_url("return_url", Some("https://shop.example/return?x=1")).is_ok());
        assert_eq!(
            problem(https_url("return_url", Some("http://shop.example"))),
            Problem::NotHttpsUrl
        );
        assert_eq!(
            problem(https_url("return_url", Some("https://"))),
            Problem::NotHttpsUrl
        );
        assert_eq!(https_url("return_url", None), Ok(None));
        assert_eq!(
            phone("customer_phone", Some("+965 5555-1234")),
            Ok(Some("+96555551234".into()))
        );
        assert!(phone("customer_phone", Some("12+34")).is_err());
        assert!(phone("customer_phone", Some(&"1".repeat(20))).is_err());
        assert_eq!(one_of("language", "ar", &["en", "ar"]), Ok("ar"));
        assert!(one_of("language", "fr", &["en", "ar"]).is_err());
    }

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let error = FieldError::new("merchant_reference", Problem::TooLong { max: 40 });
        assert_eq!(
            error.message(Language::En),
            "merchant_reference: is too long (at most 40 characters)"
        );
        let arabic = error.message(Language::Ar);
        assert!(arabic.starts_with("merchant_reference: "), "{arabic}");
        assert!(arabic.contains("40") && arabic.contains("طويل"), "{arabic}");
        let sms = FieldError::new(
            "customer_phone",
            Problem::RequiredFor { reason: REASON_SMS },
        );
        assert!(sms.message(Language::Ar).contains("SMS"));
        assert!(sms.message(Language::En).contains("SMS"));
    }

    /// The guide's VISA note: refused, naming the field, offering the
    /// nearest valid amounts in both languages; never rounded.
    #[test]
    fn visa_in_three_decimal_currencies_ends_in_zero() {
        let kwd = Currency::from_code("KWD").expect("known");
        let usd = Currency::from_code("USD").expect("known");
        let money = |text: &str, currency| amount(text, currency).expect("an amount");
        let error = visa_amount("amount", money("12.345", kwd), Some("VISA")).expect_err("refused");
        assert_eq!(error.field, "amount");
        let en = error.message(Language::En);
        assert!(en.starts_with("amount: VISA in KWD"), "{en}");
        assert!(en.contains("12.340 or 12.350"), "{en}");
        let ar = error.message(Language::Ar);
        assert!(ar.contains("12.340 أو 12.350"), "{ar}");
        // The smallest amounts: 0.001 has no valid amount below it.
        let error = visa_amount("amount", money("0.001", kwd), Some("visa")).expect_err("refused");
        assert!(
            error.message(Language::En).ends_with("use 0.010"),
            "{error}"
        );
        for (text, currency, option) in [
            ("12.340", kwd, Some("VISA")),
            ("12.345", kwd, Some("MASTERCARD")),
            ("12.345", kwd, None),
            ("12.35", usd, Some("VISA")),
        ] {
            let given = money(text, currency);
            assert_eq!(visa_amount("amount", given, option), Ok(given), "{text}");
        }
        for code in ["BHD", "OMR", "JOD"] {
            let currency = Currency::from_code(code).expect("known");
            assert!(visa_amount("amount", money("1.001", currency), Some("VISA")).is_err());
        }
    }
}
