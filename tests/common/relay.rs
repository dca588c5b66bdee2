//! A hostile relay between a desk and the simulator: what a TLS-inspecting
//! proxy, a caching middlebox or a load balancer that mixes up connections
//! can do to apsdesk's traffic, with answers APS itself signed.
//!
//! [`Relay::start`] listens on a loopback port (so `Endpoint::parse` of its
//! URL is a simulator endpoint, as the desk would use it) and forwards each
//! `POST` to the simulator's `/FortAPI/paymentApi`. It keeps every answer the
//! simulator signed (checked with the simulator's own credential sets), with
//! the request it answered ([`Recorded`]). Rules ([`Relay::on`]) decide what
//! happens to a request: matched on its command (or query command), its
//! merchant reference and the n-th time the rule saw such a request, they
//! forward it, answer instead with an earlier genuine answer (of another
//! order, or any a closure picks), answer without forwarding, drop the
//! connection before or after forwarding, delay, hold the request until the
//! test delivers it ([`Relay::deliver_held`]), or answer with an oversized
//! body. A request no rule takes is forwarded untouched.
//!
//! The HTTP side is written by hand on a tokio socket (one request per
//! connection, `Connection: close`): a relay must be able to close a
//! connection without answering, or stream 50 MB without holding them.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use apsdesk::aps::Command;
use apsdesk::aps::client::{Credentials, Endpoint, PAYMENT_API_PATH};
use apsdesk::aps::params::Params;
use apsdesk::aps::signature;
use apsdesk::sim::RunningSimulator;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The largest request head the relay reads (apsdesk's are a few hundred bytes).
const MAX_HEAD: usize = 64 * 1024;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An answer the simulator signed, with the request it answered.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The request's command or query command.
    pub command: Option<Command>,
    pub merchant_reference: Option<String>,
    /// The request as the desk sent it.
    pub request: Params,
    pub http_status: u16,
    /// The answer's body, byte for byte as the simulator sent it.
    pub body: String,
}

impl Recorded {
    /// The answer's parameters.
    pub fn response(&self) -> Params {
        Params::from_json(&self.body).expect("a recorded answer is a JSON object")
    }

    /// Whether it answers `command` about `reference`.
    pub fn answers(&self, command: Command, reference: &str) -> bool {
        self.command == Some(command) && self.merchant_reference.as_deref() == Some(reference)
    }
}

/// A request as it reached the relay.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub command: Option<Command>,
    pub merchant_reference: Option<String>,
    /// What the relay did with it.
    pub treatment: Treatment,
}

/// What the relay did with a request (the action that took it, or `Forwarded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    Forwarded,
    /// Forwarded, answered with another recorded answer.
    Substituted,
    /// Never forwarded, answered with a recorded answer.
    AnsweredUnforwarded,
    /// Forwarded, the connection then closed without an answer.
    ForwardedAndDropped,
    /// Neither forwarded nor answered.
    Dropped,
    /// Forwarded after a delay.
    Delayed,
    /// Held until the test delivered it.
    Held,
    /// Forwarded, answered with an oversized body.
    Oversized,
    /// A rule's pick found no recorded answer: closed without one (a test
    /// asserting its rule fired sees this).
    NothingToPick,
}

/// How a [`Pick`] chooses: from the request and every answer recorded so
/// far (oldest first).
type Chooser = dyn Fn(&Arrival, &[Recorded]) -> Option<Recorded> + Send + Sync;

/// Chooses the answer a substitution sends.
#[derive(Clone)]
pub struct Pick(Arc<Chooser>);

impl Pick {
    pub fn new(
        choose: impl Fn(&Arrival, &[Recorded]) -> Option<Recorded> + Send + Sync + 'static,
    ) -> Pick {
        Pick(Arc::new(choose))
    }

    /// The latest recorded answer to `command` about `reference` (another
    /// order's genuine answer, when `reference` is another order).
    pub fn answer_to(command: Command, reference: &str) -> Pick {
        let reference = reference.to_owned();
        Pick::new(move |_, recorded| {
            recorded
                .iter()
                .rev()
                .find(|answer| answer.answers(command, &reference))
                .cloned()
        })
    }

    /// Always this answer.
    pub fn this(answer: Recorded) -> Pick {
        Pick::new(move |_, _| Some(answer.clone()))
    }
}

impl std::fmt::Debug for Pick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pick(..)")
    }
}

/// What a rule does with a request it takes.
#[derive(Debug, Clone)]
pub enum Action {
    Forward,
    /// Forward it (APS applies it), then answer with the picked answer.
    ForwardAnswering(Pick),
    /// Do not forward it; answer with the picked answer.
    AnswerUnforwarded(Pick),
    /// Forward it, then close the connection without an answer.
    ForwardAndDrop,
    /// Close the connection: nothing forwarded, nothing answered.
    Drop,
    /// Wait, then forward.
    Delay(Duration),
    /// Keep the request (the desk waits, or gives up) until the test calls
    /// [`Relay::deliver_held`]; then forward it, and answer if the desk
    /// still listens.
    Hold,
    /// Forward it, then answer with APS's answer padded (one more string
    /// field) to `bytes`: valid-looking JSON, streamed.
    Oversized {
        bytes: usize,
    },
}

/// Which requests a rule takes.
#[derive(Debug, Clone, Default)]
pub struct Pattern {
    command: Option<Command>,
    merchant_reference: Option<String>,
    /// Only the n-th matching request (1 = the first) after the rule was added.
    nth: Option<u32>,
}

impl Pattern {
    /// Requests of `command` (or query command).
    pub fn of(command: Command) -> Pattern {
        Pattern {
            command: Some(command),
            ..Pattern::default()
        }
    }

    /// Every request.
    pub fn any() -> Pattern {
        Pattern::default()
    }

    /// ... about `reference`.
    pub fn reference(mut self, reference: &str) -> Pattern {
        self.merchant_reference = Some(reference.to_owned());
        self
    }

    /// ... only the n-th such request (1-based), counted from when the rule
    /// was added. Without it, every such request.
    pub fn nth(mut self, nth: u32) -> Pattern {
        self.nth = Some(nth);
        self
    }

    fn matches(&self, command: Option<Command>, reference: Option<&str>) -> bool {
        self.command.is_none_or(|wanted| command == Some(wanted))
            && self
                .merchant_reference
                .as_deref()
                .is_none_or(|wanted| reference == Some(wanted))
    }
}

/// How often a rule did what it says (a test asserts its attack happened).
#[derive(Debug, Clone)]
pub struct RuleHandle(Arc<AtomicU32>);

impl RuleHandle {
    pub fn fired(&self) -> u32 {
        self.0.load(Ordering::SeqCst)
    }
}

struct Rule {
    pattern: Pattern,
    action: Action,
    /// Matching requests seen since the rule was added.
    seen: u32,
    fired: Arc<AtomicU32>,
}

struct Held {
    body: Vec<u8>,
    command: Option<Command>,
    merchant_reference: Option<String>,
    reply: oneshot::Sender<Option<(u16, String)>>,
}

struct Shared {
    upstream: String,
    http: reqwest::Client,
    /// The simulator's credential sets: an answer signed by one is genuine.
    signers: Vec<Credentials>,
    rules: Mutex<Vec<Rule>>,
    answers: Mutex<Vec<Recorded>>,
    arrivals: Mutex<Vec<Arrival>>,
    /// (command, merchant reference) of every request that reached the simulator.
    forwarded: Mutex<Vec<(Option<Command>, Option<String>)>>,
    held: Mutex<Vec<Held>>,
}

/// A relay on a loopback port, forwarding to one simulator. Dropping it
/// stops accepting connections.
pub struct Relay {
    address: SocketAddr,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl Relay {
    /// Starts on the current tokio runtime, in front of `sim`.
    pub async fn start(sim: &RunningSimulator) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay binds");
        let address = listener.local_addr().expect("relay address");
        let shared = Arc::new(Shared {
            upstream: format!("{}{PAYMENT_API_PATH}", sim.base_url()),
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_mins(1))
                .build()
                .expect("relay's client"),
            signers: vec![sim.credentials(), sim.apple_pay_credentials()],
            rules: Mutex::default(),
            answers: Mutex::default(),
            arrivals: Mutex::default(),
            forwarded: Mutex::default(),
            held: Mutex::default(),
        });
        let serving = Arc::clone(&shared);
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(Arc::clone(&serving), stream));
            }
        });
        Relay {
            address,
            shared,
            accept,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The endpoint a desk uses to go through the relay (a loopback
    /// simulator endpoint, as `--endpoint` would make it).
    pub fn endpoint(&self) -> Endpoint {
        Endpoint::parse(&self.base_url()).expect("a loopback URL is a simulator endpoint")
    }

    /// Adds a rule. Rules are tried in the order added: every rule whose
    /// pattern matches counts the request, and the first whose turn it is
    /// (no `nth`, or this is its n-th) decides what happens.
    pub fn on(&self, pattern: Pattern, action: Action) -> RuleHandle {
        let fired = Arc::new(AtomicU32::new(0));
        lock(&self.shared.rules).push(Rule {
            pattern,
            action,
            seen: 0,
            fired: Arc::clone(&fired),
        });
        RuleHandle(fired)
    }

    /// Forgets every rule: from now on everything is forwarded untouched.
    pub fn clear_rules(&self) {
        lock(&self.shared.rules).clear();
    }

    /// Every genuine answer recorded so far, oldest first.
    pub fn answers(&self) -> Vec<Recorded> {
        lock(&self.shared.answers).clone()
    }

    /// The latest genuine answer to `command` about `reference`.
    pub fn answer_to(&self, command: Command, reference: &str) -> Option<Recorded> {
        lock(&self.shared.answers)
            .iter()
            .rev()
            .find(|answer| answer.answers(command, reference))
            .cloned()
    }

    /// Every request that reached the relay, in order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        lock(&self.shared.arrivals).clone()
    }

    /// How many requests of `command` about `reference` the relay passed
    /// on to the simulator.
    pub fn forwarded(&self, command: Command, reference: &str) -> usize {
        lock(&self.shared.forwarded)
            .iter()
            .filter(|(sent, about)| *sent == Some(command) && about.as_deref() == Some(reference))
            .count()
    }

    /// Sends `request` (already signed) to the simulator as the relay
    /// forwards, and records the answer: a way to mint genuine answers
    /// (another order's decline, say) without a desk.
    pub async fn ask(&self, request: &Params) -> Recorded {
        let body = request.to_json().into_bytes();
        let (command, reference) = about(&body);
        let (http_status, answer) = self
            .shared
            .forward(&body, command, reference.clone())
            .await
            .expect("the simulator answers the relay");
        lock(&self.shared.answers)
            .iter()
            .rev()
            .find(|recorded| recorded.body == answer)
            .cloned()
            .unwrap_or_else(|| {
                panic!("the simulator's answer was not genuine: {http_status} {answer}")
            })
    }

    /// How many requests are being held.
    pub fn held(&self) -> usize {
        lock(&self.shared.held).len()
    }

    /// Forwards every held request to the simulator, in the order they
    /// arrived, and answers each desk still listening. Returns how many.
    pub async fn deliver_held(&self) -> usize {
        let held: Vec<Held> = std::mem::take(&mut *lock(&self.shared.held));
        let count = held.len();
        for request in held {
            let answer = self
                .shared
                .forward(&request.body, request.command, request.merchant_reference)
                .await;
            let _ = request.reply.send(answer);
        }
        count
    }
}

impl Shared {
    /// The action for a request, and the counter of the rule that chose it.
    fn choose(
        &self,
        command: Option<Command>,
        reference: Option<&str>,
    ) -> (Action, Option<Arc<AtomicU32>>) {
        let mut rules = lock(&self.rules);
        let mut chosen = None;
        for rule in rules.iter_mut() {
            if !rule.pattern.matches(command, reference) {
                continue;
            }
            rule.seen += 1;
            let its_turn = rule.pattern.nth.is_none_or(|nth| nth == rule.seen);
            if its_turn && chosen.is_none() {
                chosen = Some((rule.action.clone(), Arc::clone(&rule.fired)));
            }
        }
        match chosen {
            Some((action, fired)) => (action, Some(fired)),
            None => (Action::Forward, None),
        }
    }

    /// Sends a body to the simulator; its status and body, or `None` when
    /// the simulator's connection broke. A genuine answer is recorded.
    async fn forward(
        &self,
        body: &[u8],
        command: Option<Command>,
        merchant_reference: Option<String>,
    ) -> Option<(u16, String)> {
        lock(&self.forwarded).push((command, merchant_reference.clone()));
        let response = self
            .http
            .post(&self.upstream)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec())
            .send()
            .await
            .ok()?;
        let status = response.status().as_u16();
        let answer = response.text().await.ok()?;
        if status == 200
            && let Ok(params) = Params::from_json(&answer)
            && self.signers.iter().any(|signer| {
                signature::check(&params, signer.sha_type, signer.response_phrase.expose())
                    .is_valid()
            })
        {
            lock(&self.answers).push(Recorded {
                command,
                merchant_reference,
                request: Params::from_json(&String::from_utf8_lossy(body)).unwrap_or_default(),
                http_status: status,
                body: answer.clone(),
            });
        }
        Some((status, answer))
    }

    fn arrived(&self, command: Option<Command>, reference: Option<String>, treatment: Treatment) {
        lock(&self.arrivals).push(Arrival {
            command,
            merchant_reference: reference,
            treatment,
        });
    }
}

/// The command and merchant reference a request body names.
fn about(body: &[u8]) -> (Option<Command>, Option<String>) {
    let Ok(params) = Params::from_json(&String::from_utf8_lossy(body)) else {
        return (None, None);
    };
    (
        Command::from_params(&params),
        params.text("merchant_reference").map(str::to_owned),
    )
}

/// One connection: one request, handled as the rules say.
async fn serve(shared: Arc<Shared>, mut stream: TcpStream) {
    let Ok(Some(body)) = read_request(&mut stream).await else {
        return;
    };
    let (command, reference) = about(&body);
    let (action, fired) = shared.choose(command, reference.as_deref());
    let fire = || {
        if let Some(fired) = &fired {
            fired.fetch_add(1, Ordering::SeqCst);
        }
    };
    let treatment = match action {
        Action::Forward => {
            if let Some((status, answer)) = shared.forward(&body, command, reference.clone()).await
            {
                respond(&mut stream, status, answer.as_bytes()).await;
            }
            fire();
            Treatment::Forwarded
        }
        Action::ForwardAnswering(pick) => {
            let _ = shared.forward(&body, command, reference.clone()).await;
            substitute(
                &shared,
                &mut stream,
                &pick,
                command,
                reference.as_deref(),
                &fire,
            )
            .await
        }
        Action::AnswerUnforwarded(pick) => {
            match substitute(
                &shared,
                &mut stream,
                &pick,
                command,
                reference.as_deref(),
                &fire,
            )
            .await
            {
                Treatment::Substituted => Treatment::AnsweredUnforwarded,
                other => other,
            }
        }
        Action::ForwardAndDrop => {
            let _ = shared.forward(&body, command, reference.clone()).await;
            fire();
            Treatment::ForwardedAndDropped
        }
        Action::Drop => {
            fire();
            Treatment::Dropped
        }
        Action::Delay(delay) => {
            tokio::time::sleep(delay).await;
            if let Some((status, answer)) = shared.forward(&body, command, reference.clone()).await
            {
                respond(&mut stream, status, answer.as_bytes()).await;
            }
            fire();
            Treatment::Delayed
        }
        Action::Hold => {
            let (reply, answer) = oneshot::channel();
            lock(&shared.held).push(Held {
                body,
                command,
                merchant_reference: reference.clone(),
                reply,
            });
            fire();
            shared.arrived(command, reference, Treatment::Held);
            if let Ok(Some((status, answer))) = answer.await {
                respond(&mut stream, status, answer.as_bytes()).await;
            }
            return;
        }
        Action::Oversized { bytes } => {
            if let Some((_, answer)) = shared.forward(&body, command, reference.clone()).await {
                fire();
                stream_padded(&mut stream, &answer, bytes).await;
            }
            Treatment::Oversized
        }
    };
    shared.arrived(command, reference, treatment);
    // Dropping the stream closes the connection (with or without an answer).
}

/// Answers with the picked recorded answer, or closes without one.
async fn substitute(
    shared: &Shared,
    stream: &mut TcpStream,
    pick: &Pick,
    command: Option<Command>,
    reference: Option<&str>,
    fire: &impl Fn(),
) -> Treatment {
    let arrival = Arrival {
        command,
        merchant_reference: reference.map(str::to_owned),
        treatment: Treatment::Substituted,
    };
    let answers = lock(&shared.answers).clone();
    match (pick.0)(&arrival, &answers) {
        Some(answer) => {
            respond(stream, answer.http_status, answer.body.as_bytes()).await;
            fire();
            Treatment::Substituted
        }
        None => Treatment::NothingToPick,
    }
}

/// Reads one request's body (by its `Content-Length`); `None` when the
/// connection closed first or the head is too large.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 8192];
    let body_start = loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > MAX_HEAD {
            return Ok(None);
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..body_start]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    while buffer.len() < body_start + length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Ok(Some(buffer[body_start..body_start + length].to_vec()))
}

fn head(status: u16, length: usize) -> String {
    let reason = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("Status");
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n"
    )
}

async fn respond(stream: &mut TcpStream, status: u16, body: &[u8]) {
    if stream
        .write_all(head(status, body.len()).as_bytes())
        .await
        .is_ok()
    {
        let _ = stream.write_all(body).await;
        let _ = stream.shutdown().await;
    }
}

/// APS's answer with one more string field, `bytes` long in all, written
/// 64 KB at a time (the relay never holds it); stops when the desk hangs up.
async fn stream_padded(stream: &mut TcpStream, answer: &str, bytes: usize) {
    let trimmed = answer.trim_end();
    let open = trimmed.strip_suffix('}').unwrap_or(trimmed);
    let prefix = format!("{open},\"relay_padding\":\"");
    let suffix = "\"}";
    let padding = bytes.saturating_sub(prefix.len() + suffix.len());
    if stream
        .write_all(head(200, prefix.len() + padding + suffix.len()).as_bytes())
        .await
        .is_err()
        || stream.write_all(prefix.as_bytes()).await.is_err()
    {
        return;
    }
    let chunk = vec![b'x'; 64 * 1024];
    let mut left = padding;
    while left > 0 {
        let part = left.min(chunk.len());
        if stream.write_all(&chunk[..part]).await.is_err() {
            return;
        }
        left -= part;
    }
    let _ = stream.write_all(suffix.as_bytes()).await;
    let _ = stream.shutdown().await;
}
