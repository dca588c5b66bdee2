//! Synthetic journals: a realistic spread of orders and operations for
//! benchmarks and for trying the order browser at scale
//! (`apsdesk journal seed --orders N`).
//!
//! The data is deterministic (a fixed pseudo-random sequence), so benchmark
//! runs compare like with like. Orders spread over card and local methods and
//! their currencies, over every state an order passes through, and over
//! English and Arabic customer names; each operation is a request and a result
//! entry, chained like any other. Nothing here is a real card or a real
//! person: card numbers are masked test numbers.

use super::vocabulary::OrderState;
use crate::aps::client::Environment;
use rusqlite::params;
use serde_json::json;

use super::chain::EntryFields;
use super::payment::TimeSource;
use super::store::{Journal, Result, chain_head, insert_entry};
use crate::dice::Dice;

/// Card methods: (payment option, brand, masked card, currencies).
const CARDS: &[(&str, &str, &str)] = &[
    ("VISA", "VISA", "400555******0001"),
    ("MASTERCARD", "MASTERCARD", "512345******2346"),
    ("AMEX", "AMEX", "345678*****4564"),
    ("MADA", "MADA", "529741******5689"),
];
const CARD_CURRENCIES: &[(&str, u32)] = &[
    ("SAR", 2),
    ("AED", 2),
    ("KWD", 3),
    ("BHD", 3),
    ("QAR", 2),
    ("OMR", 3),
    ("EGP", 2),
    ("JOD", 3),
    ("USD", 2),
];
/// Local methods and their one currency.
const LOCAL: &[(&str, &str, u32)] = &[
    ("KNET", "KWD", 3),
    ("BENEFIT", "BHD", 3),
    ("OMANNET", "OMR", 3),
    ("NAPS", "QAR", 2),
    ("STCPAY", "SAR", 2),
    ("MADA", "SAR", 2),
];
const GIVEN_NAMES: &[&str] = &[
    "أحمد",
    "فاطمة",
    "محمد",
    "نورة",
    "خالد",
    "مريم",
    "عبدالله",
    "سارة",
    "يوسف",
    "ليلى",
    "Ahmed",
    "Fatima",
    "Mohammed",
    "Noura",
    "Khalid",
    "Maryam",
    "Omar",
    "Sara",
    "John",
    "Priya",
];
const FAMILY_NAMES: &[&str] = &[
    "العتيبي",
    "الكندري",
    "الحربي",
    "الشمري",
    "البلوشي",
    "الأنصاري",
    "المطيري",
    "Al-Otaibi",
    "Al-Kandari",
    "Al-Harbi",
    "Al-Shammari",
    "Al-Balushi",
    "Smith",
    "Khan",
    "Haddad",
];
const OPERATORS: &[&str] = &["amal", "badr", "huda", "nasser"];

/// What happened to a synthetic order: the commands applied, in order.
#[derive(Debug, Clone, Copy)]
enum Story {
    Authorized,
    Captured,
    PartlyCaptured,
    Voided,
    PartlyRefunded,
    Refunded,
    Declined,
    Purchased,
    PurchasedRefunded,
}

const CARD_STORIES: &[Story] = &[
    Story::Authorized,
    Story::Captured,
    Story::Captured,
    Story::Captured,
    Story::PartlyCaptured,
    Story::Voided,
    Story::PartlyRefunded,
    Story::Refunded,
    Story::Declined,
    Story::Purchased,
];
const LOCAL_STORIES: &[Story] = &[
    Story::Purchased,
    Story::Purchased,
    Story::Purchased,
    Story::PurchasedRefunded,
    Story::Declined,
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeedSpec {
    pub orders: u64,
    pub profile: String,
    pub environment: Environment,
    /// The newest order's creation time; the others spread over a year before.
    pub now_ms: i64,
}

/// How much was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub orders: u64,
    pub operations: u64,
}

/// One generated operation.
struct Operation {
    command: &'static str,
    amount: Option<i64>,
    status: &'static str,
    message: &'static str,
    maintenance_reference: Option<String>,
}

/// Orders are written in transactions of this many: big enough to amortize
/// the commit, small enough to keep the WAL bounded.
const BATCH: u64 = 5_000;

/// Appends `spec.orders` synthetic orders with their operations. Calls
/// `progress(done, total)` after each batch.
pub fn seed(
    journal: &mut Journal,
    spec: &SeedSpec,
    mut progress: impl FnMut(u64, u64),
) -> Result<SeedReport> {
    let mut dice = Dice(0x0A95_DE5C ^ spec.orders);
    let year_ms: i64 = 365 * 24 * 3600 * 1000;
    let mut report = SeedReport {
        orders: 0,
        operations: 0,
    };
    let first_index: i64 =
        journal
            .connection()
            .query_row("SELECT ifnull(max(id), 0) FROM orders", [], |row| {
                row.get(0)
            })?;
    // Hashed like every entry of this journal (keyed when it is).
    let hasher = journal.hasher().clone();
    let identity = journal.identity().clone();
    // Why there is no key, if there is none: the refusal names it (a key
    // that is not on this computer is not "unlock the keyring").
    let key_problem = journal.key_problem().map(str::to_owned);
    let hash = |prev_hash: &str, fields: &EntryFields<'_>| {
        Journal::entry_hash(
            &hasher,
            &identity,
            key_problem.as_deref(),
            prev_hash,
            fields,
        )
    };
    let head_guard = journal.head_guard();
    while report.orders < spec.orders {
        let batch_end = (report.orders + BATCH).min(spec.orders);
        let transaction = journal.connection_mut().transaction()?;
        // Like every append: not onto a journal cut, replaced or put back.
        head_guard.check(&transaction)?;
        let (mut seq, mut prev_hash) = chain_head(&transaction)?;
        for index in report.orders..batch_end {
            let number = first_index + i64::try_from(index).unwrap_or(i64::MAX) + 1;
            let order = SyntheticOrder::roll(&mut dice, number, spec, year_ms);
            let order_id = order.insert(&transaction, spec)?;
            let mut at_ms = order.created_ms;
            for operation in &order.operations {
                seq += 1;
                let operation_id = seq;
                let actor_operator = *dice.pick(OPERATORS);
                let request_payload = order.request_payload(operation);
                let request = EntryFields {
                    seq,
                    operation_id,
                    entry: "request",
                    order_id,
                    command: operation.command,
                    operator: actor_operator,
                    profile: &spec.profile,
                    environment: spec.environment.as_str(),
                    amount_minor: operation.amount,
                    currency: Some(order.currency),
                    maintenance_reference: operation.maintenance_reference.as_deref(),
                    outcome: None,
                    response_code: None,
                    response_message: None,
                    payload: &request_payload,
                    at_ms,
                };
                let request_hash = hash(&prev_hash, &request)?;
                insert_entry(&transaction, &request, &prev_hash, &request_hash)?;
                prev_hash = request_hash;

                seq += 1;
                at_ms += 300 + i64::try_from(dice.below(1_500)).unwrap_or(0);
                let code = format!("{}{}", operation.status, operation.message);
                let outcome = if operation.message == "000" {
                    "succeeded"
                } else {
                    "declined"
                };
                let result_payload = order.result_payload(operation, &code);
                let result = EntryFields {
                    seq,
                    operation_id,
                    entry: "result",
                    order_id,
                    command: operation.command,
                    operator: actor_operator,
                    profile: &spec.profile,
                    environment: spec.environment.as_str(),
                    amount_minor: None,
                    currency: None,
                    maintenance_reference: None,
                    outcome: Some(outcome),
                    response_code: Some(&code),
                    response_message: Some(message_text(operation.message)),
                    payload: &result_payload,
                    at_ms,
                };
                let result_hash = hash(&prev_hash, &result)?;
                insert_entry(&transaction, &result, &prev_hash, &result_hash)?;
                prev_hash = result_hash;
                if matches!(operation.command, "AUTHORIZATION" | "PURCHASE") {
                    // The payment's own answer, kept as the desk keeps it
                    // (`projection::record_payment`): its time is known.
                    transaction
                        .prepare_cached(
                            "UPDATE orders SET payment_response_code = ?2,
                                payment_response_message = ?3, payment_at_ms = ?4,
                                payment_at_source = ?5
                             WHERE id = ?1",
                        )?
                        .execute(params![
                            order_id,
                            code,
                            message_text(operation.message),
                            at_ms,
                            TimeSource::Answer.as_str(),
                        ])?;
                }
                at_ms += i64::try_from(dice.below(3 * 24 * 3600 * 1000)).unwrap_or(0);
                report.operations += 1;
            }
        }
        transaction.commit()?;
        journal.anchor_after_commit();
        report.orders = batch_end;
        progress(report.orders, spec.orders);
    }
    Ok(report)
}

fn message_text(message: &str) -> &'static str {
    if message == "000" {
        "Success"
    } else {
        "Transaction declined"
    }
}

/// One generated order and its history.
struct SyntheticOrder {
    reference: String,
    fort_id: String,
    kind: &'static str,
    option: &'static str,
    brand: Option<&'static str>,
    masked_card: Option<&'static str>,
    currency: &'static str,
    amount: i64,
    authorized: i64,
    captured: i64,
    refunded: i64,
    state: OrderState,
    customer_name: String,
    customer_email: String,
    authorization_code: Option<String>,
    knet_ref_number: Option<String>,
    third_party: Option<String>,
    last_code: String,
    created_ms: i64,
    operations: Vec<Operation>,
}

impl SyntheticOrder {
    fn roll(dice: &mut Dice, number: i64, spec: &SeedSpec, year_ms: i64) -> SyntheticOrder {
        let local = dice.below(10) < 4;
        let (option, brand, masked_card, currency, exponent) = if local {
            let (option, currency, exponent) = *dice.pick(LOCAL);
            (option, None, None, currency, exponent)
        } else {
            let (option, brand, masked) = *dice.pick(CARDS);
            let (currency, exponent) = *dice.pick(CARD_CURRENCIES);
            (option, Some(brand), Some(masked), currency, exponent)
        };
        let unit = 10_i64.pow(exponent);
        // VISA in a 3-decimal currency takes amounts ending in 0 (the guide):
        // every amount of such an order is a multiple of `step`.
        let step = if option == "VISA" && exponent == 3 {
            10
        } else {
            1
        };
        let amount = (1 + i64::try_from(dice.below(2_000)).unwrap_or(0)) * unit
            + i64::try_from(dice.below(u64::try_from(unit).unwrap_or(1))).unwrap_or(0) / step
                * step;
        let story = if local {
            *dice.pick(LOCAL_STORIES)
        } else {
            *dice.pick(CARD_STORIES)
        };
        let given = *dice.pick(GIVEN_NAMES);
        let family = *dice.pick(FAMILY_NAMES);
        let customer_name = format!("{given} {family}");
        let customer_email = format!("customer{}@example.com", dice.below(200_000));
        let created_ms = spec.now_ms
            - i64::try_from(dice.below(u64::try_from(year_ms).unwrap_or(1))).unwrap_or(0);
        let partial = (amount / 2 + step) / step * step;
        let approved = |command, amount, status| Operation {
            command,
            amount,
            status,
            message: "000",
            maintenance_reference: None,
        };
        let refund = |amount, number: i64| Operation {
            command: "REFUND",
            amount: Some(amount),
            status: "06",
            message: "000",
            maintenance_reference: Some(format!("RF{number}")),
        };
        let auth = approved("AUTHORIZATION", Some(amount), "02");
        let purchase = approved("PURCHASE", Some(amount), "14");
        let check = approved("CHECK_STATUS", None, "12");
        let capture = |amount| approved("CAPTURE", Some(amount), "04");
        let (kind, mut operations, authorized, captured, refunded, state) = match story {
            Story::Authorized => (
                "authorization",
                vec![auth, check],
                amount,
                0,
                0,
                OrderState::Authorized,
            ),
            Story::Captured => (
                "authorization",
                vec![auth, capture(amount), check],
                amount,
                amount,
                0,
                OrderState::Captured,
            ),
            Story::PartlyCaptured => (
                "authorization",
                vec![auth, capture(partial), check],
                amount,
                partial,
                0,
                OrderState::PartiallyCaptured,
            ),
            Story::Voided => (
                "authorization",
                vec![auth, approved("VOID_AUTHORIZATION", None, "08"), check],
                amount,
                0,
                0,
                OrderState::Voided,
            ),
            Story::PartlyRefunded => (
                "authorization",
                vec![auth, capture(amount), refund(partial, number)],
                amount,
                amount,
                partial,
                OrderState::PartiallyRefunded,
            ),
            Story::Refunded => (
                "authorization",
                vec![auth, capture(amount), refund(amount, number), check],
                amount,
                amount,
                amount,
                OrderState::Refunded,
            ),
            Story::Declined => {
                let command = if local { "PURCHASE" } else { "AUTHORIZATION" };
                let status = if local { "13" } else { "03" };
                let declined = Operation {
                    command,
                    amount: Some(amount),
                    status,
                    message: "666",
                    maintenance_reference: None,
                };
                (
                    "declined",
                    vec![declined, check],
                    0,
                    0,
                    0,
                    OrderState::Declined,
                )
            }
            Story::Purchased => (
                "purchase",
                vec![purchase, check],
                amount,
                amount,
                0,
                OrderState::Captured,
            ),
            Story::PurchasedRefunded => (
                "purchase",
                vec![purchase, refund(partial, number), check],
                amount,
                amount,
                partial,
                OrderState::PartiallyRefunded,
            ),
        };
        // Operators re-check about four orders in ten (a customer calls, a
        // report is reconciled): the journal's usual three operations per order.
        if dice.below(10) < 4 {
            operations.push(approved("CHECK_STATUS", None, "12"));
        }
        let declined = matches!(story, Story::Declined);
        let last_code = operations
            .last()
            .map(|operation| format!("{}{}", operation.status, operation.message))
            .unwrap_or_default();
        SyntheticOrder {
            reference: format!("SYN-{number:08}"),
            fort_id: format!("{}", 170_000_000_000_000_000_i64 + number),
            kind,
            option,
            brand,
            masked_card,
            currency,
            amount,
            authorized,
            captured,
            refunded,
            state,
            customer_name,
            customer_email,
            authorization_code: (!declined).then(|| format!("{:06}", dice.below(1_000_000))),
            knet_ref_number: (option == "KNET" && !declined)
                .then(|| format!("{:015}", dice.below(1_000_000_000_000_000))),
            third_party: (matches!(option, "KNET" | "BENEFIT" | "OMANNET") && !declined)
                .then(|| format!("{:016}", dice.below(10_000_000_000_000_000))),
            last_code,
            created_ms,
            operations,
        }
    }

    fn insert(&self, transaction: &rusqlite::Transaction<'_>, spec: &SeedSpec) -> Result<i64> {
        let mut statement = transaction.prepare_cached(
            "INSERT INTO orders (profile, environment, merchant_reference, fort_id, kind,
                payment_option, card_brand, masked_card, currency, amount_minor, authorized_minor,
                captured_minor, refunded_minor, state, customer_email, customer_name,
                authorization_code, knet_ref_number, third_party_transaction_number,
                last_response_code, created_ms, updated_ms, account)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?21, 'synthetic')",
        )?;
        statement.execute(params![
            spec.profile,
            spec.environment,
            self.reference,
            self.fort_id,
            self.kind,
            self.option,
            self.brand,
            self.masked_card,
            self.currency,
            self.amount,
            self.authorized,
            self.captured,
            self.refunded,
            self.state,
            self.customer_email,
            self.customer_name,
            self.authorization_code,
            self.knet_ref_number,
            self.third_party,
            self.last_code,
            self.created_ms,
        ])?;
        Ok(transaction.last_insert_rowid())
    }

    /// A request payload shaped like the ones the desk records (access code masked).
    fn request_payload(&self, operation: &Operation) -> String {
        let mut request = json!({
            "command": operation.command,
            "access_code": "********",
            // The account of every synthetic order (`insert` records it).
            "merchant_identifier": "synthetic",
            "merchant_reference": self.reference,
            "language": "en",
        });
        if let Some(amount) = operation.amount {
            request["amount"] = json!(amount.to_string());
            request["currency"] = json!(self.currency);
        }
        if let Some(reference) = &operation.maintenance_reference {
            request["maintenance_reference"] = json!(reference);
        }
        // The request entry's payload (`payload::RequestPayload`): parameters as an object.
        json!({ "request": request }).to_string()
    }

    fn result_payload(&self, operation: &Operation, code: &str) -> String {
        let mut response = json!({
            "command": operation.command,
            "merchant_reference": self.reference,
            "fort_id": self.fort_id,
            "response_code": code,
            "status": operation.status,
            "payment_option": self.option,
        });
        // A status check answers the order's totals and its last transaction's
        // status, as APS does: replaying the entries (`journal verify`)
        // arrives at the order row written here.
        if operation.command == "CHECK_STATUS" {
            let transaction_status = self
                .operations
                .iter()
                .rev()
                .find(|earlier| earlier.command != "CHECK_STATUS")
                .map_or("", |earlier| earlier.status);
            response["authorized_amount"] = json!(self.authorized.to_string());
            response["captured_amount"] = json!(self.captured.to_string());
            response["refunded_amount"] = json!(self.refunded.to_string());
            response["transaction_status"] = json!(transaction_status);
        }
        // The result entry's payload (`payload::ResultPayload`).
        json!({ "http_status": 200, "attempts": 1, "response": response }).to_string()
    }
}
