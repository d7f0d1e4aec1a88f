//! An asset owner's suppliers: those it works with (they join through
//! `partners`, by invitation).

use super::ts;
use crate::model::{AppError, OrgKind, SupplierDto};
use crate::server::{
    access::scoped,
    entities::{organization, supplier_link},
    Actor, AppState,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// An organization's name as compared: case and spacing do not make a
/// different name.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn require_asset_owner(actor: &Actor) -> Result<(), AppError> {
    if actor.kinds().contains(&OrgKind::AssetOwner) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<SupplierDto>, AppError> {
    require_asset_owner(actor)?;
    let links = scoped::<supplier_link::Entity>(actor)
        .order_by_asc(supplier_link::Column::Id)
        .all(&state.db)
        .await?;
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in(links.iter().map(|l| l.supplier_org_id)))
        .all(&state.db)
        .await?;
    let mut out: Vec<SupplierDto> = links
        .iter()
        .filter_map(|l| {
            let o = orgs.iter().find(|o| o.id == l.supplier_org_id)?;
            Some(SupplierDto {
                org_id: o.id,
                name: o.name.clone(),
                kinds: OrgKind::parse_list(&o.kinds),
                since: ts(l.created_at),
            })
        })
        .collect();
    out.sort_by_key(|s| s.name.to_lowercase());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn names_differing_in_case_or_spacing_are_the_same_organization() {
        assert_eq!(name_key("  Helix   Controls "), "helix controls");
        assert_eq!(name_key("HELIX controls"), name_key("Helix Controls"));
        assert_ne!(name_key("Helix Controls"), name_key("Helix Control"));
    }
}
