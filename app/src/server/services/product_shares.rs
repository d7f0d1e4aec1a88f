//! Sharing on purpose: a supplier shares one product version's answer set
//! with one asset owner it works with, and may revoke it at any time. The
//! owner reads a shared set read-only ("Shared with us"), with the
//! version's certificates and every change since it was shared (requirement,
//! before → after); it can ask for updated answers on its assessments about
//! the version, and send a questionnaire already bound to it. A set shared
//! with one owner is invisible to every other organization, and a revoked
//! one is gone for the owner at once (every read starts from an active
//! share, see `access::share_readable`).

use super::{org_names, product_answers, reviews, ts};
use crate::model::{
    AnswerFields, AppError, AssessmentId, CertificateDto, EngagementId, NewComment, OrgId,
    Permission, ProductKind, ProductShareDto, ProfileId, ProfileStatus, Role, SendInput,
    ShareChangeDto, SharedSet, SharedSetSummary, VersionSharing, Visibility,
};
use crate::server::{
    access, audit, db,
    entities::{
        certificate, engagement, library_evidence, product, product_share, product_share_change,
        product_version, profile, requirement,
    },
    notify, read_models, Actor, AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

fn label(p: &product::Model, v: &product_version::Model) -> String {
    format!("{} {}", p.name, v.version)
}

/// The asset owners that work with the supplier (they linked it as their
/// supplier): the organizations it may share with.
async fn customers<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
) -> Result<HashMap<OrgId, String>, AppError> {
    let ids: Vec<i64> = access::links_to_supplier(actor)
        .all(conn)
        .await?
        .into_iter()
        .map(|l| l.owner_org_id.0)
        .collect();
    org_names(conn, ids.into_iter().map(OrgId)).await
}

/// Who a version's answer set is shared with (revoked ones too, marked),
/// and the customers it could be shared with next.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn sharing(
    actor: &Actor,
    state: &AppState,
    version_id: i64,
) -> Result<VersionSharing, AppError> {
    actor.require(Permission::ViewProducts)?;
    let conn = &state.db;
    let v = access::find_owned::<product_version::Entity, _>(conn, actor, version_id).await?;
    let shares = access::scoped::<product_share::Entity>(actor)
        .filter(product_share::Column::ProductVersionId.eq(v.id))
        .order_by_asc(product_share::Column::Id)
        .all(conn)
        .await?;
    let mut customers = customers(conn, actor).await?;
    let names = org_names(conn, shares.iter().map(|s| s.owner_org_id)).await?;
    let shares: Vec<ProductShareDto> = shares
        .into_iter()
        .map(|s| {
            if s.revoked_at.is_none() {
                customers.remove(&s.owner_org_id);
            }
            ProductShareDto {
                id: s.id,
                owner: names.get(&s.owner_org_id).cloned().unwrap_or_default(),
                shared_at: ts(s.shared_at),
                revoked_at: s.revoked_at.map(ts),
            }
        })
        .collect();
    let mut customers: Vec<(i64, String)> =
        customers.into_iter().map(|(id, n)| (id.0, n)).collect();
    customers.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(VersionSharing {
        shares,
        customers,
        may_edit: actor.may(Permission::EditProducts),
    })
}

/// Shares a version's answer set with one of the supplier's customers (or
/// shares it again after a revocation). The owner's admins and reviewers
/// are told.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn share(
    actor: &Actor,
    state: &AppState,
    version_id: i64,
    owner_org_id: i64,
) -> Result<i64, AppError> {
    actor.require(Permission::ViewProducts)?;
    actor.require(Permission::EditProducts)?;
    let txn = db::write_txn(&state.writer).await?;
    let v = access::find_owned::<product_version::Entity, _>(&txn, actor, version_id)
        .await?
        .into_inner();
    let p = access::find_owned::<product::Entity, _>(&txn, actor, v.product_id)
        .await?
        .into_inner();
    let owner = OrgId(owner_org_id);
    let Some(owner_name) = customers(&txn, actor).await?.remove(&owner) else {
        return Err(AppError::invalid(
            "owner",
            "Choose one of the asset owners you work with.",
        ));
    };
    let now = state.clock.now();
    let existing = access::scoped::<product_share::Entity>(actor)
        .filter(product_share::Column::ProductVersionId.eq(v.id))
        .filter(product_share::Column::OwnerOrgId.eq(owner.0))
        .one(&txn)
        .await?;
    let id = match existing {
        Some(s) if s.revoked_at.is_none() => {
            return Err(AppError::Conflict(format!(
                "{} is already shared with {owner_name}.",
                label(&p, &v)
            )))
        }
        Some(s) => {
            let mut am: product_share::ActiveModel = s.into();
            am.revoked_at = Set(None);
            am.revoked_by = Set(None);
            am.shared_at = Set(now);
            am.shared_by = Set(Some(actor.user_id()));
            am.update(&txn).await?.id
        }
        None => {
            product_share::ActiveModel {
                organization_id: Set(actor.org_id()),
                product_version_id: Set(v.id),
                owner_org_id: Set(owner),
                shared_by: Set(Some(actor.user_id())),
                shared_at: Set(now),
                revoked_at: Set(None),
                revoked_by: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    audit::by_actor(
        &txn,
        actor,
        "product.shared",
        "product_version",
        v.id,
        None,
        Some(json!({"owner": owner.0, "share": id})),
    )
    .await?;
    let supplier = org_names(&txn, [actor.org_id()])
        .await?
        .remove(&actor.org_id())
        .unwrap_or_default();
    let to = notify::recipients(&txn, owner.0, &[Role::Admin, Role::Reviewer]).await?;
    notify::notify(
        &txn,
        state,
        owner.0,
        &to,
        notify::Message {
            kind: "product.shared",
            title: &format!("{supplier} shared its answers for {}", label(&p, &v)),
            body: &format!(
                "{supplier} shared its answers for {} with you. Read them, or send a questionnaire about this version that it can fill from them.",
                label(&p, &v)
            ),
            link: &format!("/shared/{id}"),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Revokes a share: from now on the owner sees nothing of the set.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn revoke(actor: &Actor, state: &AppState, share_id: i64) -> Result<(), AppError> {
    actor.require(Permission::ViewProducts)?;
    actor.require(Permission::EditProducts)?;
    let txn = db::write_txn(&state.writer).await?;
    let s = access::find_owned::<product_share::Entity, _>(&txn, actor, share_id)
        .await?
        .into_inner();
    if s.revoked_at.is_some() {
        return Err(AppError::Conflict("This share is already revoked.".into()));
    }
    let owner = s.owner_org_id;
    let version = s.product_version_id;
    let mut am: product_share::ActiveModel = s.into();
    am.revoked_at = Set(Some(state.clock.now()));
    am.revoked_by = Set(Some(actor.user_id()));
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "product.share_revoked",
        "product_version",
        version,
        None,
        Some(json!({"owner": owner.0, "share": share_id})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The owner's view of a share's summary (its supplier, product, version).
async fn summary_of<C: ConnectionTrait>(
    conn: &C,
    s: &access::Readable<product_share::Model>,
    supplier: &str,
    open_changes: usize,
) -> Result<(SharedSetSummary, product_version::Model, product::Model), AppError> {
    let (v, p) = access::shared_version(conn, s).await?;
    Ok((
        SharedSetSummary {
            share_id: s.id,
            supplier: supplier.to_string(),
            product: p.name.clone(),
            version: v.version.clone(),
            kind: ProductKind::parse(&p.kind).unwrap_or(ProductKind::Component),
            shared_at: ts(s.shared_at),
            open_changes,
        },
        v,
        p,
    ))
}

/// The answer sets shared with the actor's organization (an asset owner),
/// newest first. Five queries whatever their number.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn shared_with_us(
    actor: &Actor,
    state: &AppState,
) -> Result<Vec<SharedSetSummary>, AppError> {
    let conn = &state.db;
    let shares = access::shares_readable(conn, actor).await?;
    if shares.is_empty() {
        return Ok(Vec::new());
    }
    let names = org_names(conn, shares.iter().map(|s| s.organization_id)).await?;
    let mut open: HashMap<i64, usize> = HashMap::new();
    for c in access::open_changes_of_shares(&shares).all(conn).await? {
        *open.entry(c.share_id).or_default() += 1;
    }
    let (versions, products) = access::shared_versions(conn, &shares).await?;
    Ok(shares
        .iter()
        .filter_map(|s| {
            let v = versions.iter().find(|v| v.id == s.product_version_id)?;
            let p = products.iter().find(|p| p.id == v.product_id)?;
            Some(SharedSetSummary {
                share_id: s.id,
                supplier: names.get(&s.organization_id).cloned().unwrap_or_default(),
                product: p.name.clone(),
                version: v.version.clone(),
                kind: ProductKind::parse(&p.kind).unwrap_or(ProductKind::Component),
                shared_at: ts(s.shared_at),
                open_changes: open.get(&s.id).copied().unwrap_or(0),
            })
        })
        .collect())
}

/// One shared answer set as the owner reads it.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn shared_set(
    actor: &Actor,
    state: &AppState,
    share_id: i64,
) -> Result<SharedSet, AppError> {
    let conn = &state.db;
    let s = access::share_readable(conn, actor, share_id).await?;
    let supplier = org_names(conn, [s.organization_id])
        .await?
        .remove(&s.organization_id)
        .unwrap_or_default();
    let changes = access::changes_of_share(&s)
        .order_by_desc(product_share_change::Column::Id)
        .all(conn)
        .await?;
    let open = changes.iter().filter(|c| c.asked_at.is_none()).count();
    let (summary, v, p) = summary_of(conn, &s, &supplier, open).await?;
    let set = product_answers::set_of(
        conn,
        actor,
        &v,
        &p,
        access::shared_answers(&s),
        access::shared_evidence(&s),
        None,
    )
    .await?;
    let today = state.clock.today();
    let mut certificates: Vec<CertificateDto> = access::shared_certificates(&s)
        .order_by_desc(certificate::Column::ExpiresOn)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| read_models::certificate_dto(c, today))
        .collect();
    let files = access::shared_evidence(&s)
        .filter(library_evidence::Column::CertificateId.is_in(certificates.iter().map(|c| c.id)))
        .all(conn)
        .await?;
    read_models::attach_certificate_files(&mut certificates, files);
    let bound = access::assessments_about_share(conn, actor, &s).await?;
    let answering = affected(conn, actor, &set.catalog_key, &bound).await?;
    let profiles_of: HashMap<ProfileId, String> = access::scoped::<profile::Entity>(actor)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} v{}", p.name, p.version)))
        .collect();
    let about = |a: &crate::server::entities::assessment::Model| {
        format!(
            "{} (due {})",
            profiles_of.get(&a.profile_id).cloned().unwrap_or_default(),
            a.due_on
        )
    };
    let changes = changes
        .into_iter()
        .map(|c| ShareChangeDto {
            affected: bound
                .iter()
                .filter(|a| {
                    answering
                        .get(&a.id)
                        .is_some_and(|refs| refs.contains(&c.ref_id))
                })
                .map(|a| (a.id, about(a)))
                .collect(),
            id: c.id,
            before: serde_json::from_str::<AnswerFields>(&c.before_fields).unwrap_or_default(),
            after: serde_json::from_str::<AnswerFields>(&c.after_fields).unwrap_or_default(),
            changed_at: ts(c.changed_at),
            asked_at: c.asked_at.map(ts),
            ref_id: c.ref_id,
        })
        .collect();
    let may_send = actor.may(Permission::ManageEngagements);
    let engagements = if may_send {
        access::scoped::<engagement::Entity>(actor)
            .order_by_asc(engagement::Column::Name)
            .all(conn)
            .await?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect()
    } else {
        Vec::new()
    };
    let profiles = if may_send {
        access::scoped::<profile::Entity>(actor)
            .filter(profile::Column::Status.eq(ProfileStatus::Published))
            .order_by_asc(profile::Column::Name)
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.id, format!("{} v{}", p.name, p.version)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(SharedSet {
        summary,
        set,
        certificates,
        changes,
        engagements,
        profiles,
        assessments: bound.iter().map(|a| (a.id, about(a))).collect(),
        may_ask: actor.may(Permission::ReviewAssessments),
    })
}

/// Per assessment, the identifiers of the requirements of the product's
/// catalog (`key`) it has answers to.
async fn affected<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    key: &str,
    bound: &[access::Readable<crate::server::entities::assessment::Model>],
) -> Result<HashMap<AssessmentId, BTreeSet<String>>, AppError> {
    if bound.is_empty() {
        return Ok(HashMap::new());
    }
    let answers = access::answers_of_all(bound).all(conn).await?;
    let refs: HashMap<crate::model::RequirementId, String> = access::requirements_readable(actor)
        .select_only()
        .column(requirement::Column::Id)
        .column(requirement::Column::RefId)
        .filter(
            requirement::Column::Id.is_in(
                answers
                    .iter()
                    .map(|x| x.requirement_id)
                    .collect::<BTreeSet<_>>(),
            ),
        )
        .filter(requirement::Column::CatalogId.in_subquery(product_answers::shipped_catalogs(key)))
        .into_tuple()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut out: HashMap<AssessmentId, BTreeSet<String>> = HashMap::new();
    for x in answers {
        if let Some(r) = refs.get(&x.requirement_id) {
            out.entry(x.assessment_id).or_default().insert(r.clone());
        }
    }
    Ok(out)
}

/// Asks for updated answers because of one change to a shared set: a
/// shared comment on the changed requirement's answer in each of the
/// owner's assessments about the version (the supplier is told as for any
/// comment). All of them in one transaction; returns how many were asked.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn ask_update(
    actor: &Actor,
    state: &AppState,
    share_id: i64,
    change_id: i64,
) -> Result<usize, AppError> {
    actor.require(Permission::ReviewAssessments)?;
    let txn = db::write_txn(&state.writer).await?;
    let s = access::share_readable(&txn, actor, share_id).await?;
    let c = access::changes_of_share(&s)
        .filter(product_share_change::Column::Id.eq(change_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.asked_at.is_some() {
        return Err(AppError::Conflict(format!(
            "Updated answers to {} were already asked for.",
            c.ref_id
        )));
    }
    let (v, p) = access::shared_version(&txn, &s).await?;
    let key = product_answers::catalog_key_of(
        ProductKind::parse(&p.kind).unwrap_or(ProductKind::Component),
    );
    let bound = access::assessments_about_share(&txn, actor, &s).await?;
    let answering = affected(&txn, actor, key, &bound).await?;
    let before: AnswerFields = serde_json::from_str(&c.before_fields).unwrap_or_default();
    let after: AnswerFields = serde_json::from_str(&c.after_fields).unwrap_or_default();
    let body = format!(
        "Your shared answer set for {} changed {}: {} → {}. Please update your answer here to match, or tell us why it stays as it is.",
        label(&p, &v),
        c.ref_id,
        before.brief(),
        after.brief()
    );
    let mut asked = 0;
    for a in &bound {
        if !answering
            .get(&a.id)
            .is_some_and(|refs| refs.contains(&c.ref_id))
        {
            continue;
        }
        // The answer to the changed requirement (from the product's catalog).
        let answers = access::answers_of(a).all(&txn).await?;
        let ids: Vec<_> = answers.iter().map(|x| x.requirement_id).collect();
        let hit: Option<crate::model::RequirementId> = access::requirements_readable(actor)
            .select_only()
            .column(requirement::Column::Id)
            .filter(requirement::Column::Id.is_in(ids))
            .filter(requirement::Column::RefId.eq(c.ref_id.clone()))
            .filter(
                requirement::Column::CatalogId.in_subquery(product_answers::shipped_catalogs(key)),
            )
            .into_tuple()
            .one(&txn)
            .await?;
        let Some(x) = hit.and_then(|r| answers.iter().find(|x| x.requirement_id == r)) else {
            continue;
        };
        reviews::comment_in(
            &txn,
            actor,
            state,
            x.id,
            NewComment {
                visibility: Visibility::Shared,
                body: body.clone(),
            },
        )
        .await?;
        asked += 1;
    }
    if asked == 0 {
        return Err(AppError::Conflict(format!(
            "None of your assessments about {} answers {}; nothing to ask.",
            label(&p, &v),
            c.ref_id
        )));
    }
    product_share_change::Entity::update_many()
        .col_expr(
            product_share_change::Column::AskedAt,
            sea_orm::sea_query::Expr::value(Some(state.clock.now())),
        )
        .filter(product_share_change::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    audit::by_actor(
        &txn,
        actor,
        "product.share_update_asked",
        "product_share",
        s.id,
        None,
        Some(json!({"change": c.id, "ref_id": c.ref_id, "assessments": asked})),
    )
    .await?;
    txn.commit().await?;
    Ok(asked)
}

/// Sends a questionnaire about a shared version: a published profile to
/// the version's supplier in one of the owner's engagements, the
/// assessment already bound to the version (the supplier fills it from its
/// answers with one action).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn send_about(
    actor: &Actor,
    state: &AppState,
    share_id: i64,
    engagement_id: EngagementId,
    profile_id: ProfileId,
    input: SendInput,
) -> Result<AssessmentId, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let s = access::share_readable(&state.db, actor, share_id).await?;
    let sent = super::engagements::send_about(
        actor,
        state,
        engagement_id,
        profile_id,
        &[(s.organization_id.0, input.due_on)],
        &input.message,
        Some(s.product_version_id),
    )
    .await?;
    Ok(sent[0])
}
