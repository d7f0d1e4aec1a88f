//! The isolation matrix's cases: engagements, assessments, answers and evidence, review and decision.

use super::*;

pub(super) fn assessment_cases(c: Caller, ids: &Ids) -> Vec<Case> {
    let me = slug(c);
    vec![
        (
            "list_engagements",
            a(&[]),
            expect(c, 404, &alpha_readers(200)),
        ),
        (
            "create_engagement",
            a(&[
                ("name", &format!("Engagement by {me}")),
                ("description", ""),
            ]),
            expect(c, 404, &alpha_managers(200)),
        ),
        (
            "get_engagement",
            a(&[("engagement_id", &ids.alpha_engagement)]),
            expect(c, 404, &alpha_readers(200)),
        ),
        (
            "get_engagement",
            a(&[("engagement_id", &ids.beta_engagement)]),
            expect(c, 404, &[]),
        ),
        (
            // A due date in the past: refused after the checks of who may send.
            "send_assessment",
            a(&[
                ("engagement_id", &ids.alpha_engagement),
                ("supplier_org_id", "1"),
                ("profile_id", &ids.alpha_profile),
                ("due_on", "2020-01-01"),
                ("message", ""),
            ]),
            expect(c, 404, &alpha_managers(422)),
        ),
        (
            "send_assessment",
            a(&[
                ("engagement_id", &ids.beta_engagement),
                ("supplier_org_id", "1"),
                ("profile_id", &ids.beta_profile),
                ("due_on", "2099-01-01"),
                ("message", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            // A past due date: refused after the checks of who may send.
            "send_assessments",
            a(&[
                ("engagement_id", &ids.alpha_engagement),
                ("profile_id", &ids.alpha_profile),
                ("sends[0][supplier_org_id]", "1"),
                ("sends[0][due_on]", "2020-01-01"),
                ("message", ""),
            ]),
            expect(c, 404, &alpha_managers(422)),
        ),
        (
            "send_assessments",
            a(&[
                ("engagement_id", &ids.beta_engagement),
                ("profile_id", &ids.beta_profile),
                ("sends[0][supplier_org_id]", "1"),
                ("sends[0][due_on]", "2099-01-01"),
                ("message", ""),
            ]),
            expect(c, 404, &[]),
        ),
        ("list_assessments", a(&[]), expect(c, 200, &[])),
        (
            "get_assessment",
            a(&[("assessment_id", &ids.alpha_assessment)]),
            // Sigma's competitor in the same engagement never reads it.
            expect(c, 200, &rho_all(404)),
        ),
        (
            "get_assessment",
            a(&[("assessment_id", &ids.beta_assessment)]),
            expect(c, 404, &[]),
        ),
        (
            "save_answer",
            a(&[
                ("answer_id", &ids.alpha_answer),
                ("version", "0"),
                ("answer[compliance]", "meets"),
                ("answer[countermeasure]", ""),
                ("answer[planned_on]", ""),
                ("answer[na_reason]", ""),
                ("answer[other_party]", ""),
                ("answer[claimed_level]", ""),
                ("answer[statement]", ""),
                ("answer[responsibility_accepted]", ""),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "save_answer",
            a(&[
                ("answer_id", &ids.beta_answer),
                ("version", "0"),
                ("answer[compliance]", "meets"),
                ("answer[countermeasure]", ""),
                ("answer[planned_on]", ""),
                ("answer[na_reason]", ""),
                ("answer[other_party]", ""),
                ("answer[claimed_level]", ""),
                ("answer[statement]", ""),
                ("answer[responsibility_accepted]", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "answer_history",
            a(&[("answer_id", &ids.alpha_answer)]),
            // Sigma's competitor in the same engagement never reads it.
            expect(c, 200, &rho_all(404)),
        ),
        (
            "answer_history",
            a(&[("answer_id", &ids.beta_answer)]),
            expect(c, 404, &[]),
        ),
        (
            "assign_answer",
            a(&[("answer_id", &ids.alpha_answer), ("assignee", "")]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "assign_answer",
            a(&[("answer_id", &ids.beta_answer), ("assignee", "")]),
            expect(c, 404, &[]),
        ),
        (
            "prefill_answers",
            a(&[("assessment_id", &ids.alpha_assessment)]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "prefill_answers",
            a(&[("assessment_id", &ids.beta_assessment)]),
            expect(c, 404, &[]),
        ),
        (
            // Incomplete: refused with what is missing, after the access checks.
            "submit_assessment",
            a(&[("assessment_id", &ids.alpha_assessment)]),
            expect(c, 404, &sigma_editors(422)),
        ),
        (
            "submit_assessment",
            a(&[("assessment_id", &ids.beta_assessment)]),
            expect(c, 404, &[]),
        ),
        (
            // In progress: nothing to reopen.
            "change_assessment",
            a(&[
                ("assessment_id", &ids.alpha_assessment),
                ("change", "reopen"),
            ]),
            expect(c, 404, &alpha_managers(409)),
        ),
        (
            "change_assessment",
            a(&[
                ("assessment_id", &ids.beta_assessment),
                ("change", "withdraw"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "add_evidence_link",
            a(&[
                ("answer_id", &ids.alpha_answer),
                ("title", "Policy"),
                ("url", "https://sigma.example/p"),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "add_evidence_link",
            a(&[
                ("answer_id", &ids.beta_answer),
                ("title", "Policy"),
                ("url", "https://x.example/p"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "add_evidence_certificate",
            a(&[
                ("answer_id", &ids.alpha_answer),
                ("scheme", "ISASecure CSA"),
                ("level", "SL 2"),
                ("scope", ""),
                ("issuer", "exida"),
                ("expires_on", "2030-01-01"),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "add_evidence_certificate",
            a(&[
                ("answer_id", &ids.beta_answer),
                ("scheme", "ISASecure CSA"),
                ("level", "SL 2"),
                ("scope", ""),
                ("issuer", "exida"),
                ("expires_on", "2030-01-01"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "remove_evidence",
            a(&[("evidence_id", &ids.beta_evidence)]),
            expect(c, 404, &[]),
        ),
        (
            // Not yet submitted: nothing to review.
            "begin_review",
            a(&[("assessment_id", &ids.alpha_assessment)]),
            expect(c, 404, &alpha_reviewers(409)),
        ),
        (
            "begin_review",
            a(&[("assessment_id", &ids.beta_assessment)]),
            expect(c, 404, &[]),
        ),
        (
            "review_answer",
            a(&[("answer_id", &ids.alpha_answer), ("status", "accepted")]),
            expect(c, 404, &alpha_reviewers(409)),
        ),
        (
            "review_answer",
            a(&[("answer_id", &ids.beta_answer), ("status", "accepted")]),
            expect(c, 404, &[]),
        ),
        (
            // Suppliers get shared comments only (the markers check it).
            "list_comments",
            a(&[("assessment_id", &ids.alpha_assessment)]),
            // Sigma's competitor in the same engagement never reads it.
            expect(c, 200, &rho_all(404)),
        ),
        (
            "list_comments",
            a(&[("assessment_id", &ids.beta_assessment)]),
            expect(c, 404, &[]),
        ),
        (
            "add_comment",
            a(&[
                ("answer_id", &ids.alpha_answer),
                ("visibility", "shared"),
                ("body", "Noted."),
            ]),
            expect(
                c,
                404,
                &[
                    (Alpha(Role::Admin), 200),
                    (Alpha(Role::Reviewer), 200),
                    (Sigma(Role::Admin), 200),
                    (Sigma(Role::Contributor), 200),
                    // Assessors write internal comments only.
                    (Kappa(Role::Admin), 422),
                ],
            ),
        ),
        (
            "add_comment",
            a(&[
                ("answer_id", &ids.alpha_answer),
                ("visibility", "internal"),
                ("body", "Assessor's note."),
            ]),
            expect(
                c,
                404,
                &[
                    (Alpha(Role::Admin), 200),
                    (Alpha(Role::Reviewer), 200),
                    (Sigma(Role::Admin), 422),
                    (Sigma(Role::Contributor), 422),
                    (Kappa(Role::Admin), 200),
                ],
            ),
        ),
        (
            "add_comment",
            a(&[
                ("answer_id", &ids.beta_answer),
                ("visibility", "shared"),
                ("body", "Noted."),
            ]),
            expect(c, 404, &[]),
        ),
        (
            // No verdicts yet: refused after the access checks.
            "request_changes",
            a(&[("assessment_id", &ids.alpha_assessment)]),
            expect(c, 404, &alpha_reviewers(422)),
        ),
        (
            "request_changes",
            a(&[("assessment_id", &ids.beta_assessment)]),
            expect(c, 404, &[]),
        ),
        (
            "decide_assessment",
            a(&[
                ("assessment_id", &ids.alpha_assessment),
                ("decision", "accept"),
                ("rationale", "Fine."),
                ("conditions", ""),
            ]),
            expect(c, 404, &alpha_reviewers(409)),
        ),
        (
            "decide_assessment",
            a(&[
                ("assessment_id", &ids.beta_assessment),
                ("decision", "accept"),
                ("rationale", "Fine."),
                ("conditions", ""),
            ]),
            expect(c, 404, &[]),
        ),
        // Recurring re-assessment: Alpha's managers, on an accepted
        // assessment only (Alpha's is still being answered).
        (
            "set_renewal",
            a(&[
                ("assessment_id", &ids.alpha_assessment),
                ("every_months", "12"),
            ]),
            expect(c, 404, &alpha_managers(409)),
        ),
        (
            "set_renewal",
            a(&[
                ("assessment_id", &ids.beta_assessment),
                ("every_months", "12"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "compare_suppliers",
            a(&[("engagement_id", &ids.alpha_engagement)]),
            expect(c, 404, &alpha_readers(200)),
        ),
        (
            "compare_suppliers",
            a(&[("engagement_id", &ids.beta_engagement)]),
            expect(c, 404, &[]),
        ),
        (
            // An invalid address: refused after the checks of who may invite.
            "invite_assessor",
            a(&[
                ("engagement_id", &ids.alpha_engagement),
                ("name", "Some Assessor"),
                ("admin_email", "not-an-address"),
            ]),
            expect(c, 404, &alpha_managers(422)),
        ),
        (
            "invite_assessor",
            a(&[
                ("engagement_id", &ids.beta_engagement),
                ("name", "Kappa Assurance"),
                ("admin_email", "admin@kappa.test"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "list_assessor_invitations",
            a(&[("engagement_id", &ids.alpha_engagement)]),
            expect(c, 404, &alpha_managers(200)),
        ),
        (
            "list_assessor_invitations",
            a(&[("engagement_id", &ids.beta_engagement)]),
            expect(c, 404, &[]),
        ),
        (
            "get_gap",
            a(&[("assessment_id", &ids.alpha_assessment)]),
            expect(c, 404, &alpha_readers(200)),
        ),
        (
            "get_gap",
            a(&[("assessment_id", &ids.beta_assessment)]),
            expect(c, 404, &[]),
        ),
        (
            // Not a workbook: refused after the checks of who may upload.
            "preview_answer_sheet",
            a(&[
                ("assessment_id", &ids.alpha_assessment),
                ("file:a.xlsx", "not a zip"),
            ]),
            expect(c, 404, &sigma_editors(422)),
        ),
        (
            "preview_answer_sheet",
            a(&[
                ("assessment_id", &ids.beta_assessment),
                ("file:a.xlsx", "not a zip"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "apply_answer_sheet",
            a(&[
                ("assessment_id", &ids.alpha_assessment),
                ("file:a.xlsx", "not a zip"),
            ]),
            expect(c, 404, &sigma_editors(422)),
        ),
        (
            "apply_answer_sheet",
            a(&[
                ("assessment_id", &ids.beta_assessment),
                ("file:a.xlsx", "not a zip"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "upload_evidence",
            a(&[
                ("answer_id", &ids.alpha_answer),
                ("file:note.txt", "more evidence"),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "upload_evidence",
            a(&[
                ("answer_id", &ids.beta_answer),
                ("file:note.txt", "more evidence"),
            ]),
            expect(c, 404, &[]),
        ),
    ]
}
