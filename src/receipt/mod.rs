//! Receipts: what a customer is handed, in Arabic and English, as a PDF on A4
//! or on an 80 mm thermal roll.
//!
//! - this module: the receipt's content ([`Receipt`]) built from the journal's
//!   order and, optionally, one of its operations; and the labelled rows each
//!   language shows ([`Receipt::rows`]).
//! - [`pdf`]: the layouts and the PDF (printpdf, glyphs shaped by
//!   [`crate::text`]).
//! - [`batch`]: many receipts at once, and the [`SaveTarget`] seam the app's
//!   file dialog plugs into.
//!
//! KNET requires every receipt of a KNET payment to show `knet_ref_number`,
//! `third_party_transaction_number`, the amount and the transaction date;
//! BENEFIT and OmanNet receipts show the third-party transaction number.
//!
//! A payment receipt prints the payment's own result (the journal's
//! [`PaymentResult`](crate::journal::payment::PaymentResult)), never the
//! answer of a later status check, and its transaction time only when a
//! source knew it. Otherwise it says "recorded at" with the time the journal
//! first saw the order, and a KNET receipt says the transaction date is not
//! known rather than printing a wrong one.
//!
//! Every receipt says, in English and Arabic, that it is not a tax invoice
//! (a payment receipt is not a KSA or UAE tax invoice). The merchant's own
//! invoice or credit-note number, when the operator gave one with the
//! capture or refund, is recorded with the operation and printed.

pub mod batch;
pub mod pdf;

use std::path::PathBuf;

use crate::aps::{Command, Language, codes};
use crate::journal::export::format_amount;
use crate::journal::store::{EntryRecord, OrderRecord};
use crate::journal::vocabulary::EntryKind;
use crate::profiles::ReceiptDetails;

pub use batch::SaveTarget;
pub use pdf::{Layout, ReceiptLanguage, render, render_many};

/// What the receipt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptKind {
    Payment,
    Capture,
    Refund,
    Void,
}

impl ReceiptKind {
    pub fn title(self, language: Language) -> &'static str {
        match self {
            ReceiptKind::Payment => language.pick("Payment receipt", "إيصال دفع"),
            ReceiptKind::Capture => language.pick("Capture receipt", "إيصال تحصيل"),
            ReceiptKind::Refund => language.pick("Refund receipt", "إيصال استرداد"),
            ReceiptKind::Void => language.pick("Void receipt", "إيصال إلغاء تفويض"),
        }
    }
}

/// The receipt's time, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptTime {
    /// When the transaction happened: the payment's known time, or the
    /// answer to the desk's own operation.
    Transaction(String),
    /// Only when the journal first recorded the order: the transaction time
    /// is not known, and this must not be printed as if it were.
    Recorded(String),
}

/// Everything a receipt shows, already formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub kind: ReceiptKind,
    pub merchant: ReceiptDetails,
    /// Date and time in the merchant's time zone (`2026-11-23 09:41
    /// Asia/Kuwait`), and whether it is the transaction's.
    pub when: ReceiptTime,
    pub merchant_reference: String,
    pub fort_id: Option<String>,
    pub payment_option: Option<String>,
    pub card_brand: Option<String>,
    pub masked_card: Option<String>,
    pub authorization_code: Option<String>,
    /// The order's amount (`12.500 KWD`).
    pub amount: Option<String>,
    /// For a capture or refund: this operation's amount and what remains
    /// capturable or refundable after it.
    pub operation_amount: Option<String>,
    pub remaining: Option<String>,
    pub response_code: Option<String>,
    /// APS's `response_message` as recorded, when there is one.
    pub response_message: Option<String>,
    pub knet_ref_number: Option<String>,
    pub third_party_transaction_number: Option<String>,
    pub installments: Option<String>,
    /// The merchant's invoice (capture) or credit-note (refund) number,
    /// recorded with the operation.
    pub document_number: Option<String>,
}

/// "This is not a tax invoice", in `language`.
pub fn not_a_tax_invoice(language: Language) -> &'static str {
    language.pick("This is not a tax invoice", "هذا الإيصال ليس فاتورة ضريبية")
}

/// One labelled row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: &'static str,
    pub value: String,
    /// Drawn larger and bold (the amount).
    pub emphasis: bool,
}

fn money(minor: i64, currency: Option<&str>) -> String {
    let amount = format_amount(minor, currency);
    match currency {
        Some(code) => format!("{amount} {code}"),
        None => amount,
    }
}

/// `2026-11-23 09:41 Asia/Kuwait`: the merchant's local time and its zone
/// (UTC when none is set). The zone is named rather than written as an
/// offset: a leading `+` or `-` moves around in right-to-left text.
pub fn format_when(ms: i64, time_zone: &str) -> String {
    let (zone, name) = match jiff::tz::TimeZone::get(time_zone) {
        Ok(zone) if !time_zone.is_empty() => (zone, time_zone),
        _ => (jiff::tz::TimeZone::UTC, "UTC"),
    };
    jiff::Timestamp::from_millisecond(ms)
        .map(|time| format!("{} {name}", time.to_zoned(zone).strftime("%Y-%m-%d %H:%M")))
        .unwrap_or_default()
}

/// Installments, when the recorded answer carried them.
fn installments_of(entries: &[&EntryRecord]) -> Option<String> {
    entries.iter().find_map(|entry| {
        let response =
            crate::journal::payload::read::<crate::journal::payload::ResultPayload>(&entry.payload)
                .response?
                .params()?;
        let count = response.non_empty("number_of_installments")?;
        let plan = response.non_empty("plan_code").unwrap_or_default();
        Some(if plan.is_empty() {
            count.to_owned()
        } else {
            format!("{count} - {plan}")
        })
    })
}

impl Receipt {
    /// A receipt for the order as a whole (a payment), or for one of its
    /// operations (`operation`: its journal entries, request then result).
    pub fn build(
        order: &OrderRecord,
        operation: Option<&[EntryRecord]>,
        merchant: &ReceiptDetails,
    ) -> Receipt {
        let currency = order.currency.as_deref();
        let request = operation.and_then(|entries| {
            entries
                .iter()
                .find(|entry| entry.entry == EntryKind::Request)
        });
        let result = operation.and_then(|entries| {
            entries
                .iter()
                .rev()
                .find(|entry| entry.entry != EntryKind::Request)
        });
        let command = request.map(|entry| entry.command);
        let kind = match command {
            Some(Command::Capture) => ReceiptKind::Capture,
            Some(Command::Refund) => ReceiptKind::Refund,
            Some(Command::VoidAuthorization) => ReceiptKind::Void,
            Some(
                Command::Authorization
                | Command::Purchase
                | Command::CheckStatus
                | Command::UpdateToken
                | Command::PaymentLink
                | Command::CheckPaymentLinkStatus
                | Command::GetInstallmentsPlans,
            )
            | None => ReceiptKind::Payment,
        };
        // The operation's own answer speaks for the receipt when the
        // operation is what the receipt is about: a capture, refund or void,
        // or the payment itself. A status check's answer never does: its
        // `12000` is the look-up's success, not the payment's.
        let own_answer = match command {
            Some(
                Command::Capture
                | Command::Refund
                | Command::VoidAuthorization
                | Command::Authorization
                | Command::Purchase,
            ) => result.or(request),
            Some(
                Command::CheckStatus
                | Command::UpdateToken
                | Command::PaymentLink
                | Command::CheckPaymentLinkStatus
                | Command::GetInstallmentsPlans,
            )
            | None => None,
        };
        let tz = merchant.time_zone.as_str();
        let (when, response_code, response_message) = match own_answer {
            Some(entry) => (
                ReceiptTime::Transaction(format_when(entry.at_ms, tz)),
                entry.response_code.clone(),
                entry.response_message.clone(),
            ),
            None => (
                match order.payment.time {
                    Some(time) => ReceiptTime::Transaction(format_when(time.at_ms, tz)),
                    None => ReceiptTime::Recorded(format_when(order.created_ms, tz)),
                },
                order.payment.response_code.clone(),
                order.payment.response_message.clone(),
            ),
        };
        let (operation_amount, remaining) =
            match (kind, request.and_then(|entry| entry.amount_minor)) {
                (ReceiptKind::Capture, Some(amount)) => (
                    Some(money(amount, currency)),
                    Some(money(
                        (order.authorized_minor - order.captured_minor).max(0),
                        currency,
                    )),
                ),
                (ReceiptKind::Refund, Some(amount)) => (
                    Some(money(amount, currency)),
                    Some(money(
                        (order.captured_minor - order.refunded_minor).max(0),
                        currency,
                    )),
                ),
                // A payment or a void moves no amount of its own; an
                // operation without a recorded amount has none to print.
                (ReceiptKind::Payment | ReceiptKind::Void, _)
                | (ReceiptKind::Capture | ReceiptKind::Refund, None) => (None, None),
            };
        let entries: Vec<&EntryRecord> = operation
            .map(|entries| entries.iter().collect())
            .unwrap_or_default();
        Receipt {
            kind,
            merchant: merchant.clone(),
            when,
            merchant_reference: order.merchant_reference.clone(),
            fort_id: order.fort_id.clone(),
            payment_option: order.payment_option.clone(),
            card_brand: order.card_brand.clone(),
            masked_card: order.masked_card.clone(),
            authorization_code: order.authorization_code.clone(),
            amount: order
                .amount_minor
                .or((order.authorized_minor > 0).then_some(order.authorized_minor))
                .map(|amount| money(amount, currency)),
            operation_amount,
            remaining,
            response_code,
            response_message,
            knet_ref_number: order.knet_ref_number.clone(),
            third_party_transaction_number: order.third_party_transaction_number.clone(),
            installments: installments_of(&entries),
            document_number: request.and_then(|entry| {
                crate::journal::payload::read::<crate::journal::payload::RequestPayload>(
                    &entry.payload,
                )
                .document_number
            }),
        }
    }

    fn is_knet(&self) -> bool {
        self.payment_option.as_deref() == Some("KNET")
    }

    /// The status in words: from the code's two-digit status.
    fn status_text(&self, language: Language) -> Option<String> {
        let code = self.response_code.as_deref()?;
        codes::status_text(code.get(..2)?, language).map(str::to_owned)
    }

    /// APS's message: as recorded when it is in this language, else the
    /// table's text for the code's message.
    fn message_text(&self, language: Language) -> Option<String> {
        let from_table = self
            .response_code
            .as_deref()
            .and_then(|code| codes::message_text(code.get(2..)?, language));
        let recorded = self.response_message.clone();
        let recorded_is_arabic = recorded
            .as_deref()
            .is_some_and(|text| text.chars().any(crate::text::bidi::is_arabic));
        match (language, recorded) {
            (Language::Ar, Some(text)) if recorded_is_arabic => Some(text),
            (Language::En, Some(text)) if !recorded_is_arabic => Some(text),
            (_, recorded) => from_table.map(str::to_owned).or(recorded),
        }
    }

    /// The labelled rows of one language, in order.
    pub fn rows(&self, language: Language) -> Vec<Row> {
        let l = |en: &'static str, ar: &'static str| language.pick(en, ar);
        let mut rows = Vec::new();
        let mut push = |label: &'static str, value: Option<String>, emphasis: bool| {
            if let Some(value) = value.filter(|value| !value.is_empty()) {
                rows.push(Row {
                    label,
                    value,
                    emphasis,
                });
            }
        };
        match &self.when {
            ReceiptTime::Transaction(when) => {
                push(
                    l("Transaction date", "تاريخ المعاملة"),
                    Some(when.clone()),
                    false,
                );
            }
            ReceiptTime::Recorded(when) => {
                if self.is_knet() {
                    // KNET makes the transaction date mandatory: say it is
                    // missing rather than print another time in its place.
                    push(
                        l("Transaction date", "تاريخ المعاملة"),
                        Some(
                            l(
                                "not known: no transaction feedback from APS yet",
                                "غير معروف: لم يصل إشعار المعاملة من APS بعد",
                            )
                            .to_owned(),
                        ),
                        false,
                    );
                }
                push(
                    l("Recorded at", "تاريخ التسجيل في السجل"),
                    Some(when.clone()),
                    false,
                );
            }
        }
        push(
            l("Merchant reference", "المرجع التجاري"),
            Some(self.merchant_reference.clone()),
            false,
        );
        // No brackets in Arabic labels: mirrored brackets share glyphs with
        // unmirrored ones, and a PDF's text map cannot tell them apart.
        push(
            l("Transaction ID (fort_id)", "رقم المعاملة fort_id"),
            self.fort_id.clone(),
            false,
        );
        let method = match (&self.payment_option, &self.card_brand) {
            (Some(option), Some(brand)) if option != brand => Some(format!("{option} / {brand}")),
            (Some(option), _) => Some(option.clone()),
            (None, brand) => brand.clone(),
        };
        push(l("Payment method", "طريقة الدفع"), method, false);
        push(l("Card", "البطاقة"), self.masked_card.clone(), false);
        push(
            l("Authorization code", "رمز التفويض"),
            self.authorization_code.clone(),
            false,
        );
        match self.kind {
            ReceiptKind::Capture | ReceiptKind::Refund => {
                push(
                    l("Original amount", "المبلغ الأصلي"),
                    self.amount.clone(),
                    false,
                );
                let this = if self.kind == ReceiptKind::Capture {
                    l("Amount captured", "المبلغ المحصّل")
                } else {
                    l("Amount refunded", "المبلغ المسترد")
                };
                push(this, self.operation_amount.clone(), true);
                push(l("Remaining", "المتبقي"), self.remaining.clone(), false);
            }
            ReceiptKind::Payment | ReceiptKind::Void => {
                push(l("Amount", "المبلغ"), self.amount.clone(), true);
            }
        }
        let document_label = match self.kind {
            ReceiptKind::Refund => l("Credit note number", "رقم إشعار دائن"),
            ReceiptKind::Payment | ReceiptKind::Capture | ReceiptKind::Void => {
                l("Invoice number", "رقم الفاتورة")
            }
        };
        push(document_label, self.document_number.clone(), false);
        push(
            l("Installments", "الأقساط"),
            self.installments.clone(),
            false,
        );
        if self.is_knet() {
            push(
                l("KNET reference", "الرقم المرجعي لكي نت"),
                self.knet_ref_number.clone(),
                false,
            );
            push(
                l("KNET transaction number", "رقم عملية كي نت"),
                self.third_party_transaction_number.clone(),
                false,
            );
        } else if matches!(self.payment_option.as_deref(), Some("BENEFIT" | "OMANNET")) {
            push(
                l("Transaction number", "رقم العملية"),
                self.third_party_transaction_number.clone(),
                false,
            );
        }
        push(l("Status", "الحالة"), self.status_text(language), false);
        push(l("Message", "الرسالة"), self.message_text(language), false);
        push(
            l("Response code", "رمز الاستجابة"),
            self.response_code.clone(),
            false,
        );
        rows
    }

    /// The merchant's header lines in one language.
    pub fn header(&self, language: Language) -> Vec<String> {
        let name = match language {
            Language::En => &self.merchant.name_en,
            Language::Ar => &self.merchant.name_ar,
        };
        let name = if name.is_empty() {
            // The other language's name rather than nothing.
            if self.merchant.name_en.is_empty() {
                self.merchant.name_ar.clone()
            } else {
                self.merchant.name_en.clone()
            }
        } else {
            name.clone()
        };
        let mut lines = vec![name];
        if !self.merchant.address.is_empty() {
            lines.push(self.merchant.address.clone());
        }
        if !self.merchant.registration_number.is_empty() {
            lines.push(format!(
                "{} {}",
                language.pick("VAT / CR:", "الرقم الضريبي / السجل التجاري:"),
                self.merchant.registration_number
            ));
        }
        lines.retain(|line| !line.is_empty());
        lines
    }
}

/// A suggested file name for a receipt: `receipt-REF.pdf`, or with the
/// operation id.
pub fn file_name(order: &OrderRecord, operation_id: Option<i64>) -> PathBuf {
    let safe: String = order
        .merchant_reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match operation_id {
        Some(id) => PathBuf::from(format!("receipt-{safe}-op{id}.pdf")),
        None => PathBuf::from(format!("receipt-{safe}.pdf")),
    }
}
