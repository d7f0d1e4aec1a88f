//! Step 4: a 500-requirement assessment answered, saved, applied and
//! submitted.

use super::*;

pub(crate) struct AssessmentFigures {
    /// The benchmark's engagement, its 500-answer assessment and profile.
    pub(crate) engagement: String,
    pub(crate) assessment: String,
    pub(crate) profile: String,
    pub(crate) page_p50: Duration,
    pub(crate) saves_per_sec: f64,
    pub(crate) save_p50: Duration,
    pub(crate) save_p99: Duration,
    pub(crate) save_p90: Duration,
    pub(crate) save_max: Duration,
    pub(crate) saves: usize,
    pub(crate) apply: Duration,
    pub(crate) submit: Duration,
}

/// Assessment budgets on a 500-requirement questionnaire: the supplier's
/// page, autosave under 16 concurrent clients, applying a 500-answer .xlsx,
/// submitting.
pub(crate) async fn assessments(base: &str) -> AssessmentFigures {
    let owner = signed_in(base, DEMO_EMAIL, DEMO_PASSWORD).await;
    let n = 500;
    let mut csv = String::from("ref_id,title,group\n");
    for i in 1..=n {
        csv.push_str(&format!(
            "BENCH-{i:03},Benchmark requirement {i},G{}\n",
            i % 10
        ));
    }
    let cat = upload(
        &owner,
        base,
        "import_catalog",
        &[("name", "Benchmark 500".into())],
        "b.csv",
        csv.into_bytes(),
    )
    .await;
    let profile = call(
        &owner,
        base,
        "create_profile",
        &[("name", "Benchmark 500"), ("description", "")],
    )
    .await
    .to_string();
    call(
        &owner,
        base,
        "add_profile_items",
        &[
            ("profile_id", &profile),
            ("catalog_id", &cat["id"].to_string()),
            ("component_type", ""),
            ("level", "2"),
        ],
    )
    .await;
    call(&owner, base, "publish_profile", &[("profile_id", &profile)]).await;
    let engagement = call(
        &owner,
        base,
        "create_engagement",
        &[("name", "Benchmark"), ("description", "")],
    )
    .await
    .to_string();
    let suppliers = call(&owner, base, "list_suppliers", &[]).await;
    let helix = suppliers
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Helix Controls")
        .unwrap()["org_id"]
        .to_string();
    let due = "2099-12-31";
    let assessment = call(
        &owner,
        base,
        "send_assessment",
        &[
            ("engagement_id", &engagement),
            ("supplier_org_id", &helix),
            ("profile_id", &profile),
            ("due_on", due),
            ("message", ""),
        ],
    )
    .await
    .to_string();

    let supplier = signed_in(base, SUPPLIER_EMAIL, SUPPLIER_PASSWORD).await;
    let a = call(
        &supplier,
        base,
        "get_assessment",
        &[("assessment_id", &assessment)],
    )
    .await;
    let answers: Vec<String> = a["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].to_string())
        .collect();
    assert_eq!(answers.len(), n);

    // Diagnostic: the same data as JSON, without rendering.
    let mut api = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        call(
            &supplier,
            base,
            "get_assessment",
            &[("assessment_id", &assessment)],
        )
        .await;
        api.push(t.elapsed());
    }
    api.sort();
    println!(
        "  (get_assessment as JSON: p50 {})",
        ms(percentile(&api, 0.5))
    );
    let page_p50 = page_p50(
        &supplier,
        &format!("{base}/assessments/{assessment}"),
        "BENCH-500",
        200,
    )
    .await;

    // 16 clients, each saving its own answer over and over: a short warm-up
    // round first (not measured), then the measured round.
    let mut versions = vec![0; answers.len().min(16)];
    autosave_round(&supplier, base, &answers, &mut versions, 20).await;
    let started = Instant::now();
    let mut save_lat = autosave_round(&supplier, base, &answers, &mut versions, 250).await;
    let elapsed = started.elapsed();
    save_lat.sort();
    let saves = save_lat.len();

    // The workbook with all 500 answers filled in, at their current versions.
    let a = call(
        &supplier,
        base,
        "get_assessment",
        &[("assessment_id", &assessment)],
    )
    .await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["answer_id", "version", "compliance", "statement"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, x) in a["answers"].as_array().unwrap().iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, x["id"].to_string()).unwrap();
        ws.write_string(r, 1, x["version"].to_string()).unwrap();
        ws.write_string(r, 2, "partially_meets").unwrap();
        ws.write_string(r, 3, format!("Filled offline, row {r}"))
            .unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let t = Instant::now();
    let applied = upload(
        &supplier,
        base,
        "apply_answer_sheet",
        &[("assessment_id", assessment.clone())],
        "answers.xlsx",
        bytes,
    )
    .await;
    let apply = t.elapsed();
    assert_eq!(applied, serde_json::json!(n));

    let t = Instant::now();
    call(
        &supplier,
        base,
        "submit_assessment",
        &[("assessment_id", &assessment)],
    )
    .await;
    let submit = t.elapsed();
    AssessmentFigures {
        engagement,
        assessment,
        profile,
        page_p50,
        saves_per_sec: saves as f64 / elapsed.as_secs_f64(),
        save_p50: percentile(&save_lat, 0.50),
        save_p99: percentile(&save_lat, 0.99),
        save_p90: percentile(&save_lat, 0.90),
        save_max: save_lat.last().copied().unwrap_or_default(),
        saves,
        apply,
        submit,
    }
}

pub(crate) fn print_assessments(f: &AssessmentFigures) {
    println!(
        "assessment page (500 requirements, supplier) server-side render: p50 {}",
        ms(f.page_p50)
    );
    println!(
        "autosave: {} saves by 16 concurrent clients, {:.0} saves/s, p50 {}, p90 {}, p99 {}, max {}",
        f.saves,
        f.saves_per_sec,
        ms(f.save_p50),
        ms(f.save_p90),
        ms(f.save_p99),
        ms(f.save_max)
    );
    println!(
        "apply a 500-answer .xlsx: {} (one transaction)",
        ms(f.apply)
    );
    println!("submit a 500-answer assessment: {}", ms(f.submit));
}

/// Prints and returns whether the assessment budgets were met.
pub(crate) fn assessments_met(f: &AssessmentFigures) -> bool {
    let ok = f.page_p50 < Duration::from_millis(15)
        && f.saves_per_sec >= 1000.0
        && f.save_p99 < Duration::from_millis(20)
        && f.apply < Duration::from_secs(1)
        && f.submit < Duration::from_millis(100);
    println!(
        "budgets: assessment page p50 < 15 ms, autosave >= 1,000/s with p99 < 20 ms, 500-answer apply < 1 s, submit < 100 ms: {}",
        if ok { "met" } else { "MISSED" }
    );
    ok
}

/// A workbook of answers for every answer of an assessment, at its current
/// versions; `compliance(i)` chooses row i's claim.
pub(crate) fn answers_workbook(
    a: &serde_json::Value,
    compliance: impl Fn(usize) -> &'static str,
) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "answer_id",
        "version",
        "compliance",
        "claimed_level",
        "statement",
        "planned_on",
        "na_reason",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, x) in a["answers"].as_array().unwrap().iter().enumerate() {
        let r = i as u32 + 1;
        let claim = compliance(i);
        ws.write_string(r, 0, x["id"].to_string()).unwrap();
        ws.write_string(r, 1, x["version"].to_string()).unwrap();
        ws.write_string(r, 2, claim).unwrap();
        let level = if claim == "meets" {
            ["1", "2", "3"][i % 3]
        } else {
            ""
        };
        ws.write_string(r, 3, level).unwrap();
        ws.write_string(r, 4, format!("Answer {r}")).unwrap();
        if claim == "planned" {
            ws.write_string(r, 5, "2099-06-30").unwrap();
        }
        if claim == "not_applicable" {
            ws.write_string(r, 6, "Not part of this product").unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// One round of autosaves: 16 clients, each saving its own answer `rounds`
/// times in a row (the next save waits for the previous answer, as the
/// browser's save queue does). Returns every save's latency.
pub(crate) async fn autosave_round(
    client: &reqwest::Client,
    base: &str,
    answers: &[String],
    versions: &mut [i64],
    rounds: i64,
) -> Vec<Duration> {
    let mut tasks = Vec::new();
    for (answer, from) in answers.iter().zip(versions.iter()) {
        let c = client.clone();
        let answer = answer.clone();
        let base = base.to_string();
        let from = *from;
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for v in from..from + rounds {
                let form = save_form(&answer, v, &format!("Autosaved text, revision {v}"));
                let t = Instant::now();
                let r = c
                    .post(format!("{base}/api/save_answer"))
                    .form(&form)
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success());
                let body: serde_json::Value = r.json().await.unwrap();
                assert_eq!(body["Saved"]["version"], v + 1, "{body}");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    for v in versions.iter_mut() {
        *v += rounds;
    }
    all
}
