//! Browsing requirement catalogs: the list, and one catalog with filters that
//! run in the browser (no server round trip per keystroke).

use crate::api::catalogs::{
    browse_shipped, get_catalog, import_catalog, list_catalogs, AddCatalogRequirement,
    CreateCatalog,
};
use crate::api::profiles::{list_profiles, AddProfileRequirements};
use crate::components::{action_error, field_error, submit_upload, use_me, ErrorBox, ImportErrors};
use crate::model::{
    AppError, CatalogId, CatalogSummary, ComponentType, Permission, ProfileId, ProfileStatus,
    RequirementDto,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::{BTreeMap, BTreeSet};

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
        <p><a href="/catalogs/shipped" data-testid="all-shipped">"All shipped requirements in one table"</a></p>
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
                <form class="grid-form" data-testid="import-form" on:submit=submit_upload(import)>
                    <div>
                        <label for="import-name">"Catalog name"</label>
                        <input id="import-name" name="name" maxlength="300" placeholder="Northwind OT security standard (OSCAL: its title when empty)"/>
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
            Err(e) => view! { <ImportErrors error=e/> }.into_any(),
        })
    }
}

/// Filter state, all in the browser.
#[derive(Clone, Copy, Default)]
struct Filters {
    text: RwSignal<String>,
    catalog: RwSignal<String>,
    group: RwSignal<String>,
    component: RwSignal<String>,
    level: RwSignal<String>,
    kind: RwSignal<String>,
}

/// One row of the browser: a requirement, the catalog it is from (named
/// when several catalogs are shown together) and its search text.
#[derive(Clone)]
struct Row {
    req: RequirementDto,
    catalog: String,
    hay: String,
}

fn matches(row: &Row, f: &Filters) -> bool {
    let r = &row.req;
    let text = f.text.get().trim().to_lowercase();
    if !text.is_empty() && !text.split_whitespace().all(|w| row.hay.contains(w)) {
        return false;
    }
    let catalog = f.catalog.get();
    if !catalog.is_empty() && row.catalog != catalog {
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

/// Where picked requirements go: the catalog they are from.
#[derive(Clone, Copy)]
struct Picking {
    catalog: CatalogId,
    chosen: RwSignal<BTreeSet<String>>,
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
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match catalog.await {
                    Err(e) => Either::Left(view! { <Title text="Catalog"/><ErrorBox error=e/> }),
                    Ok(c) => {
                        let rows = c.requirements.into_iter().map(|r| Row { hay: r.haystack(), req: r, catalog: String::new() }).collect();
                        let picking = can_edit.then(|| Picking { catalog: c.summary.id, chosen: RwSignal::new(BTreeSet::new()) });
                        Either::Right(view! {
                            <Title text=c.summary.name.clone()/>
                            <h1>{c.summary.name.clone()}</h1>
                            <p class="muted">"Version " {c.summary.version} " · key " <code>{c.summary.key.clone()}</code> " · " {c.source.clone()}</p>
                            <p class="downloads">"Download: "
                                <a href=format!("/catalogs/{}/export/xlsx", c.summary.id.0) download>".xlsx"</a>" · "
                                <a href=format!("/catalogs/{}/export/csv", c.summary.id.0) download>"CSV"</a>" · "
                                <a href=format!("/catalogs/{}/export/oscal", c.summary.id.0) download>"OSCAL JSON"</a>
                            </p>
                            {(can_edit && !c.summary.shipped).then(|| view! { <AddRequirement catalog=c.summary.id action=add/> })}
                            {picking.map(|p| view! { <PickPanel picking=p/> })}
                            <RequirementBrowser rows=rows picking=picking/>
                        })
                    }
                }
            })}
        </Suspense>
    }
}

/// Every requirement of the newest version of each shipped catalog, in one
/// table with the same in-browser filters and a catalog filter.
#[component]
pub fn ShippedRequirementsPage() -> impl IntoView {
    let all = Resource::new(|| (), |_| browse_shipped());
    view! {
        <Title text="All shipped requirements"/>
        <h1>"All shipped requirements"</h1>
        <p class="muted">"The newest version of every IEC 62443 catalog shipped with Pactline. Open a catalog to pick requirements into a profile."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match all.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(cats) => {
                        let rows = cats.into_iter().flat_map(|c| {
                            let label = c.summary.name.clone();
                            c.requirements.into_iter().map(move |r| Row { hay: r.haystack(), req: r, catalog: label.clone() })
                        }).collect();
                        Either::Right(view! { <RequirementBrowser rows=rows picking=None/> })
                    }
                }
            })}
        </Suspense>
    }
}

/// Adds the picked requirements to a draft profile at a chosen target.
#[component]
fn PickPanel(picking: Picking) -> impl IntoView {
    let add = ServerAction::<AddProfileRequirements>::new();
    let drafts = Resource::new(move || add.version().get(), |_| list_profiles());
    let profile = RwSignal::new(String::new());
    let level = RwSignal::new("2".to_string());
    let value = add.value();
    view! {
        <section class="card pick" data-testid="pick-panel">
            <h2>"Add to a profile"</h2>
            <p class="muted">"Tick requirements below (or filter and select all shown), then add them to a draft profile with one target."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let drafts: Vec<_> = drafts.await.unwrap_or_default().into_iter().filter(|p| p.status == ProfileStatus::Draft).collect();
                    if drafts.is_empty() {
                        return Either::Left(view! { <p class="muted">"No draft profile yet: " <a href="/profiles">"create one"</a> " first."</p> });
                    }
                    if profile.get_untracked().is_empty() {
                        profile.set(drafts[0].id.0.to_string());
                    }
                    Either::Right(view! {
                        <div class="grid-form">
                            <div>
                                <label for="pick-profile">"Draft profile"</label>
                                <select id="pick-profile" on:change=move |ev| profile.set(event_target_value(&ev))>
                                    {drafts.into_iter().map(|p| view! { <option value=p.id.0.to_string() selected=move || profile.get() == p.id.0.to_string()>{format!("{} (v{})", p.name, p.version)}</option> }).collect_view()}
                                </select>
                            </div>
                            <div>
                                <label for="pick-level">"Target (SL-T or ML)"</label>
                                <select id="pick-level" on:change=move |ev| level.set(event_target_value(&ev))>
                                    {(1..=4).map(|l| view! { <option value=l.to_string() selected=l == 2>{l.to_string()}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="form-end">
                                <button type="button" class="primary" data-testid="pick-add"
                                    disabled=move || picking.chosen.with(|c| c.is_empty()) || add.pending().get()
                                    on:click=move |_| {
                                        let Ok(profile_id) = profile.get_untracked().parse::<i64>() else { return };
                                        add.dispatch(AddProfileRequirements {
                                            profile_id: ProfileId(profile_id),
                                            catalog_id: picking.catalog,
                                            ref_ids: picking.chosen.get_untracked().into_iter().collect(),
                                            level: level.get_untracked(),
                                        });
                                    }>
                                    {move || format!("Add {} selected", picking.chosen.with(|c| c.len()))}
                                </button>
                            </div>
                        </div>
                    })
                })}
            </Suspense>
            {move || value.get().map(|r| match r {
                Ok(n) => {
                    picking.chosen.set(BTreeSet::new());
                    let target = profile.get_untracked();
                    view! {
                        <div class="alert info" role="status" data-testid="pick-ok">
                            {format!("Added {n} requirement{} (those already in the profile were left as they were). ", if n == 1 { "" } else { "s" })}
                            <a href=format!("/profiles/{target}")>"Open the profile"</a>
                        </div>
                    }.into_any()
                }
                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn RequirementBrowser(rows: Vec<Row>, picking: Option<Picking>) -> impl IntoView {
    let f = Filters::default();
    let catalogs: BTreeSet<String> = rows
        .iter()
        .map(|r| r.catalog.clone())
        .filter(|c| !c.is_empty())
        .collect();
    let groups: BTreeMap<String, String> = rows
        .iter()
        .map(|r| (r.req.group.clone(), r.req.group_title.clone()))
        .collect();
    let graded = rows.iter().any(|r| r.req.min_sl().is_some());
    let typed = rows.iter().any(|r| r.req.component_types.is_some());
    let total = rows.len();
    let rows = StoredValue::new(rows);
    let visible = Memo::new(move |_| {
        rows.with_value(|rows| {
            rows.iter()
                .enumerate()
                .filter(|(_, r)| matches(r, &f))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        })
    });
    let many = !catalogs.is_empty();
    view! {
        <div class="filters card" role="search">
            <div>
                <label for="f-text">"Search"</label>
                <input id="f-text" type="search" placeholder="Identifier or words"
                    prop:value=move || f.text.get()
                    on:input=move |ev| f.text.set(event_target_value(&ev))/>
            </div>
            {many.then(|| view! {
                <div>
                    <label for="f-catalog">"Catalog"</label>
                    <select id="f-catalog" on:change=move |ev| f.catalog.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        {catalogs.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                    </select>
                </div>
            })}
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
        <p class="muted">
            <span data-testid="catalog-count">{move || format!("{} of {} requirements", visible.get().len(), total)}</span>
            {picking.map(|p| view! {
                " · "
                <button type="button" class="link" data-testid="pick-all-shown" on:click=move |_| {
                    let shown: Vec<String> = rows.with_value(|rows| visible.get_untracked().iter().map(|i| rows[*i].req.ref_id.clone()).collect());
                    p.chosen.update(|c| c.extend(shown));
                }>"Select all shown"</button>
                " · "
                <button type="button" class="link" on:click=move |_| p.chosen.set(BTreeSet::new())>"Clear selection"</button>
            })}
        </p>
        <table class="table requirements" data-testid="requirements">
            <thead><tr>
                {picking.map(|_| view! { <th scope="col"><span class="visually-hidden">"Pick"</span></th> })}
                <th scope="col">"Id"</th>
                {many.then(|| view! { <th scope="col">"Catalog"</th> })}
                <th scope="col">"Title"</th><th scope="col">"Area"</th><th scope="col">"SL"</th><th scope="col">"Applies to"</th>
            </tr></thead>
            <tbody>
                <For each=move || visible.get() key=|i| *i let:i>
                    {rows.with_value(|rows| requirement_row(&rows[i], many, picking))}
                </For>
            </tbody>
        </table>
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

fn requirement_row(row: &Row, many: bool, picking: Option<Picking>) -> impl IntoView {
    let r = &row.req;
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
    let ref_id = r.ref_id.clone();
    view! {
        <tr class:re=r.kind == "RE" data-ref=r.ref_id.clone()>
            {picking.map(|p| {
                let (a, b) = (ref_id.clone(), ref_id.clone());
                view! {
                    <td><input type="checkbox" aria-label=format!("Pick {ref_id}")
                        prop:checked=move || p.chosen.with(|c| c.contains(&a))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            p.chosen.update(|c| { if on { c.insert(b.clone()); } else { c.remove(&b); } });
                        }/></td>
                }
            })}
            <td class="ref"><code>{r.ref_id.clone()}</code></td>
            {many.then(|| view! { <td class="small">{row.catalog.clone()}</td> })}
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
