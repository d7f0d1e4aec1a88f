//! Step 10: the zone view of a system with 50 zones of 20 components each
//! (budget SSR p50 < 30 ms).

use super::*;

/// Builds the system through the server functions (components linked to
/// the owner's assessments, so the per-FR reach is looked up), then renders
/// the zone view. Returns whether the budget is met.
pub(crate) async fn zones(base: &str) -> bool {
    let owner = signed_in(base, DEMO_EMAIL, DEMO_PASSWORD).await;
    let setup = Instant::now();
    let system = call(
        &owner,
        base,
        "create_system",
        &[
            ("name", "Benchmark grid"),
            ("description", "50 zones x 20 components"),
        ],
    )
    .await
    .to_string();
    let m = call(&owner, base, "zones_and_conduits", &[]).await;
    let assessments: Vec<String> = m["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a[0].to_string())
        .collect();
    let types = ["SAR", "EDR", "HDR", "NDR"];
    let mut previous: Option<String> = None;
    for z in 1..=50 {
        let zone = call(
            &owner,
            base,
            "create_zone",
            &[
                ("system_id", &system),
                ("name", &format!("Zone {z:02}")),
                ("description", ""),
                ("sl_t", &format!("{},2,3,1,2,1,2", 1 + z % 4)),
            ],
        )
        .await
        .to_string();
        if let Some(p) = previous.replace(zone.clone()) {
            call(
                &owner,
                base,
                "create_conduit",
                &[
                    ("system_id", &system),
                    ("name", &format!("Link {z:02}")),
                    ("description", ""),
                    ("from_zone_id", &p),
                    ("to_zone_id", &zone),
                    ("sl_t", "2,2,2,2,2,2,2"),
                ],
            )
            .await;
        }
        for c in 1..=20 {
            let assessment = assessments
                .get((z * 20 + c) % assessments.len().max(1))
                .cloned()
                .unwrap_or_default();
            call(
                &owner,
                base,
                "add_component",
                &[
                    ("zone_id", &zone),
                    ("component[name]", &format!("Device {z:02}-{c:02}")),
                    ("component[component_type]", types[c % 4]),
                    ("component[product]", "Bench controller"),
                    ("component[version]", "1.0"),
                    (
                        "component[end_of_support]",
                        if c % 5 == 0 {
                            "2020-01-01"
                        } else {
                            "2040-01-01"
                        },
                    ),
                    ("component[assessment_id]", &assessment),
                ],
            )
            .await;
        }
    }
    println!(
        "zone model set-up: 50 zones, 49 conduits, 1,000 components through the server functions, in {}",
        ms(setup.elapsed())
    );
    let p50 = page_p50(&owner, &format!("{base}/zones"), "Zone 50", 200).await;
    println!(
        "zone view (50 zones x 20 components, 49 conduits) server-side render: p50 {}",
        ms(p50)
    );
    let ok = p50 < Duration::from_millis(30);
    println!(
        "budget: zone view SSR p50 < 30 ms: {}",
        if ok { "met" } else { "MISSED" }
    );
    ok
}
