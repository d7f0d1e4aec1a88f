//! Home pages: the asset owner's portfolio and what a supplier owes. Every
//! figure is an aggregate query (GROUP BY, COUNT, LIMIT), never a loop over
//! suppliers; the level gaps per group are written once, at submission.

use super::org_names;
use crate::model::{
    AppError, AssessmentStatus, AttentionItem, CommitmentStatus, HeatRow, OrgId, OrgKind, OwedTo,
    Portfolio,
};
use crate::server::{
    access,
    entities::{assessment, assessment_gap, commitment},
    read_models, Actor, AppState,
};
use chrono::Duration;
use sea_orm::{
    sea_query::{Expr, Func},
    ColumnTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Suppliers shown in the heatmap: the largest gaps first.
const HEATMAP_ROWS: usize = 50;

/// The asset owner's portfolio: suppliers by assessment status, open and
/// overdue commitments, level gaps per supplier and group, and this week's
/// work. A fixed number of queries, whatever the number of suppliers.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn portfolio(actor: &Actor, state: &AppState) -> Result<Portfolio, AppError> {
    if !actor.kinds().contains(&OrgKind::AssetOwner) {
        return Err(AppError::NotFound);
    }
    let conn = &state.db;
    let _org = actor.org_id().0;
    let today = state.clock.today();
    let week = today + Duration::days(7);

    let counts: Vec<(String, i64)> = access::assessments_as_owner(actor)
        .select_only()
        .column(assessment::Column::Status)
        .column_as(assessment::Column::Id.count(), "n")
        .group_by(assessment::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let by_status = AssessmentStatus::ALL
        .into_iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map_or(0, |(_, n)| *n);
            (s, n)
        })
        .collect();
    let suppliers: Option<i64> = access::assessments_as_owner(actor)
        .select_only()
        .column_as(
            Expr::expr(Func::count_distinct(Expr::col(
                assessment::Column::SupplierOrgId,
            ))),
            "n",
        )
        .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
        .into_tuple()
        .one(conn)
        .await?;

    let open = || {
        access::commitments_as_owner(actor)
            .select_only()
            .column_as(commitment::Column::Id.count(), "n")
            .filter(commitment::Column::Status.is_in(CommitmentStatus::OPEN))
    };
    let open_commitments: Option<i64> = open().into_tuple().one(conn).await?;
    let overdue_commitments: Option<i64> = open()
        .filter(commitment::Column::DueOn.lt(today))
        .into_tuple()
        .one(conn)
        .await?;

    // Level gaps: the largest shortfall per supplier and group over its
    // submitted assessments.
    let gaps: Vec<(OrgId, String, String, Option<i32>)> =
        access::gaps_as_owner(actor, &AssessmentStatus::SUBMITTED)
            .select_only()
            .column(assessment_gap::Column::SupplierOrgId)
            .column(assessment_gap::Column::Grp)
            .column(assessment_gap::Column::Kind)
            .column_as(
                // CAST: PostgreSQL would answer a smallint.
                Expr::cust("CAST(MAX(required - reached) AS INTEGER)"),
                "gap",
            )
            .group_by(assessment_gap::Column::SupplierOrgId)
            .group_by(assessment_gap::Column::Grp)
            .group_by(assessment_gap::Column::Kind)
            .into_tuple()
            .all(conn)
            .await?;
    // Security-level groups (FRs) first, then maturity groups.
    let groups: Vec<String> = {
        let sl: BTreeSet<&str> = gaps
            .iter()
            .filter(|g| g.2 == "sl")
            .map(|g| g.1.as_str())
            .collect();
        let ml: BTreeSet<&str> = gaps
            .iter()
            .filter(|g| g.2 != "sl" && !sl.contains(g.1.as_str()))
            .map(|g| g.1.as_str())
            .collect();
        sl.into_iter().chain(ml).map(str::to_string).collect()
    };
    let col: HashMap<&str, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.as_str(), i))
        .collect();
    let mut per_supplier: BTreeMap<OrgId, Vec<Option<i16>>> = BTreeMap::new();
    for (supplier, grp, _, gap) in &gaps {
        let row = per_supplier
            .entry(*supplier)
            .or_insert_with(|| vec![None; groups.len()]);
        let gap = gap.unwrap_or(0).clamp(0, 10) as i16;
        let cell = &mut row[col[grp.as_str()]];
        *cell = Some(cell.map_or(gap, |c| Ord::max(c, gap)));
    }
    let heatmap_suppliers = per_supplier.len() as i64;
    let mut ranked: Vec<(OrgId, i64, Vec<Option<i16>>)> = per_supplier
        .into_iter()
        .map(|(s, g)| (s, g.iter().flatten().map(|x| i64::from(*x)).sum::<i64>(), g))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(HEATMAP_ROWS);

    // This week's work.
    let submitted = access::assessments_as_owner(actor)
        .filter(assessment::Column::Status.eq(AssessmentStatus::Submitted))
        .order_by_asc(assessment::Column::SubmittedAt)
        .limit(10)
        .all(conn)
        .await?;
    let due_soon = access::assessments_as_owner(actor)
        .filter(assessment::Column::Status.is_in(AssessmentStatus::ANSWERING))
        .filter(assessment::Column::DueOn.lte(week))
        .order_by_asc(assessment::Column::DueOn)
        .limit(10)
        .all(conn)
        .await?;
    let promised = access::commitments_as_owner(actor)
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(commitment::Column::Status.is_in(CommitmentStatus::OPEN))
                        .add(commitment::Column::DueOn.lte(week)),
                )
                .add(commitment::Column::Status.eq(CommitmentStatus::Fulfilled)),
        )
        .order_by_asc(commitment::Column::DueOn)
        .limit(15)
        .all(conn)
        .await?;
    let names = org_names(
        conn,
        ranked
            .iter()
            .map(|r| r.0)
            .chain(submitted.iter().map(|a| a.supplier_org_id))
            .chain(due_soon.iter().map(|a| a.supplier_org_id))
            .chain(promised.iter().map(|c| c.supplier_org_id))
            .collect::<BTreeSet<_>>(),
    )
    .await?;
    let name = |id: &OrgId| names.get(id).cloned().unwrap_or_default();
    let mut attention = Vec::new();
    for a in &submitted {
        attention.push(AttentionItem {
            what: format!("Review the answers of {}", name(&a.supplier_org_id)),
            detail: "Submitted, waiting for review".into(),
            link: format!("/assessments/{}", a.id),
            due_on: None,
            overdue: false,
        });
    }
    for c in &promised {
        let st = c.status;
        let verify = st == CommitmentStatus::Fulfilled;
        attention.push(AttentionItem {
            what: if verify {
                format!("Verify: {}", c.title)
            } else {
                c.title.clone()
            },
            detail: format!(
                "Commitment with {} · {}",
                name(&c.supplier_org_id),
                st.label()
            ),
            link: "/commitments".into(),
            due_on: c.due_on,
            overdue: crate::model::is_overdue(st, c.due_on, today),
        });
    }
    for a in &due_soon {
        attention.push(AttentionItem {
            what: format!("{} answers due", name(&a.supplier_org_id)),
            detail: a.status.label().to_string(),
            link: format!("/assessments/{}", a.id),
            due_on: Some(a.due_on),
            overdue: a.due_on < today,
        });
    }
    let renewals = super::renewals::due_for_owner(conn, actor, today).await?;
    Ok(Portfolio {
        renewals,
        suppliers: suppliers.unwrap_or(0),
        by_status,
        open_commitments: open_commitments.unwrap_or(0),
        overdue_commitments: overdue_commitments.unwrap_or(0),
        heatmap: ranked
            .into_iter()
            .map(|(s, total, gaps)| HeatRow {
                supplier: name(&s),
                gaps,
                total,
            })
            .collect(),
        groups,
        heatmap_suppliers,
        attention,
    })
}

/// What a supplier owes, per asset owner: answers still to give and open
/// commitments.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn owed(actor: &Actor, state: &AppState) -> Result<Vec<OwedTo>, AppError> {
    if !actor.kinds().iter().any(|k| k.is_supplier()) {
        return Err(AppError::NotFound);
    }
    let conn = &state.db;
    let _org = actor.org_id().0;
    let open: Vec<(OrgId, i64, Option<chrono::NaiveDate>)> = access::assessments_as_supplier(actor)
        .select_only()
        .column(assessment::Column::OwnerOrgId)
        .column_as(assessment::Column::Id.count(), "n")
        .column_as(
            Expr::expr(Func::min(Expr::col(assessment::Column::DueOn))),
            "due",
        )
        .filter(assessment::Column::Status.is_in(AssessmentStatus::ANSWERING))
        .group_by(assessment::Column::OwnerOrgId)
        .into_tuple()
        .all(conn)
        .await?;
    let rows = access::commitments_promised_by(actor)
        .filter(commitment::Column::Status.is_in(CommitmentStatus::OPEN))
        .order_by_asc(commitment::Column::DueOn)
        .limit(200)
        .all(conn)
        .await?;
    let owners: BTreeSet<OrgId> = open
        .iter()
        .map(|o| o.0)
        .chain(rows.iter().map(|c| c.owner_org_id))
        .collect();
    let names = org_names(conn, owners.iter().copied()).await?;
    let owner_of: Vec<OrgId> = rows.iter().map(|c| c.owner_org_id).collect();
    let dtos: Vec<(OrgId, crate::model::CommitmentDto)> = owner_of
        .into_iter()
        .zip(read_models::commitment_dtos(conn, actor, state.clock.today(), rows).await?)
        .collect();
    let mut out: Vec<OwedTo> = owners
        .into_iter()
        .map(|o| {
            let name = names.get(&o).cloned().unwrap_or_default();
            let (n, due) = open
                .iter()
                .find(|x| x.0 == o)
                .map_or((0, None), |x| (x.1, x.2));
            OwedTo {
                commitments: dtos
                    .iter()
                    .filter(|(owner, _)| *owner == o)
                    .map(|(_, c)| c.clone())
                    .collect(),
                owner: name,
                assessments_open: n,
                next_assessment_due: due,
            }
        })
        .collect();
    out.sort_by(|a, b| a.owner.cmp(&b.owner));
    Ok(out)
}
