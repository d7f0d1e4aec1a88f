//! Browsing requirement catalogs: the list, and one catalog with filters that
//! run in the browser (no server round trip per keystroke).

use crate::api::catalogs::{get_catalog, list_catalogs};
use crate::components::ErrorBox;
use crate::model::{CatalogId, ComponentType, RequirementDto};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

#[component]
pub fn CatalogsPage() -> impl IntoView {
    let catalogs = Resource::new(|| (), |_| list_catalogs());
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
    let catalog = Resource::new(id, |id| get_catalog(CatalogId(id)));
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
