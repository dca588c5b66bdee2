//! APS's transaction feedback through the `apsdesk feedback serve` binary,
//! over loopback HTTP, with notifications signed here, independently of the
//! code under test (the reference's §3: sorted `name=value` pairs, the
//! response phrase before and after, SHA-256, lowercase hex): valid forms and
//! JSON, duplicates, forgeries, malformed and oversized bodies, a journal
//! that cannot write, arbitrary bodies (proptest); and the simulator's own
//! feedback end to end into the journal, faults included.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout};
use std::sync::Arc;
use std::time::{Duration, Instant};

use apsdesk::aps::Command;
use apsdesk::aps::client::signed_request;
use apsdesk::aps::params::Params;
use apsdesk::journal::Journal;
use apsdesk::journal::payment::TimeSource;
use apsdesk::journal::store::{EntryRecord, OrderRecord};
use apsdesk::journal::vocabulary::{EntryKind, OrderState};
use apsdesk::sim::{FaultKind, FaultRule, SimConfig};
use proptest::prelude::*;
use rustls_pki_types::pem::PemObject as _;
use sha2::Digest;
use tempfile::TempDir;

const MERCHANT: &str = "apsdeskdemo";
const ACCESS_CODE: &str = "DemoAccessCode2026";
const RESPONSE_PHRASE: &str = "demo-response-phrase";

/// The signature of `pairs` computed by the reference's rule, here.
fn sign(pairs: &[(&str, &str)], phrase: &str) -> String {
    let mut signed: Vec<&(&str, &str)> = pairs
        .iter()
        .filter(|(name, value)| *name != "signature" && !value.is_empty())
        .collect();
    signed.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut text = phrase.to_owned();
    for (name, value) in signed {
        text.push_str(name);
        text.push('=');
        text.push_str(value);
    }
    text.push_str(phrase);
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

fn with_signature(pairs: &[(&str, &str)], phrase: &str) -> Vec<(String, String)> {
    let signature = sign(pairs, phrase);
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .chain(std::iter::once(("signature".to_owned(), signature)))
        .collect()
}

fn form(pairs: &[(String, String)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    form.finish()
}

fn json(pairs: &[(String, String)]) -> String {
    let object: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
        .collect();
    serde_json::Value::Object(object).to_string()
}

/// A KNET purchase notification of `reference`.
fn knet_purchase(reference: &str) -> Vec<(&str, &str)> {
    let reference: &'static str = Box::leak(reference.to_owned().into_boxed_str());
    vec![
        ("command", "PURCHASE"),
        ("merchant_identifier", MERCHANT),
        ("access_code", ACCESS_CODE),
        ("merchant_reference", reference),
        ("amount", "12500"),
        ("currency", "KWD"),
        ("language", "en"),
        ("fort_id", "169000000000000777"),
        ("payment_option", "KNET"),
        ("customer_email", "amal@example.com"),
        ("customer_name", "أمل الكندري "),
        ("knet_ref_number", "600000000123"),
        ("third_party_transaction_number", "2026000000000123"),
        ("response_code", "14000"),
        ("response_message", "Success"),
        ("status", "14"),
    ]
}

/// A file of `tests/fixtures`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `apsdesk feedback serve` on a free loopback port, on its own journal.
struct Served {
    child: Child,
    stdout: BufReader<ChildStdout>,
    url: String,
    db: PathBuf,
    dir: TempDir,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Served {
    fn start(extra: &[&str]) -> Served {
        Served::start_with_env(extra, &[])
    }

    /// With more environment variables (the account's Apple Pay set).
    fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Served {
        let dir = TempDir::new().expect("temp dir");
        let db = dir.path().join("journal.sqlite3");
        let mut child =
            common::apsdesk_with(&SimConfig::default().credentials, "http://127.0.0.1:9")
                .envs(env.iter().copied())
                .args([
                    "feedback",
                    "serve",
                    "--listen",
                    "127.0.0.1:0",
                    "--credentials-from-env",
                ])
                .args(extra)
                .arg("--db")
                .arg(&db)
                .spawn()
                .expect("apsdesk feedback serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("first line");
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://") || word.starts_with("https://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        let mut http = reqwest::Client::builder().timeout(Duration::from_secs(30));
        if base.starts_with("https://") {
            let authority = std::fs::read(fixture("feedback-tls-ca.pem")).expect("test CA");
            http = http.add_root_certificate(
                reqwest::Certificate::from_pem(&authority).expect("a certificate"),
            );
        }
        Served {
            child,
            stdout,
            url: format!("{base}/aps/feedback"),
            db,
            dir,
            runtime: common::runtime(),
            http: http.build().expect("client"),
        }
    }

    /// Posts `body`; the HTTP status.
    fn post(&self, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> u16 {
        let mut request = self.http.post(&self.url).body(body.into());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        self.runtime
            .block_on(async { request.send().await })
            .expect("the receiver answers")
            .status()
            .as_u16()
    }

    fn post_form(&self, pairs: &[(String, String)]) -> u16 {
        self.post(Some("application/x-www-form-urlencoded"), form(pairs))
    }

    fn journal(&self) -> Journal {
        Journal::open(&self.db).expect("journal opens")
    }

    fn order(&self, reference: &str) -> Option<OrderRecord> {
        self.journal()
            .orders_by_reference(reference)
            .expect("orders")
            .into_iter()
            .next()
    }

    fn feedback_entries(&self) -> Vec<EntryRecord> {
        self.journal()
            .recent_entries(10_000)
            .expect("entries")
            .into_iter()
            .filter(|entry| entry.entry == EntryKind::Feedback)
            .collect()
    }

    fn all_entries(&self) -> usize {
        self.journal()
            .recent_entries(10_000)
            .expect("entries")
            .len()
    }

    /// Stops it with SIGTERM (as systemd does) and returns its last line.
    fn stop(self) -> String {
        self.stop_with_log().0
    }

    /// Stops it with SIGTERM; its last line and what it logged.
    fn stop_with_log(mut self) -> (String, String) {
        let pid = self.child.id().to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let exit = self.child.wait().expect("exits");
        assert!(exit.success(), "{exit:?}");
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut self.stdout, &mut rest);
        let mut log = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut log);
        }
        (rest.lines().last().unwrap_or_default().to_owned(), log)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn verify_is_clean(db: &Path) {
    let report = Journal::open(db)
        .expect("opens")
        .verify()
        .expect("verifies");
    let findings: Vec<String> = report
        .findings
        .iter()
        .map(ToString::to_string)
        .filter(|finding| !finding.contains("keyed"))
        .collect();
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn a_signed_form_is_recorded_and_projected_and_a_duplicate_adds_nothing() {
    let served = Served::start(&[]);
    let pairs = with_signature(&knet_purchase("FB-KNET-1"), RESPONSE_PHRASE);
    let before = apsdesk::journal::store::now_ms();
    assert_eq!(served.post_form(&pairs), 200);
    let after = apsdesk::journal::store::now_ms();
    let order = served.order("FB-KNET-1").expect("the order was created");
    assert_eq!(order.profile, format!("env:{MERCHANT}"));
    // Not trimmed: the trailing space was signed and is kept.
    assert_eq!(order.customer_name.as_deref(), Some("أمل الكندري "));
    assert_eq!(order.customer_email.as_deref(), Some("amal@example.com"));
    assert_eq!(order.fort_id.as_deref(), Some("169000000000000777"));
    assert_eq!(order.payment_option.as_deref(), Some("KNET"));
    assert_eq!(order.knet_ref_number.as_deref(), Some("600000000123"));
    assert_eq!(
        order.third_party_transaction_number.as_deref(),
        Some("2026000000000123")
    );
    assert_eq!(
        (order.amount_minor, order.captured_minor, order.state),
        (Some(12_500), 12_500, OrderState::Captured)
    );
    assert_eq!(order.payment.response_code.as_deref(), Some("14000"));
    let time = order
        .payment
        .time
        .expect("the arrival is the transaction time");
    assert_eq!(time.source, TimeSource::Feedback);
    assert!((before..=after).contains(&time.at_ms), "{time:?}");
    let entries = served.feedback_entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].command, Command::Purchase);
    // The access code is never recorded.
    assert!(!entries[0].payload.contains(ACCESS_CODE));
    assert!(entries[0].payload.contains("********"));

    // The same notification again, as a form and as JSON: 200, nothing added.
    assert_eq!(served.post_form(&pairs), 200);
    assert_eq!(served.post(Some("application/json"), json(&pairs)), 200);
    assert_eq!(served.feedback_entries().len(), 1);
    assert_eq!(served.all_entries(), 1);
    verify_is_clean(&served.db);
    // The receipt prints the payment's own result and the arrival as its
    // transaction date (the KNET receipt the go-live checklist asks for).
    let pdf = served.dir.path().join("receipt.pdf");
    let made = common::apsdesk_with(&SimConfig::default().credentials, "http://127.0.0.1:9")
        .args(["receipt", "FB-KNET-1", "--receipt-lang", "en", "--out"])
        .arg(&pdf)
        .arg("--db")
        .arg(&served.db)
        .output()
        .expect("apsdesk receipt runs");
    assert!(made.status.success(), "{made:?}");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "Transaction date",
        "14000",
        "600000000123",
        "2026000000000123",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(!text.contains("Recorded at"), "{text}");
    let last = served.stop();
    assert!(
        last.contains("1 recorded, 2 duplicates, 0 refused"),
        "{last}"
    );
}

#[test]
fn json_notifications_and_what_feedback_may_not_change() {
    let served = Served::start(&[]);
    let authorization = [
        ("command", "AUTHORIZATION"),
        ("merchant_identifier", MERCHANT),
        ("access_code", ACCESS_CODE),
        ("merchant_reference", "FB-AUTH-1"),
        ("amount", "250000"),
        ("currency", "AED"),
        ("fort_id", "169000000000000888"),
        ("payment_option", "VISA"),
        ("card_number", "400555******0001"),
        ("authorization_code", "123456"),
        ("customer_email", "sara.haddad@example.com"),
        ("customer_name", "Sara Haddad"),
        ("response_code", "02000"),
        ("response_message", "Success"),
        ("status", "02"),
    ];
    let signed = with_signature(&authorization, RESPONSE_PHRASE);
    assert_eq!(served.post(Some("application/json"), json(&signed)), 200);
    let order = served.order("FB-AUTH-1").expect("created");
    assert_eq!(
        (order.authorized_minor, order.captured_minor, order.state),
        (250_000, 0, OrderState::Authorized)
    );
    assert_eq!(order.masked_card.as_deref(), Some("400555******0001"));
    assert_eq!(order.authorization_code.as_deref(), Some("123456"));

    // A capture notification is recorded, and moves no total: only the
    // desk's own answers and status checks do.
    let capture = [
        ("command", "CAPTURE"),
        ("merchant_identifier", MERCHANT),
        ("merchant_reference", "FB-AUTH-1"),
        ("amount", "250000"),
        ("currency", "AED"),
        ("response_code", "04000"),
        ("status", "04"),
    ];
    assert_eq!(
        served.post_form(&with_signature(&capture, RESPONSE_PHRASE)),
        200
    );
    // Another payment for the same reference with another amount: recorded,
    // its money not.
    let mut other = authorization.to_vec();
    other[4] = ("amount", "999000");
    other[11] = ("customer_name", "Someone Else");
    assert_eq!(
        served.post_form(&with_signature(&other, RESPONSE_PHRASE)),
        200
    );
    let order = served.order("FB-AUTH-1").expect("still there");
    assert_eq!(
        (order.authorized_minor, order.captured_minor, order.state),
        (250_000, 0, OrderState::Authorized)
    );
    assert_eq!(order.customer_name.as_deref(), Some("Sara Haddad"));
    assert_eq!(served.feedback_entries().len(), 3);
    verify_is_clean(&served.db);
}

#[test]
fn forged_malformed_and_oversized_bodies_are_refused_and_leave_nothing() {
    let served = Served::start(&[]);
    let good = knet_purchase("FB-FORGED-1");
    let cases: Vec<(&str, Option<&str>, Vec<u8>, u16)> = vec![
        (
            "signed with another phrase",
            Some("application/x-www-form-urlencoded"),
            form(&with_signature(&good, "not-the-phrase")).into_bytes(),
            400,
        ),
        (
            "unsigned",
            None,
            form(
                &good
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect::<Vec<_>>(),
            )
            .into_bytes(),
            400,
        ),
        (
            "a value trimmed after signing",
            None,
            {
                let mut pairs = with_signature(&good, RESPONSE_PHRASE);
                for pair in &mut pairs {
                    if pair.0 == "customer_name" {
                        pair.1 = pair.1.trim().to_owned();
                    }
                }
                form(&pairs).into_bytes()
            },
            400,
        ),
        (
            "an amount changed after signing",
            None,
            {
                let mut pairs = with_signature(&good, RESPONSE_PHRASE);
                for pair in &mut pairs {
                    if pair.0 == "amount" {
                        pair.1 = "1".to_owned();
                    }
                }
                form(&pairs).into_bytes()
            },
            400,
        ),
        (
            "another merchant, rightly signed",
            None,
            {
                let mut other = good.clone();
                other[1] = ("merchant_identifier", "someoneelse");
                form(&with_signature(&other, RESPONSE_PHRASE)).into_bytes()
            },
            400,
        ),
        (
            "another access code, rightly signed",
            None,
            {
                let mut other = good.clone();
                other[2] = ("access_code", "NotOurAccessCode");
                form(&with_signature(&other, RESPONSE_PHRASE)).into_bytes()
            },
            400,
        ),
        (
            "a full card number, rightly signed",
            None,
            {
                let mut other = good.clone();
                other.push(("card_number", "4005550000000001"));
                form(&with_signature(&other, RESPONSE_PHRASE)).into_bytes()
            },
            400,
        ),
        (
            "a check-status answer, rightly signed",
            None,
            {
                let mut other = good.clone();
                other[0] = ("query_command", "CHECK_STATUS");
                form(&with_signature(&other, RESPONSE_PHRASE)).into_bytes()
            },
            400,
        ),
        (
            "not JSON",
            Some("application/json"),
            b"{\"command\":".to_vec(),
            400,
        ),
        (
            "JSON but a list",
            Some("application/json"),
            b"[1,2]".to_vec(),
            400,
        ),
        ("empty", None, Vec::new(), 400),
        ("not UTF-8", None, vec![0xff, 0xfe, 0x3d, 0x00], 400),
        (
            "oversized",
            None,
            format!(
                "{}&x={}",
                form(&with_signature(&good, RESPONSE_PHRASE)),
                "a".repeat(70_000)
            )
            .into_bytes(),
            413,
        ),
    ];
    for (what, content_type, body, expected) in cases {
        assert_eq!(served.post(content_type, body), expected, "{what}");
    }
    let get = served
        .runtime
        .block_on(async { served.http.get(&served.url).send().await })
        .expect("answers");
    assert_eq!(get.status().as_u16(), 405);
    assert!(served.order("FB-FORGED-1").is_none(), "no order created");
    assert_eq!(served.all_entries(), 0, "nothing recorded");
    // The same notification properly signed is taken.
    assert_eq!(
        served.post_form(&with_signature(&good, RESPONSE_PHRASE)),
        200
    );
    let (last, log) = served.stop_with_log();
    assert!(
        last.contains("1 recorded, 0 duplicates, 13 refused"),
        "{last}"
    );
    // Refusals are logged by kind, without a secret or a value of the body.
    for kind in [
        "wrong_signature",
        "missing_signature",
        "another_account",
        "malformed",
    ] {
        assert!(log.contains(kind), "{kind} not logged: {log}");
    }
    for secret in [
        ACCESS_CODE,
        RESPONSE_PHRASE,
        "NotOurAccessCode",
        "4005550000000001",
        "أمل",
    ] {
        assert!(!log.contains(secret), "the log holds {secret}: {log}");
    }
}

#[test]
fn the_rate_is_bounded_and_what_is_over_it_is_not_recorded() {
    let served = Served::start(&["--max-per-second", "1"]);
    let statuses: Vec<u16> = (0..12)
        .map(|index| {
            let reference = format!("FB-RATE-{index}");
            served.post_form(&with_signature(&knet_purchase(&reference), RESPONSE_PHRASE))
        })
        .collect();
    let taken = statuses.iter().filter(|status| **status == 200).count();
    let refused = statuses.iter().filter(|status| **status == 429).count();
    assert_eq!(taken + refused, 12, "{statuses:?}");
    assert!((4..=6).contains(&taken), "{statuses:?}");
    assert_eq!(served.feedback_entries().len(), taken);
}

#[test]
fn a_journal_that_cannot_write_answers_503_and_the_retry_is_recorded() {
    let served = Served::start(&[]);
    let pairs = with_signature(&knet_purchase("FB-LOCKED-1"), RESPONSE_PHRASE);
    // Another process holds the journal's write lock longer than the
    // receiver waits for it (5 s).
    let lock = rusqlite::Connection::open(&served.db).expect("opens");
    lock.execute_batch("BEGIN EXCLUSIVE").expect("locks");
    let started = Instant::now();
    assert_eq!(served.post_form(&pairs), 503);
    assert!(started.elapsed() >= Duration::from_secs(4));
    lock.execute_batch("ROLLBACK").expect("unlocks");
    drop(lock);
    assert!(served.order("FB-LOCKED-1").is_none());
    // APS tries again.
    assert_eq!(served.post_form(&pairs), 200);
    assert_eq!(served.feedback_entries().len(), 1);
    let last = served.stop();
    assert!(last.contains("1 not recorded (journal)"), "{last}");
}

/// Bodies an attacker or a broken proxy could send.
fn hostile_body() -> impl Strategy<Value = (Option<&'static str>, Vec<u8>)> {
    let content_type = prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("application/x-www-form-urlencoded")),
        Just(Some("text/plain")),
    ];
    let body = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        // Forms of arbitrary pairs, with an arbitrary or a stolen signature.
        (
            proptest::collection::vec(("[a-z_]{1,12}", "\\PC{0,16}"), 0..12),
            "[0-9a-f]{0,64}"
        )
            .prop_map(|(pairs, signature)| {
                let mut pairs: Vec<(String, String)> = pairs;
                pairs.push(("signature".to_owned(), signature));
                form(&pairs).into_bytes()
            }),
        // A real notification with one value changed after signing.
        (0usize..16, "\\PC{0,8}").prop_map(|(index, value)| {
            let mut pairs = with_signature(&knet_purchase("FB-PROP-1"), RESPONSE_PHRASE);
            if pairs[index].1 == value {
                pairs[index].1.push('x');
            } else {
                pairs[index].1 = value;
            }
            form(&pairs).into_bytes()
        }),
        // JSON objects of arbitrary members.
        proptest::collection::vec(("[a-z_]{1,12}", "\\PC{0,16}"), 0..12)
            .prop_map(|pairs| json(&pairs).into_bytes()),
    ];
    (content_type, body)
}

#[test]
fn arbitrary_bodies_never_get_200_and_record_nothing() {
    let served = Served::start(&["--max-per-second", "10000"]);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 160,
        ..ProptestConfig::default()
    });
    runner
        .run(&hostile_body(), |(content_type, body)| {
            let status = served.post(content_type, body);
            prop_assert!(
                matches!(status, 400 | 413),
                "answered {status} to a body without a valid signature"
            );
            Ok(())
        })
        .expect("no body without a valid signature is taken");
    assert_eq!(served.all_entries(), 0);
    assert!(served.order("FB-PROP-1").is_none());
    // Still serving, and still taking a real notification.
    assert_eq!(
        served.post_form(&with_signature(
            &knet_purchase("FB-PROP-1"),
            RESPONSE_PHRASE
        )),
        200
    );
}

/// Waits for `done` on the journal, up to 20 s.
fn wait_for(served: &Served, what: &str, done: impl Fn(&Served) -> bool) {
    let started = Instant::now();
    while !done(served) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_simulators_feedback_reaches_the_journal_with_faults_and_retries() {
    let served = Served::start(&[]);
    let sim = served.runtime.block_on(common::start_sim());
    sim.set_feedback_url(&served.url).expect("feedback URL");
    let credentials = sim.credentials();
    let api = format!("{}/FortAPI/paymentApi", sim.base_url());
    let send = |command: Command, operation: Params| {
        let request = signed_request(
            &credentials,
            command,
            &operation,
            apsdesk::aps::Language::En,
        );
        served
            .runtime
            .block_on(async { served.http.post(&api).body(request.to_json()).send().await })
            .expect("the simulator answers")
            .status()
            .as_u16()
    };
    let mut payment = common::card_payment("FB-SIM-1", "10000", "AED", common::APPROVE_CARD);
    payment.set("customer_name", "Layla Nasser");
    // Its capture's notification is posted twice; its refund's never.
    sim.inject(FaultRule::once(
        Command::Capture,
        FaultKind::DuplicateNotification,
    ));
    sim.inject(FaultRule::once(
        Command::Refund,
        FaultKind::DropNotification,
    ));
    assert_eq!(send(Command::Authorization, payment), 200);
    wait_for(&served, "the authorization's feedback", |served| {
        served
            .order("FB-SIM-1")
            .is_some_and(|order| order.authorized_minor == 10_000)
    });
    let order = served.order("FB-SIM-1").expect("created by feedback");
    assert_eq!(order.customer_name.as_deref(), Some("Layla Nasser"));
    assert_eq!(
        order.customer_email.as_deref(),
        Some("customer@example.com")
    );
    assert_eq!(order.masked_card.as_deref(), Some("400555******0001"));
    assert_eq!(order.payment.response_code.as_deref(), Some("02000"));
    let capture = common::pairs(&[
        ("merchant_reference", "FB-SIM-1"),
        ("amount", "4000"),
        ("currency", "AED"),
    ]);
    assert_eq!(send(Command::Capture, capture), 200);
    let refund = common::pairs(&[
        ("merchant_reference", "FB-SIM-1"),
        ("amount", "1000"),
        ("currency", "AED"),
    ]);
    assert_eq!(send(Command::Refund, refund), 200);
    wait_for(&served, "the capture posted twice", |_| {
        sim.feedback_counts().delivered >= 3
    });
    // A declined payment is notified too; a request APS refuses is not.
    let declined = common::card_payment("FB-SIM-2", "5000", "AED", common::DECLINE_CARD);
    assert_eq!(send(Command::Purchase, declined), 200);
    wait_for(&served, "the decline", |served| {
        served
            .order("FB-SIM-2")
            .is_some_and(|order| order.state == OrderState::Declined)
    });
    // The journal's write lock is held past one attempt: the simulator
    // tries again and the retry is recorded.
    let lock = rusqlite::Connection::open(&served.db).expect("opens");
    lock.execute_batch("BEGIN EXCLUSIVE").expect("locks");
    let link = common::pairs(&[
        ("merchant_reference", "FB-LINK-1"),
        ("amount", "3500"),
        ("currency", "AED"),
        ("customer_email", "priya.menon@example.com"),
        ("customer_name", "Priya Menon"),
        ("request_expiry_date", "2099-12-20T15:36:55+03:00"),
        ("notification_type", "NONE"),
    ]);
    let link_request = signed_request(
        &credentials,
        Command::PaymentLink,
        &link,
        apsdesk::aps::Language::En,
    );
    let answer: serde_json::Value = served
        .runtime
        .block_on(async {
            served
                .http
                .post(&api)
                .body(link_request.to_json())
                .send()
                .await?
                .json()
                .await
        })
        .expect("link created");
    let link_id = answer["payment_link_id"]
        .as_str()
        .expect("link id")
        .to_owned();
    {
        let _runtime = served.runtime.enter();
        sim.pay_link(&link_id).expect("paid");
    }
    std::thread::sleep(Duration::from_secs(6));
    lock.execute_batch("ROLLBACK").expect("unlocks");
    drop(lock);
    wait_for(&served, "the paid link after a retry", |served| {
        served
            .order("FB-LINK-1")
            .is_some_and(|order| order.customer_name.as_deref() == Some("Priya Menon"))
    });
    let counts = sim.feedback_counts();
    assert_eq!(counts.dropped, 1, "{counts:?}");
    assert_eq!(counts.given_up, 0, "{counts:?}");
    let entries = served.feedback_entries();
    let of = |command: Command| {
        entries
            .iter()
            .filter(|entry| entry.command == command)
            .count()
    };
    assert_eq!(of(Command::Authorization), 1);
    assert_eq!(of(Command::Capture), 1, "the duplicate added nothing");
    assert_eq!(of(Command::Refund), 0, "dropped");
    assert_eq!(of(Command::Purchase), 2, "the decline and the paid link");
    verify_is_clean(&served.db);
    drop(sim);
    let last = served.stop();
    assert!(last.contains("1 not recorded (journal)"), "{last}");
}

#[test]
fn over_tls_with_its_own_certificate() {
    let certificate = fixture("feedback-tls-cert.pem");
    let key = fixture("feedback-tls-key.pem");
    let served = Served::start(&[
        "--tls-cert",
        certificate.to_str().expect("path"),
        "--tls-key",
        key.to_str().expect("path"),
    ]);
    assert!(
        served.url.starts_with("https://127.0.0.1:"),
        "{}",
        served.url
    );
    let pairs = with_signature(&knet_purchase("FB-TLS-1"), RESPONSE_PHRASE);
    assert_eq!(served.post_form(&pairs), 200);
    assert_eq!(served.post_form(&pairs), 200);
    assert_eq!(served.feedback_entries().len(), 1);
    // Plain HTTP to the TLS port is not served.
    let plain = served.url.replacen("https://", "http://", 1);
    let answer = served
        .runtime
        .block_on(async { served.http.post(&plain).body("a=1").send().await });
    assert!(answer.is_err() || answer.is_ok_and(|answer| answer.status() != 200));
    let last = served.stop();
    assert!(last.contains("1 recorded, 1 duplicates"), "{last}");
}

#[test]
fn a_wrong_certificate_file_is_named_and_nothing_listens() {
    let output = common::apsdesk_with(&SimConfig::default().credentials, "http://127.0.0.1:9")
        .args([
            "feedback",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--credentials-from-env",
        ])
        .arg("--tls-cert")
        .arg(fixture("README.md"))
        .arg("--tls-key")
        .arg(fixture("feedback-tls-key.pem"))
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("--tls-cert") && error.contains("README.md"),
        "{error}"
    );
    assert!(!error.contains("PRIVATE KEY"), "{error}");
}

/// A man in the middle who repeats a key (empty copies are not signed) or
/// adds an empty parameter: a repeated key is refused before the signature
/// is looked at, and what is recorded is the signed parameters only, so the
/// projection, the stored notification and `journal verify` agree.
#[test]
fn a_repeated_key_is_refused_and_an_added_empty_parameter_is_not_kept() {
    let served = Served::start(&[]);
    let genuine = form(&with_signature(
        &knet_purchase("FB-DUPKEY-1"),
        RESPONSE_PHRASE,
    ));
    let tampered = [
        format!("amount=&customer_email=&{genuine}"),
        format!("{genuine}&amount="),
        format!("{genuine}&customer_name=x"),
    ];
    for body in &tampered {
        assert_eq!(
            served.post(Some("application/x-www-form-urlencoded"), body.clone()),
            400,
            "{body}"
        );
    }
    let json_repeated = {
        let body = json(&with_signature(
            &knet_purchase("FB-DUPKEY-1"),
            RESPONSE_PHRASE,
        ));
        format!("{{\"amount\":\"\",{}", &body[1..])
    };
    assert_eq!(served.post(Some("application/json"), json_repeated), 400);
    assert!(served.order("FB-DUPKEY-1").is_none());
    assert_eq!(served.all_entries(), 0);

    // Empty parameters added to the genuine body: taken (APS's signature
    // never covers an empty value), but not kept, and the genuine one after
    // it is the same notification.
    let padded = format!("{genuine}&foo=&customer_phone=");
    assert_eq!(
        served.post(Some("application/x-www-form-urlencoded"), padded),
        200
    );
    assert_eq!(
        served.post(Some("application/x-www-form-urlencoded"), genuine),
        200
    );
    let entries = served.feedback_entries();
    assert_eq!(entries.len(), 1);
    assert!(
        !entries[0].payload.contains("foo"),
        "{}",
        entries[0].payload
    );
    assert!(
        !entries[0].payload.contains("customer_phone"),
        "{}",
        entries[0].payload
    );
    let order = served.order("FB-DUPKEY-1").expect("recorded");
    assert_eq!(
        (order.amount_minor, order.captured_minor, order.state),
        (Some(12_500), 12_500, OrderState::Captured)
    );
    assert_eq!(order.customer_email.as_deref(), Some("amal@example.com"));
    verify_is_clean(&served.db);
    let (last, log) = served.stop_with_log();
    assert!(
        last.contains("1 recorded, 1 duplicates, 4 refused"),
        "{last}"
    );
    assert!(log.contains("repeated_key"), "{log}");
}

/// The `host:port` of a served receiver.
fn authority(served: &Served) -> String {
    served
        .url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("an address")
        .to_owned()
}

/// How long until the peer closes `stream` (reading whatever it answers),
/// and what it answered; panics after `limit`.
fn closed_after(
    mut stream: impl std::io::Read,
    started: Instant,
    limit: Duration,
) -> (Duration, String) {
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                assert!(started.elapsed() < limit, "still open after {limit:?}");
            }
            Err(_) => break,
        }
    }
    (
        started.elapsed(),
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

fn connect(served: &Served) -> std::net::TcpStream {
    let stream = std::net::TcpStream::connect(authority(served)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    stream
}

/// Slow and idle clients: partial headers, no request at all, a body that
/// never comes whole, a body cut short, and more connections than allowed.
#[test]
fn slow_idle_and_excess_connections_are_closed() {
    use std::io::Write as _;
    let served = Served::start(&[
        "--header-timeout-ms",
        "600",
        "--body-timeout-ms",
        "600",
        "--max-connections",
        "3",
    ]);
    let limit = Duration::from_secs(5);

    let started = Instant::now();
    let mut partial = connect(&served);
    partial
        .write_all(b"POST /aps/feedback HTTP/1.1\r\nHost: x\r\nContent-Ty")
        .expect("writes");
    let idle = connect(&served);
    let (partial_after, _) = closed_after(&partial, started, limit);
    let (idle_after, _) = closed_after(&idle, started, limit);
    assert!(
        partial_after >= Duration::from_millis(500),
        "{partial_after:?}"
    );
    assert!(idle_after >= Duration::from_millis(500), "{idle_after:?}");

    // A body announced at 100 bytes of which 10 come: 408 in time.
    let started = Instant::now();
    let mut slow = connect(&served);
    slow.write_all(
        b"POST /aps/feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\namount=100",
    )
    .expect("writes");
    let (slow_after, answer) = closed_after(&slow, started, limit);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(slow_after >= Duration::from_millis(500), "{slow_after:?}");

    // The same, the client closing its side after the 10 bytes.
    let mut cut = connect(&served);
    cut.write_all(
        b"POST /aps/feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\namount=100",
    )
    .expect("writes");
    cut.shutdown(std::net::Shutdown::Write).expect("half close");
    let _ = closed_after(&cut, Instant::now(), limit);

    // Three connections held open: a fourth is closed at once, unanswered.
    let held: Vec<_> = (0..3).map(|_| connect(&served)).collect();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let mut excess = connect(&served);
    let _ =
        excess.write_all(b"POST /aps/feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na=1");
    let (excess_after, answer) = closed_after(&excess, started, limit);
    assert!(
        excess_after < Duration::from_millis(400),
        "{excess_after:?}"
    );
    assert_eq!(answer, "");
    drop(held);
    // Once they are gone, a notification is taken again.
    std::thread::sleep(Duration::from_millis(800));
    let pairs = with_signature(&knet_purchase("FB-SLOW-1"), RESPONSE_PHRASE);
    assert_eq!(served.post_form(&pairs), 200);
    let (last, log) = served.stop_with_log();
    assert!(last.contains("1 recorded"), "{last}");
    assert!(log.contains("body_timeout"), "{log}");
    assert!(log.contains("incomplete_body"), "{log}");
    assert!(!log.contains("too_large"), "{log}");
    assert!(log.contains("too many open"), "{log}");
}

/// Over TLS, a client that finishes its handshake and then sends half its
/// headers is closed in time too.
#[test]
fn over_tls_partial_headers_are_closed_in_time() {
    use std::io::Write as _;
    let certificate = fixture("feedback-tls-cert.pem");
    let key = fixture("feedback-tls-key.pem");
    let served = Served::start(&[
        "--tls-cert",
        certificate.to_str().expect("path"),
        "--tls-key",
        key.to_str().expect("path"),
        "--header-timeout-ms",
        "600",
    ]);
    let mut roots = rustls::RootCertStore::empty();
    for certificate in
        rustls_pki_types::CertificateDer::pem_file_iter(fixture("feedback-tls-ca.pem"))
            .expect("CA file")
    {
        roots
            .add(certificate.expect("a certificate"))
            .expect("added");
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").expect("a name");
    let client = rustls::ClientConnection::new(Arc::new(config), name).expect("client");
    let stream = connect(&served);
    let mut tls = rustls::StreamOwned::new(client, stream);
    let started = Instant::now();
    tls.write_all(b"POST /aps/feedback HTTP/1.1\r\nHost: x\r\nContent-Ty")
        .expect("handshake and write");
    assert!(!tls.conn.is_handshaking());
    let (after, _) = closed_after(&mut tls, started, Duration::from_secs(5));
    assert!(after >= Duration::from_millis(500), "{after:?}");
}

/// The `APSDESK_APPLE_PAY_*` variables of the simulator's Apple Pay set.
fn apple_pay_env(apple_pay: &apsdesk::aps::client::Credentials) -> Vec<(&'static str, String)> {
    vec![
        (
            "APSDESK_APPLE_PAY_ACCESS_CODE",
            apple_pay.access_code.expose().to_owned(),
        ),
        (
            "APSDESK_APPLE_PAY_REQUEST_PHRASE",
            apple_pay.request_phrase.expose().to_owned(),
        ),
        (
            "APSDESK_APPLE_PAY_RESPONSE_PHRASE",
            apple_pay.response_phrase.expose().to_owned(),
        ),
        ("APSDESK_APPLE_PAY_SHA_TYPE", apple_pay.sha_type.to_string()),
    ]
}

/// An Apple Pay payment and its capture: the simulator notifies them with
/// the Apple Pay set's access code, signed with its response phrase, and the
/// receiver of an account with that set records them. The same access code
/// signed with the merchant's phrase is refused; so is an Apple Pay
/// notification at a receiver whose account has no Apple Pay set.
#[test]
fn apple_pay_feedback_is_signed_with_the_apple_pay_set_and_recorded() {
    let apple_pay = SimConfig::default().apple_pay;
    let env = apple_pay_env(&apple_pay);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let served = Served::start_with_env(&[], &env);
    let sim = served.runtime.block_on(common::start_sim());
    sim.set_feedback_url(&served.url).expect("feedback URL");
    let api = format!("{}/FortAPI/paymentApi", sim.base_url());
    let send = |command: Command, operation: Params| {
        let request = signed_request(&apple_pay, command, &operation, apsdesk::aps::Language::En);
        served
            .runtime
            .block_on(async { served.http.post(&api).body(request.to_json()).send().await })
            .expect("the simulator answers")
            .status()
            .as_u16()
    };
    let payment = common::card_payment("FB-AP-1", "10000", "KWD", common::APPROVE_CARD);
    assert_eq!(send(Command::Authorization, payment), 200);
    wait_for(
        &served,
        "the Apple Pay authorization's feedback",
        |served| {
            served
                .order("FB-AP-1")
                .is_some_and(|order| order.authorized_minor == 10_000)
        },
    );
    let capture = common::pairs(&[
        ("merchant_reference", "FB-AP-1"),
        ("amount", "10000"),
        ("currency", "KWD"),
    ]);
    assert_eq!(send(Command::Capture, capture), 200);
    wait_for(&served, "the capture's feedback", |served| {
        served.feedback_entries().len() == 2
    });
    let counts = sim.feedback_counts();
    assert_eq!((counts.delivered, counts.given_up), (2, 0), "{counts:?}");
    assert!(
        served
            .feedback_entries()
            .iter()
            .all(|entry| !entry.payload.contains(apple_pay.access_code.expose()))
    );
    verify_is_clean(&served.db);

    // The Apple Pay access code with the merchant's signature: not APS's.
    let mut forged = knet_purchase("FB-AP-2");
    forged[2] = ("access_code", apple_pay.access_code.expose());
    assert_eq!(
        served.post_form(&with_signature(&forged, RESPONSE_PHRASE)),
        400
    );
    assert!(served.order("FB-AP-2").is_none());
    let (last, log) = served.stop_with_log();
    assert!(
        last.contains("2 recorded, 0 duplicates, 1 refused"),
        "{last}"
    );
    assert!(log.contains("wrong_signature"), "{log}");

    // An account without an Apple Pay set takes none of them.
    let plain = Served::start(&[]);
    let mut genuine = knet_purchase("FB-AP-3");
    genuine[2] = ("access_code", apple_pay.access_code.expose());
    assert_eq!(
        plain.post_form(&with_signature(
            &genuine,
            apple_pay.response_phrase.expose()
        )),
        400
    );
    assert!(plain.order("FB-AP-3").is_none());
}
