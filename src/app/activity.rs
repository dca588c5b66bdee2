//! The Activity screen: the journal's latest operations, filterable by
//! operator, profile, command and outcome, with the hash-chain check.

use egui::Ui;

use super::AppCommand;
use super::explain;
use super::i18n::Tr;
use super::widgets::{colored_text, heading_text, label, widget_text};
use crate::journal::export::format_time;
use crate::journal::store::EntryRecord;
use crate::journal::verify::VerifyReport;

/// What the screen holds.
#[derive(Debug, Default)]
pub struct ActivityScreen {
    pub entries: Vec<EntryRecord>,
    pub chain: Option<VerifyReport>,
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
            let hint = format!(
                "{} / {} / {}",
                tr.text("activity-operator"),
                tr.text("activity-command"),
                tr.text("activity-outcome")
            );
            let filter = ui.add(
                egui::TextEdit::singleline(&mut self.filter_text)
                    .hint_text(widget_text(ui, &hint, rtl, false))
                    .desired_width(240.0),
            );
            super::widgets::name_for(ui, &filter, &hint);
        });
        if let Some(report) = &self.chain {
            if report.is_clean() {
                let text = tr.args(
                    "activity-intact",
                    &[("count", report.entries_checked.into())],
                );
                let green = egui::Color32::from_rgb(0x2e, 0x9e, 0x4f);
                ui.label(colored_text(ui, &text, rtl, true, green));
            } else {
                let red = egui::Color32::from_rgb(0xd0, 0x30, 0x30);
                let count = u64::try_from(report.findings.len()).unwrap_or(u64::MAX);
                let text = tr.args("activity-findings", &[("count", count.into())]);
                ui.label(colored_text(ui, &text, rtl, true, red));
                for finding in &report.findings {
                    let text = explain::finding(tr, finding);
                    ui.label(colored_text(ui, &text, rtl, false, red));
                }
            }
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
                        let outcome = entry.outcome.map_or_else(
                            || explain::entry_kind(tr, entry.entry),
                            |outcome| explain::entry_outcome(tr, outcome),
                        );
                        let command = explain::command(tr, entry.command);
                        // The operator may search by the words shown or by
                        // APS's names.
                        let haystack = [
                            entry.operator.as_str(),
                            entry.profile.as_str(),
                            entry.command.name(),
                            &command,
                            &outcome,
                        ]
                        .join(" ")
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
                        label(ui, command, rtl);
                        label(ui, outcome, rtl);
                        let code = entry.response_code.as_deref();
                        let answer =
                            explain::code_text(tr, code, entry.response_message.as_deref());
                        label(ui, format!("{} {answer}", code.unwrap_or_default()), rtl);
                        ui.end_row();
                    }
                });
        });
    }
}
