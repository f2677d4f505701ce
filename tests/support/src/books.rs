//! Comparing the ledger with the sandbox's own books: the one question the
//! crash suite and the fault soak ask after every run. Nothing lost, nothing
//! charged or refunded twice, and every status the same as HipoPay's.

use cashier_core::ledger::{Ledger, Order, OrderFilter, OrderStatus, RefundStatus};
use hipopay_sim::{SimHandle, SimOrder};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Books {
    pub orders: usize,
    pub refunds: usize,
    /// Orders and refunds still PENDING in the ledger.
    pub unclear_orders: usize,
    pub unclear_refunds: usize,
    /// Orders whose charge reached HipoPay more than once.
    pub double_charges: usize,
    /// Refunds at HipoPay beyond what the ledger meant to refund.
    pub double_refunds: usize,
    /// Final statuses in the ledger that HipoPay's own say otherwise (PAID
    /// here but not there, FAILED or EXPIRED here but PAID there; a refund
    /// SUCCESS here but absent there, FAILED here but there).
    pub contradicted: usize,
    pub mismatches: Vec<String>,
}

impl Books {
    /// Everything agrees and nothing is left unclear.
    pub fn assert_settled(&self) {
        self.assert_agree();
        assert!(
            self.unclear_orders == 0 && self.unclear_refunds == 0,
            "the ledger still has unclear records: {self:#?}"
        );
    }

    /// Everything the ledger calls final agrees with HipoPay, and nothing
    /// was charged or refunded twice; what is unclear here is unfinished at
    /// HipoPay too.
    pub fn assert_agree(&self) {
        assert!(
            self.mismatches.is_empty()
                && self.double_charges == 0
                && self.double_refunds == 0
                && self.contradicted == 0,
            "the ledger and HipoPay disagree: {self:#?}"
        );
    }
}

/// Does the ledger's status say what HipoPay's says?
fn same_status(order: &Order, sim: &SimOrder) -> bool {
    match sim.status.as_str() {
        "PAID" => order.status == OrderStatus::Paid,
        "INIT" => order.status == OrderStatus::Pending,
        "FAIL" => order.status == OrderStatus::Failed,
        "EXPIRED" => order.status == OrderStatus::Expired,
        _ => false,
    }
}

/// A final status here that HipoPay's contradicts.
fn contradicted(order: &Order, sim: Option<&SimOrder>) -> bool {
    let there = sim.map(|s| s.status.as_str());
    match order.status {
        OrderStatus::Paid => there != Some("PAID"),
        OrderStatus::Failed | OrderStatus::Expired => there == Some("PAID"),
        OrderStatus::Pending => false,
    }
}

pub fn compare(ledger: &Ledger, sim: &SimHandle) -> Books {
    let mut books = Books::default();
    let orders = ledger
        .list_orders(&OrderFilter {
            limit: Some(10_000),
            ..OrderFilter::default()
        })
        .expect("the ledger lists its orders");
    let sim_orders: HashMap<String, SimOrder> = sim
        .orders()
        .into_iter()
        .map(|o| (o.merchant_order_no.clone(), o))
        .collect();
    let mut sim_refunds: HashMap<String, Vec<hipopay_sim::SimRefund>> = HashMap::new();
    for r in sim.refunds() {
        sim_refunds
            .entry(r.outer_refund_no.clone())
            .or_default()
            .push(r);
    }
    let mut known_outer = std::collections::HashSet::new();
    books.orders = orders.len();
    for order in &orders {
        let no = &order.merchant_order_no;
        if sim.charge_requests(no) > 1 {
            books.double_charges += 1;
        }
        if order.status == OrderStatus::Pending {
            books.unclear_orders += 1;
        }
        if contradicted(order, sim_orders.get(no)) {
            books.contradicted += 1;
        }
        match sim_orders.get(no) {
            None if order.status == OrderStatus::Paid => books
                .mismatches
                .push(format!("{no}: PAID in the ledger, unknown to HipoPay")),
            None => {}
            Some(s) => {
                if !same_status(order, s) {
                    books.mismatches.push(format!(
                        "{no}: {} in the ledger, {} at HipoPay",
                        order.status.as_str(),
                        s.status
                    ));
                }
                if s.amount_minor != order.amount.minor {
                    books.mismatches.push(format!("{no}: amounts differ"));
                }
                if order.status == OrderStatus::Paid
                    && order.payment_no.as_deref() != Some(s.payment_no.as_str())
                {
                    books
                        .mismatches
                        .push(format!("{no}: HipoPay's number differs"));
                }
                if s.refunded_minor != order.refunded_minor {
                    books.mismatches.push(format!(
                        "{no}: refunded {} in the ledger, {} at HipoPay",
                        order.refunded_minor, s.refunded_minor
                    ));
                }
            }
        }
        for refund in ledger
            .refunds_for_order(order.id)
            .expect("the ledger lists refunds")
        {
            books.refunds += 1;
            known_outer.insert(refund.outer_refund_no.clone());
            let remote = sim_refunds
                .get(&refund.outer_refund_no)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if remote.len() > 1 {
                books.double_refunds += remote.len() - 1;
            }
            let ok = match refund.status {
                RefundStatus::Success => remote.len() == 1,
                RefundStatus::Failed => remote.is_empty(),
                RefundStatus::Pending => {
                    books.unclear_refunds += 1;
                    true
                }
            };
            if !ok && refund.status != RefundStatus::Pending {
                books.contradicted += 1;
            }
            if !ok {
                books.mismatches.push(format!(
                    "refund {}: {} in the ledger, {} at HipoPay",
                    refund.outer_refund_no,
                    refund.status.as_str(),
                    remote.len()
                ));
            }
        }
    }
    let ours: std::collections::HashSet<&String> =
        orders.iter().map(|o| &o.merchant_order_no).collect();
    for no in sim_orders.keys().filter(|no| !ours.contains(no)) {
        books
            .mismatches
            .push(format!("{no}: at HipoPay but lost from the ledger"));
    }
    for outer in sim_refunds.keys().filter(|k| !known_outer.contains(*k)) {
        books.mismatches.push(format!(
            "refund {outer}: at HipoPay but lost from the ledger"
        ));
    }
    books
}
