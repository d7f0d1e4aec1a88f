//! The one error type that crosses the wire.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A problem with one input field, phrased so the user knows what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Your session has ended. Please sign in again.")]
    Unauthenticated,
    #[error("This page does not exist, or you do not have access to it.")]
    NotFound,
    #[error("{message}")]
    Validation {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    /// An upload beyond the bounds: too big, too many rows, unpacks too far.
    #[error("{0}")]
    TooLarge(String),
    #[error("Something went wrong on our side (reference {request_id}). Please try again; if it persists, tell your administrator the reference.")]
    Internal { request_id: String },
    /// Transport problems: the request never reached the service, or its answer
    /// could not be read.
    #[error("The server could not be reached ({0}). Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Validation {
            message: message.clone(),
            fields: vec![FieldError {
                field: field.to_string(),
                message,
            }],
        }
    }

    /// The fields this error names, in order.
    pub fn field_names(&self) -> Vec<String> {
        match self {
            AppError::Validation { fields, .. } => fields.iter().map(|f| f.field.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// The message for one field, if this error names it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation { fields, .. } => fields
                .iter()
                .find(|f| f.field == name)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::NotFound => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::TooLarge(_) => 413,
            AppError::Internal { .. } => 500,
            AppError::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
