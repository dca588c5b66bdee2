//! The app keeps accounts apart and secrets secret (issue 16), driven through
//! the real screens with egui_kittest: two profiles' orders in one journal,
//! production confirmations, the secret fields, what is persisted, and the
//! Signature tool.

mod app_harness;
mod common;

use apsdesk::aps::client::Environment;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apsdesk::app::Screen;
use apsdesk::app::backend::{Backend, Session};
use apsdesk::aps::{Command, Language, OutcomeClass};
use apsdesk::journal::{Actor, Desk, Journal};

use app_harness::{TestState, run_until, select, settle, sim};
use common::{authorize_in_sim, client, start_sim};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

struct Fixture {
    _runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

impl Fixture {
    fn journal(&self) -> std::path::PathBuf {
        self.dir.path().join("journal.sqlite3")
    }
}

/// One simulator; its orders `A-*` recorded under the simulator profile
/// `sim-a`, `B-*` under the production profile `prod-b`, in one journal. The
/// app opens on `open` (`"sim-a"` or `"prod-b"`).
fn two_accounts(open: &str) -> (Fixture, Harness<'static, TestState>) {
    let runtime = common::runtime();
    let sim = runtime.block_on(start_sim());
    let a = ["A-1", "A-2"];
    let b = ["B-1", "B-2"];
    for reference in a.iter().chain(&b) {
        authorize_in_sim(&sim, reference, "10000", "KWD");
    }
    let dir = tempfile::TempDir::new().expect("temp dir");
    let mut journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
    for (profile, environment, references) in [
        ("sim-a", Environment::Simulator, a),
        ("prod-b", Environment::Production, b),
    ] {
        let desk = Desk::new(
            Arc::new(Mutex::new(journal)),
            client(&sim),
            Actor {
                operator: "tester".into(),
                profile: profile.into(),
                account: apsdesk::sim::config::DEMO_MERCHANT_IDENTIFIER.into(),
                environment,
            },
            Language::En,
        );
        let references = references.iter().map(|r| (*r).to_owned()).collect();
        runtime.block_on(desk.lookup(references, 4, |_, _| {}));
        journal = Arc::try_unwrap(desk.journal)
            .expect("one owner")
            .into_inner()
            .expect("lock");
    }
    let environment = if open == "prod-b" {
        Environment::Production
    } else {
        Environment::Simulator
    };
    let session = Session {
        profile: open.into(),
        environment,
        operator: "tester".into(),
        demo: false,
        receipt: apsdesk::profiles::ReceiptDetails {
            name_en: "Test Merchant".into(),
            time_zone: "Asia/Kuwait".into(),
            ..Default::default()
        },
    };
    let backend = Backend::with_desk(
        runtime.handle(),
        journal,
        client(&sim),
        session,
        Some(sim),
        None,
    );
    let harness = app_harness::harness(backend);
    (
        Fixture {
            _runtime: runtime,
            dir,
        },
        harness,
    )
}

fn listed(state: &TestState) -> Vec<String> {
    state
        .app()
        .transactions
        .rows
        .iter()
        .map(|order| order.merchant_reference.clone())
        .collect()
}

fn type_into(harness: &mut Harness<'static, TestState>, field: &str, text: &str) {
    harness.get_by_label(field).click();
    settle(harness);
    harness.get_by_label(field).type_text(text);
    settle(harness);
}

fn mock_store(config: &std::path::Path) -> apsdesk::profiles::ProfileStore {
    let vault = apsdesk::profiles::vault::Vault::with_store(
        keyring_core::mock::Store::new().expect("mock store"),
    );
    apsdesk::profiles::ProfileStore::new(config, vault)
}

#[test]
fn one_accounts_orders_are_never_listed_exported_or_acted_on_under_another() {
    let (fixture, mut harness) = two_accounts("prod-b");
    run_until(&mut harness, "the orders", |state| listed(state).len() == 2);
    settle(&mut harness);
    assert_eq!(listed(harness.state()), ["B-2", "B-1"]);
    // Visibly scoped.
    harness.get_by_label_contains("Orders of profile prod-b (PRODUCTION) only");
    // The export holds this account's orders only.
    let out = tempfile::TempDir::new().expect("out dir");
    harness.state_mut().app_mut().save_target =
        Arc::new(apsdesk::receipt::batch::IntoFolder(out.path().to_owned()));
    harness.get_by_label("Export CSV…").click();
    let csv = out.path().join("orders.csv");
    run_until(&mut harness, "the CSV file", |_| {
        std::fs::read_to_string(&csv).is_ok_and(|text| text.contains("B-1"))
    });
    let text = std::fs::read_to_string(&csv).expect("read");
    assert!(!text.contains("A-1") && !text.contains("A-2"), "{text}");
    // Bulk takes this account's listed orders only, and names the account.
    harness.get_by_label("Bulk").click();
    run_until(&mut harness, "the bulk screen", |state| {
        state.app().settings.screen == Screen::Bulk
    });
    harness.get_by_label_contains("Acts on the account prod-b");
    harness.get_by_label("Use the listed orders").click();
    settle(&mut harness);
    let input = harness.state().app().bulk.input.clone();
    assert!(input.contains("B-1") && !input.contains("A-"), "{input}");
    // Another account's order gives no receipt and no detail here.
    let other = {
        let journal = Journal::open(&fixture.journal()).expect("journal");
        journal
            .orders_page(&apsdesk::journal::OrderFilter::default(), None, 10)
            .expect("orders")
            .rows
            .into_iter()
            .find(|order| order.merchant_reference == "A-1")
            .expect("A-1 recorded")
    };
    let target = Arc::clone(&harness.state().app().save_target);
    harness.state().app().backend.save_receipt(
        other.id,
        None,
        target,
        apsdesk::receipt::Layout::A4,
    );
    harness.state().app().backend.load_detail(other.id);
    for _ in 0..50 {
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!out.path().join("receipt-A-1.pdf").exists());
    assert!(harness.state().app().transactions.detail.is_none());

    // Switching profile switches the scope.
    let _config = app_harness::profile_on_sim(&mut harness, "sim-a", &fixture.journal());
    harness.get_by_label("Profiles").click();
    run_until(&mut harness, "the profiles", |state| {
        !state.app().profiles.profiles.is_empty()
    });
    harness.get_by_label("Use").click();
    run_until(&mut harness, "the switch", |state| {
        state.app().backend.session().profile == "sim-a"
    });
    harness.get_by_label("Transactions").click();
    run_until(&mut harness, "the other account's orders", |state| {
        listed(state).len() == 2
    });
    assert_eq!(listed(harness.state()), ["A-2", "A-1"]);
    assert!(harness.state().app().bulk.input.is_empty());
    harness.get_by_label_contains("Orders of profile sim-a (Simulator) only");
}

#[test]
fn a_saved_secret_cannot_be_brought_back_by_undo_nor_is_kept_on_disk() {
    let (_fixture, mut harness) = two_accounts("sim-a");
    let config = tempfile::TempDir::new().expect("config dir");
    run_until(&mut harness, "the app", |_| true);
    harness
        .state()
        .app()
        .backend
        .set_profile_store(mock_store(config.path()));
    harness.get_by_label("Profiles").click();
    run_until(&mut harness, "the profiles screen", |state| {
        state.app().settings.screen == Screen::Profiles
    });
    let url = sim(&harness).base_url();
    app_harness::choose(&mut harness, "Environment", "Simulator on this computer");
    for (field, text) in [
        ("Profile name", "kw-undo"),
        ("Simulator address", url.as_str()),
        ("Merchant identifier", "MID-UNDO"),
        ("Access code", "ACCESS-SECRET-UNDO"),
        ("SHA request phrase", "REQUEST-SECRET-UNDO"),
        ("SHA response phrase", "RESPONSE-SECRET-UNDO"),
    ] {
        type_into(&mut harness, field, text);
        // As a person pauses: egui's undo keeps a state once it has been
        // stable for a second (each step is a quarter).
        for _ in 0..8 {
            harness.step();
        }
    }
    // What egui would persist with the window holds nothing of the secret
    // fields (their cursor positions tell the secrets' lengths).
    let access_id = harness
        .state()
        .app()
        .profiles
        .secret_field_id(apsdesk::app::profiles::SecretField::AccessCode);
    // Saved and read back as eframe does (RON in its storage).
    let mut storage = MemoryStorage::default();
    harness
        .ctx
        .memory(|memory| eframe::set_value(&mut storage, "egui", memory));
    let restored: egui::Memory = eframe::get_value(&storage, "egui").expect("memory");
    let next_launch = egui::Context::default();
    next_launch.memory_mut(|memory| *memory = restored);
    assert!(egui::text_edit::TextEditState::load(&next_launch, access_id).is_none());

    app_harness::save_profile(&mut harness, "kw-undo");
    assert!(harness.state().app().profiles.form.access_code.is_empty());
    // Undo as egui sees it from a keyboard here: Ctrl+Z in the focused field
    // (egui-winit sets `ctrl` and `command` together off macOS); kittest's
    // clock moves a quarter second a step, so the typed secret has long been
    // an undo point. Each press is checked on its own: a second press would
    // undo the first one's restoring.
    harness.get_by_label("Access code").click();
    settle(&mut harness);
    for press in 1..=3 {
        undo(&mut harness);
        let form = &harness.state().app().profiles.form;
        assert_eq!(
            form.access_code, "",
            "Ctrl+Z press {press} brought a saved secret back"
        );
        assert!(form.request_phrase.is_empty() && form.response_phrase.is_empty());
    }
    // The same keys do undo in an ordinary field: the presses above reached
    // egui's undo, which found nothing to bring back.
    type_into(&mut harness, "Merchant name (English)", "Gulf Shop");
    for _ in 0..8 {
        harness.step();
    }
    assert_eq!(harness.state().app().profiles.form.name_en, "Gulf Shop");
    undo(&mut harness);
    assert_eq!(harness.state().app().profiles.form.name_en, "");
}

/// Ctrl+Z in the focused field, with the modifiers egui-winit reports for it
/// on Linux and Windows.
fn undo(harness: &mut Harness<'static, TestState>) {
    harness.key_press_modifiers(
        egui::Modifiers::CTRL | egui::Modifiers::COMMAND,
        egui::Key::Z,
    );
    settle(harness);
}

/// The storage eframe writes the settings to, in memory.
#[derive(Default)]
struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

#[test]
fn what_was_searched_is_not_saved_with_the_settings() {
    let (_fixture, mut harness) = two_accounts("sim-a");
    run_until(&mut harness, "the orders", |state| listed(state).len() == 2);
    harness.state_mut().app_mut().transactions.filter.text = "Noura noura@example.com".into();
    harness.state_mut().app_mut().transactions.filter.currency = Some("KWD".into());
    settle(&mut harness);
    let mut storage = MemoryStorage::default();
    eframe::App::save(harness.state_mut().app_mut(), &mut storage);
    let saved = storage
        .get_string_for_test(apsdesk::app::SETTINGS_KEY)
        .expect("settings saved");
    assert!(
        saved.contains("KWD"),
        "the filter's choices are kept: {saved}"
    );
    assert!(
        !saved.contains("Noura") && !saved.contains("noura"),
        "{saved}"
    );
    assert!(!saved.contains("sim-a"), "nor the account: {saved}");
}

impl MemoryStorage {
    fn get_string_for_test(&self, key: &str) -> Option<String> {
        eframe::Storage::get_string(self, key)
    }
}

#[test]
fn production_void_and_bulk_wait_for_a_typed_confirmation() {
    let (_fixture, mut harness) = two_accounts("prod-b");
    select(&mut harness, "B-1");
    harness.get_by_label("Void…").click();
    run_until(&mut harness, "the dialog", |state| {
        state.app().dialog.is_some()
    });
    harness.get_by_label_contains("Production account: prod-b");
    harness.get_by_label("Send").click();
    settle(&mut harness);
    assert!(
        !harness
            .state()
            .app()
            .dialog
            .as_ref()
            .expect("dialog")
            .pending,
        "Send waits for the confirmation"
    );
    assert_eq!(sim(&harness).received(Command::VoidAuthorization), 0);
    type_into(
        &mut harness,
        "Type the merchant reference (B-1) to confirm the void",
        "B-1",
    );
    harness.get_by_label("Send").click();
    run_until(&mut harness, "the void", |state| {
        state
            .app()
            .dialog
            .as_ref()
            .is_some_and(|dialog| dialog.result.is_some())
    });
    let result = harness
        .state()
        .app()
        .dialog
        .as_ref()
        .and_then(|dialog| dialog.result.clone())
        .expect("result");
    assert_eq!(result.class, Some(OutcomeClass::Succeeded));
    harness.get_by_label("Close").click();
    settle(&mut harness);

    harness.get_by_label("Bulk").click();
    run_until(&mut harness, "the bulk screen", |state| {
        state.app().settings.screen == Screen::Bulk
    });
    type_into(
        &mut harness,
        "Merchant references, or CSV lines of merchant_reference,amount",
        "B-2,1.250\n",
    );
    harness.get_by_label("Capture all").click();
    settle(&mut harness);
    assert!(
        !harness.state().app().bulk.running,
        "nothing starts at once"
    );
    // The preview names the account, the action, the count and the total.
    let account = harness.state().app().account_label();
    assert!(account.starts_with("prod-b · "), "{account}");
    harness.get_by_label_contains(&format!(
        "{account}: Capture all — 1 order, totalling 1.250 KWD"
    ));
    for _ in 0..20 {
        harness.step();
    }
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    let prompt = "Production: type the total shown (1.250 KWD) to start";
    // The count, or the amount without its currency, is not the total.
    for wrong in ["1", "1.25 KWD", "1.250"] {
        harness.state_mut().app_mut().bulk.confirmation.clear();
        type_into(&mut harness, prompt, wrong);
        harness.get_by_label("Confirm and start").click();
        settle(&mut harness);
        assert!(
            !harness.state().app().bulk.running,
            "{wrong:?} starts nothing"
        );
    }
    assert_eq!(sim(&harness).received(Command::Capture), 0);
    harness.state_mut().app_mut().bulk.confirmation.clear();
    type_into(&mut harness, prompt, "1.250 KWD");
    harness.get_by_label("Confirm and start").click();
    run_until(&mut harness, "the bulk capture", |state| {
        let (done, total) = state.app().bulk.progress();
        total == 1 && done == 1
    });
    assert_eq!(sim(&harness).received(Command::Capture), 1);
}

#[test]
fn the_signature_tool_verifies_responses_and_never_signs_one() {
    let (_fixture, mut harness) = two_accounts("sim-a");
    run_until(&mut harness, "the app", |_| true);
    harness.get_by_label("Signature tool").click();
    run_until(&mut harness, "the signature screen", |state| {
        state.app().settings.screen == Screen::Signature
    });
    harness
        .get_by_label("Verify a response (response phrase)")
        .click();
    settle(&mut harness);
    let response = r#"{"command":"CAPTURE","response_code":"04000","amount":"1000","merchant_reference":"FAKE-1"}"#;
    type_into(
        &mut harness,
        "Request or response (JSON or form-encoded)",
        response,
    );
    let credentials = sim(&harness).credentials();
    let params = apsdesk::aps::params::Params::from_json(response).expect("json");
    let forged = apsdesk::aps::signature::sign(
        &params,
        credentials.sha_type,
        credentials.response_phrase.expose(),
    );
    harness.get_by_label("The input has no signature to verify.");
    assert!(
        harness.query_by_label_contains(&forged).is_none(),
        "a response signature was produced"
    );
    // A request is signed, with the request phrase.
    harness
        .get_by_label("Sign a request (request phrase)")
        .click();
    settle(&mut harness);
    let request_signature = apsdesk::aps::signature::sign(
        &params,
        credentials.sha_type,
        credentials.request_phrase.expose(),
    );
    harness.get_by_label(&request_signature);
    assert!(harness.query_by_label_contains(&forged).is_none());
}
