//! Imports and look-ups that bring orders to the desk: a CSV file read and
//! previewed, recorded, then confirmed with CHECK_STATUS in the background
//! (`journal::import`); and an order found by its reference once a look-up
//! on a search's miss recorded it.

use std::path::{Path, PathBuf};

use super::reads::detail_of;
use super::{Arc, Backend, TaskError, TaskResult};
use crate::journal::import::{
    self, ColumnMap, ConfirmReport, ImportSource, MapError, Parsed, RowError,
};

/// Data rows shown before importing.
pub const PREVIEW_ROWS: usize = 8;

/// What the Import screen shows of a file before it is imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPreview {
    pub path: PathBuf,
    pub file_name: String,
    pub sha256: String,
    /// The columns and the field each holds.
    pub map: ColumnMap,
    /// The first data rows as written.
    pub first_rows: Vec<Vec<String>>,
    /// Why the mapping cannot be imported with (no reference column...).
    pub map_error: Option<MapError>,
    /// How many rows would be imported.
    pub importable: usize,
    /// Every refused row, with its line and field.
    pub errors: Vec<RowError>,
    /// When this file was already imported on this account (nothing would be added).
    pub imported_at_ms: Option<i64>,
}

/// Reads `path` and maps it: the header's own names, then `mappings`.
fn read_preview(path: &Path, mappings: &[String]) -> Result<(ImportPreview, Parsed), String> {
    // i18n-lint: not shown (the log's detail of TaskError::ReadFile)
    let bytes = std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    // i18n-lint: not shown (the log's detail of TaskError::ReadFile)
    let mut map = ColumnMap::of_file(&bytes).map_err(|error| error.to_string())?;
    let mut map_error = None;
    for mapping in mappings {
        if let Err(error) = map.apply(mapping) {
            map_error = Some(error);
        }
    }
    if map_error.is_none() {
        map_error = map.check().err();
    }
    let parsed = if map_error.is_none() {
        let mut parsed = import::parse(&bytes, &map);
        import::refuse_card_numbers(&mut parsed);
        parsed
    } else {
        Parsed::default()
    };
    let preview = ImportPreview {
        path: path.to_owned(),
        sha256: ImportSource::of(&file_name, &bytes).sha256,
        file_name,
        first_rows: import::first_records(&bytes, PREVIEW_ROWS),
        map,
        map_error,
        importable: parsed.rows.len(),
        errors: parsed.errors.clone(),
        imported_at_ms: None,
    };
    Ok((preview, parsed))
}

/// The preview of `path` as a result, with whether the account has it already.
fn preview_result(
    journal: &crate::journal::Journal,
    actor: &crate::journal::Actor,
    path: &Path,
    mappings: &[String],
) -> TaskResult {
    match read_preview(path, mappings) {
        Ok((mut preview, _)) => {
            preview.imported_at_ms = journal
                .imported_file(actor, &preview.sha256)
                .ok()
                .flatten()
                .map(|(at_ms, _)| at_ms);
            TaskResult::ImportPreview(Box::new(preview))
        }
        Err(detail) => TaskResult::Failed(TaskError::ReadFile {
            path: path.to_owned(),
            detail,
        }),
    }
}

impl Backend {
    /// Reads a file and previews its import with `mappings` (`COLUMN=FIELD`).
    pub fn preview_import(&self, path: PathBuf, mappings: Vec<String>) {
        let actor = self.desk.actor.clone();
        self.spawn_journal(move |journal| preview_result(journal, &actor, &path, &mappings));
    }

    /// Asks for a CSV file (OS dialog, on a backend thread) and previews it.
    pub fn choose_import_file(&self) {
        let actor = self.desk.actor.clone();
        let journal = Arc::clone(&self.desk.journal);
        self.spawn(async move {
            tokio::task::spawn_blocking(move || {
                let Some(path) = rfd::FileDialog::new()
                    .add_filter("CSV", &["csv", "txt"])
                    .pick_file()
                else {
                    return TaskResult::Failed(TaskError::NoFileChosen);
                };
                let journal = journal
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                preview_result(&journal, &actor, &path, &[])
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(TaskError::Stopped(error.to_string())))
        });
    }

    /// Records the file's rows (all or none), then confirms every pending
    /// import of the account in the background.
    pub fn run_import(&self, path: PathBuf, mappings: Vec<String>) {
        let desk = self.desk.clone();
        let confirm = self.confirm_sender();
        self.spawn(async move {
            let recorded = tokio::task::spawn_blocking(move || {
                // The library's English goes to the log, as TaskError's detail.
                let (preview, parsed) =
                    read_preview(&path, &mappings).map_err(|detail| TaskError::ReadFile {
                        path: path.clone(),
                        detail,
                    })?;
                if let Some(error) = preview.map_error {
                    return Err(TaskError::Import(error.to_string()));
                }
                let bytes = std::fs::read(&path).map_err(|error| TaskError::ReadFile {
                    path: path.clone(),
                    detail: error.to_string(), // i18n-lint: not shown (the log's detail)
                })?;
                let source = ImportSource::of(&preview.file_name, &bytes);
                let mut journal = desk
                    .journal
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                import::record(&mut journal, &desk.actor, &source, &parsed)
                    .map_err(|error| TaskError::Import(error.to_string()))
            })
            .await
            .unwrap_or_else(|error| Err(TaskError::Stopped(error.to_string())));
            if recorded.is_ok() {
                confirm();
            }
            TaskResult::Imported(recorded)
        });
    }

    /// Confirms the account's pending imports with CHECK_STATUS, four at a
    /// time; progress and the end come back as results. At start-up, this
    /// resumes what an earlier session left.
    pub fn confirm_imports(&self) {
        (self.confirm_sender())();
    }

    fn confirm_sender(&self) -> impl FnOnce() + Send + 'static {
        let desk = self.desk.clone();
        let sender = self.sender.clone();
        let repaint = Arc::clone(&self.repaint);
        let runtime = self.runtime.clone();
        move || {
            let notify = move |result: TaskResult| {
                let _ = sender.send(result);
                if let Some(ctx) = repaint.lock().ok().and_then(|slot| slot.clone()) {
                    ctx.request_repaint();
                }
            };
            runtime.spawn(async move {
                let progress = |done, total| notify(TaskResult::ImportProgress { done, total });
                let report: Result<ConfirmReport, TaskError> =
                    import::confirm_pending(&desk, 4, &progress)
                        .await
                        .map_err(|error| TaskError::ConfirmImports(error.to_string()));
                notify(TaskResult::ImportConfirmed(report));
            });
        }
    }

    /// The detail of this account's order `merchant_reference` (after a
    /// look-up on a search's miss recorded it).
    pub fn load_detail_by_reference(&self, merchant_reference: String) {
        let actor = self.desk.actor.clone();
        self.spawn_journal(move |journal| {
            let detail = journal
                .order_by_reference(&actor, &merchant_reference)
                .and_then(|order| order.map(|order| detail_of(journal, order)).transpose());
            match detail {
                Ok(Some(detail)) => TaskResult::Detail(Box::new(detail)),
                Ok(None) => TaskResult::Failed(TaskError::NotInJournal(merchant_reference)),
                Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),
            }
        });
    }
}
