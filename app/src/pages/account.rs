//! The signed-in user's own account.

use crate::api::account::ChangePassword;
use crate::components::{action_error, field_error, use_me};
use crate::model::{PASSWORD_MAX, PASSWORD_MIN};
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
    }
}
