//! `apsdesk profile add|list|show|remove|test|export|import`: merchant
//! profiles from the command line.
//!
//! Secrets are read from standard input (one per line: access code, request
//! phrase, response phrase, then the Apple Pay three with `--apple-pay-sha-type`)
//! or, at a terminal, from a prompt that does not echo. Never from arguments:
//! the shell's history and the process list would keep them.

use std::io::{IsTerminal as _, Read as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, anyhow, bail};
use clap::{Args, Subcommand};

use super::GlobalArgs;
use super::context::runtime;
use super::exit;
use crate::aps::Secret;
use crate::aps::client::Client;
use crate::profiles::connection::{Verdict, test_connection};
use crate::profiles::vault::Vault;
use crate::profiles::{
    ApplePay, Environment, Profile, ProfileSecrets, ProfileStore, ReceiptDetails,
};

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The directory of profiles.toml [default: the platform's config directory].
    #[arg(long, global = true, value_name = "DIR", env = "APSDESK_CONFIG_DIR")]
    pub config_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: ProfileCommand,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Add a profile (secrets from standard input or a prompt).
    Add(Box<AddArgs>),
    /// List the profiles.
    List,
    /// Show a profile (never its secrets).
    Show { name: String },
    /// Remove a profile and its secrets from the keyring.
    Remove { name: String },
    /// Prove the credentials with a status check of a reference that does not exist.
    Test { name: String },
    /// Print every profile as TOML, without secrets.
    Export,
    /// Add the profiles of an export, asking for each one's secrets (standard
    /// input or a prompt, three per profile, in the file's order).
    Import {
        file: PathBuf,
        /// Import without secrets: each profile is unusable until `add --replace`.
        #[arg(long)]
        without_secrets: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    pub name: String,
    /// sandbox, production, or the simulator's URL (http://127.0.0.1:8585);
    /// another server only with --custom-endpoint. `--timeout SECONDS` is
    /// kept with the profile.
    #[arg(long)]
    pub environment: String,
    #[arg(long)]
    pub merchant_identifier: String,
    /// SHA-256, SHA-512, HMAC-256, HMAC-512 or SHA-128.
    #[arg(long, default_value = "SHA-256")]
    pub sha_type: String,
    /// Also store an Apple Pay credential set with this SHA type.
    #[arg(long)]
    pub apple_pay_sha_type: Option<String>,
    /// en or ar.
    #[arg(long, default_value = "en")]
    pub language: String,
    #[arg(long, default_value = "")]
    pub merchant_name_en: String,
    #[arg(long, default_value = "")]
    pub merchant_name_ar: String,
    #[arg(long, default_value = "")]
    pub address: String,
    /// VAT or commercial registration number.
    #[arg(long, default_value = "")]
    pub registration_number: String,
    #[arg(long)]
    pub logo: Option<PathBuf>,
    /// IANA time zone for receipts (Asia/Kuwait, Asia/Riyadh, Asia/Dubai...).
    #[arg(long, default_value = "")]
    pub time_zone: String,
    /// Replace a profile of the same name.
    #[arg(long)]
    pub replace: bool,
}

/// The profile store of the config directory, over the OS keyring.
pub fn open_store(config_dir: Option<&PathBuf>) -> anyhow::Result<ProfileStore> {
    let dir = match config_dir {
        Some(dir) => dir.clone(),
        None => crate::profiles::config_dir().ok_or_else(|| {
            anyhow!("no config directory for this user: give one with --config-dir")
        })?,
    };
    Ok(ProfileStore::new(&dir, Vault::native()?))
}

/// Reads `labels.len()` secrets: prompts at a terminal, lines otherwise.
fn read_secrets(labels: &[&str]) -> anyhow::Result<Vec<Secret>> {
    if std::io::stdin().is_terminal() {
        return labels
            .iter()
            .map(|label| {
                rpassword::prompt_password(format!("{label}: "))
                    .map(Secret::new)
                    .with_context(|| format!("reading the {label}"))
            })
            .collect();
    }
    let mut text = String::new();
    std::io::stdin().lock().read_to_string(&mut text)?;
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < labels.len() {
        bail!(
            "standard input has {} lines; expected {}: {}",
            lines.len(),
            labels.len(),
            labels.join(", ")
        );
    }
    Ok(lines[..labels.len()]
        .iter()
        .map(|line| Secret::new(line.trim_end_matches('\r')))
        .collect())
}

/// The secrets' labels of a profile, in the order they are read.
fn secret_labels(profile: &Profile) -> Vec<String> {
    let mut labels = vec!["access code", "SHA request phrase", "SHA response phrase"];
    if profile.apple_pay.is_some() {
        labels.extend([
            "Apple Pay access code",
            "Apple Pay request phrase",
            "Apple Pay response phrase",
        ]);
    }
    labels
        .into_iter()
        .map(|label| format!("{}: {label}", profile.name))
        .collect()
}

/// Imports an export's profiles, each saved with secrets typed now: the
/// export has none, and a profile never takes secrets already in the keyring.
fn import_with_secrets(store: &ProfileStore, text: &str) -> anyhow::Result<()> {
    let profiles = ProfileStore::parse_import(text)?;
    for profile in &profiles {
        if store.contains(&profile.name)? {
            bail!("a profile named {:?} already exists", profile.name);
        }
    }
    let labels: Vec<String> = profiles.iter().flat_map(secret_labels).collect();
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let mut secrets = read_secrets(&label_refs)?.into_iter();
    for profile in &profiles {
        let mut next = || secrets.next().unwrap_or_else(|| Secret::new(""));
        let profile_secrets = ProfileSecrets {
            access_code: next(),
            request_phrase: next(),
            response_phrase: next(),
            apple_pay: profile.apple_pay.as_ref().map(|_| [next(), next(), next()]),
        };
        store.save(profile, &profile_secrets, false)?;
        println!("imported {}; its secrets are in the keyring", profile.name);
    }
    Ok(())
}

pub fn run(global: &GlobalArgs, args: &ProfileArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(args.config_dir.as_ref())?;
    match &args.command {
        ProfileCommand::Add(add) => {
            let environment = Environment::parse_allowing(&add.environment, global.custom_endpoint)
                .map_err(|error| anyhow!("--environment: {error}"))?;
            let profile = Profile {
                id: None,
                name: add.name.clone(),
                environment,
                merchant_identifier: add.merchant_identifier.clone(),
                sha_type: add.sha_type.clone(),
                apple_pay: add
                    .apple_pay_sha_type
                    .clone()
                    .map(|sha_type| ApplePay { sha_type }),
                language: add.language.clone(),
                receipt: ReceiptDetails {
                    name_en: add.merchant_name_en.clone(),
                    name_ar: add.merchant_name_ar.clone(),
                    address: add.address.clone(),
                    registration_number: add.registration_number.clone(),
                    logo: add.logo.clone(),
                    time_zone: add.time_zone.clone(),
                },
                timeout_secs: global.timeout,
            };
            // Refuse bad fields before asking for any secret.
            profile.validate()?;
            let labels = secret_labels(&profile);
            let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
            let mut secrets = read_secrets(&label_refs)?.into_iter();
            let mut next = || secrets.next().unwrap_or_else(|| Secret::new(""));
            let profile_secrets = ProfileSecrets {
                access_code: next(),
                request_phrase: next(),
                response_phrase: next(),
                apple_pay: profile.apple_pay.as_ref().map(|_| [next(), next(), next()]),
            };
            store.save(&profile, &profile_secrets, add.replace)?;
            println!(
                "profile {} saved; its secrets are in the keyring",
                profile.name
            );
        }
        ProfileCommand::List => {
            for profile in store.list()? {
                println!(
                    "{}\t{}\t{}\t{}",
                    profile.name,
                    profile.environment.name(),
                    profile.merchant_identifier,
                    profile.sha_type
                );
            }
        }
        ProfileCommand::Show { name } => {
            let profile = store.get(name)?;
            print!("{}", toml::to_string_pretty(&profile)?);
        }
        ProfileCommand::Remove { name } => {
            store.remove(name)?;
            println!("profile {name} removed, with its secrets");
        }
        ProfileCommand::Export => print!("{}", store.export()?),
        ProfileCommand::Import {
            file,
            without_secrets,
        } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?;
            if *without_secrets {
                for name in store.import(&text)? {
                    println!(
                        "imported {name} without secrets: enter them with `apsdesk profile add {name} --replace ...`"
                    );
                }
            } else {
                import_with_secrets(&store, &text)?;
            }
        }
        ProfileCommand::Test { name } => {
            let (profile, credentials) = store.credentials(name)?;
            let client = Client::with_options(
                &profile.environment.endpoint(),
                credentials,
                profile.client_options(),
            )?;
            let verdict = runtime()?.block_on(test_connection(&client));
            println!("{}", verdict.explain(global.language()));
            let code = match verdict {
                Verdict::Works => exit::SUCCEEDED,
                Verdict::Unreachable(_) => exit::NOT_CONNECTED,
                Verdict::ResponsePhrase => exit::UNTRUSTED,
                Verdict::RequestPhraseOrShaType
                | Verdict::MerchantIdentifier
                | Verdict::AccessCode
                | Verdict::Unexpected(_) => exit::DECLINED,
            };
            return Ok(exit::code(code));
        }
    }
    Ok(exit::code(exit::SUCCEEDED))
}
