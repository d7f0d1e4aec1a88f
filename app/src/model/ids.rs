//! Typed ids: an `AssessmentId` cannot be passed where an `EngagementId` is
//! meant. On the server they are also the entities' column types.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    OrgId,
    UserId,
    MembershipId,
    InvitationId,
    PartnerInvitationId,
    EngagementId,
    AssessmentId,
    AnswerId,
    EvidenceId,
    CommitmentId,
    CatalogId,
    RequirementId,
    ProfileId,
    ProfileItemId,
);
