//! The Import… screen: a CSV file's columns mapped to journal fields, a
//! preview of its first rows and of every refused row (line and field), the
//! import (all rows or none, once per file), and the background
//! confirmation of the imported orders with APS. The file is read and the
//! rows recorded by the backend; the screen pushes commands.

use egui::{Color32, RichText, Ui};

use super::AppCommand;
use super::backend::{ImportPreview, TaskError};
use super::explain;
use super::forms::{self, FormGrid};
use super::i18n::Tr;
use super::widgets::{colored_text, heading, label, row, widget_text};
use crate::journal::export::format_time;
use crate::journal::import::{ConfirmReport, ImportField, ImportOutcome, MapError, RowError};

/// Refused rows listed on screen (the count says how many there are).
const ERRORS_SHOWN: usize = 50;

/// What the screen holds between frames.
#[derive(Debug, Default)]
pub struct ImportScreen {
    /// A path typed or pasted (the Choose… dialog fills the preview directly).
    pub path_text: String,
    pub preview: Option<ImportPreview>,
    /// An import is being recorded.
    pub running: bool,
    pub recorded: Option<Result<ImportOutcome, TaskError>>,
    /// Confirmations with APS so far.
    pub progress: Option<(usize, usize)>,
    pub confirmed: Option<Result<ConfirmReport, TaskError>>,
}

/// A journal field's word (a Fluent id): what the operator reads where
/// the reporting API has a parameter name.
fn field_word(field: ImportField) -> &'static str {
    match field {
        ImportField::MerchantReference => "field-merchant-reference",
        ImportField::FortId => "import-field-fort-id",
        ImportField::CustomerName => "field-customer-name",
        ImportField::CustomerEmail => "field-customer-email",
        ImportField::Amount => "field-amount",
        ImportField::Currency => "field-currency",
        ImportField::PaymentOption => "field-payment-option",
        ImportField::TransactionDate => "import-field-transaction-date",
        ImportField::AuthorizationCode => "detail-authorization-code",
        ImportField::KnetRefNumber => "detail-knet-ref",
        ImportField::ThirdPartyTransactionNumber => "detail-third-party",
    }
}

/// Why the columns cannot be imported as mapped, with the fields named by
/// their words (the library's text speaks of the command line's `--map`).
fn map_error_text(tr: &Tr, error: &MapError) -> String {
    match error {
        MapError::NoReference => tr.args(
            "import-no-reference",
            &[(
                "field",
                tr.text(field_word(ImportField::MerchantReference)).into(),
            )],
        ),
        MapError::FieldTwice(field, first, second) => tr.args(
            "import-field-twice",
            &[
                ("field", tr.text(field_word(*field)).into()),
                ("first", first.clone().into()),
                ("second", second.clone().into()),
            ],
        ),
        MapError::NoHeader => tr.text("import-no-header"),
        // The command line's mistakes (the screen's mapping is chosen from
        // the file's own columns and the fields' list); and a header that
        // cannot be read, whose reason is the CSV reader's.
        MapError::Malformed(_)
        | MapError::UnknownColumn(_)
        | MapError::UnknownField(_)
        | MapError::BadHeader(_) => error.message(tr.language()),
    }
}

/// A refused row: its line, the field by its word, and what is wrong.
fn row_error_text(tr: &Tr, error: &RowError) -> String {
    let problem = error.problem.message(tr.language());
    match error.field {
        Some(field) => tr.args(
            "import-row-field-error",
            &[
                ("line", error.line.into()),
                ("field", tr.text(field_word(field)).into()),
                ("problem", problem.into()),
            ],
        ),
        None => tr.args(
            "import-row-error",
            &[("line", error.line.into()), ("problem", problem.into())],
        ),
    }
}

impl ImportScreen {
    /// The mapping as `COLUMN=FIELD` (or `COLUMN=ignore`) for every column,
    /// with `column` changed to `field`.
    fn mappings_with(
        preview: &ImportPreview,
        change: Option<(usize, Option<ImportField>)>,
    ) -> Vec<String> {
        let mut fields = preview.map.fields.clone();
        if let Some((column, field)) = change {
            if let Some(field) = field {
                for other in &mut fields {
                    if *other == Some(field) {
                        *other = None;
                    }
                }
            }
            fields[column] = field;
        }
        preview
            .map
            .headers
            .iter()
            .zip(fields)
            .map(|(header, field)| {
                // i18n-lint: not shown (a COLUMN=FIELD mapping, as the command line takes it)
                format!("{header}={}", field.map_or("ignore", ImportField::name))
            })
            .collect()
    }

    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        heading(ui, &tr.text("import-title"), rtl);
        label(ui, tr.text("import-explain"), rtl);
        row(ui, rtl, |ui| {
            let caption = ui.label(widget_text(ui, &tr.text("import-file"), rtl, false));
            ui.add(egui::TextEdit::singleline(&mut self.path_text).desired_width(420.0))
                .labelled_by(caption.id);
            let path = self.path_text.trim();
            if ui
                .add_enabled(
                    !path.is_empty(),
                    egui::Button::new(widget_text(ui, &tr.text("import-open"), rtl, false)),
                )
                .clicked()
            {
                commands.push(AppCommand::PreviewImport {
                    path: path.into(),
                    mappings: Vec::new(),
                });
            }
            if ui
                .button(widget_text(ui, &tr.text("import-choose"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::ChooseImportFile);
            }
        });
        self.confirmation_ui(ui, tr);
        let Some(preview) = &self.preview else {
            return;
        };
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            self.preview_ui(ui, tr, preview, commands);
        });
    }

    fn preview_ui(
        &self,
        ui: &mut Ui,
        tr: &Tr,
        preview: &ImportPreview,
        commands: &mut Vec<AppCommand>,
    ) {
        let rtl = tr.is_rtl();
        let warn = if ui.visuals().dark_mode {
            Color32::from_rgb(255, 170, 80)
        } else {
            Color32::from_rgb(170, 70, 0)
        };
        let warning = |ui: &mut Ui, text: &str| {
            ui.label(colored_text(ui, text, rtl, false, warn));
        };
        label(
            ui,
            tr.args(
                "import-file-hash",
                &[
                    ("file", preview.file_name.clone().into()),
                    ("sha", preview.sha256.clone().into()),
                ],
            ),
            rtl,
        );
        if let Some(at_ms) = preview.imported_at_ms {
            let text = tr.args("import-already", &[("time", format_time(at_ms).into())]);
            warning(ui, &text);
        }
        ui.label(widget_text(ui, &tr.text("import-columns"), rtl, true));
        // A column holds one of the journal's fields, or none.
        let choices: Vec<Option<ImportField>> = std::iter::once(None)
            .chain(ImportField::ALL.into_iter().map(Some))
            .collect();
        // Each column's name is the row's label, its field the drop-down.
        FormGrid::new("import-columns", rtl).show(ui, |rows| {
            for (index, header) in preview.map.headers.iter().enumerate() {
                rows.row_with(RichText::new(header).monospace(), |ui, caption| {
                    let current = preview.map.fields[index];
                    let mut chosen = current;
                    forms::choice_ui(
                        ui,
                        tr,
                        ("import-column", index),
                        caption,
                        &mut chosen,
                        &choices,
                        // i18n-lint: not shown (a Fluent id)
                        |field| field.map_or("import-ignored", field_word),
                    );
                    if chosen != current {
                        commands.push(AppCommand::PreviewImport {
                            path: preview.path.clone(),
                            mappings: ImportScreen::mappings_with(preview, Some((index, chosen))),
                        });
                    }
                });
            }
        });
        if let Some(error) = &preview.map_error {
            warning(ui, &map_error_text(tr, error));
        }
        ui.label(widget_text(ui, &tr.text("import-first-rows"), rtl, true));
        egui::Grid::new("import-rows").striped(true).show(ui, |ui| {
            for header in &preview.map.headers {
                ui.label(RichText::new(header).strong());
            }
            ui.end_row();
            for cells in &preview.first_rows {
                for cell in cells {
                    label(ui, cell.clone(), rtl);
                }
                ui.end_row();
            }
        });
        if preview.map_error.is_none() {
            label(
                ui,
                tr.args(
                    "import-counts",
                    &[
                        ("importable", preview.importable.into()),
                        ("refused", preview.errors.len().into()),
                    ],
                ),
                rtl,
            );
        }
        for error in preview.errors.iter().take(ERRORS_SHOWN) {
            warning(ui, &row_error_text(tr, error));
        }
        let ready = preview.map_error.is_none()
            && preview.importable > 0
            && preview.imported_at_ms.is_none()
            && !self.running;
        if ui
            .add_enabled(
                ready,
                egui::Button::new(widget_text(
                    ui,
                    &tr.args("import-run", &[("count", preview.importable.into())]),
                    rtl,
                    false,
                )),
            )
            .clicked()
        {
            commands.push(AppCommand::RunImport {
                path: preview.path.clone(),
                mappings: ImportScreen::mappings_with(preview, None),
            });
        }
    }

    /// What the last import recorded and how its confirmation is going.
    fn confirmation_ui(&self, ui: &mut Ui, tr: &Tr) {
        let rtl = tr.is_rtl();
        let recorded = match &self.recorded {
            Some(Ok(ImportOutcome::Recorded { imported, refused })) => Some(tr.args(
                "import-recorded",
                &[
                    ("imported", (*imported).into()),
                    ("refused", (*refused).into()),
                ],
            )),
            Some(Ok(ImportOutcome::AlreadyImported { at_ms, .. })) => {
                Some(tr.args("import-already", &[("time", format_time(*at_ms).into())]))
            }
            Some(Err(error)) => Some(explain::task_error(tr, error)),
            None => None,
        };
        if let Some(text) = recorded {
            label(ui, text, rtl);
        }
        if let Some((done, total)) = self.progress
            && total > 0
        {
            #[allow(clippy::cast_precision_loss)] // a fraction for a bar
            let fraction = done as f32 / total as f32;
            ui.add(egui::ProgressBar::new(fraction).text(widget_text(
                ui,
                &tr.args(
                    "import-confirming",
                    &[("done", done.into()), ("total", total.into())],
                ),
                rtl,
                false,
            )));
        }
        let confirmed = match &self.confirmed {
            Some(Ok(report)) => Some(tr.args(
                "import-confirmed",
                &[
                    ("confirmed", report.confirmed.into()),
                    ("pending", report.still_pending.into()),
                ],
            )),
            Some(Err(error)) => Some(explain::task_error(tr, error)),
            None => None,
        };
        if let Some(text) = confirmed {
            label(ui, text, rtl);
        }
    }
}
