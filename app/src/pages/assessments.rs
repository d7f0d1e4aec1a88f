//! Assessments: the inbox (a supplier's questionnaires from every asset
//! owner, or an asset owner's sent ones) and one assessment, where the
//! supplier answers with autosave and evidence, and the owner follows it.

use super::engagements::progress_bar;
use crate::api::engagements::{
    answer_history, apply_answer_sheet, get_assessment, list_assessments, preview_answer_sheet,
    upload_evidence, AddEvidenceCertificate, AddEvidenceLink, AssignAnswer, ChangeAssessment,
    PrefillAnswers, RemoveEvidence, SaveAnswer, SubmitAssessment,
};
use crate::api::reviews::{
    list_comments, AddComment, BeginReview, DecideAssessment, RequestChanges, ReviewAnswer,
};
use crate::components::{action_error, field_error, submit_upload, ErrorBox, ImportErrors};
use crate::model::{
    AnswerDto, AnswerFields, AppError, AssessmentId, AssessmentStatus, CommentDto, Compliance,
    EvidenceDto, ReviewStatus, SaveOutcome, Side, TargetKind, Visibility,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AssessmentsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_assessments());
    view! {
        <Title text="Assessments"/>
        <h1>"Assessments"</h1>
        <p class="muted">"Security questionnaires your organization was sent, or sent, with their progress and due dates."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(rows) if rows.is_empty() => Either::Right(Either::Left(view! { <p class="muted">"No assessments yet."</p> })),
                    Ok(rows) => Either::Right(Either::Right(view! {
                        <table class="table" data-testid="inbox">
                            <thead><tr><th scope="col">"Questionnaire"</th><th scope="col">"From → to"</th><th scope="col">"Status"</th><th scope="col">"Progress"</th><th scope="col">"Due"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|a| view! {
                                    <tr>
                                        <td><a href=format!("/assessments/{}", a.id.0)>{format!("{} (v{})", a.profile, a.profile_version)}</a><div class="muted small">{a.engagement.clone()}</div></td>
                                        <td>{format!("{} → {}", a.owner, a.supplier)}</td>
                                        <td><span class=format!("status {}", a.status.as_str())>{a.status.label()}</span></td>
                                        <td>{progress_bar(&a)}</td>
                                        <td>{a.due_on.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })),
                }
            })}
        </Suspense>
    }
}

fn compliance_label(f: &AnswerFields) -> &'static str {
    f.compliance.map(|c| c.label()).unwrap_or("Not answered")
}

#[component]
pub fn AssessmentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let submit = ServerAction::<SubmitAssessment>::new();
    let change = ServerAction::<ChangeAssessment>::new();
    let prefill = ServerAction::<PrefillAnswers>::new();
    let apply =
        Action::new_local(|data: &web_sys::FormData| apply_answer_sheet(data.clone().into()));
    let begin = ServerAction::<BeginReview>::new();
    let changes = ServerAction::<RequestChanges>::new();
    let decide = ServerAction::<DecideAssessment>::new();
    let data = Resource::new(
        move || {
            (
                id(),
                submit.version().get(),
                change.version().get(),
                prefill.version().get(),
                apply.version().get(),
                begin.version().get(),
                changes.version().get(),
                decide.version().get(),
            )
        },
        |(id, ..)| get_assessment(AssessmentId(id)),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Assessment"/><ErrorBox error=e/> }),
                    Ok(a) => {
                        let s = a.summary.clone();
                        let supplier = a.side == Side::Supplier;
                        // What the viewer may do comes with the assessment.
                        let can = a.abilities;
                        let editable = can.answer;
                        let colleagues = StoredValue::new(a.colleagues.clone());
                        let aid = s.id.0;
                        Either::Right(view! {
                            <Title text=format!("{} · {}", s.profile, s.supplier)/>
                            <h1>{format!("{} (v{})", s.profile, s.profile_version)}</h1>
                            <p class="muted">{format!("{} · {} → {} · due {}", s.engagement, s.owner, s.supplier, s.due_on)}</p>
                            <p><span class=format!("status {}", s.status.as_str()) data-testid="assessment-status">{s.status.label()}</span></p>
                            {progress_bar(&s)}
                            {(!a.message.is_empty()).then(|| view! { <blockquote class="message">{a.message.clone()}</blockquote> })}
                            <div class="actions">
                                {editable.then(|| view! {
                                    <ActionForm action=prefill attr:class="inline">
                                        <input type="hidden" name="assessment_id" value=aid.to_string()/>
                                        <button type="submit" title="Copy your organization's latest answers to the same requirements into empty answers">"Pre-fill from earlier answers"</button>
                                    </ActionForm>
                                })}
                                {can.submit.then(|| view! {
                                    <ActionForm action=submit attr:class="inline">
                                        <input type="hidden" name="assessment_id" value=aid.to_string()/>
                                        <button type="submit" class="primary">"Submit answers"</button>
                                    </ActionForm>
                                })}
                                {view! {
                                    {can.reopen.then(|| view! {
                                        <ActionForm action=change attr:class="inline">
                                            <input type="hidden" name="assessment_id" value=aid.to_string()/>
                                            <input type="hidden" name="change" value="reopen"/>
                                            <button type="submit">"Reopen for the supplier"</button>
                                        </ActionForm>
                                    })}
                                    {can.withdraw.then(|| view! {
                                        <ActionForm action=change attr:class="inline">
                                            <input type="hidden" name="assessment_id" value=aid.to_string()/>
                                            <input type="hidden" name="change" value="withdraw"/>
                                            <button type="submit" class="danger">"Withdraw"</button>
                                        </ActionForm>
                                    })}
                                }}
                            </div>
                            {move || prefill.value().get().and_then(|r| r.ok()).map(|n| view! { <div class="alert info" role="status" data-testid="prefilled">{format!("{n} answers pre-filled from earlier answers.")}</div> })}
                            <p class="downloads">"Download: " <a href=format!("/assessments/{aid}/export/xlsx") download data-testid="download-xlsx">"answers as .xlsx"</a>
                                " · "<a href=format!("/engagements/{}/matrix", s.engagement_id.0) data-testid="assessment-matrix">"Responsibility matrix"</a>
                                " · "<a href=format!("/commitments?engagement={}", s.engagement_id.0)>"Commitments"</a>
                            </p>
                            {editable.then(|| view! { <OfflineSheet assessment=aid apply=apply/> })}
                            {can.commit.then(|| view! { <crate::pages::commitments::NewCommitment assessment=aid owner=a.side == Side::Owner/> })}
                            {(a.side != Side::Supplier).then(|| view! { <OwnerReview assessment=aid reviewer=can.review status=s.status decision=a.decision.clone() gap=crate::model::analyse(&crate::model::gap_items(&a)) begin=begin changes=changes decide=decide/> })}
                            {(supplier && a.decision.is_some()).then(|| view! { <p data-testid="decision">"Decision rationale: " {a.decision.clone()}</p> })}
                            <SubmitErrors value=Signal::derive(move || submit.value().get())/>
                            {action_error(change.value())}
                            <table class="table answers" data-testid="answers">
                                <thead><tr><th scope="col">"Requirement"</th><th scope="col">"Target"</th><th scope="col">"Answer"</th><th scope="col">"Evidence"</th><th scope="col">"Assigned"</th><th scope="col">"Review"</th><th scope="col"><span class="visually-hidden">"Open"</span></th></tr></thead>
                                <tbody>
                                    {a.answers.into_iter().map(|x| view! { <AnswerRow answer=x editable=editable colleagues=colleagues side=a.side abilities=can/> }).collect_view()}
                                </tbody>
                            </table>
                        })
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SubmitErrors(#[prop(into)] value: Signal<Option<Result<(), AppError>>>) -> impl IntoView {
    move || {
        match value.get() {
        Some(Ok(())) => Some(view! { <div class="alert info" role="status" data-testid="submitted">"Submitted. The asset owner was told; answers are locked unless they reopen the assessment."</div> }.into_any()),
        Some(Err(AppError::Validation { message, fields })) => Some(view! {
            <div class="alert error" role="alert" data-testid="submit-errors">
                <p>{message}</p>
                <ul>{fields.into_iter().map(|f| view! { <li>{f.message}</li> }).collect_view()}</ul>
            </div>
        }.into_any()),
        Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
        None => None,
    }
    }
}

fn target_label(x: &AnswerDto) -> String {
    x.target_kind.label(x.target)
}

/// One requirement's row; the editor opens below it on demand, so a page
/// of hundreds of requirements stays light.
#[component]
fn AnswerRow(
    answer: AnswerDto,
    editable: bool,
    colleagues: StoredValue<Vec<(i64, String)>>,
    side: Side,
    abilities: crate::model::AssessmentAbilities,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let fields = RwSignal::new(answer.fields.clone());
    let evidence = RwSignal::new(answer.evidence.clone());
    let assignee = RwSignal::new(answer.assignee.clone());
    let review = RwSignal::new(answer.review);
    let ref_id = answer.requirement.ref_id.clone();
    let title = answer.requirement.title.clone();
    let target = target_label(&answer);
    let parameters = answer.parameters.clone();
    let required = answer.evidence_required;
    let x = StoredValue::new(answer);
    view! {
        <tr data-ref=ref_id.clone()>
            <td>
                <code>{ref_id.clone()}</code>" "{title}
                {(!parameters.is_empty()).then(|| view! { <div class="muted small">"Parameters: "{parameters}</div> })}
            </td>
            <td>{target}</td>
            // One closure for the cells that change as the answer is edited.
            {move || {
                let n = evidence.with(|e| e.len());
                let (label, missing) = fields.with(|f| (compliance_label(f), required && n == 0 && f.compliance.is_none_or(|c| c.needs_evidence())));
                view! {
                    <td data-testid="compliance">{label}</td>
                    <td>{if missing { format!("{n} · required") } else { n.to_string() }}</td>
                    <td>{assignee.get().unwrap_or_default()}</td>
                    <td data-testid="review">{review.get().map(|r| r.label()).unwrap_or_default()}</td>
                }
            }}
            <td><button type="button" class="link" aria-expanded=move || if open.get() { "true" } else { "false" } on:click=move |_| open.update(|o| *o = !*o)>{move || if open.get() { "Close" } else if editable { "Answer" } else { "Details" }}</button></td>
        </tr>
        {move || open.get().then(|| view! {
            <tr class="editor-row"><td colspan="7">
                <AnswerEditor answer=x.get_value() editable=editable fields=fields evidence=evidence assignee=assignee colleagues=colleagues/>
                <ReviewPanel answer=x.with_value(|x| x.id) review=review side=side abilities=abilities/>
            </td></tr>
        })}
    }
}

#[component]
fn AnswerEditor(
    answer: AnswerDto,
    editable: bool,
    fields: RwSignal<AnswerFields>,
    evidence: RwSignal<Vec<EvidenceDto>>,
    assignee: RwSignal<Option<String>>,
    colleagues: StoredValue<Vec<(i64, String)>>,
) -> impl IntoView {
    let id = answer.id;
    let input = RwSignal::new(fields.get_untracked().to_input());
    let version = RwSignal::new(answer.version);
    let save = ServerAction::<SaveAnswer>::new();
    let conflict = RwSignal::new(None::<SaveOutcome>);
    let saved = RwSignal::new(None::<i32>);
    let errors = RwSignal::new(None::<AppError>);
    // One save at a time: a change made while a save is under way is saved
    // right after it, on top of the version it returns.
    let queued = RwSignal::new(false);
    let typed = RwSignal::new(0u64);
    let do_save = move || {
        if save.pending().get_untracked() {
            queued.set(true);
        } else {
            save.dispatch(SaveAnswer {
                answer_id: id,
                version: version.get_untracked(),
                answer: input.get_untracked(),
            });
        }
    };
    Effect::new(move |_| match save.value().get() {
        Some(Ok(SaveOutcome::Saved { version: v })) => {
            version.set(v);
            saved.set(Some(v));
            errors.set(None);
            conflict.set(None);
            if let Ok(f) = crate::model::check_answer(&input.get_untracked()) {
                fields.set(f);
            }
            if queued.get_untracked() {
                queued.set(false);
                save.dispatch(SaveAnswer {
                    answer_id: id,
                    version: v,
                    answer: input.get_untracked(),
                });
            }
        }
        Some(Ok(c @ SaveOutcome::Conflict { .. })) => {
            saved.set(None);
            conflict.set(Some(c));
        }
        Some(Err(e)) => {
            saved.set(None);
            errors.set(Some(e));
        }
        None => {}
    });
    let field_msg = move |name: &'static str| {
        move || {
            errors
                .with(|e| e.as_ref().and_then(|e| e.field(name)))
                .map(|m| view! { <p class="field-error">{m}</p> })
        }
    };
    let compliance = move || Compliance::parse(&input.with(|i| i.compliance.clone()));
    let level_label = if answer.target_kind == TargetKind::Sl {
        "Capability security level (SL-C)"
    } else {
        "Claimed maturity level"
    };
    let n = id.0;
    let fid = move |name: &str| format!("{name}-{n}");
    // Text fields save when they lose focus; choices save at once.
    macro_rules! text_field {
        ($field:ident, $label:expr, $multi:expr) => {{
            let fid = fid(stringify!($field));
            // Typing saves after a short pause.
            let on_change = move |ev| {
                let v = event_target_value(&ev);
                input.update(|i| i.$field = v);
                let n = typed.get_untracked() + 1;
                typed.set(n);
                set_timeout(move || if typed.get_untracked() == n { do_save() }, std::time::Duration::from_millis(600));
            };
            view! {
                <div class=if $multi { "wide" } else { "" }>
                    <label for=fid.clone()>{$label}</label>
                    {if $multi {
                        Either::Left(view! { <textarea id=fid rows="3" disabled=!editable prop:value=move || input.with(|i| i.$field.clone()) on:input=on_change></textarea> })
                    } else {
                        Either::Right(view! { <input id=fid disabled=!editable prop:value=move || input.with(|i| i.$field.clone()) on:input=on_change/> })
                    }}
                    {field_msg(stringify!($field))}
                </div>
            }
        }};
    }
    view! {
        <div class="answer-editor" data-testid="answer-editor">
            <p class="muted small">{answer.requirement.description.clone()}
                {format!(" · Target {} · Responsible by default: {}{}", target_label(&answer), answer.responsible_party.label(), if answer.evidence_required { " · Evidence required" } else { "" })}</p>
            <div class="grid-form">
                <div>
                    <label for=fid("compliance")>"Compliance"</label>
                    <select id=fid("compliance") disabled=!editable on:change=move |ev| { let v = event_target_value(&ev); input.update(|i| i.compliance = v); do_save(); }>
                        <option value="" selected=move || input.with(|i| i.compliance.is_empty())>"— choose —"</option>
                        {Compliance::ALL.into_iter().map(|c| view! { <option value=c.as_str() selected=move || input.with(|i| i.compliance == c.as_str())>{c.label()}</option> }).collect_view()}
                    </select>
                    {field_msg("compliance")}
                </div>
                <div>
                    <label for=fid("claimed_level")>{level_label}</label>
                    <select id=fid("claimed_level") disabled=!editable on:change=move |ev| { let v = event_target_value(&ev); input.update(|i| i.claimed_level = v); do_save(); }>
                        <option value="" selected=move || input.with(|i| i.claimed_level.is_empty())>"—"</option>
                        {(1..=4).map(|l| view! { <option value=l.to_string() selected=move || input.with(|i| i.claimed_level == l.to_string())>{l.to_string()}</option> }).collect_view()}
                    </select>
                    {field_msg("claimed_level")}
                </div>
                <div>
                    <label for=fid("responsibility_accepted")>"Responsibility accepted"</label>
                    <select id=fid("responsibility_accepted") disabled=!editable on:change=move |ev| { let v = event_target_value(&ev); input.update(|i| i.responsibility_accepted = v); do_save(); }>
                        <option value="" selected=move || input.with(|i| i.responsibility_accepted.is_empty())>"—"</option>
                        <option value="yes" selected=move || input.with(|i| i.responsibility_accepted == "yes")>"Yes"</option>
                        <option value="no" selected=move || input.with(|i| i.responsibility_accepted == "no")>"No"</option>
                    </select>
                </div>
                {move || (compliance() == Some(Compliance::MeetsWithCompensatingCountermeasure)).then(|| text_field!(countermeasure, "Compensating countermeasure", true))}
                {move || (compliance() == Some(Compliance::Planned)).then(|| {
                    let fid = fid("planned_on");
                    view! {
                        <div>
                            <label for=fid.clone()>"Planned for"</label>
                            <input id=fid type="date" disabled=!editable prop:value=move || input.with(|i| i.planned_on.clone()) on:change=move |ev| { let v = event_target_value(&ev); input.update(|i| i.planned_on = v); do_save(); }/>
                            {field_msg("planned_on")}
                        </div>
                    }
                })}
                {move || (compliance() == Some(Compliance::NotApplicable)).then(|| text_field!(na_reason, "Why it does not apply", true))}
                {move || (compliance() == Some(Compliance::ByOtherParty)).then(|| text_field!(other_party, "Met by", false))}
                {text_field!(statement, "Statement (how it is met)", true)}
            </div>
            <p class="small" role="status" data-testid="save-state">
                {move || save.pending().get().then_some("Saving…")}
                {move || saved.get().map(|v| format!("Saved (version {v})."))}
            </p>
            {move || conflict.get().map(|c| match c {
                SaveOutcome::Conflict { theirs, theirs_version, saved_by, yours } => {
                    let (t2, y2) = (theirs.clone(), yours.clone());
                    view! {
                        <div class="alert error" role="alert" data-testid="conflict">
                            <p>{format!("{} saved this answer meanwhile (version {theirs_version}). Nothing of yours was overwritten, and yours was not saved.", if saved_by.is_empty() { "Someone".to_string() } else { saved_by })}</p>
                            <div class="two-col">
                                <div><h4>"Theirs"</h4><p>{compliance_label(&theirs)}</p><p class="small">{theirs.statement.clone()}</p></div>
                                <div><h4>"Yours"</h4><p>{Compliance::parse(&yours.compliance).map(|c| c.label()).unwrap_or("Not answered")}</p><p class="small">{yours.statement.clone()}</p></div>
                            </div>
                            <button type="button" on:click=move |_| { input.set(t2.to_input()); fields.set((*t2).clone()); version.set(theirs_version); conflict.set(None); }>"Keep theirs"</button>
                            " "
                            <button type="button" class="primary" on:click=move |_| { input.set((*y2).clone()); version.set(theirs_version); conflict.set(None); do_save(); }>"Save mine over theirs"</button>
                        </div>
                    }.into_any()
                }
                _ => ().into_any(),
            })}
            {editable.then(|| view! { <Assign id=id assignee=assignee colleagues=colleagues/> })}
            <EvidencePanel id=id editable=editable evidence=evidence/>
            <History id=id/>
        </div>
    }
}

#[component]
fn Assign(
    id: crate::model::AnswerId,
    assignee: RwSignal<Option<String>>,
    colleagues: StoredValue<Vec<(i64, String)>>,
) -> impl IntoView {
    let assign = ServerAction::<AssignAnswer>::new();
    let fid = format!("assignee-{}", id.0);
    view! {
        <div class="assign">
            <label for=fid.clone()>"Assigned to"</label>
            <select id=fid on:change=move |ev| {
                let v = event_target_value(&ev);
                let name = colleagues.with_value(|c| c.iter().find(|(u, _)| u.to_string() == v).map(|(_, n)| n.clone()));
                assignee.set(name);
                assign.dispatch(AssignAnswer { answer_id: id, assignee: v });
            }>
                <option value="">"Nobody"</option>
                {colleagues.get_value().into_iter().map(|(u, n)| { let n2 = n.clone(); view! { <option value=u.to_string() selected=move || assignee.get().as_deref() == Some(n2.as_str())>{n}</option> } }).collect_view()}
            </select>
            {action_error(assign.value())}
        </div>
    }
}

#[component]
fn EvidencePanel(
    id: crate::model::AnswerId,
    editable: bool,
    evidence: RwSignal<Vec<EvidenceDto>>,
) -> impl IntoView {
    let upload = Action::new_local(|data: &web_sys::FormData| upload_evidence(data.clone().into()));
    let link = ServerAction::<AddEvidenceLink>::new();
    let cert = ServerAction::<AddEvidenceCertificate>::new();
    let remove = ServerAction::<RemoveEvidence>::new();
    // After any change, the answer's evidence is read again.
    let params = use_params_map();
    let refresh = Resource::new(
        move || {
            (
                upload.version().get(),
                link.version().get(),
                cert.version().get(),
                remove.version().get(),
            )
        },
        move |v| {
            let aid = params
                .with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
            async move {
                if v == (0, 0, 0, 0) {
                    return None;
                }
                get_assessment(AssessmentId(aid))
                    .await
                    .ok()
                    .and_then(|a| a.answers.into_iter().find(|x| x.id == id))
                    .map(|x| x.evidence)
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Some(list)) = refresh.get() {
            evidence.set(list);
        }
    });
    let key = id.0;
    view! {
        <section class="evidence" data-testid="evidence">
            <h4>"Evidence"</h4>
            <ul>
                {move || evidence.get().into_iter().map(|e| {
                    let eid = e.id.0.to_string();
                    view! {
                        <li data-kind=e.kind.clone()>
                            {match e.kind.as_str() {
                                "file" => Either::Left(view! { <a href=format!("/evidence/{}", e.id.0) download>{e.title.clone()}</a> {format!(" ({} KiB)", (e.size_bytes.unwrap_or(0) + 1023) / 1024)}}.into_any()),
                                "link" => Either::Left(view! { <a href=e.url.clone().unwrap_or_default() rel="noopener noreferrer nofollow" target="_blank">{e.title.clone()}</a> }.into_any()),
                                _ => Either::Right(view! { <span>{format!("Certificate: {} · issuer {} · scope {} · expires {}", e.title, e.issuer.clone().unwrap_or_default(), e.scope.clone().unwrap_or_default(), e.expires_on.clone().unwrap_or_default())}</span> }),
                            }}
                            {editable.then(|| view! {
                                " "
                                <ActionForm action=remove attr:class="inline">
                                    <input type="hidden" name="evidence_id" value=eid/>
                                    <button type="submit" class="link">"Remove"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {editable.then(|| view! {
                <details>
                    <summary>"Add a file"</summary>
                    <form class="grid-form" on:submit=submit_upload(upload)>
                        <input type="hidden" name="answer_id" value=key.to_string()/>
                        <div>
                            <label for=format!("file-{key}")>"File (PDF, image, text, Office, zip; up to 10 MiB)"</label>
                            <input id=format!("file-{key}") name="file" type="file" required/>
                        </div>
                        <div class="form-end"><button type="submit">"Upload"</button></div>
                    </form>
                    {move || upload.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
                </details>
                <details>
                    <summary>"Add a link"</summary>
                    <ActionForm action=link attr:class="grid-form">
                        <input type="hidden" name="answer_id" value=key.to_string()/>
                        <div><label for=format!("link-title-{key}")>"Title"</label><input id=format!("link-title-{key}") name="title" maxlength="300"/></div>
                        <div><label for=format!("link-url-{key}")>"Address"</label><input id=format!("link-url-{key}") name="url" type="url" required placeholder="https://"/></div>
                        <div class="form-end"><button type="submit">"Add link"</button></div>
                    </ActionForm>
                    {action_error(link.value())}
                </details>
                <details>
                    <summary>"Add a certificate"</summary>
                    <ActionForm action=cert attr:class="grid-form">
                        <input type="hidden" name="answer_id" value=key.to_string()/>
                        <div><label for=format!("cert-scheme-{key}")>"Scheme"</label><input id=format!("cert-scheme-{key}") name="scheme" required placeholder="ISASecure CSA"/></div>
                        <div><label for=format!("cert-level-{key}")>"Level"</label><input id=format!("cert-level-{key}") name="level" placeholder="SL 2"/></div>
                        <div><label for=format!("cert-scope-{key}")>"Scope"</label><input id=format!("cert-scope-{key}") name="scope"/></div>
                        <div><label for=format!("cert-issuer-{key}")>"Issuer"</label><input id=format!("cert-issuer-{key}") name="issuer" required/></div>
                        <div><label for=format!("cert-expires-{key}")>"Expires"</label><input id=format!("cert-expires-{key}") name="expires_on" type="date" required/></div>
                        <div class="form-end"><button type="submit">"Add certificate"</button></div>
                    </ActionForm>
                    {action_error(cert.value())}
                </details>
            })}
        </section>
    }
}

#[component]
fn History(id: crate::model::AnswerId) -> impl IntoView {
    let show = RwSignal::new(false);
    let versions = Resource::new(
        move || show.get(),
        move |s| async move {
            if s {
                Some(answer_history(id).await)
            } else {
                None
            }
        },
    );
    view! {
        <div class="history">
            <button type="button" class="link" on:click=move |_| show.update(|s| *s = !*s)>{move || if show.get() { "Hide history" } else { "History" }}</button>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match versions.await {
                        None => ().into_any(),
                        Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                        Some(Ok(list)) if list.is_empty() => view! { <p class="muted small">"Not saved yet."</p> }.into_any(),
                        Some(Ok(list)) => view! {
                            <ol class="small" data-testid="history">
                                {list.into_iter().map(|v| view! { <li>{format!("Version {} · {} · {} · {}", v.version, v.saved_at, v.saved_by, compliance_label(&v.fields))}</li> }).collect_view()}
                            </ol>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Upload a filled-in answers workbook: preview first, then apply.
#[component]
fn OfflineSheet(
    assessment: i64,
    apply: Action<web_sys::FormData, Result<usize, AppError>>,
) -> impl IntoView {
    let preview =
        Action::new_local(|data: &web_sys::FormData| preview_answer_sheet(data.clone().into()));
    // The form is read again on "Apply", so the same file is sent twice and
    // checked twice; nothing browser-only is kept in the component.
    let form_data = || -> Option<web_sys::FormData> {
        use wasm_bindgen::JsCast;
        let form = document()
            .get_element_by_id("sheet-form")?
            .dyn_into::<web_sys::HtmlFormElement>()
            .ok()?;
        web_sys::FormData::new_with_form(&form).ok()
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if let Some(data) = form_data() {
            preview.dispatch_local(data);
        }
    };
    view! {
        <details class="card offline" data-testid="offline">
            <summary>"Work offline with the .xlsx file"</summary>
            <p class="muted small">"Download the answers as .xlsx, fill them in Excel or LibreOffice (drop-down lists help; instructions are on the second sheet), and upload the file here. You see every change and every problem first; nothing is applied unless every row is valid."</p>
            <form class="grid-form" id="sheet-form" on:submit=on_submit>
                <input type="hidden" name="assessment_id" value=assessment.to_string()/>
                <div>
                    <label for="sheet-file">"Filled-in file (.xlsx)"</label>
                    <input id="sheet-file" name="file" type="file" accept=".xlsx" required/>
                </div>
                <div class="form-end"><button type="submit">"Preview"</button></div>
            </form>
            {move || preview.value().get().map(|r| match r {
                Err(e) => view! { <ImportErrors error=e/> }.into_any(),
                Ok(p) => {
                    let n = p.changes.len();
                    view! {
                        <div data-testid="sheet-preview">
                            <p>{format!("{} rows read: {} answers change, {} unchanged.", p.rows, n, p.unchanged)}</p>
                            <table class="table small">
                                <thead><tr><th scope="col">"Row"</th><th scope="col">"Requirement"</th><th scope="col">"Field"</th><th scope="col">"Now"</th><th scope="col">"From the file"</th></tr></thead>
                                <tbody>
                                    {p.changes.into_iter().flat_map(|c| {
                                        let (row, ref_id) = (c.row, c.ref_id.clone());
                                        c.fields.into_iter().map(move |(f, a, b)| view! { <tr><td>{row}</td><td>{ref_id.clone()}</td><td>{f}</td><td>{a}</td><td>{b}</td></tr> })
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {(n > 0).then(|| view! {
                                <button type="button" class="primary" data-testid="sheet-apply" on:click=move |_| {
                                    if let Some(data) = form_data() {
                                        apply.dispatch_local(data);
                                    }
                                }>{format!("Apply {n} changes")}</button>
                            })}
                        </div>
                    }.into_any()
                }
            })}
            {move || apply.value().get().map(|r| match r {
                Ok(n) => view! { <div class="alert info" role="status" data-testid="sheet-applied">{format!("Applied: {n} answers changed.")}</div> }.into_any(),
                Err(e) => view! { <ImportErrors error=e/> }.into_any(),
            })}
        </details>
    }
}

/// The review of one answer: its comment thread and, for the asset owner's
/// reviewers, the verdict.
#[component]
fn ReviewPanel(
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
    let key = answer.0;
    view! {
        <section class="review" data-testid="review-panel">
            <h4>"Review"</h4>
            {reviewer.then(|| view! {
                <div class="actions">
                    {ReviewStatus::ALL.into_iter().map(|v| view! {
                        <button type="button" on:click=move |_| { chosen.set(Some(v)); verdict.dispatch(ReviewAnswer { answer_id: answer, status: v.as_str().into() }); }>{match v {
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
                        <textarea id=format!("comment-{key}") name="body" rows="2" required maxlength="5000"></textarea>
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
                    <div class="form-end"><button type="submit">"Add comment"</button></div>
                </ActionForm>
                {action_error(comment.value())}
            })}
        </section>
    }
}

/// The asset owner's review controls and gap analysis for the assessment.
#[component]
fn OwnerReview(
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
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let w = 60 * groups.len().max(1) + 40;
    let h = 170;
    let y = |level: i16| 140 - level as i32 * 30;
    let label = groups
        .iter()
        .map(|g| {
            format!(
                "{}: required {}, reached {}",
                g.group, g.required, g.reached
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = format!(
        r#"<svg class="gap-chart" role="img" aria-label="{}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title>Required and reached level per group</title>"#,
        esc(&format!("Required and reached level per group: {label}"))
    );
    for l in 1..=4 {
        out.push_str(&format!(
            r#"<line x1="30" x2="{}" y1="{y}" y2="{y}" class="grid"/><text x="22" y="{}" class="axis" text-anchor="end">{l}</text>"#,
            w - 5,
            y(l) + 4,
            y = y(l)
        ));
    }
    for (i, g) in groups.iter().enumerate() {
        let x = 40 + i as i32 * 60;
        out.push_str(&format!(
            r#"<rect x="{x}" y="{}" width="20" height="{}" class="required"/><rect x="{}" y="{}" width="20" height="{}" class="{}"/><text x="{}" y="158" class="axis" text-anchor="middle">{}</text>"#,
            y(g.required),
            g.required as i32 * 30,
            x + 22,
            y(g.reached),
            g.reached as i32 * 30,
            if g.reached < g.required { "reached short" } else { "reached" },
            x + 21,
            esc(&g.group)
        ));
    }
    out.push_str("</svg>");
    out
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
        {(!sl.is_empty()).then(|| view! { <h4>"SL-T required vs SL-C reached, per foundational requirement"</h4> <div class="chart" inner_html=gap_chart_svg(&sl)></div> })}
        {(!ml.is_empty()).then(|| view! { <h4>"Target vs reached maturity, per area or practice"</h4> <div class="chart" inner_html=gap_chart_svg(&ml)></div> })}
        <table class="table small" data-testid="gap-table">
            <thead><tr><th scope="col">"Group"</th><th scope="col">"Required"</th><th scope="col">"Reached"</th><th scope="col">"Items"</th></tr></thead>
            <tbody>{g.groups.iter().map(|x| view! { <tr><td>{x.group.clone()}</td><td>{x.kind.label(x.required)}</td><td>{x.kind.label(x.reached)}</td><td>{x.items}</td></tr> }).collect_view()}</tbody>
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
