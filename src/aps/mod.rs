//! The APS protocol core: everything apsdesk knows about talking to Amazon
//! Payment Services, and nothing else.
//!
//! **Architecture invariant:** this module tree imports nothing of the UI, the
//! journal, the profiles or the simulator. They all build on it.
//!
//! - [`params`]: messages as transmitted (order, raw text, nesting).
//! - [`signature`]: signing and checking (reference §3).
//! - [`currency`], [`money`]: exact amounts in minor units.
//! - [`validate`]: field rules with bilingual errors.
//! - [`command`], [`request`], [`response`]: typed operations.
//! - [`codes`], [`outcome`]: status and message tables, and the four outcome classes.
//! - [`binding`]: what an answer must echo of its request to be about it.
//! - [`client`]: the HTTP client that signs, sends, checks and classifies.
//! - [`notification`]: APS's transaction feedback, read and checked.
//! - [`secret`], [`lang`]: masked secrets; the two languages.

pub mod binding;
pub mod client;
pub mod codes;
pub mod command;
pub mod currency;
mod currency_table;
pub mod lang;
pub mod money;
pub mod notification;
pub mod outcome;
pub mod params;
pub mod request;
pub mod response;
pub mod secret;
pub mod signature;
pub mod validate;

pub use command::Command;
pub use currency::Currency;
pub use lang::Language;
pub use money::Money;
pub use outcome::{OutcomeClass, ResponseCode};
pub use params::Params;
pub use secret::Secret;
pub use signature::ShaType;
