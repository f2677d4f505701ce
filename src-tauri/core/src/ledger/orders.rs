//! Orders and their single charge attempt.

use super::{audit, now_ms, Ledger, LedgerError};
use crate::books::{Books, Mode};
use crate::money::{format_minor, Currency, Money};
use crate::reason::Reason;
use crate::wallet::Wallet;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, ToSql};
use schemars::JsonSchema;
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum OrderStatus {
    Pending,
    Paid,
    Failed,
    Expired,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "PENDING",
            OrderStatus::Paid => "PAID",
            OrderStatus::Failed => "FAILED",
            OrderStatus::Expired => "EXPIRED",
        }
    }
    pub fn is_final(self) -> bool {
        self != OrderStatus::Pending
    }
    fn parse(s: &str) -> OrderStatus {
        match s {
            "PAID" => OrderStatus::Paid,
            "FAILED" => OrderStatus::Failed,
            "EXPIRED" => OrderStatus::Expired,
            _ => OrderStatus::Pending,
        }
    }
}

impl std::str::FromStr for OrderStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "PENDING" => Ok(OrderStatus::Pending),
            "PAID" => Ok(OrderStatus::Paid),
            "FAILED" => Ok(OrderStatus::Failed),
            "EXPIRED" => Ok(OrderStatus::Expired),
            other => Err(format!("unknown status {other:?}")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PaymentFlow {
    /// Merchant scans the customer's payment code.
    Scan,
    /// Customer scans the QR code the app shows.
    Qr,
}

impl PaymentFlow {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentFlow::Scan => "scan",
            PaymentFlow::Qr => "qr",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: i64,
    pub merchant_order_no: String,
    /// The counter that took it; none for orders from before counters had names.
    pub counter: Option<String>,
    pub shift_id: i64,
    pub staff_id: i64,
    pub wallet: Wallet,
    pub flow: PaymentFlow,
    pub status: OrderStatus,
    /// Why it stands where it does (see `Reason`).
    pub reason: Option<Reason>,
    pub amount: Money,
    /// Refunded for certain (SUCCESS refunds).
    pub refunded_minor: i64,
    /// Refunds sent whose outcome is not known yet; reserved against the refundable amount.
    pub refund_pending_minor: i64,
    pub subject: String,
    pub code_masked: Option<String>,
    pub payment_no: Option<String>,
    pub qr_payload: Option<String>,
    pub exchange_rate: Option<String>,
    pub error: Option<String>,
    /// The cashier stopped waiting for it.
    pub abandoned: bool,
    /// Turned PAID after it was abandoned: a manager must look at it.
    pub needs_review: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub charge_sent_at: Option<i64>,
    /// Whose books: its shift's.
    pub books: Books,
    /// Checks in a row that left it unclear, and when the next is due.
    pub checks: u32,
    pub next_check_at: Option<i64>,
    /// Closed on HipoPay's "no such order": when it is asked about once more.
    pub recheck_at: Option<i64>,
    /// A copy of another counter's order, kept to refund it here.
    pub imported: bool,
}

impl Order {
    pub fn refundable_minor(&self) -> i64 {
        if self.status == OrderStatus::Paid {
            (self.amount.minor - self.refunded_minor - self.refund_pending_minor).max(0)
        } else {
            0
        }
    }
}

/// The order as the CLI and UI see it: money as decimal strings, never floats.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OrderView {
    pub id: i64,
    pub merchant_order_no: String,
    /// The counter that took it ("C1"); none for orders from before
    /// counters had names.
    pub counter: Option<String>,
    pub wallet: Wallet,
    pub flow: PaymentFlow,
    pub status: OrderStatus,
    /// Why it is FAILED, EXPIRED or still unclear (PENDING); none when PAID
    /// or not known yet. Screens choose their words from this.
    pub reason: Option<Reason>,
    /// Decimal strings in the currency's units: "12.50", "1200" for JPY.
    pub amount: String,
    pub refunded: String,
    pub refundable: String,
    pub currency: Currency,
    pub subject: String,
    /// HipoPay's number for it.
    pub payment_no: Option<String>,
    pub qr_payload: Option<String>,
    /// The payment code, masked.
    pub code: Option<String>,
    pub exchange_rate: Option<String>,
    /// The detail in words (with the wallet's own code); for people, not screens' logic.
    pub error: Option<String>,
    /// The cashier stopped waiting for it.
    pub abandoned: bool,
    /// Paid after the cashier stopped waiting: a manager must look at it.
    pub needs_review: bool,
    pub shift_id: i64,
    /// Demo (the built-in sandbox, no money moved) or live; none for an
    /// order from before this was recorded.
    pub mode: Option<Mode>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Order> for OrderView {
    fn from(o: &Order) -> OrderView {
        let cur = o.amount.currency;
        OrderView {
            id: o.id,
            merchant_order_no: o.merchant_order_no.clone(),
            counter: o.counter.clone(),
            wallet: o.wallet,
            flow: o.flow,
            status: o.status,
            reason: o.reason,
            amount: o.amount.to_decimal_string(),
            refunded: format_minor(o.refunded_minor, cur),
            refundable: format_minor(o.refundable_minor(), cur),
            currency: cur,
            subject: o.subject.clone(),
            payment_no: o.payment_no.clone(),
            qr_payload: o.qr_payload.clone(),
            code: o.code_masked.clone(),
            exchange_rate: o.exchange_rate.clone(),
            error: o.error.clone(),
            abandoned: o.abandoned,
            needs_review: o.needs_review,
            shift_id: o.shift_id,
            mode: o.books.mode(),
            created_at: crate::time::iso(o.created_at),
            updated_at: crate::time::iso(o.updated_at),
        }
    }
}

impl Serialize for Order {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        OrderView::from(self).serialize(s)
    }
}

impl JsonSchema for Order {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Order".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        OrderView::json_schema(generator)
    }
}

pub struct NewOrder {
    pub merchant_order_no: String,
    /// The counter taking it.
    pub counter: String,
    pub shift_id: i64,
    pub staff_id: i64,
    pub wallet: Wallet,
    pub flow: PaymentFlow,
    pub amount: Money,
    pub subject: String,
    pub code_hash: Option<String>,
    pub code_masked: Option<String>,
}

/// A change to an order decided from an acquirer answer.
#[derive(Debug, Clone, Default)]
pub struct OrderUpdate {
    pub status: Option<OrderStatus>,
    /// Why (kept until a later update gives another; cleared when PAID).
    pub reason: Option<Reason>,
    pub payment_no: Option<String>,
    pub qr_payload: Option<String>,
    pub exchange_rate: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub shift_id: Option<i64>,
    pub status: Option<OrderStatus>,
    pub wallet: Option<Wallet>,
    /// An order number (ours or HipoPay's) or an amount.
    pub search: Option<String>,
    pub limit: Option<u32>,
}

pub(crate) const SELECT_ORDER: &str = "SELECT o.*,
    (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds r WHERE r.order_id = o.id AND r.status = 'SUCCESS') AS refunded_minor,
    (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds r WHERE r.order_id = o.id AND r.status = 'PENDING') AS refund_pending_minor,
    a.sent_at AS charge_sent_at,
    (SELECT acquirer FROM shifts s WHERE s.id = o.shift_id) AS books
  FROM orders o LEFT JOIN payment_attempts a ON a.order_id = o.id";

pub(crate) fn order_from_row(r: &Row<'_>) -> rusqlite::Result<Order> {
    let currency: String = r.get("currency")?;
    let currency = currency.parse::<Currency>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let wallet: String = r.get("wallet")?;
    let flow: String = r.get("flow")?;
    let status: String = r.get("status")?;
    Ok(Order {
        id: r.get("id")?,
        merchant_order_no: r.get("merchant_order_no")?,
        counter: r.get("counter")?,
        shift_id: r.get("shift_id")?,
        staff_id: r.get("staff_id")?,
        wallet: if wallet == "alipay" {
            Wallet::Alipay
        } else {
            Wallet::Wechat
        },
        flow: if flow == "qr" {
            PaymentFlow::Qr
        } else {
            PaymentFlow::Scan
        },
        status: OrderStatus::parse(&status),
        reason: r
            .get::<_, Option<String>>("reason")?
            .as_deref()
            .and_then(Reason::from_code),
        amount: Money::new(r.get("amount_minor")?, currency),
        refunded_minor: r.get("refunded_minor")?,
        refund_pending_minor: r.get("refund_pending_minor")?,
        subject: r.get("subject")?,
        code_masked: r.get("code_masked")?,
        payment_no: r.get("payment_no")?,
        qr_payload: r.get("qr_payload")?,
        exchange_rate: r.get("exchange_rate")?,
        error: r.get("error")?,
        abandoned: r.get::<_, i64>("abandoned")? != 0,
        needs_review: r.get::<_, i64>("needs_review")? != 0,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        charge_sent_at: r.get("charge_sent_at")?,
        books: r.get("books")?,
        checks: r.get("checks")?,
        next_check_at: r.get("next_check_at")?,
        recheck_at: r.get("recheck_at")?,
        imported: r.get::<_, i64>("imported")? != 0,
    })
}

fn load(conn: &rusqlite::Connection, id: i64) -> Result<Order, LedgerError> {
    conn.query_row(
        &format!("{SELECT_ORDER} WHERE o.id = ?1"),
        [id],
        order_from_row,
    )
    .optional()?
    .ok_or_else(|| LedgerError::NotFound(format!("order #{id}")))
}

impl Ledger {
    /// Commits a new PENDING order. Nothing about it has been sent yet.
    pub fn insert_order(&self, new: &NewOrder) -> Result<Order, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(hash) = &new.code_hash {
            let used: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM orders WHERE code_hash = ?1)",
                [hash],
                |r| r.get(0),
            )?;
            if used {
                return Err(LedgerError::CodeUsed);
            }
        }
        let now = now_ms();
        tx.execute(
            "INSERT INTO orders (merchant_order_no, shift_id, staff_id, wallet, flow, status, amount_minor,
                                 currency, subject, code_hash, code_masked, created_at, updated_at, counter)
             VALUES (?1, ?2, ?3, ?4, ?5, 'PENDING', ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
            params![
                new.merchant_order_no,
                new.shift_id,
                new.staff_id,
                new.wallet.as_str(),
                new.flow.as_str(),
                new.amount.minor,
                new.amount.currency.code(),
                new.subject,
                new.code_hash,
                new.code_masked,
                now,
                new.counter
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            Some(new.staff_id),
            "order_created",
            Some("order"),
            Some(id),
            &format!(
                "{} {} {} {}",
                new.merchant_order_no,
                new.wallet,
                new.flow.as_str(),
                new.amount
            ),
        )?;
        let order = load(&tx, id)?;
        tx.commit()?;
        Ok(order)
    }

    /// Records, durably and just before sending, the one charge request this
    /// order may ever make. A second call fails: an order is never charged twice.
    pub fn record_charge_sent(&self, order_id: i64) -> Result<(), LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Settled meanwhile by another process (reconcile closed it as never
        // sent while this one was paused): it must not be charged now.
        let status: Option<String> = tx
            .query_row("SELECT status FROM orders WHERE id = ?1", [order_id], |r| {
                r.get(0)
            })
            .optional()?;
        match status.as_deref() {
            Some("PENDING") => {}
            Some(other) => {
                return Err(LedgerError::Rule(format!(
                    "order #{order_id} is already {other}; its charge is not sent"
                )))
            }
            None => return Err(LedgerError::NotFound(format!("order #{order_id}"))),
        }
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM payment_attempts WHERE order_id = ?1)",
            [order_id],
            |r| r.get(0),
        )?;
        if exists {
            return Err(LedgerError::Rule(format!(
                "order #{order_id} already sent its charge; it is checked, never charged again"
            )));
        }
        tx.execute(
            "INSERT INTO payment_attempts (order_id, sent_at) VALUES (?1, ?2)",
            params![order_id, now_ms()],
        )?;
        audit::append(&tx, None, "charge_sent", Some("order"), Some(order_id), "")?;
        tx.commit()?;
        Ok(())
    }

    pub fn record_charge_answer(&self, order_id: i64, outcome: &str) -> Result<(), LedgerError> {
        self.conn().execute(
            "UPDATE payment_attempts SET answered_at = ?1, outcome = ?2 WHERE order_id = ?3",
            params![now_ms(), outcome, order_id],
        )?;
        Ok(())
    }

    /// Applies an update. A final status never changes again; an abandoned
    /// order that turns PAID is flagged for a manager.
    pub fn update_order(
        &self,
        id: i64,
        update: &OrderUpdate,
        why: &str,
    ) -> Result<(Order, bool), LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let before = load(&tx, id)?;
        // We closed it on HipoPay's own "no such order", and now HipoPay says
        // PAID: HipoPay decides. The order is PAID, raised for a manager
        // (the customer has probably paid another way meanwhile).
        let paid_after_we_closed_it = before.status == OrderStatus::Failed
            && matches!(
                before.reason,
                Some(Reason::NeverReceived | Reason::QrMissing)
            )
            && update.status == Some(OrderStatus::Paid);
        let new_status = match update.status {
            Some(s) if !before.status.is_final() || paid_after_we_closed_it => s,
            _ => before.status,
        };
        let keep = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
        let payment_no = keep(&update.payment_no, &before.payment_no);
        let qr_payload = keep(&update.qr_payload, &before.qr_payload);
        let exchange_rate = keep(&update.exchange_rate, &before.exchange_rate);
        // A PAID order carries no error, even if an earlier call timed out.
        let error = match new_status {
            OrderStatus::Paid => None,
            _ => keep(&update.error, &before.error),
        };
        // A final status keeps the reason it was given; PAID needs none.
        let reason = match new_status {
            OrderStatus::Paid => None,
            _ if before.status.is_final() => before.reason,
            _ => update.reason.or(before.reason),
        };
        let paid_after_we_closed_it = paid_after_we_closed_it && new_status == OrderStatus::Paid;
        let needs_review = before.needs_review
            || paid_after_we_closed_it
            || (before.abandoned
                && new_status == OrderStatus::Paid
                && before.status != OrderStatus::Paid);
        let changed = new_status != before.status
            || payment_no != before.payment_no
            || qr_payload != before.qr_payload
            || exchange_rate != before.exchange_rate
            || error != before.error
            || reason != before.reason
            || needs_review != before.needs_review;
        if changed {
            tx.execute(
                "UPDATE orders SET status = ?1, payment_no = ?2, qr_payload = ?3, exchange_rate = ?4,
                        error = ?5, needs_review = ?6, updated_at = ?7, reason = ?8 WHERE id = ?9",
                params![new_status.as_str(), payment_no, qr_payload, exchange_rate, error, needs_review as i64, now_ms(), reason.map(Reason::code), id],
            )?;
            if paid_after_we_closed_it {
                audit::append(
                    &tx,
                    None,
                    "order_paid_after_closed",
                    Some("order"),
                    Some(id),
                    &format!("{} -> PAID ({why})", before.status.as_str()),
                )?;
            } else if new_status != before.status {
                audit::append(
                    &tx,
                    None,
                    "order_status",
                    Some("order"),
                    Some(id),
                    &format!(
                        "{} -> {} ({why})",
                        before.status.as_str(),
                        new_status.as_str()
                    ),
                )?;
            }
        }
        let after = load(&tx, id)?;
        tx.commit()?;
        Ok((after, new_status != before.status))
    }

    /// The cashier stopped waiting: the order stays PENDING and is watched.
    pub fn mark_abandoned(&self, id: i64) -> Result<Order, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE orders SET abandoned = 1, updated_at = ?1 WHERE id = ?2 AND status = 'PENDING'",
            params![now_ms(), id],
        )?;
        audit::append(&tx, None, "order_abandoned", Some("order"), Some(id), "")?;
        let order = load(&tx, id)?;
        tx.commit()?;
        Ok(order)
    }

    /// A manager has looked at an order flagged for review.
    pub fn clear_review(&self, id: i64, manager_id: i64) -> Result<Order, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE orders SET needs_review = 0, updated_at = ?1 WHERE id = ?2",
            params![now_ms(), id],
        )?;
        audit::append(
            &tx,
            Some(manager_id),
            "order_reviewed",
            Some("order"),
            Some(id),
            "",
        )?;
        let order = load(&tx, id)?;
        tx.commit()?;
        Ok(order)
    }

    /// A check left the order unclear: the next one is due after `backoff`.
    pub fn note_unclear_check(
        &self,
        id: i64,
        now_ms: i64,
        backoff: std::time::Duration,
    ) -> Result<(), LedgerError> {
        let wait = i64::try_from(backoff.as_millis()).unwrap_or(i64::MAX);
        self.conn().execute(
            "UPDATE orders SET checks = checks + 1, next_check_at = ?1 WHERE id = ?2 AND status = 'PENDING'",
            params![now_ms.saturating_add(wait), id],
        )?;
        Ok(())
    }

    /// An order closed on HipoPay's "no such order" is asked about once
    /// more, `after` from now.
    pub fn schedule_recheck(
        &self,
        id: i64,
        now_ms: i64,
        after: std::time::Duration,
    ) -> Result<(), LedgerError> {
        let wait = i64::try_from(after.as_millis()).unwrap_or(i64::MAX);
        self.conn().execute(
            "UPDATE orders SET recheck_at = ?1 WHERE id = ?2",
            params![now_ms.saturating_add(wait), id],
        )?;
        Ok(())
    }

    pub fn recheck_done(&self, id: i64) -> Result<(), LedgerError> {
        self.conn()
            .execute("UPDATE orders SET recheck_at = NULL WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Closed orders whose second look is due.
    pub fn orders_to_recheck(&self, now_ms: i64) -> Result<Vec<Order>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{SELECT_ORDER} WHERE o.recheck_at IS NOT NULL AND o.recheck_at <= ?1 ORDER BY o.id"
        ))?;
        let rows = stmt
            .query_map([now_ms], order_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn order(&self, id: i64) -> Result<Order, LedgerError> {
        load(&self.conn(), id)
    }

    /// An order by our id, or by our or HipoPay's order number.
    pub fn find_order(&self, reference: &str) -> Result<Order, LedgerError> {
        let reference = reference.trim().trim_start_matches('#');
        let conn = self.conn();
        let by_number = conn
            .query_row(
                &format!("{SELECT_ORDER} WHERE o.merchant_order_no = ?1 OR o.payment_no = ?1"),
                [reference],
                order_from_row,
            )
            .optional()?;
        if let Some(order) = by_number {
            return Ok(order);
        }
        match reference.parse::<i64>() {
            Ok(id) => load(&conn, id),
            Err(_) => Err(LedgerError::NotFound(format!("order {reference:?}"))),
        }
    }

    /// Orders whose outcome is unknown, or that a manager must look at.
    pub fn orders_needing_attention(&self) -> Result<Vec<Order>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{SELECT_ORDER} WHERE o.status = 'PENDING' OR o.needs_review = 1 ORDER BY o.id"
        ))?;
        let rows = stmt
            .query_map([], order_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn list_orders(&self, filter: &OrderFilter) -> Result<Vec<Order>, LedgerError> {
        // This till's own orders: copies of other counters' orders refunded
        // here are found by number, never listed.
        let mut clauses: Vec<String> = vec!["o.imported = 0".into()];
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        let mut arg = |clause: &str, value: Box<dyn ToSql>| {
            args.push(value);
            clauses.push(clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(from) = filter.from_ms {
            arg("o.created_at >= ?", Box::new(from));
        }
        if let Some(to) = filter.to_ms {
            arg("o.created_at < ?", Box::new(to));
        }
        if let Some(shift) = filter.shift_id {
            arg("o.shift_id = ?", Box::new(shift));
        }
        if let Some(status) = filter.status {
            arg("o.status = ?", Box::new(status.as_str()));
        }
        if let Some(wallet) = filter.wallet {
            arg("o.wallet = ?", Box::new(wallet.as_str()));
        }
        if let Some(search) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let mut alternatives = vec![];
            // An amount typed as the cashier sees it, in either kind of currency.
            let mut amounts: Vec<i64> = [Currency::HKD, Currency::JPY]
                .iter()
                .filter_map(|c| crate::money::parse_minor(search, *c).ok())
                .filter(|m| *m > 0)
                .collect();
            amounts.dedup();
            for m in amounts {
                args.push(Box::new(m));
                alternatives.push(format!("o.amount_minor = ?{}", args.len()));
            }
            args.push(Box::new(search.to_string()));
            let n = args.len();
            alternatives.push(format!("o.merchant_order_no = ?{n} OR o.payment_no = ?{n}"));
            // Partial numbers only within a bounded range, where a scan is cheap.
            if filter.from_ms.is_some() || filter.shift_id.is_some() {
                args.push(Box::new(format!("%{search}%")));
                let n = args.len();
                alternatives.push(format!(
                    "o.merchant_order_no LIKE ?{n} OR o.payment_no LIKE ?{n}"
                ));
            }
            clauses.push(format!("({})", alternatives.join(" OR ")));
        }
        let where_sql = format!(" WHERE {}", clauses.join(" AND "));
        let limit = filter.limit.unwrap_or(200).min(10_000);
        let sql = format!(
            "{SELECT_ORDER}{where_sql} ORDER BY o.created_at DESC, o.id DESC LIMIT {limit}"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt
            .query_map(
                params_from_iter(args.iter().map(|b| b.as_ref())),
                order_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
