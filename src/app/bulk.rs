//! The Bulk screen: one capture, refund or status check per line of a pasted
//! list or CSV (`merchant_reference,amount`), run with bounded concurrency,
//! with progress, pause, cancel, a result per row, and the results as CSV.
//!
//! Each row goes through the desk like a single operation: recorded before it
//! is sent, refused while its order is blocked, never retried automatically.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::{RichText, Ui};

use super::AppCommand;
use super::backend::OperationResult;
use super::i18n::Tr;
use super::widgets::{label, widget_text};
use crate::aps::OutcomeClass;

/// What a bulk run does to each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkKind {
    Capture,
    Refund,
    Status,
}

/// One line of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    pub merchant_reference: String,
    /// In major units, as typed.
    pub amount: Option<String>,
    pub state: RowState,
}

/// Where a row is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowState {
    Waiting,
    Running,
    Done(OperationResult),
    Skipped(String),
}

/// Pause and cancel, shared with the running task.
#[derive(Debug, Clone, Default)]
pub struct BulkControl {
    pub paused: Arc<AtomicBool>,
    pub cancelled: Arc<AtomicBool>,
}

/// What the screen holds.
#[derive(Debug, Default)]
pub struct BulkScreen {
    pub input: String,
    pub rows: Vec<BulkRow>,
    pub kind: Option<BulkKind>,
    pub control: BulkControl,
    pub running: bool,
}

/// Parses pasted lines: `REF`, or `REF,AMOUNT` (a `merchant_reference,amount`
/// header line is skipped; quotes and spaces are trimmed).
pub fn parse_rows(text: &str) -> Vec<BulkRow> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .filter(|line| !line.to_ascii_lowercase().starts_with("merchant_reference"))
        .map(|line| {
            let mut fields = line
                .split([',', ';', '\t'])
                .map(|field| field.trim().trim_matches('"'));
            let merchant_reference = fields.next().unwrap_or_default().to_owned();
            let amount = fields
                .next()
                .filter(|amount| !amount.is_empty())
                .map(str::to_owned);
            BulkRow {
                merchant_reference,
                amount,
                state: RowState::Waiting,
            }
        })
        .filter(|row| !row.merchant_reference.is_empty())
        .collect()
}

/// The results as CSV (UTF-8), for the clipboard or a file.
pub fn results_csv(rows: &[BulkRow]) -> String {
    let mut out =
        String::from("merchant_reference,amount,outcome,response_code,response_message,problem\n");
    for row in rows {
        let (outcome, code, message, problem) = match &row.state {
            RowState::Done(result) => (
                result
                    .class
                    .map_or("not_sent", OutcomeClass::as_str)
                    .to_owned(),
                result.response_code.clone().unwrap_or_default(),
                result.response_message.clone().unwrap_or_default(),
                result.problem.clone().unwrap_or_default(),
            ),
            RowState::Skipped(why) => (
                "skipped".to_owned(),
                String::new(),
                String::new(),
                why.clone(),
            ),
            RowState::Waiting | RowState::Running => (
                "not_run".to_owned(),
                String::new(),
                String::new(),
                String::new(),
            ),
        };
        let quote = |field: &str| format!("\"{}\"", field.replace('"', "\"\""));
        out.push_str(
            &[
                quote(&row.merchant_reference),
                quote(row.amount.as_deref().unwrap_or_default()),
                quote(&outcome),
                quote(&code),
                quote(&message),
                quote(&problem),
            ]
            .join(","),
        );
        out.push('\n');
    }
    out
}

impl BulkScreen {
    /// Progress: rows finished and rows in all.
    pub fn progress(&self) -> (usize, usize) {
        let done = self
            .rows
            .iter()
            .filter(|row| matches!(row.state, RowState::Done(_) | RowState::Skipped(_)))
            .count();
        (done, self.rows.len())
    }

    /// A row finished (or started).
    pub fn row_update(&mut self, index: usize, state: RowState) {
        if let Some(row) = self.rows.get_mut(index) {
            row.state = state;
        }
        let (done, total) = self.progress();
        if done == total {
            self.running = false;
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, listed: &[String], commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        ui.label(super::widgets::heading_text(
            ui,
            &tr.text("bulk-title"),
            rtl,
        ));
        let caption = ui.label(widget_text(ui, &tr.text("bulk-input"), rtl, false));
        // A long paste scrolls inside its box instead of pushing the buttons
        // off the screen.
        egui::ScrollArea::vertical()
            .id_salt("bulk-input")
            .max_height(140.0)
            .show(ui, |ui| {
                ui.add_enabled(
                    !self.running,
                    egui::TextEdit::multiline(&mut self.input)
                        .code_editor()
                        .desired_rows(6)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(caption.id);
            });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    !self.running,
                    egui::Button::new(widget_text(ui, &tr.text("bulk-use-selection"), rtl, false)),
                )
                .clicked()
            {
                self.input = listed.join("\n");
            }
            if ui
                .add_enabled(
                    !self.running,
                    egui::Button::new(widget_text(ui, &tr.text("bulk-load-csv"), rtl, false)),
                )
                .clicked()
            {
                commands.push(AppCommand::LoadBulkCsv);
            }
            for (kind, id) in [
                (BulkKind::Capture, "bulk-capture"),
                (BulkKind::Refund, "bulk-refund"),
                (BulkKind::Status, "bulk-status"),
            ] {
                if ui
                    .add_enabled(
                        !self.running && !self.input.trim().is_empty(),
                        egui::Button::new(widget_text(ui, &tr.text(id), rtl, false)),
                    )
                    .clicked()
                {
                    self.rows = parse_rows(&self.input);
                    self.kind = Some(kind);
                    self.control = BulkControl::default();
                    self.running = !self.rows.is_empty();
                    commands.push(AppCommand::RunBulk(kind));
                }
            }
        });
        if self.rows.is_empty() {
            return;
        }
        let (done, total) = self.progress();
        #[allow(clippy::cast_precision_loss)]
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        ui.add(egui::ProgressBar::new(fraction).text(tr.args(
            "bulk-progress",
            &[("done", done.into()), ("total", total.into())],
        )));
        ui.horizontal(|ui| {
            let paused = self.control.paused.load(Ordering::Relaxed);
            let pause_id = if paused { "bulk-resume" } else { "bulk-pause" };
            if ui
                .add_enabled(
                    self.running,
                    egui::Button::new(widget_text(ui, &tr.text(pause_id), rtl, false)),
                )
                .clicked()
            {
                self.control.paused.store(!paused, Ordering::Relaxed);
            }
            if ui
                .add_enabled(
                    self.running,
                    egui::Button::new(widget_text(ui, &tr.text("bulk-cancel"), rtl, false)),
                )
                .clicked()
            {
                self.control.cancelled.store(true, Ordering::Relaxed);
                self.control.paused.store(false, Ordering::Relaxed);
            }
            if ui
                .button(widget_text(ui, &tr.text("bulk-copy-results"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::Copy {
                    what: tr.text("bulk-title"),
                    value: results_csv(&self.rows),
                });
            }
        });
        ui.separator();
        egui::ScrollArea::vertical().show_rows(ui, 20.0, self.rows.len(), |ui, range| {
            for row in &self.rows[range] {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(&row.merchant_reference).monospace());
                    ui.label(row.amount.clone().unwrap_or_default());
                    match &row.state {
                        RowState::Waiting => {
                            label(ui, tr.text("bulk-waiting"), rtl);
                        }
                        RowState::Running => {
                            label(ui, tr.text("bulk-running"), rtl);
                        }
                        RowState::Skipped(why) => {
                            label(ui, format!("{}: {why}", tr.text("bulk-skipped")), rtl);
                        }
                        RowState::Done(result) => {
                            let text = format!(
                                "{} {} {} {}",
                                result.class.map_or("not sent", OutcomeClass::as_str),
                                result.response_code.clone().unwrap_or_default(),
                                result.response_message.clone().unwrap_or_default(),
                                result.problem.clone().unwrap_or_default(),
                            );
                            label(ui, text, rtl);
                        }
                    }
                });
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_csv_become_rows() {
        let rows = parse_rows("merchant_reference,amount\nA-1, 12.500\n\"B-2\";3\nC-3\n\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].merchant_reference, "A-1");
        assert_eq!(rows[0].amount.as_deref(), Some("12.500"));
        assert_eq!(rows[1].merchant_reference, "B-2");
        assert_eq!(rows[2].amount, None);
        let csv = results_csv(&rows);
        assert!(csv.starts_with("merchant_reference,amount,outcome"));
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.contains("\"A-1\",\"12.500\",\"not_run\""));
    }
}
