//! What an entry's `payload` holds, as types: the request as sent (with the
//! baseline it will be judged against and where it went), what came back,
//! and how reconciliation concluded.
//!
//! Parameters are stored as JSON objects inside the payload's one JSON
//! document. Entries written before this (whose parameters were a JSON
//! string inside the JSON) still read: [`ParamsField`] accepts both. The
//! chain hashes the payload's text as stored, so old entries are never
//! rewritten.

use serde::{Deserialize, Serialize};

use super::desk::Baseline;
use super::vocabulary::EntryOutcome;
use crate::aps::client::CredentialSet;
use crate::aps::params::Params;

/// Parameters as the payload holds them: a JSON object, or (entries written
/// by earlier versions) a JSON string holding one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParamsField(serde_json::Value);

impl ParamsField {
    pub fn from_params(params: &Params) -> ParamsField {
        ParamsField(serde_json::from_str(&params.to_json()).unwrap_or_default())
    }

    /// The parameters, in their transmitted order, numbers as their text.
    pub fn params(&self) -> Option<Params> {
        match &self.0 {
            serde_json::Value::String(text) => Params::from_json(text).ok(),
            object @ serde_json::Value::Object(_) => Params::from_json(&object.to_string()).ok(),
            serde_json::Value::Null
            | serde_json::Value::Bool(_)
            | serde_json::Value::Number(_)
            | serde_json::Value::Array(_) => None,
        }
    }
}

/// A request entry's payload.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestPayload {
    /// The request as sent, access code masked.
    pub request: ParamsField,
    /// The order's totals before a money operation was sent.
    #[serde(default)]
    pub baseline: Option<Baseline>,
    /// The merchant's invoice or credit-note number for the operation (never
    /// sent to APS; printed on its receipt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    /// Which of the account's credential sets signed it (absent in older
    /// entries, which were all signed with the merchant's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_set: Option<CredentialSet>,
    /// The payment API URL it was sent to (absent in older entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// How long the sender waited for the answer, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// The desk's wall clock when it recorded the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_wall_ms: Option<i64>,
    /// The desk's step-proof clock when it recorded the request (absent in
    /// older entries and where the system has none): how long APS may still
    /// be working on it is measured on this clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_clock: Option<super::clock::MonotonicReading>,
}

/// A result entry's payload: what came back, or why nothing was sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultPayload {
    /// `None` when no HTTP answer arrived.
    #[serde(default)]
    pub http_status: Option<u16>,
    #[serde(default)]
    pub attempts: Option<u32>,
    #[serde(default)]
    pub elapsed_ms: Option<u64>,
    /// Why the outcome is not simply what a checked response said.
    #[serde(default)]
    pub failure: Option<String>,
    /// The response's parameters, access code masked (also when untrusted).
    #[serde(default)]
    pub response: Option<ParamsField>,
    /// The body as received, access code masked.
    #[serde(default)]
    pub raw_body: Option<String>,
    /// The request provably never left: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_sent: Option<String>,
}

/// A resolution entry's payload: the conclusion and its evidence, or why
/// there was none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResolutionPayload {
    #[serde(default)]
    pub conclusion: Option<EntryOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Baseline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Baseline>,
    /// The CHECK_STATUS operation that gave the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_status_operation_id: Option<i64>,
    /// Why nothing could be concluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A feedback entry's payload: the notification as received (access code
/// masked), when it arrived, and its fingerprint (what makes a second
/// delivery of it a duplicate).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedbackPayload {
    pub notification: ParamsField,
    /// When the notification arrived: the payment's transaction time.
    pub received_ms: i64,
    /// SHA-256 of its signed parameters (`aps::notification`).
    pub fingerprint: String,
    /// `form` or `json`.
    pub format: String,
}

/// An `accepted` entry's payload: what `journal verify` said of the
/// journal's head when the operator decided to continue from it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AcceptancePayload {
    /// The findings about the head (anchor, witness), as shown.
    pub findings: Vec<String>,
    /// How many entries the journal had when it was accepted.
    pub entries_before: i64,
}

/// Reads a payload; an unreadable one reads as empty (the chain reports a
/// payload that was changed).
pub fn read<T: for<'de> Deserialize<'de> + Default>(payload: &str) -> T {
    serde_json::from_str(payload).unwrap_or_default()
}

/// Writes a payload as one JSON document.
pub fn write<T: Serialize>(payload: &T) -> String {
    serde_json::to_string(payload).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_objects_now_and_strings_in_older_entries_still_read() {
        let params: Params = [("amount", "12500"), ("merchant_reference", "A-1")]
            .into_iter()
            .collect();
        let written = write(&RequestPayload {
            request: ParamsField::from_params(&params),
            timeout_ms: Some(60_000),
            ..RequestPayload::default()
        });
        assert!(
            written.starts_with(r#"{"request":{"amount":"12500""#),
            "one JSON document, not JSON in a string: {written}"
        );
        let read_back: RequestPayload = read(&written);
        assert_eq!(read_back.request.params(), Some(params.clone()));
        let legacy = r#"{"request":"{\"amount\":\"12500\",\"merchant_reference\":\"A-1\"}","baseline":null}"#;
        let old: RequestPayload = read(legacy);
        assert_eq!(old.request.params(), Some(params));
        assert_eq!(old.endpoint, None);
    }
}
