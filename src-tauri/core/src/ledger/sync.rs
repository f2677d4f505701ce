//! The till's side of the central books: the outbox the schema's triggers
//! fill in the same transaction as each change, read in order as rows to
//! push; shared staff and PIN locks pulled back; the sync state the
//! header shows. The central crate does the talking to PostgreSQL.

use super::{now_ms, Ledger, LedgerError};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A change to push: the row as it is now (the outbox names rows, not
/// their past states: the central books keep the latest of each).
#[derive(Debug, Clone, PartialEq)]
pub enum SyncRow {
    Order(OrderRow),
    Attempt(AttemptRow),
    Refund(RefundRow),
    Shift(ShiftRow),
    Staff(StaffRow),
    Audit(AuditRow),
    Lock(LockRow),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderRow {
    pub local_id: i64,
    pub ver: i64,
    pub counter: Option<String>,
    pub merchant_order_no: String,
    pub shift_local_id: i64,
    pub staff: String,
    pub wallet: String,
    pub flow: String,
    pub status: String,
    pub reason: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub subject: String,
    pub payment_no: Option<String>,
    pub exchange_rate: Option<String>,
    pub error: Option<String>,
    pub abandoned: bool,
    pub needs_review: bool,
    pub books: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRow {
    pub local_id: i64,
    pub ver: i64,
    pub order_no: String,
    pub sent_at: i64,
    pub answered_at: Option<i64>,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefundRow {
    pub local_id: i64,
    pub ver: i64,
    pub order_no: String,
    /// The counter that took the order (another one for a refund of
    /// another counter's order); none for orders from before counters.
    pub order_counter: Option<String>,
    pub shift_local_id: i64,
    pub outer_refund_no: String,
    pub amount_minor: i64,
    pub currency: String,
    pub wallet: String,
    pub status: String,
    pub refund_no: Option<String>,
    pub reason: String,
    pub approved_by: String,
    pub error: Option<String>,
    pub needs_manager: bool,
    pub books: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRow {
    pub local_id: i64,
    pub ver: i64,
    pub staff: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
    pub books: String,
}

/// A person, as every counter shares them (by name).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffRow {
    pub name: String,
    pub role: String,
    pub pin_hash: String,
    pub active: bool,
    pub ver: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub local_id: i64,
    pub at: i64,
    pub staff: Option<String>,
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub detail: String,
}

/// A person's wrong PINs in a row and their lock, shared by every counter.
#[derive(Debug, Clone, PartialEq)]
pub struct LockRow {
    pub name: String,
    pub failures: i64,
    pub last_failed_at: Option<i64>,
    pub locked_until: Option<i64>,
    pub ver: i64,
}

/// A batch of the outbox, oldest first.
#[derive(Debug, Clone, Default)]
pub struct OutboxBatch {
    pub rows: Vec<SyncRow>,
    /// The last queued change this batch covers: confirm up to it.
    pub upto_seq: i64,
    /// Changes queued after this batch, and when the oldest was made.
    pub remaining: i64,
    pub remaining_oldest: Option<i64>,
}

/// What the header and `books status` show of this till's pushing.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, PartialEq, Eq)]
pub struct SyncState {
    pub enabled: bool,
    pub ledger_id: String,
    pub counter: Option<String>,
    /// Changes waiting to be pushed.
    pub outbox: i64,
    /// When the oldest of them was made (ISO), if any.
    pub oldest_waiting: Option<String>,
    pub last_push_at: Option<String>,
    pub pushed_seq: i64,
    pub last_error: Option<String>,
    /// Since when pushes have failed (ISO), while they do.
    pub offline_since: Option<String>,
    /// Changes the central books refused (an older copy of a row they hold
    /// newer, or a row that is not the one they hold under its key).
    pub refused_rows: i64,
}

const ORDER_SELECT: &str = "SELECT o.id, o.ver, o.counter, o.merchant_order_no, o.shift_id,
       (SELECT name FROM staff WHERE id = o.staff_id), o.wallet, o.flow, o.status, o.reason,
       o.amount_minor, o.currency, o.subject, o.payment_no, o.exchange_rate, o.error,
       o.abandoned, o.needs_review, (SELECT acquirer FROM shifts WHERE id = o.shift_id),
       o.created_at, o.updated_at
  FROM orders o";

fn order_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRow> {
    Ok(OrderRow {
        local_id: r.get(0)?,
        ver: r.get(1)?,
        counter: r.get(2)?,
        merchant_order_no: r.get(3)?,
        shift_local_id: r.get(4)?,
        staff: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        wallet: r.get(6)?,
        flow: r.get(7)?,
        status: r.get(8)?,
        reason: r.get(9)?,
        amount_minor: r.get(10)?,
        currency: r.get(11)?,
        subject: r.get(12)?,
        payment_no: r.get(13)?,
        exchange_rate: r.get(14)?,
        error: r.get(15)?,
        abandoned: r.get::<_, i64>(16)? != 0,
        needs_review: r.get::<_, i64>(17)? != 0,
        books: r.get::<_, Option<String>>(18)?.unwrap_or_default(),
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
    })
}

fn load_row(conn: &Connection, tbl: &str, key: &str) -> rusqlite::Result<Option<SyncRow>> {
    let id = key.parse::<i64>().unwrap_or(-1);
    Ok(match tbl {
        "orders" => conn
            .query_row(
                &format!("{ORDER_SELECT} WHERE o.id = ?1 AND o.imported = 0"),
                [id],
                order_row,
            )
            .optional()?
            .map(SyncRow::Order),
        "payment_attempts" => conn
            .query_row(
                "SELECT a.id, a.ver, o.merchant_order_no, a.sent_at, a.answered_at, a.outcome
                 FROM payment_attempts a JOIN orders o ON o.id = a.order_id WHERE a.id = ?1",
                [id],
                |r| {
                    Ok(AttemptRow {
                        local_id: r.get(0)?,
                        ver: r.get(1)?,
                        order_no: r.get(2)?,
                        sent_at: r.get(3)?,
                        answered_at: r.get(4)?,
                        outcome: r.get(5)?,
                    })
                },
            )
            .optional()?
            .map(SyncRow::Attempt),
        "refunds" => conn
            .query_row(
                "SELECT r.id, r.ver, o.merchant_order_no, o.counter, r.shift_id, r.outer_refund_no,
                        r.amount_minor, o.currency, o.wallet, r.status, r.refund_no, r.reason,
                        (SELECT name FROM staff WHERE id = r.approved_by), r.error, r.needs_manager,
                        (SELECT acquirer FROM shifts WHERE id = r.shift_id), r.created_at, r.updated_at
                 FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = ?1",
                [id],
                |r| {
                    Ok(RefundRow {
                        local_id: r.get(0)?,
                        ver: r.get(1)?,
                        order_no: r.get(2)?,
                        order_counter: r.get(3)?,
                        shift_local_id: r.get(4)?,
                        outer_refund_no: r.get(5)?,
                        amount_minor: r.get(6)?,
                        currency: r.get(7)?,
                        wallet: r.get(8)?,
                        status: r.get(9)?,
                        refund_no: r.get(10)?,
                        reason: r.get(11)?,
                        approved_by: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
                        error: r.get(13)?,
                        needs_manager: r.get::<_, i64>(14)? != 0,
                        books: r.get::<_, Option<String>>(15)?.unwrap_or_default(),
                        created_at: r.get(16)?,
                        updated_at: r.get(17)?,
                    })
                },
            )
            .optional()?
            .map(SyncRow::Refund),
        "shifts" => conn
            .query_row(
                "SELECT s.id, s.ver, (SELECT name FROM staff WHERE id = s.staff_id), s.opened_at,
                        s.closed_at, (SELECT name FROM staff WHERE id = s.closed_by), s.acquirer
                 FROM shifts s WHERE s.id = ?1",
                [id],
                |r| {
                    Ok(ShiftRow {
                        local_id: r.get(0)?,
                        ver: r.get(1)?,
                        staff: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        opened_at: r.get(3)?,
                        closed_at: r.get(4)?,
                        closed_by: r.get(5)?,
                        books: r.get(6)?,
                    })
                },
            )
            .optional()?
            .map(SyncRow::Shift),
        "staff" => conn
            .query_row(
                "SELECT name, role, pin_hash, active, ver, created_at FROM staff WHERE id = ?1",
                [id],
                |r| {
                    Ok(StaffRow {
                        name: r.get(0)?,
                        role: r.get(1)?,
                        pin_hash: r.get(2)?,
                        active: r.get::<_, i64>(3)? != 0,
                        ver: r.get(4)?,
                        created_at: r.get(5)?,
                    })
                },
            )
            .optional()?
            .map(SyncRow::Staff),
        "audit_log" => conn
            .query_row(
                "SELECT a.id, a.at, (SELECT name FROM staff WHERE id = a.staff_id), a.action,
                        a.entity, a.entity_id, a.detail
                 FROM audit_log a WHERE a.id = ?1",
                [id],
                |r| {
                    Ok(AuditRow {
                        local_id: r.get(0)?,
                        at: r.get(1)?,
                        staff: r.get(2)?,
                        action: r.get(3)?,
                        entity: r.get(4)?,
                        entity_id: r.get(5)?,
                        detail: r.get(6)?,
                    })
                },
            )
            .optional()?
            .map(SyncRow::Audit),
        "pin_failures" => {
            // 'staff:<id>': the person by name; a row deleted (a right PIN
            // ends a run of wrong ones) is pushed as no failures.
            let Some(staff_id) = key.strip_prefix("staff:").and_then(|i| i.parse::<i64>().ok())
            else {
                return Ok(None);
            };
            let Some(name) = conn
                .query_row("SELECT name FROM staff WHERE id = ?1", [staff_id], |r| {
                    r.get::<_, String>(0)
                })
                .optional()?
            else {
                return Ok(None);
            };
            let row = conn
                .query_row(
                    "SELECT failures, last_failed_at, locked_until, ver FROM pin_failures WHERE subject = ?1",
                    [key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (failures, last_failed_at, locked_until, ver) =
                row.unwrap_or((0, None, None, now_ms()));
            Some(SyncRow::Lock(LockRow {
                name,
                failures,
                last_failed_at,
                locked_until,
                ver,
            }))
        }
        _ => None,
    })
}

/// Pushed changes cleared from the outbox per transaction.
const CLEAR_AT_ONCE: i64 = 64;

impl Ledger {
    /// From now on every change is queued for the central books. The first
    /// time, everything already in the ledger is queued too, so the central
    /// books get this till's whole history. Returns whether this was the
    /// first time.
    pub fn enable_sync(&self, counter: &str) -> Result<bool, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let enabled: bool =
            tx.query_row("SELECT enabled FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        tx.execute(
            "UPDATE sync_state SET enabled = 1, counter = ?1 WHERE id = 1",
            [counter],
        )?;
        if !enabled {
            queue_everything(&tx)?;
        }
        tx.commit()?;
        Ok(!enabled)
    }

    /// Queues every row again (`books resync`: the central database was
    /// recreated, or a till joins books that lost it). Versions stay as
    /// they are, so the central books still refuse an older copy.
    pub fn resync(&self) -> Result<i64, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let queued = queue_everything(&tx)?;
        tx.commit()?;
        Ok(queued)
    }

    /// The oldest queued changes, as rows to push (each row once, as it is
    /// now), at most `limit` queue entries.
    pub fn outbox_batch(&self, limit: i64) -> Result<OutboxBatch, LedgerError> {
        // On the read-only connection, in one snapshot: the sales going on
        // meanwhile never wait for this.
        self.with_reader(|conn| {
            let snapshot = conn.unchecked_transaction()?;
            let mut stmt = snapshot
                .prepare_cached("SELECT seq, tbl, row_key FROM outbox ORDER BY seq LIMIT ?1")?;
            let entries: Vec<(i64, String, String)> = stmt
                .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            drop(stmt);
            let Some(upto_seq) = entries.last().map(|e| e.0) else {
                return Ok(OutboxBatch::default());
            };
            let mut seen = std::collections::HashSet::new();
            let mut rows = Vec::with_capacity(entries.len());
            // Each row once, at the place of its last change in the batch:
            // a refund after its order, as they were made.
            for (_, tbl, key) in entries.iter().rev() {
                if seen.insert((tbl.as_str(), key.as_str())) {
                    if let Some(row) = load_row(&snapshot, tbl, key)? {
                        rows.push(row);
                    }
                }
            }
            rows.reverse();
            let (remaining, remaining_oldest): (i64, Option<i64>) = snapshot.query_row(
                "SELECT COUNT(*), MIN(at) FROM outbox WHERE seq > ?1",
                [upto_seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(OutboxBatch {
                rows,
                upto_seq,
                remaining,
                remaining_oldest,
            })
        })
    }

    /// The central books have everything up to `upto_seq`.
    pub fn outbox_pushed(&self, upto_seq: i64, refused: i64) -> Result<(), LedgerError> {
        // The note first, then the pushed rows cleared a few at a time: a
        // sale waiting for the connection waits for one small transaction,
        // never for a whole batch's. A crash or power cut in between leaves
        // rows that are pushed again, which changes nothing (the upserts
        // are idempotent).
        self.without_fsync(|conn| {
            conn.execute(
                "UPDATE sync_state SET pushed_seq = max(pushed_seq, ?1), last_push_at = ?2,
                     last_error = NULL, offline_since = NULL, refused_rows = refused_rows + ?3
                 WHERE id = 1",
                params![upto_seq, now_ms(), refused],
            )
        })?;
        loop {
            let cleared = self.without_fsync(|conn| {
                conn.execute(
                    "DELETE FROM outbox WHERE seq IN
                         (SELECT seq FROM outbox WHERE seq <= ?1 ORDER BY seq LIMIT ?2)",
                    params![upto_seq, CLEAR_AT_ONCE],
                )
            })?;
            if i64::try_from(cleared).unwrap_or(i64::MAX) < CLEAR_AT_ONCE {
                return Ok(());
            }
            // Let a sale that waits for the connection have it now.
            std::thread::yield_now();
        }
    }

    /// One short write of the push's bookkeeping, without waiting for the
    /// disk: a power cut can lose only a note that rows were pushed, and
    /// then they are pushed again, which changes nothing. So the sales
    /// beside it never wait for an fsync of the push's. The lock on the
    /// connection keeps every sale's own transaction out of this window,
    /// and FULL comes back before it is released.
    fn without_fsync(
        &self,
        write: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<usize>,
    ) -> Result<usize, LedgerError> {
        let conn = self.conn();
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let done = write(&conn);
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(done?)
    }

    /// A push failed: kept for the header and `books status`.
    pub fn push_failed(&self, error: &str) -> Result<(), LedgerError> {
        // Written only when something changed: a server that stays away
        // costs the sales going on no write at all.
        self.conn().execute(
            "UPDATE sync_state SET last_error = ?1, offline_since = COALESCE(offline_since, ?2)
             WHERE id = 1 AND (last_error IS NOT ?1 OR offline_since IS NULL)",
            params![crate::text::one_line(error, 300), now_ms()],
        )?;
        Ok(())
    }

    /// A push went through but had something to say (rows refused, a
    /// ledger older than the central books).
    pub fn push_warning(&self, warning: &str) -> Result<(), LedgerError> {
        self.conn().execute(
            "UPDATE sync_state SET last_error = ?1 WHERE id = 1",
            [crate::text::one_line(warning, 300)],
        )?;
        Ok(())
    }

    /// The next queued change gets a number above `seq` (a ledger restored
    /// from a backup numbers its changes after what the central books saw).
    pub fn outbox_skip_to(&self, seq: i64) -> Result<(), LedgerError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox', 0
             WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox')",
            [],
        )?;
        conn.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'outbox'",
            [seq],
        )?;
        Ok(())
    }

    pub fn sync_state(&self) -> Result<SyncState, LedgerError> {
        // On the read-only connection: the header asks after every push,
        // and counting a long outbox must not hold up a sale.
        self.with_reader(Self::read_sync_state)
    }

    fn read_sync_state(conn: &rusqlite::Connection) -> rusqlite::Result<SyncState> {
        let (outbox, oldest): (i64, Option<i64>) =
            conn.query_row("SELECT COUNT(*), MIN(at) FROM outbox", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        conn.query_row(
            "SELECT enabled, ledger_id, counter, last_push_at, pushed_seq, last_error, offline_since, refused_rows
             FROM sync_state WHERE id = 1",
            [],
            |r| {
                Ok(SyncState {
                    enabled: r.get::<_, i64>(0)? != 0,
                    ledger_id: r.get(1)?,
                    counter: r.get(2)?,
                    outbox,
                    oldest_waiting: oldest.map(crate::time::iso),
                    last_push_at: r.get::<_, Option<i64>>(3)?.map(crate::time::iso),
                    pushed_seq: r.get(4)?,
                    last_error: r.get(5)?,
                    offline_since: r.get::<_, Option<i64>>(6)?.map(crate::time::iso),
                    refused_rows: r.get(7)?,
                })
            },
        )
    }

    /// The highest change number given so far (pushed or not).
    pub fn outbox_last_seq(&self) -> Result<i64, LedgerError> {
        Ok(self.conn().query_row(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Staff as the central books have them: a person known here is
    /// updated when the central copy is newer; a new one is added. Their
    /// versions come along, so nothing pulled is queued to push back.
    /// Returns how many changed here.
    pub fn apply_central_staff(&self, staff: &[StaffRow]) -> Result<usize, LedgerError> {
        // Looked at on the read-only connection first: a pull that brings
        // nothing new (nearly every one) takes no write lock at all.
        let newer = self.with_reader(|conn| {
            for s in staff {
                let ver: Option<i64> = conn
                    .query_row("SELECT ver FROM staff WHERE name = ?1", [&s.name], |r| {
                        r.get(0)
                    })
                    .optional()?;
                if ver.is_none_or(|v| v < s.ver) {
                    return Ok(true);
                }
            }
            Ok(false)
        })?;
        if !newer {
            return Ok(0);
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut changed = 0;
        for s in staff {
            let here: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT id, ver FROM staff WHERE name = ?1",
                    [&s.name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match here {
                Some((_, ver)) if ver >= s.ver => {}
                Some((id, _)) => {
                    tx.execute(
                        "UPDATE staff SET role = ?1, pin_hash = ?2, active = ?3, ver = ?4 WHERE id = ?5",
                        params![s.role, s.pin_hash, s.active, s.ver.max(1), id],
                    )?;
                    changed += 1;
                }
                None => {
                    tx.execute(
                        "INSERT INTO staff (name, role, pin_hash, active, created_at, ver)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            s.name,
                            s.role,
                            s.pin_hash,
                            s.active,
                            s.created_at,
                            s.ver.max(1)
                        ],
                    )?;
                    changed += 1;
                }
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// People's PIN locks as the central books have them, where newer.
    pub fn apply_central_locks(&self, locks: &[LockRow]) -> Result<usize, LedgerError> {
        // As for staff: nothing newer, no write lock.
        let newer = self.with_reader(|conn| {
            for l in locks {
                let ver: Option<i64> = conn
                    .query_row(
                        "SELECT f.ver FROM pin_failures f JOIN staff s ON f.subject = 'staff:' || s.id
                         WHERE s.name = ?1",
                        [&l.name],
                        |r| r.get(0),
                    )
                    .optional()?;
                if ver.map_or(l.failures > 0, |v| v < l.ver) {
                    return Ok(true);
                }
            }
            Ok(false)
        })?;
        if !newer {
            return Ok(0);
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut changed = 0;
        for l in locks {
            let Some(staff_id) = tx
                .query_row("SELECT id FROM staff WHERE name = ?1", [&l.name], |r| {
                    r.get::<_, i64>(0)
                })
                .optional()?
            else {
                continue;
            };
            let subject = format!("staff:{staff_id}");
            let ver: Option<i64> = tx
                .query_row(
                    "SELECT ver FROM pin_failures WHERE subject = ?1",
                    [&subject],
                    |r| r.get(0),
                )
                .optional()?;
            if ver.is_some_and(|v| v >= l.ver) || (ver.is_none() && l.failures == 0) {
                continue;
            }
            // Kept as a row even at no failures (never deleted here): a
            // deletion would be queued and pushed back.
            tx.execute(
                "INSERT INTO pin_failures (subject, failures, last_failed_at, locked_until, ver)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures,
                     last_failed_at = excluded.last_failed_at, locked_until = excluded.locked_until,
                     ver = excluded.ver",
                params![
                    subject,
                    l.failures,
                    l.last_failed_at,
                    l.locked_until,
                    l.ver.max(1)
                ],
            )?;
            changed += 1;
        }
        tx.commit()?;
        Ok(changed)
    }
}

impl Ledger {
    /// A copy of another counter's PAID order, to refund it here: kept
    /// apart from this till's own orders (never listed, counted or
    /// pushed), under the shift that refunds it. The same order again is
    /// the same copy.
    pub fn import_order(
        &self,
        order: &crate::central_link::CentralOrder,
        shift_id: i64,
        staff_id: i64,
    ) -> Result<super::Order, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing: Option<(i64, i64)> = tx
            .query_row(
                "SELECT id, imported FROM orders WHERE merchant_order_no = ?1",
                [&order.merchant_order_no],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let id = match existing {
            Some((id, _)) => id,
            None => {
                tx.execute(
                    "INSERT INTO orders (merchant_order_no, counter, shift_id, staff_id, wallet, flow, status,
                         amount_minor, currency, subject, payment_no, created_at, updated_at, imported, ver)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?12, 'PAID', ?6, ?7, ?8, ?9, ?10, ?11, 1, 1)",
                    params![
                        order.merchant_order_no,
                        order.counter,
                        shift_id,
                        staff_id,
                        order.wallet,
                        order.amount_minor,
                        order.currency,
                        order.subject,
                        order.payment_no,
                        order.created_at,
                        now_ms(),
                        order.flow
                    ],
                )?;
                let id = tx.last_insert_rowid();
                super::audit::append(
                    &tx,
                    Some(staff_id),
                    "order_imported",
                    Some("order"),
                    Some(id),
                    &format!(
                        "{} of counter {}, to refund it here",
                        order.merchant_order_no, order.counter
                    ),
                )?;
                id
            }
        };
        tx.commit()?;
        drop(conn);
        self.order(id)
    }

    /// One queued row as it would be pushed now.
    pub fn sync_row(&self, tbl: &str, key: &str) -> Result<Option<SyncRow>, LedgerError> {
        Ok(load_row(&self.conn(), tbl, key)?)
    }
}

/// Queues one entry per row of every table pushed.
fn queue_everything(conn: &Connection) -> Result<i64, LedgerError> {
    let at = now_ms();
    let mut queued = 0;
    for sql in [
        "INSERT INTO outbox (tbl, row_key, at) SELECT 'staff', id, ?1 FROM staff ORDER BY id",
        "INSERT INTO outbox (tbl, row_key, at) SELECT 'shifts', id, ?1 FROM shifts ORDER BY id",
        "INSERT INTO outbox (tbl, row_key, at) SELECT 'orders', id, ?1 FROM orders WHERE imported = 0 ORDER BY id",
        "INSERT INTO outbox (tbl, row_key, at) SELECT 'payment_attempts', id, ?1 FROM payment_attempts ORDER BY id",
        "INSERT INTO outbox (tbl, row_key, at) SELECT 'refunds', id, ?1 FROM refunds ORDER BY id",
        "INSERT INTO outbox (tbl, row_key, at) SELECT 'audit_log', id, ?1 FROM audit_log ORDER BY id",
        "INSERT INTO outbox (tbl, row_key, at) SELECT 'pin_failures', subject, ?1 FROM pin_failures WHERE subject LIKE 'staff:%'",
    ] {
        queued += i64::try_from(conn.execute(sql, [at])?).unwrap_or(0);
    }
    Ok(queued)
}
