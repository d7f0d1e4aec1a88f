//! The isolation matrix's cases: a supplier's product library. Sigma's
//! products, versions and certificates are Sigma's alone: Rho (its
//! competitor in Alpha's engagement), Alpha (its customer) and Kappa (the
//! assessor) never read or change them; every supplier keeps its own.

use super::*;

fn sigma_all(s: u16) -> Vec<(Caller, u16)> {
    sigma_editors(s)
}

pub(super) fn product_cases(c: Caller, ids: &Ids) -> Vec<Case> {
    let me = slug(c);
    let suppliers = || {
        let mut v = sigma_all(200);
        v.extend(rho_all(200));
        expect(c, 404, &v)
    };
    let editors = || {
        let mut v = sigma_editors(200);
        v.extend(rho_editors(200));
        expect(c, 404, &v)
    };
    let today = chrono::Utc::now().date_naive();
    let expires = (today + chrono::Days::new(400)).to_string();
    vec![
        ("list_products", a(&[]), suppliers()),
        (
            "get_product",
            a(&[("product_id", &ids.sigma_product)]),
            expect(c, 404, &sigma_all(200)),
        ),
        (
            "create_product",
            a(&[
                ("product[name]", &format!("{me} gateway")),
                ("product[kind]", "component"),
                ("product[component_type]", "NDR"),
            ]),
            editors(),
        ),
        (
            "add_product_version",
            a(&[("product_id", &ids.sigma_product), ("version", &me)]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "add_certificate",
            a(&[
                ("product_version_id", &ids.sigma_version),
                ("certificate[scheme]", "isasecure_csa"),
                ("certificate[levels]", "2"),
                ("certificate[number]", &format!("{me}-CSA")),
                ("certificate[issuer]", "Certa Labs"),
                // Expired already: recorded, but it fills nothing below, so
                // Alpha's assessment stays incomplete for later callers.
                ("certificate[issued_on]", "2023-01-01"),
                ("certificate[expires_on]", "2024-01-01"),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        // The version's answer set: Sigma's people read, its editors save
        // (each a first answer of its own requirement, from version 0).
        (
            "get_product_answers",
            a(&[("product_version_id", &ids.sigma_version)]),
            expect(c, 404, &sigma_all(200)),
        ),
        (
            "save_product_answer",
            a(&[
                ("product_version_id", &ids.sigma_version),
                (
                    "ref_id",
                    if c == Sigma(Role::Admin) {
                        "CR 1.1"
                    } else {
                        "CR 1.2"
                    },
                ),
                ("version", "0"),
                ("answer[compliance]", "meets"),
                ("answer[statement]", &format!("{me} says so")),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "product_answer_history",
            a(&[
                ("product_version_id", &ids.sigma_version),
                ("ref_id", "CR 1.1"),
            ]),
            expect(c, 404, &sigma_all(200)),
        ),
        // Fill an assessment from a product version: Sigma's editors, on
        // Sigma's assessment; another supplier's assessment for nobody.
        (
            "fill_from_product",
            a(&[
                ("assessment_id", &ids.alpha_assessment),
                ("product_version_id", &ids.sigma_version),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "fill_from_product",
            a(&[
                ("assessment_id", &ids.beta_assessment),
                ("product_version_id", &ids.sigma_version),
            ]),
            expect(c, 404, &[]),
        ),
        // Shared answer sets: the owner it is shared with reads (every
        // role), nobody else; the owner's answer sets from other suppliers
        // never reach another owner.
        ("list_shared_sets", a(&[]), expect(c, 404, &alpha_all(200))),
        (
            "get_shared_set",
            a(&[("share_id", &ids.alpha_share)]),
            expect(c, 404, &alpha_all(200)),
        ),
        (
            "get_shared_set",
            a(&[("share_id", &ids.beta_share)]),
            expect(c, 404, &[]),
        ),
        (
            "product_sharing",
            a(&[("product_version_id", &ids.sigma_version)]),
            expect(c, 404, &sigma_all(200)),
        ),
        // Alpha's reviewers may ask for updates; no assessment of Alpha's
        // is about the version (yet), so there is nothing to ask.
        (
            "ask_shared_update",
            a(&[
                ("share_id", &ids.alpha_share),
                ("change_id", &ids.alpha_share_change),
            ]),
            expect(c, 404, &alpha_reviewers(409)),
        ),
        (
            "ask_shared_update",
            a(&[
                ("share_id", &ids.beta_share),
                ("change_id", &ids.alpha_share_change),
            ]),
            expect(c, 404, &[]),
        ),
        // Alpha's managers may send about it; its profile is a draft.
        (
            "send_about_shared",
            a(&[
                ("share_id", &ids.alpha_share),
                ("engagement_id", &ids.alpha_engagement),
                ("profile_id", &ids.alpha_profile),
                ("due_on", "2099-01-01"),
                ("message", ""),
            ]),
            expect(c, 404, &alpha_managers(422)),
        ),
        (
            "send_about_shared",
            a(&[
                ("share_id", &ids.beta_share),
                ("engagement_id", &ids.alpha_engagement),
                ("profile_id", &ids.alpha_profile),
                ("due_on", "2099-01-01"),
                ("message", ""),
            ]),
            expect(c, 404, &[]),
        ),
        // Sigma's admin finds it shared already, then revokes it; its
        // contributor shares it again and revokes it too.
        (
            "share_product_version",
            a(&[
                ("product_version_id", &ids.sigma_version),
                ("owner_org_id", &ids.alpha_org),
            ]),
            expect(
                c,
                404,
                &[(Sigma(Role::Admin), 409), (Sigma(Role::Contributor), 200)],
            ),
        ),
        (
            "revoke_product_share",
            a(&[("share_id", &ids.alpha_share)]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "revoke_product_share",
            a(&[("share_id", &ids.beta_share)]),
            expect(c, 404, &[]),
        ),
        // Library evidence: Sigma's editors keep files and links with its
        // answers and certificates; nobody touches Tau's (or anyone's
        // else). Sigma's admin removes the link; for its contributor it is
        // gone already.
        (
            "upload_product_evidence",
            a(&[
                ("product_answer_id", &ids.sigma_product_answer),
                ("file:note.txt", "more library evidence"),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "upload_product_evidence",
            a(&[
                ("product_answer_id", &ids.tau_product_answer),
                ("file:note.txt", "more library evidence"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "add_product_evidence_link",
            a(&[
                ("product_answer_id", &ids.sigma_product_answer),
                ("title", &me),
                ("url", "https://sigma.example/more"),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "add_product_evidence_link",
            a(&[
                ("product_answer_id", &ids.tau_product_answer),
                ("title", &me),
                ("url", "https://tau.example/more"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "upload_certificate_file",
            a(&[
                ("certificate_id", &ids.sigma_certificate),
                ("file:certificate.pdf", "%PDF-1.7 certificate"),
            ]),
            expect(c, 404, &sigma_editors(200)),
        ),
        (
            "remove_library_evidence",
            a(&[("library_evidence_id", &ids.sigma_library_link)]),
            expect(c, 404, &[(Sigma(Role::Admin), 200)]),
        ),
        (
            "remove_library_evidence",
            a(&[("library_evidence_id", &ids.tau_library_file)]),
            expect(c, 404, &[]),
        ),
        // The organization's own certificate: every supplier's editors.
        (
            "add_certificate",
            a(&[
                ("product_version_id", ""),
                ("certificate[scheme]", "isasecure_sdla"),
                ("certificate[levels]", "ML2"),
                ("certificate[number]", &format!("{me}-SDLA")),
                ("certificate[issuer]", "Certa Labs"),
                ("certificate[issued_on]", "2025-01-01"),
                ("certificate[expires_on]", &expires),
            ]),
            editors(),
        ),
    ]
}
