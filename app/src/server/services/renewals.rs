//! Recurring re-assessment. The asset owner sets a cadence on an accepted
//! assessment ("every 12 months"); the next one is due that many months
//! after the decision. Thirty days before, the scheduler opens it: the
//! profile's current published version sent to the same supplier in the
//! same engagement, bound to the same product version, each answer
//! pre-filled from the accepted one (requirement identity kept across
//! catalog versions), and both sides are told. A unique index on
//! `renewal_of` opens it once, however many schedulers run at once. The
//! renewal's page marks each answer changed or unchanged since.

use super::org_names;
use crate::model::{
    parse_cadence, renewal_date, renewal_due, renewal_opens, AnswerDto, AnswerFields, AnswerId,
    AppError, AssessmentId, AssessmentStatus, Permission, RenewalDto, RenewalDue, RequirementId,
    Side, RENEWAL_LEAD_DAYS,
};
use crate::server::{
    access,
    answers::fields_of,
    audit, db,
    entities::{answer, answer_version, assessment, catalog, evidence, profile, requirement},
    notify, read_models,
    respond::unique_violation,
    webhooks, Actor, AppState,
};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;

const ACCEPTED: [AssessmentStatus; 2] = [
    AssessmentStatus::Accepted,
    AssessmentStatus::AcceptedWithConditions,
];

/// Sets (or, with an empty `every_months`, stops) the cadence of an
/// accepted assessment: the next one is due that many months after the
/// decision.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn set_cadence(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    every_months: &str,
) -> Result<Option<chrono::NaiveDate>, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let months = parse_cadence(every_months)?;
    let txn = db::write_txn(&state.writer).await?;
    let a = access::assessment_of_party(&txn, actor, id).await?;
    if access::side_of(actor, &a) != Side::Owner {
        return Err(AppError::NotFound);
    }
    if !ACCEPTED.contains(&access::assessment_status(&a)) {
        return Err(AppError::Conflict(
            "Only an accepted assessment is renewed; decide on it first.".into(),
        ));
    }
    if next_of(&txn, &a).await?.is_some() {
        return Err(AppError::Conflict(
            "Its renewal is open already; set the cadence on the renewal once it is accepted."
                .into(),
        ));
    }
    let decided = a
        .decided_at
        .map_or_else(|| state.clock.today(), |t| t.date_naive());
    let renews_on = match months {
        Some(m) => Some(
            renewal_date(decided, m)
                .ok_or_else(|| AppError::invalid("every_months", "That date is out of range."))?,
        ),
        None => None,
    };
    let before = json!({"every_months": a.renew_every_months, "renews_on": a.renews_on});
    assessment::Entity::update_many()
        .col_expr(
            assessment::Column::RenewEveryMonths,
            Expr::value(months.map(|m| m as i32)),
        )
        .col_expr(assessment::Column::RenewsOn, Expr::value(renews_on))
        .filter(assessment::Column::Id.eq(a.id))
        .exec(&txn)
        .await?;
    audit::by_actor(
        &txn,
        actor,
        "assessment.cadence_set",
        "assessment",
        a.id,
        Some(before),
        Some(json!({"every_months": months, "renews_on": renews_on})),
    )
    .await?;
    txn.commit().await?;
    Ok(renews_on)
}

/// The renewal of `a`, once opened.
async fn next_of<C: ConnectionTrait>(
    conn: &C,
    a: &access::Readable<assessment::Model>,
) -> Result<Option<AssessmentId>, AppError> {
    Ok(access::renewal_of(a)
        .select_only()
        .column(assessment::Column::Id)
        .into_tuple()
        .one(conn)
        .await?)
}

/// What an assessment's page shows of its renewal, and for a renewal each
/// answer marked changed or unchanged since the accepted one it renews.
pub(crate) async fn of_assessment<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    a: &access::Readable<assessment::Model>,
    side: Side,
    answers: &mut [AnswerDto],
) -> Result<RenewalDto, AppError> {
    let next = next_of(conn, a).await?;
    let mut dto = RenewalDto {
        every_months: a.renew_every_months,
        renews_on: a.renews_on,
        next,
        renews: a.renewal_of,
        may_set: side == Side::Owner
            && actor.may(Permission::ManageEngagements)
            && ACCEPTED.contains(&access::assessment_status(a))
            && next.is_none(),
        ..Default::default()
    };
    let Some(prev) = a.renewal_of else {
        return Ok(dto);
    };
    let prev = access::assessment_readable(conn, actor, prev).await?;
    let before = fields_by_ref(conn, actor, &prev).await?;
    for x in answers.iter_mut() {
        let Some(was) = before.get(&x.requirement.ref_id) else {
            continue;
        };
        let changed = *was != x.fields;
        x.since_last = Some(changed);
        if changed {
            dto.changed += 1;
        } else {
            dto.unchanged += 1;
        }
    }
    Ok(dto)
}

/// An assessment's answers by requirement identifier.
async fn fields_by_ref<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    a: &access::Readable<assessment::Model>,
) -> Result<HashMap<String, AnswerFields>, AppError> {
    let answers = access::answers_of(a).all(conn).await?;
    let refs: HashMap<RequirementId, String> = access::requirements_readable(actor)
        .select_only()
        .column(requirement::Column::Id)
        .column(requirement::Column::RefId)
        .filter(requirement::Column::Id.is_in(answers.iter().map(|x| x.requirement_id)))
        .into_tuple()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(answers
        .iter()
        .filter_map(|x| Some((refs.get(&x.requirement_id)?.clone(), fields_of(x))))
        .collect())
}

/// The owner's accepted assessments with a cadence, the next due soonest
/// first (at most 50): the portfolio's renewals.
pub(crate) async fn due_for_owner<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    today: chrono::NaiveDate,
) -> Result<Vec<RenewalDue>, AppError> {
    let rows = access::assessments_as_owner(actor)
        .filter(assessment::Column::Status.is_in(ACCEPTED))
        .filter(assessment::Column::RenewsOn.is_not_null())
        .order_by_asc(assessment::Column::RenewsOn)
        .limit(50)
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let opened: HashMap<AssessmentId, AssessmentId> = access::assessments_as_owner(actor)
        .select_only()
        .column(assessment::Column::RenewalOf)
        .column(assessment::Column::Id)
        .filter(assessment::Column::RenewalOf.is_in(rows.iter().map(|a| a.id)))
        .into_tuple::<(AssessmentId, AssessmentId)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let names = org_names(conn, rows.iter().map(|a| a.supplier_org_id)).await?;
    let profiles: HashMap<crate::model::ProfileId, String> =
        access::scoped::<profile::Entity>(actor)
            .filter(profile::Column::Id.is_in(rows.iter().map(|a| a.profile_id)))
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.id, format!("{} v{}", p.name, p.version)))
            .collect();
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let renews_on = a.renews_on?;
            let opened = opened.get(&a.id).copied();
            Some(RenewalDue {
                assessment: a.id,
                supplier: names.get(&a.supplier_org_id).cloned().unwrap_or_default(),
                profile: profiles.get(&a.profile_id).cloned().unwrap_or_default(),
                renews_on,
                soon: opened.is_none() && renews_on <= today + chrono::Duration::days(90),
                opened,
            })
        })
        .collect())
}

/// The scheduler's part: opens every renewal due (from 30 days before its
/// date), each in its own transaction. A renewal another scheduler opened
/// meanwhile is left alone. Returns how many this call opened.
pub async fn open_due(state: &AppState) -> Result<usize, AppError> {
    let today = state.clock.today();
    let horizon = today + chrono::Duration::days(RENEWAL_LEAD_DAYS);
    // access: allow — system job: accepted assessments whose renewal is due
    // and not opened yet, of every organization.
    let due: Vec<assessment::Model> = assessment::Entity::find()
        .filter(assessment::Column::Status.is_in(ACCEPTED))
        .filter(assessment::Column::RenewsOn.lte(horizon))
        .filter(
            assessment::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(assessment::Column::RenewalOf)
                    .from(assessment::Entity)
                    .and_where(assessment::Column::RenewalOf.is_not_null())
                    .to_owned(),
            ),
        )
        .order_by_asc(assessment::Column::Id)
        .all(&state.db)
        .await?;
    let mut opened = 0;
    for a in due {
        let Some(renews_on) = a.renews_on else {
            continue;
        };
        if !renewal_opens(renews_on, today) {
            continue;
        }
        match open(state, &a, renews_on).await {
            Ok(_) => opened += 1,
            // Another scheduler opened it first.
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(opened)
}

/// Opens the renewal of `prev` in one transaction.
async fn open(
    state: &AppState,
    prev: &assessment::Model,
    renews_on: chrono::NaiveDate,
) -> Result<AssessmentId, AppError> {
    let today = state.clock.today();
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    // access: allow — system job: the profile line the accepted assessment
    // was sent from, and its newest published version (the owner's).
    let sent = profile::Entity::find_by_id(prev.profile_id)
        .filter(profile::Column::OwnerOrgId.eq(prev.owner_org_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // access: allow — system job, as above.
    let current = profile::Entity::find()
        .filter(profile::Column::OwnerOrgId.eq(prev.owner_org_id))
        .filter(profile::Column::Lineage.eq(sent.lineage.clone()))
        .filter(profile::Column::Status.eq(crate::model::ProfileStatus::Published))
        .order_by_desc(profile::Column::Version)
        .one(&txn)
        .await?
        .unwrap_or(sent);
    let due = renewal_due(renews_on, today);
    let a = assessment::ActiveModel {
        engagement_id: Set(prev.engagement_id),
        owner_org_id: Set(prev.owner_org_id),
        supplier_org_id: Set(prev.supplier_org_id),
        profile_id: Set(current.id),
        status: Set(AssessmentStatus::Sent),
        due_on: Set(due),
        message: Set(format!(
            "The periodic re-assessment (every {} months) of the assessment accepted on {}. Your accepted answers are filled in: confirm each or change what changed.",
            prev.renew_every_months.unwrap_or(12),
            prev.decided_at.map_or_else(String::new, |t| t.date_naive().to_string()),
        )),
        created_by: Set(None),
        created_at: Set(now),
        submitted_at: Set(None),
        decision_rationale: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        product_version_id: Set(prev.product_version_id),
        renew_every_months: Set(prev.renew_every_months),
        renews_on: Set(None),
        renewal_of: Set(Some(prev.id)),
        round: Set(prev.round + 1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if unique_violation(&e) {
            AppError::Conflict("This renewal is open already.".into())
        } else {
            e.into()
        }
    })?;
    // One answer per item of the current version, pre-filled from the
    // accepted answer to the same requirement (by id, or by catalog and
    // identifier where the profile moved to a newer catalog version).
    // access: allow — system job: the items of the owner's profile version.
    let items = crate::server::entities::profile_item::Entity::find()
        .filter(crate::server::entities::profile_item::Column::ProfileId.eq(current.id))
        .all(&txn)
        .await?;
    // access: allow — system job: the accepted assessment's answers.
    let accepted = answer::Entity::find()
        .filter(answer::Column::AssessmentId.eq(prev.id))
        .all(&txn)
        .await?;
    let ids: Vec<RequirementId> = items
        .iter()
        .map(|i| i.requirement_id)
        .chain(accepted.iter().map(|x| x.requirement_id))
        .collect();
    // access: allow — system job: the requirements those items and answers
    // name (shipped, or the owner's own catalog).
    let reqs: Vec<(RequirementId, crate::model::CatalogId, String)> = requirement::Entity::find()
        .select_only()
        .column(requirement::Column::Id)
        .column(requirement::Column::CatalogId)
        .column(requirement::Column::RefId)
        .filter(requirement::Column::Id.is_in(ids))
        .into_tuple()
        .all(&txn)
        .await?;
    // access: allow — system job: their catalogs' keys.
    let keys: HashMap<crate::model::CatalogId, String> = catalog::Entity::find()
        .select_only()
        .column(catalog::Column::Id)
        .column(catalog::Column::Key)
        .filter(catalog::Column::Id.is_in(reqs.iter().map(|r| r.1)))
        .into_tuple()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let identity: HashMap<RequirementId, crate::model::RequirementIdentity> = reqs
        .into_iter()
        .filter_map(|(id, cat, r)| {
            Some((
                id,
                crate::model::RequirementIdentity::new(keys.get(&cat)?, &r),
            ))
        })
        .collect();
    let mut carry = crate::model::Carryover::default();
    for x in &accepted {
        carry.add(
            Some(x.requirement_id),
            identity.get(&x.requirement_id).cloned(),
            x,
        );
    }
    // Which accepted answer each item's answer continues.
    let mut continues: HashMap<crate::model::ProfileItemId, AnswerId> = HashMap::new();
    let rows: Vec<answer::ActiveModel> = items
        .iter()
        .map(|i| {
            let was = carry
                .find(i.requirement_id, identity.get(&i.requirement_id))
                .copied();
            if let Some(w) = was {
                continues.insert(i.id, w.id);
            }
            let f = was.map(fields_of).unwrap_or_default();
            let filled = f.compliance.is_some();
            answer::ActiveModel {
                assessment_id: Set(a.id),
                profile_item_id: Set(i.id),
                requirement_id: Set(i.requirement_id),
                supplier_org_id: Set(prev.supplier_org_id),
                compliance: Set(f.compliance),
                countermeasure: Set(f.countermeasure),
                planned_on: Set(f.planned_on),
                na_reason: Set(f.na_reason),
                other_party: Set(f.other_party),
                claimed_level: Set(f.claimed_level),
                statement: Set(f.statement),
                responsibility_accepted: Set(f.responsibility_accepted),
                assignee_id: Set(None),
                version: Set(i32::from(filled)),
                updated_by: Set(None),
                updated_at: Set(filled.then_some(now)),
                ..Default::default()
            }
        })
        .collect();
    for chunk in rows.chunks(100) {
        answer::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    // Each pre-filled answer's first version, for its history.
    // access: allow — system job: the answers just written.
    let written = answer::Entity::find()
        .filter(answer::Column::AssessmentId.eq(a.id))
        .filter(answer::Column::Version.eq(1))
        .all(&txn)
        .await?;
    let versions: Vec<answer_version::ActiveModel> = written
        .iter()
        .map(|x| answer_version::ActiveModel {
            answer_id: Set(x.id),
            version: Set(1),
            data: Set(serde_json::to_string(&fields_of(x)).unwrap_or_default()),
            saved_by: Set(None),
            saved_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in versions.chunks(100) {
        answer_version::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    let carried = carry_evidence(&txn, prev, &a, &continues, now).await?;
    read_models::recount_progress(&txn, &[a.id]).await?;
    audit::record(
        &txn,
        &audit::Who::system(&state.audit_key, "renewals"),
        audit::Event {
            org: Some(a.owner_org_id),
            action: "assessment.renewal_opened",
            object_type: "assessment",
            object_id: a.id.to_string(),
            before: None,
            after: Some(json!({
                "renews": prev.id, "round": a.round, "profile": current.id,
                "profile_version": current.version, "prefilled": written.len(),
                "evidence_carried": carried,
                "due_on": due.to_string(),
            })),
        },
    )
    .await?;
    let names = org_names(&txn, [a.owner_org_id, a.supplier_org_id]).await?;
    let owner = names.get(&a.owner_org_id).cloned().unwrap_or_default();
    let supplier = names.get(&a.supplier_org_id).cloned().unwrap_or_default();
    notify::assessment_event(
        &txn,
        state,
        notify::Event::Sent,
        &a,
        &format!("{owner}: periodic re-assessment due {due}"),
        &format!(
            "{owner} re-assesses {supplier} every {} months: “{}” (version {}), due {due}. Your accepted answers are filled in; confirm them or change what changed.",
            a.renew_every_months.unwrap_or(12),
            current.name,
            current.version,
        ),
        None,
    )
    .await?;
    let to = notify::recipients(
        &txn,
        a.owner_org_id.0,
        &[crate::model::Role::Admin, crate::model::Role::Reviewer],
    )
    .await?;
    notify::notify(
        &txn,
        state,
        a.owner_org_id.0,
        &to,
        notify::Message {
            kind: "assessment.renewal_opened",
            title: &format!("Re-assessment of {supplier} opened, due {due}"),
            body: &format!(
                "The periodic re-assessment of {supplier} (“{}” version {}) was sent, pre-filled from the accepted answers; it is due {due}.",
                current.name, current.version
            ),
            link: &format!("/assessments/{}", a.id),
        },
    )
    .await?;
    webhooks::assessment_event(&txn, state, &a, webhooks::Topic::AssessmentSent, "sent").await?;
    txn.commit().await?;
    Ok(a.id)
}

/// Carries the accepted answers' evidence (files, links, certificate
/// records) over to the renewal's answers that continue them, as copies
/// pointing at the same stored files: the supplier confirms or replaces
/// it instead of uploading it again. Returns how many items came along.
async fn carry_evidence(
    txn: &sea_orm::DatabaseTransaction,
    prev: &assessment::Model,
    a: &assessment::Model,
    continues: &HashMap<crate::model::ProfileItemId, AnswerId>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, AppError> {
    if continues.is_empty() {
        return Ok(0);
    }
    // access: allow — system job: the renewal's answers just written.
    let new_of: HashMap<AnswerId, AnswerId> = answer::Entity::find()
        .filter(answer::Column::AssessmentId.eq(a.id))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|x| Some((*continues.get(&x.profile_item_id)?, x.id)))
        .collect();
    // access: allow — system job: the accepted assessment's evidence.
    let old = evidence::Entity::find()
        .filter(evidence::Column::AssessmentId.eq(prev.id))
        .filter(evidence::Column::AnswerId.is_in(new_of.keys().copied()))
        .order_by_asc(evidence::Column::Id)
        .all(txn)
        .await?;
    super::evidence_files::touch_blobs(txn, old.iter().filter_map(|e| e.sha256.clone()), now)
        .await?;
    let rows: Vec<evidence::ActiveModel> = old
        .into_iter()
        .filter_map(|e| {
            let to = *new_of.get(&e.answer_id)?;
            Some(evidence::ActiveModel {
                assessment_id: Set(a.id),
                answer_id: Set(to),
                kind: Set(e.kind),
                title: Set(e.title),
                sha256: Set(e.sha256),
                content_type: Set(e.content_type),
                size_bytes: Set(e.size_bytes),
                url: Set(e.url),
                scheme: Set(e.scheme),
                level: Set(e.level),
                scope: Set(e.scope),
                issuer: Set(e.issuer),
                expires_on: Set(e.expires_on),
                certificate_id: Set(e.certificate_id),
                copied: Set(true),
                created_by: Set(e.created_by),
                created_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    let n = rows.len();
    for chunk in rows.chunks(100) {
        evidence::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(n)
}
