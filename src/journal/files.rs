//! Private files: the journal, its WAL, its anchor, backups and exports hold
//! customer data, so on Unix they are created `0600` in `0700` directories.
//!
//! Modes are given at creation (not left to the umask), so a file is never
//! readable by others even for a moment. SQLite creates the WAL and the shared
//! memory file with the permissions of the database file, which is why the
//! database file is created here before SQLite opens it. On other systems
//! these are plain creations: the user's profile directory is private there.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Creates `dir` and any missing parents, each new one `0700`.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates the parent directory of `path` (private) if it is missing.
pub fn create_private_parent(path: &Path) -> io::Result<()> {
    match path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        Some(parent) if !parent.exists() => create_private_dir(parent),
        Some(_) | None => Ok(()),
    }
}

/// Creates a new, empty file readable by its owner only; fails if it exists.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Opens `path` for writing from empty, readable by its owner only, whether
/// it is new or replaced (a file the operator chose to overwrite in a save
/// dialog). The folder keeps its own permissions: it is the operator's.
pub fn create_private_or_replace(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    // The mode above applies to a new file only.
    make_private(path)?;
    Ok(file)
}

/// Writes `contents` to `path` (created or replaced), readable by its owner only.
pub fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = create_private_or_replace(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Makes an existing file readable by its owner only (journals written
/// before apsdesk created them private).
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Replaces `path` with `contents` atomically: written to a private file
/// beside it, flushed to disk, then renamed over it, and the rename made
/// durable. A crash leaves either the old contents or the new, never a mix.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace_file(path, contents)?;
    sync_parent(path);
    Ok(())
}

/// As [`write_atomically`], without flushing the directory: after a crash
/// the file holds the old contents or the new, whole, but the new may be
/// lost. For the anchor, written after every append: an anchor that lags the
/// journal is expected (the journal may be ahead of it), and the directory
/// flush would more than double the cost of an append.
pub fn replace_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    // One staging file per call: threads of one process (two connections
    // anchoring at once) must not rename each other's away.
    static STAGED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = STAGED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut staged_name = path.file_name().unwrap_or_default().to_owned();
    staged_name.push(format!(".{}.{call}.tmp", std::process::id()));
    let staged = path.with_file_name(staged_name);
    // A stale staging file (an earlier crash of this same process id) is ours to replace.
    match std::fs::remove_file(&staged) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    let mut file = create_private_file(&staged)?;
    let written = file
        .write_all(contents)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&staged, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    written
}

/// Flushes the directory entry of `path` (a rename is durable only then).
/// Best effort: not every system lets a directory be opened.
pub fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        && let Ok(dir) = File::open(parent)
    {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn files_and_directories_are_private_whatever_the_umask() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let nested = dir.path().join("a/b");
        create_private_dir(&nested).expect("created");
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&nested), 0o700);
        let file = nested.join("f");
        write_atomically(&file, b"one").expect("written");
        assert_eq!(mode(&file), 0o600);
        write_atomically(&file, b"two").expect("replaced");
        assert_eq!(std::fs::read(&file).expect("read"), b"two");
        assert!(create_private_file(&file).is_err(), "never overwrites");
    }
}
