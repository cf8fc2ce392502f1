//! # medplug-server — the host behind HTTP
//!
//! `medplug serve` runs this: an axum router over the same [`Host`] every embedder uses, so no
//! rule lives only here. The service adds what HTTP needs and nothing else:
//! - [`keys`]: tenant and administrator API keys, stored as hashes, compared in constant time;
//!   the tenant of a call comes from its key, never from a header the caller sets;
//! - [`problem`]: errors as `application/problem+json` (RFC 9457) with fitting statuses, never
//!   echoing the input, never telling a tenant about plugins it did not enable;
//! - [`routes`]: the endpoints (`/v1/plugins…`, `/v1/admin/plugins…`, `/healthz`, `/readyz`,
//!   `/metrics`); plugin calls run on tokio's blocking threads, at most `workers` at once, so a
//!   slow plugin never stalls the probes or other tenants;
//! - [`checkpoints`]: signed checkpoints of the audit trail's head on a schedule (`[audit]`);
//! - [`serve`]: listening, and graceful shutdown on SIGTERM or Ctrl-C (stop accepting, finish
//!   the calls in flight within a deadline, exit).

pub mod checkpoints;
pub mod keys;
pub mod problem;
pub mod routes;
mod serve;
mod state;

pub use serve::{ServeOptions, ServeSummary, serve, shutdown_signal};
pub use state::App;

/// The host every route calls.
pub use medplug_host::Host;
