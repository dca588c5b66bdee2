//! The `apsdesk` binary: parses the command line and hands it to the library.
//!
//! On Windows it is a GUI-subsystem program, so that the app started from the
//! Start menu opens no console window beside it; the command line still
//! prints, because the process attaches to the console of the terminal that
//! started it (see [`console`]).

// One binary for the app and the command line: the subsystem is the GUI's,
// and the command line borrows its parent's console at start-up.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    #[cfg(windows)]
    console::attach_to_parent();
    let cli = apsdesk::cli::Cli::parse();
    // The app also logs to a file: started from a menu it has no terminal,
    // and support asks for what it logged (the renderer, the first frame,
    // warnings). The command line logs to stderr only.
    let app = cli.command.is_none();
    let filter = tracing_subscriber::EnvFilter::try_from_env("APSDESK_LOG").unwrap_or_else(|_| {
        if app {
            "warn,apsdesk=info".into()
        } else {
            "warn".into()
        }
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // The log is written through the output guard: never over the journal's
    // files, whatever `--db` says.
    let journal = apsdesk::cli::context::journal_path(&cli.global).ok();
    match app.then(|| log_file(journal.as_deref())).flatten() {
        Some(file) => {
            use tracing_subscriber::fmt::writer::MakeWriterExt;
            builder
                .with_ansi(false)
                .with_writer(std::io::stderr.and(std::sync::Mutex::new(file)))
                .init();
        }
        None => builder.with_writer(std::io::stderr).init(),
    }
    match apsdesk::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            // 2: invalid input, nothing was sent.
            ExitCode::from(2)
        }
    }
}

/// The app's log file, `apsdesk.log` in the platform's log folder (see
/// README, "Where apsdesk keeps its files"); the previous one is kept as
/// `apsdesk.log.1` once it passes 5 MB. None when there is no such folder or
/// it cannot be written (or is one of the journal's files): the app then
/// logs to stderr only.
fn log_file(journal: Option<&std::path::Path>) -> Option<std::fs::File> {
    let dirs = directories::ProjectDirs::from("com", "apsdesk", "apsdesk")?;
    let dir = dirs
        .state_dir()
        .unwrap_or(dirs.data_local_dir())
        .join("logs");
    std::fs::create_dir_all(&dir).ok()?;
    let guard = journal.map_or_else(
        apsdesk::journal::output::OutputGuard::default,
        apsdesk::journal::output::OutputGuard::for_journal,
    );
    match guard.open_log(&dir.join("apsdesk.log"), 5 * 1024 * 1024) {
        Ok(file) => Some(file),
        Err(error) => {
            eprintln!("not logging to a file: {error}");
            None
        }
    }
}

/// A GUI-subsystem process starts with no console. Started from a terminal
/// (cmd, PowerShell), it attaches to that terminal's console so that
/// `apsdesk --version`, `sign`, `orders` and the errors print there. Output
/// redirected to a file or a pipe already has its handles and is left alone;
/// started from Explorer or the Start menu there is no parent console and
/// nothing opens. Caveat: cmd.exe does not wait for a GUI-subsystem program,
/// so its prompt may print before the output (`start /wait apsdesk ...` or
/// PowerShell's pipeline wait for it).
#[cfg(windows)]
#[allow(unsafe_code)]
mod console {
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_OUTPUT_HANDLE,
    };

    pub fn attach_to_parent() {
        // SAFETY: GetStdHandle and AttachConsole take plain values, touch no
        // memory of ours, and report failure through their return values,
        // which is all that is read. Rust's stdout and stderr look the
        // handles up on every write, so they see the attached console.
        unsafe {
            let out = GetStdHandle(STD_OUTPUT_HANDLE);
            let err = GetStdHandle(STD_ERROR_HANDLE);
            if out.is_null() || err.is_null() {
                // Fails with no parent console (Explorer): nothing to do.
                AttachConsole(ATTACH_PARENT_PROCESS);
            }
        }
    }
}
