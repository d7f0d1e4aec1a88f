//! "Shared with us": the product answer sets suppliers chose to share with
//! the asset owner, read-only, with their certificates and what changed
//! since; from here the owner asks for updated answers or sends a
//! questionnaire about the version.

use super::products::{answer_summary, certificate_table, library_evidence_list};
use crate::api::products::{get_shared_set, list_shared_sets, AskSharedUpdate, SendAboutShared};
use crate::components::{action_error, field_error, ErrorBox};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SharedSetsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_shared_sets());
    view! {
        <Title text="Shared with us"/>
        <h1>"Shared with us"</h1>
        <p class="muted">"Product answers your suppliers shared with you on purpose. They stay theirs: you read them here while they are shared, and you are told when an answer changes."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) if list.is_empty() => Either::Right(Either::Left(view! {
                        <p class="empty" data-testid="no-shared">"No supplier has shared product answers with you yet."</p>
                    })),
                    Ok(list) => Either::Right(Either::Right(view! {
                        <table class="table" data-testid="shared-sets">
                            <thead><tr>
                                <th scope="col">"Supplier"</th><th scope="col">"Product"</th>
                                <th scope="col">"Kind"</th><th scope="col">"Shared"</th><th scope="col">"Changes to look at"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| view! {
                                    <tr data-shared=format!("{} {}", s.product, s.version)>
                                        <td>{s.supplier.clone()}</td>
                                        <td><a href=format!("/shared/{}", s.share_id)>{format!("{} {}", s.product, s.version)}</a></td>
                                        <td>{s.kind.label()}</td>
                                        <td>{s.shared_at.clone()}</td>
                                        <td>{s.open_changes}</td>
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

#[component]
pub fn SharedSetPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let ask = ServerAction::<AskSharedUpdate>::new();
    let send = ServerAction::<SendAboutShared>::new();
    let data = Resource::new(
        move || (id(), ask.version().get(), send.version().get()),
        |(id, _, _)| get_shared_set(id),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Shared answers"/><ErrorBox error=e/> }),
                    Ok(s) => {
                        let title = format!("{} {}", s.summary.product, s.summary.version);
                        let share_id = s.summary.share_id.to_string();
                        let may_ask = s.may_ask;
                        Either::Right(view! {
                            <Title text=title.clone()/>
                            <p><a href="/shared">"← Shared with us"</a></p>
                            <h1 data-testid="shared-title">{title.clone()}</h1>
                            <p class="muted">{format!(
                                "Shared by {} on {}: {} of {} requirements of {} answered.",
                                s.summary.supplier, s.summary.shared_at, s.set.answered, s.set.rows.len(), s.set.catalog
                            )}</p>
                            <h2>"Certificates"</h2>
                            {certificate_table(s.certificates.clone(), None)}
                            <h2>"Changes since it was shared"</h2>
                            {if s.changes.is_empty() {
                                Either::Left(view! { <p class="muted" data-testid="no-changes">"No answer has changed since it was shared."</p> })
                            } else {
                                let share_id = share_id.clone();
                                Either::Right(view! {
                                    <table class="table small" data-testid="share-changes">
                                        <thead><tr><th scope="col">"Requirement"</th><th scope="col">"Before"</th><th scope="col">"After"</th><th scope="col">"When"</th><th scope="col">"Your assessments"</th></tr></thead>
                                        <tbody>
                                            {s.changes.into_iter().map(|c| {
                                                let share_id = share_id.clone();
                                                view! {
                                                    <tr data-change=c.ref_id.clone()>
                                                        <th scope="row">{c.ref_id.clone()}</th>
                                                        <td>{answer_summary(&c.before)}</td>
                                                        <td>{answer_summary(&c.after)}</td>
                                                        <td>{c.changed_at.clone()}</td>
                                                        <td>
                                                            {c.affected.iter().map(|(a, l)| view! { <a href=format!("/assessments/{a}")>{l.clone()}</a>" " }).collect_view()}
                                                            {match (c.asked_at.clone(), may_ask && !c.affected.is_empty()) {
                                                                (Some(at), _) => Either::Left(view! { <span class="muted">{format!("update asked {at}")}</span> }),
                                                                (None, true) => Either::Right(Some(view! {
                                                                    <ActionForm action=ask attr:class="inline">
                                                                        <input type="hidden" name="share_id" value=share_id/>
                                                                        <input type="hidden" name="change_id" value=c.id.to_string()/>
                                                                        <button type="submit">"Ask for an updated answer"</button>
                                                                    </ActionForm>
                                                                })),
                                                                (None, false) => Either::Right(None),
                                                            }}
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                })
                            }}
                            {action_error(ask.value())}
                            {move || ask.value().get().and_then(|r| r.ok()).map(|n| view! {
                                <p class="alert info" role="status" data-testid="asked">{format!("Asked on {n} answer(s); the supplier is told.")}</p>
                            })}
                            {(!s.assessments.is_empty()).then(|| view! {
                                <h2>"Your assessments about this version"</h2>
                                <ul data-testid="bound-assessments">
                                    {s.assessments.iter().map(|(a, l)| view! { <li><a href=format!("/assessments/{a}")>{l.clone()}</a></li> }).collect_view()}
                                </ul>
                            })}
                            {(!s.engagements.is_empty() && !s.profiles.is_empty()).then(|| {
                                let share_id = share_id.clone();
                                view! {
                                    <details class="card" data-testid="send-about">
                                        <summary>"Send a questionnaire about this version"</summary>
                                        <p class="muted small">{format!("The assessment is bound to {title}: {} fills it from these answers with one action, and every answer stays reviewable.", s.summary.supplier)}</p>
                                        <ActionForm action=send attr:class="stack">
                                            <input type="hidden" name="share_id" value=share_id/>
                                            <label for="send-engagement">"Engagement"</label>
                                            <select id="send-engagement" name="engagement_id">
                                                {s.engagements.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                            </select>
                                            {field_error(send.value(), "engagement_id")}
                                            <label for="send-profile">"Profile"</label>
                                            <select id="send-profile" name="profile_id">
                                                {s.profiles.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                            </select>
                                            {field_error(send.value(), "profile_id")}
                                            <label for="send-due">"Due on"</label>
                                            <input id="send-due" type="date" name="due_on" required/>
                                            {field_error(send.value(), "due_on")}
                                            <label for="send-message">"Message"</label>
                                            <textarea id="send-message" name="message" rows="2"></textarea>
                                            <div class="form-end"><button type="submit" class="primary">"Send"</button></div>
                                        </ActionForm>
                                        {action_error(send.value())}
                                    </details>
                                }
                            })}
                            {move || send.value().get().and_then(|r| r.ok()).map(|a| view! {
                                <p class="alert info" role="status" data-testid="sent-about">"Sent. " <a href=format!("/assessments/{a}")>"Open the assessment"</a></p>
                            })}
                            <h2>"Answers"</h2>
                            <table class="table small" data-testid="shared-answers">
                                <thead><tr><th scope="col">"Requirement"</th><th scope="col">"Answer"</th></tr></thead>
                                <tbody>
                                    {s.set.rows.into_iter().map(|r| view! {
                                        <tr data-ref=r.ref_id.clone()>
                                            <th scope="row">{r.ref_id.clone()} " " <span class="muted">{r.title.clone()}</span></th>
                                            <td>{answer_summary(&r.fields)}{library_evidence_list(r.evidence)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })
                    }
                }
            })}
        </Suspense>
    }
}
