//! `/v1/admin/plugins…`: the lifecycle operations, for an administrator's key only.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use medplug_host::LoadError;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::App;
use crate::problem::Problem;

/// The largest module an administrator may upload.
pub const MAX_MODULE_BYTES: usize = 64 << 20;

/// `?origin=` of an install: how the module is named in events and records.
#[derive(Debug, Deserialize)]
pub struct InstallQuery {
    origin: Option<String>,
}

/// `?tenant=` of enable and disable: one tenant, else every tenant.
#[derive(Debug, Deserialize)]
pub struct TenantQuery {
    tenant: Option<String>,
}

/// Runs a lifecycle operation on a blocking thread (it may compile), as `label`.
async fn lifecycle<T: Send + 'static>(
    app: &Arc<App>,
    operation: impl FnOnce(&medplug_host::Host) -> Result<T, LoadError> + Send + 'static,
) -> Result<T, Problem> {
    let host = app.host.clone();
    tokio::task::spawn_blocking(move || operation(&host))
        .await
        .map_err(|e| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("the operation's thread failed: {e}"),
            )
        })?
        .map_err(|e| Problem::from_load(&e))
}

/// Every installed version with its state and the tenants it serves by default.
pub async fn list(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(problem) = app.admin(&headers) {
        return problem.into_response();
    }
    let versions: Vec<Value> = app
        .host
        .versions()
        .into_iter()
        .map(|v| {
            json!({
                "plugin": v.plugin.name(),
                "version": v.plugin.version().to_string(),
                "sha256": v.plugin.sha256(),
                "origin": v.plugin.origin(),
                "state": v.status.describe(),
                "default_for": v.default_for,
            })
        })
        .collect();
    Json(json!({ "plugins": versions })).into_response()
}

/// Installs the module in the body, after every check a host makes at start.
pub async fn install(
    State(app): State<Arc<App>>,
    Query(query): Query<InstallQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let label = app.admin(&headers)?;
        let bytes = axum::body::to_bytes(body, MAX_MODULE_BYTES)
            .await
            .map_err(|_| Problem::too_large(MAX_MODULE_BYTES))?;
        let origin = query.origin.map_or_else(
            || format!("uploaded by {label}"),
            |o| o.chars().take(128).collect(),
        );
        let plugin = lifecycle(&app, move |host| {
            host.install_bytes(origin, bytes.to_vec(), &label)
        })
        .await?;
        Ok::<_, Problem>(
            (
                StatusCode::CREATED,
                Json(json!({
                    "plugin": plugin.name(),
                    "version": plugin.version().to_string(),
                    "sha256": plugin.sha256(),
                })),
            )
                .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn set_enabled(
    app: Arc<App>,
    id: String,
    query: TenantQuery,
    headers: HeaderMap,
    enabled: bool,
) -> Response {
    let result = async {
        let label = app.admin(&headers)?;
        let tenant = query.tenant;
        let (id_done, tenant_done) = (id.clone(), tenant.clone());
        lifecycle(&app, move |host| {
            if enabled {
                host.enable(&id, tenant.as_deref(), &label)
            } else {
                host.disable(&id, tenant.as_deref(), &label)
            }
        })
        .await?;
        Ok::<_, Problem>(
            Json(json!({
                "plugin": id_done,
                "tenant": tenant_done,
                "enabled": enabled,
            }))
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Enables a version (`name@version`), for `?tenant=` or every tenant.
pub async fn enable(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(query): Query<TenantQuery>,
    headers: HeaderMap,
) -> Response {
    set_enabled(app, id, query, headers, true).await
}

/// Disables a version (`name@version`), for `?tenant=` or every tenant.
pub async fn disable(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(query): Query<TenantQuery>,
    headers: HeaderMap,
) -> Response {
    set_enabled(app, id, query, headers, false).await
}

/// Uninstalls a version (`name@version`).
pub async fn uninstall(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let label = app.admin(&headers)?;
        let done = id.clone();
        lifecycle(&app, move |host| host.uninstall(&id, &label)).await?;
        Ok::<_, Problem>(Json(json!({ "uninstalled": done })).into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
