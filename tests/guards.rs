//! The edges where an operator's slip used to cost data or a clear answer,
//! tried through the binary as the operator makes the slip:
//!
//! - a file written where the operator said (`receipt --out`, a batch into
//!   a folder, `orders export`, `journal backup`) onto the journal, its WAL,
//!   its anchor, a link to it, or a file already there: refused, the journal
//!   intact (`journal verify`), the other file unchanged; replaced only with
//!   `--overwrite`;
//! - a negative amount on any money flag: named as `amount`, in both
//!   languages, exit 2, nothing sent (the simulator's own totals);
//! - an import's refused row named by its own line whatever ends the lines
//!   (LF, CRLF, CR), with or without a byte-order mark, with line breaks
//!   inside quoted cells (a property test).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use apsdesk::journal::import;
use proptest::prelude::*;
use tempfile::TempDir;

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A seeded journal in a folder of its own, and the binary pointed at it.
struct Seeded {
    dir: TempDir,
    elsewhere: TempDir,
}

impl Seeded {
    fn new() -> Seeded {
        let seeded = Seeded {
            dir: TempDir::new().expect("temp dir"),
            elsewhere: TempDir::new().expect("temp dir"),
        };
        let output = seeded.run(&["journal", "seed", "--orders", "3"]);
        assert_eq!(code(&output), 0, "{}", text(&output));
        seeded
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("journal.sqlite3")
    }

    fn beside(&self, suffix: &str) -> PathBuf {
        self.dir.path().join(format!("journal.sqlite3{suffix}"))
    }

    fn run(&self, args: &[&str]) -> Output {
        Process::new(env!("CARGO_BIN_EXE_apsdesk"))
            .args(args)
            .arg("--db")
            .arg(self.db())
            .env_remove("APSDESK_DB")
            .env("APSDESK_OPERATOR", "amal")
            .output()
            .expect("apsdesk runs")
    }

    fn reference(&self) -> String {
        let connection = rusqlite::Connection::open_with_flags(
            self.db(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("journal opens");
        connection
            .query_row(
                "SELECT merchant_reference FROM orders ORDER BY id LIMIT 1",
                [],
                |row| row.get(0),
            )
            .expect("an order")
    }

    fn receipt(&self, out: &Path, extra: &[&str]) -> Output {
        let reference = self.reference();
        let out = out.to_str().expect("utf-8 path");
        let mut args = vec!["receipt", reference.as_str(), "--out", out];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// `journal verify` says intact, and the journal's entries are all there.
    fn assert_intact(&self, entries_before: i64) {
        let output = self.run(&["journal", "verify"]);
        assert_eq!(code(&output), 0, "{}", text(&output));
        assert!(text(&output).starts_with("intact"), "{}", text(&output));
        assert_eq!(self.entries(), entries_before);
    }

    fn entries(&self) -> i64 {
        let connection = rusqlite::Connection::open_with_flags(
            self.db(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("journal opens");
        connection
            .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
            .expect("count")
    }
}

fn snapshot(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

/// Whether the file at `path` holds exactly `expected` (said without
/// dumping a PDF's bytes when it does not).
fn holds(path: &Path, expected: &[u8]) -> bool {
    snapshot(path).is_some_and(|contents| contents == expected)
}

#[test]
fn a_receipt_is_never_written_over_the_journal_or_its_files() {
    let seeded = Seeded::new();
    let entries = seeded.entries();
    assert!(entries > 0);
    // The WAL and the shared-memory file exist while a process holds the
    // journal; here they are made to exist as files a PDF must not touch.
    for suffix in ["-wal", "-shm", ".lock", ".bulk-run.json"] {
        let path = seeded.beside(suffix);
        if !path.exists() {
            std::fs::write(&path, b"").expect("written");
        }
    }
    std::fs::write(seeded.beside(".before-restore-20261208T010000Z"), b"kept").expect("kept");
    let hard = seeded.elsewhere.path().join("hard-link.pdf");
    std::fs::hard_link(seeded.db(), &hard).expect("hard link");
    let soft = seeded.elsewhere.path().join("soft-link.pdf");
    #[cfg(unix)]
    std::os::unix::fs::symlink(seeded.db(), &soft).expect("symlink");
    #[cfg(not(unix))]
    std::fs::hard_link(seeded.db(), &soft).expect("link");
    let anchor_link = seeded.elsewhere.path().join("anchor-link.pdf");
    #[cfg(unix)]
    std::os::unix::fs::symlink(seeded.beside(".anchor"), &anchor_link).expect("symlink");
    #[cfg(not(unix))]
    std::fs::hard_link(seeded.beside(".anchor"), &anchor_link).expect("link");
    let targets = [
        seeded.db(),
        seeded.beside("-wal"),
        seeded.beside("-shm"),
        seeded.beside(".anchor"),
        seeded.beside(".before-restore-20261208T010000Z"),
        seeded.beside(".bulk-run.json"),
        seeded.beside(".lock"),
        seeded.dir.path().join(".").join("JOURNAL.SQLITE3"),
        hard.clone(),
        soft,
        anchor_link,
    ];
    let anchor_before = snapshot(&seeded.beside(".anchor")).expect("anchored");
    for target in &targets {
        for extra in [&[][..], &["--overwrite"][..]] {
            let output = seeded.receipt(target, extra);
            assert_eq!(code(&output), 2, "{}: {}", target.display(), text(&output));
            let said = text(&output);
            assert!(
                said.contains(&target.display().to_string())
                    && said.contains("apsdesk never writes over it"),
                "names the file and why: {said}"
            );
        }
    }
    // No PDF anywhere in the journal's folder; what was planted is as it was.
    for entry in std::fs::read_dir(seeded.dir.path()).expect("list") {
        let path = entry.expect("entry").path();
        let contents = snapshot(&path).unwrap_or_default();
        assert!(
            !contents.starts_with(b"%PDF"),
            "{} holds a PDF",
            path.display()
        );
    }
    assert!(holds(
        &seeded.beside(".before-restore-20261208T010000Z"),
        b"kept"
    ));
    assert!(
        holds(&seeded.beside(".anchor"), &anchor_before),
        "the anchor unchanged"
    );
    assert!(
        snapshot(&seeded.db())
            .expect("journal")
            .starts_with(b"SQLite format 3\0")
    );
    seeded.assert_intact(entries);
    // The journal's other names are refused in exports and backups too.
    for args in [
        vec!["orders", "export", "--out"],
        vec!["orders", "export", "--overwrite", "--out"],
        vec!["journal", "backup", "--out"],
    ] {
        for target in [seeded.db(), seeded.beside(".anchor"), hard.clone()] {
            let mut args = args.clone();
            let target = target.to_str().expect("utf-8 path").to_owned();
            args.push(&target);
            let output = seeded.run(&args);
            assert_eq!(code(&output), 2, "{args:?}: {}", text(&output));
        }
    }
    seeded.assert_intact(entries);
}

#[test]
fn an_existing_file_is_replaced_only_with_overwrite() {
    let seeded = Seeded::new();
    let mine = seeded.elsewhere.path().join("mine.pdf");
    std::fs::write(&mine, b"the operator's own file").expect("written");
    let output = seeded.receipt(&mine, &[]);
    assert_eq!(code(&output), 2, "{}", text(&output));
    assert!(
        text(&output).contains("already exists"),
        "{}",
        text(&output)
    );
    assert!(text(&output).contains("--overwrite"), "{}", text(&output));
    assert!(holds(&mine, b"the operator's own file"), "kept");

    let output = seeded.receipt(&mine, &["--overwrite"]);
    assert_eq!(code(&output), 0, "{}", text(&output));
    assert!(snapshot(&mine).expect("written").starts_with(b"%PDF"));

    // The same for an export and the anchor beside it: a stale anchor of
    // that name is not replaced unasked, and neither file is written.
    let export = seeded.elsewhere.path().join("orders.csv");
    let export_anchor = seeded.elsewhere.path().join("orders.csv.anchor");
    std::fs::write(&export_anchor, b"an older anchor").expect("written");
    let out = export.to_str().expect("utf-8 path");
    let output = seeded.run(&["orders", "export", "--out", out]);
    assert_eq!(code(&output), 2, "{}", text(&output));
    assert!(
        !export.exists(),
        "nothing written when its anchor is refused"
    );
    assert!(holds(&export_anchor, b"an older anchor"), "kept");
    let output = seeded.run(&["orders", "export", "--overwrite", "--out", out]);
    assert_eq!(code(&output), 0, "{}", text(&output));
    assert!(
        snapshot(&export)
            .expect("exported")
            .starts_with("\u{feff}".as_bytes())
    );
    assert!(!holds(&export_anchor, b"an older anchor"), "replaced");

    // A backup never replaces anything.
    let backup = seeded.elsewhere.path().join("backup.sqlite3");
    std::fs::write(&backup, b"precious").expect("written");
    let output = seeded.run(&[
        "journal",
        "backup",
        "--out",
        backup.to_str().expect("utf-8"),
    ]);
    assert_eq!(code(&output), 2, "{}", text(&output));
    assert!(holds(&backup, b"precious"), "kept");
}

#[test]
fn a_batch_into_a_folder_never_overwrites_it_picks_a_free_name() {
    let seeded = Seeded::new();
    let folder = seeded.elsewhere.path().join("receipts");
    let out = folder.to_str().expect("utf-8 path");
    let output = seeded.run(&["receipt", "--batch", "--out", out]);
    assert_eq!(code(&output), 0, "{}", text(&output));
    let mut first: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("list")
        .map(|entry| entry.expect("entry").path())
        .collect();
    first.sort();
    assert_eq!(first.len(), 3, "{first:?}");
    // The operator's own file under a receipt's name, and a second batch.
    std::fs::write(&first[0], b"the operator's own file").expect("written");
    let output = seeded.run(&["receipt", "--batch", "--out", out]);
    assert_eq!(code(&output), 0, "{}", text(&output));
    assert!(holds(&first[0], b"the operator's own file"), "kept");
    let names: Vec<String> = std::fs::read_dir(&folder)
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names.len(), 6, "{names:?}");
    let stem = first[0]
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned();
    assert!(
        names.contains(&format!("{stem} (2).pdf")),
        "the second receipt under a free name: {names:?}"
    );
    // `--overwrite` is not a batch's word.
    let output = seeded.run(&["receipt", "--batch", "--overwrite", "--out", out]);
    assert_eq!(code(&output), 2, "{}", text(&output));
}

/// `--amount -10.00` on every money flag: the validator names `amount`, in
/// the operator's language, and nothing reaches the simulator.
#[test]
fn a_negative_amount_is_named_as_amount_and_nothing_is_sent() {
    let runtime = common::runtime();
    let sim = runtime.block_on(common::start_sim());
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("journal.sqlite3");
    common::authorize_in_sim(&sim, "NEG-1", "100000", "KWD");
    let before = common::sim_totals(&sim, "NEG-1");
    let operation = |args: &[&str], lang: &str| {
        common::apsdesk_with(&sim.credentials(), &sim.base_url())
            .args(args)
            .args(["--credentials-from-env", "--lang", lang, "--db"])
            .arg(&db)
            .env("APSDESK_OPERATOR", "amal")
            .output()
            .expect("apsdesk runs")
    };
    let maintenance = |command: &'static str, amount: &'static str| {
        vec![
            command,
            "--merchant-reference",
            "NEG-1",
            "--amount",
            amount,
            "--currency",
            "KWD",
        ]
    };
    let link = |amount: &'static str| {
        vec![
            "link",
            "create",
            "--merchant-reference",
            "NEG-LINK",
            "--amount",
            amount,
            "--currency",
            "KWD",
            "--customer-email",
            "amal@example.com",
            "--request-expiry-date",
            "2099-12-31T23:59:59+03:00",
        ]
    };
    for amount in ["-10.00", "-0.001", "-10"] {
        for args in [
            maintenance("capture", amount),
            maintenance("refund", amount),
            link(amount),
        ] {
            for (lang, words) in [("en", "must be more than zero"), ("ar", "أكبر من صفر")]
            {
                let output = operation(&args, lang);
                let said = text(&output);
                assert_eq!(code(&output), 2, "{args:?} {lang}: {said}");
                assert!(
                    said.contains("amount") && said.contains(words),
                    "{args:?} {lang}: names amount: {said}"
                );
                assert!(!said.contains("unexpected argument"), "{said}");
            }
        }
    }
    assert_eq!(common::sim_totals(&sim, "NEG-1"), before, "nothing moved");
    assert!(
        sim.with_state(|state| state.order("NEG-LINK").is_none()),
        "no order for the link at APS"
    );
    let requests: i64 = rusqlite::Connection::open(&db)
        .ok()
        .and_then(|connection| {
            connection
                .query_row(
                    "SELECT count(*) FROM entries WHERE entry = 'request'",
                    [],
                    |row| row.get(0),
                )
                .ok()
        })
        .unwrap_or(0);
    assert_eq!(requests, 0, "nothing recorded as sent");
    // The filters' amounts read a negative number as a value too.
    let output = operation(
        &["orders", "list", "--currency", "KWD", "--amount-min", "-1"],
        "en",
    );
    assert_eq!(code(&output), 2, "{}", text(&output));
    assert!(text(&output).contains("--amount-min"), "{}", text(&output));
    assert!(
        text(&output).contains("more than zero"),
        "{}",
        text(&output)
    );
}

/// What ends the lines of a generated file.
#[derive(Debug, Clone, Copy)]
enum LineEnd {
    Lf,
    CrLf,
    Cr,
}

impl LineEnd {
    fn text(self) -> &'static str {
        match self {
            LineEnd::Lf => "\n",
            LineEnd::CrLf => "\r\n",
            LineEnd::Cr => "\r",
        }
    }
}

/// One data row of a generated file.
#[derive(Debug, Clone)]
struct GeneratedRow {
    /// Line breaks inside its quoted note (0: a note without any).
    breaks_in_note: u64,
    /// Blank lines written before it.
    blank_lines_before: u64,
}

fn generated_file() -> impl Strategy<Value = (Vec<GeneratedRow>, usize, LineEnd, bool, bool)> {
    let row = (0u64..3, prop_oneof![4 => Just(0u64), 1 => 1u64..3]).prop_map(
        |(breaks_in_note, blank_lines_before)| GeneratedRow {
            breaks_in_note,
            blank_lines_before,
        },
    );
    (
        proptest::collection::vec(row, 1..30),
        any::<prop::sample::Index>(),
        prop_oneof![Just(LineEnd::Lf), Just(LineEnd::CrLf), Just(LineEnd::Cr)],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(rows, bad, end, bom, final_end)| {
            let bad = bad.index(rows.len());
            (rows, bad, end, bom, final_end)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The one bad row of a file is named by the line an editor shows it on.
    #[test]
    fn a_refused_row_is_named_by_its_own_line(
        (rows, bad, end, bom, final_end) in generated_file()
    ) {
        let eol = end.text();
        let mut file = String::new();
        if bom {
            file.push('\u{feff}');
        }
        file.push_str("merchant_reference,amount,currency,note");
        let mut line: u64 = 1;
        let mut bad_line: u64 = 0;
        for (index, row) in rows.iter().enumerate() {
            file.push_str(eol);
            line += 1;
            for _ in 0..row.blank_lines_before {
                file.push_str(eol);
                line += 1;
            }
            let amount = if index == bad { "12.5001" } else { "12.500" };
            let parts = usize::try_from(row.breaks_in_note + 1).expect("small");
            let note = vec!["part"; parts].join(eol);
            if index == bad {
                bad_line = line;
            }
            file.push_str(&["R-", &index.to_string(), ",", amount, ",KWD,\"", &note, "\""].concat());
            line += row.breaks_in_note;
        }
        if final_end {
            file.push_str(eol);
        }
        let (_, parsed) = import::read_file(file.as_bytes(), &[]).expect("mapped");
        prop_assert_eq!(parsed.rows.len(), rows.len() - 1, "{:?}", parsed.errors);
        prop_assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        prop_assert_eq!(parsed.errors[0].line, bad_line, "{:?} in {:?}", parsed.errors[0], file);
        prop_assert_eq!(parsed.errors[0].field, Some(import::ImportField::Amount));
        let good_lines: Vec<u64> = parsed.rows.iter().map(|row| row.line).collect();
        prop_assert!(!good_lines.contains(&bad_line));
    }
}
