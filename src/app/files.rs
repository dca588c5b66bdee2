//! Files the operator saves from the app: the OS file dialog (rfd) behind the
//! receipts' [`SaveTarget`] seam, and opening a saved file with the OS.

use std::path::{Path, PathBuf};

use crate::receipt::SaveTarget;

/// The OS "Save as" dialog. Runs on a backend thread, never the UI's (on
/// macOS rfd wants the main thread for its synchronous dialogs: a known
/// limit, see the README).
#[derive(Debug, Clone, Copy, Default)]
pub struct DialogTarget;

impl SaveTarget for DialogTarget {
    fn choose(&self, suggested_name: &Path) -> Option<PathBuf> {
        let name = suggested_name.file_name()?.to_string_lossy().into_owned();
        let extension = suggested_name
            .extension()
            .map(|extension| extension.to_string_lossy().into_owned());
        let mut dialog = rfd::FileDialog::new().set_file_name(name);
        if let Some(extension) = extension {
            dialog = dialog.add_filter(extension.to_uppercase(), &[extension.as_str()]);
        }
        dialog.save_file()
    }

    fn opens_saved_files(&self) -> bool {
        true
    }
}

/// Opens a file with the OS's default application (to view or print it).
pub fn open_with_os(path: &Path) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "windows") {
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    command.arg(path).spawn().map(|_| ())
}
