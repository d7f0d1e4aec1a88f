//! Answers kept per product version: the supplier answers the shipped
//! catalog that fits the product once (4-2 for a component of its type, 3-3
//! for a system, 2-4 for a service offering), with the same fields and rules
//! as an assessment answer, a version per answer for optimistic
//! concurrency and a history of every save. A new version of a product
//! starts as a copy of the previous one; the answer set shows what differs.
//! Requirements are matched by catalog key and identifier, so the answers
//! outlive a new version of the catalog.

use super::{evidence_files::MAX_EVIDENCE_PER_ANSWER, user_names};
use crate::model::{
    check_answer, fr_of, AnswerFields, AnswerId, AnswerInput, AppError, AssessmentId, Carryover,
    CertLevels, CertPart, CertScheme, Compliance, ComponentType, FillReport, Held, Permission,
    ProductAnswerRow, ProductAnswerSet, ProductAnswerVersionDto, ProductKind, RequirementId,
    RequirementIdentity, Role, Side, TargetKind,
};
use crate::server::{
    access, audit, db,
    entities::{
        answer, assessment, catalog, certificate, evidence, library_evidence, product,
        product_answer, product_answer_version, product_share, product_share_change,
        product_version, requirement,
    },
    notify, read_models, Actor, AppState,
};
use sea_orm::{
    sea_query::Query, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// The shipped catalog a product is answered against.
pub(crate) fn catalog_key_of(kind: ProductKind) -> &'static str {
    match kind {
        ProductKind::Component => "iec-62443-4-2",
        ProductKind::System => "iec-62443-3-3",
        ProductKind::Service => "iec-62443-2-4",
    }
}

fn read_fields(raw: &str) -> AnswerFields {
    serde_json::from_str(raw).unwrap_or_default()
}

fn stored(f: &AnswerFields) -> String {
    serde_json::to_string(f).unwrap_or_else(|_| "{}".into())
}

/// The ids of every shipped version of the catalog `key` (a subquery):
/// a product's answers match requirements by catalog key and identifier.
pub(crate) fn shipped_catalogs(key: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(catalog::Column::Id)
        .from(catalog::Entity)
        .and_where(catalog::Column::Key.eq(key))
        .and_where(catalog::Column::OwnerOrgId.is_null())
        .to_owned()
}

/// The requirements a product is answered on: the newest shipped version
/// of its catalog, for a component only what applies to its type.
async fn requirements_for<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    p: &product::Model,
) -> Result<(catalog::Model, Vec<requirement::Model>), AppError> {
    let kind = ProductKind::parse(&p.kind).unwrap_or(ProductKind::Component);
    let cat = access::catalogs_readable(actor)
        .filter(catalog::Column::OwnerOrgId.is_null())
        .filter(catalog::Column::Key.eq(catalog_key_of(kind)))
        .order_by_desc(catalog::Column::Version)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let readable = access::catalog_readable(conn, actor, cat.id).await?;
    let ct = p.component_type.as_deref().and_then(ComponentType::parse);
    let rows = access::requirements_of(&readable)
        .order_by_asc(requirement::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .filter(|r| {
            let d = super::catalogs::requirement_dto(r.clone());
            match (kind, ct, &d.component_types) {
                (ProductKind::Component, Some(t), Some(types)) => types.contains(&t),
                _ => true,
            }
        })
        .collect();
    Ok((cat, rows))
}

/// The version before `v` of the same product (the newest older one).
async fn previous_of<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    v: &product_version::Model,
) -> Result<Option<product_version::Model>, AppError> {
    Ok(access::scoped::<product_version::Entity>(actor)
        .filter(product_version::Column::ProductId.eq(v.product_id))
        .filter(product_version::Column::Id.lt(v.id))
        .order_by_desc(product_version::Column::Id)
        .one(conn)
        .await?)
}

/// One product version's answer set, with what differs from the version it
/// was copied from. Five queries whatever the number of requirements.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn answer_set(
    actor: &Actor,
    state: &AppState,
    version_id: i64,
) -> Result<ProductAnswerSet, AppError> {
    actor.require(Permission::ViewProducts)?;
    let conn = &state.db;
    let v = access::find_owned::<product_version::Entity, _>(conn, actor, version_id)
        .await?
        .into_inner();
    let p = access::find_owned::<product::Entity, _>(conn, actor, v.product_id)
        .await?
        .into_inner();
    let previous = previous_of(conn, actor, &v).await?;
    let mut ids = vec![v.id];
    ids.extend(previous.as_ref().map(|p| p.id));
    let answers = access::scoped::<product_answer::Entity>(actor)
        .filter(product_answer::Column::ProductVersionId.is_in(ids));
    let evidence = access::scoped::<library_evidence::Entity>(actor);
    let mut set = set_of(conn, actor, &v, &p, answers, evidence, previous.as_ref()).await?;
    set.may_edit = actor.may(Permission::EditProducts);
    Ok(set)
}

/// A version's answer set from `answers` (the version's, and the previous
/// version's when `previous` is given, to show what differs) and their
/// evidence from `evidence`, read-only. Four queries.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn set_of<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    v: &product_version::Model,
    p: &product::Model,
    answers: sea_orm::Select<product_answer::Entity>,
    evidence: sea_orm::Select<library_evidence::Entity>,
    previous: Option<&product_version::Model>,
) -> Result<ProductAnswerSet, AppError> {
    let (cat, requirements) = requirements_for(conn, actor, p).await?;
    let mut mine: HashMap<String, product_answer::Model> = HashMap::new();
    let mut before: HashMap<String, AnswerFields> = HashMap::new();
    for a in answers
        .filter(product_answer::Column::CatalogKey.eq(cat.key.clone()))
        .all(conn)
        .await?
    {
        if a.product_version_id == v.id {
            mine.insert(a.ref_id.clone(), a);
        } else {
            before.insert(a.ref_id.clone(), read_fields(&a.fields));
        }
    }
    let mut kept: HashMap<i64, Vec<crate::model::LibraryEvidenceDto>> = HashMap::new();
    if !mine.is_empty() {
        for e in evidence
            .filter(library_evidence::Column::ProductAnswerId.is_in(mine.values().map(|a| a.id)))
            .order_by_asc(library_evidence::Column::Id)
            .all(conn)
            .await?
        {
            if let Some(a) = e.product_answer_id {
                kept.entry(a)
                    .or_default()
                    .push(read_models::library_evidence_dto(e));
            }
        }
    }
    let rows: Vec<ProductAnswerRow> = requirements
        .into_iter()
        .map(|r| {
            let (id, fields, version) = mine
                .remove(&r.ref_id)
                .map(|a| (Some(a.id), read_fields(&a.fields), a.version))
                .unwrap_or_default();
            let was = before.remove(&r.ref_id).unwrap_or_default();
            let changed = previous.map(|_| was != fields);
            ProductAnswerRow {
                id,
                evidence: id.and_then(|id| kept.remove(&id)).unwrap_or_default(),
                previous: (changed == Some(true)).then_some(was),
                changed,
                ref_id: r.ref_id,
                title: r.title,
                group: r.group_code,
                fields,
                version,
            }
        })
        .collect();
    Ok(ProductAnswerSet {
        product_id: p.id,
        product: p.name.clone(),
        version_id: v.id,
        version: v.version.clone(),
        catalog_key: cat.key,
        catalog: cat.name,
        previous_version: previous.map(|p| p.version.clone()),
        answered: rows
            .iter()
            .filter(|r| r.fields.compliance.is_some())
            .count(),
        rows,
        may_edit: false,
    })
}

/// Saves one answer of a product version's set, with the version the
/// editor started from (0 for a first answer): a save over someone else's
/// newer one is refused, nothing is overwritten. Returns the new version.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn save(
    actor: &Actor,
    state: &AppState,
    version_id: i64,
    ref_id: &str,
    input: &AnswerInput,
    expected: i32,
) -> Result<i32, AppError> {
    actor.require(Permission::ViewProducts)?;
    actor.require(Permission::EditProducts)?;
    let fields = check_answer(input)?;
    let txn = db::write_txn(&state.writer).await?;
    let v = access::find_owned::<product_version::Entity, _>(&txn, actor, version_id)
        .await?
        .into_inner();
    let p = access::find_owned::<product::Entity, _>(&txn, actor, v.product_id)
        .await?
        .into_inner();
    let (cat, requirements) = requirements_for(&txn, actor, &p).await?;
    let ref_id = ref_id.trim();
    if !requirements.iter().any(|r| r.ref_id == ref_id) {
        return Err(AppError::invalid(
            "ref_id",
            format!(
                "{ref_id:?} is not a requirement of {} for this product.",
                cat.name
            ),
        ));
    }
    let now = state.clock.now();
    let existing = access::scoped::<product_answer::Entity>(actor)
        .filter(product_answer::Column::ProductVersionId.eq(v.id))
        .filter(product_answer::Column::CatalogKey.eq(cat.key.clone()))
        .filter(product_answer::Column::RefId.eq(ref_id))
        .one(&txn)
        .await?;
    let stale = || {
        AppError::Conflict(format!(
            "Nothing was saved: {ref_id} was changed meanwhile by someone else. Reload to see their answer."
        ))
    };
    let (answer, before) = match existing {
        Some(a) if a.version != expected => return Err(stale()),
        Some(a) => {
            let before = a.fields.clone();
            let mut am: product_answer::ActiveModel = a.clone().into();
            am.fields = Set(stored(&fields));
            am.version = Set(a.version + 1);
            am.updated_by = Set(Some(actor.user_id()));
            am.updated_at = Set(now);
            (am.update(&txn).await?, Some(before))
        }
        None if expected != 0 => return Err(stale()),
        None => (
            product_answer::ActiveModel {
                organization_id: Set(actor.org_id()),
                product_version_id: Set(v.id),
                catalog_key: Set(cat.key.clone()),
                ref_id: Set(ref_id.to_string()),
                fields: Set(stored(&fields)),
                version: Set(1),
                updated_by: Set(Some(actor.user_id())),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
            None,
        ),
    };
    product_answer_version::ActiveModel {
        organization_id: Set(actor.org_id()),
        product_answer_id: Set(answer.id),
        version: Set(answer.version),
        fields: Set(answer.fields.clone()),
        changed_by: Set(Some(actor.user_id())),
        changed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if before.as_deref() != Some(answer.fields.as_str()) {
        tell_shared(
            &txn,
            state,
            actor,
            (&v, &p),
            ref_id,
            before.as_deref().unwrap_or("{}"),
            &answer.fields,
        )
        .await?;
    }
    audit::by_actor(
        &txn,
        actor,
        "product.answer_saved",
        "product_version",
        v.id,
        before.map(|b| json!({"ref_id": ref_id, "fields": b})),
        Some(json!({"ref_id": ref_id, "fields": answer.fields, "version": answer.version})),
    )
    .await?;
    txn.commit().await?;
    Ok(answer.version)
}

/// Tells each asset owner the version is shared with (and not revoked)
/// what changed: a change row per share, which the owner's shared-set page
/// lists, and a notification to its admins and reviewers.
async fn tell_shared<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    actor: &Actor,
    (v, p): (&product_version::Model, &product::Model),
    ref_id: &str,
    before: &str,
    after: &str,
) -> Result<(), AppError> {
    let shares = access::scoped::<product_share::Entity>(actor)
        .filter(product_share::Column::ProductVersionId.eq(v.id))
        .filter(product_share::Column::RevokedAt.is_null())
        .all(txn)
        .await?;
    if shares.is_empty() {
        return Ok(());
    }
    let supplier = super::org_names(txn, [actor.org_id()])
        .await?
        .remove(&actor.org_id())
        .unwrap_or_default();
    let describe = |raw: &str| read_fields(raw).brief();
    let now = state.clock.now();
    for s in shares {
        product_share_change::ActiveModel {
            organization_id: Set(actor.org_id()),
            share_id: Set(s.id),
            ref_id: Set(ref_id.to_string()),
            before_fields: Set(before.to_string()),
            after_fields: Set(after.to_string()),
            changed_at: Set(now),
            asked_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let to = notify::recipients(txn, s.owner_org_id.0, &[Role::Admin, Role::Reviewer]).await?;
        notify::notify(
            txn,
            state,
            s.owner_org_id.0,
            &to,
            notify::Message {
                kind: "product.share_changed",
                title: &format!("{supplier} changed {} {}: {ref_id}", p.name, v.version),
                body: &format!(
                    "{supplier} changed its shared answer to {ref_id} for {} {}: {} → {}.",
                    p.name,
                    v.version,
                    describe(before),
                    describe(after)
                ),
                link: &format!("/shared/{}", s.id),
            },
        )
        .await?;
    }
    Ok(())
}

/// Every saved state of one answer of a product version, newest first.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn history(
    actor: &Actor,
    state: &AppState,
    version_id: i64,
    ref_id: &str,
) -> Result<Vec<ProductAnswerVersionDto>, AppError> {
    actor.require(Permission::ViewProducts)?;
    let conn = &state.db;
    let v = access::find_owned::<product_version::Entity, _>(conn, actor, version_id)
        .await?
        .into_inner();
    let Some(a) = access::scoped::<product_answer::Entity>(actor)
        .filter(product_answer::Column::ProductVersionId.eq(v.id))
        .filter(product_answer::Column::RefId.eq(ref_id.trim()))
        .one(conn)
        .await?
    else {
        return Ok(Vec::new());
    };
    let saves = access::scoped::<product_answer_version::Entity>(actor)
        .filter(product_answer_version::Column::ProductAnswerId.eq(a.id))
        .order_by_desc(product_answer_version::Column::Version)
        .all(conn)
        .await?;
    let names = user_names(conn, saves.iter().filter_map(|s| s.changed_by)).await?;
    Ok(saves
        .into_iter()
        .map(|s| ProductAnswerVersionDto {
            version: s.version,
            fields: read_fields(&s.fields),
            changed_by: s
                .changed_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            changed_at: s
                .changed_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
        .collect())
}

/// A new version's answers start as a copy of the previous version's (each
/// a first save of its own, by whoever added the version).
pub(crate) async fn copy_from_previous(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    v: &product_version::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, AppError> {
    let Some(previous) = previous_of(txn, actor, v).await? else {
        return Ok(0);
    };
    let answers = access::scoped::<product_answer::Entity>(actor)
        .filter(product_answer::Column::ProductVersionId.eq(previous.id))
        .all(txn)
        .await?;
    let mut moved: HashMap<i64, i64> = HashMap::new();
    for a in &answers {
        let copy = product_answer::ActiveModel {
            organization_id: Set(actor.org_id()),
            product_version_id: Set(v.id),
            catalog_key: Set(a.catalog_key.clone()),
            ref_id: Set(a.ref_id.clone()),
            fields: Set(a.fields.clone()),
            version: Set(1),
            updated_by: Set(Some(actor.user_id())),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        moved.insert(a.id, copy.id);
        product_answer_version::ActiveModel {
            organization_id: Set(actor.org_id()),
            product_answer_id: Set(copy.id),
            version: Set(1),
            fields: Set(copy.fields),
            changed_by: Set(Some(actor.user_id())),
            changed_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    // Their evidence too, pointing at the same stored files.
    super::library_evidence::copy_between_answers(txn, actor, &moved, now).await?;
    Ok(answers.len())
}

/// Where a filled answer came from: a product answer (its id) or a
/// certificate.
enum Origin<'a> {
    Answer(i64),
    Certificate(&'a certificate::Model),
}

impl Origin<'_> {
    fn answer(&self) -> Option<i64> {
        match self {
            Origin::Answer(id) => Some(*id),
            Origin::Certificate(_) => None,
        }
    }
    fn certificate(&self) -> Option<i64> {
        match self {
            Origin::Certificate(c) => Some(c.id),
            Origin::Answer(_) => None,
        }
    }
}

/// "Fill from product": binds a supplier's assessment to one of its product
/// versions and fills each empty answer whose requirement the version's
/// answer set covers (same catalog key and identifier) with that answer;
/// failing that, from a valid certificate of the version (or of the
/// organization, for 2-4 and 4-1) that covers the requirement at the
/// owner's target — "meets" at the certified level, naming the
/// certificate. Answers already given are kept unless `replace` asks to
/// replace them with what the product says; every copy is an ordinary
/// answer save (versioned, reviewable), and the evidence kept with the
/// product's answer (or the certificate's file) comes along, pointing at
/// the same stored files. One transaction.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn fill_assessment(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    version_id: i64,
    replace: bool,
) -> Result<FillReport, AppError> {
    use crate::server::answers::{self, AnswerWrite, Outcome, Source};
    actor.require(Permission::AnswerAssessments)?;
    let today = state.clock.today();
    let txn = db::write_txn(&state.writer).await?;
    let a = access::assessment_of_party(&txn, actor, id).await?;
    if access::side_of(actor, &a) != Side::Supplier {
        return Err(AppError::NotFound);
    }
    if !access::assessment_status(&a).supplier_may_edit() {
        return Err(access::locked(access::assessment_status(&a)));
    }
    let v = access::find_owned::<product_version::Entity, _>(&txn, actor, version_id)
        .await?
        .into_inner();
    let p = access::find_owned::<product::Entity, _>(&txn, actor, v.product_id)
        .await?
        .into_inner();
    let kind = ProductKind::parse(&p.kind).unwrap_or(ProductKind::Component);
    let key = catalog_key_of(kind);
    let ct = p.component_type.as_deref().and_then(ComponentType::parse);
    let rows = read_models::profile_rows(state, a.profile_id).await?;
    let mine = access::answers_of(&a).all(&txn).await?;
    // The profile's requirements from the product's shipped catalog.
    let keyed: HashSet<RequirementId> = access::requirements_readable(actor)
        .select_only()
        .column(requirement::Column::Id)
        .filter(requirement::Column::Id.is_in(mine.iter().map(|x| x.requirement_id)))
        .filter(requirement::Column::CatalogId.in_subquery(shipped_catalogs(key)))
        .into_tuple()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    // The version's answers by requirement identity: (the product answer,
    // its fields).
    let mut set: Carryover<(i64, AnswerFields)> = Carryover::default();
    for x in access::scoped::<product_answer::Entity>(actor)
        .filter(product_answer::Column::ProductVersionId.eq(v.id))
        .filter(product_answer::Column::CatalogKey.eq(key))
        .all(&txn)
        .await?
    {
        let f = read_fields(&x.fields);
        if f.compliance.is_some() {
            set.add(
                None,
                Some(RequirementIdentity::new(key, &x.ref_id)),
                (x.id, f),
            );
        }
    }
    let held: Vec<(Held, certificate::Model)> = access::scoped::<certificate::Entity>(actor)
        .filter(
            Condition::any()
                .add(certificate::Column::ProductVersionId.eq(v.id))
                .add(certificate::Column::ProductVersionId.is_null()),
        )
        .order_by_desc(certificate::Column::ExpiresOn)
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|c| {
            let part = CertPart::parse(&c.part)?;
            let levels = CertLevels::parse("levels", part, &c.levels).ok()?;
            Some((
                Held {
                    part,
                    levels,
                    expires_on: c.expires_on,
                    component_type: ct,
                },
                c,
            ))
        })
        .collect();

    let mut report = FillReport {
        product: p.name.clone(),
        version: v.version.clone(),
        ..Default::default()
    };
    // (answer, its version, fields, requirement, where it came from)
    let mut fills: Vec<(AnswerId, i32, AnswerFields, String, Origin)> = Vec::new();
    let mut order: Vec<(i32, &answer::Model)> = mine
        .iter()
        .filter_map(|x| {
            rows.items
                .get(&x.profile_item_id)
                .map(|(i, _)| (i.position, x))
        })
        .collect();
    order.sort_by_key(|(pos, _)| *pos);
    for (_, x) in order {
        let Some((item, r)) = rows.items.get(&x.profile_item_id) else {
            continue;
        };
        let current = crate::server::answers::fields_of(x);
        let answered = !current.is_empty();
        if answered && !replace {
            report.kept += 1;
            continue;
        }
        // Matched by identity where the requirement is of a shipped version
        // of the product's catalog.
        let identity = keyed
            .contains(&x.requirement_id)
            .then(|| RequirementIdentity::new(key, &r.ref_id));
        let from_set = set.find(x.requirement_id, identity.as_ref()).cloned();
        let fields = match from_set {
            Some((pa, f)) => Some((f, Origin::Answer(pa))),
            None => held
                .iter()
                .filter(|_| keyed.contains(&x.requirement_id))
                .find(|(h, _)| {
                    u8::try_from(item.target)
                        .is_ok_and(|t| h.covers(key, r, t, today))
                })
                .map(|(h, c)| {
                    let level = match h.levels {
                        CertLevels::Sl(l) => fr_of(r).map(|fr| i16::from(l.fr(fr))),
                        CertLevels::Ml(l) => Some(i16::from(l)),
                    };
                    (
                        AnswerFields {
                            compliance: Some(Compliance::Meets),
                            claimed_level: level,
                            statement: format!(
                                "Covered by the {} certificate {} ({}, IEC 62443-{}), issued by {}, valid until {}.",
                                CertScheme::parse(&c.scheme).map_or("", |s| s.label()),
                                c.number,
                                h.levels,
                                h.part.as_str(),
                                c.issuer,
                                c.expires_on
                            ),
                            ..Default::default()
                        },
                        Origin::Certificate(c),
                    )
                }),
        };
        match fields {
            // Replacing an answer with the same answer changes nothing.
            Some((f, _)) if answered && f == current => report.kept += 1,
            Some((f, from)) => {
                if answered {
                    report.replaced += 1;
                }
                fills.push((x.id, x.version, f, r.ref_id.clone(), from))
            }
            None if answered => report.kept += 1,
            None => report.not_covered.push(r.ref_id.clone()),
        }
    }
    let now = state.clock.now();
    let writes: Vec<AnswerWrite> = fills
        .iter()
        .map(|(answer_id, version, f, _, _)| AnswerWrite {
            actor,
            assessment: &a,
            answer_id: *answer_id,
            expected: *version,
            fields: f,
            at: now,
        })
        .collect();
    let outcomes = answers::write(&txn, Source::Product, &writes).await?;
    if outcomes.contains(&Outcome::Locked) {
        return Err(access::changed_meanwhile());
    }
    let targets: HashMap<AnswerId, (TargetKind, i16)> = mine
        .iter()
        .filter_map(|x| {
            rows.items
                .get(&x.profile_item_id)
                .map(|(i, _)| (x.id, (i.target_kind, i.target)))
        })
        .collect();
    // The evidence that comes along: the product answers' files and links,
    // and the certificates' files, in one query.
    let library: Vec<library_evidence::Model> = {
        let answers: Vec<i64> = fills.iter().filter_map(|f| f.4.answer()).collect();
        let certificates: Vec<i64> = fills.iter().filter_map(|f| f.4.certificate()).collect();
        if answers.is_empty() && certificates.is_empty() {
            Vec::new()
        } else {
            access::scoped::<library_evidence::Entity>(actor)
                .filter(
                    Condition::any()
                        .add(library_evidence::Column::ProductAnswerId.is_in(answers))
                        .add(library_evidence::Column::CertificateId.is_in(certificates)),
                )
                .order_by_asc(library_evidence::Column::Id)
                .all(&txn)
                .await?
        }
    };
    // What the filled answers hold already (a replaced answer keeps its
    // evidence; an item already there is not copied twice).
    let mut held: HashMap<AnswerId, Vec<evidence::Model>> = HashMap::new();
    if !library.is_empty() {
        for e in access::evidence_of(&a)
            .filter(evidence::Column::AnswerId.is_in(fills.iter().map(|f| f.0)))
            .all(&txn)
            .await?
        {
            held.entry(e.answer_id).or_default().push(e);
        }
    }
    let mut copies: Vec<evidence::ActiveModel> = Vec::new();
    for ((answer_id, _, f, ref_id, from), outcome) in fills.iter().zip(&outcomes) {
        if *outcome != Outcome::Saved {
            report.changed_meanwhile += 1;
            continue;
        }
        let there = held.entry(*answer_id).or_default();
        match from {
            Origin::Certificate(c) => {
                // The certificate goes with the answer as its evidence, with
                // its file where the library keeps one.
                let file = library.iter().find(|e| e.certificate_id == Some(c.id));
                if !there.iter().any(|e| e.certificate_id == Some(c.id)) {
                    copies.push(evidence::ActiveModel {
                        assessment_id: Set(a.id),
                        answer_id: Set(*answer_id),
                        kind: Set("certificate".into()),
                        title: Set(format!(
                            "{} {}",
                            CertScheme::parse(&c.scheme)
                                .map_or(c.scheme_name.as_str(), |s| s.label()),
                            c.number
                        )),
                        sha256: Set(file.and_then(|e| e.sha256.clone())),
                        content_type: Set(file.and_then(|e| e.content_type.clone())),
                        size_bytes: Set(file.and_then(|e| e.size_bytes)),
                        url: Set(None),
                        scheme: Set(Some(
                            CertScheme::parse(&c.scheme)
                                .map_or(c.scheme_name.clone(), |s| s.label().to_string()),
                        )),
                        level: Set(CertPart::parse(&c.part)
                            .and_then(|part| CertLevels::parse("levels", part, &c.levels).ok())
                            .map(|l| l.to_string())),
                        scope: Set(Some(c.scope.clone()).filter(|s| !s.is_empty())),
                        issuer: Set(Some(c.issuer.clone())),
                        expires_on: Set(Some(c.expires_on)),
                        certificate_id: Set(Some(c.id)),
                        copied: Set(true),
                        created_by: Set(Some(actor.user_id())),
                        created_at: Set(now),
                        ..Default::default()
                    });
                }
                report.from_certificates.push(ref_id.clone());
            }
            Origin::Answer(pa) => {
                let room = (MAX_EVIDENCE_PER_ANSWER as usize).saturating_sub(there.len());
                let new = library
                    .iter()
                    .filter(|e| e.product_answer_id == Some(*pa))
                    .filter(|e| {
                        !there
                            .iter()
                            .any(|h| h.kind == e.kind && h.sha256 == e.sha256 && h.url == e.url)
                    })
                    .take(room);
                for e in new {
                    copies.push(evidence::ActiveModel {
                        assessment_id: Set(a.id),
                        answer_id: Set(*answer_id),
                        kind: Set(e.kind.clone()),
                        title: Set(e.title.clone()),
                        sha256: Set(e.sha256.clone()),
                        content_type: Set(e.content_type.clone()),
                        size_bytes: Set(e.size_bytes),
                        url: Set(e.url.clone()),
                        scheme: Set(None),
                        level: Set(None),
                        scope: Set(None),
                        issuer: Set(None),
                        expires_on: Set(None),
                        certificate_id: Set(None),
                        copied: Set(true),
                        created_by: Set(Some(actor.user_id())),
                        created_at: Set(now),
                        ..Default::default()
                    });
                }
                report.from_answers.push(ref_id.clone());
            }
        }
        if let (Some((TargetKind::Sl, target)), Some(claimed)) =
            (targets.get(answer_id), f.claimed_level)
        {
            if claimed < *target {
                report.above_claim.push((ref_id.clone(), *target, claimed));
            }
        }
    }
    report.evidence_copied = copies.len();
    if !copies.is_empty() {
        crate::server::services::evidence_files::touch_blobs(
            &txn,
            library.iter().filter_map(|e| e.sha256.clone()),
            now,
        )
        .await?;
        for chunk in copies.chunks(100) {
            evidence::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
    }
    if !report.from_certificates.is_empty() || !copies.is_empty() {
        read_models::recount_progress(&txn, &[a.id]).await?;
    }
    assessment::Entity::update_many()
        .col_expr(
            assessment::Column::ProductVersionId,
            sea_orm::sea_query::Expr::value(Some(v.id)),
        )
        .filter(assessment::Column::Id.eq(a.id))
        .exec(&txn)
        .await?;
    audit::by_actor(
        &txn,
        actor,
        "assessment.filled_from_product",
        "assessment",
        a.id,
        None,
        Some(json!({
            "product": p.id,
            "version": v.id,
            "from_answers": report.from_answers.len(),
            "from_certificates": report.from_certificates.len(),
            "kept": report.kept,
            "replaced": report.replaced,
            "evidence_copied": report.evidence_copied,
            "not_covered": report.not_covered.len(),
            "changed_meanwhile": report.changed_meanwhile,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// The certificates an assessment shows its readers (see
/// `access::certificates_of_assessment`), soonest to expire first.
pub(crate) async fn certificates_of<C: ConnectionTrait>(
    conn: &C,
    a: &access::Readable<assessment::Model>,
    today: chrono::NaiveDate,
) -> Result<Vec<crate::model::CertificateDto>, AppError> {
    Ok(access::certificates_of_assessment(a)
        .order_by_asc(certificate::Column::ExpiresOn)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| read_models::certificate_dto(c, today))
        .collect())
}

/// For a comparison's columns, in at most three queries whatever their
/// number: each assessment's bound version ("HX-500 4.2") and its
/// certificates (the version's, and the supplier's that its answers cite).
pub(crate) async fn for_columns<C: ConnectionTrait>(
    conn: &C,
    list: &[access::Readable<assessment::Model>],
    today: chrono::NaiveDate,
) -> Result<HashMap<AssessmentId, (Option<String>, Vec<crate::model::CertificateDto>)>, AppError> {
    let certificates = access::certificates_of_assessments(list)
        .order_by_asc(certificate::Column::ExpiresOn)
        .all(conn)
        .await?;
    let bound: HashSet<i64> = list.iter().filter_map(|a| a.product_version_id).collect();
    let mut labels: HashMap<i64, String> = HashMap::new();
    if !bound.is_empty() {
        // access: allow — the versions the suppliers bound these assessments
        // to, named for the owner that compares them.
        let versions = product_version::Entity::find()
            .filter(product_version::Column::Id.is_in(bound.iter().copied()))
            .filter(
                product_version::Column::OrganizationId
                    .is_in(list.iter().map(|a| a.supplier_org_id.0)),
            )
            .all(conn)
            .await?;
        // access: allow — those versions' products, likewise.
        let names: HashMap<i64, String> = product::Entity::find()
            .filter(product::Column::Id.is_in(versions.iter().map(|v| v.product_id)))
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        for v in versions {
            if let Some(n) = names.get(&v.product_id) {
                labels.insert(v.id, format!("{n} {}", v.version));
            }
        }
    }
    Ok(list
        .iter()
        .map(|a| {
            let label = a.product_version_id.and_then(|v| labels.get(&v).cloned());
            let mine = certificates
                .iter()
                .filter(|c| c.organization_id == a.supplier_org_id)
                // Its bound version's; the rest were fetched because an
                // answer of the supplier's cites them.
                .filter(|c| match c.product_version_id {
                    Some(v) => Some(v) == a.product_version_id || !bound.contains(&v),
                    None => true,
                })
                .cloned()
                .map(|c| read_models::certificate_dto(c, today))
                .collect();
            (a.id, (label, mine))
        })
        .collect())
}

/// The name of the product version an assessment is bound to, as both
/// parties read it ("HX-500 4.2").
pub(crate) async fn bound_label<C: ConnectionTrait>(
    conn: &C,
    a: &assessment::Model,
) -> Result<Option<String>, AppError> {
    let Some(v) = a.product_version_id else {
        return Ok(None);
    };
    // access: allow — the name of the version the supplier bound this
    // assessment to, shown to both of its parties.
    let version = product_version::Entity::find_by_id(v)
        .filter(product_version::Column::OrganizationId.eq(a.supplier_org_id))
        .one(conn)
        .await?;
    Ok(match version {
        None => None,
        // access: allow — the same product's name, for both parties.
        Some(v) => product::Entity::find_by_id(v.product_id)
            .filter(product::Column::OrganizationId.eq(a.supplier_org_id))
            .one(conn)
            .await?
            .map(|p| format!("{} {}", p.name, v.version)),
    })
}

/// What the owner's zone model says the assessment is about: the product
/// and version of the components it linked to it ("HX-500 4.2"), for both
/// parties (never the owner's own name for the component).
pub(crate) async fn named_by_owner<C: ConnectionTrait>(
    conn: &C,
    a: &access::Readable<assessment::Model>,
) -> Result<Vec<String>, AppError> {
    // access: allow — the products the asset owner's components linked to
    // this assessment are, which the owner names for its supplier.
    let rows: Vec<(String, String)> = crate::server::entities::zone_component::Entity::find()
        .select_only()
        .column(crate::server::entities::zone_component::Column::Product)
        .column(crate::server::entities::zone_component::Column::Version)
        .filter(crate::server::entities::zone_component::Column::OrganizationId.eq(a.owner_org_id))
        .filter(crate::server::entities::zone_component::Column::AssessmentId.eq(a.id))
        .into_tuple()
        .all(conn)
        .await?;
    let mut named: Vec<String> = rows
        .into_iter()
        .filter(|(p, _)| !p.trim().is_empty())
        .map(|(p, v)| format!("{} {}", p.trim(), v.trim()).trim().to_string())
        .collect();
    named.sort();
    named.dedup();
    Ok(named)
}

/// For an assessment's page: the product version it is bound to, for the
/// supplier's editors while they answer the versions they may fill from,
/// and the certificates shown with it. At most four queries.
pub(crate) async fn for_assessment<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    a: &access::Readable<assessment::Model>,
    side: Side,
    today: chrono::NaiveDate,
) -> Result<
    (
        Option<String>,
        Vec<(i64, String)>,
        Vec<crate::model::CertificateDto>,
    ),
    AppError,
> {
    let bound = bound_label(conn, a).await?;
    let certificates = certificates_of(conn, a, today).await?;
    let editable = side == Side::Supplier
        && actor.may(Permission::EditProducts)
        && actor.may(Permission::AnswerAssessments)
        && access::assessment_status(a).supplier_may_edit();
    if !editable {
        return Ok((bound, Vec::new(), certificates));
    }
    let products: HashMap<i64, String> = access::scoped::<product::Entity>(actor)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut versions: Vec<(i64, String)> = access::scoped::<product_version::Entity>(actor)
        .order_by_desc(product_version::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|v| {
            Some((
                v.id,
                format!("{} {}", products.get(&v.product_id)?, v.version),
            ))
        })
        .collect();
    versions.sort_by(|a, b| a.1.cmp(&b.1));
    Ok((bound, versions, certificates))
}
