//! The command palette (Ctrl+K): every screen and action by name, fuzzy
//! matched as the operator types, with its keyboard shortcut; in the
//! operator's language, and the English name matches too (a word learnt in
//! one language keeps working in the other).
//!
//! The palette only chooses: what it runs is the [`AppCommand`] the screen's
//! own button would push.

use egui::{Key, Ui};

use super::bulk::BulkKind;
use super::i18n::Tr;
use super::widgets::{column, label, widget_text};
use super::{AppCommand, Screen};
use crate::aps::Language;

/// What an entry of the palette does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteAction {
    Go(Screen),
    ExportCsv,
    ClearFilters,
    SelectAllFiltered,
    BulkOnSelection(BulkKind),
    /// Capture, refund or check the status of the order in the detail panel.
    CaptureShown,
    RefundShown,
    StatusShown,
    Language(Language),
    ToggleTheme,
    SaveView,
    /// Recalls a saved view by its name.
    RecallView(String),
    /// Asks to delete a saved view (the question is the list's own).
    DeleteView(String),
}

/// One entry: its action, its name as shown, its English name, its shortcut.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: PaletteAction,
    pub name: String,
    english: String,
    pub shortcut: Option<&'static str>,
}

/// The palette's state between frames.
#[derive(Debug, Default)]
pub struct Palette {
    pub open: bool,
    pub query: String,
    /// The highlighted match (Up/Down move it, Enter runs it).
    pub highlighted: usize,
}

/// The fixed entries: (action, Fluent id, shortcut).
fn fixed() -> Vec<(PaletteAction, &'static str, Option<&'static str>)> {
    vec![
        (
            PaletteAction::Go(Screen::Transactions),
            "nav-transactions",
            None,
        ),
        (PaletteAction::Go(Screen::Bulk), "nav-bulk", None),
        (PaletteAction::Go(Screen::Links), "nav-links", None),
        (PaletteAction::Go(Screen::Tokens), "nav-tokens", None),
        (PaletteAction::Go(Screen::Profiles), "nav-profiles", None),
        (PaletteAction::Go(Screen::Activity), "nav-activity", None),
        (PaletteAction::Go(Screen::Signature), "nav-signature", None),
        (PaletteAction::ExportCsv, "export-csv", Some("Ctrl+E")),
        (PaletteAction::ClearFilters, "palette-clear-filters", None),
        (
            PaletteAction::SelectAllFiltered,
            "select-all-filtered",
            None,
        ),
        (
            PaletteAction::BulkOnSelection(BulkKind::Capture),
            "selection-capture",
            None,
        ),
        (
            PaletteAction::BulkOnSelection(BulkKind::Refund),
            "selection-refund",
            None,
        ),
        (
            PaletteAction::BulkOnSelection(BulkKind::Status),
            "selection-status",
            None,
        ),
        (
            PaletteAction::CaptureShown,
            "palette-capture-shown",
            Some("Ctrl+Shift+C"),
        ),
        (
            PaletteAction::RefundShown,
            "palette-refund-shown",
            Some("Ctrl+Shift+R"),
        ),
        (
            PaletteAction::StatusShown,
            "palette-status-shown",
            Some("Ctrl+Shift+S"),
        ),
        (
            PaletteAction::Language(Language::En),
            "palette-english",
            None,
        ),
        (
            PaletteAction::Language(Language::Ar),
            "palette-arabic",
            None,
        ),
        (PaletteAction::ToggleTheme, "palette-theme", None),
        (PaletteAction::SaveView, "views-save", None),
    ]
}

/// Every entry, named in the operator's language; the saved views last,
/// recalling each before deleting any (a name typed finds its recall first).
pub fn entries(tr: &Tr, views: &[String]) -> Vec<Entry> {
    let english = Tr::new(Language::En);
    let mut entries: Vec<Entry> = fixed()
        .into_iter()
        // The language already in use is not offered.
        .filter(|(action, _, _)| *action != PaletteAction::Language(tr.language()))
        .map(|(action, id, shortcut)| Entry {
            action,
            name: tr.text(id),
            english: english.text(id),
            shortcut,
        })
        .collect();
    let for_views = [
        (
            PaletteAction::RecallView as fn(String) -> PaletteAction,
            "palette-recall-view",
        ),
        (PaletteAction::DeleteView, "palette-delete-view"),
    ];
    for (action, id) in for_views {
        for view in views {
            entries.push(Entry {
                action: action(view.clone()),
                name: tr.args(id, &[("name", view.clone().into())]),
                english: english.args(id, &[("name", view.clone().into())]),
                shortcut: None,
            });
        }
    }
    entries
}

/// How well `query` matches `name`: its characters in order (a
/// subsequence), case folded; consecutive characters and word starts score
/// higher. `None` when they are not all there.
pub fn score(query: &str, name: &str) -> Option<u32> {
    let query: Vec<char> = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if query.is_empty() {
        return Some(0);
    }
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let mut score = 0_u32;
    let mut next = 0;
    let mut previous_match: Option<usize> = None;
    for (index, c) in name.iter().enumerate() {
        if next < query.len() && *c == query[next] {
            score += 1;
            if previous_match.is_some_and(|previous| previous + 1 == index) {
                score += 3;
            }
            let word_start = index == 0 || !name[index - 1].is_alphanumeric();
            if word_start {
                score += 2;
            }
            previous_match = Some(index);
            next += 1;
        }
    }
    (next == query.len()).then_some(score)
}

/// The entries matching `query`, best first (ties keep the list's order).
pub fn matches(entries: &[Entry], query: &str) -> Vec<Entry> {
    let mut scored: Vec<(u32, usize, &Entry)> = entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            let best = score(query, &entry.name).max(score(query, &entry.english))?;
            Some((best, index, entry))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .map(|(_, _, entry)| entry.clone())
        .collect()
}

impl Palette {
    /// Draws the palette when open; returns the action chosen (Enter or a
    /// click), which closes it.
    pub fn ui(&mut self, ctx: &egui::Context, tr: &Tr, views: &[String]) -> Option<PaletteAction> {
        if !self.open {
            return None;
        }
        let rtl = tr.is_rtl();
        let found = matches(&entries(tr, views), &self.query);
        let mut chosen = None;
        let mut close = false;
        ctx.input_mut(|input| {
            if input.consume_key(egui::Modifiers::NONE, Key::Escape) {
                close = true;
            }
            if input.consume_key(egui::Modifiers::NONE, Key::ArrowDown) {
                self.highlighted = (self.highlighted + 1).min(found.len().saturating_sub(1));
            }
            if input.consume_key(egui::Modifiers::NONE, Key::ArrowUp) {
                self.highlighted = self.highlighted.saturating_sub(1);
            }
            if input.consume_key(egui::Modifiers::NONE, Key::Enter) {
                chosen = found
                    .get(self.highlighted)
                    .map(|entry| entry.action.clone());
            }
        });
        egui::Window::new(tr.text("palette-title"))
            .collapsible(false)
            .resizable(false)
            .title_bar(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
            .fixed_size([480.0, 0.0])
            .show(ctx, |ui: &mut Ui| {
                column(ui, rtl, |ui| {
                    let caption = ui.label(widget_text(ui, &tr.text("palette-title"), rtl, true));
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.query)
                                .hint_text(widget_text(ui, &tr.text("palette-hint"), rtl, false))
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(caption.id);
                    edit.request_focus();
                    if edit.changed() {
                        self.highlighted = 0;
                    }
                    ui.separator();
                    if found.is_empty() {
                        label(ui, tr.text("palette-nothing"), rtl);
                    }
                    for (index, entry) in found.iter().take(12).enumerate() {
                        let text = match entry.shortcut {
                            Some(shortcut) => format!("{}   {shortcut}", entry.name),
                            None => entry.name.clone(),
                        };
                        if ui
                            .selectable_label(
                                index == self.highlighted,
                                widget_text(ui, &text, rtl, false),
                            )
                            .clicked()
                        {
                            chosen = Some(entry.action.clone());
                        }
                    }
                });
            });
        if chosen.is_some() || close {
            self.open = false;
            self.query.clear();
            self.highlighted = 0;
        }
        chosen
    }
}

/// What the app does for an action (the saved views and the detail panel's
/// order are the app's to resolve).
pub fn command_for(action: &PaletteAction) -> Option<AppCommand> {
    match action {
        PaletteAction::Go(screen) => Some(AppCommand::SetScreen(*screen)),
        PaletteAction::ExportCsv => Some(AppCommand::ExportCsv),
        PaletteAction::BulkOnSelection(kind) => Some(AppCommand::BulkFromSelection(*kind)),
        PaletteAction::Language(language) => Some(AppCommand::SetLanguage(*language)),
        PaletteAction::ClearFilters
        | PaletteAction::SelectAllFiltered
        | PaletteAction::CaptureShown
        | PaletteAction::RefundShown
        | PaletteAction::StatusShown
        | PaletteAction::ToggleTheme
        | PaletteAction::SaveView
        | PaletteAction::RecallView(_)
        | PaletteAction::DeleteView(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matching_finds_subsequences_best_first() {
        assert!(score("rfnd", "Refund selected…").is_some());
        assert!(score("xyz", "Refund selected…").is_none());
        assert!(score("bulk", "Bulk").unwrap_or(0) > score("bulk", "Be ultra luck").unwrap_or(0));
        let en = Tr::new(Language::En);
        // The other language is offered, never the one in use.
        let languages = |tr: &Tr| -> Vec<PaletteAction> {
            entries(tr, &[])
                .into_iter()
                .map(|entry| entry.action)
                .filter(|action| matches!(action, PaletteAction::Language(_)))
                .collect()
        };
        assert_eq!(languages(&en), [PaletteAction::Language(Language::Ar)]);
        assert_eq!(
            languages(&Tr::new(Language::Ar)),
            [PaletteAction::Language(Language::En)]
        );
        let found = matches(&entries(&en, &[]), "exp csv");
        assert_eq!(
            found.first().map(|entry| &entry.action),
            Some(&PaletteAction::ExportCsv)
        );
        assert_eq!(found[0].shortcut, Some("Ctrl+E"));
        // Arabic: typed in Arabic, and the English name still works.
        let ar = Tr::new(Language::Ar);
        let arabic = entries(&ar, &[]);
        let bulk = arabic
            .iter()
            .find(|entry| entry.action == PaletteAction::Go(Screen::Bulk))
            .expect("bulk");
        let first_word: String = bulk
            .name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .into();
        assert_eq!(
            matches(&arabic, &first_word)
                .first()
                .map(|entry| &entry.action),
            Some(&PaletteAction::Go(Screen::Bulk))
        );
        assert_eq!(
            matches(&arabic, "bulk").first().map(|entry| &entry.action),
            Some(&PaletteAction::Go(Screen::Bulk))
        );
        let views = matches(&entries(&en, &["Late KNET".into()]), "late knet");
        assert_eq!(
            views.first().map(|entry| &entry.action),
            Some(&PaletteAction::RecallView("Late KNET".into()))
        );
        // Deleting is found by its own words, in either language.
        for tr in [&en, &ar] {
            let views = matches(&entries(tr, &["Late KNET".into()]), "delete late");
            assert_eq!(
                views.first().map(|entry| &entry.action),
                Some(&PaletteAction::DeleteView("Late KNET".into()))
            );
        }
    }
}
