//! A supplier's product library: its products, their versions and the
//! 62443 certificates of a version or of the organization.

use crate::api::products::{
    get_product, list_products, product_sharing, upload_certificate_file, AddCertificate,
    AddProductVersion, CreateProduct, RevokeProductShare, ShareProductVersion,
};
use crate::components::{action_error, field_error, saved_note, submit_upload, ErrorBox};
use crate::model::{
    AppError, CertPart, CertScheme, CertState, CertificateDto, ComponentType, LibraryEvidenceDto,
    ProductKind,
};

/// Uploads a certificate's file from its form.
pub(crate) type CertificateUpload = Action<web_sys::FormData, Result<i64, AppError>>;

/// A new upload action for certificate files.
fn certificate_upload() -> CertificateUpload {
    Action::new_local(|data: &web_sys::FormData| upload_certificate_file(data.clone().into()))
}

/// Library evidence in a short list: files download, links open in a new
/// tab.
pub(crate) fn library_evidence_list(list: Vec<LibraryEvidenceDto>) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! {
            <ul class="plain small" data-testid="library-evidence">
                {list.into_iter().map(|e| {
                    let kind = e.kind.clone();
                    view! { <li data-kind=kind>{library_evidence_item(e)}</li> }
                }).collect_view()}
            </ul>
        }
    })
}

/// One piece of library evidence: a file's download link with its size, or
/// a link.
pub(crate) fn library_evidence_item(e: LibraryEvidenceDto) -> impl IntoView {
    match e.kind.as_str() {
        "link" => Either::Left(view! {
            <a href=e.url.clone().unwrap_or_default() rel="noopener noreferrer nofollow" target="_blank">{e.title.clone()}</a>
        }),
        _ => Either::Right(view! {
            <a href=format!("/library-evidence/{}", e.id) download>{e.title.clone()}</a>
            {format!(" ({} KiB)", (e.size_bytes.unwrap_or(0) + 1023) / 1024)}
        }),
    }
}
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A table of certificates, each flagged when expiring or expired, with
/// its file; with `upload`, a form per certificate keeps (or replaces) it.
pub(crate) fn certificate_table(
    list: Vec<CertificateDto>,
    upload: Option<CertificateUpload>,
) -> impl IntoView {
    if list.is_empty() {
        return Either::Left(view! { <p class="muted small">"No certificate recorded."</p> });
    }
    Either::Right(view! {
        <table class="table small" data-testid="certificates">
            <thead><tr>
                <th scope="col">"Scheme"</th><th scope="col">"Part"</th><th scope="col">"Level"</th>
                <th scope="col">"Number"</th><th scope="col">"Issuer"</th><th scope="col">"Scope"</th>
                <th scope="col">"Valid"</th><th scope="col">"File"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|c| view! {
                    <tr data-certificate=c.number.clone()>
                        <td>{c.scheme_label.clone()}</td>
                        <td>{format!("IEC 62443-{}", c.part.as_str())}</td>
                        <td>{c.levels.to_string()}</td>
                        <td>{c.number.clone()}</td>
                        <td>{c.issuer.clone()}</td>
                        <td>{c.scope.clone()}</td>
                        <td class:warn=c.state != CertState::Valid data-state=c.state.label()>
                            {format!("{} – {}", c.issued_on, c.expires_on)}
                            {(c.state != CertState::Valid).then(|| view! { " " <span class="tag provisional">{c.state.label()}</span> })}
                        </td>
                        <td data-testid="certificate-file">
                            {c.file.clone().map(library_evidence_item)}
                            {upload.map(|up| {
                                let key = c.id;
                                view! {
                                    <details>
                                        <summary>{if c.file.is_some() { "Replace the file" } else { "Add the certificate's file" }}</summary>
                                        <form class="stack" on:submit=submit_upload(up)>
                                            <input type="hidden" name="certificate_id" value=key.to_string()/>
                                            <label for=format!("cert-file-{key}")>"File (PDF or image, up to 10 MiB)"</label>
                                            <input id=format!("cert-file-{key}") name="file" type="file" required/>
                                            <div class="form-end"><button type="submit">"Upload"</button></div>
                                        </form>
                                    </details>
                                }
                            })}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    })
}

/// Certificates in a few lines, for an owner's assessment and comparison:
/// scheme, part, level, number, expiry, flagged when expiring or expired.
pub fn certificate_lines(list: Vec<CertificateDto>) -> impl IntoView {
    view! {
        <ul class="plain small" data-testid="certificate-lines">
            {list.into_iter().map(|c| view! {
                <li data-certificate=c.number.clone() data-state=c.state.label()>
                    {format!(
                        "{} · IEC 62443-{} · {} · {} · valid until {}",
                        c.scheme_label, c.part.as_str(), c.levels, c.number, c.expires_on
                    )}
                    {(c.state != CertState::Valid).then(|| view! { " " <span class="tag provisional">{c.state.label()}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// The certificate form's fields (`certificate[…]`), with ids under `prefix`.
fn certificate_fields(
    action: ServerAction<AddCertificate>,
    prefix: &'static str,
    parts: &'static [CertPart],
) -> impl IntoView {
    let id = move |f: &str| format!("{prefix}-{f}");
    let value = action.value();
    view! {
        <label for=id("scheme")>"Scheme"</label>
        <select id=id("scheme") name="certificate[scheme]">
            {CertScheme::ALL.into_iter().filter(|s| s.fixed_part().is_none_or(|p| parts.contains(&p))).map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
        </select>
        {field_error(value, "scheme")}
        <label for=id("scheme-name")>"Scheme name (another scheme)"</label>
        <input id=id("scheme-name") name="certificate[scheme_name]"/>
        {field_error(value, "scheme_name")}
        <label for=id("part")>"Certified against"</label>
        <select id=id("part") name="certificate[part]">
            {parts.iter().map(|p| view! { <option value=p.as_str()>{format!("IEC 62443-{}", p.as_str())}</option> }).collect_view()}
        </select>
        {field_error(value, "part")}
        <label for=id("levels")>"Level"</label>
        <input id=id("levels") name="certificate[levels]" title="A security level (2), one per FR (2,2,1,2,2,2,2), or a maturity level (ML3)"/>
        {field_error(value, "levels")}
        <label for=id("number")>"Certificate number"</label>
        <input id=id("number") name="certificate[number]"/>
        {field_error(value, "number")}
        <label for=id("issuer")>"Issued by"</label>
        <input id=id("issuer") name="certificate[issuer]"/>
        {field_error(value, "issuer")}
        <label for=id("scope")>"Scope"</label>
        <textarea id=id("scope") name="certificate[scope]" rows="2"></textarea>
        <label for=id("issued")>"Issued on"</label>
        <input id=id("issued") type="date" name="certificate[issued_on]"/>
        {field_error(value, "issued_on")}
        <label for=id("expires")>"Expires on"</label>
        <input id=id("expires") type="date" name="certificate[expires_on]"/>
        {field_error(value, "expires_on")}
    }
}

#[component]
pub fn ProductsPage() -> impl IntoView {
    let create = ServerAction::<CreateProduct>::new();
    let certify = ServerAction::<AddCertificate>::new();
    let up = certificate_upload();
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                certify.version().get(),
                up.version().get(),
            )
        },
        |_| list_products(),
    );
    view! {
        <Title text="Products"/>
        <h1>"Products"</h1>
        <p class="muted">"Your product library: the components, systems and service offerings you supply, their versions and the IEC 62443 certificates they hold. Asset owners see none of it unless you share it."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(lib) => Either::Right(view! {
                        {lib.products.is_empty().then(|| view! { <p class="muted">"No product recorded yet."</p> })}
                        {(!lib.products.is_empty()).then(|| view! {
                            <table class="table" data-testid="products">
                                <thead><tr><th scope="col">"Product"</th><th scope="col">"Kind"</th><th scope="col">"Versions"</th><th scope="col">"Certificates"</th></tr></thead>
                                <tbody>
                                    {lib.products.iter().map(|p| {
                                        let certs: Vec<String> = p.versions.iter().flat_map(|v| v.certificates.iter().map(move |c| format!("{} {} ({}, {})", v.version, c.scheme_label, c.levels, c.state.label()))).collect();
                                        view! {
                                            <tr data-product=p.name.clone()>
                                                <th scope="row"><a href=format!("/products/{}", p.id)>{p.name.clone()}</a></th>
                                                <td>{p.kind.label()}{p.component_type.map(|t| format!(" · {}", t.as_str()))}</td>
                                                <td>{p.versions.iter().map(|v| v.version.clone()).collect::<Vec<_>>().join(", ")}</td>
                                                <td>{certs.join("; ")}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                        <section class="card">
                            <h2>"Your organization's certificates"</h2>
                            <p class="muted small">"Certificates of your development process (IEC 62443-4-1, e.g. ISASecure SDLA) or of your service program (IEC 62443-2-4)."</p>
                            {certificate_table(lib.certificates.clone(), lib.may_edit.then_some(up))}
                            {upload_error(up)}
                            {lib.may_edit.then(|| view! {
                                <details>
                                    <summary>"Record an organization certificate"</summary>
                                    <ActionForm action=certify attr:class="stack" attr:data-testid="org-certificate-form">
                                        <input type="hidden" name="product_version_id" value=""/>
                                        {certificate_fields(certify, "org-cert", &[CertPart::P4_1, CertPart::P2_4])}
                                        <div class="form-end"><button type="submit" class="primary">"Record certificate"</button></div>
                                    </ActionForm>
                                    {action_error(certify.value())}
                                </details>
                            })}
                        </section>
                        {lib.may_edit.then(|| view! {
                            <section class="card">
                                <h2>"New product"</h2>
                                <ActionForm action=create attr:class="stack" attr:data-testid="product-form">
                                    <label for="product-name">"Name"</label>
                                    <input id="product-name" name="product[name]" required/>
                                    {field_error(create.value(), "name")}
                                    <label for="product-kind">"Kind"</label>
                                    <select id="product-kind" name="product[kind]">
                                        {ProductKind::ALL.map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                                    </select>
                                    {field_error(create.value(), "kind")}
                                    <label for="product-type">"Component type"</label>
                                    <select id="product-type" name="product[component_type]">
                                        <option value="">"— (not a component)"</option>
                                        {ComponentType::ALL.map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                                    </select>
                                    {field_error(create.value(), "component_type")}
                                    <label for="product-description">"Description"</label>
                                    <input id="product-description" name="product[description]"/>
                                    <div class="form-end"><button type="submit" class="primary">"Add product"</button></div>
                                </ActionForm>
                                {action_error(create.value())}
                            </section>
                        })}
                    }),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let version = ServerAction::<AddProductVersion>::new();
    let certify = ServerAction::<AddCertificate>::new();
    let up = certificate_upload();
    let data = Resource::new(
        move || {
            (
                id(),
                version.version().get(),
                certify.version().get(),
                up.version().get(),
            )
        },
        |(id, ..)| get_product(id),
    );
    view! {
        <p><a href="/products">"← Products"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Product"/><ErrorBox error=e/> }),
                    Ok(p) => {
                        let may_edit = crate::components::use_me().may(crate::model::Permission::EditProducts);
                        let parts: &'static [CertPart] = match p.kind {
                            ProductKind::Component => &[CertPart::P4_2],
                            ProductKind::System => &[CertPart::P3_3],
                            ProductKind::Service => &[],
                        };
                        let versions: Vec<(i64, String)> = p.versions.iter().map(|v| (v.id, v.version.clone())).collect();
                        let product_id = p.id.to_string();
                        let product_id_link = p.id;
                        Either::Right(view! {
                            <Title text=p.name.clone()/>
                            <h1 data-testid="product-name">{p.name.clone()}</h1>
                            <p class="muted">{p.kind.label()}{p.component_type.map(|t| format!(" · {}", t.label()))} " " {p.description.clone()}</p>
                            {p.versions.is_empty().then(|| view! { <p class="muted">"No version recorded yet."</p> })}
                            {p.versions.into_iter().map(|v| view! {
                                <section class="card" data-version=v.version.clone()>
                                    <h2>{format!("Version {}", v.version)}</h2>
                                    <p><a href=format!("/products/{}/versions/{}", product_id_link, v.id) data-testid="answer-set-link">{format!("Answers of version {}", v.version)}</a></p>
                                    <p class="muted small">
                                        {v.released_on.map(|d| format!("Released {d}. "))}
                                        {v.end_of_support.map(|d| format!("Supported until {d}."))}
                                        {v.past_end_of_support.then(|| view! { " " <span class="tag provisional">"end of support passed"</span> })}
                                    </p>
                                    {certificate_table(v.certificates, may_edit.then_some(up))}
                                </section>
                            }).collect_view()}
                            {upload_error(up)}
                            {may_edit.then(|| view! {
                                <section class="card">
                                    <h2>"New version"</h2>
                                    <ActionForm action=version attr:class="stack" attr:data-testid="version-form">
                                        <input type="hidden" name="product_id" value=product_id/>
                                        <label for="version-name">"Version"</label>
                                        <input id="version-name" name="version" required/>
                                        {field_error(version.value(), "version")}
                                        <label for="version-released">"Released on"</label>
                                        <input id="version-released" type="date" name="released_on"/>
                                        {field_error(version.value(), "released_on")}
                                        <label for="version-eos">"End of support"</label>
                                        <input id="version-eos" type="date" name="end_of_support"/>
                                        {field_error(version.value(), "end_of_support")}
                                        <div class="form-end"><button type="submit" class="primary">"Add version"</button></div>
                                    </ActionForm>
                                    {action_error(version.value())}
                                </section>
                                {(!parts.is_empty() && !versions.is_empty()).then(|| view! {
                                    <section class="card">
                                        <h2>"Record a certificate"</h2>
                                        <ActionForm action=certify attr:class="stack" attr:data-testid="certificate-form">
                                            <label for="cert-version">"Version"</label>
                                            <select id="cert-version" name="product_version_id">
                                                {versions.iter().map(|(id, v)| view! { <option value=id.to_string()>{v.clone()}</option> }).collect_view()}
                                            </select>
                                            {certificate_fields(certify, "cert", parts)}
                                            <div class="form-end"><button type="submit" class="primary">"Record certificate"</button></div>
                                        </ActionForm>
                                        {action_error(certify.value())}
                                    </section>
                                })}
                            })}
                        })
                    }
                }
            })}
        </Suspense>
    }
}

/// The id of the product answer editor's form.
const ANSWER_FORM: &str = "product-answer-form";

/// A product version's reusable answers: one row per requirement of the
/// catalog that fits the product, what changed since the previous version,
/// and one editor for the row being edited. The editor saves by itself a
/// moment after each change (and on "Save now"), with the version it
/// started from, so a colleague's newer save is never overwritten; it
/// stays outside the list's refresh, so typing is never interrupted.
#[component]
pub fn ProductAnswersPage() -> impl IntoView {
    use crate::api::products::{
        get_product_answers, upload_product_evidence, AddProductEvidenceLink,
        RemoveLibraryEvidence, SaveProductAnswer,
    };
    use crate::model::{Compliance, ProductAnswerRow};
    let params = use_params_map();
    let vid = move || {
        params
            .read()
            .get("vid")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let save = ServerAction::<SaveProductAnswer>::new();
    let editing = RwSignal::new(None::<ProductAnswerRow>);
    // The stored version of the answer being edited: each save sends it and
    // takes the new one back.
    let stored = RwSignal::new(0i32);
    // The evidence of the answer being edited, as last read.
    let shown = RwSignal::new(Vec::<LibraryEvidenceDto>::new());
    let up =
        Action::new_local(|data: &web_sys::FormData| upload_product_evidence(data.clone().into()));
    let link = ServerAction::<AddProductEvidenceLink>::new();
    let remove = ServerAction::<RemoveLibraryEvidence>::new();
    let data = Resource::new(
        move || {
            (
                vid(),
                save.version().get(),
                up.version().get(),
                link.version().get(),
                remove.version().get(),
            )
        },
        |(vid, ..)| get_product_answers(vid),
    );
    // After an evidence change, the editor shows the answer's evidence anew.
    Effect::new(move |_| {
        if let Some(Ok(set)) = data.get() {
            if let Some(r) = editing.get_untracked() {
                if let Some(fresh) = set.rows.iter().find(|x| x.ref_id == r.ref_id) {
                    shown.set(fresh.evidence.clone());
                }
            }
        }
    });
    // Which answer the save under way is of (set as its form is submitted).
    let in_flight = RwSignal::new(None::<String>);
    // A save answers the new version: the next save of the same answer
    // starts from it (one of another answer, finishing late, does not count).
    Effect::new(move |_| {
        if let Some(Ok(v)) = save.value().get() {
            if in_flight.get_untracked() == editing.get_untracked().map(|r| r.ref_id) {
                stored.set(v);
            }
        }
    });
    // Autosave: a moment after the last change, the form is submitted (as
    // "Save now" would). Closing the editor, or opening another answer,
    // first saves what is still waiting. Only the timer's handle is kept
    // (the form is found by its id when the timer fires): the page's state
    // is made on the server too, where browser objects have no place.
    let pending = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let submit_form = || {
        if let Some(form) = document()
            .get_element_by_id(ANSWER_FORM)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(e).ok())
        {
            let _ = form.request_submit();
        }
    };
    let submit_waiting = move || {
        if let Some(handle) = pending.try_update_value(Option::take).flatten() {
            handle.clear();
            submit_form();
        }
    };
    let autosave = move |_: leptos::ev::Event| {
        if let Some(handle) = pending.try_update_value(Option::take).flatten() {
            handle.clear();
        }
        if let Ok(handle) = set_timeout_with_handle(
            move || {
                if pending.try_update_value(Option::take).flatten().is_some() {
                    submit_form();
                }
            },
            std::time::Duration::from_millis(700),
        ) {
            pending.set_value(Some(handle));
        }
    };
    let summary = answer_summary;
    let editor = move || {
        editing.get().map(|row| {
            let vid = vid().to_string();
            let f = row.fields.clone();
            let current = f.compliance.map(|c| c.as_str()).unwrap_or("");
            view! {
                <section class="card" data-testid="product-answer-editor">
                    <h2>{format!("{} {}", row.ref_id, row.title)}</h2>
                    <ActionForm action=save attr:id=ANSWER_FORM attr:class="stack" on:input=autosave on:change=autosave on:submit=move |_| in_flight.set(editing.get_untracked().map(|r| r.ref_id))>
                        <input type="hidden" name="product_version_id" value=vid.clone()/>
                        <input type="hidden" name="ref_id" value=row.ref_id.clone()/>
                        <input type="hidden" name="version" prop:value=move || stored.get().to_string()/>
                        <label for="pa-compliance">"Answer"</label>
                        <select id="pa-compliance" name="answer[compliance]">
                            <option value="">"—"</option>
                            {Compliance::ALL.map(|c| view! { <option value=c.as_str() selected=c.as_str() == current>{c.label()}</option> }).collect_view()}
                        </select>
                        {field_error(save.value(), "compliance")}
                        <label for="pa-level">"Level claimed"</label>
                        <input id="pa-level" name="answer[claimed_level]" value=f.claimed_level.map(|l| l.to_string()).unwrap_or_default()/>
                        {field_error(save.value(), "claimed_level")}
                        <label for="pa-statement">"Statement"</label>
                        <textarea id="pa-statement" name="answer[statement]" rows="2">{f.statement.clone()}</textarea>
                        <label for="pa-countermeasure">"Compensating countermeasure"</label>
                        <textarea id="pa-countermeasure" name="answer[countermeasure]" rows="2">{f.countermeasure.clone()}</textarea>
                        {field_error(save.value(), "countermeasure")}
                        <label for="pa-planned">"Planned by"</label>
                        <input id="pa-planned" type="date" name="answer[planned_on]" value=f.planned_on.map(|d| d.to_string()).unwrap_or_default()/>
                        {field_error(save.value(), "planned_on")}
                        <label for="pa-na">"Why it does not apply"</label>
                        <input id="pa-na" name="answer[na_reason]" value=f.na_reason.clone()/>
                        {field_error(save.value(), "na_reason")}
                        <label for="pa-other">"Met by"</label>
                        <input id="pa-other" name="answer[other_party]" value=f.other_party.clone()/>
                        {field_error(save.value(), "other_party")}
                        <div class="form-end">
                            {saved_note(save.value(), "Saved")}
                            " "<button type="button" on:click=move |_| {
                                submit_waiting();
                                editing.set(None);
                            }>"Close"</button>
                            " "<button type="submit" class="primary">"Save now"</button>
                        </div>
                    </ActionForm>
                    {action_error(save.value())}
                    {match row.id {
                        Some(pa) => Either::Left(view! { <EvidenceEditor answer=pa shown=shown up=up link=link remove=remove/> }),
                        None => Either::Right(view! { <p class="muted small">"Once the answer is saved, files and links can be kept with it."</p> }),
                    }}
                </section>
            }
        })
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <Title text="Answers"/><ErrorBox error=e/> }),
                    Ok(set) => {
                        let title = format!("{} {} — answers", set.product, set.version);
                        Either::Right(view! {
                            <Title text=title.clone()/>
                            <p><a href=format!("/products/{}", set.product_id)>{format!("← {}", set.product)}</a></p>
                            <h1 data-testid="answer-set-title">{title}</h1>
                            <p class="muted" data-testid="answer-set-progress">
                                {format!("{} of {} requirements of {} answered.", set.answered, set.rows.len(), set.catalog)}
                                {set.previous_version.clone().map(|p| format!(" Copied from version {p}; changed answers are marked."))}
                            </p>
                            <SharingPanel version_id=set.version_id/>
                        })
                    }
                }
            })}
        </Suspense>
        {editor}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|set| {
                    let may_edit = set.may_edit;
                    view! {
                        <table class="table small" data-testid="product-answers">
                            <thead><tr><th scope="col">"Requirement"</th><th scope="col">"Answer"</th><th scope="col">"Since the previous version"</th><th scope="col"></th></tr></thead>
                            <tbody>
                                {set.rows.into_iter().map(|row| {
                                    let text = summary(&row.fields);
                                    let was = row.previous.as_ref().map(summary);
                                    let changed = row.changed;
                                    let r2 = row.clone();
                                    view! {
                                        <tr data-ref=row.ref_id.clone() class:warn=changed == Some(true)>
                                            <th scope="row">{row.ref_id.clone()} " " <span class="muted">{row.title.clone()}</span></th>
                                            <td>{text}{library_evidence_list(row.evidence.clone())}</td>
                                            <td>{match changed {
                                                None => String::new(),
                                                Some(false) => "unchanged".to_string(),
                                                Some(true) => format!("changed (was: {})", was.unwrap_or_default()),
                                            }}</td>
                                            <td>{may_edit.then(|| view! {
                                                <button type="button" class="link" on:click=move |_| {
                                                    submit_waiting();
                                                    shown.set(r2.evidence.clone());
                                                    stored.set(r2.version);
                                                    save.clear();
                                                    editing.set(Some(r2.clone()));
                                                }>"Edit"</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })
            })}
        </Suspense>
    }
}

/// The evidence kept with one product answer: remove an item, upload a
/// file, add a link.
#[component]
fn EvidenceEditor(
    answer: i64,
    shown: RwSignal<Vec<LibraryEvidenceDto>>,
    up: Action<web_sys::FormData, Result<i64, AppError>>,
    link: ServerAction<crate::api::products::AddProductEvidenceLink>,
    remove: ServerAction<crate::api::products::RemoveLibraryEvidence>,
) -> impl IntoView {
    view! {
        <section class="evidence" data-testid="product-evidence">
            <h3>"Evidence kept with this answer"</h3>
            <ul>
                {move || shown.get().into_iter().map(|e| {
                    let id = e.id.to_string();
                    let kind = e.kind.clone();
                    view! {
                        <li data-kind=kind>
                            {library_evidence_item(e)}
                            " "
                            <ActionForm action=remove attr:class="inline">
                                <input type="hidden" name="library_evidence_id" value=id/>
                                <button type="submit" class="link">"Remove"</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="grid-form" on:submit=submit_upload(up)>
                <input type="hidden" name="product_answer_id" value=answer.to_string()/>
                <div>
                    <label for="pa-file">"File (PDF, image, text, Office, zip; up to 10 MiB)"</label>
                    <input id="pa-file" name="file" type="file" required/>
                </div>
                <div class="form-end"><button type="submit">"Upload"</button></div>
            </form>
            {upload_error(up)}
            <ActionForm action=link attr:class="grid-form">
                <input type="hidden" name="product_answer_id" value=answer.to_string()/>
                <div><label for="pa-link-title">"Link title"</label><input id="pa-link-title" name="title" maxlength="300"/></div>
                <div><label for="pa-link-url">"Address"</label><input id="pa-link-url" name="url" type="url" required placeholder="https://"/></div>
                <div class="form-end"><button type="submit">"Add link"</button></div>
            </ActionForm>
            {action_error(link.value())}
            {action_error(remove.value())}
        </section>
    }
}

/// What went wrong with the last upload, if anything.
fn upload_error<T: Clone + Send + Sync + 'static>(
    up: Action<web_sys::FormData, Result<T, AppError>>,
) -> impl IntoView {
    move || {
        up.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| view! { <ErrorBox error=e/> })
    }
}

/// An answer in one line: compliance, level, statement.
pub fn answer_summary(f: &crate::model::AnswerFields) -> String {
    match f.compliance {
        None => "—".into(),
        Some(c) => {
            let mut s = c.label().to_string();
            if let Some(l) = f.claimed_level {
                s.push_str(&format!(" · level {l}"));
            }
            if !f.statement.is_empty() {
                s.push_str(&format!(" · {}", f.statement));
            }
            s
        }
    }
}

/// Who a version's answer set is shared with: revoke, or share with one
/// more of the asset owners the supplier works with.
#[component]
fn SharingPanel(version_id: i64) -> impl IntoView {
    let share = ServerAction::<ShareProductVersion>::new();
    let revoke = ServerAction::<RevokeProductShare>::new();
    let data = Resource::new(
        move || (share.version().get(), revoke.version().get()),
        move |_| product_sharing(version_id),
    );
    view! {
        <section class="card" data-testid="sharing">
            <h2>"Shared with"</h2>
            <p class="muted small">"An asset owner you share this version's answers with reads them (and this version's certificates) and is told when an answer changes. Nobody else sees them; revoking takes them away at once."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                        Ok(s) => Either::Right(view! {
                            {if s.shares.is_empty() {
                                Either::Left(view! { <p class="muted">"Not shared with anyone."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul data-testid="shares">
                                        {s.shares.into_iter().map(|x| {
                                            let active = x.revoked_at.is_none();
                                            view! {
                                                <li data-share=x.owner.clone() data-active=active.to_string()>
                                                    <strong>{x.owner.clone()}</strong>
                                                    {match x.revoked_at.clone() {
                                                        None => format!(" — shared {}", x.shared_at),
                                                        Some(r) => format!(" — revoked {r}"),
                                                    }}
                                                    {(active && s.may_edit).then(|| view! {
                                                        " "<ActionForm action=revoke attr:class="inline">
                                                            <input type="hidden" name="share_id" value=x.id.to_string()/>
                                                            <button type="submit" class="link danger">"Revoke"</button>
                                                        </ActionForm>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })
                            }}
                            {(s.may_edit && !s.customers.is_empty()).then(|| view! {
                                <ActionForm action=share attr:class="inline">
                                    <input type="hidden" name="product_version_id" value=version_id.to_string()/>
                                    <label for="share-owner">"Share with"</label>
                                    " "<select id="share-owner" name="owner_org_id">
                                        {s.customers.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                    </select>
                                    " "<button type="submit">"Share"</button>
                                </ActionForm>
                            })}
                        }),
                    }
                })}
            </Suspense>
            {action_error(share.value())}
            {action_error(revoke.value())}
        </section>
    }
}

/// On a supplier's assessment: fill empty answers from one of its product
/// versions (its answer set, then its certificates), and what was done.
#[component]
pub fn FillFromProduct(
    assessment: i64,
    versions: Vec<(i64, String)>,
    /// What the owner named ("HX-500 4.2"): that version comes first.
    #[prop(optional)]
    named: Vec<String>,
    action: ServerAction<crate::api::products::FillFromProduct>,
) -> impl IntoView {
    view! {
        {(!versions.is_empty()).then(|| view! {
            <details class="card" data-testid="fill-from-product">
                <summary>"Fill from a product"</summary>
                <p class="muted small">"Copies your product version's answers with their evidence, or what its valid certificates cover at the owner's target (with the certificate's file), into the answers still empty. Answers already given stay as they are unless you ask to replace them; each copy is an ordinary answer you can change."</p>
                <ActionForm action=action attr:class="inline">
                    <input type="hidden" name="assessment_id" value=assessment.to_string()/>
                    <label for="fill-version">"Product version"</label>
                    " "<select id="fill-version" name="product_version_id">
                        {versions.iter().map(|(id, n)| view! { <option value=id.to_string() selected=named.iter().any(|x| x.eq_ignore_ascii_case(n))>{n.clone()}</option> }).collect_view()}
                    </select>
                    " "<label><input type="checkbox" name="replace" value="yes"/>" Also replace answers already given"</label>
                    " "<button type="submit">"Fill from product"</button>
                </ActionForm>
                {action_error(action.value())}
            </details>
        })}
        {move || action.value().get().and_then(|r| r.ok()).map(|r| view! {
            <div class="alert info" role="status" data-testid="fill-report">
                <p>{format!(
                    "From {} {}: {} answers filled from its answer set, {} from certificates ({} replaced an answer already given); {} already answered kept; {} not covered; {} files and links copied as evidence.",
                    r.product, r.version, r.from_answers.len(), r.from_certificates.len(), r.replaced, r.kept, r.not_covered.len(), r.evidence_copied
                )}</p>
                {(!r.from_certificates.is_empty()).then(|| view! { <p data-testid="filled-by-certificate">{format!("Covered by a certificate: {}.", r.from_certificates.join(", "))}</p> })}
                {(!r.above_claim.is_empty()).then(|| view! {
                    <p class="warn" data-testid="above-claim">{format!("The owner's target is above what you claim for: {}.", r.above_claim.iter().map(|(x, t, c)| format!("{x} (target {t}, claimed {c})")).collect::<Vec<_>>().join(", "))}</p>
                })}
                {(r.changed_meanwhile > 0).then(|| view! { <p>{format!("{} answers were changed by a colleague meanwhile and kept as they saved them.", r.changed_meanwhile)}</p> })}
            </div>
        })}
    }
}
