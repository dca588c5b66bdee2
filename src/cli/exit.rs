//! The exit codes of the command line, one meaning each, so that scripts can
//! branch on them.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | succeeded |
//! | 1 | declined by APS (nothing moved), or a check that found a problem |
//! | 2 | invalid input: nothing was sent |
//! | 3 | uncertain: the money may have moved, or the order is blocked by an earlier uncertain operation, or the journal failed mid-operation; reconcile |
//! | 4 | untrusted: APS's answer failed its signature check |
//! | 5 | APS could not be reached: nothing was sent |
//! | 6 | an earlier operation on the order was open; it was settled as *not applied* and nothing was sent: run the command again to send it |
//! | 7 | drift: APS's figures for the order differ from the journal's (somebody moved money this journal did not see); nothing was sent: check it, then `apsdesk acknowledge REF` |

use std::process::ExitCode;

use crate::aps::OutcomeClass;
use crate::journal::desk::{Resolution, SettledOperation};

pub const SUCCEEDED: u8 = 0;
pub const DECLINED: u8 = 1;
pub const INVALID_INPUT: u8 = 2;
pub const UNCERTAIN: u8 = 3;
pub const UNTRUSTED: u8 = 4;
pub const NOT_CONNECTED: u8 = 5;
pub const SETTLED_NOT_APPLIED: u8 = 6;
pub const DRIFT: u8 = 7;

/// The exit code of an outcome class.
pub fn of_class(class: OutcomeClass) -> u8 {
    match class {
        OutcomeClass::Succeeded => SUCCEEDED,
        OutcomeClass::Declined => DECLINED,
        OutcomeClass::Uncertain => UNCERTAIN,
        OutcomeClass::Untrusted => UNTRUSTED,
    }
}

/// The exit code of a submission that settled earlier operations and sent
/// nothing: 0 when they were all applied (what was asked for has happened),
/// 3 while one is still open or in flight, else 6 (nothing happened: it may
/// be sent again).
pub fn of_settled(settled: &[SettledOperation]) -> u8 {
    let mut code = SUCCEEDED;
    for operation in settled {
        match operation.resolution {
            Resolution::Applied => {}
            Resolution::NotApplied => code = code.max(SETTLED_NOT_APPLIED),
            Resolution::Unresolved(_) | Resolution::InFlight(_) => return UNCERTAIN,
        }
    }
    code
}

pub fn code(value: u8) -> ExitCode {
    ExitCode::from(value)
}
