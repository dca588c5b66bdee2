//! The simulator's transaction feedback: each notification the state makes
//! (`SimState::take_notifications`) is signed with the response phrase of the
//! credential set its transaction was made with (the Apple Pay set's for an
//! Apple Pay payment and its maintenance, as APS does) and
//! posted as a form to the merchant's feedback URL, as APS does, tried again a
//! few times while the answer is not `200`. Fault rules on notifications
//! (`drop_notification`, `delay_notification`, `duplicate_notification`)
//! fire here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::aps::client::Credentials;
use crate::aps::notification::form_body;
use crate::aps::params::Params;

use super::faults::FaultKind;

/// How many times a notification is posted before the simulator gives up.
pub const ATTEMPTS: u32 = 4;

/// What came of the simulator's notifications, for tests and the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    /// Answered `200` (duplicates posted by a fault count once each).
    pub delivered: u64,
    /// Not answered `200` after every attempt.
    pub given_up: u64,
    /// Dropped by a fault rule.
    pub dropped: u64,
}

/// Posts signed notifications to one URL.
#[derive(Debug)]
pub struct FeedbackSender {
    url: String,
    client: reqwest::Client,
    retry_delay: Duration,
    delivered: AtomicU64,
    given_up: AtomicU64,
    dropped: AtomicU64,
}

impl FeedbackSender {
    /// A sender to `url` (http or https).
    pub fn new(url: &str) -> Result<FeedbackSender, String> {
        let parsed = reqwest::Url::parse(url).map_err(|error| format!("{url}: {error}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("{url}: the feedback URL must be http or https"));
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| error.to_string())?;
        Ok(FeedbackSender {
            url: url.to_owned(),
            client,
            retry_delay: Duration::from_millis(250),
            delivered: AtomicU64::new(0),
            given_up: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn counts(&self) -> DeliveryCounts {
        DeliveryCounts {
            delivered: self.delivered.load(Ordering::Relaxed),
            given_up: self.given_up.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
        }
    }

    /// Delivers one notification signed with `signing`, with the fault a
    /// rule gave it.
    pub async fn deliver(
        &self,
        notification: Params,
        signing: &Credentials,
        fault: Option<FaultKind>,
    ) {
        let body = form_body(&notification, signing);
        let times = match fault {
            Some(FaultKind::DropNotification) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Some(FaultKind::DelayNotification { millis }) => {
                tokio::time::sleep(Duration::from_millis(millis)).await;
                1
            }
            Some(FaultKind::DuplicateNotification) => 2,
            Some(_) | None => 1,
        };
        for _ in 0..times {
            self.post_with_retries(&body).await;
        }
    }

    async fn post_with_retries(&self, body: &str) {
        for attempt in 1..=ATTEMPTS {
            let answer = self
                .client
                .post(&self.url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body.to_owned())
                .send()
                .await;
            match answer {
                Ok(response) if response.status() == reqwest::StatusCode::OK => {
                    self.delivered.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Ok(response) => tracing::warn!(
                    "feedback to {} answered {} (attempt {attempt} of {ATTEMPTS})",
                    self.url,
                    response.status()
                ),
                Err(error) => tracing::warn!(
                    "feedback to {} failed: {error} (attempt {attempt} of {ATTEMPTS})",
                    self.url
                ),
            }
            if attempt < ATTEMPTS {
                tokio::time::sleep(self.retry_delay * attempt).await;
            }
        }
        self.given_up.fetch_add(1, Ordering::Relaxed);
    }
}
