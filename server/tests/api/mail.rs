//! Mail leaves from the outbox after commit: a slow mail server never slows
//! a request, a failing one is tried again with growing pauses and then
//! given up on, and concurrent reset requests never send more links than
//! the hourly limit.

use crate::both;
use crate::common::{Backend, Options, TestApp, World, PASSWORD};
use app::model::Role;
use app::server::entities::{outbox, password_reset};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the sink treats what it is sent.
#[derive(Clone, Copy)]
enum Sink {
    /// Accepts every message.
    Accepting,
    /// Accepts every message, after this long at the end of its data.
    Slow(Duration),
    /// Refuses the first `n` messages with a temporary error, then accepts.
    Refusing(usize),
}

/// A minimal SMTP server, listening on a random port, that keeps what it
/// accepts.
struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<String>>>,
    /// Messages offered (MAIL FROM commands seen), accepted or not.
    offered: Arc<Mutex<usize>>,
}

impl SmtpSink {
    async fn start(mode: Sink) -> SmtpSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let offered = Arc::new(Mutex::new(0usize));
        let (kept, seen) = (received.clone(), offered.clone());
        tokio::spawn(async move {
            loop {
                let (sock, _) = listener.accept().await.unwrap();
                let (kept, seen) = (kept.clone(), seen.clone());
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut lines = BufReader::new(r).lines();
                    w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(buf) = data.as_mut() {
                            if line == "." {
                                if let Sink::Slow(d) = mode {
                                    tokio::time::sleep(d).await;
                                }
                                kept.lock().unwrap().push(data.take().unwrap());
                                w.write_all(b"250 queued\r\n").await.unwrap();
                            } else {
                                buf.push_str(&line);
                                buf.push('\n');
                            }
                            continue;
                        }
                        let verb = line
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250 sink\r\n",
                            "MAIL" => {
                                let n = {
                                    let mut n = seen.lock().unwrap();
                                    *n += 1;
                                    *n
                                };
                                match mode {
                                    Sink::Refusing(k) if n <= k => {
                                        b"451 4.3.0 mailbox busy, try later\r\n"
                                    }
                                    _ => b"250 ok\r\n",
                                }
                            }
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                w.write_all(b"221 bye\r\n").await.ok();
                                break;
                            }
                            _ => b"250 ok\r\n",
                        };
                        w.write_all(reply).await.unwrap();
                    }
                });
            }
        });
        SmtpSink {
            port,
            received,
            offered,
        }
    }

    fn options(&self) -> Options {
        Options {
            smtp: Some(app::server::config::SmtpConfig {
                host: "127.0.0.1".into(),
                port: self.port,
                security: app::server::config::SmtpSecurity::None,
                username: None,
                password: None,
                from: "Pactline <pactline@plant.test>".into(),
            }),
            ..Default::default()
        }
    }

    fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }

    fn offered(&self) -> usize {
        *self.offered.lock().unwrap()
    }
}

/// Waits up to `secs` seconds for `done`, checking every 50 ms.
async fn eventually<F: FnMut() -> bool>(secs: u64, what: &str, mut done: F) {
    let until = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < until, "waited {secs} s for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The admin's view of the newest outbox row.
async fn newest_status(app: &TestApp, admin: &reqwest::Client) -> String {
    let (st, outbox) = app.call(admin, "list_outbox", &[]).await;
    assert_eq!(st, StatusCode::OK, "{outbox}");
    outbox[0]["status"].as_str().unwrap().to_string()
}

async fn invite(app: &TestApp, admin: &reqwest::Client, email: &str) -> Value {
    let (st, sent) = app
        .call(
            admin,
            "invite_member",
            &[("email", email), ("role", "viewer")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{sent}");
    sent
}

async fn invitations_are_e_mailed_when_smtp_is_configured(b: Backend) {
    let sink = SmtpSink::start(Sink::Accepting).await;
    let app = TestApp::spawn_with(b, sink.options()).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let sent = invite(&app, &admin, "mailed@alpha.test").await;
    assert_eq!(sent["emailed"], true);
    assert!(
        sent["link"].is_null(),
        "the link is not shown when it was e-mailed"
    );
    eventually(5, "the invitation mail", || sink.received().len() == 1).await;
    let mails = sink.received();
    assert!(mails[0].contains("mailed@alpha.test"));
    assert!(mails[0].contains("/invite/"), "{}", mails[0]);
    app.deliver_mail().await;
    let status = newest_status(&app, &admin).await;
    assert!(status.starts_with("Sent"), "{status}");
    // Delivered: the body with its single-use link is no longer kept.
    let row = outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.pending_body, None);
    assert!(!row.body.contains("/invite/"), "{}", row.body);
    app.finish().await;
}
both!(invitations_are_e_mailed_when_smtp_is_configured);

async fn a_slow_mail_server_never_slows_a_request(b: Backend) {
    let sink = SmtpSink::start(Sink::Slow(Duration::from_secs(3))).await;
    let app = TestApp::spawn_with(b, sink.options()).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    for n in 0..3 {
        let started = Instant::now();
        invite(&app, &admin, &format!("slow{n}@alpha.test")).await;
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(1),
            "invitation {n} took {took:?} with a mail server that takes 3 s"
        );
    }
    // The messages still arrive, one after the other.
    eventually(20, "three slow mails", || sink.received().len() == 3).await;
    app.finish().await;
}
both!(a_slow_mail_server_never_slows_a_request);

async fn a_refused_message_is_tried_again_later_then_given_up_on(b: Backend) {
    // Refuses the first two tries: the third, after 1 + 5 minutes, lands.
    let sink = SmtpSink::start(Sink::Refusing(2)).await;
    let app = TestApp::spawn_with(b, sink.options()).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    invite(&app, &admin, "retry@alpha.test").await;
    app.deliver_mail().await;
    eventually(5, "the first try", || sink.offered() == 1).await;
    // Not again before its pause is over.
    app.clock.advance(chrono::Duration::seconds(50));
    app.deliver_mail().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.offered(), 1, "tried again before a minute had passed");
    let status = newest_status(&app, &admin).await;
    assert!(
        status.starts_with("Attempt 1 failed, trying again: ") && status.contains("next attempt"),
        "{status}"
    );
    app.clock.advance(chrono::Duration::seconds(10));
    eventually(5, "the second try", || sink.offered() == 2).await;
    app.clock.advance(chrono::Duration::minutes(4));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.offered(), 2, "the second pause is five minutes");
    app.clock.advance(chrono::Duration::minutes(1));
    eventually(5, "the third try", || sink.received().len() == 1).await;
    assert!(sink.received()[0].contains("/invite/"));
    app.finish().await;

    // A server that never accepts: six tries over about ten hours, then the
    // message is given up on and its link is no longer kept.
    let sink = SmtpSink::start(Sink::Refusing(usize::MAX)).await;
    let app = TestApp::spawn_with(b, sink.options()).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    invite(&app, &admin, "never@alpha.test").await;
    for tries in 1..=6 {
        eventually(5, "the next try", || sink.offered() == tries).await;
        app.clock.advance(chrono::Duration::hours(9));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.offered(), 6, "no seventh try");
    let status = newest_status(&app, &admin).await;
    assert!(
        status.starts_with("Not sent: Gave up after 6 attempts: "),
        "{status}"
    );
    let row = outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.pending_body, row.attempts), (None, 6));
    app.finish().await;
}
both!(a_refused_message_is_tried_again_later_then_given_up_on);

async fn concurrent_reset_requests_send_at_most_three_links(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            memory_mail: true,
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let email = w.beta.email(Role::Contributor);
    let calls = (0..10).map(|_| {
        let anon = app.client();
        let app = &app;
        async move {
            app.call(&anon, "request_password_reset", &[("email", email)])
                .await
                .0
        }
    });
    for st in futures::future::join_all(calls).await {
        assert_eq!(st, StatusCode::OK);
    }
    // The requests answer at once and do their work in the background:
    // wait until all ten have had their turn.
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let links = password_reset::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap();
        if links >= 3 || Instant::now() > until {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        password_reset::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        3
    );
    assert_eq!(app.mails_to(email).await.len(), 3);
    app.finish().await;
}
both!(concurrent_reset_requests_send_at_most_three_links);
