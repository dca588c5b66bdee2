//! Files the operator saves from the app: the OS file dialog (rfd) behind the
//! receipts' [`SaveTarget`] seam, and opening a saved file with the OS.

use std::path::{Path, PathBuf};

use crate::journal::output::IfExists;
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

    /// The OS's save dialog asked "replace?" already: its answer is the
    /// operator's explicit word (the journal's own files are refused even so).
    fn if_exists(&self) -> IfExists {
        IfExists::Replace
    }

    fn opens_saved_files(&self) -> bool {
        true
    }
}

/// Print…: a private folder for receipts to print (`print` in the
/// platform's cache folder, else the temporary one), each then opened with
/// the system's PDF viewer, which prints. The files stay until the next
/// receipt of the same name replaces them.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintFolder;

impl SaveTarget for PrintFolder {
    fn choose(&self, suggested_name: &Path) -> Option<PathBuf> {
        let folder = directories::ProjectDirs::from("com", "apsdesk", "apsdesk").map_or_else(
            || std::env::temp_dir().join("apsdesk-print"),
            |dirs| dirs.cache_dir().join("print"),
        );
        match crate::journal::files::create_private_dir(&folder) {
            Ok(()) => Some(folder.join(suggested_name.file_name()?)),
            Err(error) => {
                tracing::warn!(folder = %folder.display(), %error, "no folder to print from");
                None
            }
        }
    }

    /// apsdesk's own folder to print from: the next receipt of a name
    /// replaces the last one.
    fn if_exists(&self) -> IfExists {
        IfExists::Replace
    }

    fn opens_saved_files(&self) -> bool {
        true
    }
}

/// Opens a file with the OS's default application (to view or print it).
/// Returns once the opener started; a thread of its own waits for it, so
/// that nothing waits on the viewer and no finished opener is left behind.
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
    let mut child = command.arg(path).spawn()?;
    std::thread::Builder::new()
        .name("apsdesk-opener".to_owned())
        .spawn(move || {
            let _ = child.wait();
        })?;
    Ok(())
}
