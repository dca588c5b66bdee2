//! Files the operator asks for: receipts and CSV exports through the OS
//! dialog, and a CSV loaded for Bulk.

use super::{Arc, Backend, OrderFilter, PathBuf, TaskResult};

impl Backend {
    /// A receipt of an order (or one of its operations) saved where `target`
    /// says, then opened with the OS when the target wants it.
    pub fn save_receipt(
        &self,
        order_id: i64,
        operation_id: Option<i64>,
        target: Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
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
                let pdf = crate::receipt::render(
                    &receipt,
                    crate::receipt::ReceiptLanguage::Both,
                    crate::receipt::Layout::A4,
                );
                let Some(path) = target.choose(&crate::receipt::file_name(&order, operation_id))
                else {
                    return Ok(None);
                };
                crate::journal::files::write_private(&path, &pdf)?;
                if target.opens_saved_files() {
                    crate::app::files::open_with_os(&path)?;
                }
                Ok(Some(path))
            };
            match work() {
                Ok(Some(path)) => TaskResult::Saved(path),
                Ok(None) => TaskResult::Failed("not saved".to_owned()),
                Err(error) => TaskResult::Failed(format!("{error:#}")),
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
                return TaskResult::Failed("not saved".to_owned());
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
                Err(error) => TaskResult::Failed(error.to_string()),
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
                    return TaskResult::Failed("no file chosen".to_owned());
                };
                match std::fs::read_to_string(&path) {
                    // A BOM from Excel is not part of the first reference.
                    Ok(text) => {
                        TaskResult::BulkInput(text.trim_start_matches('\u{FEFF}').to_owned())
                    }
                    Err(error) => TaskResult::Failed(format!("{}: {error}", path.display())),
                }
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(error.to_string()))
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
                    return TaskResult::Failed("not saved".to_owned());
                };
                let mut bytes = crate::journal::export::BOM.to_vec();
                bytes.extend_from_slice(csv.as_bytes());
                match crate::journal::files::write_private(&path, &bytes) {
                    Ok(()) => TaskResult::Saved(path),
                    Err(error) => TaskResult::Failed(format!("{}: {error}", path.display())),
                }
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(error.to_string()))
        });
    }

    /// The saved views in `path` (the profile's views file).
    pub fn load_views(&self, path: PathBuf) {
        self.spawn(async move {
            tokio::task::spawn_blocking(move || {
                let read = match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        crate::app::views::from_toml(&text).map_err(|error| error.to_string())
                    }
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
                    Err(error) => Err(error.to_string()),
                };
                match read {
                    Ok(views) => TaskResult::Views(views),
                    Err(error) => TaskResult::Failed(format!("{}: {error}", path.display())),
                }
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(error.to_string()))
        });
    }

    /// Writes the saved views to `path`.
    pub fn save_views(&self, path: PathBuf, views: Vec<crate::app::views::SavedView>) {
        self.spawn(async move {
            tokio::task::spawn_blocking(move || {
                // Whole, through a staged file renamed over the old one.
                let write = || -> anyhow::Result<()> {
                    let text = crate::app::views::to_toml(&views)?;
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    let staged = path.with_extension("toml.new");
                    std::fs::write(&staged, text)?;
                    std::fs::rename(&staged, &path)?;
                    Ok(())
                };
                match write() {
                    Ok(()) => TaskResult::Views(views),
                    Err(error) => TaskResult::Failed(format!("{}: {error:#}", path.display())),
                }
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(error.to_string()))
        });
    }
}
