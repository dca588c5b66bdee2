//! The architecture invariants of ARCHITECTURE.md, checked on the sources:
//! which module may import which, and that the UI reaches disk, network and
//! keyring only through its backend.

use std::path::{Path, PathBuf};

fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files = Vec::new();
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                files.push((path, text));
            }
        }
    }
    assert!(!files.is_empty(), "{dir} has sources");
    files
}

/// Lines of `files` that mention any of `needles`, outside comments.
fn mentions(files: &[(PathBuf, String)], needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if needles.iter().any(|needle| code.contains(needle)) {
                found.push(format!(
                    "{}:{}: {}",
                    path.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

#[test]
fn the_protocol_core_imports_nothing_above_it() {
    let found = mentions(
        &sources("src/aps"),
        &[
            "crate::app",
            "crate::journal",
            "crate::sim",
            "crate::cli",
            "crate::profiles",
            "crate::receipt",
            "egui",
            "rusqlite",
        ],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_journal_and_the_simulator_do_not_know_each_other_or_the_ui() {
    let journal = mentions(
        &sources("src/journal"),
        &["crate::sim", "crate::app", "egui"],
    );
    assert!(journal.is_empty(), "{}", journal.join("\n"));
    let sim = mentions(
        &sources("src/sim"),
        &["crate::journal", "crate::app", "egui"],
    );
    assert!(sim.is_empty(), "{}", sim.join("\n"));
}

#[test]
fn the_feedback_receiver_knows_neither_the_simulator_nor_the_ui() {
    let found = mentions(
        &sources("src/feedback"),
        &["crate::sim", "crate::app", "crate::cli", "egui"],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_ui_reaches_disk_network_and_keyring_only_through_its_backend() {
    let screens: Vec<(PathBuf, String)> = sources("src/app")
        .into_iter()
        .filter(|(path, _)| {
            !path.components().any(|part| part.as_os_str() == "backend")
                && !path.ends_with("files.rs")
                // The demo folder's clean-up: run by the backend and by
                // `run`, before and after the window, never by a screen.
                && !path.ends_with("demo_dir.rs")
                // One window per journal: a non-blocking OS lock (try_lock
                // never waits) on a small file, taken by `run` before the
                // window and by `logic` on a profile switch.
                && !path.ends_with("instance.rs")
                && !path.ends_with("mod.rs")
        })
        .collect();
    assert!(screens.len() >= 8);
    let found = mentions(
        &screens,
        &[
            ".journal",
            "Journal::",
            "Vault::",
            "rfd::",
            "std::fs::",
            ".send(",
            "block_on",
            "ProfileStore::",
        ],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
    // And `mod.rs` only builds the backend (in `run`, before the window).
    let (_, module) = sources("src/app")
        .into_iter()
        .find(|(path, _)| path.ends_with("src/app/mod.rs"))
        .expect("src/app/mod.rs");
    let before_run = module.split("pub fn run(").next().unwrap_or_default();
    for needle in [
        ".journal.lock",
        "Journal::open",
        "Vault::native",
        "std::fs::",
    ] {
        assert!(!before_run.contains(needle), "DeskApp touches {needle}");
    }
}

/// What a screen may not ask of the backend itself: anything that sends,
/// writes or changes the session. Screens push an `AppCommand`; `logic`
/// (in `mod.rs`) applies it.
const ACTIONS: &[&str] = &[
    "backend.submit(",
    "backend.run(",
    "backend.run_refund(",
    "backend.run_bulk(",
    "backend.reconcile(",
    "backend.check_status(",
    "backend.save_receipt(",
    "backend.save_profile(",
    "backend.remove_profile(",
    "backend.test_profile(",
    "backend.switch_to(",
    "backend.export_csv(",
    "backend.load_bulk_csv(",
    "backend.verify_chain(",
    "backend.save_views(",
    "backend.save_bulk_results(",
    "desk().submit(",
    "desk().run(",
];

#[test]
fn screens_only_draw_and_push_commands_for_what_acts() {
    let screens: Vec<(PathBuf, String)> = sources("src/app")
        .into_iter()
        .filter(|(path, _)| {
            !path.components().any(|part| part.as_os_str() == "backend")
                && !path.ends_with("mod.rs")
        })
        .collect();
    assert!(screens.len() >= 8);
    let found = mentions(&screens, ACTIONS);
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The check can fire: a screen sending an operation itself is caught.
    let offending = vec![(
        PathBuf::from("src/app/operation.rs"),
        "fn send(backend: &Backend) { backend.submit(operation, language); }\n".to_owned(),
    )];
    assert_eq!(mentions(&offending, ACTIONS).len(), 1);
}

#[test]
fn the_checks_see_what_they_look_for() {
    let sample = vec![(
        PathBuf::from("x.rs"),
        "use crate::journal::Journal;\n// crate::sim in a comment\n".to_owned(),
    )];
    assert_eq!(mentions(&sample, &["crate::journal"]).len(), 1);
    assert!(mentions(&sample, &["crate::sim"]).is_empty());
}
