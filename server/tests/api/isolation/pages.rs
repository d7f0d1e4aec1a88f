//! The isolation matrix's cases: pages, by path: expected status per caller.

use super::*;

pub(super) fn pages(c: Caller, ids: &Ids) -> Vec<(String, u16)> {
    let signed_in = |s: u16| if c == Anon { 302 } else { s };
    let admin = matches!(
        c,
        Alpha(Role::Admin) | Sigma(Role::Admin) | Kappa(Role::Admin) | Rho(Role::Admin)
    );
    let owner = matches!(c, Alpha(_));
    let reader = matches!(c, Alpha(_) | Kappa(_));
    // Sigma's assessment: Rho, the other supplier in the engagement, never.
    let sigmas = |s: u16| if matches!(c, Rho(_)) { 404 } else { s };
    let list: Vec<(&str, u16)> = vec![
        ("/", signed_in(200)),
        ("/members", signed_in(200)),
        ("/account", signed_in(200)),
        ("/suppliers", signed_in(if owner { 200 } else { 404 })),
        ("/outbox", signed_in(if admin { 200 } else { 404 })),
        ("/activity", signed_in(if admin { 200 } else { 404 })),
        ("/login", 200),
        ("/forgot", 200),
        ("/healthz", 200),
        ("/catalogs", signed_in(200)),
        ("/catalogs/shipped", signed_in(200)),
    ];
    let mut out: Vec<(String, u16)> = list.into_iter().map(|(p, s)| (p.to_string(), s)).collect();
    out.push((format!("/catalogs/{}", ids.shipped_catalog), signed_in(200)));
    out.push((format!("/catalogs/{}", ids.beta_catalog), signed_in(404)));
    out.push(("/profiles".into(), signed_in(if owner { 200 } else { 404 })));
    // Downloads answer 401 rather than redirecting anonymous callers.
    let download = |s: u16| if c == Anon { 401 } else { s };
    out.push(("/program".into(), signed_in(if owner { 200 } else { 404 })));
    out.push((
        "/program/ORG-1.1".into(),
        signed_in(if owner { 200 } else { 404 }),
    ));
    out.push(("/program/ORG-9.9".into(), signed_in(404)));
    for f in ["csv", "xlsx"] {
        out.push((
            format!("/program/0/export/{f}"),
            download(if owner { 200 } else { 404 }),
        ));
    }
    out.push(("/program/0/export/oscal".into(), download(404)));
    out.push(("/zones".into(), signed_in(if owner { 200 } else { 404 })));
    for kind in ["zones", "countermeasures"] {
        for f in ["csv", "xlsx"] {
            out.push((
                format!("/{kind}/0/export/{f}"),
                download(if owner { 200 } else { 404 }),
            ));
        }
        out.push((format!("/{kind}/0/export/oscal"), download(404)));
        out.push((
            format!("/{kind}/{}/export/csv", ids.beta_zone),
            download(404),
        ));
    }
    out.push((
        format!("/zones/{}", ids.alpha_zone),
        signed_in(if owner { 200 } else { 404 }),
    ));
    out.push((format!("/zones/{}", ids.beta_zone), signed_in(404)));
    // A supplier's product library: its own people only.
    let supplier = matches!(c, Sigma(_) | Rho(_));
    out.push((
        "/products".into(),
        signed_in(if supplier { 200 } else { 404 }),
    ));
    out.push((
        format!("/products/{}", ids.sigma_product),
        signed_in(if matches!(c, Sigma(_)) { 200 } else { 404 }),
    ));
    out.push((
        format!(
            "/products/{}/versions/{}",
            ids.sigma_product, ids.sigma_version
        ),
        signed_in(if matches!(c, Sigma(_)) { 200 } else { 404 }),
    ));
    // Answer sets shared with the owner: its people only, and only its own.
    out.push(("/shared".into(), signed_in(if owner { 200 } else { 404 })));
    out.push((
        format!("/shared/{}", ids.alpha_share),
        signed_in(if owner { 200 } else { 404 }),
    ));
    out.push((format!("/shared/{}", ids.beta_share), signed_in(404)));
    // A system's zone model as an OSCAL plan: the owner's people only.
    out.push((
        format!("/systems/{}/export/oscal", ids.alpha_system),
        download(if owner { 200 } else { 404 }),
    ));
    out.push((
        format!("/systems/{}/export/oscal", ids.beta_system),
        download(404),
    ));
    out.push((
        format!("/systems/{}/export/csv", ids.alpha_system),
        download(404),
    ));
    for f in ["csv", "xlsx", "oscal"] {
        out.push((
            format!("/catalogs/{}/export/{f}", ids.shipped_catalog),
            download(200),
        ));
        out.push((
            format!("/catalogs/{}/export/{f}", ids.beta_catalog),
            download(404),
        ));
        out.push((
            format!("/catalogs/{}/export/{f}", ids.alpha_catalog),
            download(if owner { 200 } else { 404 }),
        ));
        out.push((
            format!("/profiles/{}/export/{f}", ids.alpha_profile),
            download(if owner { 200 } else { 404 }),
        ));
        out.push((
            format!("/profiles/{}/export/{f}", ids.beta_profile),
            download(404),
        ));
    }
    out.push((
        format!("/profiles/{}", ids.alpha_profile),
        signed_in(if owner { 200 } else { 404 }),
    ));
    out.push((format!("/profiles/{}", ids.beta_profile), signed_in(404)));
    out.push((
        "/engagements".into(),
        signed_in(if reader { 200 } else { 404 }),
    ));
    for page in ["", "/compare"] {
        out.push((
            format!("/engagements/{}{page}", ids.alpha_engagement),
            signed_in(if reader { 200 } else { 404 }),
        ));
        out.push((
            format!("/engagements/{}{page}", ids.beta_engagement),
            signed_in(404),
        ));
    }
    out.push((
        format!("/engagements/{}/export/xlsx", ids.alpha_engagement),
        download(if reader { 200 } else { 404 }),
    ));
    out.push((
        format!("/engagements/{}/export/xlsx", ids.beta_engagement),
        download(404),
    ));
    out.push((
        format!("/engagements/{}/export/csv", ids.alpha_engagement),
        download(404),
    ));
    out.push(("/assessments".into(), signed_in(200)));
    out.push((
        format!("/assessments/{}", ids.alpha_assessment),
        signed_in(sigmas(200)),
    ));
    out.push((
        format!("/assessments/{}", ids.beta_assessment),
        signed_in(404),
    ));
    out.push((
        format!("/evidence/{}", ids.alpha_evidence),
        download(sigmas(200)),
    ));
    out.push((format!("/evidence/{}", ids.beta_evidence), download(404)));
    out.push(("/evidence/99999999".into(), download(404)));
    // Library files: Sigma's people, and Alpha while the set is shared
    // with it (Sigma revokes it in its own turn, after Alpha's); Tau's,
    // shared with Beta, nobody here.
    out.push((
        format!("/library-evidence/{}", ids.sigma_library_file),
        download(if matches!(c, Alpha(_) | Sigma(_)) {
            200
        } else {
            404
        }),
    ));
    out.push((
        format!("/library-evidence/{}", ids.tau_library_file),
        download(404),
    ));
    out.push((
        format!("/assessments/{}/export/xlsx", ids.alpha_assessment),
        download(sigmas(200)),
    ));
    out.push((
        format!("/assessments/{}/export/xlsx", ids.beta_assessment),
        download(404),
    ));
    out.push((
        format!("/assessments/{}/export/csv", ids.alpha_assessment),
        download(404),
    ));
    // OSCAL assessment results: both parties and the owner's assessor.
    out.push((
        format!("/assessments/{}/export/oscal", ids.alpha_assessment),
        download(sigmas(200)),
    ));
    out.push((
        format!("/assessments/{}/export/oscal", ids.beta_assessment),
        download(404),
    ));
    out.push(("/commitments".into(), signed_in(200)));
    out.push(("/notifications".into(), signed_in(200)));
    out.push((
        format!("/engagements/{}/matrix", ids.alpha_engagement),
        signed_in(200),
    ));
    out.push((
        format!("/engagements/{}/matrix", ids.beta_engagement),
        signed_in(404),
    ));
    for f in ["xlsx", "csv"] {
        out.push((
            format!("/matrix/{}/export/{f}", ids.alpha_engagement),
            download(200),
        ));
        out.push((
            format!("/matrix/{}/export/{f}", ids.beta_engagement),
            download(404),
        ));
    }
    out.push((
        format!("/matrix/{}/export/oscal", ids.alpha_engagement),
        download(404),
    ));
    for f in ["xlsx", "csv", "oscal"] {
        out.push((format!("/commitments/0/export/{f}"), download(200)));
        out.push((
            format!("/commitments/{}/export/{f}", ids.alpha_engagement),
            download(200),
        ));
        out.push((
            format!("/commitments/{}/export/{f}", ids.beta_engagement),
            download(404),
        ));
    }
    // A guessed calendar address: nobody's.
    out.push((format!("/calendar/{}.ics", "A".repeat(43)), 404));
    out.push((
        format!("/profiles/{0}/compare/{0}", ids.alpha_profile),
        signed_in(if owner { 200 } else { 404 }),
    ));
    out.push((
        format!("/profiles/{0}/compare/{0}", ids.beta_profile),
        signed_in(404),
    ));
    out
}
