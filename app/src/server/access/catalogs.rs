//! Catalogs (shipped ones belong to nobody and everybody may read them),
//! their requirements, and the items of an organization's profiles.

use super::*;

/// Catalogs the actor may read: the shipped ones (no owner) and its
/// organization's own.
pub fn catalogs_readable(actor: &Actor) -> Select<catalog::Entity> {
    catalog::Entity::find().filter(
        Condition::any()
            .add(catalog::Column::OwnerOrgId.is_null())
            .add(catalog::Column::OwnerOrgId.eq(actor.org_id().0)),
    )
}

// What hangs off catalogs and profiles.

/// The requirements of the catalogs the actor may read.
pub fn requirements_readable(actor: &Actor) -> Select<requirement::Entity> {
    let org = actor.org_id().0;
    requirement::Entity::find().filter(
        requirement::Column::CatalogId.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(catalog::Column::Id)
                .from(catalog::Entity)
                .cond_where(
                    Condition::any()
                        .add(catalog::Column::OwnerOrgId.is_null())
                        .add(catalog::Column::OwnerOrgId.eq(org)),
                )
                .to_owned(),
        ),
    )
}

/// A catalog the actor may read, by id.
pub async fn catalog_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: CatalogId,
) -> Result<Readable<catalog::Model>, AppError> {
    catalogs_readable(actor)
        .filter(catalog::Column::Id.eq(id))
        .one(conn)
        .await
        .found_readable()
}

/// A catalog the actor's organization owns (shipped ones are nobody's to
/// change), by id.
pub async fn catalog_owned<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: CatalogId,
) -> Result<Editable<catalog::Model>, AppError> {
    catalog::Entity::find_by_id(id)
        .filter(catalog::Column::OwnerOrgId.eq(actor.org_id().0))
        .one(conn)
        .await
        .found_editable()
}

/// The requirements of a catalog.
pub fn requirements_of(c: &Readable<catalog::Model>) -> Select<requirement::Entity> {
    requirement::Entity::find().filter(requirement::Column::CatalogId.eq(c.id))
}

/// The items of the actor's organization's profiles (counted for lists).
pub fn items_of_own_profiles(actor: &Actor) -> Select<profile_item::Entity> {
    profile_item::Entity::find().filter(
        profile_item::Column::ProfileId.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(profile::Column::Id)
                .from(profile::Entity)
                .and_where(profile::Column::OwnerOrgId.eq(actor.org_id().0))
                .to_owned(),
        ),
    )
}

/// A profile item with its profile, if the actor's organization owns the
/// profile.
pub async fn profile_item_owned<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: ProfileItemId,
) -> Result<(Editable<profile::Model>, Editable<profile_item::Model>), AppError> {
    let item = profile_item::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    // The profile is held, as by every change to a draft (see
    // `find_owned_for_update`).
    let p = find_owned_for_update::<profile::Entity, _>(conn, actor, item.profile_id).await?;
    Ok((p, editable(item)))
}

/// The items of a profile.
pub fn items_of(p: &Readable<profile::Model>) -> Select<profile_item::Entity> {
    profile_item::Entity::find().filter(profile_item::Column::ProfileId.eq(p.id))
}
