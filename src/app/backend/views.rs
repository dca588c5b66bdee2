//! The profile's saved views file: read (a file that is not views set
//! aside, never written over) and written whole — a private file beside it,
//! flushed, renamed over it — so that a crash leaves the old views or the
//! new, never half a file. Writes land in the order the operator made the
//! changes: a write that lost a race to a later one is dropped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::files::detail;
use super::{Backend, TaskError, TaskResult};
use crate::app::views::{self, SavedView, ViewsRead};

/// The number of the next write asked for (in the order the UI asked).
static NEXT_WRITE: AtomicU64 = AtomicU64::new(1);

/// The last write done to each views file. Held while writing, so that
/// writes to one file never overlap, and an older one never lands after a
/// newer (the UI may ask twice before the first write ran).
static WRITTEN: Mutex<BTreeMap<PathBuf, u64>> = Mutex::new(BTreeMap::new());

impl Backend {
    /// Reads the saved views in `path` (the profile's views file); a file
    /// that is not views is set aside first.
    pub fn load_views(&self, path: PathBuf) {
        self.spawn(async move {
            let task_path = path.clone();
            tokio::task::spawn_blocking(move || {
                let read = read_views(&task_path);
                TaskResult::ViewsRead {
                    path: task_path,
                    read,
                }
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(TaskError::Stopped(error.to_string())))
        });
    }

    /// Writes `views` to `path`, whole, after every write asked before it.
    pub fn save_views(&self, path: PathBuf, views: Vec<SavedView>) {
        let number = NEXT_WRITE.fetch_add(1, Ordering::SeqCst);
        self.spawn(async move {
            tokio::task::spawn_blocking(move || match write_views(&path, &views, number) {
                Ok(()) => TaskResult::ViewsWritten(path),
                Err(error) => TaskResult::Failed(TaskError::Views(detail(&path, &error))),
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(TaskError::Stopped(error.to_string())))
        });
    }
}

/// Reads the views file at `path`. No file: no views. A file that cannot
/// be read as views (not TOML, not UTF-8, not a file) is renamed to
/// `<name>.unreadable-<time>` and the views start empty; if it cannot be
/// renamed either, it is left alone and reported unreadable.
pub fn read_views(path: &Path) -> ViewsRead {
    let problem = match std::fs::read_to_string(path) {
        Ok(text) => match views::from_toml(&text) {
            Ok(views) => return ViewsRead::Read(views),
            Err(error) => detail(path, error),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return ViewsRead::Read(Vec::new());
        }
        Err(error) => detail(path, error),
    };
    tracing::warn!("saved views: {problem}");
    match set_aside(path) {
        Ok(kept_as) => {
            tracing::warn!("saved views: kept as {}", kept_as.display());
            ViewsRead::SetAside {
                kept_as,
                detail: problem,
            }
        }
        Err(error) => {
            // i18n-lint: not shown (the log's detail)
            let detail = format!("{problem}; not set aside: {error}");
            tracing::warn!("saved views: {detail}");
            ViewsRead::Unreadable { detail }
        }
    }
}

/// Renames `path` to a free `<name>.unreadable-<UTC time>[-n]` beside it.
fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    for attempt in 0..100 {
        let suffix = if attempt == 0 {
            String::new()
        } else {
            // i18n-lint: not shown (a file name)
            format!("-{attempt}")
        };
        // i18n-lint: not shown (a file name)
        let kept = path.with_file_name(format!("{name}.unreadable-{stamp}{suffix}"));
        // `rename` replaces silently: only a name nothing holds is taken.
        if std::fs::symlink_metadata(&kept).is_err() {
            std::fs::rename(path, &kept)?;
            return Ok(kept);
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "no free name beside the file",
    ))
}

/// Writes `views` to `path` atomically, unless a later write (a larger
/// `number`) already did.
fn write_views(path: &Path, views: &[SavedView], number: u64) -> anyhow::Result<()> {
    let mut written = WRITTEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if written.get(path).is_some_and(|last| *last > number) {
        return Ok(());
    }
    let text = views::to_toml(views)?;
    crate::journal::files::create_private_parent(path)?;
    crate::journal::files::write_atomically(path, text.as_bytes())?;
    written.insert(path.to_owned(), number);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::OrderFilter;

    fn view(name: &str) -> SavedView {
        SavedView::new(name, &OrderFilter::default())
    }

    /// Garbage, a half-written file, bytes that are not UTF-8 and a folder
    /// in the file's place are each set aside unchanged, and the next
    /// write makes a good file without touching the one set aside.
    #[test]
    fn a_file_that_is_not_views_is_set_aside_untouched() {
        let dir = tempfile::TempDir::new().expect("dir");
        let path = dir.path().join("test.toml");
        assert_eq!(read_views(&path), ViewsRead::Read(Vec::new()), "no file");
        let good = views::to_toml(&[view("A"), view("B")]).expect("toml");
        // Cut inside the second view's name, as a write stopped midway.
        let cut = good.rfind("name = \"").expect("a name") + 9;
        let half = &good[..cut];
        for (what, bytes) in [
            ("garbage", b"\x00\x01 not = [toml".to_vec()),
            ("half a file", half.as_bytes().to_vec()),
            ("not UTF-8", vec![0xff, 0xfe, b'v']),
        ] {
            std::fs::write(&path, &bytes).expect("write");
            let ViewsRead::SetAside { kept_as, .. } = read_views(&path) else {
                panic!("{what}: not set aside");
            };
            assert!(!path.exists(), "{what}: moved away");
            assert_eq!(std::fs::read(&kept_as).expect("kept"), bytes, "{what}");
            write_views(
                &path,
                &[view("C")],
                NEXT_WRITE.fetch_add(1, Ordering::SeqCst),
            )
            .expect("written");
            assert_eq!(read_views(&path), ViewsRead::Read(vec![view("C")]));
            assert_eq!(std::fs::read(&kept_as).expect("still kept"), bytes);
            std::fs::remove_file(&path).expect("clean");
        }
        std::fs::create_dir(&path).expect("a folder in its place");
        assert!(matches!(read_views(&path), ViewsRead::SetAside { .. }));
        // Three files and a folder set aside, each under its own name.
        let aside = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().contains(".unreadable-"))
            .count();
        assert_eq!(aside, 4);
    }

    /// A file that can be neither read as views nor renamed is reported
    /// and left alone (`/proc` refuses renames even to root).
    #[test]
    fn a_file_that_cannot_be_set_aside_is_left_alone() {
        let path = Path::new("/proc/version");
        if !path.exists() {
            // Not Linux: there is no file like it to try.
            return;
        }
        let before = std::fs::read(path).expect("readable");
        assert!(matches!(read_views(path), ViewsRead::Unreadable { .. }));
        assert_eq!(std::fs::read(path).expect("still there"), before);
    }

    /// An older write that runs after a newer one does not undo it; the
    /// file is whole at every moment a reader looks.
    #[test]
    fn writes_land_in_the_order_they_were_asked_for() {
        let dir = tempfile::TempDir::new().expect("dir");
        let path = dir.path().join("views").join("test.toml");
        let first = NEXT_WRITE.fetch_add(1, Ordering::SeqCst);
        let second = NEXT_WRITE.fetch_add(1, Ordering::SeqCst);
        write_views(&path, &[view("A"), view("B")], second).expect("second");
        write_views(&path, &[view("A")], first).expect("first, late");
        assert_eq!(
            read_views(&path),
            ViewsRead::Read(vec![view("A"), view("B")])
        );
        // Many writers at once: every read sees a whole file.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let path = path.clone();
            let stop = std::sync::Arc::clone(&stop);
            std::thread::Builder::new()
                .name("views-reader".into())
                .spawn(move || {
                    let mut reads = 0;
                    while !stop.load(Ordering::SeqCst) {
                        // Every write holds a view: an empty file is a
                        // write caught halfway (truncated, not yet written).
                        let text = std::fs::read_to_string(&path).expect("always there");
                        let read = views::from_toml(&text);
                        assert!(
                            read.is_ok_and(|views| !views.is_empty()),
                            "half a file: {text:?}"
                        );
                        reads += 1;
                    }
                    reads
                })
                .expect("reader")
        };
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let path = path.clone();
                std::thread::Builder::new()
                    .name(format!("views-writer-{writer}"))
                    .spawn(move || {
                        for round in 0..25 {
                            let views: Vec<SavedView> = (0..=round)
                                .map(|n| view(&format!("w{writer} v{n}")))
                                .collect();
                            let number = NEXT_WRITE.fetch_add(1, Ordering::SeqCst);
                            write_views(&path, &views, number).expect("write");
                        }
                    })
                    .expect("writer")
            })
            .collect();
        for writer in writers {
            writer.join().expect("writer done");
        }
        stop.store(true, Ordering::SeqCst);
        assert!(reader.join().expect("reader done") > 0);
        // The staging files are gone.
        let left: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("test.toml")]);
    }
}
