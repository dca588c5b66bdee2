//! The receiver of APS's transaction feedback (`apsdesk feedback serve`, and
//! in-process for the demo): an HTTP endpoint that takes the notifications
//! APS posts to the Direct Feedback and Notification Feedback URLs, checks
//! them (`aps::notification`) and records them in the journal
//! (`Journal::record_feedback`).
//!
//! Answers, so that APS knows whether to try again:
//! - `200` a notification recorded, or one recorded before (a duplicate
//!   adds nothing);
//! - `400` a body that is not a notification of this account: no or a wrong
//!   signature, another merchant, not a payment or maintenance result, a
//!   parameter named twice, malformed, ended before its announced length
//!   (counted and logged by kind, never with the body's values;
//!   nothing recorded, no order created);
//! - `413` a body over [`MAX_BODY_BYTES`]; `408` a body not whole within
//!   [`ServeLimits::body_timeout`]; `405` anything but POST;
//! - `429` over the rate limit (a token bucket: APS retries later);
//! - `503` the journal cannot write now (locked, key missing, disk): APS
//!   tries again later.
//!
//! A connection that does not send a request's headers within
//! [`ServeLimits::header_read_timeout`] (idle between requests included) is
//! closed; beyond [`ServeLimits::max_connections`] open at once, a new
//! connection is closed as soon as it is accepted: slow or idle clients
//! cannot hold the process's file descriptors.
//!
//! What a notification may change is decided in `projection::apply_feedback`:
//! never a total the desk learnt from APS itself, never an open operation.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};

use crate::aps::client::Credentials;
pub use crate::aps::notification::MAX_BODY_BYTES;
use crate::aps::notification::{self, Notification, Rejection};
use crate::journal::projection::FeedbackEffect;
use crate::journal::store::{FeedbackRecord, now_ms};
use crate::journal::{Actor, Journal, JournalError};

/// The operator feedback entries are recorded under: APS, not a person.
pub const OPERATOR: &str = "aps-feedback";

/// How fast notifications are taken: a bucket of `burst` tokens refilled at
/// `per_second`. APS sends one or two notifications per transaction; the
/// bound is against a flood, not against APS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            per_second: 50.0,
            burst: 200.0,
        }
    }
}

#[derive(Debug)]
struct Bucket {
    limit: RateLimit,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * self.limit.per_second;
        self.tokens = (self.tokens + refill).min(self.limit.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// How long a client may take and how many may be connected at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// From a connection's start (or its previous answer) to the end of a
    /// request's headers; for TLS, the handshake too.
    pub header_read_timeout: Duration,
    /// From the end of the headers to the end of the body.
    pub body_timeout: Duration,
    /// Connections open at once; more are closed on arrival.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    /// A notification is a few hundred bytes that APS sends at once: ten
    /// seconds is ample for each part; a few hundred connections is far
    /// more than APS opens, far less than a process's descriptors.
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 512,
        }
    }
}

/// What the receiver has answered since it started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub recorded: u64,
    pub duplicates: u64,
    /// Rejected bodies by kind (`Rejection::kind`).
    pub rejected: BTreeMap<&'static str, u64>,
    pub rate_limited: u64,
    pub unavailable: u64,
}

impl Counts {
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }
}

/// What became of one posted body.
#[derive(Debug)]
pub enum Received {
    Recorded {
        notification: Box<Notification>,
        effect: FeedbackEffect,
    },
    Duplicate,
    Rejected(Rejection),
    RateLimited,
    /// The journal could not record it (why, without the body).
    Unavailable(String),
}

impl Received {
    pub fn status(&self) -> StatusCode {
        match self {
            Received::Recorded { .. } | Received::Duplicate => StatusCode::OK,
            Received::Rejected(Rejection::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
            Received::Rejected(Rejection::BodyTimeout) => StatusCode::REQUEST_TIMEOUT,
            Received::Rejected(_) => StatusCode::BAD_REQUEST,
            Received::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Received::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// Checks and records notifications for one account into one journal.
#[derive(Debug)]
pub struct Receiver {
    credentials: Credentials,
    /// The account's Apple Pay set, when it has one: its transactions'
    /// notifications are signed with it.
    apple_pay: Option<Credentials>,
    actor: Actor,
    journal: Arc<Mutex<Journal>>,
    counts: Mutex<Counts>,
    bucket: Mutex<Bucket>,
    limits: ServeLimits,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Receiver {
    /// A receiver for the account of `credentials`, recording as `actor`
    /// (its profile and environment: where the account's orders are filed).
    pub fn new(
        credentials: Credentials,
        actor: Actor,
        journal: Arc<Mutex<Journal>>,
        limit: RateLimit,
    ) -> Receiver {
        Receiver {
            credentials,
            apple_pay: None,
            actor,
            journal,
            counts: Mutex::default(),
            bucket: Mutex::new(Bucket {
                limit,
                tokens: limit.burst,
                at: Instant::now(),
            }),
            limits: ServeLimits::default(),
        }
    }

    /// The same receiver, also taking the notifications of transactions made
    /// with the account's Apple Pay set (`None`: it has none).
    #[must_use]
    pub fn with_apple_pay(mut self, apple_pay: Option<Credentials>) -> Receiver {
        self.apple_pay = apple_pay;
        self
    }

    /// The same receiver, served with `limits` instead of the defaults.
    #[must_use]
    pub fn with_limits(mut self, limits: ServeLimits) -> Receiver {
        self.limits = limits;
        self
    }

    pub fn counts(&self) -> Counts {
        lock(&self.counts).clone()
    }

    /// Takes one posted body that arrived at `received_ms` (blocking: it
    /// writes the journal). The rate limit is the caller's ([`Receiver::admit`]).
    pub fn receive(&self, body: &[u8], content_type: Option<&str>, received_ms: i64) -> Received {
        let received = match notification::receive_for(
            body,
            content_type,
            &self.credentials,
            self.apple_pay.as_ref(),
        ) {
            Err(rejection) => Received::Rejected(rejection),
            Ok(notification) => self.record(notification, received_ms),
        };
        self.count(&received);
        received
    }

    /// Whether the rate limit lets one more body in; counts the refusal.
    pub fn admit(&self) -> bool {
        let admitted = lock(&self.bucket).take();
        if !admitted {
            self.count(&Received::RateLimited);
        }
        admitted
    }

    fn record(&self, notification: Notification, received_ms: i64) -> Received {
        let recorded = lock(&self.journal).record_feedback(&self.actor, &notification, received_ms);
        match recorded {
            Ok(FeedbackRecord::Recorded { effect, .. }) => Received::Recorded {
                notification: Box::new(notification),
                effect,
            },
            Ok(FeedbackRecord::Duplicate { .. }) => Received::Duplicate,
            // The store's own guard (a security code, a card number in
            // another field): the body is refused, not retried.
            Err(JournalError::CardNumberInPayload) => Received::Rejected(Rejection::FullCardNumber),
            Err(error) => Received::Unavailable(error.to_string()),
        }
    }

    fn count(&self, received: &Received) {
        let mut counts = lock(&self.counts);
        match received {
            Received::Recorded {
                notification,
                effect,
            } => {
                counts.recorded += 1;
                tracing::info!(
                    merchant_reference = %notification.merchant_reference,
                    command = %notification.command,
                    response_code = %notification.response_code,
                    ?effect,
                    "feedback recorded"
                );
                if *effect == FeedbackEffect::AmountDiffers {
                    tracing::warn!(
                        merchant_reference = %notification.merchant_reference,
                        "feedback amount or currency differs from the order's: its money was not recorded"
                    );
                }
            }
            Received::Duplicate => {
                counts.duplicates += 1;
                tracing::info!("feedback duplicate: already recorded");
            }
            Received::Rejected(rejection) => {
                *counts.rejected.entry(rejection.kind()).or_default() += 1;
                tracing::warn!(kind = rejection.kind(), "feedback rejected: {rejection}");
            }
            Received::RateLimited => {
                counts.rate_limited += 1;
                tracing::warn!("feedback refused: over the rate limit");
            }
            Received::Unavailable(why) => {
                counts.unavailable += 1;
                tracing::error!("feedback not recorded, the journal cannot write: {why}");
            }
        }
    }
}

/// The receiver serving on a local port. Dropping it stops the server.
#[derive(Debug)]
pub struct RunningReceiver {
    address: SocketAddr,
    receiver: Arc<Receiver>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningReceiver {
    /// Binds `listen` (port 0 picks a free port) and serves every path.
    pub async fn start(
        receiver: Arc<Receiver>,
        listen: SocketAddr,
    ) -> std::io::Result<RunningReceiver> {
        Self::serve(receiver, listen, None).await
    }

    /// Binds `listen` and serves every path over TLS with `tls` (see
    /// [`tls_config`]): for a receiver reached without a reverse proxy.
    pub async fn start_tls(
        receiver: Arc<Receiver>,
        listen: SocketAddr,
        tls: Arc<rustls::ServerConfig>,
    ) -> std::io::Result<RunningReceiver> {
        Self::serve(receiver, listen, Some(tokio_rustls::TlsAcceptor::from(tls))).await
    }

    /// One accept loop for plain and TLS: each connection on its own task,
    /// bounded in number and in time (`ServeLimits`). On shutdown, no new
    /// connection is taken and open ones finish their request (for at most
    /// the time a request may take).
    async fn serve(
        receiver: Arc<Receiver>,
        listen: SocketAddr,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> std::io::Result<RunningReceiver> {
        let listener = TcpListener::bind(listen).await?;
        let address = listener.local_addr()?;
        let limits = receiver.limits;
        let router = Router::new()
            .fallback(take_notification)
            .with_state(Arc::clone(&receiver));
        let (shutdown, mut stop) = oneshot::channel::<()>();
        let (stopping, stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let slots = Arc::new(Semaphore::new(limits.max_connections));
            let mut full = false;
            loop {
                let accepted = tokio::select! {
                    _ = &mut stop => break,
                    accepted = listener.accept() => accepted,
                };
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        // Out of descriptors, most likely: give the open
                        // connections time to end instead of spinning.
                        tracing::warn!("feedback receiver cannot accept: {error}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
                    // Said once while full, not once per connection: a
                    // flood would flood the log too.
                    if !full {
                        tracing::warn!(
                            max_connections = limits.max_connections,
                            "feedback connections closed on arrival: too many open"
                        );
                    }
                    full = true;
                    drop(stream);
                    continue;
                };
                full = false;
                let service = hyper_util::service::TowerToHyperService::new(router.clone());
                let tls = tls.clone();
                let stopped = stopped.clone();
                tokio::spawn(async move {
                    let _slot = slot;
                    match tls {
                        None => serve_connection(stream, service, limits, stopped).await,
                        Some(acceptor) => {
                            // A client that never finishes its handshake
                            // holds nothing for long.
                            let handshake = tokio::time::timeout(
                                limits.header_read_timeout,
                                acceptor.accept(stream),
                            )
                            .await;
                            if let Ok(Ok(tls)) = handshake {
                                serve_connection(tls, service, limits, stopped).await;
                            }
                        }
                    }
                });
            }
            let _ = stopping.send(true);
            let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
            let _ = tokio::time::timeout(
                limits.header_read_timeout + limits.body_timeout,
                slots.acquire_many(all),
            )
            .await;
        });
        Ok(RunningReceiver {
            address,
            receiver,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://ADDRESS/feedback`: any path is served; this one reads well.
    pub fn url(&self) -> String {
        format!("http://{}/feedback", self.address)
    }

    pub fn receiver(&self) -> &Arc<Receiver> {
        &self.receiver
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningReceiver {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// A TLS configuration from a certificate chain and its private key, both
/// PEM files (what a certificate authority or `certbot` gives). The errors
/// name the file, never the key.
pub fn tls_config(
    certificate: &std::path::Path,
    key: &std::path::Path,
) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls_pki_types::pem::PemObject as _;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(certificate)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|error| format!("--tls-cert {}: {error}", certificate.display()))?;
    if chain.is_empty() {
        return Err(format!(
            "--tls-cert {}: no certificate in the file",
            certificate.display()
        ));
    }
    let private_key = PrivateKeyDer::from_pem_file(key)
        .map_err(|error| format!("--tls-key {}: {error}", key.display()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| error.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .map(Arc::new)
        .map_err(|error| format!("--tls-cert/--tls-key: {error}"))
}

/// Serves one connection's requests, its headers bounded in time by hyper
/// (idle time between requests included), until the client closes, a
/// timeout closes it, or the receiver stops (after the request in hand).
async fn serve_connection<I>(
    io: I,
    service: hyper_util::service::TowerToHyperService<Router>,
    limits: ServeLimits,
    mut stopped: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(io), service);
    tokio::pin!(connection);
    let finished = tokio::select! {
        finished = connection.as_mut() => finished,
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = finished {
        tracing::debug!("feedback connection: {error}");
    }
}

/// A request's body, at most [`MAX_BODY_BYTES`], whole within `within`.
async fn read_body(body: Body, within: Duration) -> Result<Vec<u8>, Rejection> {
    let reading = async {
        let mut chunks = body.into_data_stream();
        let mut bytes = Vec::new();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|_| Rejection::IncompleteBody)?;
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Rejection::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    };
    tokio::time::timeout(within, reading)
        .await
        .unwrap_or(Err(Rejection::BodyTimeout))
}

/// Every request, whatever its path: the merchant chooses the URL.
async fn take_notification(
    State(taker): State<Arc<Receiver>>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "APS transaction feedback: POST only\n",
        )
            .into_response();
    }
    let received_ms = now_ms();
    if !taker.admit() {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "too many notifications: try again\n",
        )
            .into_response();
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let outcome = match read_body(body, taker.limits.body_timeout).await {
        Err(rejection) => {
            let outcome = Received::Rejected(rejection);
            taker.count(&outcome);
            outcome
        }
        Ok(bytes) => {
            let worker = Arc::clone(&taker);
            tokio::task::spawn_blocking(move || {
                worker.receive(&bytes, content_type.as_deref(), received_ms)
            })
            .await
            .unwrap_or_else(|error| Received::Unavailable(error.to_string()))
        }
    };
    let text = match &outcome {
        Received::Recorded { .. } => "recorded\n".to_owned(),
        Received::Duplicate => "already recorded\n".to_owned(),
        Received::Rejected(rejection) => format!("refused: {rejection}\n"),
        Received::RateLimited => "too many notifications: try again\n".to_owned(),
        Received::Unavailable(_) => "the journal cannot record it now: try again\n".to_owned(),
    };
    (outcome.status(), text).into_response()
}
