//! The Activity screen: the journal's latest operations, filterable by
//! operator, profile, command and outcome, with the hash-chain check.

use egui::{RichText, Ui};

use super::AppCommand;
use super::i18n::Tr;
use super::widgets::{colored_text, heading_text, label, widget_text};
use crate::journal::chain::ChainReport;
use crate::journal::export::format_time;
use crate::journal::store::EntryRecord;

/// What the screen holds.
#[derive(Debug, Default)]
pub struct ActivityScreen {
    pub entries: Vec<EntryRecord>,
    pub chain: Option<ChainReport>,
    pub filter_text: String,
}

impl ActivityScreen {
    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        ui.horizontal(|ui| {
            ui.label(heading_text(ui, &tr.text("activity-title"), rtl));
            if ui
                .button(widget_text(ui, &tr.text("refresh"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::LoadActivity);
            }
            if ui
                .button(widget_text(ui, &tr.text("activity-verify"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::VerifyChain);
            }
            ui.add(
                egui::TextEdit::singleline(&mut self.filter_text)
                    .hint_text(format!(
                        "{} / {} / {}",
                        tr.text("activity-operator"),
                        tr.text("activity-command"),
                        tr.text("activity-outcome")
                    ))
                    .desired_width(240.0),
            );
        });
        if let Some(report) = &self.chain {
            let (text, color) = match report.first_broken_seq {
                None => (
                    tr.args(
                        "activity-intact",
                        &[("count", report.entries_checked.into())],
                    ),
                    egui::Color32::from_rgb(0x2e, 0x9e, 0x4f),
                ),
                Some(seq) => (
                    tr.args("activity-broken", &[("seq", seq.into())]),
                    egui::Color32::from_rgb(0xd0, 0x30, 0x30),
                ),
            };
            ui.label(colored_text(ui, &text, rtl, true, color));
        }
        ui.separator();
        let needle = self.filter_text.trim().to_lowercase();
        egui::ScrollArea::vertical().show(ui, |ui| {
            egui::Grid::new("activity-grid")
                .striped(true)
                .show(ui, |ui| {
                    for id in [
                        "activity-time",
                        "activity-operator",
                        "activity-command",
                        "activity-outcome",
                        "activity-code",
                    ] {
                        ui.label(widget_text(ui, &tr.text(id), rtl, true));
                    }
                    ui.end_row();
                    for entry in &self.entries {
                        let outcome = entry.outcome.clone().unwrap_or_else(|| entry.entry.clone());
                        let haystack = format!(
                            "{} {} {} {}",
                            entry.operator, entry.profile, entry.command, outcome
                        )
                        .to_lowercase();
                        if !needle.is_empty() && !haystack.contains(&needle) {
                            continue;
                        }
                        ui.label(
                            format_time(entry.at_ms)
                                .replace('T', " ")
                                .trim_end_matches('Z')
                                .to_owned(),
                        );
                        ui.label(&entry.operator);
                        ui.label(RichText::new(&entry.command).monospace());
                        ui.label(outcome);
                        label(
                            ui,
                            format!(
                                "{} {}",
                                entry.response_code.as_deref().unwrap_or(""),
                                entry.response_message.as_deref().unwrap_or("")
                            ),
                            rtl,
                        );
                        ui.end_row();
                    }
                });
        });
    }
}
