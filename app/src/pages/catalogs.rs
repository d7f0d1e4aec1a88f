//! Browsing requirement catalogs: the list, and one catalog with filters that
//! run in the browser (no server round trip per keystroke).

use crate::api::catalogs::{
    get_catalog, import_catalog, list_catalogs, AddCatalogRequirement, CreateCatalog,
};
use crate::components::{action_error, field_error, use_me, ErrorBox};
use crate::model::{
    AppError, CatalogId, CatalogSummary, ComponentType, Permission, RequirementDto,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

#[component]
pub fn CatalogsPage() -> impl IntoView {
    let can_edit = use_me().may(Permission::EditProfiles);
    let create = ServerAction::<CreateCatalog>::new();
    let import = Action::new_local(|data: &web_sys::FormData| import_catalog(data.clone().into()));
    let catalogs = Resource::new(
        move || (import.version().get(), create.version().get()),
        |_| list_catalogs(),
    );
    view! {
        <Title text="Catalogs"/>
        <h1>"Requirement catalogs"</h1>
        <p class="muted">
            "The IEC 62443 catalogs ship with identifiers, short titles and structure, and Pactline's own one-line descriptions. "
            "The normative text is in your copy of the standard."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match catalogs.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) => Either::Right(view! {
                        <table class="table" data-testid="catalogs">
                            <thead><tr><th scope="col">"Catalog"</th><th scope="col">"Version"</th><th scope="col">"Requirements"</th><th scope="col">"Source"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr>
                                        <td><a href=format!("/catalogs/{}", c.id.0)>{c.name.clone()}</a></td>
                                        <td>{c.version}</td>
                                        <td>{c.requirements}</td>
                                        <td>{if c.shipped { "Shipped with Pactline" } else { "Your organization" }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }),
                }
            })}
        </Suspense>
        {can_edit.then(|| view! {
            <section class="card">
                <h2>"Import your own catalog"</h2>
                <p class="muted">"An OSCAL catalog (.json), or a .csv or .xlsx file (first worksheet) with a header row. Columns: "
                    <code>"ref_id"</code>", "<code>"title"</code>" (required), "<code>"description"</code>", "<code>"group"</code>", "
                    <code>"group_title"</code>", "<code>"parent"</code>", "<code>"levels"</code>" (e.g. 2,3,4), "<code>"component_types"</code>" (SAR, EDR, HDR, NDR). "
                    "Up to 2 MiB and 5,000 rows. The whole file is checked first: if any row has a problem, nothing is imported."</p>
                <form class="grid-form" data-testid="import-form" on:submit=move |ev: web_sys::SubmitEvent| {
                    use wasm_bindgen::JsCast;
                    ev.prevent_default();
                    if let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) {
                        if let Ok(data) = web_sys::FormData::new_with_form(&form) {
                            import.dispatch_local(data);
                        }
                    }
                }>
                    <div>
                        <label for="import-name">"Catalog name"</label>
                        <input id="import-name" name="name" required maxlength="300" placeholder="Northwind OT security standard"/>
                    </div>
                    <div>
                        <label for="import-file">"File"</label>
                        <input id="import-file" name="file" type="file" accept=".csv,.xlsx,.json" required/>
                    </div>
                    <div class="form-end"><button type="submit" class="primary">"Import"</button></div>
                </form>
                <ImportResult value=Signal::derive(move || import.value().get())/>
            </section>
            <section class="card">
                <h2>"Start an empty catalog"</h2>
                <ActionForm action=create attr:class="grid-form">
                    <div>
                        <label for="catalog-name">"Catalog name"</label>
                        <input id="catalog-name" name="name" required maxlength="300"/>
                        {field_error(create.value(), "name")}
                    </div>
                    <div class="form-end"><button type="submit">"Create catalog"</button></div>
                </ActionForm>
                {action_error(create.value())}
            </section>
        })}
    }
}

#[component]
fn ImportResult(
    #[prop(into)] value: Signal<Option<Result<CatalogSummary, AppError>>>,
) -> impl IntoView {
    move || {
        value.get().map(|r| match r {
            Ok(c) => view! {
                <div class="alert info" role="status" data-testid="import-ok">
                    "Imported " {c.requirements} " requirements into "
                    <a href=format!("/catalogs/{}", c.id.0)>{c.name.clone()}</a> "."
                </div>
            }
            .into_any(),
            Err(AppError::Validation { message, fields }) => view! {
                <div class="alert error" role="alert" data-testid="import-errors">
                    <p>{message}</p>
                    <ul>
                        {fields.into_iter().map(|f| view! { <li><strong>{f.field}</strong>": "{f.message}</li> }).collect_view()}
                    </ul>
                </div>
            }
            .into_any(),
            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
        })
    }
}

/// Filter state, all in the browser.
#[derive(Clone, Default)]
struct Filters {
    text: RwSignal<String>,
    group: RwSignal<String>,
    component: RwSignal<String>,
    level: RwSignal<String>,
    kind: RwSignal<String>,
}

fn matches(r: &RequirementDto, hay: &str, f: &Filters) -> bool {
    let text = f.text.get().trim().to_lowercase();
    if !text.is_empty() && !text.split_whitespace().all(|w| hay.contains(w)) {
        return false;
    }
    let group = f.group.get();
    if !group.is_empty() && r.group != group {
        return false;
    }
    let component = f.component.get();
    if let Some(ct) = ComponentType::parse(&component) {
        if !r.component_types.as_ref().is_some_and(|t| t.contains(&ct)) {
            return false;
        }
    }
    if let Ok(level) = f.level.get().parse::<u8>() {
        if !matches!(r.min_sl(), Some(min) if min <= level) {
            return false;
        }
    }
    match f.kind.get().as_str() {
        "base" => r.kind != "RE",
        "re" => r.kind == "RE",
        _ => true,
    }
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let add = ServerAction::<AddCatalogRequirement>::new();
    let catalog = Resource::new(
        move || (id(), add.version().get()),
        |(id, _)| get_catalog(CatalogId(id)),
    );
    let can_edit = use_me().may(Permission::EditProfiles);
    let f = Filters::default();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let f = f.clone();
                Suspend::new(async move {
                    match catalog.await {
                        Err(e) => Either::Left(view! { <Title text="Catalog"/><ErrorBox error=e/> }),
                        Ok(c) => {
                            let groups: BTreeMap<String, String> = c.requirements.iter().map(|r| (r.group.clone(), r.group_title.clone())).collect();
                            let graded = c.requirements.iter().any(|r| r.min_sl().is_some());
                            let typed = c.requirements.iter().any(|r| r.component_types.is_some());
                            let total = c.requirements.len();
                            let rows: Vec<(RequirementDto, String)> = c.requirements.into_iter().map(|r| { let h = r.haystack(); (r, h) }).collect();
                            let rows = StoredValue::new(rows);
                            let f2 = f.clone();
                            let visible = Memo::new(move |_| {
                                rows.with_value(|rows| rows.iter().enumerate().filter(|(_, (r, h))| matches(r, h, &f2)).map(|(i, _)| i).collect::<Vec<_>>())
                            });
                            Either::Right(view! {
                                <Title text=c.summary.name.clone()/>
                                <h1>{c.summary.name.clone()}</h1>
                                <p class="muted">"Version " {c.summary.version} " · " {c.source.clone()}</p>
                                <p class="downloads">"Download: "
                                    <a href=format!("/catalogs/{}/export/xlsx", c.summary.id.0) download>".xlsx"</a>" · "
                                    <a href=format!("/catalogs/{}/export/csv", c.summary.id.0) download>"CSV"</a>" · "
                                    <a href=format!("/catalogs/{}/export/oscal", c.summary.id.0) download>"OSCAL JSON"</a>
                                </p>
                                {(can_edit && !c.summary.shipped).then(|| view! { <AddRequirement catalog=c.summary.id action=add/> })}
                                <div class="filters card" role="search">
                                    <div>
                                        <label for="f-text">"Search"</label>
                                        <input id="f-text" type="search" placeholder="Identifier or words"
                                            prop:value=move || f.text.get()
                                            on:input=move |ev| f.text.set(event_target_value(&ev))/>
                                    </div>
                                    <div>
                                        <label for="f-group">"Area"</label>
                                        <select id="f-group" on:change=move |ev| f.group.set(event_target_value(&ev))>
                                            <option value="">"All"</option>
                                            {groups.into_iter().map(|(g, t)| view! { <option value=g.clone()>{format!("{g} · {t}")}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    {typed.then(|| view! {
                                        <div>
                                            <label for="f-component">"Component type"</label>
                                            <select id="f-component" on:change=move |ev| f.component.set(event_target_value(&ev))>
                                                <option value="">"All"</option>
                                                {ComponentType::ALL.into_iter().map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                                            </select>
                                        </div>
                                    })}
                                    {graded.then(|| view! {
                                        <div>
                                            <label for="f-level">"Required at SL"</label>
                                            <select id="f-level" on:change=move |ev| f.level.set(event_target_value(&ev))>
                                                <option value="">"Any"</option>
                                                {(1..=4).map(|l| view! { <option value=l.to_string()>{format!("SL {l}")}</option> }).collect_view()}
                                            </select>
                                        </div>
                                    })}
                                    <div>
                                        <label for="f-kind">"Kind"</label>
                                        <select id="f-kind" on:change=move |ev| f.kind.set(event_target_value(&ev))>
                                            <option value="">"All"</option>
                                            <option value="base">"Base requirements"</option>
                                            <option value="re">"Enhancements"</option>
                                        </select>
                                    </div>
                                </div>
                                <p class="muted" data-testid="catalog-count">{move || format!("{} of {} requirements", visible.get().len(), total)}</p>
                                <table class="table requirements" data-testid="requirements">
                                    <thead><tr><th scope="col">"Id"</th><th scope="col">"Title"</th><th scope="col">"Area"</th><th scope="col">"SL"</th><th scope="col">"Applies to"</th></tr></thead>
                                    <tbody>
                                        <For each=move || visible.get() key=|i| *i let:i>
                                            {rows.with_value(|rows| requirement_row(&rows[i].0))}
                                        </For>
                                    </tbody>
                                </table>
                            })
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AddRequirement(
    catalog: CatalogId,
    action: ServerAction<AddCatalogRequirement>,
) -> impl IntoView {
    let value = action.value();
    view! {
        <section class="card">
            <h2>"Add a requirement"</h2>
            <ActionForm action=action attr:class="grid-form">
                <input type="hidden" name="catalog_id" value=catalog.0.to_string()/>
                <div>
                    <label for="req-ref">"Identifier"</label>
                    <input id="req-ref" name="ref_id" required maxlength="60" placeholder="NW-OT-01"/>
                    {field_error(value, "ref_id")}
                </div>
                <div>
                    <label for="req-title">"Title"</label>
                    <input id="req-title" name="title" required maxlength="300"/>
                    {field_error(value, "title")}
                </div>
                <div>
                    <label for="req-description">"Description"</label>
                    <input id="req-description" name="description" maxlength="2000"/>
                    {field_error(value, "description")}
                </div>
                <div>
                    <label for="req-group">"Group"</label>
                    <input id="req-group" name="group" maxlength="20" placeholder="General"/>
                    {field_error(value, "group")}
                </div>
                <div class="form-end"><button type="submit" class="primary">"Add requirement"</button></div>
            </ActionForm>
            {action_error(value)}
        </section>
    }
}

fn requirement_row(r: &RequirementDto) -> impl IntoView {
    let sl = match &r.sl {
        None => "—".to_string(),
        Some(l) if l.is_empty() => "none".to_string(),
        Some(_) => format!("{}+", r.min_sl().unwrap_or(0)),
    };
    let types = r
        .component_types
        .as_ref()
        .map(|t| t.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    view! {
        <tr class:re=r.kind == "RE" data-ref=r.ref_id.clone()>
            <td class="ref"><code>{r.ref_id.clone()}</code></td>
            <td>
                <div>{r.title.clone()} {(!r.verified).then(|| view! { <span class="tag provisional" title="Sources disagree or only one supports this item">"provisional"</span> })}</div>
                <div class="muted small">{r.description.clone()}</div>
            </td>
            <td>{r.group.clone()}</td>
            <td>{sl}</td>
            <td>{types}</td>
        </tr>
    }
}
