//! Pages for people who are not signed in: sign in, forgotten password,
//! reset link, invitation link.

use crate::api::account::{
    get_invitation, get_partner_invitation, AcceptInvitation, AcceptPartnerInvitation,
    RequestPasswordReset, ResetPassword,
};
use crate::components::{action_error, field_error, ErrorBox};
use crate::model::{PASSWORD_MAX, PASSWORD_MIN};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn login_message(code: &str, minutes: Option<String>) -> Option<(&'static str, String)> {
    match code {
        "invalid" => Some((
            "error",
            "The e-mail address or password is not right.".into(),
        )),
        "throttled" => Some((
            "error",
            format!(
                "Too many failed attempts. Try again in {} minute(s).",
                // Only a number is shown: the query string is the visitor's.
                minutes
                    .and_then(|m| m.parse::<u16>().ok())
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "a few".into())
            ),
        )),
        "signed_out" => Some(("info", "You are signed out.".into())),
        "expired" => Some((
            "error",
            "That sign-in was not finished in time, or had too many wrong codes. Sign in again."
                .into(),
        )),
        "reset" => Some((
            "info",
            "Your password was changed. Sign in with the new one.".into(),
        )),
        "sso_required" => Some((
            "error",
            "Your organization signs you in through its identity provider: use “Continue to single sign-on” below.".into(),
        )),
        "sso_unknown" => Some((
            "error",
            "No organization signs that address in through single sign-on. Sign in with your password.".into(),
        )),
        "sso_expired" => Some((
            "error",
            "That single sign-on was not finished in time, was used already, or was started in another browser. Start again.".into(),
        )),
        "sso_failed" => Some((
            "error",
            "Your identity provider did not sign you in, or its answer could not be checked. Try again; if it keeps failing, tell your organization's admins.".into(),
        )),
        "sso_not_invited" => Some((
            "error",
            "Your identity provider knows you, but you have no account here yet: ask an admin of your organization to invite you.".into(),
        )),
        "sso_inactive" => Some((
            "error",
            "Your account here is deactivated. Ask an admin of your organization.".into(),
        )),
        "sso_address" => Some((
            "error",
            "Your identity provider gave no verified address in your organization's domains. Sign in there with your work account.".into(),
        )),
        "forbidden" => Some((
            "error",
            "That request came from another site and was refused. Sign in here.".into(),
        )),
        _ => None,
    }
}

/// Works without JavaScript: a plain form posted to /auth/login.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let message = move || {
        let q = query.read();
        q.get("error")
            .or_else(|| q.get("notice"))
            .and_then(|c| login_message(&c, q.get("minutes")))
            .map(|(class, text)| view! { <div class=format!("alert {class}") role="alert">{text}</div> })
    };
    view! {
        <Title text="Sign in"/>
        <main class="auth-page">
            <div class="card auth-card">
                <h1 class="brand-title">"Pactline"</h1>
                <p class="muted">"IEC 62443 requirements between asset owners and their suppliers."</p>
                {message}
                <form method="post" action="/auth/login" class="stack">
                    <label for="email">"E-mail address"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required maxlength="254"/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"/>
                    <button type="submit" class="primary">"Sign in"</button>
                </form>
                <p class="small"><a href="/forgot">"Forgot your password?"</a></p>
                <div class="stack sso-form">
                    <button type="button" data-passkey="sign-in" data-status="passkey-status">"Use a passkey"</button>
                    <p id="passkey-status" class="help" role="status" aria-live="polite"></p>
                </div>
                <form method="post" action="/auth/sso" class="stack sso-form">
                    <h2 class="small-heading">"Single sign-on"</h2>
                    <label for="sso-email">"Address for single sign-on"</label>
                    <input id="sso-email" name="email" type="email" autocomplete="username" required maxlength="254"
                        aria-describedby="sso-help"/>
                    <p class="help" id="sso-help">"If your organization signs in through its own identity provider, you go there and come back signed in."</p>
                    <button type="submit">"Continue to single sign-on"</button>
                </form>
            </div>
        </main>
    }
}

/// The second step of signing in, for accounts with two-step sign-in: a
/// plain form posted to /auth/code (works without JavaScript).
#[component]
pub fn CodePage() -> impl IntoView {
    let query = use_query_map();
    let message = move || {
        let q = query.read();
        let text = match q.get("error").as_deref() {
            Some("invalid") => "That code is not right. Type the six digits your app shows now, or a recovery code.".to_string(),
            Some("reused") => "That code was used already. Wait for the next one your app shows.".to_string(),
            Some(other) => login_message(other, q.get("minutes"))?.1,
            None => return None,
        };
        Some(view! { <div class="alert error" role="alert">{text}</div> })
    };
    view! {
        <Title text="Your code"/>
        <main class="auth-page">
            <div class="card auth-card">
                <h1>"Two-step sign-in"</h1>
                <p class="muted">"Your password was right. Open your authenticator app and type the code it shows for Pactline."</p>
                {message}
                <form method="post" action="/auth/code" class="stack">
                    <label for="code">"Code"</label>
                    <input id="code" name="code" autocomplete="one-time-code" inputmode="text" required maxlength="64"
                        aria-describedby="code-help"/>
                    <p class="help" id="code-help">"Six digits from the app, or one of your recovery codes (like abcde-fghjk) if you do not have the app with you."</p>
                    <button type="submit" class="primary">"Sign in"</button>
                </form>
                <div class="stack sso-form">
                    <p class="help">"Or, if you added a passkey to your account:"</p>
                    <button type="button" data-passkey="second-step" data-status="passkey-status">"Use a passkey"</button>
                    <p id="passkey-status" class="help" role="status" aria-live="polite"></p>
                </div>
                <p class="small"><a href="/login">"Start again"</a></p>
            </div>
        </main>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let value = action.value();
    view! {
        <Title text="Forgot password"/>
        <main class="auth-page">
            <div class="card auth-card">
                <h1>"Reset your password"</h1>
                {move || if matches!(value.get(), Some(Ok(()))) {
                    Either::Left(view! {
                        <div class="alert info" role="status">
                            "If that address belongs to an account, we have sent it a link to choose a new password. The link works once, for one hour."
                        </div>
                        <p><a href="/login">"Back to sign in"</a></p>
                    })
                } else {
                    Either::Right(view! {
                        <p class="muted">"Enter the e-mail address of your account. We will send you a link."</p>
                        <ActionForm action=action attr:class="stack">
                            <label for="email">"E-mail address"</label>
                            <input id="email" name="email" type="email" required maxlength="254" autocomplete="username"/>
                            {field_error(value, "email")}
                            {action_error(value)}
                            <button type="submit" class="primary">"Send reset link"</button>
                        </ActionForm>
                        <p class="small"><a href="/login">"Back to sign in"</a></p>
                    })
                }}
            </div>
        </main>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    let value = action.value();
    view! {
        <Title text="Choose a new password"/>
        <main class="auth-page">
            <div class="card auth-card">
                <h1>"Choose a new password"</h1>
                {move || if matches!(value.get(), Some(Ok(()))) {
                    Either::Left(view! {
                        <div class="alert info" role="status">"Your password was changed and every session of yours was signed out."</div>
                        <p><a href="/login?notice=reset">"Sign in"</a></p>
                    })
                } else {
                    Either::Right(view! {
                        <ActionForm action=action attr:class="stack">
                            <input type="hidden" name="token" value=token/>
                            {field_error(value, "token")}
                            <label for="password">"New password"</label>
                            <input id="password" name="password" type="password" required
                                minlength=PASSWORD_MIN.to_string() maxlength=PASSWORD_MAX.to_string()
                                autocomplete="new-password" aria-describedby="password-help"/>
                            <p class="help" id="password-help">"At least 12 characters. A few unrelated words work well."</p>
                            {field_error(value, "password")}
                            {action_error(value)}
                            <button type="submit" class="primary">"Set password"</button>
                        </ActionForm>
                    })
                }}
            </div>
        </main>
    }
}

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = Resource::new(token, get_invitation);
    let action = ServerAction::<AcceptInvitation>::new();
    let value = action.value();
    view! {
        <Title text="Accept invitation"/>
        <main class="auth-page">
            <div class="card auth-card">
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Err(e) => Either::Left(view! {
                                <h1>"Invitation"</h1>
                                <ErrorBox error=e/>
                                <p><a href="/login">"Go to sign in"</a></p>
                            }),
                            Ok(p) => {
                                let signed_in = p.signed_in_as_invitee;
                                Either::Right(view! {
                                    <h1>"Join " {p.org_name.clone()}</h1>
                                    <p>"You are invited as " <strong>{p.role.label()}</strong> " with the address " <strong data-testid="invite-email">{p.email.clone()}</strong> "."</p>
                                    <ActionForm action=action attr:class="stack">
                                        <input type="hidden" name="token" value=token/>
                                        {field_error(value, "token")}
                                        {if signed_in {
                                            Either::Left(view! {
                                                <p class="muted">"You are signed in with this address. Enter your password to add the membership."</p>
                                                <input type="hidden" name="display_name" value=""/>
                                                <label for="password">"Password of your account"</label>
                                                <input id="password" name="password" type="password" required autocomplete="current-password"/>
                                            })
                                        } else {
                                            Either::Right(view! {
                                                <label for="display_name">"Your name"</label>
                                                <input id="display_name" name="display_name" required maxlength="200" autocomplete="name"/>
                                                {field_error(value, "display_name")}
                                                <label for="password">"Password"</label>
                                                <input id="password" name="password" type="password" required
                                                    maxlength=PASSWORD_MAX.to_string()
                                                    autocomplete="new-password" aria-describedby="password-help"/>
                                                <p class="help" id="password-help">"New to Pactline? Choose a password of at least 12 characters; a few unrelated words work well. Already using Pactline with this address? Enter that account's password."</p>
                                            })
                                        }}
                                        {field_error(value, "password")}
                                        {action_error(value)}
                                        <button type="submit" class="primary">"Accept and continue"</button>
                                    </ActionForm>
                                })
                            }
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

/// An invitation from another organization: to answer its questionnaires
/// as a supplier, or to assess one of its engagements. The recipient accepts
/// for a new organization, or (signed in) for one they administer.
#[component]
pub fn AcceptPartnerPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = Resource::new(token, get_partner_invitation);
    let action = ServerAction::<AcceptPartnerInvitation>::new();
    let value = action.value();
    view! {
        <Title text="Invitation to Pactline"/>
        <main class="auth-page">
            <div class="card auth-card">
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Err(e) => Either::Left(view! {
                                <h1>"Invitation"</h1>
                                <ErrorBox error=e/>
                                <p><a href="/login">"Go to sign in"</a></p>
                            }),
                            Ok(p) => {
                                let what = match &p.engagement {
                                    Some(e) => format!("to assess its engagement “{e}”: you will read its assessments and write internal comments"),
                                    None => format!("to answer its security questionnaires as a {}", p.kind.label().to_lowercase()),
                                };
                                let signed_in = p.signed_in_as_invitee;
                                let choices = p.own_orgs.clone();
                                let has_choices = !choices.is_empty();
                                let choice = RwSignal::new(if has_choices { choices[0].id.0.to_string() } else { "new".to_string() });
                                Either::Right(view! {
                                    <h1>{p.inviter.clone()} " invites you"</h1>
                                    <p>{p.inviter.clone()} " invites " <strong>{p.proposed_name.clone()}</strong> " " {what} ". The invitation was sent to " <strong data-testid="partner-email">{p.email.clone()}</strong> "."</p>
                                    <p class="muted">"Nothing of yours is shared until you accept."</p>
                                    <ActionForm action=action attr:class="stack">
                                        <input type="hidden" name="token" value=token/>
                                        {field_error(value, "token")}
                                        <fieldset>
                                            <legend>"Accept for"</legend>
                                            {choices.into_iter().map(|o| {
                                                let id = o.id.0.to_string();
                                                let v = id.clone();
                                                view! {
                                                    <label class="choice">
                                                        <input type="radio" name="org" value=id.clone()
                                                            prop:checked=move || choice.get() == v
                                                            on:change=move |_| choice.set(id.clone())/>
                                                        " " {o.name.clone()} " (you are its admin)"
                                                    </label>
                                                }
                                            }).collect_view()}
                                            <label class="choice">
                                                <input type="radio" name="org" value="new" data-testid="partner-new"
                                                    prop:checked=move || choice.get() == "new"
                                                    on:change=move |_| choice.set("new".into())/>
                                                " a new organization on Pactline"
                                            </label>
                                            {field_error(value, "org")}
                                        </fieldset>
                                        <div class:hidden=move || choice.get() != "new">
                                            <label for="org_name">"Organization name"</label>
                                            <input id="org_name" name="org_name" maxlength="200" value=p.proposed_name.clone()/>
                                            {field_error(value, "org_name")}
                                            {if signed_in {
                                                Either::Left(view! {
                                                    <p class="muted">"You are signed in with this address and become the new organization's admin."</p>
                                                    <input type="hidden" name="display_name" value=""/>
                                                    <input type="hidden" name="password" value=""/>
                                                })
                                            } else {
                                                Either::Right(view! {
                                                    <label for="display_name">"Your name"</label>
                                                    <input id="display_name" name="display_name" maxlength="200" autocomplete="name"/>
                                                    {field_error(value, "display_name")}
                                                    <label for="password">"Password"</label>
                                                    <input id="password" name="password" type="password"
                                                        maxlength=PASSWORD_MAX.to_string()
                                                        autocomplete="new-password" aria-describedby="partner-password-help"/>
                                                    <p class="help" id="partner-password-help">"New to Pactline? Choose a password of at least 12 characters. Already using Pactline with this address? Enter that account's password, or sign in first to accept for an organization you administer."</p>
                                                    {field_error(value, "password")}
                                                })
                                            }}
                                        </div>
                                        {action_error(value)}
                                        <button type="submit" class="primary">"Accept"</button>
                                    </ActionForm>
                                    {(!signed_in).then(|| view! {
                                        <p class="muted">"Already administer an organization on Pactline? " <a href="/login">"Sign in"</a> " with this address, then open the link again."</p>
                                    })}
                                })
                            }
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::login_message;

    #[test]
    fn the_throttle_message_shows_only_a_number_from_the_address() {
        let m = |v: &str| login_message("throttled", Some(v.into())).unwrap().1;
        assert!(m("7").contains("in 7 minute"));
        for forged in [
            "5. Call +1 555 0100 to unlock",
            "<b>x</b>",
            "-1",
            "99999999",
        ] {
            let text = m(forged);
            assert!(text.contains("in a few minute"), "{forged}: {text}");
        }
    }
}
