//! The isolation matrix's cases: commitments, the responsibility matrix, notifications, reminders, calendar, dashboards.

use super::*;

pub(super) fn commitment_cases(c: Caller, ids: &Ids) -> Vec<Case> {
    let me = slug(c);
    vec![
        ("list_commitments", a(&[]), expect(c, 200, &[])),
        (
            // Alpha's people, its assessor and its supplier Sigma.
            "list_commitments",
            a(&[("engagement_id", &ids.alpha_engagement)]),
            expect(c, 200, &[]),
        ),
        (
            "list_commitments",
            a(&[("engagement_id", &ids.beta_engagement)]),
            expect(c, 404, &[]),
        ),
        (
            "create_commitment",
            a(&[
                ("assessment_id", &ids.alpha_assessment),
                ("promisor", "supplier"),
                ("requirement", ""),
                ("title", &format!("Promise by {me}")),
                ("due_on", ""),
            ]),
            expect(c, 404, &{
                let mut v = alpha_managers(200);
                v.extend(sigma_editors(200));
                v
            }),
        ),
        (
            "create_commitment",
            a(&[
                ("assessment_id", &ids.beta_assessment),
                ("promisor", "supplier"),
                ("requirement", ""),
                ("title", "Sneaky promise"),
                ("due_on", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            // Waiving needs a reason: refused after the checks of who may
            // (only the owner waives; the supplier gets the reason why not).
            "commitment_action",
            a(&[
                ("commitment_id", &ids.alpha_commitment),
                ("action", "waive"),
                ("note", ""),
                ("link", ""),
            ]),
            expect(c, 404, &{
                let mut v = alpha_managers(422);
                v.extend(sigma_editors(409));
                v
            }),
        ),
        (
            "commitment_action",
            a(&[
                ("commitment_id", &ids.beta_commitment),
                ("action", "agree"),
                ("note", ""),
                ("link", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "get_matrix",
            a(&[("engagement_id", &ids.alpha_engagement)]),
            expect(c, 200, &[]),
        ),
        (
            "get_matrix",
            a(&[("engagement_id", &ids.beta_engagement)]),
            expect(c, 404, &[]),
        ),
        (
            // Shared without saying how: refused after the access checks.
            "assign_responsibility",
            a(&[
                ("engagement_id", &ids.alpha_engagement),
                ("requirement_id", &ids.alpha_requirement),
                ("column", "0"),
                ("duty", "shared"),
                ("split", ""),
            ]),
            expect(c, 404, &alpha_managers(422)),
        ),
        (
            "assign_responsibility",
            a(&[
                ("engagement_id", &ids.beta_engagement),
                ("requirement_id", &ids.beta_requirement),
                ("column", "0"),
                ("duty", "responsible"),
                ("split", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "respond_responsibility",
            a(&[
                ("engagement_id", &ids.alpha_engagement),
                ("requirement_id", &ids.alpha_requirement),
                ("stance", "propose"),
                ("duty", "shared"),
                ("split", ""),
                ("note", ""),
            ]),
            // Both suppliers of the engagement answer its matrix (each its
            // own row).
            expect(c, 404, &[sigma_editors(422), rho_editors(422)].concat()),
        ),
        (
            "respond_responsibility",
            a(&[
                ("engagement_id", &ids.beta_engagement),
                ("requirement_id", &ids.beta_requirement),
                ("stance", "accept"),
                ("duty", ""),
                ("split", ""),
                ("note", ""),
            ]),
            expect(c, 404, &[]),
        ),
        ("list_notifications", a(&[]), expect(c, 200, &[])),
        ("unread_notifications", a(&[]), expect(c, 200, &[])),
        (
            "mark_notifications_read",
            a(&[("id", &ids.beta_notification)]),
            expect(c, 404, &[]),
        ),
        ("mark_notifications_read", a(&[]), expect(c, 200, &[])),
        ("get_reminder_days", a(&[]), expect(c, 200, &[])),
        // One's own sessions: every signed-in user, nobody else's (another
        // user's reference, or one made up, is not found).
        ("list_sessions", a(&[]), expect(c, 200, &[])),
        (
            "end_session",
            a(&[("session", "0123456789abcdef")]),
            expect(c, 404, &[]),
        ),
        ("end_other_sessions", a(&[]), expect(c, 200, &[])),
        // One's own second factor: every signed-in user, for themselves.
        ("get_second_factor", a(&[]), expect(c, 200, &[])),
        ("begin_second_factor", a(&[]), expect(c, 200, &[])),
        (
            "confirm_second_factor",
            a(&[("code", "000000")]),
            expect(c, 422, &[]),
        ),
        (
            // Not on: nothing to turn off.
            "disable_second_factor",
            a(&[("password", "x"), ("code", "000000")]),
            expect(c, 422, &[]),
        ),
        (
            // Lifting the rule (no second factor needed to do that): admins only.
            "set_second_factor_policy",
            a(&[]),
            admin_only(c),
        ),
        (
            // Nobody's second factor is on in the matrix's world: an admin
            // learns that of its own members only; anyone else finds nothing.
            "reset_member_second_factor",
            a(&[("membership_id", &ids.alpha_member)]),
            expect(c, 404, &[(Alpha(Role::Admin), 422)]),
        ),
        (
            "reset_member_second_factor",
            a(&[("membership_id", &ids.beta_member)]),
            expect(c, 404, &[]),
        ),
        // One's own passkeys: every signed-in user, nobody else's (an id
        // that is not theirs is not found; an answer that is no passkey
        // response is refused).
        ("list_passkeys", a(&[]), expect(c, 200, &[])),
        // (The matrix's server is reached by an IP address, where browsers
        // allow no passkeys: every signed-in user is told so.)
        ("begin_passkey", a(&[]), expect(c, 422, &[])),
        (
            "finish_passkey",
            a(&[("token", "x"), ("name", "Key"), ("credential", "{}")]),
            expect(c, 422, &[]),
        ),
        (
            "rename_passkey",
            a(&[("passkey_id", "1"), ("name", "Key")]),
            expect(c, 404, &[]),
        ),
        (
            "remove_passkey",
            a(&[("passkey_id", "1")]),
            expect(c, 404, &[]),
        ),
        // The organization's single sign-on: its admins only, each its own
        // (an empty form is refused by an admin's checks; nothing is set up
        // in the matrix's world, so there is nothing to remove).
        ("get_sso_settings", a(&[]), admin_only(c)),
        (
            "save_sso_settings",
            a(&[
                ("issuer", ""),
                ("client_id", ""),
                ("client_secret", ""),
                ("domains", ""),
            ]),
            expect(
                c,
                404,
                &[
                    (Alpha(Role::Admin), 422),
                    (Sigma(Role::Admin), 422),
                    (Kappa(Role::Admin), 422),
                    (Rho(Role::Admin), 422),
                ],
            ),
        ),
        ("remove_sso_settings", a(&[]), expect(c, 404, &[])),
        // API tokens: each organization's admins, for their own only (an
        // empty name is refused by an admin's checks; Beta's token is no
        // caller's to revoke).
        ("list_api_tokens", a(&[]), admin_only(c)),
        (
            "create_api_token",
            a(&[("name", ""), ("role", "viewer"), ("days", "30")]),
            expect(
                c,
                404,
                &[
                    (Alpha(Role::Admin), 422),
                    (Sigma(Role::Admin), 422),
                    (Kappa(Role::Admin), 422),
                    (Rho(Role::Admin), 422),
                ],
            ),
        ),
        (
            "revoke_api_token",
            a(&[("token_id", &ids.beta_token)]),
            expect(c, 404, &[]),
        ),
        // Webhooks: each organization's admins, for their own endpoints
        // only (an ftp address is refused by an admin's checks; Beta's
        // endpoint and its deliveries are no caller's).
        ("list_webhooks", a(&[]), admin_only(c)),
        (
            "create_webhook",
            a(&[
                ("url", "ftp://hooks.example/p"),
                ("description", ""),
                ("events[0]", "assessment.sent"),
            ]),
            expect(
                c,
                404,
                &[
                    (Alpha(Role::Admin), 422),
                    (Sigma(Role::Admin), 422),
                    (Kappa(Role::Admin), 422),
                    (Rho(Role::Admin), 422),
                ],
            ),
        ),
        (
            "webhook_deliveries",
            a(&[("webhook_id", &ids.beta_webhook)]),
            expect(c, 404, &[]),
        ),
        (
            "resend_webhook",
            a(&[("delivery_id", &ids.beta_delivery)]),
            expect(c, 404, &[]),
        ),
        (
            "remove_webhook",
            a(&[("webhook_id", &ids.beta_webhook)]),
            expect(c, 404, &[]),
        ),
        // One's own e-mail choices: every signed-in user, nobody else's.
        ("get_mail_preferences", a(&[]), expect(c, 200, &[])),
        (
            "set_mail_preferences",
            a(&[("matrix", "daily")]),
            expect(c, 200, &[]),
        ),
        (
            "set_reminder_days",
            a(&[("days", "30, 7, 1")]),
            admin_only(c),
        ),
        ("create_calendar_feed", a(&[]), expect(c, 200, &[])),
        ("get_portfolio", a(&[]), expect(c, 404, &alpha_all(200))),
        (
            "get_owed",
            a(&[]),
            expect(c, 404, &[sigma_editors(200), rho_all(200)].concat()),
        ),
    ]
}
