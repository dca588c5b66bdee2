//! The command line run as a user runs it: the `apsdesk` binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn apsdesk(args: &[&str], phrase: Option<&str>, stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apsdesk"));
    command
        .args(args)
        .env_remove("APSDESK_PHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(phrase) = phrase {
        command.env("APSDESK_PHRASE", phrase);
    }
    let mut child = command.spawn().expect("apsdesk runs");
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    // A run that refuses its arguments exits before reading its input.
    if let Err(err) = written {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    child.wait_with_output().expect("apsdesk finishes")
}

fn last_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

const P1_JSON: &str = r#"{"command":"PURCHASE","access_code":"SILgpo7pWbmzuURp2qri","merchant_identifier":"MxvOupuG","merchant_reference":"Test010","amount":"1000","currency":"USD","language":"en","customer_email":"test@gmail.com"}"#;

#[test]
fn sign_prints_the_signature_last_for_every_spelling() {
    for (spelling, expected) in [
        (
            "sha256",
            "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882",
        ),
        (
            "SHA-256",
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
        let output = apsdesk(&["sign", "--sha-type", spelling], Some("PASS"), P1_JSON);
        assert!(output.status.success(), "{spelling}: {output:?}");
        assert_eq!(last_line(&output), expected, "{spelling}");
    }
}

#[test]
fn show_string_hides_the_phrase() {
    let output = apsdesk(
        &["sign", "--sha-type", "sha256", "--show-string"],
        Some("PASS"),
        P1_JSON,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("<phrase>access_code=SILgpo7pWbmzuURp2qriamount=1000command=PURCHASE"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .next()
            .is_some_and(|line| line.ends_with("<phrase>"))
    );
    assert!(
        !stdout.contains("PASS"),
        "the phrase is never printed: {stdout}"
    );
}

#[test]
fn verify_says_valid_or_invalid_with_the_expected_signature() {
    let signed = P1_JSON.replace(
        r#""customer_email""#,
        r#""signature":"94C38AFC7BDAE0114FC8C740EDF12416F22998241CE4B4EA70D5521233A2C882","customer_email""#,
    );
    let output = apsdesk(&["verify", "--sha-type", "SHA-256"], Some("PASS"), &signed);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(last_line(&output), "valid");
    let output = apsdesk(&["verify", "--sha-type", "SHA-256"], Some("WRONG"), &signed);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(last_line(&output), "invalid");
    assert!(String::from_utf8_lossy(&output.stdout).contains("expected "));
}

#[test]
fn verify_reads_form_encoded_notifications() {
    // Signed on the decoded values: "O&#39;Brien" with its entity kept.
    let body = "customer_name=O%26%2339%3BBrien&status=14";
    let output = apsdesk(
        &["sign", "--sha-type", "sha512", "--form"],
        Some("OUT"),
        body,
    );
    let signature = last_line(&output);
    assert_eq!(signature.len(), 128);
    let notification = format!("{body}&signature={signature}\n");
    let output = apsdesk(
        &["verify", "--sha-type", "SHA-512", "--form"],
        Some("OUT"),
        &notification,
    );
    assert_eq!(
        (output.status.code(), last_line(&output)),
        (Some(0), "valid".to_owned())
    );
}

#[test]
fn the_phrase_comes_from_the_named_variable_only() {
    let output = apsdesk(&["sign", "--sha-type", "sha256"], None, P1_JSON);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("APSDESK_PHRASE"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_apsdesk"));
    let output = command
        .args(["sign", "--sha-type", "sha256", "--phrase-env", "MY_PHRASE"])
        .env("MY_PHRASE", "PASS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(P1_JSON.as_bytes())?;
            child.wait_with_output()
        })
        .expect("runs");
    assert_eq!(
        last_line(&output),
        "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882"
    );
}

#[test]
fn legacy_sha128_warns_and_bad_input_is_refused() {
    let output = apsdesk(&["sign", "--sha-type", "SHA-128"], Some("PASS"), P1_JSON);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("legacy"));
    let output = apsdesk(&["sign", "--sha-type", "md5"], Some("PASS"), P1_JSON);
    assert_eq!(output.status.code(), Some(2));
    let output = apsdesk(&["sign", "--sha-type", "sha256"], Some("PASS"), "not json");
    assert_eq!(output.status.code(), Some(2));
}

// The Secret Service is reached over D-Bus only on Linux.
#[cfg(target_os = "linux")]
#[test]
fn without_a_keyring_nothing_is_stored_and_the_operator_is_told_what_to_do() {
    let config = tempfile::TempDir::new().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_apsdesk"))
        .args([
            "profile",
            "add",
            "kw",
            "--environment",
            "sandbox",
            "--merchant-identifier",
            "M",
        ])
        .arg("--config-dir")
        .arg(config.path())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/apsdesk-test-bus",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"ACCESS-X\nREQUEST-X\nRESPONSE-X\n");
    if let Err(err) = written {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    let output = child.wait_with_output().expect("finishes");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("keyring") && stderr.contains("unlock"),
        "{stderr}"
    );
    assert!(!stderr.contains("ACCESS-X"));
    assert_eq!(
        std::fs::read_dir(config.path()).expect("dir").count(),
        0,
        "nothing written"
    );
}

/// `sign --form` hashes the body as given: trailing spaces of the last value
/// are signed, only the file's final newline is dropped, and `--show-string`
/// prints exactly what was hashed (the phrase hidden).
#[test]
fn sign_form_trims_nothing_but_the_final_newline() {
    let output = apsdesk(
        &["sign", "--sha-type", "sha256", "--form", "--show-string"],
        Some("PASS"),
        "a=1&b=x%20+ \n",
    );
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().next(), Some("<phrase>a=1b=x   <phrase>"));
    // sha256("PASSa=1b=x   PASS"), computed with sha256sum.
    assert_eq!(
        last_line(&output),
        "f2825a2aa081672f3d5867b6f71fc06c56da2db2a5825b819c407c64915aa628"
    );
}

/// `sign` and `verify` leave parameters with an empty value out of the
/// string, as the go-live checklist asks: P1 with an empty parameter added
/// signs as the published P1.
#[test]
fn sign_and_verify_leave_empty_parameters_out() {
    let with_empty = P1_JSON.replace('}', r#","order_description":""}"#);
    let output = apsdesk(
        &["sign", "--sha-type", "sha256", "--show-string"],
        Some("PASS"),
        &with_empty,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("order_description"), "{stdout}");
    assert_eq!(
        last_line(&output),
        "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882"
    );
    let signed = with_empty.replace(
        '}',
        r#","signature":"94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882"}"#,
    );
    let output = apsdesk(&["verify", "--sha-type", "SHA-256"], Some("PASS"), &signed);
    assert_eq!(
        (output.status.code(), last_line(&output)),
        (Some(0), "valid".to_owned())
    );
}
