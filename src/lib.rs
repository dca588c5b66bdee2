//! apsdesk: a back office for merchants of Amazon Payment Services (APS,
//! formerly PayFort).
//!
//! The library holds everything; the `apsdesk` binary is a thin command line
//! over it. See `ARCHITECTURE.md` for the map and its invariants.
//!
//! - [`aps`]: the protocol core (signatures, money, typed requests, client).
//! - [`journal`]: the crash-safe local record of orders and operations.
//! - [`sim`]: a stateful APS simulator that speaks the same protocol.
//! - [`feedback`]: the receiver of APS's transaction feedback.

pub mod app;
pub mod aps;
pub mod cli;
mod dice;
pub mod feedback;
pub mod journal;
pub mod profiles;
pub mod receipt;
pub mod sim;
pub mod text;
