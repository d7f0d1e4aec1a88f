//! Engagements (asset owner): the list, and one engagement with its
//! assessments' progress and the form that sends a profile to a supplier.

use crate::api::engagements::{get_engagement, list_engagements, CreateEngagement, SendAssessment};
use crate::api::organization::list_suppliers;
use crate::api::profiles::list_profiles;
use crate::components::{action_error, field_error, use_me, ErrorBox};
use crate::model::{AssessmentSummary, Permission, ProfileStatus};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

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
                                        <td><a href=format!("/engagements/{}", e.id.0)>{e.name.clone()}</a><div class="muted small">{e.description.clone()}</div></td>
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
    let can_manage = use_me().may(Permission::ManageEngagements);
    let send = ServerAction::<SendAssessment>::new();
    let value = send.value();
    let engagement = Resource::new(
        move || (id(), send.version().get()),
        |(id, _)| get_engagement(crate::model::EngagementId(id)),
    );
    let options = Resource::new(
        || (),
        |_| async { (list_suppliers().await, list_profiles().await) },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match engagement.await {
                    Err(e) => Either::Left(view! { <Title text="Engagement"/><ErrorBox error=e/> }),
                    Ok(e) => Either::Right(view! {
                        <Title text=e.name.clone()/>
                        <h1>{e.name.clone()}</h1>
                        <p class="muted">{e.description.clone()}</p>
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
                    }),
                }
            })}
        </Suspense>
        {can_manage.then(|| view! {
            <section class="card">
                <h2>"Send a questionnaire"</h2>
                <p class="muted">"A published profile version goes to one supplier as an assessment. New suppliers are invited on the " <a href="/suppliers">"Suppliers"</a> " page first."</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let (suppliers, profiles) = options.await;
                        let suppliers = suppliers.unwrap_or_default();
                        let profiles: Vec<_> = profiles.unwrap_or_default().into_iter().filter(|p| p.status == ProfileStatus::Published).collect();
                        view! {
                            <ActionForm action=send attr:class="grid-form">
                                <input type="hidden" name="engagement_id" value=id().to_string()/>
                                <div>
                                    <label for="send-supplier">"Supplier"</label>
                                    <select id="send-supplier" name="supplier_org_id" required>
                                        {suppliers.into_iter().map(|s| view! { <option value=s.org_id.0.to_string()>{s.name.clone()}</option> }).collect_view()}
                                    </select>
                                    {field_error(value, "supplier")}
                                </div>
                                <div>
                                    <label for="send-profile">"Profile version"</label>
                                    <select id="send-profile" name="profile_id" required>
                                        {profiles.into_iter().map(|p| view! { <option value=p.id.0.to_string()>{format!("{} (v{})", p.name, p.version)}</option> }).collect_view()}
                                    </select>
                                    {field_error(value, "profile")}
                                </div>
                                <div>
                                    <label for="send-due">"Due date"</label>
                                    <input id="send-due" name="due_on" type="date" required/>
                                    {field_error(value, "due_on")}
                                </div>
                                <div class="wide">
                                    <label for="send-message">"Message"</label>
                                    <textarea id="send-message" name="message" maxlength="4000" rows="3"></textarea>
                                    {field_error(value, "message")}
                                </div>
                                <div class="form-end"><button type="submit" class="primary">"Send"</button></div>
                            </ActionForm>
                        }
                    })}
                </Suspense>
                {action_error(value)}
                {move || matches!(value.get(), Some(Ok(_))).then(|| view! { <div class="alert info" role="status" data-testid="sent">"Sent. The supplier's admins and contributors were told."</div> })}
            </section>
        })}
    }
}
