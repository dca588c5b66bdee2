//! The one guard every file apsdesk writes for the operator goes through:
//! receipts (one, or a batch into a folder), exports, backups, a bulk run's
//! results, the app's log — anything written at a path somebody chose.
//!
//! [`OutputGuard`] keeps two promises:
//!
//! - **Never the journal's own files.** The journal, its `-wal`, `-shm` and
//!   `-journal`, its `.anchor` (and the anchor's staging file), its
//!   `.before-restore-*` copies, its `.bulk-run.json`, its instance `.lock`:
//!   every name in the journal's folder that is the journal's name followed by
//!   `-` or `.` is the journal's (the rule, so that a file added beside the
//!   journal tomorrow is covered without a list to keep). Names are compared
//!   in the journal's real folder (symbolic links resolved) and without
//!   regard to case (a case-insensitive disk takes `JOURNAL.SQLITE3-WAL` for
//!   the WAL), and files by identity (device and inode on Unix, volume and
//!   file index on Windows): a hard link or a symbolic link to any of them
//!   is refused under whatever name it has.
//! - **Never an existing file without an explicit word.** [`IfExists`] is
//!   that word: `Refuse` (the default of the command line; `--overwrite`
//!   says `Replace`), `Replace` (the app's save dialog, where the OS already
//!   asked), or `PickFreeName` (a batch into a folder: `name (2).pdf`, never
//!   over what is there). A replaced file is written beside it first and
//!   renamed over it, so the old file survives a failure, and a link is
//!   replaced rather than written through. A new file is created exclusively
//!   (`O_EXCL`: it fails on anything already at the path, a dangling link
//!   included), and removed again if it is never finished.
//!
//! What it cannot do: protect a journal it was not told about (it guards the
//! journal the command or the window works on), or stop a process that races
//! to put the journal at a path between the check and the write. The
//! journal's own internals (opening the database, its anchor, a backup's
//! staging, a restore's moves) write with [`super::files`] directly;
//! `tests/architecture.rs` fails any other module that writes a file without
//! this guard.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::files;

/// What to do when something already exists at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    /// Write nothing and say so: the file stays as it is.
    Refuse,
    /// Replace it (the operator said so: `--overwrite`, or the OS's save
    /// dialog asked). The journal's own files are refused even then.
    Replace,
    /// Keep it and write under the first free name: `receipt (2).pdf`,
    /// `receipt (3).pdf`, ... (a batch into a folder).
    PickFreeName,
}

/// Which of the journal's files a path is (said in the refusal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalFile {
    Journal,
    /// SQLite's write-ahead log (`-wal`).
    WriteAheadLog,
    /// SQLite's shared-memory index of the WAL (`-shm`).
    SharedMemory,
    /// SQLite's rollback journal (`-journal`).
    RollbackJournal,
    /// The chain's head (`.anchor`, or its staging file).
    Anchor,
    /// The journal kept by a restore (`.before-restore-<time>`).
    BeforeRestoreCopy,
    /// A bulk run's record (`.bulk-run.json`).
    BulkRun,
    /// The app's one-window-per-journal lock (`.lock`).
    InstanceLock,
    /// Another file named after the journal beside it.
    NamedAfterJournal,
}

impl JournalFile {
    /// What the file is, in the words of an error message.
    pub fn describe(self) -> &'static str {
        match self {
            JournalFile::Journal => "the journal",
            JournalFile::WriteAheadLog => "the journal's write-ahead log",
            JournalFile::SharedMemory => "the journal's shared-memory file",
            JournalFile::RollbackJournal => "the journal's rollback file",
            JournalFile::Anchor => "the journal's anchor",
            JournalFile::BeforeRestoreCopy => "a journal kept by a restore",
            JournalFile::BulkRun => "the journal's bulk-run record",
            JournalFile::InstanceLock => "the journal's lock file",
            JournalFile::NamedAfterJournal => "a file of the journal (named after it, beside it)",
        }
    }

    /// Classifies what follows the journal's name (`-wal`, `.anchor`, ...).
    fn of_suffix(suffix: &str) -> JournalFile {
        if suffix.is_empty() {
            JournalFile::Journal
        } else if suffix == "-wal" {
            JournalFile::WriteAheadLog
        } else if suffix == "-shm" {
            JournalFile::SharedMemory
        } else if suffix == "-journal" {
            JournalFile::RollbackJournal
        } else if suffix.starts_with(".anchor") {
            JournalFile::Anchor
        } else if suffix.starts_with(".before-restore-") {
            JournalFile::BeforeRestoreCopy
        } else if suffix == ".bulk-run.json" {
            JournalFile::BulkRun
        } else if suffix == ".lock" {
            JournalFile::InstanceLock
        } else {
            JournalFile::NamedAfterJournal
        }
    }
}

/// Why nothing was written (or the write failed). Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path is one of the journal's own files, by name.
    #[error("{path} is {}: apsdesk never writes over it (choose another file)", what.describe(), path = path.display())]
    JournalsOwn { path: PathBuf, what: JournalFile },
    /// The path is another name (a hard or symbolic link) of one of the
    /// journal's files.
    #[error("{path} is the same file as {} ({}): apsdesk never writes over it (choose another file)", journal_file.display(), what.describe(), path = path.display())]
    SameFileAsJournals {
        path: PathBuf,
        journal_file: PathBuf,
        what: JournalFile,
    },
    /// Something is already there and the operator did not say to replace it.
    #[error("{path} already exists: nothing was written over it", path = path.display())]
    Exists { path: PathBuf },
    /// A batch found every numbered name taken.
    #[error("{path} and its numbered names up to ({MAX_NUMBERED}) are all taken: nothing was written", path = path.display())]
    NoFreeName { path: PathBuf },
    #[error("{path}: {source}", path = path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl OutputError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            OutputError::JournalsOwn { path, .. }
            | OutputError::SameFileAsJournals { path, .. }
            | OutputError::Exists { path }
            | OutputError::NoFreeName { path }
            | OutputError::Io { path, .. } => path,
        }
    }
}

/// Why the guard refused, as the app says it in the operator's language (the
/// path is said beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    JournalsOwn(JournalFile),
    SameFileAsJournals {
        what: JournalFile,
        journal_file: PathBuf,
    },
    Exists,
    NoFreeName,
}

impl OutputError {
    /// The refusal, or `None` when the write itself failed (the disk's error).
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            OutputError::JournalsOwn { what, .. } => Some(Refusal::JournalsOwn(*what)),
            OutputError::SameFileAsJournals {
                what, journal_file, ..
            } => Some(Refusal::SameFileAsJournals {
                what: *what,
                journal_file: journal_file.clone(),
            }),
            OutputError::Exists { .. } => Some(Refusal::Exists),
            OutputError::NoFreeName { .. } => Some(Refusal::NoFreeName),
            OutputError::Io { .. } => None,
        }
    }
}

/// How far [`IfExists::PickFreeName`] counts (`name (999).pdf`).
const MAX_NUMBERED: u32 = 999;

/// A journal's files: its real folder and its name.
#[derive(Debug, Clone)]
struct JournalFamily {
    /// Its folder, symbolic links resolved when it exists.
    folder: PathBuf,
    /// Its file name, case-folded.
    name: String,
}

impl JournalFamily {
    fn of(journal: &Path) -> JournalFamily {
        let folder = journal
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        JournalFamily {
            folder: real_folder(folder),
            name: folded(&journal.file_name().unwrap_or_default().to_owned()),
        }
    }

    /// Which of the journal's files `name` in `folder` (real) is, if any.
    fn member(&self, folder: &Path, name: &str) -> Option<JournalFile> {
        if folder != self.folder {
            return None;
        }
        let suffix = name.strip_prefix(self.name.as_str())?;
        (suffix.is_empty() || suffix.starts_with('-') || suffix.starts_with('.'))
            .then(|| JournalFile::of_suffix(suffix))
    }

    /// The journal's files present on disk now (regular files only: nothing
    /// is opened that could block, like a pipe).
    fn present(&self) -> Vec<(PathBuf, JournalFile)> {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = folded(&entry.file_name());
                let what = self.member(&self.folder, &name)?;
                let path = entry.path();
                std::fs::metadata(&path)
                    .is_ok_and(|meta| meta.is_file())
                    .then_some((path, what))
            })
            .collect()
    }
}

/// Case-folded text of a file name (lossy: a name that is not Unicode is
/// compared by what it shows).
fn folded(name: &OsString) -> String {
    name.to_string_lossy().to_lowercase()
}

/// `folder` with symbolic links resolved, or as an absolute path when it does
/// not exist (yet): what two spellings of one folder are compared by.
fn real_folder(folder: &Path) -> PathBuf {
    std::fs::canonicalize(folder)
        .or_else(|_| std::path::absolute(folder))
        .unwrap_or_else(|_| folder.to_owned())
}

/// A file's identity: the same for every name (hard or symbolic link) of it.
#[derive(Debug, PartialEq, Eq)]
struct Identity(
    #[cfg(unix)] (u64, u64),
    #[cfg(windows)] same_file::Handle,
    #[cfg(not(any(unix, windows)))] PathBuf,
);

impl Identity {
    /// The identity of the regular file at `path` (links followed), if any.
    fn of(path: &Path) -> Option<Identity> {
        let meta = std::fs::metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Identity((meta.dev(), meta.ino())))
        }
        #[cfg(windows)]
        {
            let _ = meta;
            same_file::Handle::from_path(path).ok().map(Identity)
        }
        #[cfg(not(any(unix, windows)))]
        {
            let _ = meta;
            std::fs::canonicalize(path).ok().map(Identity)
        }
    }
}

/// Writes files where the operator said, never over the journal's files and
/// never over an existing file unasked. See the module's documentation.
#[derive(Debug, Clone, Default)]
pub struct OutputGuard {
    journals: Vec<JournalFamily>,
}

impl OutputGuard {
    /// A guard over the files of the journal at `journal`.
    #[must_use]
    pub fn for_journal(journal: &Path) -> OutputGuard {
        OutputGuard {
            journals: vec![JournalFamily::of(journal)],
        }
    }

    /// The guard with another journal's files protected too.
    #[must_use]
    pub fn and_journal(mut self, journal: &Path) -> OutputGuard {
        self.journals.push(JournalFamily::of(journal));
        self
    }

    /// Refuses `path` when it is one of the journal's files, by name or by
    /// identity. Writes nothing.
    pub fn check_not_journals(&self, path: &Path) -> Result<(), OutputError> {
        let refuse = |what| OutputError::JournalsOwn {
            path: path.to_owned(),
            what,
        };
        let name = folded(&path.file_name().unwrap_or_default().to_owned());
        let folder = real_folder(
            path.parent()
                .filter(|parent| !parent.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        );
        // Where a symbolic link at the path leads, when it leads somewhere.
        let resolved = std::fs::canonicalize(path).ok();
        for family in &self.journals {
            if let Some(what) = family.member(&folder, &name) {
                return Err(refuse(what));
            }
            if let Some(resolved) = &resolved {
                let resolved_name = folded(&resolved.file_name().unwrap_or_default().to_owned());
                if let Some(what) =
                    family.member(resolved.parent().unwrap_or(Path::new("/")), &resolved_name)
                {
                    return Err(refuse(what));
                }
            }
        }
        if let Some(identity) = Identity::of(path) {
            for family in &self.journals {
                for (journal_file, what) in family.present() {
                    if Identity::of(&journal_file).as_ref() == Some(&identity) {
                        return Err(OutputError::SameFileAsJournals {
                            path: path.to_owned(),
                            journal_file,
                            what,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Everything [`OutputGuard::create`] would refuse at `path`, checked
    /// before anything is written: for a file and its companion (an export's
    /// `.anchor`), so that neither is written when the other is refused.
    pub fn check(&self, path: &Path, if_exists: IfExists) -> Result<(), OutputError> {
        self.check_not_journals(path)?;
        match if_exists {
            IfExists::Refuse if std::fs::symlink_metadata(path).is_ok() => {
                Err(OutputError::Exists {
                    path: path.to_owned(),
                })
            }
            IfExists::Refuse | IfExists::Replace | IfExists::PickFreeName => Ok(()),
        }
    }

    /// Opens a private (`0600`) file to write at `path` as `if_exists` says;
    /// nothing is at the path (or it is unchanged) until
    /// [`OutputFile::commit`].
    pub fn create(&self, path: &Path, if_exists: IfExists) -> Result<OutputFile, OutputError> {
        self.check_not_journals(path)?;
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| OutputError::Io { path, source }
        };
        match if_exists {
            IfExists::Refuse => match files::create_private_file(path) {
                Ok(file) => Ok(OutputFile::new_at(path, file)),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    Err(OutputError::Exists {
                        path: path.to_owned(),
                    })
                }
                Err(error) => Err(io(path)(error)),
            },
            IfExists::Replace => {
                let (staged, file) = stage_beside(path).map_err(io(path))?;
                Ok(OutputFile {
                    file: Some(file),
                    path: path.to_owned(),
                    staged: Some(staged),
                    committed: false,
                })
            }
            IfExists::PickFreeName => {
                for number in 1..=MAX_NUMBERED {
                    let candidate = numbered(path, number);
                    self.check_not_journals(&candidate)?;
                    match files::create_private_file(&candidate) {
                        Ok(file) => return Ok(OutputFile::new_at(&candidate, file)),
                        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                        Err(error) => return Err(io(&candidate)(error)),
                    }
                }
                Err(OutputError::NoFreeName {
                    path: path.to_owned(),
                })
            }
        }
    }

    /// Writes `contents` at `path` as `if_exists` says, durably; returns
    /// where it was written (another name under `PickFreeName`).
    pub fn write(
        &self,
        path: &Path,
        contents: &[u8],
        if_exists: IfExists,
    ) -> Result<PathBuf, OutputError> {
        let mut file = self.create(path, if_exists)?;
        file.write_all(contents).map_err(|source| OutputError::Io {
            path: file.path().to_owned(),
            source,
        })?;
        file.commit()
    }

    /// The app's log at `path`, opened to append (created private), after
    /// moving it to `<path>.1` once it is larger than `rotate_at_bytes`.
    pub fn open_log(&self, path: &Path, rotate_at_bytes: u64) -> Result<File, OutputError> {
        let mut kept_name = path.file_name().unwrap_or_default().to_owned();
        kept_name.push(".1");
        let kept = path.with_file_name(kept_name);
        self.check_not_journals(path)?;
        self.check_not_journals(&kept)?;
        let io = |source| OutputError::Io {
            path: path.to_owned(),
            source,
        };
        if std::fs::metadata(path).is_ok_and(|meta| meta.len() > rotate_at_bytes) {
            std::fs::rename(path, &kept).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(path).map_err(io)
    }
}

/// `path` for the first try, then `stem (n).ext` beside it.
fn numbered(path: &Path, number: u32) -> PathBuf {
    if number == 1 {
        return path.to_owned();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(extension) => format!("{stem} ({number}).{}", extension.to_string_lossy()),
        None => format!("{stem} ({number})"),
    };
    path.with_file_name(name)
}

/// A new private file beside `path` (in its folder, so that the rename is
/// atomic) to be renamed over it.
fn stage_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    for attempt in 0..100 {
        let staged = path.with_file_name(format!(
            ".{name}.{}-{attempt}.apsdesk-partial",
            std::process::id()
        ));
        match files::create_private_file(&staged) {
            Ok(file) => return Ok((staged, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free name beside it to write to first",
    ))
}

/// A file being written through the guard. Written in full and made durable
/// by [`OutputFile::commit`]; dropped before that, it leaves nothing behind
/// (and a replaced file as it was).
#[derive(Debug)]
pub struct OutputFile {
    file: Option<File>,
    /// Where the file is (or will be, once committed).
    path: PathBuf,
    /// For a replacement: the file written beside, renamed over `path` at
    /// the commit.
    staged: Option<PathBuf>,
    committed: bool,
}

impl OutputFile {
    fn new_at(path: &Path, file: File) -> OutputFile {
        OutputFile {
            file: Some(file),
            path: path.to_owned(),
            staged: None,
            committed: false,
        }
    }

    /// Where the file is written (the free name chosen, for a batch).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the file to disk and puts it in place; returns its path.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let path = self.path.clone();
        let io = |source| OutputError::Io {
            path: path.clone(),
            source,
        };
        if let Some(file) = self.file.take() {
            file.sync_all().map_err(io)?;
        }
        if let Some(staged) = &self.staged {
            std::fs::rename(staged, &self.path).map_err(io)?;
        }
        files::sync_parent(&self.path);
        self.committed = true;
        Ok(path)
    }

    fn file(&mut self) -> io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("the file was already committed"))
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        self.file = None;
        // Ours to remove: created exclusively by this guard (or staged).
        let unfinished = self.staged.as_ref().unwrap_or(&self.path);
        let _ = std::fs::remove_file(unfinished);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    struct Folder {
        dir: tempfile::TempDir,
    }

    impl Folder {
        fn new() -> Folder {
            Folder {
                dir: tempfile::TempDir::new().expect("temp dir"),
            }
        }

        fn path(&self, name: &str) -> PathBuf {
            self.dir.path().join(name)
        }

        fn journal(&self) -> PathBuf {
            let journal = self.path("journal.sqlite3");
            std::fs::write(&journal, b"the journal").expect("journal");
            journal
        }
    }

    #[test]
    fn every_file_named_after_the_journal_beside_it_is_refused_by_name() {
        let folder = Folder::new();
        let journal = folder.journal();
        let guard = OutputGuard::for_journal(&journal);
        for (name, what) in [
            ("journal.sqlite3", JournalFile::Journal),
            ("journal.sqlite3-wal", JournalFile::WriteAheadLog),
            ("journal.sqlite3-shm", JournalFile::SharedMemory),
            ("journal.sqlite3-journal", JournalFile::RollbackJournal),
            ("journal.sqlite3.anchor", JournalFile::Anchor),
            ("journal.sqlite3.anchor.77.tmp", JournalFile::Anchor),
            (
                "journal.sqlite3.before-restore-20261208T010000Z",
                JournalFile::BeforeRestoreCopy,
            ),
            ("journal.sqlite3.bulk-run.json", JournalFile::BulkRun),
            ("journal.sqlite3.lock", JournalFile::InstanceLock),
            ("JOURNAL.SQLITE3-WAL", JournalFile::WriteAheadLog),
            ("journal.sqlite3.pdf", JournalFile::NamedAfterJournal),
        ] {
            for if_exists in [IfExists::Refuse, IfExists::Replace, IfExists::PickFreeName] {
                let error = guard
                    .write(&folder.path(name), b"%PDF", if_exists)
                    .expect_err(name);
                assert!(
                    matches!(error, OutputError::JournalsOwn { what: found, .. } if found == what),
                    "{name}: {error}"
                );
                assert!(error.to_string().contains(name), "{error}");
            }
        }
        // The same folder by another spelling.
        let dotted = folder.dir.path().join(".").join("journal.sqlite3-shm");
        assert!(guard.check(&dotted, IfExists::Replace).is_err());
        // Other names in the folder, and the journal's name elsewhere, are not its.
        assert!(
            guard
                .check(&folder.path("journal.sqlite3x"), IfExists::Refuse)
                .is_ok()
        );
        assert!(
            guard
                .check(&folder.path("receipt.pdf"), IfExists::Refuse)
                .is_ok()
        );
        let elsewhere = Folder::new();
        assert!(
            guard
                .check(&elsewhere.path("journal.sqlite3"), IfExists::Refuse)
                .is_ok()
        );
        assert_eq!(std::fs::read(&journal).expect("read"), b"the journal");
        assert!(!folder.path("journal.sqlite3-wal").exists());
    }

    #[test]
    fn links_to_the_journals_files_are_refused_by_identity() {
        let folder = Folder::new();
        let journal = folder.journal();
        std::fs::write(folder.path("journal.sqlite3-wal"), b"wal").expect("wal");
        let guard = OutputGuard::for_journal(&journal);
        let elsewhere = Folder::new();
        let hard = elsewhere.path("hard.pdf");
        std::fs::hard_link(&journal, &hard).expect("hard link");
        let soft = elsewhere.path("soft.pdf");
        std::os::unix::fs::symlink(folder.path("journal.sqlite3-wal"), &soft).expect("symlink");
        let folder_link = elsewhere.path("folder");
        std::os::unix::fs::symlink(folder.dir.path(), &folder_link).expect("symlink");
        for path in [
            hard.clone(),
            soft.clone(),
            folder_link.join("journal.sqlite3.anchor"),
        ] {
            for if_exists in [IfExists::Refuse, IfExists::Replace, IfExists::PickFreeName] {
                let error = guard.write(&path, b"%PDF", if_exists).expect_err("refused");
                assert!(
                    matches!(
                        error,
                        OutputError::JournalsOwn { .. } | OutputError::SameFileAsJournals { .. }
                    ),
                    "{}: {error}",
                    path.display()
                );
            }
        }
        assert_eq!(std::fs::read(&journal).expect("read"), b"the journal");
        assert_eq!(std::fs::read(&hard).expect("read"), b"the journal");
        assert_eq!(
            std::fs::read(folder.path("journal.sqlite3-wal")).expect("read"),
            b"wal"
        );
    }

    #[test]
    fn an_existing_file_is_replaced_only_when_asked_and_a_batch_picks_a_free_name() {
        let folder = Folder::new();
        let guard = OutputGuard::for_journal(&folder.journal());
        let receipt = folder.path("receipt.pdf");
        std::fs::write(&receipt, b"mine").expect("written");
        let error = guard
            .write(&receipt, b"new", IfExists::Refuse)
            .expect_err("exists");
        assert!(matches!(error, OutputError::Exists { .. }), "{error}");
        assert_eq!(std::fs::read(&receipt).expect("read"), b"mine");
        let written = guard
            .write(&receipt, b"second", IfExists::PickFreeName)
            .expect("free name");
        assert_eq!(written, folder.path("receipt (2).pdf"));
        let third = guard
            .write(&receipt, b"third", IfExists::PickFreeName)
            .expect("free name");
        assert_eq!(third, folder.path("receipt (3).pdf"));
        assert_eq!(std::fs::read(&receipt).expect("read"), b"mine");
        assert_eq!(std::fs::read(&written).expect("read"), b"second");
        guard
            .write(&receipt, b"replaced", IfExists::Replace)
            .expect("replaced");
        assert_eq!(std::fs::read(&receipt).expect("read"), b"replaced");
        // A replacement through a link replaces the link, not what it points to.
        let target = folder.path("target.txt");
        std::fs::write(&target, b"target").expect("written");
        let link = folder.path("link.pdf");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        guard
            .write(&link, b"pdf", IfExists::Replace)
            .expect("replaced");
        assert_eq!(std::fs::read(&target).expect("read"), b"target");
        assert_eq!(std::fs::read(&link).expect("read"), b"pdf");
        // Nothing staged is left behind.
        let names: Vec<String> = std::fs::read_dir(folder.dir.path())
            .expect("list")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert!(
            !names.iter().any(|name| name.ends_with(".apsdesk-partial")),
            "{names:?}"
        );
    }

    #[test]
    fn an_unfinished_file_leaves_nothing_and_a_replaced_one_unchanged() {
        let folder = Folder::new();
        let guard = OutputGuard::for_journal(&folder.journal());
        let fresh = folder.path("export.csv");
        let mut file = guard.create(&fresh, IfExists::Refuse).expect("created");
        file.write_all(b"half").expect("written");
        drop(file);
        assert!(!fresh.exists());
        let kept = folder.path("kept.csv");
        std::fs::write(&kept, b"old").expect("written");
        let mut file = guard.create(&kept, IfExists::Replace).expect("created");
        file.write_all(b"half").expect("written");
        drop(file);
        assert_eq!(std::fs::read(&kept).expect("read"), b"old");
        assert_eq!(
            std::fs::read_dir(folder.dir.path()).expect("list").count(),
            2
        );
    }
}
