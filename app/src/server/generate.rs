//! A synthetic portfolio for benchmarks and query-count tests: one asset
//! owner with `suppliers` suppliers, each sent the same published profile of
//! `requirements` requirements and answering every one (so suppliers ×
//! requirements answers), in every assessment status, with level gaps and
//! commitments, some overdue. Deterministic; written with bulk inserts.
//!
//! The organizations it creates have no members apart from the owner's
//! admin, so none of them can sign in.

use super::{
    audit::Who,
    entities::{
        answer, assessment, assessment_gap, catalog, commitment, engagement, organization, profile,
        profile_item, requirement, supplier_link,
    },
    services::admin::create_org_with_admin,
    AppState,
};
use crate::model::{
    analyse, AppError, AssessmentStatus, CommitmentSource, CommitmentStatus, Compliance, GapItem,
    OrgId, OrgKind, Party, ProfileStatus, RequirementId, TargetKind, UserId,
};
use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

pub struct Generated {
    pub owner_email: String,
    pub engagement_id: i64,
    pub answers: usize,
}

const STATUSES: [AssessmentStatus; 10] = [
    AssessmentStatus::Sent,
    AssessmentStatus::InProgress,
    AssessmentStatus::InProgress,
    AssessmentStatus::Submitted,
    AssessmentStatus::Submitted,
    AssessmentStatus::UnderReview,
    AssessmentStatus::Accepted,
    AssessmentStatus::Accepted,
    AssessmentStatus::AcceptedWithConditions,
    AssessmentStatus::ChangesRequested,
];

/// Rows per INSERT: under SQLite's limit of bound values.
const CHUNK: usize = 1000;

async fn insert_chunks<C, A>(conn: &C, rows: Vec<A>) -> Result<(), AppError>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Creates the owner (its admin signs in with `owner_email` and
/// `password`) and its portfolio.
pub async fn portfolio(
    state: &AppState,
    owner_name: &str,
    owner_email: &str,
    password: &str,
    suppliers: usize,
    requirements: usize,
) -> Result<Generated, AppError> {
    let (owner, admin) = create_org_with_admin(
        state,
        owner_name,
        &[OrgKind::AssetOwner],
        owner_email,
        "Portfolio Owner",
        password,
        &Who::system(&state.audit_key, "generate"),
    )
    .await?;
    let (owner, admin) = (owner.0, admin.0);
    let now = state.clock.now();
    let today = state.clock.today();
    let txn = super::db::write_txn(&state.writer).await?;
    let key = format!("generated-{owner}");
    let cat = catalog::ActiveModel {
        owner_org_id: Set(Some(OrgId(owner))),
        key: Set(key.clone()),
        name: Set(format!("{owner_name} requirements")),
        version: Set(1),
        part: Set(Some("4-2".into())),
        applies_to: Set("component".into()),
        source: Set("Generated for benchmarks".into()),
        created_at: Set(now),
        origin: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let reqs: Vec<requirement::ActiveModel> = (0..requirements)
        .map(|i| {
            let fr = i % 7 + 1;
            requirement::ActiveModel {
                catalog_id: Set(cat.id),
                position: Set(i as i32),
                ref_id: Set(format!("G {fr}.{}", i / 7 + 1)),
                kind: Set("requirement".into()),
                group_code: Set(format!("FR {fr}")),
                group_title: Set(format!("Foundational requirement {fr}")),
                title: Set(format!("Generated requirement {}", i + 1)),
                description: Set(String::new()),
                parent_ref: Set(None),
                sl: Set(Some("1 2 3 4".into())),
                component_types: Set(None),
                verified: Set(true),
                ..Default::default()
            }
        })
        .collect();
    insert_chunks(&txn, reqs).await?;
    let req_ids: Vec<RequirementId> = requirement::Entity::find()
        .filter(requirement::Column::CatalogId.eq(cat.id))
        .order_by_asc(requirement::Column::Position)
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let prof = profile::ActiveModel {
        owner_org_id: Set(OrgId(owner)),
        lineage: Set(uuid::Uuid::new_v4().to_string()),
        version: Set(1),
        name: Set("Generated component profile".into()),
        description: Set(String::new()),
        status: Set(ProfileStatus::Published),
        created_by: Set(Some(UserId(admin))),
        created_at: Set(now),
        published_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let items: Vec<profile_item::ActiveModel> = req_ids
        .iter()
        .enumerate()
        .map(|(i, r)| profile_item::ActiveModel {
            profile_id: Set(prof.id),
            requirement_id: Set(*r),
            position: Set(i as i32),
            section: Set(String::new()),
            target_kind: Set(TargetKind::Sl),
            target: Set(2 + (i % 2) as i16),
            responsible_party: Set(if i % 5 == 0 {
                Party::AssetOwner
            } else {
                Party::ProductSupplier
            }),
            weight: Set(1),
            evidence_required: Set(false),
            parameters: Set(String::new()),
            ..Default::default()
        })
        .collect();
    insert_chunks(&txn, items).await?;
    let items: Vec<profile_item::Model> = profile_item::Entity::find()
        .filter(profile_item::Column::ProfileId.eq(prof.id))
        .order_by_asc(profile_item::Column::Position)
        .all(&txn)
        .await?;
    let eng = engagement::ActiveModel {
        owner_org_id: Set(OrgId(owner)),
        name: Set("Generated portfolio".into()),
        description: Set(String::new()),
        created_by: Set(Some(UserId(admin))),
        created_at: Set(now),
        matrix_agreed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let orgs: Vec<organization::ActiveModel> = (0..suppliers)
        .map(|i| organization::ActiveModel {
            name: Set(format!("{owner_name} supplier {:04}", i + 1)),
            name_key: Set(format!("{key}-supplier-{:04}", i + 1)),
            kinds: Set("product_supplier".into()),
            reminder_days: Set("30,7,1".into()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    insert_chunks(&txn, orgs).await?;
    let supplier_ids: Vec<OrgId> = organization::Entity::find()
        .filter(organization::Column::NameKey.starts_with(format!("{key}-supplier-")))
        .order_by_asc(organization::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let links: Vec<supplier_link::ActiveModel> = supplier_ids
        .iter()
        .map(|s| supplier_link::ActiveModel {
            owner_org_id: Set(OrgId(owner)),
            supplier_org_id: Set(*s),
            created_by: Set(Some(UserId(admin))),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    insert_chunks(&txn, links).await?;
    let assessments: Vec<assessment::ActiveModel> = supplier_ids
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let status = STATUSES[i % STATUSES.len()];
            let submitted = !matches!(
                status,
                AssessmentStatus::Sent | AssessmentStatus::InProgress
            );
            assessment::ActiveModel {
                engagement_id: Set(eng.id),
                owner_org_id: Set(OrgId(owner)),
                supplier_org_id: Set(*s),
                profile_id: Set(prof.id),
                status: Set(status),
                due_on: Set(today + Duration::days((i % 60) as i64 - 20)),
                message: Set(String::new()),
                created_by: Set(Some(UserId(admin))),
                created_at: Set(now),
                submitted_at: Set(submitted.then_some(now)),
                ..Default::default()
            }
        })
        .collect();
    insert_chunks(&txn, assessments).await?;
    let sent: Vec<assessment::Model> = assessment::Entity::find()
        .filter(assessment::Column::EngagementId.eq(eng.id))
        .order_by_asc(assessment::Column::Id)
        .all(&txn)
        .await?;
    let mut answers = 0;
    let mut gaps = Vec::new();
    let mut commitments = Vec::new();
    for (n, a) in sent.iter().enumerate() {
        let mut rows = Vec::with_capacity(items.len());
        let mut gap_items = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            // A spread of claims: mostly met, some partially, a few not.
            let (compliance, claimed) = match (n * 31 + i * 7) % 20 {
                0 => (Compliance::DoesNotMeet, None),
                1 | 2 => (Compliance::PartiallyMeets, Some(1)),
                3 => (Compliance::NotApplicable, None),
                _ => (Compliance::Meets, Some(it.target + ((n + i) % 2) as i16)),
            };
            let answered = a.status != AssessmentStatus::Sent;
            rows.push(answer::ActiveModel {
                assessment_id: Set(a.id),
                profile_item_id: Set(it.id),
                requirement_id: Set(it.requirement_id),
                supplier_org_id: Set(a.supplier_org_id),
                compliance: Set(answered.then_some(compliance)),
                countermeasure: Set(String::new()),
                planned_on: Set(None),
                na_reason: Set(if compliance == Compliance::NotApplicable {
                    "Not used in this component".into()
                } else {
                    String::new()
                }),
                other_party: Set(String::new()),
                claimed_level: Set(if answered { claimed } else { None }),
                statement: Set(String::new()),
                responsibility_accepted: Set(answered.then_some(true)),
                assignee_id: Set(None),
                version: Set(if answered { 1 } else { 0 }),
                updated_by: Set(None),
                updated_at: Set(answered.then_some(now)),
                ..Default::default()
            });
            gap_items.push(GapItem {
                ref_id: String::new(),
                group: format!("FR {}", i % 7 + 1),
                target_kind: TargetKind::Sl,
                target: it.target,
                weight: 1,
                compliance: Some(compliance),
                claimed,
            });
        }
        answers += rows.len();
        insert_chunks(&txn, rows).await?;
        super::read_models::recount_progress(&txn, &[a.id]).await?;
        if !a.status.supplier_may_edit() {
            for g in analyse(&gap_items).groups {
                gaps.push(assessment_gap::ActiveModel {
                    assessment_id: Set(a.id),
                    owner_org_id: Set(OrgId(owner)),
                    supplier_org_id: Set(a.supplier_org_id),
                    grp: Set(g.group),
                    kind: Set(g.kind.as_str().into()),
                    required: Set(g.required),
                    reached: Set(g.reached),
                    items: Set(g.items as i32),
                    ..Default::default()
                });
            }
        }
        if n % 2 == 0 {
            for k in 0..2 {
                let status = CommitmentStatus::ALL[(n / 2 + k) % 5];
                commitments.push(commitment::ActiveModel {
                    owner_org_id: Set(OrgId(owner)),
                    engagement_id: Set(eng.id),
                    assessment_id: Set(Some(a.id)),
                    party_org_id: Set(a.supplier_org_id),
                    supplier_org_id: Set(a.supplier_org_id),
                    proposed_by_org_id: Set(OrgId(owner)),
                    requirement_id: Set(items.get(k).map(|i| i.requirement_id)),
                    answer_id: Set(None),
                    title: Set(format!("Generated commitment {}", k + 1)),
                    due_on: Set(Some(today + Duration::days((n % 90) as i64 - 30))),
                    status: Set(status),
                    source: Set(CommitmentSource::ReviewCondition),
                    closure_note: Set(None),
                    closure_link: Set(None),
                    waive_reason: Set(None),
                    created_by: Set(Some(UserId(admin))),
                    created_at: Set(now),
                    updated_by: Set(None),
                    updated_at: Set(None),
                    ..Default::default()
                });
            }
        }
    }
    insert_chunks(&txn, gaps).await?;
    insert_chunks(&txn, commitments).await?;
    txn.commit().await?;
    // Fresh statistics, as autovacuum would gather them shortly after a
    // bulk load; without them PostgreSQL plans for empty tables.
    if state.writer.get_database_backend() == sea_orm::DbBackend::Postgres {
        state.writer.execute_unprepared("ANALYZE").await?;
    }
    Ok(Generated {
        owner_email: owner_email.to_string(),
        engagement_id: eng.id.0,
        answers,
    })
}

/// What [`product_set`] made: where the answer set's page is.
pub struct GeneratedSet {
    pub admin_email: String,
    pub product_id: i64,
    pub version_id: i64,
    pub answers: usize,
}

/// A product version whose answer set holds `rows` answers, for the
/// answer-set page's benchmark: a product supplier (its admin signs in with
/// `email` and `password`), a newer version of the shipped IEC 62443-3-3
/// catalog with `rows` generated requirements, and a system product whose
/// version 1.0 answers every one. That catalog version is one every
/// organization would see, so this runs on an empty database only.
pub async fn product_set(
    state: &AppState,
    supplier_name: &str,
    email: &str,
    password: &str,
    rows: usize,
) -> Result<GeneratedSet, AppError> {
    use super::entities::{product, product_answer, product_answer_version, product_version};
    use sea_orm::PaginatorTrait;
    // access: allow — generator: refuses any database with organizations.
    if organization::Entity::find().count(&state.db).await? > 0 {
        return Err(AppError::Conflict(
            "This database holds organizations already. The generated product set adds a \
             version of a shipped catalog that every organization would see: use an empty database."
                .into(),
        ));
    }
    let (org, admin) = create_org_with_admin(
        state,
        supplier_name,
        &[OrgKind::ProductSupplier],
        email,
        "Product Bench Admin",
        password,
        &Who::system(&state.audit_key, "generate"),
    )
    .await?;
    let now = state.clock.now();
    let key = super::services::product_answers::catalog_key_of(crate::model::ProductKind::System);
    let txn = super::db::write_txn(&state.writer).await?;
    // access: allow — generator: the newest shipped version of the catalog.
    let newest = catalog::Entity::find()
        .filter(catalog::Column::Key.eq(key))
        .filter(catalog::Column::OwnerOrgId.is_null())
        .order_by_desc(catalog::Column::Version)
        .one(&txn)
        .await?
        .map_or(0, |c| c.version);
    let cat = catalog::ActiveModel {
        owner_org_id: Set(None),
        key: Set(key.into()),
        name: Set(format!("IEC 62443-3-3 (generated: {rows} requirements)")),
        version: Set(newest + 1),
        part: Set(Some("3-3".into())),
        applies_to: Set("system".into()),
        source: Set("Generated for benchmarks".into()),
        created_at: Set(now),
        origin: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let ref_of = |i: usize| format!("SR {}.{}", i % 7 + 1, i / 7 + 1);
    let reqs: Vec<requirement::ActiveModel> = (0..rows)
        .map(|i| {
            let fr = i % 7 + 1;
            requirement::ActiveModel {
                catalog_id: Set(cat.id),
                position: Set(i as i32),
                ref_id: Set(ref_of(i)),
                kind: Set("requirement".into()),
                group_code: Set(format!("FR {fr}")),
                group_title: Set(format!("Foundational requirement {fr}")),
                title: Set(format!("Generated system requirement {}", i + 1)),
                description: Set(String::new()),
                parent_ref: Set(None),
                sl: Set(Some("1 2 3 4".into())),
                component_types: Set(None),
                verified: Set(true),
                ..Default::default()
            }
        })
        .collect();
    insert_chunks(&txn, reqs).await?;
    let p = product::ActiveModel {
        organization_id: Set(org),
        name: Set("Bench plant control system".into()),
        kind: Set("system".into()),
        component_type: Set(None),
        description: Set(String::new()),
        created_by: Set(Some(admin)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let v = product_version::ActiveModel {
        organization_id: Set(org),
        product_id: Set(p.id),
        version: Set("1.0".into()),
        released_on: Set(None),
        end_of_support: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let fields = |i: usize| {
        serde_json::to_string(&crate::model::AnswerFields {
            compliance: Some(crate::model::Compliance::Meets),
            claimed_level: Some(2 + (i % 2) as i16),
            statement: format!("Generated answer {} kept with the system", i + 1),
            ..Default::default()
        })
        .unwrap_or_default()
    };
    let answers: Vec<product_answer::ActiveModel> = (0..rows)
        .map(|i| product_answer::ActiveModel {
            organization_id: Set(org),
            product_version_id: Set(v.id),
            catalog_key: Set(key.into()),
            ref_id: Set(ref_of(i)),
            fields: Set(fields(i)),
            version: Set(1),
            updated_by: Set(Some(admin)),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    insert_chunks(&txn, answers).await?;
    // access: allow — generator: the answers just written.
    let written = product_answer::Entity::find()
        .filter(product_answer::Column::ProductVersionId.eq(v.id))
        .all(&txn)
        .await?;
    let versions: Vec<product_answer_version::ActiveModel> = written
        .iter()
        .map(|a| product_answer_version::ActiveModel {
            organization_id: Set(org),
            product_answer_id: Set(a.id),
            version: Set(1),
            fields: Set(a.fields.clone()),
            changed_by: Set(Some(admin)),
            changed_at: Set(now),
            ..Default::default()
        })
        .collect();
    insert_chunks(&txn, versions).await?;
    txn.commit().await?;
    Ok(GeneratedSet {
        admin_email: email.to_string(),
        product_id: p.id,
        version_id: v.id,
        answers: written.len(),
    })
}
