//! Receipts read back the way a customer's PDF reader reads them: the text
//! extracted with poppler's `pdftotext` (Debian `poppler-utils`, installed by
//! `.ci/run`; without it these tests fail and say so).

use std::path::Path;
use std::process::Command as Process;

use apsdesk::journal::store::NewEntry;
use apsdesk::journal::{Actor, Journal, OrderFilter};
use apsdesk::profiles::ReceiptDetails;
use apsdesk::receipt::batch::{BatchOutput, BatchStyle, IntoFolder, write_batch};
use apsdesk::receipt::{Layout, Receipt, ReceiptLanguage, render};
use tempfile::TempDir;

fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("receipt.pdf");
    std::fs::write(&path, pdf).expect("written");
    let output = Process::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|error| {
            panic!("{tool} is missing ({error}): install poppler-utils (.ci/run does)")
        });
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The extracted text, without the direction marks poppler wraps RTL words in.
fn text_of(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-layout"], pdf)
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{200E}' | '\u{200F}'))
        .collect()
}

fn merchant() -> ReceiptDetails {
    ReceiptDetails {
        name_en: "Gulf Traders Co.".into(),
        name_ar: "شركة تجار الخليج".into(),
        address: "Salmiya, Block 10, Kuwait".into(),
        registration_number: "CR 123456".into(),
        logo: None,
        time_zone: "Asia/Kuwait".into(),
    }
}

fn actor() -> Actor {
    Actor {
        operator: "huda".into(),
        profile: "kw".into(),
        environment: apsdesk::aps::client::Environment::Simulator,
    }
}

/// A journal with a KNET purchase and a card order captured then partly refunded.
fn journal(dir: &Path) -> (Journal, i64) {
    let mut journal = Journal::open(&dir.join("journal.sqlite3")).expect("opens");
    let knet = journal.ensure_order(&actor(), "KNET-77").expect("order");
    journal
        .update_order(knet, |order| {
            order.fort_id = Some("169000000000000077".into());
            order.payment_option = Some("KNET".into());
            order.currency = Some("KWD".into());
            order.amount_minor = Some(12_500);
            order.authorized_minor = 12_500;
            order.captured_minor = 12_500;
            order.state = apsdesk::journal::vocabulary::OrderState::Captured;
            order.authorization_code = Some("445566".into());
            order.knet_ref_number = Some("512345678901".into());
            order.third_party_transaction_number = Some("2026112300000077".into());
            order.last_response_code = Some("14000".into());
            order.customer_name = Some("نورة الكندري".into());
        })
        .expect("updated");
    let card = journal.ensure_order(&actor(), "CARD-9").expect("order");
    journal
        .update_order(card, |order| {
            order.fort_id = Some("169000000000000009".into());
            order.payment_option = Some("MASTERCARD".into());
            order.card_brand = Some("MASTERCARD".into());
            order.masked_card = Some("512345******2346".into());
            order.currency = Some("KWD".into());
            order.amount_minor = Some(40_000);
            order.authorized_minor = 40_000;
            order.captured_minor = 30_000;
            order.refunded_minor = 7_250;
            order.state = apsdesk::journal::vocabulary::OrderState::PartiallyRefunded;
            order.authorization_code = Some("112233".into());
        })
        .expect("updated");
    let refund = journal
        .record_request(
            &actor(),
            card,
            apsdesk::aps::Command::Refund,
            true,
            &NewEntry {
                amount_minor: Some(7_250),
                currency: Some("KWD"),
                maintenance_reference: Some("RF-1"),
                payload: "{}",
                ..NewEntry::default()
            },
        )
        .expect("request");
    journal
        .record_result(
            &actor(),
            refund,
            &NewEntry {
                outcome: Some(apsdesk::journal::vocabulary::EntryOutcome::Succeeded),
                response_code: Some("06000"),
                response_message: Some("Success"),
                payload: r#"{"response":"{\"number_of_installments\":\"3\",\"plan_code\":\"KW3\"}"}"#,
                ..NewEntry::default()
            },
        )
        .expect("result");
    (journal, refund)
}

#[test]
fn a_knet_receipt_shows_the_four_knet_fields_in_both_languages() {
    let dir = TempDir::new().expect("temp dir");
    let (journal, _) = journal(dir.path());
    let order = journal
        .orders_by_reference("KNET-77")
        .expect("read")
        .remove(0);
    let receipt = Receipt::build(&order, None, &merchant());
    for layout in [Layout::A4, Layout::Thermal] {
        let pdf = render(&receipt, ReceiptLanguage::Both, layout);
        let text = text_of(&pdf);
        for expected in [
            "Gulf Traders Co.",
            "Payment receipt",
            "KNET-77",
            "169000000000000077",
            "445566",
            "KNET reference",
            "512345678901",
            "KNET transaction number",
            "2026112300000077",
            "12.500 KWD",
            "Date and time",
            "Asia/Kuwait",
            "Purchase Success",
            // Arabic, in logical order.
            "شركة تجار الخليج",
            "إيصال دفع",
            "الرقم المرجعي لكي نت",
            "رقم عملية كي نت",
            "التاريخ والوقت",
            "المبلغ",
            "نجح الشراء",
        ] {
            assert!(
                text.contains(expected),
                "{layout:?}: {expected:?} missing from:\n{text}"
            );
        }
        // The date is the merchant's local time (UTC+3 in Kuwait).
        let local = apsdesk::receipt::format_when(order.created_ms, "Asia/Kuwait");
        assert!(text.contains(&local), "{local}");
        assert!(!text.contains("12.50 KWD "), "three decimals for KWD");
    }
}

#[test]
fn a_refund_receipt_shows_the_original_this_refund_and_what_remains() {
    let dir = TempDir::new().expect("temp dir");
    let (journal, refund) = journal(dir.path());
    let order = journal
        .orders_by_reference("CARD-9")
        .expect("read")
        .remove(0);
    let entries = journal.operation_entries(refund).expect("entries");
    let receipt = Receipt::build(&order, Some(&entries), &merchant());
    let english = text_of(&render(&receipt, ReceiptLanguage::En, Layout::A4));
    for expected in [
        "Refund receipt",
        "Original amount",
        "40.000 KWD",
        "Amount refunded",
        "7.250 KWD",
        "Remaining",
        "22.750 KWD",
        "512345******2346",
        "Refund Success",
        "06000",
        "Installments",
        "3 - KW3",
    ] {
        assert!(
            english.contains(expected),
            "{expected:?} missing from:\n{english}"
        );
    }
    assert!(
        !english
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "English only"
    );
    let arabic = text_of(&render(&receipt, ReceiptLanguage::Ar, Layout::Thermal));
    for expected in [
        "إيصال استرداد",
        "المبلغ الأصلي",
        "المبلغ المسترد",
        "المتبقي",
        "نجح الاسترداد",
        "7.250 KWD",
        "512345******2346",
    ] {
        assert!(
            arabic.contains(expected),
            "{expected:?} missing from:\n{arabic}"
        );
    }
    assert!(!arabic.contains("Refund receipt"), "Arabic only");
}

#[test]
fn fonts_are_embedded_and_subset() {
    let dir = TempDir::new().expect("temp dir");
    let (journal, _) = journal(dir.path());
    let order = journal
        .orders_by_reference("KNET-77")
        .expect("read")
        .remove(0);
    let pdf = render(
        &Receipt::build(&order, None, &merchant()),
        ReceiptLanguage::Both,
        Layout::A4,
    );
    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 3, "{fonts}");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let flags = &columns[columns.len() - 5..columns.len() - 2];
        assert_eq!(
            flags,
            ["yes", "yes", "yes"],
            "embedded, subset, with a text map: {row}"
        );
    }
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
}

#[test]
fn a_batch_writes_one_file_per_order_or_one_combined() {
    let dir = TempDir::new().expect("temp dir");
    let (journal, _) = journal(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("dir");
    let mut seen = Vec::new();
    let written = write_batch(
        &journal,
        &OrderFilter::default(),
        &merchant(),
        BatchStyle {
            language: ReceiptLanguage::Both,
            layout: Layout::Thermal,
            output: BatchOutput::OnePerOrder,
        },
        &IntoFolder(out.clone()),
        |done, total| seen.push((done, total)),
    )
    .expect("written");
    assert_eq!(written.len(), 2);
    assert_eq!(seen.last(), Some(&(2, 2)));
    assert!(
        written
            .iter()
            .any(|path| path.ends_with("receipt-KNET-77.pdf"))
    );
    let combined = write_batch(
        &journal,
        &OrderFilter::default(),
        &merchant(),
        BatchStyle {
            language: ReceiptLanguage::En,
            layout: Layout::A4,
            output: BatchOutput::Combined,
        },
        &IntoFolder(out),
        |_, _| {},
    )
    .expect("written");
    assert_eq!(combined.len(), 1);
    let bytes = std::fs::read(&combined[0]).expect("read");
    let info = poppler("pdfinfo", &[], &bytes);
    assert!(
        info.lines()
            .any(|line| line.starts_with("Pages:") && line.ends_with(" 2")),
        "{info}"
    );
    let text = text_of(&bytes);
    assert!(text.contains("KNET-77") && text.contains("CARD-9"));
}
