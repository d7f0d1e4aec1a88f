//! An asset owner's suppliers and service providers.

use super::members::{sent, SentLink};
use crate::api::engagements::list_assessor_invitations;
use crate::api::organization::{
    list_supplier_invitations, list_suppliers, InviteSupplier, RenewPartnerInvitation,
    RevokePartnerInvitation,
};
use crate::components::{action_error, clears_on_success, field_error, use_me, ErrorBox};
use crate::model::{EngagementId, InvitationStatus, OrgKind, Permission};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

#[component]
pub fn SuppliersPage() -> impl IntoView {
    let me = use_me();
    let may_invite = me.may(Permission::InviteSuppliers);
    let invite = ServerAction::<InviteSupplier>::new();
    let value = invite.value();
    let suppliers = Resource::new(move || invite.version().get(), |_| list_suppliers());
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
                <p class="muted">"The address you give receives a single-use link. Its owner accepts for a new organization or for one they already administer on Pactline; the supplier appears in your list only then."</p>
                <ActionForm action=invite node_ref=clears_on_success(value) attr:class="grid-form">
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
                        <label for="supplier-admin">"E-mail of the person who accepts"</label>
                        <input id="supplier-admin" name="admin_email" type="email" required maxlength="254"/>
                        {field_error(value, "admin_email")}
                    </div>
                    <div class="form-end"><button type="submit" class="primary">"Invite supplier"</button></div>
                </ActionForm>
                {action_error(value)}
                <SentLink value=sent(value)/>
                <PartnerInvitations engagement=None sent=Signal::derive(move || invite.version().get())/>
            </section>
        })}
    }
}

/// Invitations sent to suppliers (`engagement` is `None`) or to assessors of
/// one engagement: pending ones get a new link or are revoked.
#[component]
pub fn PartnerInvitations(
    engagement: Option<i64>,
    /// Changes when another invitation was sent.
    #[prop(into)]
    sent: Signal<usize>,
) -> impl IntoView {
    let renew = ServerAction::<RenewPartnerInvitation>::new();
    let revoke = ServerAction::<RevokePartnerInvitation>::new();
    let list = Resource::new(
        move || (sent.get(), renew.version().get(), revoke.version().get()),
        move |_| async move {
            match engagement {
                Some(e) => list_assessor_invitations(EngagementId(e)).await,
                None => list_supplier_invitations().await,
            }
        },
    );
    view! {
        <h3>"Invitations sent"</h3>
        <SentLink value=super::members::sent(renew.value())/>
        {action_error(renew.value())}
        {action_error(revoke.value())}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(rows) if rows.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"None yet."</p> })),
                    Ok(rows) => Either::Right(Either::Right(view! {
                        <table class="table" data-testid="partner-invitations">
                            <thead><tr><th scope="col">"Organization"</th><th scope="col">"E-mail"</th><th scope="col">"Status"</th><th scope="col">"Expires"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|i| {
                                    let open = i.status != InvitationStatus::Accepted;
                                    let pending = i.status == InvitationStatus::Pending;
                                    let id = i.id.0;
                                    view! {
                                        <tr data-email=i.email.clone()>
                                            <td>{i.org_name.clone()}</td>
                                            <td>{i.email.clone()}</td>
                                            <td><span class=format!("status {}", i.status.label().to_lowercase())>{i.status.label()}</span></td>
                                            <td>{i.expires_at.clone()}</td>
                                            <td class="actions">
                                                {open.then(|| view! {
                                                    <ActionForm action=renew attr:class="inline">
                                                        <input type="hidden" name="invitation_id" value=id.to_string()/>
                                                        <button type="submit" class="small">"New link"</button>
                                                    </ActionForm>
                                                })}
                                                {pending.then(|| view! {
                                                    <ActionForm action=revoke attr:class="inline">
                                                        <input type="hidden" name="invitation_id" value=id.to_string()/>
                                                        <button type="submit" class="small danger">"Revoke"</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })),
                }
            })}
        </Transition>
    }
}
