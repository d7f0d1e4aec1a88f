//! Signing in and out, sessions, throttling, invitations.

use crate::both;
use crate::common::{Backend, Options, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::StatusCode;

fn set_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

async fn login_sets_a_safe_cookie_and_logout_kills_the_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.alpha.email(Role::Reviewer);

    let c = app.client();
    let r = app.post_login(&c, email, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let cookie = set_cookie(&r);
    assert!(cookie.starts_with("pactline_session="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "cookie lacks {flag}: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-HTTP cookie must not be Secure: {cookie}"
    );
    let token = cookie.split(';').next().unwrap().to_string();

    let (st, me) = app.call(&c, "me", &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["email"], email);
    assert_eq!(me["role"], "reviewer");
    assert_eq!(me["org_name"], "Alpha Water");

    let r = c.post(app.url("/auth/logout")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&r).contains("Max-Age=0"));

    // The old cookie, replayed, is dead on the server.
    let replay = app.client();
    let r = replay
        .post(app.url("/api/me"))
        .header("cookie", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.finish().await;
}
both!(login_sets_a_safe_cookie_and_logout_kills_the_session);

async fn wrong_and_unknown_logins_fail_alike(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.client();
    let wrong = app
        .post_login(&c, w.alpha.email(Role::Admin), "not-the-password-at-all")
        .await;
    let unknown = app
        .post_login(&c, "nobody@nowhere.test", "not-the-password-at-all")
        .await;
    for r in [&wrong, &unknown] {
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/login?error=invalid");
        assert!(set_cookie(r).is_empty());
    }
    let (st, _) = app.call(&c, "me", &[]).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    app.finish().await;
}
both!(wrong_and_unknown_logins_fail_alike);

async fn session_id_is_new_at_every_login(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.alpha.email(Role::Viewer);
    let c = app.client();
    // A session id planted before login (fixation) is never adopted.
    let planted = "pactline_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let r = c
        .post(app.url("/auth/login"))
        .header("cookie", planted)
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let first = set_cookie(&r);
    assert!(!first.starts_with(planted));
    let r = app.post_login(&app.client(), email, PASSWORD).await;
    let second = set_cookie(&r);
    assert_ne!(first.split(';').next(), second.split(';').next());
    app.finish().await;
}
both!(session_id_is_new_at_every_login);

async fn repeated_failures_are_throttled_per_account(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let victim = w.alpha.email(Role::Contributor);
    let c = app.client();
    for _ in 0..5 {
        let r = app.post_login(&c, victim, "wrong-password-guess").await;
        assert_eq!(r.headers()["location"], "/login?error=invalid");
    }
    // Even the right password waits now, and the user is told how long.
    let r = app.post_login(&c, victim, PASSWORD).await;
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("/login?error=throttled&minutes="), "{loc}");
    let minutes: u64 = loc.rsplit('=').next().unwrap().parse().unwrap();
    assert!((1..=15).contains(&minutes), "{minutes}");
    assert!(r.headers().contains_key("retry-after"));
    // The page says it in words.
    let page = c
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("Try again in {minutes} minute")),
        "{page}"
    );
    // Another account from the same address is not locked out.
    app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    app.finish().await;
}
both!(repeated_failures_are_throttled_per_account);

async fn wrong_passwords_at_once_cannot_race_the_throttle(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let victim = w.alpha.email(Role::Contributor);
    let attempts = (0..16).map(|_| {
        let c = app.client();
        let app = &app;
        async move { app.post_login(&c, victim, "wrong-password-guess").await }
    });
    let answers = futures::future::join_all(attempts).await;
    let checked = answers
        .iter()
        .filter(|r| r.headers()["location"] == "/login?error=invalid")
        .count();
    let throttled = answers
        .iter()
        .filter(|r| {
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?error=throttled")
        })
        .count();
    // Racing attempts may all be turned away; never more than five checked.
    assert!(checked <= 5, "{checked} passwords were checked at once");
    assert_eq!(checked + throttled, 16);
    app.finish().await;
}
both!(wrong_passwords_at_once_cannot_race_the_throttle);

async fn one_users_sign_ins_at_once_all_succeed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.alpha.email(Role::Reviewer);
    let logins = (0..10).map(|_| {
        let c = app.client();
        let app = &app;
        async move { app.post_login(&c, email, PASSWORD).await }
    });
    for r in futures::future::join_all(logins).await {
        assert_eq!(
            r.headers()["location"],
            "/",
            "a right password is never throttled by its own burst"
        );
    }
    app.finish().await;
}
both!(one_users_sign_ins_at_once_all_succeed);

async fn an_invitation_is_no_way_to_guess_a_password(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            memory_mail: false,
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    // Beta's admin invites someone who, unknown to Beta, has an Alpha account.
    let beta_admin = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let victim = w.alpha.email(Role::Reviewer);
    let (st, sent) = app
        .call(
            &beta_admin,
            "invite_member",
            &[("email", victim), ("role", "admin")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{sent}");
    let token = sent["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    // The inviter holds the link; it does not say the address has an account.
    let (_, preview) = app
        .call(&beta_admin, "get_invitation", &[("token", &token)])
        .await;
    assert_eq!(preview["signed_in_as_invitee"], false, "{preview}");
    assert!(!preview.to_string().contains("existing"), "{preview}");

    let guess = |password: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            app.call(
                &app.client(),
                "accept_invitation",
                &[
                    ("token", &token),
                    ("display_name", "Anyone"),
                    ("password", password),
                ],
            )
            .await
        }
    };
    let mut answers = Vec::new();
    for _ in 0..26 {
        answers.push(guess("wrong-password-guess").await);
    }
    // Four wrong passwords are told so; the fifth locks the link.
    for (st, err) in &answers[..4] {
        assert_eq!(*st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["Validation"]["fields"][0]["field"], "password", "{err}");
    }
    for (st, err) in &answers[4..] {
        assert_eq!(*st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert!(err.to_string().contains("locked"), "{err}");
    }
    // The right password no longer opens it: no membership, no session.
    let (st, err) = guess(PASSWORD).await;
    assert!(err.to_string().contains("locked"), "{st} {err}");
    let (_, invitations) = app.call(&beta_admin, "list_invitations", &[]).await;
    assert_eq!(invitations[0]["status"], "Locked", "{invitations}");
    let (_, members) = app.call(&beta_admin, "list_members", &[]).await;
    assert!(!members.to_string().contains(victim), "{members}");
    // The guesses counted against the account, as at the sign-in form.
    let r = app.post_login(&app.client(), victim, PASSWORD).await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?error=throttled"));

    // Renewing issues a new link with a clean count.
    let id = invitations[0]["id"].to_string();
    let (st, renewed) = app
        .call(&beta_admin, "renew_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(st, StatusCode::OK, "{renewed}");
    assert_eq!(renewed["invitation"]["status"], "Pending");
    app.finish().await;
}
both!(an_invitation_is_no_way_to_guess_a_password);

async fn an_invited_colleague_sets_a_password_and_joins(b: Backend) {
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
    let (st, sent) = app
        .call(
            &admin,
            "invite_member",
            &[("email", "New.Person@Alpha.test"), ("role", "contributor")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{sent}");
    assert_eq!(sent["emailed"], false);
    assert_eq!(sent["invitation"]["email"], "new.person@alpha.test");
    let link = sent["link"]
        .as_str()
        .expect("link shown without SMTP")
        .to_string();
    let token = link.rsplit('/').next().unwrap().to_string();

    // The link itself is nowhere in the database.
    let outbox = app.call(&admin, "list_outbox", &[]).await.1.to_string();
    assert!(!outbox.contains(&token));

    let anon = app.client();
    let (st, preview) = app
        .call(&anon, "get_invitation", &[("token", &token)])
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(preview["org_name"], "Alpha Water");
    assert_eq!(preview["signed_in_as_invitee"], false);
    assert!(preview.get("existing_account").is_none());

    let (st, err) = app
        .call(
            &anon,
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", "New Person"),
                ("password", "password1234"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["Validation"]["fields"][0]["field"] == "password",
        "{err}"
    );

    let r = anon
        .post(app.url("/api/accept_invitation"))
        .form(&[
            ("token", token.as_str()),
            ("display_name", "New Person"),
            ("password", "quartz-harbor-lilac-27"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    assert!(set_cookie(&r).starts_with("pactline_session="));
    let (st, me) = app.call(&anon, "me", &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["email"], "new.person@alpha.test");
    assert_eq!(me["role"], "contributor");

    // Single use.
    let (st, _) = app
        .call(&app.client(), "get_invitation", &[("token", &token)])
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = app
        .call(
            &app.client(),
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", "X"),
                ("password", "quartz-harbor-lilac-27"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}
both!(an_invited_colleague_sets_a_password_and_joins);

async fn secure_deployments_use_host_prefixed_secure_cookies(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            secure_cookies: true,
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let r = app
        .post_login(&app.client(), w.alpha.email(Role::Viewer), PASSWORD)
        .await;
    let cookie = set_cookie(&r);
    assert!(cookie.starts_with("__Host-pactline_session="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Domain="),
        "{cookie}"
    );
    app.finish().await;
}
both!(secure_deployments_use_host_prefixed_secure_cookies);

async fn a_member_of_two_organizations_switches_between_them(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            memory_mail: false,
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    // Beta invites Alpha's reviewer, who already has an account.
    let beta_admin = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let email = w.alpha.email(Role::Reviewer);
    let (_, sent) = app
        .call(
            &beta_admin,
            "invite_member",
            &[("email", email), ("role", "viewer")],
        )
        .await;
    let token = sent["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let user = app.login(email, PASSWORD).await;
    let (_, preview) = app
        .call(&user, "get_invitation", &[("token", &token)])
        .await;
    assert_eq!(preview["signed_in_as_invitee"], true);
    let (st, _) = app
        .call(
            &user,
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", ""),
                ("password", "not-the-password-of-it"),
            ],
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an existing account proves its password"
    );
    let (st, _) = app
        .call(
            &user,
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", ""),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(st.is_success() || st.is_redirection(), "{st}");

    let (_, me) = app.call(&user, "me", &[]).await;
    assert_eq!(
        me["org_name"], "Beta Power",
        "accepting signs in to the new organization"
    );
    assert_eq!(me["memberships"].as_array().unwrap().len(), 2);
    let (st, _) = app
        .call(
            &user,
            "switch_organization",
            &[("org_id", &w.alpha.id.0.to_string())],
        )
        .await;
    assert!(st.is_success() || st.is_redirection(), "{st}");
    let (_, me) = app.call(&user, "me", &[]).await;
    assert_eq!(me["org_name"], "Alpha Water");
    assert_eq!(me["role"], "reviewer");
    // Not into an organization one does not belong to.
    let (st, _) = app
        .call(
            &user,
            "switch_organization",
            &[("org_id", &w.sigma.id.0.to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // The switch is in the trail of the organization switched to.
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (_, events) = app.call(&admin, "list_audit_events", &[]).await;
    let switched: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "session.org_switched")
        .collect();
    assert_eq!(switched.len(), 1, "{events}");
    app.finish().await;
}
both!(a_member_of_two_organizations_switches_between_them);

async fn sessions_end_after_idle_and_absolute_timeouts(b: Backend) {
    use std::time::Duration;
    for (idle, absolute) in [
        (Duration::from_secs(1), Duration::from_secs(3600)),
        (Duration::from_secs(3600), Duration::from_secs(1)),
    ] {
        let opts = Options {
            session_idle: Some(idle),
            session_absolute: Some(absolute),
            ..Default::default()
        };
        let app = TestApp::spawn_with(b, opts).await;
        let w = World::build(&app).await;
        let r = app
            .post_login(&app.client(), w.alpha.email(Role::Viewer), PASSWORD)
            .await;
        let token = set_cookie(&r).split(';').next().unwrap().to_string();
        // Replayed by hand: the server decides, whatever the browser keeps.
        let me = |app: &TestApp| {
            app.client()
                .post(app.url("/api/me"))
                .header("cookie", token.clone())
                .send()
        };
        assert_eq!(me(&app).await.unwrap().status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            me(&app).await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "idle {idle:?}, absolute {absolute:?}"
        );
        app.finish().await;
    }
}
both!(sessions_end_after_idle_and_absolute_timeouts);

async fn users_see_their_sessions_and_end_the_others(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.alpha.email(Role::Contributor).to_string();
    // The first sign-in of an account tells nobody: every address is new.
    let first = app.login(&email, PASSWORD).await;
    let firefox = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        )
        .build()
        .unwrap();
    let r = app.post_login(&firefox, &email, PASSWORD).await;
    assert_eq!(r.headers()["location"], "/");
    let third = app.login(&email, PASSWORD).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    assert!(
        !app.mails_to(&email)
            .await
            .iter()
            .any(|m| m.subject.contains("New sign-in")),
        "no alert for addresses the account already used"
    );

    let (st, list) = app.call(&first, "list_sessions", &[]).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 3, "{list}");
    assert_eq!(rows.iter().filter(|r| r["current"] == true).count(), 1);
    assert!(
        rows.iter().any(|r| r["browser"] == "Firefox on Windows"),
        "{list}"
    );
    for r in rows {
        let id = r["id"].as_str().unwrap();
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        assert_eq!(r["organization"], w.alpha.name.as_str());
    }
    let (_, theirs) = app.call(&firefox, "list_sessions", &[]).await;
    let firefox_ref = theirs
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let my_ref = rows.iter().find(|r| r["current"] == true).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Another user neither sees nor ends them; made-up references are not found.
    let (_, admins) = app.call(&admin, "list_sessions", &[]).await;
    assert!(!admins.to_string().contains(&firefox_ref), "{admins}");
    for (c, r) in [
        (&admin, firefox_ref.as_str()),
        (&first, "0123456789abcdef"),
        (&first, "not-a-session"),
        (&first, ""),
    ] {
        let (st, body) = app.call(c, "end_session", &[("session", r)]).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{r}: {body}");
    }
    let (_, me) = app.call(&firefox, "me", &[]).await;
    assert_eq!(me["email"], email.as_str(), "still signed in");
    // The current one is ended by signing out.
    let (st, body) = app
        .call(&first, "end_session", &[("session", &my_ref)])
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Ending one signs that browser out at once.
    let (st, body) = app
        .call(&first, "end_session", &[("session", &firefox_ref)])
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, _) = app.call(&firefox, "me", &[]).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // Ending all the others leaves this one.
    let (st, n) = app.call(&first, "end_other_sessions", &[]).await;
    assert_eq!((st, n.as_u64()), (StatusCode::OK, Some(1)), "{n}");
    let (st, _) = app.call(&third, "me", &[]).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (_, list) = app.call(&first, "list_sessions", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let (_, me) = app.call(&admin, "me", &[]).await;
    assert_eq!(me["role"], "admin", "another user's sessions stay");
    let (_, events) = app.call(&admin, "list_audit_events", &[]).await;
    for action in ["session.ended_by_user", "session.others_ended_by_user"] {
        assert!(
            events
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == action),
            "{action}: {events}"
        );
    }

    // A sign-in from an address the account has not used before is told to
    // its owner, once.
    {
        use app::server::entities::sign_in_address;
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let uid = app::server::entities::user::Entity::find()
            .filter(app::server::entities::user::Column::Email.eq(email.as_str()))
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .id;
        sign_in_address::Entity::delete_many()
            .filter(sign_in_address::Column::UserId.eq(uid.0))
            .exec(&app.state.db)
            .await
            .unwrap();
        sign_in_address::ActiveModel {
            user_id: Set(uid),
            client_addr: Set("203.0.113.7".into()),
            first_seen_at: Set(chrono::Utc::now()),
            last_seen_at: Set(chrono::Utc::now()),
        }
        .insert(&app.state.db)
        .await
        .unwrap();
    }
    app.login(&email, PASSWORD).await;
    app.login(&email, PASSWORD).await;
    let alerts: Vec<_> = app
        .mails_to(&email)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("New sign-in"))
        .collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(alerts[0].body.contains("127.0.0.1"), "{}", alerts[0].body);
    assert!(alerts[0].body.contains("/account"), "{}", alerts[0].body);

    // A password change is told too.
    let (st, r) = app
        .call(
            &first,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "quartz-harbor-lantern-91"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert!(app
        .mails_to(&email)
        .await
        .iter()
        .any(|m| m.subject == "Pactline: your password was changed"));
    app.finish().await;
}
both!(users_see_their_sessions_and_end_the_others);

/// Posts the second step of a sign-in; returns where it leads.
async fn post_code(app: &TestApp, c: &reqwest::Client, code: &str) -> String {
    let r = c
        .post(app.url("/auth/code"))
        .form(&[("code", code)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn two_step_sign_in_asks_for_a_code_once_per_step_and_takes_recovery_codes_once(b: Backend) {
    use app::server::second_factor::code_at;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.alpha.email(Role::Reviewer).to_string();
    let c = app.login(&email, PASSWORD).await;
    let (st, f) = app.call(&c, "get_second_factor", &[]).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["enabled"], false);
    // Confirming before setting up, or with a wrong code, changes nothing.
    let (st, _) = app
        .call(&c, "confirm_second_factor", &[("code", "123456")])
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, f) = app.call(&c, "begin_second_factor", &[]).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    let setup = &f["setup"];
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"), "{f}");
    let key: String = setup["key"].as_str().unwrap().split_whitespace().collect();
    let recovery: Vec<String> = setup["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(recovery.len(), 10);
    let now = || app.state.clock.now().timestamp();
    let first = code_at(&key, &email, now()).unwrap();
    let (st, f) = app
        .call(&c, "confirm_second_factor", &[("code", &first)])
        .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["enabled"], true);
    assert_eq!(f["recovery_codes_left"], 10);
    assert!(f["setup"].is_null(), "the codes are not shown again: {f}");
    assert!(app
        .mails_to(&email)
        .await
        .iter()
        .any(|m| m.subject == "Pactline: two-step sign-in was turned on"));
    // The secret is kept sealed with the server's secret key.
    let stored = |app: &TestApp| {
        let email = email.clone();
        let db = app.state.db.clone();
        async move {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            app::server::entities::user::Entity::find()
                .filter(app::server::entities::user::Column::Email.eq(email))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .totp_secret
                .unwrap()
        }
    };
    let sealed = stored(&app).await;
    assert!(
        sealed.starts_with("v1.") && !sealed.contains(&key),
        "{sealed}"
    );

    // The password alone no longer signs in.
    let d = app.client();
    let r = app.post_login(&d, &email, PASSWORD).await;
    assert_eq!(r.headers()["location"], "/login/code");
    let cookies = set_cookie(&r);
    assert!(
        cookies.contains("pactline_challenge=") && !cookies.contains("pactline_session="),
        "{cookies}"
    );
    assert!(
        cookies.contains("HttpOnly") && cookies.contains("Max-Age=300"),
        "{cookies}"
    );
    let (st, _) = app.call(&d, "me", &[]).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // The code the set-up used does not work twice.
    assert_eq!(
        post_code(&app, &d, &first).await,
        "/login/code?error=reused"
    );
    app.clock.advance(chrono::Duration::seconds(30));
    assert_eq!(
        post_code(&app, &d, &code_at(&key, &email, now()).unwrap()).await,
        "/"
    );
    let (st, me) = app.call(&d, "me", &[]).await;
    assert_eq!(st, StatusCode::OK, "{me}");
    // A secret an earlier version stored in clear still works, and is
    // sealed at the next start.
    {
        use app::server::entities::user;
        use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
        user::Entity::update_many()
            .col_expr(user::Column::TotpSecret, Expr::value(key.clone()))
            .filter(user::Column::Email.eq(email.clone()))
            .exec(&app.state.writer)
            .await
            .unwrap();
    }
    app.clock.advance(chrono::Duration::seconds(30));
    let legacy = app.client();
    app.post_login(&legacy, &email, PASSWORD).await;
    assert_eq!(
        post_code(&app, &legacy, &code_at(&key, &email, now()).unwrap()).await,
        "/"
    );
    let n = app::server::second_factor::seal_stored(&app.state.writer, &app.state.secrets)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let resealed = stored(&app).await;
    assert!(resealed.starts_with("v1.") && !resealed.contains(&key));

    // A recovery code signs in once.
    let e = app.client();
    app.post_login(&e, &email, PASSWORD).await;
    assert_eq!(post_code(&app, &e, &recovery[0].to_uppercase()).await, "/");
    let g = app.client();
    app.post_login(&g, &email, PASSWORD).await;
    assert_eq!(
        post_code(&app, &g, &recovery[0]).await,
        "/login/code?error=invalid"
    );
    assert!(app.mails_to(&email).await.iter().any(|m| m.subject
        == "Pactline: a recovery code was used"
        && m.body.contains("9 are left")));
    // Without a password first there is nothing to answer.
    assert_eq!(
        post_code(&app, &app.client(), &recovery[1]).await,
        "/login?error=expired"
    );

    // Turning it off needs the password and a current code.
    app.clock.advance(chrono::Duration::seconds(30));
    let code = code_at(&key, &email, now()).unwrap();
    let (st, r) = app
        .call(
            &d,
            "disable_second_factor",
            &[("password", "wrong-password-here"), ("code", &code)],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, r) = app
        .call(
            &d,
            "disable_second_factor",
            &[("password", PASSWORD), ("code", "000000")],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, f) = app
        .call(
            &d,
            "disable_second_factor",
            &[("password", PASSWORD), ("code", &code)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["enabled"], false);
    app.login(&email, PASSWORD).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (_, events) = app.call(&admin, "list_audit_events", &[]).await;
    for action in [
        "user.second_factor_enabled",
        "user.second_factor_disabled",
        "session.second_factor_failed",
    ] {
        assert!(
            events
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == action),
            "{action}: {events}"
        );
    }
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "session.login"
                && e["after"].as_str().unwrap_or("").contains("recovery_code")),
        "{events}"
    );
    app.finish().await;
}
both!(two_step_sign_in_asks_for_a_code_once_per_step_and_takes_recovery_codes_once);

async fn wrong_codes_end_a_half_finished_sign_in_and_count_like_wrong_passwords(b: Backend) {
    use app::server::second_factor::code_at;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.alpha.email(Role::Contributor).to_string();
    let c = app.login(&email, PASSWORD).await;
    let (_, f) = app.call(&c, "begin_second_factor", &[]).await;
    let key: String = f["setup"]["key"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect();
    let code = code_at(&key, &email, app.state.clock.now().timestamp()).unwrap();
    let (st, f) = app
        .call(&c, "confirm_second_factor", &[("code", &code)])
        .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    let d = app.client();
    app.post_login(&d, &email, PASSWORD).await;
    for _ in 0..4 {
        assert_eq!(
            post_code(&app, &d, "111111").await,
            "/login/code?error=invalid"
        );
    }
    // The fifth ends it: even a right code needs a new sign-in now …
    assert_eq!(post_code(&app, &d, "111111").await, "/login?error=expired");
    app.clock.advance(chrono::Duration::seconds(30));
    let next = code_at(&key, &email, app.state.clock.now().timestamp()).unwrap();
    assert_eq!(post_code(&app, &d, &next).await, "/login?error=expired");
    // … and the wrong codes counted against the account like wrong passwords.
    let r = app.post_login(&app.client(), &email, PASSWORD).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?error=throttled"),
        "{:?}",
        r.headers()["location"]
    );
    app.finish().await;
}
both!(wrong_codes_end_a_half_finished_sign_in_and_count_like_wrong_passwords);

async fn an_organization_requires_a_second_factor_and_an_admin_resets_one(b: Backend) {
    use app::server::second_factor::code_at;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin_email = w.alpha.email(Role::Admin).to_string();
    let member_email = w.alpha.email(Role::Reviewer).to_string();
    let admin = app.login(&admin_email, PASSWORD).await;
    let member = app.login(&member_email, PASSWORD).await;
    let outsider = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    // An admin without a second factor cannot lock everyone (and themselves) out.
    let (st, r) = app
        .call(&admin, "set_second_factor_policy", &[("required", "yes")])
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let enable = |c: &reqwest::Client, email: String| {
        let (app, c) = (&app, c.clone());
        async move {
            let (_, f) = app.call(&c, "begin_second_factor", &[]).await;
            let key: String = f["setup"]["key"]
                .as_str()
                .unwrap()
                .split_whitespace()
                .collect();
            let code = code_at(&key, &email, app.state.clock.now().timestamp()).unwrap();
            let (st, f) = app
                .call(&c, "confirm_second_factor", &[("code", &code)])
                .await;
            assert_eq!(st, StatusCode::OK, "{f}");
        }
    };
    enable(&admin, admin_email.clone()).await;
    // Only an admin sets the rule.
    let (st, _) = app
        .call(&member, "set_second_factor_policy", &[("required", "yes")])
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, r) = app
        .call(&admin, "set_second_factor_policy", &[("required", "yes")])
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    // The member is held on the account page until they set one up.
    let (_, me) = app.call(&member, "me", &[]).await;
    assert_eq!(me["second_factor_missing"], true, "{me}");
    let (st, _) = app.call(&member, "list_engagements", &[]).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let r = member
        .get(app.url("/engagements"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account");
    let r = member
        .get(app.url("/account"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Another organization is not held, nor is the admin who has one.
    let (st, _) = app.call(&outsider, "list_engagements", &[]).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app.call(&admin, "list_engagements", &[]).await;
    assert_eq!(st, StatusCode::OK);
    enable(&member, member_email.clone()).await;
    let (st, _) = app.call(&member, "list_engagements", &[]).await;
    assert_eq!(st, StatusCode::OK);

    // The admin resets the member's second factor: off, sessions ended, told.
    let (_, members) = app.call(&admin, "list_members", &[]).await;
    let row = |email: &str| {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&member_email)["second_factor"], true);
    let member_id = row(&member_email)["id"].to_string();
    let (st, _) = app
        .call(
            &outsider,
            "reset_member_second_factor",
            &[("membership_id", &member_id)],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "another organization's member");
    let (st, _) = app
        .call(
            &member,
            "reset_member_second_factor",
            &[("membership_id", &member_id)],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "not an admin");
    let (st, r) = app
        .call(
            &admin,
            "reset_member_second_factor",
            &[("membership_id", &row(&admin_email)["id"].to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, r) = app
        .call(
            &admin,
            "reset_member_second_factor",
            &[("membership_id", &member_id)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, _) = app.call(&member, "me", &[]).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "the member's sessions ended");
    assert!(app
        .mails_to(&member_email)
        .await
        .iter()
        .any(|m| m.subject == "Pactline: your two-step sign-in was reset"));
    // Signing in again, the password alone leads to the set-up again.
    let again = app.login(&member_email, PASSWORD).await;
    let (_, me) = app.call(&again, "me", &[]).await;
    assert_eq!(me["second_factor_missing"], true, "{me}");
    let (_, events) = app.call(&admin, "list_audit_events", &[]).await;
    for action in [
        "organization.second_factor_policy",
        "user.second_factor_reset",
    ] {
        assert!(
            events
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == action),
            "{action}: {events}"
        );
    }
    // The rule lifted, nobody is held.
    let (st, _) = app.call(&admin, "set_second_factor_policy", &[]).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app.call(&again, "list_engagements", &[]).await;
    assert_eq!(st, StatusCode::OK);
    app.finish().await;
}
both!(an_organization_requires_a_second_factor_and_an_admin_resets_one);
