//! Procurement review: per-answer review states, comment visibility, and
//! the gap analysis with its weighted score. The gap and score are pure
//! functions, documented here and in the README, so a supplier can follow
//! its score item by item.

use super::{AnswerId, AssessmentId, Compliance, TargetKind};
use serde::{Deserialize, Serialize};

/// A reviewer's verdict on one answer.
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
pub enum ReviewStatus {
    Accepted,
    Rejected,
    ClarificationRequested,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 3] = [
        ReviewStatus::Accepted,
        ReviewStatus::Rejected,
        ReviewStatus::ClarificationRequested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Accepted => "accepted",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::ClarificationRequested => "clarification_requested",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::Accepted => "Accepted",
            ReviewStatus::Rejected => "Rejected",
            ReviewStatus::ClarificationRequested => "Clarification requested",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// Who may read a comment: `Shared` with the supplier, or `Internal` to the
/// asset owner (and its invited assessors).
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
pub enum Visibility {
    Shared,
    Internal,
}

impl Visibility {
    pub const ALL: [Visibility; 2] = [Visibility::Shared, Visibility::Internal];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Shared => "shared",
            Visibility::Internal => "internal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "shared" => Some(Visibility::Shared),
            "internal" => Some(Visibility::Internal),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentDto {
    pub id: i64,
    pub answer_id: AnswerId,
    pub author: String,
    /// The author's organization name.
    pub organization: String,
    pub visibility: Visibility,
    pub body: String,
    pub at: String,
    /// When, exactly (for the API).
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// One answer as the gap analysis sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapItem {
    pub ref_id: String,
    /// FR (4-2, 3-3), SP area (2-4) or practice (4-1).
    pub group: String,
    pub target_kind: TargetKind,
    pub target: i16,
    pub weight: i16,
    pub compliance: Option<Compliance>,
    pub claimed: Option<i16>,
}

/// Required versus reached level for one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupGap {
    pub group: String,
    pub kind: TargetKind,
    /// The highest target among the group's items.
    pub required: i16,
    /// The lowest level all counted items reach (0: some item reaches none).
    pub reached: i16,
    pub items: usize,
}

/// One item's part of the score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreLine {
    pub ref_id: String,
    pub weight: i16,
    /// 0.0–1.0, or None when the item does not count.
    pub credit: Option<f64>,
    pub why: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapAnalysis {
    pub groups: Vec<GroupGap>,
    /// Items below their target (ref id, reason).
    pub unmet: Vec<(String, String)>,
    /// Items met through a compensating countermeasure.
    pub compensated: Vec<String>,
    /// 0–100, or None when nothing counts.
    pub score: Option<f64>,
    pub lines: Vec<ScoreLine>,
}

/// The level an answer reaches for its item:
/// - meets, or meets with a compensating countermeasure: the claimed level,
///   or the target when no level is claimed;
/// - partially meets: the claimed level, but at most one below the target;
/// - planned, does not meet, no answer: 0;
/// - not applicable, by another party: the item does not count (None).
pub fn reached(item: &GapItem) -> Option<i16> {
    use Compliance::*;
    match item.compliance {
        Some(NotApplicable) | Some(ByOtherParty) => None,
        Some(Meets) | Some(MeetsWithCompensatingCountermeasure) => {
            Some(item.claimed.unwrap_or(item.target))
        }
        Some(PartiallyMeets) => Some(
            item.claimed
                .unwrap_or(item.target - 1)
                .min(item.target - 1)
                .max(0),
        ),
        Some(Planned) | Some(DoesNotMeet) | None => Some(0),
    }
}

/// An item's credit towards the score, 0.0–1.0, with the reason:
/// - meets: 1 × (reached ÷ target, at most 1);
/// - meets with a compensating countermeasure: 0.75 × the same ratio;
/// - partially meets: 0.5; planned: 0.25; does not meet or no answer: 0;
/// - not applicable, by another party, or weight 0: not counted.
pub fn credit(item: &GapItem) -> (Option<f64>, String) {
    use Compliance::*;
    if item.weight == 0 {
        return (None, "weight 0: not counted".into());
    }
    let ratio = |r: i16| {
        if item.target <= 0 {
            1.0
        } else {
            (r as f64 / item.target as f64).clamp(0.0, 1.0)
        }
    };
    let level = |r: i16| item.target_kind.label(r);
    let got = |r: i16| item.target_kind.reached_label(r);
    match item.compliance {
        Some(NotApplicable) => (None, "not applicable: not counted".into()),
        Some(ByOtherParty) => (None, "met by another party: not counted".into()),
        Some(Meets) => {
            let r = reached(item).unwrap_or(0);
            let c = ratio(r);
            (
                Some(c),
                format!(
                    "meets at {} against {} → {:.2}",
                    got(r),
                    level(item.target),
                    c
                ),
            )
        }
        Some(MeetsWithCompensatingCountermeasure) => {
            let r = reached(item).unwrap_or(0);
            let c = 0.75 * ratio(r);
            (
                Some(c),
                format!(
                    "compensating countermeasure, {} against {} → 0.75 × {:.2} = {:.2}",
                    got(r),
                    level(item.target),
                    ratio(r),
                    c
                ),
            )
        }
        Some(PartiallyMeets) => (Some(0.5), "partially meets → 0.50".into()),
        Some(Planned) => (Some(0.25), "planned → 0.25".into()),
        Some(DoesNotMeet) => (Some(0.0), "does not meet → 0".into()),
        None => (Some(0.0), "not answered → 0".into()),
    }
}

/// The gap analysis of one assessment:
/// - per group, the required level (highest target) and the reached level
///   (the lowest level reached by any counted item: a group is as strong as
///   its weakest requirement);
/// - the unmet items (reached below target) and the compensated ones;
/// - the weighted score: Σ(weight × credit) ÷ Σ(weight) × 100 over the
///   counted items.
pub fn analyse(items: &[GapItem]) -> GapAnalysis {
    let mut groups: Vec<GroupGap> = Vec::new();
    let mut unmet = Vec::new();
    let mut compensated = Vec::new();
    let mut lines = Vec::new();
    let (mut num, mut den) = (0.0, 0.0);
    for it in items {
        let r = reached(it);
        if let Some(r) = r {
            match groups
                .iter_mut()
                .find(|g| g.group == it.group && g.kind == it.target_kind)
            {
                Some(g) => {
                    g.required = g.required.max(it.target);
                    g.reached = g.reached.min(r);
                    g.items += 1;
                }
                None => groups.push(GroupGap {
                    group: it.group.clone(),
                    kind: it.target_kind,
                    required: it.target,
                    reached: r,
                    items: 1,
                }),
            }
            if r < it.target {
                let why = match it.compliance {
                    None => "not answered".to_string(),
                    Some(c) => format!(
                        "{} ({} against {})",
                        c.label(),
                        it.target_kind.reached_label(r),
                        it.target_kind.label(it.target)
                    ),
                };
                unmet.push((it.ref_id.clone(), why));
            }
        }
        if it.compliance == Some(Compliance::MeetsWithCompensatingCountermeasure) {
            compensated.push(it.ref_id.clone());
        }
        let (c, why) = credit(it);
        if let Some(c) = c {
            num += it.weight as f64 * c;
            den += it.weight as f64;
        }
        lines.push(ScoreLine {
            ref_id: it.ref_id.clone(),
            weight: it.weight,
            credit: c,
            why,
        });
    }
    GapAnalysis {
        groups,
        unmet,
        compensated,
        score: (den > 0.0).then(|| (num / den * 1000.0).round() / 10.0),
        lines,
    }
}

/// The gap analysis's view of an assessment's answers.
pub fn gap_items(dto: &super::AssessmentDto) -> Vec<GapItem> {
    dto.answers
        .iter()
        .map(|x| GapItem {
            ref_id: x.requirement.ref_id.clone(),
            group: x.requirement.group.clone(),
            target_kind: x.target_kind,
            target: x.target,
            weight: x.weight,
            compliance: x.fields.compliance,
            claimed: x.fields.claimed_level,
        })
        .collect()
}

/// The review page's data for one assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewDto {
    pub assessment: AssessmentId,
    pub gap: GapAnalysis,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        group: &str,
        target: i16,
        weight: i16,
        c: Option<Compliance>,
        claimed: Option<i16>,
    ) -> GapItem {
        GapItem {
            ref_id: format!("{group}-{target}-{weight}"),
            group: group.into(),
            target_kind: TargetKind::Sl,
            target,
            weight,
            compliance: c,
            claimed,
        }
    }

    #[test]
    fn reached_levels_follow_the_claim() {
        use Compliance::*;
        assert_eq!(reached(&item("FR1", 2, 1, Some(Meets), None)), Some(2));
        assert_eq!(reached(&item("FR1", 2, 1, Some(Meets), Some(3))), Some(3));
        assert_eq!(
            reached(&item("FR1", 3, 1, Some(PartiallyMeets), Some(3))),
            Some(2)
        );
        assert_eq!(
            reached(&item("FR1", 1, 1, Some(PartiallyMeets), None)),
            Some(0)
        );
        assert_eq!(reached(&item("FR1", 2, 1, Some(Planned), Some(2))), Some(0));
        assert_eq!(reached(&item("FR1", 2, 1, None, None)), Some(0));
        assert_eq!(reached(&item("FR1", 2, 1, Some(NotApplicable), None)), None);
        assert_eq!(reached(&item("FR1", 2, 1, Some(ByOtherParty), None)), None);
    }

    #[test]
    fn groups_are_as_strong_as_their_weakest_item_and_the_score_is_weighted() {
        use Compliance::*;
        let items = vec![
            item("FR1", 2, 3, Some(Meets), Some(2)),
            item(
                "FR1",
                2,
                1,
                Some(MeetsWithCompensatingCountermeasure),
                Some(1),
            ),
            item("FR2", 1, 2, Some(Meets), None),
            item("FR2", 2, 0, Some(DoesNotMeet), None),
            item("FR3", 2, 4, Some(NotApplicable), None),
            item("FR3", 2, 2, Some(Planned), None),
        ];
        let g = analyse(&items);
        let fr = |name: &str| g.groups.iter().find(|x| x.group == name).unwrap().clone();
        assert_eq!((fr("FR1").required, fr("FR1").reached), (2, 1));
        assert_eq!((fr("FR2").required, fr("FR2").reached), (2, 0));
        assert_eq!(
            (fr("FR3").required, fr("FR3").reached, fr("FR3").items),
            (2, 0, 1)
        );
        assert_eq!(g.compensated, vec!["FR1-2-1"]);
        let unmet: Vec<&str> = g.unmet.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(unmet, vec!["FR1-2-1", "FR2-2-0", "FR3-2-2"]);
        // (3×1 + 1×0.75×0.5 + 2×1 + 2×0.25) ÷ (3 + 1 + 2 + 2) = 5.875 ÷ 8
        assert_eq!(g.score, Some(73.4));
        assert_eq!(g.lines.len(), 6);
        assert!(
            g.lines[1].why.contains("0.75 × 0.50 = 0.38"),
            "{}",
            g.lines[1].why
        );
        assert_eq!(g.lines[3].credit, None, "weight 0 does not count");
        assert_eq!(
            analyse(&[item("FR1", 2, 1, Some(NotApplicable), None)]).score,
            None
        );
    }
}
