//! What an actor may do with an assessment, computed once: from the side it
//! is on, its role, its organization's kinds and the assessment's status.
//! Services authorize with it, the assessment's DTO carries it, and pages
//! render from it — none of them re-codes the rule.

use super::{AssessmentStatus, OrgKind, Permission, Role, Side, Transition};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentAbilities {
    /// Change answers and their evidence, assign them, pre-fill, upload a sheet.
    pub answer: bool,
    pub submit: bool,
    /// Give verdicts, start the review, ask for changes, decide.
    pub review: bool,
    /// Add comments to the answers' threads.
    pub comment: bool,
    /// Comments may be internal (never shown to the supplier).
    pub comment_internal: bool,
    /// Write a commitment by hand.
    pub commit: bool,
    pub reopen: bool,
    pub withdraw: bool,
}

/// The abilities of an actor of `role` in an organization of `kinds`, on
/// `side` of an assessment in `status`. Pure; the table is unit-tested.
pub fn assessment_abilities(
    side: Side,
    role: Role,
    kinds: &[OrgKind],
    status: AssessmentStatus,
) -> AssessmentAbilities {
    let may = |p| role.may(p, kinds);
    let moves = |t| status.next(t, side).is_ok();
    let live = status != AssessmentStatus::Withdrawn;
    match side {
        Side::Supplier => {
            let answers = may(Permission::AnswerAssessments);
            AssessmentAbilities {
                answer: answers && status.supplier_may_edit(),
                submit: answers && moves(Transition::Submit),
                comment: answers,
                commit: answers && live,
                ..Default::default()
            }
        }
        Side::Owner => {
            let reviews = may(Permission::ReviewAssessments);
            let manages = may(Permission::ManageEngagements);
            AssessmentAbilities {
                review: reviews,
                comment: reviews,
                comment_internal: reviews,
                commit: (reviews || manages) && live,
                reopen: manages && moves(Transition::Reopen),
                withdraw: manages && moves(Transition::Withdraw),
                ..Default::default()
            }
        }
        Side::Assessor => {
            let assesses = may(Permission::AssessEngagements);
            AssessmentAbilities {
                comment: assesses,
                comment_internal: assesses,
                ..Default::default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssessmentStatus as S;

    const OWNER: &[OrgKind] = &[OrgKind::AssetOwner];
    const SUPPLIER: &[OrgKind] = &[OrgKind::ProductSupplier];
    const ASSESSOR: &[OrgKind] = &[OrgKind::Assessor];

    fn can(side: Side, role: Role, kinds: &[OrgKind], status: S) -> Vec<&'static str> {
        let a = assessment_abilities(side, role, kinds, status);
        [
            ("answer", a.answer),
            ("submit", a.submit),
            ("review", a.review),
            ("comment", a.comment),
            ("comment_internal", a.comment_internal),
            ("commit", a.commit),
            ("reopen", a.reopen),
            ("withdraw", a.withdraw),
        ]
        .into_iter()
        .filter(|(_, yes)| *yes)
        .map(|(n, _)| n)
        .collect()
    }

    #[test]
    fn the_table() {
        use Role::*;
        use Side::*;
        /// Side, role, kinds, status, and what they may do.
        type Row<'a> = (Side, Role, &'a [OrgKind], S, &'a [&'a str]);
        let rows: &[Row] = &[
            // The supplier's answerers, while answering and once submitted.
            (
                Supplier,
                Admin,
                SUPPLIER,
                S::InProgress,
                &["answer", "submit", "comment", "commit"],
            ),
            (
                Supplier,
                Contributor,
                SUPPLIER,
                S::Sent,
                &["answer", "submit", "comment", "commit"],
            ),
            (
                Supplier,
                Contributor,
                SUPPLIER,
                S::Submitted,
                &["comment", "commit"],
            ),
            (
                Supplier,
                Contributor,
                SUPPLIER,
                S::ChangesRequested,
                &["answer", "submit", "comment", "commit"],
            ),
            (Supplier, Contributor, SUPPLIER, S::Withdrawn, &["comment"]),
            // A supplier's viewer and reviewer read only.
            (Supplier, Viewer, SUPPLIER, S::InProgress, &[]),
            (Supplier, Reviewer, SUPPLIER, S::InProgress, &[]),
            // The asset owner's reviewer reviews; every owner role but viewer
            // manages the engagement (reopens, withdraws).
            (
                Owner,
                Reviewer,
                OWNER,
                S::Submitted,
                &[
                    "review",
                    "comment",
                    "comment_internal",
                    "commit",
                    "reopen",
                    "withdraw",
                ],
            ),
            (
                Owner,
                Admin,
                OWNER,
                S::Submitted,
                &[
                    "review",
                    "comment",
                    "comment_internal",
                    "commit",
                    "reopen",
                    "withdraw",
                ],
            ),
            (
                Owner,
                Contributor,
                OWNER,
                S::Submitted,
                &["commit", "reopen", "withdraw"],
            ),
            (
                Owner,
                Contributor,
                OWNER,
                S::InProgress,
                &["commit", "withdraw"],
            ),
            (
                Owner,
                Admin,
                OWNER,
                S::Withdrawn,
                &["review", "comment", "comment_internal"],
            ),
            (Owner, Viewer, OWNER, S::Submitted, &[]),
            // Assessors comment internally and change nothing else.
            (
                Assessor,
                Contributor,
                ASSESSOR,
                S::Submitted,
                &["comment", "comment_internal"],
            ),
            (
                Assessor,
                Admin,
                ASSESSOR,
                S::InProgress,
                &["comment", "comment_internal"],
            ),
            (Assessor, Viewer, ASSESSOR, S::Submitted, &[]),
        ];
        for (side, role, kinds, status, want) in rows {
            assert_eq!(
                can(*side, *role, kinds, *status),
                want.to_vec(),
                "{side:?} {role:?} {status:?}"
            );
        }
    }
}
