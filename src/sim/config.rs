//! The simulator's merchant account: the credentials it expects and signs with.
//!
//! The demo defaults are documented in the README so that a newcomer can point
//! `apsdesk` (or curl) at `apsdesk sim` without configuring anything. They are
//! not secrets: they only open the simulator.

use crate::aps::client::Credentials;
use crate::aps::secret::Secret;
use crate::aps::signature::ShaType;

pub const DEMO_MERCHANT_IDENTIFIER: &str = "apsdeskdemo";
pub const DEMO_ACCESS_CODE: &str = "DemoAccessCode2026";
pub const DEMO_REQUEST_PHRASE: &str = "demo-request-phrase";
pub const DEMO_RESPONSE_PHRASE: &str = "demo-response-phrase";
pub const DEMO_SHA_TYPE: ShaType = ShaType::Sha256;

/// Environment variables read by `apsdesk sim`.
pub const ENV_MERCHANT_IDENTIFIER: &str = "APSDESK_SIM_MERCHANT_IDENTIFIER";
pub const ENV_ACCESS_CODE: &str = "APSDESK_SIM_ACCESS_CODE";
pub const ENV_REQUEST_PHRASE: &str = "APSDESK_SIM_REQUEST_PHRASE";
pub const ENV_RESPONSE_PHRASE: &str = "APSDESK_SIM_RESPONSE_PHRASE";
pub const ENV_SHA_TYPE: &str = "APSDESK_SIM_SHA_TYPE";

/// The account the simulator plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    pub credentials: Credentials,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            credentials: Credentials {
                merchant_identifier: DEMO_MERCHANT_IDENTIFIER.to_owned(),
                access_code: Secret::new(DEMO_ACCESS_CODE),
                sha_type: DEMO_SHA_TYPE,
                request_phrase: Secret::new(DEMO_REQUEST_PHRASE),
                response_phrase: Secret::new(DEMO_RESPONSE_PHRASE),
            },
        }
    }
}

impl SimConfig {
    /// Reads the `APSDESK_SIM_*` variables through `lookup` (the process
    /// environment in the binary, a map in tests), each defaulting to the demo value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<SimConfig, String> {
        let demo = SimConfig::default().credentials;
        let sha_type = match lookup(ENV_SHA_TYPE) {
            Some(text) => text
                .parse::<ShaType>()
                .map_err(|err| format!("{ENV_SHA_TYPE}: {err}"))?,
            None => demo.sha_type,
        };
        Ok(SimConfig {
            credentials: Credentials {
                merchant_identifier: lookup(ENV_MERCHANT_IDENTIFIER)
                    .unwrap_or(demo.merchant_identifier),
                access_code: lookup(ENV_ACCESS_CODE).map_or(demo.access_code, Secret::new),
                sha_type,
                request_phrase: lookup(ENV_REQUEST_PHRASE).map_or(demo.request_phrase, Secret::new),
                response_phrase: lookup(ENV_RESPONSE_PHRASE)
                    .map_or(demo.response_phrase, Secret::new),
            },
        })
    }

    pub fn from_env() -> Result<SimConfig, String> {
        SimConfig::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }
}
