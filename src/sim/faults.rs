//! Faults the simulator can inject, for the reliability tests and for trying
//! what the app does when APS misbehaves.
//!
//! A rule matches a command (or every command) and fires a number of times (or
//! until cleared). Faults that come *after* the operation (a dropped connection,
//! a malformed or badly signed answer) leave the operation applied: that is the
//! case a back office must reconcile, because the money moved and the answer was lost.

use serde::{Deserialize, Serialize};

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait this long before answering normally (the operation is applied).
    Latency { millis: u64 },
    /// Apply the operation, then close the connection without answering.
    DropAfterApply,
    /// Apply the operation, then wait this long before answering: the window
    /// in which a client process can die with its operation applied.
    HangAfterApply { millis: u64 },
    /// Answer this HTTP status without applying anything (500, 503, 429...).
    HttpStatus { status: u16 },
    /// Apply the operation, then answer a body that is not JSON.
    MalformedJson,
    /// Apply the operation, then sign the answer with the wrong phrase.
    WrongSignature,
    /// Apply the operation, then answer without a signature.
    MissingSignature,
    /// Answer correctly signed, but without the running totals
    /// (`authorized_amount`, `captured_amount`, `refunded_amount`): an answer
    /// that proves nothing about what an operation did.
    OmitTotals,
    /// The operation's transaction feedback is never posted.
    DropNotification,
    /// The operation's transaction feedback is posted this much later.
    DelayNotification { millis: u64 },
    /// The operation's transaction feedback is posted twice.
    DuplicateNotification,
}

impl FaultKind {
    /// Whether the operation is applied before the fault shows.
    pub fn applies_operation(self) -> bool {
        !matches!(self, FaultKind::HttpStatus { .. })
    }

    /// Whether the fault is on the transaction feedback (the notification
    /// posted to the merchant), not on the answer to the request.
    pub fn is_on_notification(self) -> bool {
        match self {
            FaultKind::DropNotification
            | FaultKind::DelayNotification { .. }
            | FaultKind::DuplicateNotification => true,
            FaultKind::Latency { .. }
            | FaultKind::DropAfterApply
            | FaultKind::HangAfterApply { .. }
            | FaultKind::HttpStatus { .. }
            | FaultKind::MalformedJson
            | FaultKind::WrongSignature
            | FaultKind::MissingSignature
            | FaultKind::OmitTotals => false,
        }
    }
}

/// When and how often a fault fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// The command name (`REFUND`, `CHECK_STATUS`...), or `None` for every command.
    #[serde(default)]
    pub command: Option<String>,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many requests it fires for; `None` until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

impl FaultRule {
    /// A fault on the next request of `command` only.
    pub fn once(command: crate::aps::Command, kind: FaultKind) -> FaultRule {
        FaultRule {
            command: Some(command.name().to_owned()),
            kind,
            times: Some(1),
        }
    }
}

/// The rules in force, first match wins.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    pub fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// The fault for a request of `command` (not one on its notification),
    /// counting it down.
    pub fn take(&mut self, command: Option<&str>) -> Option<FaultKind> {
        self.take_where(command, |kind| !kind.is_on_notification())
    }

    /// The fault for the notification of an operation of `command`, counting it down.
    pub fn take_notification(&mut self, command: Option<&str>) -> Option<FaultKind> {
        self.take_where(command, FaultKind::is_on_notification)
    }

    fn take_where(
        &mut self,
        command: Option<&str>,
        wanted: impl Fn(FaultKind) -> bool,
    ) -> Option<FaultKind> {
        let index = self.rules.iter().position(|rule| {
            (rule.command.is_none() || rule.command.as_deref() == command) && wanted(rule.kind)
        })?;
        let rule = &mut self.rules[index];
        let kind = rule.kind;
        if let Some(times) = &mut rule.times {
            *times = times.saturating_sub(1);
            if *times == 0 {
                self.rules.remove(index);
            }
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::Command;

    #[test]
    fn rules_match_their_command_and_count_down() {
        let mut faults = Faults::default();
        faults.add(FaultRule::once(Command::Refund, FaultKind::DropAfterApply));
        assert_eq!(faults.take(Some("CAPTURE")), None);
        assert_eq!(faults.take(Some("REFUND")), Some(FaultKind::DropAfterApply));
        assert_eq!(faults.take(Some("REFUND")), None);
        faults.add(FaultRule {
            command: None,
            kind: FaultKind::HttpStatus { status: 503 },
            times: None,
        });
        assert!(faults.take(Some("CAPTURE")).is_some());
        assert!(faults.take(None).is_some());
        // A notification's fault is not a request's, and the other way round.
        faults.clear();
        faults.add(FaultRule::once(
            Command::Capture,
            FaultKind::DropNotification,
        ));
        assert_eq!(faults.take(Some("CAPTURE")), None);
        assert_eq!(
            faults.take_notification(Some("CAPTURE")),
            Some(FaultKind::DropNotification)
        );
        assert_eq!(faults.take_notification(Some("CAPTURE")), None);
    }

    #[test]
    fn rules_read_from_json() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"command":"REFUND","kind":"http_status","status":503,"times":2}"#,
        )
        .expect("valid");
        assert_eq!(rule.kind, FaultKind::HttpStatus { status: 503 });
        assert_eq!(rule.times, Some(2));
    }
}
