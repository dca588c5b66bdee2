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

/// The notice a second launch shows, as the operator sees it: the heading and
/// the reason in the language they last chose, the journal's path, a Close
/// button that closes the window. Made on the first frame, as eframe makes it
/// before its first frame (its fonts are in place from the next one).
fn notice(language: Language) -> Harness<'static, Option<apsdesk::app::notice::NoticeWindow>> {
    use apsdesk::app::i18n::Tr;
    use apsdesk::app::notice::{Notice, NoticeWindow};
    let mut harness = Harness::builder()
        .with_size(egui::Vec2::new(520.0, 200.0))
        .build_ui_state(
            move |ui, window: &mut Option<NoticeWindow>| {
                if let Some(window) = window {
                    window.ui(ui);
                } else {
                    let notice = Notice {
                        heading: "journal-already-open-heading",
                        body: "journal-already-open",
                        detail: "/home/op/.local/share/apsdesk/journal.sqlite3".into(),
                    };
                    *window = Some(NoticeWindow::new(notice, Tr::new(language), ui.ctx()));
                }
            },
            None,
        );
    harness.run();
    harness
}

fn dismissed(harness: &Harness<'static, Option<apsdesk::app::notice::NoticeWindow>>) -> bool {
    harness.state().as_ref().expect("the notice").dismissed()
}

#[test]
fn the_notice_of_a_second_launch_speaks_the_operators_language_and_closes() {
    for (language, heading, close) in [
        (Language::En, "apsdesk is already open", "Close"),
        (Language::Ar, "apsdesk مفتوح بالفعل", "إغلاق"),
    ] {
        let mut harness = notice(language);
        harness.run();
        harness.get_by_label(heading);
        harness.get_by_label("/home/op/.local/share/apsdesk/journal.sqlite3");
        assert!(!dismissed(&harness), "{language:?}: closed by itself");
        harness.get_by_label(close).click();
        harness.run();
        assert!(dismissed(&harness), "{language:?}: Close did not close");
    }
    // Enter closes it too: the operator who double-clicked the icon and got
    // this instead can dismiss it without the mouse.
    let mut harness = notice(Language::En);
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert!(dismissed(&harness), "Enter did not close");
}

#[test]
fn a_second_launch_from_a_menu_shows_a_window_that_says_so() {
    use common::xvfb::{LoggedProcess, Xvfb};
    use std::time::Duration;
    let dir = tempfile::TempDir::new().expect("temp dir");
    let journal = dir.path().join("journal.sqlite3");
    let _first = JournalLock::acquire(&journal).expect("lock");
    let xvfb = Xvfb::start();
    let home = tempfile::TempDir::new().expect("home");
    let mut command = Command::new(env!("CARGO_BIN_EXE_apsdesk"));
    command
        .args(["--profile", "shop-kw", "--db"])
        .arg(&journal)
        .env("DISPLAY", &xvfb.display)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("APSDESK_LOG", "apsdesk=info");
    let mut app = LoggedProcess::spawn(command);
    app.wait_for_line(
        "notice shown: journal-already-open",
        Duration::from_secs(15),
    );
    // The window waits for the operator; it does not flash and vanish.
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        app.process.0.try_wait().expect("try_wait").is_none(),
        "the notice closed by itself:\n{}",
        app.seen.join("\n")
    );
    assert!(!journal.exists(), "the journal was opened");
    drop(app);
    drop(xvfb);
}
