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

use std::process::ExitCode;

use crate::aps::OutcomeClass;

pub const SUCCEEDED: u8 = 0;
pub const DECLINED: u8 = 1;
pub const INVALID_INPUT: u8 = 2;
pub const UNCERTAIN: u8 = 3;
pub const UNTRUSTED: u8 = 4;
pub const NOT_CONNECTED: u8 = 5;

/// The exit code of an outcome class.
pub fn of_class(class: OutcomeClass) -> u8 {
    match class {
        OutcomeClass::Succeeded => SUCCEEDED,
        OutcomeClass::Declined => DECLINED,
        OutcomeClass::Uncertain => UNCERTAIN,
        OutcomeClass::Untrusted => UNTRUSTED,
    }
}

pub fn code(value: u8) -> ExitCode {
    ExitCode::from(value)
}
