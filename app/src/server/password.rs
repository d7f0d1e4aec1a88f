//! Password hashing (argon2id) and the password policy.
//!
//! Hashing is deliberately expensive, so it runs on blocking threads and at
//! most `hash_concurrency` at once: a burst of logins queues here instead of
//! starving every other request of CPU.

use crate::model::{check_password_shape, AppError};
use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, OnceLock,
};
use tokio::sync::Semaphore;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters"),
    )
}

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Compared against when the account does not exist, so that an unknown
/// e-mail costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&crate::server::tokens::new_token()).expect("hash"))
}

/// How many hashes may wait for a thread, per permit, before new ones are
/// turned away: a flood of anonymous sign-ins is answered 429 at once
/// instead of queueing ahead of real users for minutes.
const QUEUE_PER_PERMIT: usize = 16;

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Hashes running or waiting, and how many of those are allowed.
    in_line: Arc<AtomicUsize>,
    max_in_line: usize,
}

/// Leaves the line when dropped, however the hash ended.
struct InLine(Arc<AtomicUsize>);

impl Drop for InLine {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn busy() -> AppError {
    AppError::RateLimited {
        message: "Pactline is busy signing people in. Try again in a few seconds.".into(),
        retry_after_secs: 5,
    }
}

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        // Pay for the dummy hash at start-up, not in the first login.
        let _ = dummy_hash();
        let concurrency = concurrency.max(1);
        Hasher {
            permits: Arc::new(Semaphore::new(concurrency)),
            in_line: Arc::new(AtomicUsize::new(0)),
            max_in_line: concurrency * (QUEUE_PER_PERMIT + 1),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        if self.in_line.fetch_add(1, Ordering::AcqRel) >= self.max_in_line {
            self.in_line.fetch_sub(1, Ordering::AcqRel);
            tracing::warn!("password hash queue full; sign-in turned away");
            return Err(busy());
        }
        let _in_line = InLine(self.in_line.clone());
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore never closed");
        Ok(tokio::task::spawn_blocking(f)
            .await
            .expect("hashing task panicked"))
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || hash_blocking(&password))
            .await?
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                AppError::Internal {
                    request_id: "hash".into(),
                }
            })
    }

    /// Verifies against `hash`, or against a dummy when there is no account.
    /// `RateLimited` when too many hashes are already waiting.
    pub async fn verify(&self, password: &str, hash: Option<String>) -> Result<bool, AppError> {
        let password = password.to_owned();
        let known = hash.is_some();
        let ok = self
            .run(move || verify_blocking(&password, hash.as_deref().unwrap_or(dummy_hash())))
            .await?;
        Ok(known && ok)
    }
}

/// The whole policy: length 12–128, and not a common or easily guessed
/// password (zxcvbn's dictionaries of leaked passwords, names and patterns;
/// `context` holds words such as the user's e-mail that make it guessable).
pub fn check_policy(password: &str, context: &[&str]) -> Result<(), AppError> {
    check_password_shape(password).map_err(|m| AppError::invalid("password", m))?;
    // Words of the user's own name and address, which an attacker tries first.
    let words: Vec<String> = context
        .iter()
        .flat_map(|c| c.split(|ch: char| !ch.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    let mut rest = password.to_lowercase();
    for w in &words {
        rest = rest.replace(w.as_str(), "");
    }
    if rest.chars().filter(|c| c.is_alphabetic()).count() < 6 {
        return Err(AppError::invalid(
            "password",
            "This password is mostly your name or e-mail address. Try a few unrelated words.",
        ));
    }
    let word_refs: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .chain(context.iter().copied())
        .collect();
    let estimate = zxcvbn::zxcvbn(password, &word_refs);
    if u8::from(estimate.score()) < 3 {
        return Err(AppError::invalid(
            "password",
            "This password is too common or too easy to guess. Try a few unrelated words.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_rejected() {
        for p in [
            "password1234",
            "123456789012",
            "qwertyuiop12",
            "Password1234!",
            "iloveyou1234",
        ] {
            assert!(check_policy(p, &[]).is_err(), "{p} should be rejected");
        }
    }

    #[test]
    fn passwords_built_from_the_users_email_are_rejected() {
        assert!(check_policy(
            "ada.lovelace2024",
            &["ada.lovelace@example.com", "ada", "lovelace"]
        )
        .is_err());
    }

    #[test]
    fn long_unusual_passphrases_pass_without_composition_rules() {
        assert!(check_policy("copper kettle drifts at noon", &[]).is_ok());
        assert!(check_policy("gravel-orchid-tandem-87", &[]).is_ok());
    }

    #[test]
    fn length_is_checked_first() {
        let e = check_policy("x7#Qz!", &[]).unwrap_err();
        assert!(e.field("password").unwrap().contains("at least 12"));
        assert!(check_policy(&"correct horse ".repeat(10), &[]).is_err());
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_blocking("copper kettle drifts at noon").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking("copper kettle drifts at noon", &h));
        assert!(!verify_blocking("copper kettle drifts at noon!", &h));
        assert!(!verify_blocking("anything", "not a hash"));
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let hasher = Hasher::new(1);
        assert!(!hasher.verify("whatever it is", None).await.unwrap());
        let h = hasher.hash("copper kettle drifts at noon").await.unwrap();
        assert!(hasher
            .verify("copper kettle drifts at noon", Some(h))
            .await
            .unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_turns_hashes_away_at_once() {
        let hasher = Hasher::new(1);
        let line = hasher.max_in_line;
        let waiting: Vec<_> = (0..line)
            .map(|_| {
                let h = hasher.clone();
                tokio::spawn(async move { h.verify("some password here", None).await })
            })
            .collect();
        // Wait until every one of them is in line.
        while hasher.in_line.load(Ordering::Acquire) < line {
            tokio::task::yield_now().await;
        }
        let started = std::time::Instant::now();
        let e = hasher.verify("one more", None).await.unwrap_err();
        assert!(
            matches!(
                e,
                AppError::RateLimited {
                    retry_after_secs: 5,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
        for w in waiting {
            assert!(!w.await.unwrap().unwrap());
        }
        // The line empties again.
        assert_eq!(hasher.in_line.load(Ordering::Acquire), 0);
        assert!(!hasher.verify("later", None).await.unwrap());
    }
}
