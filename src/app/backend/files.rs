//! Files the operator asks for: receipts and CSV exports through the OS
//! dialog, and a CSV loaded for Bulk.

use super::{Arc, Backend, OrderFilter, PathBuf, TaskError, TaskResult};

impl Backend {
    /// A receipt of an order (or one of its operations) on `paper`, saved
    /// where `target` says, then opened with the OS when the target wants it
    /// (Print…: the system's viewer, started without waiting for it).
    pub fn save_receipt(
        &self,
        order_id: i64,
        operation_id: Option<i64>,
        target: Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
        paper: crate::receipt::Layout,
    ) {
        let merchant = self.session.receipt.clone();
        let session = self.session.clone();
        self.spawn_journal(move |journal| {
            let work = || -> anyhow::Result<Option<PathBuf>> {
                let order = journal
                    .order(order_id)?
                    .filter(|order| Backend::in_scope(&session, order))
                    .ok_or_else(|| anyhow::anyhow!("order {order_id} is not of this account"))?;
                let entries = match operation_id {
                    Some(id) => Some(journal.operation_entries(id)?),
                    None => None,
                };
                let receipt = crate::receipt::Receipt::build(&order, entries.as_deref(), &merchant);
                let pdf =
                    crate::receipt::render(&receipt, crate::receipt::ReceiptLanguage::Both, paper);
                let Some(path) = target.choose(&crate::receipt::file_name(&order, operation_id))
                else {
                    return Ok(None);
                };
                let path = journal
                    .output_guard()
                    .write(&path, &pdf, target.if_exists())?;
                if target.opens_saved_files() {
                    crate::app::files::open_with_os(&path)?;
                }
                Ok(Some(path))
            };
            match work() {
                Ok(Some(path)) => TaskResult::Saved(path),
                Ok(None) => TaskResult::Failed(TaskError::NotSaved),
                Err(error) => TaskResult::Failed(
                    refused(&error).unwrap_or_else(|| TaskError::Receipt(format!("{error:#}"))),
                ),
            }
        });
    }

    /// The filtered orders as CSV (UTF-8 with BOM) where `target` says.
    pub fn export_csv(
        &self,
        filter: OrderFilter,
        target: Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
    ) {
        let filter = self.scoped(filter);
        self.spawn_journal(move |journal| {
            let Some(path) = target.choose(std::path::Path::new("orders.csv")) else {
                return TaskResult::Failed(TaskError::NotSaved);
            };
            let if_exists = target.if_exists();
            let guard = journal.output_guard();
            let anchor = crate::journal::anchor::Anchor::path_for(&path);
            // The export and its anchor are checked before either is written.
            let written = guard
                .check(&path, if_exists)
                .and_then(|()| guard.check(&anchor, if_exists))
                .and_then(|()| guard.create(&path, if_exists))
                .map_err(crate::journal::JournalError::from)
                .and_then(|file| {
                    let mut writer = std::io::BufWriter::new(file);
                    crate::journal::export::export_csv(journal, &filter, &mut writer)?;
                    let file = writer
                        .into_inner()
                        .map_err(|error| crate::journal::JournalError::Io(error.into_error()))?;
                    Ok(file.commit()?)
                })
                .and_then(|path| journal.anchor_export(&path, if_exists).map(|_| path));
            match written {
                Ok(path) => TaskResult::Saved(path),
                Err(error) => {
                    let refused = if let crate::journal::JournalError::Output(output) = &error {
                        refusal(output)
                    } else {
                        None
                    };
                    TaskResult::Failed(
                        refused.unwrap_or_else(|| TaskError::Export(detail(&path, error))),
                    )
                }
            }
        });
    }

    /// Asks the operator for a CSV file (OS dialog, on a backend thread) and
    /// returns its text for the Bulk screen.
    pub fn load_bulk_csv(&self) {
        self.spawn(async move {
            tokio::task::spawn_blocking(|| {
                let Some(path) = rfd::FileDialog::new()
                    .add_filter("CSV", &["csv", "txt"])
                    .pick_file()
                else {
                    return TaskResult::Failed(TaskError::NoFileChosen);
                };
                match std::fs::read_to_string(&path) {
                    // A BOM from Excel is not part of the first reference.
                    Ok(text) => {
                        TaskResult::BulkInput(text.trim_start_matches('\u{FEFF}').to_owned())
                    }
                    Err(error) => TaskResult::Failed(TaskError::ReadFile {
                        // i18n-lint: not shown (the log's detail)
                        detail: error.to_string(),
                        path,
                    }),
                }
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(TaskError::Stopped(error.to_string())))
        });
    }

    /// A bulk run's results as CSV (UTF-8 with a BOM, for Excel), saved
    /// where `target` says.
    pub fn save_bulk_results(
        &self,
        csv: String,
        target: Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
    ) {
        // On the journal's thread: the guard needs its path, and the UI never waits for the lock.
        self.spawn_journal(move |journal| {
            let Some(path) = target.choose(std::path::Path::new("bulk-results.csv")) else {
                return TaskResult::Failed(TaskError::NotSaved);
            };
            let mut bytes = crate::journal::export::BOM.to_vec();
            bytes.extend_from_slice(csv.as_bytes());
            match journal
                .output_guard()
                .write(&path, &bytes, target.if_exists())
            {
                Ok(path) => TaskResult::Saved(path),
                Err(error) => TaskResult::Failed(
                    refusal(&error).unwrap_or_else(|| TaskError::Export(detail(&path, error))),
                ),
            }
        });
    }
}

/// `path: error`, the log's detail of a typed task error (the operator reads
/// the error's sentence instead).
pub(super) fn detail(path: &std::path::Path, error: impl std::fmt::Display) -> String {
    // i18n-lint: not shown (the log's detail of a typed task error)
    format!("{}: {error:#}", path.display())
}

/// The output guard's refusal as a task error the operator reads, or `None`
/// when the write failed otherwise.
fn refusal(error: &crate::journal::output::OutputError) -> Option<TaskError> {
    error.refusal().map(|why| TaskError::OutputRefused {
        path: error.path().to_owned(),
        why,
    })
}

/// [`refusal`] of an error from further down (a receipt's or an export's).
fn refused(error: &anyhow::Error) -> Option<TaskError> {
    error
        .downcast_ref::<crate::journal::output::OutputError>()
        .and_then(refusal)
}
