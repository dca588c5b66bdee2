//! Apple Pay orders are maintained with the account's Apple Pay credential
//! set (reference §2): the simulator's rule as a table, then the binary
//! against the simulator, judged by the simulator's own totals and by what
//! the journal says signed each request.

mod common;

use std::path::Path;
use std::process::Output;

use apsdesk::aps::client::{Credentials, signed_request};
use apsdesk::aps::params::Params;
use apsdesk::aps::{Command, Language};
use apsdesk::sim::{RunningSimulator, SimConfig, SimState};
use common::{APPROVE_CARD, card_payment, pairs, sim_totals, start_sim};
use tempfile::TempDir;

fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

fn signed_with(credentials: &Credentials, command: Command, operation: &Params) -> Params {
    signed_request(credentials, command, operation, Language::En)
}

/// An Apple Pay authorization of `amount` KWD minor units, as APS would
/// receive it: signed with the Apple Pay set.
fn apple_pay_authorization(apple_pay: &Credentials, reference: &str, amount: &str) -> Params {
    signed_with(
        apple_pay,
        Command::Authorization,
        &card_payment(reference, amount, "KWD", APPROVE_CARD),
    )
}

fn capture(reference: &str, amount: &str) -> Params {
    pairs(&[
        ("merchant_reference", reference),
        ("amount", amount),
        ("currency", "KWD"),
    ])
}

#[test]
fn the_simulator_checks_a_maintenance_request_against_the_set_of_its_order() {
    let config = SimConfig::default();
    let mut state = SimState::new(config.credentials.clone(), "http://sim");
    state.set_apple_pay(config.apple_pay.clone());
    let merchant = &config.credentials;
    let apple_pay = &config.apple_pay;
    let answered = |state: &mut SimState, request: &Params| {
        state
            .handle(request, now())
            .text("response_code")
            .unwrap_or_default()
            .to_owned()
    };
    // A payment signed with the Apple Pay set is an Apple Pay order.
    let paid = state.handle(&apple_pay_authorization(apple_pay, "AP-1", "10000"), now());
    assert_eq!(paid.text("response_code"), Some("02000"));
    assert_eq!(paid.text("digital_wallet"), Some("APPLE_PAY"));
    let card = signed_with(
        merchant,
        Command::Authorization,
        &card_payment("CARD-1", "10000", "KWD", APPROVE_CARD),
    );
    assert_eq!(answered(&mut state, &card), "02000");

    for (what, request, expected) in [
        (
            "Apple Pay order, merchant's set",
            signed_with(merchant, Command::Capture, &capture("AP-1", "1000")),
            "00008",
        ),
        (
            "card order, Apple Pay set",
            signed_with(apple_pay, Command::Capture, &capture("CARD-1", "1000")),
            "00008",
        ),
        (
            "Apple Pay order, Apple Pay set",
            signed_with(apple_pay, Command::Capture, &capture("AP-1", "1000")),
            "04000",
        ),
        (
            "refund of an Apple Pay order, merchant's set",
            signed_with(merchant, Command::Refund, &capture("AP-1", "500")),
            "00008",
        ),
        (
            "refund of an Apple Pay order, Apple Pay set",
            signed_with(apple_pay, Command::Refund, &capture("AP-1", "500")),
            "06000",
        ),
        (
            "status of an Apple Pay order, merchant's set",
            signed_with(
                merchant,
                Command::CheckStatus,
                &pairs(&[("merchant_reference", "AP-1")]),
            ),
            "12000",
        ),
        (
            "status of an Apple Pay order, Apple Pay set",
            signed_with(
                apple_pay,
                Command::CheckStatus,
                &pairs(&[("merchant_reference", "AP-1")]),
            ),
            "12000",
        ),
    ] {
        assert_eq!(answered(&mut state, &request), expected, "{what}");
    }
    let order = state.order("AP-1").expect("kept");
    assert_eq!((order.captured, order.refunded), (1000, 500));
    assert_eq!(state.order("CARD-1").expect("kept").captured, 0);
    // Status answers name the wallet, which is how a desk learns it.
    let status = state.handle(
        &signed_with(
            merchant,
            Command::CheckStatus,
            &pairs(&[("merchant_reference", "AP-1")]),
        ),
        now(),
    );
    assert_eq!(status.text("digital_wallet"), Some("APPLE_PAY"));
}

/// A simulator on a runtime of its own, and a journal in a temporary folder.
struct Rig {
    sim: RunningSimulator,
    _runtime: tokio::runtime::Runtime,
    dir: TempDir,
}

impl Rig {
    fn new() -> Rig {
        let runtime = common::runtime();
        let sim = runtime.block_on(start_sim());
        Rig {
            sim,
            _runtime: runtime,
            dir: TempDir::new().expect("temp dir"),
        }
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("journal.sqlite3")
    }

    /// An Apple Pay order authorized in the simulator (signed with its set).
    fn apple_pay_order(&self, reference: &str, amount: &str) {
        let request = apple_pay_authorization(&self.sim.apple_pay_credentials(), reference, amount);
        let response = self.sim.with_state(|state| state.handle(&request, now()));
        assert_eq!(response.text("response_code"), Some("02000"));
    }

    /// `apsdesk ARGS` with the merchant's set, and the Apple Pay set when
    /// `with_apple_pay`.
    fn run(&self, with_apple_pay: bool, args: &[&str]) -> Output {
        let mut process = common::apsdesk_with(&self.sim.credentials(), &self.sim.base_url());
        if with_apple_pay {
            let apple_pay = self.sim.apple_pay_credentials();
            process
                .env(
                    "APSDESK_APPLE_PAY_ACCESS_CODE",
                    apple_pay.access_code.expose(),
                )
                .env(
                    "APSDESK_APPLE_PAY_REQUEST_PHRASE",
                    apple_pay.request_phrase.expose(),
                )
                .env(
                    "APSDESK_APPLE_PAY_RESPONSE_PHRASE",
                    apple_pay.response_phrase.expose(),
                )
                .env("APSDESK_APPLE_PAY_SHA_TYPE", apple_pay.sha_type.to_string());
        }
        process
            .args(args)
            .arg("--credentials-from-env")
            .arg("--db")
            .arg(self.db())
            .output()
            .expect("apsdesk runs")
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `(command, credential set)` of every request the journal recorded, in order.
fn signed_sets(db: &Path) -> Vec<(String, String)> {
    let connection = rusqlite::Connection::open(db).expect("journal opens");
    let mut statement = connection
        .prepare(
            "SELECT command, ifnull(json_extract(payload, '$.credential_set'), '') FROM entries
             WHERE entry = 'request' ORDER BY seq",
        )
        .expect("query");
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("read")
}

fn pair(command: &str, set: &str) -> (String, String) {
    (command.to_owned(), set.to_owned())
}

#[test]
fn an_apple_pay_order_never_looked_up_is_captured_refunded_and_voided_with_the_apple_pay_set() {
    let rig = Rig::new();
    rig.apple_pay_order("AP-CAPTURE", "12500");
    // The journal knows nothing of the order: the capture's baseline status
    // check is the first look-up, and tells the wallet.
    let captured = rig.run(
        true,
        &[
            "capture",
            "--merchant-reference",
            "AP-CAPTURE",
            "--amount",
            "10.000",
            "--currency",
            "KWD",
        ],
    );
    assert_eq!(captured.status.code(), Some(0), "{}", text(&captured));
    assert_eq!(sim_totals(&rig.sim, "AP-CAPTURE"), (12500, 10000, 0));
    let refunded = rig.run(
        true,
        &[
            "refund",
            "--merchant-reference",
            "AP-CAPTURE",
            "--amount",
            "2.500",
            "--currency",
            "KWD",
        ],
    );
    assert_eq!(refunded.status.code(), Some(0), "{}", text(&refunded));
    assert_eq!(sim_totals(&rig.sim, "AP-CAPTURE"), (12500, 10000, 2500));
    rig.apple_pay_order("AP-VOID", "3000");
    let voided = rig.run(true, &["void", "--merchant-reference", "AP-VOID"]);
    assert_eq!(voided.status.code(), Some(0), "{}", text(&voided));
    assert!(
        rig.sim
            .with_state(|state| state.order("AP-VOID").expect("kept").voided)
    );
    assert_eq!(
        signed_sets(&rig.db()),
        vec![
            pair("CHECK_STATUS", "merchant"),
            pair("CAPTURE", "apple_pay"),
            pair("CHECK_STATUS", "apple_pay"),
            pair("REFUND", "apple_pay"),
            pair("CHECK_STATUS", "merchant"),
            pair("VOID_AUTHORIZATION", "apple_pay"),
        ],
        "the first look-up of each order with the merchant's set, everything after with Apple Pay's"
    );
}

#[test]
fn without_an_apple_pay_set_an_apple_pay_order_is_not_captured_and_nothing_is_sent() {
    let rig = Rig::new();
    rig.apple_pay_order("AP-NOSET", "12500");
    let refused = rig.run(
        false,
        &[
            "capture",
            "--merchant-reference",
            "AP-NOSET",
            "--amount",
            "10.000",
            "--currency",
            "KWD",
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("Apple Pay"),
        "the refusal says why: {}",
        text(&refused)
    );
    assert_eq!(rig.sim.received(Command::Capture), 0, "nothing sent");
    assert_eq!(sim_totals(&rig.sim, "AP-NOSET"), (12500, 0, 0));
    // A card order on the same desk is still captured with the merchant's set.
    common::authorize_in_sim(&rig.sim, "CARD-OK", "5000", "KWD");
    let captured = rig.run(
        true,
        &[
            "capture",
            "--merchant-reference",
            "CARD-OK",
            "--amount",
            "5.000",
            "--currency",
            "KWD",
        ],
    );
    assert_eq!(captured.status.code(), Some(0), "{}", text(&captured));
    assert_eq!(sim_totals(&rig.sim, "CARD-OK"), (5000, 5000, 0));
    assert_eq!(
        signed_sets(&rig.db()).last(),
        Some(&pair("CAPTURE", "merchant"))
    );
}
