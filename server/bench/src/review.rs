//! Step 5: the gap analysis, the supplier comparison and the
//! responsibility matrix of 10 suppliers.

use super::*;
use crate::assessments::answers_workbook;

pub(crate) struct ReviewFigures {
    pub(crate) gap_p50: Duration,
    pub(crate) compare_p50: Duration,
    pub(crate) matrix_p50: Duration,
    pub(crate) suppliers: usize,
    pub(crate) rows: usize,
}

/// Review budgets: the gap analysis of the submitted 500-answer assessment,
/// and the comparison of 10 suppliers × 500 requirements (nine more
/// suppliers are invited, join, and answer through the workbook, each with
/// its own pattern of claims).
pub(crate) async fn review(base: &str, f: &AssessmentFigures) -> ReviewFigures {
    let owner = signed_in(base, DEMO_EMAIL, DEMO_PASSWORD).await;
    let mut gap = Vec::new();
    for i in 0..120 {
        let t = Instant::now();
        let g = call(&owner, base, "get_gap", &[("assessment_id", &f.assessment)]).await;
        if i >= 20 {
            gap.push(t.elapsed());
        }
        assert_eq!(g["lines"].as_array().unwrap().len(), 500);
    }
    gap.sort();

    let claims = [
        "meets",
        "partially_meets",
        "does_not_meet",
        "planned",
        "meets",
        "not_applicable",
    ];
    for n in 1..=9 {
        let invited = call(
            &owner,
            base,
            "invite_supplier",
            &[
                ("name", &format!("Bench Supplier {n}")),
                ("kind", "product_supplier"),
                ("admin_email", &format!("admin@bench{n}.example")),
            ],
        )
        .await;
        let link = invited["link"].as_str().expect("invitation link (no SMTP)");
        let token = link.rsplit('/').next().unwrap();
        let password = format!("bench-harbor-quartz-{n}7-lantern");
        let anon = reqwest::Client::new();
        call(
            &anon,
            base,
            "accept_partner_invitation",
            &[
                ("token", token),
                ("org", "new"),
                ("org_name", &format!("Bench Supplier {n}")),
                ("display_name", "Bench Admin"),
                ("password", &password),
            ],
        )
        .await;
        let supplier = signed_in(base, &format!("admin@bench{n}.example"), &password).await;
        let org = call(&supplier, base, "me", &[]).await["org_id"].to_string();
        let id = call(
            &owner,
            base,
            "send_assessment",
            &[
                ("engagement_id", &f.engagement),
                ("supplier_org_id", &org),
                ("profile_id", &f.profile),
                ("due_on", "2099-12-31"),
                ("message", ""),
            ],
        )
        .await
        .to_string();
        let a = call(&supplier, base, "get_assessment", &[("assessment_id", &id)]).await;
        let book = answers_workbook(&a, |i| claims[(i * n + n) % claims.len()]);
        upload(
            &supplier,
            base,
            "apply_answer_sheet",
            &[("assessment_id", id.clone())],
            "answers.xlsx",
            book,
        )
        .await;
    }
    let m = call(
        &owner,
        base,
        "compare_suppliers",
        &[("engagement_id", &f.engagement)],
    )
    .await;
    let suppliers = m["columns"].as_array().unwrap().len();
    let rows = m["rows"].as_array().unwrap().len();
    let compare_p50 = page_p50(
        &owner,
        &format!("{base}/engagements/{}/compare", f.engagement),
        "Bench Supplier 9",
        100,
    )
    .await;
    let matrix_p50 = page_p50(
        &owner,
        &format!("{base}/engagements/{}/matrix", f.engagement),
        "Bench Supplier 9",
        100,
    )
    .await;
    ReviewFigures {
        gap_p50: percentile(&gap, 0.5),
        compare_p50,
        matrix_p50,
        suppliers,
        rows,
    }
}
