//! The isolation matrix's cases: who the caller is, the organization, its members, invitations and suppliers.

use super::*;

pub(super) fn organization_cases(c: Caller, ids: &Ids) -> Vec<Case> {
    let me = slug(c);
    vec![
        ("me", a(&[]), expect(c, 200, &[])),
        ("organization_overview", a(&[]), expect(c, 200, &[])),
        ("list_members", a(&[]), expect(c, 200, &[])),
        (
            "change_member_role",
            a(&[("membership_id", &ids.alpha_member), ("role", "viewer")]),
            expect(c, 404, &[(Alpha(Role::Admin), 200)]),
        ),
        (
            "change_member_role",
            a(&[("membership_id", &ids.beta_member), ("role", "admin")]),
            expect(c, 404, &[]),
        ),
        (
            "set_member_active",
            a(&[("membership_id", &ids.alpha_member), ("active", "true")]),
            expect(c, 404, &[(Alpha(Role::Admin), 200)]),
        ),
        (
            "set_member_active",
            a(&[("membership_id", &ids.beta_member), ("active", "false")]),
            expect(c, 404, &[]),
        ),
        ("list_invitations", a(&[]), admin_only(c)),
        (
            "invite_member",
            a(&[("email", &format!("{me}@matrix.test")), ("role", "viewer")]),
            admin_only(c),
        ),
        (
            "renew_invitation",
            a(&[("invitation_id", &ids.alpha_invitation)]),
            expect(c, 404, &[(Alpha(Role::Admin), 200)]),
        ),
        (
            "renew_invitation",
            a(&[("invitation_id", &ids.beta_invitation)]),
            expect(c, 404, &[]),
        ),
        (
            "revoke_invitation",
            a(&[("invitation_id", &ids.beta_invitation)]),
            expect(c, 404, &[]),
        ),
        (
            "list_suppliers",
            a(&[]),
            expect(
                c,
                200,
                &[
                    (Sigma(Role::Admin), 404),
                    (Sigma(Role::Contributor), 404),
                    (Kappa(Role::Admin), 404),
                    (Kappa(Role::Viewer), 404),
                    (Rho(Role::Admin), 404),
                    (Rho(Role::Contributor), 404),
                    (Rho(Role::Viewer), 404),
                ],
            ),
        ),
        (
            "invite_supplier",
            a(&[
                ("name", &format!("Matrix {me}")),
                ("kind", "product_supplier"),
                ("admin_email", &format!("{me}@matrix-supplier.test")),
            ]),
            expect(c, 404, &[(Alpha(Role::Admin), 200)]),
        ),
        (
            "list_supplier_invitations",
            a(&[]),
            expect(c, 404, &[(Alpha(Role::Admin), 200)]),
        ),
        (
            "renew_partner_invitation",
            a(&[("invitation_id", &ids.alpha_partner_invitation)]),
            expect(c, 404, &[(Alpha(Role::Admin), 200)]),
        ),
        (
            "renew_partner_invitation",
            a(&[("invitation_id", &ids.beta_partner_invitation)]),
            expect(c, 404, &[]),
        ),
        (
            "revoke_partner_invitation",
            a(&[("invitation_id", &ids.beta_partner_invitation)]),
            expect(c, 404, &[]),
        ),
        (
            "revoke_partner_invitation",
            a(&[("invitation_id", &ids.alpha_partner_invitation)]),
            expect(c, 404, &[(Alpha(Role::Admin), 200)]),
        ),
        // The link's token is the credential: a wrong one tells nothing,
        // whoever asks.
        (
            "get_partner_invitation",
            a(&[("token", "x".repeat(43).as_str())]),
            anyone(422),
        ),
        (
            "accept_partner_invitation",
            a(&[
                ("token", "x".repeat(43).as_str()),
                ("org", &ids.beta_org),
                ("org_name", ""),
                ("display_name", ""),
                ("password", ""),
            ]),
            anyone(422),
        ),
        ("list_outbox", a(&[]), admin_only(c)),
        ("storage_usage", a(&[]), admin_only(c)),
        ("list_audit_events", a(&[]), admin_only(c)),
    ]
}
