//! Forms that speak to people (issue 15): no error before anything was
//! typed; an error names its field by the label the operator reads, in
//! their language, and says how to fix it; closed choices are drop-downs of
//! words, never APS's parameter values.

mod app_harness;
mod common;

use app_harness::{TestState, all_texts, run_until, select, settle, with_orders};
use apsdesk::app::Screen;
use apsdesk::aps::Language;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn open_links(harness: &mut Harness<'static, TestState>) {
    run_until(harness, "the orders", |state| {
        !state.app().transactions.rows.is_empty()
    });
    let links = harness.state().app().tr.text("nav-links");
    harness
        .get_by_label(&apsdesk::app::widgets::visual_text(&links, true))
        .click();
    run_until(harness, "the links screen", |state| {
        state.app().settings.screen == Screen::Links
    });
}

/// The texts on screen that name an APS parameter or value instead of a word.
fn protocol_words(harness: &Harness<'static, TestState>) -> Vec<String> {
    const RAW: [&str; 10] = [
        "merchant_reference",
        "customer_email",
        "notification_type",
        "link_command",
        "payment_option",
        "NONE",
        "PURCHASE",
        "AUTHORIZATION",
        "ACTIVE",
        "token_status",
    ];
    all_texts(harness)
        .into_iter()
        .filter(|text| RAW.iter().any(|raw| text.contains(raw)))
        .collect()
}

/// What the drop-down labelled `label` shows as chosen.
fn chosen(harness: &Harness<'static, TestState>, label: &str) -> String {
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, label)
        .value()
        .unwrap_or_default()
}

fn error_texts(harness: &Harness<'static, TestState>) -> Vec<String> {
    let tr = &harness.state().app().tr;
    let missing = tr.text("form-missing");
    // An Arabic label carries its runs in visual order.
    let shown = apsdesk::app::widgets::visual_text(&missing, true);
    all_texts(harness)
        .into_iter()
        .filter(|text| {
            text.contains(&missing) || text.contains(&shown) || text.contains("required")
        })
        .collect()
}

#[test]
fn the_link_form_waits_for_the_operator_then_names_fields_by_their_labels() {
    let (_fixture, mut harness) = with_orders(&["FM-1"]);
    open_links(&mut harness);
    settle(&mut harness);
    assert!(
        error_texts(&harness).is_empty(),
        "no error before anything was typed: {:?}",
        error_texts(&harness)
    );
    assert!(
        protocol_words(&harness).is_empty(),
        "{:?}",
        protocol_words(&harness)
    );
    // The choices are words.
    assert_eq!(chosen(&harness, "Notify the customer by"), "Do not notify");
    assert_eq!(chosen(&harness, "Payment"), "Purchase (charged now)");
    assert_eq!(chosen(&harness, "Payment method"), "Any method");
    // Typing into one field shows that field's problem, not the others'.
    harness.get_by_label("Customer email").click();
    settle(&mut harness);
    harness.get_by_label("Customer email").type_text("buyer");
    settle(&mut harness);
    let errors = error_texts(&harness);
    assert!(errors.is_empty(), "{errors:?}");
    harness.get_by_label_contains("Customer email: is not an email address");
    assert!(
        harness
            .query_by_label_contains("Merchant reference:")
            .is_none()
    );
    // Send on an incomplete form: every error appears, each by its label.
    harness.get_by_label("Send").click();
    settle(&mut harness);
    harness.get_by_label("Merchant reference: required: fill it in");
    harness.get_by_label("Amount: required: fill it in");
    assert!(
        protocol_words(&harness).is_empty(),
        "{:?}",
        protocol_words(&harness)
    );
    assert!(
        harness.state().app().links.links.is_empty(),
        "nothing was sent"
    );
}

#[test]
fn a_local_method_on_an_authorization_link_says_which_word_to_choose() {
    let (_fixture, mut harness) = with_orders(&["FM-2"]);
    open_links(&mut harness);
    // KNET by authorization: refused before sending, in words.
    harness.state_mut().app_mut().links.form.payment_option = Some("KNET".into());
    harness.state_mut().app_mut().links.form.link_command = Some("AUTHORIZATION".into());
    settle(&mut harness);
    assert_eq!(chosen(&harness, "Payment method"), "KNET");
    assert_eq!(
        chosen(&harness, "Payment"),
        "Authorization (captured later)"
    );
    harness.get_by_label("Send").click();
    settle(&mut harness);
    harness.get_by_label_contains(
        "Payment: KNET is paid by purchase only: choose “Purchase (charged now)”",
    );
}

#[test]
fn in_arabic_the_form_names_fields_in_arabic() {
    let (_fixture, mut harness) = with_orders(&["FM-3"]);
    harness.get_by_label("العربية").click();
    run_until(&mut harness, "Arabic", |state| {
        state.app().tr.language() == Language::Ar
    });
    open_links(&mut harness);
    settle(&mut harness);
    assert!(error_texts(&harness).is_empty());
    let tr = apsdesk::app::i18n::Tr::new(Language::Ar);
    let on_screen = |text: &str| apsdesk::app::widgets::visual_text(text, true);
    assert_eq!(
        chosen(&harness, &on_screen(&tr.text("field-notification"))),
        on_screen(&tr.text("notification-none"))
    );
    assert_eq!(
        chosen(&harness, &on_screen(&tr.text("field-link-command"))),
        on_screen(&tr.text("link-command-purchase"))
    );
    harness
        .get_by_label(&on_screen(&tr.text("action-send")))
        .click();
    settle(&mut harness);
    let expected = tr.args(
        "form-field-error",
        &[
            ("field", tr.text("field-merchant-reference").into()),
            ("problem", tr.text("form-missing").into()),
        ],
    );
    harness.get_by_label(&on_screen(&expected));
    assert!(
        protocol_words(&harness).is_empty(),
        "{:?}",
        protocol_words(&harness)
    );
}

#[test]
fn the_capture_dialog_shows_no_error_until_the_amount_is_changed() {
    let (_fixture, mut harness) = with_orders(&["FM-4"]);
    select(&mut harness, "FM-4");
    harness.get_by_label("Capture…").click();
    run_until(&mut harness, "the dialog", |state| {
        state.app().dialog.is_some()
    });
    assert!(harness.query_by_label_contains("Amount:").is_none());
    let field = harness.get_by_label_contains("Amount · KWD");
    field.click();
    settle(&mut harness);
    // Select all and replace the prefilled amount with too many decimals.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label_contains("Amount · KWD")
        .type_text("1.2345");
    settle(&mut harness);
    harness.get_by_label_contains("Amount: ");
    harness.get_by_label_contains("3 decimal");
}

#[test]
fn a_token_status_is_chosen_by_its_word() {
    let (_fixture, mut harness) = with_orders(&["FM-5"]);
    run_until(&mut harness, "the orders", |state| {
        !state.app().transactions.rows.is_empty()
    });
    harness.get_by_label("Tokens").click();
    run_until(&mut harness, "the tokens screen", |state| {
        state.app().settings.screen == Screen::Tokens
    });
    assert_eq!(chosen(&harness, "Token status"), "Unchanged");
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Token status")
        .click();
    settle(&mut harness);
    harness.get_by_label("Inactive").click();
    settle(&mut harness);
    assert_eq!(chosen(&harness, "Token status"), "Inactive");
    assert_eq!(
        harness.state().app().tokens.form.token_status.as_deref(),
        Some("INACTIVE"),
        "the word chooses APS's value"
    );
    // Nothing typed yet: no error; Send shows them, by label.
    assert!(harness.query_by_label_contains("Token name:").is_none());
    harness.get_by_label("Send").click();
    settle(&mut harness);
    harness.get_by_label("Token name: required: fill it in");
    assert!(
        protocol_words(&harness).is_empty(),
        "{:?}",
        protocol_words(&harness)
    );
}
