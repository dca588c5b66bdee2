//! Receipt benchmarks (divan): the time to build and render one receipt,
//! and its size. `cargo bench --bench receipts`; under `cargo test` each
//! runs once.

use apsdesk::journal::payment::{PaymentResult, PaymentTime, TimeSource};
use apsdesk::journal::store::OrderRecord;
use apsdesk::profiles::ReceiptDetails;
use apsdesk::receipt::{Layout, Receipt, ReceiptLanguage, render};

fn main() {
    // The fonts are parsed once per process; do it before measuring, as an
    // app or a batch would have.
    let receipt = knet_receipt();
    for (name, language, layout) in CASES {
        let bytes = render(&receipt, *language, *layout);
        println!("receipt size, {name}: {} bytes", bytes.len());
    }
    divan::main();
}

const CASES: &[(&str, ReceiptLanguage, Layout)] = &[
    ("A4, both languages", ReceiptLanguage::Both, Layout::A4),
    ("A4, Arabic", ReceiptLanguage::Ar, Layout::A4),
    (
        "thermal, both languages",
        ReceiptLanguage::Both,
        Layout::Thermal,
    ),
    ("thermal, English", ReceiptLanguage::En, Layout::Thermal),
];

fn knet_receipt() -> Receipt {
    let order = OrderRecord {
        id: 1,
        profile: "kw".into(),
        environment: apsdesk::aps::client::Environment::Production,
        merchant_reference: "ORD-2026-000077".into(),
        fort_id: Some("169000000000000077".into()),
        kind: Some("PURCHASE".into()),
        payment_option: Some("KNET".into()),
        card_brand: None,
        masked_card: None,
        currency: Some("KWD".into()),
        amount_minor: Some(12_500),
        authorized_minor: 12_500,
        captured_minor: 12_500,
        refunded_minor: 0,
        state: apsdesk::journal::vocabulary::OrderState::Captured,
        customer_email: Some("customer@example.com".into()),
        customer_name: Some("نورة الكندري".into()),
        authorization_code: Some("445566".into()),
        knet_ref_number: Some("512345678901".into()),
        third_party_transaction_number: Some("2026112300000077".into()),
        payment_link_id: None,
        payment_link_url: None,
        payment_link_status: None,
        last_response_code: Some("14000".into()),
        created_ms: 1_795_000_000_000,
        updated_ms: 1_795_000_000_000,
        payment: PaymentResult {
            response_code: Some("14000".into()),
            response_message: Some("Success".into()),
            time: Some(PaymentTime {
                at_ms: 1_795_000_000_000,
                source: TimeSource::Answer,
            }),
        },
    };
    let merchant = ReceiptDetails {
        name_en: "Gulf Traders Co.".into(),
        name_ar: "شركة تجار الخليج".into(),
        address: "Salmiya, Block 10, Kuwait".into(),
        registration_number: "CR 123456".into(),
        logo: None,
        time_zone: "Asia/Kuwait".into(),
    };
    Receipt::build(&order, None, &merchant)
}

#[divan::bench(args = [0, 1, 2, 3], sample_count = 30)]
fn render_one_receipt(case: usize) -> Vec<u8> {
    let (_, language, layout) = CASES[case];
    render(&knet_receipt(), language, layout)
}
