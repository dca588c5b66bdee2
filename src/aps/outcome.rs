//! What a response means for the operator: the four outcome classes of reference §6.
//!
//! - **Succeeded**: the command's success status.
//! - **Declined**: its failure status, or `00` (invalid request): nothing happened.
//! - **Uncertain**: statuses 15, 19 and 20, any message 006, codes 15777–15781,
//!   a status the command should never answer with, and every transport failure
//!   after the request left. The money may or may not have moved.
//! - **Untrusted**: the response's signature is missing or does not check.
//!
//! Classification is a pure function of the command and the received parameters
//! so that it can be tested as a table.

use std::fmt;

use super::command::Command;
use super::params::Params;

/// The class of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeClass {
    Succeeded,
    Declined,
    Uncertain,
    Untrusted,
}

impl OutcomeClass {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeClass::Succeeded => "succeeded",
            OutcomeClass::Declined => "declined",
            OutcomeClass::Uncertain => "uncertain",
            OutcomeClass::Untrusted => "untrusted",
        }
    }
}

impl fmt::Display for OutcomeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A five-digit `response_code`: two digits of status, three of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResponseCode {
    digits: [u8; 5],
}

impl ResponseCode {
    /// Parses `05042`; anything but five ASCII digits is `None`.
    pub fn parse(text: &str) -> Option<ResponseCode> {
        let bytes: [u8; 5] = text.as_bytes().try_into().ok()?;
        bytes
            .iter()
            .all(u8::is_ascii_digit)
            .then_some(ResponseCode { digits: bytes })
    }

    /// Builds a code from its parts, e.g. (`"05"`, `"042"`).
    pub fn from_parts(status: &str, message: &str) -> Option<ResponseCode> {
        ResponseCode::parse(&format!("{status}{message}"))
    }

    pub fn status(&self) -> &str {
        // Five ASCII digits are valid UTF-8 at every boundary.
        std::str::from_utf8(&self.digits[..2]).unwrap_or_default()
    }

    pub fn message(&self) -> &str {
        std::str::from_utf8(&self.digits[2..]).unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits).unwrap_or_default()
    }
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a response that checked was classed as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub class: OutcomeClass,
    /// The status used (from `status`, or the first two digits of `response_code`).
    pub status: Option<String>,
    pub response_code: Option<ResponseCode>,
}

/// Classes a response whose signature has already been checked.
pub fn classify(command: Command, params: &Params) -> Classification {
    let response_code = params.text("response_code").and_then(ResponseCode::parse);
    let status = params
        .non_empty("status")
        .map(str::to_owned)
        .or_else(|| response_code.map(|code| code.status().to_owned()));
    let message = response_code.map(|code| code.message().to_owned());
    let disagree = matches!(
        (params.non_empty("status"), response_code),
        (Some(status), Some(code)) if status != code.status()
    );
    let class = if disagree {
        // A status and a code that contradict each other cannot be trusted either way.
        OutcomeClass::Uncertain
    } else {
        class_of(command, status.as_deref(), message.as_deref())
    };
    Classification {
        class,
        status,
        response_code,
    }
}

/// The class for a status and message of a command's response.
pub fn class_of(command: Command, status: Option<&str>, message: Option<&str>) -> OutcomeClass {
    let Some(status) = status else {
        // A signed answer without a status says nothing about the money.
        return OutcomeClass::Uncertain;
    };
    if message == Some("006") {
        return OutcomeClass::Uncertain;
    }
    let (success, failure) = command.status_pair();
    if status == success {
        return OutcomeClass::Succeeded;
    }
    if status == failure || status == "00" {
        return OutcomeClass::Declined;
    }
    // 15 uncertain, 19 pending, 20 on hold (which the PHP SDK wrongly counts as
    // success) and any status foreign to this command: ask CHECK_STATUS.
    OutcomeClass::Uncertain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_codes_split_into_status_and_message() {
        let code = ResponseCode::parse("05042").expect("five digits");
        assert_eq!((code.status(), code.message()), ("05", "042"));
        assert_eq!(ResponseCode::parse("5042"), None);
        assert_eq!(ResponseCode::parse("0504a"), None);
        assert_eq!(ResponseCode::parse("050420"), None);
    }

    #[test]
    fn classes_as_a_table() {
        use Command::{Capture, CheckStatus, Purchase, Refund, VoidAuthorization};
        use OutcomeClass::{Declined, Succeeded, Uncertain};
        let cases = [
            (Capture, "04000", Succeeded),
            (Capture, "05042", Declined),
            (Capture, "00001", Declined),
            (Capture, "04006", Uncertain),
            (Capture, "05006", Uncertain),
            (Refund, "06000", Succeeded),
            (Refund, "07048", Declined),
            (Refund, "15777", Uncertain),
            (Refund, "15781", Uncertain),
            (Refund, "19000", Uncertain),
            (Refund, "20064", Uncertain),
            (Refund, "04000", Uncertain),
            (VoidAuthorization, "08000", Succeeded),
            (VoidAuthorization, "09034", Declined),
            (CheckStatus, "12000", Succeeded),
            (CheckStatus, "11036", Declined),
            (Purchase, "14000", Succeeded),
            (Purchase, "13666", Declined),
            (Purchase, "00072", Declined),
        ];
        for (command, code, expected) in cases {
            let params: Params = [("response_code", code)].into_iter().collect();
            assert_eq!(
                classify(command, &params).class,
                expected,
                "{command} {code}"
            );
        }
    }

    #[test]
    fn contradicting_or_absent_statuses_are_uncertain() {
        let params: Params = [("status", "04"), ("response_code", "05042")]
            .into_iter()
            .collect();
        assert_eq!(
            classify(Command::Capture, &params).class,
            OutcomeClass::Uncertain
        );
        let params: Params = [("status", "04"), ("response_code", "04000")]
            .into_iter()
            .collect();
        assert_eq!(
            classify(Command::Capture, &params).class,
            OutcomeClass::Succeeded
        );
        let params = Params::new();
        assert_eq!(
            classify(Command::Capture, &params).class,
            OutcomeClass::Uncertain
        );
    }
}
