//! Login throttling: per account and per client address, over a sliding
//! window. Failures only count until the next success for the account, and
//! expire with the window, so an attacker can delay a login but never lock an
//! account for good.

use super::entities::login_attempt;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;

/// Given the times of recent failures (newest first), when the next attempt
/// is allowed, if not now. Pure, so the rule is tested without a database.
pub fn blocked_until(
    failures_newest_first: &[DateTime<Utc>],
    max: usize,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let window = Duration::minutes(WINDOW_MINUTES);
    let recent: Vec<_> = failures_newest_first
        .iter()
        .filter(|t| now - **t < window)
        .collect();
    if recent.len() < max {
        return None;
    }
    // The attempt that must leave the window before another is allowed.
    let oldest_counted = *recent[max - 1];
    Some(oldest_counted + window)
}

/// The answer to a blocked attempt: how long to wait, in words and seconds.
pub fn rate_limited(until: DateTime<Utc>) -> crate::model::AppError {
    let now = Utc::now();
    let minutes = minutes_until(until, now);
    crate::model::AppError::RateLimited {
        message: format!(
            "Too many failed attempts. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after_secs: (until - now).num_seconds().max(1) as u64,
    }
}

/// Minutes to wait, rounded up, at least one.
pub fn minutes_until(t: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let secs = (t - now).num_seconds().max(1);
    (secs + 59) / 60
}

async fn failures<C: ConnectionTrait>(
    conn: &C,
    column: login_attempt::Column,
    value: &str,
    limit: usize,
    now: DateTime<Utc>,
    success_resets: bool,
) -> Result<Vec<DateTime<Utc>>, DbErr> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let rows = login_attempt::Entity::find()
        .filter(column.eq(value))
        .filter(login_attempt::Column::CreatedAt.gt(since))
        .order_by_desc(login_attempt::Column::CreatedAt)
        .order_by_desc(login_attempt::Column::Id)
        .limit(limit as u64)
        .all(conn)
        .await?;
    // Only failures after the latest success count.
    Ok(rows
        .into_iter()
        .take_while(|r| !r.succeeded || !success_resets)
        .filter(|r| !r.succeeded)
        .map(|r| r.created_at)
        .collect())
}

/// A password attempt that passed the throttle. It counts as a failure from
/// the moment it was reserved until [`succeeded`] says otherwise, so attempts
/// racing each other all see one another.
#[derive(Debug)]
#[must_use = "an attempt counts as a failure unless marked succeeded"]
pub struct Attempt {
    id: i64,
}

/// Reserves an attempt for this account key and client address before the
/// password is checked, or says until when they are blocked.
///
/// Race-free without locks: each attempt first writes its own row, then
/// counts the rows before it. Of n attempts at once, the k-th to commit
/// counts at least k, so no more than the allowed number pass, whatever
/// the interleaving. A blocked attempt removes its row again.
pub async fn reserve<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    client_addr: &str,
) -> Result<Result<Attempt, DateTime<Utc>>, DbErr> {
    let now = Utc::now();
    let row = login_attempt::ActiveModel {
        email: Set(key.chars().take(254).collect()),
        client_addr: Set(client_addr.chars().take(64).collect()),
        succeeded: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    // This attempt is among the rows counted, hence one more allowed.
    let by_account = failures(
        conn,
        login_attempt::Column::Email,
        &row.email,
        MAX_FAILURES_PER_ACCOUNT + 2,
        now,
        true,
    )
    .await?;
    let by_addr = failures(
        conn,
        login_attempt::Column::ClientAddr,
        &row.client_addr,
        MAX_FAILURES_PER_ADDRESS + 2,
        now,
        false,
    )
    .await?;
    let blocked = [
        blocked_until(&by_account, MAX_FAILURES_PER_ACCOUNT + 1, now),
        blocked_until(&by_addr, MAX_FAILURES_PER_ADDRESS + 1, now),
    ]
    .into_iter()
    .flatten()
    .max();
    match blocked {
        Some(until) => {
            login_attempt::Entity::delete_by_id(row.id)
                .exec(conn)
                .await?;
            Ok(Err(until))
        }
        None => Ok(Ok(Attempt { id: row.id })),
    }
}

/// The reserved attempt had the right password: earlier failures of the
/// account stop counting.
pub async fn succeeded<C: ConnectionTrait>(conn: &C, attempt: Attempt) -> Result<(), DbErr> {
    login_attempt::Entity::update_many()
        .col_expr(
            login_attempt::Column::Succeeded,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(login_attempt::Column::Id.eq(attempt.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The reserved attempt failed: it stays counted.
pub fn failed(attempt: Attempt) {
    let _ = attempt.id;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_failures_do_not_block() {
        let now = Utc::now();
        let f: Vec<_> = (1..=4).map(|i| now - Duration::minutes(i)).collect();
        assert_eq!(blocked_until(&f, 5, now), None);
    }

    #[test]
    fn the_fifth_failure_blocks_until_the_oldest_leaves_the_window() {
        let now = Utc::now();
        let f: Vec<_> = (1..=5).map(|i| now - Duration::minutes(i)).collect();
        let until = blocked_until(&f, 5, now).unwrap();
        assert_eq!(
            until,
            now - Duration::minutes(5) + Duration::minutes(WINDOW_MINUTES)
        );
        assert_eq!(minutes_until(until, now), 10);
    }

    #[test]
    fn old_failures_expire() {
        let now = Utc::now();
        let f: Vec<_> = (0..10).map(|i| now - Duration::minutes(16 + i)).collect();
        assert_eq!(blocked_until(&f, 5, now), None);
    }

    #[test]
    fn waiting_time_rounds_up() {
        let now = Utc::now();
        assert_eq!(minutes_until(now + Duration::seconds(1), now), 1);
        assert_eq!(minutes_until(now + Duration::seconds(61), now), 2);
        assert_eq!(minutes_until(now - Duration::seconds(5), now), 1);
    }
}
