//! Profiles against a real Secret Service: gnome-keyring on a private D-Bus
//! session, as on an operator's Linux desktop. Stores a profile's secrets,
//! reads them back after the keyring daemon itself restarts, runs a whole
//! session of operations with them, deletes them; then searches every file
//! the session produced for each secret's bytes.
//!
//! Needs `dbus-run-session` and `gnome-keyring-daemon` (Debian packages
//! `dbus` and `gnome-keyring`; `.ci/run` installs them). Without them this
//! test fails and says so: it never skips.

#![cfg(target_os = "linux")]

mod common;

use std::path::Path;
use std::process::{Command as Process, Output};

use common::{authorize_in_sim, sim_totals, start_sim};
use tempfile::TempDir;

/// Runs `script` in a fresh D-Bus session with gnome-keyring unlocked; the
/// keyring lives in `home`, so a second call finds what the first stored.
fn in_keyring_session(home: &Path, script: &str, envs: &[(&str, &str)]) -> Output {
    for tool in ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"] {
        let found = Process::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|output| output.status.success());
        assert!(
            found,
            "{tool} is missing: install the Debian packages dbus, gnome-keyring and libsecret-tools (.ci/run does)"
        );
    }
    let wrapped = format!(
        "set -e\neval \"$(printf keyring-password | gnome-keyring-daemon --unlock --components=secrets)\"\nexport GNOME_KEYRING_CONTROL\n{script}"
    );
    Process::new("dbus-run-session")
        .args(["--", "sh", "-c", &wrapped])
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("APSDESK", env!("CARGO_BIN_EXE_apsdesk"))
        .envs(envs.iter().copied())
        .output()
        .expect("dbus-run-session runs")
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn secrets_live_in_the_secret_service_and_nowhere_else() {
    let runtime = common::runtime();
    let sim = runtime.block_on(start_sim());
    authorize_in_sim(&sim, "KR-1", "20000", "KWD");
    let credentials = sim.credentials();
    let access_code = credentials.access_code.expose().to_owned();
    let request_phrase = credentials.request_phrase.expose().to_owned();
    let response_phrase = credentials.response_phrase.expose().to_owned();
    // The profile's Apple Pay set, and an Apple Pay order to maintain with it.
    let apple_pay = sim.apple_pay_credentials();
    let apple_access_code = apple_pay.access_code.expose().to_owned();
    let apple_request_phrase = apple_pay.request_phrase.expose().to_owned();
    let apple_response_phrase = apple_pay.response_phrase.expose().to_owned();
    let apple_sha_type = apple_pay.sha_type.to_string();
    let payment = apsdesk::aps::client::signed_request(
        &apple_pay,
        apsdesk::aps::Command::Authorization,
        &common::card_payment("KR-AP", "9000", "KWD", common::APPROVE_CARD),
        apsdesk::aps::Language::En,
    );
    sim.with_state(|state| state.handle(&payment, jiff::Timestamp::now()));
    let all_secrets = [
        &access_code,
        &request_phrase,
        &response_phrase,
        &apple_access_code,
        &apple_request_phrase,
        &apple_response_phrase,
    ];

    let home = TempDir::new().expect("home");
    let work = TempDir::new().expect("work");
    let config = work.path().join("config");
    let data = work.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let db = data.join("journal.sqlite3");
    let secrets_in = format!(
        "{access_code}\n{request_phrase}\n{response_phrase}\n{apple_access_code}\n{apple_request_phrase}\n{apple_response_phrase}\n"
    );
    let url = sim.base_url();
    let envs = [
        ("APSDESK_CONFIG_DIR", config.to_str().expect("path")),
        ("APSDESK_DB", db.to_str().expect("path")),
        ("SECRETS", secrets_in.as_str()),
        ("SIM_URL", url.as_str()),
        ("MERCHANT", credentials.merchant_identifier.as_str()),
        ("APPLE_SHA", apple_sha_type.as_str()),
    ];

    // Session 1: store the profile.
    let output = in_keyring_session(
        home.path(),
        r#"printf '%s' "$SECRETS" | "$APSDESK" profile add kw-sim --environment "$SIM_URL" \
            --merchant-identifier "$MERCHANT" --sha-type SHA-256 --merchant-name-ar "متجر الخليج" \
            --time-zone Asia/Kuwait --apple-pay-sha-type "$APPLE_SHA"
        # Keyed by the profile's identity: id/name/merchant/environment/kind.
        secret-tool search --all service apsdesk 2>&1 | grep -q "/kw-sim/$MERCHANT/.*/access_code"
        echo stored"#,
        &envs,
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("stored"));

    // Session 2: a new keyring daemon reads them back; a whole session of
    // operations runs with them.
    let csv = data.join("orders.csv");
    let backup = data.join("backup.sqlite3");
    let export = data.join("profiles-export.toml");
    let script = format!(
        r#""$APSDESK" profile test kw-sim
        "$APSDESK" status --profile kw-sim --merchant-reference KR-1
        "$APSDESK" capture --profile kw-sim --merchant-reference KR-1 --amount 15.000 --currency KWD
        "$APSDESK" refund --profile kw-sim --merchant-reference KR-1 --amount 5.000 --currency KWD
        "$APSDESK" capture --profile kw-sim --merchant-reference KR-AP --amount 9.000 --currency KWD
        "$APSDESK" orders export --out "{csv}"
        "$APSDESK" journal backup --out "{backup}"
        "$APSDESK" profile export > "{export}"
        "$APSDESK" orders show KR-1 --json
        echo session-done"#,
        csv = csv.display(),
        backup = backup.display(),
        export = export.display(),
    );
    let output = in_keyring_session(home.path(), &script, &envs);
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("The credentials work"), "{}", text(&output));
    assert!(stdout.contains("session-done"));
    assert_eq!(sim_totals(&sim, "KR-1"), (20_000, 15_000, 5_000));
    assert_eq!(
        sim_totals(&sim, "KR-AP"),
        (9_000, 9_000, 0),
        "the Apple Pay order, captured with the profile's Apple Pay set"
    );
    for secret in all_secrets {
        assert!(!stdout.contains(secret.as_str()), "a secret was printed");
        assert!(!String::from_utf8_lossy(&output.stderr).contains(secret.as_str()));
    }

    // Session 3: the journal's chain was keyed with a key of its own in the
    // same keyring, and verifies with it in a new session.
    let output = in_keyring_session(
        home.path(),
        r#""$APSDESK" journal verify
        secret-tool search --all service apsdesk 2>&1 | grep -c 'username = journal/'"#,
        &envs,
    );
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("intact") && stdout.contains("chain keyed from entry 1"),
        "{}",
        text(&output)
    );

    // Session 4: remove; the Secret Service no longer has them.
    let output = in_keyring_session(
        home.path(),
        r#""$APSDESK" profile remove kw-sim
        if secret-tool search --all service apsdesk 2>&1 | grep -q "/kw-sim/"; then echo still-there; exit 1; fi
        echo removed"#,
        &envs,
    );
    assert!(output.status.success(), "{}", text(&output));

    // Every file the session produced: config, journal (and WAL), CSV, backup, export.
    let mut scanned = Vec::new();
    for dir in [&config, &data] {
        for entry in std::fs::read_dir(dir).expect("dir") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("read");
            for secret in all_secrets {
                assert!(
                    !bytes
                        .windows(secret.len())
                        .any(|window| window == secret.as_bytes()),
                    "a secret is in {}",
                    path.display()
                );
            }
            scanned.push(path);
        }
    }
    assert!(scanned.iter().any(|path| path.ends_with("profiles.toml")));
    assert!(scanned.iter().any(|path| path.ends_with("journal.sqlite3")));
    assert!(scanned.iter().any(|path| path.ends_with("orders.csv")));
    assert!(
        scanned
            .iter()
            .any(|path| path.ends_with("profiles-export.toml"))
    );
    let exported = std::fs::read_to_string(&export).expect("export");
    assert!(exported.contains("kw-sim") && exported.contains("متجر الخليج"));
}

/// A journal on a new PC (issue 22): the same journal file opened under
/// another keyring (another HOME: another computer's Secret Service) is
/// read-only and says why; its key, exported under a passphrase on the
/// first and imported on the second, makes it writable and whole again. The
/// key file holds nothing of the key that the first keyring stores.
#[test]
fn a_journal_on_a_new_pc_takes_its_key_from_a_passphrase_sealed_file() {
    let first_pc = TempDir::new().expect("home");
    let second_pc = TempDir::new().expect("home");
    let work = TempDir::new().expect("work");
    let db = work.path().join("journal.sqlite3");
    let key_file = work.path().join("journal.key");
    let envs = [
        ("APSDESK_DB", db.to_str().expect("path")),
        ("KEYFILE", key_file.to_str().expect("path")),
        ("WORK", work.path().to_str().expect("path")),
    ];

    let output = in_keyring_session(
        first_pc.path(),
        r#""$APSDESK" journal seed --orders 3
        printf 'the desk passphrase\nthe desk passphrase\n' | "$APSDESK" journal key export --out "$KEYFILE"
        secret-tool search --all service apsdesk 2>&1 | grep '^secret = '"#,
        &envs,
    );
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    // The keyring holds the chain key (64 hex digits) and the rollback
    // witness (a JSON head) of the journal.
    let stored_key = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("secret = "))
        .find(|secret| {
            secret.trim().len() == 64 && secret.trim().bytes().all(|b| b.is_ascii_hexdigit())
        })
        .expect("the first PC's keyring holds the journal key")
        .trim()
        .to_owned();
    assert_eq!(stored_key.len(), 64, "{stdout}");
    let file = std::fs::read(&key_file).expect("key file");
    let key_bytes = hex::decode(&stored_key).expect("hex");
    let file_text = String::from_utf8_lossy(&file).to_lowercase();
    assert!(!file_text.contains(&stored_key.to_lowercase()));
    assert!(!file.windows(8).any(|window| window == &key_bytes[..8]));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key file is private: {mode:o}");
    }

    let output = in_keyring_session(
        second_pc.path(),
        r#"if "$APSDESK" journal seed --orders 1 2>"$WORK/refused.txt"; then echo "wrote without its key"; exit 1; fi
        cat "$WORK/refused.txt"
        if printf 'the desk passphrase?\n' | "$APSDESK" journal key import "$KEYFILE"; then echo "wrong passphrase imported"; exit 1; else echo "wrong passphrase refused: $?"; fi
        printf 'the desk passphrase\n' | "$APSDESK" journal key import "$KEYFILE"
        "$APSDESK" journal seed --orders 1
        "$APSDESK" journal verify"#,
        &envs,
    );
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("is not in this computer's keyring"), "{said}");
    assert!(said.contains("apsdesk journal key import"), "{said}");
    assert!(!said.contains("Unlock the keyring"), "{said}");
    assert!(said.contains("wrong passphrase refused: 1"), "{said}");
    assert!(said.contains("1 orders"), "{said}");
    assert!(said.contains("intact: "), "{said}");
}
