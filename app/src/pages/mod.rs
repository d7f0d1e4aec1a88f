//! One module per area of the UI.

pub mod account;
pub mod admin;
pub mod answering;
pub mod assessments;
pub mod auth;
pub mod catalogs;
pub mod commitments;
pub mod dashboards;
pub mod engagements;
pub mod home;
pub mod matrix;
pub mod members;
pub mod notifications;
pub mod products;
pub mod profiles;
pub mod program;
pub mod reviewing;
pub mod shared;
pub mod suppliers;
pub mod zones;

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <main class="page narrow">
            <h1>"Page not found"</h1>
            <p>"This page does not exist, or you do not have access to it."</p>
            <p><a href="/">"Go to your home page"</a></p>
        </main>
    }
}
