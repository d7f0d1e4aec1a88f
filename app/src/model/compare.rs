//! The tender evaluation matrix: an engagement's suppliers side by side,
//! one row per requirement, one column per assessment. Built from the same
//! per-item rules as the gap analysis ([`reached`], [`analyse`]), so a cell
//! marked as a gap is exactly an item the supplier's own gap analysis lists
//! as unmet.

use super::{
    analyse, reached, AssessmentId, AssessmentStatus, Compliance, GapItem, ReviewStatus, TargetKind,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One supplier's column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonColumn {
    pub assessment: AssessmentId,
    pub supplier: String,
    pub profile: String,
    pub profile_version: i32,
    pub status: AssessmentStatus,
    /// The weighted score of the supplier's gap analysis (0–100).
    pub score: Option<f64>,
    /// How many items are below their target.
    pub unmet: usize,
    pub answered: usize,
    pub total: usize,
    /// The product version the supplier bound the assessment to.
    pub product: Option<String>,
    /// Its certificates and those the answers cite (scheme, level, expiry).
    pub certificates: Vec<super::CertificateDto>,
}

/// One supplier's answer to one requirement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonCell {
    pub compliance: Option<Compliance>,
    pub claimed: Option<i16>,
    pub target: i16,
    pub review: Option<ReviewStatus>,
    /// Below target (unanswered counts as below); never for items that do
    /// not count (not applicable, by another party).
    pub gap: bool,
}

impl ComparisonCell {
    /// Short text for the matrix and the spreadsheet: "Meets · SL-C 2".
    pub fn text(&self, kind: TargetKind) -> String {
        let mut s = match self.compliance {
            Some(c) => c.label().to_string(),
            None => "Not answered".to_string(),
        };
        if let Some(l) = self.claimed {
            s.push_str(" · ");
            s.push_str(&claimed_label(kind, l));
        }
        s
    }
}

/// A claimed level: "ML3" or "SL-C 2".
pub fn claimed_label(kind: TargetKind, level: i16) -> String {
    match kind {
        TargetKind::Ml => format!("ML{level}"),
        TargetKind::Sl => format!("SL-C {level}"),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub ref_id: String,
    pub title: String,
    pub group: String,
    pub target_kind: TargetKind,
    /// One per column, in column order; None where that supplier was not
    /// asked this requirement (another profile).
    pub cells: Vec<Option<ComparisonCell>>,
    /// Some supplier falls short of the target.
    pub gap: bool,
    /// The suppliers asked do not all answer alike (compliance or level).
    pub differs: bool,
}

impl ComparisonRow {
    /// The row's target: the highest any supplier was asked for (profiles
    /// sent in one engagement may set different targets).
    pub fn target(&self) -> i16 {
        self.cells
            .iter()
            .flatten()
            .map(|c| c.target)
            .max()
            .unwrap_or(0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub engagement: String,
    pub columns: Vec<ComparisonColumn>,
    pub rows: Vec<ComparisonRow>,
}

/// One assessment's answers as the matrix takes them: the requirement's
/// identity and the gap analysis's view of the answer, with its review.
#[derive(Clone, Debug)]
pub struct ComparedAnswer {
    /// The catalog requirement's database id: rows are one per requirement.
    pub requirement: i64,
    pub title: String,
    pub item: GapItem,
    pub review: Option<ReviewStatus>,
}

/// The header a column gets, before its score is known.
#[derive(Clone, Debug)]
pub struct ColumnHead {
    pub assessment: AssessmentId,
    pub supplier: String,
    pub profile: String,
    pub profile_version: i32,
    pub status: AssessmentStatus,
    pub product: Option<String>,
    pub certificates: Vec<super::CertificateDto>,
}

/// Builds the matrix. `assessments` come in column order, each with its
/// answers in questionnaire order; rows follow the order in which
/// requirements first appear. Each column's score and unmet count are the
/// supplier's own gap analysis.
pub fn compare(
    engagement: String,
    assessments: Vec<(ColumnHead, Vec<ComparedAnswer>)>,
) -> Comparison {
    let n = assessments.len();
    let mut rows: Vec<ComparisonRow> = Vec::new();
    let mut row_of: HashMap<i64, usize> = HashMap::new();
    let mut columns = Vec::with_capacity(n);
    for (col, (head, answers)) in assessments.into_iter().enumerate() {
        for a in &answers {
            let i = *row_of.entry(a.requirement).or_insert_with(|| {
                rows.push(ComparisonRow {
                    ref_id: a.item.ref_id.clone(),
                    title: a.title.clone(),
                    group: a.item.group.clone(),
                    target_kind: a.item.target_kind,
                    cells: vec![None; n],
                    gap: false,
                    differs: false,
                });
                rows.len() - 1
            });
            rows[i].cells[col] = Some(ComparisonCell {
                compliance: a.item.compliance,
                claimed: a.item.claimed,
                target: a.item.target,
                review: a.review,
                gap: reached(&a.item).is_some_and(|r| r < a.item.target),
            });
        }
        // The column's figures are the supplier's own gap analysis.
        let items: Vec<GapItem> = answers.into_iter().map(|a| a.item).collect();
        let gap = analyse(&items);
        columns.push(ComparisonColumn {
            assessment: head.assessment,
            supplier: head.supplier,
            profile: head.profile,
            profile_version: head.profile_version,
            status: head.status,
            score: gap.score,
            unmet: gap.unmet.len(),
            answered: items.iter().filter(|i| i.compliance.is_some()).count(),
            total: items.len(),
            product: head.product,
            certificates: head.certificates,
        });
    }
    for r in &mut rows {
        r.gap = r.cells.iter().flatten().any(|c| c.gap);
        let mut asked = r.cells.iter().flatten().map(|c| (c.compliance, c.claimed));
        r.differs = match asked.next() {
            Some(first) => asked.any(|x| x != first),
            None => false,
        };
    }
    Comparison {
        engagement,
        columns,
        rows,
    }
}

/// What the matrix shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RowFilter {
    #[default]
    All,
    /// Rows where some supplier falls short of the target.
    Gaps,
    /// Rows where the suppliers answer differently.
    Differences,
}

impl RowFilter {
    pub fn parse(s: &str) -> RowFilter {
        match s {
            "gaps" => RowFilter::Gaps,
            "differences" => RowFilter::Differences,
            _ => RowFilter::All,
        }
    }

    pub fn keeps(self, row: &ComparisonRow) -> bool {
        self.admits(row.gap, row.differs)
    }

    /// Whether a row with these marks is shown.
    pub fn admits(self, gap: bool, differs: bool) -> bool {
        match self {
            RowFilter::All => true,
            RowFilter::Gaps => gap,
            RowFilter::Differences => differs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(id: i64, supplier: &str) -> ColumnHead {
        ColumnHead {
            assessment: AssessmentId(id),
            supplier: supplier.into(),
            profile: "P".into(),
            profile_version: 1,
            status: AssessmentStatus::Submitted,
            product: None,
            certificates: Vec::new(),
        }
    }

    fn answer(req: i64, compliance: Option<Compliance>, claimed: Option<i16>) -> ComparedAnswer {
        ComparedAnswer {
            requirement: req,
            title: format!("Requirement {req}"),
            item: GapItem {
                ref_id: format!("CR {req}.1"),
                group: "FR1".into(),
                target_kind: TargetKind::Sl,
                target: 2,
                weight: 1,
                compliance,
                claimed,
            },
            review: None,
        }
    }

    #[test]
    fn rows_are_requirements_and_columns_suppliers() {
        use Compliance::*;
        let m = compare(
            "E".into(),
            vec![
                (
                    head(1, "Helix"),
                    vec![
                        answer(10, Some(Meets), Some(2)),
                        answer(11, Some(Meets), Some(2)),
                        answer(12, Some(NotApplicable), None),
                    ],
                ),
                (
                    head(2, "Ostrava"),
                    vec![
                        answer(10, Some(Meets), Some(2)),
                        answer(11, Some(PartiallyMeets), Some(1)),
                        answer(13, None, None),
                    ],
                ),
            ],
        );
        let refs: Vec<&str> = m.rows.iter().map(|r| r.ref_id.as_str()).collect();
        assert_eq!(refs, ["CR 10.1", "CR 11.1", "CR 12.1", "CR 13.1"]);
        // Both meet: no gap, no difference.
        assert!(!m.rows[0].gap && !m.rows[0].differs);
        // Ostrava falls short and answers differently.
        assert!(m.rows[1].gap && m.rows[1].differs);
        assert!(!m.rows[1].cells[0].as_ref().unwrap().gap);
        assert!(m.rows[1].cells[1].as_ref().unwrap().gap);
        // Asked of Helix only: not applicable is no gap, one answer no difference.
        assert_eq!(m.rows[2].cells[1], None);
        assert!(!m.rows[2].gap && !m.rows[2].differs);
        // Unanswered is a gap.
        assert!(m.rows[3].gap);
        // Columns carry each supplier's own score.
        assert_eq!(m.columns[0].score, Some(100.0));
        assert_eq!(m.columns[0].unmet, 0);
        assert_eq!(m.columns[1].unmet, 2);
        assert_eq!(m.columns[1].answered, 2);
        assert_eq!(m.columns[1].total, 3);
        // (1 × 1 + 1 × 0.5 + 1 × 0) ÷ 3
        assert_eq!(m.columns[1].score, Some(50.0));
    }

    #[test]
    fn filters_keep_gaps_or_differences() {
        use Compliance::*;
        let m = compare(
            "E".into(),
            vec![
                (
                    head(1, "A"),
                    vec![
                        answer(1, Some(Meets), None),
                        answer(2, Some(Meets), Some(3)),
                    ],
                ),
                (
                    head(2, "B"),
                    vec![
                        answer(1, Some(Meets), None),
                        answer(2, Some(Meets), Some(2)),
                    ],
                ),
            ],
        );
        let kept = |f: RowFilter| m.rows.iter().filter(|r| f.keeps(r)).count();
        assert_eq!(kept(RowFilter::All), 2);
        assert_eq!(kept(RowFilter::Gaps), 0);
        // Same compliance, different level: a difference but no gap.
        assert_eq!(kept(RowFilter::Differences), 1);
        assert_eq!(RowFilter::parse("gaps"), RowFilter::Gaps);
        assert_eq!(RowFilter::parse("nonsense"), RowFilter::All);
    }

    #[test]
    fn cells_read_as_short_text() {
        let c = ComparisonCell {
            compliance: Some(Compliance::Meets),
            claimed: Some(2),
            target: 2,
            review: None,
            gap: false,
        };
        assert_eq!(c.text(TargetKind::Sl), "Meets · SL-C 2");
        assert_eq!(c.text(TargetKind::Ml), "Meets · ML2");
        let none = ComparisonCell {
            compliance: None,
            claimed: None,
            ..c
        };
        assert_eq!(none.text(TargetKind::Sl), "Not answered");
    }
}
