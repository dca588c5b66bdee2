//! The Activity screen, an audit view: one line per operation (its request,
//! result and any resolution merged), with operator, order, operation,
//! amount, result and time; filterable by operator, order and result, and
//! copied as CSV; with the hash-chain check.

use egui::{Align, Layout, Ui};
use egui_extras::{Column, TableBuilder};

use super::AppCommand;
use super::explain;
use super::i18n::Tr;
use super::widgets::{colored_label, column, heading_text, label, row, widget_text};
use crate::aps::Command;
use crate::journal::export::format_time_short;
use crate::journal::store::EntryRecord;
use crate::journal::verify::VerifyReport;
use crate::journal::vocabulary::{EntryKind, EntryOutcome};

/// One operation as the journal tells it: what was asked (its request) and
/// the latest word on it (its result, then a resolution if it was
/// reconciled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationLine {
    pub operation_id: i64,
    /// The order's merchant reference (empty when the order is not known).
    pub reference: String,
    pub command: Command,
    /// What its first entry was: a request the desk sent, or something the
    /// journal recorded of its own (feedback, an import, a drift, its
    /// acknowledgement).
    pub kind: EntryKind,
    pub operator: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    /// What came of it; `None` while only its request is recorded.
    pub outcome: Option<EntryOutcome>,
    pub response_code: Option<String>,
    pub response_message: Option<String>,
    /// When it was first recorded (its request, for one the desk sent).
    pub at_ms: i64,
}

/// The operations of `entries` (newest first, as the journal reads them),
/// one line each: the entries of one operation merged, its amount and
/// operator from the request, its outcome and code from the latest entry
/// that has one. `reference` names an order by its id.
pub fn operation_lines(
    entries: &[EntryRecord],
    reference: impl Fn(i64) -> Option<String>,
) -> Vec<OperationLine> {
    let mut lines: Vec<OperationLine> = Vec::new();
    let mut position = std::collections::HashMap::<i64, usize>::new();
    // Oldest first, so that later entries overwrite what earlier ones said.
    for entry in entries.iter().rev() {
        let index = *position.entry(entry.operation_id).or_insert_with(|| {
            lines.push(OperationLine {
                operation_id: entry.operation_id,
                reference: reference(entry.order_id).unwrap_or_default(),
                command: entry.command,
                kind: entry.entry,
                operator: entry.operator.clone(),
                amount_minor: None,
                currency: None,
                outcome: None,
                response_code: None,
                response_message: None,
                at_ms: entry.at_ms,
            });
            lines.len() - 1
        });
        let line = &mut lines[index];
        match entry.entry {
            EntryKind::Request
            | EntryKind::Imported
            | EntryKind::Feedback
            | EntryKind::Drift
            | EntryKind::Acknowledgement
            | EntryKind::Accepted => {
                line.amount_minor = entry.amount_minor.or(line.amount_minor);
                line.currency = entry.currency.clone().or(line.currency.take());
            }
            EntryKind::Result | EntryKind::Resolution => {
                line.amount_minor = line.amount_minor.or(entry.amount_minor);
                line.currency = line.currency.take().or(entry.currency.clone());
            }
        }
        if entry.outcome.is_some() {
            line.outcome = entry.outcome;
        }
        if entry.response_code.is_some() {
            line.response_code.clone_from(&entry.response_code);
            line.response_message.clone_from(&entry.response_message);
        }
    }
    lines.reverse();
    lines
}

/// What the screen holds.
#[derive(Debug, Default)]
pub struct ActivityScreen {
    pub entries: Vec<OperationLine>,
    pub chain: Option<VerifyReport>,
    pub filter_text: String,
}

/// A column of the operations table, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActivityColumn {
    Time,
    Operator,
    Order,
    Command,
    Amount,
    Outcome,
    Code,
}

impl ActivityColumn {
    const ALL: [ActivityColumn; 7] = [
        ActivityColumn::Time,
        ActivityColumn::Operator,
        ActivityColumn::Order,
        ActivityColumn::Command,
        ActivityColumn::Amount,
        ActivityColumn::Outcome,
        ActivityColumn::Code,
    ];

    fn title_id(self) -> &'static str {
        match self {
            ActivityColumn::Time => "activity-time",
            ActivityColumn::Operator => "activity-operator",
            ActivityColumn::Order => "activity-order",
            ActivityColumn::Command => "activity-command",
            ActivityColumn::Amount => "activity-amount",
            ActivityColumn::Outcome => "activity-outcome",
            ActivityColumn::Code => "activity-code",
        }
    }
}

/// One operation's cells as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub time: String,
    pub operator: String,
    pub order: String,
    pub command: String,
    pub amount: String,
    pub outcome: String,
    pub code: String,
}

impl ActivityRow {
    fn cell(&self, column: ActivityColumn) -> &str {
        match column {
            ActivityColumn::Time => &self.time,
            ActivityColumn::Operator => &self.operator,
            ActivityColumn::Order => &self.order,
            ActivityColumn::Command => &self.command,
            ActivityColumn::Amount => &self.amount,
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
            if ui
                .button(widget_text(ui, &tr.text("activity-copy-csv"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::Copy {
                    what: tr.text("activity-title"),
                    value: activity_csv(&self.shown_rows(tr)),
                });
            }
            let hint = tr.text("activity-filter-hint");
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
        if rows.is_empty() {
            // Said, not a blank table: why there is nothing.
            let why = if self.entries.is_empty() {
                "activity-empty"
            } else {
                "activity-empty-filtered"
            };
            label(ui, tr.text(why), rtl);
            return;
        }
        let table = columns.iter().fold(table, |table, column| match column {
            ActivityColumn::Time => table.column(Column::auto().at_least(130.0)),
            // An amount is never cut: its column is as wide as the widest.
            ActivityColumn::Amount => table.column(Column::auto().at_least(90.0)),
            ActivityColumn::Operator | ActivityColumn::Order | ActivityColumn::Command => {
                table.column(Column::auto().at_least(70.0).clip(true))
            }
            ActivityColumn::Outcome | ActivityColumn::Code => {
                table.column(Column::remainder().at_least(60.0).clip(true))
            }
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
                        table_row.col(|ui| match column {
                            // Amounts right-aligned, digits under digits.
                            ActivityColumn::Amount => {
                                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                    ui.label(egui::RichText::new(shown.cell(column)).monospace());
                                });
                            }
                            ActivityColumn::Time
                            | ActivityColumn::Operator
                            | ActivityColumn::Order
                            | ActivityColumn::Command
                            | ActivityColumn::Outcome
                            | ActivityColumn::Code => {
                                label(ui, shown.cell(column), rtl);
                            }
                        });
                    }
                });
            });
    }

    /// The operations the filter lets through, as their cells read. The
    /// filter matches the operator, the order, the operation and the
    /// result, in the words shown or APS's names.
    pub fn shown_rows(&self, tr: &Tr) -> Vec<ActivityRow> {
        let needle = self.filter_text.trim().to_lowercase();
        self.entries
            .iter()
            .filter_map(|line| {
                let outcome = match (line.outcome, line.kind) {
                    (Some(outcome), _) => explain::entry_outcome(tr, outcome),
                    (None, EntryKind::Request) => tr.text("activity-sent-no-answer"),
                    (
                        None,
                        kind @ (EntryKind::Result
                        | EntryKind::Resolution
                        | EntryKind::Imported
                        | EntryKind::Feedback
                        | EntryKind::Drift
                        | EntryKind::Acknowledgement
                        | EntryKind::Accepted),
                    ) => explain::entry_kind(tr, kind),
                };
                let command = explain::command(tr, line.command);
                let haystack = [
                    line.operator.as_str(),
                    line.reference.as_str(),
                    line.command.name(),
                    &command,
                    &outcome,
                ]
                .join(" ")
                .to_lowercase();
                if !needle.is_empty() && !haystack.contains(&needle) {
                    return None;
                }
                let code = line.response_code.as_deref();
                let answer = explain::code_text(tr, code, line.response_message.as_deref());
                let amount = line
                    .amount_minor
                    .map(|minor| super::transactions::money(minor, line.currency.as_deref()))
                    .unwrap_or_default();
                Some(ActivityRow {
                    time: format_time_short(line.at_ms),
                    operator: line.operator.clone(),
                    order: line.reference.clone(),
                    command,
                    amount,
                    outcome,
                    code: code.map_or_else(String::new, |code| format!("{code} {answer}")),
                })
            })
            .collect()
    }
}

/// The rows shown as CSV, in the reading order of English (time first).
fn activity_csv(rows: &[ActivityRow]) -> String {
    let quote = |field: &str| format!("\"{}\"", field.replace('"', "\"\""));
    let mut out = String::from("time,operator,merchant_reference,operation,amount,result,code\n");
    for row in rows {
        let fields = [
            &row.time,
            &row.operator,
            &row.order,
            &row.command,
            &row.amount,
            &row.outcome,
            &row.code,
        ];
        out.push_str(
            &fields
                .iter()
                .map(|field| quote(field))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}
