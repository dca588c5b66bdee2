//! What an answer must be about: the parameters of its request it has to
//! echo, checked once, beside the signature.
//!
//! A valid signature proves that APS wrote an answer, not that it answered
//! *this* request. A relay that can see APS's answers (a TLS-inspecting
//! proxy, a caching middlebox, a load balancer that mixes connections up)
//! can hand back a genuine answer about another order, another amount or
//! another refund. APS echoes every parameter it was sent (reference §4), so
//! an answer that does not carry the request's account, command, order,
//! amount, currency, `fort_id`, refund id or link is about something
//! else: the client classes it *untrusted* and it proves nothing.
//!
//! [`Expectation::of_request`] reads what must come back from the signed
//! request itself, so no request type can forget a field; a caller adds
//! what it knows beyond the request ([`Expectation::also_if_present`]: the
//! `fort_id` the journal already knows of the order).

use super::command::Command;
use super::params::Params;

/// The parameters an answer must echo whenever its request carried them.
/// The command's own key (`command`, `query_command`, `service_command`) is
/// added by [`Expectation::of_request`].
///
/// A token's name is not among them: APS answers a renamed token by its new
/// name, and a token update moves no money; its merchant reference binds it.
pub const ECHOED: [&str; 7] = [
    "merchant_identifier",
    "merchant_reference",
    "amount",
    "currency",
    "fort_id",
    "maintenance_reference",
    "payment_link_id",
];

/// How strictly one parameter is held to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EchoRule {
    /// The answer must carry the parameter, with this value (it was sent).
    Carried,
    /// If the answer carries the parameter, it has this value (known from
    /// elsewhere, not sent: an answer that does not name it is not
    /// contradicting it).
    IfPresent,
}

/// One parameter an answer is held to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    pub field: &'static str,
    pub value: String,
    pub rule: EchoRule,
}

/// A parameter of the answer that is not what the request said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EchoMismatch {
    pub field: &'static str,
    pub expected: String,
    /// What the answer said; `None` when it said nothing.
    pub received: Option<String>,
}

impl std::fmt::Display for EchoMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.received {
            Some(received) => write!(f, "{} is {received:?}, not {:?}", self.field, self.expected),
            None => write!(f, "{} is missing (sent {:?})", self.field, self.expected),
        }
    }
}

/// Everything an answer must echo.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectation {
    echoes: Vec<Echo>,
}

impl Expectation {
    /// What the answer to `signed` (the request as sent, credentials
    /// included) must carry: its command and every [`ECHOED`] parameter it has.
    pub fn of_request(command: Command, signed: &Params) -> Expectation {
        let mut echoes = vec![Echo {
            field: command.key().as_str(),
            value: command.name().to_owned(),
            rule: EchoRule::Carried,
        }];
        echoes.extend(ECHOED.iter().filter_map(|&field| {
            signed.non_empty(field).map(|value| Echo {
                field,
                value: value.to_owned(),
                rule: EchoRule::Carried,
            })
        }));
        Expectation { echoes }
    }

    /// Also holds the answer to `value` for `field` wherever it names it
    /// (a value the caller knows that the request did not carry). A field
    /// the request carried keeps its stricter rule.
    #[must_use]
    pub fn also_if_present(mut self, field: &'static str, value: &str) -> Expectation {
        if !self.echoes.iter().any(|echo| echo.field == field) {
            self.echoes.push(Echo {
                field,
                value: value.to_owned(),
                rule: EchoRule::IfPresent,
            });
        }
        self
    }

    pub fn echoes(&self) -> &[Echo] {
        &self.echoes
    }

    /// Every parameter of `answer` that is not what it must be.
    pub fn mismatches(&self, answer: &Params) -> Vec<EchoMismatch> {
        self.echoes
            .iter()
            .filter_map(|echo| {
                let received = answer.text(echo.field);
                let agrees = match (echo.rule, received) {
                    (EchoRule::Carried | EchoRule::IfPresent, Some(received)) => {
                        received == echo.value
                    }
                    (EchoRule::Carried, None) => false,
                    (EchoRule::IfPresent, None) => true,
                };
                (!agrees).then(|| EchoMismatch {
                    field: echo.field,
                    expected: echo.value.clone(),
                    received: received.map(str::to_owned),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn capture() -> Params {
        [
            ("command", "CAPTURE"),
            ("access_code", "secret"),
            ("merchant_identifier", "MID"),
            ("merchant_reference", "M-1"),
            ("amount", "4000"),
            ("currency", "KWD"),
            ("language", "en"),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn a_capture_answer_must_echo_account_command_order_amount_and_currency() {
        let expectation = Expectation::of_request(Command::Capture, &capture());
        let fields: Vec<_> = expectation.echoes().iter().map(|echo| echo.field).collect();
        assert_eq!(
            fields,
            [
                "command",
                "merchant_identifier",
                "merchant_reference",
                "amount",
                "currency"
            ]
        );
        let mut answer = capture();
        answer.set("response_code", "04000");
        assert!(expectation.mismatches(&answer).is_empty());
        for (field, other) in [
            ("command", "REFUND"),
            ("merchant_identifier", "OTHER"),
            ("merchant_reference", "M-2"),
            ("amount", "40000"),
            ("currency", "SAR"),
        ] {
            let mut wrong = answer.clone();
            wrong.set(field, other);
            let mismatches = expectation.mismatches(&wrong);
            assert_eq!(mismatches.len(), 1, "{field}");
            assert_eq!(mismatches[0].field, field);
            assert_eq!(mismatches[0].received.as_deref(), Some(other));
            let mut missing = answer.clone();
            missing.remove(field);
            assert_eq!(
                expectation.mismatches(&missing)[0].received,
                None,
                "{field}"
            );
        }
    }

    #[test]
    fn a_known_fort_id_binds_only_answers_that_name_one() {
        let expectation =
            Expectation::of_request(Command::Capture, &capture()).also_if_present("fort_id", "17");
        let mut answer = capture();
        assert!(expectation.mismatches(&answer).is_empty());
        answer.set("fort_id", "17");
        assert!(expectation.mismatches(&answer).is_empty());
        answer.set("fort_id", "18");
        assert_eq!(expectation.mismatches(&answer)[0].field, "fort_id");
        // Sent, it must come back.
        let mut sent = capture();
        sent.set("fort_id", "17");
        let strict =
            Expectation::of_request(Command::Capture, &sent).also_if_present("fort_id", "99");
        assert_eq!(strict.mismatches(&capture())[0].expected, "17");
    }

    proptest! {
        /// Whatever other order's answer a relay hands back, an answer whose
        /// reference, amount or currency differs from the request's is caught.
        #[test]
        fn another_orders_answer_never_passes(
            reference in "[A-Za-z0-9_.-]{1,40}",
            other_reference in "[A-Za-z0-9_.-]{1,40}",
            amount in 1u64..10_000_000_000,
            other_amount in 1u64..10_000_000_000,
        ) {
            let mut request = capture();
            request.set("merchant_reference", reference.as_str());
            request.set("amount", amount.to_string());
            let expectation = Expectation::of_request(Command::Capture, &request);
            let mut answer = request.clone();
            answer.set("merchant_reference", other_reference.as_str());
            answer.set("amount", other_amount.to_string());
            let same = reference == other_reference && amount == other_amount;
            prop_assert_eq!(expectation.mismatches(&answer).is_empty(), same);
        }
    }
}
