//! Members of the organization: roles, deactivation, invitations.

use crate::api::account::{
    get_sso_settings, RemoveSsoSettings, ResetMemberSecondFactor, SaveSsoSettings,
    SetSecondFactorPolicy,
};
use crate::api::organization::{
    list_api_tokens, list_invitations, list_members, storage_usage, ChangeMemberRole,
    CreateApiToken, CreateWebhook, InviteMember, RemoveWebhook, RenewInvitation, ResendWebhook,
    RevokeApiToken, RevokeInvitation, SetMemberActive,
};
use crate::api::organization::{list_webhooks, webhook_deliveries};
use crate::components::{
    action_error, clears_on_success, field_error, saved_note, use_me, ErrorBox,
};
use crate::model::{
    AppError, InvitationStatus, LinkSent, MemberDto, Permission, Role, WebhookDto, WEBHOOK_EVENTS,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

#[component]
pub fn MembersPage() -> impl IntoView {
    let me = use_me();
    let admin = me.may(Permission::ManageMembers);
    let change_role = ServerAction::<ChangeMemberRole>::new();
    let reset = ServerAction::<ResetMemberSecondFactor>::new();
    let policy = ServerAction::<SetSecondFactorPolicy>::new();
    let set_active = ServerAction::<SetMemberActive>::new();
    let invite = ServerAction::<InviteMember>::new();
    let renew = ServerAction::<RenewInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let members = Resource::new(
        move || {
            (
                change_role.version().get(),
                set_active.version().get(),
                invite.version().get(),
                reset.version().get(),
            )
        },
        |_| list_members(),
    );
    let invitations = Resource::new(
        move || {
            (
                invite.version().get(),
                renew.version().get(),
                revoke.version().get(),
                set_active.version().get(),
            )
        },
        move |_| async move {
            if admin {
                list_invitations().await
            } else {
                Ok(vec![])
            }
        },
    );
    let row_errors = move || {
        [
            change_role.value().get().and_then(|r| r.err()),
            set_active.value().get().and_then(|r| r.err()),
            reset.value().get().and_then(|r| r.err()),
            policy.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| view! { <ErrorBox error=e/> })
    };
    view! {
        <Title text="Members"/>
        <h1>"Members of " {me.org_name.clone()}</h1>
        {row_errors}
        <p>
            {saved_note(change_role.value(), "Role changed ✓ It applies from the member's next click.")}
            {saved_note(set_active.value(), "Saved ✓")}
            {saved_note(reset.value(), "Two-step sign-in reset ✓ The member's sessions ended and they were e-mailed.")}
            {saved_note(policy.value(), "Saved ✓ The rule applies from each member's next click.")}
        </p>
        {admin.then(|| {
            let required = me.second_factor_required;
            view! {
                <section class="card" data-testid="second-factor-policy">
                    <h2>"Two-step sign-in"</h2>
                    <ActionForm action=policy attr:class="inline">
                        <label class="choice">
                            <input type="checkbox" name="required" value="yes" checked=required/>
                            " Every member must sign in with a second factor or through the organization's single sign-on (members without either set up a second factor at their next click and can do nothing else until they have)"
                        </label>
                        " "<button type="submit" class="small">"Save"</button>
                    </ActionForm>
                </section>
                <SsoCard/>
                <ApiTokensCard/>
                <WebhooksCard/>
            }
        })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match members.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) => Either::Right(view! {
                        <table class="table" data-testid="members">
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"E-mail"</th><th scope="col">"Role"</th>
                                <th scope="col">"Status"</th><th scope="col">"Member since"</th>
                                {admin.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|m| member_row(m, admin, change_role, set_active, reset)).collect_view()}
                            </tbody>
                        </table>
                    }),
                }
            })}
        </Transition>
        {admin.then(|| view! { <StorageFigure/> })}
        {admin.then(|| view! {
            <InviteForm action=invite/>
            <section class="card">
                <h2>"Invitations"</h2>
                <SentLink value=sent(renew.value())/>
                {action_error(renew.value())}
                {action_error(revoke.value())}
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match invitations.await {
                            Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                            Ok(list) if list.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"No invitations yet."</p> })),
                            Ok(list) => Either::Right(Either::Right(view! {
                                <table class="table" data-testid="invitations">
                                    <thead><tr><th scope="col">"E-mail"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Expires"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|i| {
                                            let open = matches!(i.status, InvitationStatus::Pending | InvitationStatus::Expired | InvitationStatus::Revoked | InvitationStatus::Locked);
                                            let pending = i.status == InvitationStatus::Pending;
                                            let id = i.id.0;
                                            view! {
                                                <tr>
                                                    <td>{i.email.clone()}</td>
                                                    <td>{i.role.label()}</td>
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
            </section>
        })}
    }
}

/// The organization's identity provider (OpenID Connect), for its admins.
/// Plain forms: they work without JavaScript.
#[component]
fn SsoCard() -> impl IntoView {
    let save = ServerAction::<SaveSsoSettings>::new();
    let remove = ServerAction::<RemoveSsoSettings>::new();
    let settings = Resource::new(
        move || (save.version().get(), remove.version().get()),
        |_| get_sso_settings(),
    );
    // The secret field empties once saved: a secret is never shown again.
    let secret_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            if let Some(i) = secret_input.get_untracked() {
                i.set_value("");
            }
        }
    });
    view! {
        <section class="card" data-testid="sso">
            <h2>"Single sign-on"</h2>
            <p class="muted">"Members whose addresses are in your domains sign in through your own identity provider (OpenID Connect: Entra ID, Okta, Keycloak, ADFS…)."</p>
            {saved_note(save.value(), "Saved ✓ Addresses of these domains now sign in through your provider.")}
            {saved_note(remove.value(), "Single sign-on is off ✓ Members sign in with passwords again.")}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                        Ok(current) => Either::Right({
                            let on = current.is_some();
                            let s = current.unwrap_or_else(|| crate::model::SsoSettings {
                                issuer: String::new(),
                                client_id: String::new(),
                                secret_saved: false,
                                domains: vec![],
                                join_as_viewer: false,
                                enforced: false,
                                redirect_uri: String::new(),
                            });
                            let secret_help = if s.secret_saved {
                                "A secret is saved (it is never shown again). Leave this empty to keep it."
                            } else {
                                "The secret the provider issued for Pactline; it is kept encrypted."
                            };
                            view! {
                                {on.then(|| view! {
                                    <p data-testid="sso-status">"On for " <strong>{s.domains.join(", ")}</strong>
                                        ". Register this redirect URI at your provider: " <code>{s.redirect_uri.clone()}</code></p>
                                })}
                                <ActionForm action=save attr:class="grid-form">
                                    <label for="sso-issuer">"Issuer URL"</label>
                                    <input id="sso-issuer" name="issuer" type="url" required maxlength="500"
                                        placeholder="https://login.example.com/realms/plant" value=s.issuer.clone()/>
                                    {field_error(save.value(), "issuer")}
                                    <label for="sso-client">"Client id"</label>
                                    <input id="sso-client" name="client_id" required maxlength="200" value=s.client_id.clone()/>
                                    {field_error(save.value(), "client_id")}
                                    <label for="sso-secret">"Client secret"</label>
                                    <input id="sso-secret" name="client_secret" type="password" autocomplete="off" maxlength="1000" node_ref=secret_input
                                        aria-describedby="sso-secret-help"/>
                                    <p class="help" id="sso-secret-help">{secret_help}</p>
                                    {field_error(save.value(), "client_secret")}
                                    <label for="sso-domains">"E-mail domains"</label>
                                    <input id="sso-domains" name="domains" required maxlength="2000"
                                        placeholder="plant.example.com, ops.example.com" value=s.domains.join(", ")
                                        aria-describedby="sso-domains-help"/>
                                    <p class="help" id="sso-domains-help">"Addresses of these domains sign in through the provider. A domain belongs to one organization."</p>
                                    {field_error(save.value(), "domains")}
                                    <label class="choice">
                                        <input type="checkbox" name="join_as_viewer" value="yes" checked=s.join_as_viewer/>
                                        " People of these domains without an account may join as viewers (otherwise they need an invitation)"
                                    </label>
                                    <label class="choice">
                                        <input type="checkbox" name="enforced" value="yes" checked=s.enforced/>
                                        " Members sign in only through the provider: passwords are refused"
                                    </label>
                                    {field_error(save.value(), "enforced")}
                                    {action_error(save.value())}
                                    <button type="submit" class="primary">"Save single sign-on"</button>
                                </ActionForm>
                                {on.then(|| view! {
                                    <ActionForm action=remove attr:class="inline">
                                        <button type="submit" class="small danger">"Turn single sign-on off"</button>
                                    </ActionForm>
                                })}
                            }
                        }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The organization's API tokens, for its admins: make one (shown once),
/// see each one's role, expiry and last use, revoke.
#[component]
fn ApiTokensCard() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let made = move || {
        create.value().get().and_then(|r| r.ok()).map(|t| {
            view! {
                <div class="notice" role="status" data-testid="new-api-token">
                    <p>"Token “" {t.token.name.clone()} "” made. Copy it now: it is shown this once."</p>
                    <p><code class="secret" data-testid="api-token-secret">{t.secret.clone()}</code></p>
                    <p class="muted">"Use it as " <code>"Authorization: Bearer …"</code> " with " <a href="/api/v1/docs" rel="external">"the API"</a> "."</p>
                </div>
            }
        })
    };
    view! {
        <section class="card" data-testid="api-tokens">
            <h2>"API tokens"</h2>
            <p class="muted">"Scripts and other systems (procurement, GRC, ticketing) use Pactline's " <a href="/api/v1/docs" rel="external">"REST API"</a> " with a token. A token acts with the role you give it, for at most a year, as long as you stay an admin."</p>
            {made}
            {action_error(revoke.value())}
            <ActionForm action=create attr:class="grid-form">
                <label for="token-name">"Name"</label>
                <input id="token-name" name="name" required maxlength="80" placeholder="Procurement reports"/>
                {field_error(create.value(), "name")}
                <label for="token-role">"Acts as"</label>
                <select id="token-role" name="role">
                    <option value="viewer">"Viewer"</option>
                    <option value="contributor">"Contributor"</option>
                    <option value="reviewer">"Reviewer"</option>
                    <option value="admin">"Admin (read only: also the audit log)"</option>
                </select>
                {field_error(create.value(), "role")}
                <label for="token-days">"Expires after (days)"</label>
                <input id="token-days" name="days" type="number" min="1" value="90" required/>
                {field_error(create.value(), "days")}
                <label class="choice">
                    <input type="checkbox" name="read_only" value="yes"/>
                    " Read only: the token may look, never change anything"
                </label>
                {action_error(create.value())}
                <button type="submit" class="primary">"Make a token"</button>
            </ActionForm>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                        Ok(list) if list.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"No tokens yet."</p> })),
                        Ok(list) => Either::Right(Either::Right(view! {
                            <table class="table" data-testid="api-token-list">
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"Token"</th><th scope="col">"Acts as"</th>
                                    <th scope="col">"Made by"</th><th scope="col">"Expires"</th><th scope="col">"Last used"</th>
                                    <th scope="col">"Status"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|t| {
                                        let active = t.state == "active";
                                        let label = format!("Revoke the token {}", t.name);
                                        let role = if t.read_only { format!("{} (read only)", t.role.label()) } else { t.role.label().to_string() };
                                        view! {
                                            <tr data-testid=format!("api-token-{}", t.name)>
                                                <td>{t.name.clone()}</td>
                                                <td><code>{t.prefix.clone()} "…"</code></td>
                                                <td>{role}</td>
                                                <td>{t.created_by.clone()}</td>
                                                <td>{t.expires.clone()}</td>
                                                <td>{t.last_used.clone().unwrap_or_else(|| "never".into())}</td>
                                                <td><span class=format!("status {}", t.state)>{t.state.clone()}</span></td>
                                                <td class="actions">
                                                    {active.then(|| view! {
                                                        <ActionForm action=revoke attr:class="inline">
                                                            <input type="hidden" name="token_id" value=t.id.to_string()/>
                                                            <button type="submit" class="small danger" aria-label=label>"Revoke"</button>
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
        </section>
    }
}

/// The organization's webhook endpoints, for its admins: register one
/// (its signing secret shown once), see each one's delivery log, send a
/// delivery again, remove an endpoint.
#[component]
fn WebhooksCard() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    let resend = ServerAction::<ResendWebhook>::new();
    let hooks = Resource::new(
        move || (create.version().get(), remove.version().get()),
        |_| list_webhooks(),
    );
    let made = move || {
        create.value().get().and_then(|r| r.ok()).map(|w| {
            view! {
                <div class="notice" role="status" data-testid="new-webhook">
                    <p>"Endpoint " <code>{w.webhook.url.clone()}</code> " registered. Its signing secret, shown this once:"</p>
                    <p><code class="secret" data-testid="webhook-secret">{w.secret.clone()}</code></p>
                    <p class="muted">"Check each delivery's " <code>"webhook-signature"</code> " with it (Standard Webhooks)."</p>
                </div>
            }
        })
    };
    view! {
        <section class="card" id="webhooks" data-testid="webhooks">
            <h2>"Webhooks"</h2>
            <p class="muted">"Pactline tells your systems when something happens: a signed POST to your endpoint, sent again with growing pauses for about a day if it fails. Events carry ids only; read the details through the " <a href="/api/v1/docs" rel="external">"API"</a> "."</p>
            {made}
            {action_error(remove.value())}
            {action_error(resend.value())}
            <ActionForm action=create attr:class="grid-form">
                <label for="webhook-url">"Endpoint address"</label>
                <input id="webhook-url" name="url" type="url" required maxlength="2000" placeholder="https://grc.example.com/hooks/pactline"/>
                {field_error(create.value(), "url")}
                <label for="webhook-description">"Description"</label>
                <input id="webhook-description" name="description" maxlength="200" placeholder="GRC tool"/>
                {field_error(create.value(), "description")}
                <fieldset class="choices">
                    <legend>"Events"</legend>
                    {WEBHOOK_EVENTS.iter().enumerate().map(|(i, (key, label))| view! {
                        <label class="choice">
                            <input type="checkbox" name=format!("events[{i}]") value=*key checked=true/>
                            " " <code>{*key}</code> " — " {*label}
                        </label>
                    }).collect_view()}
                </fieldset>
                {field_error(create.value(), "events")}
                {action_error(create.value())}
                <button type="submit" class="primary">"Add the endpoint"</button>
            </ActionForm>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match hooks.await {
                        Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                        Ok(list) if list.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"No endpoints yet."</p> })),
                        Ok(list) => Either::Right(Either::Right(list.into_iter().map(|w| webhook_view(w, remove, resend)).collect_view())),
                    }
                })}
            </Transition>
        </section>
    }
}

fn webhook_view(
    w: WebhookDto,
    remove: ServerAction<RemoveWebhook>,
    resend: ServerAction<ResendWebhook>,
) -> impl IntoView {
    let id = w.id;
    let log = Resource::new(
        move || resend.version().get(),
        move |_| webhook_deliveries(id),
    );
    let label = format!("Remove the endpoint {}", w.url);
    view! {
        <article class="webhook" data-testid=format!("webhook-{}", w.url)>
            <h3><code>{w.url.clone()}</code>
                {w.failing_since.clone().map(|since| view! { <span class="status failing" data-testid="webhook-failing">" failing since " {since}</span> })}
            </h3>
            <p class="muted">{w.description.clone()} " · made by " {w.created_by.clone()} " on " {w.created.clone()}</p>
            <p>"Events: " {w.events.join(", ")}</p>
            <ActionForm action=remove attr:class="inline">
                <input type="hidden" name="webhook_id" value=id.to_string()/>
                <button type="submit" class="small danger" aria-label=label>"Remove"</button>
            </ActionForm>
            <details open=true>
                <summary>"Delivery log"</summary>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match log.await {
                            Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                            Ok(list) if list.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"Nothing sent yet."</p> })),
                            Ok(list) => Either::Right(Either::Right(view! {
                                <table class="table" data-testid="webhook-log">
                                    <thead><tr>
                                        <th scope="col">"Event"</th><th scope="col">"Queued"</th><th scope="col">"Attempts"</th>
                                        <th scope="col">"Last answer"</th><th scope="col">"State"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|d| {
                                            let answer = match (d.last_status, d.last_error.clone()) {
                                                (Some(s), _) => format!("HTTP {s}"),
                                                (None, Some(e)) => e,
                                                (None, None) => "—".into(),
                                            };
                                            let state = match (d.state.as_str(), d.next_attempt.clone()) {
                                                ("pending", Some(at)) if d.attempts > 0 => format!("retrying at {at}"),
                                                (s, _) => s.to_string(),
                                            };
                                            let label = format!("Send {} again", d.event_id);
                                            view! {
                                                <tr data-testid=format!("delivery-{}", d.event_type)>
                                                    <td><code>{d.event_type.clone()}</code><br/><small class="muted">{d.event_id.clone()}</small></td>
                                                    <td>{d.created.clone()}</td>
                                                    <td>{d.attempts}</td>
                                                    <td>{answer}</td>
                                                    <td><span class=format!("status {}", d.state)>{state}</span></td>
                                                    <td class="actions">
                                                        <ActionForm action=resend attr:class="inline">
                                                            <input type="hidden" name="delivery_id" value=d.id.to_string()/>
                                                            <button type="submit" class="small" aria-label=label>"Send again"</button>
                                                        </ActionForm>
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
            </details>
        </article>
    }
}

fn member_row(
    m: MemberDto,
    admin: bool,
    change_role: ServerAction<ChangeMemberRole>,
    set_active: ServerAction<SetMemberActive>,
    reset: ServerAction<ResetMemberSecondFactor>,
) -> impl IntoView {
    let id = m.id.0;
    let testid = format!("member-{}", m.email);
    let reset_label = format!("Reset the two-step sign-in of {}", m.email);
    let status = if m.is_active { "Active" } else { "Deactivated" };
    view! {
        <tr class:inactive=!m.is_active data-testid=testid>
            <td>{m.display_name.clone()} {m.is_self.then(|| view! { <span class="muted">" (you)"</span> })}</td>
            <td>{m.email.clone()}</td>
            <td>
                {if admin && m.is_active {
                    Either::Left(view! {
                        <ActionForm action=change_role attr:class="inline">
                            <input type="hidden" name="membership_id" value=id.to_string()/>
                            <label class="sr-only" for=format!("role-{id}")>"Role of " {m.email.clone()}</label>
                            <select id=format!("role-{id}") name="role">
                                {Role::ALL.iter().map(|r| view! {
                                    <option value=r.as_str() selected=*r == m.role>{r.label()}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="small">"Save"</button>
                        </ActionForm>
                    })
                } else {
                    Either::Right(view! { <span class="role-badge">{m.role.label()}</span> })
                }}
            </td>
            <td>{status}{m.second_factor.then(|| view! { <span class="tag" title="Signs in with a second factor">" two-step"</span> })}</td>
            <td>{m.joined.clone()}</td>
            {admin.then(|| view! {
                <td class="actions">
                    {(!m.is_self && m.second_factor).then(|| view! {
                        <ActionForm action=reset attr:class="inline">
                            <input type="hidden" name="membership_id" value=id.to_string()/>
                            <button type="submit" class="small" aria-label=reset_label>"Reset two-step"</button>
                        </ActionForm>
                    })}
                    {(!m.is_self).then(|| view! {
                        <ActionForm action=set_active attr:class="inline">
                            <input type="hidden" name="membership_id" value=id.to_string()/>
                            <input type="hidden" name="active" value=(!m.is_active).to_string()/>
                            <button type="submit" class=if m.is_active { "small danger" } else { "small" }>
                                {if m.is_active { "Deactivate" } else { "Reactivate" }}
                            </button>
                        </ActionForm>
                    })}
                </td>
            })}
        </tr>
    }
}

#[component]
fn InviteForm(action: ServerAction<InviteMember>) -> impl IntoView {
    let value = action.value();
    let form = clears_on_success(value);
    view! {
        <section class="card">
            <h2>"Invite a colleague"</h2>
            <ActionForm action=action node_ref=form attr:class="grid-form">
                <div>
                    <label for="invite-email">"E-mail address"</label>
                    <input id="invite-email" name="email" type="email" required maxlength="254"/>
                    {field_error(value, "email")}
                </div>
                <div>
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="role">
                        {Role::ALL.iter().map(|r| view! {
                            <option value=r.as_str() selected=*r == Role::Contributor>{r.label()}</option>
                        }).collect_view()}
                    </select>
                    {field_error(value, "role")}
                </div>
                <div class="form-end"><button type="submit" class="primary">"Send invitation"</button></div>
            </ActionForm>
            {action_error(value)}
            <SentLink value=sent(value)/>
        </section>
    }
}

/// After an invitation was sent: confirms the e-mail, or shows the link once
/// when no mail server is configured.
#[component]
pub fn SentLink(#[prop(into)] value: Signal<Option<LinkSent>>) -> impl IntoView {
    move || {
        value.get().map(|sent| match sent.link {
            None => view! {
                <div class="alert info" role="status">"Invitation e-mailed to " {sent.email.clone()} "."</div>
            }
            .into_any(),
            Some(link) => view! {
                <div class="alert info" role="status">
                    <p>"No mail server is configured, so pass this single-use link to " <strong>{sent.email.clone()}</strong>
                       " yourself. It is shown only now and is valid until " {sent.expires_at.clone()} "."</p>
                    <p><code class="link" data-testid="invitation-link">{link}</code></p>
                </div>
            }
            .into_any(),
        })
    }
}

/// What a server action that sends an invitation answered, as the notice
/// `SentLink` shows.
pub fn sent<T: Into<LinkSent> + Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<LinkSent>> {
    Signal::derive(move || value.get().and_then(|r| r.ok()).map(Into::into))
}

/// The evidence the organization keeps against its quota.
#[component]
fn StorageFigure() -> impl IntoView {
    let usage = Resource::new(|| (), |_| storage_usage());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match usage.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(u) => Either::Right(view! {
                        <p class="muted" data-testid="storage">
                            "Evidence storage: " {u.summary()}
                            " — files your members attached to answers count against it."
                        </p>
                    }),
                }
            })}
        </Transition>
    }
}
