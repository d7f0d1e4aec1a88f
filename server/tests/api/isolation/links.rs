//! The isolation matrix's cases: links that work without a session: invitations and password reset.

use super::*;

pub(super) fn link_cases(c: Caller, ids: &Ids) -> Vec<Case> {
    vec![
        (
            "switch_organization",
            a(&[("org_id", &ids.beta_org)]),
            expect(c, 404, &[]),
        ),
        (
            "change_password",
            a(&[
                ("current_password", "not-my-password-at-all"),
                ("new_password", "harbor-quill-mosaic-36"),
            ]),
            expect(c, 422, &[]),
        ),
        (
            "request_password_reset",
            a(&[("email", "ghost@matrix.test")]),
            anyone(200),
        ),
        (
            "reset_password",
            a(&[
                ("token", &"A".repeat(43)),
                ("password", "harbor-quill-mosaic-36"),
            ]),
            anyone(422),
        ),
        (
            "get_invitation",
            a(&[("token", &"A".repeat(43))]),
            anyone(422),
        ),
        (
            "accept_invitation",
            a(&[
                ("token", &"A".repeat(43)),
                ("display_name", "X"),
                ("password", "harbor-quill-mosaic-36"),
            ]),
            anyone(422),
        ),
    ]
}
