//! Pactline's isomorphic crate: the UI, the server functions and the types
//! they share. Server-only code lives in `server`, gated once here.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

/// The script nonce of one page response: made by the server's header
/// middleware, which also sends the Content-Security-Policy naming it, and
/// read here from the request, so the policy and the page's scripts always
/// agree.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

/// The page's Content-Security-Policy for a script nonce.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
}

/// The HTML document around every page. On the server it uses the
/// request's nonce for Leptos' inline scripts (see [`PageNonce`]).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let given = use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<PageNonce>().cloned());
        match given {
            Some(n) => provide_context(leptos::nonce::Nonce::from_value(n.0)),
            None => {
                // Without the middleware (tests of the app alone): a nonce
                // of its own, and the policy through the response options.
                leptos::nonce::provide_nonce();
                if let (Some(nonce), Some(resp)) = (
                    leptos::nonce::use_nonce(),
                    use_context::<leptos_axum::ResponseOptions>(),
                ) {
                    if let Ok(v) = http::HeaderValue::from_str(&page_csp(&nonce)) {
                        resp.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
                    }
                }
            }
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet id="leptos" options=options.clone()/>
                <HydrationScripts options/>
                <script src="/passkeys.js" defer></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Pages render in `SsrMode::Async`: the server waits for their data, so the
/// status code (404 for what is not yours, a redirect to sign in) is right,
/// and every page works before (or without) JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the page as interactive once hydrated (effects run only in the
    // browser); end-to-end tests wait for it before using forms.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|t: String| if t.is_empty() { "Pactline".to_string() } else { format!("{t} · Pactline") }/>
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/login") view=pages::auth::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/login/code") view=pages::auth::CodePage ssr=SsrMode::Async/>
                <Route path=path!("/forgot") view=pages::auth::ForgotPage ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view=pages::auth::ResetPage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=pages::auth::AcceptInvitePage ssr=SsrMode::Async/>
                <Route path=path!("/partner/:token") view=pages::auth::AcceptPartnerPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=components::AppLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("members") view=pages::members::MembersPage ssr=SsrMode::Async/>
                    <Route path=path!("catalogs") view=pages::catalogs::CatalogsPage ssr=SsrMode::Async/>
                    <Route path=path!("catalogs/shipped") view=pages::catalogs::ShippedRequirementsPage ssr=SsrMode::Async/>
                    <Route path=path!("catalogs/:id") view=pages::catalogs::CatalogPage ssr=SsrMode::Async/>
                    <Route path=path!("profiles") view=pages::profiles::ProfilesPage ssr=SsrMode::Async/>
                    <Route path=path!("profiles/:id") view=pages::profiles::ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("profiles/:id/compare/:other") view=pages::profiles::ProfileComparePage ssr=SsrMode::Async/>
                    <Route path=path!("suppliers") view=pages::suppliers::SuppliersPage ssr=SsrMode::Async/>
                    <Route path=path!("engagements") view=pages::engagements::EngagementsPage ssr=SsrMode::Async/>
                    <Route path=path!("engagements/:id") view=pages::engagements::EngagementPage ssr=SsrMode::Async/>
                    <Route path=path!("engagements/:id/compare") view=pages::engagements::ComparisonPage ssr=SsrMode::Async/>
                    <Route path=path!("engagements/:id/matrix") view=pages::matrix::MatrixPage ssr=SsrMode::Async/>
                    <Route path=path!("commitments") view=pages::commitments::CommitmentsPage ssr=SsrMode::Async/>
                    <Route path=path!("program") view=pages::program::ProgramPage ssr=SsrMode::Async/>
                    <Route path=path!("program/:ref") view=pages::program::ProgramRequirementPage ssr=SsrMode::Async/>
                    <Route path=path!("zones") view=pages::zones::ZonesPage ssr=SsrMode::Async/>
                    <Route path=path!("products") view=pages::products::ProductsPage ssr=SsrMode::Async/>
                    <Route path=path!("products/:id") view=pages::products::ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("products/:id/versions/:vid") view=pages::products::ProductAnswersPage ssr=SsrMode::Async/>
                    <Route path=path!("shared") view=pages::shared::SharedSetsPage ssr=SsrMode::Async/>
                    <Route path=path!("shared/:id") view=pages::shared::SharedSetPage ssr=SsrMode::Async/>
                    <Route path=path!("zones/:id") view=pages::zones::ZonePage ssr=SsrMode::Async/>
                    <Route path=path!("notifications") view=pages::notifications::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("assessments") view=pages::assessments::AssessmentsPage ssr=SsrMode::Async/>
                    <Route path=path!("assessments/:id") view=pages::assessments::AssessmentPage ssr=SsrMode::Async/>
                    <Route path=path!("account") view=pages::account::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("outbox") view=pages::admin::OutboxPage ssr=SsrMode::Async/>
                    <Route path=path!("activity") view=pages::admin::ActivityPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
