//! The demo's temporary folder goes with the process on the exits it can see
//! (issue 16): the real `apsdesk` binary opens the demo window as a user's
//! `apsdesk` does, on a virtual X server (Xvfb, which must be installed: a
//! missing one fails the test), is sent SIGTERM or SIGHUP with `kill` once
//! its window has drawn, or loses its display, and leaves no demo folder
//! behind.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long the window may take to draw its first frame (a debug build on a
/// busy machine; it usually takes well under a second).
const START: Duration = Duration::from_secs(15);
/// How long the process may take to go once told to.
const EXIT: Duration = Duration::from_secs(5);

/// A child process ended (killed, then reaped) when dropped.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X server on a display number of its own choosing.
struct Xvfb {
    process: Reaped,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            // Xvfb picks a free display, and writes its number once it
            // accepts connections.
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24"])
            .args(["-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("Xvfb could not be started ({error}): install the xvfb package")
            });
        let stdout = child.stdout.take().expect("Xvfb's stdout");
        let process = Reaped(child);
        let mut number = String::new();
        BufReader::new(stdout)
            .read_line(&mut number)
            .expect("Xvfb's display number");
        let number = number.trim();
        assert!(
            !number.is_empty() && number.bytes().all(|byte| byte.is_ascii_digit()),
            "Xvfb gave no display number: {number:?}"
        );
        Xvfb {
            display: format!(":{number}"),
            process,
        }
    }
}

/// The demo as a user opens it (`apsdesk`, no arguments), its temporary
/// folder under `temp`.
struct Demo {
    process: Reaped,
    temp: tempfile::TempDir,
    /// The lines the app logged, as they come.
    log: mpsc::Receiver<String>,
    /// What it logged so far.
    seen: Vec<String>,
}

impl Demo {
    fn open(display: &str) -> Demo {
        let temp = tempfile::TempDir::new().expect("temp dir");
        let home = temp.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        let mut child = Command::new(env!("CARGO_BIN_EXE_apsdesk"))
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            // The demo folder goes under the system's temp dir; its settings
            // and window state under the user's home.
            .env("TMPDIR", temp.path())
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("APSDESK_LOG", "apsdesk=info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("apsdesk runs");
        let stderr = child.stderr.take().expect("stderr");
        let (lines, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        Demo {
            process: Reaped(child),
            temp,
            log,
            seen: Vec::new(),
        }
    }

    fn pid(&self) -> u32 {
        self.process.0.id()
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
        let started = Instant::now();
        while !self.seen.iter().any(|line| line.contains("first frame")) {
            if let Some(status) = self.process.0.try_wait().expect("try_wait") {
                panic!(
                    "apsdesk ended ({status}) before its window drew:\n{}",
                    self.seen.join("\n")
                );
            }
            assert!(
                started.elapsed() < START,
                "no first frame within {START:?}:\n{}",
                self.seen.join("\n")
            );
            if let Ok(line) = self.log.recv_timeout(Duration::from_millis(50)) {
                self.seen.push(line);
            }
        }
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
        let started = Instant::now();
        loop {
            if let Some(status) = self.process.0.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                started.elapsed() < EXIT,
                "apsdesk still runs {EXIT:?} after it was told to end"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
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
