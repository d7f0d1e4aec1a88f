//! What a browser downloads on a first visit: the page's script, wasm and
//! stylesheet as they travel (brotli when accepted), against the budgets
//! main wasm ≤ 350 KB and everything ≤ 400 KB; and whether a later visit
//! may keep them (immutable caching).

/// Prints the bundle's figures; returns whether the budgets were met.
pub(crate) async fn bundle(base: &str) -> bool {
    let client = reqwest::Client::new();
    let html = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The names the page gives its bundle (script, wasm, stylesheet).
    let mut names: Vec<String> = html
        .split(['"', '\''])
        .filter(|s| s.starts_with("/pkg/"))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    let mut total = 0usize;
    let mut wasm = 0usize;
    let mut immutable = true;
    for name in &names {
        let mut sizes = Vec::new();
        for accept in ["br", "gzip", "identity"] {
            let r = client
                .get(format!("{base}{name}"))
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{name}: {}", r.status());
            immutable &= r
                .headers()
                .get("cache-control")
                .is_some_and(|v| v.to_str().unwrap_or_default().contains("immutable"));
            sizes.push(r.bytes().await.unwrap().len());
        }
        println!(
            "bundle: {name}: {} brotli, {} gzip, {} plain",
            kb(sizes[0]),
            kb(sizes[1]),
            kb(sizes[2])
        );
        total += sizes[0];
        if name.ends_with(".wasm") {
            wasm += sizes[0];
        }
    }
    println!(
        "bundle: a first visit downloads {} (main wasm {}); later visits keep it: {}",
        kb(total),
        kb(wasm),
        if immutable { "yes (immutable)" } else { "NO" }
    );
    let ok = wasm > 0 && wasm <= 350 * 1024 && total <= 400 * 1024 && immutable;
    println!(
        "budgets: main wasm <= 350 KB and a first visit <= 400 KB compressed, kept by later visits: {}",
        if ok { "met" } else { "MISSED" }
    );
    ok
}

fn kb(n: usize) -> String {
    format!("{:.0} KB", n as f64 / 1024.0)
}
