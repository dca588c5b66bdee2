//! One window per journal: a second `apsdesk` on the same journal says so
//! and stops, rather than two processes reconciling, capturing and keying the
//! same file at once.
//!
//! The lock is an OS file lock (`flock` on Unix, `LockFileEx` on Windows) on a
//! small file beside the journal, taken before the keyring or the journal is
//! touched. The OS drops it when the process ends however it ends (crash,
//! `kill -9`, power loss), so a stale lock never keeps anyone out; the file
//! itself stays, because deleting it would race with the next launch taking it.
//! The command line does not take it: scripts and a cron job may read and
//! write the journal beside an open window (SQLite serialises them).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// Held for as long as a window works on one journal.
#[derive(Debug)]
pub struct JournalLock {
    journal: PathBuf,
    // Never read: the lock lives as long as the open file.
    _file: File,
}

/// Why the journal could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it: an apsdesk window is open on this journal.
    #[error("apsdesk is already open on the journal {}: use that window", .0.display())]
    Held(PathBuf),
    #[error("could not lock the journal {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The lock file of a journal: beside it, named after it.
#[must_use]
pub fn lock_path(journal: &Path) -> PathBuf {
    let mut name = journal
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push(".lock");
    journal.with_file_name(name)
}

impl JournalLock {
    /// Takes the journal's lock, or says who has it. Creates the journal's
    /// folder if needed (a first launch has none yet).
    pub fn acquire(journal: &Path) -> Result<JournalLock, LockError> {
        let path = lock_path(journal);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(JournalLock {
                journal: journal.to_owned(),
                _file: file,
            }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held(journal.to_owned())),
            Err(TryLockError::Error(error)) => Err(io(error)),
        }
    }

    /// The journal this lock keeps.
    #[must_use]
    pub fn journal(&self) -> &Path {
        &self.journal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_journal_is_refused_until_the_first_goes() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let journal = dir.path().join("sub").join("journal.sqlite3");
        let first = JournalLock::acquire(&journal).expect("first lock");
        assert_eq!(first.journal(), journal);
        assert!(dir.path().join("sub/journal.sqlite3.lock").exists());
        // A second open file description conflicts even in one process
        // (flock and LockFileEx both lock per open file).
        match JournalLock::acquire(&journal) {
            Err(LockError::Held(path)) => assert_eq!(path, journal),
            other => panic!("expected Held, got {other:?}"),
        }
        // Another journal in the same folder is independent.
        let other = JournalLock::acquire(&dir.path().join("sub/other.sqlite3"));
        assert!(other.is_ok());
        drop(first);
        assert!(JournalLock::acquire(&journal).is_ok());
    }
}
