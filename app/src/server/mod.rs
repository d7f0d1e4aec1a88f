//! Server-only code: state, who is asking, services per context, entities,
//! mail and audit. Compiled only with the `ssr` feature; the browser never
//! sees any of it.

pub mod answers;
pub mod audit;
pub mod blobs;
pub mod config;
pub mod db;
pub mod demo;
pub mod entities;
pub mod generate;
pub mod import;
pub mod mail;
pub mod oscal;
pub mod password;
pub mod respond;
pub mod scoped;
pub mod services;
pub mod session;
pub mod state;
pub mod throttle;
pub mod tokens;
pub mod untrusted;

pub use session::Actor;
pub use state::AppState;
