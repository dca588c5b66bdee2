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
/// The demo account's Apple Pay set (its own access code, phrases and type).
pub const DEMO_APPLE_PAY_ACCESS_CODE: &str = "DemoApplePayCode2026";
pub const DEMO_APPLE_PAY_REQUEST_PHRASE: &str = "demo-apple-request-phrase";
pub const DEMO_APPLE_PAY_RESPONSE_PHRASE: &str = "demo-apple-response-phrase";
pub const DEMO_APPLE_PAY_SHA_TYPE: ShaType = ShaType::Hmac256;

/// Environment variables read by `apsdesk sim`.
pub const ENV_MERCHANT_IDENTIFIER: &str = "APSDESK_SIM_MERCHANT_IDENTIFIER";
pub const ENV_ACCESS_CODE: &str = "APSDESK_SIM_ACCESS_CODE";
pub const ENV_REQUEST_PHRASE: &str = "APSDESK_SIM_REQUEST_PHRASE";
pub const ENV_RESPONSE_PHRASE: &str = "APSDESK_SIM_RESPONSE_PHRASE";
pub const ENV_SHA_TYPE: &str = "APSDESK_SIM_SHA_TYPE";
pub const ENV_APPLE_PAY_ACCESS_CODE: &str = "APSDESK_SIM_APPLE_PAY_ACCESS_CODE";
pub const ENV_APPLE_PAY_REQUEST_PHRASE: &str = "APSDESK_SIM_APPLE_PAY_REQUEST_PHRASE";
pub const ENV_APPLE_PAY_RESPONSE_PHRASE: &str = "APSDESK_SIM_APPLE_PAY_RESPONSE_PHRASE";
pub const ENV_APPLE_PAY_SHA_TYPE: &str = "APSDESK_SIM_APPLE_PAY_SHA_TYPE";

/// The account the simulator plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    pub credentials: Credentials,
    /// The Apple Pay set: Apple Pay orders are maintained with it.
    pub apple_pay: Credentials,
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
            apple_pay: Credentials {
                merchant_identifier: DEMO_MERCHANT_IDENTIFIER.to_owned(),
                access_code: Secret::new(DEMO_APPLE_PAY_ACCESS_CODE),
                sha_type: DEMO_APPLE_PAY_SHA_TYPE,
                request_phrase: Secret::new(DEMO_APPLE_PAY_REQUEST_PHRASE),
                response_phrase: Secret::new(DEMO_APPLE_PAY_RESPONSE_PHRASE),
            },
        }
    }
}

impl SimConfig {
    /// Reads the `APSDESK_SIM_*` variables through `lookup` (the process
    /// environment in the binary, a map in tests), each defaulting to the demo value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<SimConfig, String> {
        let SimConfig {
            credentials: demo,
            apple_pay: demo_apple_pay,
        } = SimConfig::default();
        let sha_type_of = |name: &str, default: ShaType| match lookup(name) {
            Some(text) => text
                .parse::<ShaType>()
                .map_err(|err| format!("{name}: {err}")),
            None => Ok(default),
        };
        let sha_type = sha_type_of(ENV_SHA_TYPE, demo.sha_type)?;
        let merchant_identifier =
            lookup(ENV_MERCHANT_IDENTIFIER).unwrap_or(demo.merchant_identifier);
        Ok(SimConfig {
            apple_pay: Credentials {
                merchant_identifier: merchant_identifier.clone(),
                access_code: lookup(ENV_APPLE_PAY_ACCESS_CODE)
                    .map_or(demo_apple_pay.access_code, Secret::new),
                sha_type: sha_type_of(ENV_APPLE_PAY_SHA_TYPE, demo_apple_pay.sha_type)?,
                request_phrase: lookup(ENV_APPLE_PAY_REQUEST_PHRASE)
                    .map_or(demo_apple_pay.request_phrase, Secret::new),
                response_phrase: lookup(ENV_APPLE_PAY_RESPONSE_PHRASE)
                    .map_or(demo_apple_pay.response_phrase, Secret::new),
            },
            credentials: Credentials {
                merchant_identifier,
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
