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

async fn an_asset_owner_invites_a_new_supplier_organization(b: Backend) {
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
    let (st, res) = app
        .call(
            &admin,
            "invite_supplier",
            &[
                ("name", "Kappa Integrators"),
                ("kind", "service_provider"),
                ("admin_email", "boss@kappa.test"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{res}");
    let link = res["invitation"]["link"].as_str().unwrap();
    let token = link.rsplit('/').next().unwrap();
    let anon = app.client();
    let (st, _) = app
        .call(
            &anon,
            "accept_invitation",
            &[
                ("token", token),
                ("display_name", "Kappa Boss"),
                ("password", "saffron-glacier-moth-85"),
            ],
        )
        .await;
    assert!(st.is_success() || st.is_redirection(), "{st}");
    let me = app.call(&anon, "me", &[]).await.1;
    assert_eq!(me["org_name"], "Kappa Integrators");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["org_kinds"], serde_json::json!(["service_provider"]));

    // Listed among Alpha's suppliers, not Beta's.
    let names = |v: Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let alpha = names(app.call(&admin, "list_suppliers", &[]).await.1);
    assert_eq!(alpha, vec!["Kappa Integrators", "Sigma Devices"]);
    let beta_admin = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    assert!(names(app.call(&beta_admin, "list_suppliers", &[]).await.1).is_empty());

    // Beta adds the same organization by name: linked, no new organization.
    let (st, res) = app
        .call(
            &beta_admin,
            "invite_supplier",
            &[
                ("name", "  kappa   INTEGRATORS "),
                ("kind", "service_provider"),
                ("admin_email", "x@kappa.test"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{res}");
    assert!(res["invitation"].is_null());
    let (st, _) = app
        .call(
            &beta_admin,
            "invite_supplier",
            &[
                ("name", "Kappa Integrators"),
                ("kind", "service_provider"),
                ("admin_email", "x@kappa.test"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "already a supplier");
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
    app.finish().await;
}
both!(an_asset_owner_invites_a_new_supplier_organization);

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
        "supplier.linked",
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
