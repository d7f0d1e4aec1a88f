//! The responsibility matrix of an engagement: who does what per
//! requirement, assigned by the asset owner and answered by each supplier.

use super::commitments::close_when_done;
use crate::api::commitments::{get_matrix, AssignResponsibility, RespondResponsibility};
use crate::components::{action_error, field_error, saved_note, use_me, ErrorBox};
use crate::model::{Duty, EngagementId, Matrix, MatrixCell, Permission, RowState, Side, Stance};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Which rows of the matrix are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RowsShown {
    All,
    Only(RowState),
}

#[component]
pub fn MatrixPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let assign = ServerAction::<AssignResponsibility>::new();
    let respond = ServerAction::<RespondResponsibility>::new();
    let data = Resource::new(
        move || (id(), assign.version().get(), respond.version().get()),
        |(id, ..)| get_matrix(EngagementId(id)),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Responsibility matrix"/><ErrorBox error=e/> }),
                    Ok(m) => Either::Right(matrix_view(id(), m, assign, respond)),
                }
            })}
        </Suspense>
    }
}

fn cell_view(cell: &MatrixCell, supplier_col: bool) -> impl IntoView {
    let stance = cell.stance.clone();
    view! {
        <span class=format!("duty {}", cell.duty.as_str())>{cell.duty.label()}</span>
        {(!cell.split.is_empty()).then(|| view! { <div class="small">{cell.split.clone()}</div> })}
        {supplier_col.then(|| match stance {
            Some(Stance::Accepted) if cell.duty.carries() => Some(Either::Left(view! { <div class="small ok">"✓ accepted"</div> })),
            Some(Stance::Pending) if cell.duty.carries() => Some(Either::Left(view! { <div class="small muted">"awaiting supplier"</div> })),
            Some(Stance::Proposed { duty, split }) => Some(Either::Right(view! {
                <div class="small proposal" data-testid="proposal">{format!("proposes {}{}", duty.label().to_lowercase(), if split.is_empty() { String::new() } else { format!(": {split}") })}</div>
            })),
            _ => None,
        })}
        {(!cell.note.is_empty()).then(|| view! { <div class="small muted">{cell.note.clone()}</div> })}
    }
}

fn matrix_view(
    engagement: i64,
    m: Matrix,
    assign: ServerAction<AssignResponsibility>,
    respond: ServerAction<RespondResponsibility>,
) -> impl IntoView {
    let me = use_me();
    let owner = m.side == Side::Owner && me.may(Permission::ManageEngagements);
    let supplier = m.side == Side::Supplier && me.may(Permission::AnswerAssessments);
    let shown = RwSignal::new(RowsShown::All);
    // The row being edited: (requirement id, ref id).
    let editing: RwSignal<Option<(i64, String)>> = RwSignal::new(None);
    let counts = [
        RowState::Disagreement,
        RowState::Unassigned,
        RowState::Pending,
        RowState::Agreed,
    ]
    .map(|s| (s, m.count(s)));
    let total = m.rows.len();
    let columns = StoredValue::new(m.columns.clone());
    let rows = StoredValue::new(m.rows.clone());
    let owner_org = m.columns.first().map(|c| c.org).unwrap_or_default();
    let supplier_col = move |org: i64| org != 0 && org != owner_org;
    view! {
        <Title text=format!("Responsibility matrix · {}", m.engagement)/>
        <h1>{format!("{}: who is responsible", m.engagement)}</h1>
        <p class="no-print">
            {(m.side != Side::Supplier).then(|| view! { <a href=format!("/engagements/{engagement}")>"Back to the engagement"</a>" · " })}
            <a href=format!("/commitments?engagement={engagement}")>"Commitments"</a>
            " · Download: "<a href=format!("/matrix/{engagement}/export/xlsx") download data-testid="matrix-xlsx">".xlsx"</a>
            " · "<a href=format!("/matrix/{engagement}/export/csv") download data-testid="matrix-csv">"CSV"</a>
        </p>
        {match (&m.agreed_at, m.side) {
            (Some(at), _) => Either::Left(view! { <p class="alert info" role="status" data-testid="matrix-agreed">{format!("Agreed by both sides since {at}. A later change re-opens the rows it touches.")}</p> }),
            (None, _) => Either::Right(view! { <p class="muted" data-testid="matrix-open">"Not agreed yet: the matrix is agreed once every row has a responsible party and every supplier has accepted its part."</p> }),
        }}
        {(m.side == Side::Supplier).then(|| view! { <p class="muted small">"You see your own column: the requirements assigned to you or shared with you. Accept each, or propose another split."</p> })}
        <fieldset class="filters no-print" data-testid="matrix-filter">
            <legend>"Show"</legend>
            <label class="choice"><input type="radio" name="rows" checked=true prop:checked=move || shown.get() == RowsShown::All on:change=move |_| shown.set(RowsShown::All)/>{format!("All ({total})")}</label>
            {counts.into_iter().map(|(s, n)| view! {
                <label class="choice"><input type="radio" name="rows" data-state=s.as_str() prop:checked=move || shown.get() == RowsShown::Only(s) on:change=move |_| shown.set(RowsShown::Only(s))/>{format!("{} ({n})", s.label())}</label>
            }).collect_view()}
        </fieldset>
        {move || editing.get().map(|(req, ref_id)| {
            let row = rows.with_value(|r| r.iter().find(|x| x.requirement_id == req).cloned());
            row.map(|row| if owner {
                Either::Left(view! { <AssignPanel engagement=engagement row=row ref_id=ref_id columns=columns.get_value() assign=assign editing=editing/> })
            } else {
                Either::Right(view! { <ProposePanel engagement=engagement requirement=req ref_id=ref_id respond=respond editing=editing/> })
            })
        })}
        {action_error(respond.value())}
        <p class="no-print">
            {saved_note(assign.value(), "Saved ✓ The row shows the new responsibility; the suppliers concerned see it in their column.")}
            {saved_note(respond.value(), "Saved ✓ The asset owner sees your answer in the matrix.")}
        </p>
        <table class="table matrix responsibility" data-testid="matrix">
            <thead>
                <tr>
                    <th scope="col">"Requirement"</th>
                    <th scope="col">"State"</th>
                    {m.columns.iter().map(|c| view! { <th scope="col">{c.name.clone()}<div class="small muted">{c.kind.label()}</div></th> }).collect_view()}
                    {(owner || supplier).then(|| view! { <th scope="col" class="no-print"><span class="visually-hidden">"Actions"</span></th> })}
                </tr>
            </thead>
            <tbody>
                {m.rows.into_iter().map(|r| {
                    let state = r.state;
                    let (req, ref_id) = (r.requirement_id, r.ref_id.clone());
                    let orgs: Vec<i64> = columns.with_value(|c| c.iter().map(|c| c.org).collect());
                    let own_pending = supplier && r.cells.first().is_some_and(|c| !matches!(c.stance, Some(Stance::Accepted)));
                    view! {
                        <tr data-ref=r.ref_id.clone() data-state=state.as_str()
                            class=format!("row-{}", state.as_str())
                            class:hidden=move || matches!(shown.get(), RowsShown::Only(s) if s != state)>
                            <th scope="row"><code>{r.ref_id.clone()}</code><div class="small">{r.title.clone()}</div><div class="small muted">{format!("default: {}", r.default_party.label().to_lowercase())}</div></th>
                            <td><span class=format!("state {}", state.as_str())>{state.label()}</span></td>
                            {r.cells.iter().zip(orgs).map(|(c, org)| view! { <td class:carries=c.duty.carries() class:disagrees=c.disagrees()>{cell_view(c, supplier_col(org) || m.side == Side::Supplier)}</td> }).collect_view()}
                            {owner.then(|| { let ref_id = ref_id.clone(); view! {
                                <td class="no-print"><button type="button" data-testid="edit-row" aria-label=format!("Change who is responsible for {ref_id}") on:click={ let ref_id = ref_id.clone(); move |_| editing.set(Some((req, ref_id.clone()))) }>"Change"</button></td>
                            }})}
                            {supplier.then(|| { let ref_id = ref_id.clone(); view! {
                                <td class="no-print actions">
                                    {own_pending.then(|| view! {
                                        <button type="button" class="primary" data-testid="accept-row" aria-label=format!("Accept your part in {ref_id}") on:click=move |_| {
                                            respond.dispatch(RespondResponsibility { engagement_id: EngagementId(engagement), requirement_id: req, stance: "accept".into(), duty: String::new(), split: String::new(), note: String::new() });
                                        }>"Accept"</button>
                                    })}
                                    <button type="button" data-testid="propose-row" aria-label=format!("Propose change for {ref_id}") on:click={ let ref_id = ref_id.clone(); move |_| editing.set(Some((req, ref_id.clone()))) }>"Propose change"</button>
                                </td>
                            }})}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn duty_options(selected: Duty) -> impl IntoView {
    Duty::ALL
        .into_iter()
        .map(|d| {
            view! { <option value=d.as_str() selected=d == selected>{match d { Duty::None => "Not responsible", d => d.label() }}</option> }
        })
        .collect_view()
}

#[component]
fn AssignPanel(
    engagement: i64,
    row: crate::model::MatrixRow,
    ref_id: String,
    columns: Vec<crate::model::MatrixColumn>,
    assign: ServerAction<AssignResponsibility>,
    editing: RwSignal<Option<(i64, String)>>,
) -> impl IntoView {
    let value = assign.value();
    close_when_done(
        assign.version(),
        Signal::derive(move || matches!(value.get(), Some(Ok(_)))),
        editing,
    );
    // Start with the first disagreeing column, with the proposal filled in.
    let start = row.cells.iter().position(|c| c.disagrees()).unwrap_or(0);
    let column = RwSignal::new(start);
    let cells = StoredValue::new(row.cells.clone());
    let cols = StoredValue::new(columns.clone());
    let prefill = move |i: usize| -> (Duty, String, String) {
        cells.with_value(|cells| {
            let c = &cells[i];
            match &c.stance {
                Some(Stance::Proposed { duty, split }) => (
                    *duty,
                    split.clone(),
                    format!(
                        "{} proposes {}{}",
                        cols.with_value(|x| x[i].name.clone()),
                        duty.label().to_lowercase(),
                        if split.is_empty() {
                            String::new()
                        } else {
                            format!(": {split}")
                        }
                    ),
                ),
                _ => (c.duty, c.split.clone(), String::new()),
            }
        })
    };
    view! {
        <section class="card" data-testid="assign-panel">
            <h2>{format!("Who is responsible for {ref_id}")}</h2>
            <ActionForm action=assign attr:class="grid-form">
                <input type="hidden" name="engagement_id" value=engagement.to_string()/>
                <input type="hidden" name="requirement_id" value=row.requirement_id.to_string()/>
                <div>
                    <label for="assign-column">"Party"</label>
                    <select id="assign-column" on:change=move |ev| column.set(event_target_value(&ev).parse::<usize>().ok().and_then(|i| cols.with_value(|c| c.get(i).map(|_| i))).unwrap_or(0))>
                        {columns.iter().enumerate().map(|(i, c)| view! { <option value=i.to_string() selected=i == start>{c.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                {move || {
                    let i = column.get();
                    let (duty, split, proposal) = prefill(i);
                    let org = cols.with_value(|c| c[i].org);
                    view! {
                        <input type="hidden" name="column" value=org.to_string()/>
                        <div>
                            <label for="assign-duty">"Duty"</label>
                            <select id="assign-duty" name="duty">{duty_options(duty)}</select>
                            {field_error(value, "duty")}
                        </div>
                        <div class="wide">
                            <label for="assign-split">"How it is shared"</label>
                            <input id="assign-split" name="split" maxlength="500" value=split placeholder="e.g. supplier patches, we test and deploy"/>
                            {field_error(value, "split")}
                        </div>
                        {(!proposal.is_empty()).then(|| view! { <p class="small proposal wide" data-testid="panel-proposal">{proposal}". Saving it as shown adopts the proposal."</p> })}
                    }
                }}
                <div class="form-end">
                    <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                    <button type="submit" class="primary">"Save"</button>
                </div>
            </ActionForm>
            {action_error(value)}
        </section>
    }
}

#[component]
fn ProposePanel(
    engagement: i64,
    requirement: i64,
    ref_id: String,
    respond: ServerAction<RespondResponsibility>,
    editing: RwSignal<Option<(i64, String)>>,
) -> impl IntoView {
    let value = respond.value();
    close_when_done(
        respond.version(),
        Signal::derive(move || matches!(value.get(), Some(Ok(_)))),
        editing,
    );
    view! {
        <section class="card" data-testid="propose-panel">
            <h2>{format!("Propose a change for {ref_id}")}</h2>
            <ActionForm action=respond attr:class="grid-form">
                <input type="hidden" name="engagement_id" value=engagement.to_string()/>
                <input type="hidden" name="requirement_id" value=requirement.to_string()/>
                <input type="hidden" name="stance" value="propose"/>
                <div>
                    <label for="propose-duty">"Your part"</label>
                    <select id="propose-duty" name="duty">{duty_options(Duty::Shared)}</select>
                    {field_error(value, "duty")}
                </div>
                <div class="wide">
                    <label for="propose-split">"How it would be shared"</label>
                    <input id="propose-split" name="split" maxlength="500" placeholder="e.g. we deliver patches, you deploy them"/>
                    {field_error(value, "split")}
                </div>
                <div class="wide">
                    <label for="propose-note">"Why"</label>
                    <input id="propose-note" name="note" maxlength="1000"/>
                    {field_error(value, "note")}
                </div>
                <div class="form-end">
                    <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                    <button type="submit" class="primary">"Propose"</button>
                </div>
            </ActionForm>
        </section>
    }
}
