//! Roles, deactivation, supplier organizations and the audit trail.

use crate::both;
use crate::common::{Backend, Options, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::Value;

fn member_id(list: &Value, email: &str) -> String {
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} not in {list}"))["id"]
        .to_string()
}

async fn a_role_change_takes_effect_at_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let member = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let (_, list) = app.call(&admin, "list_members", &[]).await;
    let id = member_id(&list, w.alpha.email(Role::Contributor));
    let (st, body) = app
        .call(
            &admin,
            "change_member_role",
            &[("membership_id", &id), ("role", "reviewer")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(app.call(&member, "me", &[]).await.1["role"], "reviewer");
    let (st, _) = app
        .call(
            &admin,
            "change_member_role",
            &[("membership_id", &id), ("role", "owner")],
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown roles are refused"
    );

    // The last admin cannot step down.
    let own = member_id(&list, w.alpha.email(Role::Admin));
    let (st, err) = app
        .call(
            &admin,
            "change_member_role",
            &[("membership_id", &own), ("role", "viewer")],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err.to_string().contains("at least one active admin"),
        "{err}"
    );
    app.finish().await;
}
both!(a_role_change_takes_effect_at_once);

async fn two_admins_demoting_each_other_at_once_leave_one_admin(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let first = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (_, list) = app.call(&first, "list_members", &[]).await;
    let second_email = w.alpha.email(Role::Contributor);
    let second_id = member_id(&list, second_email);
    let first_id = member_id(&list, w.alpha.email(Role::Admin));
    for round in 0..5 {
        // Both admins again, then each demotes the other at the same moment.
        let (st, r) = app
            .call(
                &first,
                "change_member_role",
                &[("membership_id", &second_id), ("role", "admin")],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let second = app.login(second_email, PASSWORD).await;
        let (st, r) = app
            .call(
                &second,
                "change_member_role",
                &[("membership_id", &first_id), ("role", "admin")],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let demote_second = [("membership_id", second_id.as_str()), ("role", "viewer")];
        let demote_first = [("membership_id", first_id.as_str()), ("role", "viewer")];
        let (a, b2) = tokio::join!(
            app.call(&first, "change_member_role", &demote_second),
            app.call(&second, "change_member_role", &demote_first),
        );
        let ok = [a.0, b2.0].iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(ok, 1, "round {round}: {a:?} {b2:?}");
        let admins = app
            .state
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.state.db.get_database_backend(),
                format!(
                    "SELECT COUNT(*) AS n FROM memberships WHERE organization_id = {} \
                     AND role = 'admin' AND is_active = true",
                    w.alpha.id.0
                ),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(admins, 1, "round {round}");
        // Whoever is left as admin restores the first for the next round.
        if a.0 != StatusCode::OK {
            let (st, r) = app
                .call(
                    &second,
                    "change_member_role",
                    &[("membership_id", &first_id), ("role", "admin")],
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{r}");
        }
    }
    app.finish().await;
}
both!(two_admins_demoting_each_other_at_once_leave_one_admin);

async fn deactivating_a_member_ends_their_sessions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let email = w.alpha.email(Role::Viewer);
    let member = app.login(email, PASSWORD).await;
    assert_eq!(app.call(&member, "me", &[]).await.0, StatusCode::OK);
    let (_, list) = app.call(&admin, "list_members", &[]).await;
    let id = member_id(&list, email);
    let (st, _) = app
        .call(
            &admin,
            "set_member_active",
            &[("membership_id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        app.call(&member, "me", &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
    let r = app.post_login(&app.client(), email, PASSWORD).await;
    assert_eq!(r.headers()["location"], "/login?error=invalid");
    // Reactivated, they can sign in again.
    let (st, _) = app
        .call(
            &admin,
            "set_member_active",
            &[("membership_id", &id), ("active", "true")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    app.login(email, PASSWORD).await;
    // Nobody deactivates themselves.
    let own = member_id(&list, w.alpha.email(Role::Admin));
    let (st, _) = app
        .call(
            &admin,
            "set_member_active",
            &[("membership_id", &own), ("active", "false")],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}
both!(deactivating_a_member_ends_their_sessions);

/// What an invitation answer says, without what differs between any two
/// invitations (ids, dates, the token, the address and name typed).
fn shape(v: &Value) -> Value {
    let mut v = v.clone();
    for k in ["id", "created_at", "expires_at", "email", "org_name"] {
        v["invitation"][k] = Value::Null;
    }
    v["link"] = Value::Bool(v["link"].is_string());
    v
}

fn names(v: Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

async fn a_supplier_joins_only_when_its_admin_accepts(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            memory_mail: false,
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let beta_admin = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let invite = |c: &reqwest::Client, name: &str, email: &str| {
        let (app, c, name, email) = (&app, c.clone(), name.to_string(), email.to_string());
        async move {
            app.call(
                &c,
                "invite_supplier",
                &[
                    ("name", name.as_str()),
                    ("kind", "service_provider"),
                    ("admin_email", email.as_str()),
                ],
            )
            .await
        }
    };
    // A name nobody has, a name an organization has (Sigma, someone else's
    // supplier), and the inviter's own name: the same answer each time, and
    // nothing is linked.
    let (st, new_org) = invite(&admin, "Kappa Integrators", "boss@kappa.test").await;
    assert_eq!(st, StatusCode::OK, "{new_org}");
    let (st, existing) = invite(&beta_admin, "  sigma   DEVICES ", "admin@sigma.test").await;
    assert_eq!(st, StatusCode::OK, "{existing}");
    let (st, own) = invite(&beta_admin, "Beta Power", "someone@beta.test").await;
    assert_eq!(st, StatusCode::OK, "{own}");
    assert_eq!(shape(&new_org), shape(&existing));
    assert_eq!(shape(&new_org), shape(&own));
    assert_eq!(new_org["invitation"]["status"], "Pending");
    assert!(names(app.call(&beta_admin, "list_suppliers", &[]).await.1).is_empty());
    let (_, pending) = app
        .call(&beta_admin, "list_supplier_invitations", &[])
        .await;
    assert_eq!(pending.as_array().unwrap().len(), 2, "{pending}");
    // The inviting organization's outbox lists the invitations it sent.
    let (st, outbox) = app.call(&beta_admin, "list_outbox", &[]).await;
    assert_eq!(st, StatusCode::OK, "{outbox}");
    let sent: Vec<&str> = outbox
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["purpose"] == "partner_invitation")
        .map(|m| m["recipient"].as_str().unwrap())
        .collect();
    assert!(sent.contains(&"admin@sigma.test"), "{outbox}");
    assert!(sent.contains(&"someone@beta.test"), "{outbox}");
    // The same address twice is a second link, not a second invitation.
    let (st, r) = invite(&beta_admin, "Sigma", "admin@sigma.test").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, _) = app
        .call(
            &beta_admin,
            "invite_supplier",
            &[
                ("name", "Acme"),
                ("kind", "asset_owner"),
                ("admin_email", "x@acme.test"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "suppliers only");

    // The new supplier: its first admin creates it through the link.
    let token = crate::common::partner_token(&app, &new_org, "boss@kappa.test").await;
    let anon = app.client();
    let (st, p) = app
        .call(&anon, "get_partner_invitation", &[("token", &token)])
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p["inviter"], "Alpha Water");
    assert_eq!(p["own_orgs"], serde_json::json!([]));
    let accept_new = |c: &reqwest::Client, token: &str, password: &str| {
        let (app, c, token, password) = (&app, c.clone(), token.to_string(), password.to_string());
        async move {
            app.call(
                &c,
                "accept_partner_invitation",
                &[
                    ("token", token.as_str()),
                    ("org", "new"),
                    ("org_name", "Kappa Integrators"),
                    ("display_name", "Kappa Boss"),
                    ("password", password.as_str()),
                ],
            )
            .await
        }
    };
    let (st, r) = accept_new(&anon, &token, "saffron-glacier-moth-85").await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let me = app.call(&anon, "me", &[]).await.1;
    assert_eq!(me["org_name"], "Kappa Integrators");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["org_kinds"], serde_json::json!(["service_provider"]));
    assert_eq!(
        names(app.call(&admin, "list_suppliers", &[]).await.1),
        vec!["Kappa Integrators", "Sigma Devices"]
    );
    // Once only.
    let (st, _) = accept_new(&app.client(), &token, "saffron-glacier-moth-85").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

    // An existing organization: only its admin, signed in with the invited
    // address, links it. Anyone else holding the link cannot.
    let token = crate::common::partner_token(&app, &existing, "admin@sigma.test").await;
    let sigma = w.sigma.id.0.to_string();
    let (st, r) = crate::common::accept_partner(&app, &admin, &token, &sigma).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let sigma_contributor = app.login(w.sigma.email(Role::Contributor), PASSWORD).await;
    let (st, _) = crate::common::accept_partner(&app, &sigma_contributor, &token, &sigma).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (_, p) = app
        .call(&sigma_admin, "get_partner_invitation", &[("token", &token)])
        .await;
    assert_eq!(p["own_orgs"][0]["name"], "Sigma Devices", "{p}");
    let (st, r) = crate::common::accept_partner(&app, &sigma_admin, &token, &sigma).await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    assert_eq!(
        names(app.call(&beta_admin, "list_suppliers", &[]).await.1),
        vec!["Sigma Devices"]
    );
    // Sigma was a product supplier; it now also provides services.
    let (_, list) = app.call(&beta_admin, "list_suppliers", &[]).await;
    assert_eq!(
        list[0]["kinds"],
        serde_json::json!(["product_supplier", "service_provider"])
    );

    // A lost link: a new one replaces it; a revoked one stops working.
    let (_, pending) = app
        .call(&beta_admin, "list_supplier_invitations", &[])
        .await;
    let own_id = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "someone@beta.test")
        .unwrap()["id"]
        .to_string();
    let old = crate::common::partner_token(&app, &own, "someone@beta.test").await;
    let (st, renewed) = app
        .call(
            &beta_admin,
            "renew_partner_invitation",
            &[("invitation_id", &own_id)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{renewed}");
    let (st, _) = app
        .call(&app.client(), "get_partner_invitation", &[("token", &old)])
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "the old link is dead");
    let fresh = crate::common::partner_token(&app, &renewed, "someone@beta.test").await;
    let (st, _) = app
        .call(
            &beta_admin,
            "revoke_partner_invitation",
            &[("invitation_id", &own_id)],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(
            &app.client(),
            "get_partner_invitation",
            &[("token", &fresh)],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "revoked");
    let (_, list) = app
        .call(&beta_admin, "list_supplier_invitations", &[])
        .await;
    let statuses: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, vec!["Revoked", "Accepted"], "{list}");

    // Names are not unique: a second "Kappa Integrators" is its own
    // organization, and the first one's people see nothing of it.
    let (st, again) = invite(&beta_admin, "Kappa Integrators", "other@kappa2.test").await;
    assert_eq!(st, StatusCode::OK);
    let token = crate::common::partner_token(&app, &again, "other@kappa2.test").await;
    let second = app.client();
    let (st, r) = accept_new(&second, &token, "umber-pelican-harbor-19").await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let me2 = app.call(&second, "me", &[]).await.1;
    assert_eq!(me2["org_name"], "Kappa Integrators");
    assert_ne!(me2["org_id"], me["org_id"], "{me2} {me}");
    app.finish().await;
}
both!(a_supplier_joins_only_when_its_admin_accepts);

async fn every_change_is_audited_in_a_chain_that_detects_tampering(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    // A wrong password for one of Alpha's members, and one for an address
    // nobody has.
    let r = app
        .post_login(
            &app.client(),
            w.alpha.email(Role::Viewer),
            "not-the-password",
        )
        .await;
    assert_eq!(r.headers()["location"], "/login?error=invalid");
    let r = app
        .post_login(&app.client(), "ghost@alpha.test", "not-the-password")
        .await;
    assert_eq!(r.headers()["location"], "/login?error=invalid");
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    app.call(
        &admin,
        "invite_member",
        &[("email", "someone@alpha.test"), ("role", "viewer")],
    )
    .await;
    app.call(
        &admin,
        "invite_supplier",
        &[
            ("name", "Omicron Labs"),
            ("kind", "product_supplier"),
            ("admin_email", "boss@omicron.test"),
        ],
    )
    .await;
    let (st, events) = app.call(&admin, "list_audit_events", &[]).await;
    assert_eq!(st, StatusCode::OK);
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    let failed: Vec<&Value> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "session.login_failed")
        .collect();
    assert_eq!(
        failed.len(),
        1,
        "only the member's failure is Alpha's: {failed:?}"
    );
    assert!(
        failed[0].to_string().contains(w.alpha.email(Role::Viewer)),
        "{failed:?}"
    );
    for a in [
        "invitation.created",
        "session.login",
        "session.login_failed",
        "partner_invitation.created",
        "organization.created",
        "membership.created",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    // Only Alpha's events.
    assert!(!events.to_string().contains("beta.test"), "{events}");

    let db = &app.state.db;
    assert!(app::server::audit::verify(db, &app.state.audit_key)
        .await
        .unwrap()
        .is_ok());
    db.execute_unprepared("UPDATE audit_events SET action = 'nothing.happened' WHERE seq = 2")
        .await
        .unwrap();
    assert_eq!(
        app::server::audit::verify(db, &app.state.audit_key)
            .await
            .unwrap(),
        Err(2)
    );
    app.finish().await;
}
both!(every_change_is_audited_in_a_chain_that_detects_tampering);
