//! The asset owner's systems, zones and conduits: the zone view (target SL
//! vector against what the components reach, per FR, gaps highlighted) and
//! one zone's components, target and profile.

use crate::api::zones::{
    get_zone, zones_and_conduits, AcceptZoneRisk, AddComponent, AddCountermeasure, CreateConduit,
    CreateSystem, CreateZone, ProfileFromZone, ReviewCountermeasure, SetComponentLegacy,
    SetZoneTarget,
};
use crate::components::{action_error, field_error, saved_note, ErrorBox};
use crate::model::{ComponentType, CountermeasureLocation, GapState, SlVector, ZoneDetail};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn levels(v: Option<[u8; 7]>) -> String {
    v.map_or_else(|| "no components".to_string(), |r| SlVector(r).to_string())
}

fn state_word(s: GapState) -> &'static str {
    match s {
        GapState::Met => "met",
        GapState::Open => "open",
        GapState::Compensated => "compensated",
        GapState::Accepted => "accepted",
    }
}

/// Seven cells: per FR the target, what is reached, and the state.
fn fr_cells(sl_t: SlVector, reach: Option<[u8; 7]>, states: &[GapState]) -> impl IntoView {
    (0..7)
        .map(|i| {
            let state = states.get(i).copied();
            let text = match reach {
                Some(r) => format!("{} / {}", sl_t.0[i], r[i]),
                None => format!("{} / –", sl_t.0[i]),
            };
            let word = state.map(state_word).unwrap_or("");
            view! {
                <td class:warn=state == Some(GapState::Open) data-state=word>
                    {text} {(!word.is_empty()).then(|| view! { <span class="small muted">{format!(" {word}")}</span> })}
                </td>
            }
        })
        .collect_view()
}

fn fr_heads() -> impl IntoView {
    (1..=7)
        .map(|i| view! { <th scope="col" title="target / reached">{format!("FR{i}")}</th> })
        .collect_view()
}

const SL_T_HINT: &str = "Seven levels, FR1 to FR7, each 1 to 4, e.g. 2,2,3,1,2,1,2";

#[component]
pub fn ZonesPage() -> impl IntoView {
    let system = ServerAction::<CreateSystem>::new();
    let zone = ServerAction::<CreateZone>::new();
    let conduit = ServerAction::<CreateConduit>::new();
    let data = Resource::new(
        move || {
            (
                system.version().get(),
                zone.version().get(),
                conduit.version().get(),
            )
        },
        |_| zones_and_conduits(),
    );
    view! {
        <Title text="Zones and conduits"/>
        <h1>"Zones and conduits"</h1>
        <p class="muted">"Your systems under consideration (IEC 62443-3-2): each zone and conduit with a target security level per foundational requirement, against what the components' accepted assessments reach (each FR: the lowest of the zone's components). Cells read target / reached."</p>
        <p class="actions">
            <a class="button" href="/zones/0/export/xlsx" data-testid="register-xlsx" download>"Zone and conduit register (.xlsx)"</a>
            " "<a class="button" href="/zones/0/export/csv" download>"(CSV)"</a>
            " "<a class="button" href="/countermeasures/0/export/xlsx" data-testid="countermeasures-xlsx" download>"Countermeasure register (.xlsx)"</a>
            " "<a class="button" href="/countermeasures/0/export/csv" download>"(CSV)"</a>
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(m) => {
                        let zone_options: Vec<(i64, String)> = m.systems.iter().flat_map(|s| s.zones.iter().map(move |z| (z.id, format!("{} · {}", s.name, z.name)))).collect();
                        let system_options: Vec<(i64, String)> = m.systems.iter().map(|s| (s.id, s.name.clone())).collect();
                        let conduit_systems = system_options.clone();
                        Either::Right(view! {
                            {m.systems.is_empty().then(|| view! { <p class="muted">"No system recorded yet."</p> })}
                            {m.systems.into_iter().map(|s| view! {
                                <section class="card" data-testid="system">
                                    <h2>{s.name.clone()}</h2>
                                    <p class="muted">{s.description.clone()}</p>
                                    {(!s.zones.is_empty()).then(|| view! {
                                        <p class="small"><a href=format!("/systems/{}/export/oscal", s.id) data-testid="system-oscal" download>"Zone model as an OSCAL system security plan (JSON)"</a></p>
                                    })}
                                    <table class="table small" data-testid="zone-view">
                                        <thead><tr><th scope="col">"Zone"</th><th scope="col">"SL-T"</th><th scope="col">"Reached"</th>{fr_heads()}</tr></thead>
                                        <tbody>
                                            {s.zones.iter().map(|z| view! {
                                                <tr data-zone=z.name.clone()>
                                                    <th scope="row"><a href=format!("/zones/{}", z.id)>{z.name.clone()}</a>{format!(" ({} components)", z.components.len())}</th>
                                                    <td>{z.sl_t.to_string()}</td>
                                                    <td>{levels(z.reach)}</td>
                                                    {fr_cells(z.sl_t, z.reach, &z.states)}
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    {(!s.conduits.is_empty()).then(|| view! {
                                        <h3>"Conduits"</h3>
                                        <table class="table small" data-testid="conduit-view">
                                            <thead><tr><th scope="col">"Conduit"</th><th scope="col">"Joins"</th><th scope="col">"SL-T"</th>{fr_heads()}</tr></thead>
                                            <tbody>
                                                {s.conduits.iter().map(|c| view! {
                                                    <tr data-conduit=c.name.clone()>
                                                        <th scope="row">{c.name.clone()}</th>
                                                        <td>{format!("{} ↔ {}", c.from_name, c.to_name)}</td>
                                                        <td>{c.sl_t.to_string()}</td>
                                                        {fr_cells(c.sl_t, c.reach, &c.states)}
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    })}
                                </section>
                            }).collect_view()}
                            {m.may_edit.then(|| view! {
                                <section class="card">
                                    <h2>"New system"</h2>
                                    <ActionForm action=system attr:class="stack" attr:data-testid="system-form">
                                        <label for="system-name">"Name"</label>
                                        <input id="system-name" name="name" required/>
                                        {field_error(system.value(), "name")}
                                        <label for="system-description">"Description"</label>
                                        <input id="system-description" name="description"/>
                                        <div class="form-end"><button type="submit" class="primary">"Add system"</button></div>
                                    </ActionForm>
                                    {action_error(system.value())}
                                </section>
                                <section class="card">
                                    <h2>"New zone"</h2>
                                    <ActionForm action=zone attr:class="stack" attr:data-testid="zone-form">
                                        <label for="zone-system">"System"</label>
                                        <select id="zone-system" name="system_id">
                                            {system_options.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                        </select>
                                        <label for="zone-name">"Name"</label>
                                        <input id="zone-name" name="name" required/>
                                        {field_error(zone.value(), "name")}
                                        <label for="zone-description">"Description"</label>
                                        <input id="zone-description" name="description"/>
                                        <label for="zone-sl-t">"Target SL vector (SL-T)"</label>
                                        <input id="zone-sl-t" name="sl_t" placeholder="2,2,3,1,2,1,2" title=SL_T_HINT required/>
                                        {field_error(zone.value(), "sl_t")}
                                        <div class="form-end"><button type="submit" class="primary">"Add zone"</button></div>
                                    </ActionForm>
                                    {action_error(zone.value())}
                                </section>
                                <section class="card">
                                    <h2>"New conduit"</h2>
                                    <ActionForm action=conduit attr:class="stack" attr:data-testid="conduit-form">
                                        <label for="conduit-system">"System"</label>
                                        <select id="conduit-system" name="system_id">
                                            {conduit_systems.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                        </select>
                                        <label for="conduit-name">"Name"</label>
                                        <input id="conduit-name" name="name" required/>
                                        {field_error(conduit.value(), "name")}
                                        <label for="conduit-from">"From zone"</label>
                                        <select id="conduit-from" name="from_zone_id">
                                            {zone_options.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                        </select>
                                        {field_error(conduit.value(), "from_zone_id")}
                                        <label for="conduit-to">"To zone"</label>
                                        <select id="conduit-to" name="to_zone_id">
                                            {zone_options.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                        </select>
                                        {field_error(conduit.value(), "to_zone_id")}
                                        <label for="conduit-sl-t">"Target SL vector (SL-T)"</label>
                                        <input id="conduit-sl-t" name="sl_t" placeholder="2,2,2,2,2,2,2" title=SL_T_HINT required/>
                                        {field_error(conduit.value(), "sl_t")}
                                        <div class="form-end"><button type="submit" class="primary">"Add conduit"</button></div>
                                    </ActionForm>
                                    {action_error(conduit.value())}
                                </section>
                            })}
                        })
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ZonePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let add = ServerAction::<AddComponent>::new();
    let legacy = ServerAction::<SetComponentLegacy>::new();
    let target = ServerAction::<SetZoneTarget>::new();
    let profile = ServerAction::<ProfileFromZone>::new();
    let measure = ServerAction::<AddCountermeasure>::new();
    let risk = ServerAction::<AcceptZoneRisk>::new();
    let review = ServerAction::<ReviewCountermeasure>::new();
    let data = Resource::new(
        move || {
            (
                id(),
                measure.version().get(),
                review.version().get(),
                risk.version().get(),
                add.version().get(),
                legacy.version().get(),
                target.version().get(),
            )
        },
        |(id, ..)| get_zone(id),
    );
    view! {
        <p><a href="/zones">"← Zones and conduits"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Zone"/><ErrorBox error=e/> }),
                    Ok(d) => Either::Right(zone_view(d, Actions { add, legacy, target, profile, measure, risk, review })),
                }
            })}
        </Suspense>
    }
}

/// The zone page's forms.
struct Actions {
    add: ServerAction<AddComponent>,
    legacy: ServerAction<SetComponentLegacy>,
    target: ServerAction<SetZoneTarget>,
    profile: ServerAction<ProfileFromZone>,
    measure: ServerAction<AddCountermeasure>,
    risk: ServerAction<AcceptZoneRisk>,
    review: ServerAction<ReviewCountermeasure>,
}

fn zone_view(d: ZoneDetail, actions: Actions) -> impl IntoView {
    let Actions {
        add,
        legacy,
        target,
        profile,
        measure,
        risk,
        review,
    } = actions;
    let admin = crate::components::use_me().role == crate::model::Role::Admin;
    let ZoneDetail {
        system,
        zone: z,
        conduits,
        may_edit,
        suppliers,
        assessments,
    } = d;
    let title = format!("Zone {}", z.name);
    let zone_id = z.id.to_string();
    let (z1, z2, z3) = (zone_id.clone(), zone_id.clone(), zone_id);
    let current: String = z
        .sl_t
        .0
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",");
    view! {
        <Title text=title.clone()/>
        <h1 data-testid="zone-name">{title}</h1>
        <p class="muted">{format!("System {system} · SL-T {}", z.sl_t)} " " {z.description.clone()}</p>
        <table class="table small" data-testid="zone-fr">
            <thead><tr><th scope="col">"Zone"</th>{fr_heads()}</tr></thead>
            <tbody><tr><th scope="row">{levels(z.reach)}</th>{fr_cells(z.sl_t, z.reach, &z.states)}</tr></tbody>
        </table>
        {(!z.acceptances.is_empty()).then(|| view! {
            <ul class="small" data-testid="risk-acceptances">
                {z.acceptances.iter().map(|a| view! {
                    <li class:muted=a.expired>{format!("FR{} risk accepted by {} until {}{}: {}", a.fr, a.accepted_by, a.accepted_until, if a.expired { " (expired)" } else { "" }, a.reason)}</li>
                }).collect_view()}
            </ul>
        })}
        {(may_edit && admin).then(|| view! {
            <details class="card">
                <summary>"Accept the risk of an open gap"</summary>
                <ActionForm action=risk attr:class="stack" attr:data-testid="risk-form">
                    <input type="hidden" name="zone_id" value=z.id.to_string()/>
                    <label for="risk-fr">"Foundational requirement"</label>
                    <select id="risk-fr" name="fr">
                        {(1..=7).map(|i| view! { <option value=format!("FR{i}")>{format!("FR{i}")}</option> }).collect_view()}
                    </select>
                    {field_error(risk.value(), "frs")}
                    <label for="risk-reason">"Why the risk is accepted"</label>
                    <textarea id="risk-reason" name="reason" rows="2"></textarea>
                    {field_error(risk.value(), "reason")}
                    <label for="risk-until">"Accepted until"</label>
                    <input id="risk-until" type="date" name="accepted_until"/>
                    {field_error(risk.value(), "accepted_until")}
                    <div class="form-end"><button type="submit" class="primary">"Accept the risk"</button></div>
                </ActionForm>
                {action_error(risk.value())}
            </details>
        })}
        {(!conduits.is_empty()).then(|| view! {
            <table class="table small" data-testid="zone-conduits">
                <thead><tr><th scope="col">"Conduit"</th><th scope="col">"Joins"</th><th scope="col">"SL-T"</th>{fr_heads()}</tr></thead>
                <tbody>
                    {conduits.iter().map(|c| view! {
                        <tr><th scope="row">{c.name.clone()}</th><td>{format!("{} ↔ {}", c.from_name, c.to_name)}</td><td>{c.sl_t.to_string()}</td>{fr_cells(c.sl_t, c.reach, &c.states)}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        <section class="card">
            <h2>{format!("Components ({})", z.components.len())}</h2>
            <table class="table small" data-testid="components">
                <thead><tr>
                    <th scope="col">"Component"</th><th scope="col">"Type"</th><th scope="col">"Supplier"</th>
                    <th scope="col">"Product"</th><th scope="col">"Support"</th><th scope="col">"SL-C per FR"</th><th scope="col">"State"</th>
                </tr></thead>
                <tbody>
                    {z.components.clone().into_iter().map(|c| {
                        let id = c.id.to_string();
                        let is_legacy = c.legacy;
                        let next = if c.legacy { "" } else { "yes" };
                        let sl_c = format!("({})", c.sl_c.iter().map(|l| l.map_or("–".to_string(), |v| v.to_string())).collect::<Vec<_>>().join(", "));
                        view! {
                            <tr data-component=c.name.clone()>
                                <th scope="row">{c.name.clone()}</th>
                                <td>{c.component_type.as_str()}</td>
                                <td>{c.supplier.clone().unwrap_or_default()}</td>
                                <td>{format!("{} {}", c.product, c.version)}</td>
                                <td class:warn=c.past_end_of_support>
                                    {c.in_service_since.map(|d| format!("since {d} "))}
                                    {c.end_of_support.map(|d| format!("until {d}"))}
                                    {c.past_end_of_support.then_some(" (end of support passed)")}
                                </td>
                                <td>{sl_c}{c.assessment_id.map(|a| view! { " " <a href=format!("/assessments/{}", a.0)>"assessment"</a> })}</td>
                                <td>
                                    {c.legacy.then(|| view! { <span class="tag" data-testid="legacy">"legacy"</span> })}
                                    {c.below_target.then(|| view! { <span class="tag provisional">"below target"</span> })}
                                    {may_edit.then(|| view! {
                                        <ActionForm action=legacy attr:class="inline">
                                            <input type="hidden" name="component_id" value=id.clone()/>
                                            <input type="hidden" name="legacy" value=next/>
                                            <button type="submit" class="link">{if is_legacy { "Not legacy" } else { "Mark legacy" }}</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {action_error(legacy.value())}
            {let ccsc: Vec<_> = z.components.iter().flat_map(|c| c.supplier_countermeasures.iter().map(move |x| (c.name.clone(), c.supplier.clone().unwrap_or_default(), x.clone()))).collect();
             (!ccsc.is_empty()).then(|| view! {
                <h3>"Suppliers' compensating countermeasures (CCSC)"</h3>
                <p class="muted small">"Requirements the supplier answered as met with a compensating countermeasure in the assessment linked to the component."</p>
                <table class="table small" data-testid="supplier-countermeasures">
                    <thead><tr><th scope="col">"Component"</th><th scope="col">"Supplier"</th><th scope="col">"Requirement"</th><th scope="col">"Countermeasure"</th></tr></thead>
                    <tbody>
                        {ccsc.into_iter().map(|(component, supplier, x)| view! {
                            <tr>
                                <td>{component}</td>
                                <td>{supplier}</td>
                                <td>{x.requirement.clone()} " " <span class="muted">{x.title.clone()}</span>{x.fr.map(|f| format!(" (FR{f})"))}</td>
                                <td>{x.countermeasure.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
             })}
        </section>
        <section class="card" data-testid="countermeasures">
            <h2>"Compensating countermeasures"</h2>
            {let rows: Vec<_> = z.components.iter().flat_map(|c| c.countermeasures.iter().map(move |m| (c.name.clone(), m.clone()))).collect();
             if rows.is_empty() {
                Either::Left(view! { <p class="muted">"None recorded. Mark a component legacy to record one."</p> })
             } else {
                Either::Right(view! {
                    <table class="table small">
                        <thead><tr>
                            <th scope="col">"Component"</th><th scope="col">"Stands in for"</th><th scope="col">"What is done"</th><th scope="col">"Where"</th>
                            <th scope="col">"Carried by"</th><th scope="col">"Review"</th><th scope="col">"Residual gap"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|(component, m)| { let key = component.clone(); view! {
                                <tr data-countermeasure=key>
                                    <td>{component}</td>
                                    <td>{format!("FR {}", m.frs.iter().map(u8::to_string).collect::<Vec<_>>().join(", FR "))} " " {m.requirements.clone()}</td>
                                    <td>{m.description.clone()}</td>
                                    <td>{m.location.label()}{m.conduit.clone().map(|(_, n)| format!(": {n}"))}</td>
                                    <td>{m.responsible.clone()}{m.commitment.map(|c| format!(" · commitment {}", c.label().to_lowercase()))}</td>
                                    <td class:warn=m.review_overdue>
                                        {m.review_on.to_string()}
                                        {m.review_overdue.then_some(" (overdue)")}
                                        {m.reviews.first().map(|r| view! {
                                            <br/><span class="small muted" data-testid="last-review">{format!("Reviewed {} by {}: {}", r.reviewed_on, r.reviewed_by, r.finding)}</span>
                                        })}
                                        {(may_edit && m.commitment.is_none()).then(|| { let mid = m.id.to_string(); view! {
                                            <details class="small">
                                                <summary>"Record a review"</summary>
                                                <ActionForm action=review attr:class="stack" attr:data-testid="countermeasure-review-form">
                                                    <input type="hidden" name="countermeasure_id" value=mid/>
                                                    <label>"What the review found" <textarea name="finding" rows="2"></textarea></label>
                                                    {field_error(review.value(), "finding")}
                                                    <label>"Next review" <input type="date" name="next_review_on"/></label>
                                                    {field_error(review.value(), "next_review_on")}
                                                    <button type="submit" class="small">"Save review"</button>
                                                </ActionForm>
                                                {action_error(review.value())}
                                            </details>
                                        }})}
                                    </td>
                                    <td>{m.residual_gap.clone()}</td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                })
             }}
            {may_edit.then(|| {
                let legacy_components: Vec<(i64, String)> = z.components.iter().filter(|c| c.legacy).map(|c| (c.id, c.name.clone())).collect();
                let carriers = suppliers.clone();
                let conduit_choices: Vec<(i64, String)> = conduits.iter().map(|c| (c.id, c.name.clone())).collect();
                view! {
                    <details>
                        <summary>"Record a countermeasure"</summary>
                        <ActionForm action=measure attr:class="stack" attr:data-testid="countermeasure-form">
                            <label for="cm-component">"Legacy component"</label>
                            <select id="cm-component" name="component_id">
                                {legacy_components.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                            </select>
                            <label for="cm-frs">"Foundational requirements it stands in for"</label>
                            <input id="cm-frs" name="countermeasure[frs]" placeholder="FR3, FR4"/>
                            {field_error(measure.value(), "frs")}
                            <label for="cm-requirements">"Requirements (identifiers)"</label>
                            <input id="cm-requirements" name="countermeasure[requirements]" placeholder="CR 3.4, CR 4.1"/>
                            <label for="cm-description">"What is done"</label>
                            <textarea id="cm-description" name="countermeasure[description]" rows="2"></textarea>
                            {field_error(measure.value(), "description")}
                            <label for="cm-location">"Where"</label>
                            <select id="cm-location" name="countermeasure[location]">
                                {CountermeasureLocation::ALL.map(|l| view! { <option value=l.as_str()>{l.label()}</option> }).collect_view()}
                            </select>
                            <label for="cm-conduit">"Conduit (when on a conduit)"</label>
                            <select id="cm-conduit" name="countermeasure[conduit_id]">
                                <option value="">"—"</option>
                                {conduit_choices.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                            </select>
                            {field_error(measure.value(), "conduit_id")}
                            <label for="cm-responsible">"Carried by"</label>
                            <select id="cm-responsible" name="countermeasure[responsible_org_id]">
                                <option value="">"Your organization"</option>
                                {carriers.iter().map(|(id, n)| view! { <option value=id.0.to_string()>{n.clone()}</option> }).collect_view()}
                            </select>
                            {field_error(measure.value(), "responsible_org_id")}
                            <label for="cm-review">"Next review"</label>
                            <input id="cm-review" type="date" name="countermeasure[review_on]"/>
                            {field_error(measure.value(), "review_on")}
                            <label for="cm-residual">"Residual gap"</label>
                            <textarea id="cm-residual" name="countermeasure[residual_gap]" rows="2"></textarea>
                            <div class="form-end"><button type="submit" class="primary">"Record countermeasure"</button></div>
                        </ActionForm>
                        {action_error(measure.value())}
                    </details>
                }
            })}
        </section>
        {may_edit.then(|| view! {
            <section class="card">
                <h2>"Add a component"</h2>
                <ActionForm action=add attr:class="stack" attr:data-testid="component-form">
                    <input type="hidden" name="zone_id" value=z1/>
                    <label for="component-name">"Name"</label>
                    <input id="component-name" name="component[name]" required/>
                    {field_error(add.value(), "name")}
                    <label for="component-type">"Component type"</label>
                    <select id="component-type" name="component[component_type]">
                        {ComponentType::ALL.map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                    </select>
                    <label for="component-supplier">"Supplier"</label>
                    <select id="component-supplier" name="component[supplier_org_id]">
                        <option value="">"—"</option>
                        {suppliers.iter().map(|(id, n)| view! { <option value=id.0.to_string()>{n.clone()}</option> }).collect_view()}
                    </select>
                    {field_error(add.value(), "supplier_org_id")}
                    <label for="component-product">"Product"</label>
                    <input id="component-product" name="component[product]"/>
                    <label for="component-version">"Version"</label>
                    <input id="component-version" name="component[version]"/>
                    <label for="component-since">"In service since"</label>
                    <input id="component-since" type="date" name="component[in_service_since]"/>
                    {field_error(add.value(), "in_service_since")}
                    <label for="component-eos">"End of support"</label>
                    <input id="component-eos" type="date" name="component[end_of_support]"/>
                    {field_error(add.value(), "end_of_support")}
                    <label for="component-assessment">"Assessment that covers it"</label>
                    <select id="component-assessment" name="component[assessment_id]">
                        <option value="">"—"</option>
                        {assessments.iter().map(|(id, n)| view! { <option value=id.0.to_string()>{n.clone()}</option> }).collect_view()}
                    </select>
                    {field_error(add.value(), "assessment_id")}
                    <div class="form-end"><button type="submit" class="primary">"Add component"</button></div>
                </ActionForm>
                {action_error(add.value())}
                {saved_note(add.value(), "Component added ✓")}
            </section>
            <section class="card">
                <h2>"Target"</h2>
                <ActionForm action=target attr:class="inline" attr:data-testid="target-form">
                    <input type="hidden" name="zone_id" value=z2/>
                    <label for="zone-target">"SL-T per FR1–FR7"</label>
                    " "<input id="zone-target" name="sl_t" value=current title=SL_T_HINT/>
                    {field_error(target.value(), "sl_t")}
                    " "<button type="submit" class="small">"Save target"</button>
                </ActionForm>
                {saved_note(target.value(), "Saved ✓")}
            </section>
            <section class="card">
                <h2>"A profile for components of this zone"</h2>
                <p class="muted small">"IEC 62443-4-2 requirements for a component type, or 3-3 system requirements for the integrator's system, per foundational requirement at this zone's target for that FR; each item targets its FR's level. The profile is a draft you can edit, publish and send."</p>
                <ActionForm action=profile attr:class="stack" attr:data-testid="zone-profile-form">
                    <input type="hidden" name="zone_id" value=z3/>
                    <label for="profile-type">"Component type"</label>
                    <select id="profile-type" name="component_type">
                        {ComponentType::ALL.map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                        <option value="system">"The integrator's system (IEC 62443-3-3)"</option>
                    </select>
                    <label for="profile-name">"Profile name (optional)"</label>
                    <input id="profile-name" name="name"/>
                    {field_error(profile.value(), "name")}
                    <div class="form-end"><button type="submit" class="primary">"Create profile"</button></div>
                </ActionForm>
                {action_error(profile.value())}
                {move || profile.value().get().and_then(|r| r.ok()).map(|p| view! {
                    <p role="status" data-testid="zone-profile-created">"Profile created ✓ " <a href=format!("/profiles/{}", p.0)>"Open it"</a></p>
                })}
            </section>
        })}
    }
}
