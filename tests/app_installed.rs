//! The app as an installed program (issue 14): the window title names the
//! profile and the environment, the About box gives the version and the
//! licences, and a second window on the same journal is refused — in the
//! library, and by the real binary before it touches the keyring.

mod common;

use std::process::Command;

use apsdesk::app::backend::{Backend, Session};
use apsdesk::app::instance::JournalLock;
use apsdesk::app::{DeskApp, Settings};
use apsdesk::aps::Language;
use apsdesk::journal::Journal;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

struct State {
    backend: Option<Backend>,
    app: Option<DeskApp>,
}

/// The app over a fresh journal on the simulator, as profile `shop-kw` in
/// `environment`; the runtime and the folder must outlive the harness.
fn app(
    environment: &str,
) -> (
    tokio::runtime::Runtime,
    tempfile::TempDir,
    Harness<'static, State>,
) {
    let runtime = common::runtime();
    let sim = runtime.block_on(common::start_sim());
    let dir = tempfile::TempDir::new().expect("temp dir");
    let journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
    let session = Session {
        profile: "shop-kw".into(),
        environment: apsdesk::aps::client::Environment::from_name(environment)
            .expect("an environment"),
        operator: "tester".into(),
        demo: false,
        receipt: apsdesk::profiles::ReceiptDetails::default(),
    };
    let backend = Backend::with_desk(
        runtime.handle(),
        journal,
        common::client(&sim),
        session,
        Some(sim),
        None,
    );
    let harness = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .build_ui_state(
            |ui, state: &mut State| {
                if state.app.is_none() {
                    let backend = state.backend.take().expect("backend");
                    state.app = Some(DeskApp::new(backend, Settings::default(), ui.ctx()));
                }
                let app = state.app.as_mut().expect("app");
                app.logic(ui.ctx());
                app.ui(ui);
            },
            State {
                backend: Some(backend),
                app: None,
            },
        );
    (runtime, dir, harness)
}

#[test]
fn the_window_title_names_the_profile_and_the_environment() {
    let (_runtime, _dir, mut harness) = app("production");
    harness.step();
    let app = harness.state().app.as_ref().expect("app");
    assert_eq!(app.window_title(), "apsdesk — shop-kw · PRODUCTION");
    let (_runtime, _dir, mut harness) = app_sandbox_in_arabic();
    harness.step();
    let app = harness.state().app.as_ref().expect("app");
    assert_eq!(app.window_title(), "apsdesk — shop-kw · بيئة الاختبار");
}

fn app_sandbox_in_arabic() -> (
    tokio::runtime::Runtime,
    tempfile::TempDir,
    Harness<'static, State>,
) {
    let (runtime, dir, mut harness) = app("sandbox");
    harness.step();
    harness
        .state_mut()
        .app
        .as_mut()
        .expect("app")
        .tr
        .set_language(Language::Ar);
    (runtime, dir, harness)
}

#[test]
fn the_about_box_gives_the_version_and_the_licences() {
    let (_runtime, _dir, mut harness) = app("simulator");
    harness.step();
    harness.get_by_label("About").click();
    harness.run_steps(3);
    harness.get_by_label(&format!("apsdesk {}", env!("CARGO_PKG_VERSION")));
    harness.get_by_label(
        "apsdesk is free software under the MIT licence or the Apache License 2.0, at your choice.",
    );
    harness.get_by_label(
        "Bundled fonts: Noto Sans and Noto Sans Arabic, under the SIL Open Font License 1.1.",
    );
    // The full texts are there, folded.
    harness.get_by_label("Licence text: MIT");
    harness.get_by_label("Licence text: Apache-2.0");
    harness.get_by_label("Licence text: OFL-1.1").click();
    harness.run_steps(3);
    // The texts are shown as written: one label per licence.
    harness.get_by_label_contains("This Font Software is licensed under the SIL Open Font License");
    harness.get_by_label("Licence text: OFL-1.1").click();
    harness.run_steps(3);
    harness.get_by_label("Close").click();
    harness.run_steps(3);
    assert!(!harness.state().app.as_ref().expect("app").about_open);
    assert!(harness.query_by_label("About apsdesk").is_none());
}

#[test]
fn a_second_app_on_the_same_journal_says_so_and_stops() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let journal = dir.path().join("journal.sqlite3");
    // This test stands for the first window.
    let _first = JournalLock::acquire(&journal).expect("lock");
    let config = tempfile::TempDir::new().expect("config dir");
    let output = Command::new(env!("CARGO_BIN_EXE_apsdesk"))
        .args(["--profile", "shop-kw", "--db"])
        .arg(&journal)
        // No display and no keyring: the refusal must come before either.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_CONFIG_HOME", config.path())
        .env("HOME", config.path())
        .output()
        .expect("run apsdesk");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("apsdesk is already open on the journal")
            && stderr.contains(&journal.display().to_string()),
        "stderr: {stderr}"
    );
    // The journal itself was not created or opened.
    assert!(!journal.exists());
}
