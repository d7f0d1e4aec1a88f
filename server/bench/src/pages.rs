//! Step 8: the supplier's assessment page under load. The 108-requirement
//! demo assessment with every item answered and the 500-requirement one of
//! step 4: pages/s at 16 clients, one client's p50, the same bytes served
//! as a static file by the same server to the same clients (the ceiling the
//! page is measured against), the HTML's size against its visible markup
//! (what is left without the hydration data), and the server's resident
//! memory, idle and after the load.

use super::*;
use std::path::Path;

pub(crate) struct PageFigures {
    pub(crate) rps: f64,
    pub(crate) one_p50: Duration,
    pub(crate) p99: Duration,
    pub(crate) static_rps: f64,
    pub(crate) html: usize,
    pub(crate) visible: usize,
}

/// A signed-in session's cookie header, for load clients of their own.
async fn session_cookie(base: &str, email: &str, password: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/auth/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/", "sign-in of {email}");
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The page without its `<script>` elements: what a reader's browser lays
/// out, against which the hydration data is measured.
fn visible_markup(html: &str) -> usize {
    let mut rest = html;
    let mut n = 0;
    while let Some(i) = rest.find("<script") {
        n += i;
        match rest[i..].find("</script>") {
            Some(j) => rest = &rest[i + j + "</script>".len()..],
            None => return n,
        }
    }
    n + rest.len()
}

/// The server's resident memory, from /proc.
pub(crate) fn resident_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Measures one assessment page. The page's own bytes are copied into the
/// site folder for the static-file ceiling and removed afterwards.
async fn measure(base: &str, cookie: &str, path: &str, site: &Path, label: &str) -> PageFigures {
    let mut session_header = reqwest::header::HeaderMap::new();
    session_header.insert("cookie", cookie.parse().expect("a cookie header"));
    let client = reqwest::Client::builder()
        .default_headers(session_header)
        .build()
        .unwrap();
    let url = format!("{base}{path}");
    let html = client.get(&url).send().await.unwrap().text().await.unwrap();
    let marker = "data-testid=\"answers\"";
    assert!(html.contains(marker), "{path} is not the assessment page");
    let one_p50 = page_p50(&client, &url, marker, 100).await;
    let session = Some(("cookie", cookie));
    let (rps, lat) = throughput(&format!("{base}{path}"), session, 16, 5).await;
    let copy = site.join(format!("bench-page-{label}.html"));
    std::fs::write(&copy, &html).expect("write the page's copy into the site folder");
    let (static_rps, _) =
        throughput(&format!("{base}/bench-page-{label}.html"), session, 16, 5).await;
    let _ = std::fs::remove_file(&copy);
    PageFigures {
        rps,
        one_p50,
        p99: percentile(&lat, 0.99),
        static_rps,
        html: html.len(),
        visible: visible_markup(&html),
    }
}

/// Answers every open item of the supplier's demo assessment, so the page
/// carries a full questionnaire's answers. Returns its path.
async fn answered_demo_assessment(base: &str) -> String {
    let supplier = signed_in(base, SUPPLIER_EMAIL, SUPPLIER_PASSWORD).await;
    let list = supplier
        .get(format!("{base}/assessments"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut ids: Vec<String> = list
        .split("href=\"/assessments/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect();
    ids.dedup();
    for id in ids {
        let a = call(&supplier, base, "get_assessment", &[("assessment_id", &id)]).await;
        let answers = a["answers"].as_array().cloned().unwrap_or_default();
        if answers.len() != 108 || !a["abilities"]["answer"].as_bool().unwrap_or(false) {
            continue;
        }
        for x in &answers {
            if !x["fields"]["compliance"].is_null() {
                continue;
            }
            let form = save_form(
                &x["id"].to_string(),
                x["version"].as_i64().unwrap_or(0),
                "Met by the product's role-based access model; see the security manual, chapter 4.",
            );
            let r = supplier
                .post(format!("{base}/api/save_answer"))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "save_answer: {}", r.status());
        }
        return format!("/assessments/{id}");
    }
    panic!("the demo data has no open 108-requirement assessment for the supplier");
}

fn print(label: &str, f: &PageFigures) {
    println!(
        "assessment page ({label}, supplier): {:.0} pages/s at 16 clients (p99 {}), one client p50 {}; the same bytes as a static file {:.0}/s ({:.0} %); HTML {} KB of which visible markup {} KB ({:.2}x)",
        f.rps,
        ms(f.p99),
        ms(f.one_p50),
        f.static_rps,
        100.0 * f.rps / f.static_rps.max(1.0),
        f.html / 1024,
        f.visible / 1024,
        f.html as f64 / f.visible.max(1) as f64
    );
}

/// One page as Chromium loads it (`end2end/bench/page-load.mjs`).
#[derive(serde::Deserialize)]
struct BrowserFigures {
    path: String,
    cold_bytes: u64,
    warm_bytes: u64,
    usable_cold_ms: u64,
    usable_warm_ms: u64,
    lighthouse: u64,
    fcp_ms: i64,
    lcp_ms: i64,
    tbt_ms: i64,
    console_errors: Vec<String>,
}

/// Loads the pages in Debian's Chromium: bytes on the wire cold and warm,
/// how long until an answer can be edited on a slow link and CPU, and
/// Lighthouse's performance score. The session's cookie goes through the
/// environment, never argv.
fn in_the_browser(base: &str, cookie: &str, paths: &[&str]) -> Option<Vec<BrowserFigures>> {
    let out = Command::new("node")
        .arg("bench/page-load.mjs")
        .arg(base)
        .args(paths)
        .current_dir("end2end")
        .env("PACTLINE_BENCH_COOKIE", cookie)
        .stderr(Stdio::inherit())
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            println!("browser step failed: {}", o.status);
            return None;
        }
        Err(e) => {
            println!("browser step could not start node: {e}");
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Prints the page figures; returns whether the budgets were met.
pub(crate) async fn pages(base: &str, pid: u32, site: &Path, big: &AssessmentFigures) -> bool {
    let idle = resident_mib(pid);
    let demo = answered_demo_assessment(base).await;
    let cookie = session_cookie(base, SUPPLIER_EMAIL, SUPPLIER_PASSWORD).await;
    let small = measure(base, &cookie, &demo, site, "108").await;
    print("108 requirements, all answered", &small);
    let large = measure(
        base,
        &cookie,
        &format!("/assessments/{}", big.assessment),
        site,
        "500",
    )
    .await;
    print("500 requirements", &large);
    let after = resident_mib(pid);
    let big_path = format!("/assessments/{}", big.assessment);
    let browser = in_the_browser(base, &cookie, &[&demo, &big_path]).unwrap_or_default();
    let mut browser_ok = browser.len() == 2;
    for b in &browser {
        println!(
            "in Chromium, {}: cold load {} KB, warm load {} KB on the wire; an answer editable after {} ms cold, {} ms warm (4x CPU slowdown, fast 3G); Lighthouse performance {} (FCP {} ms, LCP {} ms, TBT {} ms); console errors: {}",
            b.path,
            b.cold_bytes / 1024,
            b.warm_bytes / 1024,
            b.usable_cold_ms,
            b.usable_warm_ms,
            b.lighthouse,
            b.fcp_ms,
            b.lcp_ms,
            b.tbt_ms,
            b.console_errors.len()
        );
        browser_ok &= b.console_errors.is_empty() && b.lighthouse >= 90;
        if b.path == big_path {
            browser_ok &= b.usable_cold_ms <= 2500 && b.usable_warm_ms <= 1000;
        }
    }
    println!(
        "budgets: in Chromium no console errors, Lighthouse performance >= 90, the 500-requirement page editable within 2.5 s cold and 1 s warm on a slow link: {}",
        if browser_ok { "met" } else { "MISSED" }
    );
    println!("server resident memory: {idle:.0} MiB before the page step, {after:.0} MiB after it");
    let ok = small.rps >= 990.0
        && small.rps >= 0.6 * small.static_rps
        && small.one_p50 <= Duration::from_millis(2)
        && large.one_p50 <= Duration::from_millis(5)
        && small.html as f64 <= 1.5 * small.visible as f64
        && after <= 128.0
        && browser_ok;
    println!(
        "budgets: 108-requirement page >= 990 pages/s at 16 clients and >= 60 % of its static copy, p50 <= 2 ms at one client; 500 requirements p50 <= 5 ms; HTML <= 1.5x its visible markup; resident memory <= 128 MiB: {}",
        if ok { "met" } else { "MISSED" }
    );
    ok
}
