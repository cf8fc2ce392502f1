//! [`QuotaLedger`]: the rate state behind the quotas — one sliding window per tenant × plugin
//! (and per host function), created on first use.
//!
//! "1,000 calls a minute" means what it says: no 60-second interval, wherever it starts, holds
//! more than 1,000 admitted calls. A token bucket (GCRA, as in `governor`) does not keep that
//! promise — it admits a burst of the whole quota and then refills, so a minute can hold nearly
//! twice the limit. The window here is cut into [`SLICES`] slices of `period / 60`, each
//! counting the calls admitted in it; a call is admitted while the slices that overlap the last
//! `period` hold fewer than the limit. Counting the oldest, partly expired slice whole makes
//! the count an upper bound, so the promise holds exactly and a refusal comes at most one slice
//! early. The state is 61 counters per key, whatever the limit.
//!
//! A refusal says how long until enough old slices have left the window for one more call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// Slices per period: a refusal is at most `period / 60` early (one second for a minute).
const SLICES: u64 = 60;

/// A limiter's key: tenant, plugin, and the host function (empty for plugin calls).
type Key = (String, String, &'static str);

/// Rate state per tenant × plugin × (call or host function): in this process, or shared by
/// every host on one PostgreSQL database.
#[derive(Debug)]
pub(crate) struct QuotaLedger {
    windows: RwLock<HashMap<Key, Arc<Mutex<Window>>>>,
    /// Slice numbers count from here.
    epoch: Instant,
    /// The windows of every replica, when the policy names `[storage] quotas`.
    #[cfg(feature = "postgres")]
    shared: Option<super::PostgresQuotas>,
}

impl Default for QuotaLedger {
    fn default() -> Self {
        Self {
            windows: RwLock::default(),
            epoch: Instant::now(),
            #[cfg(feature = "postgres")]
            shared: None,
        }
    }
}

/// Why a use was not admitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The window is full for this long.
    Full(Duration),
    /// The shared windows could not be asked: the use is not admitted.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Unavailable(String),
}

impl QuotaLedger {
    /// A ledger whose windows live in PostgreSQL, shared with every host there.
    #[cfg(feature = "postgres")]
    pub fn shared(quotas: super::PostgresQuotas) -> Self {
        Self {
            shared: Some(quotas),
            ..Self::default()
        }
    }

    /// Admits one use of `what`'s quota (`limit` per `period`) for `tenant` × `plugin`; when
    /// the window is full, the time until it has room. A `limit` of zero is no limit.
    pub fn take(
        &self,
        tenant: &str,
        plugin: &str,
        what: &'static str,
        limit: u32,
        period: Duration,
    ) -> Result<(), Refusal> {
        #[cfg(feature = "postgres")]
        if let Some(shared) = &self.shared {
            return match shared.take(tenant, plugin, what, limit, period) {
                Ok(taken) => taken.map_err(Refusal::Full),
                Err(e) => Err(Refusal::Unavailable(e.to_string())),
            };
        }
        self.take_at(Instant::now(), tenant, plugin, what, limit, period)
            .map_err(Refusal::Full)
    }

    fn take_at(
        &self,
        now: Instant,
        tenant: &str,
        plugin: &str,
        what: &'static str,
        limit: u32,
        period: Duration,
    ) -> Result<(), Duration> {
        if limit == 0 {
            return Ok(());
        }
        let key = (tenant.to_owned(), plugin.to_owned(), what);
        let found = self
            .windows
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        let window = match found {
            Some(window) => window,
            None => Arc::clone(
                self.windows
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entry(key)
                    .or_insert_with(|| Arc::new(Mutex::new(Window::new(period)))),
            ),
        };
        let mut window = window.lock().unwrap_or_else(PoisonError::into_inner);
        window.take(now.saturating_duration_since(self.epoch), limit)
    }
}

/// One key's counts: a ring of `SLICES + 1` slices, the newest numbered `newest`.
#[derive(Debug)]
struct Window {
    slice: Duration,
    counts: [u32; SLICES as usize + 1],
    newest: u64,
    total: u64,
}

impl Window {
    fn new(period: Duration) -> Self {
        Self {
            slice: (period / SLICES as u32).max(Duration::from_millis(1)),
            counts: [0; SLICES as usize + 1],
            newest: 0,
            total: 0,
        }
    }

    fn ring(number: u64) -> usize {
        (number % (SLICES + 1)) as usize
    }

    /// Admits one use at `now` (since the ledger's epoch) if fewer than `limit` lie in the
    /// slices overlapping the last period.
    fn take(&mut self, now: Duration, limit: u32) -> Result<(), Duration> {
        let current = (now.as_nanos() / self.slice.as_nanos()) as u64;
        // Slices older than `current - SLICES` no longer overlap (now - period, now].
        for number in (self.newest + 1..=current).take(SLICES as usize + 1) {
            let count = &mut self.counts[Self::ring(number)];
            self.total -= u64::from(*count);
            *count = 0;
        }
        self.newest = self.newest.max(current);
        if self.total < u64::from(limit) {
            self.counts[Self::ring(current)] += 1;
            self.total += 1;
            return Ok(());
        }
        // The oldest slices leave first: slice `n` stops overlapping at (n + 1 + SLICES) · slice.
        let mut left = self.total;
        for number in current.saturating_sub(SLICES)..=current {
            left -= u64::from(self.counts[Self::ring(number)]);
            if left < u64::from(limit) {
                let free_at = self.slice.as_nanos() * u128::from(number + 1 + SLICES);
                let free_at = Duration::from_nanos(u64::try_from(free_at).unwrap_or(u64::MAX));
                return Err(free_at.saturating_sub(now).max(Duration::from_millis(1)));
            }
        }
        unreachable!("a window with room admits the call")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn the_whole_quota_passes_and_the_next_call_waits_for_the_window() {
        let ledger = QuotaLedger::default();
        let start = ledger.epoch + Duration::from_secs(7);
        for _ in 0..5 {
            assert_eq!(ledger.take_at(start, "a", "p", "", 5, HOUR), Ok(()));
        }
        // The five calls lie in the slice [0 s, 60 s): it leaves the window at 3,660 s.
        assert_eq!(
            ledger.take_at(start, "a", "p", "", 5, HOUR),
            Err(Duration::from_secs(3653))
        );
        // Another tenant, another plugin and a host function have quotas of their own.
        assert_eq!(ledger.take_at(start, "b", "p", "", 5, HOUR), Ok(()));
        assert_eq!(ledger.take_at(start, "a", "q", "", 5, HOUR), Ok(()));
        assert_eq!(
            ledger.take_at(start, "a", "p", "get_patient", 5, HOUR),
            Ok(())
        );
        // Zero is no limit.
        for _ in 0..100 {
            assert_eq!(ledger.take_at(start, "a", "z", "", 0, HOUR), Ok(()));
        }
    }

    #[test]
    fn no_period_long_interval_holds_more_than_the_limit() {
        // 1,000 calls a minute, offered at one call every 10 ms for three minutes: a token
        // bucket would admit 1,000 + 5,999 refills; the window admits 1,000 in any minute.
        let ledger = QuotaLedger::default();
        let minute = Duration::from_secs(60);
        let mut admitted = Vec::new();
        for tick in 0..18_000u64 {
            let at = ledger.epoch + Duration::from_millis(tick * 10);
            if ledger.take_at(at, "a", "p", "", 1_000, minute).is_ok() {
                admitted.push(tick * 10);
            }
        }
        // Every interval of 60 s starting at an admitted call holds at most 1,000.
        for (i, &from) in admitted.iter().enumerate() {
            let within = admitted[i..]
                .iter()
                .take_while(|&&t| t < from + 60_000)
                .count();
            assert!(within <= 1_000, "{within} calls from {from} ms");
        }
        // The first 1,000 pass at once (10 s); the window then opens as their slices leave —
        // one slice is 1 s, so 1,000 more pass in [61 s, 71 s) and again from 122 s.
        assert_eq!(admitted.len(), 3_000);
        assert_eq!((admitted[999], admitted[1_000]), (9_990, 61_000));
        assert_eq!(admitted[2_000], 122_000);
    }

    #[test]
    fn the_refusal_names_when_the_oldest_needed_slice_leaves() {
        let ledger = QuotaLedger::default();
        let minute = Duration::from_secs(60);
        let at = |s: u64| ledger.epoch + Duration::from_secs(s);
        // Two calls at 0 s and one at 30 s, with a limit of 3.
        ledger.take_at(at(0), "a", "p", "", 3, minute).unwrap();
        ledger.take_at(at(0), "a", "p", "", 3, minute).unwrap();
        ledger.take_at(at(30), "a", "p", "", 3, minute).unwrap();
        // At 40 s the window is full until the slice [0 s, 1 s) leaves, at 61 s.
        assert_eq!(
            ledger.take_at(at(40), "a", "p", "", 3, minute),
            Err(Duration::from_secs(21))
        );
        assert!(ledger.take_at(at(60), "a", "p", "", 3, minute).is_err());
        assert_eq!(ledger.take_at(at(61), "a", "p", "", 3, minute), Ok(()));
        // Now the slice of 30 s holds one and that of 61 s two: full until 30 s leaves, at 91 s.
        assert_eq!(ledger.take_at(at(61), "a", "p", "", 3, minute), Ok(()));
        assert_eq!(
            ledger.take_at(at(62), "a", "p", "", 3, minute),
            Err(Duration::from_secs(29))
        );
        // Long after, the window is empty again.
        for _ in 0..3 {
            assert_eq!(ledger.take_at(at(1_000), "a", "p", "", 3, minute), Ok(()));
        }
    }
}
