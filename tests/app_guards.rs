//! The app's save dialog pointed at the journal's own files: the OS's
//! "replace?" was answered yes (what the dialog does), and still nothing is
//! written over the journal or its anchor, and the operator is told which
//! file and why, in their language.

mod app_harness;
mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use app_harness::{run_until, select};
use apsdesk::journal::output::IfExists;
use apsdesk::receipt::SaveTarget;
use egui_kittest::kittest::Queryable;

/// A save dialog whose operator picked `path` and said "replace".
struct ChosenInDialog(PathBuf);

impl SaveTarget for ChosenInDialog {
    fn choose(&self, _suggested_name: &Path) -> Option<PathBuf> {
        Some(self.0.clone())
    }

    fn if_exists(&self) -> IfExists {
        IfExists::Replace
    }
}

fn entries(journal: &Path) -> i64 {
    let connection =
        rusqlite::Connection::open_with_flags(journal, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("journal opens");
    connection
        .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
        .expect("count")
}

#[test]
fn the_save_dialog_never_writes_over_the_journal_or_its_anchor() {
    let (fixture, mut harness) = app_harness::with_orders(&["GUARD-1"]);
    let journal = fixture.dir.path().join("journal.sqlite3");
    let anchor = fixture.dir.path().join("journal.sqlite3.anchor");
    run_until(&mut harness, "the app", |_| true);
    let recorded = entries(&journal);
    let anchored = std::fs::read(&anchor).expect("anchored");
    select(&mut harness, "GUARD-1");

    harness.state_mut().app_mut().save_target = Arc::new(ChosenInDialog(journal.clone()));
    harness.get_by_label("Receipt…").click();
    let journal_shown = journal.display().to_string();
    run_until(&mut harness, "the receipt refused", |state| {
        state.app().toast_texts().iter().any(|text| {
            text.contains(&journal_shown)
                && text.contains("is the journal, and apsdesk never writes over it")
        })
    });

    harness.state_mut().app_mut().save_target = Arc::new(ChosenInDialog(anchor.clone()));
    harness.get_by_label("Export CSV…").click();
    let anchor_shown = anchor.display().to_string();
    run_until(&mut harness, "the export refused", |state| {
        state
            .app()
            .toast_texts()
            .iter()
            .any(|text| text.contains(&anchor_shown) && text.contains("the journal's anchor"))
    });

    let journal_bytes = std::fs::read(&journal).expect("journal");
    assert!(
        journal_bytes.starts_with(b"SQLite format 3\0"),
        "still a journal"
    );
    assert_eq!(entries(&journal), recorded, "every entry kept");
    assert!(
        std::fs::read(&anchor).is_ok_and(|bytes| bytes == anchored),
        "the anchor unchanged"
    );
}
