//! The endpoints, one file per group, and the router that joins them.
//!
//! | method | path | who |
//! |---|---|---|
//! | `POST` | `/v1/plugins/{plugin}/{function}` | a tenant: call (plugin may be `name@version` or `name@requirement`) |
//! | `GET` | `/v1/plugins` | a tenant: what it may call |
//! | `GET` | `/v1/plugins/{plugin}` | a tenant: `describe` and the functions' JSON Schemas |
//! | `GET` `POST` `DELETE` | `/v1/admin/plugins…` | an administrator: list, install, enable, disable, uninstall |
//! | `GET` | `/healthz`, `/readyz`, `/metrics` | anyone (probes and scrapers have no key) |

mod admin;
mod calls;
mod plugins;
mod probes;

use std::sync::Arc;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::App;
use crate::problem::Problem;

/// Every endpoint; `/metrics` only `with_metrics` (it can have a listener of its own).
pub fn router(app: Arc<App>, with_metrics: bool) -> Router {
    let mut router = Router::new()
        .route("/v1/plugins", get(plugins::list))
        .route("/v1/plugins/{plugin}", get(plugins::describe))
        .route("/v1/plugins/{plugin}/{function}", post(calls::call))
        .route("/v1/admin/plugins", get(admin::list).post(admin::install))
        .route("/v1/admin/plugins/{id}/enable", post(admin::enable))
        .route("/v1/admin/plugins/{id}/disable", post(admin::disable))
        .route("/v1/admin/plugins/{id}", delete(admin::uninstall))
        .route("/healthz", get(probes::healthz))
        .route("/readyz", get(probes::readyz));
    if with_metrics {
        router = router.route("/metrics", get(probes::metrics));
    }
    // Bodies are capped per route (a plugin's input limit, the admin's module limit), so the
    // framework's default 2 MB cap is off.
    router
        .fallback(|| async { Problem::no_route() })
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(app)
}

/// `/metrics` alone, for its own listener.
pub fn metrics_router(app: Arc<App>) -> Router {
    Router::new()
        .route("/metrics", get(probes::metrics))
        .with_state(app)
}
