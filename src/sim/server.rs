//! The simulator's HTTP server: `POST /FortAPI/paymentApi` as APS serves it,
//! plus a few simulator-only routes under `/sim/` (faults, paying a link).
//!
//! The server parses the body, lets a fault rule fire, asks [`SimState`] for the
//! answer, signs it with the response phrase, and sends it. It runs in-process
//! (the app's demo mode and the tests start it on `127.0.0.1:0`) or standalone
//! (`apsdesk sim`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::config::SimConfig;
use super::faults::{FaultKind, FaultRule, Faults};
use super::feedback::{DeliveryCounts, FeedbackSender};
use super::seed;
use super::state::{PayLinkError, SimState};
use crate::aps::Command;
use crate::aps::client::{Credentials, Endpoint, PAYMENT_API_PATH};
use crate::aps::params::Params;
use crate::aps::signature;

/// State shared by the request handlers.
#[derive(Debug)]
struct Shared {
    credentials: Credentials,
    /// The account's Apple Pay set (also in the state, which checks it).
    apple_pay: Credentials,
    state: Mutex<SimState>,
    faults: Mutex<Faults>,
    /// How many requests of each command arrived (tests prove "sent once" with it).
    received: Mutex<std::collections::BTreeMap<String, u32>>,
    /// Where transaction feedback is posted, when set (`--feedback-url`).
    feedback: Mutex<Option<Arc<FeedbackSender>>>,
    /// The runtime the server runs on: deliveries are spawned there, also
    /// when a link is paid from outside it.
    runtime: tokio::runtime::Handle,
}

/// Locks a mutex, recovering it if a handler panicked while holding it (the
/// injected connection drop unwinds, though never while holding a lock).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Which demo data to load at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    /// Nothing: an empty account.
    Empty,
    /// A few hundred realistic orders (see [`seed::seed_demo`]).
    Demo,
}

/// A simulator serving on a local port. Dropping it stops the server.
#[derive(Debug)]
pub struct RunningSimulator {
    address: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningSimulator {
    /// Binds `listen` (port 0 picks a free port) and serves on the current
    /// tokio runtime.
    pub async fn start(
        config: SimConfig,
        listen: SocketAddr,
        seed: Seed,
    ) -> std::io::Result<RunningSimulator> {
        let listener = TcpListener::bind(listen).await?;
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let mut state = SimState::new(config.credentials.clone(), base_url);
        state.set_apple_pay(config.apple_pay.clone());
        if seed == Seed::Demo {
            seed::seed_demo(&mut state, Timestamp::now());
        }
        let shared = Arc::new(Shared {
            credentials: config.credentials,
            apple_pay: config.apple_pay,
            state: Mutex::new(state),
            faults: Mutex::new(Faults::default()),
            received: Mutex::default(),
            feedback: Mutex::new(None),
            runtime: tokio::runtime::Handle::current(),
        });
        let router = Router::new()
            .route(PAYMENT_API_PATH, post(payment_api))
            .route("/sim/faults", post(add_fault).delete(clear_faults))
            .route("/sim/pay/{payment_link_id}", get(pay_page).post(pay_link))
            .route("/sim/orders/{merchant_reference}", get(order_summary))
            .with_state(Arc::clone(&shared));
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = stop.await;
            });
            if let Err(err) = server.await {
                tracing::error!("simulator server stopped: {err}");
            }
        });
        Ok(RunningSimulator {
            address,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The endpoint a client uses to reach this simulator.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint::Simulator(self.base_url())
    }

    /// The credentials the simulator expects.
    pub fn credentials(&self) -> Credentials {
        self.shared.credentials.clone()
    }

    /// The account's Apple Pay set, which Apple Pay orders are maintained with.
    pub fn apple_pay_credentials(&self) -> Credentials {
        self.shared.apple_pay.clone()
    }

    pub fn inject(&self, rule: FaultRule) {
        lock(&self.shared.faults).add(rule);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// How many well-formed requests of `command` the simulator has received.
    pub fn received(&self, command: Command) -> u32 {
        lock(&self.shared.received)
            .get(command.name())
            .copied()
            .unwrap_or(0)
    }

    /// Reads or changes the simulator's state directly (tests, demo set-up).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut SimState) -> R) -> R {
        f(&mut lock(&self.shared.state))
    }

    /// The customer pays a link; returns the new order's fort id.
    pub fn pay_link(&self, payment_link_id: &str) -> Result<String, PayLinkError> {
        let paid = lock(&self.shared.state).pay_link(payment_link_id, Timestamp::now());
        dispatch_notifications(&self.shared);
        paid
    }

    /// Posts the transaction feedback of every payment and maintenance
    /// operation from now on to `url`, signed with the response phrase of
    /// the set the transaction was made with.
    pub fn set_feedback_url(&self, url: &str) -> Result<(), String> {
        let sender = FeedbackSender::new(url)?;
        *lock(&self.shared.feedback) = Some(Arc::new(sender));
        Ok(())
    }

    /// What came of the notifications posted so far.
    pub fn feedback_counts(&self) -> DeliveryCounts {
        lock(&self.shared.feedback)
            .as_ref()
            .map(|sender| sender.counts())
            .unwrap_or_default()
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

    /// Serves until the task ends (the standalone `apsdesk sim`).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn sign_response(response: &mut Params, sha_type: signature::ShaType, phrase: &str) {
    let signature = signature::sign(response, sha_type, phrase);
    response.set("signature", signature);
}

async fn payment_api(State(shared): State<Arc<Shared>>, body: String) -> Response {
    let Ok(request) = Params::from_json(&body) else {
        // Not a JSON object: APS answers "invalid request format".
        let mut response: Params = [
            ("response_code", "00073"),
            ("response_message", "Invalid request format"),
            ("status", "00"),
        ]
        .into_iter()
        .collect();
        sign_response(
            &mut response,
            shared.credentials.sha_type,
            shared.credentials.response_phrase.expose(),
        );
        return json_response(StatusCode::OK, response.to_json());
    };
    let command_name = Command::from_params(&request).map(Command::name);
    if let Some(name) = command_name {
        *lock(&shared.received).entry(name.to_owned()).or_default() += 1;
    }
    let fault = lock(&shared.faults).take(command_name);
    match fault {
        Some(FaultKind::HttpStatus { status }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, "simulated failure").into_response();
        }
        Some(FaultKind::Latency { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
        }
        _ => {}
    }
    let (mut response, answering) = {
        let mut state = lock(&shared.state);
        let (response, set) = state.handle_signed_by(&request, Timestamp::now());
        // The answer is signed with the set the request came with.
        let credentials = state
            .credentials_of(set)
            .unwrap_or(&shared.credentials)
            .clone();
        (response, credentials)
    };
    // Before any fault on the answer: APS's feedback goes out whatever
    // became of the connection that asked.
    dispatch_notifications(&shared);
    let sha_type = answering.sha_type;
    let phrase = answering.response_phrase.expose();
    match fault {
        Some(FaultKind::DropAfterApply) => {
            // Close the connection with no answer: unwinding out of the handler
            // ends the connection's task, and hyper drops the socket.
            // `resume_unwind` skips the panic hook, so nothing is printed.
            std::panic::resume_unwind(Box::new("simulated connection drop"));
        }
        Some(FaultKind::MalformedJson) => {
            sign_response(&mut response, sha_type, phrase);
            let json = response.to_json();
            let cut = json.len() / 2;
            let truncated = json.get(..cut).unwrap_or("{").to_owned();
            return json_response(StatusCode::OK, truncated);
        }
        Some(FaultKind::WrongSignature) => {
            sign_response(&mut response, sha_type, "not-the-response-phrase");
        }
        Some(FaultKind::MissingSignature) => {}
        Some(FaultKind::OmitTotals) => {
            for total in ["authorized_amount", "captured_amount", "refunded_amount"] {
                response.remove(total);
            }
            sign_response(&mut response, sha_type, phrase);
        }
        Some(FaultKind::HangAfterApply { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            sign_response(&mut response, sha_type, phrase);
        }
        Some(
            FaultKind::Latency { .. }
            | FaultKind::HttpStatus { .. }
            | FaultKind::DropNotification
            | FaultKind::DelayNotification { .. }
            | FaultKind::DuplicateNotification,
        )
        | None => {
            sign_response(&mut response, sha_type, phrase);
        }
    }
    json_response(StatusCode::OK, response.to_json())
}

async fn add_fault(State(shared): State<Arc<Shared>>, Json(rule): Json<FaultRule>) -> StatusCode {
    lock(&shared.faults).add(rule);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    lock(&shared.faults).clear();
    StatusCode::NO_CONTENT
}

async fn pay_link(
    State(shared): State<Arc<Shared>>,
    Path(payment_link_id): Path<String>,
) -> Response {
    let result = lock(&shared.state).pay_link(&payment_link_id, Timestamp::now());
    dispatch_notifications(&shared);
    match result {
        Ok(fort_id) => json_response(
            StatusCode::OK,
            serde_json::json!({ "fort_id": fort_id }).to_string(),
        ),
        Err(error) => {
            let status = match error {
                PayLinkError::NotFound(_) => StatusCode::NOT_FOUND,
                PayLinkError::AlreadyPaid(_) => StatusCode::CONFLICT,
                PayLinkError::Expired(_) => StatusCode::GONE,
            };
            json_response(
                status,
                serde_json::json!({ "error": error.to_string() }).to_string(),
            )
        }
    }
}

/// The page a payment link's URL opens: the link and a button that pays it.
async fn pay_page(
    State(shared): State<Arc<Shared>>,
    Path(payment_link_id): Path<String>,
) -> Response {
    let state = lock(&shared.state);
    let Some(link) = state.link(&payment_link_id) else {
        return (StatusCode::NOT_FOUND, "no such payment link").into_response();
    };
    let amount = crate::aps::money::format_minor_units(link.amount, link.currency);
    let status = link.status(Timestamp::now()).as_str();
    let page = format!(
        "<!doctype html><meta charset=utf-8><title>apsdesk simulator</title>\
         <h1>Payment link {id}</h1><p>{reference}: {amount} {currency} ({status})</p>\
         <form method=post><button>Pay with the test card</button></form>",
        id = html_escape(&link.payment_link_id),
        reference = html_escape(&link.merchant_reference),
        currency = link.currency,
    );
    Html(page).into_response()
}

async fn order_summary(
    State(shared): State<Arc<Shared>>,
    Path(reference): Path<String>,
) -> Response {
    let state = lock(&shared.state);
    let Some(order) = state.order(&reference) else {
        return (StatusCode::NOT_FOUND, "no such order").into_response();
    };
    let summary = serde_json::json!({
        "merchant_reference": order.merchant_reference,
        "fort_id": order.fort_id,
        "kind": order.kind.name(),
        "payment_option": order.payment_option,
        "currency": order.currency.code(),
        "authorized_amount": order.authorized,
        "captured_amount": order.captured,
        "refunded_amount": order.refunded,
        "voided": order.voided,
        "operations": order.history.len(),
    });
    json_response(StatusCode::OK, summary.to_string())
}

/// Takes the state's new notifications and posts them (each with the fault
/// a rule gives it), or drops them when no feedback URL is set.
fn dispatch_notifications(shared: &Shared) {
    let notifications: Vec<(Params, Credentials)> = {
        let mut state = lock(&shared.state);
        state
            .take_notifications()
            .into_iter()
            .map(|(notification, set)| {
                let signing = state
                    .credentials_of(set)
                    .unwrap_or(&shared.credentials)
                    .clone();
                (notification, signing)
            })
            .collect()
    };
    let Some(sender) = lock(&shared.feedback).clone() else {
        return;
    };
    for (notification, signing) in notifications {
        let fault = lock(&shared.faults).take_notification(notification.text("command"));
        let sender = Arc::clone(&sender);
        shared.runtime.spawn(async move {
            sender.deliver(notification, &signing, fault).await;
        });
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
