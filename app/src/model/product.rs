//! A supplier's product library: products (a component of a 62443-4-2
//! type, a system, or a service offering), their versions, and 62443
//! certificates — what a certificate says (scheme, part, level per FR or
//! maturity level), whether it still holds, and which requirement at which
//! target it covers. Pure rules, unit tested.

use super::{fr_of, AppError, ComponentType, RequirementDto, SlVector};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a library entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// A component of one 62443-4-2 type.
    Component,
    /// An integrated control system (62443-3-3).
    System,
    /// A service offering (62443-2-4).
    Service,
}

impl ProductKind {
    pub const ALL: [ProductKind; 3] = [
        ProductKind::Component,
        ProductKind::System,
        ProductKind::Service,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Component => "component",
            ProductKind::System => "system",
            ProductKind::Service => "service",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductKind::Component => "Component (IEC 62443-4-2)",
            ProductKind::System => "System (IEC 62443-3-3)",
            ProductKind::Service => "Service offering (IEC 62443-2-4)",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// The 62443 part a certificate was issued against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertPart {
    #[serde(rename = "2-4")]
    P2_4,
    #[serde(rename = "3-3")]
    P3_3,
    #[serde(rename = "4-1")]
    P4_1,
    #[serde(rename = "4-2")]
    P4_2,
}

impl CertPart {
    pub const ALL: [CertPart; 4] = [
        CertPart::P2_4,
        CertPart::P3_3,
        CertPart::P4_1,
        CertPart::P4_2,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CertPart::P2_4 => "2-4",
            CertPart::P3_3 => "3-3",
            CertPart::P4_1 => "4-1",
            CertPart::P4_2 => "4-2",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s
            .trim()
            .trim_start_matches("IEC")
            .trim()
            .trim_start_matches("62443-");
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The shipped catalog of the part.
    pub fn catalog_key(self) -> &'static str {
        match self {
            CertPart::P2_4 => "iec-62443-2-4",
            CertPart::P3_3 => "iec-62443-3-3",
            CertPart::P4_1 => "iec-62443-4-1",
            CertPart::P4_2 => "iec-62443-4-2",
        }
    }

    /// 3-3 and 4-2 certify a security level per FR; 2-4 and 4-1 a
    /// maturity level of the organization's process.
    pub fn per_fr(self) -> bool {
        matches!(self, CertPart::P3_3 | CertPart::P4_2)
    }
}

/// Who issued it under which programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertScheme {
    #[serde(rename = "isasecure_csa")]
    IsaSecureCsa,
    #[serde(rename = "isasecure_ssa")]
    IsaSecureSsa,
    #[serde(rename = "isasecure_sdla")]
    IsaSecureSdla,
    IeceeCb,
    Other,
}

impl CertScheme {
    pub const ALL: [CertScheme; 5] = [
        CertScheme::IsaSecureCsa,
        CertScheme::IsaSecureSsa,
        CertScheme::IsaSecureSdla,
        CertScheme::IeceeCb,
        CertScheme::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CertScheme::IsaSecureCsa => "isasecure_csa",
            CertScheme::IsaSecureSsa => "isasecure_ssa",
            CertScheme::IsaSecureSdla => "isasecure_sdla",
            CertScheme::IeceeCb => "iecee_cb",
            CertScheme::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CertScheme::IsaSecureCsa => "ISASecure CSA",
            CertScheme::IsaSecureSsa => "ISASecure SSA",
            CertScheme::IsaSecureSdla => "ISASecure SDLA",
            CertScheme::IeceeCb => "IECEE CB scheme (IEC 62443)",
            CertScheme::Other => "Other scheme",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The part the scheme certifies against, when the scheme decides it.
    pub fn fixed_part(self) -> Option<CertPart> {
        match self {
            CertScheme::IsaSecureCsa => Some(CertPart::P4_2),
            CertScheme::IsaSecureSsa => Some(CertPart::P3_3),
            CertScheme::IsaSecureSdla => Some(CertPart::P4_1),
            CertScheme::IeceeCb | CertScheme::Other => None,
        }
    }
}

/// What a certificate certifies: a level per FR or a maturity level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertLevels {
    Sl(SlVector),
    Ml(u8),
}

impl CertLevels {
    /// As stored: `2,2,2,2,2,2,2` or `ML3`.
    pub fn stored(self) -> String {
        match self {
            CertLevels::Sl(v) => v.0.iter().map(u8::to_string).collect::<Vec<_>>().join(","),
            CertLevels::Ml(l) => format!("ML{l}"),
        }
    }

    /// Reads what `stored` wrote (and what a form sends): for a part
    /// certified per FR, one level for every FR (`2`) or seven; otherwise a
    /// maturity level 1–4 (`3` or `ML3`).
    pub fn parse(field: &str, part: CertPart, raw: &str) -> Result<Self, AppError> {
        let s = raw.trim();
        if part.per_fr() {
            if let Ok(l @ 1..=4) = s.trim_start_matches("SL").trim().parse::<u8>() {
                return Ok(CertLevels::Sl(SlVector::uniform(l)));
            }
            SlVector::parse(field, s).map(CertLevels::Sl)
        } else {
            match s.trim_start_matches("ML").trim().parse::<u8>() {
                Ok(l @ 1..=4) => Ok(CertLevels::Ml(l)),
                _ => Err(AppError::invalid(
                    field,
                    format!(
                        "A {} certificate states a maturity level: write 1 to 4 (e.g. ML3).",
                        part.as_str()
                    ),
                )),
            }
        }
    }
}

impl std::fmt::Display for CertLevels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertLevels::Sl(v) if v.0.iter().all(|l| *l == v.0[0]) => write!(f, "SL {}", v.0[0]),
            CertLevels::Sl(v) => write!(f, "SL {v}"),
            CertLevels::Ml(l) => write!(f, "ML{l}"),
        }
    }
}

/// Whether a certificate still holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertState {
    Valid,
    /// Valid, and expires within 30 days.
    Expiring,
    Expired,
}

impl CertState {
    pub fn label(self) -> &'static str {
        match self {
            CertState::Valid => "valid",
            CertState::Expiring => "expiring",
            CertState::Expired => "expired",
        }
    }
}

/// A certificate holds through its expiry date; it is flagged as expiring
/// in its last 30 days.
pub fn cert_state(expires_on: NaiveDate, today: NaiveDate) -> CertState {
    if expires_on < today {
        CertState::Expired
    } else if (expires_on - today).num_days() <= 30 {
        CertState::Expiring
    } else {
        CertState::Valid
    }
}

/// What of a certificate decides what it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    pub part: CertPart,
    pub levels: CertLevels,
    pub expires_on: NaiveDate,
    /// The certified component's type (4-2).
    pub component_type: Option<ComponentType>,
}

impl Held {
    /// Whether the certificate covers one requirement of a profile at its
    /// target: it holds today, was issued against the requirement's
    /// catalog, certifies at least the target (in the requirement's FR, for
    /// a level per FR, or as a maturity level), and for 4-2 the requirement
    /// applies to the certified component's type.
    pub fn covers(
        &self,
        catalog_key: &str,
        r: &RequirementDto,
        target: u8,
        today: NaiveDate,
    ) -> bool {
        if cert_state(self.expires_on, today) == CertState::Expired
            || catalog_key != self.part.catalog_key()
        {
            return false;
        }
        if let (CertPart::P4_2, Some(ct), Some(types)) =
            (self.part, self.component_type, &r.component_types)
        {
            if !types.contains(&ct) {
                return false;
            }
        }
        match self.levels {
            CertLevels::Sl(v) => fr_of(r).is_some_and(|fr| {
                let level = v.fr(fr);
                level >= target && r.min_sl().is_some_and(|min| min <= level)
            }),
            CertLevels::Ml(l) => l >= target,
        }
    }
}

/// A certificate as a form sends it (`certificate[…]`), unchecked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertificateForm {
    pub scheme: String,
    pub scheme_name: String,
    pub part: String,
    pub levels: String,
    pub number: String,
    pub scope: String,
    pub issuer: String,
    pub issued_on: String,
    pub expires_on: String,
}

/// A checked certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub scheme: CertScheme,
    pub scheme_name: String,
    pub part: CertPart,
    pub levels: CertLevels,
    pub number: String,
    pub scope: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
}

#[cfg(feature = "ssr")]
impl Certificate {
    /// Checks a form; every error names its field and says what to fix.
    /// `for_version`: the certificate is for a product version (3-3 and
    /// 4-2 certify products, 2-4 and 4-1 an organization's process).
    pub fn parse(
        f: &CertificateForm,
        for_version: bool,
        today: NaiveDate,
    ) -> Result<Self, AppError> {
        use super::{parse_optional_date, parse_text};
        let scheme = CertScheme::parse(&f.scheme).ok_or_else(|| {
            AppError::invalid(
                "scheme",
                "Choose the scheme: ISASecure CSA, SSA or SDLA, the IECEE CB scheme, or another.",
            )
        })?;
        let scheme_name = parse_text("scheme_name", &f.scheme_name, 200)?;
        if scheme == CertScheme::Other && scheme_name.is_empty() {
            return Err(AppError::invalid(
                "scheme_name",
                "Name the scheme the certificate was issued under.",
            ));
        }
        let part = match scheme.fixed_part() {
            Some(p) => p,
            None => CertPart::parse(&f.part).ok_or_else(|| {
                AppError::invalid(
                    "part",
                    "Choose the part of IEC 62443 it certifies against: 2-4, 3-3, 4-1 or 4-2.",
                )
            })?,
        };
        if part.per_fr() != for_version {
            return Err(AppError::invalid(
                "part",
                if for_version {
                    "A product version holds 3-3 or 4-2 certificates; record a 2-4 or 4-1 certificate for the organization."
                } else {
                    "The organization holds 2-4 or 4-1 certificates; record a 3-3 or 4-2 certificate on the product version."
                },
            ));
        }
        let levels = CertLevels::parse("levels", part, &f.levels)?;
        let number = parse_text("number", &f.number, 200)?;
        if number.is_empty() {
            return Err(AppError::invalid("number", "Give the certificate number."));
        }
        let issuer = parse_text("issuer", &f.issuer, 200)?;
        if issuer.is_empty() {
            return Err(AppError::invalid(
                "issuer",
                "Name the certification body that issued it.",
            ));
        }
        let scope = parse_text("scope", &f.scope, 2000)?;
        let issued_on = parse_optional_date("issued_on", &f.issued_on)?
            .ok_or_else(|| AppError::invalid("issued_on", "Give the date it was issued."))?;
        if issued_on > today {
            return Err(AppError::invalid(
                "issued_on",
                "A certificate cannot be issued in the future.",
            ));
        }
        let expires_on = parse_optional_date("expires_on", &f.expires_on)?
            .ok_or_else(|| AppError::invalid("expires_on", "Give the date it expires."))?;
        if expires_on <= issued_on || expires_on > issued_on + chrono::Duration::days(10 * 366) {
            return Err(AppError::invalid(
                "expires_on",
                "It expires after it was issued, within ten years.",
            ));
        }
        Ok(Certificate {
            scheme,
            scheme_name,
            part,
            levels,
            number,
            scope,
            issuer,
            issued_on,
            expires_on,
        })
    }
}

/// A certificate as pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDto {
    pub id: i64,
    pub scheme: CertScheme,
    /// The scheme as it reads (the name given for another scheme).
    pub scheme_label: String,
    pub part: CertPart,
    pub levels: CertLevels,
    pub number: String,
    pub scope: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub state: CertState,
    /// The certificate's file (its scan or the issuer's PDF), where the
    /// reader may download it: in the library and in a shared set.
    pub file: Option<LibraryEvidenceDto>,
}

/// A file or link kept in the product library, on a version's answer or
/// as a certificate's file. Files download from `/library-evidence/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryEvidenceDto {
    pub id: i64,
    /// `file` or `link`.
    pub kind: String,
    pub title: String,
    pub url: Option<String>,
    pub size_bytes: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductVersionDto {
    pub id: i64,
    pub version: String,
    pub released_on: Option<NaiveDate>,
    pub end_of_support: Option<NaiveDate>,
    pub past_end_of_support: bool,
    pub certificates: Vec<CertificateDto>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDto {
    pub id: i64,
    pub name: String,
    pub kind: ProductKind,
    pub component_type: Option<ComponentType>,
    pub description: String,
    /// Newest first.
    pub versions: Vec<ProductVersionDto>,
}

/// A supplier's library: its products and the organization's own
/// certificates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductLibrary {
    pub products: Vec<ProductDto>,
    pub certificates: Vec<CertificateDto>,
    pub may_edit: bool,
}

/// A product as a form sends it (`product[…]`), unchecked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    pub name: String,
    pub kind: String,
    pub component_type: String,
    pub description: String,
}

/// One requirement of a product version's answer set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductAnswerRow {
    /// The stored answer (none while unanswered): evidence hangs off it.
    pub id: Option<i64>,
    pub ref_id: String,
    pub title: String,
    pub group: String,
    /// Empty while unanswered.
    pub fields: super::AnswerFields,
    /// 0 while unanswered; sent back with a save.
    pub version: i32,
    /// The previous version's answer, where it differs from this one.
    pub previous: Option<super::AnswerFields>,
    /// Differs from the previous product version's answer (`None` without
    /// a previous version).
    pub changed: Option<bool>,
    /// Files and links kept with the answer.
    pub evidence: Vec<LibraryEvidenceDto>,
}

/// A product version's reusable answers to the shipped catalog that fits
/// it (4-2 for a component of its type, 3-3 for a system, 2-4 for a
/// service offering).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductAnswerSet {
    pub product_id: i64,
    pub product: String,
    pub version_id: i64,
    pub version: String,
    pub catalog_key: String,
    pub catalog: String,
    /// The version this one was copied from.
    pub previous_version: Option<String>,
    pub rows: Vec<ProductAnswerRow>,
    pub answered: usize,
    pub may_edit: bool,
}

/// One saved state of a product answer, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductAnswerVersionDto {
    pub version: i32,
    pub fields: super::AnswerFields,
    pub changed_by: String,
    pub changed_at: String,
}

/// What "fill from product" did to an assessment's answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillReport {
    pub product: String,
    pub version: String,
    /// Requirements filled from the version's answer set.
    pub from_answers: Vec<String>,
    /// Requirements filled from a certificate that covers them.
    pub from_certificates: Vec<String>,
    /// Answers already given, left as they were.
    pub kept: usize,
    /// Answers already given that were replaced (only when asked).
    pub replaced: usize,
    /// Files and links copied along as evidence (the answer set's, and the
    /// certificates' files).
    pub evidence_copied: usize,
    /// Empty answers the product's answers and certificates do not cover.
    pub not_covered: Vec<String>,
    /// Filled answers whose claimed level is below the owner's target:
    /// (requirement, target, claimed).
    pub above_claim: Vec<(String, i16, i16)>,
    /// Answers a colleague saved meanwhile, left as they saved them.
    pub changed_meanwhile: usize,
}

/// One asset owner a product version's answer set is (or was) shared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductShareDto {
    pub id: i64,
    pub owner: String,
    pub shared_at: String,
    /// Set once revoked; a revoked set is invisible to the owner.
    pub revoked_at: Option<String>,
}

/// Who a version's answer set is shared with, and the customers (asset
/// owners that work with the supplier) it could be shared with next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSharing {
    pub shares: Vec<ProductShareDto>,
    /// (organization id, name) of customers without an active share.
    pub customers: Vec<(i64, String)>,
    pub may_edit: bool,
}

/// A shared answer set as the asset owner's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedSetSummary {
    pub share_id: i64,
    pub supplier: String,
    pub product: String,
    pub version: String,
    pub kind: ProductKind,
    pub shared_at: String,
    /// Changes the owner has not asked an update for yet.
    pub open_changes: usize,
}

/// One change to an answer of a shared set: the requirement and its fields
/// before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareChangeDto {
    pub id: i64,
    pub ref_id: String,
    pub before: super::AnswerFields,
    pub after: super::AnswerFields,
    pub changed_at: String,
    /// When the owner asked for updated answers because of it.
    pub asked_at: Option<String>,
    /// The owner's assessments about this version that answer the
    /// requirement.
    pub affected: Vec<(super::AssessmentId, String)>,
}

/// A shared answer set as the asset owner reads it: read-only, with the
/// version's certificates and what changed since it was shared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedSet {
    pub summary: SharedSetSummary,
    pub set: ProductAnswerSet,
    pub certificates: Vec<CertificateDto>,
    /// Newest first.
    pub changes: Vec<ShareChangeDto>,
    /// For sending a questionnaire about this version: the owner's
    /// engagements and published profiles (empty without the right).
    pub engagements: Vec<(super::EngagementId, String)>,
    pub profiles: Vec<(super::ProfileId, String)>,
    /// The owner's assessments bound to this version.
    pub assessments: Vec<(super::AssessmentId, String)>,
    pub may_ask: bool,
}

/// A requirement as it stays the same across versions of its catalog: the
/// catalog's key and the requirement's identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequirementIdentity {
    pub catalog_key: String,
    pub ref_id: String,
}

impl RequirementIdentity {
    pub fn new(catalog_key: &str, ref_id: &str) -> Self {
        Self {
            catalog_key: catalog_key.to_string(),
            ref_id: ref_id.to_string(),
        }
    }
}

/// Earlier answers, found again for the requirements of a later
/// questionnaire (a renewal, or an assessment filled from a product's
/// answers): the answer to the very requirement first; failing that, the
/// one to the requirement with the same catalog key and identifier, where
/// the catalog moved to a newer version. An identifier alone never
/// matches: "CR 1.1" of another catalog is another requirement.
#[derive(Clone, Debug)]
pub struct Carryover<T> {
    by_id: std::collections::HashMap<super::RequirementId, T>,
    by_identity: std::collections::HashMap<RequirementIdentity, T>,
}

impl<T> Default for Carryover<T> {
    fn default() -> Self {
        Self {
            by_id: Default::default(),
            by_identity: Default::default(),
        }
    }
}

impl<T: Clone> Carryover<T> {
    /// Keeps `value` as the answer to `requirement` (when known) and to its
    /// identity (when known).
    pub fn add(
        &mut self,
        requirement: Option<super::RequirementId>,
        identity: Option<RequirementIdentity>,
        value: T,
    ) {
        if let Some(id) = identity {
            self.by_identity.insert(id, value.clone());
        }
        if let Some(r) = requirement {
            self.by_id.insert(r, value);
        }
    }

    /// The earlier answer for `requirement`, whose identity is `identity`
    /// (none when its catalog has no stable key to match by).
    pub fn find(
        &self,
        requirement: super::RequirementId,
        identity: Option<&RequirementIdentity>,
    ) -> Option<&T> {
        self.by_id
            .get(&requirement)
            .or_else(|| identity.and_then(|i| self.by_identity.get(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn req(id: &str, group: &str, sl: &[u8], types: Option<Vec<ComponentType>>) -> RequirementDto {
        RequirementDto {
            ref_id: id.into(),
            kind: "CR".into(),
            group: group.into(),
            group_title: String::new(),
            title: String::new(),
            description: String::new(),
            parent: None,
            sl: Some(sl.to_vec()),
            component_types: types,
            verified: true,
        }
    }

    #[test]
    fn a_certificate_is_expiring_in_its_last_thirty_days_and_expired_after() {
        let today = d("2027-01-01");
        assert_eq!(cert_state(d("2027-03-01"), today), CertState::Valid);
        assert_eq!(cert_state(d("2027-01-31"), today), CertState::Expiring);
        assert_eq!(cert_state(d("2027-01-01"), today), CertState::Expiring);
        assert_eq!(cert_state(d("2026-12-31"), today), CertState::Expired);
    }

    #[test]
    fn coverage_follows_part_level_fr_type_and_validity() {
        let today = d("2027-01-01");
        let until = d("2028-01-01");
        let csa = CertLevels::Sl(SlVector([2, 2, 1, 2, 2, 2, 2]));
        let cr11 = req(
            "CR 1.1",
            "FR1",
            &[1, 2, 3, 4],
            Some(vec![ComponentType::EDR]),
        );
        let cr31re = req("CR 3.1 RE(1)", "FR3", &[2, 3, 4], None);
        let ct = Some(ComponentType::EDR);
        let covers = |levels, r: &RequirementDto, target, key: &str, ct, expires| {
            Held {
                part: CertPart::P4_2,
                levels,
                expires_on: expires,
                component_type: ct,
            }
            .covers(key, r, target, today)
        };
        // At or above the target in the requirement's FR.
        assert!(covers(csa, &cr11, 2, "iec-62443-4-2", ct, until));
        assert!(!covers(csa, &cr11, 3, "iec-62443-4-2", ct, until));
        // FR3 is certified at SL 1: an enhancement from SL 2 is not covered.
        assert!(!covers(csa, &cr31re, 1, "iec-62443-4-2", ct, until));
        // Another catalog, another component type, an expired certificate.
        assert!(!covers(csa, &cr11, 2, "iec-62443-3-3", ct, until));
        assert!(!covers(
            csa,
            &cr11,
            2,
            "iec-62443-4-2",
            Some(ComponentType::SAR),
            until
        ));
        assert!(!covers(csa, &cr11, 2, "iec-62443-4-2", ct, d("2026-12-31")));
        // Valid on its last day.
        assert!(covers(csa, &cr11, 2, "iec-62443-4-2", ct, today));
        // A maturity level covers 4-1 practices up to it.
        let sm1 = req("SM-1", "SM", &[], None);
        assert!(Held {
            part: CertPart::P4_1,
            levels: CertLevels::Ml(3),
            expires_on: until,
            component_type: None,
        }
        .covers("iec-62443-4-1", &sm1, 3, today));
        assert!(!Held {
            part: CertPart::P4_1,
            levels: CertLevels::Ml(2),
            expires_on: until,
            component_type: None,
        }
        .covers("iec-62443-4-1", &sm1, 3, today));
    }

    #[test]
    fn levels_read_as_written() {
        assert_eq!(
            CertLevels::parse("levels", CertPart::P4_2, "2").unwrap(),
            CertLevels::Sl(SlVector::uniform(2))
        );
        assert_eq!(
            CertLevels::parse("levels", CertPart::P4_2, "2,2,1,2,2,2,2").unwrap(),
            CertLevels::Sl(SlVector([2, 2, 1, 2, 2, 2, 2]))
        );
        assert_eq!(
            CertLevels::parse("levels", CertPart::P4_1, "ML3").unwrap(),
            CertLevels::Ml(3)
        );
        assert!(CertLevels::parse("levels", CertPart::P4_1, "5").is_err());
        assert!(CertLevels::parse("levels", CertPart::P3_3, "2,2").is_err());
        for l in [
            CertLevels::Ml(2),
            CertLevels::Sl(SlVector([1, 2, 3, 4, 1, 2, 3])),
        ] {
            let part = if matches!(l, CertLevels::Ml(_)) {
                CertPart::P2_4
            } else {
                CertPart::P3_3
            };
            assert_eq!(CertLevels::parse("levels", part, &l.stored()).unwrap(), l);
        }
        assert_eq!(CertLevels::Sl(SlVector::uniform(2)).to_string(), "SL 2");
        for s in CertScheme::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_certificate_form_is_checked_field_by_field() {
        let today = d("2027-01-01");
        let good = CertificateForm {
            scheme: "isasecure_csa".into(),
            levels: "2".into(),
            number: "CSA-2026-0117".into(),
            issuer: "exida".into(),
            issued_on: "2026-01-10".into(),
            expires_on: "2029-01-10".into(),
            ..Default::default()
        };
        let c = Certificate::parse(&good, true, today).unwrap();
        assert_eq!(c.part, CertPart::P4_2);
        let field = |f: CertificateForm, version: bool| match Certificate::parse(&f, version, today)
        {
            Err(e) => e.field_names().first().cloned().unwrap_or_default(),
            Ok(c) => panic!("accepted: {c:?}"),
        };
        assert_eq!(field(good.clone(), false), "part");
        assert_eq!(
            field(
                CertificateForm {
                    scheme: "iso".into(),
                    ..good.clone()
                },
                true
            ),
            "scheme"
        );
        assert_eq!(
            field(
                CertificateForm {
                    scheme: "other".into(),
                    ..good.clone()
                },
                true
            ),
            "scheme_name"
        );
        assert_eq!(
            field(
                CertificateForm {
                    scheme: "iecee_cb".into(),
                    ..good.clone()
                },
                true
            ),
            "part"
        );
        assert_eq!(
            field(
                CertificateForm {
                    levels: "5".into(),
                    ..good.clone()
                },
                true
            ),
            "levels"
        );
        assert_eq!(
            field(
                CertificateForm {
                    number: " ".into(),
                    ..good.clone()
                },
                true
            ),
            "number"
        );
        assert_eq!(
            field(
                CertificateForm {
                    issuer: "".into(),
                    ..good.clone()
                },
                true
            ),
            "issuer"
        );
        assert_eq!(
            field(
                CertificateForm {
                    issued_on: "2027-02-01".into(),
                    ..good.clone()
                },
                true
            ),
            "issued_on"
        );
        assert_eq!(
            field(
                CertificateForm {
                    expires_on: "2025-01-01".into(),
                    ..good.clone()
                },
                true
            ),
            "expires_on"
        );
        let sdla = CertificateForm {
            scheme: "isasecure_sdla".into(),
            levels: "ML3".into(),
            ..good
        };
        assert_eq!(
            Certificate::parse(&sdla, false, today).unwrap().levels,
            CertLevels::Ml(3)
        );
    }

    #[test]
    fn earlier_answers_are_found_by_requirement_then_by_catalog_and_identifier() {
        use super::super::RequirementId;
        let mut c = Carryover::default();
        // Answers to 4-2 version 1's CR 1.1 (requirement 11) and CR 2.1 (21).
        c.add(
            Some(RequirementId(11)),
            Some(RequirementIdentity::new("iec-62443-4-2", "CR 1.1")),
            "accounts",
        );
        c.add(
            Some(RequirementId(21)),
            Some(RequirementIdentity::new("iec-62443-4-2", "CR 2.1")),
            "authorization",
        );
        // The very requirement.
        assert_eq!(c.find(RequirementId(11), None), Some(&"accounts"));
        // The catalog's next version: another requirement, the same identity.
        let next = RequirementIdentity::new("iec-62443-4-2", "CR 1.1");
        assert_eq!(c.find(RequirementId(111), Some(&next)), Some(&"accounts"));
        // The same identifier in another catalog is another requirement.
        let owners = RequirementIdentity::new("northwind-baseline", "CR 1.1");
        assert_eq!(c.find(RequirementId(900), Some(&owners)), None);
        // Nothing to match by: nothing found.
        assert_eq!(c.find(RequirementId(901), None), None);
        // The very requirement wins over an identity match.
        c.add(
            None,
            Some(RequirementIdentity::new("iec-62443-4-2", "CR 9.9")),
            "other",
        );
        let moved = RequirementIdentity::new("iec-62443-4-2", "CR 9.9");
        assert_eq!(
            c.find(RequirementId(21), Some(&moved)),
            Some(&"authorization")
        );
        // Kept by identity only (a product's answer set): found by identity.
        let mut product: Carryover<&str> = Carryover::default();
        product.add(
            None,
            Some(RequirementIdentity::new("iec-62443-4-2", "CR 3.4")),
            "signed",
        );
        assert_eq!(
            product.find(
                RequirementId(34),
                Some(&RequirementIdentity::new("iec-62443-4-2", "CR 3.4"))
            ),
            Some(&"signed")
        );
        assert_eq!(product.find(RequirementId(34), None), None);
    }
}
