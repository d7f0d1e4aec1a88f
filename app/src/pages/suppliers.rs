//! An asset owner's suppliers and service providers.

use super::members::SentLink;
use crate::api::organization::{list_suppliers, InviteSupplier};
use crate::components::{action_error, field_error, use_me, ErrorBox};
use crate::model::{AppError, InvitationSent, OrgKind, Permission};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

#[component]
pub fn SuppliersPage() -> impl IntoView {
    let me = use_me();
    let may_invite = me.may(Permission::InviteSuppliers);
    let invite = ServerAction::<InviteSupplier>::new();
    let value = invite.value();
    let suppliers = Resource::new(move || invite.version().get(), |_| list_suppliers());
    // The first admin's invitation, when a new organization was created.
    let sent: RwSignal<Option<Result<InvitationSent, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Ok(r)) = value.get() {
            sent.set(r.invitation.map(Ok));
        }
    });
    view! {
        <Title text="Suppliers"/>
        <h1>"Suppliers and service providers"</h1>
        <p class="muted">"Organizations you can send questionnaires to. Each sees only what you send it, never the others."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match suppliers.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) if list.is_empty() => Either::Right(Either::Left(view! {
                        <p class="muted">"No suppliers yet."</p>
                    })),
                    Ok(list) => Either::Right(Either::Right(view! {
                        <table class="table" data-testid="suppliers">
                            <thead><tr><th scope="col">"Organization"</th><th scope="col">"Kind"</th><th scope="col">"Since"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| view! {
                                    <tr>
                                        <td>{s.name.clone()}</td>
                                        <td>{s.kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join(", ")}</td>
                                        <td>{s.since.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })),
                }
            })}
        </Transition>
        {may_invite.then(|| view! {
            <section class="card">
                <h2>"Invite a supplier"</h2>
                <p class="muted">"A new organization is created and the address you give is invited as its first admin. An organization already on Pactline is added to your list as it is."</p>
                <ActionForm action=invite attr:class="grid-form">
                    <div>
                        <label for="supplier-name">"Organization name"</label>
                        <input id="supplier-name" name="name" required maxlength="200"/>
                        {field_error(value, "name")}
                    </div>
                    <div>
                        <label for="supplier-kind">"Kind"</label>
                        <select id="supplier-kind" name="kind">
                            {[OrgKind::ProductSupplier, OrgKind::ServiceProvider].into_iter().map(|k| view! {
                                <option value=k.as_str()>{k.label()}</option>
                            }).collect_view()}
                        </select>
                        {field_error(value, "kind")}
                    </div>
                    <div>
                        <label for="supplier-admin">"First admin's e-mail"</label>
                        <input id="supplier-admin" name="admin_email" type="email" required maxlength="254"/>
                        {field_error(value, "admin_email")}
                    </div>
                    <div class="form-end"><button type="submit" class="primary">"Invite supplier"</button></div>
                </ActionForm>
                {action_error(value)}
                {move || match value.get() {
                    Some(Ok(r)) if r.invitation.is_none() => Some(view! {
                        <div class="alert info" role="status">{r.supplier.name.clone()} " is already on Pactline and was added to your suppliers."</div>
                    }),
                    _ => None,
                }}
                <SentLink value=sent/>
            </section>
        })}
    }
}
