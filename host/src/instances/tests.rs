//! The pool's bounds, on the smallest module Extism instantiates (no code at all).

use std::sync::Arc;
use std::time::{Duration, Instant};

use extism::{CompiledPlugin, Manifest, PluginBuilder, Wasm};

use super::pool::PoolError;
use super::{IdleLedger, PoolLimits, TenantPools};
use crate::reaper::Reaper;

/// `(module)`: magic and version.
const EMPTY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

fn compiled() -> CompiledPlugin {
    PluginBuilder::new(Manifest::new([Wasm::data(EMPTY_MODULE.to_vec())]))
        .with_wasi(false)
        .with_cache_disabled()
        .compile()
        .expect("the empty module compiles")
}

fn limits(max_instances: usize, queue_timeout_ms: u64) -> PoolLimits {
    PoolLimits {
        max_instances,
        queue_timeout: Duration::from_millis(queue_timeout_ms),
        min_idle: 0,
    }
}

#[test]
fn a_released_instance_is_reused_and_a_discarded_one_is_not() {
    let compiled = compiled();
    let ledger = IdleLedger::new(8, Arc::new(Reaper::new()));
    let pools = TenantPools::new(Arc::clone(&ledger));
    let pool = pools.of("a");
    let limits = limits(2, 10);
    let lease = pool.checkout(&compiled, &limits).unwrap();
    assert_eq!((pool.running(), pool.idle()), (1, 0));
    lease.release(true);
    assert_eq!((pool.running(), pool.idle(), ledger.idle()), (0, 1, 1));
    let lease = pool.checkout(&compiled, &limits).unwrap();
    assert_eq!((pool.running(), pool.idle(), ledger.idle()), (1, 0, 0));
    lease.release(false);
    assert_eq!((pool.running(), pool.idle()), (0, 0));
    drop(pool.checkout(&compiled, &limits).unwrap());
    assert_eq!((pool.running(), pool.idle()), (0, 0));
    assert_eq!(pools.idle_of("b"), 0);
}

#[test]
fn a_full_pool_waits_for_a_free_instance_then_says_busy() {
    let compiled = Arc::new(compiled());
    let ledger = IdleLedger::new(8, Arc::new(Reaper::new()));
    let pools = Arc::new(TenantPools::new(ledger));
    let limits = limits(1, 300);
    let pool = pools.of("a");
    let held = pool.checkout(&compiled, &limits).unwrap();
    // Nobody frees it: busy after the queue timeout, not before.
    let started = Instant::now();
    let Err(PoolError::Busy { waited }) = pool.checkout(&compiled, &limits) else {
        panic!("a second checkout of a pool of one must be busy");
    };
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(started.elapsed() < Duration::from_millis(450));
    // Freed by another thread within the timeout: the waiter gets it.
    let waiter = {
        let (compiled, pools) = (Arc::clone(&compiled), Arc::clone(&pools));
        std::thread::spawn(move || {
            let pool = pools.of("a");
            let lease = pool.checkout(&compiled, &limits).map(|l| l.release(true));
            lease.is_ok()
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    held.release(true);
    assert!(waiter.join().unwrap());
    assert_eq!((pool.running(), pool.idle()), (0, 1));
}

#[test]
fn past_the_host_cap_the_least_recently_used_idle_instance_goes() {
    let compiled = compiled();
    let ledger = IdleLedger::new(2, Arc::new(Reaper::new()));
    let pools = TenantPools::new(Arc::clone(&ledger));
    let limits = limits(4, 10);
    for tenant in ["a", "b", "c"] {
        pools
            .of(tenant)
            .checkout(&compiled, &limits)
            .unwrap()
            .release(true);
    }
    // a's instance was used first: it is the one evicted.
    assert_eq!(ledger.idle(), 2);
    assert_eq!(
        (pools.idle_of("a"), pools.idle_of("b"), pools.idle_of("c")),
        (0, 1, 1)
    );
    // Using b makes c the oldest.
    let pool_b = pools.of("b");
    pool_b.checkout(&compiled, &limits).unwrap().release(true);
    pools
        .of("a")
        .checkout(&compiled, &limits)
        .unwrap()
        .release(true);
    assert_eq!(
        (pools.idle_of("a"), pools.idle_of("b"), pools.idle_of("c")),
        (1, 1, 0)
    );
    drop((pool_b, pools));
    assert_eq!(
        ledger.idle(),
        0,
        "a version's pools leave the ledger with it"
    );
}
