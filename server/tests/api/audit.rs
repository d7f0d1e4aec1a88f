//! The keyed audit chain: someone with only database access can neither
//! rewrite it nor cut it off unnoticed.

use crate::both;
use crate::common::{unique, Backend, TestApp, World};
use app::server::audit::{self, AuditKey, HeadProblem};
use app::server::entities::{audit_chain, audit_event};
use chrono::SecondsFormat;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Set,
};

/// What someone with write access to the database but not the key can do:
/// re-compute every hash as plain SHA-256 (the chain's format before keys),
/// after changing what they like.
async fn rehash_without_key(db: &DatabaseConnection) {
    let events = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Seq)
        .all(db)
        .await
        .unwrap();
    let mut prev = "0".repeat(64);
    for e in events {
        let canonical = serde_json::json!([
            prev,
            e.seq,
            e.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            e.actor_user_id.map(|u| u.0),
            e.organization_id.map(|o| o.0),
            e.action,
            e.object_type,
            e.object_id,
            e.before,
            e.after
        ])
        .to_string();
        let hash = app::server::tokens::sha256_hex(canonical.as_bytes());
        audit_event::ActiveModel {
            id: Set(e.id),
            prev_hash: Set(std::mem::replace(&mut prev, hash.clone())),
            hash: Set(hash),
            ..Default::default()
        }
        .update(db)
        .await
        .unwrap();
    }
    audit_chain::Entity::update_many()
        .col_expr(
            audit_chain::Column::HeadHash,
            sea_orm::sea_query::Expr::value(prev),
        )
        .exec(db)
        .await
        .unwrap();
}

async fn keyed_chain_resists_rewriting_and_cutting(b: Backend) {
    let app = TestApp::spawn(b).await;
    World::build(&app).await;
    let db = &app.state.db;
    let key = &app.state.audit_key;
    let events = audit::verify(db, key).await.unwrap().expect("intact");
    assert!(events > 5, "{events}");
    let head = audit::export_head(db, key).await.unwrap();
    assert_eq!(head.seq, events as i64);
    assert_eq!(
        audit::verify_head(db, key, &head).await.unwrap(),
        Ok(events)
    );

    // Another key neither verifies the chain nor accepts the head, and the
    // server refuses to start with it.
    let other = AuditKey::generate();
    assert_eq!(audit::verify(db, &other).await.unwrap(), Err(1));
    assert_eq!(
        audit::verify_head(db, &other, &head).await.unwrap(),
        Err(HeadProblem::BadSignature)
    );
    let refused = audit::bind_key(db, &other).await.unwrap_err();
    assert!(refused.contains("not the one"), "{refused}");
    audit::bind_key(db, key).await.unwrap();

    // A forged head (an edited sequence number) is refused.
    let mut forged = head.clone();
    forged.seq -= 1;
    assert_eq!(
        audit::verify_head(db, key, &forged).await.unwrap(),
        Err(HeadProblem::BadSignature)
    );

    // Later events keep the exported head valid.
    let r = app.post_login(&app.client(), "nobody@else.test", "x").await;
    assert!(r.status().is_redirection());
    assert_eq!(
        audit::verify_head(db, key, &head).await.unwrap(),
        Ok(events + 1)
    );

    // Cutting off the newest events, head included, leaves a chain that
    // verifies on its own; only the exported head shows what is missing.
    let keep = events as i64 - 2;
    let kept = audit_event::Entity::find()
        .filter_seq(keep)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    db.execute_unprepared(&format!("DELETE FROM audit_events WHERE seq > {keep}"))
        .await
        .unwrap();
    db.execute_unprepared(&format!(
        "UPDATE audit_chain SET seq = {keep}, head_hash = '{}'",
        kept.hash
    ))
    .await
    .unwrap();
    assert_eq!(audit::verify(db, key).await.unwrap(), Ok(keep as u64));
    assert_eq!(
        audit::verify_head(db, key, &head).await.unwrap(),
        Err(HeadProblem::Truncated {
            events: keep as u64,
            head: head.seq
        })
    );

    // Rewriting an event and re-computing the hashes without the key
    // breaks the chain from its first event.
    db.execute_unprepared("UPDATE audit_events SET action = 'nothing.happened' WHERE seq = 2")
        .await
        .unwrap();
    rehash_without_key(db).await;
    assert_eq!(audit::verify(db, key).await.unwrap(), Err(1));
    app.finish().await;
}
both!(keyed_chain_resists_rewriting_and_cutting);

/// A database from before keys (plain SHA-256 chain, no key id) is
/// re-computed with the key at start-up, once, and only if it is intact.
async fn an_unkeyed_chain_is_keyed_at_start_up_only_when_intact(b: Backend) {
    let app = TestApp::spawn(b).await;
    World::build(&app).await;
    let db = &app.state.db;
    let key = &app.state.audit_key;
    let before = audit::verify(db, key).await.unwrap().unwrap();
    let head = audit::export_head(db, key).await.unwrap();

    // As written before keys existed.
    rehash_without_key(db).await;
    db.execute_unprepared("UPDATE audit_chain SET key_id = NULL")
        .await
        .unwrap();
    assert_eq!(audit::verify(db, key).await.unwrap(), Err(1));
    audit::bind_key(db, key).await.unwrap();
    // Every event, plus the one that records the re-keying.
    assert_eq!(audit::verify(db, key).await.unwrap(), Ok(before + 1));
    let last = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Seq)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.action, "audit.keyed");
    // The same content gives the same keyed hashes: the head still matches.
    assert_eq!(
        audit::verify_head(db, key, &head).await.unwrap(),
        Ok(before + 1)
    );
    // A second start changes nothing.
    audit::bind_key(db, key).await.unwrap();
    assert_eq!(audit::verify(db, key).await.unwrap(), Ok(before + 1));

    // An unkeyed chain someone edited without re-hashing is not keyed (that
    // would hide the edit): start-up refuses, naming the event.
    rehash_without_key(db).await;
    db.execute_unprepared("UPDATE audit_chain SET key_id = NULL")
        .await
        .unwrap();
    db.execute_unprepared("UPDATE audit_events SET object_id = 'x' WHERE seq = 3")
        .await
        .unwrap();
    let refused = audit::bind_key(db, key).await.unwrap_err();
    assert!(refused.contains("broken at event 3"), "{refused}");

    // One re-hashed after the edit is keyed (nothing in the database can
    // tell it apart), but the head exported earlier shows the rewrite.
    rehash_without_key(db).await;
    audit::bind_key(db, key).await.unwrap();
    assert!(audit::verify(db, key).await.unwrap().is_ok());
    assert_eq!(
        audit::verify_head(db, key, &head).await.unwrap(),
        Err(HeadProblem::Rewritten(head.seq))
    );
    app.finish().await;
}
both!(an_unkeyed_chain_is_keyed_at_start_up_only_when_intact);

trait FilterSeq {
    fn filter_seq(self, seq: i64) -> Self;
}

impl FilterSeq for sea_orm::Select<audit_event::Entity> {
    fn filter_seq(self, seq: i64) -> Self {
        use sea_orm::{ColumnTrait, QueryFilter};
        self.filter(audit_event::Column::Seq.eq(seq))
    }
}

/// The command line: a key file generated on first start (owner-only),
/// `export-head`, `verify --head`, and a refused wrong key.
#[test]
fn the_command_line_exports_and_checks_a_signed_head() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("pactline-audit-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.join("p.db").display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_pactline"))
            .args(args)
            .env("DATABASE_URL", &db)
            .env("PACTLINE_DATA_DIR", &dir)
            .env("PACTLINE_LOG", "warn")
            .env_remove("PACTLINE_AUDIT_KEY")
            .env_remove("PACTLINE_AUDIT_KEY_FILE")
            .output()
            .unwrap()
    };
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let out = run(&["migrate"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("generated a new audit key"),
        "{}",
        text(&out)
    );
    let key_file = dir.join("audit.key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(key.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
    // The key is never printed.
    assert!(!text(&out).contains(key.trim()));

    let head_file = dir.join("head.json");
    let out = run(&["audit", "export-head", "--to", head_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&["audit", "verify", "--head", head_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("audit trail intact"), "{}", text(&out));

    // An edited head file is refused.
    let edited = std::fs::read_to_string(&head_file)
        .unwrap()
        .replace("\"seq\": ", "\"seq\": 1");
    std::fs::write(&head_file, edited).unwrap();
    let out = run(&["audit", "verify", "--head", head_file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("not signed with this audit key"),
        "{}",
        text(&out)
    );

    // Another key (given in the environment) is refused at start.
    let out = Command::new(env!("CARGO_BIN_EXE_pactline"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &db)
        .env("PACTLINE_DATA_DIR", &dir)
        .env("PACTLINE_LOG", "warn")
        .env("PACTLINE_AUDIT_KEY", "f".repeat(64))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("not the one"), "{}", text(&out));
    // A short key is refused with what to do.
    let out = Command::new(env!("CARGO_BIN_EXE_pactline"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &db)
        .env("PACTLINE_AUDIT_KEY", "short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("at least 32 characters"),
        "{}",
        text(&out)
    );
    std::fs::remove_dir_all(&dir).ok();
}
