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
use crate::aps::{Language, OutcomeClass};

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

/// Parses pasted lines or a CSV: `REF`, or `REF,AMOUNT` (tab- or
/// semicolon-separated too, when the text has no comma), quotes respected by
/// the csv crate; a `merchant_reference[,amount]` header is skipped. A row that
/// cannot be read exactly — an amount with a thousands separator or a decimal
/// comma, too many fields, a reference APS would refuse — is kept as
/// [`RowState::Skipped`] with a message naming the row, and never sent.
pub fn parse_rows(text: &str, language: Language) -> Vec<BulkRow> {
    let delimiter = if text.contains('\t') {
        b'\t'
    } else if !text.contains(',') && text.contains(';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let row = match record {
            Ok(record) => {
                let fields: Vec<&str> = record.iter().collect();
                if fields.iter().all(|field| field.is_empty()) {
                    continue;
                }
                if index == 0
                    && fields
                        .first()
                        .is_some_and(|field| field.eq_ignore_ascii_case("merchant_reference"))
                {
                    continue;
                }
                row_from_fields(line, &fields, language)
            }
            Err(error) => BulkRow {
                merchant_reference: String::new(),
                amount: None,
                state: RowState::Skipped(
                    language
                        .pick(
                            &format!("row {line}: not readable as CSV ({error})"),
                            &format!("السطر {line}: لا يمكن قراءته بصيغة CSV ({error})"),
                        )
                        .to_owned(),
                ),
            },
        };
        rows.push(row);
    }
    rows
}

/// One row's fields, checked: a reference APS accepts and an amount written
/// only with digits and one decimal point.
fn row_from_fields(line: usize, fields: &[&str], language: Language) -> BulkRow {
    let reference = fields.first().copied().unwrap_or_default();
    let amount = fields.get(1).copied().filter(|amount| !amount.is_empty());
    let problem = if fields.len() > 2 {
        Some(language.pick(
            &format!(
                "row {line}: {} fields; expected a reference and an amount (is the amount written with a comma?)",
                fields.len()
            ),
            &format!(
                "السطر {line}: {} حقول؛ المتوقع مرجع ومبلغ (هل كُتب المبلغ بفاصلة؟)",
                fields.len()
            ),
        ).to_owned())
    } else if let Err(error) = crate::aps::validate::merchant_reference(reference) {
        Some(format!(
            "{} {line}: {}",
            language.pick("row", "السطر"),
            error.message(language)
        ))
    } else {
        amount.filter(|amount| !is_plain_amount(amount)).map(|amount| language.pick(
            &format!(
                "row {line}: amount \"{amount}\" is not a plain number: write it with digits and one decimal point, without thousands separators (e.g. 1000.50)"
            ),
            &format!(
                "السطر {line}: المبلغ \"{amount}\" ليس رقماً بسيطاً: اكتبه بأرقام ونقطة عشرية واحدة، دون فواصل آلاف (مثل 1000.50)"
            ),
        ).to_owned())
    };
    BulkRow {
        merchant_reference: reference.to_owned(),
        amount: amount.map(str::to_owned),
        state: problem.map_or(RowState::Waiting, RowState::Skipped),
    }
}

/// Digits (Western or Arabic-Indic) with at most one decimal point (`.` or
/// the Arabic decimal separator), nothing else.
fn is_plain_amount(text: &str) -> bool {
    let mut points = 0;
    let mut digits = 0;
    for c in text.chars() {
        match c {
            '0'..='9' | '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => digits += 1,
            '.' | '\u{066B}' => points += 1,
            _ => return false,
        }
    }
    digits > 0 && points <= 1
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
                    self.rows = parse_rows(&self.input, tr.language());
                    self.kind = Some(kind);
                    self.control = BulkControl::default();
                    self.running = self
                        .rows
                        .iter()
                        .any(|row| matches!(row.state, RowState::Waiting));
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
        let rows = parse_rows(
            "merchant_reference,amount\nA-1, 12.500\n\"B-2\",3\nC-3\n\n",
            Language::En,
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].merchant_reference, "A-1");
        assert_eq!(rows[0].amount.as_deref(), Some("12.500"));
        assert_eq!(rows[1].merchant_reference, "B-2");
        assert_eq!(rows[2].amount, None);
        assert!(
            rows.iter()
                .all(|row| matches!(row.state, RowState::Waiting))
        );
        let csv = results_csv(&rows);
        assert!(csv.starts_with("merchant_reference,amount,outcome"));
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.contains("\"A-1\",\"12.500\",\"not_run\""));
        let semicolons = parse_rows("A-1;2.5\nB-2;3", Language::En);
        assert_eq!(semicolons[1].amount.as_deref(), Some("3"));
    }

    #[test]
    fn an_amount_that_cannot_be_read_exactly_is_an_error_naming_the_row() {
        let skipped = |text: &str| -> Vec<String> {
            parse_rows(text, Language::En)
                .into_iter()
                .filter_map(|row| match row.state {
                    RowState::Skipped(why) => Some(why),
                    RowState::Waiting | RowState::Running | RowState::Done(_) => None,
                })
                .collect()
        };
        // A European decimal comma: never a silent 1.00.
        let errors = skipped("DEMO-1;1,50");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("row 1:"), "{errors:?}");
        // A quoted amount with a thousands separator.
        let errors = skipped("A-1,5.000\nDEMO-2,\"1,000.00\"");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("row 2:") && errors[0].contains("1,000.00"),
            "{errors:?}"
        );
        // Unquoted, the separator makes a third field.
        let errors = skipped("DEMO-3,1,000.00");
        assert!(errors[0].contains("3 fields"), "{errors:?}");
        let errors = skipped("DEMO-4,1.000.5\nDEMO 5,1");
        assert_eq!(errors.len(), 2, "{errors:?}");
        let arabic = parse_rows("DEMO-6,١٢٫٥", Language::Ar);
        assert!(matches!(arabic[0].state, RowState::Waiting));
        let errors: Vec<_> = parse_rows("DEMO-7,1,5", Language::Ar)
            .into_iter()
            .filter(|row| matches!(row.state, RowState::Skipped(_)))
            .collect();
        assert_eq!(errors.len(), 1);
    }
}
