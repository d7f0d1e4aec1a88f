//! `pactline`: serve the portal, migrate the database, create the first
//! organization, seed demo data.

use app::model::{OrgKind, Role};
use app::server::{audit, config::Config, demo, services::admin, AppState};
use clap::{Parser, Subcommand};
use leptos::prelude::LeptosOptions;
use std::io::Read;
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "pactline", about = "IEC 62443 requirements portal", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (the default). Migrates first; seeds demo
    /// data into an empty database only when PACTLINE_DEMO=true and the base
    /// URL is not https (the demo passwords are published).
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Operator tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Demo data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copy this installation into DIR (new or empty) while it serves: the
    /// signed audit head, the database (SQLite snapshot, or pg_dump), the
    /// evidence files. The audit key is not copied: keep it apart.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Put a backup into the configured database (empty or absent) and data
    /// directory, then verify the audit chain against the backup's head.
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an organization and its first admin. The password is read from
    /// PACTLINE_ADMIN_PASSWORD or, if unset, from the first line of stdin.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        org: String,
        /// asset_owner, product_supplier, service_provider or assessor; repeat or comma-separate for several.
        #[arg(long, value_delimiter = ',', required = true)]
        kind: Vec<String>,
        /// The admin's display name (defaults to the part of the e-mail before @).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Seed the demo organizations into an empty database.
    Seed,
    /// Add a synthetic portfolio for benchmarks: an asset owner with many
    /// suppliers, each answering the same profile. The owner's admin
    /// password is read like `admin create`'s.
    Portfolio {
        #[arg(long, default_value_t = 1000)]
        suppliers: usize,
        #[arg(long, default_value_t = 300)]
        requirements: usize,
        #[arg(long, default_value = "Portfolio Utility")]
        org: String,
        #[arg(long)]
        email: String,
    },
    /// Add a product version whose answer set holds many answers, for the
    /// answer-set page's benchmark (a new version of the shipped 3-3
    /// catalog is generated with it, so an empty database only). The
    /// supplier's admin password is read like `admin create`'s.
    ProductSet {
        #[arg(long, default_value_t = 500)]
        rows: usize,
        #[arg(long, default_value = "Product Bench Supplier")]
        org: String,
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-compute the keyed hash chain and report the first broken event, if
    /// any. With --head, also check that the chain still contains a head
    /// exported earlier (so cut-off or rewritten events are found).
    Verify {
        #[arg(long)]
        head: Option<std::path::PathBuf>,
    },
    /// Write the chain's current head, signed with the audit key, to FILE
    /// (or stdout): keep it away from the database and check it later with
    /// `audit verify --head FILE`.
    ExportHead {
        #[arg(long)]
        to: Option<std::path::PathBuf>,
    },
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(1);
}

fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    // cargo-leptos writes the bundle's content hashes next to the binary:
    // then the pages name the hashed files, which browsers keep for a year.
    let hashed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|f| f.is_file());
    LeptosOptions::builder()
        .output_name("pactline")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hashed)
        .build()
}

async fn state(config: Config) -> AppState {
    pactline::init_state(config, None)
        .await
        .unwrap_or_else(|e| fail(e))
}

fn read_password() -> String {
    if let Ok(p) = std::env::var("PACTLINE_ADMIN_PASSWORD") {
        return p;
    }
    let mut input = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut input)
        .unwrap_or_else(|e| fail(format!("cannot read the password from stdin: {e}")));
    input.lines().next().unwrap_or("").to_string()
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("PACTLINE_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let config = Config::from_env().unwrap_or_else(|e| fail(e));
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            state(config).await;
            println!("database is up to date");
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    org,
                    kind,
                    name,
                },
        } => {
            let kinds: Vec<OrgKind> = kind
                .iter()
                .map(|k| OrgKind::parse(k).unwrap_or_else(|e| fail(e)))
                .collect();
            let password = read_password();
            let name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            let st = state(config).await;
            match admin::create_org_with_admin(
                &st,
                &org,
                &kinds,
                &email,
                &name,
                &password,
                &audit::Who::system(&st.audit_key, "cli"),
            )
            .await
            {
                Ok((org_id, _)) => println!(
                    "created organization {org} (id {org_id}) with admin {email} ({})",
                    Role::Admin.label()
                ),
                Err(e) => fail(
                    match e.field("password").or(e.field("email")).or(e.field("org")) {
                        Some(m) => m,
                        None => e.to_string(),
                    },
                ),
            }
        }
        Command::Demo {
            command: DemoCommand::Seed,
        } => {
            let st = state(config).await;
            match demo::seed(&st).await {
                Ok(true) => print!("{}", demo::logins_table()),
                Ok(false) => {
                    println!("the database already has organizations; demo data not added")
                }
                Err(e) => fail(e),
            }
        }
        Command::Demo {
            command:
                DemoCommand::Portfolio {
                    suppliers,
                    requirements,
                    org,
                    email,
                },
        } => {
            if suppliers == 0 || requirements == 0 || suppliers > 100_000 || requirements > 5_000 {
                fail("give 1 to 100,000 suppliers and 1 to 5,000 requirements");
            }
            let password = read_password();
            let st = state(config).await;
            let started = std::time::Instant::now();
            match app::server::generate::portfolio(
                &st,
                &org,
                &email,
                &password,
                suppliers,
                requirements,
            )
            .await
            {
                Ok(g) => println!(
                    "generated {suppliers} suppliers × {requirements} requirements ({} answers) for {} in {:.1} s; engagement {}",
                    g.answers,
                    g.owner_email,
                    started.elapsed().as_secs_f64(),
                    g.engagement_id
                ),
                Err(e) => fail(e),
            }
        }
        Command::Demo {
            command: DemoCommand::ProductSet { rows, org, email },
        } => {
            if rows == 0 || rows > 5_000 {
                fail("give 1 to 5,000 rows");
            }
            let password = read_password();
            let st = state(config).await;
            match app::server::generate::product_set(&st, &org, &email, &password, rows).await {
                Ok(g) => println!(
                    "generated {} answers for {}: /products/{}/versions/{}",
                    g.answers, g.admin_email, g.product_id, g.version_id
                ),
                Err(e) => fail(e),
            }
        }
        Command::Audit {
            command: AuditCommand::Verify { head: None },
        } => {
            let st = state(config).await;
            match audit::verify(&st.db, &st.audit_key).await {
                Ok(Ok(n)) => println!("audit trail intact: {n} events"),
                Ok(Err(seq)) => fail(format!("audit trail broken at event {seq}")),
                Err(e) => fail(e),
            }
        }
        Command::Audit {
            command: AuditCommand::Verify { head: Some(path) },
        } => {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| fail(format!("cannot read {}: {e}", path.display())));
            let head: audit::SignedHead = serde_json::from_str(&text).unwrap_or_else(|e| {
                fail(format!(
                    "{} is not an exported audit head: {e}",
                    path.display()
                ))
            });
            let st = state(config).await;
            match audit::verify_head(&st.db, &st.audit_key, &head).await {
                Ok(Ok(n)) => println!(
                    "audit trail intact: {n} events, including the head exported at {} (event {})",
                    head.exported_at.to_rfc3339(),
                    head.seq
                ),
                Ok(Err(problem)) => fail(problem),
                Err(e) => fail(e),
            }
        }
        Command::Backup { to } => {
            let st = state(config).await;
            match app::server::backup::backup(&st, &to).await {
                Ok(m) => println!(
                    "backed up to {}: {} database, {} audit events, {} evidence files ({} bytes)",
                    to.display(),
                    m.database,
                    m.audit_events,
                    m.evidence_files,
                    m.evidence_bytes
                ),
                Err(e) => fail(e),
            }
        }
        Command::Restore { from } => {
            let (manifest, head) = app::server::backup::restore(&config, &from)
                .await
                .unwrap_or_else(|e| fail(e));
            let st = state(config).await;
            match app::server::backup::check_restored(&st.db, &st.audit_key, &head).await {
                Ok(n) => println!(
                    "restored the backup of {}: {n} audit events, the chain verifies and contains the backup's head (event {}); {} evidence files",
                    manifest.created_at.to_rfc3339(),
                    head.seq,
                    manifest.evidence_files
                ),
                Err(e) => fail(format!("restored, but the audit trail does not verify: {e}")),
            }
        }
        Command::Audit {
            command: AuditCommand::ExportHead { to },
        } => {
            let st = state(config).await;
            let head = audit::export_head(&st.db, &st.audit_key)
                .await
                .unwrap_or_else(|e| fail(e));
            let text = serde_json::to_string_pretty(&head).expect("a head serializes") + "\n";
            match to {
                None => print!("{text}"),
                Some(path) => {
                    std::fs::write(&path, text)
                        .unwrap_or_else(|e| fail(format!("cannot write {}: {e}", path.display())));
                    eprintln!(
                        "wrote the audit head (event {}) to {}",
                        head.seq,
                        path.display()
                    );
                }
            }
        }
    }
}

async fn serve(config: Config) {
    let addr = config.addr;
    let demo_asked = std::env::var("PACTLINE_DEMO")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false);
    let public = config.base_url.starts_with("https://");
    let st = state(config).await;
    if demo_asked && public {
        tracing::warn!(
            "PACTLINE_DEMO ignored: the base URL is https, and demo accounts have published passwords"
        );
    }
    if demo_asked && !public {
        match demo::seed(&st).await {
            Ok(true) => tracing::info!("seeded demo data into the empty database"),
            Ok(false) => {}
            Err(e) => fail(format!("demo data: {e}")),
        }
    }
    if demo::present(&st).await {
        println!("{}", demo::logins_table());
    }
    tokio::spawn(pactline::housekeeping(st.clone()));
    app::server::mail::spawn_delivery(
        st.db.clone(),
        st.writer.clone(),
        st.mailer.clone(),
        st.clock.clone(),
    );
    if st.config.reminder_interval_secs > 0 {
        app::server::services::reminders::spawn(
            st.clone(),
            std::time::Duration::from_secs(st.config.reminder_interval_secs),
        );
    }
    // Webhook deliveries: every replica looks, each delivery is claimed by one.
    if st.config.webhook_interval_ms > 0 {
        app::server::webhooks::spawn(
            st.clone(),
            std::time::Duration::from_millis(st.config.webhook_interval_ms),
        );
    }
    let app = pactline::router(st, leptos_options(addr));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .unwrap_or_else(|e| fail(format!("cannot listen on {addr}: {e}")));
    println!("Pactline is serving http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .unwrap_or_else(|e| fail(e));
}
