//! The demo's temporary folder goes with the process on the exits it can see
//! (issue 16): the real `apsdesk` binary opens the demo window as a user's
//! `apsdesk` does, on a virtual X server (Xvfb, which must be installed: a
//! missing one fails the test), is sent SIGTERM or SIGHUP with `kill` once
//! its window has drawn, or loses its display, and leaves no demo folder
//! behind.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::Duration;

use common::xvfb::{LoggedProcess, Xvfb};

/// How long the window may take to draw its first frame (a debug build on a
/// busy machine; it usually takes well under a second).
const START: Duration = Duration::from_secs(15);
/// How long the process may take to go once told to.
const EXIT: Duration = Duration::from_secs(5);

/// The demo as a user opens it (`apsdesk`, no arguments), its temporary
/// folder under `temp`.
struct Demo {
    app: LoggedProcess,
    temp: tempfile::TempDir,
}

impl Demo {
    fn open(display: &str) -> Demo {
        let temp = tempfile::TempDir::new().expect("temp dir");
        let home = temp.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        let mut command = Command::new(env!("CARGO_BIN_EXE_apsdesk"));
        command
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            // The demo folder goes under the system's temp dir; its settings
            // and window state under the user's home.
            .env("TMPDIR", temp.path())
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("APSDESK_LOG", "apsdesk=info");
        Demo {
            app: LoggedProcess::spawn(command),
            temp,
        }
    }

    fn pid(&self) -> u32 {
        self.app.pid()
    }

    /// The demo folders under the temp dir.
    fn folders(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.temp.path())
            .expect("temp dir readable")
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("apsdesk-demo-"))
            })
            .collect()
    }

    /// Waits until the window has drawn its first frame (so the signal
    /// handlers, installed before it opens, are in place); returns the demo
    /// folder, which must exist then and be this process's.
    fn wait_for_window(&mut self) -> PathBuf {
        self.app.wait_for_line("first frame", START);
        let folders = self.folders();
        let [folder] = folders.as_slice() else {
            panic!("one demo folder expected, found {folders:?}");
        };
        let name = folder.file_name().and_then(|name| name.to_str());
        assert!(
            name.is_some_and(|name| name.starts_with(&format!("apsdesk-demo-{}-", self.pid()))),
            "the demo folder {} is not named after the process {}",
            folder.display(),
            self.pid()
        );
        assert!(
            folder.join("journal.sqlite3").exists(),
            "the demo journal is in {}",
            folder.display()
        );
        folder.clone()
    }

    /// Waits for the process to end.
    fn wait_for_exit(&mut self) -> ExitStatus {
        self.app.wait_for_exit(EXIT)
    }
}

fn kill(signal: &str, pid: u32) {
    let status = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{signal} {pid}: {status}");
}

fn assert_gone(folder: &Path, demo: &Demo) {
    assert!(
        !folder.exists(),
        "the demo folder {} was left behind",
        folder.display()
    );
    assert_eq!(demo.folders(), Vec::<PathBuf>::new());
}

/// Sends `signal` to the demo once its window is up; it must end with the
/// code its handler gives (`128 + signal number`, not a death by the signal,
/// which would have left the folder) and take its folder with it.
fn signal_removes_the_folder(signal: &str, number: i32) {
    let xvfb = Xvfb::start();
    let mut demo = Demo::open(&xvfb.display);
    let folder = demo.wait_for_window();
    kill(signal, demo.pid());
    let status = demo.wait_for_exit();
    assert_gone(&folder, &demo);
    assert_eq!(
        status.code(),
        Some(128 + number),
        "apsdesk did not end through its SIG{signal} handler ({status})"
    );
    drop(xvfb.process);
}

#[test]
fn sigterm_removes_the_demo_folder() {
    signal_removes_the_folder("TERM", 15);
}

#[test]
fn sighup_removes_the_demo_folder() {
    signal_removes_the_folder("HUP", 1);
}

#[test]
fn a_lost_display_removes_the_demo_folder() {
    let xvfb = Xvfb::start();
    let mut demo = Demo::open(&xvfb.display);
    let folder = demo.wait_for_window();
    drop(xvfb.process);
    let status = demo.wait_for_exit();
    assert!(!status.success(), "a lost display is no normal close");
    assert_gone(&folder, &demo);
}
