//! One answer on the assessment page: the editor with autosave and its
//! conflicts, assignment, evidence, the version history and the offline
//! answer sheet.

use super::assessments::{compliance_label, target_label};
use crate::api::engagements::{
    answer_history, get_assessment, preview_answer_sheet, upload_evidence, AddEvidenceCertificate,
    AddEvidenceLink, AssignAnswer, RemoveEvidence, SaveAnswer,
};
use crate::components::{action_error, saved_note, submit_upload, ErrorBox, ImportErrors};
use crate::model::{
    AnswerDto, AnswerFields, AppError, AssessmentId, Compliance, EvidenceDto, SaveOutcome,
    TargetKind, UserId,
};
use leptos::{either::Either, prelude::*};
use leptos_router::hooks::use_params_map;

#[component]
pub(crate) fn AnswerEditor(
    answer: AnswerDto,
    editable: bool,
    fields: RwSignal<AnswerFields>,
    evidence: RwSignal<Vec<EvidenceDto>>,
    assignee: RwSignal<Option<String>>,
    colleagues: StoredValue<Vec<(UserId, String)>>,
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
                        Either::Left(view! { <textarea id=fid rows="5" disabled=!editable prop:value=move || input.with(|i| i.$field.clone()) on:input=on_change></textarea> })
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
    colleagues: StoredValue<Vec<(UserId, String)>>,
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
            {saved_note(assign.value(), "Assignment saved ✓")}
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
                                _ => Either::Right(view! {
                                    <span>{format!("Certificate: {} · issuer {} · scope {} · expires {}", e.title, e.issuer.clone().unwrap_or_default(), e.scope.clone().unwrap_or_default(), e.expires_on.clone().unwrap_or_default())}</span>
                                    {e.size_bytes.map(|_| view! { " " <a href=format!("/evidence/{}", e.id.0) download data-testid="certificate-file">"certificate file"</a> })}
                                }),
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

/// An answer field as the page names it (the workbook's columns are codes).
fn field_label(field: &str) -> &'static str {
    match field {
        "compliance" => "Compliance",
        "countermeasure" => "Compensating countermeasure",
        "planned_on" => "Planned for",
        "na_reason" => "Why not applicable",
        "other_party" => "Met by",
        "claimed_level" => "Claimed level",
        "statement" => "Statement",
        "responsibility_accepted" => "Responsibility accepted",
        _ => "Other",
    }
}

/// A value as the page shows it: labels for codes, "—" for nothing.
fn value_label(field: &str, value: &str) -> String {
    if value.trim().is_empty() {
        return "—".into();
    }
    match field {
        "compliance" => crate::model::Compliance::parse(value)
            .map(|c| c.label().to_string())
            .unwrap_or_else(|| value.to_string()),
        "responsibility_accepted" => match value {
            "yes" | "true" => "Yes".into(),
            "no" | "false" => "No".into(),
            v => v.to_string(),
        },
        _ => value.to_string(),
    }
}

/// Upload a filled-in answers workbook: preview first, then apply.
#[component]
pub(crate) fn OfflineSheet(
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
                                        c.fields.into_iter().map(move |(f, a, b)| view! { <tr><td>{row}</td><td>{ref_id.clone()}</td><td>{field_label(&f)}</td><td>{value_label(&f, &a)}</td><td>{value_label(&f, &b)}</td></tr> })
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
