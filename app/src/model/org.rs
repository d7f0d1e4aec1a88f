//! Organizations, members and invitations as the UI sees them.

use super::{
    AppError, EngagementId, InvitationId, MembershipId, OrgId, PartnerInvitationId, UserId,
};
use serde::{Deserialize, Serialize};

/// What an organization is to the others on Pactline. One organization can be
/// several kinds (an integrator that also ships products).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    AssetOwner,
    ProductSupplier,
    ServiceProvider,
    Assessor,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::AssetOwner,
        OrgKind::ProductSupplier,
        OrgKind::ServiceProvider,
        OrgKind::Assessor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::AssetOwner => "asset_owner",
            OrgKind::ProductSupplier => "product_supplier",
            OrgKind::ServiceProvider => "service_provider",
            OrgKind::Assessor => "assessor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::AssetOwner => "Asset owner",
            OrgKind::ProductSupplier => "Product supplier",
            OrgKind::ServiceProvider => "Service provider",
            OrgKind::Assessor => "Assessor",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    "Choose one of: asset_owner, product_supplier, service_provider, assessor.",
                )
            })
    }

    /// Kinds stored as a comma-separated list; unknown entries are ignored.
    pub fn parse_list(s: &str) -> Vec<OrgKind> {
        let mut kinds: Vec<OrgKind> = s
            .split(',')
            .filter_map(|k| OrgKind::parse(k).ok())
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    pub fn join(kinds: &[OrgKind]) -> String {
        kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The kinds an asset owner may invite as suppliers.
    pub fn is_supplier(self) -> bool {
        matches!(self, OrgKind::ProductSupplier | OrgKind::ServiceProvider)
    }
}

/// A member's role inside their organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
pub enum Role {
    Admin,
    Reviewer,
    Contributor,
    Viewer,
}

/// Things a role may do inside its own organization. Whether the object belongs
/// to the organization is the scoped queries' business, not this table's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    ViewMembers,
    ManageMembers,
    InviteSuppliers,
    ViewOutbox,
    ViewAuditLog,
    ViewProfiles,
    EditProfiles,
    /// Create engagements, send, reopen and withdraw assessments.
    ManageEngagements,
    /// Answer assessments sent to the organization.
    AnswerAssessments,
    /// Review submitted assessments, comment, decide.
    ReviewAssessments,
    /// As an assessor invited into an engagement: write internal comments.
    AssessEngagements,
    /// See the asset owner's own security program (2-1 ratings, traces).
    ViewProgram,
    /// Rate program requirements and edit their traces.
    RateProgram,
    /// See the supplier's product library (products, versions, certificates).
    ViewProducts,
    /// Add products, versions and certificates.
    EditProducts,
    /// Read the product answer sets suppliers share with the asset owner.
    ViewSharedProducts,
}

impl Permission {
    /// Whether the permission only lets one look (what a read-only API
    /// token keeps).
    pub fn only_reads(self) -> bool {
        matches!(
            self,
            Permission::ViewMembers
                | Permission::ViewOutbox
                | Permission::ViewAuditLog
                | Permission::ViewProfiles
                | Permission::ViewProgram
                | Permission::ViewProducts
                | Permission::ViewSharedProducts
        )
    }
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Reviewer, Role::Contributor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Contributor => "contributor",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Reviewer => "Reviewer",
            Role::Contributor => "Contributor",
            Role::Viewer => "Viewer",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "role",
                    "Choose one of: admin, reviewer, contributor, viewer.",
                )
            })
    }

    /// Whether this role may do `p`, given the kinds of its organization.
    pub fn may(self, p: Permission, kinds: &[OrgKind]) -> bool {
        match p {
            Permission::ViewMembers => true,
            Permission::ManageMembers | Permission::ViewOutbox | Permission::ViewAuditLog => {
                self == Role::Admin
            }
            Permission::InviteSuppliers => {
                self == Role::Admin && kinds.contains(&OrgKind::AssetOwner)
            }
            Permission::ViewProfiles => kinds.contains(&OrgKind::AssetOwner),
            Permission::EditProfiles => {
                matches!(self, Role::Admin | Role::Contributor)
                    && kinds.contains(&OrgKind::AssetOwner)
            }
            Permission::ManageEngagements => {
                self != Role::Viewer && kinds.contains(&OrgKind::AssetOwner)
            }
            Permission::ReviewAssessments => {
                matches!(self, Role::Admin | Role::Reviewer) && kinds.contains(&OrgKind::AssetOwner)
            }
            Permission::AssessEngagements => {
                self != Role::Viewer && kinds.contains(&OrgKind::Assessor)
            }
            Permission::ViewProgram => kinds.contains(&OrgKind::AssetOwner),
            Permission::RateProgram => self != Role::Viewer && kinds.contains(&OrgKind::AssetOwner),
            Permission::ViewProducts => kinds.iter().any(|k| k.is_supplier()),
            Permission::ViewSharedProducts => kinds.contains(&OrgKind::AssetOwner),
            Permission::EditProducts => {
                matches!(self, Role::Admin | Role::Contributor)
                    && kinds.iter().any(|k| k.is_supplier())
            }
            Permission::AnswerAssessments => {
                matches!(self, Role::Admin | Role::Contributor)
                    && kinds.iter().any(|k| k.is_supplier())
            }
        }
    }
}

/// A validated, normalised e-mail address (trimmed, lower-case).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let s = raw.trim().to_lowercase();
        let bad = || AppError::invalid("email", "Enter an e-mail address like name@example.com.");
        if s.is_empty() || s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.len() < 3
            || !domain.contains('.')
            || domain.contains('@')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || s.contains(['<', '>', ',', ';', '"', '\\'])
        {
            return Err(bad());
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A trimmed, non-empty, single-line name of bounded length.
pub fn parse_name(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(AppError::invalid(field, "This field is required."));
    }
    if s.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(AppError::invalid(
            field,
            "Use a single line without control characters.",
        ));
    }
    Ok(s.to_string())
}

/// Another organization as a member of one sees it in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgChoice {
    pub id: OrgId,
    pub name: String,
    pub role: Role,
}

/// The signed-in user's second factor, as their account page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorDto {
    pub enabled: bool,
    pub since: Option<String>,
    pub recovery_codes_left: u64,
    /// While the user sets an authenticator app up: what to scan or type,
    /// and the recovery codes to keep (shown until the first code confirms).
    pub setup: Option<SecondFactorSetup>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorSetup {
    /// The QR code as an SVG image, drawn by the server.
    pub qr_svg: String,
    /// The same secret to type by hand, in groups of four.
    pub key: String,
    pub recovery_codes: Vec<String>,
}

/// One of the signed-in user's sessions, as their account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDto {
    /// A short reference, enough to end it (never the session's token).
    pub id: String,
    pub organization: String,
    pub started: String,
    pub last_seen: String,
    pub client_addr: String,
    pub browser: String,
    /// The session this list was asked from.
    pub current: bool,
}

/// A browser's User-Agent in a few words ("Firefox on Windows"), for people
/// who have to recognize their own sessions.
pub fn browser_label(user_agent: &str) -> String {
    let ua = user_agent;
    if ua.trim().is_empty() {
        return "Unknown browser".into();
    }
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| *name);
    let os = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => format!("A browser on {o}"),
        (None, None) => ua.chars().take(60).collect(),
    }
}

/// Who is signed in, in which organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub org_kinds: Vec<OrgKind>,
    pub role: Role,
    pub memberships: Vec<OrgChoice>,
    /// Unread notifications when the page was loaded.
    pub unread: u64,
    /// The organization requires a second factor of every member.
    pub second_factor_required: bool,
    /// … and this user has none yet: they set it up before anything else.
    pub second_factor_missing: bool,
}

impl Me {
    pub fn may(&self, p: Permission) -> bool {
        self.role.may(p, &self.org_kinds)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgOverview {
    pub id: OrgId,
    pub name: String,
    pub kinds: Vec<OrgKind>,
    pub active_members: u64,
    pub pending_invitations: u64,
    pub suppliers: u64,
    pub customers: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDto {
    pub id: MembershipId,
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub is_active: bool,
    pub is_self: bool,
    pub joined: String,
    /// Whether the member signs in with a second factor.
    pub second_factor: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
    Revoked,
    /// Too many wrong passwords were given through the link.
    Locked,
}

impl InvitationStatus {
    pub fn label(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "Pending",
            InvitationStatus::Accepted => "Accepted",
            InvitationStatus::Expired => "Expired",
            InvitationStatus::Revoked => "Revoked",
            InvitationStatus::Locked => "Locked (wrong passwords)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDto {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub status: InvitationStatus,
    pub created_at: String,
    pub expires_at: String,
}

/// The answer to creating or renewing an invitation. `link` is present only
/// when no SMTP server is configured: it is then shown once to the admin, who
/// passes it on; it is never stored in readable form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSent {
    pub invitation: InvitationDto,
    pub emailed: bool,
    pub link: Option<String>,
}

/// What an invitee sees before accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub org_name: String,
    pub email: String,
    pub role: Role,
    /// The visitor is signed in as the invited account: accepting needs only
    /// its password. Whether the address has an account is never shown to
    /// anyone else, the inviter holding the link included.
    pub signed_in_as_invitee: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierDto {
    pub org_id: OrgId,
    pub name: String,
    pub kinds: Vec<OrgKind>,
    pub since: String,
}

/// An invitation to another organization: to be a supplier, or an assessor
/// in one engagement. What the inviter sees of it never depends on whether
/// an organization of that name, or an account for that address, exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerInvitationDto {
    pub id: PartnerInvitationId,
    /// The name the inviter gave; the recipient may accept as another one.
    pub org_name: String,
    pub kind: OrgKind,
    pub email: String,
    pub engagement_id: Option<EngagementId>,
    pub status: InvitationStatus,
    pub created_at: String,
    pub expires_at: String,
}

/// The answer to sending or renewing an invitation to an organization.
/// `link` only when no SMTP server is configured (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerInvitationSent {
    pub invitation: PartnerInvitationDto,
    pub emailed: bool,
    pub link: Option<String>,
}

/// An organization the visitor administers, offered to accept an
/// invitation with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnOrg {
    pub id: OrgId,
    pub name: String,
}

/// What the recipient of an invitation to an organization sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerInvitationPreview {
    pub inviter: String,
    /// Set for an assessor invitation: the engagement's name.
    pub engagement: Option<String>,
    pub proposed_name: String,
    pub kind: OrgKind,
    pub email: String,
    pub signed_in_as_invitee: bool,
    /// Organizations the signed-in invitee administers that may accept (not
    /// the inviter itself). Empty for anyone else.
    pub own_orgs: Vec<OwnOrg>,
}

/// Who gets the single-use link: the same notice for member and
/// organization invitations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSent {
    pub email: String,
    pub expires_at: String,
    pub link: Option<String>,
}

impl From<InvitationSent> for LinkSent {
    fn from(s: InvitationSent) -> Self {
        LinkSent {
            email: s.invitation.email,
            expires_at: s.invitation.expires_at,
            link: s.link,
        }
    }
}

impl From<PartnerInvitationSent> for LinkSent {
    fn from(s: PartnerInvitationSent) -> Self {
        LinkSent {
            email: s.invitation.email,
            expires_at: s.invitation.expires_at,
            link: s.link,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxDto {
    pub id: i64,
    pub purpose: String,
    pub recipient: String,
    pub subject: String,
    pub created_at: String,
    pub status: String,
}

/// How much evidence the organization keeps, against its quota.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageDto {
    pub used_bytes: u64,
    pub quota_bytes: u64,
}

impl StorageDto {
    /// "80 KiB of 2048.0 MiB (0.0 %)".
    pub fn summary(&self) -> String {
        let share = if self.quota_bytes == 0 {
            100.0
        } else {
            self.used_bytes as f64 * 100.0 / self.quota_bytes as f64
        };
        format!(
            "{} of {} ({share:.1} %)",
            human_size(self.used_bytes),
            human_size(self.quota_bytes)
        )
    }
}

/// A size for people: "80 KiB" below a mebibyte, "12.3 MiB" from there.
pub fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes < MIB {
        format!("{} KiB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventDto {
    pub seq: i64,
    pub occurred_at: String,
    /// When, exactly (for the API).
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    /// The API token the change was made through, by name.
    pub api_token: Option<String>,
    pub action: String,
    pub object: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_print_alike() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("owner").is_err());
        assert!(Role::parse("").is_err());
    }

    #[test]
    fn only_admins_manage_members() {
        let kinds = [OrgKind::AssetOwner];
        assert!(Role::Admin.may(Permission::ManageMembers, &kinds));
        for r in [Role::Reviewer, Role::Contributor, Role::Viewer] {
            assert!(!r.may(Permission::ManageMembers, &kinds), "{r:?}");
            assert!(!r.may(Permission::ViewAuditLog, &kinds), "{r:?}");
            assert!(r.may(Permission::ViewMembers, &kinds), "{r:?}");
        }
    }

    #[test]
    fn only_asset_owner_admins_invite_suppliers() {
        assert!(Role::Admin.may(Permission::InviteSuppliers, &[OrgKind::AssetOwner]));
        assert!(!Role::Admin.may(Permission::InviteSuppliers, &[OrgKind::ProductSupplier]));
        assert!(!Role::Reviewer.may(Permission::InviteSuppliers, &[OrgKind::AssetOwner]));
        assert!(Role::Admin.may(
            Permission::InviteSuppliers,
            &[OrgKind::ServiceProvider, OrgKind::AssetOwner]
        ));
    }

    #[test]
    fn asset_owner_admins_and_contributors_edit_profiles() {
        let owner = [OrgKind::AssetOwner];
        assert!(Role::Admin.may(Permission::EditProfiles, &owner));
        assert!(Role::Contributor.may(Permission::EditProfiles, &owner));
        assert!(!Role::Reviewer.may(Permission::EditProfiles, &owner));
        assert!(!Role::Viewer.may(Permission::EditProfiles, &owner));
        assert!(Role::Viewer.may(Permission::ViewProfiles, &owner));
        assert!(!Role::Admin.may(Permission::ViewProfiles, &[OrgKind::ProductSupplier]));
        assert!(!Role::Admin.may(Permission::EditProfiles, &[OrgKind::ServiceProvider]));
    }

    #[test]
    fn assessors_comment_but_never_answer_or_review() {
        let assessor = [OrgKind::Assessor];
        assert!(Role::Admin.may(Permission::AssessEngagements, &assessor));
        assert!(Role::Contributor.may(Permission::AssessEngagements, &assessor));
        assert!(!Role::Viewer.may(Permission::AssessEngagements, &assessor));
        assert!(!Role::Admin.may(Permission::AssessEngagements, &[OrgKind::AssetOwner]));
        for r in Role::ALL {
            assert!(!r.may(Permission::AnswerAssessments, &assessor), "{r:?}");
            assert!(!r.may(Permission::ReviewAssessments, &assessor), "{r:?}");
            assert!(!r.may(Permission::ManageEngagements, &assessor), "{r:?}");
        }
    }

    #[test]
    fn kinds_round_trip_through_storage() {
        let kinds = OrgKind::parse_list("service_provider,product_supplier,bogus,product_supplier");
        assert_eq!(
            kinds,
            vec![OrgKind::ProductSupplier, OrgKind::ServiceProvider]
        );
        assert_eq!(OrgKind::parse_list(&OrgKind::join(&kinds)), kinds);
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "<a@b.com>",
            "a@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("name", "  Acme  ", 10).unwrap(), "Acme");
        assert!(parse_name("name", "   ", 10).is_err());
        assert!(parse_name("name", "x".repeat(11).as_str(), 10).is_err());
        assert!(parse_name("name", "a\nb", 10).is_err());
    }
}

#[cfg(test)]
mod browser_tests {
    use super::browser_label;

    #[test]
    fn browsers_are_named_in_a_few_words() {
        for (ua, want) in [
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "Chrome on Linux"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Windows"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0", "Edge on Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15", "Safari on macOS"),
            ("curl/8.5.0", "curl"),
            ("", "Unknown browser"),
            ("SomethingElse/1.0", "SomethingElse/1.0"),
        ] {
            assert_eq!(browser_label(ua), want, "{ua}");
        }
    }
}

/// An organization's single sign-on, as its admins see it. The client
/// secret never comes back: only whether one is saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoSettings {
    pub issuer: String,
    pub client_id: String,
    pub secret_saved: bool,
    pub domains: Vec<String>,
    pub join_as_viewer: bool,
    pub enforced: bool,
    /// The address to register at the identity provider as the redirect
    /// (callback) URI.
    pub redirect_uri: String,
}

/// The most e-mail domains one identity provider may own.
pub const SSO_MAX_DOMAINS: usize = 20;

/// The e-mail domains an admin typed (separated by commas, spaces or new
/// lines): lower-cased, deduplicated, each a plain DNS name with at least
/// two labels. The message says which one is wrong and why.
pub fn parse_sso_domains(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c == ',' || c.is_whitespace()) {
        let d = raw
            .trim()
            .trim_start_matches('@')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if d.is_empty() {
            continue;
        }
        let shown: String = d.chars().take(60).collect();
        let labels: Vec<&str> = d.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if d.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(format!(
                "{shown:?} is not an e-mail domain: write it like plant.example.com (letters, digits, hyphens and dots)"
            ));
        }
        if labels
            .last()
            .is_some_and(|l| l.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(format!("{shown:?} is an address, not an e-mail domain"));
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    if out.is_empty() {
        return Err("Name at least one e-mail domain whose addresses this provider signs in, like plant.example.com.".into());
    }
    if out.len() > SSO_MAX_DOMAINS {
        return Err(format!(
            "At most {SSO_MAX_DOMAINS} domains per identity provider ({} given).",
            out.len()
        ));
    }
    Ok(out)
}

/// The domain of an e-mail address, lower-cased.
pub fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    (!d.is_empty()).then_some(d)
}

#[cfg(test)]
mod sso_tests {
    use super::*;

    #[test]
    fn domains_are_cleaned_and_checked() {
        assert_eq!(
            parse_sso_domains("Helix.example, @ops.helix.example\nhelix.example.").unwrap(),
            vec!["helix.example", "ops.helix.example"]
        );
        for bad in [
            "",
            " , ",
            "localhost",
            "exa mple.com/x",
            "-a.example",
            "a..example",
            "10.0.0.1",
            "ex_ample.com",
        ] {
            assert!(parse_sso_domains(bad).is_err(), "{bad:?}");
        }
        let many: Vec<String> = (0..21).map(|i| format!("d{i}.example")).collect();
        assert!(parse_sso_domains(&many.join(",")).is_err());
        assert_eq!(
            email_domain("Ana@Helix.Example"),
            Some("helix.example".into())
        );
        assert_eq!(email_domain("no-at-sign"), None);
    }
}

/// One of the signed-in user's passkeys, as their account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyDto {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
}

/// The first step of a passkey ceremony: what the browser passes to
/// `navigator.credentials`, and the handle of the server's half.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyCeremony {
    pub token: String,
    /// The WebAuthn options as JSON (binary fields in base64url).
    pub options: String,
}

/// One of the organization's API tokens, as its admins see it (never the
/// token itself, which is shown once when made).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenDto {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub read_only: bool,
    /// The token's first characters, to tell it apart.
    pub prefix: String,
    pub created_by: String,
    pub created: String,
    pub expires: String,
    pub last_used: Option<String>,
    /// "active", "expired" or "revoked".
    pub state: String,
}

/// The events a webhook endpoint may ask for, with what each says.
pub const WEBHOOK_EVENTS: [(&str, &str); 10] = [
    ("assessment.sent", "A questionnaire was sent"),
    ("assessment.submitted", "A supplier submitted its answers"),
    (
        "assessment.decided",
        "The asset owner decided on an assessment",
    ),
    (
        "answer.review_changed",
        "A reviewer judged an answer (asset owner only)",
    ),
    ("comment.shared", "A comment was shared between the parties"),
    ("commitment.proposed", "A commitment was proposed"),
    (
        "commitment.moved",
        "A commitment was agreed, started, fulfilled, verified, sent back or waived",
    ),
    ("commitment.overdue", "A commitment is past its due date"),
    (
        "matrix.agreed",
        "Every row of a responsibility matrix is agreed",
    ),
    (
        "matrix.reopened",
        "A change re-opened an agreed responsibility matrix",
    ),
];

/// One of the organization's webhook endpoints, as its admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDto {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub created_by: String,
    pub created: String,
    /// When deliveries kept failing for a day (cleared by a success).
    pub failing_since: Option<String>,
}

/// An endpoint just registered, with its signing secret (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub secret: String,
    pub webhook: WebhookDto,
}

/// One event sent (or being sent) to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDeliveryDto {
    pub id: i64,
    /// The `webhook-id`, the same on every attempt.
    pub event_id: String,
    pub event_type: String,
    pub created: String,
    pub attempts: i32,
    /// The endpoint's last answer, if it answered.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt: Option<String>,
    /// "delivered", "pending" (will try again) or "failed" (given up).
    pub state: String,
    pub next_attempt: Option<String>,
}

/// A token just made: the secret (shown once) and the token as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub secret: String,
    pub token: ApiTokenDto,
}
