//! Refunds at any counter: another counter's order by our order number,
//! the refundable amount held across counters by the order's row lock,
//! and the till's own orders still refundable when the server is away.

use super::{push, refund, s, server, till};

const WECHAT: &str = "134567890123456000";

#[tokio::test(flavor = "multi_thread")]
async fn a_refund_at_c2_of_a_sale_at_c1() {
    let pg = server();
    let c1 = till(&pg, "C1", None).await;
    push(&c1).await;
    let c2 = till(&pg, "C2", Some(&c1)).await;
    let sale = c1.pay("40.00", WECHAT, &[]).await.json();
    let no = s(&sale, "merchant_order_no");
    push(&c1).await;

    let r = refund(&c2, &no, "15").await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let made = r.json();
    assert_eq!(s(&made, "status"), "SUCCESS");
    let at_hipopay = c1.sim.refunds();
    assert_eq!(at_hipopay.len(), 1);
    assert_eq!(at_hipopay[0].merchant_order_no, no);
    // In the central books: C2's refund of C1's order.
    push(&c2).await;
    let rows = super::central_rows(
        &pg,
        "SELECT counter || ' ' || order_counter || ' ' || order_no || ' ' || amount_minor || ' ' || status FROM refunds",
    );
    assert_eq!(rows, [format!("C2 C1 {no} 1500 SUCCESS")]);
    // C2's own books: the refund, not the sale.
    let orders = c2.cli(&["orders", "--json"], &[]).await.json();
    assert!(
        orders["orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["merchant_order_no"] != no.as_str()),
        "C1's sale is not listed at C2: {orders}"
    );
    let report = c2.cli(&["shift", "report", "--json"], &[]).await.json();
    let totals = &report["by_wallet"][0];
    assert_eq!(
        (s(totals, "paid"), s(totals, "refunded")),
        ("0.00".into(), "15.00".into()),
        "{report}"
    );
    // The rest can be refunded at C1, not a cent more.
    refused_past_what_is_left(&c1, &no, "25.01", "25.00").await;
    let rest = refund(&c1, &no, "25").await;
    assert_eq!(rest.code, 0, "{}", rest.stderr);
    assert_eq!(
        c1.sim.refunds().iter().map(|r| r.amount_minor).sum::<i64>(),
        4000
    );
}

/// Two managers at two counters refund 30.00 of one 40.00 order at the
/// same moment: the order's row lock lets one through; the other is told
/// what is left. HipoPay refunds 30.00, once.
#[tokio::test(flavor = "multi_thread")]
async fn two_counters_refunding_one_order_at_once_never_pass_what_was_paid() {
    let pg = server();
    let c1 = till(&pg, "C1", None).await;
    push(&c1).await;
    let c2 = till(&pg, "C2", Some(&c1)).await;
    for round in 0..3 {
        let code = format!("13456789012345{round}000");
        let no = s(
            &c1.pay("40.00", &code, &[]).await.json(),
            "merchant_order_no",
        );
        push(&c1).await;
        // The order's row held locked (as a third refund would) while both
        // start, so both wait for it at the same moment; then let go.
        let holder = super::owner_connection(&pg).await;
        let watcher = super::owner_connection(&pg).await;
        holder.batch_execute("BEGIN").await.unwrap();
        holder
            .execute(
                "SELECT 1 FROM orders WHERE merchant_order_no = $1 FOR UPDATE",
                &[&no],
            )
            .await
            .unwrap();
        let both = async { tokio::join!(refund(&c1, &no, "30"), refund(&c2, &no, "30")) };
        let release = async {
            // Until both refunds wait on the order's row lock (watched from
            // another session: a transaction sees one snapshot of the stats).
            let mut waited = false;
            for _ in 0..600 {
                let waiting: i64 = watcher
                    .query_one(
                        "SELECT count(*) FROM pg_stat_activity
                         WHERE wait_event_type = 'Lock' AND application_name = 'cashier'",
                        &[],
                    )
                    .await
                    .unwrap()
                    .get(0);
                if waiting == 2 {
                    waited = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            holder.batch_execute("COMMIT").await.unwrap();
            waited
        };
        let ((a, b), waited) = tokio::join!(both, release);
        assert!(waited, "both refunds waited for the order's row lock");
        let codes = [a.code, b.code];
        assert!(
            codes.contains(&0) && codes.contains(&1),
            "one refund goes through, one is refused: {} {} / {} {}",
            a.stdout,
            a.stderr,
            b.stdout,
            b.stderr
        );
        let refused = if a.code == 1 { a } else { b };
        assert!(
            s(&refused.json(), "error").contains("refundable 10.00"),
            "{}",
            refused.stdout
        );
        let refunded: i64 = c1
            .sim
            .refunds()
            .iter()
            .filter(|r| r.merchant_order_no == no)
            .map(|r| r.amount_minor)
            .sum();
        assert_eq!(refunded, 3000, "round {round}");
    }
}

/// The server away: another counter's order cannot be refunded (a clear
/// error, nothing sent); the till's own still can, as a till alone does,
/// and its refund reaches the central books once the server is back.
#[tokio::test(flavor = "multi_thread")]
async fn with_the_server_away_only_the_tills_own_orders_are_refunded() {
    let pg = server();
    let c1 = till(&pg, "C1", None).await;
    push(&c1).await;
    let c2 = till(&pg, "C2", Some(&c1)).await;
    let no = s(
        &c1.pay("40.00", WECHAT, &[]).await.json(),
        "merchant_order_no",
    );
    push(&c1).await;
    pg.stop();

    let r = refund(&c2, &no, "10").await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    let e = r.json();
    assert_eq!(e["kind"], "central", "{e}");
    assert!(s(&e, "error").contains("another counter's"), "{e}");
    assert!(c1.sim.refunds().is_empty(), "nothing was sent");

    let own = refund(&c1, &no, "10").await;
    assert_eq!(own.code, 0, "{} {}", own.stdout, own.stderr);
    let away = c1.cli(&["books", "push", "--json"], &[]).await;
    assert_eq!(away.code, 3, "{}", away.stdout);
    pg.start_again();
    push(&c1).await;
    let rows = super::central_rows(&pg, "SELECT counter || ' ' || amount_minor FROM refunds");
    assert_eq!(rows, ["C1 1000"]);
    // C2 now refunds the rest, counting C1's refund made offline.
    let over = refund(&c2, &no, "30.01").await;
    assert_eq!(over.code, 1, "{}", over.stdout);
    assert_eq!(refund(&c2, &no, "30").await.code, 0);
}

/// As a shop runs it, each counter on its own database role (row-level
/// security on): C2's manager refunds C1's sale, the order's lock and the
/// refundable amount still hold, and C2's refund lands in the books.
#[tokio::test(flavor = "multi_thread")]
async fn counters_on_their_own_roles_refund_each_others_orders() {
    use crate::common::Counter;
    let (pg, c1) = super::c1_on_its_own_role().await;
    push(&c1).await;
    let sale = c1.pay("40.00", WECHAT, &[]).await.json();
    let no = s(&sale, "merchant_order_no");
    push(&c1).await;

    let c2 = Counter::beside(&c1);
    c2.name("C2");
    c2.join_central(&pg.url("till_c2", "cashier"), "c2-pw");
    push(&c2).await;
    super::bo_opens_a_shift(&c2).await;

    let r = refund(&c2, &no, "15").await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(s(&r.json(), "status"), "SUCCESS");
    push(&c2).await;
    let rows = super::central_rows(
        &pg,
        "SELECT counter || ' ' || order_counter || ' ' || order_no || ' ' || amount_minor || ' ' || status FROM refunds",
    );
    assert_eq!(rows, [format!("C2 C1 {no} 1500 SUCCESS")]);
    // C1's order row is still C1's, untouched by C2's role.
    assert_eq!(
        super::central_rows(&pg, "SELECT counter || ' ' || status FROM orders"),
        ["C1 PAID"]
    );
    refused_past_what_is_left(&c1, &no, "25.01", "25.00").await;
}

/// A refund of `amount` of order `no` at `c` is refused, saying only
/// `left` can still be refunded.
async fn refused_past_what_is_left(c: &crate::common::Counter, no: &str, amount: &str, left: &str) {
    let over = refund(c, no, amount).await;
    assert_eq!(over.code, 1, "{}", over.stdout);
    let error = s(&over.json(), "error");
    assert!(error.contains(&format!("refundable {left}")), "{error}");
}
