//! The ledger's schema. Append new migrations; never edit a shipped one.

use rusqlite_migration::{Migrations, M};

const V1: &str = r#"
CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role        TEXT NOT NULL CHECK (role IN ('manager', 'cashier')),
    pin_hash    TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);

CREATE TABLE shifts (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    opened_at   INTEGER NOT NULL,
    closed_at   INTEGER,
    closed_by   INTEGER REFERENCES staff(id)
);
-- At most one open shift per terminal.
CREATE UNIQUE INDEX shifts_one_open ON shifts ((closed_at IS NULL)) WHERE closed_at IS NULL;

CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,
    merchant_order_no TEXT NOT NULL UNIQUE,
    shift_id          INTEGER NOT NULL REFERENCES shifts(id),
    staff_id          INTEGER NOT NULL REFERENCES staff(id),
    wallet            TEXT NOT NULL CHECK (wallet IN ('wechat', 'alipay')),
    flow              TEXT NOT NULL CHECK (flow IN ('scan', 'qr')),
    status            TEXT NOT NULL CHECK (status IN ('PENDING', 'PAID', 'FAILED', 'EXPIRED')),
    amount_minor      INTEGER NOT NULL CHECK (amount_minor > 0),
    currency          TEXT NOT NULL,
    subject           TEXT NOT NULL,
    -- A payment code is one-time: its hash is unique so it is never charged twice.
    code_hash         TEXT UNIQUE,
    code_masked       TEXT,
    payment_no        TEXT,
    qr_payload        TEXT,
    exchange_rate     TEXT,
    error             TEXT,
    abandoned         INTEGER NOT NULL DEFAULT 0,
    needs_review      INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_shift ON orders (shift_id);
CREATE INDEX orders_payment_no ON orders (payment_no);
CREATE INDEX orders_open ON orders (status) WHERE status = 'PENDING' OR needs_review = 1;

-- The one charge request an order may ever send, written just before it leaves.
CREATE TABLE payment_attempts (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL UNIQUE REFERENCES orders(id),
    sent_at     INTEGER NOT NULL,
    answered_at INTEGER,
    outcome     TEXT
);

CREATE TABLE refunds (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    shift_id        INTEGER NOT NULL REFERENCES shifts(id),
    outer_refund_no TEXT NOT NULL UNIQUE,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED')),
    refund_no       TEXT,
    reason          TEXT NOT NULL,
    approved_by     INTEGER NOT NULL REFERENCES staff(id),
    error           TEXT,
    sent_count      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX refunds_order ON refunds (order_id);
CREATE INDEX refunds_shift ON refunds (shift_id);
CREATE INDEX refunds_pending ON refunds (status) WHERE status = 'PENDING';

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    staff_id  INTEGER REFERENCES staff(id),
    action    TEXT NOT NULL,
    entity    TEXT,
    entity_id INTEGER,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// Indexes the benchmarks asked for (benches/ledger.rs): a search by amount
/// across all days, and each order's pending-refund sum.
const V2: &str = r#"
CREATE INDEX orders_amount ON orders (amount_minor, created_at);
CREATE INDEX refunds_order_status ON refunds (order_id, status);
"#;

/// Whose books a shift is: demo and live payments (and two merchants) never
/// share a shift, and reconciliation asks only the acquirer an order went to.
/// And a lease on a refund being sent, so that another process on the same
/// ledger never sends it a second time while the first send is under way.
const V3: &str = r#"
-- 'demo' (the built-in sandbox), 'live:<agent_no>:<merchant_no>', or '' for
-- shifts from before this was recorded (taken to belong to any).
ALTER TABLE shifts ADD COLUMN acquirer TEXT NOT NULL DEFAULT '';
-- Until this time (ms) a send of this refund may be under way.
ALTER TABLE refunds ADD COLUMN in_flight_until INTEGER;
-- When it was last sent (ms), and whether reconciling found that only a
-- manager can settle it (HipoPay can no longer say what became of it).
ALTER TABLE refunds ADD COLUMN sent_at INTEGER;
ALTER TABLE refunds ADD COLUMN needs_manager INTEGER NOT NULL DEFAULT 0;
"#;

/// Why an order stands where it does, as a code (`crate::reason::Reason`):
/// screens choose their words from it, never from the error text.
const V4: &str = r#"
ALTER TABLE orders ADD COLUMN reason TEXT;
"#;

/// Unclear orders are asked about less and less often (back-off), and an
/// order closed on HipoPay's "no such order" is asked about once more.
const V5: &str = r#"
ALTER TABLE orders ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN next_check_at INTEGER;
ALTER TABLE orders ADD COLUMN recheck_at INTEGER;
CREATE INDEX orders_recheck ON orders (recheck_at) WHERE recheck_at IS NOT NULL;
"#;

/// Wrong PINs in a row per check (one person's login, or manager approvals
/// on this till), and the lock five of them put on it.
const V6: &str = r#"
CREATE TABLE pin_failures (
    -- 'staff:<id>' or 'approvals'
    subject         TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failed_at  INTEGER,
    locked_until    INTEGER
);
"#;

/// Which counter took an order (`[terminal] counter`); none for orders from
/// before counters had names.
const V7: &str = r#"
ALTER TABLE orders ADD COLUMN counter TEXT;
"#;

/// The stored result of matching a day against HipoPay's statement (the
/// day report's stamp), and refunds found by the day they were made.
const V8: &str = r#"
CREATE TABLE statement_checks (
    date        TEXT PRIMARY KEY,
    matches     INTEGER NOT NULL,
    report      TEXT NOT NULL,
    raw_file    TEXT,
    checked_at  INTEGER NOT NULL
);
CREATE INDEX refunds_created ON refunds (created_at);
"#;

/// The central books ([central]): version columns that only grow, an
/// outbox filled by triggers in the same transaction as each change, and
/// copies of other counters' orders refunded here.
const V9: &str = r#"
-- The central books: every change this till makes is also queued, in the
-- same transaction (these triggers), for a background task to push.
CREATE TABLE sync_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    -- 1 once [central] is configured: changes are queued from then on.
    enabled        INTEGER NOT NULL DEFAULT 0,
    -- This ledger file's identity, to tell a copy restored from a backup.
    ledger_id      TEXT NOT NULL,
    counter        TEXT,
    last_push_at   INTEGER,
    -- The highest queued change the central books confirmed.
    pushed_seq     INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    offline_since  INTEGER,
    refused_rows   INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_state (id, ledger_id) VALUES (1, lower(hex(randomblob(16))));

CREATE TABLE outbox (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl      TEXT NOT NULL,
    row_key  TEXT NOT NULL,
    at       INTEGER NOT NULL
);

-- Copies of other counters' orders, kept here only to refund them here.
ALTER TABLE orders ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
-- orders: a version that only grows (at least the time of the change, in
-- ms), so the central books never take an older copy over a newer one.
ALTER TABLE orders ADD COLUMN ver INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER orders_ver_insert AFTER INSERT ON orders WHEN NEW.ver = 0
BEGIN UPDATE orders SET ver = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id; END;
CREATE TRIGGER orders_ver_update AFTER UPDATE ON orders WHEN NEW.ver = OLD.ver
BEGIN UPDATE orders SET ver = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), OLD.ver + 1) WHERE id = NEW.id; END;
-- payment_attempts: a version that only grows (at least the time of the change, in
-- ms), so the central books never take an older copy over a newer one.
ALTER TABLE payment_attempts ADD COLUMN ver INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER payment_attempts_ver_insert AFTER INSERT ON payment_attempts WHEN NEW.ver = 0
BEGIN UPDATE payment_attempts SET ver = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id; END;
CREATE TRIGGER payment_attempts_ver_update AFTER UPDATE ON payment_attempts WHEN NEW.ver = OLD.ver
BEGIN UPDATE payment_attempts SET ver = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), OLD.ver + 1) WHERE id = NEW.id; END;
-- refunds: a version that only grows (at least the time of the change, in
-- ms), so the central books never take an older copy over a newer one.
ALTER TABLE refunds ADD COLUMN ver INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER refunds_ver_insert AFTER INSERT ON refunds WHEN NEW.ver = 0
BEGIN UPDATE refunds SET ver = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id; END;
CREATE TRIGGER refunds_ver_update AFTER UPDATE ON refunds WHEN NEW.ver = OLD.ver
BEGIN UPDATE refunds SET ver = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), OLD.ver + 1) WHERE id = NEW.id; END;
-- shifts: a version that only grows (at least the time of the change, in
-- ms), so the central books never take an older copy over a newer one.
ALTER TABLE shifts ADD COLUMN ver INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER shifts_ver_insert AFTER INSERT ON shifts WHEN NEW.ver = 0
BEGIN UPDATE shifts SET ver = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id; END;
CREATE TRIGGER shifts_ver_update AFTER UPDATE ON shifts WHEN NEW.ver = OLD.ver
BEGIN UPDATE shifts SET ver = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), OLD.ver + 1) WHERE id = NEW.id; END;
-- staff: a version that only grows (at least the time of the change, in
-- ms), so the central books never take an older copy over a newer one.
ALTER TABLE staff ADD COLUMN ver INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER staff_ver_insert AFTER INSERT ON staff WHEN NEW.ver = 0
BEGIN UPDATE staff SET ver = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id; END;
CREATE TRIGGER staff_ver_update AFTER UPDATE ON staff WHEN NEW.ver = OLD.ver
BEGIN UPDATE staff SET ver = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), OLD.ver + 1) WHERE id = NEW.id; END;
-- pin_failures: a version that only grows (at least the time of the change, in
-- ms), so the central books never take an older copy over a newer one.
ALTER TABLE pin_failures ADD COLUMN ver INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER pin_failures_ver_insert AFTER INSERT ON pin_failures WHEN NEW.ver = 0
BEGIN UPDATE pin_failures SET ver = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE subject = NEW.subject; END;
CREATE TRIGGER pin_failures_ver_update AFTER UPDATE ON pin_failures WHEN NEW.ver = OLD.ver
BEGIN UPDATE pin_failures SET ver = max(CAST(unixepoch('subsec') * 1000 AS INTEGER), OLD.ver + 1) WHERE subject = NEW.subject; END;
-- What is queued: changes made here (pulled copies set their version
-- themselves and are not sent back).
CREATE TRIGGER orders_outbox_insert AFTER INSERT ON orders WHEN NEW.ver = 0 AND NEW.imported = 0 AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('orders', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER orders_outbox_update AFTER UPDATE ON orders WHEN NEW.ver = OLD.ver AND NEW.imported = 0 AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('orders', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER payment_attempts_outbox_insert AFTER INSERT ON payment_attempts WHEN NEW.ver = 0 AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('payment_attempts', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER payment_attempts_outbox_update AFTER UPDATE ON payment_attempts WHEN NEW.ver = OLD.ver AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('payment_attempts', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER refunds_outbox_insert AFTER INSERT ON refunds WHEN NEW.ver = 0 AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('refunds', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER refunds_outbox_update AFTER UPDATE ON refunds WHEN NEW.ver = OLD.ver AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('refunds', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER shifts_outbox_insert AFTER INSERT ON shifts WHEN NEW.ver = 0 AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('shifts', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER shifts_outbox_update AFTER UPDATE ON shifts WHEN NEW.ver = OLD.ver AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('shifts', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER staff_outbox_insert AFTER INSERT ON staff WHEN NEW.ver = 0 AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('staff', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER staff_outbox_update AFTER UPDATE ON staff WHEN NEW.ver = OLD.ver AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('staff', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER audit_log_outbox_insert AFTER INSERT ON audit_log WHEN (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('audit_log', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER pin_failures_outbox_insert AFTER INSERT ON pin_failures WHEN NEW.ver = 0 AND NEW.subject LIKE 'staff:%' AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('pin_failures', NEW.subject, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER pin_failures_outbox_update AFTER UPDATE ON pin_failures WHEN NEW.ver = OLD.ver AND NEW.subject LIKE 'staff:%' AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('pin_failures', NEW.subject, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER pin_failures_outbox_delete AFTER DELETE ON pin_failures WHEN OLD.subject LIKE 'staff:%' AND (SELECT enabled FROM sync_state WHERE id = 1) = 1
BEGIN INSERT INTO outbox (tbl, row_key, at) VALUES ('pin_failures', OLD.subject, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
"#;

/// Receipts: slips waiting for the printer, queued in the same transaction
/// that makes a payment PAID (or a refund SUCCESS) when the shop prints
/// automatically.
const V10: &str = r#"
CREATE TABLE print_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    auto_print  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO print_settings (id) VALUES (1);
CREATE TABLE print_jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('payment', 'refund', 'test')),
    ref_id      INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    printed_at  INTEGER
);
CREATE INDEX print_jobs_waiting ON print_jobs (id) WHERE printed_at IS NULL;
CREATE TRIGGER print_jobs_paid AFTER UPDATE OF status ON orders
WHEN NEW.status = 'PAID' AND OLD.status <> 'PAID' AND NEW.imported = 0
     AND (SELECT auto_print FROM print_settings WHERE id = 1) = 1
BEGIN INSERT INTO print_jobs (kind, ref_id, created_at) VALUES ('payment', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
CREATE TRIGGER print_jobs_refunded AFTER UPDATE OF status ON refunds
WHEN NEW.status = 'SUCCESS' AND OLD.status <> 'SUCCESS'
     AND (SELECT auto_print FROM print_settings WHERE id = 1) = 1
BEGIN INSERT INTO print_jobs (kind, ref_id, created_at) VALUES ('refund', NEW.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)); END;
"#;

/// A slip is claimed before it is sent (`Ledger::claim_print`): the app's
/// print task and `cashier-cli print --pending` on the same ledger never
/// send one slip twice. A claim lapses, so a process that died mid-send
/// leaves nothing stuck.
const V11: &str = r#"
ALTER TABLE print_jobs ADD COLUMN claimed_until INTEGER;
"#;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V8),
        M::up(V9),
        M::up(V10),
        M::up(V11),
    ])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::books::Books;
    use crate::ledger::{Ledger, RefundStatus};

    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }

    /// A ledger written by the version before shifts kept their books opens
    /// with everything in it: an open shift, a PAID order, an unclear refund.
    #[test]
    fn a_version_2_ledger_with_money_in_it_upgrades() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.sqlite3");
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            super::migrations().to_version(&mut conn, 2).unwrap();
            conn.execute_batch(
                "INSERT INTO staff (id, name, role, pin_hash, created_at) VALUES (1, 'Mei', 'manager', 'x', 1);
                 INSERT INTO shifts (id, staff_id, opened_at) VALUES (1, 1, 1);
                 INSERT INTO orders (id, merchant_order_no, shift_id, staff_id, wallet, flow, status, amount_minor,
                                     currency, subject, payment_no, created_at, updated_at)
                   VALUES (1, 'CS1', 1, 1, 'wechat', 'scan', 'PAID', 4000, 'HKD', 'Counter payment', 'P1', 1, 1);
                 INSERT INTO payment_attempts (order_id, sent_at) VALUES (1, 1);
                 INSERT INTO refunds (id, order_id, shift_id, outer_refund_no, amount_minor, status, reason,
                                      approved_by, sent_count, created_at, updated_at)
                   VALUES (1, 1, 1, 'RF1', 1500, 'PENDING', 'r', 1, 1, 1, 1);",
            )
            .unwrap();
        }
        let ledger = Ledger::open(&path).unwrap();
        let shift = ledger.current_shift().unwrap().unwrap();
        assert_eq!(shift.books, Books::Unrecorded, "books not recorded before");
        let order = ledger.order(1).unwrap();
        assert_eq!(
            (order.amount.minor, &order.books),
            (4000, &Books::Unrecorded)
        );
        assert_eq!(order.reason, None);
        assert_eq!(
            order.refundable_minor(),
            2500,
            "the unclear refund is still reserved"
        );
        let refund = ledger.refund(1).unwrap();
        assert_eq!(refund.status, RefundStatus::Pending);
        assert!(
            !refund.in_flight(),
            "no lease on a refund from before leases"
        );
        assert!(ledger.take_refund_lease(1, 60_000).unwrap());
        assert!(
            !ledger.take_refund_lease(1, 60_000).unwrap(),
            "one holder at a time"
        );
    }
}
