//! The journal and the operations through the `apsdesk` binary, as a script
//! would run them: exit codes, `--db` anywhere, and a process killed between
//! *pending* and *completed*.

mod common;

use std::path::Path;
use std::process::{Command as Process, Output};
use std::time::{Duration, Instant};

use apsdesk::aps::Command;
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator};
use common::{authorize_in_sim, sim_totals, start_sim};
use tempfile::TempDir;

/// A simulator served by a runtime of its own, so that the test thread can
/// block on child processes.
struct Harness {
    sim: RunningSimulator,
    _runtime: tokio::runtime::Runtime,
    dir: TempDir,
}

impl Harness {
    fn new() -> Harness {
        let runtime = common::runtime();
        let sim = runtime.block_on(start_sim());
        Harness {
            sim,
            _runtime: runtime,
            dir: TempDir::new().expect("temp dir"),
        }
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("journal.sqlite3")
    }

    fn command(&self, args: &[&str]) -> Process {
        let mut process = common::apsdesk_with(&self.sim.credentials(), &self.sim.base_url());
        process.args(args).env("APSDESK_OPERATOR", "script");
        process
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("apsdesk runs")
    }
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn entry_count(db: &Path) -> i64 {
    let connection = rusqlite::Connection::open(db).expect("opens");
    connection
        .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
        .unwrap_or(0)
}

#[test]
fn exit_codes_say_what_happened() {
    let harness = Harness::new();
    let db = harness.db();
    let db = db.to_str().expect("utf-8 path");
    authorize_in_sim(&harness.sim, "CLI-1", "10000", "KWD");
    let money = |command: &str, amount: &str| {
        vec![
            command.to_owned(),
            "--credentials-from-env".to_owned(),
            "--merchant-reference".to_owned(),
            "CLI-1".to_owned(),
            "--amount".to_owned(),
            amount.to_owned(),
            "--currency".to_owned(),
            "KWD".to_owned(),
            "--db".to_owned(),
            db.to_owned(),
        ]
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        harness.run(&args)
    };

    // 2: invalid input, nothing sent and nothing recorded.
    let output = run(money("capture", "1.2345"));
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("amount"), "{}", stderr(&output));
    assert_eq!(harness.sim.received(Command::Capture), 0);
    assert_eq!(entry_count(Path::new(db)), 0);

    // 0: succeeded (--db before the subcommand this time).
    let mut args = vec!["--db".to_owned(), db.to_owned()];
    args.extend(money("capture", "6.000").into_iter().take(8));
    let output = run(args);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("partially_captured"),
        "{}",
        stdout(&output)
    );
    assert_eq!(sim_totals(&harness.sim, "CLI-1").1, 6000);

    // 2: refused on APS's own figures (more than captured), nothing sent.
    let output = run(money("refund", "6.010"));
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    assert!(stderr(&output).contains("amount"), "{}", stderr(&output));
    assert_eq!(harness.sim.received(Command::Refund), 0);

    // 4: untrusted (the answer is signed with another phrase).
    harness
        .sim
        .inject(FaultRule::once(Command::Refund, FaultKind::WrongSignature));
    let output = run(money("refund", "1.000"));
    assert_eq!(code(&output), 4, "{}{}", stdout(&output), stderr(&output));
    assert!(stderr(&output).contains("UNTRUSTED"));

    // The untrusted refund blocks the order; reconcile settles it (applied).
    let output = run(vec![
        "journal".into(),
        "reconcile".into(),
        "--credentials-from-env".into(),
        "--db".into(),
        db.into(),
    ]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("applied"), "{}", stdout(&output));

    // 3: uncertain (the connection drops after the refund was applied).
    harness
        .sim
        .inject(FaultRule::once(Command::Refund, FaultKind::DropAfterApply));
    let output = run(money("refund", "1.000"));
    assert_eq!(code(&output), 3, "{}{}", stdout(&output), stderr(&output));
    assert!(stderr(&output).contains("UNCERTAIN"));

    // A JSON status check, and `orders show` with the whole timeline.
    let output = harness.run(&[
        "status",
        "--merchant-reference",
        "CLI-1",
        "--json",
        "--credentials-from-env",
        "--db",
        db,
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let status: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    assert_eq!(status["outcome"], "succeeded");
    assert_eq!(status["order"]["refunded_minor"], 2000);
    let output = harness.run(&["orders", "show", "CLI-1", "--db", db]);
    let shown = stdout(&output);
    assert!(shown.contains("captured           6.000 KWD"), "{shown}");
    assert!(shown.contains("resolution"), "{shown}");

    // 5: nothing listening.
    let output = Process::new(env!("CARGO_BIN_EXE_apsdesk"))
        .args([
            "status",
            "--merchant-reference",
            "CLI-1",
            "--credentials-from-env",
            "--db",
            db,
        ])
        .envs(
            harness
                .command(&[])
                .get_envs()
                .filter_map(|(key, value)| Some((key.to_owned(), value?.to_owned()))),
        )
        .env("APSDESK_ENDPOINT", "http://127.0.0.1:9")
        .output()
        .expect("runs");
    assert_eq!(code(&output), 5, "{}", stderr(&output));

    let output = harness.run(&["journal", "verify", "--db", db]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).starts_with("intact"));
}

#[test]
fn a_killed_process_leaves_a_pending_refund_that_restart_reconciles_without_resending() {
    let harness = Harness::new();
    let db = harness.db();
    let db = db.to_str().expect("utf-8 path");
    authorize_in_sim(&harness.sim, "KILL-1", "10000", "KWD");
    let output = harness.run(&[
        "capture",
        "--credentials-from-env",
        "--db",
        db,
        "--merchant-reference",
        "KILL-1",
        "--amount",
        "10",
        "--currency",
        "KWD",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    // APS applies the refund and takes 20 s to answer; the process is killed
    // as soon as the money has moved.
    harness.sim.inject(FaultRule::once(
        Command::Refund,
        FaultKind::HangAfterApply { millis: 20_000 },
    ));
    let mut child = harness
        .command(&[
            "refund",
            "--credentials-from-env",
            "--db",
            db,
            "--merchant-reference",
            "KILL-1",
            "--amount",
            "4.000",
            "--currency",
            "KWD",
        ])
        .spawn()
        .expect("spawns");
    let started = Instant::now();
    while sim_totals(&harness.sim, "KILL-1").2 == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the refund never arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("killed");
    child.wait().expect("reaped");

    let output = harness.run(&["orders", "show", "KILL-1", "--json", "--db", db]);
    let shown: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    assert_eq!(shown["open_operations"][0]["state"], "pending", "{shown}");
    assert_eq!(shown["order"]["refunded_minor"], 0);

    // Restart: reconciliation settles it by CHECK_STATUS only.
    let output = harness.run(&["journal", "reconcile", "--credentials-from-env", "--db", db]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains(": applied"), "{}", stdout(&output));
    assert_eq!(harness.sim.received(Command::Refund), 1, "no second refund");
    assert_eq!(sim_totals(&harness.sim, "KILL-1").2, 4000);
    let output = harness.run(&["orders", "show", "KILL-1", "--json", "--db", db]);
    let shown: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    assert_eq!(shown["order"]["refunded_minor"], 4000);
    assert_eq!(shown["open_operations"].as_array().map(Vec::len), Some(0));
}

#[test]
fn seed_list_export_backup_from_the_command_line() {
    let harness = Harness::new();
    let db = harness.db();
    let db = db.to_str().expect("utf-8 path");
    let output = harness.run(&["journal", "seed", "--orders", "400", "--db", db]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("400 orders"));

    let output = harness.run(&[
        "orders",
        "list",
        "--db",
        db,
        "--currency",
        "KWD",
        "--sort",
        "amount",
        "--limit",
        "5",
        "--json",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let rows: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|row| row["currency"] == "KWD"));
    let amounts: Vec<i64> = rows
        .iter()
        .map(|row| row["amount_minor"].as_i64().expect("amount"))
        .collect();
    assert!(
        amounts.windows(2).all(|pair| pair[0] >= pair[1]),
        "largest first: {amounts:?}"
    );

    // The table's date is the payment's time when known (as the app's),
    // the journal's first sight only when not, marked and explained: an
    // order known from a status check only (CHECK_STATUS does not say when
    // it was paid) beside the seeded ones, whose payment times are known.
    authorize_in_sim(&harness.sim, "STAR-1", "10000", "KWD");
    let output = harness.run(&[
        "status",
        "--merchant-reference",
        "STAR-1",
        "--credentials-from-env",
        "--db",
        db,
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let listed = |json: bool| {
        let mut args = vec!["orders", "list", "--db", db, "--limit", "20"];
        if json {
            args.push("--json");
        }
        stdout(&harness.run(&args))
    };
    let table = listed(false);
    let short = apsdesk::journal::export::format_time_short;
    let mut marked = 0;
    for row in listed(true).lines() {
        let row: serde_json::Value = serde_json::from_str(row).expect("JSON line");
        let reference = row["merchant_reference"].as_str().expect("reference");
        let line = table
            .lines()
            .find(|line| line.starts_with(reference))
            .expect("listed");
        if let Some(paid) = row["payment"]["time"]["at_ms"].as_i64() {
            assert!(line.contains(&format!("{} ", short(paid))), "{line}");
        } else {
            marked += 1;
            let created = row["created_ms"].as_i64().expect("created");
            assert!(line.contains(&format!("{}*", short(created))), "{line}");
        }
    }
    assert!(marked > 0 && marked < 20, "both kinds listed:\n{table}");
    assert!(
        table.contains("* when this journal first saw the order"),
        "{table}"
    );

    let output = harness.run(&["orders", "list", "--db", db, "--state", "nonsense"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--state"));

    let csv = harness.dir.path().join("kwd.csv");
    let output = harness.run(&[
        "orders",
        "export",
        "--db",
        db,
        "--currency",
        "KWD",
        "--out",
        csv.to_str().expect("path"),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let bytes = std::fs::read(&csv).expect("written");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    // The journal's head at export time travels beside the export.
    let anchor = apsdesk::journal::anchor::Anchor::from_json(
        &std::fs::read_to_string(harness.dir.path().join("kwd.csv.anchor")).expect("anchored"),
    )
    .expect("an anchor");
    assert_eq!(anchor.entries, entry_count(std::path::Path::new(db)));

    let backup = harness.dir.path().join("backup.sqlite3");
    let output = harness.run(&[
        "journal",
        "backup",
        "--out",
        backup.to_str().expect("path"),
        "--db",
        db,
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = harness.run(&["journal", "verify", "--db", backup.to_str().expect("path")]);
    assert_eq!(code(&output), 0);

    let output = harness.run(&[
        "capture",
        "--db",
        db,
        "--merchant-reference",
        "X",
        "--amount",
        "1",
        "--currency",
        "KWD",
    ]);
    assert_eq!(code(&output), 2, "no account given");
    assert!(stderr(&output).contains("--credentials-from-env"));
}

// ---- The journal as evidence (issue 11) ----

fn seeded(harness: &Harness, orders: &str) -> String {
    let db = harness.db().to_str().expect("utf-8 path").to_owned();
    let output = harness.run(&["journal", "seed", "--orders", orders, "--db", &db]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    db
}

#[test]
fn restore_from_a_mistyped_path_keeps_every_entry_and_creates_no_file() {
    let harness = Harness::new();
    let db = seeded(&harness, "40");
    let before = entry_count(Path::new(&db));
    assert!(before > 0);
    let typo = harness.dir.path().join("bakcup.sqlite3");
    let output = harness.run(&[
        "journal",
        "restore",
        "--from",
        typo.to_str().expect("path"),
        "--db",
        &db,
    ]);
    assert_eq!(code(&output), 2, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stderr(&output).contains("bakcup.sqlite3"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("nothing was restored"),
        "{}",
        stderr(&output)
    );
    assert!(!typo.exists(), "a file was created at the mistyped path");
    assert_eq!(entry_count(Path::new(&db)), before, "every entry kept");
    let output = harness.run(&["journal", "verify", "--db", &db]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));

    // Not a journal, or a journal whose chain is broken: refused alike.
    let junk = harness.dir.path().join("notes.txt");
    std::fs::write(&junk, "not a database").expect("written");
    let output = harness.run(&[
        "journal",
        "restore",
        "--from",
        junk.to_str().expect("path"),
        "--db",
        &db,
    ]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let backup = harness.dir.path().join("backup.sqlite3");
    let backup_text = backup.to_str().expect("path");
    let output = harness.run(&["journal", "backup", "--out", backup_text, "--db", &db]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let connection = rusqlite::Connection::open(&backup).expect("opens");
    connection
        .execute_batch(
            "DROP TRIGGER entries_no_update; UPDATE entries SET amount_minor = 1 WHERE seq = 3;",
        )
        .expect("edited");
    drop(connection);
    let output = harness.run(&["journal", "restore", "--from", backup_text, "--db", &db]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("entry 3"), "{}", stderr(&output));
    assert_eq!(entry_count(Path::new(&db)), before, "every entry kept");
}

#[test]
fn restore_over_open_operations_names_them_and_needs_force() {
    use apsdesk::journal::Journal;
    use apsdesk::journal::store::{Actor, NewEntry};

    let harness = Harness::new();
    let db = seeded(&harness, "20");
    let backup = harness.dir.path().join("backup.sqlite3");
    let backup_text = backup.to_str().expect("path");
    let output = harness.run(&["journal", "backup", "--out", backup_text, "--db", &db]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // After the backup, a refund was sent and its answer never came.
    {
        let mut journal = Journal::open(Path::new(&db)).expect("opens");
        let actor = Actor {
            operator: "amal".into(),
            profile: "demo".into(),
            account: apsdesk::sim::config::DEMO_MERCHANT_IDENTIFIER.into(),
            environment: apsdesk::aps::client::Environment::Simulator,
        };
        let order_id = journal.ensure_order(&actor, "PENDING-7").expect("order");
        journal
            .record_request(
                &actor,
                order_id,
                apsdesk::aps::Command::Refund,
                true,
                &NewEntry {
                    amount_minor: Some(500),
                    payload: "{}",
                    ..NewEntry::default()
                },
            )
            .expect("recorded");
    }
    let before = entry_count(Path::new(&db));
    // The backup checked first, as an operator would.
    let output = harness.run(&["journal", "verify", "--db", backup_text]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = harness.run(&["journal", "restore", "--from", backup_text, "--db", &db]);
    assert_eq!(code(&output), 1, "{}{}", stdout(&output), stderr(&output));
    assert!(stderr(&output).contains("PENDING-7"), "{}", stderr(&output));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(entry_count(Path::new(&db)), before, "nothing changed");

    let output = harness.run(&[
        "journal",
        "restore",
        "--from",
        backup_text,
        "--force",
        "--db",
        &db,
    ]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("PENDING-7"), "{}", stdout(&output));
    assert_eq!(
        entry_count(Path::new(&db)),
        before - 1,
        "the backup's entries"
    );
    // The replaced journal is kept, open refund included, and verifies.
    let kept: Vec<_> = std::fs::read_dir(harness.dir.path())
        .expect("listed")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.contains(".before-restore-") && !name.ends_with(".anchor"))
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(entry_count(&kept[0]), before);
    let output = harness.run(&["journal", "verify", "--db", kept[0].to_str().expect("path")]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let output = harness.run(&["journal", "verify", "--db", &db]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    // The source is left as it was found: no WAL or shared memory beside it.
    for sidecar in ["-wal", "-shm"] {
        assert!(
            !Path::new(&format!("{backup_text}{sidecar}")).exists(),
            "{sidecar}"
        );
    }
}

#[test]
fn verify_reports_a_truncated_journal_and_edited_derived_state() {
    let harness = Harness::new();
    let db = seeded(&harness, "30");
    let before = entry_count(Path::new(&db));
    let connection = rusqlite::Connection::open(&db).expect("opens");
    connection
        .execute_batch(&format!(
            "DROP TRIGGER entries_no_delete;
             DELETE FROM entries WHERE seq > {};
             UPDATE orders SET captured_minor = captured_minor + 1 WHERE merchant_reference = 'SYN-00000003';",
            before - 2
        ))
        .expect("tampered");
    drop(connection);
    let output = harness.run(&["journal", "verify", "--db", &db]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    let shown = stdout(&output);
    assert!(shown.contains("truncated"), "{shown}");
    assert!(shown.contains("2 entries are missing"), "{shown}");
    assert!(shown.contains("SYN-00000003"), "{shown}");
}

#[cfg(unix)]
#[test]
fn journal_backup_and_export_are_created_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let harness = Harness::new();
    let nested = harness.dir.path().join("data/apsdesk/journal.sqlite3");
    let db = nested.to_str().expect("path");
    let output = harness.run(&["journal", "seed", "--orders", "5", "--db", db]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(mode(&harness.dir.path().join("data")), 0o700);
    assert_eq!(mode(&harness.dir.path().join("data/apsdesk")), 0o700);
    assert_eq!(mode(&nested), 0o600);
    assert_eq!(
        mode(
            &harness
                .dir
                .path()
                .join("data/apsdesk/journal.sqlite3.anchor")
        ),
        0o600
    );
    let backup = harness.dir.path().join("backup.sqlite3");
    let output = harness.run(&[
        "journal",
        "backup",
        "--out",
        backup.to_str().expect("path"),
        "--db",
        db,
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(mode(&backup), 0o600);
    let csv = harness.dir.path().join("orders.csv");
    let output = harness.run(&[
        "orders",
        "export",
        "--out",
        csv.to_str().expect("path"),
        "--db",
        db,
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(mode(&csv), 0o600, "the export");
    // The folder the operator chose keeps its own permissions.
    let shared = harness.dir.path().join("shared");
    std::fs::create_dir(&shared).expect("created");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let csv = shared.join("orders.csv");
    let output = harness.run(&[
        "orders",
        "export",
        "--out",
        csv.to_str().expect("path"),
        "--db",
        db,
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!((mode(&shared), mode(&csv)), (0o755, 0o600));
}

#[test]
fn a_damaged_journal_is_replaced_only_when_forced_and_kept_as_it_was() {
    let harness = Harness::new();
    let db = seeded(&harness, "10");
    let backup = harness.dir.path().join("backup.sqlite3");
    let backup_text = backup.to_str().expect("path");
    let output = harness.run(&["journal", "backup", "--out", backup_text, "--db", &db]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let damaged = b"SQLite format 3\0 and then garbage".repeat(100);
    std::fs::write(&db, &damaged).expect("damaged");
    for sidecar in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{sidecar}"));
    }
    let output = harness.run(&["journal", "restore", "--from", backup_text, "--db", &db]);
    assert_eq!(code(&output), 1, "{}{}", stdout(&output), stderr(&output));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(&db).expect("read"),
        damaged,
        "nothing changed"
    );
    let output = harness.run(&[
        "journal",
        "restore",
        "--from",
        backup_text,
        "--force",
        "--db",
        &db,
    ]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let kept = stdout(&output)
        .lines()
        .find_map(|line| line.strip_prefix("the replaced journal is kept at "))
        .map(str::to_owned)
        .expect("kept path shown");
    assert_eq!(
        std::fs::read(&kept).expect("kept"),
        damaged,
        "kept byte for byte"
    );
    let output = harness.run(&["journal", "verify", "--db", &db]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
}

#[test]
fn verify_and_backup_of_a_mistyped_journal_path_create_nothing() {
    let harness = Harness::new();
    let typo = harness.dir.path().join("jounral.sqlite3");
    let typo_text = typo.to_str().expect("path");
    let output = harness.run(&["journal", "verify", "--db", typo_text]);
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    let out = harness.dir.path().join("b.sqlite3");
    let output = harness.run(&[
        "journal",
        "backup",
        "--out",
        out.to_str().expect("path"),
        "--db",
        typo_text,
    ]);
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    assert!(
        stderr(&output).contains("no journal at"),
        "{}",
        stderr(&output)
    );
    assert!(!typo.exists() && !out.exists());
}

/// Issue 12: `status --return-third-party-response-codes` asks APS for the
/// processor's and acquirer's codes, and prints them; without the flag they
/// are neither asked for nor printed.
#[test]
fn status_prints_the_third_party_codes_when_asked() {
    let harness = Harness::new();
    let db = harness.db();
    let db = db.to_str().expect("utf-8 path");
    authorize_in_sim(&harness.sim, "TP-1", "10000", "KWD");
    let status = |extra: &[&str]| {
        let mut args = vec![
            "status",
            "--credentials-from-env",
            "--merchant-reference",
            "TP-1",
            "--db",
            db,
        ];
        args.extend_from_slice(extra);
        harness.run(&args)
    };
    let plain = status(&[]);
    assert_eq!(code(&plain), 0, "{}", stderr(&plain));
    assert!(
        !stdout(&plain).contains("acquirer_response_code"),
        "{}",
        stdout(&plain)
    );
    let asked = status(&["--return-third-party-response-codes"]);
    assert_eq!(code(&asked), 0, "{}", stderr(&asked));
    for expected in [
        "processor_response_code: 00",
        "acquirer_response_code: 00",
        "acquirer_response_message: Approved",
    ] {
        assert!(
            stdout(&asked).contains(expected),
            "{expected}: {}",
            stdout(&asked)
        );
    }
}

#[test]
fn a_cut_journal_takes_no_status_check_until_the_operator_accepts_it() {
    let harness = Harness::new();
    let db = harness.db();
    let db = db.to_str().expect("utf-8 path");
    authorize_in_sim(&harness.sim, "CUT-A", "10000", "KWD");
    authorize_in_sim(&harness.sim, "CUT-B", "10000", "KWD");
    let status = |reference: &str| {
        harness.run(&[
            "status",
            "--credentials-from-env",
            "--merchant-reference",
            reference,
            "--db",
            db,
        ])
    };
    for reference in ["CUT-A", "CUT-A", "CUT-B"] {
        let output = status(reference);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
    }
    // CUT-A's second status check cut from the end (its first explains the row).
    let before = entry_count(Path::new(db));
    let connection = rusqlite::Connection::open(db).expect("opens");
    connection
        .execute_batch(&format!(
            "DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE seq > {};",
            before - 2
        ))
        .expect("cut");
    drop(connection);
    let anchor = format!("{db}.anchor");
    let anchored = std::fs::read(&anchor).expect("anchor");

    // An unrelated status check: refused, nothing sent, the anchor kept.
    let checks = harness.sim.received(Command::CheckStatus);
    let output = status("CUT-B");
    assert_eq!(code(&output), 2, "nothing sent: {}", stdout(&output));
    assert!(
        stderr(&output).contains("journal verify"),
        "{}",
        stderr(&output)
    );
    assert_eq!(harness.sim.received(Command::CheckStatus), checks);
    assert_eq!(std::fs::read(&anchor).expect("anchor"), anchored);
    assert_eq!(entry_count(Path::new(db)), before - 2);
    let output = harness.run(&["journal", "verify", "--db", db]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("2 entries are missing")
            && stdout(&output).contains("new entries are refused"),
        "{}",
        stdout(&output)
    );

    // Accepted once seen: recorded, and the journal takes writes again.
    let output = harness.run(&["journal", "verify", "--accept", "--db", db]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("2 entries are missing")
            && stdout(&output).contains("accepted: recorded as entry"),
        "{}",
        stdout(&output)
    );
    let output = status("CUT-B");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = harness.run(&["journal", "verify", "--db", db]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("script accepted the journal as it was"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn restoring_an_older_backup_says_what_leaves_and_needs_force() {
    let harness = Harness::new();
    let db = harness.db();
    let db = db.to_str().expect("utf-8 path");
    authorize_in_sim(&harness.sim, "OLD-1", "10000", "KWD");
    authorize_in_sim(&harness.sim, "OLD-2", "10000", "KWD");
    let status = |reference: &str| {
        harness.run(&[
            "status",
            "--credentials-from-env",
            "--merchant-reference",
            reference,
            "--db",
            db,
        ])
    };
    assert_eq!(code(&status("OLD-1")), 0);
    let backup = harness.dir.path().join("older.sqlite3");
    let backup = backup.to_str().expect("path");
    let output = harness.run(&["journal", "backup", "--out", backup, "--db", db]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(code(&status("OLD-2")), 0);
    assert_eq!(code(&status("OLD-1")), 0);
    let live = entry_count(Path::new(db));

    let output = harness.run(&["journal", "restore", "--from", backup, "--db", db]);
    assert_eq!(code(&output), 1, "{}{}", stdout(&output), stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("older than the journal")
            && said.contains("4 entries, 0 open operation(s) and 1 order(s) would leave")
            && said.contains("--force"),
        "{said}"
    );
    assert_eq!(entry_count(Path::new(db)), live, "nothing changed");

    let output = harness.run(&[
        "journal", "restore", "--from", backup, "--force", "--db", db,
    ]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("left the live journal"),
        "{}",
        stdout(&output)
    );
    assert_eq!(entry_count(Path::new(db)), live - 4);
    assert_eq!(
        code(&status("OLD-1")),
        0,
        "the restored journal takes writes"
    );
}
