//! The signed-in user's own account.

use crate::api::account::{
    get_second_factor, list_sessions, BeginSecondFactor, ChangePassword, ConfirmSecondFactor,
    DisableSecondFactor, EndOtherSessions, EndSession, RemovePasskey, RenamePasskey,
};
use crate::components::{action_error, field_error, use_me, ErrorBox};
use crate::model::{PASSWORD_MAX, PASSWORD_MIN};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = use_me();
    let change = ServerAction::<ChangePassword>::new();
    let value = change.value();
    view! {
        <Title text="Your account"/>
        <h1>"Your account"</h1>
        <section class="card">
            <dl class="facts">
                <div><dt>"Name"</dt><dd>{me.display_name.clone()}</dd></div>
                <div><dt>"E-mail"</dt><dd>{me.email.clone()}</dd></div>
                <div><dt>"Organization"</dt><dd>{me.org_name.clone()}</dd></div>
                <div><dt>"Role"</dt><dd>{me.role.label()}</dd></div>
            </dl>
        </section>
        <section class="card">
            <h2>"Change password"</h2>
            <ActionForm action=change attr:class="stack narrow">
                <label for="current_password">"Current password"</label>
                <input id="current_password" name="current_password" type="password" required autocomplete="current-password"/>
                {field_error(value, "current_password")}
                <label for="new_password">"New password"</label>
                <input id="new_password" name="new_password" type="password" required
                    minlength=PASSWORD_MIN.to_string() maxlength=PASSWORD_MAX.to_string()
                    autocomplete="new-password" aria-describedby="new-password-help"/>
                <p class="help" id="new-password-help">"At least 12 characters. A few unrelated words work well. Your other sessions will be signed out."</p>
                {field_error(value, "new_password")}
                {action_error(value)}
                {move || matches!(value.get(), Some(Ok(()))).then(|| view! {
                    <div class="alert info" role="status">"Password changed. Your other sessions were signed out."</div>
                })}
                <button type="submit" class="primary">"Change password"</button>
            </ActionForm>
        </section>
        <SecondFactor/>
        <Passkeys/>
        <Sessions/>
    }
}

/// Two-step sign-in with an authenticator app: set up (scan or type the
/// secret, keep the recovery codes, confirm with a first code), or turn
/// off (password and a current code). Plain forms: works without script.
#[component]
fn SecondFactor() -> impl IntoView {
    let begin = ServerAction::<BeginSecondFactor>::new();
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let disable = ServerAction::<DisableSecondFactor>::new();
    let state = Resource::new(
        move || {
            (
                begin.version().get(),
                confirm.version().get(),
                disable.version().get(),
            )
        },
        |_| get_second_factor(),
    );
    view! {
        <section class="card" data-testid="second-factor">
            <h2>"Two-step sign-in"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(f) if f.enabled => view! {
                            <p data-testid="second-factor-on">{format!("On since {}: every sign-in asks for a code from your authenticator app. {} recovery code{} left.", f.since.clone().unwrap_or_default(), f.recovery_codes_left, if f.recovery_codes_left == 1 { "" } else { "s" })}</p>
                            <ActionForm action=disable attr:class="grid-form">
                                <div>
                                    <label for="off-password">"Password"</label>
                                    <input id="off-password" name="password" type="password" required autocomplete="current-password" maxlength="1024"/>
                                    {field_error(disable.value(), "password")}
                                </div>
                                <div>
                                    <label for="off-code">"Current code"</label>
                                    <input id="off-code" name="code" required autocomplete="one-time-code" maxlength="64"/>
                                    {field_error(disable.value(), "code")}
                                </div>
                                <div class="form-end"><button type="submit" class="danger">"Turn two-step sign-in off"</button></div>
                            </ActionForm>
                            {action_error(disable.value())}
                        }.into_any(),
                        Ok(f) => match f.setup {
                            Some(setup) => view! {
                                <ol class="setup-steps">
                                    <li>
                                        <p>"Scan this code with your authenticator app (or type the key below):"</p>
                                        <div class="qr" data-testid="totp-qr" inner_html=setup.qr_svg.clone() role="img" aria-label="QR code of your two-step sign-in key"></div>
                                        <p>"Key: " <code data-testid="totp-key">{setup.key.clone()}</code></p>
                                    </li>
                                    <li>
                                        <p>"Keep these recovery codes somewhere safe. Each signs you in once if you lose the app; they are not shown again once you confirm."</p>
                                        <ul class="recovery-codes" data-testid="recovery-codes">
                                            {setup.recovery_codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                                        </ul>
                                    </li>
                                    <li>
                                        <ActionForm action=confirm attr:class="inline">
                                            <label for="totp-confirm">"Code the app shows now"</label>
                                            " "<input id="totp-confirm" name="code" required autocomplete="one-time-code" inputmode="numeric" maxlength="16"/>
                                            " "<button type="submit" class="primary">"Confirm and turn on"</button>
                                            {field_error(confirm.value(), "code")}
                                        </ActionForm>
                                        {action_error(confirm.value())}
                                    </li>
                                </ol>
                            }.into_any(),
                            None => view! {
                                <p class="muted">"Off. With two-step sign-in, your password alone no longer opens your account: each sign-in also asks for a code from an authenticator app on your phone."</p>
                                <ActionForm action=begin attr:class="inline">
                                    <button type="submit" class="primary">"Set up two-step sign-in"</button>
                                </ActionForm>
                                {action_error(begin.value())}
                            }.into_any(),
                        },
                    }
                })}
            </Transition>
            {move || confirm.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="alert info" role="status" data-testid="second-factor-saved">"Two-step sign-in is on."</p> })}
            {move || disable.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="alert info" role="status" data-testid="second-factor-saved">"Two-step sign-in is off."</p> })}
        </section>
    }
}

/// Where the user is signed in, and ending the sessions they do not
/// recognize. Plain forms: works without script.
/// The user's passkeys: listed, renamed and removed with plain forms; added
/// with the browser's WebAuthn (public/passkeys.js: passkeys need script).
#[component]
fn Passkeys() -> impl IntoView {
    let rename = ServerAction::<RenamePasskey>::new();
    let remove = ServerAction::<RemovePasskey>::new();
    let list = Resource::new(
        move || (rename.version().get(), remove.version().get()),
        |_| crate::api::account::list_passkeys(),
    );
    view! {
        <section class="card" data-testid="passkeys">
            <h2>"Passkeys"</h2>
            <p class="muted">"A passkey (on this device, your phone or a security key) signs you in without a password, with your fingerprint, face or PIN; after a password it can also be your second step."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                        Ok(rows) if rows.is_empty() => Either::Right(Either::Left(view! { <p data-testid="no-passkeys">"No passkeys yet."</p> })),
                        Ok(rows) => Either::Right(Either::Right(view! {
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"Added"</th><th scope="col">"Last used"</th>
                                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|p| {
                                        let id = p.id.to_string();
                                        let id2 = id.clone();
                                        let label = format!("New name for {}", p.name);
                                        let name = p.name.clone();
                                        let row = p.name.clone();
                                        let used = p.last_used.clone().unwrap_or_else(|| "never".into());
                                        view! {
                                            <tr data-passkey-row=row>
                                                <td>{p.name}</td>
                                                <td>{p.created}</td>
                                                <td>{used}</td>
                                                <td>
                                                    <ActionForm action=rename attr:class="inline">
                                                        <input type="hidden" name="passkey_id" value=id/>
                                                        <input name="name" required maxlength="60" aria-label=label value=name/>
                                                        " "<button type="submit" class="small">"Rename"</button>
                                                    </ActionForm>
                                                    " "
                                                    <ActionForm action=remove attr:class="inline">
                                                        <input type="hidden" name="passkey_id" value=id2/>
                                                        <button type="submit" class="small danger">"Remove"</button>
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
            {action_error(rename.value())}
            {action_error(remove.value())}
            <div class="grid-form">
                <label for="passkey-name">"Name of the new passkey"</label>
                <input id="passkey-name" maxlength="60" placeholder="Work laptop"/>
                <button type="button" class="primary" data-passkey="register" data-name="passkey-name" data-status="passkey-status">"Add a passkey"</button>
                <p id="passkey-status" class="help" role="status" aria-live="polite"></p>
                <noscript><p class="help">"Adding a passkey needs JavaScript in this browser."</p></noscript>
            </div>
        </section>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let list = Resource::new(
        move || (end.version().get(), end_others.version().get()),
        |_| list_sessions(),
    );
    view! {
        <section class="card" data-testid="sessions">
            <h2>"Where you are signed in"</h2>
            <p class="muted">"Each browser you signed in with, as long as its session lasts. End any you do not recognize, then change your password."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                        Ok(rows) => {
                            let others = rows.iter().filter(|r| !r.current).count();
                            Either::Right(view! {
                                <table class="table">
                                    <thead><tr>
                                        <th scope="col">"Browser"</th><th scope="col">"Address"</th><th scope="col">"Organization"</th>
                                        <th scope="col">"Signed in"</th><th scope="col">"Last active"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr data-session=r.id.clone() class:current=r.current>
                                                <td>{r.browser.clone()}</td>
                                                <td>{r.client_addr.clone()}</td>
                                                <td>{r.organization.clone()}</td>
                                                <td>{r.started.clone()}</td>
                                                <td>{r.last_seen.clone()}</td>
                                                <td>{if r.current {
                                                    Either::Left(view! { <strong data-testid="this-session">"This session"</strong> })
                                                } else {
                                                    let label = format!("End the session of {} from {}", r.browser, r.client_addr);
                                                    let reference = r.id.clone();
                                                    Either::Right(view! {
                                                        <ActionForm action=end attr:class="inline">
                                                            <input type="hidden" name="session" value=reference/>
                                                            <button type="submit" class="small danger" aria-label=label>"End"</button>
                                                        </ActionForm>
                                                    })
                                                }}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {(others > 0).then(|| view! {
                                    <ActionForm action=end_others attr:class="inline">
                                        <button type="submit" class="danger" data-testid="end-others">{format!("End the {} other session{}", others, if others == 1 { "" } else { "s" })}</button>
                                    </ActionForm>
                                })}
                            })
                        }
                    }
                })}
            </Transition>
            {action_error(end.value())}
            {action_error(end_others.value())}
            {move || end.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="alert info" role="status" data-testid="session-ended">"Session ended: that browser is signed out."</p> })}
            {move || end_others.value().get().and_then(|r| r.ok()).map(|n| view! { <p class="alert info" role="status" data-testid="sessions-ended">{format!("{n} other session{} ended.", if n == 1 { "" } else { "s" })}</p> })}
        </section>
    }
}
