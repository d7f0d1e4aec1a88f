//! Server-only code: state, who is asking, services per context, entities,
//! mail and audit. Compiled only with the `ssr` feature; the browser never
//! sees any of it.

pub mod access;
pub mod answers;
pub mod audit;
pub mod backup;
pub mod blobs;
pub mod config;
pub mod db;
pub mod demo;
pub mod entities;
pub mod generate;
pub mod idempotency;
pub mod import;
mod key_file;
mod layering;
pub mod mail;
pub mod notify;
pub mod oscal;
pub mod oscal_plan;
pub mod password;
#[cfg(test)]
mod property_tests;
pub mod proxy;
pub mod read_models;
pub mod respond;
pub mod second_factor;
pub mod secrets;
pub mod services;
pub mod session;
pub mod shipped;
pub mod state;
pub mod throttle;
pub mod tokens;
pub mod untrusted;
pub mod webhooks;
pub mod writes;

pub use session::Actor;
pub use state::AppState;
