//! Single sign-on through an organization's own OpenID provider (Entra ID,
//! Okta, Keycloak, ADFS…): its admins configure the provider; an address of
//! one of its domains signs in there (authorization code flow with PKCE,
//! state bound to the browser, nonce, ID token signature and claims checked
//! by `openidconnect`) and comes back signed in.
//!
//! What Pactline decides itself, whatever the provider says: the address
//! must be in a domain the organization owns here, the account and its
//! membership must be active (deactivated members stay out), and an unknown
//! address joins only as a viewer and only when the admins allowed it.

use crate::model::{
    email_domain, parse_sso_domains, AppError, Email, OrgId, Permission, Role, SsoSettings,
};
use crate::server::{
    audit::{self, Event, Who},
    db,
    entities::{identity_provider, membership, organization, sso_domain, sso_login, user},
    session::RequestInfo,
    tokens, Actor, AppState,
};
use chrono::Duration;
use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata},
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

/// What the client secret is sealed for (bound into the ciphertext).
const SECRET_PURPOSE: &str = "identity_providers.client_secret";
/// How long a sign-in may stay at the identity provider.
const LOGIN_MINUTES: i64 = 10;
/// How long Pactline waits for the identity provider's answers.
const PROVIDER_TIMEOUT_SECS: u64 = 10;

/// Where a single sign-on went wrong, as the sign-in page explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoFailure {
    /// The sign-in was not finished in time, was used already, or was
    /// started in another browser.
    Expired,
    /// The provider refused, or its answer did not check out.
    Provider,
    /// No account here, and the organization admits only invited users.
    NotInvited,
    /// The account or its membership is deactivated.
    Inactive,
    /// The provider gave no verified address in the organization's domains.
    WrongAddress,
}

impl SsoFailure {
    /// The code the sign-in page turns into a sentence.
    pub fn code(self) -> &'static str {
        match self {
            SsoFailure::Expired => "sso_expired",
            SsoFailure::Provider => "sso_failed",
            SsoFailure::NotInvited => "sso_not_invited",
            SsoFailure::Inactive => "sso_inactive",
            SsoFailure::WrongAddress => "sso_address",
        }
    }
}

/// The redirect (callback) URI the identity provider must know.
pub fn redirect_uri(state: &AppState) -> String {
    format!("{}/auth/sso/callback", state.config.base_url)
}

/// The HTTP client for identity providers: no redirects followed (a
/// provider's answer cannot send Pactline elsewhere), a short timeout.
fn http_client() -> Result<openidconnect::reqwest::Client, AppError> {
    openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(PROVIDER_TIMEOUT_SECS))
        .build()
        .map_err(crate::server::respond::internal)
}

/// The issuer an admin typed, if Pactline may talk to it: https, or plain
/// http to this machine when the server allows that.
fn parse_issuer(state: &AppState, text: &str) -> Result<String, AppError> {
    let bad = |m: &str| AppError::invalid("issuer", m);
    let text = text.trim().trim_end_matches('/');
    if text.is_empty() {
        return Err(bad(
            "Give the provider's issuer URL, like https://login.example.com/realms/plant.",
        ));
    }
    if text.len() > 500 {
        return Err(bad("The issuer URL is longer than 500 characters."));
    }
    let url = url::Url::parse(text).map_err(|_| {
        bad("That is not a URL: give the issuer like https://login.example.com/realms/plant.")
    })?;
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(bad(
            "The issuer URL must not carry a user name, password, query or fragment.",
        ));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(text.to_string()),
        "http" if loopback && state.config.sso_allow_http_loopback => Ok(text.to_string()),
        _ => Err(bad(
            "The issuer URL must start with https:// (sign-ins must not travel in clear).",
        )),
    }
}

/// Reads the provider's discovery document (and, with it, where its keys are).
async fn discover(
    http: &openidconnect::reqwest::Client,
    issuer: &str,
) -> Result<CoreProviderMetadata, String> {
    let url = IssuerUrl::new(issuer.to_string()).map_err(|e| e.to_string())?;
    CoreProviderMetadata::discover_async(url, http)
        .await
        .map_err(|e| {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                source = s.source();
            }
            msg.chars().take(300).collect()
        })
}

fn settings_of(state: &AppState, p: identity_provider::Model, domains: Vec<String>) -> SsoSettings {
    SsoSettings {
        issuer: p.issuer,
        client_id: p.client_id,
        secret_saved: !p.client_secret_sealed.is_empty(),
        domains,
        join_as_viewer: p.join_as_viewer,
        enforced: p.enforced,
        redirect_uri: redirect_uri(state),
    }
}

async fn domains_of<C: sea_orm::ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<String>, AppError> {
    // access: allow — the organization's own domains (org from the actor or the provider row).
    Ok(sso_domain::Entity::find()
        .filter(sso_domain::Column::OrganizationId.eq(org.0))
        .order_by_asc(sso_domain::Column::Domain)
        .all(conn)
        .await?
        .into_iter()
        .map(|d| d.domain)
        .collect())
}

/// The organization's single sign-on, for its admins (None: not set up).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn settings(actor: &Actor, state: &AppState) -> Result<Option<SsoSettings>, AppError> {
    actor.require(Permission::ManageMembers)?;
    // access: allow — the actor's own organization's provider.
    let Some(p) = identity_provider::Entity::find_by_id(actor.org_id())
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let domains = domains_of(&state.db, actor.org_id()).await?;
    Ok(Some(settings_of(state, p, domains)))
}

/// What an admin submits. An empty secret keeps the saved one.
pub struct SsoInput {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub domains: String,
    pub join_as_viewer: bool,
    pub enforced: bool,
}

/// Saves the organization's identity provider after checking that its
/// discovery document can be read. The secret is sealed before it is
/// stored and never returned.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn save(
    actor: &Actor,
    state: &AppState,
    input: SsoInput,
) -> Result<SsoSettings, AppError> {
    actor.require(Permission::ManageMembers)?;
    let issuer = parse_issuer(state, &input.issuer)?;
    let client_id = input.client_id.trim().to_string();
    if client_id.is_empty() || client_id.len() > 200 || client_id.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "client_id",
            "Give the client id the provider shows for Pactline (at most 200 characters).",
        ));
    }
    let secret = input.client_secret.trim().to_string();
    if secret.len() > 1000 || secret.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "client_secret",
            "The client secret is longer than 1000 characters or has control characters.",
        ));
    }
    let domains = parse_sso_domains(&input.domains).map_err(|m| AppError::invalid("domains", m))?;
    let http = http_client()?;
    if let Err(e) = discover(&http, &issuer).await {
        return Err(AppError::invalid(
            "issuer",
            format!("Pactline could not read the provider's discovery document at {issuer}/.well-known/openid-configuration ({e}). Check the issuer URL."),
        ));
    }
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    crate::server::access::lock_organization(&txn, actor).await?;
    // access: allow — the actor's own organization's provider.
    let existing = identity_provider::Entity::find_by_id(actor.org_id())
        .one(&txn)
        .await?;
    let sealed = match (&existing, secret.is_empty()) {
        (_, false) => state.secrets.seal(SECRET_PURPOSE, &secret),
        (Some(p), true) => p.client_secret_sealed.clone(),
        (None, true) => {
            return Err(AppError::invalid(
                "client_secret",
                "Give the client secret the provider issued for Pactline.",
            ))
        }
    };
    // A domain belongs to one organization: another's is refused by name.
    // access: allow — which organization owns each domain (only the clash is named).
    let taken = sso_domain::Entity::find()
        .filter(sso_domain::Column::Domain.is_in(domains.clone()))
        .filter(sso_domain::Column::OrganizationId.ne(actor.org_id().0))
        .one(&txn)
        .await?;
    if let Some(t) = taken {
        return Err(AppError::invalid(
            "domains",
            format!(
                "{} signs in through another organization's identity provider already.",
                t.domain
            ),
        ));
    }
    if input.enforced && !email_domain(actor.email()).is_some_and(|d| domains.contains(&d)) {
        return Err(AppError::invalid(
            "enforced",
            "Your own address is not in these domains: requiring single sign-on would lock you out. Add its domain, or leave passwords allowed.",
        ));
    }
    let before = match &existing {
        Some(p) => Some(json!({
            "issuer": p.issuer, "client_id": p.client_id,
            "domains": domains_of(&txn, actor.org_id()).await?,
            "join_as_viewer": p.join_as_viewer, "enforced": p.enforced,
        })),
        None => None,
    };
    let row = identity_provider::ActiveModel {
        organization_id: Set(actor.org_id()),
        issuer: Set(issuer.clone()),
        client_id: Set(client_id.clone()),
        client_secret_sealed: Set(sealed),
        join_as_viewer: Set(input.join_as_viewer),
        enforced: Set(input.enforced),
        updated_at: Set(now),
    };
    let saved = if existing.is_some() {
        row.update(&txn).await?
    } else {
        row.insert(&txn).await?
    };
    sso_domain::Entity::delete_many()
        .filter(sso_domain::Column::OrganizationId.eq(actor.org_id().0))
        .exec(&txn)
        .await?;
    sso_domain::Entity::insert_many(domains.iter().map(|d| sso_domain::ActiveModel {
        domain: Set(d.clone()),
        organization_id: Set(actor.org_id()),
    }))
    .exec_without_returning(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "organization.sso_configured",
        "organization",
        actor.org_id().0,
        before,
        // Never the secret: only that it was replaced.
        Some(json!({
            "issuer": issuer, "client_id": client_id, "domains": domains,
            "join_as_viewer": input.join_as_viewer, "enforced": input.enforced,
            "secret_replaced": !secret.is_empty(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(settings_of(state, saved, domains))
}

/// Turns single sign-on off for the organization: members sign in with
/// their passwords again (those who joined through it set one by "Forgot
/// your password?").
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn remove(actor: &Actor, state: &AppState) -> Result<(), AppError> {
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    crate::server::access::lock_organization(&txn, actor).await?;
    // access: allow — the actor's own organization's provider.
    let Some(p) = identity_provider::Entity::find_by_id(actor.org_id())
        .one(&txn)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    let domains = domains_of(&txn, actor.org_id()).await?;
    sso_domain::Entity::delete_many()
        .filter(sso_domain::Column::OrganizationId.eq(actor.org_id().0))
        .exec(&txn)
        .await?;
    sso_login::Entity::delete_many()
        .filter(sso_login::Column::OrganizationId.eq(actor.org_id().0))
        .exec(&txn)
        .await?;
    identity_provider::Entity::delete_by_id(actor.org_id())
        .exec(&txn)
        .await?;
    audit::by_actor(
        &txn,
        actor,
        "organization.sso_removed",
        "organization",
        actor.org_id().0,
        Some(json!({"issuer": p.issuer, "client_id": p.client_id, "domains": domains})),
        None,
    )
    .await?;
    Ok(txn.commit().await?)
}

/// The identity provider that signs `email` in, if its domain has one.
pub async fn provider_for_email(
    state: &AppState,
    email: &str,
) -> Result<Option<identity_provider::Model>, AppError> {
    let Some(domain) = email_domain(email) else {
        return Ok(None);
    };
    // access: allow — sign-in: which organization's provider owns the address's domain.
    let Some(d) = sso_domain::Entity::find_by_id(domain)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    // access: allow — sign-in: that organization's provider.
    Ok(identity_provider::Entity::find_by_id(d.organization_id)
        .one(&state.db)
        .await?)
}

fn oidc_client(
    state: &AppState,
    p: &identity_provider::Model,
    metadata: CoreProviderMetadata,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    AppError,
> {
    let secret = state
        .secrets
        .open(SECRET_PURPOSE, &p.client_secret_sealed)
        .map_err(crate::server::respond::internal)?;
    let redirect =
        RedirectUrl::new(redirect_uri(state)).map_err(crate::server::respond::internal)?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(p.client_id.clone()),
        Some(ClientSecret::new(secret)),
    )
    .set_redirect_uri(redirect))
}

/// Where the browser goes next, and the value of the cookie that binds the
/// sign-in to it.
pub struct Started {
    pub provider_url: String,
    pub browser_token: String,
}

/// Sends a sign-in for `email` to its organization's identity provider.
#[tracing::instrument(skip_all, fields(client = %info.client_addr))]
pub async fn start(
    state: &AppState,
    p: &identity_provider::Model,
    email: &str,
    info: &RequestInfo,
) -> Result<Started, SsoFailure> {
    let http = http_client().map_err(|_| SsoFailure::Provider)?;
    let metadata = match discover(&http, &p.issuer).await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(org = p.organization_id.0, error = %e, "identity provider unreachable");
            return Err(SsoFailure::Provider);
        }
    };
    let client = oidc_client(state, p, metadata).map_err(|_| SsoFailure::Provider)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge);
    let hint: String = email.trim().chars().take(254).collect();
    if !hint.is_empty() {
        request = request.add_extra_param("login_hint", hint.clone());
    }
    let (url, csrf, nonce) = request.url();
    let browser_token = tokens::new_token();
    let now = state.clock.now();
    let saved = async {
        let txn = db::write_txn(&state.writer).await?;
        // Leftovers of sign-ins never finished.
        sso_login::Entity::delete_many()
            .filter(sso_login::Column::ExpiresAt.lt(now))
            .exec(&txn)
            .await?;
        sso_login::ActiveModel {
            state_hash: Set(tokens::hash_token(csrf.secret())),
            organization_id: Set(p.organization_id),
            browser_hash: Set(tokens::hash_token(&browser_token)),
            pkce_verifier: Set(verifier.secret().clone()),
            nonce: Set(nonce.secret().clone()),
            email: Set(hint),
            created_at: Set(now),
            expires_at: Set(now + Duration::minutes(LOGIN_MINUTES)),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok::<_, AppError>(())
    };
    if let Err(e) = saved.await {
        tracing::error!(error = %e, "saving a single sign-on failed");
        return Err(SsoFailure::Provider);
    }
    Ok(Started {
        provider_url: url.to_string(),
        browser_token,
    })
}

/// A finished single sign-on: the session's token, and how long Pactline
/// waited for the provider along the way.
pub struct Finished {
    pub token: String,
    pub provider_time: std::time::Duration,
}

/// The provider's answer: the state Pactline sent, and the code or error.
pub struct Callback {
    pub state: String,
    pub code: Option<String>,
    pub error: Option<String>,
}

/// Finishes a single sign-on: the answer must belong to a sign-in this
/// browser started, not yet used nor expired; the code is exchanged (with
/// the PKCE verifier) and the ID token checked (signature with the
/// provider's published keys, issuer, audience, expiry, nonce). Returns the
/// session token.
#[tracing::instrument(skip_all, fields(client = %info.client_addr))]
pub async fn finish(
    state: &AppState,
    answer: Callback,
    browser_token: Option<&str>,
    info: &RequestInfo,
) -> Result<Finished, SsoFailure> {
    let now = state.clock.now();
    let hash = tokens::hash_token(&answer.state);
    // One use: the record is taken out before anything else is checked.
    let taken = async {
        let txn = db::write_txn(&state.writer).await?;
        // access: allow — sign-in: the half-finished sign-in named by its own state.
        let row = sso_login::Entity::find_by_id(hash.clone())
            .one(&txn)
            .await?;
        if row.is_some() {
            sso_login::Entity::delete_by_id(hash.clone())
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok::<_, AppError>(row)
    };
    let row = match taken.await {
        Ok(Some(r)) => r,
        Ok(None) => return Err(SsoFailure::Expired),
        Err(e) => {
            tracing::error!(error = %e, "reading a single sign-on failed");
            return Err(SsoFailure::Provider);
        }
    };
    let same_browser = browser_token.is_some_and(|t| tokens::hash_token(t) == row.browser_hash);
    if row.expires_at <= now || !same_browser {
        return Err(SsoFailure::Expired);
    }
    let org = row.organization_id;
    let fail = |reason: String, failure: SsoFailure| {
        let state = state.clone();
        let info = info.clone();
        let email = row.email.clone();
        async move {
            record_failure(&state, org, &email, &reason, &info).await;
            failure
        }
    };
    if let Some(e) = answer.error {
        let e: String = e.chars().filter(|c| !c.is_control()).take(100).collect();
        return Err(fail(format!("the provider answered {e}"), SsoFailure::Provider).await);
    }
    let Some(code) = answer.code.filter(|c| !c.is_empty() && c.len() <= 2048) else {
        return Err(fail("no authorization code".into(), SsoFailure::Provider).await);
    };
    // access: allow — sign-in: the provider of the organization the sign-in was started for.
    let Some(p) = identity_provider::Entity::find_by_id(org)
        .one(&state.db)
        .await
        .ok()
        .flatten()
    else {
        return Err(SsoFailure::Expired);
    };
    // Time spent waiting for the provider (discovery, keys, code exchange),
    // reported apart from Pactline's own (the Server-Timing header).
    let mut waited = std::time::Duration::ZERO;
    let checked = async {
        let http = http_client().map_err(|e| e.to_string())?;
        let t = std::time::Instant::now();
        let metadata = discover(&http, &p.issuer).await?;
        waited += t.elapsed();
        let client = oidc_client(state, &p, metadata).map_err(|e| e.to_string())?;
        let t = std::time::Instant::now();
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| e.to_string())?
            .set_pkce_verifier(PkceCodeVerifier::new(row.pkce_verifier.clone()))
            .request_async(&http)
            .await
            .map_err(|e| format!("the code exchange failed: {e}"))?;
        waited += t.elapsed();
        let id_token = response.id_token().ok_or("the provider sent no ID token")?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(row.nonce.clone()))
            .map_err(|e| format!("the ID token did not check out: {e}"))?;
        let email = claims.email().map(|e| e.as_str().to_string());
        let verified = claims.email_verified();
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_string());
        Ok::<_, String>((email, verified, name))
    };
    let (email, verified, name) = match checked.await {
        Ok(c) => c,
        Err(reason) => return Err(fail(reason, SsoFailure::Provider).await),
    };
    // The address must be the provider's own verified word, in a domain
    // this organization owns here.
    let email = match (email.map(|e| Email::parse(&e)), verified) {
        (Some(Ok(e)), Some(true) | None) => e,
        (Some(Ok(_)), Some(false)) => {
            return Err(fail(
                "the provider says the address is not verified".into(),
                SsoFailure::WrongAddress,
            )
            .await)
        }
        _ => {
            return Err(fail(
                "the provider sent no usable e-mail address".into(),
                SsoFailure::WrongAddress,
            )
            .await)
        }
    };
    let domains = domains_of(&state.db, org).await.unwrap_or_default();
    if !email_domain(email.as_str()).is_some_and(|d| domains.contains(&d)) {
        return Err(fail(
            format!("{} is not in the organization's domains", email.as_str()),
            SsoFailure::WrongAddress,
        )
        .await);
    }
    match sign_in(state, &p, &email, name, info).await {
        Ok(token) => Ok(Finished {
            token,
            provider_time: waited,
        }),
        Err(Ok(failure)) => Err(fail(
            match failure {
                SsoFailure::NotInvited => format!(
                    "{} has no account and joining is by invitation",
                    email.as_str()
                ),
                SsoFailure::Inactive => format!("{} is deactivated", email.as_str()),
                _ => "refused".into(),
            },
            failure,
        )
        .await),
        Err(Err(e)) => {
            tracing::error!(error = %e, "single sign-on failed");
            Err(SsoFailure::Provider)
        }
    }
}

/// Signs the provider's user in: an active member of the organization, or
/// (when allowed) a new viewer.
async fn sign_in(
    state: &AppState,
    p: &identity_provider::Model,
    email: &Email,
    name: Option<String>,
    info: &RequestInfo,
) -> Result<String, Result<SsoFailure, AppError>> {
    let org = p.organization_id;
    let txn = db::write_txn(&state.writer)
        .await
        .map_err(|e| Err(e.into()))?;
    let user = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await
        .map_err(|e| Err(e.into()))?;
    let user = match user {
        Some(u) => {
            // access: allow — sign-in: the user's membership in the provider's organization.
            let m = membership::Entity::find()
                .filter(membership::Column::UserId.eq(u.id.0))
                .filter(membership::Column::OrganizationId.eq(org.0))
                .one(&txn)
                .await
                .map_err(|e| Err(e.into()))?;
            match m {
                Some(m) if m.is_active && u.is_active => u,
                Some(_) => return Err(Ok(SsoFailure::Inactive)),
                None if !u.is_active => return Err(Ok(SsoFailure::Inactive)),
                // An account of another organization, in this one's domain:
                // it joins like a stranger would.
                None if p.join_as_viewer => {
                    add_viewer(&txn, state, org, u.id, info)
                        .await
                        .map_err(Err)?;
                    u
                }
                None => return Err(Ok(SsoFailure::NotInvited)),
            }
        }
        None if p.join_as_viewer => {
            let now = state.clock.now();
            let display = name
                .map(|n| {
                    n.chars()
                        .filter(|c| !c.is_control())
                        .take(200)
                        .collect::<String>()
                })
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_string());
            // No password: the account signs in through its provider (or
            // sets one by "Forgot your password?" if the organization allows).
            let id =
                super::invitations::insert_user(&txn, email.as_str(), display, "!sso".into(), now)
                    .await
                    .map_err(Err)?;
            add_viewer(&txn, state, org, id, info).await.map_err(Err)?;
            user::Entity::find_by_id(id)
                .one(&txn)
                .await
                .map_err(|e| Err(e.into()))?
                .ok_or(Err(AppError::NotFound))?
        }
        None => return Err(Ok(SsoFailure::NotInvited)),
    };
    let token = super::auth::open_session(&txn, state, &user, org, info, "sso")
        .await
        .map_err(Err)?;
    txn.commit().await.map_err(|e| Err(e.into()))?;
    Ok(token)
}

async fn add_viewer(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    org: OrgId,
    user: crate::model::UserId,
    info: &RequestInfo,
) -> Result<(), AppError> {
    let m = membership::ActiveModel {
        user_id: Set(user),
        organization_id: Set(org),
        role: Set(Role::Viewer),
        is_active: Set(true),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        &Who::user(&state.audit_key, user, &info.request_id),
        Event {
            org: Some(org),
            action: "membership.joined_by_sso",
            object_type: "membership",
            object_id: m.id.to_string(),
            before: None,
            after: Some(json!({"role": "viewer"})),
        },
    )
    .await?;
    Ok(())
}

async fn record_failure(
    state: &AppState,
    org: OrgId,
    email: &str,
    reason: &str,
    info: &RequestInfo,
) {
    let result = async {
        let txn = db::write_txn(&state.writer).await?;
        // Only an organization that still exists gets the event.
        // access: allow — sign-in: the organization the sign-in was started for.
        let org = organization::Entity::find_by_id(org)
            .one(&txn)
            .await?
            .map(|o| o.id);
        audit::record(
            &txn,
            &Who::system(&state.audit_key, &info.request_id),
            Event {
                org,
                action: "session.sso_failed",
                object_type: "user",
                object_id: String::new(),
                before: None,
                after: Some(
                    json!({"email": email, "reason": reason, "client_addr": info.client_addr}),
                ),
            },
        )
        .await?;
        txn.commit().await?;
        Ok::<_, AppError>(())
    };
    if let Err(e) = result.await {
        tracing::error!(error = %e, "recording a failed single sign-on failed");
    }
}
