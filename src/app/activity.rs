//! The Activity screen: the journal's latest operations, filterable by
//! operator, profile, command and outcome, with the hash-chain check.

use egui::{Align, Layout, Ui};
use egui_extras::{Column, TableBuilder};

use super::AppCommand;
use super::explain;
use super::i18n::Tr;
use super::widgets::{colored_label, column, heading_text, label, row, widget_text};
use crate::journal::export::format_time_short;
use crate::journal::store::EntryRecord;
use crate::journal::verify::VerifyReport;

/// What the screen holds.
#[derive(Debug, Default)]
pub struct ActivityScreen {
    pub entries: Vec<EntryRecord>,
    pub chain: Option<VerifyReport>,
    pub filter_text: String,
}

/// A column of the operations table, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActivityColumn {
    Time,
    Operator,
    Command,
    Outcome,
    Code,
}

impl ActivityColumn {
    const ALL: [ActivityColumn; 5] = [
        ActivityColumn::Time,
        ActivityColumn::Operator,
        ActivityColumn::Command,
        ActivityColumn::Outcome,
        ActivityColumn::Code,
    ];

    fn title_id(self) -> &'static str {
        match self {
            ActivityColumn::Time => "activity-time",
            ActivityColumn::Operator => "activity-operator",
            ActivityColumn::Command => "activity-command",
            ActivityColumn::Outcome => "activity-outcome",
            ActivityColumn::Code => "activity-code",
        }
    }
}

/// One operation's cells as shown.
struct ActivityRow {
    time: String,
    operator: String,
    command: String,
    outcome: String,
    code: String,
}

impl ActivityRow {
    fn cell(&self, column: ActivityColumn) -> &str {
        match column {
            ActivityColumn::Time => &self.time,
            ActivityColumn::Operator => &self.operator,
            ActivityColumn::Command => &self.command,
            ActivityColumn::Outcome => &self.outcome,
            ActivityColumn::Code => &self.code,
        }
    }
}

impl ActivityScreen {
    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        column(ui, rtl, |ui| self.body_ui(ui, tr, commands));
    }

    /// The screen, from the reading side: the title and its buttons, the
    /// chain's check, the table with its first column on the reading side.
    fn body_ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        row(ui, rtl, |ui| {
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
                colored_label(ui, &text, rtl, true, green);
            } else {
                let red = egui::Color32::from_rgb(0xd0, 0x30, 0x30);
                let count = u64::try_from(report.findings.len()).unwrap_or(u64::MAX);
                let text = tr.args("activity-findings", &[("count", count.into())]);
                colored_label(ui, &text, rtl, true, red);
                for finding in &report.findings {
                    let text = explain::finding(tr, finding);
                    colored_label(ui, &text, rtl, false, red);
                }
            }
        }
        ui.separator();
        let rows = self.shown_rows(tr);
        let mut columns = ActivityColumn::ALL;
        if rtl {
            // The table reads right to left: its first column on the right.
            columns.reverse();
        }
        let table = TableBuilder::new(ui)
            // Column widths are remembered by position: one table per direction.
            .id_salt(if rtl { "activity-rtl" } else { "activity-ltr" })
            .striped(true)
            .cell_layout(if rtl {
                Layout::right_to_left(Align::Center)
            } else {
                Layout::left_to_right(Align::Center)
            });
        let table = columns.iter().fold(table, |table, column| match column {
            ActivityColumn::Time => table.column(Column::exact(150.0).clip(true)),
            ActivityColumn::Operator
            | ActivityColumn::Command
            | ActivityColumn::Outcome
            | ActivityColumn::Code => table.column(Column::remainder().at_least(60.0).clip(true)),
        });
        table
            .header(24.0, |mut header| {
                for column in columns {
                    header.col(|ui| {
                        ui.label(widget_text(ui, &tr.text(column.title_id()), rtl, true));
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, rows.len(), |mut table_row| {
                    let shown = &rows[table_row.index()];
                    for column in columns {
                        table_row.col(|ui| {
                            label(ui, shown.cell(column), rtl);
                        });
                    }
                });
            });
    }

    /// The entries the filter lets through, as their cells read.
    fn shown_rows(&self, tr: &Tr) -> Vec<ActivityRow> {
        let needle = self.filter_text.trim().to_lowercase();
        self.entries
            .iter()
            .filter_map(|entry| {
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
                    return None;
                }
                let code = entry.response_code.as_deref();
                let answer = explain::code_text(tr, code, entry.response_message.as_deref());
                Some(ActivityRow {
                    time: format_time_short(entry.at_ms),
                    operator: entry.operator.clone(),
                    command,
                    outcome,
                    code: format!("{} {answer}", code.unwrap_or_default()),
                })
            })
            .collect()
    }
}
