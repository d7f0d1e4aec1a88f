//! Sessions stored in the database, and the `Actor` they yield.
//!
//! The browser holds a random session id in an HttpOnly cookie; the database
//! holds only its SHA-256. A session is bound to one organization of the user
//! (switchable) and dies on logout, idle or absolute timeout, password change,
//! deactivation of the membership or of the user.
//!
//! `Actor` can only be built here, from a live session. Services take `&Actor`
//! first and read the organization from it, never from client input.

use super::proxy::TrustedProxies;
use super::{
    entities::{membership, organization, session, user},
    tokens, AppState,
};
use crate::model::{AppError, Email, OrgId, OrgKind, Permission, Role, UserId};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use chrono::Utc;
use http::{header, HeaderMap, HeaderValue};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};
use std::net::SocketAddr;

/// Who is asking: a user, acting in one organization with one role.
#[derive(Clone, Debug)]
pub struct Actor {
    user_id: UserId,
    email: String,
    org_id: OrgId,
    role: Role,
    kinds: Vec<OrgKind>,
    session_hash: String,
    /// The organization requires a second factor and this user has none
    /// yet: until they set it up, they may do nothing else.
    second_factor_missing: bool,
    /// The session was started through the organization's identity provider.
    by_sso: bool,
    /// The request the actor makes (its address and id, for audit and
    /// throttling), so that services need no separate argument for it.
    request: RequestInfo,
    /// The key the actor's audit events are hashed with.
    audit_key: super::audit::AuditKey,
    /// The API token the request came with (scripts and other systems),
    /// instead of a browser session.
    api_token: Option<ApiTokenRef>,
}

/// The API token an actor acts through.
#[derive(Clone, Debug)]
pub struct ApiTokenRef {
    pub id: i64,
    pub name: String,
    /// May only read: every permission but viewing is refused.
    pub read_only: bool,
}

impl Actor {
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    pub fn email(&self) -> &str {
        &self.email
    }
    pub fn org_id(&self) -> OrgId {
        self.org_id
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn kinds(&self) -> &[OrgKind] {
        &self.kinds
    }
    /// Whether the actor must set up a second factor before anything else.
    pub fn second_factor_missing(&self) -> bool {
        self.second_factor_missing
    }

    /// Whether the actor signed in through the organization's identity
    /// provider (single sign-on).
    pub fn signed_in_by_sso(&self) -> bool {
        self.by_sso
    }

    pub(crate) fn session_hash(&self) -> &str {
        &self.session_hash
    }
    /// The key this actor's audit events are hashed with.
    pub fn audit_key(&self) -> &super::audit::AuditKey {
        &self.audit_key
    }
    /// The request being handled for this actor.
    pub fn request(&self) -> &RequestInfo {
        &self.request
    }
    /// The same actor, for another request (tools and seeding name theirs).
    pub fn with_request(mut self, request: RequestInfo) -> Self {
        self.request = request;
        self
    }
    pub fn may(&self, p: Permission) -> bool {
        if self.api_token.as_ref().is_some_and(|t| t.read_only) && !p.only_reads() {
            return false;
        }
        self.role.may(p, &self.kinds)
    }

    /// The API token this actor acts through, if any.
    pub fn api_token(&self) -> Option<&ApiTokenRef> {
        self.api_token.as_ref()
    }

    /// Refuses with NotFound: a feature one may not use is, to them, not there.
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.may(p) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The actor of the request being handled (server function or page render).
    pub async fn current() -> Result<Actor, AppError> {
        let parts: Option<http::request::Parts> = leptos::prelude::use_context();
        parts
            .and_then(|p| p.extensions.get::<SessionActor>().cloned())
            .and_then(|s| s.0)
            .ok_or(AppError::Unauthenticated)
    }
}

/// The request extension the session middleware leaves for handlers.
#[derive(Clone, Debug)]
pub struct SessionActor(pub Option<Actor>);

/// Facts about the request that services record (audit, throttling).
#[derive(Clone, Debug)]
pub struct RequestInfo {
    pub client_addr: String,
    pub request_id: String,
    /// The browser's own description (User-Agent), printable and cut short:
    /// what the account page shows of a session.
    pub user_agent: String,
}

impl RequestInfo {
    pub fn from_parts(
        headers: &HeaderMap,
        extensions: &http::Extensions,
        trust_proxy: &TrustedProxies,
    ) -> Self {
        let peer = extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded: Vec<&str> = if trust_proxy.is_none() {
            Vec::new()
        } else {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect()
        };
        let client_addr = trust_proxy
            .client(peer, &forwarded)
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into());
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .chars()
            .take(64)
            .collect();
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        RequestInfo {
            client_addr,
            request_id,
            user_agent,
        }
    }

    /// The request being handled, inside a server function.
    pub fn current() -> Self {
        let trust = AppState::current()
            .map(|s| s.config.trust_proxy.clone())
            .unwrap_or_default();
        match leptos::prelude::use_context::<http::request::Parts>() {
            Some(p) => Self::from_parts(&p.headers, &p.extensions, &trust),
            None => Self::outside_a_request(),
        }
    }

    /// For work no HTTP request started (the CLI, demo seeding, jobs).
    pub fn outside_a_request() -> Self {
        RequestInfo {
            client_addr: "unknown".into(),
            request_id: "-".into(),
            user_agent: String::new(),
        }
    }
}

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-pactline_session"
    } else {
        "pactline_session"
    }
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The Set-Cookie header that hands a new session to the browser.
pub fn set_cookie(state: &AppState, token: &str) -> HeaderValue {
    let cfg = &state.config;
    let secure = if cfg.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        cookie_name(cfg.secure_cookies),
        cfg.session_absolute.as_secs()
    ))
    .expect("token is URL-safe")
}

pub fn clear_cookie(state: &AppState) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(state.config.secure_cookies)
    ))
    .expect("static cookie")
}

/// The cookie of a sign-in whose password was right and that waits for the
/// second factor: five minutes, then it is gone.
pub fn challenge_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-pactline_challenge"
    } else {
        "pactline_challenge"
    }
}

/// A short-lived HttpOnly cookie of a sign-in under way (`max_age` 0
/// clears it).
fn short_cookie(name: &str, value: &str, max_age: u32, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    ))
    .expect("tokens are URL-safe")
}

pub fn set_challenge_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = state.config.secure_cookies;
    short_cookie(challenge_cookie_name(secure), token, 300, secure)
}

pub fn clear_challenge_cookie(state: &AppState) -> HeaderValue {
    let secure = state.config.secure_cookies;
    short_cookie(challenge_cookie_name(secure), "", 0, secure)
}

/// The cookie that binds a single sign-on to the browser that started it
/// (SameSite=Lax: the provider's redirect back is a top-level navigation,
/// which carries it). Ten minutes.
fn sso_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-pactline_sso"
    } else {
        "pactline_sso"
    }
}

pub fn set_sso_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = state.config.secure_cookies;
    short_cookie(sso_cookie_name(secure), token, 600, secure)
}

pub fn clear_sso_cookie(state: &AppState) -> HeaderValue {
    let secure = state.config.secure_cookies;
    short_cookie(sso_cookie_name(secure), "", 0, secure)
}

pub fn sso_from_headers(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, sso_cookie_name(state.config.secure_cookies))
        .filter(|t| tokens::looks_like_token(t))
}

pub fn challenge_from_headers(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, challenge_cookie_name(state.config.secure_cookies))
        .filter(|t| tokens::looks_like_token(t))
}

pub fn token_from_headers(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, cookie_name(state.config.secure_cookies))
        .filter(|t| tokens::looks_like_token(t))
}

/// Starts a session for `user_id` in `org_id`; returns the token for the cookie.
/// A fresh random id every time: logging in never reuses an earlier session id.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    user_id: UserId,
    org_id: OrgId,
    info: &RequestInfo,
    method: &str,
) -> Result<String, DbErr> {
    let token = tokens::new_token();
    let now = Utc::now();
    session::ActiveModel {
        id_hash: Set(tokens::hash_token(&token)),
        user_id: Set(user_id),
        organization_id: Set(org_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + state.config.session_absolute),
        client_addr: Set(info.client_addr.chars().take(64).collect()),
        user_agent: Set(info.user_agent.chars().take(200).collect()),
        sign_in_method: Set(method.chars().take(20).collect()),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// What a session is called outside the server: the first 16 hex digits of
/// its stored hash. It signs nobody in (the token is not derivable from
/// it) and is looked up only among the sessions of the user asking.
pub fn session_ref(id_hash: &str) -> String {
    id_hash.chars().take(16).collect()
}

pub async fn destroy<C: ConnectionTrait>(conn: &C, token: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(tokens::hash_token(token))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user, but `keep` (the one making the change).
pub async fn destroy_for_user<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
    keep: Option<&str>,
) -> Result<u64, DbErr> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id.0));
    if let Some(keep) = keep {
        q = q.filter(session::Column::IdHash.ne(keep));
    }
    Ok(q.exec(conn).await?.rows_affected)
}

/// Ends the sessions a user has in one organization.
pub async fn destroy_for_membership<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
    org_id: OrgId,
) -> Result<u64, DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id.0))
        .filter(session::Column::OrganizationId.eq(org_id.0))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Moves a session to another organization of the same user.
pub async fn switch_org<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    org_id: OrgId,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::OrganizationId,
            sea_orm::sea_query::Expr::value(org_id.0),
        )
        .filter(session::Column::IdHash.eq(actor.session_hash()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Looks a session token up: the session must be within both timeouts, the
/// user active, and the membership in the session's organization active.
pub async fn resolve(state: &AppState, token: &str) -> Result<Option<Actor>, DbErr> {
    let db = &state.db;
    // Ending or touching a session is a write: it goes through the writer,
    // like every other write, so it never competes with it for SQLite's lock.
    let writer = &state.writer;
    let hash = tokens::hash_token(token);
    // The session with its user, organization and membership: one query
    // per request.
    type Row = (
        i64,
        i64,
        chrono::DateTime<Utc>,
        chrono::DateTime<Utc>,
        String,
        bool,
        String,
        Option<String>,
        Option<bool>,
        bool,
        bool,
        String,
    );
    let row: Option<Row> = session::Entity::find()
        .select_only()
        .column(session::Column::UserId)
        .column(session::Column::OrganizationId)
        .column(session::Column::ExpiresAt)
        .column(session::Column::LastSeenAt)
        .column(user::Column::Email)
        .column(user::Column::IsActive)
        .column(organization::Column::Kinds)
        .column(membership::Column::Role)
        .column(membership::Column::IsActive)
        .column(organization::Column::RequireSecondFactor)
        // Whether the session stands on a second factor of the user's own
        // or on the organization's identity provider (which vouches for it:
        // "a second factor or SSO").
        .expr({
            use sea_orm::sea_query::ExprTrait;
            sea_orm::sea_query::Expr::col((user::Entity, user::Column::TotpSecret))
                .is_not_null()
                .or(sea_orm::sea_query::Expr::exists(
                    sea_orm::sea_query::Query::select()
                        .expr(sea_orm::sea_query::Expr::val(1))
                        .from(super::entities::passkey::Entity)
                        .and_where(
                            sea_orm::sea_query::Expr::col((
                                super::entities::passkey::Entity,
                                super::entities::passkey::Column::UserId,
                            ))
                            .equals((user::Entity, user::Column::Id)),
                        )
                        .to_owned(),
                ))
                .or(
                    sea_orm::sea_query::Expr::col((session::Entity, session::Column::SignInMethod))
                        .eq("sso"),
                )
        })
        .column(session::Column::SignInMethod)
        .join(
            sea_orm::JoinType::InnerJoin,
            session::Entity::belongs_to(user::Entity)
                .from(session::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            session::Entity::belongs_to(organization::Entity)
                .from(session::Column::OrganizationId)
                .to(organization::Column::Id)
                .into(),
        )
        .join(
            sea_orm::JoinType::LeftJoin,
            session::Entity::belongs_to(membership::Entity)
                .from((session::Column::UserId, session::Column::OrganizationId))
                .to((
                    membership::Column::UserId,
                    membership::Column::OrganizationId,
                ))
                .into(),
        )
        .filter(session::Column::IdHash.eq(hash.clone()))
        .into_tuple()
        .one(db)
        .await?;
    let Some((
        user_id,
        org_id,
        expires_at,
        last_seen_at,
        email,
        user_active,
        kinds,
        member_role,
        member_active,
        requires_second_factor,
        second_factor_present,
        sign_in_method,
    )) = row
    else {
        return Ok(None);
    };
    let now = Utc::now();
    let idle_deadline = last_seen_at + state.config.session_idle;
    if now >= expires_at || now >= idle_deadline {
        session::Entity::delete_by_id(hash).exec(writer).await?;
        return Ok(None);
    }
    // No membership in the session's organization, or it or the user was
    // deactivated: the session ends.
    let (Some(member_role), Some(true), true) = (member_role, member_active, user_active) else {
        session::Entity::delete_by_id(hash).exec(writer).await?;
        return Ok(None);
    };
    // Sliding idle timeout, written at most once a minute per session.
    if now - last_seen_at > chrono::Duration::seconds(60) {
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(session::Column::IdHash.eq(hash.clone()))
            .exec(writer)
            .await?;
    }
    let Ok(role) = Role::parse(&member_role) else {
        tracing::error!(user = user_id, org = org_id, role = %member_role, "unknown role in database");
        return Ok(None);
    };
    Ok(Some(Actor {
        user_id: UserId(user_id),
        email,
        org_id: OrgId(org_id),
        role,
        kinds: OrgKind::parse_list(&kinds),
        session_hash: hash,
        second_factor_missing: requires_second_factor && !second_factor_present,
        by_sso: sign_in_method == "sso",
        request: RequestInfo::outside_a_request(),
        audit_key: state.audit_key.clone(),
        api_token: None,
    }))
}

/// Looks an API token up (`Authorization: Bearer …`): it must be neither
/// revoked nor expired, and its maker still an active admin of the token's
/// organization; a token outlives neither. The actor acts with the token's
/// role, as its maker, under the token's name. Last use is written at most
/// once a minute.
pub async fn resolve_api_token(state: &AppState, token: &str) -> Result<Option<Actor>, DbErr> {
    use super::entities::api_token;
    if !tokens::looks_like_api_token(token) {
        return Ok(None);
    }
    let hash = tokens::hash_token(token);
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        token_id: i64,
        org_id: i64,
        name: String,
        role: Role,
        read_only: bool,
        expires_at: chrono::DateTime<Utc>,
        revoked_at: Option<chrono::DateTime<Utc>>,
        last_used_at: Option<chrono::DateTime<Utc>>,
        user_id: i64,
        email: String,
        user_active: bool,
        kinds: String,
        maker_role: Option<Role>,
        maker_active: Option<bool>,
    }
    let row: Option<Row> = api_token::Entity::find()
        .select_only()
        .column_as(api_token::Column::Id, "token_id")
        .column_as(api_token::Column::OrganizationId, "org_id")
        .column_as(api_token::Column::Name, "name")
        .column_as(api_token::Column::Role, "role")
        .column_as(api_token::Column::ReadOnly, "read_only")
        .column_as(api_token::Column::ExpiresAt, "expires_at")
        .column_as(api_token::Column::RevokedAt, "revoked_at")
        .column_as(api_token::Column::LastUsedAt, "last_used_at")
        .column_as(user::Column::Id, "user_id")
        .column_as(user::Column::Email, "email")
        .column_as(user::Column::IsActive, "user_active")
        .column_as(organization::Column::Kinds, "kinds")
        .column_as(membership::Column::Role, "maker_role")
        .column_as(membership::Column::IsActive, "maker_active")
        .join(
            sea_orm::JoinType::InnerJoin,
            api_token::Entity::belongs_to(user::Entity)
                .from(api_token::Column::CreatedBy)
                .to(user::Column::Id)
                .into(),
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            api_token::Entity::belongs_to(organization::Entity)
                .from(api_token::Column::OrganizationId)
                .to(organization::Column::Id)
                .into(),
        )
        .join(
            sea_orm::JoinType::LeftJoin,
            api_token::Entity::belongs_to(membership::Entity)
                .from((
                    api_token::Column::CreatedBy,
                    api_token::Column::OrganizationId,
                ))
                .to((
                    membership::Column::UserId,
                    membership::Column::OrganizationId,
                ))
                .into(),
        )
        // access: allow — the token's hash is the credential being checked.
        .filter(api_token::Column::TokenHash.eq(hash))
        .into_model()
        .one(&state.db)
        .await?;
    let Some(Row {
        token_id: id,
        org_id,
        name,
        role,
        read_only,
        expires_at,
        revoked_at,
        last_used_at,
        user_id,
        email,
        user_active,
        kinds,
        maker_role,
        maker_active,
    }) = row
    else {
        return Ok(None);
    };
    let now = state.clock.now();
    if revoked_at.is_some()
        || now >= expires_at
        || !user_active
        || maker_role != Some(Role::Admin)
        || maker_active != Some(true)
    {
        return Ok(None);
    }
    if last_used_at.is_none_or(|t| now - t > chrono::Duration::seconds(60)) {
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(api_token::Column::Id.eq(id))
            .exec(&state.writer)
            .await?;
    }
    Ok(Some(Actor {
        user_id: UserId(user_id),
        email,
        org_id: OrgId(org_id),
        role,
        kinds: OrgKind::parse_list(&kinds),
        session_hash: String::new(),
        second_factor_missing: false,
        by_sso: false,
        request: RequestInfo::outside_a_request(),
        audit_key: state.audit_key.clone(),
        api_token: Some(ApiTokenRef {
            id,
            name,
            read_only,
        }),
    }))
}

/// Axum middleware: resolves the session cookie once per request and leaves
/// a `SessionActor` in the request extensions for handlers and server functions.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let actor = match token_from_headers(&state, req.headers()) {
        None => None,
        Some(token) => match resolve(&state, &token).await {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                None
            }
        },
    };
    let actor = actor.map(|a| {
        let info =
            RequestInfo::from_parts(req.headers(), req.extensions(), &state.config.trust_proxy);
        a.with_request(info)
    });
    req.extensions_mut().insert(SessionActor(actor));
    next.run(req).await
}

/// For tools and tests that act as a given member without an HTTP request
/// (the CLI, demo seeding). Loads the membership like a session would.
pub async fn actor_for(
    state: &AppState,
    email: &str,
    org_id: OrgId,
) -> Result<Option<Actor>, DbErr> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    let Some(u) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let m = membership::Entity::find()
        .filter(membership::Column::UserId.eq(u.id))
        .filter(membership::Column::OrganizationId.eq(org_id.0))
        .filter(membership::Column::IsActive.eq(true))
        .one(&state.db)
        .await?;
    let org = organization::Entity::find_by_id(org_id)
        .one(&state.db)
        .await?;
    Ok(match (m, org) {
        (Some(m), Some(org)) => Some(Actor {
            user_id: u.id,
            email: u.email,
            org_id,
            role: m.role,
            kinds: OrgKind::parse_list(&org.kinds),
            session_hash: String::new(),
            second_factor_missing: org.require_second_factor && u.totp_secret.is_none(),
            by_sso: false,
            request: RequestInfo::outside_a_request(),
            audit_key: state.audit_key.clone(),
            api_token: None,
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_actor(role: Role, read_only: bool) -> Actor {
        Actor {
            user_id: UserId(1),
            email: "a@b.test".into(),
            org_id: OrgId(1),
            role,
            kinds: vec![OrgKind::AssetOwner],
            session_hash: String::new(),
            second_factor_missing: false,
            by_sso: false,
            request: RequestInfo::outside_a_request(),
            audit_key: super::super::audit::AuditKey::generate(),
            api_token: Some(ApiTokenRef {
                id: 1,
                name: "t".into(),
                read_only,
            }),
        }
    }

    #[test]
    fn a_read_only_token_keeps_only_what_looks() {
        let ro = token_actor(Role::Reviewer, true);
        let rw = token_actor(Role::Reviewer, false);
        assert!(ro.may(Permission::ViewProfiles));
        for p in [
            Permission::ReviewAssessments,
            Permission::EditProfiles,
            Permission::ManageEngagements,
        ] {
            assert!(!ro.may(p), "{p:?}");
        }
        assert!(rw.may(Permission::ReviewAssessments));
    }
}
