//! Small drawing helpers shared by the screens: fonts, bidi-aware labels,
//! badges and copyable values.
//!
//! egui 0.37 joins Arabic letters but does not reorder mixed right-to-left
//! and left-to-right text: [`bidi_job`] lays out a string as one section per
//! visual run from [`crate::text::bidi`], the same helper the receipts use.

use std::sync::Arc;

use egui::text::{LayoutJob, LayoutSection, TextFormat};
use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, RichText, Ui, WidgetText};

use crate::journal::vocabulary::OrderState;
use crate::text::fonts;
use crate::text::visual_runs;

/// Registers the bundled faces: Noto Sans Arabic first, so that Arabic runs
/// (spaces included) come from one face; Noto Sans for Latin; egui's own
/// faces after them for symbols.
pub fn install_fonts(ctx: &egui::Context) {
    let mut definitions = FontDefinitions::default();
    definitions.font_data.insert(
        "noto-sans-arabic".to_owned(),
        Arc::new(FontData::from_static(fonts::ARABIC_REGULAR)),
    );
    definitions.font_data.insert(
        "noto-sans".to_owned(),
        Arc::new(FontData::from_static(fonts::LATIN_REGULAR)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        let list = definitions.families.entry(family).or_default();
        list.insert(0, "noto-sans".to_owned());
        list.insert(0, "noto-sans-arabic".to_owned());
    }
    ctx.set_fonts(definitions);
}

/// `text` laid out in visual order for a paragraph of the given direction.
pub fn bidi_job(text: &str, right_to_left: bool, font: &FontId, color: Color32) -> LayoutJob {
    let mut job = LayoutJob::default();
    for run in visual_runs(text, right_to_left) {
        let start = job.text.len();
        job.text.push_str(&drawn(&run));
        // Sections pushed by hand: `LayoutJob::append` would merge runs of
        // equal format back into logical order.
        job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: egui::text::ByteIndex(start)..egui::text::ByteIndex(job.text.len()),
            format: TextFormat::simple(font.clone(), color),
        });
    }
    job
}

/// `text` broken into lines of at most `width` points in reading order,
/// each line then laid out in visual order by [`bidi_job`]. egui wraps a
/// job after it is in visual order: a long Arabic line would lose its
/// first words (drawn rightmost) to the next line, and an amount could be
/// cut from its currency. The lines are aligned on the reading side.
pub fn wrapped_bidi_job(
    ui: &Ui,
    text: &str,
    right_to_left: bool,
    font: &FontId,
    color: Color32,
    width: f32,
) -> LayoutJob {
    let line_width = |line: &str| {
        let job = bidi_job(line, right_to_left, font, color);
        ui.fonts_mut(|fonts| fonts.layout_job(job)).size().x
    };
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in unbreakable_words(text) {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && line_width(&candidate) > width {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        } else {
            current = candidate;
        }
    }
    lines.push(current);
    let mut job = LayoutJob::default();
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            let start = job.text.len();
            job.text.push('\n');
            job.sections.push(LayoutSection {
                leading_space: 0.0,
                byte_range: egui::text::ByteIndex(start)..egui::text::ByteIndex(job.text.len()),
                format: TextFormat::simple(font.clone(), color),
            });
        }
        let line_job = bidi_job(line, right_to_left, font, color);
        let offset = job.text.len();
        job.text.push_str(&line_job.text);
        job.sections
            .extend(line_job.sections.into_iter().map(|section| LayoutSection {
                byte_range: egui::text::ByteIndex(section.byte_range.start.0 + offset)
                    ..egui::text::ByteIndex(section.byte_range.end.0 + offset),
                ..section
            }));
    }
    job.halign = if right_to_left {
        egui::Align::RIGHT
    } else {
        egui::Align::LEFT
    };
    job
}

/// The words of `text` between its spaces, a [`ltr_unit`] kept whole.
fn unbreakable_words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut depth = 0_usize;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            // Any isolate (Fluent's first-strong ones around a placeable
            // included): a date and its time stay on one line.
            LRI | RLI | FSI => depth += 1,
            PDI => depth = depth.saturating_sub(1),
            ' ' if depth == 0 => {
                words.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    words.push(&text[start..]);
    words
}

/// Left-to-right isolate: what it opens is laid out as one left-to-right
/// block, whatever surrounds it.
const LRI: char = '\u{2066}';
/// Right-to-left isolate.
const RLI: char = '\u{2067}';
/// First-strong isolate: what Fluent wraps each Arabic placeable in.
const FSI: char = '\u{2068}';
/// Pop directional isolate: closes [`LRI`].
const PDI: char = '\u{2069}';

/// `text` (amounts with their currencies, a list of them) kept as one
/// left-to-right block inside a right-to-left line: without it the bidi
/// algorithm takes the digits after an Arabic word as Arabic numbers and
/// puts the first amount on the far side of its currency code. The marks
/// are read by [`bidi_job`] and never drawn; English text is left as is.
pub fn ltr_unit(text: &str, right_to_left: bool) -> String {
    if right_to_left {
        format!("{LRI}{text}{PDI}")
    } else {
        text.to_owned()
    }
}

/// `text` as [`bidi_job`] lays it out, runs in visual order: the text a
/// mixed Arabic label carries in the accessibility tree (egui takes a
/// label's accessible name from its laid-out text).
pub fn visual_text(text: &str, right_to_left: bool) -> String {
    if has_arabic(text) {
        visual_runs(text, right_to_left).iter().map(drawn).collect()
    } else {
        text.to_owned()
    }
}

/// The characters of a run as epaint must get them. epaint shapes a run of
/// punctuation and spaces left to right (it has no strong letter to guess
/// from), so such a run inside right-to-left text — `: ` after a field's
/// name, the brackets around a word — is handed over reversed, its brackets
/// mirrored, as the bidi algorithm would draw it.
fn drawn(run: &crate::text::bidi::VisualRun<'_>) -> String {
    // The isolates' marks steer the layout and are not drawn (epaint would
    // draw them as boxes).
    let is_mark = |c: char| matches!(c, '\u{2066}'..='\u{2069}');
    if run.text.contains(is_mark) {
        let text: String = run.text.chars().filter(|c| !is_mark(*c)).collect();
        let unmarked = crate::text::bidi::VisualRun {
            text: &text,
            right_to_left: run.right_to_left,
            face: run.face,
        };
        return drawn(&unmarked);
    }
    let punctuation_only = !run.text.chars().any(char::is_alphanumeric);
    if run.right_to_left && punctuation_only {
        run.text
            .chars()
            .rev()
            .map(|c| match c {
                '(' => ')',
                ')' => '(',
                '[' => ']',
                ']' => '[',
                '{' => '}',
                '}' => '{',
                '<' => '>',
                '>' => '<',
                '«' => '»',
                '»' => '«',
                other => other,
            })
            .collect()
    } else {
        run.text.to_owned()
    }
}

/// Gives the widget of `response` the accessible name `name`: for a field
/// that shows only a hint (egui names a field by a label it is
/// `labelled_by`, and a hint is not one).
pub fn name_for(ui: &Ui, response: &egui::Response, name: &str) {
    ui.ctx()
        .accesskit_node_builder(response.id, |node| node.set_label(name));
}

/// Whether a string needs the bidi helper: it holds Arabic letters.
pub fn has_arabic(text: &str) -> bool {
    text.chars().any(crate::text::bidi::is_arabic)
}

/// A label that reads right in either language.
pub fn label(ui: &mut Ui, text: impl AsRef<str>, right_to_left: bool) -> egui::Response {
    let text = text.as_ref();
    if has_arabic(text) {
        let font = egui::TextStyle::Body.resolve(ui.style());
        let color = ui.visuals().text_color();
        paragraph(ui, text, right_to_left, &font, color)
    } else {
        // Not wrapped: in a right-to-left row egui would break a value such
        // as "455701******8902" into pieces placed from the right.
        ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend))
    }
}

/// Arabic `text` as a label broken into lines in reading order
/// ([`wrapped_bidi_job`]) to the width left.
fn paragraph(
    ui: &mut Ui,
    text: &str,
    right_to_left: bool,
    font: &FontId,
    color: Color32,
) -> egui::Response {
    // Where egui would not wrap (a table's cell truncates), the line is
    // left to egui's own mode.
    if ui.wrap_mode() != egui::TextWrapMode::Wrap {
        return ui.label(bidi_job(text, right_to_left, font, color));
    }
    let job = wrapped_bidi_job(ui, text, right_to_left, font, color, ui.available_width());
    let halign = job.halign;
    ui.add(
        egui::Label::new(job)
            .wrap_mode(egui::TextWrapMode::Extend)
            .halign(halign),
    )
}

/// A label in a colour of its own (bold when `strong`), broken into lines
/// in reading order when it holds Arabic.
pub fn colored_label(
    ui: &mut Ui,
    text: &str,
    right_to_left: bool,
    strong: bool,
    color: Color32,
) -> egui::Response {
    if has_arabic(text) {
        let mut font = egui::TextStyle::Button.resolve(ui.style());
        if strong {
            font.size += 1.0;
        }
        paragraph(ui, text, right_to_left, &font, color)
    } else {
        let text = colored_text(ui, text, right_to_left, strong, color);
        ui.label(text)
    }
}

/// Widget text for buttons and headings, bidi-ordered when it holds Arabic.
pub fn widget_text(ui: &Ui, text: &str, right_to_left: bool, strong: bool) -> WidgetText {
    if has_arabic(text) {
        let mut font = egui::TextStyle::Button.resolve(ui.style());
        if strong {
            font.size += 1.0;
        }
        let color = if strong {
            ui.visuals().strong_text_color()
        } else {
            ui.visuals().text_color()
        };
        WidgetText::LayoutJob(Arc::new(bidi_job(text, right_to_left, &font, color)))
    } else if strong {
        RichText::new(text).strong().into()
    } else {
        text.into()
    }
}

/// A window's title laid out for the operator's language (a title bar is
/// drawn from the context's style, before any `Ui`).
pub fn window_title(ctx: &egui::Context, text: &str, right_to_left: bool) -> WidgetText {
    if has_arabic(text) {
        let font = egui::TextStyle::Heading.resolve(&ctx.global_style());
        let color = ctx.global_style().visuals.strong_text_color();
        WidgetText::LayoutJob(Arc::new(bidi_job(text, right_to_left, &font, color)))
    } else {
        text.into()
    }
}

/// Like [`widget_text`], in a colour of its own.
pub fn colored_text(
    ui: &Ui,
    text: &str,
    right_to_left: bool,
    strong: bool,
    color: Color32,
) -> WidgetText {
    if has_arabic(text) {
        let mut font = egui::TextStyle::Button.resolve(ui.style());
        if strong {
            font.size += 1.0;
        }
        WidgetText::LayoutJob(Arc::new(bidi_job(text, right_to_left, &font, color)))
    } else {
        let rich = RichText::new(text).color(color);
        if strong {
            rich.strong().into()
        } else {
            rich.into()
        }
    }
}

/// A heading that reads right in either language.
pub fn heading_text(ui: &Ui, text: &str, right_to_left: bool) -> WidgetText {
    if has_arabic(text) {
        let font = egui::TextStyle::Heading.resolve(ui.style());
        let color = ui.visuals().strong_text_color();
        WidgetText::LayoutJob(Arc::new(bidi_job(text, right_to_left, &font, color)))
    } else {
        RichText::new(text).heading().into()
    }
}

/// A one-line row of widgets, laid out from the reading side: left to right
/// in English, right to left in Arabic. (A bare `with_layout` would take the
/// whole height of the panel.)
pub fn row<R>(ui: &mut Ui, right_to_left: bool, add: impl FnOnce(&mut Ui) -> R) -> R {
    let layout = if right_to_left {
        egui::Layout::right_to_left(egui::Align::Center)
    } else {
        egui::Layout::left_to_right(egui::Align::Center)
    };
    let height = ui.spacing().interact_size.y;
    ui.allocate_ui_with_layout(egui::vec2(ui.available_width(), height), layout, add)
        .inner
}

/// [`row`] that continues on the next line when the window is too narrow
/// for it (the filter bar at 1024 points), instead of running past the
/// window's edge and pushing the panels beside it off the screen.
pub fn wrapped_row<R>(ui: &mut Ui, right_to_left: bool, add: impl FnOnce(&mut Ui) -> R) -> R {
    let layout = if right_to_left {
        egui::Layout::right_to_left(egui::Align::Center)
    } else {
        egui::Layout::left_to_right(egui::Align::Center)
    }
    .with_main_wrap(true);
    let height = ui.spacing().interact_size.y;
    ui.allocate_ui_with_layout(egui::vec2(ui.available_width(), height), layout, add)
        .inner
}

/// A screen's body from the reading side: each widget under the one
/// before, against the left edge in English and the right in Arabic.
pub fn column<R>(ui: &mut Ui, right_to_left: bool, add: impl FnOnce(&mut Ui) -> R) -> R {
    let align = if right_to_left {
        egui::Align::Max
    } else {
        egui::Align::Min
    };
    ui.with_layout(egui::Layout::top_down(align), add).inner
}

/// A screen's heading on the reading side: the left in English, the right
/// in Arabic, as the screen's forms (`forms::FormGrid`).
pub fn heading(ui: &mut Ui, text: &str, right_to_left: bool) -> egui::Response {
    row(ui, right_to_left, |ui| {
        let text = heading_text(ui, text, right_to_left);
        ui.label(text)
    })
}

/// The colour of an order state's badge.
pub fn state_color(state: OrderState, dark: bool) -> Color32 {
    let (light, dark_variant) = match state {
        OrderState::Captured | OrderState::LinkPaid => (
            Color32::from_rgb(0x1b, 0x7f, 0x3b),
            Color32::from_rgb(0x6f, 0xd8, 0x8a),
        ),
        OrderState::Authorized | OrderState::PartiallyCaptured | OrderState::LinkOpen => (
            Color32::from_rgb(0x1f, 0x5f, 0xbf),
            Color32::from_rgb(0x7a, 0xb0, 0xff),
        ),
        OrderState::Refunded | OrderState::PartiallyRefunded => (
            Color32::from_rgb(0x8a, 0x4b, 0x00),
            Color32::from_rgb(0xf0, 0xb0, 0x60),
        ),
        OrderState::Voided
        | OrderState::Declined
        | OrderState::NotFound
        | OrderState::LinkExpired => (
            Color32::from_rgb(0x9b, 0x1c, 0x1c),
            Color32::from_rgb(0xff, 0x80, 0x80),
        ),
        OrderState::Unknown => (Color32::GRAY, Color32::LIGHT_GRAY),
    };
    if dark { dark_variant } else { light }
}

/// Shows `edit` under `id` and keeps its state (cursor, selection) for this
/// session only: egui would otherwise persist it with the window's memory,
/// and a cursor position tells a field's length. With `keep_undo` false the
/// undo history is dropped every frame as well, so that Ctrl+Z can never
/// bring back what the field held (secrets: the history is kept by widget id
/// and outlives clearing the text).
pub fn ephemeral_text_edit(
    ui: &mut Ui,
    edit: egui::TextEdit<'_>,
    id: egui::Id,
    keep_undo: bool,
) -> egui::Response {
    let output = edit.id(id).show(ui);
    let mut state = output.state;
    if !keep_undo {
        state.clear_undoer();
    }
    // `insert_temp` replaces the persisted entry `show` stored under the
    // same id: the state stays usable this session and is never saved.
    ui.ctx().data_mut(|data| data.insert_temp(id, state));
    output.response.response
}

/// Forgets everything egui holds about the text field `id`.
pub fn forget_text_edit(ctx: &egui::Context, id: egui::Id) {
    ctx.data_mut(|data| data.remove::<egui::text_edit::TextEditState>(id));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_inside_arabic_is_handed_to_epaint_mirrored() {
        // "Field: problem" — the colon ends the field's name, on its left.
        assert_eq!(visual_text("المبلغ: مطلوب", true), "مطلوب :المبلغ");
        // Brackets face the word they enclose (the space after شراء stays in
        // its Arabic run, which epaint draws right to left).
        assert_eq!(visual_text("شراء (خصم)", true), "(خصم)شراء ");
        // Latin text and the digits inside Arabic keep their order.
        assert_eq!(
            visual_text("المبلغ: 12.500 KWD", true),
            "KWD 12.500 :المبلغ"
        );
        assert_eq!(visual_text("Refund (KT-1)", false), "Refund (KT-1)");
    }

    #[test]
    fn a_long_arabic_line_is_broken_in_reading_order() {
        let text = "مكتب خلفي على سطح المكتب لتجار خدمات الدفع من أمازون.";
        let words: Vec<&str> = text.split(' ').collect();
        let ctx = egui::Context::default();
        install_fonts(&ctx);
        let mut lines = Vec::new();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let font = egui::TextStyle::Body.resolve(ui.style());
            let job = wrapped_bidi_job(ui, text, true, &font, Color32::WHITE, 120.0);
            lines = job.text.split('\n').map(str::to_owned).collect();
        });
        output.textures_delta.clear();
        assert!(lines.len() > 2, "{lines:?}");
        // Each line is the next words in reading order, laid out on its
        // own: the first words on the first line, never pushed below.
        let mut next = 0;
        for line in &lines {
            let taken = (next + 1..=words.len())
                .find(|end| visual_text(&words[next..*end].join(" "), true) == *line)
                .unwrap_or_else(|| panic!("{line:?} is the words after {next}: {lines:?}"));
            next = taken;
        }
        assert_eq!(next, words.len(), "every word, once: {lines:?}");
        assert!(
            visual_text(&words[..2].join(" "), true).len() <= lines[0].len(),
            "the first line holds more than one word: {lines:?}"
        );
    }

    #[test]
    fn an_amount_in_a_left_to_right_unit_stays_before_its_currency() {
        let totals = ltr_unit("493.990 KWD, 12.00 USD", true);
        let line = format!("بإجمالي {totals}.");
        // The totals read left to right as typed, the full stop at the
        // line's end on the left (the space stays in the Arabic run).
        assert_eq!(visual_text(&line, true), ".493.990 KWD, 12.00 USDبإجمالي ");
        // A line is never broken inside the unit.
        assert_eq!(unbreakable_words(&line), ["بإجمالي", &format!("{totals}.")]);
        assert_eq!(ltr_unit("1.000 KWD", false), "1.000 KWD");
    }
}
