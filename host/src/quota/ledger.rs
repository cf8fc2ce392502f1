//! [`QuotaLedger`]: the rate state behind the quotas — one GCRA limiter per tenant × plugin
//! (and per host function), created on first use.
//!
//! GCRA (the generic cell rate algorithm `governor` implements) lets a burst of the whole quota
//! through, then one call per `period / calls`: "1,000 calls a minute" admits 1,000 at once and
//! then one every 60 ms. A refusal says how long until the next call would pass.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use governor::clock::{Clock, MonotonicClock};
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

type Limiter = RateLimiter<NotKeyed, InMemoryState, MonotonicClock>;

/// A limiter's key: tenant, plugin, and the host function (empty for plugin calls).
type Key = (String, String, &'static str);

/// Rate state per tenant × plugin × (call or host function).
#[derive(Debug, Default)]
pub(crate) struct QuotaLedger {
    limiters: RwLock<HashMap<Key, Arc<Limiter>>>,
    clock: MonotonicClock,
}

impl QuotaLedger {
    /// Takes one cell of `what`'s quota (`limit` per `period`) for `tenant` × `plugin`; when
    /// none is left, the time until one is.
    pub fn take(
        &self,
        tenant: &str,
        plugin: &str,
        what: &'static str,
        limit: u32,
        period: Duration,
    ) -> Result<(), Duration> {
        let Some(limit) = NonZeroU32::new(limit) else {
            return Ok(());
        };
        let key = (tenant.to_owned(), plugin.to_owned(), what);
        let found = self
            .limiters
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        let limiter = match found {
            Some(limiter) => limiter,
            None => {
                let replenish = (period / limit.get()).max(Duration::from_nanos(1));
                let quota = Quota::with_period(replenish)
                    .expect("a positive period")
                    .allow_burst(limit);
                let mut limiters = self
                    .limiters
                    .write()
                    .unwrap_or_else(PoisonError::into_inner);
                Arc::clone(limiters.entry(key).or_insert_with(|| {
                    Arc::new(RateLimiter::direct_with_clock(quota, self.clock.clone()))
                }))
            }
        };
        limiter
            .check()
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_whole_quota_passes_and_the_next_call_waits() {
        let ledger = QuotaLedger::default();
        let hour = Duration::from_secs(3600);
        for _ in 0..5 {
            assert_eq!(ledger.take("a", "p", "", 5, hour), Ok(()));
        }
        let wait = ledger.take("a", "p", "", 5, hour).unwrap_err();
        // One cell comes back every 12 minutes.
        assert!(
            wait > Duration::from_secs(700) && wait <= Duration::from_secs(720),
            "{wait:?}"
        );
        // Another tenant, another plugin and a host function have quotas of their own.
        assert_eq!(ledger.take("b", "p", "", 5, hour), Ok(()));
        assert_eq!(ledger.take("a", "q", "", 5, hour), Ok(()));
        assert_eq!(ledger.take("a", "p", "get_patient", 5, hour), Ok(()));
        // Zero is no limit.
        for _ in 0..100 {
            assert_eq!(ledger.take("a", "z", "", 0, hour), Ok(()));
        }
    }
}
