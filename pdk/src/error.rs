//! How a plugin fails a call: a JSON error with a stable code.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Stable error codes of ABI v1. The host maps each to a typed error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input is malformed JSON, has the wrong shape, or a value out of range.
    InvalidInput,
    /// The input is well formed but asks for something the plugin does not do.
    Unsupported,
    /// The plugin failed on its own (a bug, a panic, a host function that failed).
    Internal,
}

impl ErrorCode {
    /// The wire name (`invalid_input`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::Unsupported => "unsupported",
            Self::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error a plugin returns: `{"code": "invalid_input", "message": "..."}`.
///
/// Messages are lowercase and say what was wrong and, for input errors, which field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[error("{code}: {message}")]
pub struct PluginError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// What happened, for a person.
    pub message: String,
}

impl PluginError {
    /// An `invalid_input` error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::InvalidInput,
            message: message.into(),
        }
    }

    /// An `unsupported` error.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Unsupported,
            message: message.into(),
        }
    }

    /// An `internal` error.
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Internal,
            message: message.into(),
        }
    }

    /// The `invalid_input` error for input that does not deserialize into the function's type.
    ///
    /// serde_json's message names the field, the expected type and the position.
    pub fn from_json(function: &str, err: &serde_json::Error) -> Self {
        let what = if err.is_syntax() || err.is_eof() {
            "is not valid json"
        } else {
            "has the wrong shape"
        };
        Self::invalid_input(format!("input of `{function}` {what}: {err}"))
    }

    /// The error as its JSON wire form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            // Serializing two strings cannot fail; keep a valid error anyway.
            r#"{"code":"internal","message":"error could not be serialized"}"#.to_owned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_round_trips() {
        let e = PluginError::invalid_input("field `content` is missing");
        assert_eq!(
            e.to_json(),
            r#"{"code":"invalid_input","message":"field `content` is missing"}"#
        );
        assert_eq!(
            serde_json::from_str::<PluginError>(&e.to_json()).unwrap(),
            e
        );
        assert_eq!(e.to_string(), "invalid_input: field `content` is missing");
    }

    #[test]
    fn json_errors_say_syntax_or_shape() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct In {
            content: String,
        }
        let syntax = serde_json::from_str::<In>("{").unwrap_err();
        assert_eq!(
            PluginError::from_json("analyze", &syntax).message,
            "input of `analyze` is not valid json: EOF while parsing an object at line 1 column 1"
        );
        let shape = serde_json::from_str::<In>(r#"{"content": 5}"#).unwrap_err();
        assert_eq!(
            PluginError::from_json("analyze", &shape),
            PluginError::invalid_input(
                "input of `analyze` has the wrong shape: invalid type: integer `5`, expected a string at line 1 column 13"
            )
        );
    }
}
