//! Helpers shared by the integration tests: a simulator on a free loopback
//! port, a client with its credentials, and requests signed like the client's.

#![allow(dead_code)]

pub mod ledger;
pub mod relay;
pub mod xvfb;

use std::net::SocketAddr;
use std::time::Duration;

use apsdesk::aps::client::{Client, ClientOptions, Credentials, signed_request};
use apsdesk::aps::params::Params;
use apsdesk::aps::{Command, Language};
use apsdesk::sim::{RunningSimulator, Seed, SimConfig};

pub const LOOPBACK: &str = "127.0.0.1:0";

/// A runtime of the test's own, so that its thread can block on child
/// processes or drive a UI while the simulator serves.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

pub async fn start_sim() -> RunningSimulator {
    let listen: SocketAddr = LOOPBACK.parse().expect("loopback address");
    RunningSimulator::start(SimConfig::default(), listen, Seed::Empty)
        .await
        .expect("simulator starts")
}

/// Short timeouts and retry delays, so fault tests run fast.
pub fn fast_options() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        query_attempts: 3,
        retry_base_delay: Duration::from_millis(20),
    }
}

pub fn client(sim: &RunningSimulator) -> Client {
    Client::with_options(&sim.endpoint(), sim.credentials(), fast_options()).expect("client builds")
}

pub fn client_with(sim: &RunningSimulator, credentials: Credentials) -> Client {
    Client::with_options(&sim.endpoint(), credentials, fast_options()).expect("client builds")
}

pub fn pairs(items: &[(&str, &str)]) -> Params {
    items.iter().copied().collect()
}

/// A request signed with the demo credentials, as the client would send it.
pub fn signed(command: Command, operation: &[(&str, &str)]) -> Params {
    signed_request(
        &SimConfig::default().credentials,
        command,
        &pairs(operation),
        Language::En,
    )
}

/// The operation parameters of a server-to-server card payment.
pub fn card_payment(reference: &str, amount: &str, currency: &str, card: &str) -> Params {
    pairs(&[
        ("merchant_reference", reference),
        ("amount", amount),
        ("currency", currency),
        ("customer_email", "customer@example.com"),
        ("card_number", card),
        ("expiry_date", "3012"),
        ("card_security_code", "123"),
        ("card_holder_name", "Test Holder"),
    ])
}

pub const APPROVE_CARD: &str = "4005550000000001";
pub const DECLINE_CARD: &str = "4000000000000002";
pub const UNCERTAIN_CARD: &str = "4000000000000119";

/// Authorizes an order directly in the simulator's state (no HTTP): the
/// starting point of back-office tests. `amount` in minor units.
pub fn authorize_in_sim(sim: &RunningSimulator, reference: &str, amount: &str, currency: &str) {
    let request = signed_request(
        &sim.credentials(),
        Command::Authorization,
        &card_payment(reference, amount, currency, APPROVE_CARD),
        Language::En,
    );
    let response = sim.with_state(|state| state.handle(&request, jiff::Timestamp::now()));
    assert_eq!(
        response.text("response_code"),
        Some("02000"),
        "authorization of {reference}"
    );
}

/// `(authorized, captured, refunded)` of an order as the simulator holds it.
pub fn sim_totals(sim: &RunningSimulator, reference: &str) -> (u64, u64, u64) {
    sim.with_state(|state| {
        let order = state.order(reference).expect("order in the simulator");
        (order.authorized, order.captured, order.refunded)
    })
}

/// The `apsdesk` binary with `credentials` in the `APSDESK_*` variables for
/// `--credentials-from-env`, aimed at `endpoint`, its output piped and no
/// journal or timeout taken from the caller's environment.
pub fn apsdesk_with(
    credentials: &apsdesk::aps::client::Credentials,
    endpoint: &str,
) -> std::process::Command {
    let mut process = std::process::Command::new(env!("CARGO_BIN_EXE_apsdesk"));
    process
        .env(
            "APSDESK_MERCHANT_IDENTIFIER",
            &credentials.merchant_identifier,
        )
        .env("APSDESK_ACCESS_CODE", credentials.access_code.expose())
        .env(
            "APSDESK_REQUEST_PHRASE",
            credentials.request_phrase.expose(),
        )
        .env(
            "APSDESK_RESPONSE_PHRASE",
            credentials.response_phrase.expose(),
        )
        .env("APSDESK_SHA_TYPE", credentials.sha_type.to_string())
        .env("APSDESK_ENDPOINT", endpoint)
        .env_remove("APSDESK_DB")
        .env_remove("APSDESK_TIMEOUT")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    process
}
