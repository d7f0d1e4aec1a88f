//! Security profiles as the UI sees them.

use super::{AppError, CatalogId, ProfileId, ProfileItemId, RequirementDto};
use serde::{Deserialize, Serialize};

/// Who carries a requirement by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(
        value_type = "String",
        column_type = "Text",
        from_str = "crate::model::from_name",
        to_str = "crate::model::name"
    )
)]
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
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(
        value_type = "String",
        column_type = "Text",
        from_str = "crate::model::from_name",
        to_str = "crate::model::name"
    )
)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Ml,
    Sl,
}

impl TargetKind {
    pub const ALL: [TargetKind; 2] = [TargetKind::Ml, TargetKind::Sl];

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

    /// A required level: the target (SL-T for security levels).
    pub fn label(self, level: i16) -> String {
        match self {
            TargetKind::Ml => format!("ML{level}"),
            TargetKind::Sl => format!("SL-T {level}"),
        }
    }

    /// A level an answer reaches: a capability the supplier claims (SL-C
    /// for security levels), compared with a target.
    pub fn reached_label(self, level: i16) -> String {
        match self {
            TargetKind::Ml => format!("ML{level}"),
            TargetKind::Sl => format!("SL-C {level}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(
        value_type = "String",
        column_type = "Text",
        from_str = "crate::model::from_name",
        to_str = "crate::model::name"
    )
)]
#[serde(rename_all = "snake_case")]
pub enum ProfileStatus {
    Draft,
    Published,
}

impl ProfileStatus {
    pub const ALL: [ProfileStatus; 2] = [ProfileStatus::Draft, ProfileStatus::Published];

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
    pub catalog_version: i32,
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

/// A profile item's weight: a whole number from 0 to 100.
pub fn parse_weight(raw: &str) -> Result<i16, AppError> {
    match raw.trim().parse::<i16>() {
        Ok(w @ 0..=100) => Ok(w),
        _ => Err(AppError::invalid(
            "weight",
            "Use a whole number from 0 to 100.",
        )),
    }
}

/// Which items the profile editor shows: text found in the reference id,
/// title or parameters, a section, a responsible party. Empty means any.
/// Pure, so the page and its tests agree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemFilter {
    pub text: String,
    pub section: String,
    /// "" or a [`Party::as_str`].
    pub party: String,
}

impl ItemFilter {
    pub fn admits(&self, item: &ProfileItemDto) -> bool {
        let needle = self.text.trim().to_lowercase();
        let text_ok = needle.is_empty()
            || [
                &item.requirement.ref_id,
                &item.requirement.title,
                &item.parameters,
            ]
            .iter()
            .any(|h| h.to_lowercase().contains(&needle));
        let section_ok = self.section.is_empty() || self.section == item.section;
        let party_ok = self.party.is_empty() || self.party == item.responsible_party.as_str();
        text_ok && section_ok && party_ok
    }
}

/// What a bulk edit sets on every selected item of a draft profile; a field
/// left `None` stays as each item has it. At least one is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemChanges {
    pub target: Option<i16>,
    pub responsible_party: Option<Party>,
    pub weight: Option<i16>,
    pub evidence_required: Option<bool>,
}

impl ItemChanges {
    /// From the bulk form: an empty field means "leave as it is";
    /// `evidence_required` is "", "yes" or "no".
    pub fn parse(
        target: &str,
        responsible_party: &str,
        weight: &str,
        evidence_required: &str,
    ) -> Result<Self, AppError> {
        let given = |s: &str| !s.trim().is_empty();
        let changes = Self {
            target: given(target)
                .then(|| parse_level("target", target))
                .transpose()?,
            responsible_party: given(responsible_party)
                .then(|| Party::parse(responsible_party))
                .transpose()?,
            weight: given(weight).then(|| parse_weight(weight)).transpose()?,
            evidence_required: match evidence_required.trim() {
                "" => None,
                "yes" => Some(true),
                "no" => Some(false),
                _ => {
                    return Err(AppError::invalid(
                        "evidence_required",
                        "Choose required, optional, or leave it as it is.",
                    ))
                }
            },
        };
        if changes
            == (Self {
                target: None,
                responsible_party: None,
                weight: None,
                evidence_required: None,
            })
        {
            return Err(AppError::invalid(
                "changes",
                "Choose at least one thing to change: target, responsible party, weight or evidence.",
            ));
        }
        Ok(changes)
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
        assert_eq!(TargetKind::Sl.reached_label(2), "SL-C 2");
        assert_eq!(TargetKind::Ml.reached_label(3), "ML3");
    }

    #[test]
    fn bulk_changes_need_one_valid_field() {
        assert!(ItemChanges::parse("", "", "", "").is_err());
        let c = ItemChanges::parse("3", "", "", "yes").unwrap();
        assert_eq!(c.target, Some(3));
        assert_eq!(c.evidence_required, Some(true));
        assert_eq!(c.responsible_party, None);
        assert_eq!(
            ItemChanges::parse("", "service_provider", "0", "no").unwrap(),
            ItemChanges {
                target: None,
                responsible_party: Some(Party::ServiceProvider),
                weight: Some(0),
                evidence_required: Some(false),
            }
        );
        for (t, p, w, e) in [
            ("5", "", "", ""),
            ("", "nobody", "", ""),
            ("", "", "101", ""),
            ("", "", "-1", ""),
            ("", "", "", "maybe"),
        ] {
            assert!(ItemChanges::parse(t, p, w, e).is_err(), "{t} {p} {w} {e}");
        }
    }

    #[test]
    fn the_item_filter_combines_text_section_and_party() {
        let mut x = item("CR 1.1", 2);
        x.section = "FR1 · Identification".into();
        x.requirement.title = "Human user identification".into();
        let any = ItemFilter::default();
        assert!(any.admits(&x));
        let f = |text: &str, section: &str, party: &str| ItemFilter {
            text: text.into(),
            section: section.into(),
            party: party.into(),
        };
        assert!(f("cr 1.1", "", "").admits(&x));
        assert!(f("IDENTIFICATION", "", "").admits(&x));
        assert!(!f("CR 2", "", "").admits(&x));
        assert!(f("", "FR1 · Identification", "").admits(&x));
        assert!(!f("", "FR2 · Use control", "").admits(&x));
        assert!(f("", "", x.responsible_party.as_str()).admits(&x));
        assert!(!f("", "", "asset_owner").admits(&x));
        assert!(!f("cr 1.1", "FR2 · Use control", "").admits(&x));
    }

    fn item(ref_id: &str, target: i16) -> ProfileItemDto {
        ProfileItemDto {
            id: ProfileItemId(0),
            catalog_id: CatalogId(1),
            catalog_name: String::new(),
            catalog_version: 1,
            requirement: RequirementDto {
                ref_id: ref_id.into(),
                kind: "CR".into(),
                group: "FR1".into(),
                group_title: String::new(),
                title: String::new(),
                description: String::new(),
                parent: None,
                sl: None,
                component_types: None,
                verified: true,
            },
            section: "S".into(),
            target_kind: TargetKind::Sl,
            target,
            responsible_party: Party::ProductSupplier,
            weight: 1,
            evidence_required: false,
            parameters: String::new(),
        }
    }

    #[test]
    fn versions_differ_by_added_removed_and_changed_items() {
        let from = [item("CR 1.1", 2), item("CR 1.2", 2), item("CR 1.3", 2)];
        let to = [item("CR 1.1", 2), item("CR 1.2", 3), item("CR 2.1", 2)];
        let (added, removed, changed) = diff_items(&from, &to);
        assert_eq!(
            added
                .iter()
                .map(|i| i.requirement.ref_id.as_str())
                .collect::<Vec<_>>(),
            ["CR 2.1"]
        );
        assert_eq!(
            removed
                .iter()
                .map(|i| i.requirement.ref_id.as_str())
                .collect::<Vec<_>>(),
            ["CR 1.3"]
        );
        assert_eq!(changed.len(), 1);
        assert_eq!((changed[0].0.target, changed[0].1.target), (2, 3));
        let (a, r, c) = diff_items(&from, &from);
        assert!(a.is_empty() && r.is_empty() && c.is_empty());
    }

    #[test]
    fn parties_parse_and_print_alike() {
        for p in Party::ALL {
            assert_eq!(Party::parse(p.as_str()).unwrap(), p);
        }
        assert!(Party::parse("nobody").is_err());
    }
}

/// What changed between two versions of a profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDiff {
    pub name: String,
    pub from_version: i32,
    pub to_version: i32,
    pub added: Vec<ProfileItemDto>,
    pub removed: Vec<ProfileItemDto>,
    /// (before, after) for items whose target, party, weight, evidence flag,
    /// section or parameters changed.
    pub changed: Vec<(ProfileItemDto, ProfileItemDto)>,
}

/// Compares two item lists by requirement. Pure, so it is unit-tested.
pub fn diff_items(
    from: &[ProfileItemDto],
    to: &[ProfileItemDto],
) -> (
    Vec<ProfileItemDto>,
    Vec<ProfileItemDto>,
    Vec<(ProfileItemDto, ProfileItemDto)>,
) {
    let key = |i: &ProfileItemDto| (i.catalog_id, i.requirement.ref_id.clone());
    let added = to
        .iter()
        .filter(|t| !from.iter().any(|f| key(f) == key(t)))
        .cloned()
        .collect();
    let removed = from
        .iter()
        .filter(|f| !to.iter().any(|t| key(f) == key(t)))
        .cloned()
        .collect();
    let changed = from
        .iter()
        .filter_map(|f| {
            let t = to.iter().find(|t| key(t) == key(f))?;
            let same = (
                f.target,
                f.responsible_party,
                f.weight,
                f.evidence_required,
                &f.section,
                &f.parameters,
            ) == (
                t.target,
                t.responsible_party,
                t.weight,
                t.evidence_required,
                &t.section,
                &t.parameters,
            );
            (!same).then(|| (f.clone(), t.clone()))
        })
        .collect();
    (added, removed, changed)
}
