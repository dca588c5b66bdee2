//! What journals record as applied, read from their files, set against the
//! simulator's own totals: the judge of every attack on "money moves once".
//!
//! An operation counts as applied when its result succeeded or a
//! resolution concluded `applied`; a journal read here is opened read-only
//! with plain SQLite, so the judging never writes (and never trips a
//! rollback or anchor check the desk is subject to).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use apsdesk::sim::RunningSimulator;

/// The money one journal records as applied on one order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub captured: i64,
    pub refunded: i64,
    pub voided: bool,
}

/// One capture, refund or void as a journal recorded it.
#[derive(Debug, Clone, Default)]
pub struct MoneyOperation {
    pub operation_id: i64,
    pub command: String,
    pub amount: i64,
    pub result: Option<String>,
    pub resolutions: Vec<String>,
}

impl MoneyOperation {
    pub fn applied(&self) -> bool {
        self.result.as_deref() == Some("succeeded")
            || self.resolutions.iter().any(|outcome| outcome == "applied")
    }

    pub fn not_applied(&self) -> bool {
        self.resolutions
            .iter()
            .any(|outcome| outcome == "not_applied")
    }
}

fn read_only(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|error| panic!("{} opens read-only: {error}", db.display()))
}

/// Every capture, refund and void on `reference` in the journal at `db`
/// (under any profile), by operation.
pub fn money_operations(db: &Path, reference: &str) -> Vec<MoneyOperation> {
    let connection = read_only(db);
    let mut statement = connection
        .prepare(
            "SELECT e.operation_id, e.entry, e.command, e.amount_minor, e.outcome
             FROM entries e JOIN orders o ON o.id = e.order_id
             WHERE o.merchant_reference = ?1
               AND e.command IN ('CAPTURE', 'REFUND', 'VOID_AUTHORIZATION')
             ORDER BY e.seq",
        )
        .expect("query");
    let rows = statement
        .query_map([reference], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<i64>>(3)?,
                row.get::<_, Option<String>>(4)?,
            ))
        })
        .expect("rows")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("read");
    let mut operations = BTreeMap::<i64, MoneyOperation>::new();
    for (operation_id, entry, command, amount, outcome) in rows {
        let operation = operations.entry(operation_id).or_insert(MoneyOperation {
            operation_id,
            command: command.clone(),
            ..MoneyOperation::default()
        });
        match entry.as_str() {
            "request" => operation.amount = amount.unwrap_or(0),
            "result" => operation.result = outcome,
            "resolution" => operation.resolutions.extend(outcome),
            // Feedback and imported rows carry no operation of the desk.
            _ => {}
        }
    }
    operations.into_values().collect()
}

/// The money the journal at `db` records as applied on `reference`.
pub fn applied(db: &Path, reference: &str) -> Applied {
    let mut applied = Applied::default();
    for operation in money_operations(db, reference) {
        if !operation.applied() {
            continue;
        }
        match operation.command.as_str() {
            "CAPTURE" => applied.captured += operation.amount,
            "REFUND" => applied.refunded += operation.amount,
            "VOID_AUTHORIZATION" => applied.voided = true,
            other => panic!("not a money command: {other}"),
        }
    }
    applied
}

/// How many requests of `command` (`CAPTURE`...) on `reference` the journal recorded.
pub fn requests(db: &Path, reference: &str, command: &str) -> usize {
    money_operations(db, reference)
        .iter()
        .filter(|operation| operation.command == command)
        .count()
}

/// The simulator's (captured, refunded, voided) of `reference`.
pub fn at_sim(sim: &RunningSimulator, reference: &str) -> Applied {
    sim.with_state(|state| {
        let order = state.order(reference).expect("order in the simulator");
        Applied {
            captured: i64::try_from(order.captured).expect("fits"),
            refunded: i64::try_from(order.refunded).expect("fits"),
            voided: order.voided,
        }
    })
}

/// The promise: the money at the simulator is the money these journals
/// (together: each desk's record of its own operations) record as applied.
pub fn assert_money_agrees(sim: &RunningSimulator, journals: &[&Path], reference: &str) {
    let mut recorded = Applied::default();
    for db in journals {
        let one = applied(db, reference);
        recorded.captured += one.captured;
        recorded.refunded += one.refunded;
        recorded.voided |= one.voided;
    }
    let at_aps = at_sim(sim, reference);
    let detail: Vec<_> = journals
        .iter()
        .map(|db| money_operations(db, reference))
        .collect();
    assert_eq!(
        at_aps, recorded,
        "{reference}: the simulator holds {at_aps:?}, the journals record {recorded:?} as applied: {detail:?}"
    );
}
