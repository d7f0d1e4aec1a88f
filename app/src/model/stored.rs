//! Closed sets of names (statuses, kinds, roles) kept in text columns. Each
//! enum lists its values once, in `ALL`, and names each once, in `as_str`;
//! the database, the wire and the forms all use that name. On the server the
//! enums are the entities' column types (`sea_orm::DeriveValueType` with
//! [`name`] and [`from_name`]), so no service compares a status with a
//! string literal.

use std::fmt;

/// An enum stored under its names.
pub trait Stored: Copy + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
}

/// The stored name of `v` (what the database and the wire hold).
pub fn name<T: Stored>(v: &T) -> &'static str {
    v.name()
}

/// The value stored as `s`; an unknown name is an error (a row written by
/// something other than Pactline).
pub fn from_name<T: Stored>(s: &str) -> Result<T, UnknownName> {
    T::ALL
        .iter()
        .copied()
        .find(|v| v.name() == s)
        .ok_or_else(|| UnknownName(s.chars().take(40).collect()))
}

/// A stored name no enum value has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName(pub String);

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown stored name {:?}", self.0)
    }
}

impl std::error::Error for UnknownName {}

/// Implements [`Stored`] from an enum's own `ALL` and `as_str`.
macro_rules! stored {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::model::Stored for $t {
            const ALL: &'static [Self] = &<$t>::ALL;
            fn name(self) -> &'static str {
                self.as_str()
            }
        }
    )*};
}

use super::{
    AssessmentStatus, CommitmentSource, CommitmentStatus, Compliance, Duty, MailDelivery,
    MailTopic, Party, ProfileStatus, ReviewStatus, Role, StanceKind, TargetKind, Visibility,
};

stored!(
    AssessmentStatus,
    CommitmentSource,
    CommitmentStatus,
    Compliance,
    Duty,
    MailDelivery,
    MailTopic,
    Party,
    ProfileStatus,
    ReviewStatus,
    Role,
    StanceKind,
    TargetKind,
    Visibility,
);
