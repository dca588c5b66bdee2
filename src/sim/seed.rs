//! The demo data set: a few hundred orders that look like a Gulf merchant's
//! last two months, so that every screen of the app has something to show.
//!
//! Deterministic (a fixed pseudo-random sequence, dated back from `now`), so that
//! screenshots and tests see the same data each run.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use super::state::{HistoryEntry, SimOrder, SimState, SimToken};
use crate::aps::Command;
use crate::aps::client::{APPLE_PAY_WALLET, mask_card_number};
use crate::aps::currency::Currency;
use crate::dice::Dice;

/// Number of orders in the demo set.
pub const DEMO_ORDER_COUNT: usize = 300;

const CUSTOMERS: &[(&str, &str)] = &[
    ("فاطمة العلي", "fatima.alali@example.com"),
    ("محمد الكندري", "m.alkandari@example.com"),
    ("نورة السبيعي", "noura.s@example.com"),
    ("عبدالله الحربي", "a.alharbi@example.com"),
    ("مريم البلوشي", "maryam.b@example.com"),
    ("Ahmed Al Mansoori", "ahmed.mansoori@example.com"),
    ("Sara Haddad", "sara.haddad@example.com"),
    ("John Carter", "john.carter@example.com"),
    ("خالد الشمري", "khalid.shammari@example.com"),
    ("Layla Nasser", "layla.nasser@example.com"),
    ("يوسف الرميثي", "yousef.r@example.com"),
    ("Priya Menon", "priya.menon@example.com"),
];

/// (payment option, currency, card number) for card payments.
const CARD_METHODS: &[(&str, &str, &str)] = &[
    ("VISA", "AED", "4005550000000001"),
    ("MASTERCARD", "SAR", "5123456789012346"),
    ("VISA", "KWD", "4005550000000001"),
    ("AMEX", "USD", "345678901234564"),
    ("MASTERCARD", "QAR", "5123456789012346"),
    ("VISA", "BHD", "4557012345678902"),
    ("VISA", "OMR", "4005550000000001"),
];

/// (payment option, currency) of the purchase-only local methods.
const LOCAL_METHODS: &[(&str, &str)] = &[
    ("KNET", "KWD"),
    ("KNET", "KWD"),
    ("BENEFIT", "BHD"),
    ("OMANNET", "OMR"),
    ("NAPS", "QAR"),
    ("MADA", "SAR"),
    ("STCPAY", "SAR"),
];

/// What has happened to a demo order after its payment.
#[derive(Clone, Copy)]
enum Story {
    AwaitingCapture,
    PartlyCaptured,
    Captured,
    Voided,
    PartlyRefunded,
    Refunded,
    Purchased,
}

/// Fills `state` with the demo orders and a token for each distinct card.
pub fn seed_demo(state: &mut SimState, now: Timestamp) {
    let mut sequence = Dice(2026);
    let mut tokens: HashMap<&str, String> = HashMap::new();
    for index in 0..DEMO_ORDER_COUNT {
        let local = sequence.below(10) < 4;
        let (option, currency_code, card) = if local {
            let (option, currency) = *sequence.pick(LOCAL_METHODS);
            (option, currency, None)
        } else {
            let (option, currency, card) = *sequence.pick(CARD_METHODS);
            (option, currency, Some(card))
        };
        let Some(currency) = Currency::from_code(currency_code) else {
            continue;
        };
        let unit = 10u64.pow(u32::from(currency.exponent()));
        // Between 1 and 500 major units, with a fractional part.
        // VISA in a 3-decimal currency takes amounts ending in 0 (the guide):
        // every amount of such an order is a multiple of `step`.
        let step = if option == "VISA" && currency.exponent() == 3 {
            10
        } else {
            1
        };
        let amount = (1 + sequence.below(500)) * unit + sequence.below(unit.max(1)) / step * step;
        let story = if local {
            if sequence.below(5) == 0 {
                Story::PartlyRefunded
            } else {
                Story::Purchased
            }
        } else {
            *sequence.pick(&[
                Story::AwaitingCapture,
                Story::AwaitingCapture,
                Story::PartlyCaptured,
                Story::Captured,
                Story::Captured,
                Story::Voided,
                Story::PartlyRefunded,
                Story::Refunded,
                Story::Purchased,
            ])
        };
        // Authorizations still awaiting capture are spread across the
        // guide's 5-7 day capture window (a few just past it); the rest of
        // the history across two months.
        let span_minutes = if matches!(story, Story::AwaitingCapture) {
            8 * 24 * 60
        } else {
            60 * 24 * 60
        };
        let minutes = i64::try_from(sequence.below(span_minutes)).unwrap_or(0);
        let created_at = now
            .checked_sub(SignedDuration::from_mins(minutes + 30))
            .unwrap_or(now);
        let kind = if matches!(story, Story::Purchased) || local {
            Command::Purchase
        } else {
            Command::Authorization
        };
        let (customer_name, customer_email) = *sequence.pick(CUSTOMERS);
        let number = index as u64 + 1;
        let mut order = SimOrder {
            merchant_reference: format!("DEMO-{number:05}"),
            fort_id: format!("{}", 168_000_000_000_000_000u64 + number),
            kind,
            payment_option: option.to_owned(),
            currency,
            amount,
            authorized: amount,
            captured: if kind == Command::Purchase { amount } else { 0 },
            refunded: 0,
            voided: false,
            masked_card: card.map(mask_card_number),
            authorization_code: format!("{:06}", sequence.below(1_000_000)),
            customer_email: Some(customer_email.to_owned()),
            customer_name: Some(customer_name.to_owned()),
            knet_ref_number: (option == "KNET")
                .then(|| format!("{:012}", 500_000_000_000 + number)),
            third_party_transaction_number: matches!(option, "KNET" | "BENEFIT" | "OMANNET")
                .then(|| format!("{:016}", 2_025_000_000_000_000 + number)),
            payment_link_id: None,
            // Every seventh card order was paid with Apple Pay (decided by
            // its number, not drawn, so the rest of the demo stays as it was).
            digital_wallet: (card.is_some() && number % 7 == 3)
                .then(|| APPLE_PAY_WALLET.to_owned()),
            created_at,
            history: vec![HistoryEntry {
                command: kind,
                amount: Some(amount),
                response_code: format!("{}000", kind.status_pair().0),
                at: created_at,
            }],
            refunds_by_reference: HashMap::new(),
        };
        let later = created_at
            .checked_add(SignedDuration::from_mins(20))
            .unwrap_or(created_at);
        let apply = |order: &mut SimOrder, command: Command, amount: Option<u64>| {
            order.history.push(HistoryEntry {
                command,
                amount,
                response_code: format!("{}000", command.status_pair().0),
                at: later,
            });
        };
        match story {
            Story::AwaitingCapture | Story::Purchased => {}
            Story::PartlyCaptured => {
                let half = amount / 2 / step * step;
                order.captured = half;
                apply(&mut order, Command::Capture, Some(half));
            }
            Story::Captured => {
                order.captured = amount;
                apply(&mut order, Command::Capture, Some(amount));
            }
            Story::Voided => {
                order.voided = true;
                apply(&mut order, Command::VoidAuthorization, None);
            }
            Story::PartlyRefunded | Story::Refunded => {
                if kind == Command::Authorization {
                    order.captured = amount;
                    apply(&mut order, Command::Capture, Some(amount));
                }
                let refund = if matches!(story, Story::Refunded) {
                    amount
                } else {
                    amount / 3 / step * step
                };
                order.refunded = refund;
                apply(&mut order, Command::Refund, Some(refund));
            }
        }
        if let Some(card) = card {
            let token_name = tokens
                .entry(card)
                .or_insert_with(|| format!("demotok{}", &card[card.len() - 4..]))
                .clone();
            if state.token(&token_name).is_none() {
                state.insert_token(SimToken {
                    token_name,
                    masked_card: mask_card_number(card),
                    card_bin: card[..6].to_owned(),
                    card_brand: option.to_owned(),
                    expiry_date: "2912".to_owned(),
                    card_holder_name: Some(customer_name.to_owned()),
                    active: true,
                    created_at,
                });
            }
        }
        state.insert_order(order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::SimConfig;

    #[test]
    fn the_demo_set_covers_methods_states_and_is_consistent() {
        let mut state = SimState::new(SimConfig::default().credentials, "http://sim");
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().expect("valid");
        seed_demo(&mut state, now);
        let orders: Vec<&SimOrder> = state.orders().collect();
        assert_eq!(orders.len(), DEMO_ORDER_COUNT);
        for option in [
            "KNET",
            "BENEFIT",
            "OMANNET",
            "NAPS",
            "MADA",
            "STCPAY",
            "VISA",
            "MASTERCARD",
        ] {
            assert!(
                orders.iter().any(|o| o.payment_option == option),
                "{option}"
            );
        }
        assert!(
            orders
                .iter()
                .any(|o| o.kind == Command::Authorization && o.captured == 0 && !o.voided)
        );
        assert!(
            orders
                .iter()
                .any(|o| o.refunded > 0 && o.refunded < o.captured)
        );
        // Authorizations awaiting capture spread across the capture window:
        // fresh ones, ones in their last two days, and a few past it.
        let ages: Vec<i64> = orders
            .iter()
            .filter(|o| o.kind == Command::Authorization && o.captured == 0 && !o.voided)
            .map(|o| now.duration_since(o.created_at).as_hours())
            .collect();
        assert!(ages.iter().all(|hours| *hours <= 8 * 24), "{ages:?}");
        assert!(ages.iter().any(|hours| *hours < 2 * 24), "{ages:?}");
        assert!(
            ages.iter().any(|hours| (5 * 24..7 * 24).contains(hours)),
            "{ages:?}"
        );
        assert!(ages.iter().any(|hours| *hours > 7 * 24), "{ages:?}");
        for order in &orders {
            assert!(order.captured <= order.authorized && order.refunded <= order.captured);
            assert!(!(order.voided && order.captured > 0));
            if order.payment_option == "VISA" && order.currency.exponent() == 3 {
                // The guide's VISA rule, for every amount the demo shows.
                for amount in [order.amount, order.captured, order.refunded] {
                    assert_eq!(amount % 10, 0, "{}: {amount}", order.merchant_reference);
                }
            }
            if order.payment_option == "KNET" {
                assert!(
                    order.knet_ref_number.is_some()
                        && order.third_party_transaction_number.is_some()
                );
                assert_eq!(order.currency.code(), "KWD");
            }
        }
    }
}
