//! Pieces every page uses: the signed-in layout, error and field messages.

use crate::api::account::{current_user, SwitchOrganization};
use crate::model::{AppError, Me, Permission};
use leptos::{either::Either, prelude::*};
use leptos_router::components::{Outlet, Redirect, A};

/// The frame of every signed-in page: loads who is signed in, then shows the
/// navigation for their role and the page. Anonymous visitors go to /login.
#[component]
pub fn AppLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    // A bare Suspend, deliberately not inside a <Suspense>: a Suspense walks
    // its children once more after its reads resolve, and on that walk the
    // <Outlet/> builds the page again, with fresh resources fetching all its
    // data a second time (every page was loaded twice per request). Outside
    // a Suspense the server awaits this once; in the browser `me` arrives
    // with the page and never changes.
    Suspend::new(async move {
        match me.await {
            Ok(me) => {
                provide_context(me.clone());
                provide_context(Unread(RwSignal::new(me.unread)));
                let hold = me.second_factor_missing;
                let org = me.org_name.clone();
                Either::Left(view! {
                    <TopBar me=me/>
                    <main class="page" id="main">
                        {if hold {
                            // The organization requires a second factor: the
                            // account page until it is set up (the server holds
                            // every other request there too).
                            Either::Left(view! {
                                <div class="alert error" role="alert" data-testid="second-factor-required">
                                    {format!("{org} requires two-step sign-in for its members. Set it up below to continue.")}
                                </div>
                                <crate::pages::account::AccountPage/>
                            })
                        } else {
                            Either::Right(view! { <Outlet/> })
                        }}
                    </main>
                })
            }
            Err(e) => Either::Right(match e {
                AppError::Unauthenticated => {
                    #[cfg(feature = "ssr")]
                    leptos_axum::redirect("/login");
                    Either::Left(view! { <Redirect path="/login"/> })
                }
                other => Either::Right(view! {
                    <main class="page"><ErrorBox error=other/></main>
                }),
            }),
        }
    })
}

#[component]
fn TopBar(me: Me) -> impl IntoView {
    // Looked up now, while the layout's context is at hand; the closure
    // below runs later, when the page is rendered.
    let unread = use_unread();
    let switch = ServerAction::<SwitchOrganization>::new();
    let is_owner = me.org_kinds.contains(&crate::model::OrgKind::AssetOwner);
    let is_assessor = me.org_kinds.contains(&crate::model::OrgKind::Assessor);
    let supplier = me.may(Permission::ViewProducts);
    let admin = me.may(Permission::ManageMembers);
    let kinds = me
        .org_kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" · ");
    let others: Vec<_> = me
        .memberships
        .iter()
        .filter(|m| m.id != me.org_id)
        .cloned()
        .collect();
    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="topbar">
            <div class="topbar-inner">
                <A href="/" attr:class="brand">"Pactline"</A>
                <nav aria-label="Main">
                    <A href="/" exact=true>"Home"</A>
                    <A href="/catalogs">"Catalogs"</A>
                    {is_owner.then(|| view! { <A href="/profiles">"Profiles"</A> })}
                    <A href="/members">"Members"</A>
                    {is_owner.then(|| view! { <A href="/suppliers">"Suppliers"</A> })}
                    {(is_owner || is_assessor).then(|| view! { <A href="/engagements">"Engagements"</A> })}
                    <A href="/assessments">"Assessments"</A>
                    <A href="/commitments">"Commitments"</A>
                    {is_owner.then(|| view! { <A href="/program">"Program"</A> <A href="/zones">"Zones"</A> <A href="/shared">"Shared with us"</A> })}
                    {supplier.then(|| view! { <A href="/products">"Products"</A> })}
                    {admin.then(|| view! {
                        <A href="/activity">"Activity"</A>
                        <A href="/outbox">"Outbox"</A>
                    })}
                </nav>
                <div class="who">
                    <span class="org" title=kinds.clone()>
                        <strong data-testid="org-name">{me.org_name.clone()}</strong>
                        <span class="role-badge" data-testid="my-role">{me.role.label()}</span>
                    </span>
                    {(!others.is_empty()).then(|| view! {
                        <ActionForm action=switch attr:class="switch">
                            <label class="sr-only" for="switch-org">"Switch organization"</label>
                            <select id="switch-org" name="org_id">
                                {others.iter().map(|o| view! {
                                    <option value=o.id.0.to_string()>{o.name.clone()}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="link">"Switch"</button>
                        </ActionForm>
                    })}
                    <A href="/notifications" attr:class="bell" attr:data-testid="notifications-link">
                        "Notifications"
                        {move || {
                            let n = unread.get();
                            (n > 0).then(|| view! { <span class="count" data-testid="unread-count">{n}</span> })
                        }}
                    </A>
                    <A href="/account">{me.display_name.clone()}</A>
                    <form method="post" action="/auth/logout" class="inline">
                        <button type="submit" class="link">"Sign out"</button>
                    </form>
                </div>
            </div>
        </header>
    }
}

/// A whole-form error, e.g. a conflict or a validation summary.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    view! { <div class="alert error" role="alert">{error.to_string()}</div> }
}

/// A form that empties itself once its action succeeded, so the next entry
/// starts clean (and the same one is not sent twice by accident).
pub fn clears_on_success<T, S>(value: S) -> NodeRef<leptos::html::Form>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = value.get() {
            if let Some(f) = form.get_untracked() {
                f.reset();
            }
        }
    });
    form
}

/// What an inline save says once it succeeded (a live region, so it is
/// heard as well as seen), until the next try.
pub fn saved_note<T, S>(value: S, text: &'static str) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    view! {
        <span class="saved small" role="status" data-testid="saved">
            {move || matches!(value.get(), Some(Ok(_))).then_some(text)}
        </span>
    }
}

/// The outcome of a server action as a message under its form.
pub fn action_error<T, S>(value: S) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || match value.get() {
        // Field errors are shown next to their fields.
        Some(Err(AppError::Validation { fields, .. })) if !fields.is_empty() => None,
        Some(Err(e)) => Some(view! { <div class="alert error" role="alert">{e.to_string()}</div> }),
        _ => None,
    }
}

/// The message for one field of the last failed submission, if any.
pub fn field_error<T, S>(value: S, field: &'static str) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let message = Memo::new(move |_| {
        value
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.field(field))
    });
    let node = NodeRef::<leptos::html::P>::new();
    // In the browser: tie the message to its field, so a screen reader reads
    // it with the field and the field is marked invalid.
    Effect::new(move |_| {
        let invalid = message.with(Option::is_some);
        if let Some(p) = node.get() {
            link_to_field(&p, field, invalid);
        }
    });
    // Always in the page, so that the message is announced when it appears
    // (a live region must exist before its content changes).
    view! {
        <p class:field-error=move || message.with(Option::is_some) aria-live="polite" node_ref=node>
            {move || message.get()}
        </p>
    }
}

/// Marks the form control a field message follows (the nearest one before
/// it, or inside the element before it) as described by the message and, while
/// there is one, invalid.
fn link_to_field(message: &web_sys::Element, field: &str, invalid: bool) {
    const CONTROLS: &str = "input:not([type=hidden]), select, textarea";
    let mut at = message.previous_element_sibling();
    let control = loop {
        let Some(el) = at else { return };
        if el.matches(CONTROLS).unwrap_or(false) {
            break el;
        }
        if let Ok(Some(inner)) = el.query_selector(CONTROLS) {
            break inner;
        }
        at = el.previous_element_sibling();
    };
    let id = match control.id() {
        id if id.is_empty() => format!("{field}-error"),
        id => format!("{id}-error"),
    };
    message.set_id(&id);
    let described = control
        .get_attribute("aria-describedby")
        .unwrap_or_default();
    if !described.split_whitespace().any(|d| d == id) {
        let joined = if described.is_empty() {
            id.clone()
        } else {
            format!("{described} {id}")
        };
        let _ = control.set_attribute("aria-describedby", &joined);
    }
    if invalid {
        let _ = control.set_attribute("aria-invalid", "true");
    } else {
        let _ = control.remove_attribute("aria-invalid");
    }
}

/// The number of unread notifications, shown in the top bar; pages that
/// read notifications update it.
#[derive(Clone, Copy)]
pub struct Unread(pub RwSignal<u64>);

pub fn use_unread() -> RwSignal<u64> {
    expect_context::<Unread>().0
}

/// The signed-in user, inside `AppLayout`.
pub fn use_me() -> Me {
    expect_context::<Me>()
}

/// The submit handler of a file-upload form: sends the form's fields as
/// multipart data through a local action (files need the browser).
pub fn submit_upload<T: 'static>(
    action: Action<web_sys::FormData, T>,
) -> impl Fn(web_sys::SubmitEvent) + 'static {
    move |ev: web_sys::SubmitEvent| {
        use wasm_bindgen::JsCast;
        ev.prevent_default();
        if let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        {
            if let Ok(data) = web_sys::FormData::new_with_form(&form) {
                action.dispatch_local(data);
            }
        }
    }
}

/// Every problem of a refused import, row by row.
#[component]
pub fn ImportErrors(error: AppError) -> impl IntoView {
    match error {
        AppError::Validation { message, fields } => view! {
            <div class="alert error" role="alert" data-testid="import-errors">
                <p>{message}</p>
                <ul>
                    {fields.into_iter().map(|f| view! { <li><strong>{f.field}</strong>": "{f.message}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any(),
        e => view! { <ErrorBox error=e/> }.into_any(),
    }
}
