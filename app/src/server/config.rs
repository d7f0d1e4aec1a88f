//! Configuration from the environment, with defaults that work on a laptop.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Implicit TLS (usually port 465).
    Tls,
    /// STARTTLS upgrade (usually port 587).
    StartTls,
    /// Plain text: only for a relay on localhost.
    None,
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    // Never print the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// Where users reach Pactline; links in e-mails start with it.
    pub base_url: String,
    pub secure_cookies: bool,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    pub smtp: Option<SmtpConfig>,
    /// Which `X-Forwarded-For` entries to believe (only those your own
    /// proxies appended).
    pub trust_proxy: super::proxy::TrustedProxies,
    /// Password hashes computed at once; the rest wait, so hashing never takes
    /// every core from the request handlers.
    pub hash_concurrency: usize,
    /// Connections of the reading pool (`PACTLINE_DB_CONNECTIONS`, 16): on
    /// PostgreSQL all queries; on SQLite the readers, each with a thread of
    /// its own (writes have one connection of their own).
    pub db_connections: u32,
    /// How often the reminder job looks for due dates (seconds; 0: never).
    pub reminder_interval_secs: u64,
    /// Evidence one organization may keep, in bytes (the files its members
    /// attached, counted once per attachment).
    pub evidence_quota_bytes: u64,
    /// Evidence files one user may attach per hour.
    pub uploads_per_hour: u64,
    /// Requests one API token may make per second, sustained (twice as many
    /// in a burst); beyond, 429 with Retry-After.
    pub api_requests_per_second: u32,
    /// The audit chain's key, when `PACTLINE_AUDIT_KEY` gives it.
    pub audit_key: Option<super::audit::AuditKey>,
    /// Where the audit key is kept otherwise (`PACTLINE_AUDIT_KEY_FILE`;
    /// by default `audit.key` in the data directory).
    pub audit_key_file: Option<PathBuf>,
    /// The key that seals secrets kept in the database (identity providers'
    /// client secrets), when `PACTLINE_SECRET_KEY` gives it (64 hex digits).
    pub secret_key: Option<super::secrets::SecretKey>,
    /// Where that key is kept otherwise (`PACTLINE_SECRET_KEY_FILE`; by
    /// default `secret.key` in the data directory).
    pub secret_key_file: Option<PathBuf>,
    /// Identity providers may be reached over plain HTTP on loopback
    /// addresses (`PACTLINE_SSO_ALLOW_HTTP_LOOPBACK`; for a provider on the
    /// same machine, and the tests). Otherwise issuers must use https.
    pub sso_allow_http_loopback: bool,
    /// Webhooks may go to private, loopback and link-local addresses (and
    /// plain HTTP to loopback): `PACTLINE_WEBHOOKS_ALLOW_PRIVATE`, for
    /// endpoints inside a plant network. Off by default (SSRF).
    pub webhooks_allow_private: bool,
    /// How often each replica looks for webhook deliveries that are due
    /// (`PACTLINE_WEBHOOK_INTERVAL_MS`, 1000; 0 turns delivery off).
    pub webhook_interval_ms: u64,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_bool(name: &str) -> Result<Option<bool>, String> {
    match env(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(None),
        Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
        Some("0" | "false" | "no" | "off") => Ok(Some(false)),
        Some(other) => Err(format!("{name} must be true or false, not {other:?}")),
    }
}

fn env_parse<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match env(name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name} has an invalid value {v:?}")),
    }
}

impl Config {
    /// Reads the `PACTLINE_*`, `DATABASE_URL` and `SMTP_*` variables.
    pub fn from_env() -> Result<Self, String> {
        let data_dir = PathBuf::from(env("PACTLINE_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = env("DATABASE_URL").unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("pactline.db").display()
            )
        });
        let addr: SocketAddr = env_parse("PACTLINE_ADDR", "127.0.0.1:3000".parse().unwrap())?;
        let base_url = env("PACTLINE_BASE_URL")
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_string();
        let secure_cookies =
            env_bool("PACTLINE_SECURE_COOKIES")?.unwrap_or(base_url.starts_with("https://"));
        let smtp = match env("SMTP_HOST") {
            None => None,
            Some(host) => {
                let security = match env("SMTP_SECURITY").as_deref().unwrap_or("starttls") {
                    "tls" => SmtpSecurity::Tls,
                    "starttls" => SmtpSecurity::StartTls,
                    "none" => SmtpSecurity::None,
                    other => {
                        return Err(format!(
                            "SMTP_SECURITY must be tls, starttls or none, not {other:?}"
                        ))
                    }
                };
                let default_port = match security {
                    SmtpSecurity::Tls => 465,
                    SmtpSecurity::StartTls => 587,
                    SmtpSecurity::None => 25,
                };
                Some(SmtpConfig {
                    host,
                    port: env_parse("SMTP_PORT", default_port)?,
                    security,
                    username: env("SMTP_USERNAME"),
                    password: env("SMTP_PASSWORD"),
                    from: env("SMTP_FROM").ok_or("SMTP_FROM is required when SMTP_HOST is set")?,
                })
            }
        };
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Config {
            database_url,
            addr,
            data_dir,
            base_url,
            secure_cookies,
            session_idle: Duration::from_secs(
                60 * env_parse("PACTLINE_SESSION_IDLE_MINUTES", 120u64)?,
            ),
            session_absolute: Duration::from_secs(
                3600 * env_parse("PACTLINE_SESSION_ABSOLUTE_HOURS", 12u64)?,
            ),
            smtp,
            trust_proxy: match env("PACTLINE_TRUST_PROXY") {
                Some(v) => super::proxy::TrustedProxies::parse(&v)?,
                None => super::proxy::TrustedProxies::None,
            },
            hash_concurrency: env_parse("PACTLINE_HASH_CONCURRENCY", (cores / 2).max(1))?,
            db_connections: env_parse::<u32>("PACTLINE_DB_CONNECTIONS", 16)?.clamp(1, 1024),
            reminder_interval_secs: env_parse("PACTLINE_REMINDER_INTERVAL_SECS", 300)?,
            evidence_quota_bytes: env_parse::<u64>("PACTLINE_EVIDENCE_QUOTA_MIB", 2048)?
                .saturating_mul(1024 * 1024),
            uploads_per_hour: env_parse("PACTLINE_UPLOADS_PER_HOUR", 120)?,
            api_requests_per_second: env_parse::<u32>("PACTLINE_API_REQUESTS_PER_SECOND", 100)?
                .max(1),
            audit_key: env("PACTLINE_AUDIT_KEY")
                .map(|k| super::audit::AuditKey::new(&k))
                .transpose()
                .map_err(|e| format!("PACTLINE_AUDIT_KEY: {e}"))?,
            audit_key_file: env("PACTLINE_AUDIT_KEY_FILE").map(PathBuf::from),
            secret_key: env("PACTLINE_SECRET_KEY")
                .map(|k| super::secrets::SecretKey::from_hex(&k))
                .transpose()
                .map_err(|e| format!("PACTLINE_SECRET_KEY: {e}"))?,
            secret_key_file: env("PACTLINE_SECRET_KEY_FILE").map(PathBuf::from),
            sso_allow_http_loopback: env_bool("PACTLINE_SSO_ALLOW_HTTP_LOOPBACK")?.unwrap_or(false),
            webhooks_allow_private: env_bool("PACTLINE_WEBHOOKS_ALLOW_PRIVATE")?.unwrap_or(false),
            webhook_interval_ms: env_parse("PACTLINE_WEBHOOK_INTERVAL_MS", 1000)?,
        })
    }

    /// A configuration for tests and tools: a given database, no SMTP.
    pub fn for_database(database_url: &str) -> Self {
        Config {
            database_url: database_url.to_string(),
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: PathBuf::from("data"),
            base_url: "http://127.0.0.1:3000".into(),
            secure_cookies: false,
            session_idle: Duration::from_secs(7200),
            session_absolute: Duration::from_secs(12 * 3600),
            smtp: None,
            trust_proxy: super::proxy::TrustedProxies::None,
            hash_concurrency: 1,
            db_connections: 16,
            reminder_interval_secs: 0,
            evidence_quota_bytes: 2048 * 1024 * 1024,
            uploads_per_hour: 120,
            api_requests_per_second: 100,
            audit_key: None,
            audit_key_file: None,
            secret_key: None,
            secret_key_file: None,
            sso_allow_http_loopback: false,
            webhooks_allow_private: false,
            webhook_interval_ms: 1000,
        }
    }
}
