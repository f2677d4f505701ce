//! Refunds from the command line: full and partial, a manager's PIN, and
//! refunds whose answers were lost, finished as the same refund or left to
//! a manager, never sent twice.

use crate::common;
use crate::common::{Counter, CASHIER_PIN, MANAGER_PIN};
use crate::{s, WECHAT_OK};
use serde_json::Value;

/// Past the five minutes in which a refund's late answer could still land.
const TEN_MINUTES: std::time::Duration = std::time::Duration::from_secs(600);

#[tokio::test(flavor = "multi_thread")]
async fn refunds_full_partial_over_and_wrong_pin() {
    let c = Counter::start().await;
    c.open_shift().await;
    let paid = c.pay("100.00", WECHAT_OK, &[]).await.json();
    let id = paid["id"].to_string();
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];
    let before = c.money_requests();
    // A wrong PIN (the cashier's own) is refused and nothing is sent.
    let r = c
        .cli(
            &["refund", &id, "--amount", "10", "--json"],
            &[("CASHIER_MANAGER_PIN", CASHIER_PIN)],
        )
        .await;
    assert_eq!(r.code, 1);
    assert!(r.json()["error"].as_str().unwrap().contains("wrong PIN"));
    // No PIN and no terminal: refused, nothing sent.
    let r = c.cli(&["refund", &id, "--amount", "10"], &[]).await;
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("CASHIER_MANAGER_PIN"), "{}", r.stderr);
    assert_eq!(c.money_requests(), before);
    // Partial.
    let r = c
        .cli(
            &[
                "refund",
                &id,
                "--amount",
                "30.50",
                "--reason",
                "one cup returned",
                "--json",
            ],
            &manager,
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let refund = r.json();
    assert_eq!(
        (s(&refund, "status"), s(&refund, "amount")),
        ("SUCCESS".into(), "30.50".into())
    );
    assert_eq!(s(&refund, "approved_by"), "Mei");
    assert!(!s(&refund, "refund_no").is_empty());
    // Over-refund: refused before sending.
    let before = c.money_requests();
    let r = c
        .cli(&["refund", &id, "--amount", "69.51", "--json"], &manager)
        .await;
    assert_eq!(r.code, 1);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("refundable 69.50"));
    assert_eq!(c.money_requests(), before);
    // Full: the rest.
    let r = c.cli(&["refund", &id, "--json"], &manager).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s(&r.json(), "amount"), "69.50");
    let order = c.cli(&["order", &id, "--json"], &[]).await.json();
    assert_eq!(
        (s(&order, "refunded"), s(&order, "refundable")),
        ("100.00".into(), "0.00".into())
    );
    assert_eq!(order["refunds"].as_array().unwrap().len(), 2);
    let sim_refunds = c.sim.refunds();
    assert_eq!(
        sim_refunds.iter().map(|r| r.amount_minor).sum::<i64>(),
        10000
    );
    // Nothing left.
    let r = c.cli(&["refund", &id], &manager).await;
    assert_eq!(r.code, 1);
    assert_eq!(c.sim.refunds().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn unclear_refunds_are_finished_as_the_same_refund() {
    use hipopay_sim::Fault;
    let c = Counter::start().await;
    c.open_shift().await;
    let first = c.pay("40.00", WECHAT_OK, &[]).await.json();
    let second = c.pay("30.00", "284567890123456001", &[]).await.json();
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];

    // The refund is made but its answer is lost: recovered by asking.
    c.sim
        .add_fault(common::fault("POST", "/refund", Fault::DropAfterCommit, 1));
    let r = c
        .cli(
            &[
                "refund",
                &first["id"].to_string(),
                "--amount",
                "15",
                "--json",
            ],
            &manager,
        )
        .await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(s(&r.json(), "status"), "SUCCESS");
    assert_eq!(c.sim.refunds().len(), 1);

    // HipoPay never received it (503, nothing recorded): PENDING. Nothing is
    // concluded while a late answer could still show it; past that, HipoPay
    // neither knows it nor shows it in the order's refundable amount, so
    // reconcile sends it again under the same outer_refund_no.
    c.sim.add_fault(common::fault(
        "POST",
        "/alipay/refund",
        Fault::Status(503),
        1,
    ));
    let r = c
        .cli(&["refund", &second["id"].to_string(), "--json"], &manager)
        .await;
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    let pending = r.json();
    assert_eq!(s(&pending, "status"), "PENDING");
    assert_eq!(c.sim.refunds().len(), 1);
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.code, 3, "still unclear: {} {}", r.stdout, r.stderr);
    assert_eq!(
        r.json()["still_pending_refunds"],
        1,
        "too soon: {}",
        r.stdout
    );
    assert_eq!(c.sim.refunds().len(), 1);
    c.time_passes(TEN_MINUTES);
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let refunds = c.sim.refunds();
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[1].outer_refund_no, s(&pending, "outer_refund_no"));
    assert_eq!(refunds[1].amount_minor, 3000);
    // Reconciling again changes nothing and refunds nothing twice.
    assert_eq!(c.cli(&["reconcile"], &[]).await.code, 0);
    assert_eq!(c.sim.refunds().len(), 2);
    let order = c
        .cli(&["order", &second["id"].to_string(), "--json"], &[])
        .await
        .json();
    assert_eq!(
        (s(&order, "refunded"), s(&order, "refundable")),
        ("30.00".into(), "0.00".into())
    );
}

/// A refund whose answer was lost, and which HipoPay cannot find by our
/// refund number afterwards: sent again only if the order's refundable
/// amount shows it is not there; settled as SUCCESS if it shows it went
/// through. Never refunded twice.
#[tokio::test(flavor = "multi_thread")]
async fn a_refund_hipopay_cannot_find_is_settled_by_the_refundable_amount() {
    use hipopay_sim::Fault;
    let c = Counter::start().await;
    c.open_shift().await;
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];
    for (code, lost) in [
        ("134567890123456301", Fault::DropAfterCommit),
        ("134567890123456302", Fault::DropBeforeCommit),
    ] {
        let before = c.sim.refunds().len();
        let order = c.pay("40.00", code, &[]).await.json();
        let landed = lost == Fault::DropAfterCommit;
        c.sim.add_fault(common::fault("POST", "/refund", lost, 1));
        // Asked by our refund number, HipoPay says "not found" (twice: the
        // refund's own check, then reconcile's).
        c.sim
            .add_fault(common::fault("GET", "/refund", Fault::Status(404), 2));
        let r = c
            .cli(
                &[
                    "refund",
                    &order["id"].to_string(),
                    "--amount",
                    "15",
                    "--json",
                ],
                &manager,
            )
            .await;
        assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
        let refund_id = r.json()["id"].to_string();
        let outer = s(&r.json(), "outer_refund_no");
        let sends = || {
            c.sim
                .requests()
                .iter()
                .filter(|q| {
                    q.method == "POST"
                        && q.path == "/refund"
                        && q.params.get("outer_refund_no") == Some(&outer)
                })
                .count()
        };
        assert_eq!(c.sim.refunds().len(), before + usize::from(landed));
        c.time_passes(TEN_MINUTES);
        let r = c.cli(&["reconcile", "--json"], &[]).await;
        assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
        assert_eq!(
            c.sim.refunds().len(),
            before + 1,
            "exactly one refund at HipoPay (landed first time: {landed})"
        );
        // Sent again only when it had not landed.
        assert_eq!(sends(), if landed { 1 } else { 2 }, "landed: {landed}");
        let order = c
            .cli(&["order", &order["id"].to_string(), "--json"], &[])
            .await
            .json();
        assert_eq!(s(&order, "refunded"), "15.00", "{order}");
        let refund = &order["refunds"][0];
        assert_eq!(refund["id"].to_string(), refund_id);
        assert_eq!(s(refund, "status"), "SUCCESS");
    }
}

/// Sends of one refund that reached the sandbox's door.
fn refund_posts(c: &Counter, outer: &str) -> usize {
    c.sim
        .requests()
        .iter()
        .filter(|q| {
            q.method == "POST"
                && q.path == "/refund"
                && q.params.get("outer_refund_no").map(String::as_str) == Some(outer)
        })
        .count()
}

/// Two partial refunds of one order, both answers lost, and HipoPay unable
/// to find either by its number afterwards.
struct TwoLostRefunds {
    c: Counter,
    order_id: String,
    merchant_order_no: String,
    refunds: Vec<Value>,
}

async fn two_lost_refunds(first: hipopay_sim::Fault, second: hipopay_sim::Fault) -> TwoLostRefunds {
    use hipopay_sim::Fault;
    let c = Counter::start().await;
    c.open_shift().await;
    let order = c.pay("40.00", "134567890123456401", &[]).await.json();
    let order_id = order["id"].to_string();
    c.sim
        .add_fault(common::fault("GET", "/refund", Fault::Status(404), 100));
    let mut refunds = vec![];
    for lost in [first, second] {
        c.sim.add_fault(common::fault("POST", "/refund", lost, 1));
        let r = c
            .cli(
                &["refund", &order_id, "--amount", "10", "--json"],
                &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
            )
            .await;
        assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
        refunds.push(r.json());
    }
    TwoLostRefunds {
        merchant_order_no: s(&order, "merchant_order_no"),
        c,
        order_id,
        refunds,
    }
}

impl TwoLostRefunds {
    fn sends(&self, i: usize) -> usize {
        refund_posts(&self.c, &s(&self.refunds[i], "outer_refund_no"))
    }

    async fn order(&self) -> Value {
        self.c
            .cli(&["order", &self.order_id, "--json"], &[])
            .await
            .json()
    }

    fn refunded_at_hipopay(&self) -> i64 {
        self.c
            .sim
            .orders()
            .into_iter()
            .find(|o| o.merchant_order_no == self.merchant_order_no)
            .unwrap()
            .refunded_minor
    }
}

/// Both landed: HipoPay's refundable amount (20.00 of 40.00) shows it, so
/// both are SUCCESS and neither is sent again. Neither landed: the amount is
/// untouched, so each is sent again under its own number and lands once.
#[tokio::test(flavor = "multi_thread")]
async fn two_lost_refunds_settle_by_the_refundable_amount() {
    use hipopay_sim::Fault;
    for (lost, sends) in [(Fault::DropAfterCommit, 1), (Fault::DropBeforeCommit, 2)] {
        let t = two_lost_refunds(lost.clone(), lost.clone()).await;
        t.c.time_passes(TEN_MINUTES);
        let r = t.c.cli(&["reconcile", "--json"], &[]).await;
        assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
        assert_eq!((t.sends(0), t.sends(1)), (sends, sends), "{lost:?}");
        let order = t.order().await;
        assert_eq!(s(&order, "refunded"), "20.00", "{lost:?}: {order}");
        assert_eq!(t.refunded_at_hipopay(), 2000, "{lost:?}");
    }
}

/// One landed and one did not, and the refundable amount cannot say which:
/// nothing is sent again. A manager settles one after checking HipoPay's
/// back office (not before reconcile handed it over, which it does only
/// once a late answer could no longer land; not with a wrong PIN); the next
/// pass then sends the other. The order is never refunded more than the 20.00 asked.
#[tokio::test(flavor = "multi_thread")]
async fn two_unclear_refunds_wait_for_a_manager_then_finish() {
    use hipopay_sim::Fault;
    let t = two_lost_refunds(Fault::DropAfterCommit, Fault::DropBeforeCommit).await;
    let c = &t.c;
    let first = t.refunds[0]["id"].to_string();
    let settle = |pin: &'static str| {
        let first = first.clone();
        async move {
            c.cli(
                &[
                    "refund-settle",
                    &first,
                    "--outcome",
                    "refunded",
                    "--note",
                    "seen in back office",
                    "--json",
                ],
                &[("CASHIER_MANAGER_PIN", pin)],
            )
            .await
        }
    };
    // Right after a send its lease holds it; a minute later it is still
    // reconcile's to settle, not a manager's.
    let busy = settle(MANAGER_PIN).await;
    assert!(
        s(&busy.json(), "error").contains("being sent or checked right now"),
        "{}",
        busy.stdout
    );
    c.time_passes(std::time::Duration::from_secs(60));
    let refused = settle(MANAGER_PIN).await;
    assert_eq!(refused.code, 1);
    assert!(
        s(&refused.json(), "error").contains("still being settled"),
        "{}",
        refused.stdout
    );

    // Minutes after the sends nothing is concluded, and nobody is asked yet.
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.json()["still_pending_refunds"], 2, "{}", r.stdout);
    assert_eq!(t.order().await["refunds"][0]["needs_manager"], false);
    c.time_passes(TEN_MINUTES);
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.json()["still_pending_refunds"], 2, "{}", r.stdout);
    assert_eq!(
        (t.sends(0), t.sends(1)),
        (1, 1),
        "nothing sent again on a guess"
    );
    let order = t.order().await;
    assert_eq!(order["refunds"][0]["needs_manager"], true, "{order}");
    assert!(s(&order["refunds"][0], "error").contains("a manager checks"));

    let wrong = settle("0000").await;
    assert_eq!(
        (wrong.code, wrong.json()["kind"].as_str()),
        (1, Some("auth"))
    );
    let r = settle(MANAGER_PIN).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(s(&r.json(), "status"), "SUCCESS");
    let audit = cashier_core::ledger::Ledger::open(&c.db)
        .unwrap()
        .audit_entries()
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|(action, _, detail)| action == "refund_settled"
                && detail.contains("seen in back office")),
        "{audit:?}"
    );

    // Now the books say the first landed: the second is safely sent again.
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!((t.sends(0), t.sends(1)), (1, 2));
    let order = t.order().await;
    assert_eq!(
        (s(&order, "refunded"), s(&order, "refundable")),
        ("20.00".into(), "20.00".into()),
        "{order}"
    );
    assert_eq!(
        t.refunded_at_hipopay(),
        2000,
        "refunded 20.00 at HipoPay, not more"
    );
}
