//! Accessibility (issue 15): every interactive control on every screen has
//! a role and a name in the AccessKit tree, in English and in Arabic; icons
//! are painted and named; and the main flow — find an order, refund it,
//! save its receipt — is done from the keyboard alone.

mod app_harness;
mod common;

use app_harness::{TestState, run_until, select, settle, with_orders};
use apsdesk::app::Screen;
use apsdesk::aps::Language;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};

/// The roles an operator acts on.
fn is_interactive(role: Role) -> bool {
    matches!(
        role,
        Role::Button
            | Role::CheckBox
            | Role::ComboBox
            | Role::TextInput
            | Role::MultilineTextInput
            | Role::RadioButton
            | Role::Slider
            | Role::SpinButton
            | Role::Link
            | Role::Tab
            | Role::MenuItem
            | Role::Switch
            | Role::DateInput
            | Role::SearchInput
            | Role::PasswordInput
    )
}

/// The interactive controls of the screen on show that have no name.
fn unlabelled(harness: &Harness<'static, TestState>) -> Vec<String> {
    harness
        .query_all(by().include_labels().predicate(|_| true))
        .filter_map(|node| {
            let node = NodeT::accesskit_node(&node);
            let named = node.label().is_some_and(|label| !label.trim().is_empty());
            (is_interactive(node.role()) && !named && !node.is_hidden()).then(|| {
                let near: Vec<String> = node
                    .parent()
                    .into_iter()
                    .flat_map(|parent| parent.children().collect::<Vec<_>>())
                    .filter_map(|sibling| sibling.label().or_else(|| sibling.value()))
                    .take(6)
                    .collect();
                format!("{:?} {:?} near {near:?}", node.role(), node.value())
            })
        })
        .collect()
}

fn every_screen_is_labelled_in(language: Language) {
    let (_fixture, mut harness) = with_orders(&["AX-1"]);
    if language == Language::Ar {
        harness.get_by_label("العربية").click();
        run_until(&mut harness, "Arabic", |state| {
            state.app().tr.language() == language
        });
    }
    select(&mut harness, "AX-1");
    let mut missing = Vec::new();
    for screen in [
        Screen::Transactions,
        Screen::Bulk,
        Screen::Links,
        Screen::Tokens,
        Screen::Profiles,
        Screen::Activity,
        Screen::Signature,
    ] {
        harness.state_mut().app_mut().settings.screen = screen;
        settle(&mut harness);
        missing.extend(
            unlabelled(&harness)
                .into_iter()
                .map(|what| format!("{screen:?}: {what}")),
        );
    }
    // The Capture… dialog, over the Transactions screen.
    harness.state_mut().app_mut().settings.screen = Screen::Transactions;
    settle(&mut harness);
    let order = harness
        .state()
        .app()
        .transactions
        .detail
        .as_ref()
        .expect("detail")
        .order
        .clone();
    harness.state_mut().app_mut().dialog = Some(apsdesk::app::operation::OperationDialog::new(
        apsdesk::app::OperationKind::Capture,
        order,
    ));
    settle(&mut harness);
    missing.extend(
        unlabelled(&harness)
            .into_iter()
            .map(|what| format!("Capture dialog: {what}")),
    );
    // The About box.
    harness.state_mut().app_mut().dialog = None;
    harness.state_mut().app_mut().about_open = true;
    settle(&mut harness);
    missing.extend(
        unlabelled(&harness)
            .into_iter()
            .map(|what| format!("About: {what}")),
    );
    assert!(
        missing.is_empty(),
        "{language}: controls without a name:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_control_has_a_name_in_english() {
    every_screen_is_labelled_in(Language::En);
}

#[test]
fn every_control_has_a_name_in_arabic() {
    every_screen_is_labelled_in(Language::Ar);
}

#[test]
fn the_sort_direction_and_copy_are_painted_icons_with_words() {
    let (_fixture, mut harness) = with_orders(&["AX-2"]);
    select(&mut harness, "AX-2");
    // Newest first by default: the Date column says so in words.
    harness.get_by_label("Date, sorted largest first");
    let copy = harness.get_by_label("Copy Authorized");
    copy.click();
    settle(&mut harness);
    assert!(
        harness
            .state()
            .app()
            .toast_texts()
            .iter()
            .any(|toast| toast.contains("Authorized")),
        "the copy button copied: {:?}",
        harness.state().app().toast_texts()
    );
    // No letter stands in for an arrow.
    for text in app_harness::all_texts(&harness) {
        assert!(!text.ends_with(" v") && !text.ends_with(" ^"), "{text}");
    }
}

/// Presses Tab until the control named `label` has the keyboard focus.
fn tab_to(harness: &mut Harness<'static, TestState>, label: &str) {
    for _ in 0..80 {
        if harness
            .query_all_by_label(label)
            .any(|node| node.is_focused())
        {
            return;
        }
        harness.key_press(egui::Key::Tab);
        harness.step();
    }
    panic!("Tab never reached {label}");
}

/// Opens a dialog by its shortcut, sends what it was prefilled with, waits
/// for the answer and closes the dialog — keys only.
fn operate_by_keys(harness: &mut Harness<'static, TestState>, key: egui::Key) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, key);
    run_until(harness, "the dialog", |state| state.app().dialog.is_some());
    let send = app_harness::send_label(harness);
    tab_to(harness, &send);
    harness.key_press(egui::Key::Enter);
    let result = app_harness::dialog_result(harness);
    assert_eq!(result.class, Some(apsdesk::aps::OutcomeClass::Succeeded));
    harness.key_press(egui::Key::Escape);
    run_until(harness, "the dialog to close", |state| {
        state.app().dialog.is_none()
    });
}

#[test]
fn find_refund_and_print_from_the_keyboard_alone() {
    let (fixture, mut harness) = with_orders(&["KB-1", "KB-2", "KB-3"]);
    run_until(&mut harness, "the orders", |state| {
        state.app().transactions.rows.len() == 3
    });
    let out = tempfile::TempDir::new().expect("out dir");
    harness.state_mut().app_mut().save_target =
        std::sync::Arc::new(apsdesk::receipt::batch::IntoFolder(out.path().to_owned()));
    // Find: Ctrl+F, type the reference, Tab to the order, Enter.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.step();
    harness.event(egui::Event::Text("KB-2".to_owned()));
    run_until(&mut harness, "the search's result", |state| {
        state.app().transactions.rows.len() == 1
    });
    tab_to(&mut harness, "KB-2");
    harness.key_press(egui::Key::Enter);
    run_until(&mut harness, "the order's detail", |state| {
        state
            .app()
            .transactions
            .detail
            .as_ref()
            .is_some_and(|detail| detail.order.merchant_reference == "KB-2")
    });
    // Capture what was authorized, then refund it.
    operate_by_keys(&mut harness, egui::Key::C);
    run_until(&mut harness, "the captured total", |state| {
        state
            .app()
            .transactions
            .detail
            .as_ref()
            .is_some_and(|detail| detail.order.captured_minor == 10_000)
    });
    operate_by_keys(&mut harness, egui::Key::R);
    run_until(&mut harness, "the refunded total", |state| {
        state
            .app()
            .transactions
            .detail
            .as_ref()
            .is_some_and(|detail| detail.order.refunded_minor == 10_000)
    });
    // Print: Ctrl+P saves the receipt.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    let receipt = out.path().join("receipt-KB-2.pdf");
    run_until(&mut harness, "the receipt", |_| receipt.exists());
    // Captured and refunded in full: Capture… and Refund… are greyed out,
    // and their shortcuts open no dialog either (they once did, and a
    // capture went to APS).
    for (key, why) in [
        (egui::Key::C, "nothing left to capture"),
        (egui::Key::R, "nothing left to refund"),
    ] {
        harness.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, key);
        run_until(&mut harness, why, |state| {
            state.app().toast_texts().iter().any(|text| text == why)
        });
        assert!(harness.state().app().dialog.is_none(), "{why}: no dialog");
    }
    let sim = app_harness::sim(&harness);
    assert_eq!(common::sim_totals(sim, "KB-2"), (10_000, 10_000, 10_000));
    assert_eq!(
        common::sim_totals(sim, "KB-1"),
        (10_000, 0, 0),
        "only the order found"
    );
    drop(fixture);
}

/// The saved views' controls, in both languages: the list open (each view's
/// delete button, an icon, named with the view), and the question asked
/// before deleting.
#[test]
fn saved_views_delete_buttons_and_questions_are_named() {
    for language in [Language::En, Language::Ar] {
        let (_fixture, mut harness) = with_orders(&["AX-3"]);
        if language == Language::Ar {
            harness.get_by_label("العربية").click();
            run_until(&mut harness, "Arabic", |state| {
                state.app().tr.language() == language
            });
        }
        // Views of this session only (no folder): nothing is written.
        harness.state_mut().app_mut().transactions.views = vec![
            apsdesk::app::views::SavedView::new(
                "Late KNET",
                &apsdesk::journal::OrderFilter::default(),
            ),
            apsdesk::app::views::SavedView::new(
                "كي نت المتأخرة",
                &apsdesk::journal::OrderFilter::default(),
            ),
        ];
        settle(&mut harness);
        let tr = apsdesk::app::i18n::Tr::new(language);
        let shown = |text: String| apsdesk::app::widgets::visual_text(&text, tr.is_rtl());
        harness
            .get_by_role_and_label(Role::ComboBox, &shown(tr.text("views-title")))
            .click();
        settle(&mut harness);
        // An icon button carries its words as written (logical order).
        let delete = tr.args("views-delete", &[("name", "Late KNET".into())]);
        harness.get_by_role_and_label(Role::Button, &delete);
        let missing = unlabelled(&harness);
        assert!(missing.is_empty(), "{language}, list open: {missing:?}");
        harness.get_by_label(&delete).click();
        settle(&mut harness);
        harness.get_by_role_and_label(Role::Button, &shown(tr.text("views-delete-confirm")));
        let missing = unlabelled(&harness);
        assert!(missing.is_empty(), "{language}, question: {missing:?}");
        assert_eq!(
            harness.state().app().transactions.views.len(),
            2,
            "asked, not deleted"
        );
    }
}
