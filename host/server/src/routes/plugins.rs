//! `GET /v1/plugins` and `GET /v1/plugins/{plugin}`: what a tenant may call.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use medplug_host::CallContext;
use serde_json::{Value, json};

use crate::App;
use crate::problem::Problem;

/// Every version the key's tenant may call — enabled for it, within its pins, of its
/// specialties — with its functions, and whether calls that name no version get it.
pub async fn list(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let (tenant, _) = match app.tenant(&headers) {
        Ok(who) => who,
        Err(problem) => return problem.into_response(),
    };
    let Some(policy_tenant) = app.host.policy().tenant(&tenant) else {
        return Problem::unauthorized().into_response();
    };
    let plugins: Vec<Value> = app
        .host
        .versions()
        .into_iter()
        .filter(|v| {
            let info = v.plugin.info();
            policy_tenant.admits(info).is_ok()
                && v.status.is_enabled_for(&tenant)
                && policy_tenant
                    .pins
                    .get(&info.name)
                    .is_none_or(|pin| pin.matches(v.plugin.version()))
        })
        .map(|v| {
            let info = v.plugin.info();
            json!({
                "plugin": info.name,
                "version": info.version,
                "specialty": info.specialty,
                "description": info.description,
                "functions": info.functions.iter().map(|f| &f.name).collect::<Vec<_>>(),
                "default": v.default_for.contains(&tenant),
            })
        })
        .collect();
    Json(json!({ "tenant": tenant, "plugins": plugins })).into_response()
}

/// The version the tenant's calls to `{plugin}` get: its `describe` and, when the service
/// validates, each function's input and output JSON Schemas.
pub async fn describe(
    State(app): State<Arc<App>>,
    Path(target): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (tenant, actor) = match app.tenant(&headers) {
        Ok(who) => who,
        Err(problem) => return problem.into_response(),
    };
    let plugin = match app
        .host
        .plugin_for(&CallContext::new(tenant, actor), &target)
    {
        Ok(plugin) => plugin,
        Err(error) => return Problem::from_call(&error).into_response(),
    };
    let schemas: serde_json::Map<String, Value> = plugin
        .info()
        .functions
        .iter()
        .filter_map(|f| {
            let schemas = plugin.schemas(&f.name)?;
            Some((
                f.name.clone(),
                json!({ "input": schemas.input_schema(), "output": schemas.output_schema() }),
            ))
        })
        .collect();
    Json(json!({
        "plugin": plugin.name(),
        "version": plugin.version().to_string(),
        "sha256": plugin.sha256(),
        "describe": plugin.info(),
        "schemas": schemas,
    }))
    .into_response()
}
