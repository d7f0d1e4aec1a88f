//! Step 11: a supplier's product answers at work — "fill from product" on a
//! 503-requirement questionnaire (budget under 100 ms; one transaction by
//! construction) and a product version's answer-set page: the benchmark
//! controller's (every requirement the shipped 4-2 asks of an embedded
//! device) and one of 500 answers (budget SSR p50 under 15 ms), generated
//! on a database of its own by `pactline demo product-set`, since no
//! shipped catalog asks 500 questions of one product.

use super::*;

/// Northwind sends Helix ten questionnaires of the whole 2-1, 2-4, 3-2, 3-3,
/// 4-1 and 4-2 (embedded device) catalogs; Helix answers every requirement of its benchmark
/// controller's version (4-2 for an embedded device) every other
/// requirement and records a CSA SL 4 certificate; each questionnaire is
/// then filled from the version once.
/// Returns whether the budgets are met.
pub(crate) async fn products(bin: &str, base: &str) -> bool {
    let owner = signed_in(base, DEMO_EMAIL, DEMO_PASSWORD).await;
    let catalogs = catalog_ids(&owner, base).await;
    let id_of = |key: &str| catalogs[key].clone();
    let profile = call(
        &owner,
        base,
        "create_profile",
        &[("name", "Fill benchmark"), ("description", "")],
    )
    .await
    .to_string();
    for key in [
        "iec-62443-2-1",
        "iec-62443-2-4",
        "iec-62443-3-2",
        "iec-62443-3-3",
        "iec-62443-4-1",
        "iec-62443-4-2",
    ] {
        // 4-2 for an embedded device; the others whole.
        let ct = if key.ends_with("4-2") { "EDR" } else { "" };
        call(
            &owner,
            base,
            "add_profile_items",
            &[
                ("profile_id", &profile),
                ("catalog_id", &id_of(key)),
                ("component_type", ct),
                // Every level: all of each catalog.
                ("level", "4"),
            ],
        )
        .await;
    }
    call(&owner, base, "publish_profile", &[("profile_id", &profile)]).await;
    let suppliers = call(&owner, base, "list_suppliers", &[]).await;
    let helix = suppliers
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Helix Controls")
        .unwrap()["org_id"]
        .to_string();
    let mut sent = Vec::new();
    for i in 0..10 {
        let engagement = call(
            &owner,
            base,
            "create_engagement",
            &[
                ("name", &format!("Fill benchmark {i}")),
                ("description", ""),
            ],
        )
        .await
        .to_string();
        sent.push(
            call(
                &owner,
                base,
                "send_assessment",
                &[
                    ("engagement_id", &engagement),
                    ("supplier_org_id", &helix),
                    ("profile_id", &profile),
                    ("due_on", "2099-12-31"),
                    ("message", ""),
                ],
            )
            .await
            .to_string(),
        );
    }

    let supplier = signed_in(base, SUPPLIER_EMAIL, SUPPLIER_PASSWORD).await;
    let product = call(
        &supplier,
        base,
        "create_product",
        &[
            ("product[name]", "Bench controller"),
            ("product[kind]", "component"),
            ("product[component_type]", "EDR"),
        ],
    )
    .await
    .to_string();
    let version = call(
        &supplier,
        base,
        "add_product_version",
        &[("product_id", &product), ("version", "1.0")],
    )
    .await
    .to_string();
    let set = call(
        &supplier,
        base,
        "get_product_answers",
        &[("product_version_id", &version)],
    )
    .await;
    let rows: Vec<String> = set["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ref_id"].as_str().unwrap().to_string())
        .collect();
    // Every other requirement answered; the certificate covers the rest.
    for r in rows.iter().step_by(2) {
        call(
            &supplier,
            base,
            "save_product_answer",
            &[
                ("product_version_id", version.as_str()),
                ("ref_id", r.as_str()),
                ("version", "0"),
                ("answer[compliance]", "meets"),
                ("answer[claimed_level]", "2"),
                (
                    "answer[statement]",
                    "Benchmark answer kept with the product",
                ),
            ],
        )
        .await;
    }
    call(
        &supplier,
        base,
        "add_certificate",
        &[
            ("product_version_id", version.as_str()),
            ("certificate[scheme]", "isasecure_csa"),
            ("certificate[levels]", "4"),
            ("certificate[number]", "CSA-BENCH-1"),
            ("certificate[issuer]", "Kestrel Certification"),
            ("certificate[issued_on]", "2025-01-01"),
            ("certificate[expires_on]", "2034-01-01"),
        ],
    )
    .await;

    let mut lat = Vec::new();
    let mut report = serde_json::Value::Null;
    for a in &sent {
        let t = Instant::now();
        report = call(
            &supplier,
            base,
            "fill_from_product",
            &[
                ("assessment_id", a.as_str()),
                ("product_version_id", version.as_str()),
            ],
        )
        .await;
        lat.push(t.elapsed());
    }
    lat.sort();
    let count = |k: &str| report[k].as_array().map_or(0, Vec::len);
    let total = count("from_answers")
        + count("from_certificates")
        + count("not_covered")
        + report["kept"].as_u64().unwrap_or(0) as usize;
    println!(
        "fill from product ({total}-requirement questionnaire; {} from the answer set, {} from the certificate, {} not covered): p50 {}, max {}",
        count("from_answers"),
        count("from_certificates"),
        count("not_covered"),
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 1.0))
    );
    let p50 = page_p50(
        &supplier,
        &format!("{base}/products/{product}/versions/{version}"),
        "Bench controller 1.0",
        200,
    )
    .await;
    println!(
        "product answer-set page ({} requirements, {} answered) server-side render: p50 {}",
        rows.len(),
        rows.len().div_ceil(2),
        ms(p50)
    );
    let p500 = answer_set_of_500(bin).await;
    let fill_ok = percentile(&lat, 0.50) < Duration::from_millis(100);
    let page_ok = p50 < Duration::from_millis(15) && p500 < Duration::from_millis(15);
    println!(
        "budgets: fill from product p50 < 100 ms: {}; answer-set page (500 answers) SSR p50 < 15 ms: {}",
        if fill_ok { "met" } else { "MISSED" },
        if page_ok { "met" } else { "MISSED" }
    );
    fill_ok && page_ok
}

const SET_EMAIL: &str = "admin@product-set.bench";
const SET_PASSWORD: &str = "bench-answer-set-quartz-58-meadow";

/// The answer-set page of a product version holding 500 answers: generated
/// on a fresh SQLite database, served by a second server, then rendered
/// 200 times (after 20 unmeasured). Prints and returns the SSR p50.
async fn answer_set_of_500(bin: &str) -> Duration {
    let dir = std::env::temp_dir().join(format!("pactline-bench-set-{}", free_port()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("set.db").display());
    let out = Command::new(bin)
        .args(["demo", "product-set", "--rows", "500", "--email", SET_EMAIL])
        .env("DATABASE_URL", &url)
        .env("PACTLINE_DATA_DIR", &dir)
        .env("PACTLINE_ADMIN_PASSWORD", SET_PASSWORD)
        .env("PACTLINE_LOG", "warn")
        .output()
        .expect("run pactline demo product-set");
    assert!(
        out.status.success(),
        "generating the product set failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let path = said
        .split_whitespace()
        .find(|w| w.starts_with("/products/"))
        .unwrap_or_else(|| panic!("no page in {said:?}"))
        .to_string();
    let (_server, base) = second_server(bin, &url, &dir, dir.clone()).await;
    let supplier = signed_in(&base, SET_EMAIL, SET_PASSWORD).await;
    let p50 = page_p50(
        &supplier,
        &format!("{base}{path}"),
        "Bench plant control system 1.0",
        200,
    )
    .await;
    println!(
        "product answer-set page (500 requirements, 500 answered) server-side render: p50 {}",
        ms(p50)
    );
    p50
}
