//! The journal's schema and its migrations.
//!
//! Each migration is a SQL batch applied in one transaction; `PRAGMA
//! user_version` records how many have been applied. A database made by any
//! earlier version of apsdesk is brought forward on open; a database from a
//! newer apsdesk is refused rather than misread. Migrations are append-only:
//! never edit one that has shipped, add the next.

use rusqlite::Connection;

/// The migrations, in order. `MIGRATIONS[i]` takes the schema from version `i`
/// to version `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    V1,
    V2,
    V3,
    META,
    PAYMENT,
    ENTRY_KINDS,
    IMPORT,
    FILTERS,
    WALKS,
    FILTER_TAGS,
    DRIFT,
    ACCOUNTS,
    LEASE_NAMESPACE,
    JOURNAL_ENTRIES,
];

/// The schema version this build writes.
pub fn current_version() -> u32 {
    u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
}

/// Version 1: orders, the append-only journal of entries with its hash chain,
/// open operations, and full-text search over orders.
const V1: &str = r"
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    environment TEXT NOT NULL,
    merchant_reference TEXT NOT NULL,
    fort_id TEXT,
    kind TEXT,
    payment_option TEXT,
    card_brand TEXT,
    masked_card TEXT,
    currency TEXT,
    amount_minor INTEGER,
    authorized_minor INTEGER NOT NULL DEFAULT 0,
    captured_minor INTEGER NOT NULL DEFAULT 0,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    customer_email TEXT,
    customer_name TEXT,
    authorization_code TEXT,
    knet_ref_number TEXT,
    third_party_transaction_number TEXT,
    payment_link_id TEXT,
    payment_link_url TEXT,
    payment_link_status TEXT,
    last_response_code TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    UNIQUE (profile, environment, merchant_reference)
);
CREATE INDEX orders_created ON orders (created_ms, id);
CREATE INDEX orders_updated ON orders (updated_ms, id);
CREATE INDEX orders_amount ON orders (amount_minor, id);
CREATE INDEX orders_reference ON orders (merchant_reference, id);
CREATE INDEX orders_state_created ON orders (state, created_ms, id);
CREATE INDEX orders_option_created ON orders (payment_option, created_ms, id);
CREATE INDEX orders_currency_created ON orders (currency, created_ms, id);
CREATE INDEX orders_fort_id ON orders (fort_id);
CREATE INDEX orders_link ON orders (payment_link_id);

-- Every request, result and reconciliation, in the order they happened.
-- Nothing here is ever updated or deleted; `hash` chains each entry to the
-- one before it.
CREATE TABLE entries (
    seq INTEGER PRIMARY KEY,
    operation_id INTEGER NOT NULL,
    entry TEXT NOT NULL CHECK (entry IN ('request', 'result', 'resolution')),
    order_id INTEGER NOT NULL REFERENCES orders (id),
    command TEXT NOT NULL,
    operator TEXT NOT NULL,
    profile TEXT NOT NULL,
    environment TEXT NOT NULL,
    amount_minor INTEGER,
    currency TEXT,
    maintenance_reference TEXT,
    outcome TEXT,
    response_code TEXT,
    response_message TEXT,
    payload TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX entries_order ON entries (order_id, seq);
CREATE INDEX entries_operation ON entries (operation_id, seq);
CREATE INDEX entries_at ON entries (at_ms);

CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN
    SELECT RAISE(ABORT, 'journal entries are append-only');
END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN
    SELECT RAISE(ABORT, 'journal entries are append-only');
END;

-- Operations that block their order until they are resolved: written with the
-- request, removed when a definite result or a reconciliation arrives.
CREATE TABLE open_operations (
    operation_id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'uncertain', 'untrusted'))
);
CREATE INDEX open_operations_order ON open_operations (order_id);

CREATE VIRTUAL TABLE orders_fts USING fts5 (
    merchant_reference, fort_id, customer_email, customer_name,
    authorization_code, knet_ref_number,
    content = 'orders', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_fts (rowid, merchant_reference, fort_id, customer_email, customer_name,
        authorization_code, knet_ref_number)
    VALUES (new.id, new.merchant_reference, new.fort_id, new.customer_email, new.customer_name,
        new.authorization_code, new.knet_ref_number);
END;
CREATE TRIGGER orders_fts_update AFTER UPDATE OF merchant_reference, fort_id, customer_email,
    customer_name, authorization_code, knet_ref_number ON orders BEGIN
    INSERT INTO orders_fts (orders_fts, rowid, merchant_reference, fort_id, customer_email,
        customer_name, authorization_code, knet_ref_number)
    VALUES ('delete', old.id, old.merchant_reference, old.fort_id, old.customer_email,
        old.customer_name, old.authorization_code, old.knet_ref_number);
    INSERT INTO orders_fts (rowid, merchant_reference, fort_id, customer_email, customer_name,
        authorization_code, knet_ref_number)
    VALUES (new.id, new.merchant_reference, new.fort_id, new.customer_email, new.customer_name,
        new.authorization_code, new.knet_ref_number);
END;
CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders
BEGIN
    SELECT RAISE(ABORT, 'orders are never deleted');
END;
";

/// Version 2: an index per sortable column, so that every sort of the order
/// list pages by keyset without sorting the table; and the third-party
/// transaction number (BENEFIT, OmanNet) and payment link id in full-text
/// search. Sort keys on nullable columns are indexed through `ifnull` so that
/// a keyset `(key, id) > (?, ?)` never meets a NULL.
const V2: &str = r"
DROP INDEX orders_amount;
CREATE INDEX orders_sort_amount ON orders (ifnull(amount_minor, -1), id);
CREATE INDEX orders_sort_authorized ON orders (authorized_minor, id);
CREATE INDEX orders_sort_captured ON orders (captured_minor, id);
CREATE INDEX orders_sort_refunded ON orders (refunded_minor, id);
CREATE INDEX orders_sort_state ON orders (state, id);
CREATE INDEX orders_sort_option ON orders (ifnull(payment_option, ''), id);
CREATE INDEX orders_sort_currency ON orders (ifnull(currency, ''), id);
CREATE INDEX orders_sort_fort_id ON orders (ifnull(fort_id, ''), id);
CREATE INDEX orders_sort_customer_name ON orders (ifnull(customer_name, ''), id);
CREATE INDEX orders_sort_customer_email ON orders (ifnull(customer_email, ''), id);
CREATE INDEX orders_sort_response_code ON orders (ifnull(last_response_code, ''), id);
CREATE INDEX orders_profile_created ON orders (profile, environment, created_ms, id);

DROP TRIGGER orders_fts_insert;
DROP TRIGGER orders_fts_update;
DROP TABLE orders_fts;
CREATE VIRTUAL TABLE orders_fts USING fts5 (
    merchant_reference, fort_id, customer_email, customer_name,
    authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id,
    content = 'orders', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO orders_fts (orders_fts) VALUES ('rebuild');
CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_fts (rowid, merchant_reference, fort_id, customer_email, customer_name,
        authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id)
    VALUES (new.id, new.merchant_reference, new.fort_id, new.customer_email, new.customer_name,
        new.authorization_code, new.knet_ref_number, new.third_party_transaction_number,
        new.payment_link_id);
END;
CREATE TRIGGER orders_fts_update AFTER UPDATE OF merchant_reference, fort_id, customer_email,
    customer_name, authorization_code, knet_ref_number, third_party_transaction_number,
    payment_link_id ON orders BEGIN
    INSERT INTO orders_fts (orders_fts, rowid, merchant_reference, fort_id, customer_email,
        customer_name, authorization_code, knet_ref_number, third_party_transaction_number,
        payment_link_id)
    VALUES ('delete', old.id, old.merchant_reference, old.fort_id, old.customer_email,
        old.customer_name, old.authorization_code, old.knet_ref_number,
        old.third_party_transaction_number, old.payment_link_id);
    INSERT INTO orders_fts (rowid, merchant_reference, fort_id, customer_email, customer_name,
        authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id)
    VALUES (new.id, new.merchant_reference, new.fort_id, new.customer_email, new.customer_name,
        new.authorization_code, new.knet_ref_number, new.third_party_transaction_number,
        new.payment_link_id);
END;
";

/// Version 3: order leases. While a submission works on an order (settling
/// what is open, recording its request, waiting for APS), the order's row
/// here names it; other submissions, in this process or another, are refused
/// until it is released or its owner is proven gone (process dead, or no
/// heartbeat for the lease's time to live). Not part of the record: a lease
/// row is working state, deleted when the submission ends.
const V3: &str = r"
CREATE TABLE order_leases (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id),
    owner TEXT NOT NULL,
    operator TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    purpose TEXT NOT NULL,
    operation_id INTEGER,
    acquired_ms INTEGER NOT NULL,
    heartbeat_ms INTEGER NOT NULL
);
";

/// The journal's identity and how its chain is kept (issue 11): the journal
/// id that names its key in the keyring and its anchor, the first keyed entry,
/// whether it has ever been anchored, and (in a backup) the anchor at backup
/// time. The identity rows are written once: triggers refuse changing or
/// deleting them. Written to apply cleanly whatever its number ends up being
/// when merged with other branches' migrations.
const META: &str = r"
CREATE TABLE IF NOT EXISTS journal_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT OR IGNORE INTO journal_meta (name, value) VALUES ('journal_id', lower(hex(randomblob(16))));
CREATE TRIGGER IF NOT EXISTS journal_meta_no_update BEFORE UPDATE ON journal_meta
WHEN old.name IN ('journal_id', 'keyed_from_seq', 'anchored')
BEGIN
    SELECT RAISE(ABORT, 'the journal''s identity is written once');
END;
CREATE TRIGGER IF NOT EXISTS journal_meta_no_delete BEFORE DELETE ON journal_meta
WHEN old.name IN ('journal_id', 'keyed_from_seq', 'anchored')
BEGIN
    SELECT RAISE(ABORT, 'the journal''s identity is written once');
END;
";

/// Why a database could not be brought to the current schema.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error(
        "the journal was written by a newer apsdesk (schema {found}, this build knows {known}): upgrade apsdesk"
    )]
    TooNew { found: u32, known: u32 },
    #[error("migrating the journal to schema {version}: {source}")]
    Sql {
        version: u32,
        #[source]
        source: rusqlite::Error,
    },
}

/// A payment's own result and time (`journal::payment`), apart from the last
/// answer of the order: `last_response_code` becomes `12000` after a status
/// check, which a receipt must not print as the payment's result. Journals
/// from before are filled from their recorded AUTHORIZATION and PURCHASE
/// answers (the desk's own: their time is known).
pub const PAYMENT: &str = r"
ALTER TABLE orders ADD COLUMN payment_response_code TEXT;
ALTER TABLE orders ADD COLUMN payment_response_message TEXT;
ALTER TABLE orders ADD COLUMN payment_at_ms INTEGER;
ALTER TABLE orders ADD COLUMN payment_at_source TEXT
    CHECK (payment_at_source IN ('answer', 'feedback', 'import'));
UPDATE orders SET
    payment_response_code = p.response_code,
    payment_response_message = p.response_message,
    payment_at_ms = p.at_ms,
    payment_at_source = 'answer'
FROM (
    SELECT order_id, response_code, response_message, at_ms, min(seq)
    FROM entries
    WHERE entry = 'result' AND command IN ('AUTHORIZATION', 'PURCHASE')
        AND outcome IN ('succeeded', 'declined') AND response_code IS NOT NULL
    GROUP BY order_id
) AS p
WHERE p.order_id = orders.id;
";

/// New kinds of entries: `feedback` (APS's transaction feedback, issue 13)
/// and `imported` (rows imported from a file, issue 13), allowed by the
/// `entries.entry` check. Widening a CHECK changes no stored row, so the
/// table's definition is edited in place (SQLite's documented procedure for
/// such changes, `writable_schema`) instead of copying millions of entries
/// into a new table; the append-only triggers and indexes stay as they are.
/// Written to apply whatever its number ends up being (a no-op when the check
/// already allows them).
const ENTRY_KINDS: &str = r"
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql,
    'CHECK (entry IN (''request'', ''result'', ''resolution''))',
    'CHECK (entry IN (''request'', ''result'', ''resolution'', ''feedback'', ''imported''))')
WHERE type = 'table' AND name = 'entries';
PRAGMA writable_schema = RESET;
";

/// The entry kinds `drift` and `acknowledgement` (`journal::desk`: APS's
/// figures that differ from the journal's, and the operator's
/// acknowledgement), allowed by the `entries.entry` check, widened in place
/// as `ENTRY_KINDS` did.
const DRIFT: &str = r"
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql,
    'CHECK (entry IN (''request'', ''result'', ''resolution'', ''feedback'', ''imported''))',
    'CHECK (entry IN (''request'', ''result'', ''resolution'', ''feedback'', ''imported'', ''drift'', ''acknowledgement''))')
WHERE type = 'table' AND name = 'entries';
PRAGMA writable_schema = RESET;
";

/// Entries about the journal itself (`accepted`: the operator's decision to
/// continue from a journal whose anchor or witness disagreed). They name no
/// order (`store::JOURNAL_ORDER_ID`, 0), so `entries.order_id` loses its
/// foreign key (`journal verify` still reports an order entry without its
/// row) and the kind check gains `accepted`. Both edits are of the kind
/// SQLite documents as safe through `writable_schema` (dropping a foreign
/// key, widening a check: no stored row changes). The check is widened at its
/// opening, so that it applies whatever kinds other migrations have added.
const JOURNAL_ENTRIES: &str = r"
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(replace(sql,
    'order_id INTEGER NOT NULL REFERENCES orders (id)',
    'order_id INTEGER NOT NULL'),
    'CHECK (entry IN (',
    'CHECK (entry IN (''accepted'', ')
WHERE type = 'table' AND name = 'entries' AND sql NOT LIKE '%''accepted''%';
PRAGMA writable_schema = RESET;
";

/// Imported files (`journal::import`): each file imported once per account
/// (by its SHA-256), and the imported orders still waiting for APS to confirm
/// them with CHECK_STATUS (so that confirmation resumes after a restart). The
/// `imported` entry kind itself is allowed by `ENTRY_KINDS`.
const IMPORT: &str = r"
CREATE TABLE import_files (
    sha256 TEXT NOT NULL,
    profile TEXT NOT NULL,
    environment TEXT NOT NULL,
    file_name TEXT NOT NULL,
    rows_imported INTEGER NOT NULL,
    rows_refused INTEGER NOT NULL,
    imported_ms INTEGER NOT NULL,
    PRIMARY KEY (sha256, profile, environment)
);
CREATE TABLE import_pending (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id),
    import_seq INTEGER NOT NULL
);
";

/// Filters that stay fast in every combination (issue 15), and free text
/// that finds a payment method ("knet", "mada").
///
/// `orders_browse` holds, after the account (environment, profile), every
/// column a filter compares with an equality — currency, method, state —
/// then the creation time and what the other filters and the cheap sort
/// keys read. A query names every value of the equality columns it does not
/// filter on (`query.rs` lists them), so that any combination is a set of
/// index seeks, and the matches are found, counted and sorted inside the
/// index; only the page's own rows are read from the table.
/// `orders_browse_amount` does the same with the amount ahead of the method,
/// for an amount range; `orders_state_paid` finds authorizations by the time
/// they were paid (the capture window, "expiring soon").
///
/// Written to apply whatever its number once merged with other branches'
/// migrations (`IF [NOT] EXISTS`).
pub const FILTERS: &str = r"
CREATE INDEX IF NOT EXISTS orders_browse ON orders (
    environment, profile, ifnull(currency, ''), ifnull(payment_option, ''), state,
    created_ms, ifnull(amount_minor, -1), payment_at_ms, updated_ms,
    authorized_minor, captured_minor, refunded_minor, id);
CREATE INDEX IF NOT EXISTS orders_browse_amount ON orders (
    environment, profile, ifnull(currency, ''), ifnull(amount_minor, -1),
    ifnull(payment_option, ''), state, created_ms, payment_at_ms, updated_ms,
    authorized_minor, captured_minor, refunded_minor, id);
CREATE INDEX IF NOT EXISTS orders_state_paid ON orders (state, payment_at_ms, id);

DROP TRIGGER IF EXISTS orders_fts_insert;
DROP TRIGGER IF EXISTS orders_fts_update;
DROP TABLE IF EXISTS orders_fts;
CREATE VIRTUAL TABLE orders_fts USING fts5 (
    merchant_reference, fort_id, customer_email, customer_name,
    authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id,
    payment_option, card_brand,
    content = 'orders', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO orders_fts (orders_fts) VALUES ('rebuild');
CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_fts (rowid, merchant_reference, fort_id, customer_email, customer_name,
        authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id,
        payment_option, card_brand)
    VALUES (new.id, new.merchant_reference, new.fort_id, new.customer_email, new.customer_name,
        new.authorization_code, new.knet_ref_number, new.third_party_transaction_number,
        new.payment_link_id, new.payment_option, new.card_brand);
END;
CREATE TRIGGER orders_fts_update AFTER UPDATE OF merchant_reference, fort_id, customer_email,
    customer_name, authorization_code, knet_ref_number, third_party_transaction_number,
    payment_link_id, payment_option, card_brand ON orders BEGIN
    INSERT INTO orders_fts (orders_fts, rowid, merchant_reference, fort_id, customer_email,
        customer_name, authorization_code, knet_ref_number, third_party_transaction_number,
        payment_link_id, payment_option, card_brand)
    VALUES ('delete', old.id, old.merchant_reference, old.fort_id, old.customer_email,
        old.customer_name, old.authorization_code, old.knet_ref_number,
        old.third_party_transaction_number, old.payment_link_id, old.payment_option,
        old.card_brand);
    INSERT INTO orders_fts (rowid, merchant_reference, fort_id, customer_email, customer_name,
        authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id,
        payment_option, card_brand)
    VALUES (new.id, new.merchant_reference, new.fort_id, new.customer_email, new.customer_name,
        new.authorization_code, new.knet_ref_number, new.third_party_transaction_number,
        new.payment_link_id, new.payment_option, new.card_brand);
END;
";

/// Walking a sort order without reading rows (issue 15, the slowest filter
/// combinations): for the sorts an operator uses most — date, amount,
/// customer name — the sort key and id followed by every column a filter
/// checks, so that a broad filter walks the sort order checking each entry
/// inside the index (about 0.2 µs) instead of looking up its row (5–10 µs,
/// a random page of a file mostly made of journal entries). They replace the
/// `(key, id)` indexes of those sorts, which are their prefixes.
/// `orders_by_id` holds the same columns by id: the full-text index's
/// matches come in id order, and each is checked there rather than in its
/// row. About 90 bytes an order each; built in 2–3 s per million orders.
const WALKS: &str = r"
CREATE INDEX IF NOT EXISTS orders_walk_created ON orders (
    created_ms, id, environment, profile, currency, payment_option, state,
    amount_minor, payment_at_ms, authorized_minor, captured_minor, payment_link_id);
CREATE INDEX IF NOT EXISTS orders_walk_amount ON orders (
    ifnull(amount_minor, -1), id, environment, profile, currency, payment_option, state,
    created_ms, amount_minor, payment_at_ms, authorized_minor, captured_minor, payment_link_id);
CREATE INDEX IF NOT EXISTS orders_walk_customer ON orders (
    ifnull(customer_name, ''), id, environment, profile, currency, payment_option, state,
    created_ms, amount_minor, payment_at_ms, authorized_minor, captured_minor, payment_link_id);
CREATE INDEX IF NOT EXISTS orders_by_id ON orders (
    id, environment, profile, currency, payment_option, state, created_ms, amount_minor,
    payment_at_ms, authorized_minor, captured_minor, payment_link_id, customer_name);
DROP INDEX IF EXISTS orders_created;
DROP INDEX IF EXISTS orders_sort_amount;
DROP INDEX IF EXISTS orders_sort_customer_name;
";

/// An order's filter tags (`FILTER_TAGS`) from the row named `$row`: its
/// state, currency and payment method, each one full-text token: a
/// character no one types (U+E000, private use: a token character to FTS5's
/// `unicode61`, removed from typed text by `query::fts_query`), a two-letter
/// column, and the value's bytes in hexadecimal — one token whatever the
/// value holds (a `_` or a space would split it), the same bytes for the
/// same value (`\u{e000}cu4B5744` for KWD, `\u{e000}pm` for no method).
/// `query.rs` spells the same tokens for a filter (`tag_terms`).
macro_rules! filter_tags {
    ($row:literal) => {
        concat!(
            "char(57344) || 'st' || hex(",
            $row,
            ".state) || ' ' || ",
            "char(57344) || 'cu' || hex(ifnull(",
            $row,
            ".currency, '')) || ' ' || ",
            "char(57344) || 'pm' || hex(ifnull(",
            $row,
            ".payment_option, ''))"
        )
    };
}

/// The filters inside the full-text index (issue 15, free text with other
/// filters): a search for words among, say, authorizations found every
/// order with the words and then looked each one up to learn its state (a
/// few microseconds each, thousands of them). With the state, currency and
/// method as tokens of a column `filter_tags`, the full-text index
/// intersects them with the words itself; the filters are still checked on
/// the rows, the tokens only narrow what is looked up. The full-text index
/// reads its content from the view `orders_search` (the order's columns and
/// the tags), and a state or currency change re-indexes the order. Rebuilt
/// here: about 10 s per million orders.
const FILTER_TAGS: &str = concat!(
    r"
DROP TRIGGER IF EXISTS orders_fts_insert;
DROP TRIGGER IF EXISTS orders_fts_update;
DROP TABLE IF EXISTS orders_fts;
DROP VIEW IF EXISTS orders_search;
CREATE VIEW orders_search AS
SELECT id, merchant_reference, fort_id, customer_email, customer_name, authorization_code,
    knet_ref_number, third_party_transaction_number, payment_link_id, payment_option,
    card_brand, ",
    filter_tags!("orders"),
    r" AS filter_tags
FROM orders;
CREATE VIRTUAL TABLE orders_fts USING fts5 (
    merchant_reference, fort_id, customer_email, customer_name,
    authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id,
    payment_option, card_brand, filter_tags,
    content = 'orders_search', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO orders_fts (orders_fts) VALUES ('rebuild');
CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_fts (rowid, merchant_reference, fort_id, customer_email, customer_name,
        authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id,
        payment_option, card_brand, filter_tags)
    VALUES (new.id, new.merchant_reference, new.fort_id, new.customer_email, new.customer_name,
        new.authorization_code, new.knet_ref_number, new.third_party_transaction_number,
        new.payment_link_id, new.payment_option, new.card_brand, ",
    filter_tags!("new"),
    r");
END;
CREATE TRIGGER orders_fts_update AFTER UPDATE OF merchant_reference, fort_id, customer_email,
    customer_name, authorization_code, knet_ref_number, third_party_transaction_number,
    payment_link_id, payment_option, card_brand, state, currency ON orders BEGIN
    INSERT INTO orders_fts (orders_fts, rowid, merchant_reference, fort_id, customer_email,
        customer_name, authorization_code, knet_ref_number, third_party_transaction_number,
        payment_link_id, payment_option, card_brand, filter_tags)
    VALUES ('delete', old.id, old.merchant_reference, old.fort_id, old.customer_email,
        old.customer_name, old.authorization_code, old.knet_ref_number,
        old.third_party_transaction_number, old.payment_link_id, old.payment_option,
        old.card_brand, ",
    filter_tags!("old"),
    r");
    INSERT INTO orders_fts (rowid, merchant_reference, fort_id, customer_email, customer_name,
        authorization_code, knet_ref_number, third_party_transaction_number, payment_link_id,
        payment_option, card_brand, filter_tags)
    VALUES (new.id, new.merchant_reference, new.fort_id, new.customer_email, new.customer_name,
        new.authorization_code, new.knet_ref_number, new.third_party_transaction_number,
        new.payment_link_id, new.payment_option, new.card_brand, ",
    filter_tags!("new"),
    r");
END;
"
);

/// An APS order is one order per account (issue 22): its identity becomes
/// (account, environment, merchant reference), where the account is the
/// merchant identifier APS knows it by, no longer the local profile's name.
/// Two profiles of one account (an operator's own and a shared one, the
/// same account added twice) share the order, its lease and its open
/// operations. `profile` stays: the profile that first made the row (shown).
/// The next provider adds its column beside `account`.
///
/// The account is filled from the journal's own evidence: the
/// `merchant_identifier` of the order's first signed request, else of its
/// first feedback notification; an order with neither (imported only) takes
/// the account its profile's other orders have, then the `env:<id>` profile
/// name's; what is left stays unknown (NULL) and is adopted by the first
/// desk of its profile and environment that asks for it.
///
/// A journal that already holds two rows for one order of one account (two
/// profiles each made one) still opens: the older row is the order from now
/// on; each newer row is recorded in `order_aliases` as the same order, its
/// account cleared so that it never takes anything new. Its entries are not
/// touched (append-only and chained, they keep naming the row they were
/// recorded for, and `verify` replays each row as before); its open
/// operations block the order and its lease is the order's. `order_aliases`
/// is written here only: a desk never makes another.
///
/// The UNIQUE (profile, environment, merchant_reference) of version 1 stays
/// (dropping it means copying the table); it is weaker than the new identity
/// except for a profile later pointed at another account (`ensure_order`).
const ACCOUNTS: &str = r"
ALTER TABLE orders ADD COLUMN account TEXT;
UPDATE orders SET account = (
    SELECT evidence.account FROM (
        SELECT e.seq, coalesce(
            json_extract(json_extract(e.payload, '$.request'), '$.merchant_identifier'),
            json_extract(json_extract(e.payload, '$.notification'), '$.merchant_identifier')
        ) AS account
        FROM entries AS e
        WHERE e.order_id = orders.id AND e.entry IN ('request', 'feedback')
    ) AS evidence
    WHERE evidence.account IS NOT NULL AND evidence.account <> ''
    ORDER BY evidence.seq LIMIT 1
);
CREATE TEMP TABLE profile_account AS
SELECT profile, environment, account, max(orders_seen) AS orders_seen FROM (
    SELECT profile, environment, account, count(*) AS orders_seen FROM orders
    WHERE account IS NOT NULL GROUP BY profile, environment, account
) GROUP BY profile, environment;
UPDATE orders SET account = p.account FROM temp.profile_account AS p
WHERE orders.account IS NULL AND p.profile = orders.profile AND p.environment = orders.environment;
DROP TABLE temp.profile_account;
UPDATE orders SET account = substr(profile, 5)
WHERE account IS NULL AND profile LIKE 'env:_%';

CREATE TABLE order_aliases (
    alias_id INTEGER PRIMARY KEY REFERENCES orders (id),
    order_id INTEGER NOT NULL REFERENCES orders (id)
);
CREATE INDEX order_aliases_order ON order_aliases (order_id);
INSERT INTO order_aliases (alias_id, order_id)
SELECT id, first_id FROM (
    SELECT id, min(id) OVER (PARTITION BY account, environment, merchant_reference) AS first_id
    FROM orders WHERE account IS NOT NULL
) WHERE id <> first_id;
UPDATE orders SET account = NULL WHERE id IN (SELECT alias_id FROM order_aliases);
-- A lease on a newer row is the order's (working state, never the record).
UPDATE OR REPLACE order_leases SET order_id = (
    SELECT a.order_id FROM order_aliases AS a WHERE a.alias_id = order_leases.order_id)
WHERE order_id IN (SELECT alias_id FROM order_aliases);
CREATE UNIQUE INDEX orders_account_reference ON orders (account, environment, merchant_reference);
";

/// The PID namespace of a lease's holder (issue 22): `/proc` answers for
/// processes of the namespace that reads it only, so a holder in another one
/// (Flatpak, a container sharing the journal) looked dead and was taken
/// over. NULL (leases from before, systems without namespaces) is "cannot
/// tell": only the heartbeat decides (`lease.rs`).
const LEASE_NAMESPACE: &str = r"
ALTER TABLE order_leases ADD COLUMN pid_namespace TEXT;
";

/// The schema version recorded in the database.
pub fn version(connection: &Connection) -> rusqlite::Result<u32> {
    connection.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Applies the migrations after the database's version, up to `target`.
pub fn migrate_to(connection: &mut Connection, target: u32) -> Result<(), MigrationError> {
    let found = version(connection).map_err(|source| MigrationError::Sql { version: 0, source })?;
    if found > current_version() {
        return Err(MigrationError::TooNew {
            found,
            known: current_version(),
        });
    }
    for next in found + 1..=target.min(current_version()) {
        let sql = MIGRATIONS[(next - 1) as usize];
        let apply = |connection: &mut Connection| -> rusqlite::Result<()> {
            // Immediate, and the version read again inside: two processes
            // opening a new journal at once must not both apply a migration.
            let transaction =
                connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if version(&transaction)? >= next {
                return Ok(());
            }
            transaction.execute_batch(sql)?;
            transaction.pragma_update(None, "user_version", next)?;
            if sql.contains("writable_schema") {
                // A table's SQL was rewritten in place: bumping the schema
                // cookie makes this connection (and any other) read it again.
                let cookie: i64 =
                    transaction.query_row("PRAGMA schema_version", [], |row| row.get(0))?;
                transaction.pragma_update(None, "schema_version", cookie + 1)?;
            }
            transaction.commit()
        };
        apply(connection).map_err(|source| MigrationError::Sql {
            version: next,
            source,
        })?;
    }
    Ok(())
}

/// Brings the database to the current schema.
pub fn migrate(connection: &mut Connection) -> Result<(), MigrationError> {
    migrate_to(connection, current_version())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The widened check takes the new kinds and still refuses others, on
    /// this connection and on one opened afterwards.
    #[test]
    fn entry_kinds_widen_the_check_in_place() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("journal.sqlite3");
        let mut connection = Connection::open(&path).expect("opens");
        migrate(&mut connection).expect("migrates");
        let insert = |connection: &Connection, kind: &str, seq: i64| {
            connection.execute(
                "INSERT INTO orders (id, profile, environment, merchant_reference, state, created_ms, updated_ms)
                 VALUES (1, 'p', 'simulator', 'A', 'unknown', 0, 0) ON CONFLICT DO NOTHING",
                [],
            )?;
            connection.execute(
                "INSERT INTO entries (seq, operation_id, entry, order_id, command, operator, profile,
                    environment, payload, at_ms, prev_hash, hash)
                 VALUES (?1, ?1, ?2, 1, 'PURCHASE', 'o', 'p', 'simulator', '{}', 0, '', '')",
                rusqlite::params![seq, kind],
            )
        };
        insert(&connection, "feedback", 1).expect("feedback is a kind");
        insert(&connection, "imported", 2).expect("imported is a kind");
        assert!(insert(&connection, "rumour", 3).is_err());
        drop(connection);
        let again = Connection::open(&path).expect("opens");
        assert!(insert(&again, "rumour", 3).is_err());
        insert(&again, "feedback", 3).expect("still a kind");
        insert(&again, "accepted", 4).expect("accepted is a kind");
        // An entry about the journal itself names no order row (and the
        // journal's connections enforce foreign keys).
        again
            .pragma_update(None, "foreign_keys", "ON")
            .expect("pragma");
        again
            .execute(
                "INSERT INTO entries (seq, operation_id, entry, order_id, command, operator, profile,
                    environment, payload, at_ms, prev_hash, hash)
                 VALUES (5, 5, 'accepted', 0, 'CHECK_STATUS', 'o', '', 'simulator', '{}', 0, '', '')",
                [],
            )
            .expect("no order needed");
        let ok: String = again
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .expect("checks");
        assert_eq!(ok, "ok");
    }

    /// Two processes (here: connections on threads) opening a journal that
    /// does not exist yet each bring it up to date once between them: the
    /// second finds the migrations applied instead of applying them again.
    #[test]
    fn journals_opened_at_once_are_migrated_once() {
        for round in 0..20 {
            let dir = tempfile::TempDir::new().expect("temp dir");
            let path = dir.path().join("journal.sqlite3");
            let openers: Vec<_> = (0..4)
                .map(|index| {
                    let path = path.clone();
                    std::thread::Builder::new()
                        .name(format!("opener-{index}"))
                        .spawn(move || {
                            crate::journal::Journal::open(&path)
                                .map(|_| ())
                                .map_err(|e| e.to_string())
                        })
                        .expect("thread")
                })
                .collect();
            for opener in openers {
                let opened = opener.join().expect("joined");
                // Switching a brand-new file to WAL can meet a lock SQLite's
                // busy handler does not wait for ("database is locked", to
                // be retried); what must never happen is a migration applied
                // twice ("table orders already exists").
                let fine = match &opened {
                    Ok(()) => true,
                    Err(error) => error.ends_with("database is locked"),
                };
                assert!(fine, "round {round}: {opened:?}");
            }
        }
    }
}
