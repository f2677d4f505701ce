//! A hostile acquirer: answers that are not HipoPay's words, or not definite.
//! Each case ends unclear (PENDING, watched) or flagged for a manager, never
//! FAILED or EXPIRED while the sandbox's books say PAID. Time moves with the
//! engine's clock (`Clock::ahead`), never with a sleep.
#![allow(clippy::unwrap_used)]

use cashier_core::engine::{
    Clock, Engine, EngineSettings, PayRequest, QrRequest, RefundRequest, Scope, StopSignal,
};
use cashier_core::hipopay::{ChargeRequest, ClientConfig, HipoPayClient};
use cashier_core::ledger::{Ledger, NewOrder, OrderStatus, PaymentFlow, RefundStatus, Role};
use cashier_core::money::{Currency, Money};
use cashier_core::reason::Reason;
use cashier_core::wallet::Wallet;
use cashier_testkit::{
    agent_signer, fault, sim_config, start_sim, AGENT_NO, MANAGER_PIN, MERCHANT_NO,
};
use hipopay_sim::{Fault, SimHandle};
use std::sync::Arc;
use std::time::Duration;

struct Till {
    sim: SimHandle,
    ledger: Arc<Ledger>,
    _dir: tempfile::TempDir,
}

impl Till {
    async fn start() -> Till {
        let mut config = sim_config();
        config.init_queries_before_paid = 1;
        let sim = start_sim(config).await;
        let dir = tempfile::tempdir().unwrap();
        let ledger = Arc::new(Ledger::open(&dir.path().join("ledger.sqlite3")).unwrap());
        let manager = ledger
            .add_staff("Mei", Role::Manager, MANAGER_PIN, None)
            .unwrap();
        // The books name the sandbox's host: its "no such order" counts.
        ledger
            .open_shift_for(manager.id, &Self::books(&sim))
            .unwrap();
        Till {
            sim,
            ledger,
            _dir: dir,
        }
    }

    fn books(sim: &SimHandle) -> cashier_core::books::Books {
        cashier_core::books::Books::live(AGENT_NO, MERCHANT_NO, &sim.base_url())
    }

    /// An engine on this till's ledger whose clock is `ahead` of now.
    fn engine(&self, ahead: Duration) -> Arc<Engine> {
        let mut client = ClientConfig::new(&self.sim.base_url(), AGENT_NO, MERCHANT_NO);
        client.timeout = Duration::from_secs(2);
        let client = HipoPayClient::new(client, agent_signer()).unwrap();
        let mut settings = EngineSettings::new(Currency::HKD, "127.0.0.1");
        settings.poll_interval = Duration::from_millis(50);
        settings.books = Self::books(&self.sim);
        settings.clock = Clock::ahead(ahead);
        Arc::new(Engine::new(self.ledger.clone(), client, settings))
    }

    async fn pay(&self, engine: &Arc<Engine>, code: &str) -> cashier_core::ledger::Order {
        let req = PayRequest {
            amount: "12.00".into(),
            currency: None,
            code: code.into(),
            subject: None,
            // The counter stops waiting at once: one check right after the
            // charge, then the order is reconciled like any other.
            wait: Some(Duration::ZERO),
        };
        match engine.pay_scan(&req, StopSignal::new()).await {
            Ok(order) => order,
            Err(_) => self.only_order(),
        }
    }

    fn only_order(&self) -> cashier_core::ledger::Order {
        let orders = self.ledger.orders_needing_attention().unwrap();
        assert_eq!(orders.len(), 1, "{orders:?}");
        orders.into_iter().next().unwrap()
    }

    fn sim_status(&self, merchant_order_no: &str) -> String {
        self.sim
            .orders()
            .into_iter()
            .find(|o| o.merchant_order_no == merchant_order_no)
            .map(|o| o.status)
            .unwrap_or_default()
    }
}

const HOURS: Duration = Duration::from_secs(3600);

/// Never final unless it is what HipoPay says.
fn assert_not_contradicted(till: &Till, order: &cashier_core::ledger::Order) {
    let at_hipopay = till.sim_status(&order.merchant_order_no);
    if at_hipopay == "PAID" {
        assert!(
            matches!(order.status, OrderStatus::Pending | OrderStatus::Paid),
            "{} while HipoPay says PAID: {order:?}",
            order.status.as_str()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxys_html_404_never_fails_a_paid_scan_order() {
    let till = Till::start().await;
    let now = till.engine(Duration::ZERO);
    // HipoPay takes the charge; its answer is lost, and so is the check.
    till.sim
        .add_fault(fault("POST", "/order/scan_pay", Fault::DropAfterCommit, 1));
    till.sim
        .add_fault(fault("GET", "/order", Fault::Status(503), 1));
    let order = till.pay(&now, "134567890123456789").await;
    assert_eq!(order.status, OrderStatus::Pending);
    assert_eq!(till.sim_status(&order.merchant_order_no), "PAID");
    // Hours later, past the wallet's limit, a proxy answers an HTML 404.
    let later = till.engine(2 * HOURS);
    till.sim.add_fault(fault(
        "GET",
        "/order",
        Fault::Page {
            status: 404,
            body: "<html><body><h1>404 Not Found</h1>nginx</body></html>".into(),
            after_commit: false,
        },
        1,
    ));
    later.reconcile(Scope::All).await.unwrap();
    let after = till.ledger.order(order.id).unwrap();
    assert_not_contradicted(&till, &after);
    assert_eq!(after.status, OrderStatus::Pending, "{after:?}");
    // HipoPay answers again: PAID, flagged, as nobody was waiting for it.
    later.reconcile(Scope::All).await.unwrap();
    let after = till.ledger.order(order.id).unwrap();
    assert_eq!(after.status, OrderStatus::Paid);
    assert!(
        after.needs_review,
        "paid after the counter gave up: flagged"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_json_404_closes_only_an_order_hipopay_never_acknowledged_past_the_limit() {
    let till = Till::start().await;
    let now = till.engine(Duration::ZERO);
    // The charge never reached HipoPay (lost on the way in).
    till.sim
        .add_fault(fault("POST", "/order/scan_pay", Fault::DropBeforeCommit, 1));
    let order = till.pay(&now, "134567890123456781").await;
    assert_eq!(order.status, OrderStatus::Pending);
    // Within the wallet's limit, HipoPay's "no such order" proves nothing.
    now.reconcile(Scope::All).await.unwrap();
    assert_eq!(
        till.ledger.order(order.id).unwrap().status,
        OrderStatus::Pending
    );
    // Past it, it is definite: FAILED, nothing was taken.
    till.engine(HOURS).reconcile(Scope::All).await.unwrap();
    let closed = till.ledger.order(order.id).unwrap();
    assert_eq!(
        (closed.status, closed.reason),
        (OrderStatus::Failed, Some(Reason::NeverReceived))
    );
    // An order HipoPay acknowledged (its number came back) is never closed
    // on a later "no such order", however old.
    let acknowledged = till.pay(&now, "134567890123456782").await;
    assert_eq!(acknowledged.status, OrderStatus::Paid);
    let pending = {
        let id = till
            .ledger
            .insert_order(&NewOrder {
                merchant_order_no: "CS-ACK".into(),
                counter: "C1".into(),
                shift_id: acknowledged.shift_id,
                staff_id: acknowledged.staff_id,
                wallet: Wallet::Wechat,
                flow: PaymentFlow::Scan,
                amount: Money::new(100, Currency::HKD),
                subject: "x".into(),
                code_hash: None,
                code_masked: None,
            })
            .unwrap()
            .id;
        till.ledger.record_charge_sent(id).unwrap();
        till.ledger
            .update_order(
                id,
                &cashier_core::ledger::OrderUpdate {
                    payment_no: Some("HIPOPAY-NO".into()),
                    ..Default::default()
                },
                "test",
            )
            .unwrap();
        id
    };
    till.engine(HOURS).reconcile(Scope::All).await.unwrap();
    assert_eq!(
        till.ledger.order(pending).unwrap().status,
        OrderStatus::Pending
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_on_a_charge_is_unclear_and_its_target_hears_nothing() {
    let till = Till::start().await;
    let elsewhere = start_sim(sim_config()).await;
    let now = till.engine(Duration::ZERO);
    till.sim.add_fault(fault(
        "POST",
        "/order/scan_pay",
        Fault::Redirect {
            location: format!("{}/order/scan_pay", elsewhere.base_url()),
            after_commit: true,
        },
        1,
    ));
    till.sim
        .add_fault(fault("GET", "/order", Fault::Status(503), 1));
    let order = till.pay(&now, "134567890123456783").await;
    assert_eq!(order.status, OrderStatus::Pending, "{order:?}");
    assert!(elsewhere.requests().is_empty(), "the redirect was followed");
    now.reconcile(Scope::All).await.unwrap();
    assert_eq!(
        till.ledger.order(order.id).unwrap().status,
        OrderStatus::Paid
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_answer_is_unclear_never_failed() {
    let till = Till::start().await;
    let now = till.engine(Duration::ZERO);
    till.sim.add_fault(fault(
        "POST",
        "/alipay/scan_pay",
        Fault::Page {
            status: 200,
            body: "x".repeat(3 * 1024 * 1024),
            after_commit: true,
        },
        1,
    ));
    till.sim
        .add_fault(fault("GET", "/alipay/order", Fault::Status(503), 1));
    let order = till.pay(&now, "284567890123456784").await;
    assert_eq!(order.status, OrderStatus::Pending);
    assert_eq!(order.reason, Some(Reason::UnreadableAnswer));
    assert!(order
        .error
        .as_deref()
        .unwrap_or_default()
        .contains("larger than"));
    now.reconcile(Scope::All).await.unwrap();
    assert_eq!(
        till.ledger.order(order.id).unwrap().status,
        OrderStatus::Paid
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unlisted_wechat_code_or_a_4xx_after_the_charge_is_asked_about() {
    let till = Till::start().await;
    let now = till.engine(Duration::ZERO);
    till.sim.add_fault(fault(
        "POST",
        "/order/scan_pay",
        Fault::Page {
            status: 555,
            body: r#"{"meta":{"status_code":555,"message":"{\"wx_code\":\"SOMETHING_NEW\",\"wx_message\":\"?\"}","success":false}}"#.into(),
            after_commit: true,
        },
        1,
    ));
    let first = till.pay(&now, "134567890123456785").await;
    assert_not_contradicted(&till, &first);
    assert_eq!(
        till.ledger.order(first.id).unwrap().status,
        OrderStatus::Paid,
        "asked, and it was paid"
    );
    for status in [400, 403, 404] {
        till.sim.add_fault(fault(
            "POST",
            "/order/scan_pay",
            Fault::StatusAfterCommit(status),
            1,
        ));
        let code = format!("1345678901234{status:05}");
        let order = till.pay(&now, &code).await;
        let order = till.ledger.order(order.id).unwrap();
        assert_not_contradicted(&till, &order);
        assert_eq!(order.status, OrderStatus::Paid, "{status}: {order:?}");
    }
    // A documented decline is still a decline at once.
    let declined = till.pay(&now, "134567890123456101").await;
    assert_eq!(
        (declined.status, declined.reason),
        (OrderStatus::Failed, Some(Reason::InsufficientFunds))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_4xx_on_a_refund_resend_leaves_it_unclear() {
    let till = Till::start().await;
    let now = till.engine(Duration::ZERO);
    let order = till.pay(&now, "134567890123456786").await;
    assert_eq!(order.status, OrderStatus::Paid);
    // The first send is lost on the way in: nothing was refunded.
    till.sim
        .add_fault(fault("POST", "/refund", Fault::DropBeforeCommit, 1));
    let refund = now
        .refund(&RefundRequest {
            order: order.id.to_string(),
            amount: Some("2.00".into()),
            reason: None,
            manager_pin: MANAGER_PIN.into(),
        })
        .await
        .unwrap();
    assert_eq!(refund.status, RefundStatus::Pending);
    // Past the quiet time HipoPay's evidence says it never landed: it is sent
    // again, and that send meets a 4xx. Unclear, never FAILED.
    till.sim
        .add_fault(fault("POST", "/refund", Fault::Status(400), 1));
    till.ledger.release_refund_lease(refund.id).unwrap();
    let later = till.engine(Duration::from_secs(600));
    later.reconcile(Scope::All).await.unwrap();
    let after = till.ledger.refund(refund.id).unwrap();
    assert_eq!(after.sent_count, 2, "{after:?}");
    assert_eq!(after.status, RefundStatus::Pending, "{after:?}");
    assert!(after.in_flight(), "its lease is kept after an unclear send");
    assert!(till.sim.refunds().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_qr_checked_while_its_creation_is_in_flight_is_not_closed() {
    let till = Till::start().await;
    let counter = till.engine(Duration::ZERO);
    // HipoPay creates the QR order but its answer takes a while.
    till.sim.add_fault(fault(
        "POST",
        "/alipay/qrcode_pay",
        Fault::Delay(Duration::from_millis(1500)),
        1,
    ));
    let creating = {
        let counter = counter.clone();
        tokio::spawn(async move {
            counter
                .create_qr(&QrRequest {
                    wallet: Wallet::Alipay,
                    amount: "30.00".into(),
                    currency: None,
                    subject: None,
                })
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Another process on the same ledger (its clock past every grace) checks.
    let other = till.engine(Duration::from_secs(600));
    other.reconcile(Scope::All).await.unwrap();
    let seen = till.only_order();
    assert_eq!(seen.status, OrderStatus::Pending, "{seen:?}");
    assert_eq!(seen.reason, Some(Reason::QrNotShown));
    // The QR arrives and can be shown and paid.
    let order = creating.await.unwrap().unwrap();
    assert!(order.qr_payload.is_some());
    till.sim.customer_pays(&order.merchant_order_no).unwrap();
    counter.reconcile(Scope::All).await.unwrap();
    assert_eq!(
        till.ledger.order(order.id).unwrap().status,
        OrderStatus::Paid
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_qr_still_waiting_at_hipopay_after_three_hours_is_not_expired_here() {
    let till = Till::start().await;
    let now = till.engine(Duration::ZERO);
    let order = now
        .create_qr(&QrRequest {
            wallet: Wallet::Wechat,
            amount: "30.00".into(),
            currency: None,
            subject: None,
        })
        .await
        .unwrap();
    till.engine(3 * HOURS).reconcile(Scope::All).await.unwrap();
    let after = till.ledger.order(order.id).unwrap();
    assert_eq!(
        after.status,
        OrderStatus::Pending,
        "only HipoPay expires it: {after:?}"
    );
    assert!(
        after.abandoned,
        "no counter waits three hours: watched as given up"
    );
    // Paid after all: flagged for a manager.
    till.sim.customer_pays(&order.merchant_order_no).unwrap();
    till.engine(3 * HOURS).reconcile(Scope::All).await.unwrap();
    let paid = till.ledger.order(order.id).unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert!(paid.needs_review);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_left_pending_by_a_crash_is_flagged_when_it_turns_paid() {
    let till = Till::start().await;
    let shift = till.ledger.current_shift().unwrap().unwrap();
    // A process charged it and died before waiting (the crash suite kills
    // the real CLI; here the charge is sent by hand).
    let order = till
        .ledger
        .insert_order(&NewOrder {
            merchant_order_no: "CS-CRASHED-1".into(),
            counter: "C1".into(),
            shift_id: shift.id,
            staff_id: shift.staff_id,
            wallet: Wallet::Wechat,
            flow: PaymentFlow::Scan,
            amount: Money::new(4200, Currency::HKD),
            subject: "x".into(),
            code_hash: None,
            code_masked: None,
        })
        .unwrap();
    till.ledger.record_charge_sent(order.id).unwrap();
    let client = HipoPayClient::new(
        ClientConfig::new(&till.sim.base_url(), AGENT_NO, MERCHANT_NO),
        agent_signer(),
    )
    .unwrap();
    let _ = client
        .scan_pay(
            Wallet::Wechat,
            &ChargeRequest {
                merchant_order_no: order.merchant_order_no.clone(),
                amount: order.amount,
                subject: "x".into(),
                ip: "127.0.0.1".into(),
                device_info: "C1".into(),
            },
            "134567890123456103",
        )
        .await;
    // Minutes later the app reconciles: nobody waits for it any more.
    let later = till.engine(Duration::from_secs(300));
    later.reconcile(Scope::All).await.unwrap();
    let watched = till.ledger.order(order.id).unwrap();
    assert_eq!(watched.status, OrderStatus::Pending);
    assert!(watched.abandoned, "{watched:?}");
    till.sim.customer_pays(&order.merchant_order_no).unwrap();
    later.reconcile(Scope::All).await.unwrap();
    let paid = till.ledger.order(order.id).unwrap();
    assert!(
        paid.status == OrderStatus::Paid && paid.needs_review,
        "{paid:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_charge_is_never_sent_for_an_order_settled_meanwhile() {
    let till = Till::start().await;
    let shift = till.ledger.current_shift().unwrap().unwrap();
    let order = till
        .ledger
        .insert_order(&NewOrder {
            merchant_order_no: "CS-PAUSED-1".into(),
            counter: "C1".into(),
            shift_id: shift.id,
            staff_id: shift.staff_id,
            wallet: Wallet::Wechat,
            flow: PaymentFlow::Scan,
            amount: Money::new(100, Currency::HKD),
            subject: "x".into(),
            code_hash: None,
            code_masked: None,
        })
        .unwrap();
    // Another process, 30 s on, closes it as never sent...
    till.engine(Duration::from_secs(60))
        .reconcile(Scope::All)
        .await
        .unwrap();
    assert_eq!(
        till.ledger.order(order.id).unwrap().reason,
        Some(Reason::NotSent)
    );
    // ...and the paused one wakes: its charge may not leave.
    assert!(till.ledger.record_charge_sent(order.id).is_err());
}

/// Once HipoPay has given its own number for an order, the order query
/// sends it (the document's WeChat query marks `order_no` required) beside
/// ours; before, ours alone.
#[tokio::test(flavor = "multi_thread")]
async fn the_order_query_names_hipopays_number_once_known() {
    let till = Till::start().await;
    let now = till.engine(Duration::ZERO);
    // INIT first (the customer confirms), PAID on a later query.
    let order = till.pay(&now, "134567890123456102").await;
    for _ in 0..3 {
        now.reconcile(Scope::All).await.unwrap();
    }
    let order = till.ledger.order(order.id).unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    let payment_no = order.payment_no.clone().unwrap();
    let queries: Vec<_> = till
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == "/order")
        .collect();
    assert!(!queries.is_empty());
    for q in &queries {
        assert_eq!(
            q.params.get("agent_order_id"),
            Some(&order.merchant_order_no)
        );
        assert_eq!(q.params.get("order_no"), Some(&payment_no), "{q:?}");
    }
}
