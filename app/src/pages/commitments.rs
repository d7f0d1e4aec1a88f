//! Commitments, the responsibility matrix, notifications with the reminder
//! settings and calendar feed, and the home-page dashboards.

use crate::api::commitments::{
    get_matrix, get_owed, get_portfolio, list_commitments, list_notifications,
    AssignResponsibility, CommitmentAction as CommitmentActionFn, CreateCalendarFeed,
    CreateCommitment, MarkNotificationsRead, RespondResponsibility, SetReminderDays,
};
use crate::components::{action_error, field_error, use_me, use_unread, ErrorBox};
use crate::model::{
    source_label, CommitmentAction, CommitmentDto, CommitmentId, Duty, EngagementId, Matrix,
    MatrixCell, Permission, RowState, Side, Stance,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Which commitments the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Show {
    Open,
    Overdue,
    All,
}

impl Show {
    fn keeps(self, c: &CommitmentDto) -> bool {
        match self {
            Show::Open => {
                c.status.is_open() || c.status == crate::model::CommitmentStatus::Fulfilled
            }
            Show::Overdue => c.overdue,
            Show::All => true,
        }
    }
}

#[component]
pub fn CommitmentsPage() -> impl IntoView {
    let query = use_query_map();
    let engagement = move || {
        query
            .read()
            .get("engagement")
            .and_then(|s| s.parse::<i64>().ok())
    };
    let act = ServerAction::<CommitmentActionFn>::new();
    let data = Resource::new(
        move || (engagement(), act.version().get()),
        |(e, _)| list_commitments(e.map(EngagementId)),
    );
    let show = RwSignal::new(Show::Open);
    // The commitment and move whose form is open (those needing a reason or evidence).
    let acting: RwSignal<Option<(CommitmentId, CommitmentAction, String)>> = RwSignal::new(None);
    let scope = move || engagement().unwrap_or(0);
    view! {
        <Title text="Commitments"/>
        <h1>"Commitments"</h1>
        <p class="muted">"Dated promises between an asset owner and a supplier: from planned answers, review conditions, or written by hand on an assessment. The party that promised reports progress and closes with evidence; the other side verifies."</p>
        <p class="downloads">"Download: "
            <a href=move || format!("/commitments/{}/export/xlsx", scope()) download data-testid="commitments-xlsx">".xlsx"</a>" · "
            <a href=move || format!("/commitments/{}/export/csv", scope()) download data-testid="commitments-csv">"CSV"</a>" · "
            <a href=move || format!("/commitments/{}/export/oscal", scope()) download data-testid="commitments-poam">"OSCAL POA&M"</a>
        </p>
        <fieldset class="filters">
            <legend>"Show"</legend>
            {[(Show::Open, "Open"), (Show::Overdue, "Overdue"), (Show::All, "All")].into_iter().map(|(s, label)| view! {
                <label class="choice"><input type="radio" name="show" checked=s == Show::Open prop:checked=move || show.get() == s on:change=move |_| show.set(s)/>{label}</label>
            }).collect_view()}
        </fieldset>
        {action_error(act.value())}
        {move || acting.get().map(|(id, a, title)| view! { <ActPanel id=id action=a title=title act=act acting=acting/> })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) if list.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"No commitments yet."</p> })),
                    Ok(list) => Either::Right(Either::Right(view! {
                        <table class="table" data-testid="commitments">
                            <thead><tr>
                                <th scope="col">"Commitment"</th><th scope="col">"Between"</th><th scope="col">"Due"</th>
                                <th scope="col">"Status"</th><th scope="col">"Closure"</th><th scope="col">"Next"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| commitment_row(c, show, act, acting)).collect_view()}
                            </tbody>
                        </table>
                    })),
                }
            })}
        </Suspense>
    }
}

fn commitment_row(
    c: CommitmentDto,
    show: RwSignal<Show>,
    act: ServerAction<CommitmentActionFn>,
    acting: RwSignal<Option<(CommitmentId, CommitmentAction, String)>>,
) -> impl IntoView {
    let keep = {
        let c = c.clone();
        move || show.get().keeps(&c)
    };
    let id = c.id;
    let title = c.title.clone();
    view! {
        <tr data-commitment=c.title.clone() class:overdue=c.overdue class:hidden=move || !keep()>
            <td>
                <strong>{c.title.clone()}</strong>
                <div class="small muted">
                    {c.requirement.clone().map(|r| view! { <code>{r}</code>" · " })}
                    {source_label(&c.source)}" · "{c.engagement.clone()}
                </div>
            </td>
            <td class="small">{format!("{} promises", c.party)}<div class="muted">{format!("{} ↔ {}", c.owner, c.supplier)}</div></td>
            <td class="nowrap">{c.due_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</td>
            <td><span class=format!("status {}", c.status.as_str()) class:overdue=c.overdue data-testid="commitment-status">{c.status_label()}</span></td>
            <td class="small">
                {(!c.closure_link.is_empty()).then(|| view! { <a href=c.closure_link.clone() rel="noopener noreferrer nofollow" target="_blank" data-testid="closure-link">"evidence"</a> })}
                {(!c.closure_note.is_empty()).then(|| view! { <div>{c.closure_note.clone()}</div> })}
                {(!c.waive_reason.is_empty()).then(|| view! { <div>{format!("Waived: {}", c.waive_reason)}</div> })}
            </td>
            <td class="actions">
                {c.actions.into_iter().map(|a| {
                    let title = title.clone();
                    let needs_form = matches!(a, CommitmentAction::Fulfil | CommitmentAction::Reject | CommitmentAction::Waive);
                    view! {
                        <button type="button" class:primary=matches!(a, CommitmentAction::Agree | CommitmentAction::Verify | CommitmentAction::Fulfil)
                            data-action=a.as_str() aria-label=format!("{}: {title}", a.label())
                            on:click=move |_| {
                                if needs_form {
                                    acting.set(Some((id, a, title.clone())));
                                } else {
                                    act.dispatch(CommitmentActionFn { commitment_id: id, action: a.as_str().into(), note: String::new(), link: String::new() });
                                }
                            }>{a.label()}</button>
                    }
                }).collect_view()}
            </td>
        </tr>
    }
}

#[component]
fn ActPanel(
    id: CommitmentId,
    action: CommitmentAction,
    title: String,
    act: ServerAction<CommitmentActionFn>,
    acting: RwSignal<Option<(CommitmentId, CommitmentAction, String)>>,
) -> impl IntoView {
    let value = act.value();
    // Close the panel once this move went through (not an earlier one).
    close_when_done(
        act.version(),
        Signal::derive(move || matches!(value.get(), Some(Ok(_)))),
        acting,
    );
    let fulfil = action == CommitmentAction::Fulfil;
    view! {
        <section class="card" data-testid="act-panel">
            <h2>{format!("{}: {title}", action.label())}</h2>
            <ActionForm action=act attr:class="grid-form">
                <input type="hidden" name="commitment_id" value=id.0.to_string()/>
                <input type="hidden" name="action" value=action.as_str()/>
                {if fulfil {
                    Either::Left(view! {
                        <div class="wide">
                            <label for="act-link">"Link to the closure evidence"</label>
                            <input id="act-link" name="link" type="url" placeholder="https://…" required maxlength="2000"/>
                            {field_error(value, "link")}
                        </div>
                    })
                } else {
                    Either::Right(view! { <input type="hidden" name="link" value=""/> })
                }}
                <div class="wide">
                    <label for="act-note">{if fulfil { "What was done (optional)" } else { "Reason" }}</label>
                    <textarea id="act-note" name="note" rows="2" maxlength="5000" required=!fulfil></textarea>
                    {field_error(value, "note")}
                </div>
                <div class="form-end">
                    <button type="button" on:click=move |_| acting.set(None)>"Cancel"</button>
                    <button type="submit" class="primary">{action.label()}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Closes a panel (sets `open` to None) once a submission made after it
/// opened succeeds; an earlier success of the same action does not count.
fn close_when_done<T: Send + Sync + 'static>(
    version: RwSignal<usize>,
    ok: Signal<bool>,
    open: RwSignal<Option<T>>,
) {
    let opened_at = version.get_untracked();
    Effect::new(move |_| {
        if version.get() != opened_at && ok.get() {
            open.set(None);
        }
    });
}

/// "Add a commitment" on an assessment, for its asset owner or supplier.
#[component]
pub fn NewCommitment(assessment: i64, owner: bool) -> impl IntoView {
    let create = ServerAction::<CreateCommitment>::new();
    let value = create.value();
    view! {
        <details class="card" data-testid="new-commitment">
            <summary>"Add a commitment"</summary>
            <ActionForm action=create attr:class="grid-form">
                <input type="hidden" name="assessment_id" value=assessment.to_string()/>
                {if owner {
                    Either::Left(view! {
                        <div>
                            <label for="commit-promisor">"Who promises"</label>
                            <select id="commit-promisor" name="promisor">
                                <option value="supplier">"The supplier"</option>
                                <option value="owner">"We do"</option>
                            </select>
                            {field_error(value, "promisor")}
                        </div>
                    })
                } else {
                    Either::Right(view! { <input type="hidden" name="promisor" value="supplier"/> })
                }}
                <div>
                    <label for="commit-requirement">"Requirement (optional)"</label>
                    <input id="commit-requirement" name="requirement" placeholder="CR 1.1" maxlength="50"/>
                    {field_error(value, "requirement")}
                </div>
                <div class="wide">
                    <label for="commit-title">"What is promised"</label>
                    <input id="commit-title" name="title" required maxlength="500"/>
                    {field_error(value, "title")}
                </div>
                <div>
                    <label for="commit-due">"Due date"</label>
                    <input id="commit-due" name="due_on" type="date"/>
                    {field_error(value, "due_on")}
                </div>
                <div class="form-end"><button type="submit" class="primary">"Propose commitment"</button></div>
            </ActionForm>
            {action_error(value)}
            {move || value.get().and_then(|r| r.ok()).map(|_| view! { <p class="alert info" role="status">"Proposed. The other side is told; follow it under " <a href="/commitments">"Commitments"</a>"."</p> })}
        </details>
    }
}

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

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let me = use_me();
    let admin = me.may(Permission::ManageMembers);
    let unread = use_unread();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let data = Resource::new(move || mark.version().get(), |_| list_notifications());
    let days =
        admin.then(|| Resource::new(|| (), |_| crate::api::commitments::get_reminder_days()));
    let set_days = ServerAction::<SetReminderDays>::new();
    let feed = ServerAction::<CreateCalendarFeed>::new();
    view! {
        <Title text="Notifications"/>
        <h1>"Notifications"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(n) => {
                        unread.set(n.unread);
                        Either::Right(view! {
                            <p data-testid="unread-summary">{format!("{} unread", n.unread)}
                                {(n.unread > 0).then(|| view! {
                                    " "<button type="button" data-testid="mark-all-read" on:click=move |_| { mark.dispatch(MarkNotificationsRead { id: None }); }>"Mark all read"</button>
                                })}
                            </p>
                            {if n.items.is_empty() {
                                Either::Left(view! { <p class="muted">"Nothing yet. Reminders before due dates and news about your commitments appear here."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="notifications" data-testid="notifications">
                                        {n.items.into_iter().map(|x| {
                                            let id = x.id;
                                            view! {
                                                <li class:unread=!x.read data-kind=x.kind.clone()>
                                                    <a href=x.link.clone() on:click=move |_| { if !x.read { mark.dispatch(MarkNotificationsRead { id: Some(id) }); } }>{x.title.clone()}</a>
                                                    <div class="small">{x.body.clone()}</div>
                                                    <div class="small muted">{x.created.clone()}</div>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })
                            }}
                        })
                    }
                }
            })}
        </Suspense>
        <section class="card">
            <h2>"Due dates in your calendar"</h2>
            <p class="muted">"A private address for your calendar program with the due dates of your organization's open commitments. Anyone with the address can read them: keep it to yourself. Creating a new one stops the old one."</p>
            <ActionForm action=feed attr:class="inline">
                <button type="submit" data-testid="create-feed">"Create calendar address"</button>
            </ActionForm>
            {move || feed.value().get().map(|r| match r {
                Ok(url) => Either::Left(view! { <p>"Subscribe to: "<code data-testid="feed-url">{url}</code></p> }),
                Err(e) => Either::Right(view! { <ErrorBox error=e/> }),
            })}
        </section>
        {days.map(|days| view! {
            <section class="card">
                <h2>"Reminders for your organization"</h2>
                <p class="muted">"Days before a due date (commitments, questionnaires, certificates) on which your people are reminded. Overdue commitments escalate to the asset owner's reviewers."</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let current = days.await.unwrap_or_default();
                        view! {
                            <ActionForm action=set_days attr:class="inline">
                                <label for="reminder-days">"Days before"</label>
                                <input id="reminder-days" name="days" value=current maxlength="40"/>
                                <button type="submit">"Save"</button>
                            </ActionForm>
                            {field_error(set_days.value(), "reminder_days")}
                            {move || set_days.value().get().and_then(|r| r.ok()).map(|d| view! { <p class="alert info" role="status">{format!("Reminders go out {d} days before.")}</p> })}
                        }
                    })}
                </Suspense>
            </section>
        })}
    }
}

/// The asset owner's portfolio on the home page.
#[component]
pub fn PortfolioView() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_portfolio());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(p) => Either::Right(view! {
                        <section class="card" data-testid="portfolio">
                            <h2>"Portfolio"</h2>
                            <dl class="stats">
                                <div><dt>"Suppliers with assessments"</dt><dd data-testid="stat-portfolio-suppliers">{p.suppliers}</dd></div>
                                <div><dt>"Open commitments"</dt><dd data-testid="stat-open-commitments">{p.open_commitments}</dd></div>
                                <div><dt>"Overdue"</dt><dd data-testid="stat-overdue-commitments" class:warn={p.overdue_commitments > 0}>{p.overdue_commitments}</dd></div>
                            </dl>
                            <h3>"Assessments by status"</h3>
                            <ul class="status-counts" data-testid="by-status">
                                {p.by_status.iter().filter(|(_, n)| *n > 0).map(|(s, n)| view! { <li><span class=format!("status {}", s.as_str())>{s.label()}</span>" "<strong>{*n}</strong></li> }).collect_view()}
                            </ul>
                        </section>
                        <section class="card" data-testid="attention">
                            <h2>"Needs your attention this week"</h2>
                            {if p.attention.is_empty() {
                                Either::Left(view! { <p class="muted">"Nothing due this week."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="attention">
                                        {p.attention.iter().map(|a| view! {
                                            <li class:overdue=a.overdue>
                                                <a href=a.link.clone()>{a.what.clone()}</a>
                                                <span class="small muted">{format!(" · {}", a.detail)}</span>
                                                {a.due_on.map(|d| view! { <span class="small">{format!(" · due {d}")}</span> })}
                                                {a.overdue.then(|| view! { <span class="badge warn">"overdue"</span> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                })
                            }}
                        </section>
                        <section class="card">
                            <h2>"Level gaps by supplier"</h2>
                            <p class="small muted">{format!("Levels missing per group (FR, SP area, practice) in submitted answers, largest gaps first: {} of {} suppliers shown.", p.heatmap.len(), p.heatmap_suppliers)}</p>
                            {if p.heatmap.is_empty() {
                                Either::Left(view! { <p class="muted">"No submitted answers yet."</p> })
                            } else {
                                Either::Right(view! {
                                    <div class="scroll">
                                    <table class="table heatmap" data-testid="heatmap">
                                        <thead><tr><th scope="col">"Supplier"</th>{p.groups.iter().map(|g| view! { <th scope="col">{g.clone()}</th> }).collect_view()}<th scope="col">"Total"</th></tr></thead>
                                        <tbody>
                                            {p.heatmap.iter().map(|r| view! {
                                                <tr>
                                                    <th scope="row">{r.supplier.clone()}</th>
                                                    {r.gaps.iter().map(|g| match g {
                                                        None => Either::Left(view! { <td class="heat-none">"·"</td> }),
                                                        Some(g) => Either::Right(view! { <td class=format!("heat-{}", (*g).min(4))>{*g}</td> }),
                                                    }).collect_view()}
                                                    <td><strong>{r.total}</strong></td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    </div>
                                })
                            }}
                        </section>
                    }),
                }
            })}
        </Suspense>
    }
}

/// What a supplier owes, on its home page.
#[component]
pub fn OwedView() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_owed());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) => Either::Right(view! {
                        <section class="card" data-testid="owed">
                            <h2>"What you owe"</h2>
                            {if list.is_empty() {
                                Either::Left(view! { <p class="muted">"Nothing open: no questionnaires to answer and no open commitments."</p> })
                            } else {
                                Either::Right(view! {
                                    <table class="table">
                                        <thead><tr><th scope="col">"Asset owner"</th><th scope="col">"Questionnaires to answer"</th><th scope="col">"Open commitments"</th></tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|o| view! {
                                                <tr data-owner=o.owner.clone()>
                                                    <th scope="row">{o.owner.clone()}</th>
                                                    <td>{if o.assessments_open == 0 { "none".to_string() } else { format!("{}{}", o.assessments_open, o.next_assessment_due.map(|d| format!(", next due {d}")).unwrap_or_default()) }}</td>
                                                    <td>
                                                        {if o.commitments.is_empty() { Either::Left("none") } else { Either::Right(view! {
                                                            <ul class="plain">
                                                                {o.commitments.iter().map(|c| view! {
                                                                    <li class:overdue=c.overdue>{c.title.clone()}<span class="small muted">{format!(" · {} · due {}", c.status_label(), c.due_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into()))}</span></li>
                                                                }).collect_view()}
                                                            </ul>
                                                        }) }}
                                                    </td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <p><a href="/commitments">"All commitments"</a></p>
                                })
                            }}
                        </section>
                    }),
                }
            })}
        </Suspense>
    }
}
