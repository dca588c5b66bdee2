//! The demo's throw-away folder (a journal and its data, a few megabytes):
//! named after the process that owns it, removed on every exit the process
//! can see — a normal close, SIGTERM, SIGHUP, Ctrl+C, a window that could not
//! open or lost its display — and, for the exits it cannot see (SIGKILL, a
//! crash), removed by the next start once its owner is dead.

use std::path::{Path, PathBuf};

/// The start of every demo folder's name; then the owner's pid, a time and a count.
pub const PREFIX: &str = "apsdesk-demo-";

/// A new demo folder's path under `base` (not created).
pub fn new_path(base: &Path) -> PathBuf {
    // Two demos of one process started in the same millisecond (the tests
    // run in parallel threads) must not share a journal.
    static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let count = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    base.join(format!(
        "{PREFIX}{}-{}-{count}",
        std::process::id(),
        jiff::Timestamp::now().as_millisecond()
    ))
}

/// The pid in a demo folder's name.
fn owner(name: &str) -> Option<u32> {
    name.strip_prefix(PREFIX)?.split('-').next()?.parse().ok()
}

/// Whether the process `pid` still runs. Where that cannot be asked, a
/// folder is taken as its owner's for a day.
fn alive(pid: u32, folder: &Path) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        std::fs::metadata(folder)
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_none_or(|age| age < std::time::Duration::from_hours(24))
    }
}

/// Removes the demo folders under `base` whose owner is dead (left by a
/// crashed or killed run); returns how many.
pub fn clean_stale(base: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(base) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(owner) else {
            continue;
        };
        let path = entry.path();
        if pid != std::process::id() && !alive(pid, &path) && std::fs::remove_dir_all(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// On SIGTERM, SIGHUP or Ctrl+C, removes `dir` and ends the process (the
/// window's own close removes it through the backend). The handlers are in
/// place when this returns: a signal sent from then on is never met by the
/// default action, which would leave `dir` behind.
pub fn remove_on_signals(runtime: &tokio::runtime::Handle, dir: PathBuf) {
    let signals = {
        let _context = runtime.enter();
        Signals::install()
    };
    runtime.spawn(async move {
        let code = signals.wait().await;
        remove(&dir);
        std::process::exit(code);
    });
}

/// Removes a demo folder. Other tasks may still be writing there (the
/// demo's look-ups, the journal's anchor): a file created during the removal
/// makes it fail with "not empty", so it tries again until the folder is gone
/// (for half a second at most).
pub fn remove(dir: &Path) {
    for _ in 0..50 {
        match std::fs::remove_dir_all(dir) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Ok(()) | Err(_) => return,
        }
    }
}

/// The terminating signals' handlers.
#[cfg(unix)]
struct Signals(
    Option<(
        tokio::signal::unix::Signal,
        tokio::signal::unix::Signal,
        tokio::signal::unix::Signal,
    )>,
);

#[cfg(unix)]
impl Signals {
    /// Installs the handlers (within a runtime's context).
    fn install() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(term), Ok(hangup), Ok(interrupt)) => Signals(Some((term, hangup, interrupt))),
            // No handler could be installed: the next start cleans up.
            _ => Signals(None),
        }
    }

    /// Waits for a terminating signal; returns the exit code for it.
    async fn wait(self) -> i32 {
        let Some((mut term, mut hangup, mut interrupt)) = self.0 else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => 128 + 15,
            _ = hangup.recv() => 128 + 1,
            _ = interrupt.recv() => 128 + 2,
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn install() -> Signals {
        Signals
    }

    async fn wait(self) -> i32 {
        if tokio::signal::ctrl_c().await.is_err() {
            return std::future::pending().await;
        }
        130
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_dead_runs_are_removed_and_live_ones_kept() {
        let base = tempfile::TempDir::new().expect("temp dir");
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("true runs");
        let dead = child.id();
        child.wait().expect("exited");
        let stale = base.path().join(format!("{PREFIX}{dead}-1"));
        let mine = new_path(base.path());
        let unrelated = base.path().join("apsdesk-other");
        for dir in [&stale, &mine, &unrelated] {
            std::fs::create_dir_all(dir).expect("created");
            std::fs::write(dir.join("journal.sqlite3"), b"x").expect("written");
        }
        assert_eq!(clean_stale(base.path()), 1);
        assert!(!stale.exists());
        assert!(mine.exists() && unrelated.exists());
    }
}
