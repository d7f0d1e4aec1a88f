//! Commitments: the list with its filters and actions, and the form that
//! writes one from an assessment.

use crate::api::commitments::{
    list_commitments, CommitmentAction as CommitmentActionFn, CreateCommitment,
};
use crate::components::{action_error, field_error, saved_note, ErrorBox};
use crate::model::{CommitmentAction, CommitmentDto, CommitmentId, EngagementId};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
        <p>{saved_note(act.value(), "Saved ✓ The commitment's status below is up to date; the other side is told.")}</p>
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
                    {c.source.label()}" · "{c.engagement.clone()}
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
pub(crate) fn close_when_done<T: Send + Sync + 'static>(
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
