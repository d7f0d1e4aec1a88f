//! The signed-in user's organization: overview, members, invitations,
//! suppliers, outbox and audit trail.

use crate::model::{
    ApiTokenDto, AppError, AuditEventDto, InvitationDto, InvitationId, InvitationSent, MemberDto,
    MembershipId, NewApiToken, NewWebhook, OrgOverview, OutboxDto, PartnerInvitationDto,
    PartnerInvitationId, PartnerInvitationSent, StorageDto, SupplierDto, WebhookDeliveryDto,
    WebhookDto,
};
#[cfg(feature = "ssr")]
use crate::model::{MemberInvite, OrgInvite};
#[cfg(feature = "ssr")]
use crate::server::{
    respond::as_actor,
    services::{admin, api_tokens, invitations, members, partners, suppliers, webhooks},
};
use leptos::prelude::*;

#[server(endpoint = "organization_overview")]
pub async fn organization_overview() -> Result<OrgOverview, AppError> {
    as_actor(|actor, state| async move { members::overview(&actor, &state).await }).await
}

#[server(endpoint = "list_members")]
pub async fn list_members() -> Result<Vec<MemberDto>, AppError> {
    as_actor(|actor, state| async move { members::list(&actor, &state).await }).await
}

#[server(endpoint = "change_member_role")]
pub async fn change_member_role(membership_id: MembershipId, role: String) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        let role = crate::model::Role::parse(&role)?;
        members::change_role(&actor, &state, membership_id, role).await
    })
    .await
}

#[server(endpoint = "set_member_active")]
pub async fn set_member_active(membership_id: MembershipId, active: bool) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        members::set_active(&actor, &state, membership_id, active).await
    })
    .await
}

#[server(endpoint = "list_invitations")]
pub async fn list_invitations() -> Result<Vec<InvitationDto>, AppError> {
    as_actor(|actor, state| async move { invitations::list(&actor, &state).await }).await
}

#[server(endpoint = "invite_member")]
pub async fn invite_member(email: String, role: String) -> Result<InvitationSent, AppError> {
    as_actor(|actor, state| async move {
        invitations::invite(&actor, &state, MemberInvite::parse(&email, &role)?).await
    })
    .await
}

#[server(endpoint = "renew_invitation")]
pub async fn renew_invitation(invitation_id: InvitationId) -> Result<InvitationSent, AppError> {
    as_actor(|actor, state| async move { invitations::renew(&actor, &state, invitation_id).await })
        .await
}

#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation_id: InvitationId) -> Result<(), AppError> {
    as_actor(|actor, state| async move { invitations::revoke(&actor, &state, invitation_id).await })
        .await
}

#[server(endpoint = "list_suppliers")]
pub async fn list_suppliers() -> Result<Vec<SupplierDto>, AppError> {
    as_actor(|actor, state| async move { suppliers::list(&actor, &state).await }).await
}

/// Invites a supplier organization: nothing is linked until its admin
/// accepts, and the answer is the same whatever exists on Pactline.
#[server(endpoint = "invite_supplier")]
pub async fn invite_supplier(
    name: String,
    kind: String,
    admin_email: String,
) -> Result<PartnerInvitationSent, AppError> {
    as_actor(|actor, state| async move {
        let input = OrgInvite::supplier(&name, &kind, &admin_email)?;
        partners::invite_supplier(&actor, &state, input).await
    })
    .await
}

#[server(endpoint = "list_supplier_invitations")]
pub async fn list_supplier_invitations() -> Result<Vec<PartnerInvitationDto>, AppError> {
    as_actor(|actor, state| async move { partners::list(&actor, &state, None).await }).await
}

/// A fresh link for an invitation to a supplier or an assessor.
#[server(endpoint = "renew_partner_invitation")]
pub async fn renew_partner_invitation(
    invitation_id: PartnerInvitationId,
) -> Result<PartnerInvitationSent, AppError> {
    as_actor(|actor, state| async move { partners::renew(&actor, &state, invitation_id).await })
        .await
}

#[server(endpoint = "revoke_partner_invitation")]
pub async fn revoke_partner_invitation(invitation_id: PartnerInvitationId) -> Result<(), AppError> {
    as_actor(|actor, state| async move { partners::revoke(&actor, &state, invitation_id).await })
        .await
}

#[server(endpoint = "storage_usage")]
pub async fn storage_usage() -> Result<StorageDto, AppError> {
    as_actor(|actor, state| async move { admin::storage(&actor, &state).await }).await
}

#[server(endpoint = "list_outbox")]
pub async fn list_outbox() -> Result<Vec<OutboxDto>, AppError> {
    as_actor(|actor, state| async move { admin::outbox(&actor, &state).await }).await
}

#[server(endpoint = "list_audit_events")]
pub async fn list_audit_events() -> Result<Vec<AuditEventDto>, AppError> {
    as_actor(|actor, state| async move { admin::audit_log(&actor, &state).await }).await
}

/// The organization's API tokens, for its admins.
#[server(endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenDto>, AppError> {
    as_actor(|actor, state| async move { api_tokens::list(&actor, &state).await }).await
}

/// An admin makes an API token (`read_only`: a checkbox, present means yes);
/// the answer carries the token, shown this once.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(
    name: String,
    role: String,
    days: i64,
    read_only: Option<String>,
) -> Result<NewApiToken, AppError> {
    as_actor(|actor, state| async move {
        api_tokens::create(&actor, &state, &name, &role, read_only.is_some(), days).await
    })
    .await
}

/// An admin revokes an API token: its next call is refused.
#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(token_id: i64) -> Result<Vec<ApiTokenDto>, AppError> {
    as_actor(|actor, state| async move { api_tokens::revoke(&actor, &state, token_id).await }).await
}

/// The organization's webhook endpoints, for its admins.
#[server(endpoint = "list_webhooks")]
pub async fn list_webhooks() -> Result<Vec<WebhookDto>, AppError> {
    as_actor(|actor, state| async move { webhooks::list(&actor, &state).await }).await
}

/// An admin registers a webhook endpoint for the events checked (fields
/// `events[0]`, `events[1]`, …); the answer carries its signing secret,
/// shown this once.
#[server(endpoint = "create_webhook")]
pub async fn create_webhook(
    url: String,
    description: String,
    #[server(default)] events: Vec<String>,
) -> Result<NewWebhook, AppError> {
    as_actor(|actor, state| async move {
        webhooks::create(&actor, &state, &url, &description, &events).await
    })
    .await
}

/// An admin removes a webhook endpoint: nothing more is sent to it.
#[server(endpoint = "remove_webhook")]
pub async fn remove_webhook(webhook_id: i64) -> Result<(), AppError> {
    as_actor(|actor, state| async move { webhooks::remove(&actor, &state, webhook_id).await }).await
}

/// An endpoint's latest deliveries.
#[server(endpoint = "webhook_deliveries")]
pub async fn webhook_deliveries(webhook_id: i64) -> Result<Vec<WebhookDeliveryDto>, AppError> {
    as_actor(|actor, state| async move { webhooks::deliveries(&actor, &state, webhook_id).await })
        .await
}

/// An admin sends a delivery again, now.
#[server(endpoint = "resend_webhook")]
pub async fn resend_webhook(delivery_id: i64) -> Result<WebhookDeliveryDto, AppError> {
    as_actor(|actor, state| async move { webhooks::resend(&actor, &state, delivery_id).await })
        .await
}
