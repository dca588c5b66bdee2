//! Many receipts at once, and where to save them.
//!
//! [`SaveTarget`] is the seam between "a receipt is ready" and "where does it
//! go": the desktop app implements it with the OS file dialog (rfd), the
//! command line and the tests with a path they already know.

use std::path::{Path, PathBuf};

use super::pdf::{Layout, ReceiptLanguage, render, render_many};
use super::{Receipt, file_name};
use crate::journal::output::IfExists;
use crate::journal::{Journal, JournalError, OrderFilter};
use crate::profiles::ReceiptDetails;

/// Chooses where a receipt is saved; `None` when the operator cancels.
pub trait SaveTarget {
    fn choose(&self, suggested_name: &Path) -> Option<PathBuf>;

    /// What the output guard does when the chosen file exists: a save
    /// dialog that asked the OS question replaces; a folder keeps what is
    /// there and picks a free name.
    fn if_exists(&self) -> IfExists;

    /// Whether a saved file is then opened with the OS (the app's dialog
    /// does; folders for scripts and tests do not).
    fn opens_saved_files(&self) -> bool {
        false
    }
}

/// Saves into a folder under the suggested name (command line, tests),
/// never over a file already there: a taken name gets the next free one
/// (`name (2).pdf`).
#[derive(Debug, Clone)]
pub struct IntoFolder(pub PathBuf);

impl SaveTarget for IntoFolder {
    fn choose(&self, suggested_name: &Path) -> Option<PathBuf> {
        Some(self.0.join(suggested_name))
    }

    fn if_exists(&self) -> IfExists {
        IfExists::PickFreeName
    }
}

/// How a batch is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchOutput {
    /// One PDF per order.
    OnePerOrder,
    /// All receipts in one PDF, one page each.
    Combined,
}

/// How every receipt of a batch looks and is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchStyle {
    pub language: ReceiptLanguage,
    pub layout: Layout,
    pub output: BatchOutput,
}

/// Writes the receipts of the filtered orders through the journal's output
/// guard (never over its files; an existing file as `target` says);
/// `progress(done, total)` after each. Returns the files written.
pub fn write_batch(
    journal: &Journal,
    filter: &OrderFilter,
    merchant: &ReceiptDetails,
    style: BatchStyle,
    target: &dyn SaveTarget,
    mut progress: impl FnMut(u64, u64),
) -> Result<Vec<PathBuf>, JournalError> {
    let BatchStyle {
        language,
        layout,
        output,
    } = style;
    let guard = journal.output_guard();
    let total = journal.count_orders(filter)?;
    let mut done = 0;
    let mut written = Vec::new();
    let mut combined = Vec::new();
    // The guard's refusal, kept typed (the walk over the orders stops on an
    // I/O error only).
    let mut refused = None;
    let walked = journal.for_each_order(filter, |order| {
        let receipt = Receipt::build(order, None, merchant);
        match output {
            BatchOutput::OnePerOrder => {
                if let Some(path) = target.choose(&file_name(order, None)) {
                    match guard.write(
                        &path,
                        &render(&receipt, language, layout),
                        target.if_exists(),
                    ) {
                        Ok(path) => written.push(path),
                        Err(error) => {
                            let stop = std::io::Error::other(error.to_string());
                            refused = Some(error);
                            return Err(stop);
                        }
                    }
                }
            }
            BatchOutput::Combined => combined.push(receipt),
        }
        done += 1;
        progress(done, total);
        Ok(())
    });
    if let Some(error) = refused {
        return Err(error.into());
    }
    walked?;
    if output == BatchOutput::Combined
        && !combined.is_empty()
        && let Some(path) = target.choose(Path::new("receipts.pdf"))
    {
        written.push(guard.write(
            &path,
            &render_many(&combined, language, layout),
            target.if_exists(),
        )?);
    }
    Ok(written)
}
