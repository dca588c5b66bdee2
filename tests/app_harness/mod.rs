//! The desktop app under egui_kittest, shared by the app's test files: the
//! harness over a backend, and the waits an operator's clicks need.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use apsdesk::app::backend::Backend;
use apsdesk::app::{DeskApp, Settings};
use apsdesk::sim::RunningSimulator;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The app and what it is built from, until the first frame gives a context.
pub struct TestState {
    backend: Option<Backend>,
    pub app: Option<DeskApp>,
}

impl TestState {
    pub fn app(&self) -> &DeskApp {
        self.app.as_ref().expect("the app started")
    }

    pub fn app_mut(&mut self) -> &mut DeskApp {
        self.app.as_mut().expect("the app started")
    }
}

/// The app over `backend` in a 1280×800 window, default settings.
pub fn harness(backend: Backend) -> Harness<'static, TestState> {
    let state = TestState {
        backend: Some(backend),
        app: None,
    };
    Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .build_ui_state(
            |ui, state: &mut TestState| {
                if state.app.is_none() {
                    let backend = state.backend.take().expect("backend");
                    state.app = Some(DeskApp::new(backend, Settings::default(), ui.ctx()));
                }
                let app = state.app_mut();
                app.logic(ui.ctx());
                app.ui(ui);
            },
            state,
        )
}

pub fn sim<'a>(harness: &'a Harness<'static, TestState>) -> &'a RunningSimulator {
    harness
        .state()
        .app()
        .backend
        .simulator()
        .expect("the test's simulator")
}

/// A few frames for the layout to settle after something arrived, so that
/// a click lands where the widget now is.
pub fn settle(harness: &mut Harness<'static, TestState>) {
    for _ in 0..3 {
        harness.step();
    }
}

/// Steps frames until `done` holds (background results arrive meanwhile).
pub fn run_until(
    harness: &mut Harness<'static, TestState>,
    what: &str,
    done: impl Fn(&TestState) -> bool,
) {
    let started = Instant::now();
    loop {
        harness.step();
        if harness.state().app.is_some() && done(harness.state()) {
            settle(harness);
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Clicks an order in the list once it is there, and waits for its detail.
pub fn select(harness: &mut Harness<'static, TestState>, reference: &str) {
    run_until(harness, "the orders", |state| {
        state
            .app()
            .transactions
            .rows
            .iter()
            .any(|order| order.merchant_reference == reference)
    });
    harness.get_by_label(reference).click();
    run_until(harness, "the detail panel", |state| {
        state
            .app()
            .transactions
            .detail
            .as_ref()
            .is_some_and(|detail| detail.order.merchant_reference == reference)
    });
}

/// Types `text` into the text field whose label reads `label`, as an
/// operator would: finds it by its label (not by the app's state), clicks
/// into it, selects what it held and types over it. Panics when no field
/// has that label.
pub fn type_into(harness: &mut Harness<'static, TestState>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.step();
    harness.get_by_label(label).type_text(text);
    harness.step();
    assert_eq!(
        harness.get_by_label(label).value().as_deref(),
        Some(text),
        "the field labelled {label:?} holds what was typed"
    );
}

/// What must outlive a harness: the runtime its backend runs on, and the
/// journal's folder.
pub struct Fixture {
    pub runtime: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
}

/// The app over a fresh journal and a simulator holding an authorized
/// 10.000 KWD order for each of `references`, already looked up (recorded)
/// by operator `tester` on profile `test`.
pub fn with_orders(references: &[&str]) -> (Fixture, Harness<'static, TestState>) {
    let runtime = crate::common::runtime();
    let sim = runtime.block_on(crate::common::start_sim());
    for reference in references {
        crate::common::authorize_in_sim(&sim, reference, "10000", "KWD");
    }
    over(runtime, sim, references, false)
}

/// The app over `sim`, its orders `references` looked up into a fresh
/// journal first; the account has the simulator's Apple Pay set when
/// `with_apple_pay`.
pub fn over(
    runtime: tokio::runtime::Runtime,
    sim: apsdesk::sim::RunningSimulator,
    references: &[&str],
    with_apple_pay: bool,
) -> (Fixture, Harness<'static, TestState>) {
    over_with(runtime, sim, references, with_apple_pay, |_, _, _| {})
}

/// [`over`], with `before` run on the desk and the journal's folder once the
/// orders are recorded and before the app starts (what an earlier session
/// left).
pub fn over_with(
    runtime: tokio::runtime::Runtime,
    sim: apsdesk::sim::RunningSimulator,
    references: &[&str],
    with_apple_pay: bool,
    before: impl FnOnce(&tokio::runtime::Runtime, &apsdesk::journal::Desk, &std::path::Path),
) -> (Fixture, Harness<'static, TestState>) {
    over_in(
        runtime,
        sim,
        references,
        with_apple_pay,
        apsdesk::aps::client::Environment::Simulator,
        before,
    )
}

/// [`over_with`], the account in `environment` (a production account still
/// talks to the test's simulator: what changes is what the app asks first).
pub fn over_in(
    runtime: tokio::runtime::Runtime,
    sim: apsdesk::sim::RunningSimulator,
    references: &[&str],
    with_apple_pay: bool,
    environment: apsdesk::aps::client::Environment,
    before: impl FnOnce(&tokio::runtime::Runtime, &apsdesk::journal::Desk, &std::path::Path),
) -> (Fixture, Harness<'static, TestState>) {
    use std::sync::{Arc, Mutex};

    use apsdesk::app::backend::Session;
    use apsdesk::aps::Language;
    use apsdesk::journal::{Actor, Desk, Journal};

    let dir = tempfile::TempDir::new().expect("temp dir");
    let journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
    // Record the orders first, as "Look up orders" would.
    let desk = Desk::new(
        Arc::new(Mutex::new(journal)),
        crate::common::client(&sim),
        Actor {
            operator: "tester".into(),
            profile: "test".into(),
            account: apsdesk::sim::config::DEMO_MERCHANT_IDENTIFIER.into(),
            environment,
        },
        Language::En,
    );
    let references = references.iter().map(|r| (*r).to_owned()).collect();
    runtime.block_on(desk.lookup(references, 4, |_, _| {}));
    before(&runtime, &desk, dir.path());
    let journal = Arc::try_unwrap(desk.journal)
        .expect("one owner")
        .into_inner()
        .expect("lock");
    let session = Session {
        profile: "test".into(),
        environment,
        operator: "tester".into(),
        demo: false,
        receipt: apsdesk::profiles::ReceiptDetails {
            name_en: "Test Merchant".into(),
            name_ar: "تاجر الاختبار".into(),
            time_zone: "Asia/Kuwait".into(),
            ..Default::default()
        },
    };
    let client = crate::common::client(&sim);
    let apple_pay = client.with_credentials(sim.apple_pay_credentials());
    let mut backend =
        Backend::with_desk(runtime.handle(), journal, client, session, Some(sim), None);
    if with_apple_pay {
        backend.set_apple_pay(apple_pay);
    }
    (Fixture { runtime, dir }, harness(backend))
}

/// Every label and value in the app's accessibility tree: what a screen
/// reader (and an operator's eye) gets.
pub fn all_texts(harness: &Harness<'static, TestState>) -> Vec<String> {
    harness
        .query_all(
            egui_kittest::kittest::by()
                .include_labels()
                .predicate(|_| true),
        )
        .flat_map(|node| {
            let node = egui_kittest::kittest::NodeT::accesskit_node(&node);
            [node.label(), node.value()]
        })
        .flatten()
        .filter(|text| !text.trim().is_empty())
        .collect()
}

/// Waits for the open dialog's answer and returns it.
pub fn dialog_result(
    harness: &mut Harness<'static, TestState>,
) -> apsdesk::app::results::OperationResult {
    run_until(harness, "the dialog's result", |state| {
        state
            .app()
            .dialog
            .as_ref()
            .is_some_and(|dialog| dialog.result.is_some())
    });
    harness
        .state()
        .app()
        .dialog
        .as_ref()
        .and_then(|dialog| dialog.result.clone())
        .expect("the result")
}

/// Opens the drop-down labelled `label` and picks the entry that reads
/// `word`, as an operator would.
pub fn choose(harness: &mut Harness<'static, TestState>, label: &str, word: &str) {
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, label)
        .click();
    settle(harness);
    harness.get_by_label(word).click();
    settle(harness);
}

/// Clicks into the field labelled `label` and types `text`, without reading
/// it back (a password field shows dots).
pub fn type_blind(harness: &mut Harness<'static, TestState>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    settle(harness);
    harness.get_by_label(label).type_text(text);
    settle(harness);
}

/// Presses the profile form's Save and waits for `name` in the list of
/// saved profiles.
pub fn save_profile(harness: &mut Harness<'static, TestState>, name: &str) {
    harness.get_by_label("Save to the keyring").click();
    run_until(harness, "the saved profile", |state| {
        state
            .app()
            .profiles
            .profiles
            .iter()
            .any(|profile| profile.name == name)
    });
}

/// Presses the link form's Send and waits for the link `reference` in the
/// list; returns it as the journal recorded it.
pub fn send_link(
    harness: &mut Harness<'static, TestState>,
    reference: &str,
) -> apsdesk::journal::store::OrderRecord {
    harness.get_by_label("Send").click();
    run_until(harness, "the link in the list", |state| {
        state
            .app()
            .links
            .links
            .iter()
            .any(|link| link.merchant_reference == reference)
    });
    harness
        .state()
        .app()
        .links
        .links
        .iter()
        .find(|link| link.merchant_reference == reference)
        .cloned()
        .expect("the link")
}

/// Saves a profile `name` on the test's simulator in a fresh profile store
/// (keyring mocked) and lets the app switch to it over `journal`; the
/// returned folder holds the store.
pub fn profile_on_sim(
    harness: &mut Harness<'static, TestState>,
    name: &str,
    journal: &std::path::Path,
) -> tempfile::TempDir {
    let config = tempfile::TempDir::new().expect("config dir");
    let vault = apsdesk::profiles::vault::Vault::with_store(
        keyring_core::mock::Store::new().expect("mock store"),
    );
    let store = apsdesk::profiles::ProfileStore::new(config.path(), vault);
    let credentials = sim(harness).credentials();
    let url = sim(harness).base_url();
    store
        .save(
            &apsdesk::profiles::Profile {
                id: None,
                name: name.into(),
                environment: apsdesk::profiles::Environment::parse(&url).expect("url"),
                merchant_identifier: credentials.merchant_identifier.clone(),
                sha_type: "SHA-256".into(),
                apple_pay: None,
                language: "en".into(),
                receipt: apsdesk::profiles::ReceiptDetails::default(),
                timeout_secs: None,
            },
            &apsdesk::profiles::ProfileSecrets {
                access_code: credentials.access_code.clone(),
                request_phrase: credentials.request_phrase.clone(),
                response_phrase: credentials.response_phrase.clone(),
                apple_pay: None,
            },
            false,
        )
        .expect("saved");
    harness.state().app().backend.set_profile_store(store);
    harness.state_mut().app_mut().journal_for_profiles = Some(journal.to_owned());
    config
}

/// The record an earlier session wrote as its capture run of 2.000 KWD on
/// each of `references` started.
pub fn write_run_record(dir: &std::path::Path, references: &[&str]) {
    let record = apsdesk::app::bulk::RunRecord {
        kind: apsdesk::app::bulk::RecordedKind::Capture,
        operator: "tester".into(),
        profile: "test".into(),
        started_ms: jiff::Timestamp::now().as_millisecond() - 1,
        rows: references
            .iter()
            .enumerate()
            .map(|(index, reference)| apsdesk::app::bulk::RunRow {
                index,
                merchant_reference: (*reference).to_owned(),
                amount: Some("2.000".into()),
                currency: Some("KWD".into()),
            })
            .collect(),
    };
    std::fs::write(
        dir.join("journal.sqlite3.bulk-run.json"),
        serde_json::to_vec(&record).expect("json"),
    )
    .expect("record");
}

/// Where each row of the Bulk screen is, in order.
pub fn bulk_states(harness: &Harness<'static, TestState>) -> Vec<apsdesk::app::bulk::RowState> {
    harness
        .state()
        .app()
        .bulk
        .rows
        .iter()
        .map(|row| row.state.clone())
        .collect()
}
