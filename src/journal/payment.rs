//! A payment's own result and time, kept apart from what later operations
//! and status checks say about its order.
//!
//! An order's `last_response_code` is whatever APS answered last: after a
//! CHECK_STATUS it is `12000`, which says the *look-up* succeeded, not the
//! payment. A receipt must print the payment's result (a KNET purchase is
//! `14000`) and, for KNET, the transaction date (go-live checklist). So the
//! journal keeps the AUTHORIZATION or PURCHASE answer's own code and message,
//! and its time only when a source that knows it gave it: the desk's own
//! operation, APS's transaction feedback, an imported row. When no source
//! knows the time, there is none, and receipts say "recorded at" with the
//! journal's first sight of the order instead of passing that off as the
//! transaction date.

use std::fmt;

/// Where a payment's time was learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// APS's answer to the payment itself, received by this desk.
    Answer,
    /// APS's transaction feedback (direct or notification).
    Feedback,
    /// A row imported from another record (a report, a synthetic journal).
    Import,
}

impl TimeSource {
    pub const ALL: [TimeSource; 3] = [TimeSource::Answer, TimeSource::Feedback, TimeSource::Import];

    /// The spelling stored in `orders.payment_at_source`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeSource::Answer => "answer",
            TimeSource::Feedback => "feedback",
            TimeSource::Import => "import",
        }
    }

    pub fn parse(text: &str) -> Option<TimeSource> {
        TimeSource::ALL
            .into_iter()
            .find(|source| source.as_str() == text)
    }
}

impl fmt::Display for TimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When the payment happened, and who said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PaymentTime {
    pub at_ms: i64,
    pub source: TimeSource,
}

/// The AUTHORIZATION or PURCHASE answer of an order, as far as it is known.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PaymentResult {
    /// The payment's `response_code` (`14000`, `13666`...).
    pub response_code: Option<String>,
    /// APS's `response_message` for it, as received.
    pub response_message: Option<String>,
    /// The transaction time; `None` when no source knew it.
    pub time: Option<PaymentTime>,
}

impl PaymentResult {
    /// The two-digit status of the payment's code.
    pub fn status(&self) -> Option<&str> {
        self.response_code.as_deref().and_then(|code| code.get(..2))
    }

    /// The time as stored: `(payment_at_ms, payment_at_source)`.
    pub fn time_columns(&self) -> (Option<i64>, Option<&'static str>) {
        match self.time {
            Some(time) => (Some(time.at_ms), Some(time.source.as_str())),
            None => (None, None),
        }
    }

    /// The time from its stored columns: both or nothing (an unknown
    /// source is no source).
    pub fn time_from_columns(at_ms: Option<i64>, source: Option<&str>) -> Option<PaymentTime> {
        Some(PaymentTime {
            at_ms: at_ms?,
            source: TimeSource::parse(source?)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_round_trip_and_time_needs_both_columns() {
        for source in TimeSource::ALL {
            assert_eq!(TimeSource::parse(source.as_str()), Some(source));
        }
        assert_eq!(PaymentResult::time_from_columns(Some(5), None), None);
        assert_eq!(PaymentResult::time_from_columns(None, Some("answer")), None);
        assert_eq!(
            PaymentResult::time_from_columns(Some(5), Some("feedback")),
            Some(PaymentTime {
                at_ms: 5,
                source: TimeSource::Feedback
            })
        );
    }
}
