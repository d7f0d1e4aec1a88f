//! What day it is, from a clock the server can replace in tests.

use chrono::NaiveDate;

/// Today's date, from a clock the server can replace in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> chrono::DateTime<chrono::Utc>;
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

/// A clock that says what it is told: for tests of dates.
pub struct FixedClock(pub std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl FixedClock {
    pub fn at(day: NaiveDate) -> Self {
        FixedClock(std::sync::Mutex::new(
            day.and_hms_opt(9, 0, 0).expect("valid time").and_utc(),
        ))
    }

    pub fn set(&self, day: NaiveDate) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) =
            day.and_hms_opt(9, 0, 0).expect("valid time").and_utc();
    }
}

impl FixedClock {
    /// Moves the clock on by `by`, for tests of what happens later.
    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
