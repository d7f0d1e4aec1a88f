//! The asset owner's own security program (IEC 62443-2-1:2024): the
//! roll-up per element (chart and table, same numbers), every program
//! requirement with its rating, and one requirement's rating form, history,
//! trace and suppliers.

use super::reviewing::level_chart_svg;
use crate::api::program::{
    program_requirement, security_program, RateProgramRequirement, SetProgramTrace,
};
use crate::components::{action_error, field_error, saved_note, ErrorBox};
use crate::model::{CarriedBy, ProgramRequirementDto, SpeRollup, SupplierCoverage};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `ORG 1.1` in a path: `ORG-1.1`.
pub fn program_slug(ref_id: &str) -> String {
    ref_id.replacen(' ', "-", 1)
}

fn from_slug(slug: &str) -> String {
    slug.replacen('-', " ", 1)
}

fn ml(v: Option<i16>) -> String {
    v.map_or_else(|| "—".to_string(), |l| format!("ML{l}"))
}

fn mean(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |m| format!("{m:.1}"))
}

fn provisional(verified: bool) -> impl IntoView {
    (!verified).then(|| view! { <span class="tag provisional" title="Only one source supports this identifier and title">"provisional"</span> })
}

fn chart(elements: &[SpeRollup]) -> (String, String) {
    let bars: Vec<(String, f64, f64)> = elements
        .iter()
        .filter(|e| e.rated > 0)
        .map(|e| {
            (
                e.spe.clone(),
                e.mean_target.unwrap_or(0.0),
                e.mean_achieved.unwrap_or(0.0),
            )
        })
        .collect();
    let words = bars
        .iter()
        .map(|(s, t, a)| format!("{s}: mean target {t:.1}, mean achieved {a:.1}"))
        .collect::<Vec<_>>()
        .join("; ");
    (
        level_chart_svg(
            &bars,
            "Mean target and achieved maturity per element",
            ("target", "achieved"),
        ),
        if bars.is_empty() {
            "No requirement is rated yet.".to_string()
        } else {
            format!("The chart shows, per element: {words}.")
        },
    )
}

fn suppliers_table(list: Vec<SupplierCoverage>, testid: &'static str) -> impl IntoView {
    if list.is_empty() {
        return Either::Left(
            view! { <p class="muted small" data-testid=testid>"No supplier has answered or committed on the traced requirements yet."</p> },
        );
    }
    Either::Right(view! {
        <table class="table small" data-testid=testid>
            <thead><tr>
                <th scope="col">"Supplier"</th><th scope="col">"Answered"</th><th scope="col">"Met"</th>
                <th scope="col">"Gaps"</th><th scope="col">"Open commitments"</th><th scope="col">"Overdue"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|s| {
                    let (gaps, overdue) = (s.gaps > 0, s.overdue_commitments > 0);
                    view! {
                        <tr>
                            <td>{s.supplier}</td><td>{s.answered}</td><td>{s.met}</td>
                            <td class:warn=gaps>{s.gaps}</td>
                            <td>{s.open_commitments}</td>
                            <td class:warn=overdue>{s.overdue_commitments}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    })
}

#[component]
pub fn ProgramPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| security_program());
    view! {
        <Title text="Security program"/>
        <h1>"Security program"</h1>
        <p class="muted">
            "Your organization's own program under IEC 62443-2-1:2024: rate each requirement by maturity (ML1–ML4), name who owns it, and see what your suppliers answered and promised on the supplier-side requirements traced to it. Identifiers and short titles only; buy the standard for its text."
        </p>
        <p class="actions">
            <a class="button" href="/program/0/export/xlsx" data-testid="program-xlsx" download>"Export ratings (.xlsx)"</a>
            " "<a class="button" href="/program/0/export/csv" data-testid="program-csv" download>"Export ratings (CSV)"</a>
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(p) => {
                        let (svg, words) = chart(&p.elements);
                        Either::Right(view! {
                            <section class="card">
                                <h2>"Maturity per security program element"</h2>
                                <div class="chart" inner_html=svg data-testid="program-chart"></div>
                                <p class="sr-only" data-testid="program-chart-text">{words}</p>
                                <table class="table small" data-testid="program-rollup">
                                    <thead><tr>
                                        <th scope="col">"Element"</th><th scope="col">"Requirements"</th><th scope="col">"Rated"</th>
                                        <th scope="col">"Mean target"</th><th scope="col">"Mean achieved"</th><th scope="col">"Below target"</th>
                                        <th scope="col">"Suppliers answering"</th><th scope="col">"Supplier gaps"</th><th scope="col">"Open / overdue commitments"</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.elements.clone().into_iter().map(|e| {
                                            let gaps: u32 = e.suppliers.iter().map(|s| s.gaps).sum();
                                            let open: u32 = e.suppliers.iter().map(|s| s.open_commitments).sum();
                                            let overdue: u32 = e.suppliers.iter().map(|s| s.overdue_commitments).sum();
                                            let answering = e.suppliers.iter().filter(|s| s.answered > 0).count();
                                            let short = e.below_target > 0;
                                            view! {
                                                <tr data-spe=e.spe.clone()>
                                                    <th scope="row">{format!("{} {}", e.spe, e.title)}</th>
                                                    <td>{e.requirements}</td><td>{e.rated}</td>
                                                    <td>{mean(e.mean_target)}</td><td>{mean(e.mean_achieved)}</td>
                                                    <td class:warn=short>{e.below_target}</td>
                                                    <td>{answering}</td><td>{gaps}</td>
                                                    <td>{format!("{open} / {overdue}")}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            {p.elements.into_iter().map(|e| {
                                let rows: Vec<_> = p.rows.iter().filter(|r| r.spe == e.spe).cloned().collect();
                                view! {
                                    <section class="card" data-testid="program-element">
                                        <h2>{format!("{} {}", e.spe, e.title)}</h2>
                                        <table class="table small">
                                            <thead><tr>
                                                <th scope="col">"Requirement"</th><th scope="col">"Target"</th><th scope="col">"Achieved"</th>
                                                <th scope="col">"Owner"</th><th scope="col">"Carried"</th><th scope="col">"Traced"</th>
                                            </tr></thead>
                                            <tbody>
                                                {rows.into_iter().map(|r| {
                                                    let short = r.rated().is_some_and(|(t, a)| a < t);
                                                    view! {
                                                        <tr data-ref=r.ref_id.clone()>
                                                            <td><a href=format!("/program/{}", program_slug(&r.ref_id))>{format!("{} {}", r.ref_id, r.title)}</a> " " {provisional(r.verified)}</td>
                                                            <td>{ml(r.target_ml)}</td>
                                                            <td class:warn=short>{ml(r.achieved_ml)}</td>
                                                            <td>{r.owner.unwrap_or_default()}</td>
                                                            <td>{r.carried_by.label()}</td>
                                                            <td>{r.traced}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        <details>
                                            <summary>"Suppliers on this element's traced requirements"</summary>
                                            {suppliers_table(e.suppliers, "element-suppliers")}
                                        </details>
                                    </section>
                                }
                            }).collect_view()}
                        })
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ProgramRequirementPage() -> impl IntoView {
    let params = use_params_map();
    let ref_id = move || from_slug(&params.read().get("ref").unwrap_or_default());
    let rate = ServerAction::<RateProgramRequirement>::new();
    let trace = ServerAction::<SetProgramTrace>::new();
    let data = Resource::new(
        move || (ref_id(), rate.version().get(), trace.version().get()),
        |(r, ..)| program_requirement(r),
    );
    view! {
        <p><a href="/program">"← Security program"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Security program"/><ErrorBox error=e/> }),
                    Ok(d) => Either::Right(requirement_view(d, rate, trace)),
                }
            })}
        </Suspense>
    }
}

fn level_select(name: &'static str, id: &'static str, current: Option<i16>) -> impl IntoView {
    view! {
        <select name=name id=id>
            <option value="" selected=current.is_none()>"Not rated"</option>
            {(1..=4).map(|l| view! { <option value=l.to_string() selected=current == Some(l)>{format!("ML{l}")}</option> }).collect_view()}
        </select>
    }
}

fn requirement_view(
    d: ProgramRequirementDto,
    rate: ServerAction<RateProgramRequirement>,
    trace: ServerAction<SetProgramTrace>,
) -> impl IntoView {
    let r = d.row.clone();
    let suggested = CarriedBy::from_trace(d.trace.iter().map(|t| t.part.as_str()));
    let trace_text = d
        .trace
        .iter()
        .map(|t| format!("{} {}", t.part, t.ref_id))
        .collect::<Vec<_>>()
        .join("\n");
    let title = format!("{} {}", r.ref_id, r.title);
    let (ref_rate, ref_trace, ref_reset) = (r.ref_id.clone(), r.ref_id.clone(), r.ref_id.clone());
    view! {
        <Title text=title.clone()/>
        <h1 data-testid="program-requirement">{title} " " {provisional(r.verified)}</h1>
        <p class="muted">{format!("{} {} · {} {}", r.spe, r.spe_title, r.group, r.group_title)}</p>
        <p class="muted small">{d.description.clone()}</p>
        <section class="card" data-testid="rating">
            <h2>"Rating"</h2>
            <p>
                {format!("Target {} · achieved {}", ml(r.target_ml), ml(r.achieved_ml))}
                {r.owner.clone().map(|o| format!(" · owned by {o}"))}
                {format!(" · {}", r.carried_by.label())}
            </p>
            {d.may_rate.then(|| view! {
                <ActionForm action=rate attr:class="stack" attr:data-testid="rating-form">
                    <input type="hidden" name="ref_id" value=ref_rate/>
                    <input type="hidden" name="version" value=d.version.to_string()/>
                    <div class="row">
                        <label for="target_ml">"Target maturity"</label>
                        {level_select("rating[target_ml]", "target_ml", r.target_ml)}
                        {field_error(rate.value(), "target_ml")}
                        <label for="achieved_ml">"Achieved maturity"</label>
                        {level_select("rating[achieved_ml]", "achieved_ml", r.achieved_ml)}
                        {field_error(rate.value(), "achieved_ml")}
                    </div>
                    <label for="owner_user_id">"Owner in your organization"</label>
                    <select name="rating[owner_user_id]" id="owner_user_id">
                        <option value="" selected=d.owner_user_id.is_none()>"Nobody yet"</option>
                        {d.members.iter().map(|(id, name)| view! {
                            <option value=id.0.to_string() selected=d.owner_user_id == Some(*id)>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                    {field_error(rate.value(), "owner_user_id")}
                    <label for="carried_by">"Who helps carry it"</label>
                    <select name="rating[carried_by]" id="carried_by">
                        <option value="" selected=d.carried_by_choice.is_none()>{format!("As the trace suggests ({})", suggested.label().to_lowercase())}</option>
                        {CarriedBy::ALL.map(|c| view! { <option value=c.as_str() selected=d.carried_by_choice == Some(c)>{c.label()}</option> }).collect_view()}
                    </select>
                    {field_error(rate.value(), "carried_by")}
                    <label for="evidence">"Evidence (documents, links, where to find them)"</label>
                    <textarea name="rating[evidence]" id="evidence" rows="3">{d.evidence.clone()}</textarea>
                    {field_error(rate.value(), "evidence")}
                    <label for="note">"Note"</label>
                    <textarea name="rating[note]" id="note" rows="3">{d.note.clone()}</textarea>
                    {field_error(rate.value(), "note")}
                    <div class="form-end"><button type="submit" class="primary">"Save rating"</button></div>
                </ActionForm>
                {action_error(rate.value())}
                {saved_note(rate.value(), "Rating saved ✓")}
            })}
        </section>
        <section class="card" data-testid="rating-history">
            <h2>"History"</h2>
            {if d.history.is_empty() {
                Either::Left(view! { <p class="muted">"Not rated yet."</p> })
            } else {
                Either::Right(view! {
                    <table class="table small">
                        <thead><tr>
                            <th scope="col">"Version"</th><th scope="col">"Saved"</th><th scope="col">"By"</th>
                            <th scope="col">"Target"</th><th scope="col">"Achieved"</th><th scope="col">"Owner"</th><th scope="col">"Note"</th>
                        </tr></thead>
                        <tbody>
                            {d.history.iter().map(|v| view! {
                                <tr>
                                    <td>{v.version}</td><td>{v.saved_at.clone()}</td><td>{v.saved_by.clone()}</td>
                                    <td>{ml(v.target_ml)}</td><td>{ml(v.achieved_ml)}</td>
                                    <td>{v.owner.clone().unwrap_or_default()}</td><td>{v.note.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            }}
        </section>
        <section class="card" data-testid="trace">
            <h2>{format!("Traced supplier-side requirements ({})", d.trace.len())}</h2>
            <p class="muted small" data-testid="trace-origin">
                {if d.trace_edited {
                    "Your organization's trace."
                } else {
                    "Pactline's starting trace: our own mapping by topic, not the standard's. Edit it to fit your program."
                }}
            </p>
            <table class="table small">
                <thead><tr><th scope="col">"Part"</th><th scope="col">"Requirement"</th><th scope="col">"Title"</th></tr></thead>
                <tbody>
                    {d.trace.iter().map(|t| view! {
                        <tr><td>{format!("62443-{}", t.part)}</td><td>{t.ref_id.clone()}</td><td>{t.title.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {d.may_rate.then(|| view! {
                <details>
                    <summary>"Edit the trace"</summary>
                    <ActionForm action=trace attr:class="stack" attr:data-testid="trace-form">
                        <input type="hidden" name="ref_id" value=ref_trace/>
                        <label for="trace-lines">"One requirement per line: the part, then the identifier (e.g. 4-2 CR 3.10, 2-4 SP.11.01 BR, 4-1 SUM-1)"</label>
                        <textarea name="trace" id="trace-lines" rows="10">{trace_text.clone()}</textarea>
                        {field_error(trace.value(), "trace")}
                        <div class="form-end"><button type="submit" class="primary">"Save trace"</button></div>
                    </ActionForm>
                    {d.trace_edited.then(|| view! {
                        <ActionForm action=trace attr:class="inline">
                            <input type="hidden" name="ref_id" value=ref_reset/>
                            <input type="hidden" name="reset" value="yes"/>
                            <button type="submit" class="link" data-testid="trace-reset">"Go back to Pactline's starting trace"</button>
                        </ActionForm>
                    })}
                    {action_error(trace.value())}
                    {saved_note(trace.value(), "Trace saved ✓")}
                </details>
            })}
        </section>
        <section class="card">
            <h2>"Suppliers on the traced requirements"</h2>
            <p class="muted small">"Per supplier, from its latest assessment's answers and its open commitments on the requirements above."</p>
            {suppliers_table(d.suppliers.clone(), "requirement-suppliers")}
        </section>
    }
}
