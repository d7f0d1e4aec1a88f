//! The asset owner's systems, zones and conduits (IEC 62443-3-2): each zone
//! and conduit with an SL-T vector, the components in a zone linked to the
//! suppliers' assessments that cover them, what each zone reaches per FR
//! (from its components' accepted assessments, by the gap analysis' rule),
//! and profiles made from a zone's vector. Asset owners only; for anyone
//! else the model does not exist. A fixed number of queries per page.

use super::{catalogs::requirement_dto, org_names, user_names};
use crate::model::{
    conduit_reach, parse_frs, parse_name, parse_optional_date, parse_text, select_for_vector,
    states_of, zone_reach, AppError, AssessmentId, AssessmentStatus, CommitmentSource,
    CommitmentStatus, Compliance, ComponentDto, ComponentForm, ComponentType, ConduitDto,
    CountermeasureDto, CountermeasureForm, CountermeasureLocation, CountermeasureReviewDto, OrgId,
    Permission, ProfileId, RequirementId, RiskAcceptanceDto, Role, SlVector,
    SupplierCountermeasureDto, SystemDto, ZoneDetail, ZoneDto, ZoneModel,
};
use crate::server::{
    access, audit, db,
    entities::{
        answer, assessment, assessment_gap, catalog, commitment, conduit, countermeasure,
        countermeasure_review, requirement, risk_acceptance, supplier_link, system, zone,
        zone_component,
    },
    respond::unique_violation,
    writes, Actor, AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

fn require_view(actor: &Actor) -> Result<(), AppError> {
    if !actor.may(Permission::ViewProgram) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

fn require_edit(actor: &Actor) -> Result<(), AppError> {
    require_view(actor)?;
    actor.require(Permission::RateProgram)
}

fn vector(stored: &str) -> SlVector {
    SlVector::parse("sl_t", stored).unwrap_or(SlVector::uniform(1))
}

fn stored(v: SlVector) -> String {
    v.0.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
}

/// A failed insert as the user should see it: a name already taken is a
/// validation error on `name`, anything else passes through.
fn taken<'a>(what: &'a str, name: &'a str) -> impl FnOnce(sea_orm::DbErr) -> AppError + 'a {
    move |e| {
        if unique_violation(&e) {
            AppError::invalid(
                "name",
                format!("{what} named “{name}” already exists here. Choose another name."),
            )
        } else {
            e.into()
        }
    }
}

/// The owner's whole zone model: systems, zones with their components and
/// reach, conduits, and what the forms offer. Nine queries, whatever the
/// number of zones, components or suppliers.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn model(actor: &Actor, state: &AppState) -> Result<ZoneModel, AppError> {
    require_view(actor)?;
    let conn = &state.db;
    let today = state.clock.today();
    let systems = access::scoped::<system::Entity>(actor)
        .order_by_asc(system::Column::Name)
        .all(conn)
        .await?;
    let zones = access::scoped::<zone::Entity>(actor)
        .order_by_asc(zone::Column::Id)
        .all(conn)
        .await?;
    let conduits = access::scoped::<conduit::Entity>(actor)
        .order_by_asc(conduit::Column::Id)
        .all(conn)
        .await?;
    let components = access::scoped::<zone_component::Entity>(actor)
        .order_by_asc(zone_component::Column::Id)
        .all(conn)
        .await?;
    let measures = access::scoped::<countermeasure::Entity>(actor)
        .order_by_asc(countermeasure::Column::Id)
        .all(conn)
        .await?;
    let acceptances = access::scoped::<risk_acceptance::Entity>(actor)
        .order_by_asc(risk_acceptance::Column::Id)
        .all(conn)
        .await?;
    let reviews = access::scoped::<countermeasure_review::Entity>(actor)
        .order_by_desc(countermeasure_review::Column::Id)
        .all(conn)
        .await?;
    let commitment_ids: Vec<i64> = measures
        .iter()
        .filter_map(|m| m.commitment_id.map(|c| c.0))
        .collect();
    let commitment_status: HashMap<i64, CommitmentStatus> = if commitment_ids.is_empty() {
        HashMap::new()
    } else {
        access::commitments_as_owner(actor)
            .select_only()
            .column(commitment::Column::Id)
            .column(commitment::Column::Status)
            .filter(commitment::Column::Id.is_in(commitment_ids))
            .into_tuple::<(i64, CommitmentStatus)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    let people = user_names(
        conn,
        acceptances
            .iter()
            .filter_map(|a| a.accepted_by)
            .chain(reviews.iter().filter_map(|r| r.reviewed_by)),
    )
    .await?;
    let mut reviews_of: HashMap<i64, Vec<CountermeasureReviewDto>> = HashMap::new();
    for r in reviews {
        reviews_of
            .entry(r.countermeasure_id)
            .or_default()
            .push(CountermeasureReviewDto {
                reviewed_on: r.reviewed_on,
                finding: r.finding,
                next_review_on: r.next_review_on,
                reviewed_by: r
                    .reviewed_by
                    .and_then(|u| people.get(&u).cloned())
                    .unwrap_or_default(),
            });
    }
    let conduit_names: HashMap<i64, String> =
        conduits.iter().map(|c| (c.id, c.name.clone())).collect();
    // SL-C per FR of the linked assessments that were accepted: what the
    // gap analysis recorded per FR at submission.
    let linked: BTreeSet<i64> = components
        .iter()
        .filter_map(|c| c.assessment_id.map(|a| a.0))
        .collect();
    let mut sl_c: HashMap<i64, [Option<u8>; 7]> = HashMap::new();
    if !linked.is_empty() {
        let gaps: Vec<(AssessmentId, String, i16)> = access::gaps_as_owner(
            actor,
            &[
                AssessmentStatus::Accepted,
                AssessmentStatus::AcceptedWithConditions,
            ],
        )
        .select_only()
        .column(assessment_gap::Column::AssessmentId)
        .column(assessment_gap::Column::Grp)
        .column(assessment_gap::Column::Reached)
        .filter(assessment_gap::Column::AssessmentId.is_in(linked.iter().copied()))
        .filter(assessment_gap::Column::Kind.eq("sl"))
        .into_tuple()
        .all(conn)
        .await?;
        for (a, grp, reached) in gaps {
            let Some(fr) = grp.strip_prefix("FR").and_then(|n| n.parse::<usize>().ok()) else {
                continue;
            };
            if (1..=7).contains(&fr) {
                sl_c.entry(a.0).or_insert([None; 7])[fr - 1] = Some(reached.clamp(0, 4) as u8);
            }
        }
    }
    // The suppliers' own compensating countermeasures (CCSC) in the linked
    // assessments' answers, whatever the review says of them.
    let mut ccsc_of: HashMap<i64, Vec<SupplierCountermeasureDto>> = HashMap::new();
    if !linked.is_empty() {
        let answered: Vec<(AssessmentId, RequirementId, String)> = access::answers_as_owner(actor)
            .select_only()
            .column(answer::Column::AssessmentId)
            .column(answer::Column::RequirementId)
            .column(answer::Column::Countermeasure)
            .filter(answer::Column::AssessmentId.is_in(linked.iter().copied()))
            .filter(answer::Column::Compliance.eq(Compliance::MeetsWithCompensatingCountermeasure))
            .order_by_asc(answer::Column::Id)
            .into_tuple()
            .all(conn)
            .await?;
        let requirements: HashMap<RequirementId, requirement::Model> = if answered.is_empty() {
            HashMap::new()
        } else {
            access::requirements_readable(actor)
                .filter(
                    requirement::Column::Id
                        .is_in(answered.iter().map(|(_, r, _)| *r).collect::<BTreeSet<_>>()),
                )
                .all(conn)
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect()
        };
        for (a, r, countermeasure) in answered {
            let Some(r) = requirements.get(&r) else {
                continue;
            };
            ccsc_of
                .entry(a.0)
                .or_default()
                .push(SupplierCountermeasureDto {
                    fr: crate::model::fr_of(&requirement_dto(r.clone())),
                    requirement: r.ref_id.clone(),
                    title: r.title.clone(),
                    countermeasure,
                });
        }
    }
    let links: Vec<OrgId> = access::scoped::<supplier_link::Entity>(actor)
        .select_only()
        .column(supplier_link::Column::SupplierOrgId)
        .into_tuple()
        .all(conn)
        .await?;
    let names = org_names(
        conn,
        links
            .iter()
            .copied()
            .chain(components.iter().filter_map(|c| c.supplier_org_id))
            .chain(measures.iter().map(|m| m.responsible_org_id))
            .chain([actor.org_id()]),
    )
    .await?;
    let mut measures_of: HashMap<i64, Vec<CountermeasureDto>> = HashMap::new();
    for m in measures {
        measures_of
            .entry(m.component_id)
            .or_default()
            .push(CountermeasureDto {
                id: m.id,
                frs: parse_frs(&m.frs).unwrap_or_default(),
                requirements: m.requirements,
                description: m.description,
                location: CountermeasureLocation::parse(&m.location)
                    .unwrap_or(CountermeasureLocation::Component),
                conduit: m
                    .conduit_id
                    .and_then(|c| Some((c, conduit_names.get(&c)?.clone()))),
                reviews: reviews_of.remove(&m.id).unwrap_or_default(),
                responsible: names
                    .get(&m.responsible_org_id)
                    .cloned()
                    .unwrap_or_default(),
                responsible_org_id: m.responsible_org_id,
                review_overdue: m.review_on < today,
                review_on: m.review_on,
                residual_gap: m.residual_gap,
                commitment: m
                    .commitment_id
                    .and_then(|c| commitment_status.get(&c.0).copied()),
            });
    }
    let mut acceptances_of: HashMap<i64, Vec<RiskAcceptanceDto>> = HashMap::new();
    for a in acceptances {
        acceptances_of
            .entry(a.zone_id)
            .or_default()
            .push(RiskAcceptanceDto {
                fr: a.fr.clamp(1, 7) as u8,
                reason: a.reason,
                accepted_until: a.accepted_until,
                accepted_by: a
                    .accepted_by
                    .and_then(|u| people.get(&u).cloned())
                    .unwrap_or_default(),
                expired: a.accepted_until < today,
            });
    }
    let mut suppliers: Vec<(OrgId, String)> = links
        .iter()
        .map(|s| (*s, names.get(s).cloned().unwrap_or_default()))
        .collect();
    suppliers.sort_by(|a, b| a.1.cmp(&b.1));
    let open: Vec<(AssessmentId, OrgId, i64)> = access::assessments_as_owner(actor)
        .select_only()
        .column(assessment::Column::Id)
        .column(assessment::Column::SupplierOrgId)
        .column(assessment::Column::ProfileId)
        .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
        .order_by_desc(assessment::Column::Id)
        .limit(500)
        .into_tuple()
        .all(conn)
        .await?;
    let assessments = open
        .iter()
        .map(|(id, s, _)| {
            (
                *id,
                format!(
                    "#{} · {}",
                    id.0,
                    names.get(s).cloned().unwrap_or_else(|| "a supplier".into())
                ),
            )
        })
        .collect();

    let mut by_zone: HashMap<i64, Vec<ComponentDto>> = HashMap::new();
    let target_of: HashMap<i64, SlVector> = zones.iter().map(|z| (z.id, vector(&z.sl_t))).collect();
    for c in components {
        let levels = c
            .assessment_id
            .and_then(|a| sl_c.get(&a.0).copied())
            .unwrap_or([None; 7]);
        let target = target_of
            .get(&c.zone_id)
            .copied()
            .unwrap_or(SlVector::uniform(1));
        by_zone.entry(c.zone_id).or_default().push(ComponentDto {
            id: c.id,
            zone_id: c.zone_id,
            name: c.name,
            component_type: ComponentType::parse(&c.component_type).unwrap_or(ComponentType::EDR),
            supplier: c.supplier_org_id.and_then(|s| names.get(&s).cloned()),
            supplier_org_id: c.supplier_org_id,
            product: c.product,
            version: c.version,
            in_service_since: c.in_service_since,
            past_end_of_support: c.end_of_support.is_some_and(|d| d < today),
            end_of_support: c.end_of_support,
            assessment_id: c.assessment_id,
            legacy: c.legacy,
            below_target: (0..7).any(|i| levels[i].unwrap_or(0) < target.0[i]),
            sl_c: levels,
            countermeasures: measures_of.remove(&c.id).unwrap_or_default(),
            supplier_countermeasures: c
                .assessment_id
                .and_then(|a| ccsc_of.get(&a.0).cloned())
                .unwrap_or_default(),
        });
    }
    let mut zone_dtos: Vec<ZoneDto> = zones
        .into_iter()
        .map(|z| {
            let sl_t = vector(&z.sl_t);
            let components = by_zone.remove(&z.id).unwrap_or_default();
            let reach = zone_reach(&components.iter().map(|c| c.sl_c).collect::<Vec<_>>());
            let mut compensated = [false; 7];
            for m in components.iter().flat_map(|c| &c.countermeasures) {
                if m.commitment != Some(CommitmentStatus::Waived) {
                    for fr in &m.frs {
                        compensated[usize::from(*fr) - 1] = true;
                    }
                }
            }
            let acceptances = acceptances_of.remove(&z.id).unwrap_or_default();
            let mut until: [Option<chrono::NaiveDate>; 7] = [None; 7];
            for a in &acceptances {
                let slot = &mut until[usize::from(a.fr) - 1];
                *slot = Some(slot.map_or(a.accepted_until, |d| d.max(a.accepted_until)));
            }
            ZoneDto {
                id: z.id,
                system_id: z.system_id,
                name: z.name,
                description: z.description,
                states: states_of(sl_t, reach, compensated, until, today),
                sl_t,
                reach,
                components,
                acceptances,
            }
        })
        .collect();
    // A countermeasure implemented on a conduit stands in for its FRs there.
    let mut on_conduit: HashMap<i64, [bool; 7]> = HashMap::new();
    for m in zone_dtos
        .iter()
        .flat_map(|z| &z.components)
        .flat_map(|c| &c.countermeasures)
    {
        if let (Some((conduit, _)), true) =
            (&m.conduit, m.commitment != Some(CommitmentStatus::Waived))
        {
            let slot = on_conduit.entry(*conduit).or_insert([false; 7]);
            for fr in &m.frs {
                slot[usize::from(*fr) - 1] = true;
            }
        }
    }
    let reach_of: HashMap<i64, (Option<[u8; 7]>, String)> = zone_dtos
        .iter()
        .map(|z| (z.id, (z.reach, z.name.clone())))
        .collect();
    let mut conduit_dtos: Vec<(i64, ConduitDto)> = conduits
        .into_iter()
        .map(|c| {
            let sl_t = vector(&c.sl_t);
            let (a, an) = reach_of
                .get(&c.from_zone_id)
                .cloned()
                .unwrap_or((None, String::new()));
            let (b, bn) = reach_of
                .get(&c.to_zone_id)
                .cloned()
                .unwrap_or((None, String::new()));
            let reach = conduit_reach(a, b);
            (
                c.system_id,
                ConduitDto {
                    id: c.id,
                    name: c.name,
                    description: c.description,
                    from_zone: c.from_zone_id,
                    from_name: an,
                    to_zone: c.to_zone_id,
                    to_name: bn,
                    sl_t,
                    reach,
                    states: states_of(
                        sl_t,
                        reach,
                        on_conduit.get(&c.id).copied().unwrap_or([false; 7]),
                        [None; 7],
                        today,
                    ),
                },
            )
        })
        .collect();
    let systems = systems
        .into_iter()
        .map(|s| {
            let (mine, rest): (Vec<ZoneDto>, Vec<ZoneDto>) =
                zone_dtos.drain(..).partition(|z| z.system_id == s.id);
            zone_dtos = rest;
            let (cs, rest): (Vec<_>, Vec<_>) =
                conduit_dtos.drain(..).partition(|(sys, _)| *sys == s.id);
            conduit_dtos = rest;
            SystemDto {
                id: s.id,
                name: s.name,
                description: s.description,
                zones: mine,
                conduits: cs.into_iter().map(|(_, c)| c).collect(),
            }
        })
        .collect();
    Ok(ZoneModel {
        systems,
        may_edit: actor.may(Permission::RateProgram),
        suppliers,
        assessments,
    })
}

/// One of the owner's zones with what touches it; another organization's
/// is not found.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn zone(actor: &Actor, state: &AppState, id: i64) -> Result<ZoneDetail, AppError> {
    require_view(actor)?;
    own_zone(&state.db, actor, id).await?;
    let m = model(actor, state).await?;
    for s in m.systems {
        if let Some(z) = s.zones.into_iter().find(|z| z.id == id) {
            return Ok(ZoneDetail {
                system: s.name,
                conduits: s
                    .conduits
                    .into_iter()
                    .filter(|c| c.from_zone == id || c.to_zone == id)
                    .collect(),
                zone: z,
                may_edit: m.may_edit,
                suppliers: m.suppliers,
                assessments: m.assessments,
            });
        }
    }
    Err(AppError::NotFound)
}

/// A new system under consideration.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create_system(
    actor: &Actor,
    state: &AppState,
    name: &str,
    description: &str,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let name = parse_name("name", name, 200)?;
    let description = parse_text("description", description, 2000)?;
    let txn = db::write_txn(&state.writer).await?;
    let s = system::ActiveModel {
        organization_id: Set(actor.org_id()),
        name: Set(name.clone()),
        description: Set(description),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken("A system", &name))?;
    audit::by_actor(
        &txn,
        actor,
        "system.created",
        "system",
        s.id,
        None,
        Some(json!({"name": name})),
    )
    .await?;
    txn.commit().await?;
    Ok(s.id)
}

async fn own_system<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<system::Model, AppError> {
    Ok(access::find_owned::<system::Entity, _>(conn, actor, id)
        .await?
        .into_inner())
}

async fn own_zone<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<zone::Model, AppError> {
    Ok(access::find_owned::<zone::Entity, _>(conn, actor, id)
        .await?
        .into_inner())
}

/// A new zone of one of the owner's systems, with its SL-T vector.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create_zone(
    actor: &Actor,
    state: &AppState,
    system_id: i64,
    name: &str,
    description: &str,
    sl_t: &str,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let txn = db::write_txn(&state.writer).await?;
    let s = own_system(&txn, actor, system_id).await?;
    let name = parse_name("name", name, 200)?;
    let description = parse_text("description", description, 2000)?;
    let v = SlVector::parse("sl_t", sl_t)?;
    let z = zone::ActiveModel {
        organization_id: Set(actor.org_id()),
        system_id: Set(s.id),
        name: Set(name.clone()),
        description: Set(description),
        sl_t: Set(stored(v)),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken("A zone", &name))?;
    audit::by_actor(
        &txn,
        actor,
        "zone.created",
        "zone",
        z.id,
        None,
        Some(json!({"name": name, "system": s.id, "sl_t": v.to_string()})),
    )
    .await?;
    txn.commit().await?;
    Ok(z.id)
}

/// Changes a zone's SL-T vector.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn set_zone_target(
    actor: &Actor,
    state: &AppState,
    zone_id: i64,
    sl_t: &str,
) -> Result<(), AppError> {
    require_edit(actor)?;
    let txn = db::write_txn(&state.writer).await?;
    let z = own_zone(&txn, actor, zone_id).await?;
    let v = SlVector::parse("sl_t", sl_t)?;
    let before = z.sl_t.clone();
    let mut am: zone::ActiveModel = z.into();
    am.sl_t = Set(stored(v));
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "zone.target_set",
        "zone",
        zone_id,
        Some(json!({"sl_t": before})),
        Some(json!({"sl_t": stored(v)})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A conduit joining two different zones of the same system.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create_conduit(
    actor: &Actor,
    state: &AppState,
    system_id: i64,
    name: &str,
    description: &str,
    from_zone: i64,
    to_zone: i64,
    sl_t: &str,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let txn = db::write_txn(&state.writer).await?;
    let s = own_system(&txn, actor, system_id).await?;
    let name = parse_name("name", name, 200)?;
    let description = parse_text("description", description, 2000)?;
    let v = SlVector::parse("sl_t", sl_t)?;
    let zones: Vec<i64> = access::scoped::<zone::Entity>(actor)
        .select_only()
        .column(zone::Column::Id)
        .filter(zone::Column::SystemId.eq(s.id))
        .filter(zone::Column::Id.is_in([from_zone, to_zone]))
        .into_tuple()
        .all(&txn)
        .await?;
    for (field, z) in [("from_zone_id", from_zone), ("to_zone_id", to_zone)] {
        if !zones.contains(&z) {
            return Err(AppError::invalid(
                field,
                format!(
                    "Choose a zone of the system “{}”: a conduit joins zones of one system.",
                    s.name
                ),
            ));
        }
    }
    if from_zone == to_zone {
        return Err(AppError::invalid(
            "to_zone_id",
            "A conduit joins two different zones.",
        ));
    }
    let c = conduit::ActiveModel {
        organization_id: Set(actor.org_id()),
        system_id: Set(s.id),
        name: Set(name.clone()),
        description: Set(description),
        from_zone_id: Set(from_zone),
        to_zone_id: Set(to_zone),
        sl_t: Set(stored(v)),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken("A conduit", &name))?;
    audit::by_actor(
        &txn,
        actor,
        "conduit.created",
        "conduit",
        c.id,
        None,
        Some(json!({"name": name, "from": from_zone, "to": to_zone, "sl_t": v.to_string()})),
    )
    .await?;
    txn.commit().await?;
    Ok(c.id)
}

/// A component in one of the owner's zones. A supplier must be one of the
/// owner's suppliers; an assessment one of the owner's, of that supplier.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn add_component(
    actor: &Actor,
    state: &AppState,
    zone_id: i64,
    form: &ComponentForm,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let txn = db::write_txn(&state.writer).await?;
    let z = own_zone(&txn, actor, zone_id).await?;
    let name = parse_name("name", &form.name, 200)?;
    let component_type = ComponentType::parse(&form.component_type).ok_or_else(|| {
        AppError::invalid(
            "component_type",
            "Choose the component type: SAR, EDR, HDR or NDR.",
        )
    })?;
    let product = parse_text("product", &form.product, 200)?;
    let version = parse_text("version", &form.version, 100)?;
    let since = parse_optional_date("in_service_since", &form.in_service_since)?;
    let until = parse_optional_date("end_of_support", &form.end_of_support)?;
    if let (Some(a), Some(b)) = (since, until) {
        if b < a {
            return Err(AppError::invalid(
                "end_of_support",
                "The end of support cannot come before the component went into service.",
            ));
        }
    }
    let id_of = |field: &str, raw: &str| -> Result<Option<i64>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            s => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AppError::invalid(field, "Choose one from the list.")),
        }
    };
    let mut supplier = id_of("supplier_org_id", &form.supplier_org_id)?.map(OrgId);
    if let Some(s) = supplier {
        let linked = access::scoped::<supplier_link::Entity>(actor)
            .filter(supplier_link::Column::SupplierOrgId.eq(s.0))
            .one(&txn)
            .await?;
        if linked.is_none() {
            return Err(AppError::invalid(
                "supplier_org_id",
                "Choose one of your suppliers.",
            ));
        }
    }
    let assessment_id =
        match id_of("assessment_id", &form.assessment_id)? {
            None => None,
            Some(a) => {
                // Only the owner's own assessments; another organization's is
                // refused like one that does not exist.
                let found = access::assessments_as_owner(actor)
                    .filter(assessment::Column::Id.eq(a))
                    .one(&txn)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid(
                            "assessment_id",
                            "Choose one of your own assessments: this one is not among them.",
                        )
                    })?;
                match supplier {
                    Some(s) if s != found.supplier_org_id => return Err(AppError::invalid(
                        "assessment_id",
                        "This assessment was answered by another supplier than the component's.",
                    )),
                    _ => supplier = Some(found.supplier_org_id),
                }
                Some(found.id)
            }
        };
    let c = zone_component::ActiveModel {
        organization_id: Set(actor.org_id()),
        zone_id: Set(z.id),
        name: Set(name.clone()),
        component_type: Set(component_type.as_str().to_string()),
        supplier_org_id: Set(supplier),
        product: Set(product),
        version: Set(version),
        in_service_since: Set(since),
        end_of_support: Set(until),
        assessment_id: Set(assessment_id),
        legacy: Set(false),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "component.added",
        "zone_component",
        c.id,
        None,
        Some(json!({"name": name, "zone": z.id, "type": component_type.as_str(), "assessment": assessment_id.map(|a| a.0)})),
    )
    .await?;
    txn.commit().await?;
    Ok(c.id)
}

/// Marks a component legacy (or no longer).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn set_component_legacy(
    actor: &Actor,
    state: &AppState,
    component_id: i64,
    legacy: bool,
) -> Result<(), AppError> {
    require_edit(actor)?;
    let txn = db::write_txn(&state.writer).await?;
    let c = access::find_owned::<zone_component::Entity, _>(&txn, actor, component_id)
        .await?
        .into_inner();
    if c.legacy != legacy {
        let mut am: zone_component::ActiveModel = c.into();
        am.legacy = Set(legacy);
        am.update(&txn).await?;
        audit::by_actor(
            &txn,
            actor,
            "component.legacy_set",
            "zone_component",
            component_id,
            Some(json!({"legacy": !legacy})),
            Some(json!({"legacy": legacy})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A draft profile for a zone: for components of type `component_type`
/// (SAR, EDR, HDR, NDR) the newest shipped 62443-4-2 catalog's
/// requirements, for `system` (the integrator's system) the newest 3-3
/// catalog's, selected per FR at the zone's SL-T for that FR, each item
/// targeting its FR's level. Returns the new profile.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn profile_from_zone(
    actor: &Actor,
    state: &AppState,
    zone_id: i64,
    component_type: &str,
    name: &str,
) -> Result<ProfileId, AppError> {
    require_edit(actor)?;
    actor.require(Permission::EditProfiles)?;
    let ct = match component_type.trim() {
        s if s.eq_ignore_ascii_case("system") => None,
        s => Some(ComponentType::parse(s).ok_or_else(|| {
            AppError::invalid(
                "component_type",
                "Choose a component type (SAR, EDR, HDR or NDR) or the system (IEC 62443-3-3).",
            )
        })?),
    };
    let (key, what, standard) = match ct {
        Some(t) => ("iec-62443-4-2", t.as_str().to_string(), "IEC 62443-4-2"),
        None => ("iec-62443-3-3", "System".to_string(), "IEC 62443-3-3"),
    };
    let txn = db::write_txn(&state.writer).await?;
    let z = own_zone(&txn, actor, zone_id).await?;
    let v = vector(&z.sl_t);
    let name = match name.trim() {
        "" if ct.is_some() => format!("{what} components of zone {} {v}", z.name),
        "" => format!("System requirements of zone {} {v}", z.name),
        n => n.to_string(),
    };
    let name = parse_name("name", &name, 200)?;
    let (cat, rows) = shipped_catalog(&txn, actor, key).await?;
    let dtos: Vec<_> = rows.iter().cloned().map(requirement_dto).collect();
    let picked = select_for_vector(&dtos, ct, v);
    let by_ref: HashMap<&str, &requirement::Model> =
        rows.iter().map(|r| (r.ref_id.as_str(), r)).collect();
    let chosen: Vec<(&requirement::Model, i16)> = picked
        .iter()
        .filter_map(|d| {
            let fr = crate::model::fr_of(d)?;
            Some((*by_ref.get(d.ref_id.as_str())?, i16::from(v.fr(fr))))
        })
        .collect();
    let description = format!(
        "Made from zone {} (SL-T {v}) for {}: {standard} requirements selected per foundational requirement at that FR's target.",
        z.name,
        ct.map_or("the integrator's system", |t| t.label())
    );
    let p =
        writes::insert_profile_draft(&txn, actor, name.clone(), &description, state.clock.now())
            .await?;
    let readable =
        access::find_owned::<crate::server::entities::profile::Entity, _>(&txn, actor, p.id)
            .await?;
    let added = writes::append_profile_items(&txn, &readable, &cat, &chosen).await?;
    audit::by_actor(
        &txn,
        actor,
        "profile.created_from_zone",
        "profile",
        p.id,
        None,
        Some(json!({"name": name, "zone": z.id, "sl_t": v.to_string(), "type": what, "items": added})),
    )
    .await?;
    txn.commit().await?;
    Ok(p.id)
}

/// Records a compensating countermeasure for a legacy component: the FRs
/// and requirements it stands in for, what is done and where, who carries
/// it (the owner, or one of its suppliers, which then sees it as a
/// commitment in its latest engagement with the owner, due on the review
/// date, with the usual reminders), and the gap that remains. The review
/// date of one the owner carries shows in the zone view, flagged once past.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn add_countermeasure(
    actor: &Actor,
    state: &AppState,
    component_id: i64,
    form: &CountermeasureForm,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let txn = db::write_txn(&state.writer).await?;
    let c = access::find_owned::<zone_component::Entity, _>(&txn, actor, component_id)
        .await?
        .into_inner();
    if !c.legacy {
        return Err(AppError::Conflict(
            "Mark the component legacy first: compensating countermeasures are recorded for legacy components.".into(),
        ));
    }
    let frs = parse_frs(&form.frs)?;
    let requirements = parse_text("requirements", &form.requirements, 2000)?;
    let description = parse_text("description", &form.description, 4000)?;
    if description.is_empty() {
        return Err(AppError::invalid(
            "description",
            "Say what is done instead.",
        ));
    }
    let location = CountermeasureLocation::parse(&form.location).ok_or_else(|| {
        AppError::invalid(
            "location",
            "Choose where it is implemented: on the component, at the zone boundary or on a conduit.",
        )
    })?;
    // On a conduit: one that touches the component's zone.
    let conduit_id = match location {
        CountermeasureLocation::Conduit => {
            let bad = || {
                AppError::invalid(
                    "conduit_id",
                    "Choose the conduit it is implemented on (one that joins this component's zone).",
                )
            };
            let id = form.conduit_id.trim().parse::<i64>().map_err(|_| bad())?;
            let k = access::scoped::<conduit::Entity>(actor)
                .filter(conduit::Column::Id.eq(id))
                .one(&txn)
                .await?
                .ok_or_else(bad)?;
            if k.from_zone_id != c.zone_id && k.to_zone_id != c.zone_id {
                return Err(bad());
            }
            Some(k.id)
        }
        _ => None,
    };
    let review_on = parse_optional_date("review_on", &form.review_on)?
        .ok_or_else(|| AppError::invalid("review_on", "Give the date of its next review."))?;
    if review_on < state.clock.today() {
        return Err(AppError::invalid(
            "review_on",
            "The next review cannot be in the past.",
        ));
    }
    let residual_gap = parse_text("residual_gap", &form.residual_gap, 2000)?;
    let responsible = match form.responsible_org_id.trim() {
        "" => actor.org_id(),
        s => {
            let id = s.parse::<i64>().map(OrgId).map_err(|_| {
                AppError::invalid(
                    "responsible_org_id",
                    "Choose your organization or one of your suppliers.",
                )
            })?;
            if id != actor.org_id()
                && access::scoped::<supplier_link::Entity>(actor)
                    .filter(supplier_link::Column::SupplierOrgId.eq(id.0))
                    .one(&txn)
                    .await?
                    .is_none()
            {
                return Err(AppError::invalid(
                    "responsible_org_id",
                    "Choose your organization or one of your suppliers.",
                ));
            }
            id
        }
    };
    // A supplier carries it as a commitment in its latest engagement with
    // the owner (it sees that commitment, nothing else of the zone model).
    // What the owner carries itself stays in the zone model: a commitment
    // would show it to the supplier of that assessment.
    let context = if responsible == actor.org_id() {
        None
    } else {
        let found = access::assessments_as_owner(actor)
            .filter(assessment::Column::SupplierOrgId.eq(responsible.0))
            .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
            .order_by_desc(assessment::Column::Id)
            .one(&txn)
            .await?;
        if found.is_none() {
            return Err(AppError::invalid(
                "responsible_org_id",
                "Send this supplier a questionnaire first: it carries the countermeasure as a commitment in that engagement.",
            ));
        }
        found
    };
    let frs_text = frs.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
    let title = format!(
        "Compensating countermeasure for {} (FR {}): {}",
        c.name,
        frs_text.replace(',', ", FR "),
        description
    );
    let commitment_id = match &context {
        Some(a) => Some(
            writes::propose_commitment(
                &txn,
                state,
                actor,
                a,
                writes::NewCommitment {
                    party: responsible,
                    proposed_by: actor.org_id(),
                    requirement: None,
                    answer: None,
                    title: &title,
                    due_on: Some(review_on),
                    source: CommitmentSource::CompensatingCountermeasure,
                },
            )
            .await?
            .id,
        ),
        None => None,
    };
    let m = countermeasure::ActiveModel {
        organization_id: Set(actor.org_id()),
        component_id: Set(c.id),
        frs: Set(frs_text.clone()),
        requirements: Set(requirements),
        description: Set(description),
        location: Set(location.as_str().to_string()),
        conduit_id: Set(conduit_id),
        responsible_org_id: Set(responsible),
        review_on: Set(review_on),
        residual_gap: Set(residual_gap),
        commitment_id: Set(commitment_id),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "countermeasure.recorded",
        "countermeasure",
        m.id,
        None,
        Some(json!({"component": c.id, "conduit": conduit_id, "frs": frs_text, "responsible": responsible.0, "review_on": review_on.to_string(), "commitment": commitment_id.map(|c| c.0)})),
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// The owner records a review of a countermeasure it carries itself: what
/// the review found and the next review date (after today, at most three
/// years ahead), which the reminders then count down to. One a supplier
/// carries follows its commitment instead.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn review_countermeasure(
    actor: &Actor,
    state: &AppState,
    id: i64,
    finding: &str,
    next_review_on: &str,
) -> Result<(), AppError> {
    require_edit(actor)?;
    let finding = parse_text("finding", finding, 2000)?;
    if finding.is_empty() {
        return Err(AppError::invalid(
            "finding",
            "Say what the review found (still effective, what changed).",
        ));
    }
    let today = state.clock.today();
    let next = parse_optional_date("next_review_on", next_review_on)?
        .ok_or_else(|| AppError::invalid("next_review_on", "Give the date of the next review."))?;
    if next <= today || next > today + chrono::Duration::days(3 * 366) {
        return Err(AppError::invalid(
            "next_review_on",
            "The next review is after today and at most three years ahead.",
        ));
    }
    let txn = db::write_txn(&state.writer).await?;
    let m = access::find_owned::<countermeasure::Entity, _>(&txn, actor, id)
        .await?
        .into_inner();
    if m.commitment_id.is_some() {
        return Err(AppError::Conflict(
            "A supplier carries this countermeasure: its review follows the commitment on the Commitments page.".into(),
        ));
    }
    countermeasure_review::ActiveModel {
        organization_id: Set(actor.org_id()),
        countermeasure_id: Set(m.id),
        reviewed_on: Set(today),
        finding: Set(finding.clone()),
        next_review_on: Set(next),
        reviewed_by: Set(Some(actor.user_id())),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let before = m.review_on;
    let mut am: countermeasure::ActiveModel = m.into();
    am.review_on = Set(next);
    let m = am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "countermeasure.reviewed",
        "countermeasure",
        m.id,
        Some(json!({"review_on": before.to_string()})),
        Some(json!({"review_on": next.to_string(), "finding": finding})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An owner admin accepts a zone's gap in one FR, with a reason, until a
/// date (at most three years ahead); afterwards the gap is open again.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn accept_risk(
    actor: &Actor,
    state: &AppState,
    zone_id: i64,
    fr: &str,
    reason: &str,
    until: &str,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    if actor.role() != Role::Admin {
        return Err(AppError::NotFound);
    }
    let txn = db::write_txn(&state.writer).await?;
    let z = own_zone(&txn, actor, zone_id).await?;
    let fr = match parse_frs(fr)?.as_slice() {
        [one] => *one,
        _ => {
            return Err(AppError::invalid(
                "frs",
                "Accept one foundational requirement at a time.",
            ))
        }
    };
    let reason = parse_text("reason", reason, 2000)?;
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "Say why the risk is accepted."));
    }
    let today = state.clock.today();
    let until = parse_optional_date("accepted_until", until)?.ok_or_else(|| {
        AppError::invalid("accepted_until", "Give the last day the acceptance holds.")
    })?;
    if until < today || until > today + chrono::Duration::days(3 * 366) {
        return Err(AppError::invalid(
            "accepted_until",
            "Accept a risk from today for at most three years.",
        ));
    }
    let a = risk_acceptance::ActiveModel {
        organization_id: Set(actor.org_id()),
        zone_id: Set(z.id),
        fr: Set(i16::from(fr)),
        reason: Set(reason.clone()),
        accepted_until: Set(until),
        accepted_by: Set(Some(actor.user_id())),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "zone.risk_accepted",
        "zone",
        z.id,
        None,
        Some(json!({"fr": fr, "reason": reason, "until": until.to_string()})),
    )
    .await?;
    txn.commit().await?;
    Ok(a.id)
}

/// The latest version of a shipped catalog and its requirements in order.
async fn shipped_catalog<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    key: &str,
) -> Result<(access::Readable<catalog::Model>, Vec<requirement::Model>), AppError> {
    let cat = access::catalogs_readable(actor)
        .filter(catalog::Column::OwnerOrgId.is_null())
        .filter(catalog::Column::Key.eq(key))
        .order_by_desc(catalog::Column::Version)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let cat = access::catalog_readable(conn, actor, cat.id).await?;
    let rows = access::requirements_of(&cat)
        .order_by_asc(requirement::Column::Position)
        .all(conn)
        .await?;
    Ok((cat, rows))
}

/// One system's zone model as an OSCAL system security plan (see
/// `oscal_plan`); a system without zones has nothing to say yet.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn oscal_download(
    actor: &Actor,
    state: &AppState,
    system_id: i64,
) -> Result<super::exports::Download, AppError> {
    require_view(actor)?;
    own_system(&state.db, actor, system_id).await?;
    let m = model(actor, state).await?;
    let s = m
        .systems
        .iter()
        .find(|s| s.id == system_id)
        .ok_or(AppError::NotFound)?;
    let (cat, rows) = shipped_catalog(&state.db, actor, "iec-62443-3-3").await?;
    let controls: Vec<_> = rows.into_iter().map(requirement_dto).collect();
    let owner = org_names(&state.db, [actor.org_id()])
        .await?
        .remove(&actor.org_id())
        .unwrap_or_default();
    let base = state.config.base_url.clone();
    let href = move |a: i64| format!("{base}/assessments/{a}/export/oscal");
    let doc = crate::server::oscal_plan::system_security_plan(&crate::server::oscal_plan::PlanInput {
        owner: &owner,
        system: s,
        controls: &controls,
        catalog_href: format!("{}/catalogs/{}/export/oscal", state.config.base_url, cat.id.0),
        last_modified: &state
            .clock
            .now()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        assessment_href: &href,
    })
    .ok_or_else(|| {
        AppError::Conflict(format!(
            "“{}” has no zones yet: add a zone with its target security levels before exporting the plan.",
            s.name
        ))
    })?;
    Ok(super::exports::Download {
        filename: super::exports::safe_filename(&format!("{}-zone-model-oscal", s.name), "json"),
        content_type: super::exports::content_type(super::exports::Format::Oscal),
        bytes: serde_json::to_vec_pretty(&doc).map_err(crate::server::respond::internal)?,
    })
}

fn levels_text(v: Option<[u8; 7]>) -> String {
    v.map(|r| SlVector(r).to_string()).unwrap_or_default()
}

fn table_download(
    format: super::exports::Format,
    name: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<super::exports::Download, AppError> {
    use super::exports::{content_type, safe_filename, table_bytes, Download, Format};
    if format == Format::Oscal {
        return Err(AppError::NotFound);
    }
    let ext = if format == Format::Csv { "csv" } else { "xlsx" };
    Ok(Download {
        filename: safe_filename(name, ext),
        content_type: content_type(format),
        bytes: table_bytes(format, header, rows)?,
    })
}

/// The zone and conduit register as .xlsx or CSV: one line per zone and per
/// conduit, with its target, what it reaches and each FR's state.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn register_download(
    actor: &Actor,
    state: &AppState,
    format: super::exports::Format,
) -> Result<super::exports::Download, AppError> {
    let m = model(actor, state).await?;
    let mut header = vec![
        "system",
        "kind",
        "name",
        "joins",
        "sl_t",
        "reached",
        "components",
    ];
    let frs = ["fr1", "fr2", "fr3", "fr4", "fr5", "fr6", "fr7"];
    header.extend(frs);
    let mut rows = Vec::new();
    let state_text = |s: &[crate::model::GapState], i: usize| {
        s.get(i)
            .map(|g| {
                serde_json::to_value(g)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    };
    for s in &m.systems {
        for z in &s.zones {
            let mut line = vec![
                s.name.clone(),
                "zone".into(),
                z.name.clone(),
                String::new(),
                z.sl_t.to_string(),
                levels_text(z.reach),
                z.components.len().to_string(),
            ];
            line.extend((0..7).map(|i| state_text(&z.states, i)));
            rows.push(line);
        }
        for c in &s.conduits {
            let mut line = vec![
                s.name.clone(),
                "conduit".into(),
                c.name.clone(),
                format!("{} / {}", c.from_name, c.to_name),
                c.sl_t.to_string(),
                levels_text(c.reach),
                String::new(),
            ];
            line.extend((0..7).map(|i| state_text(&c.states, i)));
            rows.push(line);
        }
    }
    table_download(format, "zone and conduit register", &header, &rows)
}

/// The countermeasure register as .xlsx or CSV: one line per compensating
/// countermeasure, with its component, zone and system.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn countermeasures_download(
    actor: &Actor,
    state: &AppState,
    format: super::exports::Format,
) -> Result<super::exports::Download, AppError> {
    let m = model(actor, state).await?;
    let header = [
        "system",
        "zone",
        "component",
        "legacy",
        "end_of_support",
        "frs",
        "requirements",
        "description",
        "location",
        "conduit",
        "carried_by",
        "commitment",
        "review_on",
        "review_overdue",
        "residual_gap",
        "last_reviewed_on",
        "last_review_finding",
    ];
    let mut rows = Vec::new();
    for s in &m.systems {
        for z in &s.zones {
            for c in &z.components {
                for x in &c.countermeasures {
                    rows.push(vec![
                        s.name.clone(),
                        z.name.clone(),
                        c.name.clone(),
                        if c.legacy { "yes" } else { "no" }.into(),
                        c.end_of_support.map(|d| d.to_string()).unwrap_or_default(),
                        x.frs
                            .iter()
                            .map(|f| format!("FR{f}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        x.requirements.clone(),
                        x.description.clone(),
                        x.location.as_str().into(),
                        x.conduit.as_ref().map(|c| c.1.clone()).unwrap_or_default(),
                        x.responsible.clone(),
                        x.commitment
                            .map(|s| s.as_str().to_string())
                            .unwrap_or_default(),
                        x.review_on.to_string(),
                        if x.review_overdue { "yes" } else { "no" }.into(),
                        x.residual_gap.clone(),
                        x.reviews
                            .first()
                            .map(|r| r.reviewed_on.to_string())
                            .unwrap_or_default(),
                        x.reviews
                            .first()
                            .map(|r| r.finding.clone())
                            .unwrap_or_default(),
                    ]);
                }
            }
        }
    }
    table_download(format, "countermeasure register", &header, &rows)
}
