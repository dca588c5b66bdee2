//! The real `apsdesk` window on a virtual X server (Xvfb, which must be
//! installed: a missing one fails the test), and a child process whose log
//! lines a test can wait for.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A child process ended (killed, then reaped) when dropped.
pub struct Reaped(pub Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X server on a display number of its own choosing.
pub struct Xvfb {
    pub process: Reaped,
    pub display: String,
}

impl Xvfb {
    pub fn start() -> Xvfb {
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

/// A running `apsdesk` whose stderr (its log) is read line by line.
pub struct LoggedProcess {
    pub process: Reaped,
    log: mpsc::Receiver<String>,
    /// What it logged so far.
    pub seen: Vec<String>,
}

impl LoggedProcess {
    /// Spawns `command` with stdin and stdout closed and stderr read.
    pub fn spawn(mut command: Command) -> LoggedProcess {
        let mut child = command
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
        LoggedProcess {
            process: Reaped(child),
            log,
            seen: Vec::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.process.0.id()
    }

    /// Waits until a logged line contains `text`; fails if the process ends
    /// first or `within` passes.
    pub fn wait_for_line(&mut self, text: &str, within: Duration) {
        let started = Instant::now();
        while !self.seen.iter().any(|line| line.contains(text)) {
            if let Some(status) = self.process.0.try_wait().expect("try_wait") {
                // What it wrote just before it ended.
                self.seen.extend(self.log.try_iter());
                if self.seen.iter().any(|line| line.contains(text)) {
                    return;
                }
                panic!(
                    "apsdesk ended ({status}) before logging {text:?}:\n{}",
                    self.seen.join("\n")
                );
            }
            assert!(
                started.elapsed() < within,
                "no {text:?} within {within:?}:\n{}",
                self.seen.join("\n")
            );
            if let Ok(line) = self.log.recv_timeout(Duration::from_millis(50)) {
                self.seen.push(line);
            }
        }
    }

    /// Waits for the process to end, at most `within`.
    pub fn wait_for_exit(&mut self, within: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.process.0.try_wait().expect("try_wait") {
                self.seen.extend(self.log.try_iter());
                return status;
            }
            assert!(
                started.elapsed() < within,
                "apsdesk still runs {within:?} after it was told to end"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
