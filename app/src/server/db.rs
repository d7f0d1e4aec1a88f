//! Connecting to SQLite or PostgreSQL and bringing the schema up to date.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_pool(url, 16).await
}

/// The reading pool with `connections` connections (see
/// `Config::db_connections`).
pub async fn connect_pool(url: &str, connections: u32) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, connections, false).await
}

/// On SQLite, the pool that write transactions use: one connection, so
/// writers queue in order inside the process instead of polling SQLite's
/// lock with growing sleeps (which made latency jump under concurrent
/// saves). PostgreSQL writes through the main pool (`None`).
///
/// The writer never checkpoints the WAL itself: a checkpoint copies and
/// syncs up to thousands of pages, and run inside a commit it stalls every
/// writer queued behind it. [`spawn_checkpoints`] does it beside the writes.
pub async fn connect_writer(url: &str) -> Result<Option<DatabaseConnection>, DbErr> {
    if url.starts_with("sqlite:") {
        Ok(Some(connect_with(url, 1, true).await?))
    } else {
        Ok(None)
    }
}

/// On SQLite, checkpoints the WAL into the database file every 250 ms, in
/// PASSIVE mode (it never waits for or blocks a writer), since the writer
/// connection leaves that work out. It uses a connection of its own, so the
/// application's pools open and close without it. A no-op elsewhere; the
/// task ends with the runtime.
pub async fn spawn_checkpoints(url: &str) -> Result<(), DbErr> {
    if !url.starts_with("sqlite:") {
        return Ok(());
    }
    let db = connect_with(url, 1, false).await?;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = db
                .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
                .await
            {
                tracing::warn!(error = %e, "WAL checkpoint failed");
            }
        }
    });
    Ok(())
}

async fn connect_with(
    url: &str,
    connections: u32,
    writer: bool,
) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        if let Some(path) = sqlite_path(url) {
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        DbErr::Custom(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
            }
        }
    }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(connections)
        .min_connections(1);
    // A pooled SQLite connection is a file handle in this process: it never
    // goes stale, so it is not pinged (a round trip to its thread) each time
    // the pool hands it out. PostgreSQL connections cross the network and a
    // server restart: those are checked.
    if sqlite {
        opts.test_before_acquire(false);
    }
    // WAL lets readers proceed while one connection writes; the busy timeout
    // makes writers queue instead of failing.
    let checkpoints = if writer { "0" } else { "1000" };
    opts.map_sqlx_sqlite_opts(move |o| {
        o.journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("wal_autocheckpoint", checkpoints)
    });
    // A statement that waits on a row lock longer than a SQLite writer
    // waits for its turn fails instead of hanging: a request that holds a
    // lock and then waits for something else can never stall the others.
    opts.map_sqlx_postgres_opts(|o| {
        o.options([
            ("lock_timeout", "15s"),
            ("idle_in_transaction_session_timeout", "60s"),
        ])
    });
    opts.map_sqlx_sqlite_pool_opts(|pool| {
        pool.after_connect(|conn, _| {
            Box::pin(async move {
                let mut handle = conn.lock_handle().await?;
                stable_query_plans(handle.as_raw_handle());
                Ok(())
            })
        })
    });
    Database::connect(opts).await
}

/// Turns on SQLite's query planner stability guarantee for a connection.
///
/// Without it, SQLite plans some statements for the values bound to them:
/// a bound `LIMIT ?` (every `.one()` sea-orm runs), a `LIKE ?` pattern, or a
/// parameter compared with a partial index's condition. Such a statement is
/// compiled again on every execution whose values differ, so sqlx's cache of
/// prepared statements saves nothing for them: profiling autosave showed
/// re-preparation as the largest single cost of the SQLite worker threads.
/// With the guarantee, a statement is planned once, for any values.
fn stable_query_plans(db: std::ptr::NonNull<libsqlite3_sys::sqlite3>) {
    // SAFETY: `db` is the open connection sqlx handed us, locked for us by
    // `lock_handle` (no other call runs on it meanwhile); this option takes
    // an int and an optional int pointer for the old value, here null.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db.as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::os::raw::c_int,
            std::ptr::null_mut::<std::os::raw::c_int>(),
        )
    };
    if rc != libsqlite3_sys::SQLITE_OK {
        tracing::warn!(
            code = rc,
            "SQLite refused the query planner stability guarantee"
        );
    }
}

pub fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// A transaction that will write. On SQLite it takes the write lock at
/// `BEGIN` (IMMEDIATE), so that it waits for other writers instead of failing
/// when it upgrades from reading to writing.
pub async fn write_txn(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    })
    .await
}

/// `SELECT 1`, for the health check.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_paths_are_found_in_urls() {
        assert_eq!(
            sqlite_path("sqlite://data/p.db?mode=rwc").as_deref(),
            Some("data/p.db")
        );
        assert_eq!(
            sqlite_path("sqlite:/tmp/x.db").as_deref(),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[tokio::test]
    async fn sqlite_connections_plan_each_statement_once() {
        use std::os::raw::c_int;
        let db = super::connect("sqlite::memory:").await.unwrap();
        let mut conn = db.get_sqlite_connection_pool().acquire().await.unwrap();
        let mut handle = conn.lock_handle().await.unwrap();
        let mut on: c_int = -1;
        // SAFETY: as in `stable_query_plans`; -1 leaves the option as it is
        // and writes its current value to `on`.
        let rc = unsafe {
            libsqlite3_sys::sqlite3_db_config(
                handle.as_raw_handle().as_ptr(),
                libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
                -1 as c_int,
                &mut on as *mut c_int,
            )
        };
        assert_eq!(rc, libsqlite3_sys::SQLITE_OK);
        assert_eq!(on, 1, "the query planner stability guarantee is off");
    }
}
