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

/// A password attempt, written before its password is checked. It counts as
/// a failure for every later attempt until [`succeeded`] says otherwise.
#[derive(Debug)]
#[must_use = "an attempt counts as a failure unless marked succeeded"]
pub struct Attempt {
    id: i64,
    key: String,
    client_addr: String,
}

/// Attempts this young may still be checking their password; the quick
/// check before hashing leaves them out, so a burst of one user's own
/// sign-ins does not block itself. [`admit`] counts them.
const IN_FLIGHT_SECS: i64 = 5;
/// How long a blocked attempt waits for earlier ones to be decided.
const BLOCKED_WAITS_MS: i64 = 2000;

/// Writes an attempt for this account key and client address before its
/// password is checked — or, when the account or address is already
/// blocked by earlier failures, says until when (and nothing is hashed).
pub async fn reserve<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    client_addr: &str,
) -> Result<Result<Attempt, DateTime<Utc>>, DbErr> {
    let now = Utc::now();
    let key: String = key.chars().take(254).collect();
    let client_addr: String = client_addr.chars().take(64).collect();
    if let Some(until) = blocked(conn, &key, &client_addr, None, now).await? {
        return Ok(Err(until));
    }
    let row = login_attempt::ActiveModel {
        email: Set(key.clone()),
        client_addr: Set(client_addr.clone()),
        succeeded: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(Ok(Attempt {
        id: row.id,
        key,
        client_addr,
    }))
}

/// Decides, once the password was checked, whether the attempt may have
/// its answer: only if the attempts written before it (failed, or still
/// checking) leave room. Of any number of attempts at once, the k-th
/// written counts the k − 1 before it, so no more than the allowed number
/// are answered, whatever the interleaving; one user's own burst of
/// sign-ins passes, because a blocked attempt waits (two seconds at most)
/// for earlier ones to succeed. A refused attempt's row goes again.
pub async fn admit<C: ConnectionTrait>(
    conn: &C,
    attempt: &Attempt,
) -> Result<Result<(), DateTime<Utc>>, DbErr> {
    // A blocked attempt waits (a few seconds at most) for the attempts in
    // flight before it to be decided: those that succeed stop counting, so
    // one user's own burst of sign-ins passes; failed ones never change.
    // Every blocked attempt waits alike, right secret or wrong, so the time
    // of a refusal tells a guesser nothing.
    let deadline = Utc::now() + Duration::milliseconds(BLOCKED_WAITS_MS);
    loop {
        let now = Utc::now();
        match blocked(
            conn,
            &attempt.key,
            &attempt.client_addr,
            Some(attempt.id),
            now,
        )
        .await?
        {
            None => return Ok(Ok(())),
            Some(_) if now < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Some(until) => {
                login_attempt::Entity::delete_by_id(attempt.id)
                    .exec(conn)
                    .await?;
                return Ok(Err(until));
            }
        }
    }
}

/// Until when the account or address is blocked: counting the attempts
/// written before `before` (every one, in-flight ones too), or, without
/// it, only those old enough to have been decided.
async fn blocked<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    client_addr: &str,
    before: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let settled = now - Duration::seconds(IN_FLIGHT_SECS);
    let count = |column: login_attempt::Column, value: &str, max: usize, resets: bool| {
        let mut q = login_attempt::Entity::find()
            .filter(column.eq(value))
            .filter(login_attempt::Column::CreatedAt.gt(since));
        q = match before {
            Some(id) => q.filter(login_attempt::Column::Id.lt(id)),
            None => q.filter(
                sea_orm::Condition::any()
                    .add(login_attempt::Column::Succeeded.eq(true))
                    .add(login_attempt::Column::CreatedAt.lt(settled)),
            ),
        };
        let q = q
            .order_by_desc(login_attempt::Column::Id)
            .limit(max as u64 + 1);
        async move {
            let rows = q.all(conn).await?;
            let failures: Vec<DateTime<Utc>> = rows
                .into_iter()
                .take_while(|r| !r.succeeded || !resets)
                .filter(|r| !r.succeeded)
                .map(|r| r.created_at)
                .collect();
            Ok::<_, DbErr>(blocked_until(&failures, max, now))
        }
    };
    let by_account = count(
        login_attempt::Column::Email,
        key,
        MAX_FAILURES_PER_ACCOUNT,
        true,
    )
    .await?;
    let by_addr = count(
        login_attempt::Column::ClientAddr,
        client_addr,
        MAX_FAILURES_PER_ADDRESS,
        false,
    )
    .await?;
    Ok([by_account, by_addr].into_iter().flatten().max())
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
