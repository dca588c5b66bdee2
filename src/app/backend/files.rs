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
            // The path written, and whether the OS opened it when asked to.
            let work = || -> anyhow::Result<Option<(PathBuf, bool)>> {
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
                crate::journal::files::write_private(&path, &pdf)?;
                if target.opens_saved_files()
                    && let Err(error) = crate::app::files::open_with_os(&path)
                {
                    // Written: only the viewer is missing.
                    tracing::warn!(path = %path.display(), %error, "no program opened the receipt");
                    return Ok(Some((path, false)));
                }
                Ok(Some((path, true)))
            };
            match work() {
                Ok(Some((path, true))) => TaskResult::Saved(path),
                Ok(Some((path, false))) => TaskResult::SavedNotOpened(path),
                Ok(None) => TaskResult::Failed(TaskError::NotSaved),
                Err(error) => TaskResult::Failed(TaskError::Receipt(format!("{error:#}"))),
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
            let written = crate::journal::files::create_private_or_replace(&path)
                .map_err(crate::journal::JournalError::from)
                .and_then(|file| {
                    crate::journal::export::export_csv(
                        journal,
                        &filter,
                        std::io::BufWriter::new(file),
                    )
                })
                .and_then(|_| journal.anchor_export(&path));
            match written {
                Ok(_) => TaskResult::Saved(path),
                Err(error) => TaskResult::Failed(TaskError::Export(error.to_string())),
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
        self.spawn(async move {
            tokio::task::spawn_blocking(move || {
                let Some(path) = target.choose(std::path::Path::new("bulk-results.csv")) else {
                    return TaskResult::Failed(TaskError::NotSaved);
                };
                let mut bytes = crate::journal::export::BOM.to_vec();
                bytes.extend_from_slice(csv.as_bytes());
                match crate::journal::files::write_private(&path, &bytes) {
                    Ok(()) => TaskResult::Saved(path),
                    Err(error) => TaskResult::Failed(TaskError::Export(detail(&path, error))),
                }
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(TaskError::Stopped(error.to_string())))
        });
    }
}

/// `path: error`, the log's detail of a typed task error (the operator reads
/// the error's sentence instead).
pub(super) fn detail(path: &std::path::Path, error: impl std::fmt::Display) -> String {
    // i18n-lint: not shown (the log's detail of a typed task error)
    format!("{}: {error:#}", path.display())
}
