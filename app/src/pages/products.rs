//! A supplier's product library: its products, their versions and the
//! 62443 certificates of a version or of the organization.

use crate::api::products::{
    get_product, list_products, AddCertificate, AddProductVersion, CreateProduct,
};
use crate::components::{action_error, field_error, ErrorBox};
use crate::model::{CertPart, CertScheme, CertState, CertificateDto, ComponentType, ProductKind};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A table of certificates, each flagged when expiring or expired.
fn certificate_table(list: Vec<CertificateDto>) -> impl IntoView {
    if list.is_empty() {
        return Either::Left(view! { <p class="muted small">"No certificate recorded."</p> });
    }
    Either::Right(view! {
        <table class="table small" data-testid="certificates">
            <thead><tr>
                <th scope="col">"Scheme"</th><th scope="col">"Part"</th><th scope="col">"Level"</th>
                <th scope="col">"Number"</th><th scope="col">"Issuer"</th><th scope="col">"Scope"</th>
                <th scope="col">"Valid"</th>
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
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    })
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
    let data = Resource::new(
        move || (create.version().get(), certify.version().get()),
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
                            {certificate_table(lib.certificates.clone())}
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
    let data = Resource::new(
        move || (id(), version.version().get(), certify.version().get()),
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
                        Either::Right(view! {
                            <Title text=p.name.clone()/>
                            <h1 data-testid="product-name">{p.name.clone()}</h1>
                            <p class="muted">{p.kind.label()}{p.component_type.map(|t| format!(" · {}", t.label()))} " " {p.description.clone()}</p>
                            {p.versions.is_empty().then(|| view! { <p class="muted">"No version recorded yet."</p> })}
                            {p.versions.into_iter().map(|v| view! {
                                <section class="card" data-version=v.version.clone()>
                                    <h2>{format!("Version {}", v.version)}</h2>
                                    <p class="muted small">
                                        {v.released_on.map(|d| format!("Released {d}. "))}
                                        {v.end_of_support.map(|d| format!("Supported until {d}."))}
                                        {v.past_end_of_support.then(|| view! { " " <span class="tag provisional">"end of support passed"</span> })}
                                    </p>
                                    {certificate_table(v.certificates)}
                                </section>
                            }).collect_view()}
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
