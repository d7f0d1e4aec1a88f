//! Security profiles as the UI sees them.

use super::{AppError, CatalogId, RequirementDto};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProfileId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProfileItemId(pub i64);

/// Who carries a requirement by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    AssetOwner,
    ProductSupplier,
    ServiceProvider,
    Other,
}

impl Party {
    pub const ALL: [Party; 4] = [
        Party::AssetOwner,
        Party::ProductSupplier,
        Party::ServiceProvider,
        Party::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Party::AssetOwner => "asset_owner",
            Party::ProductSupplier => "product_supplier",
            Party::ServiceProvider => "service_provider",
            Party::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Party::AssetOwner => "Asset owner",
            Party::ProductSupplier => "Product supplier",
            Party::ServiceProvider => "Service provider",
            Party::Other => "Other party",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "responsible_party",
                    "Choose asset_owner, product_supplier, service_provider or other.",
                )
            })
    }
}

/// What a profile item's target measures: a maturity level (62443-2-4 and
/// 4-1 processes) or a target security level (4-2 components, 3-3 systems).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Ml,
    Sl,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Ml => "ml",
            TargetKind::Sl => "sl",
        }
    }

    pub fn parse(s: &str) -> Self {
        if s == "sl" {
            TargetKind::Sl
        } else {
            TargetKind::Ml
        }
    }

    /// Which kind a catalog part uses; custom catalogs rate maturity.
    pub fn for_part(part: Option<&str>) -> Self {
        match part {
            Some("4-2") | Some("3-3") => TargetKind::Sl,
            _ => TargetKind::Ml,
        }
    }

    pub fn label(self, level: i16) -> String {
        match self {
            TargetKind::Ml => format!("ML{level}"),
            TargetKind::Sl => format!("SL-T {level}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileStatus {
    Draft,
    Published,
}

impl ProfileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileStatus::Draft => "draft",
            ProfileStatus::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Self {
        if s == "published" {
            ProfileStatus::Published
        } else {
            ProfileStatus::Draft
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ProfileStatus::Draft => "Draft",
            ProfileStatus::Published => "Published",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSummary {
    pub id: ProfileId,
    pub name: String,
    pub version: i32,
    pub status: ProfileStatus,
    pub items: u64,
    pub updated: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileItemDto {
    pub id: ProfileItemId,
    pub catalog_id: CatalogId,
    pub catalog_name: String,
    pub requirement: RequirementDto,
    pub section: String,
    pub target_kind: TargetKind,
    pub target: i16,
    pub responsible_party: Party,
    pub weight: i16,
    pub evidence_required: bool,
    pub parameters: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDto {
    pub id: ProfileId,
    pub name: String,
    pub description: String,
    pub version: i32,
    pub status: ProfileStatus,
    pub published_at: Option<String>,
    /// RFC 3339: publication, or creation of a draft.
    pub last_modified: String,
    /// Other versions of the same profile, newest first.
    pub versions: Vec<ProfileSummary>,
    pub items: Vec<ProfileItemDto>,
}

/// A level 1–4 from a form field.
pub fn parse_level(field: &str, raw: &str) -> Result<i16, AppError> {
    let s = raw.trim();
    let s = ["SL-T", "ML", "SL"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s)
        .trim();
    match s.parse::<i16>() {
        Ok(n @ 1..=4) => Ok(n),
        _ => Err(AppError::invalid(field, "Choose a level from 1 to 4.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_one_to_four() {
        assert_eq!(parse_level("t", "2").unwrap(), 2);
        assert_eq!(parse_level("t", "ML3").unwrap(), 3);
        assert_eq!(parse_level("t", "SL-T 4").unwrap(), 4);
        for bad in ["0", "5", "", "two", "-1"] {
            assert!(parse_level("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn target_kind_follows_the_catalog_part() {
        assert_eq!(TargetKind::for_part(Some("4-2")), TargetKind::Sl);
        assert_eq!(TargetKind::for_part(Some("3-3")), TargetKind::Sl);
        assert_eq!(TargetKind::for_part(Some("2-4")), TargetKind::Ml);
        assert_eq!(TargetKind::for_part(Some("4-1")), TargetKind::Ml);
        assert_eq!(TargetKind::for_part(None), TargetKind::Ml);
        assert_eq!(TargetKind::Sl.label(2), "SL-T 2");
    }

    #[test]
    fn parties_parse_and_print_alike() {
        for p in Party::ALL {
            assert_eq!(Party::parse(p.as_str()).unwrap(), p);
        }
        assert!(Party::parse("nobody").is_err());
    }
}
