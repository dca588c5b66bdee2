//! CSV import benchmark (divan): 200,000 rows (the reporting API's ceiling)
//! read, checked and recorded into a fresh journal — every row an `imported`
//! entry on the chain, its order created and waiting for confirmation. The
//! look-ups (CHECK_STATUS) are not part of it. `cargo bench --bench import`;
//! under `cargo test` it runs once on 2,000 rows.

use std::fmt::Write as _;

use apsdesk::aps::client::Environment;
use apsdesk::journal::import::{self, ImportOutcome, ImportSource};
use apsdesk::journal::{Actor, Journal};

fn main() {
    divan::main();
}

/// 200,000 rows when benchmarking, 2,000 under `cargo test`.
fn rows() -> usize {
    if std::env::args().any(|arg| arg == "--bench") {
        200_000
    } else {
        2_000
    }
}

/// A report with every field the reporting API names, Arabic and English
/// customers, three-decimal and two-decimal currencies.
fn report(rows: usize) -> Vec<u8> {
    let mut text = String::from(
        "merchant_reference,fort_id,customer_name,customer_email,amount,currency,payment_option,transaction_date,authorization_code\n",
    );
    for index in 0..rows {
        let (currency, amount, option) = if index % 3 == 0 {
            (
                "SAR",
                format!("{}.{:02}", 10 + index % 900, index % 100),
                "MADA",
            )
        } else {
            (
                "KWD",
                format!("{}.{:03}", 1 + index % 90, (index * 7) % 1000),
                "KNET",
            )
        };
        let name = if index % 2 == 0 {
            "نورة الكندري"
        } else {
            "Khalid Al-Harbi"
        };
        writeln!(
            text,
            "ORD-{index:07},1690{index:014},{name},customer{index}@example.com,{amount},{currency},{option},2026-11-{:02}T{:02}:{:02}:00+03:00,{:06}",
            1 + index % 28,
            index % 24,
            index % 60,
            index % 1_000_000
        )
        .expect("text");
    }
    text.into_bytes()
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_200k_rows(bencher: divan::Bencher) {
    let bytes = report(rows());
    let actor = Actor {
        operator: "bench".into(),
        profile: "bench".into(),
        account: "bench".into(),
        environment: Environment::Simulator,
    };
    bencher
        .with_inputs(|| {
            let dir = tempfile::TempDir::new().expect("temp dir");
            let journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
            (dir, journal)
        })
        .bench_local_values(|(dir, mut journal)| {
            let (_, parsed) = import::read_file(&bytes, &[]).expect("mapped");
            assert!(parsed.errors.is_empty(), "{:?}", parsed.errors.first());
            let source = ImportSource::of("report.csv", &bytes);
            let outcome = import::record(&mut journal, &actor, &source, &parsed).expect("recorded");
            assert!(matches!(
                outcome,
                ImportOutcome::Recorded { refused: 0, .. }
            ));
            (dir, journal)
        });
}
