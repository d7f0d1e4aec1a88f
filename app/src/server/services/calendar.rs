//! The private iCalendar feed of a member's due dates: created in the app,
//! read by a calendar program with the feed's token alone.
use crate::model::{AppError, CommitmentStatus};
use crate::server::{
    access, audit, db,
    entities::{calendar_feed, commitment, membership, user},
    tokens, Actor, AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

/// A new private calendar address for the caller in its current
/// organization; the previous one stops working. Only the token's hash is
/// kept.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create_feed(actor: &Actor, state: &AppState) -> Result<String, AppError> {
    let token = tokens::new_token();
    let txn = db::write_txn(&state.writer).await?;
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::UserId.eq(actor.user_id().0))
        .filter(calendar_feed::Column::OrgId.eq(actor.org_id().0))
        .exec(&txn)
        .await?;
    calendar_feed::ActiveModel {
        user_id: Set(actor.user_id()),
        org_id: Set(actor.org_id()),
        token_hash: Set(tokens::hash_token(&token)),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "calendar.feed_created",
        "user",
        actor.user_id().0,
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(format!("{}/calendar/{token}.ics", state.config.base_url))
}

/// The iCalendar feed behind a private address: the due dates of the open
/// commitments of the feed owner's organization, while the owner is still
/// an active member of it. Anything else is not found.
pub async fn calendar(state: &AppState, token: &str) -> Result<String, AppError> {
    use icalendar::{Calendar, Component, EventLike};
    let token = token.strip_suffix(".ics").unwrap_or(token);
    if !tokens::looks_like_token(token) {
        return Err(AppError::NotFound);
    }
    let conn = &state.db;
    // access: allow — the feed's token is the credential (a calendar app
    // signs in with nothing else); who it stands for is checked below.
    let feed = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(tokens::hash_token(token)))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    // access: allow — the token's own user and organization.
    let member = membership::Entity::find()
        .filter(membership::Column::UserId.eq(feed.user_id))
        .filter(membership::Column::OrganizationId.eq(feed.org_id))
        .filter(membership::Column::IsActive.eq(true))
        .count(conn)
        .await?;
    let active = user::Entity::find_by_id(feed.user_id)
        .filter(user::Column::IsActive.eq(true))
        .count(conn)
        .await?;
    if member == 0 || active == 0 {
        return Err(AppError::NotFound);
    }
    let org = feed.org_id;
    let rows = access::commitments_of_org(org)
        .filter(commitment::Column::Status.is_in(CommitmentStatus::OPEN))
        .filter(commitment::Column::DueOn.is_not_null())
        .order_by_asc(commitment::Column::DueOn)
        .all(conn)
        .await?;
    let names = super::org_names(
        conn,
        rows.iter()
            .flat_map(|c| [c.owner_org_id, c.party_org_id])
            .collect::<std::collections::BTreeSet<_>>(),
    )
    .await?;
    let mut cal = Calendar::new();
    cal.name("Pactline commitments");
    for c in &rows {
        let Some(due) = c.due_on else { continue };
        let party = names.get(&c.party_org_id).cloned().unwrap_or_default();
        let owner = names.get(&c.owner_org_id).cloned().unwrap_or_default();
        cal.push(
            icalendar::Event::new()
                .uid(&format!("commitment-{}@pactline", c.id))
                .summary(&format!("Due: {} ({party})", c.title))
                .description(&format!(
                    "Commitment of {party} to {owner}. Status: {}.",
                    c.status.label()
                ))
                .url(&format!("{}/commitments", state.config.base_url))
                .all_day(due)
                .done(),
        );
    }
    Ok(cal.done().to_string())
}
