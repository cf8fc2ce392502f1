//! `GET /healthz`, `/readyz` and `/metrics`: for probes and scrapers, which have no key.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use medplug_host::METRICS_CONTENT_TYPE;
use serde_json::json;

use crate::App;
use crate::problem::Problem;

/// The process is alive (and its async workers answer).
pub async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// Plugins are loaded and the audit trail is writable.
pub async fn readyz(State(app): State<Arc<App>>) -> Response {
    let host = app.host.clone();
    match tokio::task::spawn_blocking(move || host.ready()).await {
        Ok(Ok(())) => Json(json!({ "status": "ready" })).into_response(),
        Ok(Err(reason)) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", reason).into_response()
        }
        Err(e) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            format!("the readiness check failed: {e}"),
        )
        .into_response(),
    }
}

/// Every metric the host keeps, in OpenMetrics text.
pub async fn metrics(State(app): State<Arc<App>>) -> Response {
    let mut response = app.host.encode_metrics().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(METRICS_CONTENT_TYPE),
    );
    response
}
