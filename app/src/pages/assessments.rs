//! Assessments: the inbox (a supplier's questionnaires from every asset
//! owner, or an asset owner's sent ones) and one assessment, where the
//! supplier answers with autosave and evidence, and the owner follows it.

use super::answering::{AnswerEditor, OfflineSheet};
use super::engagements::progress_bar;
use super::reviewing::{OwnerReview, ReviewPanel};
use crate::api::engagements::{
    apply_answer_sheet, get_assessment, list_assessments, ChangeAssessment, PrefillAnswers,
    SubmitAssessment,
};
use crate::api::reviews::{BeginReview, DecideAssessment, RequestChanges};
use crate::components::{action_error, field_error, ErrorBox};
use crate::model::{AnswerDto, AnswerFields, AnswerFilter, AppError, AssessmentId, Side};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AssessmentsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_assessments());
    view! {
        <Title text="Assessments"/>
        <h1>"Assessments"</h1>
        <p class="muted">"Security questionnaires your organization was sent, or sent, with their progress and due dates."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(rows) if rows.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"No assessments yet."</p> })),
                    Ok(rows) => Either::Right(Either::Right(view! {
                        <table class="table" data-testid="inbox">
                            <thead><tr><th scope="col">"Questionnaire"</th><th scope="col">"From → to"</th><th scope="col">"Status"</th><th scope="col">"Progress"</th><th scope="col">"Due"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|a| view! {
                                    <tr>
                                        <td><a href=format!("/assessments/{}", a.id.0)>{format!("{} (v{})", a.profile, a.profile_version)}</a><div class="muted small">{a.engagement.clone()}</div></td>
                                        <td>{format!("{} → {}", a.owner, a.supplier)}</td>
                                        <td><span class=format!("status {}", a.status.as_str())>{a.status.label()}</span></td>
                                        <td>{progress_bar(&a)}</td>
                                        <td>{a.due_on.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })),
                }
            })}
        </Suspense>
    }
}

pub(crate) fn compliance_label(f: &AnswerFields) -> &'static str {
    f.compliance.map(|c| c.label()).unwrap_or("Not answered")
}

#[component]
pub fn AssessmentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let submit = ServerAction::<SubmitAssessment>::new();
    let change = ServerAction::<ChangeAssessment>::new();
    let prefill = ServerAction::<PrefillAnswers>::new();
    let fill = ServerAction::<crate::api::products::FillFromProduct>::new();
    let apply =
        Action::new_local(|data: &web_sys::FormData| apply_answer_sheet(data.clone().into()));
    let begin = ServerAction::<BeginReview>::new();
    let changes = ServerAction::<RequestChanges>::new();
    let decide = ServerAction::<DecideAssessment>::new();
    let renew = ServerAction::<crate::api::engagements::SetRenewal>::new();
    // The filter over the answers, and each row's handles for "next
    // unanswered"; both outlive the page's reloads.
    let filter = RwSignal::new(AnswerFilter::default());
    let rows: StoredValue<Vec<RowHandle>> = StoredValue::new(Vec::new());
    let data = Resource::new(
        move || {
            (
                id(),
                submit.version().get(),
                change.version().get(),
                prefill.version().get(),
                fill.version().get(),
                apply.version().get(),
                begin.version().get(),
                changes.version().get(),
                decide.version().get(),
                renew.version().get(),
            )
        },
        |(id, ..)| get_assessment(AssessmentId(id)),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Assessment"/><ErrorBox error=e/> }),
                    Ok(a) => {
                        let s = a.summary.clone();
                        let supplier = a.side == Side::Supplier;
                        // What the viewer may do comes with the assessment.
                        let can = a.abilities;
                        let editable = can.answer;
                        let colleagues = StoredValue::new(a.colleagues.clone());
                        let aid = s.id.0;
                        Either::Right(view! {
                            <Title text=format!("{} · {}", s.profile, s.supplier)/>
                            <h1>{format!("{} (v{})", s.profile, s.profile_version)}</h1>
                            <p class="muted">{format!("{} · {} → {} · due {}", s.engagement, s.owner, s.supplier, s.due_on)}</p>
                            <p><span class=format!("status {}", s.status.as_str()) data-testid="assessment-status">{s.status.label()}</span></p>
                            {a.product.clone().map(|p| view! { <p class="muted" data-testid="assessment-product">{format!("About: {p}")}</p> })}
                            {(a.product.is_none() && !a.named.is_empty()).then(|| view! {
                                <p class="muted" data-testid="assessment-named">{format!("{} asks about: {}", s.owner, a.named.join(", "))}</p>
                            })}
                            {(!a.certificates.is_empty()).then(|| view! {
                                <div class="card" data-testid="assessment-certificates">
                                    <h2 class="small">"Certificates"</h2>
                                    {super::products::certificate_lines(a.certificates.clone())}
                                </div>
                            })}
                            {renewal_panel(aid, a.renewal.clone(), renew)}
                            {progress_bar(&s)}
                            {(!a.message.is_empty()).then(|| view! { <blockquote class="message">{a.message.clone()}</blockquote> })}
                            <div class="actions">
                                {editable.then(|| view! {
                                    <ActionForm action=prefill attr:class="inline">
                                        <input type="hidden" name="assessment_id" value=aid.to_string()/>
                                        <button type="submit" title="Copy your organization's latest answers to the same requirements into empty answers">"Pre-fill from earlier answers"</button>
                                    </ActionForm>
                                })}
                                {can.submit.then(|| view! {
                                    // A second step that works without script: the
                                    // real button is inside.
                                    <details class="confirm" data-testid="submit-step">
                                        <summary class="button primary">"Submit answers…"</summary>
                                        <div class="confirm-body">
                                            <p>"Once submitted, your answers and evidence are read-only: the asset owner reviews them, and only the owner can send the assessment back to you for changes."</p>
                                            <ActionForm action=submit attr:class="inline">
                                                <input type="hidden" name="assessment_id" value=aid.to_string()/>
                                                <button type="submit" class="primary">"Yes, submit answers"</button>
                                            </ActionForm>
                                        </div>
                                    </details>
                                })}
                                {view! {
                                    {can.reopen.then(|| view! {
                                        <ActionForm action=change attr:class="inline">
                                            <input type="hidden" name="assessment_id" value=aid.to_string()/>
                                            <input type="hidden" name="change" value="reopen"/>
                                            <button type="submit">"Reopen for the supplier"</button>
                                        </ActionForm>
                                    })}
                                    {can.withdraw.then(|| view! {
                                        <ActionForm action=change attr:class="inline">
                                            <input type="hidden" name="assessment_id" value=aid.to_string()/>
                                            <input type="hidden" name="change" value="withdraw"/>
                                            <button type="submit" class="danger">"Withdraw"</button>
                                        </ActionForm>
                                    })}
                                }}
                            </div>
                            {move || prefill.value().get().and_then(|r| r.ok()).map(|n| view! { <div class="alert info" role="status" data-testid="prefilled">{format!("{n} answers pre-filled from earlier answers.")}</div> })}
                            <p class="downloads">"Download: " <a href=format!("/assessments/{aid}/export/xlsx") download data-testid="download-xlsx">"answers as .xlsx"</a>
                                " · "<a href=format!("/assessments/{aid}/export/oscal") download data-testid="download-oscal-results">"OSCAL assessment results"</a>
                                " · "<a href=format!("/engagements/{}/matrix", s.engagement_id.0) data-testid="assessment-matrix">"Responsibility matrix"</a>
                                " · "<a href=format!("/commitments?engagement={}", s.engagement_id.0)>"Commitments"</a>
                            </p>
                            {(editable && supplier).then(|| view! { <crate::pages::products::FillFromProduct assessment=aid versions=a.product_versions.clone() named=a.named.clone() action=fill/> })}
                            {editable.then(|| view! { <OfflineSheet assessment=aid apply=apply/> })}
                            {can.commit.then(|| view! { <crate::pages::commitments::NewCommitment assessment=aid owner=a.side == Side::Owner/> })}
                            {(a.side != Side::Supplier).then(|| view! { <OwnerReview assessment=aid reviewer=can.review status=s.status decision=a.decision.clone() gap=crate::model::analyse(&crate::model::gap_items(&a)) begin=begin changes=changes decide=decide/> })}
                            {(supplier && a.decision.is_some()).then(|| view! { <p data-testid="decision">"Decision rationale: " {a.decision.clone()}</p> })}
                            <SubmitErrors value=Signal::derive(move || submit.value().get())/>
                            {action_error(change.value())}
                            {answer_filter(&a.answers, filter, rows)}
                            <table class="table answers" data-testid="answers">
                                <thead><tr><th scope="col">"Requirement"</th><th scope="col">"Target"</th><th scope="col">"Answer"</th><th scope="col">"Evidence"</th><th scope="col">"Assigned"</th><th scope="col">"Review"</th><th scope="col"><span class="visually-hidden">"Open"</span></th></tr></thead>
                                <tbody>
                                    {rows.update_value(|r| r.clear());}
                                    {a.answers.into_iter().map(|x| view! { <AnswerRow answer=x editable=editable colleagues=colleagues side=a.side abilities=can filter=filter rows=rows/> }).collect_view()}
                                </tbody>
                            </table>
                        })
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SubmitErrors(#[prop(into)] value: Signal<Option<Result<(), AppError>>>) -> impl IntoView {
    move || {
        match value.get() {
        Some(Ok(())) => Some(view! { <div class="alert info" role="status" data-testid="submitted">"Submitted. The asset owner was told; answers are locked unless they reopen the assessment."</div> }.into_any()),
        Some(Err(AppError::Validation { message, fields })) => Some(view! {
            <div class="alert error" role="alert" data-testid="submit-errors">
                <p>{message}</p>
                <ul>{fields.into_iter().map(|f| view! { <li>{f.message}</li> }).collect_view()}</ul>
            </div>
        }.into_any()),
        Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
        None => None,
    }
    }
}

pub(crate) fn target_label(x: &AnswerDto) -> String {
    x.target_kind.label(x.target)
}

/// One requirement's row; the editor opens below it on demand, so a page
/// of hundreds of requirements stays light.
#[component]
fn AnswerRow(
    answer: AnswerDto,
    editable: bool,
    colleagues: StoredValue<Vec<(crate::model::UserId, String)>>,
    side: Side,
    abilities: crate::model::AssessmentAbilities,
    filter: RwSignal<AnswerFilter>,
    rows: StoredValue<Vec<RowHandle>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let fields = RwSignal::new(answer.fields.clone());
    let evidence = RwSignal::new(answer.evidence.clone());
    let assignee = RwSignal::new(answer.assignee.clone());
    let review = RwSignal::new(answer.review);
    let group = answer.requirement.group.clone();
    let required_evidence = answer.evidence_required;
    let shown = Signal::derive(move || {
        let missing = required_evidence
            && evidence.with(|e| e.is_empty())
            && fields.with(|f| f.compliance.is_some_and(|c| c.needs_evidence()));
        filter.with(|flt| {
            fields.with(|f| {
                assignee.with(|a| flt.admits(&group, f, missing, review.get(), a.as_deref()))
            })
        })
    });
    let dom_id = format!("answer-{}", answer.id.0);
    rows.update_value(|r| {
        r.push(RowHandle {
            dom_id: dom_id.clone(),
            fields,
            open,
            shown,
        })
    });
    let ref_id = answer.requirement.ref_id.clone();
    let title = answer.requirement.title.clone();
    let target = target_label(&answer);
    let parameters = answer.parameters.clone();
    let required = answer.evidence_required;
    let x = StoredValue::new(answer);
    view! {
        // A row being edited stays in view until it is closed, even when
        // the edit takes it out of the filter.
        <tr data-ref=ref_id.clone() id=dom_id class:hidden=move || !shown.get() && !open.get()>
            <td>
                <code>{ref_id.clone()}</code>" "{title}
                {x.with_value(|x| x.since_last).map(|changed| view! {
                    " "<span class="tag" data-since-last=if changed { "changed" } else { "unchanged" }>
                        {if changed { "changed since last accepted" } else { "unchanged" }}
                    </span>
                })}
                {(!parameters.is_empty()).then(|| view! { <div class="muted small">"Parameters: "{parameters}</div> })}
            </td>
            <td>{target}</td>
            // One closure for the cells that change as the answer is edited.
            {move || {
                let n = evidence.with(|e| e.len());
                let (label, missing) = fields.with(|f| (compliance_label(f), required && n == 0 && f.compliance.is_none_or(|c| c.needs_evidence())));
                view! {
                    <td data-testid="compliance">{label}</td>
                    <td>{if missing { format!("{n} · required") } else { n.to_string() }}</td>
                    <td>{assignee.get().unwrap_or_default()}</td>
                    <td data-testid="review">{review.get().map(|r| r.label()).unwrap_or_default()}</td>
                }
            }}
            <td><button type="button" class="link" aria-expanded=move || if open.get() { "true" } else { "false" } on:click=move |_| open.update(|o| *o = !*o)>{move || if open.get() { "Close" } else if editable { "Answer" } else { "Details" }}</button></td>
        </tr>
        // Only opening and closing rebuild the editor (a pending save goes on).
        {move || open.get().then(|| view! {
            <tr class="editor-row"><td colspan="7">
                <AnswerEditor answer=x.get_value() editable=editable fields=fields evidence=evidence assignee=assignee colleagues=colleagues/>
                <ReviewPanel answer=x.with_value(|x| x.id) review=review side=side abilities=abilities/>
            </td></tr>
        })}
    }
}

/// What the page keeps of each answer row: enough to find and open the next
/// unanswered one.
#[derive(Clone)]
struct RowHandle {
    dom_id: String,
    fields: RwSignal<AnswerFields>,
    open: RwSignal<bool>,
    shown: Signal<bool>,
}

/// The filter bar over a long questionnaire: section, state, assignee, and
/// a jump to the next unanswered requirement among those shown.
fn answer_filter(
    answers: &[AnswerDto],
    filter: RwSignal<AnswerFilter>,
    rows: StoredValue<Vec<RowHandle>>,
) -> impl IntoView {
    let mut groups: Vec<(String, String)> = Vec::new();
    for a in answers {
        let g = (
            a.requirement.group.clone(),
            a.requirement.group_title.clone(),
        );
        if !g.0.is_empty() && !groups.contains(&g) {
            groups.push(g);
        }
    }
    let mut assignees: Vec<String> = answers.iter().filter_map(|a| a.assignee.clone()).collect();
    assignees.sort();
    assignees.dedup();
    let (total, none_left) = (answers.len(), RwSignal::new(false));
    let next = move |_| {
        // The first unanswered row shown after the one open now (or from the top).
        let list = rows.get_value();
        let current = list
            .iter()
            .position(|r| r.open.get_untracked())
            .map(|i| i + 1)
            .unwrap_or(0);
        let found = list
            .iter()
            .skip(current)
            .chain(list.iter().take(current))
            .find(|r| {
                r.shown.get_untracked() && r.fields.with_untracked(|f| f.compliance.is_none())
            })
            .cloned();
        none_left.set(found.is_none());
        if let Some(r) = found {
            for other in &list {
                other.open.set(false);
            }
            r.open.set(true);
            if let Some(el) = document().get_element_by_id(&r.dom_id) {
                el.scroll_into_view();
            }
        }
    };
    view! {
        <fieldset class="filters" data-testid="answer-filter">
            <legend class="sr-only">"Show answers"</legend>
            <label class="choice">"Section "
                <select data-testid="filter-section" on:change=move |ev| filter.update(|f| f.group = event_target_value(&ev))>
                    <option value="">"All sections"</option>
                    {groups.into_iter().map(|(g, t)| view! { <option value=g.clone()>{format!("{g} {t}")}</option> }).collect_view()}
                </select>
            </label>
            <label class="choice">"Status "
                <select data-testid="filter-state" on:change=move |ev| filter.update(|f| f.state = event_target_value(&ev))>
                    <option value="">"Any"</option>
                    <option value="unanswered">"Not answered"</option>
                    <option value="answered">"Answered"</option>
                    <option value="evidence">"Evidence missing"</option>
                    <option value="clarification">"Clarification requested"</option>
                    <option value="rejected">"Rejected"</option>
                </select>
            </label>
            <label class="choice">"Assigned to "
                <select data-testid="filter-assignee" on:change=move |ev| filter.update(|f| f.assignee = event_target_value(&ev))>
                    <option value="">"Anyone"</option>
                    <option value="-">"Nobody"</option>
                    {assignees.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                </select>
            </label>
            <button type="button" data-testid="next-unanswered" on:click=next>"Next unanswered"</button>
            <span class="small muted" role="status" data-testid="filter-count">{move || {
                // Counted once a filter is chosen (the rows are all there by then).
                if filter.get() == AnswerFilter::default() && !none_left.get() {
                    return format!("all {total} shown");
                }
                let shown = rows.with_value(|r| r.iter().filter(|r| r.shown.get()).count());
                if none_left.get() { format!("{shown} of {total} shown · nothing left unanswered here") } else { format!("{shown} of {total} shown") }
            }}</span>
        </fieldset>
    }
}

/// An assessment's recurring re-assessment: what it renews (changed and
/// unchanged answers since), and for the owner of an accepted one, how
/// often it comes back.
fn renewal_panel(
    aid: i64,
    r: crate::model::RenewalDto,
    renew: ServerAction<crate::api::engagements::SetRenewal>,
) -> impl IntoView {
    view! {
        {r.renews.map(|prev| view! {
            <p class="muted" data-testid="renews">
                "Re-assessment of "<a href=format!("/assessments/{}", prev.0)>"the accepted assessment"</a>
                {format!(": {} answers unchanged, {} changed since.", r.unchanged, r.changed)}
            </p>
        })}
        {r.next.map(|next| view! {
            <p class="muted" data-testid="renewed-by">"Renewed by "<a href=format!("/assessments/{}", next.0)>"the next assessment"</a>"."</p>
        })}
        {(r.may_set || r.renews_on.is_some()).then(|| view! {
            <section class="card" data-testid="renewal">
                <h2 class="small">"Re-assessment"</h2>
                <p data-testid="renews-on">{match (r.every_months, r.renews_on) {
                    (Some(m), Some(d)) => format!("Every {m} months: the next assessment is due {d} and opens 30 days before, pre-filled from these answers."),
                    _ => "Not re-assessed periodically.".to_string(),
                }}</p>
                {r.may_set.then(|| view! {
                    <ActionForm action=renew attr:class="inline">
                        <input type="hidden" name="assessment_id" value=aid.to_string()/>
                        <label for="renew-months">"Re-assess every (months)"</label>
                        " "<input id="renew-months" name="every_months" inputmode="numeric" size="3" value=r.every_months.map(|m| m.to_string()).unwrap_or_default()/>
                        " "<button type="submit">"Save"</button>
                    </ActionForm>
                    {field_error(renew.value(), "every_months")}
                    {action_error(renew.value())}
                })}
            </section>
        })}
    }
}
