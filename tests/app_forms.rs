//! Forms that speak to people (issue 15): no error before anything was
//! typed; an error names its field by the label the operator reads, in
//! their language, and says how to fix it; closed choices are drop-downs of
//! words, never APS's parameter values.

mod app_harness;
mod common;

use std::path::Path;

use app_harness::{
    TestState, all_texts, choose, run_until, select, settle, type_into, with_orders,
};
use apsdesk::app::operation::OperationDialog;
use apsdesk::app::{OperationKind, Screen};
use apsdesk::aps::{Language, ShaType};
use egui::Rect;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};

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

// ---------------------------------------------------------------------
// Every form read from the operator's side (issue 15): in Arabic the label
// on the right and its field to its left, in English the reverse; errors
// under their field, on the field's side; the primary button at the
// reading side's end.

/// The caption (the label widget) and the field named by `label` (the
/// widget labelled by it), as laid out: the caption is the one on the
/// field's line.
fn caption_and_field(harness: &Harness<'static, TestState>, label: &str) -> (Rect, Rect) {
    let field = harness
        .query_all(by().label(label))
        .map(|node| node.rect())
        .next()
        .unwrap_or_else(|| panic!("a field labelled {label:?}"));
    let caption = harness
        .query_all(by().label(label).include_labels())
        .filter(|node| NodeT::accesskit_node(node).role() == Role::Label)
        .map(|node| node.rect())
        .find(|rect| rect.top() < field.bottom() && rect.bottom() > field.top())
        .unwrap_or_else(|| panic!("the caption {label:?} on its field's line"));
    (caption, field)
}

/// Each caption on the reading side of its field, and the fields in one
/// column (their edge on the captions' side aligned).
fn assert_read_from_the_side(harness: &Harness<'static, TestState>, form: &str, labels: &[String]) {
    let rtl = harness.state().app().tr.is_rtl();
    let mut field_edges = Vec::new();
    for label in labels {
        let (caption, field) = caption_and_field(harness, label);
        if rtl {
            assert!(
                caption.left() >= field.right(),
                "{form}: {label:?} is right of its field: caption {caption:?}, field {field:?}"
            );
            field_edges.push(field.right());
        } else {
            assert!(
                caption.right() <= field.left(),
                "{form}: {label:?} is left of its field: caption {caption:?}, field {field:?}"
            );
            field_edges.push(field.left());
        }
    }
    let (low, high) = field_edges
        .iter()
        .fold((f32::MAX, f32::MIN), |(low, high), edge| {
            (low.min(*edge), high.max(*edge))
        });
    assert!(
        high - low < 1.0,
        "{form}: the fields form one column beside the labels: {field_edges:?}"
    );
}

/// What the operator reads for the message `id` in the app's language.
fn shown(harness: &Harness<'static, TestState>, id: &str) -> String {
    let tr = &harness.state().app().tr;
    apsdesk::app::widgets::visual_text(&tr.text(id), tr.is_rtl())
}

fn shown_all(harness: &Harness<'static, TestState>, ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| shown(harness, id)).collect()
}

fn show_screen(harness: &mut Harness<'static, TestState>, screen: Screen) {
    harness.state_mut().app_mut().settings.screen = screen;
    settle(harness);
}

/// Visits every form of the app in the current language and checks that
/// each reads from the operator's side.
fn every_form_reads_from_the_side(harness: &mut Harness<'static, TestState>, dir: &Path) {
    let rtl = harness.state().app().tr.is_rtl();
    show_screen(harness, Screen::Links);
    let links = shown_all(
        harness,
        &[
            "field-merchant-reference",
            "field-amount",
            "field-currency",
            "field-customer-email",
            "field-expiry",
            "field-notification",
            "field-link-command",
            "field-payment-option",
            "field-customer-name",
            "field-customer-phone",
            "field-return-url",
            "field-description",
        ],
    );
    assert_read_from_the_side(harness, "payment link", &links);
    // Send on the empty form: an error under its field, on the field's side.
    harness.get_by_label(&shown(harness, "action-send")).click();
    settle(harness);
    let tr = &harness.state().app().tr;
    let error = tr.args(
        "form-field-error",
        &[
            ("field", tr.text("field-merchant-reference").into()),
            ("problem", tr.text("form-missing").into()),
        ],
    );
    let error = apsdesk::app::widgets::visual_text(&error, rtl);
    let error = harness
        .query_all(by().label(&error).include_labels())
        .map(|node| node.rect())
        .next()
        .expect("the merchant reference's error");
    let (_, field) = caption_and_field(harness, &links[0]);
    assert!(
        error.top() >= field.bottom() - 1.0,
        "the error is under its field: {error:?}, {field:?}"
    );
    let side_gap = if rtl {
        (error.right() - field.right()).abs()
    } else {
        (error.left() - field.left()).abs()
    };
    assert!(
        side_gap < 1.0,
        "the error is aligned with its field on the reading side: {error:?}, {field:?}"
    );
    show_screen(harness, Screen::Tokens);
    let tokens = shown_all(
        harness,
        &[
            "field-token-name",
            "field-merchant-reference",
            "field-token-expiry",
            "field-card-holder",
            "field-new-token-name",
            "field-token-status",
        ],
    );
    assert_read_from_the_side(harness, "token update", &tokens);
    show_screen(harness, Screen::Profiles);
    let profiles = shown_all(
        harness,
        &[
            "profile-name",
            "profile-environment",
            "profile-merchant-identifier",
            "profile-sha-type",
            "profile-access-code",
            "profile-request-phrase",
            "profile-response-phrase",
            "profile-name-en",
            "profile-name-ar",
            "profile-time-zone",
        ],
    );
    assert_read_from_the_side(harness, "profile editor", &profiles);
    // The primary action at the reading side's end.
    let save = harness.get_by_label(&shown(harness, "profile-save")).rect();
    let clear = harness
        .get_by_label(&shown(harness, "profile-clear"))
        .rect();
    if rtl {
        assert!(
            save.left() > clear.right(),
            "Save right of Clear: {save:?} {clear:?}"
        );
    } else {
        assert!(
            save.right() < clear.left(),
            "Save left of Clear: {save:?} {clear:?}"
        );
    }
    // The capture and refund dialogs.
    show_screen(harness, Screen::Transactions);
    let order = harness
        .state()
        .app()
        .transactions
        .rows
        .first()
        .cloned()
        .expect("an order");
    for (kind, labels, form) in [
        (
            OperationKind::Capture,
            vec!["field-description", "field-invoice-number"],
            "capture",
        ),
        (
            OperationKind::Refund,
            vec![
                "field-description",
                "field-credit-note-number",
                "field-maintenance-reference",
            ],
            "refund",
        ),
    ] {
        harness.state_mut().app_mut().dialog = Some(OperationDialog::new(kind, order.clone()));
        settle(harness);
        let tr = &harness.state().app().tr;
        let amount =
            apsdesk::app::widgets::visual_text(&format!("{} · KWD", tr.text("field-amount")), rtl);
        let mut labels = shown_all(harness, &labels);
        labels.insert(0, amount);
        assert_read_from_the_side(harness, form, &labels);
        harness.state_mut().app_mut().dialog = None;
        settle(harness);
    }
    // The import's columns, each mapped to a field.
    let file = dir.join("columns.csv");
    std::fs::write(&file, "Order No,amount,currency\nIMP-1,1.000,KWD\n").expect("written");
    show_screen(harness, Screen::Import);
    harness.state_mut().app_mut().import.path_text = file.display().to_string();
    settle(harness);
    harness.get_by_label(&shown(harness, "import-open")).click();
    run_until(harness, "the preview", |state| {
        state.app().import.preview.is_some()
    });
    let columns = ["Order No", "amount", "currency"].map(str::to_owned);
    assert_read_from_the_side(harness, "import", &columns);
}

#[test]
fn in_english_every_form_reads_from_the_left() {
    let (fixture, mut harness) = with_orders(&["FM-6"]);
    run_until(&mut harness, "the orders", |state| {
        !state.app().transactions.rows.is_empty()
    });
    every_form_reads_from_the_side(&mut harness, fixture.dir.path());
}

#[test]
fn in_arabic_every_form_reads_from_the_right() {
    let (fixture, mut harness) = with_orders(&["FM-7"]);
    run_until(&mut harness, "the orders", |state| {
        !state.app().transactions.rows.is_empty()
    });
    harness.get_by_label("العربية").click();
    run_until(&mut harness, "Arabic", |state| {
        state.app().tr.language() == Language::Ar
    });
    every_form_reads_from_the_side(&mut harness, fixture.dir.path());
}

// ---------------------------------------------------------------------
// Closed choices of the profile and link forms: drop-downs of words whose
// choice reaches what is saved or sent as APS's own value.

/// The profiles screen over a throw-away store (secrets in a mock keyring).
fn profiles_screen(harness: &mut Harness<'static, TestState>, config: &Path) {
    run_until(harness, "the app", |_| true);
    let vault = apsdesk::profiles::vault::Vault::with_store(
        keyring_core::mock::Store::new().expect("mock store"),
    );
    let store = apsdesk::profiles::ProfileStore::new(config, vault);
    harness.state().app().backend.set_profile_store(store);
    show_screen(harness, Screen::Profiles);
}

#[test]
fn a_profile_takes_its_environment_sha_type_and_time_zone_from_words() {
    let (_fixture, mut harness) = with_orders(&["FM-8"]);
    let config = tempfile::TempDir::new().expect("config dir");
    profiles_screen(&mut harness, config.path());
    // No error before anything was typed.
    assert!(harness.query_by_label_contains("Profile name:").is_none());
    // A time zone not in the list is typed, and checked, by its IANA name.
    choose(&mut harness, "Time zone", "Another time zone…");
    type_into(&mut harness, "Time zone (its IANA name)", "Mars/Olympus");
    settle(&mut harness);
    harness.get_by_label_contains("Time zone: type an IANA time zone");
    choose(&mut harness, "Time zone", "Kuwait");
    assert!(
        harness
            .query_by_label("Time zone (its IANA name)")
            .is_none()
    );
    // Send on the empty form: each field's error by its label, nothing saved.
    harness.get_by_label("Save to the keyring").click();
    settle(&mut harness);
    harness.get_by_label_contains("Profile name: use 1 to 64");
    harness.get_by_label("Access code: required: fill it in");
    harness.get_by_label_contains("Merchant identifier: type the identifier");
    // Every SHA type by its word, each the dashboard's value.
    for (word, sha) in [
        ("SHA-512", ShaType::Sha512),
        ("HMAC-256", ShaType::Hmac256),
        ("SHA-128 (older accounts only)", ShaType::LegacySha128),
        ("SHA-256", ShaType::Sha256),
        ("HMAC-512", ShaType::Hmac512),
    ] {
        choose(&mut harness, "SHA type", word);
        assert_eq!(chosen(&harness, "SHA type"), word);
        assert_eq!(harness.state().app().profiles.form.sha_type, sha);
    }
    choose(&mut harness, "Environment", "Production (real payments)");
    for (field, text) in [
        ("Profile name", "kw-live"),
        ("Merchant identifier", "MID-LIVE"),
    ] {
        type_into(&mut harness, field, text);
        // An error the typing cleared leaves on the next frame.
        settle(&mut harness);
    }
    // Password fields show dots: typed, not read back.
    for (field, text) in [
        ("Access code", "ACCESS-LIVE"),
        ("SHA request phrase", "REQUEST-LIVE"),
        ("SHA response phrase", "RESPONSE-LIVE"),
    ] {
        app_harness::type_blind(&mut harness, field, text);
    }
    app_harness::save_profile(&mut harness, "kw-live");
    // As saved to the file, read back by the store.
    let file = std::fs::read_to_string(config.path().join("profiles.toml")).expect("profiles file");
    let saved = &harness.state().app().profiles.profiles[0];
    assert_eq!(
        saved.environment,
        apsdesk::profiles::Environment::Production
    );
    assert_eq!(saved.sha_type, "HMAC-512", "the dashboard's spelling");
    assert_eq!(saved.receipt.time_zone, "Asia/Kuwait");
    assert!(
        file.contains("HMAC-512") && file.contains("production"),
        "{file}"
    );
}

#[test]
fn the_simulator_needs_its_address_and_says_so_by_label() {
    let (_fixture, mut harness) = with_orders(&["FM-9"]);
    let config = tempfile::TempDir::new().expect("config dir");
    profiles_screen(&mut harness, config.path());
    assert!(harness.query_by_label("Simulator address").is_none());
    choose(&mut harness, "Environment", "Simulator on this computer");
    // A server that is not on this computer is refused, by the field's label.
    type_into(&mut harness, "Simulator address", "http://example.com");
    settle(&mut harness);
    harness.get_by_label_contains("Simulator address: type the simulator's address");
    let url = app_harness::sim(&harness).base_url();
    type_into(&mut harness, "Simulator address", &url);
    settle(&mut harness);
    assert!(
        harness
            .query_by_label_contains("Simulator address:")
            .is_none()
    );
}

#[test]
fn a_link_is_sent_in_the_currency_chosen_from_the_list() {
    let (_fixture, mut harness) = with_orders(&["FM-10"]);
    open_links(&mut harness);
    assert_eq!(chosen(&harness, "Currency"), "KWD");
    choose(&mut harness, "Currency", "SAR");
    for (field, text) in [
        ("Merchant reference", "PL-SAR"),
        ("Amount", "7.25"),
        ("Customer email", "buyer@example.com"),
    ] {
        type_into(&mut harness, field, text);
        // An error the typing cleared leaves on the next frame.
        settle(&mut harness);
    }
    let link = app_harness::send_link(&mut harness, "PL-SAR");
    assert_eq!(link.currency.as_deref(), Some("SAR"));
    assert_eq!(link.amount_minor, Some(725), "SAR's two decimals");
}

#[test]
fn the_signature_tool_takes_its_sha_type_from_the_same_words() {
    let (_fixture, mut harness) = with_orders(&["FM-11"]);
    run_until(&mut harness, "the app", |_| true);
    show_screen(&mut harness, Screen::Signature);
    choose(&mut harness, "SHA type", "SHA-128 (older accounts only)");
    assert_eq!(
        harness.state().app().signature.sha_type,
        Some(ShaType::LegacySha128)
    );
    choose(&mut harness, "SHA type", "HMAC-512");
    assert_eq!(
        harness.state().app().signature.sha_type,
        Some(ShaType::Hmac512)
    );
}
