//! The shared-responsibility matrix: who carries each requirement, what
//! each supplier said about its column, and how a row stands.

use super::{AppError, EngagementId, Party};
use serde::{Deserialize, Serialize};

/// Who carries one requirement for one column of the matrix.
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
pub enum Duty {
    Responsible,
    Shared,
    None,
}

impl Duty {
    pub const ALL: [Duty; 3] = [Duty::Responsible, Duty::Shared, Duty::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Duty::Responsible => "responsible",
            Duty::Shared => "shared",
            Duty::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Duty::Responsible => "Responsible",
            Duty::Shared => "Shared",
            Duty::None => "—",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| AppError::invalid("duty", "Choose responsible, shared or none."))
    }

    /// Carries some of the requirement.
    pub fn carries(self) -> bool {
        self != Duty::None
    }
}

/// What a supplier last said about its matrix cell, as stored; the
/// proposal's duty and split are kept beside it ([`Stance`] joins them).
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
pub enum StanceKind {
    Pending,
    Accepted,
    Proposed,
}

impl StanceKind {
    pub const ALL: [StanceKind; 3] = [
        StanceKind::Pending,
        StanceKind::Accepted,
        StanceKind::Proposed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StanceKind::Pending => "pending",
            StanceKind::Accepted => "accepted",
            StanceKind::Proposed => "proposed",
        }
    }
}

/// A supplier's stance on what the owner assigned to its column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stance")]
pub enum Stance {
    /// Not said yet.
    Pending,
    Accepted,
    /// The supplier proposes another duty (and split) for its column.
    Proposed {
        duty: Duty,
        split: String,
    },
}

/// One cell: a party's duty on a requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixCell {
    pub duty: Duty,
    /// Where shared: how it is split, in the owner's words.
    pub split: String,
    /// Supplier columns only.
    pub stance: Option<Stance>,
    /// Why the supplier proposes a change (or what its answer said).
    pub note: String,
}

impl MatrixCell {
    pub fn disagrees(&self) -> bool {
        matches!(self.stance, Some(Stance::Proposed { .. }))
    }

    /// The supplier has still to accept or propose.
    pub fn awaits(&self) -> bool {
        self.duty.carries() && matches!(self.stance, Some(Stance::Pending))
    }
}

/// A column: the asset owner, a supplier, or "other".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixColumn {
    /// Organization id; 0 for "other".
    pub org: i64,
    pub name: String,
    /// "asset_owner", "product_supplier", "service_provider" or "other".
    pub kind: Party,
}

/// How a row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    /// Nobody is responsible.
    Unassigned,
    /// A supplier proposes something else than the owner assigned.
    Disagreement,
    /// A supplier has not yet said.
    Pending,
    Agreed,
}

impl RowState {
    pub fn label(self) -> &'static str {
        match self {
            RowState::Unassigned => "Unassigned",
            RowState::Disagreement => "Disagreement",
            RowState::Pending => "Awaiting supplier",
            RowState::Agreed => "Agreed",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Unassigned => "unassigned",
            RowState::Disagreement => "disagreement",
            RowState::Pending => "pending",
            RowState::Agreed => "agreed",
        }
    }

    /// The state of a row from its cells.
    pub fn of(cells: &[MatrixCell]) -> RowState {
        if !cells.iter().any(|c| c.duty.carries()) {
            RowState::Unassigned
        } else if cells.iter().any(MatrixCell::disagrees) {
            RowState::Disagreement
        } else if cells.iter().any(MatrixCell::awaits) {
            RowState::Pending
        } else {
            RowState::Agreed
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixRow {
    pub requirement_id: i64,
    pub ref_id: String,
    pub title: String,
    /// The profile's default responsible party.
    pub default_party: Party,
    /// One per column, in the matrix's column order.
    pub cells: Vec<MatrixCell>,
    pub state: RowState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    pub engagement_id: EngagementId,
    pub engagement: String,
    /// The caller is the asset owner (may assign), a supplier (sees its
    /// own column only, may accept or propose) or an assessor (reads).
    pub side: super::Side,
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
    /// When every row became agreed; cleared when a change re-opens one.
    pub agreed_at: Option<String>,
}

impl Matrix {
    pub fn count(&self, s: RowState) -> usize {
        self.rows.iter().filter(|r| r.state == s).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_stands_by_its_cells() {
        let cell = |duty, stance| MatrixCell {
            duty,
            split: String::new(),
            stance,
            note: String::new(),
        };
        let owner = cell(Duty::None, None);
        assert_eq!(
            RowState::of(std::slice::from_ref(&owner)),
            RowState::Unassigned
        );
        let pending = cell(Duty::Responsible, Some(Stance::Pending));
        assert_eq!(
            RowState::of(&[owner.clone(), pending.clone()]),
            RowState::Pending
        );
        let accepted = cell(Duty::Responsible, Some(Stance::Accepted));
        assert_eq!(
            RowState::of(&[owner.clone(), accepted.clone()]),
            RowState::Agreed
        );
        let proposes = cell(
            Duty::Responsible,
            Some(Stance::Proposed {
                duty: Duty::Shared,
                split: "We patch, you test".into(),
            }),
        );
        assert_eq!(
            RowState::of(&[owner.clone(), accepted, proposes]),
            RowState::Disagreement
        );
        // A supplier with no duty on the row need not say anything.
        let idle = cell(Duty::None, Some(Stance::Pending));
        let owns = cell(Duty::Responsible, None);
        assert_eq!(RowState::of(&[owns, idle]), RowState::Agreed);
    }
}
