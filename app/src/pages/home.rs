//! The home page: the organization at a glance and what to do next.

use crate::api::organization::organization_overview;
use crate::components::{use_me, ErrorBox};
use crate::model::{OrgKind, Permission};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = use_me();
    let overview = Resource::new(|| (), |_| organization_overview());
    let admin = me.may(Permission::ManageMembers);
    let owner = me.org_kinds.contains(&OrgKind::AssetOwner);
    let supplier = me.org_kinds.iter().any(|k| k.is_supplier());
    view! {
        <Title text="Home"/>
        <h1>"Welcome, " {me.display_name.clone()}</h1>
        {owner.then(|| view! { <crate::pages::dashboards::PortfolioView/> })}
        {supplier.then(|| view! { <crate::pages::dashboards::OwedView/> })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(o) => {
                        let owner = o.kinds.contains(&OrgKind::AssetOwner);
                        let supplier = o.kinds.iter().any(|k| k.is_supplier());
                        Either::Right(view! {
                            <section class="card">
                                <h2>{o.name.clone()}</h2>
                                <p class="kinds">
                                    {o.kinds.iter().map(|k| view! { <span class="tag">{k.label()}</span> }).collect_view()}
                                </p>
                                <dl class="stats">
                                    <div><dt>"Active members"</dt><dd data-testid="stat-members">{o.active_members}</dd></div>
                                    {admin.then(|| view! {
                                        <div><dt>"Pending invitations"</dt><dd>{o.pending_invitations}</dd></div>
                                    })}
                                    {owner.then(|| view! {
                                        <div><dt>"Suppliers"</dt><dd data-testid="stat-suppliers">{o.suppliers}</dd></div>
                                    })}
                                    {supplier.then(|| view! {
                                        <div><dt>"Asset owners working with you"</dt><dd>{o.customers}</dd></div>
                                    })}
                                </dl>
                            </section>
                            <section class="card">
                                <h2>"Next steps"</h2>
                                <ul class="next">
                                    {admin.then(|| view! { <li><a href="/members">"Invite colleagues and set their roles"</a></li> })}
                                    {(owner && admin).then(|| view! { <li><a href="/suppliers">"Invite the suppliers and service providers you buy from"</a></li> })}
                                    {owner.then(|| view! { <li><a href="/suppliers">"See which suppliers are on Pactline with you"</a></li> })}
                                    <li><a href="/members">"See who is in your organization"</a></li>
                                    <li><a href="/account">"Review your account and change your password"</a></li>
                                </ul>
                            </section>
                        })
                    }
                }
            })}
        </Suspense>
    }
}
