//! [`Problem`]: every error the service answers, as `application/problem+json` (RFC 9457),
//! with the host's error code and a status that fits.
//!
//! Two rules on what an error says: it never echoes the input (schema errors give the pointer
//! and the rule, not the value; values a plugin quotes in its message are replaced by `…`), and
//! it never tells a tenant whether a plugin it has not enabled is installed (both answer the
//! same 404).

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use medplug_host::{CallError, LoadError};
use medplug_pdk::ErrorCode;
use serde::Serialize;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One schema error of a problem: where, and which rule (never the value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointerError {
    /// The JSON pointer of the offending value.
    pub pointer: String,
    /// The rule it breaks, without the value.
    pub message: String,
}

/// An error answer. Its JSON body: `type` (`urn:medplug:problem:<code>`), `title` (the
/// status's reason phrase), `status`, `detail`, `code`, and when they apply `errors` and
/// `retry_after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The HTTP status.
    pub status: u16,
    /// The host's stable error code (`quota_exceeded`, `input_schema`, …).
    pub code: String,
    /// What happened, for this request.
    pub detail: String,
    /// Schema errors, with their JSON pointers.
    pub errors: Vec<PointerError>,
    /// Seconds until a retry may succeed (also the `Retry-After` header).
    pub retry_after: Option<u64>,
}

/// The serialised form of a [`Problem`] (RFC 9457 members first).
#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    type_uri: String,
    title: &'static str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "<[PointerError]>::is_empty")]
    errors: &'a [PointerError],
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
}

impl Problem {
    /// A problem of `status` with `code` and `detail`.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            status: status.as_u16(),
            code: code.to_owned(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Vec<u8> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        serde_json::to_vec(&ProblemBody {
            type_uri: format!("urn:medplug:problem:{}", self.code),
            title: status.canonical_reason().unwrap_or("Error"),
            status: self.status,
            detail: &self.detail,
            code: &self.code,
            errors: &self.errors,
            retry_after: self.retry_after,
        })
        .unwrap_or_default()
    }

    fn retry(mut self, after: Duration) -> Self {
        // Whole seconds, rounded up, at least one (RFC 9110 §10.2.3).
        let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// 401: no key, or not a valid one (the same answer for both).
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a valid API key: `Authorization: Bearer mpk_…`",
        )
    }

    /// 403 for a tenant's key on an administrator's endpoint.
    pub fn admin_only() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this endpoint needs an administrator's key",
        )
    }

    /// 404 for a path no endpoint serves.
    pub fn no_route() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no endpoint has this path; see GET /v1/plugins",
        )
    }

    /// 413 for a body over the plugin's input limit, read no further than the limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "input_too_large",
            format!("the input is larger than this plugin's limit of {limit} bytes"),
        )
    }

    /// The problem a failed call answers.
    pub fn from_call(error: &CallError) -> Self {
        use CallError as E;
        let status = match error {
            E::InvalidTarget { .. }
            | E::InvalidInput { .. }
            | E::InputSchema { .. }
            | E::InputSerialization { .. }
            | E::Plugin {
                code: ErrorCode::InvalidInput,
                ..
            } => StatusCode::BAD_REQUEST,
            E::UnknownTenant { .. } | E::NoTenant => StatusCode::UNAUTHORIZED,
            E::Denied { .. } => StatusCode::FORBIDDEN,
            E::NotEnabled { .. }
            | E::PluginNotFound { .. }
            | E::NoMatchingVersion { .. }
            | E::Disabled { .. }
            | E::Uninstalled { .. }
            | E::FunctionNotFound { .. } => StatusCode::NOT_FOUND,
            E::InputTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            E::QuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
            E::Busy { .. } | E::QuotaUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            E::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            E::Plugin {
                code: ErrorCode::Unsupported,
                ..
            } => StatusCode::UNPROCESSABLE_ENTITY,
            // The plugin answered something its contract (or its limits) forbids.
            E::InvalidOutput { .. } | E::OutputSchema { .. } | E::OutputTooLarge { .. } => {
                StatusCode::BAD_GATEWAY
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let (code, detail) = match error {
            // Not enabled and not installed are one answer: a tenant learns nothing of the
            // plugins it does not use.
            E::NotEnabled { plugin, .. } | E::PluginNotFound { plugin } => (
                "plugin_not_found".to_owned(),
                format!("plugin `{plugin}` is not available to this tenant"),
            ),
            E::InvalidInput { site, message } => (
                error.kind().to_owned(),
                format!("{site}: invalid input: {}", without_values(message)),
            ),
            E::InputSchema { site, violation } | E::OutputSchema { site, violation } => (
                error.kind().to_owned(),
                format!("{site}: does not match schema {}", violation.schema_id),
            ),
            E::Plugin {
                site,
                code,
                message,
            } => (
                error.kind().to_owned(),
                format!("{site}: plugin error {code}: {}", without_values(message)),
            ),
            E::InvalidOutput { site, .. } => (
                error.kind().to_owned(),
                format!("{site}: the plugin's output is not what its function promises"),
            ),
            E::Trap { site, .. } => (
                error.kind().to_owned(),
                format!("{site}: the plugin trapped"),
            ),
            _ => (error.kind().to_owned(), error.to_string()),
        };
        let mut problem = Self::new(status, &code, detail);
        if let E::InputSchema { violation, .. } | E::OutputSchema { violation, .. } = error {
            problem.errors = violation
                .errors
                .iter()
                .map(|e| PointerError {
                    pointer: e.pointer.clone(),
                    message: e.masked.clone(),
                })
                .collect();
        }
        match error.retry_after() {
            Some(after) => problem.retry(after),
            None => problem,
        }
    }

    /// The problem a refused lifecycle operation answers (administrators only).
    pub fn from_load(error: &LoadError) -> Self {
        let status = match error {
            LoadError::NotInstalled { .. } | LoadError::UnknownTenant { .. } => {
                StatusCode::NOT_FOUND
            }
            LoadError::VersionConflict { .. } | LoadError::PinUnmatched { .. } => {
                StatusCode::CONFLICT
            }
            LoadError::Audit(_) | LoadError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        Self::new(status, error.kind(), error.to_string())
    }
}

/// `message` with every quoted or back-quoted part replaced by `…`: serde's and plugins'
/// messages quote the offending value (`invalid type: string "529.982.247-25"`).
pub fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut open: Option<char> = None;
    for c in message.chars() {
        match open {
            Some(quote) if c == quote => {
                out.push('…');
                out.push(c);
                open = None;
            }
            Some(_) => {}
            None if c == '"' || c == '`' => {
                out.push(c);
                open = Some(c);
            }
            None => out.push(c),
        }
    }
    if open.is_some() {
        out.push('…');
    }
    out
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_left_out() {
        assert_eq!(
            without_values(r#"invalid type: string "529.982.247-25", expected u32 at line 1"#),
            r#"invalid type: string "…", expected u32 at line 1"#
        );
        assert_eq!(
            without_values("invalid type: integer `5`, expected a string"),
            "invalid type: integer `…`, expected a string"
        );
        assert_eq!(without_values("unclosed \"abc"), "unclosed \"…");
        assert_eq!(
            without_values("`secret` must be a string"),
            "`…` must be a string"
        );
    }

    #[test]
    fn a_plugin_that_rejects_its_input_is_a_400_and_one_that_declines_it_a_422() {
        let site = medplug_host::CallSite {
            plugin: "p".to_owned(),
            version: "1.0.0".to_owned(),
            function: "f".to_owned(),
        };
        let answer = |code| {
            let error = CallError::Plugin {
                site: site.clone(),
                code,
                message: "field `x`".to_owned(),
            };
            let problem = Problem::from_call(&error);
            (problem.status, problem.code)
        };
        assert_eq!(
            answer(ErrorCode::InvalidInput),
            (400, "invalid_input".to_owned())
        );
        assert_eq!(
            answer(ErrorCode::Unsupported),
            (422, "unsupported".to_owned())
        );
        assert_eq!(answer(ErrorCode::Internal), (500, "internal".to_owned()));
    }

    #[test]
    fn an_output_over_its_limit_is_a_502_and_the_other_limits_a_500() {
        let site = medplug_host::CallSite {
            plugin: "p".to_owned(),
            version: "1.0.0".to_owned(),
            function: "f".to_owned(),
        };
        let answer = |error: CallError| {
            let problem = Problem::from_call(&error);
            (problem.status, problem.code)
        };
        assert_eq!(
            answer(CallError::OutputTooLarge {
                site: site.clone(),
                size: 100_000_000,
                limit: 16 << 20,
            }),
            (502, "output_too_large".to_owned())
        );
        assert_eq!(
            answer(CallError::StackExhausted {
                site,
                limit_bytes: 512 << 10,
            }),
            (500, "stack_exhausted".to_owned())
        );
    }

    #[test]
    fn a_retry_is_whole_seconds_rounded_up() {
        let p = Problem::new(StatusCode::TOO_MANY_REQUESTS, "quota_exceeded", "x")
            .retry(Duration::from_millis(1_200));
        assert_eq!(p.retry_after, Some(2));
        let p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "x").retry(Duration::ZERO);
        assert_eq!(p.retry_after, Some(1));
    }
}
