//! Security profiles: the list, and the editor of one version.

use crate::api::catalogs::list_catalogs;
use crate::api::profiles::{
    get_profile, import_profile, list_profiles, AddProfileItems, BulkUpdateProfileItems,
    CreateProfile, MoveProfileItem, NewProfileVersion, PublishProfile, RemoveProfileItem,
    UpdateProfileItem,
};
use crate::components::{action_error, field_error, submit_upload, use_me, ErrorBox, ImportErrors};
use crate::model::{
    ComponentType, ItemFilter, Party, Permission, ProfileDto, ProfileId, ProfileItemDto,
    ProfileItemId, ProfileStatus,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;

#[component]
pub fn ProfilesPage() -> impl IntoView {
    let me = use_me();
    let can_edit = me.may(Permission::EditProfiles);
    let create = ServerAction::<CreateProfile>::new();
    let value = create.value();
    let import = Action::new_local(|data: &web_sys::FormData| import_profile(data.clone().into()));
    let profiles = Resource::new(move || import.version().get(), |_| list_profiles());
    view! {
        <Title text="Profiles"/>
        <h1>"Security profiles"</h1>
        <p class="muted">"Your selections of requirements, with a target per item. A published version never changes; editing starts the next version."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profiles.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) if list.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"No profiles yet."</p> })),
                    Ok(list) => Either::Right(Either::Right(view! {
                        <table class="table" data-testid="profiles">
                            <thead><tr><th scope="col">"Profile"</th><th scope="col">"Version"</th><th scope="col">"Status"</th><th scope="col">"Items"</th><th scope="col">"Updated"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|p| view! {
                                    <tr>
                                        <td><a href=format!("/profiles/{}", p.id.0)>{p.name.clone()}</a></td>
                                        <td>{p.version}</td>
                                        <td><span class=format!("status {}", p.status.as_str())>{p.status.label()}</span></td>
                                        <td>{p.items}</td>
                                        <td>{p.updated.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })),
                }
            })}
        </Suspense>
        {can_edit.then(|| view! {
            <section class="card">
                <h2>"New profile"</h2>
                <ActionForm action=create attr:class="grid-form">
                    <div>
                        <label for="profile-name">"Name"</label>
                        <input id="profile-name" name="name" required maxlength="200" placeholder="Embedded controller, SL-T 2"/>
                        {field_error(value, "name")}
                    </div>
                    <div>
                        <label for="profile-description">"Purpose"</label>
                        <input id="profile-description" name="description" maxlength="2000"/>
                        {field_error(value, "description")}
                    </div>
                    <div class="form-end"><button type="submit" class="primary">"Create profile"</button></div>
                </ActionForm>
                {action_error(value)}
            </section>
            <section class="card">
                <h2>"Import a profile"</h2>
                <p class="muted">"A profile exported from Pactline (.csv, .xlsx or OSCAL .json) becomes a new draft. A .csv or .xlsx file needs the columns "
                    <code>"catalog"</code>" (its name or key, e.g. iec-62443-4-2), "<code>"ref_id"</code>" and "<code>"target"</code>" (1–4); "
                    <code>"catalog_version"</code>", "<code>"section"</code>", "<code>"target_kind"</code>", "<code>"responsible_party"</code>", "
                    <code>"weight"</code>" (0–100), "<code>"evidence_required"</code>" (yes/no) and "<code>"parameters"</code>" are optional. "
                    "Every requirement must be in a catalog you can use. If any row has a problem, nothing is imported."</p>
                <form class="grid-form" data-testid="profile-import-form" on:submit=submit_upload(import)>
                    <div>
                        <label for="profile-import-name">"Title (optional)"</label>
                        <input id="profile-import-name" name="name" maxlength="200" placeholder="From the file when empty (OSCAL)"/>
                    </div>
                    <div>
                        <label for="profile-import-file">"File"</label>
                        <input id="profile-import-file" name="file" type="file" accept=".csv,.xlsx,.json" required/>
                    </div>
                    <div class="form-end"><button type="submit" class="primary">"Import"</button></div>
                </form>
                {move || import.value().get().map(|r| match r {
                    Ok(id) => view! {
                        <div class="alert info" role="status" data-testid="profile-import-ok">
                            "Imported as a new draft: " <a href=format!("/profiles/{}", id.0)>"open it"</a> "."
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ImportErrors error=e/> }.into_any(),
                })}
            </section>
        })}
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = use_me();
    let can_edit = me.may(Permission::EditProfiles);
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let add = ServerAction::<AddProfileItems>::new();
    // What "Add requirements" was last used with: kept across the page's
    // reloads, so adding a second batch starts from the same choice.
    let add_choice = AddChoice {
        catalog: RwSignal::new(String::new()),
        component: RwSignal::new(String::new()),
        level: RwSignal::new("2".to_string()),
    };
    let update = ServerAction::<UpdateProfileItem>::new();
    // Which row was saved last: its Save button says so.
    let saving = RwSignal::new(None::<i64>);
    let saved = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        if let Some(i) = update.input().get() {
            saving.set(Some(i.item_id.0));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            saved.set(saving.get_untracked());
        }
    });
    let remove = ServerAction::<RemoveProfileItem>::new();
    let reorder = ServerAction::<MoveProfileItem>::new();
    // The filter and the rows ticked for a bulk edit: both outlive the
    // page's reloads (a bulk edit keeps the filter, and empties the choice).
    let filter = RwSignal::new(ItemFilter::default());
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let bulk = ServerAction::<BulkUpdateProfileItems>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = bulk.value().get() {
            selected.set(BTreeSet::new());
        }
    });
    let publish = ServerAction::<PublishProfile>::new();
    let new_version = ServerAction::<NewProfileVersion>::new();
    let profile = Resource::new(
        move || {
            (
                id(),
                add.version().get(),
                update.version().get(),
                remove.version().get(),
                reorder.version().get(),
                publish.version().get(),
                bulk.version().get(),
            )
        },
        |(id, ..)| get_profile(ProfileId(id)),
    );
    let errors = move || {
        [
            add.value().get().and_then(|r| r.err()),
            update.value().get().and_then(|r| r.err()),
            remove.value().get().and_then(|r| r.err()),
            reorder.value().get().and_then(|r| r.err()),
            publish.value().get().and_then(|r| r.err()),
            new_version.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| view! { <ErrorBox error=e/> })
    };
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Err(e) => Either::Left(view! { <Title text="Profile"/><ErrorBox error=e/> }),
                    Ok(p) => {
                        let draft = p.status == ProfileStatus::Draft;
                        let editable = can_edit && draft;
                        Either::Right(view! {
                            <Title text=p.name.clone()/>
                            <div class="title-row">
                                <h1>{p.name.clone()}</h1>
                                <span class=format!("status {}", p.status.as_str()) data-testid="profile-status">
                                    {format!("Version {} · {}", p.version, p.status.label())}
                                </span>
                            </div>
                            {(!p.description.is_empty()).then(|| view! { <p class="muted">{p.description.clone()}</p> })}
                            <Versions profile=p.clone()/>
                            <p class="downloads">"Download: "
                                <a href=format!("/profiles/{}/export/xlsx", p.id.0) download>".xlsx"</a>" · "
                                <a href=format!("/profiles/{}/export/csv", p.id.0) download>"CSV"</a>" · "
                                <a href=format!("/profiles/{}/export/oscal", p.id.0) download>"OSCAL JSON"</a>
                            </p>
                            {editable.then(|| view! { <AddFromCatalog profile=p.id action=add choice=add_choice/> })}
                            {(can_edit && draft).then(|| view! {
                                <details class="confirm" data-testid="publish-step">
                                    <summary class="button primary">"Publish version " {p.version} "…"</summary>
                                    <div class="confirm-body">
                                        <p>{format!("Version {} and its {} requirements, targets and weights become fixed: questionnaires are sent from it and it never changes. Later edits start version {}.", p.version, p.items.len(), p.version + 1)}</p>
                                        <ActionForm action=publish attr:class="inline publish">
                                            <input type="hidden" name="profile_id" value=p.id.0.to_string()/>
                                            <button type="submit" class="primary">"Yes, publish version " {p.version}</button>
                                        </ActionForm>
                                    </div>
                                </details>
                            })}
                            {(can_edit && !draft).then(|| view! {
                                <ActionForm action=new_version attr:class="inline">
                                    <input type="hidden" name="profile_id" value=p.id.0.to_string()/>
                                    <button type="submit">"Start version " {p.version + 1}</button>
                                </ActionForm>
                            })}
                            <p class="muted" data-testid="profile-count">{format!("{} requirements", p.items.len())}</p>
                            {item_filter(&p.items, filter)}
                            {editable.then(|| bulk_edit(p.id, &p.items, filter, selected, bulk))}
                            <table class="table profile-items" data-testid="profile-items">
                                <thead><tr>
                                    {editable.then(|| view! { <th scope="col"><span class="sr-only">"Selected"</span></th> })}
                                    <th scope="col">"Requirement"</th><th scope="col">"Section"</th><th scope="col">"Target"</th>
                                    <th scope="col">"Responsible"</th><th scope="col">"Weight"</th><th scope="col">"Evidence"</th>
                                    <th scope="col">"Parameters"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|item| item_row(item, editable, Row { update, remove, reorder, saved, filter, selected })).collect_view()}
                                </tbody>
                            </table>
                        })
                    }
                }
            })}
        </Transition>
        {errors}
    }
}

/// Changes from another version to this one.
#[component]
pub fn ProfileComparePage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        let p = params.read();
        let n = |k: &str| p.get(k).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        (n("id"), n("other"))
    };
    let diff = Resource::new(ids, |(id, other)| {
        crate::api::profiles::compare_profiles(ProfileId(id), ProfileId(other))
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match diff.await {
                    Err(e) => Either::Left(view! { <Title text="Compare versions"/><ErrorBox error=e/> }),
                    Ok(d) => {
                        let row = |i: &ProfileItemDto| format!("{} {} ({})", i.requirement.ref_id, i.requirement.title, i.target_kind.label(i.target));
                        Either::Right(view! {
                            <Title text=format!("{}: v{} → v{}", d.name, d.from_version, d.to_version)/>
                            <h1>{d.name.clone()}": version " {d.from_version} " → " {d.to_version}</h1>
                            <section class="card" data-testid="diff-added">
                                <h2>{format!("Added ({})", d.added.len())}</h2>
                                <ul>{d.added.iter().map(|i| view! { <li>{row(i)}</li> }).collect_view()}</ul>
                            </section>
                            <section class="card" data-testid="diff-removed">
                                <h2>{format!("Removed ({})", d.removed.len())}</h2>
                                <ul>{d.removed.iter().map(|i| view! { <li>{row(i)}</li> }).collect_view()}</ul>
                            </section>
                            <section class="card" data-testid="diff-changed">
                                <h2>{format!("Changed ({})", d.changed.len())}</h2>
                                <ul>{d.changed.iter().map(|(a, b)| view! {
                                    <li>{a.requirement.ref_id.clone()}": "
                                        {format!("{}, {}, weight {}, evidence {}", a.target_kind.label(a.target), a.responsible_party.label(), a.weight, if a.evidence_required { "required" } else { "optional" })}
                                        " → "
                                        {format!("{}, {}, weight {}, evidence {}", b.target_kind.label(b.target), b.responsible_party.label(), b.weight, if b.evidence_required { "required" } else { "optional" })}
                                        {(a.parameters != b.parameters).then(|| format!("; parameters “{}” → “{}”", a.parameters, b.parameters))}
                                    </li>
                                }).collect_view()}</ul>
                            </section>
                        })
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Versions(profile: ProfileDto) -> impl IntoView {
    (profile.versions.len() > 1).then(|| {
        view! {
            <p class="versions">"Versions: "
                {profile.versions.into_iter().map(|v| {
                    let current = v.id == profile.id;
                    view! {
                        <a href=format!("/profiles/{}", v.id.0) class:current=current>
                            {format!("v{} ({})", v.version, v.status.label())}
                        </a>
                        {(!current).then(|| view! {
                            <a class="small" href=format!("/profiles/{}/compare/{}", profile.id.0, v.id.0)>{format!("(compare with v{})", v.version)}</a>
                        })}
                        " "
                    }
                }).collect_view()}
            </p>
        }
    })
}

/// The choices of the "Add requirements" form.
#[derive(Clone, Copy)]
struct AddChoice {
    catalog: RwSignal<String>,
    component: RwSignal<String>,
    level: RwSignal<String>,
}

#[component]
fn AddFromCatalog(
    profile: ProfileId,
    action: ServerAction<AddProfileItems>,
    choice: AddChoice,
) -> impl IntoView {
    let catalogs = Resource::new(|| (), |_| list_catalogs());
    let value = action.value();
    let AddChoice {
        catalog,
        component,
        level,
    } = choice;
    view! {
        <section class="card">
            <h2>"Add requirements from a catalog"</h2>
            <p class="muted">"For 62443-4-2 choose the component type and SL-T: you get exactly the requirements and enhancements required at that level. Catalogs without security levels add all their items with the target maturity level."</p>
            <ActionForm action=action attr:class="grid-form">
                <input type="hidden" name="profile_id" value=profile.0.to_string()/>
                <div>
                    <label for="add-catalog">"Catalog"</label>
                    <select id="add-catalog" name="catalog_id" on:change=move |ev| catalog.set(event_target_value(&ev))>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                catalogs.await.unwrap_or_default().into_iter().map(|c| {
                                    let id = c.id.0.to_string();
                                    let is = id.clone();
                                    view! { <option value=id selected=move || catalog.get() == is>{c.name.clone()}</option> }
                                }).collect_view()
                            })}
                        </Suspense>
                    </select>
                </div>
                <div>
                    <label for="add-type">"Component type"</label>
                    <select id="add-type" name="component_type" on:change=move |ev| component.set(event_target_value(&ev))>
                        <option value="" selected=move || component.get().is_empty()>"None (not 62443-4-2)"</option>
                        {ComponentType::ALL.into_iter().map(|t| view! { <option value=t.as_str() selected=move || component.get() == t.as_str()>{t.label()}</option> }).collect_view()}
                    </select>
                    {field_error(value, "component_type")}
                </div>
                <div>
                    <label for="add-level">"Target level (SL-T or ML)"</label>
                    <select id="add-level" name="level" on:change=move |ev| level.set(event_target_value(&ev))>
                        {(1..=4).map(|l| view! { <option value=l.to_string() selected=move || level.get() == l.to_string()>{l}</option> }).collect_view()}
                    </select>
                </div>
                <div class="form-end"><button type="submit" class="primary">"Add requirements"</button></div>
            </ActionForm>
            {move || match value.get() {
                Some(Ok(n)) => Some(view! { <div class="alert info" role="status" data-testid="added">{format!("{n} requirements added.")}</div> }),
                _ => None,
            }}
        </section>
    }
}

/// The filter bar over a profile's items: text, section, responsible party,
/// with a count of what is shown.
fn item_filter(items: &[ProfileItemDto], filter: RwSignal<ItemFilter>) -> impl IntoView {
    let mut sections: Vec<String> = Vec::new();
    for i in items {
        if !i.section.is_empty() && !sections.contains(&i.section) {
            sections.push(i.section.clone());
        }
    }
    let all = StoredValue::new(items.to_vec());
    let total = items.len();
    view! {
        <fieldset class="filters" data-testid="item-filter">
            <legend class="sr-only">"Show requirements"</legend>
            <label class="choice">"Find "
                <input type="search" data-testid="item-filter-text" placeholder="CR 1.1, password, …" maxlength="100"
                    prop:value=move || filter.with(|f| f.text.clone())
                    on:input=move |ev| filter.update(|f| f.text = event_target_value(&ev))/>
            </label>
            <label class="choice">"Section "
                <select data-testid="item-filter-section" on:change=move |ev| filter.update(|f| f.section = event_target_value(&ev))>
                    <option value="">"All sections"</option>
                    {sections.into_iter().map(|sec| {
                        let is = sec.clone();
                        view! { <option value=sec.clone() selected=move || filter.with(|f| f.section == is)>{sec.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="choice">"Responsible "
                <select data-testid="item-filter-party" on:change=move |ev| filter.update(|f| f.party = event_target_value(&ev))>
                    <option value="">"Anyone"</option>
                    {Party::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=move || filter.with(|f| f.party == p.as_str())>{p.label()}</option> }).collect_view()}
                </select>
            </label>
            <span class="small muted" role="status" data-testid="item-filter-count">{move || {
                let shown = all.with_value(|a| filter.with(|f| a.iter().filter(|i| f.admits(i)).count()));
                if shown == total { format!("all {total} shown") } else { format!("{shown} of {total} shown") }
            }}</span>
        </fieldset>
    }
}

/// Sets one target, party, weight or evidence flag on every ticked row.
fn bulk_edit(
    profile: ProfileId,
    items: &[ProfileItemDto],
    filter: RwSignal<ItemFilter>,
    selected: RwSignal<BTreeSet<i64>>,
    bulk: ServerAction<BulkUpdateProfileItems>,
) -> impl IntoView {
    let all = StoredValue::new(items.to_vec());
    let target = RwSignal::new(String::new());
    let party = RwSignal::new(String::new());
    let weight = RwSignal::new(String::new());
    let evidence = RwSignal::new(String::new());
    let value = bulk.value();
    let count = move || selected.with(|s| s.len());
    let select_shown = move |_| {
        let shown: Vec<i64> = all.with_value(|a| {
            filter.with_untracked(|f| a.iter().filter(|i| f.admits(i)).map(|i| i.id.0).collect())
        });
        selected.update(|s| s.extend(shown));
    };
    let apply = move |_| {
        bulk.dispatch(BulkUpdateProfileItems {
            profile_id: profile,
            item_ids: selected
                .get_untracked()
                .into_iter()
                .map(ProfileItemId)
                .collect(),
            target: target.get_untracked(),
            responsible_party: party.get_untracked(),
            weight: weight.get_untracked(),
            evidence_required: evidence.get_untracked(),
        });
    };
    view! {
        <fieldset class="bulk" data-testid="bulk-edit">
            <legend>"Change several at once"</legend>
            <div class="bulk-select">
                <span role="status" data-testid="bulk-count">{move || match count() { 0 => "No requirement selected".to_string(), 1 => "1 requirement selected".to_string(), n => format!("{n} requirements selected") }}</span>
                <button type="button" class="small" data-testid="bulk-select-shown" on:click=select_shown>"Select all shown"</button>
                <button type="button" class="small" on:click=move |_| selected.set(BTreeSet::new()) disabled=move || count() == 0>"Clear selection"</button>
            </div>
            <div class="bulk-fields">
                <label>"Target"
                    <select data-testid="bulk-target" on:change=move |ev| target.set(event_target_value(&ev))>
                        <option value="" selected=move || target.get().is_empty()>"Leave as is"</option>
                        {(1..=4).map(|l| view! { <option value=l.to_string() selected=move || target.get() == l.to_string()>{format!("Level {l}")}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Responsible"
                    <select data-testid="bulk-party" on:change=move |ev| party.set(event_target_value(&ev))>
                        <option value="" selected=move || party.get().is_empty()>"Leave as is"</option>
                        {Party::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=move || party.get() == p.as_str()>{p.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Weight"
                    <input type="number" min="0" max="100" class="num" data-testid="bulk-weight" placeholder="as is"
                        prop:value=move || weight.get() on:input=move |ev| weight.set(event_target_value(&ev))/>
                </label>
                <label>"Evidence"
                    <select data-testid="bulk-evidence" on:change=move |ev| evidence.set(event_target_value(&ev))>
                        <option value="" selected=move || evidence.get().is_empty()>"Leave as is"</option>
                        <option value="yes" selected=move || evidence.get() == "yes">"Required"</option>
                        <option value="no" selected=move || evidence.get() == "no">"Optional"</option>
                    </select>
                </label>
                <button type="button" class="primary" data-testid="bulk-apply"
                    disabled=move || count() == 0 || bulk.pending().get()
                    on:click=apply>
                    {move || match count() { 0 => "Apply".to_string(), n => format!("Apply to {n} selected") }}
                </button>
            </div>
            {move || match value.get() {
                Some(Ok(n)) => Some(view! { <p class="alert info" role="status" data-testid="bulk-done">{if n == 1 { "1 requirement changed.".to_string() } else { format!("{n} requirements changed.") }}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="alert error" role="alert" data-testid="bulk-error">{e.to_string()}</p> }.into_any()),
                None => None,
            }}
        </fieldset>
    }
}

/// What every row of the editor shares.
#[derive(Clone, Copy)]
struct Row {
    update: ServerAction<UpdateProfileItem>,
    remove: ServerAction<RemoveProfileItem>,
    reorder: ServerAction<MoveProfileItem>,
    saved: RwSignal<Option<i64>>,
    filter: RwSignal<ItemFilter>,
    selected: RwSignal<BTreeSet<i64>>,
}

fn item_row(item: ProfileItemDto, editable: bool, row: Row) -> impl IntoView {
    let Row {
        update,
        remove,
        reorder,
        saved,
        filter,
        selected,
    } = row;
    let id = item.id.0;
    let shown_item = item.clone();
    let shown = move || filter.with(|f| f.admits(&shown_item));
    let select_label = format!("Select {}", item.requirement.ref_id);
    let form_id = format!("item-{id}");
    let section_id = format!("item-{id}-section");
    let r = item.requirement.clone();
    let ref_id = r.ref_id.clone();
    let (up_label, down_label, remove_label) = (
        format!("Move {ref_id} up"),
        format!("Move {ref_id} down"),
        format!("Remove {ref_id}"),
    );
    let target_label = item.target_kind.label(item.target);
    let kind = item.target_kind;
    view! {
        <tr data-ref=ref_id class:hidden=move || !shown()>
            {editable.then(|| view! {
                <td>
                    <input type="checkbox" class="select" aria-label=select_label
                        prop:checked=move || selected.with(|s| s.contains(&id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                        }/>
                </td>
            })}
            <td>
                <code>{r.ref_id.clone()}</code>" "{r.title.clone()}
                {(!r.verified).then(|| view! { <span class="tag provisional">"provisional"</span> })}
                <div class="muted small">{item.catalog_name.clone()}</div>
            </td>
            {if editable {
                Either::Left(view! {
                    <td>
                        <ActionForm action=update attr:id=form_id.clone() attr:class="item-form">
                            <input type="hidden" name="item_id" value=id.to_string()/>
                            <label class="sr-only" for=section_id.clone()>"Section"</label>
                            <input id=section_id name="section" value=item.section.clone() maxlength="200"/>
                        </ActionForm>
                    </td>
                    <td>
                        <label class="sr-only" for=format!("{form_id}-target")>"Target"</label>
                        <select id=format!("{form_id}-target") name="target" form=form_id.clone()>
                            {(1..=4i16).map(|l| view! { <option value=l.to_string() selected=l == item.target>{kind.label(l)}</option> }).collect_view()}
                        </select>
                    </td>
                    <td>
                        <label class="sr-only" for=format!("{form_id}-party")>"Responsible party"</label>
                        <select id=format!("{form_id}-party") name="responsible_party" form=form_id.clone()>
                            {Party::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=p == item.responsible_party>{p.label()}</option> }).collect_view()}
                        </select>
                    </td>
                    <td>
                        <label class="sr-only" for=format!("{form_id}-weight")>"Weight"</label>
                        <input id=format!("{form_id}-weight") class="num" name="weight" type="number" min="0" max="100" value=item.weight.to_string() form=form_id.clone()/>
                    </td>
                    <td>
                        <label class="sr-only" for=format!("{form_id}-evidence")>"Evidence required"</label>
                        <input id=format!("{form_id}-evidence") name="evidence_required" type="checkbox" checked=item.evidence_required form=form_id.clone()/>
                    </td>
                    <td>
                        <label class="sr-only" for=format!("{form_id}-parameters")>"Parameters"</label>
                        <input id=format!("{form_id}-parameters") name="parameters" value=item.parameters.clone() maxlength="2000" form=form_id.clone() placeholder="e.g. patches within 30 days"/>
                    </td>
                    <td class="actions">
                        <button type="submit" class="small" form=form_id.clone()>"Save"</button>
                        <span class="saved small" role="status" data-testid="row-saved">{move || (saved.get() == Some(id)).then_some("Saved ✓")}</span>
                        <ActionForm action=reorder attr:class="inline">
                            <input type="hidden" name="item_id" value=id.to_string()/>
                            <input type="hidden" name="direction" value="up"/>
                            <button type="submit" class="small" title="Move up" aria-label=up_label>"↑"</button>
                        </ActionForm>
                        <ActionForm action=reorder attr:class="inline">
                            <input type="hidden" name="item_id" value=id.to_string()/>
                            <input type="hidden" name="direction" value="down"/>
                            <button type="submit" class="small" title="Move down" aria-label=down_label>"↓"</button>
                        </ActionForm>
                        <ActionForm action=remove attr:class="inline">
                            <input type="hidden" name="item_id" value=id.to_string()/>
                            <button type="submit" class="small danger" aria-label=remove_label>"Remove"</button>
                        </ActionForm>
                    </td>
                })
            } else {
                Either::Right(view! {
                    <td>{item.section.clone()}</td>
                    <td>{target_label}</td>
                    <td>{item.responsible_party.label()}</td>
                    <td>{item.weight}</td>
                    <td>{if item.evidence_required { "Required" } else { "—" }}</td>
                    <td>{item.parameters.clone()}</td>
                    <td></td>
                })
            }}
        </tr>
    }
}
