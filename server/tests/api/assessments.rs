//! Engagements, assessments and answers: sending, answering with
//! optimistic concurrency, evidence, submitting, reopening.

use crate::both;
use crate::catalogs::shipped_id;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// What a test needs: an engagement with one assessment sent by Alpha to
/// Sigma from a published 4-1 profile (47 items, the first requiring
/// evidence).
pub struct Sent {
    pub owner: Client,
    pub supplier: Client,
    pub engagement: String,
    pub assessment: String,
    pub profile: String,
}

pub fn due() -> String {
    (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string()
}

pub async fn send(app: &TestApp, w: &World) -> Sent {
    let owner = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let profile = crate::profiles::create(app, &owner, "Vendor SDL").await;
    let sdl = shipped_id(app, "iec-62443-4-1").await.to_string();
    let (st, _) = app
        .call(
            &owner,
            "add_profile_items",
            &[
                ("profile_id", &profile),
                ("catalog_id", &sdl),
                ("component_type", ""),
                ("level", "2"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, p) = app
        .call(&owner, "get_profile", &[("profile_id", &profile)])
        .await;
    let first = p["items"][0]["id"].to_string();
    let (st, _) = crate::profiles::edit_item(app, &owner, &first, "2", "5").await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(&owner, "publish_profile", &[("profile_id", &profile)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, engagement) = app
        .call(
            &owner,
            "create_engagement",
            &[("name", "SCADA upgrade 2027"), ("description", "Plant 3")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{engagement}");
    let (st, assessment) = app
        .call(
            &owner,
            "send_assessment",
            &[
                ("engagement_id", &engagement.to_string()),
                ("supplier_org_id", &w.sigma.id.0.to_string()),
                ("profile_id", &profile),
                ("due_on", &due()),
                ("message", "Please answer before the tender closes."),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{assessment}");
    let supplier = app.login(w.sigma.email(Role::Contributor), PASSWORD).await;
    Sent {
        owner,
        supplier,
        engagement: engagement.to_string(),
        assessment: assessment.to_string(),
        profile,
    }
}

pub async fn save(
    app: &TestApp,
    c: &Client,
    answer: &str,
    version: i64,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = vec![
        ("answer_id".to_string(), answer.to_string()),
        ("version".to_string(), version.to_string()),
    ];
    for f in [
        "compliance",
        "countermeasure",
        "planned_on",
        "na_reason",
        "other_party",
        "claimed_level",
        "statement",
        "responsibility_accepted",
    ] {
        let v = fields
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, v)| *v)
            .unwrap_or("");
        form.push((format!("answer[{f}]"), v.to_string()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(c, "save_answer", &pairs).await
}

pub async fn get(app: &TestApp, c: &Client, id: &str) -> Value {
    let (st, a) = app
        .call(c, "get_assessment", &[("assessment_id", id)])
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    a
}

/// The progress the lists show (kept on the assessment's row) agrees with
/// the one the assessment page counts from its answers; returns it.
pub async fn progress_agrees(app: &TestApp, client: &reqwest::Client, s: &Sent) -> Value {
    let counted = get(app, client, &s.assessment).await["summary"]["progress"].clone();
    let (st, list) = app.call(client, "list_assessments", &[]).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"].as_i64() == s.assessment.parse::<i64>().ok())
        .expect("the assessment is listed")["progress"]
        .clone();
    assert_eq!(listed, counted, "the list's progress is the counted one");
    counted
}

async fn a_supplier_answers_with_evidence_and_submits(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;

    // The supplier's admins and contributors are told.
    let mail = app.mails_to(w.sigma.email(Role::Contributor)).await;
    assert!(mail
        .iter()
        .any(|m| m.body.contains(&format!("/assessments/{}", s.assessment))));

    // The inbox shows it with progress and due date.
    let (st, inbox) = app.call(&s.supplier, "list_assessments", &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    assert_eq!(inbox[0]["owner"], "Alpha Water");
    assert_eq!(inbox[0]["status"], "sent");
    assert_eq!(inbox[0]["progress"]["total"], 47);
    assert_eq!(inbox[0]["progress"]["answered"], 0);
    // Nothing answered yet, so no evidence is missing yet.
    assert_eq!(inbox[0]["progress"]["evidence_missing"], 0);
    assert_eq!(inbox[0]["due_on"], due().as_str());

    let a = get(&app, &s.supplier, &s.assessment).await;
    assert_eq!(a["side"], "supplier");
    let answers = a["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 47);
    let first = answers[0]["id"].to_string();
    assert_eq!(answers[0]["evidence_required"], true);

    // Rules of an answer, by field.
    let (st, err) = save(&app, &s.supplier, &first, 0, &[("compliance", "planned")]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err.to_string().contains("planned_on"), "{err}");

    // Two people save version 0: the second sees a conflict and both versions.
    let (st, ok) = save(
        &app,
        &s.supplier,
        &first,
        0,
        &[("compliance", "meets"), ("statement", "Documented SDL")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{ok}");
    assert_eq!(ok["Saved"]["version"], 1);
    // "Meets" on an item that requires evidence, with none attached yet.
    let (_, inbox) = app.call(&s.supplier, "list_assessments", &[]).await;
    assert_eq!(inbox[0]["progress"]["evidence_missing"], 1, "{inbox}");
    assert_eq!(progress_agrees(&app, &s.supplier, &s).await["answered"], 1);
    let admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (st, clash) = save(
        &app,
        &admin,
        &first,
        0,
        &[("compliance", "partially_meets")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{clash}");
    let c = &clash["Conflict"];
    assert_eq!(c["theirs"]["compliance"], "meets");
    assert_eq!(c["theirs"]["statement"], "Documented SDL");
    assert_eq!(c["theirs_version"], 1);
    assert_eq!(c["yours"]["compliance"], "partially_meets");
    assert_eq!(c["saved_by"], "Sigma Devices Contributor");
    // The loser decides: saving on top of version 1 works.
    let (_, ok) = save(
        &app,
        &admin,
        &first,
        1,
        &[
            ("compliance", "meets"),
            ("statement", "Documented SDL, audited"),
        ],
    )
    .await;
    assert_eq!(ok["Saved"]["version"], 2);
    let (st, history) = app
        .call(&s.owner, "answer_history", &[("answer_id", &first)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let versions: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![2, 1], "every saved version is kept");
    assert_eq!(
        get(&app, &s.owner, &s.assessment).await["summary"]["status"],
        "in_progress"
    );

    // Submitting too early names what is missing.
    let (st, err) = app
        .call(
            &s.supplier,
            "submit_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let text = err.to_string();
    assert!(text.contains("46 not answered"), "{text}");
    assert!(text.contains("1 needs evidence: SM-1"), "{text}");

    for x in &answers[1..] {
        let (st, r) = save(
            &app,
            &s.supplier,
            &x["id"].to_string(),
            0,
            &[
                ("compliance", "not_applicable"),
                ("na_reason", "No such process"),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    assert_eq!(progress_agrees(&app, &s.supplier, &s).await["answered"], 47);
    // Evidence: a PDF, a link and a certificate on the first answer.
    let (st, file) = app
        .upload(
            &s.supplier,
            "upload_evidence",
            &[("answer_id", &first)],
            "sdl-audit.pdf",
            b"%PDF-1.7\n% audit report\n".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{file}");
    assert_eq!(
        progress_agrees(&app, &s.supplier, &s).await["evidence_missing"],
        0
    );
    let (st, bad) = app
        .upload(
            &s.supplier,
            "upload_evidence",
            &[("answer_id", &first)],
            "report.pdf",
            b"MZ\x90\x00not a pdf".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let (st, _) = app
        .call(
            &s.supplier,
            "add_evidence_link",
            &[
                ("answer_id", &first),
                ("title", "SDL policy"),
                ("url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = app
        .call(
            &s.supplier,
            "add_evidence_link",
            &[
                ("answer_id", &first),
                ("title", "SDL policy"),
                ("url", "https://sigma.example/sdl"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(
            &s.supplier,
            "add_evidence_certificate",
            &[
                ("answer_id", &first),
                ("scheme", "ISASecure SDLA"),
                ("level", "ML 3"),
                ("scope", "All product lines"),
                ("issuer", "exida"),
                ("expires_on", "2028-06-30"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let a = get(&app, &s.owner, &s.assessment).await;
    let ev = a["answers"][0]["evidence"].as_array().unwrap();
    assert_eq!(
        ev.iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["file", "link", "certificate"]
    );
    assert_eq!(a["summary"]["progress"]["answered"], 47);
    assert_eq!(a["summary"]["progress"]["evidence_missing"], 0);

    // The file downloads for both sides, safely.
    for c in [&s.supplier, &s.owner] {
        let r = c
            .get(app.url(&format!("/evidence/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"sdl-audit.pdf\""));
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            b"%PDF-1.7\n% audit report\n"
        );
    }

    let (st, r) = app
        .call(
            &s.supplier,
            "submit_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        get(&app, &s.owner, &s.assessment).await["summary"]["status"],
        "submitted"
    );
    assert!(app
        .mails_to(w.alpha.email(Role::Reviewer))
        .await
        .iter()
        .any(|m| m.subject.contains("submitted")));
    // Locked now.
    let (st, _) = save(
        &app,
        &s.supplier,
        &first,
        2,
        &[("compliance", "does_not_meet")],
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = app
        .call(
            &s.supplier,
            "submit_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    // The supplier cannot reopen; the owner can, then withdraw.
    let (st, _) = app
        .call(
            &s.supplier,
            "change_assessment",
            &[("assessment_id", &s.assessment), ("change", "reopen")],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, r) = app
        .call(
            &s.owner,
            "change_assessment",
            &[("assessment_id", &s.assessment), ("change", "reopen")],
        )
        .await;
    assert_eq!((st, r), (StatusCode::OK, Value::from("in_progress")));
    let (st, _) = save(
        &app,
        &s.supplier,
        &first,
        2,
        &[
            ("compliance", "meets"),
            ("statement", "Reopened and amended"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (st, r) = app
        .call(
            &s.owner,
            "change_assessment",
            &[("assessment_id", &s.assessment), ("change", "withdraw")],
        )
        .await;
    assert_eq!((st, r), (StatusCode::OK, Value::from("withdrawn")));
    let (st, _) = app
        .call(
            &s.owner,
            "change_assessment",
            &[("assessment_id", &s.assessment), ("change", "reopen")],
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    // The engagement shows the assessment to the owner only.
    let (st, e) = app
        .call(
            &s.owner,
            "get_engagement",
            &[("engagement_id", &s.engagement)],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(e["assessments"][0]["supplier"], "Sigma Devices");
    let (st, _) = app
        .call(
            &s.supplier,
            "get_engagement",
            &[("engagement_id", &s.engagement)],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let _ = &s.profile;
    app.finish().await;
}
both!(a_supplier_answers_with_evidence_and_submits);

async fn sending_checks_its_inputs(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let args = |supplier: &str, profile: &str, due: &str| {
        vec![
            ("engagement_id".to_string(), s.engagement.clone()),
            ("supplier_org_id".to_string(), supplier.to_string()),
            ("profile_id".to_string(), profile.to_string()),
            ("due_on".to_string(), due.to_string()),
            ("message".to_string(), String::new()),
        ]
    };
    let call = |a: Vec<(String, String)>| {
        let owner = s.owner.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> =
                a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call(&owner, "send_assessment", &pairs).await
        }
    };
    let sigma = w.sigma.id.0.to_string();
    // Again: refused, nothing duplicated.
    let (st, _) = call(args(&sigma, &s.profile, &due())).await;
    assert_eq!(st, StatusCode::CONFLICT);
    // Not a supplier of Alpha.
    let (st, err) = call(args(&w.beta.id.0.to_string(), &s.profile, &due())).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    // A draft profile.
    let draft = crate::profiles::create(&app, &s.owner, "Draft only").await;
    let (st, err) = call(args(&sigma, &draft, &due())).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().contains("publish it first"), "{err}");
    // In the past, or not a date.
    let (st, _) = call(args(&sigma, &s.profile, "2020-01-01")).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = call(args(&sigma, &s.profile, "soon")).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    // Prefill: a second engagement gets the answers of the first.
    let a = get(&app, &s.supplier, &s.assessment).await;
    let first = a["answers"][0]["id"].to_string();
    let (st, _) = save(
        &app,
        &s.supplier,
        &first,
        0,
        &[("compliance", "meets"), ("statement", "Reused")],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (_, e2) = app
        .call(
            &s.owner,
            "create_engagement",
            &[("name", "Second"), ("description", "")],
        )
        .await;
    let mut second = args(&sigma, &s.profile, &due());
    second[0].1 = e2.to_string();
    let (st, a2) = call(second).await;
    assert_eq!(st, StatusCode::OK, "{a2}");
    let (st, n) = app
        .call(
            &s.supplier,
            "prefill_answers",
            &[("assessment_id", &a2.to_string())],
        )
        .await;
    assert_eq!((st, n), (StatusCode::OK, Value::from(1)));
    let copy = get(&app, &s.supplier, &a2.to_string()).await;
    assert_eq!(copy["answers"][0]["fields"]["statement"], "Reused");
    assert_eq!(copy["answers"][0]["version"], 1);
    // Assigning to a colleague, and not to a stranger.
    let (_, members) = app.call(&s.supplier, "list_members", &[]).await;
    let colleague = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "admin")
        .unwrap()["user_id"]
        .to_string();
    let (st, r) = app
        .call(
            &s.supplier,
            "assign_answer",
            &[("answer_id", &first), ("assignee", &colleague)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, _) = app
        .call(
            &s.supplier,
            "assign_answer",
            &[("answer_id", &first), ("assignee", "999999")],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        get(&app, &s.owner, &s.assessment).await["answers"][0]["assignee"],
        "Sigma Devices Admin"
    );
    app.finish().await;
}
both!(sending_checks_its_inputs);

/// Saves that arrive together are written together, in one transaction
/// (`services::autosave`), yet each keeps its own outcome: of two saves of
/// the same version one wins and the other sees a conflict; a save that
/// cannot be written fails alone and leaves nothing behind; the first
/// answer moves the assessment once; every version and audit event is kept
/// once, and the audit chain still verifies.
async fn saves_arriving_together_keep_their_own_outcomes(b: Backend) {
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let a = get(&app, &s.supplier, &s.assessment).await;
    let ids: Vec<String> = a["answers"].as_array().unwrap()[..21]
        .iter()
        .map(|x| x["id"].to_string())
        .collect();
    // Version 1 of the last answer is already kept (as if written behind
    // the application's back): saving it breaks a unique index.
    let broken = &ids[20];
    app.state
        .db
        .execute_unprepared(&format!(
            "INSERT INTO answer_versions (answer_id, version, data, saved_at) \
             VALUES ({broken}, 1, '{{}}', CURRENT_TIMESTAMP)"
        ))
        .await
        .unwrap();

    let statements: Vec<(usize, String)> = (0..20)
        .flat_map(|i| [(i, format!("First of {i}")), (i, format!("Second of {i}"))])
        .chain([(20, "Cannot be kept".to_string())])
        .collect();
    let outcomes = futures::future::join_all(statements.iter().map(|(i, text)| async {
        let fields = [("compliance", "meets"), ("statement", text.as_str())];
        save(&app, &s.supplier, &ids[*i], 0, &fields).await
    }))
    .await;

    for i in 0..20 {
        let pair: Vec<&(StatusCode, Value)> = statements
            .iter()
            .zip(&outcomes)
            .filter(|((j, _), _)| *j == i)
            .map(|(_, o)| o)
            .collect();
        assert!(pair.iter().all(|(st, _)| *st == StatusCode::OK), "{pair:?}");
        let won: Vec<_> = pair
            .iter()
            .filter(|(_, v)| v.get("Saved").is_some())
            .collect();
        let lost: Vec<_> = pair
            .iter()
            .filter(|(_, v)| v.get("Conflict").is_some())
            .collect();
        assert_eq!((won.len(), lost.len()), (1, 1), "{pair:?}");
        assert_eq!(won[0].1["Saved"]["version"], 1);
        // The loser sees the winner's text as theirs.
        let c = &lost[0].1["Conflict"];
        assert_eq!(c["theirs_version"], 1);
        assert_ne!(c["theirs"]["statement"], c["yours"]["statement"]);
    }
    let (st, err) = &outcomes[40];
    assert_eq!(*st, StatusCode::INTERNAL_SERVER_ERROR, "{err}");

    let a = get(&app, &s.supplier, &s.assessment).await;
    assert_eq!(a["summary"]["status"], "in_progress");
    let answers = a["answers"].as_array().unwrap();
    for x in &answers[..20] {
        assert_eq!(x["version"], 1, "{x}");
    }
    // Nothing of the failed save was applied.
    assert_eq!(answers[20]["version"], 0);
    // Empty fields are left out of what travels.
    assert_eq!(
        answers[20]["fields"].get("statement"),
        None,
        "{}",
        answers[20]
    );

    use app::server::entities::{answer_version, audit_event};
    let db = &app.state.db;
    let ids: Vec<i64> = ids[..20].iter().map(|x| x.parse().unwrap()).collect();
    let kept = answer_version::Entity::find()
        .filter(answer_version::Column::AnswerId.is_in(ids))
        .count(db)
        .await
        .unwrap();
    assert_eq!(kept, 20);
    let events = |action: &'static str| {
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq(action))
            .count(db)
    };
    assert_eq!(events("answer.saved").await.unwrap(), 20);
    assert_eq!(events("assessment.status_changed").await.unwrap(), 1);
    assert!(app::server::audit::verify(db, &app.state.audit_key)
        .await
        .unwrap()
        .is_ok());
    app.finish().await;
}
both!(saves_arriving_together_keep_their_own_outcomes);

pub async fn answer_everything_and_submit(app: &TestApp, s: &Sent) {
    answer_all_and_submit(app, s, |i| {
        if i == 0 {
            vec![("compliance", "meets"), ("claimed_level", "2")]
        } else {
            vec![("compliance", "not_applicable"), ("na_reason", "n/a")]
        }
    })
    .await
}

/// The supplier saves `fields(i)` as the i-th answer, links evidence to the
/// first (which requires it) and submits.
pub async fn answer_all_and_submit<'f>(
    app: &TestApp,
    s: &Sent,
    fields: impl Fn(usize) -> Vec<(&'f str, &'f str)>,
) {
    let a = get(app, &s.supplier, &s.assessment).await;
    for (i, x) in a["answers"].as_array().unwrap().iter().enumerate() {
        let id = x["id"].to_string();
        let v = x["version"].as_i64().unwrap();
        let (st, r) = save(app, &s.supplier, &id, v, &fields(i)).await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let first = a["answers"][0]["id"].to_string();
    let (st, _) = app
        .call(
            &s.supplier,
            "add_evidence_link",
            &[
                ("answer_id", &first),
                ("title", "Audit"),
                ("url", "https://sigma.example/a"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, r) = app
        .call(
            &s.supplier,
            "submit_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
}
