//! One way to open an account: the command line and the app started with
//! `--profile` both read the profiles of `APSDESK_CONFIG_DIR` (the app's
//! profile switch goes through the same `profiles::open_account`).
//!
//! The binary is run with a home of its own, so the platform's config
//! directory holds no profile: a profile found can only have come from
//! `APSDESK_CONFIG_DIR`. Found, it goes on to the keyring for its secrets,
//! which this test's session does not have (and which would hold none for
//! it): the error then names the keyring, never a missing profile.

use std::path::Path;
use std::process::Output;

use tempfile::TempDir;

const PROFILES: &str = r#"
[[profile]]
id = "0123456789abcdef"
name = "shop"
merchant_identifier = "apsdeskdemo"
sha_type = "SHA-256"
language = "en"

[profile.environment]
simulator = { url = "http://127.0.0.1:9" }
"#;

/// `apsdesk ARGS` with an empty home, the config directory `config_dir`,
/// no display and no session bus (nothing may open a window or find a keyring).
fn apsdesk(home: &Path, config_dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_apsdesk"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("APSDESK_CONFIG_DIR", config_dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env_remove("APSDESK_DB")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("apsdesk runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn both_ways(home: &Path, config_dir: &Path, journal: &Path) -> [(&'static str, Output); 2] {
    let journal = journal.to_str().expect("utf-8 path");
    [
        (
            "the app",
            apsdesk(home, config_dir, &["--profile", "shop", "--db", journal]),
        ),
        (
            "the command line",
            apsdesk(
                home,
                config_dir,
                &[
                    "status",
                    "--profile",
                    "shop",
                    "--merchant-reference",
                    "A-1",
                    "--db",
                    journal,
                ],
            ),
        ),
    ]
}

#[test]
fn the_app_started_with_a_profile_and_the_command_line_read_apsdesk_config_dir() {
    let home = TempDir::new().expect("home");
    let with_profile = TempDir::new().expect("config dir");
    std::fs::write(with_profile.path().join("profiles.toml"), PROFILES).expect("written");
    let journal = home.path().join("journal.sqlite3");
    for (who, output) in both_ways(home.path(), with_profile.path(), &journal) {
        let error = stderr(&output);
        assert!(!output.status.success(), "{who}: {error}");
        assert!(
            !error.contains("no profile named"),
            "{who} looked for the profile elsewhere than APSDESK_CONFIG_DIR: {error}"
        );
        assert!(
            error.contains("keyring"),
            "{who} found the profile and went on to its secrets: {error}"
        );
    }
    // The control: the same home with an empty APSDESK_CONFIG_DIR names the
    // missing profile before any keyring is reached.
    let empty = TempDir::new().expect("config dir");
    for (who, output) in both_ways(home.path(), empty.path(), &journal) {
        let error = stderr(&output);
        assert!(
            error.contains(r#"no profile named "shop""#),
            "{who}: {error}"
        );
    }
}
