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

/// Minutes to wait, rounded up, at least one.
pub fn minutes_until(t: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let secs = (t - now).num_seconds().max(1);
    (secs + 59) / 60
}

async fn failures<C: ConnectionTrait>(
    conn: &C,
    column: login_attempt::Column,
    value: &str,
    max: usize,
    now: DateTime<Utc>,
    success_resets: bool,
) -> Result<Vec<DateTime<Utc>>, DbErr> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let rows = login_attempt::Entity::find()
        .filter(column.eq(value))
        .filter(login_attempt::Column::CreatedAt.gt(since))
        .order_by_desc(login_attempt::Column::CreatedAt)
        .limit(max as u64 + 1)
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

/// When the next attempt for this account or address is allowed, if not now.
pub async fn check<C: ConnectionTrait>(
    conn: &C,
    email: &str,
    client_addr: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let now = Utc::now();
    let by_account = failures(
        conn,
        login_attempt::Column::Email,
        email,
        MAX_FAILURES_PER_ACCOUNT,
        now,
        true,
    )
    .await?;
    let by_addr = failures(
        conn,
        login_attempt::Column::ClientAddr,
        client_addr,
        MAX_FAILURES_PER_ADDRESS,
        now,
        false,
    )
    .await?;
    Ok([
        blocked_until(&by_account, MAX_FAILURES_PER_ACCOUNT, now),
        blocked_until(&by_addr, MAX_FAILURES_PER_ADDRESS, now),
    ]
    .into_iter()
    .flatten()
    .max())
}

pub async fn record<C: ConnectionTrait>(
    conn: &C,
    email: &str,
    client_addr: &str,
    succeeded: bool,
) -> Result<(), DbErr> {
    login_attempt::ActiveModel {
        email: Set(email.chars().take(254).collect()),
        client_addr: Set(client_addr.chars().take(64).collect()),
        succeeded: Set(succeeded),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
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
