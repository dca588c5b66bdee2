//! What a command needs around it: the journal, the credentials of the
//! account it acts on, the operator, and an async runtime.
//!
//! Credentials come from a profile (`--profile NAME`, secrets from the OS
//! keyring) or, for automation, from the environment
//! (`--credentials-from-env`). They are never taken from arguments: a shell's
//! history and the process list would keep them.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, anyhow, bail};

use super::GlobalArgs;
use crate::aps::client::{Client, ClientOptions, Credentials, Endpoint};
use crate::aps::{Secret, ShaType};
use crate::journal::store::default_path;
use crate::journal::{Actor, Desk, Journal};

pub const ENV_MERCHANT_IDENTIFIER: &str = "APSDESK_MERCHANT_IDENTIFIER";
pub const ENV_ACCESS_CODE: &str = "APSDESK_ACCESS_CODE";
pub const ENV_REQUEST_PHRASE: &str = "APSDESK_REQUEST_PHRASE";
pub const ENV_RESPONSE_PHRASE: &str = "APSDESK_RESPONSE_PHRASE";
pub const ENV_SHA_TYPE: &str = "APSDESK_SHA_TYPE";
pub const ENV_ENDPOINT: &str = "APSDESK_ENDPOINT";
/// The Apple Pay set (all four or none), beside the merchant's.
pub const ENV_APPLE_PAY_ACCESS_CODE: &str = "APSDESK_APPLE_PAY_ACCESS_CODE";
pub const ENV_APPLE_PAY_REQUEST_PHRASE: &str = "APSDESK_APPLE_PAY_REQUEST_PHRASE";
pub const ENV_APPLE_PAY_RESPONSE_PHRASE: &str = "APSDESK_APPLE_PAY_RESPONSE_PHRASE";
pub const ENV_APPLE_PAY_SHA_TYPE: &str = "APSDESK_APPLE_PAY_SHA_TYPE";
pub const ENV_SETTLE_GRACE: &str = "APSDESK_SETTLE_GRACE";

/// The journal's path: `--db`, else the platform's data directory.
pub fn journal_path(global: &GlobalArgs) -> anyhow::Result<PathBuf> {
    match &global.db {
        Some(path) => Ok(path.clone()),
        None => default_path().ok_or_else(|| {
            anyhow!("no data directory for this user: give the journal's place with --db PATH")
        }),
    }
}

/// The journal for a command that reads or writes and exits: with a page
/// cache sized for one command (see `size_cache_for_one_command`).
pub fn open_journal(global: &GlobalArgs) -> anyhow::Result<Journal> {
    let journal = open_journal_to_stay(global)?;
    journal.size_cache_for_one_command()?;
    Ok(journal)
}

/// The journal for a command that keeps it open and reads pages again (the
/// feedback receiver, a seed of millions of orders): the app's page cache.
pub fn open_journal_to_stay(global: &GlobalArgs) -> anyhow::Result<Journal> {
    let path = journal_path(global)?;
    Journal::open_with(&path, &journal_keys())
        .with_context(|| format!("opening the journal {}", path.display()))
}

/// Where the journal's chain key lives: the OS keyring. Without one (no
/// Secret Service in this session) the journal stays unkeyed until a keyring
/// is there; a keyed journal then refuses new entries, and says so.
pub fn journal_keys() -> crate::journal::key::KeySource {
    crate::journal::key::KeySource::native()
}

/// The operator's name: `--operator`, else the login name.
pub fn operator(global: &GlobalArgs) -> String {
    global
        .operator
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "operator".to_owned())
}

/// Credentials from the `APSDESK_*` variables; `lookup` reads one variable.
/// Errors name the variable, never its value.
pub fn credentials_from_env(
    lookup: impl Fn(&str) -> Option<String>,
    allow_custom_endpoint: bool,
) -> anyhow::Result<(Credentials, Endpoint)> {
    let required = |name: &str| {
        lookup(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| anyhow!("--credentials-from-env: {name} is not set"))
    };
    let merchant_identifier = required(ENV_MERCHANT_IDENTIFIER)?;
    let access_code = Secret::new(required(ENV_ACCESS_CODE)?);
    let request_phrase = Secret::new(required(ENV_REQUEST_PHRASE)?);
    let response_phrase = Secret::new(required(ENV_RESPONSE_PHRASE)?);
    let sha_type: ShaType = required(ENV_SHA_TYPE)?.parse().map_err(|_| {
        anyhow!("--credentials-from-env: {ENV_SHA_TYPE} is not a SHA type (e.g. SHA-256, HMAC-512)")
    })?;
    let endpoint_text = required(ENV_ENDPOINT)?;
    let endpoint = Endpoint::parse_allowing(&endpoint_text, allow_custom_endpoint)
        .map_err(|error| anyhow!("--credentials-from-env: {ENV_ENDPOINT}: {error}"))?;
    Ok((
        Credentials {
            merchant_identifier,
            access_code,
            sha_type,
            request_phrase,
            response_phrase,
        },
        endpoint,
    ))
}

/// The Apple Pay set from the `APSDESK_APPLE_PAY_*` variables: all four,
/// or none (`None`); some but not all is an error naming the first missing.
pub fn apple_pay_from_env(
    lookup: impl Fn(&str) -> Option<String>,
    merchant_identifier: &str,
) -> anyhow::Result<Option<Credentials>> {
    let names = [
        ENV_APPLE_PAY_ACCESS_CODE,
        ENV_APPLE_PAY_REQUEST_PHRASE,
        ENV_APPLE_PAY_RESPONSE_PHRASE,
        ENV_APPLE_PAY_SHA_TYPE,
    ];
    let values = names.map(|name| lookup(name).filter(|value| !value.is_empty()));
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    let [access_code, request_phrase, response_phrase, sha_type] = values;
    let missing = |name: &str| {
        anyhow!("--credentials-from-env: {name} is not set (the Apple Pay set needs all four)")
    };
    let sha_type: ShaType = sha_type
        .ok_or_else(|| missing(ENV_APPLE_PAY_SHA_TYPE))?
        .parse()
        .map_err(|_| anyhow!("--credentials-from-env: {ENV_APPLE_PAY_SHA_TYPE} is not a SHA type (e.g. SHA-256, HMAC-512)"))?;
    Ok(Some(Credentials {
        merchant_identifier: merchant_identifier.to_owned(),
        access_code: Secret::new(access_code.ok_or_else(|| missing(ENV_APPLE_PAY_ACCESS_CODE))?),
        sha_type,
        request_phrase: Secret::new(
            request_phrase.ok_or_else(|| missing(ENV_APPLE_PAY_REQUEST_PHRASE))?,
        ),
        response_phrase: Secret::new(
            response_phrase.ok_or_else(|| missing(ENV_APPLE_PAY_RESPONSE_PHRASE))?,
        ),
    }))
}

/// The account to act on and the name it is recorded under.
pub struct Account {
    pub credentials: Credentials,
    /// The account's Apple Pay set, when it has one.
    pub apple_pay: Option<Credentials>,
    pub endpoint: Endpoint,
    pub profile: String,
    /// The profile's own client options (timeouts); defaults for the environment.
    pub options: ClientOptions,
}

pub fn account(global: &GlobalArgs) -> anyhow::Result<Account> {
    if global.credentials_from_env {
        let (credentials, endpoint) =
            credentials_from_env(|name| std::env::var(name).ok(), global.custom_endpoint)?;
        // Orders made with environment credentials are filed under the
        // merchant, so that two merchants' references never collide.
        let profile = format!("env:{}", credentials.merchant_identifier);
        let apple_pay = apple_pay_from_env(
            |name| std::env::var(name).ok(),
            &credentials.merchant_identifier,
        )?;
        return Ok(Account {
            credentials,
            apple_pay,
            endpoint,
            profile,
            options: ClientOptions::default(),
        });
    }
    match &global.profile {
        Some(name) => profile_account(name),
        None => bail!("say which account to use: --profile NAME, or --credentials-from-env"),
    }
}

fn profile_account(name: &str) -> anyhow::Result<Account> {
    let (
        _,
        crate::profiles::OpenAccount {
            profile,
            credentials,
            apple_pay,
        },
    ) = crate::profiles::open_native_account(name)?;
    Ok(Account {
        credentials,
        apple_pay,
        endpoint: profile.environment.endpoint(),
        options: profile.client_options(),
        profile: profile.name,
    })
}

/// A desk (journal, client, operator) for the chosen account.
pub fn desk(global: &GlobalArgs) -> anyhow::Result<Desk> {
    let account = account(global)?;
    let journal = open_journal(global)?;
    let mut options = account.options;
    if let Some(seconds) = global.timeout {
        options.request_timeout = std::time::Duration::from_secs(seconds);
    }
    let client = Client::with_options(&account.endpoint, account.credentials, options)?;
    let apple_pay = account
        .apple_pay
        .map(|credentials| client.with_credentials(credentials));
    let actor = Actor {
        operator: operator(global),
        profile: account.profile,
        account: client.credentials().merchant_identifier.clone(),
        environment: account.endpoint.environment(),
    };
    let mut desk = Desk::new(
        Arc::new(Mutex::new(journal)),
        client,
        actor,
        global.language(),
    );
    desk.apple_pay = apple_pay;
    // For test rigs and simulators only: how long after a request's timeout
    // unmoved totals count as "not applied" (default 60 s; see README).
    if let Some(seconds) = std::env::var(ENV_SETTLE_GRACE)
        .ok()
        .and_then(|text| text.parse::<u64>().ok())
    {
        desk.settle_grace = std::time::Duration::from_secs(seconds);
        if desk.settle_grace < crate::journal::desk::DEFAULT_SETTLE_GRACE {
            eprintln!(
                "warning: {ENV_SETTLE_GRACE}={seconds}: an operation without a trusted answer counts as not applied {seconds} s after its timeout (60 s by default). APS may finish a request later than that; use this on test rigs only."
            );
        }
    }
    Ok(desk)
}

/// A runtime for one command: the command line does one thing at a time.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_credentials_name_the_missing_variable_and_never_a_value() {
        let full = |name: &str| {
            Some(
                match name {
                    ENV_MERCHANT_IDENTIFIER => "merchant",
                    ENV_ACCESS_CODE => "ACCESS-SECRET",
                    ENV_REQUEST_PHRASE => "REQ-SECRET",
                    ENV_RESPONSE_PHRASE => "RES-SECRET",
                    ENV_SHA_TYPE => "HMAC-512",
                    ENV_ENDPOINT => "http://127.0.0.1:9/",
                    _ => return None,
                }
                .to_owned(),
            )
        };
        let (credentials, endpoint) = credentials_from_env(full, false).expect("complete");
        assert_eq!(credentials.sha_type, ShaType::Hmac512);
        assert_eq!(
            endpoint,
            Endpoint::Simulator("http://127.0.0.1:9".to_owned())
        );
        let without_phrase =
            |name: &str| (name != ENV_RESPONSE_PHRASE).then(|| full(name)).flatten();
        let error = credentials_from_env(without_phrase, false)
            .expect_err("refused")
            .to_string();
        assert!(error.contains(ENV_RESPONSE_PHRASE), "{error}");
        let bad_sha = |name: &str| {
            if name == ENV_SHA_TYPE {
                Some("MD5".into())
            } else {
                full(name)
            }
        };
        let error = credentials_from_env(bad_sha, false)
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains(ENV_SHA_TYPE) && !error.contains("SECRET"),
            "{error}"
        );
    }
}
