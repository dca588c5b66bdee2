//! "Test connection": proves a profile's credentials and SHA type with a
//! status check of a reference that cannot exist, and says which setting is
//! wrong when they do not work.
//!
//! APS answers an unknown order with a definite "not found" (signed), a bad
//! request signature with 008, a bad merchant identifier with 009 and a bad
//! access code with 010; an answer whose own signature fails means the
//! response phrase (or the SHA type) is wrong.

use crate::aps::client::{Client, SendError};
use crate::aps::request::CheckStatus;
use crate::aps::{Language, OutcomeClass};

/// What the test found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// APS answered, signed, and accepted the request's signature.
    Works,
    /// 008: the SHA request phrase or the SHA type is wrong.
    RequestPhraseOrShaType,
    /// The answer's signature failed: the SHA response phrase (or type) is wrong.
    ResponsePhrase,
    /// 009.
    MerchantIdentifier,
    /// 010.
    AccessCode,
    /// Nothing came back (network, URL, timeout).
    Unreachable(String),
    /// APS answered something else.
    Unexpected(String),
}

impl Verdict {
    /// One sentence for the operator.
    pub fn explain(&self, language: Language) -> String {
        match self {
            Verdict::Works => language
                .pick(
                    "The credentials work: APS accepted the signature and its answer was signed with the response phrase.",
                    "بيانات الاعتماد صحيحة: قبلت APS التوقيع وكان ردها موقعاً بعبارة الرد.",
                )
                .to_owned(),
            Verdict::RequestPhraseOrShaType => language
                .pick(
                    "Signature mismatch (008): the SHA request phrase or the SHA type is wrong.",
                    "عدم تطابق التوقيع (008): عبارة الطلب أو نوع SHA غير صحيح.",
                )
                .to_owned(),
            Verdict::ResponsePhrase => language
                .pick(
                    "APS accepted the request, but its answer's signature does not check: the SHA response phrase (or the SHA type) is wrong.",
                    "قبلت APS الطلب لكن توقيع الرد غير صحيح: عبارة الرد (أو نوع SHA) غير صحيحة.",
                )
                .to_owned(),
            Verdict::MerchantIdentifier => language
                .pick(
                    "Invalid merchant identifier (009).",
                    "معرّف التاجر غير صالح (009).",
                )
                .to_owned(),
            Verdict::AccessCode => language
                .pick("Invalid access code (010).", "رمز الوصول غير صالح (010).")
                .to_owned(),
            Verdict::Unreachable(why) => format!(
                "{} {why}",
                language.pick("APS could not be reached:", "تعذر الوصول إلى APS:")
            ),
            Verdict::Unexpected(what) => format!(
                "{} {what}",
                language.pick("Unexpected answer:", "رد غير متوقع:")
            ),
        }
    }
}

/// Runs the test with the client's credentials.
pub async fn test_connection(client: &Client) -> Verdict {
    let reference = format!("apsdesk-test-{}", jiff::Timestamp::now().as_millisecond());
    let Ok(check) = CheckStatus::for_reference(&reference) else {
        return Verdict::Unexpected("invalid test reference".to_owned());
    };
    let outcome = match client.send(&check, Language::En).await {
        Ok(outcome) => outcome,
        Err(SendError::NotConnected { url, reason }) => {
            return Verdict::Unreachable(format!("{url}: {reason}"));
        }
        Err(other) => return Verdict::Unreachable(other.to_string()),
    };
    if outcome.class == OutcomeClass::Untrusted {
        // A refused request signature is the first thing to fix even when
        // the answer's own signature fails too (both phrases wrong, or the
        // SHA type): the code is read from the untrusted answer only to say so.
        let code = outcome
            .response
            .as_ref()
            .and_then(|response| response.text("response_code"));
        return if code.is_some_and(|code| code.ends_with("008")) {
            Verdict::RequestPhraseOrShaType
        } else {
            Verdict::ResponsePhrase
        };
    }
    if outcome.class == OutcomeClass::Uncertain {
        return Verdict::Unreachable(outcome.summary());
    }
    match outcome
        .response_code()
        .map(|code| code.get(2..).unwrap_or_default())
    {
        Some("008") => Verdict::RequestPhraseOrShaType,
        Some("009") => Verdict::MerchantIdentifier,
        Some("010") => Verdict::AccessCode,
        Some("000" | "036") => Verdict::Works,
        _ => Verdict::Unexpected(outcome.summary()),
    }
}
