//! Orders imported from a CSV file (`apsdesk orders import`, the app's
//! Import… screen): a report exported from APS's back office or the
//! merchant's own order system.
//!
//! - **Columns to fields.** Each column is mapped to a journal field, or
//!   ignored. Headers that use the reporting API's column names
//!   (`merchant_reference`, `fort_id`, `customer_name`, ...) are mapped on
//!   their own; `--map COLUMN=FIELD` (or the screen) maps the others.
//! - **Strict rows.** A row is imported whole or refused, with its line and
//!   the field at fault: an amount is parsed exactly in its currency's
//!   exponent (`aps::money`), a date needs its time zone, a reference must
//!   be one APS accepts. Nothing is guessed or rounded.
//! - **Recorded as imported.** Each row is an `imported` entry on the chain,
//!   naming the file and its SHA-256; the whole file is one transaction, so
//!   a killed import leaves nothing behind, and a file already imported on
//!   the account adds nothing.
//! - **Never APS's word about money.** The file's amount and currency stay
//!   in the entry; the order's money, currency and state come only from
//!   CHECK_STATUS. Every imported order waits in `import_pending` until a
//!   trusted look-up answered for it ([`confirm_pending`], bounded
//!   concurrency, resumed after a restart). What the file may fill in is
//!   descriptive and only where the journal knows nothing yet: fort_id,
//!   customer, payment option, authorization code, the KNET and third-party
//!   references, and the payment's time (`TimeSource::Import`).

use std::collections::{BTreeMap, HashMap};

use futures_util::stream::{self, StreamExt};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::chain::EntryFields;
use super::desk::Desk;
use super::store::{Actor, Journal, JournalError, chain_head, contains_card_number, insert_entry};
use super::vocabulary::EntryKind;
use crate::aps::currency::Currency;
use crate::aps::money::{AmountError, Money};
use crate::aps::request::CheckStatus;
use crate::aps::{Command, Language, OutcomeClass};

/// A journal field a column can hold, named as APS's reporting API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImportField {
    MerchantReference,
    FortId,
    CustomerName,
    CustomerEmail,
    Amount,
    Currency,
    PaymentOption,
    TransactionDate,
    AuthorizationCode,
    KnetRefNumber,
    ThirdPartyTransactionNumber,
}

impl ImportField {
    pub const ALL: [ImportField; 11] = [
        ImportField::MerchantReference,
        ImportField::FortId,
        ImportField::CustomerName,
        ImportField::CustomerEmail,
        ImportField::Amount,
        ImportField::Currency,
        ImportField::PaymentOption,
        ImportField::TransactionDate,
        ImportField::AuthorizationCode,
        ImportField::KnetRefNumber,
        ImportField::ThirdPartyTransactionNumber,
    ];

    /// The reporting API's column name, which is also the field's name here.
    pub fn name(self) -> &'static str {
        match self {
            ImportField::MerchantReference => "merchant_reference",
            ImportField::FortId => "fort_id",
            ImportField::CustomerName => "customer_name",
            ImportField::CustomerEmail => "customer_email",
            ImportField::Amount => "amount",
            ImportField::Currency => "currency",
            ImportField::PaymentOption => "payment_option",
            ImportField::TransactionDate => "transaction_date",
            ImportField::AuthorizationCode => "authorization_code",
            ImportField::KnetRefNumber => "knet_ref_number",
            ImportField::ThirdPartyTransactionNumber => "third_party_transaction_number",
        }
    }

    pub fn from_name(name: &str) -> Option<ImportField> {
        let name = name.trim().to_ascii_lowercase();
        ImportField::ALL
            .into_iter()
            .find(|field| field.name() == name)
    }
}

impl std::fmt::Display for ImportField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a mapping of columns cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    #[error("--map {0:?}: write COLUMN=FIELD (FIELD a journal field, or `ignore`)")]
    Malformed(String),
    #[error("--map: the file has no column {0:?}")]
    UnknownColumn(String),
    #[error("--map: {0:?} is not a field (fields: {list})", list = field_list())]
    UnknownField(String),
    #[error("{0} is mapped from two columns ({1:?} and {2:?})")]
    FieldTwice(ImportField, String, String),
    #[error(
        "no column is mapped to merchant_reference: map one with --map COLUMN=merchant_reference"
    )]
    NoReference,
    #[error("the file has no header row")]
    NoHeader,
    #[error("the header row cannot be read: {0}")]
    BadHeader(String),
}

impl MapError {
    /// The error in the operator's language.
    pub fn message(&self, language: Language) -> String {
        match language {
            Language::En => self.to_string(),
            Language::Ar => match self {
                MapError::Malformed(text) => {
                    format!("‏{text}: اكتب العمود=الحقل (الحقل من حقول السجل، أو ignore)")
                }
                MapError::UnknownColumn(column) => format!("لا يحتوي الملف على العمود {column}"),
                MapError::UnknownField(field) => {
                    format!("‏{field} ليس حقلًا (الحقول: {})", field_list())
                }
                MapError::FieldTwice(field, first, second) => {
                    format!("الحقل {field} مربوط بعمودين ({first} و{second})")
                }
                MapError::NoReference => {
                    "لم يُربط أي عمود بالحقل merchant_reference: اربط عمودًا به".to_owned()
                }
                MapError::NoHeader => "لا يحتوي الملف على صف العناوين".to_owned(),
                MapError::BadHeader(why) => format!("تعذرت قراءة صف العناوين: {why}"),
            },
        }
    }
}

fn field_list() -> String {
    ImportField::ALL
        .iter()
        .map(|field| field.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which field each column of a file holds (`None`: ignored).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnMap {
    pub headers: Vec<String>,
    pub fields: Vec<Option<ImportField>>,
}

impl ColumnMap {
    /// Columns named as the reporting API names them are mapped; the others
    /// are ignored until mapped.
    pub fn from_headers(headers: Vec<String>) -> ColumnMap {
        let mut fields: Vec<Option<ImportField>> = headers
            .iter()
            .map(|header| ImportField::from_name(header))
            .collect();
        // A field named by two headers is mapped from the first only.
        for index in 0..fields.len() {
            if fields[..index].contains(&fields[index]) {
                fields[index] = None;
            }
        }
        ColumnMap { headers, fields }
    }

    /// The header row of `bytes`, pre-mapped.
    pub fn of_file(bytes: &[u8]) -> Result<ColumnMap, MapError> {
        let mut reader = reader(bytes);
        let headers = reader
            .headers()
            .map_err(|error| MapError::BadHeader(error.to_string()))?;
        if headers.iter().all(|header| header.trim().is_empty()) {
            return Err(MapError::NoHeader);
        }
        Ok(ColumnMap::from_headers(
            headers
                .iter()
                .map(|header| header.trim_start_matches('\u{feff}').trim().to_owned())
                .collect(),
        ))
    }

    /// Maps `column` (a header, as written) to `field`; `None` ignores it.
    pub fn set(&mut self, column: &str, field: Option<ImportField>) -> Result<(), MapError> {
        let index = self
            .headers
            .iter()
            .position(|header| header == column.trim())
            .ok_or_else(|| MapError::UnknownColumn(column.to_owned()))?;
        if let Some(field) = field {
            // The field moves here from wherever it was.
            for other in &mut self.fields {
                if *other == Some(field) {
                    *other = None;
                }
            }
        }
        self.fields[index] = field;
        Ok(())
    }

    /// Applies a `--map COLUMN=FIELD` (FIELD `ignore` drops the column).
    pub fn apply(&mut self, mapping: &str) -> Result<(), MapError> {
        let (column, field) = mapping
            .rsplit_once('=')
            .ok_or_else(|| MapError::Malformed(mapping.to_owned()))?;
        let field = match field.trim() {
            "ignore" => None,
            name => Some(
                ImportField::from_name(name)
                    .ok_or_else(|| MapError::UnknownField(name.to_owned()))?,
            ),
        };
        self.set(column, field)
    }

    /// The column that holds `field`.
    pub fn column_of(&self, field: ImportField) -> Option<usize> {
        self.fields.iter().position(|mapped| *mapped == Some(field))
    }

    /// A map that can be imported with: a reference column, each field once.
    pub fn check(&self) -> Result<(), MapError> {
        let mut seen: HashMap<ImportField, usize> = HashMap::new();
        for (index, field) in self.fields.iter().enumerate() {
            let Some(field) = field else { continue };
            if let Some(first) = seen.insert(*field, index) {
                return Err(MapError::FieldTwice(
                    *field,
                    self.headers[first].clone(),
                    self.headers[index].clone(),
                ));
            }
        }
        if !seen.contains_key(&ImportField::MerchantReference) {
            return Err(MapError::NoReference);
        }
        Ok(())
    }
}

/// The file without its byte-order mark (Excel writes one).
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes)
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    let bytes = without_bom(bytes);
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes)
}

/// Why a row was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// The row cannot be read as CSV (or as UTF-8).
    Unreadable(String),
    /// A different number of cells than the header has.
    Cells {
        found: usize,
        expected: usize,
    },
    Missing,
    /// The reference is not one APS accepts (the validator's words).
    Reference(String),
    Amount(AmountError),
    AmountWithoutCurrency,
    UnknownCurrency(String),
    /// Not a date and time with its time zone.
    Date(String),
    /// The reference was already in an earlier line of the file.
    Repeated {
        first_line: u64,
    },
    /// A full card number or security code in the row: never recorded.
    CardNumber,
}

/// A refused row: its line in the file (the header is line 1), the field
/// at fault (none when the row itself is unreadable), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: Option<ImportField>,
    pub problem: RowProblem,
}

impl RowError {
    /// `line 5: amount: KWD takes at most 3 decimals`, in the operator's language.
    pub fn message(&self, language: Language) -> String {
        let field = self
            .field
            .map(|field| format!("{field}: "))
            .unwrap_or_default();
        let line = match language {
            Language::En => format!("line {}", self.line),
            Language::Ar => format!("السطر {}", self.line),
        };
        format!("{line}: {field}{}", self.problem.message(language))
    }
}

impl RowProblem {
    pub fn message(&self, language: Language) -> String {
        match (language, self) {
            (Language::En, RowProblem::Unreadable(why)) => format!("unreadable row ({why})"),
            (Language::Ar, RowProblem::Unreadable(why)) => format!("صف غير مقروء ({why})"),
            (Language::En, RowProblem::Cells { found, expected }) => {
                format!("{found} cells, the header has {expected}")
            }
            (Language::Ar, RowProblem::Cells { found, expected }) => {
                format!("{found} خلايا، وفي صف العناوين {expected}")
            }
            (Language::En, RowProblem::Missing) => "is required".to_owned(),
            (Language::Ar, RowProblem::Missing) => "مطلوب".to_owned(),
            (Language::En | Language::Ar, RowProblem::Reference(why)) => why.clone(),
            (language, RowProblem::Amount(error)) => error.message(language),
            (Language::En, RowProblem::AmountWithoutCurrency) => {
                "an amount needs its currency (map a currency column)".to_owned()
            }
            (Language::Ar, RowProblem::AmountWithoutCurrency) => {
                "المبلغ يحتاج إلى عملته (اربط عمود العملة)".to_owned()
            }
            (Language::En, RowProblem::UnknownCurrency(code)) => {
                format!("{code:?} is not an ISO 4217 currency code")
            }
            (Language::Ar, RowProblem::UnknownCurrency(code)) => {
                format!("‏{code} ليس رمز عملة وفق ISO 4217")
            }
            (Language::En, RowProblem::Date(text)) => format!(
                "{text:?} is not a date and time with its time zone (for example 2026-11-30T10:15:00+03:00 or 2026-11-30 07:15:00Z)"
            ),
            (Language::Ar, RowProblem::Date(text)) => {
                format!("‏{text} ليس تاريخًا ووقتًا مع منطقته الزمنية (مثل 2026-11-30T10:15:00+03:00)")
            }
            (Language::En, RowProblem::Repeated { first_line }) => {
                format!("already on line {first_line} of this file")
            }
            (Language::Ar, RowProblem::Repeated { first_line }) => {
                format!("ورد في السطر {first_line} من هذا الملف")
            }
            (Language::En, RowProblem::CardNumber) => {
                "holds a full card number or security code: never recorded".to_owned()
            }
            (Language::Ar, RowProblem::CardNumber) => {
                "يحتوي على رقم بطاقة كامل أو رمز أمان: لا يُسجَّل أبدًا".to_owned()
            }
        }
    }
}

/// A row that can be imported: its values, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: u64,
    pub merchant_reference: String,
    /// Every mapped, non-empty value as the file gave it (trimmed).
    pub values: BTreeMap<ImportField, String>,
    /// The file's amount, exact in its currency (recorded, never projected).
    pub amount: Option<Money>,
    /// The file's transaction date, in milliseconds since the epoch.
    pub transaction_at_ms: Option<i64>,
}

impl ImportRow {
    fn value(&self, field: ImportField) -> Option<&str> {
        self.values.get(&field).map(String::as_str)
    }
}

/// A file read against a map: the rows to import and the rows refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<RowError>,
}

/// The lines of a file as an editor numbers them, whatever ends them: `\n`
/// (Unix), `\r\n` (Windows, Excel) or `\r` alone (old Macs), inside a
/// quoted cell too. The CSV reader's own count sees only `\n`, and it counts
/// a row's `\r\n` as the start of the next row, which named the line before
/// the bad one in files from Excel.
struct LineStarts {
    /// The byte offset where each line starts (line 1 at 0).
    starts: Vec<usize>,
}

impl LineStarts {
    /// `bytes` as the reader reads them (without the byte-order mark).
    fn of(bytes: &[u8]) -> LineStarts {
        let mut starts = vec![0];
        for (index, byte) in bytes.iter().enumerate() {
            let ends_line = match byte {
                b'\n' => true,
                b'\r' => bytes.get(index + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                starts.push(index + 1);
            }
        }
        LineStarts { starts }
    }

    /// The line of the row the reader says starts at `offset`: the line
    /// endings before it (the previous row's, blank lines) are skipped first.
    fn line_of(&self, bytes: &[u8], offset: u64) -> u64 {
        let mut at = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        while bytes
            .get(at)
            .is_some_and(|byte| matches!(byte, b'\r' | b'\n'))
        {
            at += 1;
        }
        u64::try_from(self.starts.partition_point(|start| *start <= at)).unwrap_or(u64::MAX)
    }
}

/// Reads every data row of `bytes` with `map` (which must pass
/// [`ColumnMap::check`]). Each row is named by the line it starts on, as an
/// editor numbers the file (see [`LineStarts`]).
pub fn parse(bytes: &[u8], map: &ColumnMap) -> Parsed {
    let mut parsed = Parsed::default();
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    let body = without_bom(bytes);
    let lines = LineStarts::of(body);
    let line_of = |position: &csv::Position| lines.line_of(body, position.byte());
    let mut reader = reader(bytes);
    let mut record = csv::ByteRecord::new();
    loop {
        let line = line_of(reader.position());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                parsed.errors.push(RowError {
                    line: error.position().map_or(line, line_of),
                    field: None,
                    problem: RowProblem::Unreadable(error.to_string()),
                });
                // A broken quote swallows the rest; stop rather than guess.
                if matches!(error.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(line, line_of);
        if record
            .iter()
            .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        match parse_row(&record, line, map, &mut first_seen) {
            Ok(row) => parsed.rows.push(row),
            Err(error) => parsed.errors.push(error),
        }
    }
    parsed
}

fn parse_row(
    record: &csv::ByteRecord,
    line: u64,
    map: &ColumnMap,
    first_seen: &mut HashMap<String, u64>,
) -> Result<ImportRow, RowError> {
    let refuse = |field: Option<ImportField>, problem: RowProblem| RowError {
        line,
        field,
        problem,
    };
    if record.len() != map.headers.len() {
        return Err(refuse(
            None,
            RowProblem::Cells {
                found: record.len(),
                expected: map.headers.len(),
            },
        ));
    }
    let mut values = BTreeMap::new();
    for (cell, field) in record.iter().zip(&map.fields) {
        let Some(field) = field else { continue };
        let text = std::str::from_utf8(cell)
            .map_err(|_| refuse(Some(*field), RowProblem::Unreadable("not UTF-8".to_owned())))?
            .trim();
        if !text.is_empty() {
            values.insert(*field, text.to_owned());
        }
    }
    let reference = values
        .get(&ImportField::MerchantReference)
        .cloned()
        .ok_or_else(|| refuse(Some(ImportField::MerchantReference), RowProblem::Missing))?;
    if let Err(errors) = CheckStatus::for_reference(&reference) {
        return Err(refuse(
            Some(ImportField::MerchantReference),
            RowProblem::Reference(errors.message(Language::En)),
        ));
    }
    let currency = match values.get(&ImportField::Currency) {
        Some(code) => Some(
            Currency::from_code(&code.to_ascii_uppercase()).ok_or_else(|| {
                refuse(
                    Some(ImportField::Currency),
                    RowProblem::UnknownCurrency(code.clone()),
                )
            })?,
        ),
        None => None,
    };
    let amount = match (values.get(&ImportField::Amount), currency) {
        (Some(text), Some(currency)) => Some(
            Money::parse_major(text, currency)
                .map_err(|error| refuse(Some(ImportField::Amount), RowProblem::Amount(error)))?,
        ),
        (Some(_), None) => {
            return Err(refuse(
                Some(ImportField::Amount),
                RowProblem::AmountWithoutCurrency,
            ));
        }
        (None, _) => None,
    };
    let transaction_at_ms = match values.get(&ImportField::TransactionDate) {
        Some(text) => Some(parse_time(text).ok_or_else(|| {
            refuse(
                Some(ImportField::TransactionDate),
                RowProblem::Date(text.clone()),
            )
        })?),
        None => None,
    };
    if let Some(first_line) = first_seen.get(&reference) {
        return Err(refuse(
            Some(ImportField::MerchantReference),
            RowProblem::Repeated {
                first_line: *first_line,
            },
        ));
    }
    first_seen.insert(reference.clone(), line);
    Ok(ImportRow {
        line,
        merchant_reference: reference,
        values,
        amount,
        transaction_at_ms,
    })
}

/// A date and time with its zone (`Z` or an offset), RFC 3339 or with a
/// space for the `T`. A time without a zone is refused: its instant would
/// be a guess.
pub fn parse_time(text: &str) -> Option<i64> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .ok()
        .map(jiff::Timestamp::as_millisecond)
}

/// The file an import came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    pub file_name: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
}

impl ImportSource {
    pub fn of(file_name: &str, bytes: &[u8]) -> ImportSource {
        ImportSource {
            file_name: file_name.to_owned(),
            sha256: hex::encode(Sha256::digest(bytes)),
        }
    }
}

/// An import entry's payload.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImportPayload {
    pub file_name: String,
    pub sha256: String,
    pub line: u64,
    /// The row's mapped values as the file gave them, by field name.
    pub fields: BTreeMap<String, String>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The rows were recorded, each order waiting for its confirmation.
    Recorded { imported: u64, refused: u64 },
    /// This file was imported on this account before: nothing was added.
    AlreadyImported { at_ms: i64, imported: u64 },
}

/// An imported row's order: created with the file's descriptive fields, or,
/// when the journal knows it, filled where it knows nothing — never a value
/// it has (APS's or an earlier import's), never money. One statement, so a
/// new order's row (and its search index) is written once. The order is the
/// account's (`schema::ACCOUNTS`), whichever of its profiles imports.
const ORDER_UPSERT: &str = "INSERT INTO orders (profile, environment, merchant_reference, state,
        created_ms, updated_ms, fort_id, customer_name, customer_email, payment_option,
        authorization_code, knet_ref_number, third_party_transaction_number, payment_at_ms,
        payment_at_source, account)
    VALUES (?1, ?2, ?3, 'unknown', ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
        CASE WHEN ?12 IS NULL THEN NULL ELSE 'import' END, ?13)
    ON CONFLICT (account, environment, merchant_reference) DO UPDATE SET
        fort_id = coalesce(orders.fort_id, excluded.fort_id),
        customer_name = coalesce(orders.customer_name, excluded.customer_name),
        customer_email = coalesce(orders.customer_email, excluded.customer_email),
        payment_option = coalesce(orders.payment_option, excluded.payment_option),
        authorization_code = coalesce(orders.authorization_code, excluded.authorization_code),
        knet_ref_number = coalesce(orders.knet_ref_number, excluded.knet_ref_number),
        third_party_transaction_number = coalesce(orders.third_party_transaction_number,
            excluded.third_party_transaction_number),
        payment_at_source = CASE WHEN orders.payment_at_ms IS NULL
            THEN excluded.payment_at_source ELSE orders.payment_at_source END,
        payment_at_ms = coalesce(orders.payment_at_ms, excluded.payment_at_ms),
        updated_ms = excluded.updated_ms
    RETURNING id";

/// Records `parsed`'s rows from `source` on `actor`'s account, in one
/// transaction: every row, or (on any failure) none. A file already
/// imported on the account records nothing.
pub fn record(
    journal: &mut Journal,
    actor: &Actor,
    source: &ImportSource,
    parsed: &Parsed,
) -> Result<ImportOutcome, JournalError> {
    journal.check_appendable()?;
    let hasher = journal.hasher().clone();
    let identity = journal.identity().clone();
    let key_problem = journal.key_problem().map(str::to_owned);
    let head_guard = journal.head_guard();
    let transaction = journal
        .connection_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // The head against the anchor and the witness, under the write lock.
    head_guard.check(&transaction)?;
    // Asked inside the write transaction: two imports of one file at once
    // record it once.
    if let Some((at_ms, imported)) = imported_file(&transaction, actor, &source.sha256)? {
        return Ok(ImportOutcome::AlreadyImported { at_ms, imported });
    }
    let now = super::store::now_ms();
    let (mut seq, mut prev_hash) = chain_head(&transaction)?;
    {
        let mut upsert = transaction.prepare_cached(ORDER_UPSERT)?;
        let mut pending = transaction.prepare_cached(
            "INSERT INTO import_pending (order_id, import_seq) VALUES (?1, ?2)
             ON CONFLICT (order_id) DO NOTHING",
        )?;
        for row in &parsed.rows {
            super::store::adopt_order(&transaction, actor, &row.merchant_reference)?;
            let order_id: i64 = upsert.query_row(
                params![
                    actor.profile,
                    actor.environment,
                    row.merchant_reference,
                    now,
                    row.value(ImportField::FortId),
                    row.value(ImportField::CustomerName),
                    row.value(ImportField::CustomerEmail),
                    row.value(ImportField::PaymentOption),
                    row.value(ImportField::AuthorizationCode),
                    row.value(ImportField::KnetRefNumber),
                    row.value(ImportField::ThirdPartyTransactionNumber),
                    row.transaction_at_ms,
                    actor.account,
                ],
                |found| found.get(0),
            )?;
            let payload = super::payload::write(&ImportPayload {
                file_name: source.file_name.clone(),
                sha256: source.sha256.clone(),
                line: row.line,
                fields: row
                    .values
                    .iter()
                    .map(|(field, value)| (field.name().to_owned(), value.clone()))
                    .collect(),
            });
            if contains_card_number(&payload) {
                // Checked when the file was read ([`refuse_card_numbers`]);
                // refused here too, whatever the caller did.
                return Err(JournalError::CardNumberInPayload);
            }
            seq += 1;
            let fields = EntryFields {
                seq,
                operation_id: seq,
                entry: EntryKind::Imported.as_str(),
                order_id,
                command: Command::CheckStatus.name(),
                operator: &actor.operator,
                profile: &actor.profile,
                environment: actor.environment.as_str(),
                amount_minor: None,
                currency: None,
                maintenance_reference: None,
                outcome: None,
                response_code: None,
                response_message: None,
                payload: &payload,
                at_ms: now,
            };
            let hash = Journal::entry_hash(
                &hasher,
                &identity,
                key_problem.as_deref(),
                &prev_hash,
                &fields,
            )?;
            insert_entry(&transaction, &fields, &prev_hash, &hash)?;
            prev_hash = hash;
            pending.execute(params![order_id, seq])?;
        }
    }
    let imported = i64::try_from(parsed.rows.len()).unwrap_or(i64::MAX);
    let refused = i64::try_from(parsed.errors.len()).unwrap_or(i64::MAX);
    transaction.execute(
        "INSERT INTO import_files (sha256, profile, environment, file_name, rows_imported, rows_refused, imported_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            source.sha256,
            actor.profile,
            actor.environment,
            source.file_name,
            imported,
            refused,
            now
        ],
    )?;
    transaction.commit()?;
    journal.anchor_after_commit();
    Ok(ImportOutcome::Recorded {
        imported: u64::try_from(imported).unwrap_or_default(),
        refused: u64::try_from(refused).unwrap_or_default(),
    })
}

/// Moves rows whose values hold a full card number to the refused: such a
/// row is never recorded (the journal's own guard would refuse the file).
pub fn refuse_card_numbers(parsed: &mut Parsed) {
    let (kept, carded): (Vec<ImportRow>, Vec<ImportRow>) = std::mem::take(&mut parsed.rows)
        .into_iter()
        .partition(|row| {
            let values: BTreeMap<&str, &str> = row
                .values
                .iter()
                .map(|(field, value)| (field.name(), value.as_str()))
                .collect();
            !contains_card_number(&serde_json::to_string(&values).unwrap_or_default())
        });
    parsed.rows = kept;
    parsed.errors.extend(carded.into_iter().map(|row| RowError {
        line: row.line,
        field: None,
        problem: RowProblem::CardNumber,
    }));
    parsed.errors.sort_by_key(|error| error.line);
}

/// Reads, checks and maps a file in one go: what the command line and the
/// app's preview both do.
pub fn read_file(bytes: &[u8], mappings: &[String]) -> Result<(ColumnMap, Parsed), MapError> {
    let mut map = ColumnMap::of_file(bytes)?;
    for mapping in mappings {
        map.apply(mapping)?;
    }
    map.check()?;
    let mut parsed = parse(bytes, &map);
    refuse_card_numbers(&mut parsed);
    Ok((map, parsed))
}

/// The first `count` data rows as written (for a preview before mapping).
pub fn first_records(bytes: &[u8], count: usize) -> Vec<Vec<String>> {
    reader(bytes)
        .byte_records()
        .take(count)
        .filter_map(Result::ok)
        .map(|record| {
            record
                .iter()
                .map(|cell| String::from_utf8_lossy(cell).trim().to_owned())
                .collect()
        })
        .collect()
}

fn imported_file(
    connection: &rusqlite::Connection,
    actor: &Actor,
    sha256: &str,
) -> Result<Option<(i64, u64)>, JournalError> {
    Ok(connection
        .query_row(
            "SELECT imported_ms, rows_imported FROM import_files
             WHERE sha256 = ?1 AND profile = ?2 AND environment = ?3",
            params![sha256, actor.profile, actor.environment],
            |row| Ok((row.get(0)?, row.get::<_, i64>(1)?)),
        )
        .optional()?
        .map(|(at_ms, rows)| (at_ms, u64::try_from(rows).unwrap_or_default())))
}

/// An imported order still waiting for APS's word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingConfirmation {
    pub order_id: i64,
    pub merchant_reference: String,
}

impl Journal {
    /// The imported orders of `actor`'s account that no trusted CHECK_STATUS
    /// has answered for yet, oldest import first.
    pub fn pending_confirmations(
        &self,
        actor: &Actor,
    ) -> Result<Vec<PendingConfirmation>, JournalError> {
        let mut statement = self.connection().prepare_cached(
            "SELECT p.order_id, o.merchant_reference FROM import_pending p
             JOIN orders o ON o.id = p.order_id
             WHERE o.account = ?1 AND o.environment = ?2
             ORDER BY p.import_seq",
        )?;
        let rows = statement.query_map(params![actor.account, actor.environment], |row| {
            Ok(PendingConfirmation {
                order_id: row.get(0)?,
                merchant_reference: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When a file (by its SHA-256) was imported on `actor`'s account, and
    /// how many rows.
    pub fn imported_file(
        &self,
        actor: &Actor,
        sha256: &str,
    ) -> Result<Option<(i64, u64)>, JournalError> {
        imported_file(self.connection(), actor, sha256)
    }

    /// APS answered for an imported order (its CHECK_STATUS result is on
    /// the chain): it waits no more.
    pub fn import_confirmed(&mut self, order_id: i64) -> Result<(), JournalError> {
        self.connection()
            .execute("DELETE FROM import_pending WHERE order_id = ?1", [order_id])?;
        Ok(())
    }
}

/// What confirming the pending imports came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConfirmReport {
    /// APS answered (found, or not found: the order's state says which).
    pub confirmed: usize,
    /// No trusted answer (unreachable, uncertain, untrusted): still pending.
    pub still_pending: usize,
}

/// Confirms every pending import of the desk's account with CHECK_STATUS
/// (recorded through the desk like any look-up), at most `concurrency` at a
/// time; `progress(done, total)` after each. An order without a trusted,
/// definite answer stays pending for the next run.
pub async fn confirm_pending(
    desk: &Desk,
    concurrency: usize,
    progress: impl Fn(usize, usize),
) -> Result<ConfirmReport, JournalError> {
    let pending = desk
        .journal
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .pending_confirmations(&desk.actor)?;
    let total = pending.len();
    let mut report = ConfirmReport::default();
    let mut checks = stream::iter(pending)
        .map(|pending| async move {
            let answered = match CheckStatus::for_reference(&pending.merchant_reference) {
                Ok(check) => desk
                    .run(&check)
                    .await
                    .is_ok_and(|report| answers_for_the_order(&report.outcome)),
                Err(_) => false,
            };
            (pending, answered)
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((pending, answered)) = checks.next().await {
        if answered {
            desk.journal
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .import_confirmed(pending.order_id)?;
            report.confirmed += 1;
        } else {
            report.still_pending += 1;
        }
        progress(report.confirmed + report.still_pending, total);
    }
    Ok(report)
}

/// Whether a status check's answer is APS's word about the order: trusted,
/// and either the order's status (`12000`) or "no such order" (`…036`). A
/// refused request (a wrong signature `…008`, an unknown access code
/// `…010`) says nothing about the order, and leaves it waiting.
fn answers_for_the_order<T>(outcome: &crate::aps::client::Outcome<T>) -> bool {
    let code = outcome.response_code().unwrap_or_default();
    match outcome.class {
        OutcomeClass::Succeeded => true,
        OutcomeClass::Declined => code.ends_with("036"),
        OutcomeClass::Uncertain | OutcomeClass::Untrusted => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, mappings: &[&str]) -> Result<(ColumnMap, Parsed), MapError> {
        let mappings: Vec<String> = mappings.iter().map(|m| (*m).to_owned()).collect();
        read_file(text.as_bytes(), &mappings)
    }

    #[test]
    fn reporting_api_headers_map_themselves_and_others_are_mapped_by_hand() {
        let (map, _) = read(
            "merchant_reference,Amount,currency,Notes\nA-1,12.500,KWD,x\n",
            &[],
        )
        .expect("mapped");
        assert_eq!(
            map.fields,
            vec![
                Some(ImportField::MerchantReference),
                Some(ImportField::Amount),
                Some(ImportField::Currency),
                None
            ]
        );
        let error = read("Order,Total\nA-1,1\n", &[]).expect_err("no reference");
        assert_eq!(error, MapError::NoReference);
        let (map, parsed) = read(
            "Order,Total,Cur\nA-1,1.5,SAR\n",
            &["Order=merchant_reference", "Total=amount", "Cur=currency"],
        )
        .expect("mapped by hand");
        assert_eq!(map.column_of(ImportField::Amount), Some(1));
        assert_eq!(parsed.rows[0].amount.map(Money::minor_units), Some(150));
        assert_eq!(
            read("Order\nA\n", &["Nope=amount"]).expect_err("no column"),
            MapError::UnknownColumn("Nope".into())
        );
        assert_eq!(
            read("Order\nA\n", &["Order=price"]).expect_err("no field"),
            MapError::UnknownField("price".into())
        );
    }

    #[test]
    fn rows_are_strict_and_name_their_line_and_field() {
        let text = "merchant_reference,amount,currency,transaction_date\n\
                    OK-1,12.500,KWD,2026-11-30T10:15:00+03:00\n\
                    BAD-AMOUNT,12.5001,KWD,2026-11-30T10:15:00Z\n\
                    BAD-CUR,1.00,XXY,2026-11-30T10:15:00Z\n\
                    BAD-DATE,1.000,KWD,30/11/2026\n\
                    NO-ZONE,1.000,KWD,2026-11-30 10:15:00\n\
                    ,1.000,KWD,\n\
                    OK-1,1.000,KWD,\n\
                    THOUSANDS,\"1,000.000\",KWD,\n\
                    SHORT,1.000\n\
                    OK-2,,,\n";
        let (_, parsed) = read(text, &[]).expect("mapped");
        let refs: Vec<&str> = parsed
            .rows
            .iter()
            .map(|row| row.merchant_reference.as_str())
            .collect();
        assert_eq!(refs, vec!["OK-1", "OK-2"]);
        assert_eq!(parsed.rows[0].amount.map(Money::minor_units), Some(12_500));
        assert_eq!(
            parsed.rows[0].transaction_at_ms,
            Some(parse_time("2026-11-30T07:15:00Z").expect("utc"))
        );
        let found: Vec<(u64, Option<ImportField>)> = parsed
            .errors
            .iter()
            .map(|error| (error.line, error.field))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, Some(ImportField::Amount)),
                (4, Some(ImportField::Currency)),
                (5, Some(ImportField::TransactionDate)),
                (6, Some(ImportField::TransactionDate)),
                (7, Some(ImportField::MerchantReference)),
                (8, Some(ImportField::MerchantReference)),
                (9, Some(ImportField::Amount)),
                (10, None),
            ]
        );
        assert_eq!(
            parsed.errors[0].message(Language::En),
            "line 3: amount: KWD takes at most 3 decimals"
        );
        assert!(parsed.errors[5].message(Language::En).contains("line 2"));
        assert!(
            parsed.errors[0]
                .message(Language::Ar)
                .starts_with("السطر 3")
        );
    }

    #[test]
    fn a_card_number_in_a_row_refuses_the_row() {
        let (_, parsed) = read(
            "merchant_reference,customer_name\nC-1,card_number=4005550000000001\nC-2,Sara\n",
            &[],
        )
        .expect("mapped");
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.errors[0].problem, RowProblem::CardNumber);
    }

    #[test]
    fn a_file_is_recorded_once_whole_and_never_as_money() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let mut journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
        let actor = Actor {
            operator: "amal".into(),
            profile: "p".into(),
            account: "acct".into(),
            environment: crate::aps::client::Environment::Simulator,
        };
        let text = "merchant_reference,customer_name,amount,currency,transaction_date\n\
                    IM-1,Sara,99.000,KWD,2026-11-30T10:15:00+03:00\n\
                    IM-2,أحمد,1.5,KWD,2026-11-29T08:00:00Z\n";
        let (_, parsed) = read(text, &[]).expect("mapped");
        // IM-2 is known already (its name and payment time from APS's answer).
        let known = journal.ensure_order(&actor, "IM-2").expect("order");
        journal
            .update_order(known, |order| {
                order.customer_name = Some("Known".into());
                order.payment.time = Some(super::super::payment::PaymentTime {
                    at_ms: 5,
                    source: super::super::payment::TimeSource::Answer,
                });
            })
            .expect("updated");
        let source = ImportSource::of("orders.csv", text.as_bytes());
        let outcome = record(&mut journal, &actor, &source, &parsed).expect("recorded");
        assert_eq!(
            outcome,
            ImportOutcome::Recorded {
                imported: 2,
                refused: 0
            }
        );
        let order = journal
            .order_by_reference(&actor, "IM-1")
            .expect("read")
            .expect("order");
        assert_eq!(order.customer_name.as_deref(), Some("Sara"));
        assert_eq!(
            (order.amount_minor, order.currency.as_deref()),
            (None, None)
        );
        assert_eq!(order.authorized_minor, 0);
        assert_eq!(
            order.payment.time.map(|time| (time.at_ms, time.source)),
            Some((
                parse_time("2026-11-30T07:15:00Z").expect("time"),
                super::super::payment::TimeSource::Import
            ))
        );
        let kept = journal.order(known).expect("read").expect("IM-2");
        assert_eq!(kept.customer_name.as_deref(), Some("Known"));
        assert_eq!(
            kept.payment.time.map(|time| (time.at_ms, time.source)),
            Some((5, super::super::payment::TimeSource::Answer))
        );
        let entries = journal.order_entries(order.id).expect("entries");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].entry, EntryKind::Imported);
        let payload: ImportPayload = super::super::payload::read(&entries[0].payload);
        assert_eq!(
            (payload.sha256.as_str(), payload.line),
            (source.sha256.as_str(), 2)
        );
        assert_eq!(
            payload.fields.get("amount").map(String::as_str),
            Some("99.000")
        );
        assert_eq!(
            journal
                .pending_confirmations(&actor)
                .expect("pending")
                .len(),
            2
        );
        let again = record(&mut journal, &actor, &source, &parsed).expect("again");
        assert!(
            matches!(again, ImportOutcome::AlreadyImported { imported: 2, .. }),
            "{again:?}"
        );
        assert_eq!(journal.order_entries(order.id).expect("entries").len(), 1);
        let report = journal.verify().expect("verify");
        assert!(report.is_clean(), "{:?}", report.findings);
        journal.import_confirmed(order.id).expect("confirmed");
        assert_eq!(
            journal
                .pending_confirmations(&actor)
                .expect("pending")
                .len(),
            1
        );
    }
}
