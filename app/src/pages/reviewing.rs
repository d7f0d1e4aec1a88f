//! The asset owner's review on the assessment page: verdicts per answer,
//! comment threads, the gap analysis and the decision.

use crate::api::reviews::{
    list_comments, AddComment, BeginReview, DecideAssessment, RequestChanges, ReviewAnswer,
};
use crate::components::{action_error, field_error};
use crate::model::{
    AssessmentId, AssessmentStatus, CommentDto, ReviewStatus, Side, TargetKind, Visibility,
};
use leptos::{either::Either, prelude::*};
use leptos_router::hooks::use_params_map;

/// The review of one answer: its comment thread and, for the asset owner's
/// reviewers, the verdict.
#[component]
pub(crate) fn ReviewPanel(
    answer: crate::model::AnswerId,
    review: RwSignal<Option<ReviewStatus>>,
    side: Side,
    abilities: crate::model::AssessmentAbilities,
) -> impl IntoView {
    let reviewer = abilities.review;
    let writer = abilities.comment;
    let verdict = ServerAction::<ReviewAnswer>::new();
    let chosen = RwSignal::new(None::<ReviewStatus>);
    let comment = ServerAction::<AddComment>::new();
    let params = use_params_map();
    let aid =
        params.with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let thread = Resource::new(
        move || comment.version().get(),
        move |_| list_comments(AssessmentId(aid)),
    );
    Effect::new(move |_| {
        if let Some(Ok(())) = verdict.value().get() {
            review.set(chosen.get_untracked());
        }
    });
    // The comment box empties once its comment is posted, and cannot post
    // twice while one is on its way.
    let text = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = comment.value().get() {
            text.set(String::new());
        }
    });
    let key = answer.0;
    view! {
        <section class="review" data-testid="review-panel">
            <h4>"Review"</h4>
            {reviewer.then(|| view! {
                <div class="actions">
                    {ReviewStatus::ALL.into_iter().map(|v| view! {
                        <button type="button" class="verdict"
                            aria-pressed=move || if review.get() == Some(v) { "true" } else { "false" }
                            disabled=move || verdict.pending().get()
                            on:click=move |_| { chosen.set(Some(v)); verdict.dispatch(ReviewAnswer { answer_id: answer, status: v.as_str().into() }); }>{match v {
                            ReviewStatus::Accepted => "Accept answer",
                            ReviewStatus::Rejected => "Reject answer",
                            ReviewStatus::ClarificationRequested => "Ask for clarification",
                        }}</button>
                    }).collect_view()}
                </div>
                {action_error(verdict.value())}
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list: Vec<CommentDto> = thread.await.unwrap_or_default().into_iter().filter(|c| c.answer_id == answer).collect();
                    view! {
                        <ol class="thread" data-testid="thread">
                            {list.into_iter().map(|c| view! {
                                <li class=format!("comment {}", c.visibility.as_str())>
                                    <div class="small muted">{format!("{} ({}) · {} · {}", c.author, c.organization, c.at, if c.visibility == Visibility::Internal { "internal" } else { "shared" })}</div>
                                    <p>{c.body}</p>
                                </li>
                            }).collect_view()}
                        </ol>
                    }
                })}
            </Suspense>
            {writer.then(|| view! {
                <ActionForm action=comment attr:class="grid-form">
                    <input type="hidden" name="answer_id" value=key.to_string()/>
                    <div class="wide">
                        <label for=format!("comment-{key}")>"Comment"</label>
                        <textarea id=format!("comment-{key}") name="body" rows="4" required maxlength="5000"
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    {match side {
                        Side::Owner => Either::Left(view! {
                            <div>
                                <label for=format!("visibility-{key}")>"Visible to"</label>
                                <select id=format!("visibility-{key}") name="visibility">
                                    <option value="internal">"Our organization only (internal)"</option>
                                    <option value="shared">"Also the supplier (shared)"</option>
                                </select>
                            </div>
                        }),
                        Side::Assessor => Either::Right(Either::Left(view! {
                            <input type="hidden" name="visibility" value="internal"/>
                            <p class="small muted">"Internal: the asset owner reads it, the supplier never does."</p>
                        })),
                        Side::Supplier => Either::Right(Either::Right(view! { <input type="hidden" name="visibility" value="shared"/> })),
                    }}
                    <div class="form-end"><button type="submit" disabled=move || comment.pending().get()>"Add comment"</button></div>
                </ActionForm>
                {action_error(comment.value())}
            })}
        </section>
    }
}

/// The asset owner's review controls and gap analysis for the assessment.
#[component]
pub(crate) fn OwnerReview(
    assessment: i64,
    reviewer: bool,
    status: AssessmentStatus,
    decision: Option<String>,
    gap: crate::model::GapAnalysis,
    begin: ServerAction<BeginReview>,
    changes: ServerAction<RequestChanges>,
    decide: ServerAction<DecideAssessment>,
) -> impl IntoView {
    let id = assessment.to_string();
    view! {
        <section class="card" data-testid="owner-review">
            <h2>"Review"</h2>
            {decision.map(|d| view! { <p data-testid="decision">"Decision rationale: " {d}</p> })}
            {(reviewer && status == AssessmentStatus::Submitted).then(|| { let id = id.clone(); view! {
                <ActionForm action=begin attr:class="inline">
                    <input type="hidden" name="assessment_id" value=id/>
                    <button type="submit" class="primary">"Start review"</button>
                </ActionForm>
            }})}
            {(reviewer && status == AssessmentStatus::UnderReview).then(|| { let id = id.clone(); let id2 = id.clone(); view! {
                <p class="muted small">"Open each answer to accept it, reject it or ask for clarification; comments are internal unless you share them."</p>
                <ActionForm action=changes attr:class="inline">
                    <input type="hidden" name="assessment_id" value=id/>
                    <button type="submit">"Send back for changes"</button>
                </ActionForm>
                {action_error(changes.value())}
                <h3>"Decision"</h3>
                <ActionForm action=decide attr:class="grid-form">
                    <input type="hidden" name="assessment_id" value=id2/>
                    <div>
                        <label for="decision">"Decision"</label>
                        <select id="decision" name="decision">
                            <option value="accept">"Accept"</option>
                            <option value="accept_with_conditions">"Accept with conditions"</option>
                            <option value="reject">"Reject"</option>
                        </select>
                    </div>
                    <div class="wide">
                        <label for="rationale">"Rationale"</label>
                        <textarea id="rationale" name="rationale" rows="3" required></textarea>
                        {field_error(decide.value(), "rationale")}
                    </div>
                    <div class="wide">
                        <label for="conditions">"Conditions (one per line, optionally “| YYYY-MM-DD”)"</label>
                        <textarea id="conditions" name="conditions" rows="3"></textarea>
                        {field_error(decide.value(), "conditions")}
                    </div>
                    <div class="wide">
                        {field_error(decide.value(), "despite_open")}
                        <label class="choice"><input type="checkbox" name="despite_open" value="yes" data-testid="despite-open"/>
                            " Decide anyway, even if answers are not reviewed or await clarification"</label>
                    </div>
                    <div class="form-end"><button type="submit" class="primary">"Record decision"</button></div>
                </ActionForm>
                {action_error(decide.value())}
            }})}
            <details open data-testid="gap">
                <summary>"Gap analysis"</summary>
                {gap_view(gap)}
            </details>
        </section>
    }
}

/// Required versus reached level per group as an SVG bar chart, written as
/// markup on the server (no script, printable), with the same numbers in a
/// table next to it.
pub fn gap_chart_svg(groups: &[crate::model::GroupGap]) -> String {
    let bars: Vec<(String, f64, f64)> = groups
        .iter()
        .map(|g| (g.group.clone(), f64::from(g.required), f64::from(g.reached)))
        .collect();
    level_chart_svg(
        &bars,
        "Required and reached level per group",
        ("required", "reached"),
    )
}

/// Two bars per group on the 0–4 level scale (a required or target level
/// and a reached one), as SVG markup; the reached bar is marked short when
/// below the other. `words` names the two bars in the legend.
pub fn level_chart_svg(bars: &[(String, f64, f64)], title: &str, words: (&str, &str)) -> String {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let w = 60 * bars.len().max(1) + 40;
    let h = 180;
    let y = |level: f64| 150 - (level * 30.0).round() as i32;
    let height = |level: f64| (level * 30.0).round() as i32;
    let label = bars
        .iter()
        .map(|(g, a, b)| format!("{g}: {} {a}, {} {b}", words.0, words.1))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = format!(
        r#"<svg class="gap-chart" role="img" aria-label="{}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(&format!("{title}: {label}")),
        esc(title)
    );
    for l in 1..=4 {
        out.push_str(&format!(
            r#"<line x1="30" x2="{}" y1="{y}" y2="{y}" class="grid"/><text x="22" y="{}" class="axis" text-anchor="end">{l}</text>"#,
            w - 5,
            y(f64::from(l)) + 4,
            y = y(f64::from(l))
        ));
    }
    for (i, (group, required, reached)) in bars.iter().enumerate() {
        let x = 40 + i as i32 * 60;
        out.push_str(&format!(
            r#"<rect x="{x}" y="{}" width="20" height="{}" class="required"/><rect x="{}" y="{}" width="20" height="{}" class="{}"/><text x="{}" y="168" class="axis" text-anchor="middle">{}</text>"#,
            y(*required),
            height(*required),
            x + 22,
            y(*reached),
            height(*reached),
            if reached < required { "reached short" } else { "reached" },
            x + 21,
            esc(group)
        ));
    }
    // The legend: what the two bars are.
    let lx = 30;
    out.push_str(&format!(
        r#"<g class="legend"><rect x="{lx}" y="2" width="10" height="10" class="required"/><text x="{}" y="11" class="axis">{}</text><rect x="{}" y="2" width="10" height="10" class="reached"/><text x="{}" y="11" class="axis">{}</text></g>"#,
        lx + 14,
        esc(words.0),
        lx + 80,
        lx + 94,
        esc(words.1)
    ));
    out.push_str("</svg>");
    out
}

/// The chart in words, for screen readers (the table below has the same).
fn chart_text(groups: &[crate::model::GroupGap]) -> String {
    let parts: Vec<String> = groups
        .iter()
        .map(|g| {
            format!(
                "{}: required {}, reached {}",
                g.group,
                g.kind.label(g.required),
                g.kind.reached_label(g.reached)
            )
        })
        .collect();
    format!("The chart shows, per group: {}.", parts.join("; "))
}

fn gap_view(g: crate::model::GapAnalysis) -> impl IntoView {
    let sl: Vec<_> = g
        .groups
        .iter()
        .filter(|x| x.kind == TargetKind::Sl)
        .cloned()
        .collect();
    let ml: Vec<_> = g
        .groups
        .iter()
        .filter(|x| x.kind == TargetKind::Ml)
        .cloned()
        .collect();
    view! {
        <p data-testid="score"><strong>{match g.score { Some(s) => format!("Weighted score: {s:.1} / 100"), None => "Weighted score: nothing to count".into() }}</strong></p>
        {(!sl.is_empty()).then(|| view! { <h4>"SL-T required vs SL-C reached, per foundational requirement"</h4> <div class="chart" inner_html=gap_chart_svg(&sl)></div> <p class="sr-only" data-testid="gap-chart-text">{chart_text(&sl)}</p> })}
        {(!ml.is_empty()).then(|| view! { <h4>"Target vs reached maturity, per area or practice"</h4> <div class="chart" inner_html=gap_chart_svg(&ml)></div> <p class="sr-only">{chart_text(&ml)}</p> })}
        <table class="table small" data-testid="gap-table">
            <thead><tr><th scope="col">"Group"</th><th scope="col">"Required"</th><th scope="col">"Reached"</th><th scope="col">"Items"</th></tr></thead>
            <tbody>{g.groups.iter().map(|x| view! { <tr><td>{x.group.clone()}</td><td>{x.kind.label(x.required)}</td><td>{x.kind.reached_label(x.reached)}</td><td>{x.items}</td></tr> }).collect_view()}</tbody>
        </table>
        <h4>{format!("Unmet ({})", g.unmet.len())}</h4>
        <ul data-testid="unmet">{g.unmet.iter().map(|(r, why)| view! { <li><code>{r.clone()}</code>" — "{why.clone()}</li> }).collect_view()}</ul>
        <h4>{format!("Compensating countermeasures to scrutinize ({})", g.compensated.len())}</h4>
        <ul>{g.compensated.iter().map(|r| view! { <li><code>{r.clone()}</code></li> }).collect_view()}</ul>
        <details>
            <summary>"How the score is computed"</summary>
            <p class="small">"Each counted item earns a credit: meets = reached level ÷ target (at most 1); meets with a compensating countermeasure = 0.75 × that; partially meets = 0.5; planned = 0.25; does not meet or no answer = 0. Not applicable, met by another party and weight-0 items do not count. Score = Σ(weight × credit) ÷ Σ(weight) × 100. A group's reached level is the lowest level any of its counted items reaches."</p>
            <table class="table small" data-testid="score-lines">
                <thead><tr><th scope="col">"Item"</th><th scope="col">"Weight"</th><th scope="col">"Credit"</th><th scope="col">"Why"</th></tr></thead>
                <tbody>{g.lines.into_iter().map(|l| view! { <tr><td>{l.ref_id}</td><td>{l.weight}</td><td>{l.credit.map(|c| format!("{c:.2}")).unwrap_or_else(|| "—".into())}</td><td>{l.why}</td></tr> }).collect_view()}</tbody>
            </table>
        </details>
    }
}
