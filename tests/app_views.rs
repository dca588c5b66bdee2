//! Saved views (issue 15): deleted from the list or the palette only after
//! the operator says so, replaced only after asking, kept across a restart
//! of the app in the profile's views file, and a views file that is not
//! views (garbage, half a file) set aside untouched while the app goes on —
//! the operator told in their language.

mod app_harness;
mod common;

use std::path::{Path, PathBuf};

use app_harness::{TestState, run_until, settle, with_orders};
use apsdesk::app::views::{self, SavedView, ViewsStore};
use apsdesk::aps::Language;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The app started on the profile `test` with its views in `dir`, once the
/// views file was read (what a start of the app does).
fn started(dir: &Path) -> (app_harness::Fixture, Harness<'static, TestState>) {
    let (fixture, mut harness) = with_orders(&["SV-1"]);
    run_until(&mut harness, "the orders", |state| {
        !state.app().transactions.rows.is_empty()
    });
    harness.state_mut().app_mut().use_views_dir(dir.to_owned());
    run_until(&mut harness, "the views read", |state| {
        !matches!(state.app().views_store, ViewsStore::Loading { .. })
    });
    (fixture, harness)
}

/// The views the file holds now.
fn on_disk(file: &Path) -> Vec<SavedView> {
    views::from_toml(&std::fs::read_to_string(file).expect("the views file")).expect("views")
}

fn names(views: &[SavedView]) -> Vec<String> {
    views.iter().map(|view| view.name.clone()).collect()
}

/// Waits until the file holds views named `expected`.
fn wait_for_file(harness: &mut Harness<'static, TestState>, file: &Path, expected: &[&str]) {
    run_until(harness, "the views file", |_| {
        std::fs::read_to_string(file)
            .ok()
            .and_then(|text| views::from_toml(&text).ok())
            .is_some_and(|views| names(&views) == expected)
    });
}

/// Save view…, the name typed, Save (in English).
fn save_view(harness: &mut Harness<'static, TestState>, name: &str) {
    harness.get_by_label("Save view…").click();
    settle(harness);
    harness.get_by_label("View name").click();
    settle(harness);
    harness.get_by_label("View name").type_text(name);
    settle(harness);
    harness.get_by_label("Save").click();
    settle(harness);
}

/// Picks a payment method in the filter bar.
fn filter_method(harness: &mut Harness<'static, TestState>, method: &str) {
    harness
        .get_by_role_and_label(Role::ComboBox, "Payment method")
        .click();
    settle(harness);
    harness.get_by_label(method).click();
    settle(harness);
}

/// A profile's views folder (not there yet) and the views file of the
/// profile `test` in it; the folder lasts as long as the first.
fn views_folder() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let config = tempfile::TempDir::new().expect("config");
    let dir = config.path().join("views");
    let file = views::file_for(&dir, "test");
    (config, dir, file)
}

/// The list's delete button asks first: Cancel keeps the view (on screen
/// and on disk), Delete removes it from both; a restart of the app finds
/// only what is left.
#[test]
fn a_view_is_deleted_from_the_list_only_once_confirmed_and_stays_deleted() {
    let (_config, dir, file) = views_folder();
    {
        let (_fixture, mut harness) = started(&dir);
        filter_method(&mut harness, "AMEX");
        save_view(&mut harness, "Late AMEX");
        filter_method(&mut harness, "KNET");
        save_view(&mut harness, "KNET too");
        wait_for_file(&mut harness, &file, &["Late AMEX", "KNET too"]);

        // A slip: the bin clicked, then Cancel.
        harness
            .get_by_role_and_label(Role::ComboBox, "Saved views")
            .click();
        settle(&mut harness);
        harness.get_by_label("Delete view “Late AMEX”").click();
        settle(&mut harness);
        harness.get_by_label_contains("Delete the view “Late AMEX”?");
        harness.get_by_label("Cancel").click();
        settle(&mut harness);
        assert_eq!(
            names(&harness.state().app().transactions.views),
            ["Late AMEX", "KNET too"]
        );
        assert!(
            harness.query_by_label_contains("Delete the view").is_none(),
            "the question is gone"
        );
        assert_eq!(names(&on_disk(&file)), ["Late AMEX", "KNET too"]);

        // Meant: the bin, then Delete.
        harness
            .get_by_role_and_label(Role::ComboBox, "Saved views")
            .click();
        settle(&mut harness);
        harness.get_by_label("Delete view “Late AMEX”").click();
        settle(&mut harness);
        harness
            .get_by_role_and_label(Role::Button, "Delete")
            .click();
        wait_for_file(&mut harness, &file, &["KNET too"]);
        assert_eq!(
            names(&harness.state().app().transactions.views),
            ["KNET too"]
        );
        assert!(
            harness
                .state()
                .app()
                .toast_texts()
                .contains(&"View “Late AMEX” deleted".to_owned())
        );
    }
    // The app started again on the same profile.
    let (_fixture, harness) = started(&dir);
    let views = &harness.state().app().transactions.views;
    assert_eq!(names(views), ["KNET too"]);
    assert_eq!(views[0].filter.payment_options, vec!["KNET".to_owned()]);
    // Nothing but the views file in the folder (no staging file left).
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("views folder")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name())
        .collect();
    assert_eq!(files, vec![std::ffi::OsString::from("test.toml")]);
}

/// "Delete view: NAME" in the palette asks the list's question; the
/// answer decides.
#[test]
fn a_view_is_deleted_from_the_palette_after_the_same_question() {
    let (_config, dir, file) = views_folder();
    let (_fixture, mut harness) = started(&dir);
    save_view(&mut harness, "Everything");
    save_view(&mut harness, "Other");
    wait_for_file(&mut harness, &file, &["Everything", "Other"]);
    // Elsewhere in the app: the palette brings the question to Transactions.
    harness.state_mut().app_mut().settings.screen = apsdesk::app::Screen::Links;
    settle(&mut harness);
    palette(&mut harness, "delete everything");
    assert_eq!(
        harness.state().app().settings.screen,
        apsdesk::app::Screen::Transactions
    );
    harness.get_by_label_contains("Delete the view “Everything”?");
    assert_eq!(harness.state().app().transactions.views.len(), 2);
    harness
        .get_by_role_and_label(Role::Button, "Delete")
        .click();
    wait_for_file(&mut harness, &file, &["Other"]);
    // A recall of the deleted view is no longer offered.
    let entries = apsdesk::app::palette::entries(
        &harness.state().app().tr,
        &names(&harness.state().app().transactions.views),
    );
    assert!(
        !entries
            .iter()
            .any(|entry| entry.name.contains("Everything"))
    );
}

/// Opens the palette with Ctrl+K, types `query` and presses Enter.
fn palette(harness: &mut Harness<'static, TestState>, query: &str) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    settle(harness);
    query.clone_into(&mut harness.state_mut().app_mut().palette.query);
    settle(harness);
    harness.key_press(egui::Key::Enter);
    settle(harness);
}

/// Saving under a name a view has (whatever its case) asks first: Cancel
/// keeps the old view, Replace puts the current filters in its place.
#[test]
fn saving_under_an_existing_name_asks_before_replacing() {
    let (_config, dir, file) = views_folder();
    let (_fixture, mut harness) = started(&dir);
    filter_method(&mut harness, "AMEX");
    save_view(&mut harness, "Late AMEX");
    save_view(&mut harness, "Second");
    wait_for_file(&mut harness, &file, &["Late AMEX", "Second"]);

    filter_method(&mut harness, "KNET");
    save_view(&mut harness, "late amex");
    harness.get_by_label_contains("A view named “late amex” exists");
    harness.get_by_label("Cancel").click();
    settle(&mut harness);
    let kept = on_disk(&file);
    assert_eq!(names(&kept), ["Late AMEX", "Second"]);
    assert_eq!(kept[0].filter.payment_options, vec!["AMEX".to_owned()]);
    assert_eq!(
        harness.state().app().transactions.views[0]
            .filter
            .payment_options,
        vec!["AMEX".to_owned()],
        "the screen keeps it too"
    );

    save_view(&mut harness, "late amex");
    harness
        .get_by_role_and_label(Role::Button, "Replace")
        .click();
    wait_for_file(&mut harness, &file, &["late amex", "Second"]);
    let replaced = on_disk(&file);
    assert_eq!(replaced[0].filter.payment_options, vec!["KNET".to_owned()]);
    assert!(
        harness
            .state()
            .app()
            .toast_texts()
            .contains(&"View “late amex” replaced".to_owned())
    );
}

/// A views file that is not views — garbage, or a write cut short — does
/// not stop the app: it is renamed aside unchanged, the operator is told
/// where it is (in Arabic for an Arabic operator), the profile starts with
/// no views, and the next save writes a good file beside the kept one.
#[test]
fn a_corrupt_views_file_is_set_aside_and_the_operator_told() {
    for (language, bytes) in [
        (Language::En, b"views = [[[ \x00\xff not toml".to_vec()),
        (Language::Ar, b"[[views]]\nname = \"Half a vi".to_vec()),
    ] {
        let (_config, dir, file) = views_folder();
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(&file, &bytes).expect("corrupt file");

        let (_fixture, mut harness) = with_orders(&["SV-1"]);
        if language == Language::Ar {
            harness.get_by_label("العربية").click();
            run_until(&mut harness, "Arabic", |state| {
                state.app().tr.language() == Language::Ar
            });
        }
        harness.state_mut().app_mut().use_views_dir(dir.clone());
        run_until(&mut harness, "the views read", |state| {
            matches!(state.app().views_store, ViewsStore::File(_))
        });
        let kept: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.to_string_lossy().contains(".unreadable-"))
            .collect();
        assert_eq!(kept.len(), 1, "{language}: set aside once");
        assert_eq!(
            std::fs::read(&kept[0]).expect("kept"),
            bytes,
            "{language}: unchanged"
        );
        assert!(harness.state().app().transactions.views.is_empty());

        let tr = apsdesk::app::i18n::Tr::new(language);
        let told = tr.args(
            "views-set-aside",
            &[("path", kept[0].display().to_string().into())],
        );
        assert!(
            harness.state().app().toast_texts().contains(&told),
            "{language}: told {told:?}, toasts {:?}",
            harness.state().app().toast_texts()
        );
        if language == Language::Ar {
            // The sentence around the path is Arabic.
            let around = told.replace(&kept[0].display().to_string(), "");
            assert!(
                !around.chars().any(|c| c.is_ascii_alphabetic()),
                "Latin letters in {around:?}"
            );
        }

        // The app goes on: a view saved now makes a good file.
        harness.state_mut().app_mut().settings.language = "en".into();
        harness.state_mut().app_mut().tr.set_language(Language::En);
        settle(&mut harness);
        save_view(&mut harness, "Fresh");
        wait_for_file(&mut harness, &file, &["Fresh"]);
        assert_eq!(
            std::fs::read(&kept[0]).expect("still kept"),
            bytes,
            "{language}: the kept file is never written over"
        );
    }
}

/// Naming a view happens on a line of its own: in the selection's row its
/// field, Save and Cancel ran past the window's edge and pushed the detail
/// panel off it.
#[test]
fn a_view_is_named_on_a_line_of_its_own() {
    let dir = tempfile::TempDir::new().expect("views dir");
    let (_fixture, mut harness) = started(dir.path());
    let row_bottom = harness.get_by_label("Select all filtered").rect().bottom();
    harness.get_by_label("Save view…").click();
    settle(&mut harness);
    let field = harness.get_by_label("View name").rect();
    assert!(
        field.top() >= row_bottom,
        "the name is below the selection's row ({field:?}, row ends at {row_bottom})"
    );
    let screen = harness.ctx.content_rect();
    for button in ["Cancel", "Select all filtered"] {
        let rect = harness.get_by_label(button).rect();
        assert!(
            screen.contains_rect(rect),
            "{button} within the window: {rect:?}"
        );
    }
}
