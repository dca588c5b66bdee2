//! The screens outside the forms read from the operator's side: in Arabic
//! a screen's title and the first of a row of buttons sit on the right,
//! what follows them to their left; in English the reverse. Amounts keep
//! their currency beside them in either language.

mod app_harness;
mod common;

use app_harness::{TestState, over, run_until, settle};
use apsdesk::app::Screen;
use apsdesk::aps::Language;
use egui::Rect;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// What the operator reads for the message `id` in the app's language.
fn shown(harness: &Harness<'static, TestState>, id: &str) -> String {
    let tr = &harness.state().app().tr;
    apsdesk::app::widgets::visual_text(&tr.text(id), tr.is_rtl())
}

/// Where the widget `label` is on the screen; the screen's own when the
/// navigation holds the same word (it comes first).
fn rect_of(harness: &Harness<'static, TestState>, label: &str) -> Rect {
    harness
        .query_all_by_label(label)
        .last()
        .unwrap_or_else(|| panic!("{label:?} on screen"))
        .rect()
}

fn label_of(node: &egui_kittest::Node<'_>) -> String {
    let node = egui_kittest::kittest::NodeT::accesskit_node(node);
    node.label().or_else(|| node.value()).unwrap_or_default()
}

/// `first` comes before `then` in a row read from the operator's side.
fn assert_before(harness: &Harness<'static, TestState>, what: &str, first: Rect, then: Rect) {
    if harness.state().app().tr.is_rtl() {
        assert!(
            first.left() >= then.right() - 0.5,
            "{what}: in Arabic the first is on the right: {first:?}, {then:?}"
        );
    } else {
        assert!(
            first.right() <= then.left() + 0.5,
            "{what}: in English the first is on the left: {first:?}, {then:?}"
        );
    }
}

/// `above` and `below` start on the same edge: the operator's side.
fn assert_same_side(harness: &Harness<'static, TestState>, what: &str, above: Rect, below: Rect) {
    let gap = if harness.state().app().tr.is_rtl() {
        (above.right() - below.right()).abs()
    } else {
        (above.left() - below.left()).abs()
    };
    assert!(
        gap < 1.0,
        "{what}: aligned on the reading side: {above:?}, {below:?}"
    );
}

/// The app over a simulator holding an authorized KWD order and an
/// authorized USD order, in `language`.
fn two_currencies(language: Language) -> (app_harness::Fixture, Harness<'static, TestState>) {
    let runtime = common::runtime();
    let sim = runtime.block_on(common::start_sim());
    common::authorize_in_sim(&sim, "RT-KWD", "10000", "KWD");
    common::authorize_in_sim(&sim, "RT-USD", "1200", "USD");
    let (fixture, mut harness) = over(runtime, sim, &["RT-KWD", "RT-USD"], false);
    run_until(&mut harness, "the orders", |state| {
        state.app().transactions.rows.len() == 2
    });
    in_language(&mut harness, language);
    (fixture, harness)
}

/// The Bulk screen reads from the side, and its preview's totals keep each
/// amount beside its currency, in the order typed to confirm.
#[test]
fn the_bulk_screen_reads_from_the_side_and_keeps_amounts_by_their_currency() {
    for language in [Language::En, Language::Ar] {
        let (_fixture, mut harness) = two_currencies(language);
        harness.state_mut().app_mut().settings.screen = Screen::Bulk;
        settle(&mut harness);
        "RT-KWD,4.000\nRT-USD,3.50\n".clone_into(&mut harness.state_mut().app_mut().bulk.input);
        settle(&mut harness);
        let title = rect_of(&harness, &shown(&harness, "bulk-title"));
        let selection = rect_of(&harness, &shown(&harness, "bulk-use-selection"));
        let csv = rect_of(&harness, &shown(&harness, "bulk-load-csv"));
        assert_same_side(&harness, "Bulk's title and buttons", title, selection);
        assert_before(&harness, "Bulk's buttons", selection, csv);
        harness
            .get_by_label(&shown(&harness, "bulk-capture"))
            .click();
        run_until(&mut harness, "the preview", |state| {
            state.app().bulk.confirming.is_some()
        });
        let preview = apsdesk::app::bulk::preview(&harness.state().app().bulk.rows);
        assert_eq!(preview.totals_text(), "4.000 KWD, 3.50 USD");
        let (text, line) = harness
            .query_all(
                egui_kittest::kittest::by()
                    .include_labels()
                    .predicate(|_| true),
            )
            .find(|node| {
                let label = label_of(node);
                label.contains("KWD") && label.contains("USD")
            })
            .map(|node| (label_of(&node), node.rect()))
            .expect("the preview's totals line");
        assert!(
            text.contains("4.000 KWD, 3.50 USD"),
            "{language:?}: each amount beside its currency, as typed: {text:?}"
        );
        let confirm = rect_of(&harness, &shown(&harness, "bulk-confirm"));
        let cancel = rect_of(&harness, &shown(&harness, "action-cancel"));
        assert_same_side(&harness, "the preview and its buttons", line, confirm);
        assert_before(&harness, "the preview's buttons", confirm, cancel);
    }
}

/// Switches to `language` by its button, as the operator does (the app
/// starts in English).
fn in_language(harness: &mut Harness<'static, TestState>, language: Language) {
    if language == Language::Ar {
        harness.get_by_label("العربية").click();
        run_until(harness, "Arabic", |state| {
            state.app().tr.language() == Language::Ar
        });
    }
}

/// The app with an order listed, in `language`.
fn one_order(language: Language) -> (app_harness::Fixture, Harness<'static, TestState>) {
    let (fixture, mut harness) = app_harness::with_orders(&["RT-1"]);
    run_until(&mut harness, "the orders", |state| {
        !state.app().transactions.rows.is_empty()
    });
    in_language(&mut harness, language);
    (fixture, harness)
}

/// The command palette's title and entries start on the reading side.
#[test]
fn the_command_palette_reads_from_the_side() {
    for language in [Language::En, Language::Ar] {
        let (_fixture, mut harness) = one_order(language);
        harness.state_mut().app_mut().palette.open = true;
        settle(&mut harness);
        let tr = apsdesk::app::i18n::Tr::new(language);
        let first = apsdesk::app::palette::matches(&apsdesk::app::palette::entries(&tr, &[]), "")
            .into_iter()
            .next()
            .expect("an entry");
        let text = match first.shortcut {
            Some(shortcut) => format!("{}   {shortcut}", first.name),
            None => first.name.clone(),
        };
        let item = rect_of(
            &harness,
            &apsdesk::app::widgets::visual_text(&text, tr.is_rtl()),
        );
        let title = harness
            .query_all(
                egui_kittest::kittest::by()
                    .label(&shown(&harness, "palette-title"))
                    .include_labels(),
            )
            .map(|node| node.rect())
            .min_by(|a, b| a.width().total_cmp(&b.width()))
            .expect("the palette's title");
        assert_same_side(&harness, "the palette's title and first entry", title, item);
        assert!(
            (title.width() - item.width()).abs() > 1.0,
            "the test tells the sides apart: {title:?}, {item:?}"
        );
    }
}

/// Where the text `label` is drawn (a label, not a button); the screen's
/// own when the navigation holds the same word.
fn text_rect(harness: &Harness<'static, TestState>, label: &str) -> Rect {
    harness
        .query_all(egui_kittest::kittest::by().label(label).include_labels())
        .last()
        .unwrap_or_else(|| panic!("{label:?} on screen"))
        .rect()
}

/// The Activity screen: the title before its buttons, the Time column
/// first, from the reading side.
#[test]
fn the_activity_screen_reads_from_the_side() {
    for language in [Language::En, Language::Ar] {
        let (_fixture, mut harness) = one_order(language);
        harness.state_mut().app_mut().settings.screen = Screen::Activity;
        settle(&mut harness);
        harness.get_by_label(&shown(&harness, "refresh")).click();
        run_until(&mut harness, "the operations", |state| {
            !state.app().activity.entries.is_empty()
        });
        let title = text_rect(&harness, &shown(&harness, "activity-title"));
        let refresh = rect_of(&harness, &shown(&harness, "refresh"));
        assert_before(&harness, "Activity's title and button", title, refresh);
        let time = text_rect(&harness, &shown(&harness, "activity-time"));
        let operator = text_rect(&harness, &shown(&harness, "activity-operator"));
        let code = text_rect(&harness, &shown(&harness, "activity-code"));
        assert_before(&harness, "Activity's columns", time, operator);
        assert_before(&harness, "Activity's columns", operator, code);
        // The operator's name sits under its column's title.
        let tester = text_rect(&harness, "tester");
        assert_same_side(&harness, "the operator column", operator, tester);
    }
}

/// The About box: its title and the licences' headers laid out for the
/// language (the Arabic word apart from the app's name, the licence's name
/// after the colon), its text and button on the reading side.
#[test]
fn the_about_box_reads_from_the_side() {
    for language in [Language::En, Language::Ar] {
        let (_fixture, mut harness) = one_order(language);
        harness.state_mut().app_mut().about_open = true;
        settle(&mut harness);
        let rtl = language == Language::Ar;
        let tr = apsdesk::app::i18n::Tr::new(language);
        let visual = |text: &str| apsdesk::app::widgets::visual_text(text, rtl);
        text_rect(&harness, &visual(&tr.text("about-title")));
        for spdx in ["MIT", "Apache-2.0", "OFL-1.1"] {
            let header = tr.args("about-licence-text", &[("licence", spdx.into())]);
            harness.get_by_label(&visual(&header));
        }
        let version = tr.args(
            "about-version",
            &[("version", apsdesk::app::about::VERSION.into())],
        );
        let version = text_rect(&harness, &visual(&version));
        // A paragraph that may take two lines: found by a name it holds.
        let fonts = harness
            .query_all(
                egui_kittest::kittest::by()
                    .include_labels()
                    .predicate(|_| true),
            )
            .find(|node| label_of(node).contains("Noto Sans Arabic"))
            .expect("the fonts' paragraph")
            .rect();
        let close = rect_of(&harness, &visual(&tr.text("about-close")));
        assert_same_side(&harness, "About's version and text", version, fonts);
        assert_same_side(&harness, "About's version and button", version, close);
    }
}

/// The Signature tool: its title and its row of controls from the reading
/// side.
#[test]
fn the_signature_tool_reads_from_the_side() {
    for language in [Language::En, Language::Ar] {
        let (_fixture, mut harness) = one_order(language);
        harness.state_mut().app_mut().settings.screen = Screen::Signature;
        settle(&mut harness);
        let title = text_rect(&harness, &shown(&harness, "signature-title"));
        // The caption, not the drop-down it names (which comes after it).
        let sha = harness
            .query_all(
                egui_kittest::kittest::by()
                    .label(&shown(&harness, "signature-sha-type"))
                    .include_labels(),
            )
            .next()
            .expect("the SHA type's caption")
            .rect();
        let request = rect_of(&harness, &shown(&harness, "signature-request-phrase"));
        let response = rect_of(&harness, &shown(&harness, "signature-response-phrase"));
        assert_same_side(&harness, "the tool's title and controls", title, sha);
        assert_before(&harness, "the tool's controls", sha, request);
        assert_before(&harness, "the tool's controls", request, response);
    }
}

/// The profiles' list: the name first and the buttons in reading order.
#[test]
fn the_profiles_list_reads_from_the_side() {
    for language in [Language::En, Language::Ar] {
        let (fixture, mut harness) = one_order(language);
        let journal = fixture.dir.path().join("journal.sqlite3");
        let _config = app_harness::profile_on_sim(&mut harness, "sim-a", &journal);
        harness.state_mut().app_mut().settings.screen = Screen::Profiles;
        harness.state().app().backend.load_profiles();
        run_until(&mut harness, "the profiles", |state| {
            !state.app().profiles.profiles.is_empty()
        });
        let name = text_rect(&harness, "sim-a");
        let test = rect_of(&harness, &shown(&harness, "profile-test"));
        let remove = rect_of(&harness, &shown(&harness, "profile-remove"));
        assert_before(&harness, "a profile's row", name, test);
        assert_before(&harness, "a profile's buttons", test, remove);
    }
}
