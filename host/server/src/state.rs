//! [`App`]: what every request handler shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, header};
use medplug_host::Host;
use tokio::sync::Semaphore;

use crate::keys::{KeyStore, Principal};
use crate::problem::Problem;

/// The service's shared state.
#[derive(Debug)]
pub struct App {
    /// The host the calls go to.
    pub host: Host,
    /// The API keys.
    pub keys: KeyStore,
    /// Plugin calls running at once (each on a blocking thread).
    pub(crate) workers: Arc<Semaphore>,
    /// How long a call waits for a worker before it is answered `busy`.
    pub(crate) worker_wait: Duration,
    /// Requests that reached a plugin-call handler.
    pub(crate) calls: AtomicU64,
}

impl App {
    /// The state of a service over `host` with `keys`, running at most `workers` plugin calls at
    /// once; a call that finds none free waits up to `worker_wait`.
    pub fn new(host: Host, keys: KeyStore, workers: usize, worker_wait: Duration) -> Arc<Self> {
        Arc::new(Self {
            host,
            keys,
            workers: Arc::new(Semaphore::new(workers.max(1))),
            worker_wait,
            calls: AtomicU64::new(0),
        })
    }

    /// Who the request is, from its `Authorization` header.
    pub(crate) fn principal(&self, headers: &HeaderMap) -> Result<Principal, Problem> {
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        self.keys
            .authenticate(authorization)
            .map_err(|_| Problem::unauthorized())
    }

    /// The request's tenant and the actor of its audit records; an administrator's key is
    /// refused (it calls no plugin).
    pub(crate) fn tenant(&self, headers: &HeaderMap) -> Result<(String, String), Problem> {
        match self.principal(headers)? {
            Principal::Tenant { tenant, label } => Ok((tenant, label)),
            Principal::Admin { .. } => Err(Problem::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                "an administrator's key calls no plugin: use a tenant's key",
            )),
        }
    }

    /// The administrator's label; a tenant's key is refused.
    pub(crate) fn admin(&self, headers: &HeaderMap) -> Result<String, Problem> {
        match self.principal(headers)? {
            Principal::Admin { label } => Ok(label),
            Principal::Tenant { .. } => Err(Problem::admin_only()),
        }
    }

    /// Plugin-call requests so far.
    pub fn calls_served(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }
}
