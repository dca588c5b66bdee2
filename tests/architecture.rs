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
    // And `mod.rs` only builds the backend (in `run_in`, before the window).
    let (_, module) = sources("src/app")
        .into_iter()
        .find(|(path, _)| path.ends_with("src/app/mod.rs"))
        .expect("src/app/mod.rs");
    let before_run = module.split("pub fn run_in(").next().unwrap_or_default();
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

/// What writes a file (or a directory entry) without the output guard. A
/// `use std::fs::{write, copy, rename}` is caught by [`fs_function_imports`].
const RAW_WRITES: &[&str] = &[
    "File::create",
    "File::options",
    "OpenOptions",
    "fs::write(",
    "fs::copy(",
    "fs::rename(",
    "fs::hard_link(",
    "create_private_file(",
    "create_private_or_replace(",
    "write_private(",
    "write_atomically(",
    "replace_file(",
    ".persist(",
    "VACUUM INTO",
];

/// The writes allowed without the guard, line by line: the guard itself and
/// the journal's own files, at names apsdesk chose (never a path the
/// operator gave). A new write anywhere else — or a second one in these
/// files — fails the test until it goes through `journal::output` or is
/// added here with its reason.
const UNGUARDED_WRITES: &[(&str, &str, &str)] = &[
    (
        "src/journal/files.rs",
        "",
        "the primitives the guard is made of",
    ),
    ("src/journal/output.rs", "", "the guard"),
    (
        "src/journal/anchor.rs",
        "files::replace_file(path, self.to_json().as_bytes())",
        "the journal's anchor, replaced after every append",
    ),
    (
        "src/journal/store.rs",
        "match files::create_private_file(path) {",
        "the journal's own database file, created private before SQLite opens it",
    ),
    (
        "src/journal/store.rs",
        "files::create_private_file(destination)?;",
        "a backup's staging (`copy_into`), after `Journal::backup` checked the guard, or a restore's copy of the journal",
    ),
    (
        "src/journal/store.rs",
        ".execute(\"VACUUM INTO ?1\", [destination.to_string_lossy().as_ref()])",
        "the same backup's copy into that file",
    ),
    (
        "src/journal/restore.rs",
        "",
        "a restore's staging and the journal it replaces, all under the journal's own names",
    ),
    (
        "src/app/instance.rs",
        "",
        "the journal's one-window lock file",
    ),
    (
        "src/app/backend/operations.rs",
        ".and_then(|bytes| crate::journal::files::write_private(path, &bytes));",
        "the journal's bulk-run record (`<journal>.bulk-run.json`)",
    ),
    (
        "src/app/backend/views.rs",
        "",
        "the profile's saved views, in the config folder under a name apsdesk chose",
    ),
    (
        "src/profiles/mod.rs",
        "",
        "profiles.toml in the config folder, staged and renamed",
    ),
];

/// Lines of `files` that write a file by one of [`RAW_WRITES`] or import a
/// writing function of `std::fs` by name; test modules at the end of a file
/// (and `tests.rs` files) are test code, not the program's.
fn raw_writes(files: &[(PathBuf, String)]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, text) in files {
        if path.ends_with("tests.rs") {
            continue;
        }
        let shown = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path)
            .display()
            .to_string();
        let program = text
            .split("\n#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .split("\n#[cfg(all(test")
            .next()
            .unwrap_or_default();
        for line in program.lines() {
            let code = line.split("//").next().unwrap_or_default();
            if RAW_WRITES.iter().any(|needle| code.contains(needle)) || fs_function_imports(code) {
                found.push((shown.clone(), line.trim().to_owned()));
            }
        }
    }
    found
}

/// `use std::fs::write;`, `use std::fs::{self, copy}`: a writing function
/// imported by name, then called bare.
fn fs_function_imports(code: &str) -> bool {
    code.trim_start().starts_with("use std::fs")
        && code
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| ["write", "copy", "rename", "hard_link"].contains(&word))
}

fn unguarded(writes: &[(String, String)]) -> Vec<String> {
    writes
        .iter()
        .filter(|(path, line)| {
            !UNGUARDED_WRITES
                .iter()
                .any(|(file, allowed, _)| path == file && (allowed.is_empty() || line == allowed))
        })
        .map(|(path, line)| format!("{path}: {line}"))
        .collect()
}

#[test]
fn every_file_apsdesk_writes_goes_through_the_output_guard() {
    let writes = raw_writes(&sources("src"));
    let found = unguarded(&writes);
    assert!(
        found.is_empty(),
        "written without journal::output::OutputGuard:\n{}",
        found.join("\n")
    );
    // Each allowance is still used: none is left to cover a new write.
    for (file, allowed, why) in UNGUARDED_WRITES {
        assert!(
            writes
                .iter()
                .any(|(path, line)| path == file && (allowed.is_empty() || line == allowed)),
            "{file}: no longer writes {allowed:?} ({why}): remove the allowance"
        );
    }
    // The check can fire, however the write is spelled.
    let offending = vec![
        (
            PathBuf::from("src/cli/receipt.rs"),
            "fn save(out: &Path) { crate::journal::files::write_private(out, b\"pdf\").ok(); }\n"
                .to_owned(),
        ),
        (
            PathBuf::from("src/receipt/batch.rs"),
            "use std::fs::{self, write};\nfn save() { std::fs::File::create(\"x\"); }\n".to_owned(),
        ),
        (
            PathBuf::from("src/journal/store.rs"),
            "        files::write_private(export, bytes)?;\n#[cfg(test)]\nmod tests { fn t() { std::fs::write(\"a\", \"b\"); } }\n"
                .to_owned(),
        ),
    ];
    let caught = unguarded(&raw_writes(&offending));
    assert_eq!(caught.len(), 4, "{caught:#?}");
}
