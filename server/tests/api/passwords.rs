//! Passwords: a forgotten one reset by a single-use link, a change that
//! ends every other reset link and session.

use crate::both;
use crate::common::{link_in, Backend, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::StatusCode;

async fn a_forgotten_password_is_reset_by_a_single_use_link(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.beta.email(Role::Contributor);
    let old_session = app.login(email, PASSWORD).await;

    let anon = app.client();
    let (st, _) = app
        .call(&anon, "request_password_reset", &[("email", email)])
        .await;
    assert_eq!(st, StatusCode::OK);
    // Unknown addresses get the same answer.
    let (st, _) = app
        .call(
            &anon,
            "request_password_reset",
            &[("email", "ghost@beta.test")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);

    let token = reset_tokens(&app, email, 1).await.remove(0);
    let token = token.as_str();
    assert!(app.mails_to("ghost@beta.test").await.is_empty());

    let (st, err) = app
        .call(
            &anon,
            "reset_password",
            &[("token", token), ("password", "short")],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (st, _) = app
        .call(
            &anon,
            "reset_password",
            &[("token", token), ("password", "violet-anchor-summit-63")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(
            &anon,
            "reset_password",
            &[("token", token), ("password", "another-fresh-phrase-71")],
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reset link works once"
    );

    // Every earlier session ended; the old password is gone.
    assert_eq!(
        app.call(&old_session, "me", &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
    let r = app.post_login(&app.client(), email, PASSWORD).await;
    assert_eq!(r.headers()["location"], "/login?error=invalid");
    app.login(email, "violet-anchor-summit-63").await;
    app.finish().await;
}
both!(a_forgotten_password_is_reset_by_a_single_use_link);

/// Waits for `n` mails to `to` and returns the reset tokens they carry.
async fn reset_tokens(app: &TestApp, to: &str, n: usize) -> Vec<String> {
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = app.mails_to(to).await;
        if mails.len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(mails.len(), n, "reset mails to {to}");
    mails
        .iter()
        .map(|m| {
            let link = link_in(&m.body, "/reset/");
            link.rsplit('/').next().unwrap().to_string()
        })
        .collect()
}

async fn a_password_change_ends_every_other_reset_link(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.beta.email(Role::Contributor);
    let anon = app.client();
    for _ in 0..2 {
        let (st, _) = app
            .call(&anon, "request_password_reset", &[("email", email)])
            .await;
        assert_eq!(st, StatusCode::OK);
    }
    let tokens = reset_tokens(&app, email, 2).await;
    let reset = |token: String, password: &'static str| {
        let (app, anon) = (&app, &anon);
        async move {
            app.call(
                anon,
                "reset_password",
                &[("token", token.as_str()), ("password", password)],
            )
            .await
            .0
        }
    };
    assert_eq!(
        reset(tokens[1].clone(), "violet-anchor-summit-63").await,
        StatusCode::OK
    );
    assert_eq!(
        reset(tokens[0].clone(), "another-fresh-phrase-71").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the other link mailed before the reset no longer works"
    );

    // A link asked for, then the password changed while signed in: the
    // link is dead too.
    let (st, _) = app
        .call(&anon, "request_password_reset", &[("email", email)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let third = reset_tokens(&app, email, 3).await.remove(2);
    let session = app.login(email, "violet-anchor-summit-63").await;
    let (st, r) = app
        .call(
            &session,
            "change_password",
            &[
                ("current_password", "violet-anchor-summit-63"),
                ("new_password", "quiet-harbour-lantern-58"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        reset(third, "copper-meadow-thistle-44").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.login(email, "quiet-harbour-lantern-58").await;
    app.finish().await;
}
both!(a_password_change_ends_every_other_reset_link);

async fn changing_the_password_ends_other_sessions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let email = w.sigma.email(Role::Contributor);
    let here = app.login(email, PASSWORD).await;
    let elsewhere = app.login(email, PASSWORD).await;
    let (st, err) = app
        .call(
            &here,
            "change_password",
            &[
                ("current_password", "wrong-current-one"),
                ("new_password", "tundra-violin-cobalt-44"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["Validation"]["fields"][0]["field"], "current_password");
    let (st, err) = app
        .call(
            &here,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "123456789012"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["Validation"]["fields"][0]["field"], "new_password");
    let (st, _) = app
        .call(
            &here,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "tundra-violin-cobalt-44"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(app.call(&here, "me", &[]).await.0, StatusCode::OK);
    assert_eq!(
        app.call(&elsewhere, "me", &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
    app.login(email, "tundra-violin-cobalt-44").await;
    app.finish().await;
}
both!(changing_the_password_ends_other_sessions);
