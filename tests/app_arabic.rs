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
        .get_by_label(&app_harness::send_label(harness))
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

/// One reason of each kind a bulk row is skipped for, with the details an
/// operator would meet (a row number, a field APS refuses, an amount with a
/// separator, an amount the currency cannot take).
fn every_skip_reason() -> Vec<apsdesk::app::bulk::SkipReason> {
    use apsdesk::app::bulk::SkipReason;
    use apsdesk::aps::money::AmountError;
    use apsdesk::aps::validate::{FieldErrors, merchant_reference};
    let refused = |reference: &str| {
        FieldErrors(vec![
            merchant_reference(reference).expect_err("a reference APS refuses"),
        ])
    };
    vec![
        SkipReason::Unreadable { line: 3 },
        SkipReason::TooManyFields { line: 4, count: 3 },
        SkipReason::InvalidFields {
            line: Some(5),
            errors: refused("BAD REF!"),
        },
        SkipReason::InvalidFields {
            line: None,
            errors: refused(&"A".repeat(41)),
        },
        SkipReason::AmountNotPlain {
            line: 6,
            amount: "1,000.00".into(),
        },
        SkipReason::NoAmount,
        SkipReason::AmountInCurrency(AmountError::TooManyDecimals {
            currency: Currency::from_code("KWD").expect("KWD"),
            max: 3,
        }),
        SkipReason::AmountInCurrency(AmountError::Zero),
        SkipReason::CurrencyUnknown,
        SkipReason::NothingToCapture,
        SkipReason::NothingToRefund,
        SkipReason::WrongState(apsdesk::journal::vocabulary::OrderState::Voided),
        SkipReason::NotFoundAtAps,
        SkipReason::StatusNotAnswered,
        SkipReason::CurrencyChanged,
        SkipReason::RepeatedOrder,
        SkipReason::MoreThanLeft {
            left_minor: 6_000,
            currency: Currency::from_code("KWD").expect("KWD"),
        },
        SkipReason::ChangedSincePreview {
            left_minor: 6_000,
            currency: Currency::from_code("KWD").expect("KWD"),
        },
        SkipReason::SentBeforeClosing,
        SkipReason::UnansweredBeforeClosing,
        SkipReason::Cancelled,
    ]
}

/// Issue 15: every reason a bulk row is skipped for reads in English and in
/// Arabic, the Arabic without an English word (this file's rule), both the
/// row's whole reason and the preview's count by reason.
#[test]
fn every_skip_reason_reads_in_english_and_in_arabic() {
    use apsdesk::app::bulk::SkipCode;
    use apsdesk::app::explain::{skip_code, skip_reason};
    use apsdesk::app::i18n::Tr;
    let reasons = every_skip_reason();
    // Every kind of reason is among them.
    let codes: std::collections::BTreeSet<SkipCode> = reasons
        .iter()
        .map(apsdesk::app::bulk::SkipReason::code)
        .collect();
    assert_eq!(codes.len(), SkipCode::ALL.len(), "{codes:?}");
    let (en, ar) = (Tr::new(Language::En), Tr::new(Language::Ar));
    let mut texts: Vec<(String, String)> = reasons
        .iter()
        .map(|reason| (skip_reason(&en, reason), skip_reason(&ar, reason)))
        .collect();
    texts.extend(
        SkipCode::ALL
            .iter()
            .map(|code| (skip_code(&en, *code), skip_code(&ar, *code))),
    );
    for (english, arabic) in &texts {
        assert!(!english.trim().is_empty() && !arabic.trim().is_empty());
        assert!(
            english_words(arabic).is_empty(),
            "English in the Arabic reason {arabic:?}: {:?}",
            english_words(arabic)
        );
        assert!(
            arabic
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "{arabic:?} is not Arabic"
        );
        assert!(!english_words(english).is_empty(), "{english:?} is English");
        assert!(!english.contains("missing translation"), "{english}");
    }
    // The details are there, in both languages.
    for tr in [&en, &ar] {
        assert!(skip_reason(tr, &reasons[1]).contains('4'), "the row");
        assert!(
            skip_reason(tr, &reasons[4]).contains("1,000.00"),
            "the amount"
        );
        assert!(skip_reason(tr, &reasons[6]).contains("KWD"), "the currency");
        assert!(
            skip_reason(tr, &reasons[16]).contains("6.000 KWD"),
            "what is left"
        );
    }
}

/// Issue 15: the results file carries each skipped row's reason as a code,
/// the same whatever the operator's language, beside the reason in their
/// words; rows sent or not run carry none.
#[test]
fn the_results_file_carries_the_skip_codes_in_any_language() {
    use apsdesk::app::bulk::{BulkRow, RowState, results_csv};
    use apsdesk::app::i18n::Tr;
    let mut rows: Vec<BulkRow> = every_skip_reason()
        .into_iter()
        .enumerate()
        .map(|(index, reason)| BulkRow {
            merchant_reference: format!("SK-{index}"),
            amount: Some("1.000".into()),
            currency: Some("KWD".into()),
            left_at_preview: None,
            state: RowState::Skipped(reason),
        })
        .collect();
    rows.push(BulkRow {
        merchant_reference: "SK-waiting".into(),
        amount: None,
        currency: None,
        left_at_preview: None,
        state: RowState::Waiting,
    });
    // Column by name, as a merchant's script reads it.
    let read = |language: Language| -> Vec<(String, String, String)> {
        let csv = results_csv(&rows, &Tr::new(language));
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let headers = reader.headers().expect("headers").clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|header| header == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        };
        let (reference, problem, code) = (
            column("merchant_reference"),
            column("problem"),
            column("skip_reason"),
        );
        reader
            .records()
            .map(|record| {
                let record = record.expect("a record");
                (
                    record[reference].to_owned(),
                    record[problem].to_owned(),
                    record[code].to_owned(),
                )
            })
            .collect()
    };
    let (english, arabic) = (read(Language::En), read(Language::Ar));
    assert_eq!(english.len(), rows.len());
    for ((row, (reference, en_problem, en_code)), (_, ar_problem, ar_code)) in
        rows.iter().zip(&english).zip(&arabic)
    {
        assert_eq!(reference, &row.merchant_reference);
        assert_eq!(en_code, ar_code, "the code is the language's neither");
        match &row.state {
            RowState::Skipped(reason) => {
                assert_eq!(en_code, reason.code().as_str());
                assert_ne!(en_problem, ar_problem, "the words are the operator's");
                assert!(english_words(ar_problem).is_empty(), "{ar_problem}");
            }
            RowState::Waiting | RowState::Running | RowState::Done(_) => {
                assert!(en_code.is_empty());
            }
        }
    }
    // Filtering by a code finds exactly the rows skipped for it.
    let nothing_left: Vec<&String> = arabic
        .iter()
        .filter(|(_, _, code)| code == "nothing_to_refund")
        .map(|(reference, _, _)| reference)
        .collect();
    assert_eq!(nothing_left.len(), 1);
}

/// Issue 15: the Bulk screen in Arabic — each row's reason and the
/// preview's count by reason — holds no English word; in English the
/// preview counts the rows skipped for each reason.
#[test]
fn the_bulk_preview_says_why_rows_are_skipped_in_the_operators_language() {
    let input = "AR-5,1,000.00\nAR-5!,1\nAR-5,1.2.3\nAR-5\nUNLISTED-1,1\nAR-5,1.0001\nAR-5,2\n";
    for language in [Language::En, Language::Ar] {
        let (_fixture, mut harness) = with_orders(&["AR-5"]);
        run_until(&mut harness, "the orders", |state| {
            !state.app().transactions.rows.is_empty()
        });
        if language == Language::Ar {
            to_arabic(&mut harness);
        }
        harness.state_mut().app_mut().settings.screen = apsdesk::app::Screen::Bulk;
        app_harness::settle(&mut harness);
        let tr = apsdesk::app::i18n::Tr::new(language);
        let shown = |id: &str| apsdesk::app::widgets::visual_text(&tr.text(id), tr.is_rtl());
        input.clone_into(&mut harness.state_mut().app_mut().bulk.input);
        app_harness::settle(&mut harness);
        // A capture: the authorization has 10.000 KWD left, so the last
        // line goes (a refund of it would have nothing captured to refund).
        harness.get_by_label(&shown("bulk-capture")).click();
        run_until(&mut harness, "the preview", |state| {
            state.app().bulk.confirming.is_some()
        });
        let rows = &harness.state().app().bulk.rows;
        assert_eq!(rows.len(), 7);
        let preview = apsdesk::app::bulk::preview(rows);
        assert_eq!(preview.count, 1, "{rows:#?}");
        assert_eq!(preview.skipped, 6);
        assert_eq!(preview.skipped_by_reason.len(), 6, "one of each");
        if language == Language::Ar {
            assert_arabic(&harness, "the Bulk preview");
        } else {
            harness.get_by_label("1 × more fields than a reference and an amount");
            harness.get_by_label("1 × no amount on this line");
            harness.get_by_label_contains("skipped: row 2: Merchant reference");
        }
    }
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
