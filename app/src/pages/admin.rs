//! Admin views: the organization's outbox and audit trail.

use crate::api::organization::{list_audit_events, list_outbox};
use crate::components::ErrorBox;
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| list_outbox());
    view! {
        <Title text="Outbox"/>
        <h1>"Outbox"</h1>
        <p class="muted">"Messages Pactline sent on behalf of your organization. Single-use links are never kept here."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) => Either::Right(view! {
                        <table class="table" data-testid="outbox">
                            <thead><tr><th scope="col">"When"</th><th scope="col">"To"</th><th scope="col">"Subject"</th><th scope="col">"Delivery"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|m| view! {
                                    <tr><td>{m.created_at}</td><td>{m.recipient}</td><td>{m.subject}</td><td>{m.status}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| list_audit_events());
    view! {
        <Title text="Activity"/>
        <h1>"Activity"</h1>
        <p class="muted">"Every change in your organization, newest first. The trail is append-only and hash-chained."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) => Either::Right(view! {
                        <table class="table" data-testid="activity">
                            <thead><tr><th scope="col">"#"</th><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Object"</th><th scope="col">"Change"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{e.seq}</td><td>{e.occurred_at}</td>
                                        <td>{e.actor}{e.api_token.map(|t| view! { <span class="muted" data-testid="via-token">" via API token “" {t} "”"</span> })}</td>
                                        <td><code>{e.action}</code></td><td>{e.object}</td>
                                        <td class="json">{e.before.map(|b| format!("before {b}"))}" "{e.after.map(|a| format!("after {a}"))}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }),
                }
            })}
        </Suspense>
    }
}
