//! The Windows build, run under wine (issue 14): the cross-built
//! `apsdesk.exe` signs the published vectors, serves the simulator's rules over
//! loopback exactly as the Linux build does, captures and refunds through its
//! own SQLite journal, stores a profile's secrets in the Windows Credential
//! Manager and reads them back, and opens its window.
//!
//! These tests need wine, the .exe and a prepared wine prefix, so they are
//! `#[ignore]`d in the default run (`cargo test` lists them as ignored) and
//! run by `packaging/check-packages windows`, which builds the .exe, prepares
//! the prefix and an X server, and sets `APSDESK_EXE`, `APSDESK_WINE`,
//! `WINEPREFIX` and `DISPLAY`. Run without them, they fail: they never pass
//! by doing nothing.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use apsdesk::aps::params::Params;
use apsdesk::sim::SimConfig;
use common::{APPROVE_CARD, DECLINE_CARD, signed};

const WHY: &str = "needs wine and the cross-built .exe: run packaging/check-packages windows";

/// `wine apsdesk.exe ARGS`, with the test's environment.
fn exe(args: &[&str]) -> Command {
    let exe = std::env::var("APSDESK_EXE").unwrap_or_else(|_| panic!("APSDESK_EXE unset: {WHY}"));
    let wine = std::env::var("APSDESK_WINE").unwrap_or_else(|_| "wine".to_owned());
    assert!(
        std::env::var_os("WINEPREFIX").is_some(),
        "WINEPREFIX unset: {WHY}"
    );
    let mut command = Command::new(wine);
    command
        .arg(exe)
        .args(args)
        .env("WINEDEBUG", "-all")
        .env_remove("APSDESK_DB")
        .env_remove("APSDESK_PHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn run(mut command: Command, stdin: &str) -> Output {
    let mut child = command.spawn().expect("wine runs");
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("apsdesk.exe finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const P1_JSON: &str = r#"{"command":"PURCHASE","access_code":"SILgpo7pWbmzuURp2qri","merchant_identifier":"MxvOupuG","merchant_reference":"Test010","amount":"1000","currency":"USD","language":"en","customer_email":"test@gmail.com"}"#;

#[test]
#[ignore = "needs wine and the cross-built .exe: run packaging/check-packages windows"]
fn the_exe_prints_its_version_and_signs_the_published_vectors() {
    let output = run(exe(&["--version"]), "");
    assert_eq!(
        stdout(&output).trim(),
        format!("apsdesk {}", env!("CARGO_PKG_VERSION")),
        "{}",
        stderr(&output)
    );
    for (spelling, expected) in [
        (
            "sha256",
            "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882",
        ),
        (
            "HMAC-256",
            "b592468a25c7292cdadb2e58c3c184e5b868eda03d8c2920f66fe16a587681f3",
        ),
        (
            "hmac-sha512",
            "4c3addc9583cdadb5861d22926c2e6735aa32e18a747981fdafe454b050c38651bf96ab468ce24619468d87b8dad45820803b95595c3dca5710604ce363e75a2",
        ),
    ] {
        let mut command = exe(&["sign", "--sha-type", spelling]);
        command.env("APSDESK_PHRASE", "PASS");
        let output = run(command, P1_JSON);
        let printed = stdout(&output);
        assert_eq!(
            printed.lines().last(),
            Some(expected),
            "{spelling}: {}",
            stderr(&output)
        );
        // The same message with its signature verifies.
        let message = P1_JSON.replace('}', &format!(r#","signature":"{expected}"}}"#));
        let mut command = exe(&["verify", "--sha-type", spelling]);
        command.env("APSDESK_PHRASE", "PASS");
        let output = run(command, &message);
        assert_eq!(stdout(&output).lines().last(), Some("valid"));
        assert_eq!(output.status.code(), Some(0));
    }
}

/// `apsdesk.exe sim` on a free loopback port; killed on drop.
struct ExeSim {
    child: Child,
    base_url: String,
}

impl ExeSim {
    fn start() -> ExeSim {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("free port")
            .port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = exe(&["sim", "--listen", &listen])
            .stdin(Stdio::null())
            .spawn()
            .expect("apsdesk.exe sim starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        assert!(first.contains("listening on"), "sim said {first:?}");
        // Keep reading (and dropping) its output so that it never blocks.
        std::thread::spawn(move || lines.for_each(drop));
        ExeSim {
            child,
            base_url: format!("http://{listen}"),
        }
    }
}

impl Drop for ExeSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// POSTs `params` to a simulator's paymentApi and returns its answer.
async fn post(http: &reqwest::Client, base_url: &str, params: &Params) -> Params {
    let body = http
        .post(format!("{base_url}/FortAPI/paymentApi"))
        .header("content-type", "application/json")
        .body(params.to_json())
        .send()
        .await
        .expect("the simulator answers")
        .text()
        .await
        .expect("a body");
    Params::from_json(&body).expect("JSON")
}

#[test]
#[ignore = "needs wine and the cross-built .exe: run packaging/check-packages windows"]
fn the_exe_simulator_answers_as_the_linux_one_does() {
    use apsdesk::aps::Command as Aps;
    let money = |reference: &'static str, amount: &'static str| {
        vec![
            ("merchant_reference", reference),
            ("amount", amount),
            ("currency", "KWD"),
        ]
    };
    let card = |reference: &'static str, amount: &'static str, number: &'static str| {
        vec![
            ("merchant_reference", reference),
            ("amount", amount),
            ("currency", "KWD"),
            ("customer_email", "customer@example.com"),
            ("card_number", number),
            ("expiry_date", "3012"),
            ("card_security_code", "123"),
            ("card_holder_name", "Test Holder"),
        ]
    };
    // The rules a back office meets: over-capture, over-refund, void after
    // capture, a declined card, a status check, a wrong signature.
    let mut steps: Vec<Params> = vec![
        signed(Aps::Authorization, &card("W-1", "10000", APPROVE_CARD)),
        signed(Aps::Capture, &money("W-1", "20000")),
        signed(Aps::Capture, &money("W-1", "6000")),
        signed(Aps::Refund, &money("W-1", "7000")),
        signed(Aps::Refund, &money("W-1", "2500")),
        signed(Aps::VoidAuthorization, &[("merchant_reference", "W-1")]),
        signed(Aps::Purchase, &card("W-2", "5000", DECLINE_CARD)),
        signed(Aps::CheckStatus, &[("merchant_reference", "W-1")]),
    ];
    let mut tampered = signed(Aps::Capture, &money("W-1", "100"));
    tampered.set("signature", "0".repeat(64));
    steps.push(tampered);

    let runtime = common::runtime();
    let native = runtime.block_on(common::start_sim());
    let windows = ExeSim::start();
    let http = reqwest::Client::new();
    let answers = |base_url: &str| -> Vec<(Option<String>, Option<String>)> {
        steps
            .iter()
            .map(|step| {
                let answer = runtime.block_on(post(&http, base_url, step));
                (
                    answer.text("response_code").map(str::to_owned),
                    answer.text("status").map(str::to_owned),
                )
            })
            .collect()
    };
    let expected = answers(&native.base_url());
    assert_eq!(
        expected[0].0.as_deref(),
        Some("02000"),
        "the authorization passes"
    );
    assert_eq!(answers(&windows.base_url), expected);
}

#[test]
#[ignore = "needs wine and the cross-built .exe: run packaging/check-packages windows"]
fn the_exe_captures_and_refunds_through_its_journal() {
    let windows = ExeSim::start();
    let credentials = SimConfig::default().credentials;
    // The order exists on the Windows simulator.
    let runtime = common::runtime();
    let http = reqwest::Client::new();
    let answer = runtime.block_on(post(
        &http,
        &windows.base_url,
        &signed(
            apsdesk::aps::Command::Authorization,
            &[
                ("merchant_reference", "W-J"),
                ("amount", "10000"),
                ("currency", "KWD"),
                ("customer_email", "customer@example.com"),
                ("card_number", APPROVE_CARD),
                ("expiry_date", "3012"),
                ("card_security_code", "123"),
                ("card_holder_name", "Test Holder"),
            ],
        ),
    ));
    assert_eq!(answer.text("response_code"), Some("02000"));
    let dir = tempfile::TempDir::new().expect("temp dir");
    // Wine maps the Unix root to drive Z:.
    let db = dir.path().join("journal.sqlite3");
    let db = format!("Z:{}", db.display()).replace('/', "\\");
    let with_env = |args: &[&str]| {
        let mut command = exe(args);
        command
            .env(
                "APSDESK_MERCHANT_IDENTIFIER",
                &credentials.merchant_identifier,
            )
            .env("APSDESK_ACCESS_CODE", credentials.access_code.expose())
            .env(
                "APSDESK_REQUEST_PHRASE",
                credentials.request_phrase.expose(),
            )
            .env(
                "APSDESK_RESPONSE_PHRASE",
                credentials.response_phrase.expose(),
            )
            .env("APSDESK_SHA_TYPE", credentials.sha_type.to_string())
            .env("APSDESK_ENDPOINT", &windows.base_url)
            .env("APSDESK_OPERATOR", "wine")
            .args(["--db", &db]);
        run(command, "")
    };
    for (command, amount) in [("capture", "6.000"), ("refund", "2.500")] {
        let output = with_env(&[
            command,
            "--credentials-from-env",
            "--merchant-reference",
            "W-J",
            "--amount",
            amount,
            "--currency",
            "KWD",
        ]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command}: {}{}",
            stdout(&output),
            stderr(&output)
        );
    }
    let output = with_env(&["orders", "show", "W-J"]);
    let shown = stdout(&output);
    assert!(
        shown.contains("6.000") && shown.contains("2.500"),
        "orders show: {shown}{}",
        stderr(&output)
    );
    let output = with_env(&["journal", "verify"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "journal verify: {}{}",
        stdout(&output),
        stderr(&output)
    );
    // The Linux build reads the same journal file.
    let connection = rusqlite::Connection::open(dir.path().join("journal.sqlite3")).expect("opens");
    let entries: i64 = connection
        .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
        .expect("entries");
    assert!(entries >= 4, "{entries} entries");
}

#[test]
#[ignore = "needs wine and the cross-built .exe: run packaging/check-packages windows"]
fn a_profile_goes_to_the_credential_manager_and_comes_back() {
    let windows = ExeSim::start();
    let credentials = SimConfig::default().credentials;
    let dir = tempfile::TempDir::new().expect("temp dir");
    let config = format!("Z:{}", dir.path().display()).replace('/', "\\");
    let secrets = format!(
        "{}\n{}\n{}\n",
        credentials.access_code.expose(),
        credentials.request_phrase.expose(),
        credentials.response_phrase.expose()
    );
    let output = run(
        exe(&[
            "profile",
            "add",
            "wine-kw",
            "--environment",
            &windows.base_url,
            "--merchant-identifier",
            &credentials.merchant_identifier,
            "--sha-type",
            &credentials.sha_type.to_string(),
            "--config-dir",
            &config,
            "--replace",
        ]),
        &secrets,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // `profile test` reads the secrets back from the Credential Manager and
    // signs a status check with them: the simulator accepts only the right ones.
    let output = run(
        exe(&["profile", "test", "wine-kw", "--config-dir", &config]),
        "",
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    // The secrets are nowhere in clear: not in the config folder, not in the
    // prefix's registry files (where wine keeps its Credential Manager).
    // wineserver writes those when it exits: end the simulator, the prefix's
    // last process, and wait for it.
    drop(windows);
    let wine = std::env::var("APSDESK_WINE").unwrap_or_else(|_| "wine".to_owned());
    let server = std::path::Path::new(&wine).with_file_name(if wine.ends_with("64") {
        "wineserver64"
    } else {
        "wineserver"
    });
    let status = Command::new(&server)
        .arg("-w")
        .status()
        .unwrap_or_else(|error| panic!("{}: {error}", server.display()));
    assert!(status.success(), "wineserver -w: {status}");
    let prefix = std::env::var("WINEPREFIX").expect("WINEPREFIX");
    let phrase = credentials.request_phrase.expose().to_owned();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&prefix)
        .expect("prefix")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "reg"))
        .collect();
    assert!(!files.is_empty(), "the prefix has registry files");
    // And they are where the Credential Manager keeps them (encrypted).
    assert!(
        files.iter().any(|file| {
            String::from_utf8_lossy(&std::fs::read(file).unwrap_or_default())
                .contains("Credential Manager\\\\Generic")
        }),
        "no Credential Manager entries in the prefix's registry"
    );
    files.extend(
        std::fs::read_dir(dir.path())
            .expect("config")
            .filter_map(Result::ok)
            .map(|entry| entry.path()),
    );
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&phrase),
            "{} holds the phrase",
            file.display()
        );
    }
    let output = run(
        exe(&["profile", "remove", "wine-kw", "--config-dir", &config]),
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
#[ignore = "needs wine and the cross-built .exe: run packaging/check-packages windows"]
fn the_exe_opens_its_window() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "DISPLAY unset: {WHY}"
    );
    let mut child = exe(&[])
        .stdin(Stdio::null())
        .env("APSDESK_LOG", "info")
        .spawn()
        .expect("apsdesk.exe starts");
    let started = Instant::now();
    let mut seen = false;
    while started.elapsed() < Duration::from_secs(90) {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "apsdesk"])
            .output()
            .expect("xdotool runs (apt-get install xdotool)");
        if found.status.success() && !found.stdout.is_empty() {
            seen = true;
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let output = child.wait_with_output().expect("output");
            panic!("apsdesk.exe ended ({status}): {}", stderr(&output));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let elapsed = started.elapsed();
    // Let it draw, for the screenshot the script takes.
    std::thread::sleep(Duration::from_secs(3));
    if let Some(path) = std::env::var_os("APSDESK_SCREENSHOT") {
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(path)
            .status();
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("output");
    assert!(seen, "no apsdesk window: {}", stderr(&output));
    eprintln!(
        "window visible {} ms after start; log:\n{}",
        elapsed.as_millis(),
        stderr(&output)
    );
}
