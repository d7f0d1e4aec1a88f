//! Engagements (asset owner, and the assessors it invites): the list, one
//! engagement with its assessments' progress, the forms that send a profile
//! to a supplier and invite an assessor, and the suppliers side by side.

use super::members::{sent, SentLink};
use super::suppliers::PartnerInvitations;
use crate::api::engagements::{
    get_engagement, list_engagements, CreateEngagement, InviteAssessor, SendAssessments,
};
use crate::api::organization::list_suppliers;
use crate::api::profiles::list_profiles;
use crate::api::reviews::compare_suppliers;
use crate::components::{action_error, clears_on_success, field_error, use_me, ErrorBox};
use crate::model::{
    claimed_label, AssessmentSummary, Comparison, EngagementId, Permission, ProfileId,
    ProfileStatus, ProfileSummary, RowFilter, SendTo, Side, SupplierDto,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

#[component]
pub fn EngagementsPage() -> impl IntoView {
    let can_manage = use_me().may(Permission::ManageEngagements);
    let create = ServerAction::<CreateEngagement>::new();
    let value = create.value();
    let list = Resource::new(|| (), |_| list_engagements());
    view! {
        <Title text="Engagements"/>
        <h1>"Engagements"</h1>
        <p class="muted">"A procurement or project in which you send security questionnaires to suppliers and follow their answers."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(rows) if rows.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"No engagements yet."</p> })),
                    Ok(rows) => Either::Right(Either::Right(view! {
                        <table class="table" data-testid="engagements">
                            <thead><tr><th scope="col">"Engagement"</th><th scope="col">"Assessments"</th><th scope="col">"Started"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|e| view! {
                                    <tr>
                                        <td>
                                            <a href=format!("/engagements/{}", e.id.0)>{e.name.clone()}</a>
                                            {e.assessing_for.clone().map(|o| view! { <span class="badge" data-testid="assessing-for">{format!("assessor for {o}")}</span> })}
                                            <div class="muted small">{e.description.clone()}</div>
                                        </td>
                                        <td>{e.assessments}</td>
                                        <td>{e.created.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })),
                }
            })}
        </Suspense>
        {can_manage.then(|| view! {
            <section class="card">
                <h2>"New engagement"</h2>
                <ActionForm action=create attr:class="grid-form">
                    <div>
                        <label for="engagement-name">"Name"</label>
                        <input id="engagement-name" name="name" required maxlength="200" placeholder="SCADA upgrade 2027"/>
                        {field_error(value, "name")}
                    </div>
                    <div>
                        <label for="engagement-description">"Description"</label>
                        <input id="engagement-description" name="description" maxlength="2000"/>
                        {field_error(value, "description")}
                    </div>
                    <div class="form-end"><button type="submit" class="primary">"Create engagement"</button></div>
                </ActionForm>
                {action_error(value)}
            </section>
        })}
    }
}

/// A progress bar with its numbers as text.
pub fn progress_bar(s: &AssessmentSummary) -> impl IntoView {
    let p = s.progress;
    view! {
        <div class="progress" data-testid="progress">
            <progress max=p.total.to_string() value=p.answered.to_string()>{format!("{}%", p.percent())}</progress>
            <span class="small">{format!("{} / {} answered", p.answered, p.total)}</span>
            {(p.evidence_missing > 0).then(|| view! { <span class="small warn">{format!(" · {} evidence missing", p.evidence_missing)}</span> })}
        </div>
    }
}

#[component]
pub fn EngagementPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    // For the forms, built once: read without subscribing.
    let id_now = move || {
        params.with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
    };
    let can_manage = use_me().may(Permission::ManageEngagements);
    let send = ServerAction::<SendAssessments>::new();
    let invite = ServerAction::<InviteAssessor>::new();
    let engagement = Resource::new(
        move || (id(), send.version().get(), invite.version().get()),
        |(id, ..)| get_engagement(crate::model::EngagementId(id)),
    );
    // Only for those who send: for anyone else (an assessor) these lists
    // are not theirs to load.
    let options = can_manage.then(|| {
        Resource::new(
            || (),
            |_| async { (list_suppliers().await, list_profiles().await) },
        )
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match engagement.await {
                    Err(e) => Either::Left(view! { <Title text="Engagement"/><ErrorBox error=e/> }),
                    Ok(e) => Either::Right(view! {
                        <Title text=e.name.clone()/>
                        <h1>{e.name.clone()}</h1>
                        <p class="muted">{e.description.clone()}</p>
                        {(e.side == Side::Assessor).then(|| view! { <p class="alert info" role="status">{format!("You assess this engagement for {}: you read every assessment and write internal comments.", e.owner)}</p> })}
                        <p class="actions">
                            <a class="button" href=format!("/engagements/{}/compare", e.id.0) data-testid="compare-link">"Compare suppliers"</a>
                            " "<a class="button" href=format!("/engagements/{}/matrix", e.id.0) data-testid="matrix-link">"Responsibility matrix"</a>
                            " "<a class="button" href=format!("/commitments?engagement={}", e.id.0) data-testid="commitments-link">"Commitments"</a>
                        </p>
                        <h2>"Assessments"</h2>
                        {if e.assessments.is_empty() {
                            Either::Left(view! { <p class="muted">"Nothing sent yet."</p> })
                        } else {
                            Either::Right(view! {
                                <table class="table" data-testid="assessments">
                                    <thead><tr><th scope="col">"Supplier"</th><th scope="col">"Profile"</th><th scope="col">"Status"</th><th scope="col">"Progress"</th><th scope="col">"Due"</th></tr></thead>
                                    <tbody>
                                        {e.assessments.iter().map(|a| view! {
                                            <tr data-supplier=a.supplier.clone()>
                                                <td><a href=format!("/assessments/{}", a.id.0)>{a.supplier.clone()}</a></td>
                                                <td>{format!("{} (v{})", a.profile, a.profile_version)}</td>
                                                <td><span class=format!("status {}", a.status.as_str())>{a.status.label()}</span></td>
                                                <td>{progress_bar(a)}</td>
                                                <td>{a.due_on.clone()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            })
                        }}
                        <h2>"Assessors"</h2>
                        {if e.assessors.is_empty() {
                            Either::Left(view! { <p class="muted">"No assessor invited."</p> })
                        } else {
                            Either::Right(view! { <ul data-testid="assessors">{e.assessors.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}</ul> })
                        }}
                    }),
                }
            })}
        </Suspense>
        {can_manage.then(|| view! { <InviteAssessorForm engagement=id_now() invite=invite/> })}
        {options.map(|options| view! {
            <section class="card">
                <h2>"Send a questionnaire"</h2>
                <p class="muted">"A published profile version goes to each supplier you tick, as an assessment of its own with its own due date. New suppliers are invited on the " <a href="/suppliers">"Suppliers"</a> " page first."</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let (suppliers, profiles) = options.await;
                        let suppliers = suppliers.unwrap_or_default();
                        let profiles: Vec<_> = profiles.unwrap_or_default().into_iter().filter(|p| p.status == ProfileStatus::Published).collect();
                        view! { <SendForm engagement=id_now() suppliers=suppliers profiles=profiles send=send/> }
                    })}
                </Suspense>
            </section>
        })}
    }
}

/// One profile version to the suppliers ticked, each with a due date: the
/// common one, or its own.
#[component]
fn SendForm(
    engagement: i64,
    suppliers: Vec<SupplierDto>,
    profiles: Vec<ProfileSummary>,
    send: ServerAction<SendAssessments>,
) -> impl IntoView {
    let value = send.value();
    let profile = RwSignal::new(profiles.first().map(|p| p.id.0).unwrap_or(0));
    let due = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    // The suppliers ticked, each with its own due date when one was typed.
    let chosen = RwSignal::new(BTreeMap::<i64, Option<String>>::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = value.get() {
            chosen.set(BTreeMap::new());
            message.set(String::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let common = due.get_untracked();
        send.dispatch(SendAssessments {
            engagement_id: EngagementId(engagement),
            profile_id: ProfileId(profile.get_untracked()),
            sends: chosen
                .get_untracked()
                .into_iter()
                .map(|(supplier_org_id, own)| SendTo {
                    supplier_org_id,
                    due_on: own.unwrap_or_else(|| common.clone()),
                })
                .collect(),
            message: message.get_untracked(),
        });
    };
    let count = move || chosen.with(|c| c.len());
    view! {
        <form class="grid-form" data-testid="send-form" on:submit=submit>
            <div>
                <label for="send-profile">"Profile version"</label>
                <select id="send-profile" on:change=move |ev| profile.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {profiles.into_iter().map(|p| view! { <option value=p.id.0.to_string() selected=move || profile.get() == p.id.0>{format!("{} (v{})", p.name, p.version)}</option> }).collect_view()}
                </select>
                {field_error(value, "profile")}
            </div>
            <div>
                <label for="send-due">"Due date"</label>
                <input id="send-due" type="date" aria-describedby="send-due-help"
                    prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev))/>
                <p class="help" id="send-due-help">"For every supplier ticked, unless you give one its own."</p>
                {field_error(value, "due_on")}
            </div>
            <fieldset class="wide suppliers-pick" data-testid="send-suppliers">
                <legend>"Suppliers"</legend>
                {if suppliers.is_empty() {
                    Either::Left(view! { <p class="muted">"No supplier yet: invite one on the " <a href="/suppliers">"Suppliers"</a> " page."</p> })
                } else {
                    Either::Right(suppliers.into_iter().map(|s| {
                        let id = s.org_id.0;
                        let own_label = format!("Own due date for {}", s.name);
                        view! {
                            <div class="supplier-pick" data-supplier=s.name.clone()>
                                <label class="choice">
                                    <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains_key(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| { if on { c.entry(id).or_insert(None); } else { c.remove(&id); } });
                                        }/>
                                    {s.name.clone()}
                                </label>
                                {move || chosen.with(|c| c.contains_key(&id)).then(|| view! {
                                    <input type="date" class="own-due" aria-label=own_label.clone()
                                        prop:value=move || chosen.with(|c| c.get(&id).cloned().flatten()).unwrap_or_else(|| due.get())
                                        on:input=move |ev| {
                                            let v = event_target_value(&ev);
                                            chosen.update(|c| { c.insert(id, (!v.is_empty()).then_some(v)); });
                                        }/>
                                })}
                            </div>
                        }
                    }).collect_view())
                }}
            </fieldset>
            {field_error(value, "supplier")}
            <div class="wide">
                <label for="send-message">"Message"</label>
                <textarea id="send-message" maxlength="4000" rows="3"
                    prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                {field_error(value, "message")}
            </div>
            <div class="form-end">
                <button type="submit" class="primary" disabled=move || count() == 0 || send.pending().get()>
                    {move || match count() { 0 | 1 => "Send".to_string(), n => format!("Send to {n} suppliers") }}
                </button>
            </div>
        </form>
        {action_error(value)}
        {move || match value.get() {
            Some(Ok(ids)) => Some(view! { <div class="alert info" role="status" data-testid="sent">{if ids.len() == 1 { "Sent. The supplier's admins and contributors were told.".to_string() } else { format!("Sent to {} suppliers, each as its own assessment. Their admins and contributors were told.", ids.len()) }}</div> }),
            _ => None,
        }}
    }
}

/// The asset owner invites an assessor organization into the engagement.
#[component]
fn InviteAssessorForm(engagement: i64, invite: ServerAction<InviteAssessor>) -> impl IntoView {
    let value = invite.value();
    view! {
        <section class="card">
            <h2>"Invite an assessor"</h2>
            <p class="muted">"An assessor (for example for an IEC 62443-6-1 / 6-2 evaluation) reads every assessment, answer and comment of this engagement and writes internal comments. It never edits answers, reviews or decides, and the suppliers do not see it. The address you give receives a single-use link; its owner accepts for a new organization or for an assessor organization they already administer, and only then does it read anything."</p>
            <ActionForm action=invite node_ref=clears_on_success(value) attr:class="grid-form">
                <input type="hidden" name="engagement_id" value=engagement.to_string()/>
                <div>
                    <label for="assessor-name">"Organization name"</label>
                    <input id="assessor-name" name="name" required maxlength="200"/>
                    {field_error(value, "name")}
                </div>
                <div>
                    <label for="assessor-admin">"E-mail of the person who accepts"</label>
                    <input id="assessor-admin" name="admin_email" type="email" required maxlength="254"/>
                    {field_error(value, "admin_email")}
                </div>
                <div class="form-end"><button type="submit">"Invite assessor"</button></div>
            </ActionForm>
            {action_error(value)}
            <SentLink value=sent(value)/>
            <PartnerInvitations engagement=Some(engagement) sent=Signal::derive(move || invite.version().get())/>
        </section>
    }
}

/// The tender evaluation matrix: requirement rows, supplier columns, with
/// each supplier's score; filters run in the browser; prints cleanly.
#[component]
pub fn ComparisonPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let data = Resource::new(id, |id| compare_suppliers(EngagementId(id)));
    let id_now = move || {
        params.with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Comparison"/><ErrorBox error=e/> }),
                    Ok(m) => Either::Right(matrix(id_now(), m)),
                }
            })}
        </Suspense>
    }
}

fn score_text(s: Option<f64>) -> String {
    s.map(|s| format!("{s:.1}")).unwrap_or_else(|| "—".into())
}

fn matrix(engagement: i64, m: Comparison) -> impl IntoView {
    let filter = RwSignal::new(RowFilter::All);
    let total = m.rows.len();
    let gaps = m.rows.iter().filter(|r| r.gap).count();
    let differs = m.rows.iter().filter(|r| r.differs).count();
    let shown = move || match filter.get() {
        RowFilter::All => total,
        RowFilter::Gaps => gaps,
        RowFilter::Differences => differs,
    };
    let choice = move |f: RowFilter, label: &'static str, n: usize| {
        view! {
            <label class="choice">
                <input type="radio" name="rows" prop:checked=move || filter.get() == f on:change=move |_| filter.set(f)/>
                {format!("{label} ({n})")}
            </label>
        }
    };
    view! {
        <Title text=format!("Comparison · {}", m.engagement)/>
        <h1>{format!("{}: suppliers side by side", m.engagement)}</h1>
        <p class="no-print">
            <a href=format!("/engagements/{engagement}")>"Back to the engagement"</a>
            " · "<a href=format!("/engagements/{engagement}/export/xlsx") download data-testid="comparison-xlsx">"Download as .xlsx"</a>
            " · "<button type="button" on:click=move |_| { let _ = window().print(); }>"Print or save as PDF"</button>
        </p>
        <h2>"Suppliers"</h2>
        <table class="table" data-testid="comparison-suppliers">
            <thead><tr><th scope="col">"Supplier"</th><th scope="col">"Profile"</th><th scope="col">"Status"</th><th scope="col">"Answered"</th><th scope="col">"Unmet"</th><th scope="col">"Score"</th><th scope="col">"Product and certificates"</th></tr></thead>
            <tbody>
                {m.columns.iter().map(|c| view! {
                    <tr>
                        <td><a href=format!("/assessments/{}", c.assessment.0)>{c.supplier.clone()}</a></td>
                        <td>{format!("{} (v{})", c.profile, c.profile_version)}</td>
                        <td><span class=format!("status {}", c.status.as_str())>{c.status.label()}</span></td>
                        <td>{format!("{} / {}", c.answered, c.total)}</td>
                        <td>{c.unmet}</td>
                        <td data-testid="column-score">{score_text(c.score)}</td>
                        <td data-testid="column-certificates">
                            {c.product.clone().map(|p| view! { <div>{p}</div> })}
                            {super::products::certificate_lines(c.certificates.clone())}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="small muted">"Scores are each supplier's weighted score from its gap analysis (see “How the score is computed” on an assessment). A shaded cell falls short of the target; unanswered counts as short."</p>
        <fieldset class="filters no-print" data-testid="comparison-filter">
            <legend>"Show"</legend>
            {choice(RowFilter::All, "All requirements", total)}
            {choice(RowFilter::Gaps, "Gaps", gaps)}
            {choice(RowFilter::Differences, "Differences", differs)}
        </fieldset>
        <p class="small muted" data-testid="comparison-count">{move || format!("{} of {} requirements shown", shown(), total)}</p>
        <table class="table matrix" data-testid="comparison">
            <thead>
                <tr>
                    <th scope="col">"Requirement"</th>
                    <th scope="col">"Target"</th>
                    {m.columns.iter().map(|c| view! { <th scope="col">{c.supplier.clone()}<div class="small muted">{format!("{} v{}", c.profile, c.profile_version)}</div></th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {m.rows.into_iter().map(|r| {
                    let (gap, differs) = (r.gap, r.differs);
                    let kind = r.target_kind;
                    let target = r.target();
                    view! {
                        <tr data-ref=r.ref_id.clone() class:gap=gap class:differs=differs
                            class:hidden=move || !filter.get().admits(gap, differs)>
                            <th scope="row"><code>{r.ref_id.clone()}</code><div class="small">{r.title.clone()}</div></th>
                            <td>{kind.label(target)}</td>
                            {r.cells.into_iter().map(|c| match c {
                                None => Either::Left(view! { <td class="muted small">"not asked"</td> }),
                                Some(c) => Either::Right(view! {
                                    <td class:short=c.gap>
                                        {c.compliance.map(|x| x.label()).unwrap_or("Not answered")}
                                        {c.claimed.map(|l| view! { <div class="small">{claimed_label(kind, l)}</div> })}
                                        {c.review.map(|v| view! { <div class="small muted">{format!("review: {}", v.label().to_lowercase())}</div> })}
                                    </td>
                                }),
                            }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
