//! The app in Arabic, read as an operator who reads no English would: a
//! timeline entry, a toast and an error from the desk must all be Arabic.
//!
//! The rule for "English on an Arabic screen" ([`english_words`]): the text
//! is cut into tokens — runs of ASCII letters, digits and `- _ . @ / :` — and
//! a token is an English word when it has two ASCII letters in a row,
//! unless it is a protocol token or data:
//! - it holds a digit (merchant references `KT-1`, response codes `12000`,
//!   amounts `4.000`, times `10:42`, operation numbers);
//! - it is an ISO 4217 currency code (`KWD`), APS's own name (`APS`) or a
//!   payment method's brand (`VISA`, `KNET`), which Arabic text keeps in
//!   Latin letters;
//! - it is the test's own data: the operator `tester`, the profile `test`;
//! - it is the name of a format or an algorithm the operator must recognise
//!   as written (`CSV`, `JSON`, `SHA`, `YYMM`), or `English`, the
//!   language button, which names English in English on purpose. (The
//!   profile's environment is chosen by its word, never typed as
//!   `sandbox` or `production`.)
//!
//! egui's own accessible names of its built-in parts (`Resize panel`, the
//! handle between two panels) are not the app's text and cannot be
//! translated through egui 0.37's API: they are left out by name.
//!
//! Everything else — `CHECK_STATUS`, `request`, `Success`, `nothing` —
//! fails. APS's parameter names in the request preview (`command =
//! CAPTURE`) are the exact request, protocol by design: the preview is the
//! one part of the screen left out, by its heading.

mod app_harness;
mod common;

use app_harness::{TestState, all_texts, run_until, select, with_orders};
use apsdesk::aps::{Command, Currency, Language, OutcomeClass};
use apsdesk::sim::{FaultKind, FaultRule};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// egui's accessible names of its own parts.
const EGUI_OWN: [&str; 1] = ["Resize panel"];

/// Latin words a test's data puts on screen: the operator, the profile and
/// the simulator's merchant identifier.
const DATA: [&str; 3] = ["tester", "test", "apsdeskdemo"];

/// Names kept in Latin letters in Arabic text (see the module's rule).
const FORMATS_AND_VALUES: [&str; 7] = ["APS", "CSV", "JSON", "SHA", "YYMM", "English", "KNET"];

/// The English words in `text` (see the module's rule).
fn english_words(text: &str) -> Vec<String> {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || "-_.@/:".contains(c);
    text.split(|c: char| !is_token_char(c))
        .filter(|token| {
            token
                .as_bytes()
                .windows(2)
                .any(|pair| pair[0].is_ascii_alphabetic() && pair[1].is_ascii_alphabetic())
        })
        .filter(|token| !token.chars().any(|c| c.is_ascii_digit()))
        .map(|token| token.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|token| Currency::from_code(token).is_none())
        .filter(|token| !FORMATS_AND_VALUES.contains(token))
        .filter(|token| {
            !apsdesk::aps::request::PAYMENT_OPTIONS
                .iter()
                .any(|brand| brand.eq_ignore_ascii_case(token))
        })
        .filter(|token| !DATA.contains(token))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_rule_tells_english_from_protocol_tokens() {
    assert_eq!(
        english_words("#582 request CHECK_STATUS 12000 Success"),
        ["request", "CHECK_STATUS", "Success"]
    );
    assert!(english_words("الرد: استرداد KT-1 1.500 KWD 06000 نجاح APS tester 10:42").is_empty());
    assert_eq!(
        english_words("لم يُرسل: nothing was sent"),
        ["nothing", "was", "sent"]
    );
}

/// The Arabic message `id` as its widget carries it in the accessibility tree.
fn on_screen(harness: &Harness<'static, TestState>, id: &str) -> String {
    apsdesk::app::widgets::visual_text(&harness.state().app().tr.text(id), true)
}

/// Switches the app to Arabic by its button, as the operator does.
fn to_arabic(harness: &mut Harness<'static, TestState>) {
    harness.get_by_label("العربية").click();
    run_until(harness, "Arabic", |state| {
        state.app().tr.language() == Language::Ar
    });
}

/// The texts on screen that are English, leaving out the request preview.
fn english_on_screen(harness: &Harness<'static, TestState>) -> Vec<(String, Vec<String>)> {
    let preview_heading = harness.state().app().tr.text("will-send");
    let preview: Vec<String> = harness
        .state()
        .app()
        .dialog
        .as_ref()
        .map_or_else(Vec::new, |_| {
            // The preview's lines are `name = value`, each its own label.
            all_texts(harness)
                .into_iter()
                .filter(|text| text.contains(" = "))
                .collect()
        });
    all_texts(harness)
        .into_iter()
        .filter(|text| *text != preview_heading && !preview.contains(text))
        .filter(|text| !EGUI_OWN.contains(&text.as_str()))
        .map(|text| {
            let words = english_words(&text);
            (text, words)
        })
        .filter(|(_, words)| !words.is_empty())
        .collect()
}

/// Asserts that nothing on screen is English, and that each toast is on
/// screen; `moment` names the step for the failure message.
fn assert_arabic(harness: &Harness<'static, TestState>, moment: &str) {
    let texts = all_texts(harness);
    for toast in harness.state().app().toast_texts() {
        let shown = apsdesk::app::widgets::visual_text(&toast, true);
        assert!(
            texts.contains(&shown),
            "{moment}: the toast is on screen: {toast}"
        );
    }
    let english = english_on_screen(harness);
    assert!(
        english.is_empty(),
        "{moment}: English on the Arabic screen: {english:#?}"
    );
}

#[test]
fn timeline_toast_and_desk_error_speak_arabic() {
    let (_fixture, mut harness) = with_orders(&["AR-1"]);
    select(&mut harness, "AR-1");
    to_arabic(&mut harness);
    // A timeline entry and a toast: a status check.
    harness
        .get_by_label(&on_screen(&harness, "action-status"))
        .click();
    run_until(
        &mut harness,
        "the status check's entries and toast",
        |state| {
            state
                .app()
                .transactions
                .detail
                .as_ref()
                .is_some_and(|detail| {
                    detail
                        .entries
                        .iter()
                        .filter(|entry| entry.command == Command::CheckStatus)
                        .count()
                        >= 4
                })
                && !state.app().toast_texts().is_empty()
        },
    );
    let timeline: Vec<String> = all_texts(&harness)
        .into_iter()
        .filter(|text| text.contains('#') && text.contains("12000"))
        .collect();
    assert!(
        !timeline.is_empty(),
        "a status check's answer in the timeline"
    );
    assert_arabic(&harness, "after a status check");
    // A desk error: a capture whose answer is lost after APS applied it
    // (uncertain, the transport failure named), then the desk's
    // reconciliation, which cannot conclude yet (APS may still be at work).
    capture_uncertain(&mut harness);
    assert_arabic(&harness, "after an uncertain capture");
    reconcile_from_dialog(&mut harness);
    assert_arabic(&harness, "after reconciling");
}

/// Capture… with the answer dropped after APS applied it: the dialog shows
/// an uncertain outcome and the transport failure.
fn capture_uncertain(harness: &mut Harness<'static, TestState>) {
    app_harness::sim(harness).inject(FaultRule::once(Command::Capture, FaultKind::DropAfterApply));
    harness
        .get_by_label(&on_screen(harness, "action-capture"))
        .click();
    run_until(harness, "the dialog", |state| state.app().dialog.is_some());
    harness
        .get_by_label(&on_screen(harness, "action-send"))
        .click();
    let result = app_harness::dialog_result(harness);
    assert_eq!(result.class, Some(OutcomeClass::Uncertain));
    assert!(
        result.problem.is_some(),
        "the transport failure is reported"
    );
}

/// The dialog's Reconcile; the desk's conclusion comes back as a toast.
fn reconcile_from_dialog(harness: &mut Harness<'static, TestState>) {
    let reconcile = on_screen(harness, "action-reconcile");
    harness
        .query_all_by_label(&reconcile)
        .next()
        .expect("a Reconcile button")
        .click();
    let tr = apsdesk::app::i18n::Tr::new(Language::Ar);
    let open = tr.args(
        "reconciled-open",
        &[("operation", 0.into()), ("why", "".into())],
    );
    let open_prefix: String = open.chars().take(7).collect();
    let applied = tr.args("reconciled-applied", &[("operation", 0.into())]);
    let applied_prefix: String = applied.chars().take(7).collect();
    run_until(harness, "the reconciliation's toast", |state| {
        state
            .app()
            .toast_texts()
            .iter()
            .any(|toast| toast.starts_with(&open_prefix) || toast.starts_with(&applied_prefix))
    });
}

#[test]
fn every_screen_in_arabic_holds_no_english_word() {
    let (_fixture, mut harness) = with_orders(&["AR-2"]);
    select(&mut harness, "AR-2");
    to_arabic(&mut harness);
    let mut found = Vec::new();
    for screen in [
        apsdesk::app::Screen::Transactions,
        apsdesk::app::Screen::Bulk,
        apsdesk::app::Screen::Links,
        apsdesk::app::Screen::Tokens,
        apsdesk::app::Screen::Profiles,
        apsdesk::app::Screen::Activity,
        apsdesk::app::Screen::Signature,
    ] {
        harness.state_mut().app_mut().settings.screen = screen;
        app_harness::settle(&mut harness);
        found.extend(
            english_on_screen(&harness)
                .into_iter()
                .map(|(text, words)| format!("{screen:?}: {text:?} {words:?}")),
        );
    }
    assert!(
        found.is_empty(),
        "English on Arabic screens:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_forms_drop_downs_hold_no_english_word() {
    let (_fixture, mut harness) = with_orders(&["AR-3"]);
    to_arabic(&mut harness);
    let mut found = Vec::new();
    for (screen, captions) in [
        (
            apsdesk::app::Screen::Profiles,
            vec![
                "profile-environment",
                "profile-sha-type",
                "profile-time-zone",
            ],
        ),
        (
            apsdesk::app::Screen::Links,
            vec![
                "field-currency",
                "field-notification",
                "field-link-command",
                "field-payment-option",
            ],
        ),
        (apsdesk::app::Screen::Tokens, vec!["field-token-status"]),
        (apsdesk::app::Screen::Signature, vec!["signature-sha-type"]),
    ] {
        harness.state_mut().app_mut().settings.screen = screen;
        app_harness::settle(&mut harness);
        for caption in captions {
            // Each drop-down opened: every word it offers is on screen.
            harness
                .get_by_role_and_label(
                    egui::accesskit::Role::ComboBox,
                    &on_screen(&harness, caption),
                )
                .click();
            app_harness::settle(&mut harness);
            let offered = all_texts(&harness).len();
            found.extend(
                english_on_screen(&harness)
                    .into_iter()
                    .map(|(text, words)| format!("{screen:?} {caption}: {text:?} {words:?}")),
            );
            harness.key_press(egui::Key::Escape);
            app_harness::settle(&mut harness);
            assert!(
                all_texts(&harness).len() < offered,
                "{caption}: the open drop-down showed its entries"
            );
        }
    }
    assert!(
        found.is_empty(),
        "English in the Arabic drop-downs:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_import_screen_names_fields_in_arabic() {
    let (fixture, mut harness) = with_orders(&["AR-4"]);
    to_arabic(&mut harness);
    // The operator's own file, its columns named in Arabic, one row refused
    // (its name holds digits: data, not English).
    let file = fixture.dir.path().join("2026-11.csv");
    std::fs::write(
        &file,
        "رقم الطلب,قيمة الطلب,العملة\nAR-4,10.000,KWD\nAR-5,1.2345,KWD\n",
    )
    .expect("written");
    harness.state_mut().app_mut().settings.screen = apsdesk::app::Screen::Import;
    harness.state_mut().app_mut().import.path_text = file.display().to_string();
    app_harness::settle(&mut harness);
    harness
        .get_by_label(&on_screen(&harness, "import-open"))
        .click();
    run_until(&mut harness, "the preview", |state| {
        state.app().import.preview.is_some()
    });
    // No column is the merchant reference yet: said in Arabic, by its word.
    assert_arabic(&harness, "the unmapped preview");
    let column = apsdesk::app::widgets::visual_text("رقم الطلب", true);
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, &column)
        .click();
    app_harness::settle(&mut harness);
    assert_arabic(&harness, "the fields offered");
    harness
        .get_by_label(&on_screen(&harness, "field-merchant-reference"))
        .click();
    run_until(&mut harness, "the mapped preview", |state| {
        state
            .app()
            .import
            .preview
            .as_ref()
            .is_some_and(|preview| preview.map_error.is_none())
    });
    // The amount's column chosen by its word too: one row is refused.
    let amount = on_screen(&harness, "field-amount");
    app_harness::choose(
        &mut harness,
        &apsdesk::app::widgets::visual_text("قيمة الطلب", true),
        &amount,
    );
    run_until(&mut harness, "the refused row", |state| {
        state
            .app()
            .import
            .preview
            .as_ref()
            .is_some_and(|preview| !preview.errors.is_empty())
    });
    // The refused row names its field in Arabic.
    let tr = apsdesk::app::i18n::Tr::new(Language::Ar);
    let field = tr.text("field-amount");
    assert!(
        all_texts(&harness).iter().any(|text| text
            .contains(&apsdesk::app::widgets::visual_text(&field, true))
            || text.contains(&field)),
        "the refused row names the amount in Arabic"
    );
    assert_arabic(&harness, "the mapped preview");
}
