//! What the customer-facing screen shows, derived from the counter's own
//! state: the amount the cashier is entering, then the payment started at
//! this counter (its QR code to scan, "confirm on your phone"), then its
//! outcome. Only a payment started here is ever shown: an old order that
//! reconciliation settles in the background never reaches the customer.

use crate::error::CashierError;
use crate::ledger::{Order, OrderStatus, PaymentFlow};
use crate::money::{format_minor, parse_minor, Currency};
use crate::wallet::Wallet;
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The payment on screen: which wallet, how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Payment {
    pub order_id: i64,
    pub wallet: Wallet,
    /// A decimal string in the currency's units ("12.50", "1200" for JPY).
    pub amount: String,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CustomerView {
    /// Nothing to pay yet.
    Welcome,
    /// The cashier is entering the amount: the customer checks it.
    Amount {
        amount: String,
        currency: Currency,
    },
    /// A QR payment is being created at HipoPay.
    Preparing(Payment),
    /// The QR code for the customer to scan with the wallet.
    Qr {
        #[serde(flatten)]
        payment: Payment,
        /// `data:image/png;base64,...`
        png: String,
    },
    /// The charge went out: the customer may have to confirm on the phone.
    Confirming(Payment),
    Paid(Payment),
    /// Declined, cancelled or expired.
    NotPaid(Payment),
    /// The cashier stopped waiting before a final answer: the app keeps
    /// checking; the customer asks the cashier rather than paying again.
    Checking(Payment),
}

/// An outcome (paid, not paid, checking) is for the customer who paid: after
/// this long the screen welcomes the next one (the window fades it itself;
/// this keeps a reopened window or a language change from showing it again).
pub const OUTCOME_SHOWN_FOR: Duration = Duration::from_secs(30);

/// What is on screen, the payment it follows, and since when.
#[derive(Debug)]
struct Shown {
    view: CustomerView,
    order_id: Option<i64>,
    since: Instant,
}

/// The view on the customer's screen and the payment it follows.
#[derive(Debug)]
pub struct CustomerViewState {
    shown: Mutex<Shown>,
    outcome_for: Duration,
}

impl Default for CustomerViewState {
    fn default() -> Self {
        CustomerViewState {
            shown: Mutex::new(Shown {
                view: CustomerView::Welcome,
                order_id: None,
                since: Instant::now(),
            }),
            outcome_for: OUTCOME_SHOWN_FOR,
        }
    }
}

impl CustomerViewState {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn view(&self) -> CustomerView {
        let mut shown = self.lock();
        self.fade_old_outcome(&mut shown);
        shown.view.clone()
    }

    /// An outcome shown long enough gives way to the welcome, and the screen
    /// stops following that payment: a late change to it is not for the
    /// customer now at the counter.
    fn fade_old_outcome(&self, shown: &mut Shown) {
        if is_outcome(&shown.view) && shown.since.elapsed() >= self.outcome_for {
            replace(shown, CustomerView::Welcome, None);
        }
    }

    /// The amount the cashier has typed so far (empty or zero: nothing yet).
    /// Ignored while a payment is under way, so the customer's QR code never
    /// vanishes under a stray key. Returns the new view if it changed.
    pub fn show_amount(
        &self,
        amount: &str,
        currency: Currency,
    ) -> Result<Option<CustomerView>, CashierError> {
        let text = amount.trim();
        let minor = if text.is_empty() {
            0
        } else {
            parse_minor(text, currency)?
        };
        if minor < 0 {
            return Err(CashierError::Input("an amount cannot be negative".into()));
        }
        let mut shown = self.lock();
        // A payment on screen stays until the next sale starts: the counter
        // clears its keypad the moment a payment ends, and the customer
        // still reads "paid" (the customer window fades it out itself).
        if shown.order_id.is_some() && (minor == 0 || under_way(&shown.view)) {
            return Ok(None);
        }
        let view = if minor == 0 {
            CustomerView::Welcome
        } else {
            CustomerView::Amount {
                amount: format_minor(minor, currency),
                currency,
            }
        };
        Ok(replace(&mut shown, view, None))
    }

    /// A payment was started at this counter: from now on the screen follows it.
    pub fn payment_started(&self, order: &Order) -> Option<CustomerView> {
        let view = view_of(order);
        replace(&mut self.lock(), view, Some(order.id))
    }

    /// Any order changed; only the one on screen moves the screen.
    pub fn order_changed(&self, order: &Order) -> Option<CustomerView> {
        let mut shown = self.lock();
        self.fade_old_outcome(&mut shown);
        if shown.order_id != Some(order.id) {
            return None;
        }
        let view = view_of(order);
        replace(&mut shown, view, Some(order.id))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shown> {
        self.shown.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn replace(shown: &mut Shown, view: CustomerView, order_id: Option<i64>) -> Option<CustomerView> {
    shown.order_id = order_id;
    if shown.view == view {
        return None;
    }
    shown.view = view.clone();
    shown.since = Instant::now();
    Some(view)
}

fn is_outcome(view: &CustomerView) -> bool {
    matches!(
        view,
        CustomerView::Paid(_) | CustomerView::NotPaid(_) | CustomerView::Checking(_)
    )
}

fn under_way(view: &CustomerView) -> bool {
    matches!(
        view,
        CustomerView::Preparing(_) | CustomerView::Qr { .. } | CustomerView::Confirming(_)
    )
}

fn view_of(order: &Order) -> CustomerView {
    let payment = Payment {
        order_id: order.id,
        wallet: order.wallet,
        amount: order.amount.to_decimal_string(),
        currency: order.amount.currency,
    };
    match order.status {
        OrderStatus::Paid => CustomerView::Paid(payment),
        OrderStatus::Failed | OrderStatus::Expired => CustomerView::NotPaid(payment),
        OrderStatus::Pending if order.abandoned => CustomerView::Checking(payment),
        OrderStatus::Pending => match (order.flow, qr_png(order)) {
            (PaymentFlow::Qr, Some(png)) => CustomerView::Qr { payment, png },
            (PaymentFlow::Qr, None) => CustomerView::Preparing(payment),
            (PaymentFlow::Scan, _) => CustomerView::Confirming(payment),
        },
    }
}

/// The order's QR code as a data URL, large enough for a customer screen.
fn qr_png(order: &Order) -> Option<String> {
    use base64::Engine as _;
    let payload = order.qr_payload.as_deref()?;
    let png = crate::qr::png(payload, 480).ok()?;
    Some(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Ledger, NewOrder, OrderUpdate, Role};
    use crate::money::Money;

    fn ledger_with_shift() -> (Ledger, i64, i64) {
        let ledger = Ledger::open_in_memory().expect("ledger");
        let staff = ledger
            .add_staff("Mei", Role::Manager, "246802", None)
            .expect("staff");
        let shift = ledger.open_shift(staff.id).expect("shift");
        (ledger, shift.id, staff.id)
    }

    fn new_order(ledger: &Ledger, shift: i64, staff: i64, flow: PaymentFlow, no: &str) -> Order {
        ledger
            .insert_order(&NewOrder {
                merchant_order_no: no.into(),
                counter: "C1".into(),
                shift_id: shift,
                staff_id: staff,
                wallet: Wallet::Alipay,
                flow,
                amount: Money::new(1880, Currency::HKD),
                subject: "Counter payment".into(),
                code_hash: None,
                code_masked: None,
            })
            .expect("order")
    }

    fn update(ledger: &Ledger, id: i64, change: OrderUpdate) -> Order {
        ledger.update_order(id, &change, "test").expect("update").0
    }

    fn paid() -> OrderUpdate {
        OrderUpdate {
            status: Some(OrderStatus::Paid),
            ..OrderUpdate::default()
        }
    }

    #[test]
    fn an_outcome_is_for_the_customer_who_paid() {
        let (ledger, shift, staff) = ledger_with_shift();
        let d = CustomerViewState {
            outcome_for: Duration::from_millis(20),
            ..CustomerViewState::new()
        };
        let order = new_order(&ledger, shift, staff, PaymentFlow::Scan, "CS-FADE");
        d.payment_started(&order);
        let paid = update(&ledger, order.id, paid());
        assert!(matches!(
            d.order_changed(&paid),
            Some(CustomerView::Paid(_))
        ));
        assert!(matches!(d.view(), CustomerView::Paid(_)));
        std::thread::sleep(Duration::from_millis(40));
        // A late change to that payment is not for the next customer.
        assert_eq!(d.order_changed(&paid), None);
        assert_eq!(
            d.view(),
            CustomerView::Welcome,
            "the next customer is welcomed"
        );
    }

    #[test]
    fn the_amount_typed_is_shown_in_the_currency_format() {
        let d = CustomerViewState::new();
        assert_eq!(
            d.show_amount("12.5", Currency::HKD).expect("ok"),
            Some(CustomerView::Amount {
                amount: "12.50".into(),
                currency: Currency::HKD
            })
        );
        assert_eq!(d.show_amount("12.50", Currency::HKD).expect("ok"), None);
        assert_eq!(
            d.show_amount("", Currency::HKD).expect("ok"),
            Some(CustomerView::Welcome)
        );
        assert_eq!(
            d.show_amount("1200", Currency::JPY).expect("ok"),
            Some(CustomerView::Amount {
                amount: "1200".into(),
                currency: Currency::JPY
            })
        );
        assert!(d.show_amount("12.345", Currency::HKD).is_err());
        assert!(d.show_amount("-3", Currency::HKD).is_err());
        assert!(d.show_amount("abc", Currency::HKD).is_err());
        assert_eq!(
            d.view(),
            CustomerView::Amount {
                amount: "1200".into(),
                currency: Currency::JPY
            },
            "a refused amount leaves the screen as it was"
        );
    }

    #[test]
    fn a_qr_payment_is_followed_to_its_outcome() {
        let (ledger, shift, staff) = ledger_with_shift();
        let d = CustomerViewState::new();
        let order = new_order(&ledger, shift, staff, PaymentFlow::Qr, "CS1");
        assert!(matches!(
            d.payment_started(&order),
            Some(CustomerView::Preparing(_))
        ));
        let with_qr = update(
            &ledger,
            order.id,
            OrderUpdate {
                qr_payload: Some("https://qr.alipay.com/bax0001".into()),
                ..OrderUpdate::default()
            },
        );
        let Some(CustomerView::Qr { payment, png }) = d.order_changed(&with_qr) else {
            panic!("the QR is shown: {:?}", d.view());
        };
        assert_eq!(
            (payment.amount.as_str(), payment.currency),
            ("18.80", Currency::HKD)
        );
        assert!(png.starts_with("data:image/png;base64,"));

        // A stray key on the keypad does not take the QR away.
        assert_eq!(d.show_amount("5", Currency::HKD).expect("ok"), None);
        assert!(matches!(d.view(), CustomerView::Qr { .. }));

        let paid = update(&ledger, order.id, paid());
        assert!(matches!(
            d.order_changed(&paid),
            Some(CustomerView::Paid(_))
        ));
        // The counter clears its keypad at once; the customer still sees "paid".
        assert_eq!(d.show_amount("", Currency::HKD).expect("ok"), None);
        assert!(matches!(d.view(), CustomerView::Paid(_)));
        // The next sale starts from the keypad again.
        assert!(matches!(
            d.show_amount("7", Currency::HKD).expect("ok"),
            Some(CustomerView::Amount { .. })
        ));
    }

    #[test]
    fn only_the_payment_started_here_moves_the_screen() {
        let (ledger, shift, staff) = ledger_with_shift();
        let d = CustomerViewState::new();
        let old = new_order(&ledger, shift, staff, PaymentFlow::Scan, "CS-OLD");
        let current = new_order(&ledger, shift, staff, PaymentFlow::Scan, "CS-NOW");
        assert!(matches!(
            d.payment_started(&current),
            Some(CustomerView::Confirming(_))
        ));
        let settled_in_background = update(&ledger, old.id, paid());
        assert_eq!(d.order_changed(&settled_in_background), None);
        assert!(matches!(d.view(), CustomerView::Confirming(p) if p.order_id == current.id));

        let abandoned = ledger.mark_abandoned(current.id).expect("abandon");
        assert!(matches!(
            d.order_changed(&abandoned),
            Some(CustomerView::Checking(_))
        ));
    }
}
