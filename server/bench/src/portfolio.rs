//! Step 6: the portfolio dashboard over 1,000 suppliers, on SQLite and
//! PostgreSQL.

use super::*;

/// Runs SQL on the PostgreSQL server the benchmark was given.
pub(crate) fn psql(admin_url: &str, sql: &str) {
    let ok = Command::new("psql")
        .arg(admin_url)
        .args(["-qc", sql])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "psql failed: {sql}");
}

const PORTFOLIO_EMAIL: &str = "owner@portfolio.bench";
/// A password for the generated owner, handed over in the environment.
const PORTFOLIO_PASSWORD: &str = "bench-portfolio-cobalt-83-harbor";

/// The portfolio dashboard over 1,000 suppliers x 300 requirements on the
/// database at `url`: generated, served by a second server, then the owner's
/// home page rendered 300 times (after 20 unmeasured). Prints the figures;
/// true when SSR p99 < 100 ms.
pub(crate) async fn portfolio(bin: &str, label: &str, url: &str, dir: &std::path::Path) -> bool {
    let started = Instant::now();
    let out = Command::new(bin)
        .args([
            "demo",
            "portfolio",
            "--suppliers",
            "1000",
            "--requirements",
            "300",
        ])
        .args(["--email", PORTFOLIO_EMAIL])
        .env("DATABASE_URL", url)
        .env("PACTLINE_DATA_DIR", dir)
        .env("PACTLINE_ADMIN_PASSWORD", PORTFOLIO_PASSWORD)
        .env("PACTLINE_LOG", "warn")
        .output()
        .expect("run pactline demo portfolio");
    assert!(
        out.status.success(),
        "generating the portfolio failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = started.elapsed();
    let (_server, base) = second_server(bin, url, dir, dir.join("unused")).await;
    let owner = signed_in(&base, PORTFOLIO_EMAIL, PORTFOLIO_PASSWORD).await;
    let p = call(&owner, &base, "get_portfolio", &[]).await;
    assert_eq!(p["suppliers"], 1000, "{p}");
    let mut lat = Vec::new();
    for i in 0..320 {
        let t = Instant::now();
        let r = owner
            .get(format!("{base}/"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        let body = r.text().await.unwrap();
        assert!(body.contains("data-testid=\"heatmap\""), "no heatmap");
        if i >= 20 {
            lat.push(t.elapsed());
        }
    }
    lat.sort();
    let (p50, p99) = (percentile(&lat, 0.50), percentile(&lat, 0.99));
    println!(
        "portfolio dashboard on {label} (1,000 suppliers x 300 requirements, 300,000 answers; generated in {:.1} s): SSR p50 {}, p99 {}, max {}",
        generated.as_secs_f64(),
        ms(p50),
        ms(p99),
        ms(*lat.last().unwrap())
    );
    p99 < Duration::from_millis(100)
}

/// Step 6 on a fresh SQLite database and, when PACTLINE_BENCH_PG is set, on
/// a throwaway PostgreSQL database. True when every budget was met.
pub(crate) async fn on_both_databases(bin: &str, port: u16) -> bool {
    let mut portfolio_ok = true;
    let sqlite_dir = std::env::temp_dir().join(format!("pactline-bench-portfolio-{port}"));
    let _ = std::fs::remove_dir_all(&sqlite_dir);
    std::fs::create_dir_all(&sqlite_dir).unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        sqlite_dir.join("portfolio.db").display()
    );
    portfolio_ok &= portfolio(bin, "SQLite", &url, &sqlite_dir).await;
    let _ = std::fs::remove_dir_all(&sqlite_dir);
    match std::env::var("PACTLINE_BENCH_PG") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("pactline_bench_{port}");
            psql(&admin, &format!("CREATE DATABASE {name}"));
            let url = admin.replacen("/postgres?", &format!("/{name}?"), 1);
            let pg_dir = std::env::temp_dir().join(format!("pactline-bench-pg-{port}"));
            std::fs::create_dir_all(&pg_dir).unwrap();
            portfolio_ok &= portfolio(bin, "PostgreSQL", &url, &pg_dir).await;
            let _ = std::fs::remove_dir_all(&pg_dir);
            psql(
                &admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
        _ => println!("portfolio dashboard on PostgreSQL: skipped (PACTLINE_BENCH_PG not set)"),
    }
    println!(
        "budgets: portfolio dashboard SSR p99 < 100 ms: {}",
        if portfolio_ok { "met" } else { "MISSED" }
    );
    portfolio_ok
}
