//! What every request handler can reach: the database, configuration, mailer
//! and password hasher.

use super::{
    blobs::{BlobStore, FsStore},
    config::Config,
    mail::Mailer,
    password::Hasher,
    services::autosave::SaveQueue,
};
use crate::model::{AppError, Clock, SystemClock};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Write transactions start here (`db::write_txn`): on SQLite a
    /// one-connection pool, elsewhere the same pool as `db`.
    pub writer: DatabaseConnection,
    pub config: Arc<Config>,
    pub mailer: Mailer,
    pub hasher: Hasher,
    /// Where evidence files are kept.
    pub blobs: Arc<dyn BlobStore>,
    /// What day it is: the wall clock, or a fixed one in tests of due dates.
    pub clock: Arc<dyn Clock>,
    /// Answer saves, written in batches (`services::autosave`).
    pub saves: SaveQueue,
    /// Published profile versions' rows, kept after their first read
    /// (`read_models::profile_rows`).
    pub profiles: super::read_models::ProfileCache,
    /// The audit chain's key (`audit::AuditKey::load`).
    pub audit_key: super::audit::AuditKey,
    /// Seals secrets kept in the database (`secrets::SecretKey::load`).
    pub secrets: super::secrets::SecretKey,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        config: Config,
        mailer: Mailer,
        audit_key: super::audit::AuditKey,
    ) -> Self {
        let hasher = Hasher::new(config.hash_concurrency);
        let blobs = Arc::new(FsStore::new(super::blobs::default_root(&config.data_dir)));
        AppState {
            blobs,
            clock: Arc::new(SystemClock),
            writer: db.clone(),
            db,
            config: Arc::new(config),
            mailer,
            hasher,
            saves: SaveQueue::default(),
            profiles: Default::default(),
            audit_key,
            // A key of its own until `with_secrets` names the configured one.
            secrets: super::secrets::SecretKey::generate(),
        }
    }

    /// Uses `writer` for write transactions.
    pub fn with_writer(mut self, writer: DatabaseConnection) -> Self {
        self.writer = writer;
        // The queue writes through the writer it first saw.
        self.saves = SaveQueue::default();
        self
    }

    /// Seals and opens secrets with `key`.
    pub fn with_secrets(mut self, key: super::secrets::SecretKey) -> Self {
        self.secrets = key;
        self
    }

    /// Uses `clock` for today's date (due dates, reminders, overdue).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The state inside a server function or page render.
    pub fn current() -> Result<Self, AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            AppError::Internal {
                request_id: "state".into(),
            }
        })
    }
}
