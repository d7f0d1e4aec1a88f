//! The isolation matrix: every server function and page, called as every
//! role of an asset owner, as a supplier's roles and anonymously, against
//! objects of the caller's own organization and of another one.
//!
//! A server function that is not listed here fails `every_server_function_is_in_the_matrix`.

use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::{Client, StatusCode};
use std::collections::BTreeSet;

mod assessments;
mod catalogs;
mod commitments;
mod links;
mod organization;
mod pages;
mod products;
mod profiles;
mod program;
mod rest;
mod states;

use assessments::assessment_cases;
use catalogs::catalog_cases;
use commitments::commitment_cases;
use links::link_cases;
use organization::organization_cases;
use pages::pages;
use products::product_cases;
use profiles::profile_cases;
use program::program_cases;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anon,
    Alpha(Role),
    Sigma(Role),
    /// Kappa Assurance, an assessor Alpha invited into its engagement.
    Kappa(Role),
    /// Rho Controls, a second supplier in Alpha's engagement: Sigma's
    /// competitor in the same tender.
    Rho(Role),
}

use Caller::*;

const CALLERS: [Caller; 12] = [
    Anon,
    Alpha(Role::Admin),
    Alpha(Role::Reviewer),
    Alpha(Role::Contributor),
    Alpha(Role::Viewer),
    Sigma(Role::Admin),
    Sigma(Role::Contributor),
    Kappa(Role::Admin),
    Kappa(Role::Viewer),
    Rho(Role::Admin),
    Rho(Role::Contributor),
    Rho(Role::Viewer),
];

/// Ids the calls refer to: Alpha's objects and Beta's (another asset owner).
struct Ids {
    alpha_member: String,
    alpha_invitation: String,
    beta_member: String,
    beta_invitation: String,
    beta_org: String,
    shipped_catalog: String,
    beta_catalog: String,
    alpha_catalog: String,
    alpha_profile: String,
    alpha_item: String,
    beta_profile: String,
    beta_item: String,
    /// Alpha's engagement and its assessment sent to Sigma.
    alpha_engagement: String,
    alpha_assessment: String,
    alpha_answer: String,
    alpha_evidence: String,
    /// Beta's engagement, sent to Tau (another supplier, not Sigma's business).
    beta_engagement: String,
    beta_assessment: String,
    beta_answer: String,
    beta_evidence: String,
    /// A commitment of each engagement, a requirement of each matrix, and a
    /// notification of Beta's supplier.
    alpha_commitment: String,
    beta_commitment: String,
    alpha_requirement: String,
    beta_requirement: String,
    beta_notification: String,
    /// A pending invitation to a supplier, of each asset owner.
    alpha_partner_invitation: String,
    beta_partner_invitation: String,
    /// An API token of Beta's admin.
    beta_token: String,
    /// Beta's webhook endpoint and a delivery to it.
    beta_webhook: String,
    beta_delivery: String,
    /// A system, a zone and a component of each asset owner's zone model.
    alpha_system: String,
    alpha_zone: String,
    alpha_component: String,
    beta_system: String,
    beta_zone: String,
    beta_component: String,
    /// A countermeasure each owner carries itself on its legacy component.
    alpha_countermeasure: String,
    beta_countermeasure: String,
    /// A product of Sigma's and one of its versions.
    sigma_product: String,
    sigma_version: String,
    /// Alpha's organization; Sigma's version shared with Alpha, and a change
    /// to it since; Tau's version shared with Beta.
    alpha_org: String,
    alpha_share: String,
    alpha_share_change: String,
    beta_share: String,
    /// An answer of Sigma's shared version, a certificate of it, a file and
    /// a link kept with the answer; an answer of Tau's version (shared with
    /// Beta) and a file kept with it.
    sigma_product_answer: String,
    sigma_certificate: String,
    sigma_library_file: String,
    sigma_library_link: String,
    tau_product_answer: String,
    tau_library_file: String,
}

fn slug(c: Caller) -> String {
    match c {
        Anon => "anon".into(),
        Alpha(r) => format!("alpha-{}", r.as_str()),
        Sigma(r) => format!("sigma-{}", r.as_str()),
        Kappa(r) => format!("kappa-{}", r.as_str()),
        Rho(r) => format!("rho-{}", r.as_str()),
    }
}

/// Expected status per caller, for the ones that differ from `default`.
fn expect(c: Caller, default: u16, rules: &[(Caller, u16)]) -> u16 {
    if c == Anon {
        return 401;
    }
    rules
        .iter()
        .find(|(who, _)| *who == c)
        .map(|(_, s)| *s)
        .unwrap_or(default)
}

fn alpha_all(s: u16) -> Vec<(Caller, u16)> {
    [Role::Admin, Role::Reviewer, Role::Contributor, Role::Viewer]
        .map(|r| (Alpha(r), s))
        .to_vec()
}

fn alpha_managers(s: u16) -> Vec<(Caller, u16)> {
    [Role::Admin, Role::Reviewer, Role::Contributor]
        .map(|r| (Alpha(r), s))
        .to_vec()
}

fn alpha_reviewers(s: u16) -> Vec<(Caller, u16)> {
    vec![(Alpha(Role::Admin), s), (Alpha(Role::Reviewer), s)]
}

fn sigma_editors(s: u16) -> Vec<(Caller, u16)> {
    vec![(Sigma(Role::Admin), s), (Sigma(Role::Contributor), s)]
}

fn rho_editors(s: u16) -> Vec<(Caller, u16)> {
    vec![(Rho(Role::Admin), s), (Rho(Role::Contributor), s)]
}

/// Every role of Rho, the other supplier in Alpha's engagement.
fn rho_all(s: u16) -> Vec<(Caller, u16)> {
    let mut v = rho_editors(s);
    v.push((Rho(Role::Viewer), s));
    v
}

/// Alpha's people and its assessor's: those who read Alpha's engagement.
fn alpha_readers(s: u16) -> Vec<(Caller, u16)> {
    let mut v = alpha_all(s);
    v.extend([(Kappa(Role::Admin), s), (Kappa(Role::Viewer), s)]);
    v
}

fn admin_only(c: Caller) -> u16 {
    expect(
        c,
        404,
        &[
            (Alpha(Role::Admin), 200),
            (Sigma(Role::Admin), 200),
            (Kappa(Role::Admin), 200),
            (Rho(Role::Admin), 200),
        ],
    )
}

/// An OSCAL profile including one control of catalog `id`.
fn oscal_profile_of(id: &str) -> String {
    serde_json::json!({"profile": {
        "uuid": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "metadata": {"title": "Sneaky", "last-modified": "2026-01-01T00:00:00Z",
                     "version": "1", "oscal-version": "1.1.2"},
        "imports": [{"href": format!("https://x.example/catalogs/{id}/export/oscal"),
                     "include-controls": [{"with-ids": ["b-1"]}]}],
        "modify": {"alters": [{"control-id": "b-1", "adds": [{"position": "ending",
            "props": [{"name": "target", "ns": "https://pactline.dev/ns/oscal", "value": "2"}]}]}]}
    }})
    .to_string()
}

/// One call: endpoint, form arguments, expected status.
type Case = (&'static str, Vec<(String, String)>, u16);

/// Every server function, as `c` calls it, in the order the matrix calls them.
fn cases(c: Caller, ids: &Ids) -> Vec<Case> {
    [
        organization_cases(c, ids),
        catalog_cases(c, ids),
        assessment_cases(c, ids),
        profile_cases(c, ids),
        commitment_cases(c, ids),
        link_cases(c, ids),
        program_cases(c, ids),
        product_cases(c, ids),
    ]
    .concat()
}

/// Form arguments from pairs.
fn a(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The same for every caller (links that need no session).
fn anyone(status: u16) -> u16 {
    status
}

/// What a caller must never see in any answer.
fn foreign(c: Caller) -> &'static [&'static str] {
    match c {
        Anon => &[
            "alpha.test",
            "beta.test",
            "sigma.test",
            "Alpha Water",
            "Beta Power",
            "Sigma Devices",
            "BETA-PROMISE",
        ],
        Alpha(_) => &[
            "beta.test",
            "Beta Power",
            "@sigma.test",
            // Alpha typed the addresses its invitations went to; never the
            // rest of those organizations' people.
            "viewer@kappa.test",
            "contributor@rho.test",
            "viewer@rho.test",
            "Tau Systems",
            "tau.test",
            "BETA-PROMISE",
            "TAU-SHARED",
        ],
        // Sigma knows Alpha, its customer, by name; never its people, nor
        // Beta, nor Beta's supplier Tau.
        Sigma(_) => &[
            "beta.test",
            "Beta Power",
            "@alpha.test",
            "Tau Systems",
            "tau.test",
            "OWNER-INTERNAL-REMARK",
            "ASSESSOR-INTERNAL-REMARK",
            // The supplier never learns who assesses the engagement, nor
            // who else answers in it, nor anything they answered.
            "Kappa Assurance",
            "BETA-PROMISE",
            "Rho Controls",
            "rho.test",
            "RHO-CONFIDENTIAL",
            "RHO-PROMISE",
            "rho-proof",
            "ALPHA-INTERNAL",
            "TAU-SHARED",
        ],
        // Sigma's competitor in the same engagement: the same rules, the
        // other way round.
        Rho(_) => &[
            "beta.test",
            "Beta Power",
            "@alpha.test",
            "Tau Systems",
            "tau.test",
            "OWNER-INTERNAL-REMARK",
            "ASSESSOR-INTERNAL-REMARK",
            "Kappa Assurance",
            "BETA-PROMISE",
            "Sigma Devices",
            "sigma.test",
            "SIGMA-CONFIDENTIAL",
            "ALPHA-PROMISE",
            "sigma-proof",
            "ALPHA-INTERNAL",
            "SIGMA-SHARED",
            "TAU-SHARED",
        ],
        // The assessor reads Alpha's engagement (Alpha, Sigma by name, all
        // comments); never people's addresses, nor Beta or its supplier.
        Kappa(_) => &[
            "beta.test",
            "Beta Power",
            "@alpha.test",
            "@sigma.test",
            "@rho.test",
            "Tau Systems",
            "tau.test",
            "BETA-PROMISE",
            "ALPHA-INTERNAL",
            "SIGMA-SHARED",
            "TAU-SHARED",
        ],
    }
}

fn registered_endpoints() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect()
}

/// Ids for the checks that only look at the matrix's shape.
fn tests_ids() -> Ids {
    Ids {
        alpha_member: "1".into(),
        alpha_invitation: "1".into(),
        beta_member: "2".into(),
        beta_invitation: "2".into(),
        beta_org: "2".into(),
        shipped_catalog: "1".into(),
        beta_catalog: "2".into(),
        alpha_catalog: "3".into(),
        alpha_profile: "1".into(),
        alpha_item: "1".into(),
        beta_profile: "2".into(),
        beta_item: "2".into(),
        alpha_engagement: "1".into(),
        alpha_assessment: "1".into(),
        alpha_answer: "1".into(),
        alpha_evidence: "1".into(),
        beta_engagement: "2".into(),
        beta_assessment: "2".into(),
        beta_answer: "2".into(),
        beta_evidence: "2".into(),
        alpha_commitment: "1".into(),
        beta_commitment: "2".into(),
        alpha_requirement: "1".into(),
        beta_requirement: "2".into(),
        beta_notification: "2".into(),
        alpha_partner_invitation: "1".into(),
        beta_partner_invitation: "2".into(),
        beta_token: "2".into(),
        beta_webhook: "1".into(),
        beta_delivery: "1".into(),
        alpha_system: "1".into(),
        alpha_zone: "1".into(),
        alpha_component: "1".into(),
        beta_system: "2".into(),
        beta_zone: "2".into(),
        beta_component: "2".into(),
        alpha_countermeasure: "1".into(),
        beta_countermeasure: "2".into(),
        sigma_product: "1".into(),
        sigma_version: "1".into(),
        alpha_org: "1".into(),
        alpha_share: "1".into(),
        alpha_share_change: "1".into(),
        beta_share: "2".into(),
        sigma_product_answer: "1".into(),
        sigma_certificate: "2".into(),
        sigma_library_file: "3".into(),
        sigma_library_link: "4".into(),
        tau_product_answer: "5".into(),
        tau_library_file: "6".into(),
    }
}

#[test]
fn every_server_function_is_in_the_matrix() {
    let ids = tests_ids();
    let covered: BTreeSet<String> = cases(Anon, &ids)
        .into_iter()
        .map(|(e, _, _)| e.to_string())
        .collect();
    let registered = registered_endpoints();
    assert!(!registered.is_empty(), "no server functions registered");
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "server functions missing from the isolation matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "matrix lists server functions that do not exist: {stale:?}"
    );
}

async fn id_of(app: &TestApp, c: &Client, endpoint: &str, key: &str, value: &str) -> String {
    let (st, list) = app.call(c, endpoint, &[]).await;
    assert_eq!(st, StatusCode::OK, "{endpoint}: {list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m[key] == value)
        .unwrap_or_else(|| panic!("{value} not in {list}"))["id"]
        .to_string()
}

async fn isolation_matrix(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let alpha_admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let beta_admin = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    for (c, org) in [(&alpha_admin, "alpha"), (&beta_admin, "beta")] {
        let (st, _) = app
            .call(
                c,
                "invite_member",
                &[
                    ("email", &format!("pending@{org}.test")),
                    ("role", "viewer"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK);
    }
    let ids = Ids {
        alpha_member: id_of(
            &app,
            &alpha_admin,
            "list_members",
            "email",
            w.alpha.email(Role::Viewer),
        )
        .await,
        alpha_invitation: id_of(
            &app,
            &alpha_admin,
            "list_invitations",
            "email",
            "pending@alpha.test",
        )
        .await,
        beta_member: id_of(
            &app,
            &beta_admin,
            "list_members",
            "email",
            w.beta.email(Role::Viewer),
        )
        .await,
        beta_invitation: id_of(
            &app,
            &beta_admin,
            "list_invitations",
            "email",
            "pending@beta.test",
        )
        .await,
        beta_org: w.beta.id.0.to_string(),
        shipped_catalog: crate::catalogs::shipped_id(&app, "iec-62443-4-2")
            .await
            .to_string(),
        beta_catalog: crate::catalogs::custom_catalog(&app, w.beta.id.0, "Beta Power OT standard")
            .await
            .to_string(),
        alpha_catalog: crate::catalogs::custom_catalog(&app, w.alpha.id.0, "Alpha corporate")
            .await
            .to_string(),
        alpha_profile: String::new(),
        alpha_item: String::new(),
        beta_profile: String::new(),
        beta_item: String::new(),
        alpha_engagement: String::new(),
        alpha_assessment: String::new(),
        alpha_answer: String::new(),
        alpha_evidence: String::new(),
        beta_engagement: String::new(),
        beta_assessment: String::new(),
        beta_answer: String::new(),
        beta_evidence: String::new(),
        alpha_commitment: String::new(),
        beta_commitment: String::new(),
        alpha_requirement: String::new(),
        beta_requirement: String::new(),
        beta_notification: String::new(),
        alpha_partner_invitation: String::new(),
        beta_partner_invitation: String::new(),
        beta_token: String::new(),
        beta_webhook: String::new(),
        beta_delivery: String::new(),
        alpha_system: String::new(),
        alpha_zone: String::new(),
        alpha_component: String::new(),
        beta_system: String::new(),
        beta_zone: String::new(),
        beta_component: String::new(),
        alpha_countermeasure: String::new(),
        beta_countermeasure: String::new(),
        sigma_product: String::new(),
        sigma_version: String::new(),
        alpha_org: String::new(),
        alpha_share: String::new(),
        alpha_share_change: String::new(),
        beta_share: String::new(),
        sigma_product_answer: String::new(),
        sigma_certificate: String::new(),
        sigma_library_file: String::new(),
        sigma_library_link: String::new(),
        tau_product_answer: String::new(),
        tau_library_file: String::new(),
    };
    let mut ids = ids;
    let (st, t) = app
        .call(
            &beta_admin,
            "create_api_token",
            &[
                ("name", "Beta reports"),
                ("role", "reviewer"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{t}");
    ids.beta_token = t["token"]["id"].to_string();
    let (st, hook) = app
        .call(
            &beta_admin,
            "create_webhook",
            &[
                ("url", "https://hooks.beta.example/pactline"),
                ("description", "Beta GRC"),
                ("events[0]", "assessment.sent"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{hook}");
    ids.beta_webhook = hook["webhook"]["id"].to_string();
    for (c, org) in [(&alpha_admin, "alpha"), (&beta_admin, "beta")] {
        let (st, r) = app
            .call(
                c,
                "invite_supplier",
                &[
                    ("name", "Pending Partner"),
                    ("kind", "product_supplier"),
                    ("admin_email", &format!("pending@partner-{org}.test")),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let id = r["invitation"]["id"].to_string();
        if org == "alpha" {
            ids.alpha_partner_invitation = id;
        } else {
            ids.beta_partner_invitation = id;
        }
    }
    for (c, org) in [(&alpha_admin, "alpha"), (&beta_admin, "beta")] {
        let id = crate::profiles::create(&app, c, &format!("{org} profile")).await;
        let (st, _) = crate::profiles::add_edr(&app, c, &id, "1").await;
        assert_eq!(st, StatusCode::OK);
        let (_, p) = app.call(c, "get_profile", &[("profile_id", &id)]).await;
        let item = p["items"][0]["id"].to_string();
        if org == "alpha" {
            (ids.alpha_profile, ids.alpha_item) = (id, item);
        } else {
            (ids.beta_profile, ids.beta_item) = (id, item);
        }
    }
    // Alpha sends a published profile to Sigma; Beta one to Tau, a supplier
    // of its own. Each supplier attaches a file.
    let tau = crate::common::org(
        &app.state,
        "Tau Systems",
        "tau",
        app::model::OrgKind::ProductSupplier,
        &[Role::Admin],
    )
    .await;
    let tau_admin = app.login(tau.email(Role::Admin), PASSWORD).await;
    let (st, r) = crate::common::invite_and_accept(
        &app,
        &beta_admin,
        "invite_supplier",
        &[
            ("name", "Tau Systems"),
            ("kind", "product_supplier"),
            ("admin_email", "admin@tau.test"),
        ],
        &tau_admin,
        tau.id,
    )
    .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    // Rho, a second supplier of Alpha's, answers in the same engagement.
    let rho = crate::common::org(
        &app.state,
        "Rho Controls",
        "rho",
        app::model::OrgKind::ProductSupplier,
        &[Role::Admin, Role::Contributor, Role::Viewer],
    )
    .await;
    let rho_admin = app.login(rho.email(Role::Admin), PASSWORD).await;
    let (st, r) = crate::common::invite_and_accept(
        &app,
        &alpha_admin,
        "invite_supplier",
        &[
            ("name", "Rho Controls"),
            ("kind", "product_supplier"),
            ("admin_email", "admin@rho.test"),
        ],
        &rho_admin,
        rho.id,
    )
    .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    // Sigma's product library: a controller and its version.
    let (st, p) = app
        .call(
            &sigma_admin,
            "create_product",
            &[
                ("product[name]", "SIGMA-CONFIDENTIAL controller"),
                ("product[kind]", "component"),
                ("product[component_type]", "EDR"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    let (st, v) = app
        .call(
            &sigma_admin,
            "add_product_version",
            &[("product_id", &p.to_string()), ("version", "4.2")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    ids.sigma_product = p.to_string();
    ids.sigma_version = v.to_string();
    // Sigma shares the version with Alpha, then changes an answer of it
    // (one Alpha's profile does not ask, so no fill copies it): SIGMA-SHARED
    // is for Alpha's eyes only.
    let save_shared = |version: &'static str, statement: &'static str| {
        let (app, sigma_admin, v) = (&app, &sigma_admin, v.to_string());
        async move {
            let (st, r) = app
                .call(
                    sigma_admin,
                    "save_product_answer",
                    &[
                        ("product_version_id", v.as_str()),
                        ("ref_id", "CR 1.1 RE(2)"),
                        ("version", version),
                        ("answer[compliance]", "meets"),
                        ("answer[statement]", statement),
                    ],
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{r}");
        }
    };
    save_shared("0", "SIGMA-SHARED first").await;
    ids.alpha_org = w.alpha.id.0.to_string();
    let (st, share) = app
        .call(
            &sigma_admin,
            "share_product_version",
            &[
                ("product_version_id", &ids.sigma_version),
                ("owner_org_id", &ids.alpha_org),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{share}");
    ids.alpha_share = share.to_string();
    save_shared("1", "SIGMA-SHARED second").await;
    let (st, set) = app
        .call(
            &alpha_admin,
            "get_shared_set",
            &[("share_id", &ids.alpha_share)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{set}");
    ids.alpha_share_change = set["changes"][0]["id"].to_string();
    // Tau shares a version of its own with Beta.
    let (st, tp) = app
        .call(
            &tau_admin,
            "create_product",
            &[
                ("product[name]", "TAU-SHARED gateway"),
                ("product[kind]", "component"),
                ("product[component_type]", "NDR"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{tp}");
    let (_, tv) = app
        .call(
            &tau_admin,
            "add_product_version",
            &[("product_id", &tp.to_string()), ("version", "1.0")],
        )
        .await;
    let (st, share) = app
        .call(
            &tau_admin,
            "share_product_version",
            &[
                ("product_version_id", &tv.to_string()),
                ("owner_org_id", &ids.beta_org),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{share}");
    ids.beta_share = share.to_string();
    // Library evidence: Sigma keeps a file and a link with the shared
    // answer and records a (lapsed: it fills nothing) certificate; Tau
    // keeps a file with an answer of the set it shares with Beta.
    let (st, set) = app
        .call(
            &sigma_admin,
            "get_product_answers",
            &[("product_version_id", &ids.sigma_version)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{set}");
    ids.sigma_product_answer = crate::products::row(&set, "CR 1.1 RE(2)")["id"].to_string();
    let (st, f) = app
        .upload(
            &sigma_admin,
            "upload_product_evidence",
            &[("product_answer_id", &ids.sigma_product_answer)],
            "SIGMA-SHARED guide.txt",
            b"sigma library".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    ids.sigma_library_file = f.to_string();
    let (st, l) = app
        .call(
            &sigma_admin,
            "add_product_evidence_link",
            &[
                ("product_answer_id", &ids.sigma_product_answer),
                ("title", "SIGMA-SHARED link"),
                ("url", "https://sigma.example/guide"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{l}");
    ids.sigma_library_link = l.to_string();
    let (st, cert) = app
        .call(
            &sigma_admin,
            "add_certificate",
            &[
                ("product_version_id", &ids.sigma_version),
                ("certificate[scheme]", "isasecure_csa"),
                ("certificate[levels]", "2"),
                ("certificate[number]", "CSA-SIGMA-1"),
                ("certificate[issuer]", "Certa Labs"),
                ("certificate[issued_on]", "2023-01-01"),
                ("certificate[expires_on]", "2024-01-01"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{cert}");
    ids.sigma_certificate = cert.to_string();
    let (st, r) = app
        .call(
            &tau_admin,
            "save_product_answer",
            &[
                ("product_version_id", &tv.to_string()),
                ("ref_id", "CR 1.1"),
                ("version", "0"),
                ("answer[compliance]", "meets"),
                ("answer[statement]", "TAU-SHARED answer"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (_, tset) = app
        .call(
            &tau_admin,
            "get_product_answers",
            &[("product_version_id", &tv.to_string())],
        )
        .await;
    ids.tau_product_answer = crate::products::row(&tset, "CR 1.1")["id"].to_string();
    let (st, f) = app
        .upload(
            &tau_admin,
            "upload_product_evidence",
            &[("product_answer_id", &ids.tau_product_answer)],
            "TAU-SHARED notes.txt",
            b"tau library".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    ids.tau_library_file = f.to_string();
    for (owner, supplier, supplier_client, org) in [
        (&alpha_admin, w.sigma.id.0, &sigma_admin, "alpha"),
        (&beta_admin, tau.id.0, &tau_admin, "beta"),
    ] {
        // A published profile of its own, so the draft above stays editable.
        let profile = crate::profiles::create(&app, owner, &format!("{org} sent profile")).await;
        let (st, _) = crate::profiles::add_edr(&app, owner, &profile, "1").await;
        assert_eq!(st, StatusCode::OK);
        let (st, _) = app
            .call(owner, "publish_profile", &[("profile_id", &profile)])
            .await;
        assert_eq!(st, StatusCode::OK);
        let (st, e) = app
            .call(
                owner,
                "create_engagement",
                &[("name", &format!("{org} tender")), ("description", "")],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{e}");
        let (st, a) = app
            .call(
                owner,
                "send_assessment",
                &[
                    ("engagement_id", &e.to_string()),
                    ("supplier_org_id", &supplier.to_string()),
                    ("profile_id", &profile),
                    ("due_on", &crate::assessments::due()),
                    ("message", ""),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{a}");
        let (_, full) = app
            .call(
                supplier_client,
                "get_assessment",
                &[("assessment_id", &a.to_string())],
            )
            .await;
        let answer = full["answers"][0]["id"].to_string();
        let (st, ev) = app
            .upload(
                supplier_client,
                "upload_evidence",
                &[("answer_id", &answer)],
                &format!("{}-proof.txt", if org == "alpha" { "sigma" } else { "tau" }),
                b"evidence".to_vec(),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{ev}");
        if org == "alpha" {
            let (st, r) = crate::assessments::save(
                &app,
                supplier_client,
                &answer,
                full["answers"][0]["version"].as_i64().unwrap(),
                &[
                    ("compliance", "meets"),
                    ("claimed_level", "1"),
                    ("statement", "SIGMA-CONFIDENTIAL pricing of the firmware"),
                ],
            )
            .await;
            assert_eq!(st, StatusCode::OK, "{r}");
            rho_answers(&app, owner, &rho_admin, &e.to_string(), &profile).await;
        }
        // An internal remark of the asset owner, which its supplier must never see.
        let (st, r) = app
            .call(
                owner,
                "add_comment",
                &[
                    ("answer_id", &answer),
                    ("visibility", "internal"),
                    ("body", "OWNER-INTERNAL-REMARK about the price"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
        // A commitment the owner proposes to its supplier (which tells the
        // supplier's admin), and a requirement of the engagement's matrix.
        let (st, commitment) = app
            .call(
                owner,
                "create_commitment",
                &[
                    ("assessment_id", &a.to_string()),
                    ("promisor", "supplier"),
                    ("requirement", ""),
                    (
                        "title",
                        &format!("{}-PROMISE patch the firmware", org.to_uppercase()),
                    ),
                    ("due_on", "2099-01-01"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{commitment}");
        let (st, m) = app
            .call(owner, "get_matrix", &[("engagement_id", &e.to_string())])
            .await;
        assert_eq!(st, StatusCode::OK, "{m}");
        let requirement = m["rows"][0]["requirement_id"].to_string();
        if org == "alpha" {
            (ids.alpha_commitment, ids.alpha_requirement) = (commitment.to_string(), requirement);
        } else {
            (ids.beta_commitment, ids.beta_requirement) = (commitment.to_string(), requirement);
            let (_, n) = app.call(supplier_client, "list_notifications", &[]).await;
            ids.beta_notification = n["items"][0]["id"].to_string();
            assert_ne!(ids.beta_notification, "null", "{n}");
        }
        // The owner's zone model: a system, a zone, a component.
        let (st, sys) = app
            .call(
                owner,
                "create_system",
                &[
                    ("name", &format!("{}-PROMISE plant", org.to_uppercase())),
                    ("description", ""),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{sys}");
        let (st, zone) = app
            .call(
                owner,
                "create_zone",
                &[
                    ("system_id", &sys.to_string()),
                    ("name", "Control"),
                    ("description", ""),
                    ("sl_t", "2,2,3,1,2,1,2"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{zone}");
        let (st, component) = app
            .call(
                owner,
                "add_component",
                &[
                    ("zone_id", &zone.to_string()),
                    ("component[name]", "RTU"),
                    ("component[component_type]", "EDR"),
                    ("component[assessment_id]", &a.to_string()),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{component}");
        // The component is legacy; the owner carries a countermeasure
        // (Alpha's is internal: Sigma, its supplier, never hears of it).
        let (st, r) = app
            .call(
                owner,
                "set_component_legacy",
                &[("component_id", &component.to_string()), ("legacy", "yes")],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let marker = if org == "alpha" {
            "ALPHA-INTERNAL"
        } else {
            "BETA-PROMISE"
        };
        let (st, measure) = app
            .call(
                owner,
                "add_countermeasure",
                &[
                    ("component_id", &component.to_string()),
                    ("countermeasure[frs]", "FR2"),
                    (
                        "countermeasure[description]",
                        &format!("{marker} write log read weekly"),
                    ),
                    ("countermeasure[location]", "component"),
                    ("countermeasure[review_on]", "2099-01-01"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{measure}");
        let zone_ids = (
            sys.to_string(),
            zone.to_string(),
            component.to_string(),
            measure.to_string(),
        );
        if org == "alpha" {
            (
                ids.alpha_system,
                ids.alpha_zone,
                ids.alpha_component,
                ids.alpha_countermeasure,
            ) = zone_ids;
        } else {
            (
                ids.beta_system,
                ids.beta_zone,
                ids.beta_component,
                ids.beta_countermeasure,
            ) = zone_ids;
        }
        if org == "beta" {
            // Beta's own program: a rating no one else may read.
            let (st, r) = app
                .call(
                    owner,
                    "rate_program_requirement",
                    &[
                        ("ref_id", "ORG 1.1"),
                        ("rating[target_ml]", "3"),
                        ("rating[achieved_ml]", "1"),
                        ("rating[note]", "BETA-PROMISE our ISMS covers IT only"),
                        ("version", "0"),
                    ],
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{r}");
            // Beta's endpoint heard of the questionnaire sent.
            let (_, log) = app
                .call(
                    owner,
                    "webhook_deliveries",
                    &[("webhook_id", &ids.beta_webhook)],
                )
                .await;
            ids.beta_delivery = log[0]["id"].to_string();
            assert_ne!(ids.beta_delivery, "null", "{log}");
        }
        let set = (e.to_string(), a.to_string(), answer, ev.to_string());
        if org == "alpha" {
            (
                ids.alpha_engagement,
                ids.alpha_assessment,
                ids.alpha_answer,
                ids.alpha_evidence,
            ) = set;
        } else {
            (
                ids.beta_engagement,
                ids.beta_assessment,
                ids.beta_answer,
                ids.beta_evidence,
            ) = set;
        }
    }

    // Alpha invites Kappa Assurance into its engagement as assessor; Kappa
    // leaves an internal remark that Sigma must never see.
    let kappa = crate::common::org(
        &app.state,
        "Kappa Assurance",
        "kappa",
        app::model::OrgKind::Assessor,
        &[Role::Admin, Role::Viewer],
    )
    .await;
    let kappa_admin = app.login(kappa.email(Role::Admin), PASSWORD).await;
    let (st, r) = crate::common::invite_and_accept(
        &app,
        &alpha_admin,
        "invite_assessor",
        &[
            ("engagement_id", &ids.alpha_engagement),
            ("name", "Kappa Assurance"),
            ("admin_email", "admin@kappa.test"),
        ],
        &kappa_admin,
        kappa.id,
    )
    .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let (st, r) = app
        .call(
            &kappa_admin,
            "add_comment",
            &[
                ("answer_id", &ids.alpha_answer),
                ("visibility", "internal"),
                ("body", "ASSESSOR-INTERNAL-REMARK on the evidence"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    let mut failures = Vec::new();
    let (mut workbooks_read, mut calendar_events) = (0, 0);
    for caller in CALLERS {
        let client = match caller {
            Anon => app.client(),
            Alpha(r) => app.login(w.alpha.email(r), PASSWORD).await,
            Sigma(r) => app.login(w.sigma.email(r), PASSWORD).await,
            Kappa(r) => app.login(kappa.email(r), PASSWORD).await,
            Rho(r) => app.login(rho.email(r), PASSWORD).await,
        };
        for (endpoint, args, want) in cases(caller, &ids) {
            let args: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            if std::env::var("MATRIX_TRACE").is_ok() {
                eprintln!("{caller:?} {endpoint}");
            }
            let uploads = endpoint.starts_with("import_")
                || endpoint.ends_with("_sheet")
                || endpoint == "upload_evidence"
                || endpoint == "upload_product_evidence"
                || endpoint == "upload_certificate_file";
            let (status, body) = if uploads {
                // The `file` argument is the uploaded file's content.
                let (file, fields): (Vec<_>, Vec<_>) =
                    args.iter().partition(|(k, _)| k.starts_with("file:"));
                let (name, content) = file.first().map(|(k, v)| (&k[5..], *v)).unwrap();
                app.upload(
                    &client,
                    endpoint,
                    &fields,
                    name,
                    content.as_bytes().to_vec(),
                )
                .await
            } else {
                app.call(&client, endpoint, &args).await
            };
            if status.as_u16() != want {
                failures.push(format!(
                    "{caller:?} {endpoint} {args:?}: got {status}, want {want}: {body}"
                ));
            }
            let text = body.to_string();
            for marker in foreign(caller) {
                if text.contains(marker) {
                    failures.push(format!(
                        "{caller:?} {endpoint}: answer mentions {marker}: {text}"
                    ));
                }
            }
        }
        for (path, want) in pages(caller, &ids) {
            let r = client
                .get(app.url(&path))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let bytes = r.bytes().await.unwrap();
            if status != want {
                failures.push(format!(
                    "{caller:?} GET {path}: got {status}, want {want}: {}",
                    String::from_utf8_lossy(&bytes)
                        .chars()
                        .take(120)
                        .collect::<String>()
                ));
            }
            // A workbook is a zip: look inside every part, not at the
            // compressed bytes.
            let html = if bytes.starts_with(b"PK") {
                let text = unzipped_text(&bytes);
                if status == 200 {
                    assert!(text.contains("<worksheet"), "{path}: no sheet inside");
                    workbooks_read += 1;
                }
                text
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            for marker in foreign(caller) {
                if html.contains(marker) {
                    failures.push(format!("{caller:?} GET {path}: page mentions {marker}"));
                }
            }
        }
        // The caller's own calendar feed, fetched as a calendar program
        // would (no cookie): only their own commitments.
        if caller != Anon {
            let (st, url) = app.call(&client, "create_calendar_feed", &[]).await;
            assert_eq!(st, StatusCode::OK, "{caller:?}: {url}");
            let feed = reqwest::get(url.as_str().unwrap())
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(feed.starts_with("BEGIN:VCALENDAR"), "{caller:?}: {feed}");
            calendar_events += feed.matches("BEGIN:VEVENT").count();
            for marker in foreign(caller) {
                if feed.contains(marker) {
                    failures.push(format!("{caller:?} calendar feed mentions {marker}"));
                }
            }
        }
    }
    // The REST API, with a token of every role each organization's admin
    // can make, and with none.
    let admins = [
        (
            Alpha(Role::Admin),
            app.login(w.alpha.email(Role::Admin), PASSWORD).await,
        ),
        (
            Sigma(Role::Admin),
            app.login(w.sigma.email(Role::Admin), PASSWORD).await,
        ),
        (
            Kappa(Role::Admin),
            app.login(kappa.email(Role::Admin), PASSWORD).await,
        ),
        (
            Rho(Role::Admin),
            app.login(rho.email(Role::Admin), PASSWORD).await,
        ),
    ];
    failures.extend(rest::matrix(&app, &ids, &admins).await);
    assert!(
        failures.is_empty(),
        "isolation failures:\n{}",
        failures.join("\n")
    );
    // The checks above looked at real content.
    assert!(workbooks_read > 0, "no workbook was downloaded");
    assert!(calendar_events > 0, "no calendar feed had an event");

    // Beta's objects are untouched by all of the above.
    let (_, members) = app.call(&beta_admin, "list_members", &[]).await;
    assert!(members.as_array().unwrap().iter().all(
        |m| m["is_active"] == true && (m["role"] != "admin" || m["email"] == "admin@beta.test")
    ));
    let (_, invitations) = app.call(&beta_admin, "list_invitations", &[]).await;
    assert_eq!(invitations[0]["status"], "Pending");
    let (_, partners) = app
        .call(&beta_admin, "list_supplier_invitations", &[])
        .await;
    let pending = partners
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == ids.beta_partner_invitation.parse::<i64>().unwrap())
        .unwrap_or_else(|| panic!("{partners}"));
    assert_eq!(pending["status"], "Pending", "{pending}");
    app.finish().await;
}
both!(isolation_matrix);

/// Rho's assessment in Alpha's engagement: an answer with a confidential
/// statement, a file, and a commitment Alpha proposes to Rho.
async fn rho_answers(app: &TestApp, owner: &Client, rho: &Client, engagement: &str, profile: &str) {
    let (st, a) = app
        .call(
            owner,
            "send_assessment",
            &[
                ("engagement_id", engagement),
                ("supplier_org_id", &rho_org(app).await),
                ("profile_id", profile),
                ("due_on", &crate::assessments::due()),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    let (_, full) = app
        .call(rho, "get_assessment", &[("assessment_id", &a.to_string())])
        .await;
    let answer = &full["answers"][0];
    let (st, r) = crate::assessments::save(
        app,
        rho,
        &answer["id"].to_string(),
        answer["version"].as_i64().unwrap(),
        &[
            ("compliance", "meets"),
            ("claimed_level", "1"),
            ("statement", "RHO-CONFIDENTIAL discount for the tender"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, ev) = app
        .upload(
            rho,
            "upload_evidence",
            &[("answer_id", &answer["id"].to_string())],
            "rho-proof.txt",
            b"evidence".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{ev}");
    let (st, c) = app
        .call(
            owner,
            "create_commitment",
            &[
                ("assessment_id", &a.to_string()),
                ("promisor", "supplier"),
                ("requirement", ""),
                ("title", "RHO-PROMISE harden the gateway"),
                ("due_on", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
}

async fn rho_org(app: &TestApp) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    app::server::entities::organization::Entity::find()
        .filter(app::server::entities::organization::Column::Name.eq("Rho Controls"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("Rho")
        .id
        .0
        .to_string()
}

/// Every part of a zip archive (a downloaded .xlsx), as one text.
fn unzipped_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        part.read_to_end(&mut content).unwrap();
        text.push_str(&String::from_utf8_lossy(&content));
    }
    text
}
