//! A stateful simulator of the APS server-to-server API.
//!
//! It is the offline demo behind the app, the backend of the tests, and
//! `apsdesk sim` for anyone who wants to try the protocol with curl. It speaks
//! the paymentApi JSON protocol at APS's path and applies the rules of the
//! reference (captures up to the authorized amount, refunds up to the captured
//! amount, voids before any capture, ...), signing every answer.
//!
//! **Architecture invariant:** the simulator uses the protocol core
//! ([`crate::aps`]) and nothing of the UI, the journal or the profiles.
//!
//! - [`config`]: the account it plays, from `APSDESK_SIM_*` or demo defaults.
//! - [`state`]: orders, tokens, links, and the rules (pure, clock passed in).
//! - [`faults`]: injected failures for reliability tests.
//! - [`feedback`]: transaction feedback posted to the merchant, as APS does.
//! - [`seed`]: the demo data set.
//! - [`server`]: the axum server around all of it.

pub mod config;
pub mod faults;
pub mod feedback;
pub mod seed;
pub mod server;
pub mod state;

pub use config::SimConfig;
pub use faults::{FaultKind, FaultRule};
pub use server::{RunningSimulator, Seed};
pub use state::SimState;
