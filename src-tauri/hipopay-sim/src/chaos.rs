//! Chaos: random faults on API requests, drawn from a fixed seed, so a long
//! run of payments meets every way an acquirer can misbehave, and a failing
//! run can be replayed with the same seed.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::fault::Fault;

/// How often and how requests misbehave. Explicit [`crate::FaultRule`]s go first.
#[derive(Clone, Debug)]
pub struct Chaos {
    pub seed: u64,
    /// Share of API requests that get a fault, 0 to 100.
    pub percent: u8,
    /// A slow answer: later than usual but within the client's timeout.
    pub slow: Duration,
    /// A "timeout": the answer comes after the client has given up.
    pub timeout: Duration,
}

impl Chaos {
    /// Every fault the acquirer (or what stands between it and the till)
    /// can show, each equally likely.
    fn menu(&self) -> [Fault; 18] {
        let page = |status: u16, body: String, after_commit: bool| Fault::Page {
            status,
            body,
            after_commit,
        };
        [
            // A proxy's HTML 404, before and after HipoPay acted.
            page(404, HTML_404.into(), false),
            page(404, HTML_404.into(), true),
            // A redirect after HipoPay acted (a client must not follow it).
            Fault::Redirect {
                location: "http://127.0.0.1:9/elsewhere".into(),
                after_commit: true,
            },
            // An answer far too large to read.
            page(200, "x".repeat(OVERSIZED), true),
            // A WeChat code no list knows, after HipoPay acted.
            page(555, UNLISTED_555.into(), true),
            Fault::Status(500),
            Fault::Status(503),
            Fault::StatusAfterCommit(502),
            Fault::StatusAfterCommit(504),
            Fault::DropBeforeCommit,
            Fault::DropAfterCommit,
            Fault::Delay(self.timeout),
            Fault::Delay(self.slow),
            Fault::Malformed,
            Fault::NotJson,
            Fault::WrongShape,
            Fault::Status(401),
            Fault::Status(411),
        ]
    }
}

const HTML_404: &str = "<html><head><title>404 Not Found</title></head><body>nginx</body></html>";
const UNLISTED_555: &str = r#"{"meta":{"status_code":555,"message":"{\"wx_code\":\"SOMETHING_NEW\",\"wx_message\":\"?\"}","success":false}}"#;
/// Past the 1 MiB a client reads.
const OVERSIZED: usize = 2 * 1024 * 1024;

/// A short name per fault, for the counts a soak prints.
pub(crate) fn fault_name(fault: &Fault, chaos: &Chaos) -> String {
    match fault {
        Fault::Status(code) => format!("http {code}"),
        Fault::StatusAfterCommit(code) => format!("http {code} after commit"),
        Fault::DropBeforeCommit => "dropped before commit".into(),
        Fault::DropAfterCommit => "dropped after commit".into(),
        Fault::Delay(d) if *d >= chaos.timeout => "timeout".into(),
        Fault::Delay(_) => "slow answer".into(),
        Fault::Malformed => "truncated json".into(),
        Fault::NotJson => "not json".into(),
        Fault::WrongShape => "json of the wrong shape".into(),
        Fault::Wechat555 { code, .. } => format!("wechat 555 {code}"),
        Fault::Page {
            status: 404,
            after_commit,
            ..
        } => format!(
            "html 404{}",
            if *after_commit { " after commit" } else { "" }
        ),
        Fault::Page { status: 555, .. } => "wechat 555 unlisted code after commit".into(),
        Fault::Page { status, body, .. } if body.len() >= OVERSIZED => {
            format!("oversized {status} after commit")
        }
        Fault::Page { status, .. } => format!("page {status}"),
        Fault::Redirect { .. } => "redirect after commit".into(),
    }
}

pub(crate) struct ChaosState {
    chaos: Chaos,
    rng: StdRng,
    injected: BTreeMap<String, u64>,
}

impl ChaosState {
    pub fn new(chaos: Chaos) -> Self {
        ChaosState {
            rng: StdRng::seed_from_u64(chaos.seed),
            chaos,
            injected: BTreeMap::new(),
        }
    }

    /// The fault for the next request, if the dice say so.
    pub fn pick(&mut self) -> Option<Fault> {
        if self.rng.gen_range(0..100u8) >= self.chaos.percent {
            return None;
        }
        let menu = self.chaos.menu();
        let fault = menu[self.rng.gen_range(0..menu.len())].clone();
        *self
            .injected
            .entry(fault_name(&fault, &self.chaos))
            .or_insert(0) += 1;
        Some(fault)
    }

    pub fn injected(&self) -> BTreeMap<String, u64> {
        self.injected.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chaos(seed: u64, percent: u8) -> Chaos {
        Chaos {
            seed,
            percent,
            slow: Duration::from_millis(10),
            timeout: Duration::from_millis(500),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let draw = |seed| {
            let mut s = ChaosState::new(chaos(seed, 50));
            (0..200).map(|_| s.pick()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    fn every_fault_kind_comes_up_and_the_rate_holds() {
        let mut s = ChaosState::new(chaos(1, 30));
        let faults = (0..10_000).filter_map(|_| s.pick()).count();
        assert!((2_500..3_500).contains(&faults), "{faults} faults in 10000");
        assert_eq!(
            s.injected().len(),
            s.chaos.menu().len(),
            "every fault has its own name: {:?}",
            s.injected()
        );
        let mut none = ChaosState::new(chaos(1, 0));
        assert!((0..1000).all(|_| none.pick().is_none()));
    }
}
