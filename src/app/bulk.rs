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
use super::i18n::Tr;
use super::results::OperationResult;
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
    /// In production, a money run waits here until the operator types the
    /// number of orders it will touch.
    pub confirming: Option<BulkKind>,
    pub confirmation: String,
}

/// The account the screen acts on, and the orders listed on Transactions
/// (which are that account's only).
#[derive(Debug, Clone, Default)]
pub struct BulkContext {
    /// The profile, merchant identifier and environment, for the operator.
    pub account: String,
    pub production: bool,
    /// Merchant reference and currency of each listed order.
    pub listed: Vec<(String, Option<String>)>,
}

/// The totals of `rows` per currency (as known from the listed orders),
/// e.g. `12.500 KWD, 3.00 SAR`, and how many rows have no known currency or
/// no valid amount.
pub fn totals(rows: &[BulkRow], listed: &[(String, Option<String>)]) -> (String, usize) {
    use crate::aps::Currency;
    use crate::aps::money::{Money, format_minor_units};
    let mut sums: Vec<(Currency, u64)> = Vec::new();
    let mut unknown = 0;
    for row in rows {
        let currency = listed
            .iter()
            .find(|(reference, _)| reference == &row.merchant_reference)
            .and_then(|(_, currency)| currency.as_deref())
            .and_then(Currency::from_code);
        let money = currency
            .zip(row.amount.as_deref())
            .and_then(|(currency, amount)| Money::parse_major(amount, currency).ok());
        match money {
            Some(money) => match sums
                .iter_mut()
                .find(|(known, _)| *known == money.currency())
            {
                Some((_, sum)) => *sum = sum.saturating_add(money.minor_units()),
                None => sums.push((money.currency(), money.minor_units())),
            },
            None => unknown += 1,
        }
    }
    let text = sums
        .iter()
        .map(|(currency, sum)| {
            format!(
                "{} {}",
                format_minor_units(*sum, *currency),
                currency.code()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    (text, unknown)
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
                state: RowState::Skipped({
                    tracing::warn!("bulk row {line}: {error}");
                    Tr::new(language).args("bulk-row-unreadable", &[("line", line.into())])
                }),
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
    let tr = Tr::new(language);
    let problem = if fields.len() > 2 {
        Some(tr.args(
            "bulk-row-fields",
            &[("line", line.into()), ("count", fields.len().into())],
        ))
    } else if let Err(error) = crate::aps::validate::merchant_reference(reference) {
        Some(tr.args(
            "bulk-row-problem",
            &[
                ("line", line.into()),
                (
                    "problem",
                    super::forms::field_error_text(&tr, &error).into(),
                ),
            ],
        ))
    } else {
        amount
            .filter(|amount| !is_plain_amount(amount))
            .map(|amount| {
                tr.args(
                    "bulk-row-amount",
                    &[("line", line.into()), ("amount", amount.to_owned().into())],
                )
            })
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
                    .map_or("not_sent", OutcomeClass::as_str) // i18n-lint: not shown (a CSV column value)
                    .to_owned(),
                result.response_code.clone().unwrap_or_default(),
                result.response_message.clone().unwrap_or_default(),
                result
                    .problem
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
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

    fn start(&mut self, kind: BulkKind, commands: &mut Vec<AppCommand>) {
        self.control = BulkControl::default();
        // Rows refused when read are already finished (skipped, with why).
        self.running = self
            .rows
            .iter()
            .any(|row| matches!(row.state, RowState::Waiting));
        self.confirming = None;
        self.confirmation.clear();
        commands.push(AppCommand::RunBulk(kind));
    }

    /// The production confirmation: the account, the action, the count and
    /// the totals, and the count typed again.
    fn confirm_ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        context: &BulkContext,
        kind: BulkKind,
        commands: &mut Vec<AppCommand>,
    ) {
        let rtl = tr.is_rtl();
        let action = tr.text(match kind {
            BulkKind::Capture => "bulk-capture",
            BulkKind::Refund => "bulk-refund",
            BulkKind::Status => "bulk-status",
        });
        // Only the rows that will be sent: rows refused when read are not.
        let sendable: Vec<BulkRow> = self
            .rows
            .iter()
            .filter(|row| matches!(row.state, RowState::Waiting))
            .cloned()
            .collect();
        let count = sendable.len();
        let (sums, unknown) = totals(&sendable, &context.listed);
        let error = ui.visuals().error_fg_color;
        ui.group(|ui| {
            ui.label(super::widgets::colored_text(
                ui,
                &tr.args(
                    "bulk-confirm-production",
                    &[
                        ("account", context.account.clone().into()),
                        ("action", action.into()),
                        ("count", count.into()),
                        ("totals", sums.into()),
                    ],
                ),
                rtl,
                true,
                error,
            ));
            if unknown > 0 {
                label(
                    ui,
                    tr.args("bulk-confirm-unknown", &[("count", unknown.into())]),
                    rtl,
                );
            }
            let caption = ui.label(widget_text(
                ui,
                &tr.args("bulk-confirm-type", &[("count", count.into())]),
                rtl,
                false,
            ));
            ui.add(egui::TextEdit::singleline(&mut self.confirmation).desired_width(120.0))
                .labelled_by(caption.id);
            let matches = self.confirmation.trim() == count.to_string();
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(
                        matches,
                        egui::Button::new(widget_text(ui, &tr.text("bulk-confirm"), rtl, true)),
                    )
                    .clicked()
                {
                    self.start(kind, commands);
                }
                if ui
                    .button(widget_text(ui, &tr.text("action-cancel"), rtl, false))
                    .clicked()
                {
                    self.confirming = None;
                    self.confirmation.clear();
                    self.rows.clear();
                }
            });
        });
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

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        context: &BulkContext,
        commands: &mut Vec<AppCommand>,
    ) {
        let rtl = tr.is_rtl();
        ui.label(super::widgets::heading_text(
            ui,
            &tr.text("bulk-title"),
            rtl,
        ));
        label(
            ui,
            tr.args("bulk-scope", &[("account", context.account.clone().into())]),
            rtl,
        );
        let caption = ui.label(widget_text(ui, &tr.text("bulk-input"), rtl, false));
        let idle = !self.running && self.confirming.is_none();
        // A long paste scrolls inside its box instead of pushing the buttons
        // off the screen.
        egui::ScrollArea::vertical()
            .id_salt("bulk-input")
            .max_height(140.0)
            .show(ui, |ui| {
                ui.add_enabled(
                    idle,
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
                    idle,
                    egui::Button::new(widget_text(ui, &tr.text("bulk-use-selection"), rtl, false)),
                )
                .clicked()
            {
                self.input = context
                    .listed
                    .iter()
                    .map(|(reference, _)| reference.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
            }
            if ui
                .add_enabled(
                    idle,
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
                        idle && !self.input.trim().is_empty(),
                        egui::Button::new(widget_text(ui, &tr.text(id), rtl, false)),
                    )
                    .clicked()
                {
                    self.rows = parse_rows(&self.input, tr.language());
                    self.kind = Some(kind);
                    let moves_money = match kind {
                        BulkKind::Capture | BulkKind::Refund => true,
                        BulkKind::Status => false,
                    };
                    if context.production
                        && moves_money
                        && self
                            .rows
                            .iter()
                            .any(|row| matches!(row.state, RowState::Waiting))
                    {
                        // Production money waits for the typed count.
                        self.confirming = Some(kind);
                        self.confirmation.clear();
                    } else {
                        self.start(kind, commands);
                    }
                }
            }
        });
        if let Some(kind) = self.confirming {
            self.confirm_ui(ui, tr, context, kind, commands);
        }
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
                            label(ui, super::explain::outcome_text(tr, result), rtl);
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
