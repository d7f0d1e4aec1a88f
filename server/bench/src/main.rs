//! HTTP benchmarks for the foundation's budgets, against a real `pactline`
//! process (release build) on loopback with a fresh SQLite database:
//!
//! 1. `GET /healthz` throughput with keep-alive connections (budget ≥ 5,000 req/s);
//! 2. `GET /healthz` latency while 8 logins (argon2id) are in flight at all
//!    times (budget p99 < 20 ms).
//!
//! 3. the catalog pages and a 2,000-row catalog import;
//! 4. a 500-requirement assessment: the supplier's page, autosave by 16
//!    concurrent clients (a warm-up round, then 16 x 250 measured saves),
//!    applying a 500-answer .xlsx, submitting.
//! 5. review: the gap analysis of the submitted 500-answer assessment, the
//!    supplier comparison and the responsibility matrix of 10 suppliers x
//!    500 requirements.
//! 6. the portfolio dashboard (the asset owner's home page) over 1,000
//!    suppliers x 300 requirements (300,000 answers, made by `pactline demo
//!    portfolio`), on SQLite and, when PACTLINE_BENCH_PG names a server to
//!    create a database on, on PostgreSQL (budget SSR p99 < 100 ms).
//!
//! 7. accounts: sign-in with a password and an authenticator code with 8
//!    in flight (budget p99 < 150 ms), and the single sign-on callback's
//!    own time through the test OpenID provider (budget < 20 ms).
//!
//! 8. the supplier's assessment page under load (108 and 500 requirements):
//!    pages/s at 16 clients against the same bytes as a static file, one
//!    client's p50, the HTML against its visible markup, resident memory.
//!
//! 9. the asset owner's security program page: 87 program requirements,
//!    20 suppliers' answers, 300 traced supplier-side requirements (budget
//!    SSR p50 < 20 ms).
//!
//! 10. the zone view of a system of 50 zones x 20 components (budget SSR
//!     p50 < 30 ms).
//! 11. "fill from product" on a 503-requirement questionnaire (budget p50
//!     < 100 ms) and a product version's answer-set page, one of 500
//!     answers on a database of its own (budget SSR p50 < 15 ms).
//!
//! Run with `make bench`. PACTLINE_BIN names the server binary;
//! PACTLINE_BENCH_ONLY=api runs the REST API's budgets (after step 4),
//! PACTLINE_BENCH_ONLY=bundle what a browser downloads (the bundle's
//! compressed sizes), PACTLINE_BENCH_ONLY=assessments runs step 4 alone, =pages
//! steps 4 and 8, =program steps 9 and 10, =products step 11, =portfolio step 6
//! alone, =accounts step 7 alone (for profiling).

use std::{
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

mod accounts;
mod api;
mod assessments;
mod bundle;
mod pages;
mod portfolio;
mod products;
mod program;
mod review;
mod zones;

use assessments::{assessments, assessments_met, print_assessments, AssessmentFigures};
use review::review;

const DEMO_EMAIL: &str = "olivia.admin@northwind.example";
const DEMO_PASSWORD: &str = "reservoir-lantern-42";

struct Server(Child, std::path::PathBuf);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The median time to render a page on the server: `rounds` GETs after 20
/// unmeasured ones, each checked for success and for `marker` in the HTML.
async fn page_p50(client: &reqwest::Client, url: &str, marker: &str, rounds: usize) -> Duration {
    let mut lat = Vec::new();
    for i in 0..rounds + 20 {
        let t = Instant::now();
        let r = client
            .get(url)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{url}: {}", r.status());
        let body = r.text().await.unwrap();
        assert!(body.contains(marker), "{url}: no {marker}");
        if i >= 20 {
            lat.push(t.elapsed());
        }
    }
    lat.sort();
    percentile(&lat, 0.50)
}

/// A second `pactline serve` on the database at `url` (reminders off),
/// once its health check answers: the server (stopped when dropped; it
/// removes `cleanup`) and its base address.
async fn second_server(
    bin: &str,
    url: &str,
    dir: &std::path::Path,
    cleanup: std::path::PathBuf,
) -> (Server, String) {
    let port = free_port();
    let child = Command::new(bin)
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("PACTLINE_DATA_DIR", dir)
        .env("PACTLINE_ADDR", format!("127.0.0.1:{port}"))
        .env("PACTLINE_DEMO", "false")
        .env("PACTLINE_REMINDER_INTERVAL_SECS", "0")
        .env("PACTLINE_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start pactline");
    let server = Server(child, cleanup);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(client.get(format!("{base}/healthz")).send().await, Ok(r) if r.status().is_success())
    {
        assert!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (server, base)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn healthz_throughput(base: &str, connections: usize, secs: u64) -> (f64, Vec<Duration>) {
    throughput(&format!("{base}/healthz"), None, connections, secs).await
}

/// Requests per second and sorted latencies of GETs of `url` (with one more
/// header when given: a bearer token, a session cookie) over `connections`
/// keep-alive connections, each answer checked for success.
async fn throughput(
    url: &str,
    header: Option<(&str, &str)>,
    connections: usize,
    secs: u64,
) -> (f64, Vec<Duration>) {
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        let url = url.to_string();
        let header = header.map(|(k, v)| (k.to_string(), v.to_string()));
        let (stop, count) = (stop.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let mut req = client.get(&url);
                if let Some((name, value)) = &header {
                    req = req.header(name, value);
                }
                let r = req.send().await.expect("GET");
                assert!(r.status().is_success(), "{url}: {}", r.status());
                r.bytes().await.unwrap();
                lat.push(t.elapsed());
                count.fetch_add(1, Ordering::Relaxed);
            }
            lat
        }));
    }
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed();
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    lat.sort();
    (
        count.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64(),
        lat,
    )
}

async fn healthz_under_logins(base: &str, logins: usize, secs: u64) -> (Vec<Duration>, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut login_tasks = Vec::new();
    for _ in 0..logins {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = format!("{base}/auth/login");
        let (stop, done) = (stop.clone(), done.clone());
        login_tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let r = client
                    .post(&url)
                    .form(&[("email", DEMO_EMAIL), ("password", DEMO_PASSWORD)])
                    .send()
                    .await
                    .expect("login");
                assert_eq!(r.headers()["location"], "/", "login must succeed");
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Let the logins pile up before measuring.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let client = reqwest::Client::new();
    let url = format!("{base}/healthz");
    let mut lat = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        let t = Instant::now();
        let r = client.get(&url).send().await.unwrap();
        assert!(r.status().is_success());
        r.bytes().await.unwrap();
        lat.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for t in login_tasks {
        t.await.unwrap();
    }
    lat.sort();
    (lat, done.load(Ordering::Relaxed))
}

/// Catalog budgets: the server-rendered catalog page, and importing a
/// 2,000-row .xlsx file.
async fn catalogs(base: &str) -> (Duration, Duration, Duration, usize) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/auth/login"))
        .form(&[("email", DEMO_EMAIL), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
    let list: serde_json::Value = client
        .post(format!("{base}/api/list_catalogs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "iec-62443-4-2")
        .unwrap()["id"]
        .clone();
    let marker = "data-testid=\"requirements\"";
    let one_p50 = page_p50(&client, &format!("{base}/catalogs/{id}"), marker, 200).await;
    let all_p50 = page_p50(&client, &format!("{base}/catalogs/shipped"), marker, 200).await;

    let rows = 2000;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["ref_id", "title", "description", "group"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=rows as u32 {
        ws.write_string(r, 0, format!("CORP-{r:04}")).unwrap();
        ws.write_string(r, 1, format!("Corporate requirement number {r}"))
            .unwrap();
        ws.write_string(r, 2, "Our own wording for a plant-wide rule.")
            .unwrap();
        ws.write_string(r, 3, format!("G{}", r % 12)).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let form = reqwest::multipart::Form::new()
        .text("name", "Benchmark catalog")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("bench.xlsx"),
        );
    let t = Instant::now();
    let r = client
        .post(format!("{base}/api/import_catalog"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let took = t.elapsed();
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(status.is_success(), "{body}");
    assert_eq!(body["requirements"], rows);
    (one_p50, all_p50, took, rows)
}

const SUPPLIER_EMAIL: &str = "hugo.contributor@helix.example";
const SUPPLIER_PASSWORD: &str = "helix-velvet-canyon-24";

async fn signed_in(base: &str, email: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(32)
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/auth/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
    client
}

/// A server function's answer, which must be a success.
async fn ok_json(r: reqwest::Response, endpoint: &str) -> serde_json::Value {
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(status.is_success(), "{endpoint}: {status} {body}");
    body
}

/// The shipped catalogs' ids by key, as the caller lists them.
async fn catalog_ids(c: &reqwest::Client, base: &str) -> std::collections::HashMap<String, String> {
    call(c, base, "list_catalogs", &[])
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap_or("").to_string(),
                c["id"].to_string(),
            )
        })
        .collect()
}

async fn call(
    c: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> serde_json::Value {
    let r = c
        .post(format!("{base}/api/{endpoint}"))
        .form(form)
        .send()
        .await
        .unwrap();
    ok_json(r, endpoint).await
}

async fn upload(
    c: &reqwest::Client,
    base: &str,
    endpoint: &str,
    fields: &[(&str, String)],
    name: &str,
    bytes: Vec<u8>,
) -> serde_json::Value {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.clone());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let r = c
        .post(format!("{base}/api/{endpoint}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    ok_json(r, endpoint).await
}

fn save_form(answer: &str, version: i64, statement: &str) -> Vec<(String, String)> {
    let mut f = vec![
        ("answer_id".to_string(), answer.to_string()),
        ("version".to_string(), version.to_string()),
        ("answer[compliance]".to_string(), "meets".to_string()),
        ("answer[statement]".to_string(), statement.to_string()),
    ];
    for k in [
        "countermeasure",
        "planned_on",
        "na_reason",
        "other_party",
        "claimed_level",
        "responsibility_accepted",
    ] {
        f.push((format!("answer[{k}]"), String::new()));
    }
    f
}

fn main() {
    let bin = std::env::var("PACTLINE_BIN")
        .expect("PACTLINE_BIN must name the pactline binary (make bench sets it)");
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("pactline-bench-{port}"));
    let _ = std::fs::remove_dir_all(&dir);
    let child = Command::new(&bin)
        .arg("serve")
        .env("PACTLINE_DATA_DIR", &dir)
        .env("PACTLINE_ADDR", format!("127.0.0.1:{port}"))
        .env("PACTLINE_DEMO", "true")
        .env("PACTLINE_LOG", "warn")
        // The single sign-on benchmark's provider runs on loopback.
        .env("PACTLINE_SSO_ALLOW_HTTP_LOOPBACK", "true")
        // The API throughput is measured with one token.
        .env("PACTLINE_API_REQUESTS_PER_SECOND", "1000000")
        // The webhook budget's receiver listens on loopback.
        .env("PACTLINE_WEBHOOKS_ALLOW_PRIVATE", "true")
        .stdout(Stdio::null())
        .spawn()
        .expect("start pactline");
    let dir_for_cli = dir.clone();
    let pid = child.id();
    let site = std::path::PathBuf::from(
        std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
    );
    let server = Server(child, dir);
    let base = format!("http://127.0.0.1:{port}");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let all_met = rt.block_on(async {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "server did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Warm-up.
        healthz_throughput(&base, 8, 1).await;
        if std::env::var("PACTLINE_BENCH_ONLY").as_deref() == Ok("assessments") {
            let f = assessments(&base).await;
            print_assessments(&f);
            return assessments_met(&f);
        }
        if std::env::var("PACTLINE_BENCH_ONLY").as_deref() == Ok("api") {
            let f = assessments(&base).await;
            return api::api(&base, &f).await;
        }
        if std::env::var("PACTLINE_BENCH_ONLY").as_deref() == Ok("pages") {
            let f = assessments(&base).await;
            return pages::pages(&base, pid, &site, &f).await;
        }
        if std::env::var("PACTLINE_BENCH_ONLY").as_deref() == Ok("bundle") {
            return bundle::bundle(&base).await;
        }
        if std::env::var("PACTLINE_BENCH_ONLY").as_deref() == Ok("accounts") {
            return accounts::accounts(&bin, &dir_for_cli, &base).await;
        }
        if std::env::var("PACTLINE_BENCH_ONLY").as_deref() == Ok("program") {
            return program::program(&base).await && zones::zones(&base).await;
        }
        if std::env::var("PACTLINE_BENCH_ONLY").as_deref() == Ok("products") {
            return products::products(&bin, &base).await;
        }
        if std::env::var("PACTLINE_BENCH_ONLY").as_deref() == Ok("portfolio") {
            return portfolio::on_both_databases(&bin, port).await;
        }

        let (rps, lat) = healthz_throughput(&base, 32, 5).await;
        println!(
            "healthz throughput: {rps:.0} req/s over 32 keep-alive connections (p50 {}, p99 {})",
            ms(percentile(&lat, 0.50)),
            ms(percentile(&lat, 0.99))
        );
        let throughput_ok = rps >= 5000.0;

        let (lat, logins) = healthz_under_logins(&base, 8, 10).await;
        let p99 = percentile(&lat, 0.99);
        println!(
            "healthz during 8 concurrent logins: p50 {}, p99 {}, max {} over {} requests; {} logins completed ({:.1}/s)",
            ms(percentile(&lat, 0.50)),
            ms(p99),
            ms(*lat.last().unwrap()),
            lat.len(),
            logins,
            logins as f64 / 10.0
        );
        let latency_ok = p99 < Duration::from_millis(20);

        let (catalog_p50, all_p50, import_time, import_rows) = catalogs(&base).await;
        println!("catalog browser (62443-4-2, 141 requirements) server-side render: p50 {}", ms(catalog_p50));
        println!("catalog browser (all shipped catalogs, 561 requirements) server-side render: p50 {}", ms(all_p50));
        println!("import of a {import_rows}-row .xlsx catalog: {} (one transaction)", ms(import_time));
        let catalog_ok = catalog_p50 < Duration::from_millis(30)
            && all_p50 < Duration::from_millis(30)
            && import_time < Duration::from_secs(2);

        let f = assessments(&base).await;
        print_assessments(&f);
        let assessment_ok = assessments_met(&f);

        let r = review(&base, &f).await;
        println!("gap analysis of the 500-answer assessment (get_gap round trip): p50 {}", ms(r.gap_p50));
        println!(
            "supplier comparison ({} suppliers x {} requirements) server-side render: p50 {}",
            r.suppliers, r.rows, ms(r.compare_p50)
        );
        println!(
            "responsibility matrix ({} suppliers x {} requirements) server-side render: p50 {}",
            r.suppliers, r.rows, ms(r.matrix_p50)
        );
        let review_ok = r.suppliers == 10
            && r.rows == 500
            && r.gap_p50 < Duration::from_millis(10)
            && r.compare_p50 < Duration::from_millis(50)
            && r.matrix_p50 < Duration::from_millis(50);
        println!(
            "budgets: gap analysis < 10 ms, comparison and responsibility matrix of 10 x 500 SSR p50 < 50 ms: {}",
            if review_ok { "met" } else { "MISSED" }
        );

        let api_ok = api::api(&base, &f).await;

        let bundle_ok = bundle::bundle(&base).await;

        let pages_ok = pages::pages(&base, pid, &site, &f).await;

        let accounts_ok = accounts::accounts(&bin, &dir_for_cli, &base).await;

        let program_ok = program::program(&base).await && zones::zones(&base).await;

        let products_ok = products::products(&bin, &base).await;

        let portfolio_ok = portfolio::on_both_databases(&bin, port).await;

        println!(
            "budgets: healthz >= 5000 req/s: {}; healthz p99 < 20 ms under 8 logins: {}",
            if throughput_ok { "met" } else { "MISSED" },
            if latency_ok { "met" } else { "MISSED" }
        );
        println!(
            "budgets: catalog SSR p50 < 30 ms and 2,000-row import < 2 s: {}",
            if catalog_ok { "met" } else { "MISSED" }
        );
        throughput_ok
            && latency_ok
            && catalog_ok
            && assessment_ok
            && review_ok
            && accounts_ok
            && program_ok
            && products_ok
            && api_ok
            && bundle_ok
            && pages_ok
            && portfolio_ok
    });
    // `exit` skips destructors: stop the server first.
    drop(server);
    if !all_met {
        std::process::exit(1);
    }
}
