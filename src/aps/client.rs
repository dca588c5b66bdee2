//! The HTTP client for the APS server-to-server API.
//!
//! It adds the credentials and the language to a typed request, signs it, sends
//! it as JSON, checks the response's signature on the raw parameters and
//! classifies the result (see [`super::outcome`]). The rules that keep money safe:
//!
//! - A command that moves money is sent **once**. If anything fails after the
//!   request may have left (timeout, reset connection, non-2xx status, an
//!   unreadable body) the outcome is *uncertain*, never *declined*.
//! - A response whose signature is missing or wrong is *untrusted*, never a success.
//! - Read-only queries (CHECK_STATUS and friends) are retried with backoff.
//! - A request that provably never left (the connection could not be opened)
//!   is a [`SendError`], not an outcome: nothing can have happened.
//!
//! Secrets: the access code is sent but never kept. What the [`Outcome`] records
//! of the request and of the response has it masked.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::binding::{EchoMismatch, Expectation};
use super::command::Command;
use super::lang::Language;
use super::outcome::{self, OutcomeClass};
use super::params::Params;
use super::request::ApsRequest;
use super::response::FromParams;
use super::secret::{MASK, Secret};
use super::signature::{self, ShaType, SignatureCheck};

/// A merchant account's credentials (reference §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub merchant_identifier: String,
    pub access_code: Secret,
    pub sha_type: ShaType,
    pub request_phrase: Secret,
    pub response_phrase: Secret,
}

/// Which of an account's credential sets signs a request (reference §2):
/// the merchant's own, or the separate Apple Pay set, which the captures,
/// voids and refunds of an Apple Pay order must be signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialSet {
    Merchant,
    ApplePay,
}

impl CredentialSet {
    /// The word the journal records.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialSet::Merchant => "merchant",
            CredentialSet::ApplePay => "apple_pay",
        }
    }
}

/// The `digital_wallet` value of an Apple Pay order.
pub const APPLE_PAY_WALLET: &str = "APPLE_PAY";

/// The APS environment a request goes to, as the journal records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// Real money.
    Production,
    Sandbox,
    /// A simulator on this machine (a loopback address).
    Simulator,
    /// Any other server, allowed explicitly (`--custom-endpoint`).
    Custom,
}

impl Environment {
    pub const ALL: [Environment; 4] = [
        Environment::Production,
        Environment::Sandbox,
        Environment::Simulator,
        Environment::Custom,
    ];

    /// The word the journal records.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Sandbox => "sandbox",
            Environment::Simulator => "simulator",
            Environment::Custom => "custom",
        }
    }

    pub fn from_name(name: &str) -> Option<Environment> {
        Environment::ALL
            .into_iter()
            .find(|environment| environment.as_str() == name)
    }
}

impl std::fmt::Display for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where requests go. Built only by [`Endpoint::parse`] (or for a simulator
/// on loopback), so that the environment recorded with an operation is the
/// one its request really went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Sandbox,
    Production,
    /// A server on a loopback address, e.g. the simulator's `http://127.0.0.1:8080`.
    Simulator(String),
    /// Another server, allowed explicitly.
    Custom(String),
}

pub const SANDBOX_HOST: &str = "sbpaymentservices.payfort.com";
pub const PRODUCTION_HOST: &str = "paymentservices.payfort.com";
pub const SANDBOX_PAYMENT_API: &str = "https://sbpaymentservices.payfort.com/FortAPI/paymentApi";
pub const PRODUCTION_PAYMENT_API: &str = "https://paymentservices.payfort.com/FortAPI/paymentApi";
/// The path of the server-to-server API, on APS and on the simulator.
pub const PAYMENT_API_PATH: &str = "/FortAPI/paymentApi";

/// Why an endpoint was refused (nothing was sent anywhere).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("{0:?} is not sandbox, production or an http(s) URL")]
    NotAUrl(String),
    #[error("{host} is APS's {environment} host and is only reached over https")]
    ApsWithoutHttps {
        host: String,
        environment: Environment,
    },
    #[error(
        "the URL carries a user name or password; give credentials through the profile or the environment"
    )]
    CredentialsInUrl,
    #[error(
        "{host} is neither APS (sandbox, production) nor a simulator on this machine (a loopback address); to use it anyway, allow it with --custom-endpoint"
    )]
    NotAllowed { host: String },
}

impl Endpoint {
    /// `sandbox`, `production`, APS's own URLs (https only), or a loopback
    /// URL (the simulator). Any other server is refused.
    pub fn parse(text: &str) -> Result<Endpoint, EndpointError> {
        Endpoint::parse_allowing(text, false)
    }

    /// As [`Endpoint::parse`]; with `allow_custom`, another server is
    /// accepted as [`Endpoint::Custom`].
    pub fn parse_allowing(text: &str, allow_custom: bool) -> Result<Endpoint, EndpointError> {
        let text = text.trim();
        match text {
            "sandbox" => return Ok(Endpoint::Sandbox),
            "production" => return Ok(Endpoint::Production),
            _ => {}
        }
        let url = reqwest::Url::parse(text).map_err(|_| EndpointError::NotAUrl(text.to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(EndpointError::NotAUrl(text.to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EndpointError::CredentialsInUrl);
        }
        let Some(host) = url.host_str() else {
            return Err(EndpointError::NotAUrl(text.to_owned()));
        };
        let host_name = host.to_ascii_lowercase();
        let host_name = host_name.trim_end_matches('.');
        let aps = match host_name {
            SANDBOX_HOST => Some(Environment::Sandbox),
            PRODUCTION_HOST => Some(Environment::Production),
            _ => None,
        };
        if let Some(environment) = aps {
            if url.scheme() != "https" || url.port().is_some_and(|port| port != 443) {
                return Err(EndpointError::ApsWithoutHttps {
                    host: host_name.to_owned(),
                    environment,
                });
            }
            return Ok(match environment {
                Environment::Production => Endpoint::Production,
                Environment::Sandbox | Environment::Simulator | Environment::Custom => {
                    Endpoint::Sandbox
                }
            });
        }
        let loopback = host_name == "localhost"
            || host_name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|address| address.is_loopback());
        let base = text.trim_end_matches('/').to_owned();
        if loopback {
            Ok(Endpoint::Simulator(base))
        } else if allow_custom {
            Ok(Endpoint::Custom(base))
        } else {
            Err(EndpointError::NotAllowed {
                host: host_name.to_owned(),
            })
        }
    }

    /// The full URL of the payment API.
    pub fn payment_api_url(&self) -> String {
        match self {
            Endpoint::Sandbox => SANDBOX_PAYMENT_API.to_owned(),
            Endpoint::Production => PRODUCTION_PAYMENT_API.to_owned(),
            Endpoint::Simulator(base) | Endpoint::Custom(base)
                if base.ends_with(PAYMENT_API_PATH) =>
            {
                base.clone()
            }
            Endpoint::Simulator(base) | Endpoint::Custom(base) => {
                format!("{base}{PAYMENT_API_PATH}")
            }
        }
    }

    pub fn environment(&self) -> Environment {
        match self {
            Endpoint::Sandbox => Environment::Sandbox,
            Endpoint::Production => Environment::Production,
            Endpoint::Simulator(_) => Environment::Simulator,
            Endpoint::Custom(_) => Environment::Custom,
        }
    }

    pub fn is_production(&self) -> bool {
        matches!(self, Endpoint::Production)
    }
}

/// Timeouts and retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Opening the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// The whole exchange, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Attempts for read-only queries; money movers always get exactly one.
    pub query_attempts: u32,
    /// First backoff delay; doubled for each further attempt.
    pub retry_base_delay: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            // APS answers in seconds; a minute covers slow acquirers without
            // leaving an operator staring at a spinner for ever.
            request_timeout: Duration::from_mins(1),
            query_attempts: 3,
            retry_base_delay: Duration::from_millis(500),
        }
    }
}

/// The request could not have reached APS: nothing happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("could not connect to {url} (nothing was sent): {reason}")]
    NotConnected { url: String, reason: String },
    #[error("the request could not be prepared (nothing was sent): {0}")]
    Build(String),
    #[error("the request has empty parameters, which APS must never receive: {0}")]
    EmptyValues(String),
}

/// Why an outcome is not simply what a checked response said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The exchange broke after the request may have left.
    Transport(String),
    /// A non-2xx HTTP status.
    HttpStatus(u16),
    /// A 2xx answer whose body is not a JSON object.
    Unreadable(String),
    /// The response's signature is missing or wrong.
    Signature(SignatureCheck),
    /// The response is genuinely signed but about something else: it does
    /// not echo what its request said (see [`super::binding`]).
    Mismatch(Vec<EchoMismatch>),
    /// The body grew beyond what any APS answer reaches: only its first
    /// bytes and a digest of what was read are kept.
    Oversized {
        /// Bytes read before reading stopped (at least this many were sent).
        read: u64,
        /// SHA-256 of those bytes, hex.
        digest: String,
    },
}

/// The most an APS answer is read to. The largest real answers (an
/// installment plan list) are a few tens of kilobytes; a body beyond this is
/// not an answer, and reading it would cost memory and journal space.
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// How much of an oversized body the journal keeps, as evidence.
pub const OVERSIZED_PREFIX_BYTES: usize = 4096;

impl Failure {
    /// Whether a read-only query may be tried again after this failure.
    fn is_transient(&self) -> bool {
        match self {
            Failure::Transport(_) | Failure::Unreadable(_) => true,
            Failure::HttpStatus(status) => *status == 429 || *status >= 500,
            Failure::Signature(_) | Failure::Mismatch(_) | Failure::Oversized { .. } => false,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Transport(reason) => {
                write!(f, "the connection failed after sending: {reason}")
            }
            Failure::HttpStatus(status) => write!(f, "APS answered HTTP {status}"),
            Failure::Unreadable(reason) => write!(f, "the answer could not be read: {reason}"),
            Failure::Signature(SignatureCheck::Missing) => {
                f.write_str("the answer has no signature")
            }
            Failure::Signature(SignatureCheck::Mismatch { .. }) => {
                f.write_str("the answer's signature does not match (check the SHA response phrase)")
            }
            Failure::Signature(SignatureCheck::Valid) => {
                f.write_str("the answer's signature is valid")
            }
            Failure::Mismatch(mismatches) => {
                f.write_str("the signed answer is about something else (")?;
                for (index, mismatch) in mismatches.iter().enumerate() {
                    if index > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{mismatch}")?;
                }
                f.write_str("): it proves nothing about this request")
            }
            Failure::Oversized { read, digest } => write!(
                f,
                "the answer was larger than any APS answer (reading stopped after {read} bytes, SHA-256 {digest})"
            ),
        }
    }
}

/// What came of sending a request.
#[derive(Debug, Clone)]
pub struct Outcome<T> {
    pub class: OutcomeClass,
    pub command: Command,
    /// The request as sent, with the access code masked.
    pub request: Params,
    /// The response's parameters, with the access code masked. Present whenever
    /// the body was a JSON object, even untrusted (as evidence).
    pub response: Option<Params>,
    /// The typed response, only when its signature checked.
    pub typed: Option<T>,
    /// The body as received, with the access code masked.
    pub raw_body: Option<String>,
    pub http_status: Option<u16>,
    pub failure: Option<Failure>,
    pub attempts: u32,
    pub elapsed: Duration,
}

impl<T> Outcome<T> {
    /// The same outcome without its typed response (for callers that handle
    /// every command alike).
    pub fn erased(self) -> Outcome<()> {
        Outcome {
            class: self.class,
            command: self.command,
            request: self.request,
            response: self.response,
            typed: self.typed.map(|_| ()),
            raw_body: self.raw_body,
            http_status: self.http_status,
            failure: self.failure,
            attempts: self.attempts,
            elapsed: self.elapsed,
        }
    }

    /// `response_code` of a trusted response.
    pub fn response_code(&self) -> Option<&str> {
        self.trusted_response()
            .and_then(|params| params.text("response_code"))
    }

    /// `response_message` of a trusted response.
    pub fn response_message(&self) -> Option<&str> {
        self.trusted_response()
            .and_then(|params| params.text("response_message"))
    }

    /// The response, only when its signature checked and it answered this
    /// request (any failure leaves none: a broken exchange has no response).
    pub fn trusted_response(&self) -> Option<&Params> {
        if self.failure.is_none() {
            self.response.as_ref()
        } else {
            None
        }
    }

    /// One line for a person: class, code, message or failure.
    pub fn summary(&self) -> String {
        let mut line = format!("{} {}", self.command, self.class);
        if let Some(code) = self.response_code() {
            let _ = write!(line, " {code}");
        }
        if let Some(message) = self.response_message() {
            let _ = write!(line, " ({message})");
        }
        if let Some(failure) = &self.failure {
            let _ = write!(line, ": {failure}");
        }
        line
    }
}

/// Masks every value that must not be recorded: the access code, and the card
/// fields a server-to-server payment carries.
pub fn redact(params: &Params) -> Params {
    let mut redacted = params.clone();
    for name in ["access_code", "card_security_code"] {
        if redacted.contains(name) {
            redacted.set(name, MASK);
        }
    }
    if let Some(number) = redacted.text("card_number").map(mask_card_number) {
        redacted.set("card_number", number);
    }
    redacted
}

/// `4005550000000001` becomes `400555******0001`; already masked numbers stay.
pub fn mask_card_number(number: &str) -> String {
    let digits: Vec<char> = number.chars().collect();
    if digits.len() < 10 || !digits.iter().all(char::is_ascii_digit) {
        return number.to_owned();
    }
    let (head, rest) = digits.split_at(6);
    let (middle, tail) = rest.split_at(rest.len() - 4);
    format!(
        "{}{}{}",
        head.iter().collect::<String>(),
        "*".repeat(middle.len()),
        tail.iter().collect::<String>()
    )
}

/// Builds the full signed request: command, credentials, language, the
/// operation's parameters, signature.
pub fn signed_request(
    credentials: &Credentials,
    command: Command,
    operation_params: &Params,
    language: Language,
) -> Params {
    let mut params = Params::new();
    params.push(command.key().as_str(), command.name());
    params.push("access_code", credentials.access_code.expose());
    params.push("merchant_identifier", &credentials.merchant_identifier);
    params.push("language", language.as_str());
    for (name, value) in operation_params {
        params.push_value(name, value.clone());
    }
    let signature = signature::sign(
        &params,
        credentials.sha_type,
        credentials.request_phrase.expose(),
    );
    params.push("signature", signature);
    params
}

/// The delay before attempt `next_attempt` (2, 3, ...) of a command after a
/// failure, or `None` when it must not be retried. A pure function so that the
/// policy is tested as a table.
pub fn retry_delay(
    command: Command,
    failure: Option<&Failure>,
    next_attempt: u32,
    options: &ClientOptions,
) -> Option<Duration> {
    let transient = failure.is_some_and(Failure::is_transient);
    if !command.is_retry_safe() || !transient || next_attempt > options.query_attempts {
        return None;
    }
    let doublings = next_attempt.saturating_sub(2).min(6);
    Some(options.retry_base_delay * 2u32.pow(doublings))
}

/// The APS client of one merchant account.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    url: String,
    environment: Environment,
    credentials: Credentials,
    options: ClientOptions,
}

enum Attempt {
    NotSent(SendError),
    Failed {
        failure: Failure,
        http_status: Option<u16>,
        body: Option<String>,
    },
    Received {
        http_status: u16,
        body: String,
    },
}

impl Client {
    pub fn new(endpoint: &Endpoint, credentials: Credentials) -> Result<Client, SendError> {
        Client::with_options(endpoint, credentials, ClientOptions::default())
    }

    pub fn with_options(
        endpoint: &Endpoint,
        credentials: Credentials,
        options: ClientOptions,
    ) -> Result<Client, SendError> {
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(concat!("apsdesk/", env!("CARGO_PKG_VERSION")))
            // Never follow a redirect: it would post the request, access code
            // included, wherever `Location` says. A 3xx is a non-2xx answer:
            // uncertain for a money command, a failed read otherwise.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| SendError::Build(err.to_string()))?;
        Ok(Client {
            http,
            url: endpoint.payment_api_url(),
            environment: endpoint.environment(),
            credentials,
            options,
        })
    }

    /// The same endpoint and options, signing with other credentials (an
    /// account's Apple Pay set).
    #[must_use]
    pub fn with_credentials(&self, credentials: Credentials) -> Client {
        Client {
            credentials,
            ..self.clone()
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The environment of the endpoint this client talks to.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The request exactly as it would be sent, access code masked: for the
    /// "what will be sent" preview.
    pub fn preview<R: ApsRequest>(&self, request: &R, language: Language) -> Params {
        redact(&signed_request(
            &self.credentials,
            request.command(),
            &request.params(),
            language,
        ))
    }

    /// Signs, sends and classifies a request.
    pub async fn send<R: ApsRequest>(
        &self,
        request: &R,
        language: Language,
    ) -> Result<Outcome<R::Response>, SendError> {
        self.send_known(request, language, &[]).await
    }

    /// [`Client::send`], holding the answer also to what the caller knows
    /// of the order beyond the request (`known`: field and value, e.g. the
    /// journal's `fort_id`), wherever the answer names it.
    pub async fn send_known<R: ApsRequest>(
        &self,
        request: &R,
        language: Language,
        known: &[(&'static str, &str)],
    ) -> Result<Outcome<R::Response>, SendError> {
        self.send_params_known(request.command(), &request.params(), language, known)
            .await
    }

    /// Signs, sends and classifies a command given as raw operation parameters.
    pub async fn send_params<T: FromParams>(
        &self,
        command: Command,
        operation_params: &Params,
        language: Language,
    ) -> Result<Outcome<T>, SendError> {
        self.send_params_known(command, operation_params, language, &[])
            .await
    }

    async fn send_params_known<T: FromParams>(
        &self,
        command: Command,
        operation_params: &Params,
        language: Language,
        known: &[(&'static str, &str)],
    ) -> Result<Outcome<T>, SendError> {
        let params = signed_request(&self.credentials, command, operation_params, language);
        let expectation = known.iter().fold(
            Expectation::of_request(command, &params),
            |expectation, (field, value)| expectation.also_if_present(field, value),
        );
        let empty = params.empty_names();
        if !empty.is_empty() {
            return Err(SendError::EmptyValues(empty.join(", ")));
        }
        let body = params.to_json();
        let started = Instant::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let attempt = self.attempt(&body).await;
            let failure = match &attempt {
                Attempt::Failed { failure, .. } => Some(failure.clone()),
                // A connection that could not open is transient for queries.
                Attempt::NotSent(_) => Some(Failure::Transport(String::new())),
                Attempt::Received { .. } => None,
            };
            if let Some(delay) = retry_delay(command, failure.as_ref(), attempts + 1, &self.options)
            {
                tracing::info!(%command, attempts, ?delay, "retrying a read-only query");
                tokio::time::sleep(delay).await;
                continue;
            }
            return match attempt {
                Attempt::NotSent(error) => Err(error),
                Attempt::Failed {
                    failure,
                    http_status,
                    body,
                } => Ok(self.outcome(
                    command,
                    &params,
                    OutcomeClass::Uncertain,
                    None,
                    body,
                    http_status,
                    Some(failure),
                    attempts,
                    started,
                )),
                Attempt::Received { http_status, body } => Ok(self.evaluate(
                    command,
                    &params,
                    &expectation,
                    http_status,
                    body,
                    attempts,
                    started,
                )),
            };
        }
    }

    async fn attempt(&self, body: &str) -> Attempt {
        let response = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned())
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(err) if err.is_connect() || err.is_builder() => {
                return Attempt::NotSent(SendError::NotConnected {
                    url: self.url.clone(),
                    reason: error_chain(&err),
                });
            }
            Err(err) => {
                return Attempt::Failed {
                    failure: Failure::Transport(error_chain(&err)),
                    http_status: None,
                    body: None,
                };
            }
        };
        let http_status = response.status().as_u16();
        let body = match read_bounded(response).await {
            Ok(body) => body,
            Err(BodyError::Transport(err)) => {
                return Attempt::Failed {
                    failure: Failure::Transport(error_chain(&err)),
                    http_status: Some(http_status),
                    body: None,
                };
            }
            Err(BodyError::Oversized {
                read,
                digest,
                prefix,
            }) => {
                return Attempt::Failed {
                    failure: Failure::Oversized { read, digest },
                    http_status: Some(http_status),
                    body: Some(prefix),
                };
            }
        };
        if !(200..300).contains(&http_status) {
            return Attempt::Failed {
                failure: Failure::HttpStatus(http_status),
                http_status: Some(http_status),
                body: Some(body),
            };
        }
        Attempt::Received { http_status, body }
    }

    #[allow(clippy::too_many_arguments)]
    fn evaluate<T: FromParams>(
        &self,
        command: Command,
        request: &Params,
        expectation: &Expectation,
        http_status: u16,
        body: String,
        attempts: u32,
        started: Instant,
    ) -> Outcome<T> {
        let params = match Params::from_json(&body) {
            Ok(params) => params,
            Err(err) => {
                // The operation may have been applied and only the answer lost.
                return self.outcome(
                    command,
                    request,
                    OutcomeClass::Uncertain,
                    None,
                    Some(body),
                    Some(http_status),
                    Some(Failure::Unreadable(err.to_string())),
                    attempts,
                    started,
                );
            }
        };
        let check = signature::check(
            &params,
            self.credentials.sha_type,
            self.credentials.response_phrase.expose(),
        );
        if !check.is_valid() {
            return self.outcome(
                command,
                request,
                OutcomeClass::Untrusted,
                Some(&params),
                Some(body),
                Some(http_status),
                Some(Failure::Signature(check)),
                attempts,
                started,
            );
        }
        let mismatches = expectation.mismatches(&params);
        // Only the money model's demonstration builds without this rule.
        if !mismatches.is_empty() && !cfg!(feature = "unbound-answers-for-tests") {
            return self.outcome(
                command,
                request,
                OutcomeClass::Untrusted,
                Some(&params),
                Some(body),
                Some(http_status),
                Some(Failure::Mismatch(mismatches)),
                attempts,
                started,
            );
        }
        let class = outcome::classify(command, &params).class;
        self.outcome(
            command,
            request,
            class,
            Some(&params),
            Some(body),
            Some(http_status),
            None,
            attempts,
            started,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn outcome<T: FromParams>(
        &self,
        command: Command,
        request: &Params,
        class: OutcomeClass,
        response: Option<&Params>,
        body: Option<String>,
        http_status: Option<u16>,
        failure: Option<Failure>,
        attempts: u32,
        started: Instant,
    ) -> Outcome<T> {
        let trusted = failure.is_none();
        let typed = response.filter(|_| trusted).map(T::from_params);
        Outcome {
            class,
            command,
            request: redact(request),
            response: response.map(redact),
            typed,
            raw_body: body.map(|body| self.mask_access_code(&body)),
            http_status,
            failure,
            attempts,
            elapsed: started.elapsed(),
        }
    }

    /// APS echoes every parameter sent, the access code included: mask it
    /// before anything keeps the body. A JSON body is masked on its parsed
    /// values and serialised again, so that a code holding `"` or `\` (escaped
    /// in the text) is found whatever its spelling; any other body is masked
    /// in its plain and JSON-escaped spellings.
    fn mask_access_code(&self, body: &str) -> String {
        let code = self.credentials.access_code.expose();
        mask_secret_in_body(body, code)
    }
}

/// Why a body was not read whole.
enum BodyError {
    Transport(reqwest::Error),
    Oversized {
        read: u64,
        digest: String,
        prefix: String,
    },
}

/// The body as text, read chunk by chunk and never beyond
/// [`MAX_ANSWER_BYTES`]: a larger one stops being read (the connection is
/// dropped with the response) and only its prefix and digest are kept.
async fn read_bounded(mut response: reqwest::Response) -> Result<String, BodyError> {
    use sha2::Digest as _;
    let mut body: Vec<u8> = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_ANSWER_BYTES {
                    let digest = hex::encode(sha2::Sha256::digest(&body));
                    let mut cut = OVERSIZED_PREFIX_BYTES.min(body.len());
                    while cut > 0 && std::str::from_utf8(&body[..cut]).is_err() {
                        cut -= 1;
                    }
                    let prefix = String::from_utf8_lossy(&body[..cut]).into_owned();
                    return Err(BodyError::Oversized {
                        read: body.len() as u64,
                        digest,
                        prefix,
                    });
                }
            }
            Ok(None) => break,
            Err(err) => return Err(BodyError::Transport(err)),
        }
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// `body` with every occurrence of `secret` replaced by the mask (see
/// [`Client::mask_access_code`]).
fn mask_secret_in_body(body: &str, secret: &str) -> String {
    fn mask_values(value: &mut serde_json::Value, secret: &str) {
        match value {
            serde_json::Value::String(text) => {
                if text.contains(secret) {
                    *text = text.replace(secret, MASK);
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    mask_values(item, secret);
                }
            }
            serde_json::Value::Object(map) => {
                for item in map.values_mut() {
                    mask_values(item, secret);
                }
            }
            serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
            }
        }
    }
    if secret.is_empty() {
        return body.to_owned();
    }
    if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(body) {
        mask_values(&mut value, secret);
        if let Ok(text) = serde_json::to_string(&value) {
            return text;
        }
    }
    let escaped = serde_json::to_string(secret).unwrap_or_default();
    let escaped = escaped.trim_matches('"');
    body.replace(secret, MASK).replace(escaped, MASK)
}

/// An error and its sources on one line, for operators and logs.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_aps_hosts_over_https_loopback_or_explicitly_custom() {
        let parse = |text: &str| Endpoint::parse(text);
        assert_eq!(parse("sandbox"), Ok(Endpoint::Sandbox));
        assert_eq!(parse(PRODUCTION_PAYMENT_API), Ok(Endpoint::Production));
        assert_eq!(
            parse("https://SBPaymentServices.PayFort.com/"),
            Ok(Endpoint::Sandbox)
        );
        assert_eq!(
            parse("http://paymentservices.payfort.com/FortAPI/paymentApi"),
            Err(EndpointError::ApsWithoutHttps {
                host: PRODUCTION_HOST.into(),
                environment: Environment::Production
            })
        );
        assert!(matches!(
            parse("https://paymentservices.payfort.com:8443/"),
            Err(EndpointError::ApsWithoutHttps { .. })
        ));
        for loopback in [
            "http://127.0.0.1:9/",
            "http://localhost:8585",
            "http://[::1]:8585",
            "http://127.3.2.1",
        ] {
            let endpoint = parse(loopback).expect(loopback);
            assert_eq!(endpoint.environment(), Environment::Simulator, "{loopback}");
        }
        assert_eq!(
            parse("http://127.0.0.1:9/").map(|e| e.payment_api_url()),
            Ok("http://127.0.0.1:9/FortAPI/paymentApi".into())
        );
        for elsewhere in [
            "https://evil.example/",
            "http://10.0.0.5:8080",
            "https://paymentservices.payfort.com.evil.example/",
        ] {
            assert!(
                matches!(parse(elsewhere), Err(EndpointError::NotAllowed { .. })),
                "{elsewhere}"
            );
            assert_eq!(
                Endpoint::parse_allowing(elsewhere, true).map(|e| e.environment()),
                Ok(Environment::Custom),
                "{elsewhere}"
            );
        }
        assert_eq!(
            parse("http://user:pw@127.0.0.1:9"),
            Err(EndpointError::CredentialsInUrl)
        );
        assert!(matches!(parse("ftp://x"), Err(EndpointError::NotAUrl(_))));
        assert!(Endpoint::Production.is_production());
    }

    #[test]
    fn retry_policy_as_a_table() {
        let options = ClientOptions::default();
        let transport = Failure::Transport("reset".into());
        let busy = Failure::HttpStatus(503);
        let not_found = Failure::HttpStatus(404);
        let forged = Failure::Signature(SignatureCheck::Missing);
        let cases = [
            (Command::CheckStatus, Some(&transport), 2, Some(500)),
            (Command::CheckStatus, Some(&busy), 3, Some(1000)),
            (Command::CheckStatus, Some(&busy), 4, None),
            (Command::CheckStatus, Some(&not_found), 2, None),
            (Command::CheckStatus, Some(&forged), 2, None),
            (Command::CheckStatus, None, 2, None),
            (Command::Refund, Some(&transport), 2, None),
            (Command::Capture, Some(&busy), 2, None),
            (Command::VoidAuthorization, Some(&transport), 2, None),
            (Command::PaymentLink, Some(&transport), 2, None),
        ];
        for (command, failure, attempt, expected_ms) in cases {
            assert_eq!(
                retry_delay(command, failure, attempt, &options),
                expected_ms.map(Duration::from_millis),
                "{command} {failure:?} attempt {attempt}"
            );
        }
    }

    #[test]
    fn an_access_code_is_masked_whatever_characters_it_holds() {
        for code in [r#"ab"cd"#, r"ab\cd", r"ab/cd\u00e9", "plain-code"] {
            let body = serde_json::json!({
                "access_code": code,
                "response_message": format!("echo {code}"),
                "amount": 100,
            })
            .to_string();
            let masked = mask_secret_in_body(&body, code);
            let params = Params::from_json(&masked).expect("still JSON");
            assert_eq!(params.text("access_code"), Some(MASK), "{code}");
            assert_eq!(
                params.text("response_message"),
                Some(&*format!("echo {MASK}"))
            );
            let escaped = serde_json::to_string(code).expect("json");
            assert!(!masked.contains(code), "{code} in {masked}");
            assert!(
                !masked.contains(escaped.trim_matches('"')),
                "{code} in {masked}"
            );
        }
    }

    #[test]
    fn redaction_masks_access_code_and_card() {
        let params: Params = [
            ("access_code", "SILgpo7pWbmzuURp2qri"),
            ("card_number", "4005550000000001"),
            ("card_security_code", "123"),
            ("amount", "100"),
        ]
        .into_iter()
        .collect();
        let redacted = redact(&params);
        assert_eq!(redacted.text("access_code"), Some(MASK));
        assert_eq!(redacted.text("card_number"), Some("400555******0001"));
        assert_eq!(redacted.text("card_security_code"), Some(MASK));
        assert_eq!(redacted.text("amount"), Some("100"));
        assert_eq!(mask_card_number("400555******0001"), "400555******0001");
    }

    #[test]
    fn signed_request_puts_command_and_credentials_first_and_verifies() {
        let credentials = Credentials {
            merchant_identifier: "TestMerchantIdentifier".into(),
            access_code: Secret::new("TestAccessCode"),
            sha_type: ShaType::Sha256,
            request_phrase: Secret::new("PASS"),
            response_phrase: Secret::new("OUT"),
        };
        let operation: Params = [("merchant_reference", "merchant_reference")]
            .into_iter()
            .collect();
        let params = signed_request(
            &credentials,
            Command::VoidAuthorization,
            &operation,
            Language::En,
        );
        // Reference vector P7.
        assert_eq!(
            params.text("signature"),
            Some("ee073e1a786869b88e7668864157f4694451b039d7bdc47704a28c9c16ab14e5")
        );
        assert_eq!(params.iter().next().map(|(name, _)| name), Some("command"));
    }
}
