//! Profile store tests on keyring-core's mock store, errors injected.

use keyring_core::Error as KeyringError;

use super::vault::{SecretKind, Vault};
use super::*;

fn profile(name: &str) -> Profile {
    Profile {
        id: None,
        name: name.to_owned(),
        environment: Environment::Sandbox,
        merchant_identifier: "MxvOupuG".to_owned(),
        sha_type: "SHA-256".to_owned(),
        apple_pay: None,
        language: "ar".to_owned(),
        receipt: ReceiptDetails {
            name_en: "Gulf Traders".to_owned(),
            name_ar: "تجار الخليج".to_owned(),
            time_zone: "Asia/Kuwait".to_owned(),
            ..ReceiptDetails::default()
        },
        timeout_secs: None,
    }
}

fn secrets() -> ProfileSecrets {
    ProfileSecrets {
        access_code: Secret::new("ACCESS-CODE-SECRET-1"),
        request_phrase: Secret::new("REQUEST-PHRASE-SECRET-2"),
        response_phrase: Secret::new("RESPONSE-PHRASE-SECRET-3"),
        apple_pay: None,
    }
}

fn new_store() -> (tempfile::TempDir, ProfileStore, Vault) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let vault = Vault::with_store(keyring_core::mock::Store::new().expect("mock store"));
    let store = ProfileStore::new(dir.path(), vault.clone());
    (dir, store, vault)
}

fn inject(vault: &Vault, profile: &str, kind: SecretKind, error: KeyringError) {
    let entry = vault.raw_entry(profile, kind).expect("entry");
    let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().expect("a mock credential");
    mock.set_error(error);
}

#[test]
fn a_saved_profile_gives_its_credentials_and_the_file_has_no_secret() {
    let (_dir, store, _vault) = new_store();
    store
        .save(&profile("kw-sandbox"), &secrets(), false)
        .expect("saved");
    let (read, credentials) = store.credentials("kw-sandbox").expect("credentials");
    assert!(read.id.is_some(), "an id is created with the profile");
    assert_eq!(Profile { id: None, ..read }, profile("kw-sandbox"));
    assert_eq!(credentials.access_code.expose(), "ACCESS-CODE-SECRET-1");
    assert_eq!(
        credentials.response_phrase.expose(),
        "RESPONSE-PHRASE-SECRET-3"
    );
    assert_eq!(credentials.sha_type, ShaType::Sha256);
    let file = std::fs::read_to_string(store.file()).expect("file written");
    assert!(file.contains("kw-sandbox") && file.contains("تجار الخليج"));
    for secret in [
        "ACCESS-CODE-SECRET-1",
        "REQUEST-PHRASE-SECRET-2",
        "RESPONSE-PHRASE-SECRET-3",
    ] {
        assert!(!file.contains(secret));
        assert!(!store.export().expect("export").contains(secret));
    }
    assert!(matches!(
        store.save(&profile("kw-sandbox"), &secrets(), false),
        Err(ProfileError::Exists(_))
    ));
}

/// The keyring account a profile saved with this id uses.
fn account(name: &str, id: &str) -> String {
    Profile {
        id: Some(ProfileId::fixed(id)),
        ..profile(name)
    }
    .keyring_account()
}

#[test]
fn a_keyring_failure_leaves_no_half_profile() {
    let (_dir, store, vault) = new_store();
    let account = account("p", "fixed-id");
    // Create the entries so errors can be injected on them, then clear them.
    store
        .save_with_id(
            &profile("p"),
            &secrets(),
            false,
            ProfileId::fixed("fixed-id"),
        )
        .expect("saved");
    store.remove("p").expect("removed");
    inject(
        &vault,
        &account,
        SecretKind::ResponsePhrase,
        KeyringError::NoStorageAccess("locked".into()),
    );
    let error = store
        .save_with_id(
            &profile("p"),
            &secrets(),
            false,
            ProfileId::fixed("fixed-id"),
        )
        .expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains("keyring") && message.contains("locked"),
        "{message}"
    );
    assert!(!message.contains("SECRET"), "{message}");
    assert!(
        store.list().expect("list").is_empty(),
        "the file was not written"
    );
    for kind in [SecretKind::AccessCode, SecretKind::RequestPhrase] {
        assert!(
            vault.get(&account, kind).expect("read").is_none(),
            "rolled back"
        );
    }
}

#[test]
fn a_locked_keyring_on_read_is_said_plainly() {
    let (_dir, store, vault) = new_store();
    store.save(&profile("p"), &secrets(), false).expect("saved");
    let account = store.get("p").expect("saved").keyring_account();
    inject(
        &vault,
        &account,
        SecretKind::AccessCode,
        KeyringError::NoStorageAccess("the collection is locked".into()),
    );
    let message = store.credentials("p").expect_err("refused").to_string();
    assert!(message.contains("the collection is locked"), "{message}");
    assert!(
        message.contains("unlock") || message.contains("Credential Manager"),
        "{message}"
    );
    // The error was one-shot: the next read works.
    assert!(store.credentials("p").is_ok());
    vault
        .delete(&account, SecretKind::RequestPhrase)
        .expect("deleted");
    assert!(matches!(
        store.credentials("p"),
        Err(ProfileError::MissingSecret {
            secret: "request_phrase",
            ..
        })
    ));
}

#[test]
fn remove_deletes_the_secrets_and_apple_pay_goes_together() {
    let (_dir, store, vault) = new_store();
    let mut with_apple_pay = profile("ap");
    with_apple_pay.apple_pay = Some(ApplePay {
        sha_type: "HMAC-512".to_owned(),
    });
    assert!(
        store.save(&with_apple_pay, &secrets(), false).is_err(),
        "secrets missing"
    );
    let mut all = secrets();
    all.apple_pay = Some([Secret::new("AP1"), Secret::new("AP2"), Secret::new("AP3")]);
    store.save(&with_apple_pay, &all, false).expect("saved");
    let account = store.get("ap").expect("saved").keyring_account();
    assert_eq!(
        vault
            .get(&account, SecretKind::ApplePayResponsePhrase)
            .expect("read")
            .map(|s| s.expose().to_owned()),
        Some("AP3".to_owned())
    );
    store.remove("ap").expect("removed");
    for kind in SecretKind::ALL {
        assert!(
            vault.get(&account, kind).expect("read").is_none(),
            "{kind:?}"
        );
    }
    assert!(matches!(store.remove("ap"), Err(ProfileError::Unknown(_))));
}

#[test]
fn an_opened_account_carries_the_apple_pay_set_as_its_own_credentials() {
    let (_dir, store, _vault) = new_store();
    store
        .save(&profile("plain"), &secrets(), false)
        .expect("saved");
    let opened = super::open_account(&store, "plain").expect("opened");
    assert!(opened.apple_pay.is_none());
    let mut with_apple_pay = profile("ap");
    with_apple_pay.apple_pay = Some(ApplePay {
        sha_type: "HMAC-512".to_owned(),
    });
    let mut all = secrets();
    all.apple_pay = Some([Secret::new("AP1"), Secret::new("AP2"), Secret::new("AP3")]);
    store.save(&with_apple_pay, &all, false).expect("saved");
    let opened = super::open_account(&store, "ap").expect("opened");
    let apple_pay = opened.apple_pay.expect("the Apple Pay set");
    assert_eq!(apple_pay.access_code.expose(), "AP1");
    assert_eq!(apple_pay.request_phrase.expose(), "AP2");
    assert_eq!(apple_pay.response_phrase.expose(), "AP3");
    assert_eq!(apple_pay.sha_type, crate::aps::ShaType::Hmac512);
    assert_eq!(
        apple_pay.merchant_identifier,
        opened.credentials.merchant_identifier
    );
    assert_ne!(apple_pay.access_code, opened.credentials.access_code);
}

#[test]
fn validation_names_the_field() {
    let mut bad = profile("ok");
    bad.sha_type = "MD5".into();
    assert!(
        bad.validate()
            .expect_err("bad")
            .to_string()
            .starts_with("sha_type")
    );
    let mut bad = profile("bad/name");
    bad.name = "bad/name".into();
    assert!(
        bad.validate()
            .expect_err("bad")
            .to_string()
            .starts_with("name")
    );
    let mut bad = profile("ok");
    bad.receipt.time_zone = "Mars/Olympus".into();
    assert!(
        bad.validate()
            .expect_err("bad")
            .to_string()
            .starts_with("time_zone")
    );
    let (_dir, store, _vault) = new_store();
    let mut empty = secrets();
    empty.request_phrase = Secret::new(" ");
    assert!(
        store
            .save(&profile("ok"), &empty, false)
            .expect_err("bad")
            .to_string()
            .starts_with("request_phrase")
    );
}

#[test]
fn every_wrong_field_is_named_at_once_and_validate_reports_the_first() {
    let mut bad = profile("bad/name");
    bad.merchant_identifier = String::new();
    bad.sha_type = "MD5".into();
    bad.receipt.time_zone = "Mars/Olympus".into();
    let fields: Vec<&str> = bad
        .problems()
        .iter()
        .map(|problem| match problem {
            ProfileError::Invalid { field, .. } => *field,
            other => panic!("not a field's problem: {other}"),
        })
        .collect();
    assert_eq!(
        fields,
        ["name", "merchant_identifier", "sha_type", "time_zone"]
    );
    assert!(
        bad.validate()
            .expect_err("bad")
            .to_string()
            .starts_with("name")
    );
    assert!(profile("ok").problems().is_empty());
}

#[test]
fn export_and_import_carry_no_secrets() {
    let (_dir, store, _vault) = new_store();
    store.save(&profile("a"), &secrets(), false).expect("saved");
    let exported = store.export().expect("export");
    let (_other_dir, other, _other_vault) = new_store();
    assert_eq!(other.import(&exported).expect("imported"), ["a"]);
    let imported = other.get("a").expect("there");
    assert_ne!(imported.id, store.get("a").expect("there").id);
    assert_eq!(
        Profile {
            id: None,
            ..imported
        },
        profile("a")
    );
    assert!(matches!(
        other.credentials("a"),
        Err(ProfileError::MissingSecret { .. })
    ));
    assert!(matches!(
        other.import(&exported),
        Err(ProfileError::Exists(_))
    ));
}

#[test]
fn environments_parse_and_name_themselves() {
    assert_eq!(Environment::parse("sandbox"), Some(Environment::Sandbox));
    assert_eq!(
        Environment::parse("http://127.0.0.1:8585/"),
        Some(Environment::Simulator {
            url: "http://127.0.0.1:8585".into()
        })
    );
    assert_eq!(Environment::parse("ftp://x"), None);
    assert_eq!(Environment::Production.name(), "production");
}

/// Secrets as an older version stored them: under `NAME/kind`.
fn put_legacy(vault: &Vault, name: &str, secrets: &ProfileSecrets) {
    for (kind, secret) in secrets.by_kind() {
        vault.put(name, kind, secret).expect("stored");
    }
}

#[test]
fn an_imported_profile_never_takes_secrets_already_in_the_keyring() {
    let (_dir, store, vault) = new_store();
    // A profile "kw" once had secrets here (an older version, or a profile
    // whose file entry is gone); an import of that name points elsewhere.
    put_legacy(&vault, "kw", &secrets());
    let mut hostile = profile("kw");
    hostile.environment = Environment::Simulator {
        url: "http://203.0.113.9:8585".to_owned(),
    };
    let (_export_dir, exporter, _export_vault) = new_store();
    exporter.save(&hostile, &secrets(), false).expect("saved");
    store
        .import(&exporter.export().expect("export"))
        .expect("imported");
    assert!(matches!(
        store.credentials("kw"),
        Err(ProfileError::MissingSecret { .. })
    ));
    // Recreated under the same name: its own secrets, not the old ones.
    let mine = ProfileSecrets {
        access_code: Secret::new("NEW-ACCESS-CODE"),
        ..secrets()
    };
    store.save(&hostile, &mine, true).expect("replaced");
    let (_, credentials) = store.credentials("kw").expect("credentials");
    assert_eq!(credentials.access_code.expose(), "NEW-ACCESS-CODE");
}

#[test]
fn the_same_name_on_another_account_has_other_entries() {
    let (_dir, store, _vault) = new_store();
    store
        .save(&profile("kw"), &secrets(), false)
        .expect("saved");
    let first = store.get("kw").expect("saved");
    let mut elsewhere = profile("kw");
    elsewhere.merchant_identifier = "OTHER".to_owned();
    store.save(&elsewhere, &secrets(), true).expect("replaced");
    let second = store.get("kw").expect("saved");
    assert_ne!(first.keyring_account(), second.keyring_account());
    assert!(second.keyring_account().contains("/kw/OTHER/sandbox"));
}

#[test]
fn a_profile_of_an_older_version_moves_its_secrets_once() {
    let (dir, store, vault) = new_store();
    // profiles.toml without an id, secrets under the name alone.
    let old = toml::to_string_pretty(&ProfilesFile {
        profiles: vec![profile("legacy")],
    })
    .expect("toml");
    assert!(!old.contains("id ="));
    std::fs::write(dir.path().join("profiles.toml"), old).expect("written");
    put_legacy(&vault, "legacy", &secrets());
    let (migrated, credentials) = store.credentials("legacy").expect("credentials");
    assert_eq!(credentials.access_code.expose(), "ACCESS-CODE-SECRET-1");
    assert!(migrated.id.is_some());
    assert_eq!(store.get("legacy").expect("there").id, migrated.id);
    assert!(
        vault
            .get("legacy", SecretKind::AccessCode)
            .expect("read")
            .is_none(),
        "the old entry is gone"
    );
    let (_, again) = store.credentials("legacy").expect("credentials");
    assert_eq!(again.access_code.expose(), "ACCESS-CODE-SECRET-1");
}

#[test]
fn a_profile_keeps_its_timeout_and_refuses_a_server_that_is_not_aps_or_loopback() {
    let mut kept = profile("kw-slow");
    kept.timeout_secs = Some(7);
    let text = toml::to_string(&kept).expect("serializes");
    let read: Profile = toml::from_str(&text).expect("reads back");
    assert_eq!(
        read.client_options().request_timeout,
        std::time::Duration::from_secs(7)
    );
    assert_eq!(
        profile("kw-default").client_options(),
        crate::aps::client::ClientOptions::default()
    );
    assert_eq!(Environment::parse("https://aps.evil.example"), None);
    assert!(matches!(
        Environment::parse_allowing("https://aps.evil.example", true),
        Ok(Environment::Custom { .. })
    ));
    assert_eq!(
        Environment::parse_allowing("https://aps.evil.example", true)
            .map(|environment| environment.name()),
        Ok("custom")
    );
}
