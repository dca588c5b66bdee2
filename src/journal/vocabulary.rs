//! The journal's closed vocabularies as types: what an order's state, an
//! entry's kind and outcome, and an open operation's state can be — with the
//! one spelling each has in the database (and in the hash chain, which is why
//! the spellings never change).
//!
//! The protocol's own vocabularies ([`Command`], [`Environment`]) are stored
//! by their names through the same `ToSql`/`FromSql` glue. A value the
//! database holds that is none of these is an error naming the column, not a
//! default.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::aps::client::Environment;
use crate::aps::{Command, OutcomeClass};

/// Declares a closed vocabulary: variants with their stored spelling, `ALL`,
/// `as_str`, `from_name`, `Display`, serde as the spelling, and SQL glue.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The spelling stored in the journal.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn from_name(name: &str) -> Option<$name> {
                match name {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::from_name(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} {text:?}", stringify!($name)))
                })
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                $name::from_name(text).ok_or_else(|| unknown(stringify!($name), text))
            }
        }
    };
}

fn unknown(what: &str, text: &str) -> FromSqlError {
    FromSqlError::Other(format!("the journal holds an unknown {what} {text:?}").into())
}

vocabulary! {
    /// Where an order stands, as the journal's projection says.
    OrderState {
        /// Recorded, not yet answered for.
        Unknown => "unknown",
        Authorized => "authorized",
        PartiallyCaptured => "partially_captured",
        Captured => "captured",
        PartiallyRefunded => "partially_refunded",
        Refunded => "refunded",
        Voided => "voided",
        Declined => "declined",
        /// APS does not know the reference.
        NotFound => "not_found",
        LinkOpen => "link_open",
        LinkPaid => "link_paid",
        LinkExpired => "link_expired",
    }
}

vocabulary! {
    /// The kinds of journal entries.
    EntryKind {
        /// An operation's request, written before it is sent.
        Request => "request",
        /// What came of it.
        Result => "result",
        /// How reconciliation settled it (or why it could not).
        Resolution => "resolution",
        /// A transaction's result posted by APS (transaction feedback),
        /// signature checked, with the time it arrived.
        Feedback => "feedback",
        /// A row of an imported file (`journal::import`): what the file said
        /// of an order, never APS's word about its money. Its `command` is
        /// CHECK_STATUS, the look-up that confirms it.
        Imported => "imported",
        /// APS's figures for an order differ from what the journal knew,
        /// with no open operation of this journal to explain it: somebody
        /// moved money the journal did not see. Its `command` is
        /// CHECK_STATUS, the read that saw it; it changes no row.
        Drift => "drift",
        /// An operator saw a drift and says so: money commands on the order
        /// may go again. Its `command` is CHECK_STATUS (what the next
        /// baseline will read); it changes no row.
        Acknowledgement => "acknowledgement",
        /// The operator's decision, after `journal verify` showed it, to
        /// continue from the journal as it is although its anchor or this
        /// installation's witness disagreed (a cut, a copy put back). About
        /// the journal itself: its order is `store::JOURNAL_ORDER_ID` and
        /// its `command` CHECK_STATUS (it moves nothing).
        Accepted => "accepted",
    }
}

vocabulary! {
    /// What an entry says came of its operation.
    EntryOutcome {
        Succeeded => "succeeded",
        Declined => "declined",
        Uncertain => "uncertain",
        Untrusted => "untrusted",
        /// The request provably never left (no connection).
        NotSent => "not_sent",
        /// Reconciliation: it took effect at APS.
        Applied => "applied",
        /// Reconciliation: it did not.
        NotApplied => "not_applied",
        /// Reconciliation tried and could not conclude (the payload says why).
        Unresolved => "unresolved",
    }
}

vocabulary! {
    /// Why an operation blocks its order.
    OpenState {
        /// Recorded, no answer yet (in flight, or its process died).
        Pending => "pending",
        Uncertain => "uncertain",
        Untrusted => "untrusted",
    }
}

impl EntryOutcome {
    /// Whether a result with this outcome leaves its operation open.
    pub fn keeps_open(self) -> Option<OpenState> {
        match self {
            EntryOutcome::Uncertain => Some(OpenState::Uncertain),
            EntryOutcome::Untrusted => Some(OpenState::Untrusted),
            EntryOutcome::Unresolved => Some(OpenState::Pending),
            EntryOutcome::Succeeded
            | EntryOutcome::Declined
            | EntryOutcome::NotSent
            | EntryOutcome::Applied
            | EntryOutcome::NotApplied => None,
        }
    }
}

impl EntryOutcome {
    /// The outcome class of an answer's outcome (`None` for reconciliation's
    /// conclusions and for a request that never left).
    pub fn class(self) -> Option<OutcomeClass> {
        match self {
            EntryOutcome::Succeeded => Some(OutcomeClass::Succeeded),
            EntryOutcome::Declined => Some(OutcomeClass::Declined),
            EntryOutcome::Uncertain => Some(OutcomeClass::Uncertain),
            EntryOutcome::Untrusted => Some(OutcomeClass::Untrusted),
            EntryOutcome::NotSent
            | EntryOutcome::Applied
            | EntryOutcome::NotApplied
            | EntryOutcome::Unresolved => None,
        }
    }
}

impl From<OutcomeClass> for EntryOutcome {
    fn from(class: OutcomeClass) -> EntryOutcome {
        match class {
            OutcomeClass::Succeeded => EntryOutcome::Succeeded,
            OutcomeClass::Declined => EntryOutcome::Declined,
            OutcomeClass::Uncertain => EntryOutcome::Uncertain,
            OutcomeClass::Untrusted => EntryOutcome::Untrusted,
        }
    }
}

impl ToSql for Command {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.name()))
    }
}

impl FromSql for Command {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Command::from_name(text).ok_or_else(|| unknown("command", text))
    }
}

impl ToSql for Environment {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Environment {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Environment::from_name(text).ok_or_else(|| unknown("environment", text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_reads_back_and_an_unknown_one_is_an_error() {
        let connection = rusqlite::Connection::open_in_memory().expect("sqlite");
        for state in OrderState::ALL {
            let read: OrderState = connection
                .query_row("SELECT ?1", [state], |row| row.get(0))
                .expect("reads back");
            assert_eq!(read, *state);
        }
        for outcome in EntryOutcome::ALL {
            assert_eq!(EntryOutcome::from_name(outcome.as_str()), Some(*outcome));
        }
        for command in Command::ALL {
            let read: Command = connection
                .query_row("SELECT ?1", [command], |row| row.get(0))
                .expect("reads back");
            assert_eq!(read, command);
        }
        let error = connection
            .query_row("SELECT 'half_voided'", [], |row| {
                row.get::<_, OrderState>(0)
            })
            .expect_err("refused");
        assert!(error.to_string().contains("half_voided"), "{error}");
    }
}
