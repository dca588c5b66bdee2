//! APS's transaction feedback: the notifications APS posts to the merchant's
//! Direct Feedback URL (a payment's instant result) and Notification Feedback
//! URL (results recovered later), and what makes one trustworthy.
//!
//! A notification is the response parameters of a transaction, posted as an
//! HTML form (`application/x-www-form-urlencoded`) or as JSON. It is checked
//! like any response: the signature over the parameters **as received**
//! (form-decoded, HTML entities kept, nothing trimmed), with the account's
//! response phrase and SHA type — the Apple Pay set's when the notification
//! carries that set's access code (a transaction made with it). A body that
//! names a parameter twice is refused before that; parameters with an empty
//! value (never signed) are dropped after it. Then it must be about this account (its
//! `merchant_identifier`, and its `access_code` when it carries one) and name
//! a payment (AUTHORIZATION, PURCHASE) or a maintenance operation (CAPTURE,
//! REFUND, VOID_AUTHORIZATION) of a well-formed `merchant_reference`, with a
//! `response_code`. Anything less is a [`Rejection`]; no part of a rejected
//! body is trusted or kept.
//!
//! The simulator builds its notifications with [`form_body`], the form APS posts.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::client::Credentials;
use super::currency::Currency;
use super::money::Money;
use super::outcome::{self, OutcomeClass};
use super::params::{Params, ParseError};
use super::secret::MASK;
use super::signature::{self, SignatureCheck};
use super::{Command, validate};

/// The largest body a receiver reads: a notification is a few hundred bytes;
/// a few dozen kilobytes leave room for every field APS may add.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How a notification's body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Form,
    Json,
}

impl BodyFormat {
    /// From the `Content-Type` header; without a known one, a body that
    /// starts with `{` is JSON and anything else a form.
    pub fn detect(content_type: Option<&str>, body: &[u8]) -> BodyFormat {
        let media_type = content_type
            .and_then(|value| value.split(';').next())
            .map(|value| value.trim().to_ascii_lowercase());
        match media_type.as_deref() {
            Some("application/json") => BodyFormat::Json,
            Some("application/x-www-form-urlencoded") => BodyFormat::Form,
            Some(_) | None => {
                if body.iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b'{') {
                    BodyFormat::Json
                } else {
                    BodyFormat::Form
                }
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BodyFormat::Form => "form",
            BodyFormat::Json => "json",
        }
    }
}

/// Why a body is not a notification this account can trust. The texts name
/// what is wrong, never a value (a body may hold anything).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    /// The connection ended or broke before the body it announced was whole.
    #[error("the body ended before it was complete")]
    IncompleteBody,
    /// The body did not arrive whole within the receiver's time for one.
    #[error("the body did not arrive in time")]
    BodyTimeout,
    #[error("the body is not UTF-8 text")]
    NotText,
    #[error("the body is not a JSON object: {0}")]
    NotJson(ParseError),
    #[error("the body has no parameters")]
    Empty,
    /// APS never sends a parameter twice; a copy added in transit could
    /// differ from the signed one (an empty copy is not even signed), and
    /// which of them is meant would be a guess.
    #[error("a parameter appears more than once")]
    RepeatedKey,
    #[error("the notification carries no signature")]
    MissingSignature,
    #[error("the signature does not match the response phrase and SHA type")]
    WrongSignature,
    #[error("the notification is for another merchant account")]
    AnotherAccount,
    #[error("the notification's access code is not this account's")]
    AccessCodeDiffers,
    #[error("not a payment or maintenance notification: {0}")]
    NotANotification(&'static str),
    #[error("the notification holds a full card number")]
    FullCardNumber,
}

impl Rejection {
    /// A short name for counting rejections by kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Rejection::TooLarge => "too_large",
            Rejection::IncompleteBody => "incomplete_body",
            Rejection::BodyTimeout => "body_timeout",
            Rejection::NotText | Rejection::NotJson(_) | Rejection::Empty => "malformed",
            Rejection::RepeatedKey => "repeated_key",
            Rejection::MissingSignature => "missing_signature",
            Rejection::WrongSignature => "wrong_signature",
            Rejection::AnotherAccount | Rejection::AccessCodeDiffers => "another_account",
            Rejection::NotANotification(_) => "not_a_notification",
            Rejection::FullCardNumber => "full_card_number",
        }
    }
}

/// A notification that checked: about this account, signed by APS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The parameters as received, access code masked.
    pub params: Params,
    pub command: Command,
    pub merchant_reference: String,
    pub response_code: String,
    /// The class of its result, as for an answer to the command itself.
    pub class: OutcomeClass,
    /// The amount in minor units, when it carries a well-formed one.
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    /// SHA-256 of its signed parameters (access code masked): the same
    /// notification posted twice, as a form or as JSON, has the same one.
    pub fingerprint: String,
    pub format: BodyFormat,
}

/// The commands a notification may report.
const NOTIFIED: [Command; 5] = [
    Command::Authorization,
    Command::Purchase,
    Command::Capture,
    Command::Refund,
    Command::VoidAuthorization,
];

/// Reads a body into parameters as received. A body that names a parameter
/// twice is refused here, before the signature is looked at.
pub fn read(body: &[u8], format: BodyFormat) -> Result<Params, Rejection> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Rejection::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| Rejection::NotText)?;
    let params = match format {
        BodyFormat::Json => Params::from_json(text).map_err(|error| match error {
            ParseError::DuplicateKey(_) => Rejection::RepeatedKey,
            ParseError::Json(_) | ParseError::NotAnObject => Rejection::NotJson(error),
        })?,
        BodyFormat::Form => Params::from_form(text),
    };
    let mut names = std::collections::HashSet::with_capacity(params.len());
    if !params.iter().all(|(name, _)| names.insert(name)) {
        return Err(Rejection::RepeatedKey);
    }
    if params.is_empty() {
        return Err(Rejection::Empty);
    }
    Ok(params)
}

/// Checks a body's parameters against the account: signature first (nothing
/// of an unsigned body is looked at further), then the account, then what
/// the notification reports. Parameters with an empty value are dropped
/// once the signature checks: APS's signature never covers them, so anyone
/// on the way could have added them, and they say nothing.
pub fn check(
    params: &Params,
    format: BodyFormat,
    credentials: &Credentials,
    apple_pay: Option<&Credentials>,
) -> Result<Notification, Rejection> {
    // A transaction made with the Apple Pay set is notified with that set's
    // access code and signed with its response phrase and SHA type. The
    // access code only chooses the phrase to check with: it is signed, so a
    // changed one fails the signature.
    let signer = apple_pay
        .filter(|set| {
            params.text("access_code").is_some_and(|code| {
                bool::from(code.as_bytes().ct_eq(set.access_code.expose().as_bytes()))
            })
        })
        .unwrap_or(credentials);
    match signature::check(params, signer.sha_type, signer.response_phrase.expose()) {
        SignatureCheck::Valid => {}
        SignatureCheck::Missing => return Err(Rejection::MissingSignature),
        SignatureCheck::Mismatch { .. } => return Err(Rejection::WrongSignature),
    }
    let mut params = signed_only(params);
    if params.text("merchant_identifier") != Some(credentials.merchant_identifier.as_str()) {
        return Err(Rejection::AnotherAccount);
    }
    if let Some(code) = params.text("access_code") {
        let ours = signer.access_code.expose().as_bytes();
        if !bool::from(code.as_bytes().ct_eq(ours)) {
            return Err(Rejection::AccessCodeDiffers);
        }
    }
    let command = Command::from_params(&params)
        .filter(|command| NOTIFIED.contains(command))
        .ok_or(Rejection::NotANotification(
            "command is not a payment or maintenance command",
        ))?;
    let merchant_reference = params
        .text("merchant_reference")
        .filter(|reference| validate::merchant_reference(reference).as_deref() == Ok(reference))
        .ok_or(Rejection::NotANotification(
            "merchant_reference is missing or malformed",
        ))?
        .to_owned();
    let response_code = params
        .text("response_code")
        .filter(|code| outcome::ResponseCode::parse(code).is_some())
        .ok_or(Rejection::NotANotification(
            "response_code is missing or malformed",
        ))?
        .to_owned();
    let currency = params.non_empty("currency").map(str::to_owned);
    let amount_minor = match (params.non_empty("amount"), currency.as_deref()) {
        (None, _) => None,
        (Some(amount), Some(code)) => {
            let currency = Currency::from_code(code)
                .ok_or(Rejection::NotANotification("currency is not ISO 4217"))?;
            let money = Money::parse_minor(amount, currency)
                .map_err(|_| Rejection::NotANotification("amount is not in minor units"))?;
            Some(
                i64::try_from(money.minor_units())
                    .map_err(|_| Rejection::NotANotification("amount is out of range"))?,
            )
        }
        (Some(_), None) => return Err(Rejection::NotANotification("amount without currency")),
    };
    if params.text("card_number").is_some_and(|number| {
        number.bytes().filter(u8::is_ascii_digit).count() >= 12 && !number.contains('*')
    }) {
        return Err(Rejection::FullCardNumber);
    }
    if params.contains("access_code") {
        params.set("access_code", MASK);
    }
    let class = outcome::classify(command, &params).class;
    let fingerprint = hex::encode(Sha256::digest(
        signature::canonical_parameters(&params).as_bytes(),
    ));
    Ok(Notification {
        params,
        command,
        merchant_reference,
        response_code,
        class,
        amount_minor,
        currency,
        fingerprint,
        format,
    })
}

/// The parameters without those whose value is empty text (unsigned).
fn signed_only(params: &Params) -> Params {
    let mut signed = Params::new();
    for (name, value) in params {
        if value.as_text() != Some("") {
            signed.push_value(name, value.clone());
        }
    }
    signed
}

/// Reads and checks a posted body, for an account without an Apple Pay set.
pub fn receive(
    body: &[u8],
    content_type: Option<&str>,
    credentials: &Credentials,
) -> Result<Notification, Rejection> {
    receive_for(body, content_type, credentials, None)
}

/// Reads and checks a posted body for an account with the merchant set
/// `credentials` and, when it has one, an Apple Pay set.
pub fn receive_for(
    body: &[u8],
    content_type: Option<&str>,
    credentials: &Credentials,
    apple_pay: Option<&Credentials>,
) -> Result<Notification, Rejection> {
    let format = BodyFormat::detect(content_type, body);
    check(&read(body, format)?, format, credentials, apple_pay)
}

/// The parameters signed with the response phrase, as a form body: what APS
/// posts (the simulator's notifications).
pub fn form_body(params: &Params, credentials: &Credentials) -> String {
    let mut signed = params.clone();
    signed.remove("signature");
    let signature = signature::sign(
        &signed,
        credentials.sha_type,
        credentials.response_phrase.expose(),
    );
    signed.set("signature", signature);
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &signed {
        let mut text = String::new();
        value.write_signed_form(&mut text);
        form.append_pair(name, &text);
    }
    form.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::ShaType;
    use crate::aps::secret::Secret;

    fn credentials() -> Credentials {
        Credentials {
            merchant_identifier: "merchant".to_owned(),
            access_code: Secret::new("ACCESS"),
            sha_type: ShaType::Sha256,
            request_phrase: Secret::new("req"),
            response_phrase: Secret::new("res"),
        }
    }

    fn notification() -> Params {
        [
            ("command", "PURCHASE"),
            ("merchant_identifier", "merchant"),
            ("access_code", "ACCESS"),
            ("merchant_reference", "R-1"),
            ("amount", "12500"),
            ("currency", "KWD"),
            ("response_code", "14000"),
            ("status", "14"),
            ("customer_name", "  Amal  "),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn a_signed_form_reads_back_as_the_same_notification_as_json() {
        let form = form_body(&notification(), &credentials());
        let from_form = receive(form.as_bytes(), None, &credentials()).expect("valid");
        assert_eq!(from_form.params.text("access_code"), Some(MASK));
        assert_eq!(from_form.params.text("customer_name"), Some("  Amal  "));
        assert_eq!(from_form.class, OutcomeClass::Succeeded);
        assert_eq!(from_form.amount_minor, Some(12_500));
        let mut json = Params::from_form(&form);
        json.set("amount", "12500");
        let from_json = receive(
            json.to_json().as_bytes(),
            Some("application/json; charset=utf-8"),
            &credentials(),
        )
        .expect("valid");
        assert_eq!(from_json.fingerprint, from_form.fingerprint);
        assert_eq!(from_json.format, BodyFormat::Json);
    }

    #[test]
    fn what_is_refused_and_why() {
        let other = Credentials {
            merchant_identifier: "someone-else".to_owned(),
            ..credentials()
        };
        let form = form_body(&notification(), &credentials());
        assert_eq!(
            receive(form.as_bytes(), None, &other).map(|_| ()),
            Err(Rejection::AnotherAccount)
        );
        let trimmed = form.replace("++Amal++", "Amal");
        assert_eq!(
            receive(trimmed.as_bytes(), None, &credentials()).map(|_| ()),
            Err(Rejection::WrongSignature)
        );
        let mut unknown = notification();
        unknown.set("command", "TOKENIZATION");
        let form = form_body(&unknown, &credentials());
        assert!(matches!(
            receive(form.as_bytes(), None, &credentials()),
            Err(Rejection::NotANotification(_))
        ));
        let mut card = notification();
        card.set("card_number", "4005550000000001");
        let form = form_body(&card, &credentials());
        assert_eq!(
            receive(form.as_bytes(), None, &credentials()).map(|_| ()),
            Err(Rejection::FullCardNumber)
        );
        assert_eq!(
            receive(b"a=1", None, &credentials()).map(|_| ()),
            Err(Rejection::MissingSignature)
        );
        assert_eq!(
            receive(&[0xff, 0xfe], None, &credentials()).map(|_| ()),
            Err(Rejection::NotText)
        );
    }
}
