//! The home-page dashboards: the asset owner's portfolio and what a
//! supplier owes.

use crate::api::commitments::{get_owed, get_portfolio};
use crate::components::ErrorBox;
use leptos::{either::Either, prelude::*};

/// The asset owner's portfolio on the home page.
#[component]
pub fn PortfolioView() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_portfolio());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(p) => Either::Right(view! {
                        <section class="card" data-testid="portfolio">
                            <h2>"Portfolio"</h2>
                            <dl class="stats">
                                <div><dt>"Suppliers with assessments"</dt><dd data-testid="stat-portfolio-suppliers">{p.suppliers}</dd></div>
                                <div><dt>"Open commitments"</dt><dd data-testid="stat-open-commitments">{p.open_commitments}</dd></div>
                                <div><dt>"Overdue"</dt><dd data-testid="stat-overdue-commitments" class:warn={p.overdue_commitments > 0}>{p.overdue_commitments}</dd></div>
                            </dl>
                            <h3>"Assessments by status"</h3>
                            <ul class="status-counts" data-testid="by-status">
                                {p.by_status.iter().filter(|(_, n)| *n > 0).map(|(s, n)| view! { <li><span class=format!("status {}", s.as_str())>{s.label()}</span>" "<strong>{*n}</strong></li> }).collect_view()}
                            </ul>
                        </section>
                        <section class="card" data-testid="attention">
                            <h2>"Needs your attention this week"</h2>
                            {if p.attention.is_empty() {
                                Either::Left(view! { <p class="muted">"Nothing due this week."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="attention">
                                        {p.attention.iter().map(|a| view! {
                                            <li class:overdue=a.overdue>
                                                <a href=a.link.clone()>{a.what.clone()}</a>
                                                <span class="small muted">{format!(" · {}", a.detail)}</span>
                                                {a.due_on.map(|d| view! { <span class="small">{format!(" · due {d}")}</span> })}
                                                {a.overdue.then(|| view! { <span class="badge warn">"overdue"</span> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                })
                            }}
                        </section>
                        {(!p.renewals.is_empty()).then(|| view! {
                            <section class="card" data-testid="renewals">
                                <h2>"Due for renewal"</h2>
                                <ul class="attention">
                                    {p.renewals.iter().map(|r| view! {
                                        <li class:overdue=r.soon data-renewal=r.supplier.clone()>
                                            <a href=format!("/assessments/{}", r.assessment.0)>{format!("{} · {}", r.supplier, r.profile)}</a>
                                            <span class="small">{format!(" · next due {}", r.renews_on)}</span>
                                            {match r.opened {
                                                Some(next) => Either::Left(view! { " · "<a class="small" href=format!("/assessments/{}", next.0)>"renewal open"</a> }),
                                                None => Either::Right(r.soon.then(|| view! { <span class="badge warn">"due soon"</span> })),
                                            }}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        })}
                        <section class="card">
                            <h2>"Level gaps by supplier"</h2>
                            <p class="small muted">{format!("Levels missing per group (FR, SP area, practice) in submitted answers, largest gaps first: {} of {} suppliers shown.", p.heatmap.len(), p.heatmap_suppliers)}</p>
                            {if p.heatmap.is_empty() {
                                Either::Left(view! { <p class="muted">"No submitted answers yet."</p> })
                            } else {
                                Either::Right(view! {
                                    <div class="scroll">
                                    <table class="table heatmap" data-testid="heatmap">
                                        <thead><tr><th scope="col">"Supplier"</th>{p.groups.iter().map(|g| view! { <th scope="col">{g.clone()}</th> }).collect_view()}<th scope="col">"Total"</th></tr></thead>
                                        <tbody>
                                            {p.heatmap.iter().map(|r| view! {
                                                <tr>
                                                    <th scope="row">{r.supplier.clone()}</th>
                                                    {r.gaps.iter().map(|g| match g {
                                                        None => Either::Left(view! { <td class="heat-none">"·"</td> }),
                                                        Some(g) => Either::Right(view! { <td class=format!("heat-{}", (*g).min(4))>{*g}</td> }),
                                                    }).collect_view()}
                                                    <td><strong>{r.total}</strong></td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    </div>
                                })
                            }}
                        </section>
                    }),
                }
            })}
        </Suspense>
    }
}

/// What a supplier owes, on its home page.
#[component]
pub fn OwedView() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_owed());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(list) => Either::Right(view! {
                        <section class="card" data-testid="owed">
                            <h2>"What you owe"</h2>
                            {if list.is_empty() {
                                Either::Left(view! { <p class="muted">"Nothing open: no questionnaires to answer and no open commitments."</p> })
                            } else {
                                Either::Right(view! {
                                    <table class="table">
                                        <thead><tr><th scope="col">"Asset owner"</th><th scope="col">"Questionnaires to answer"</th><th scope="col">"Open commitments"</th></tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|o| view! {
                                                <tr data-owner=o.owner.clone()>
                                                    <th scope="row">{o.owner.clone()}</th>
                                                    <td>{if o.assessments_open == 0 { "none".to_string() } else { format!("{}{}", o.assessments_open, o.next_assessment_due.map(|d| format!(", next due {d}")).unwrap_or_default()) }}</td>
                                                    <td>
                                                        {if o.commitments.is_empty() { Either::Left("none") } else { Either::Right(view! {
                                                            <ul class="plain">
                                                                {o.commitments.iter().map(|c| view! {
                                                                    <li class:overdue=c.overdue>{c.title.clone()}<span class="small muted">{format!(" · {} · due {}", c.status_label(), c.due_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into()))}</span></li>
                                                                }).collect_view()}
                                                            </ul>
                                                        }) }}
                                                    </td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <p><a href="/commitments">"All commitments"</a></p>
                                })
                            }}
                        </section>
                    }),
                }
            })}
        </Suspense>
    }
}
