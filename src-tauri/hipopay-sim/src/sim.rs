//! The shared core behind the server and the library handle: config, books,
//! pending faults and the request log, each behind its own std `Mutex`
//! (held only for short synchronous sections, never across `.await`).

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use crate::chaos::{Chaos, ChaosState};
use crate::fault::{Fault, FaultList, FaultRule};
use crate::proto::Reply;
use crate::state::{RequestRecord, State, INIT, PAID};
use crate::{SimConfig, SimError};

pub(crate) struct Sim {
    pub config: SimConfig,
    state: Mutex<State>,
    faults: Mutex<FaultList>,
    chaos: Mutex<Option<ChaosState>>,
    requests: Mutex<Vec<RequestRecord>>,
    /// Charge requests seen per merchant order number, rejected ones included.
    charges: Mutex<HashMap<String, usize>>,
    statement_edits: Mutex<Vec<crate::StatementEdit>>,
}

/// A panic in one request must not wedge the whole sim, so poisoning is ignored:
/// every critical section leaves the data consistent before it can panic.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Sim {
    pub fn new(config: SimConfig) -> Result<Sim, SimError> {
        let state = match &config.state_file {
            Some(path) => State::load(path)?,
            None => State::default(),
        };
        Ok(Sim {
            config,
            state: Mutex::new(state),
            faults: Mutex::new(FaultList::default()),
            chaos: Mutex::new(None),
            requests: Mutex::new(Vec::new()),
            charges: Mutex::new(HashMap::new()),
            statement_edits: Mutex::new(Vec::new()),
        })
    }

    /// Run `f` on the books with lazy time-driven changes applied first, then
    /// save if anything changed. Returns `f`'s result and the save outcome.
    pub fn with_state<R>(
        &self,
        f: impl FnOnce(&mut State, DateTime<Utc>) -> R,
    ) -> (R, io::Result<()>) {
        let now = Utc::now();
        let mut st = lock(&self.state);
        st.settle(&self.config, now);
        let out = f(&mut st, now);
        let saved = if st.dirty {
            st.dirty = false;
            match &self.config.state_file {
                Some(path) => st.save(path),
                None => Ok(()),
            }
        } else {
            Ok(())
        };
        (out, saved)
    }

    /// `with_state` for handlers: a failed save becomes a 500 (the change is
    /// in memory but not durable, which is an unknown outcome for the client).
    pub fn transact<R>(
        &self,
        f: impl FnOnce(&mut State, DateTime<Utc>) -> Result<R, Reply>,
    ) -> Result<R, Reply> {
        let (out, saved) = self.with_state(f);
        if let Err(e) = saved {
            return Err(Reply::error(
                500,
                format!("sim could not save its state: {e}"),
            ));
        }
        out
    }

    pub fn add_fault(&self, rule: FaultRule) {
        lock(&self.faults).add(rule);
    }

    /// An explicit rule first; otherwise chaos, when it is on.
    pub fn take_fault(&self, method: &str, path: &str) -> Option<Fault> {
        lock(&self.faults)
            .take(method, path)
            .or_else(|| lock(&self.chaos).as_mut().and_then(ChaosState::pick))
    }

    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        *lock(&self.chaos) = chaos.map(ChaosState::new);
    }

    pub fn chaos_injected(&self) -> BTreeMap<String, u64> {
        lock(&self.chaos)
            .as_ref()
            .map(ChaosState::injected)
            .unwrap_or_default()
    }

    pub fn edit_statement(&self, edit: crate::StatementEdit) {
        lock(&self.statement_edits).push(edit);
    }

    pub fn statement_edits(&self) -> Vec<crate::StatementEdit> {
        lock(&self.statement_edits).clone()
    }

    pub fn log_request(&self, record: RequestRecord) {
        lock(&self.requests).push(record);
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.requests).clone()
    }

    pub fn count_charge(&self, merchant_order_no: &str) {
        *lock(&self.charges)
            .entry(merchant_order_no.to_string())
            .or_insert(0) += 1;
    }

    pub fn charge_requests(&self, merchant_order_no: &str) -> usize {
        lock(&self.charges)
            .get(merchant_order_no)
            .copied()
            .unwrap_or(0)
    }

    /// The simulated customer completes an INIT order (the newest one with
    /// that merchant number, whichever wallet).
    pub fn customer_pays(&self, merchant_order_no: &str) -> Result<(), SimError> {
        let (result, saved) = self.with_state(|st, _now| {
            let order = st
                .orders
                .iter_mut()
                .rev()
                .find(|o| o.merchant_order_no == merchant_order_no)
                .ok_or_else(|| SimError::UnknownOrder(merchant_order_no.to_string()))?;
            if order.status != INIT {
                return Err(SimError::NotPayable {
                    merchant_order_no: merchant_order_no.to_string(),
                    status: order.status.clone(),
                });
            }
            order.status = PAID.to_string();
            order.then_status = None;
            st.dirty = true;
            Ok(())
        });
        result?;
        saved?;
        Ok(())
    }

    pub fn orders(&self) -> Vec<crate::SimOrder> {
        let (orders, saved) = self.with_state(|st, _| st.orders.clone());
        if let Err(e) = saved {
            eprintln!("hipopay-sim: could not save state: {e}");
        }
        orders
    }

    pub fn refunds(&self) -> Vec<crate::SimRefund> {
        self.with_state(|st, _| st.refunds.clone()).0
    }
}
