//! Validated inputs: what a server function (or the demo seed) parses from
//! the fields a client sent before it calls a service, so a service never
//! sees raw text and every rule about a field's shape lives here once.
//! Rules that need the database or the clock (is this requirement in the
//! questionnaire, is the due date past) stay in the services.

use super::{
    parse_name, AppError, CommitmentAction, Duty, Email, OrgKind, ReviewStatus, Role, SendTo,
    Transition, Visibility,
};
use chrono::NaiveDate;

/// Trimmed text of at most `max` characters (may be empty; lines allowed).
pub fn parse_text(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Use at most {} characters.", thousands(max)),
        ));
    }
    // Line breaks and tabs are text; any other control character is not
    // (a bare CR or an escape reaches e-mails, exports and calendar feeds).
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || has_bare_cr(s)
    {
        return Err(AppError::invalid(
            field,
            "Remove the control characters from this text.",
        ));
    }
    Ok(s.to_string())
}

fn has_bare_cr(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A date given as YYYY-MM-DD, or nothing when the field is empty.
pub fn parse_optional_date(field: &str, raw: &str) -> Result<Option<NaiveDate>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::invalid(field, "Give the date as YYYY-MM-DD."))
}

/// Input parsed by a server function whose problems are told only to an
/// actor who reaches the object it is about: to anyone else the object is
/// not found, whatever they sent, so validation is no probe for which ids
/// exist or what state an object is in.
#[must_use]
pub struct Parsed<T>(Result<T, AppError>);

impl<T> Parsed<T> {
    pub fn new(parsed: Result<T, AppError>) -> Self {
        Self(parsed)
    }

    /// The input, or what is wrong with it: call once access is settled.
    pub fn checked(self) -> Result<T, AppError> {
        self.0
    }
}

/// A name and a free description: a new engagement or profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    pub name: String,
    pub description: String,
}

impl Described {
    pub fn parse(name: &str, description: &str) -> Result<Self, AppError> {
        Ok(Self {
            name: parse_name("name", name, 200)?,
            description: parse_text("description", description, 2000)?,
        })
    }
}

/// Who makes a hand-written promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Promisor {
    Supplier,
    Owner,
}

/// A commitment written by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCommitmentInput {
    pub promisor: Promisor,
    /// A ref id of the questionnaire, checked against it by the service.
    pub requirement_ref: Option<String>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
}

impl NewCommitmentInput {
    pub fn parse(
        promisor: &str,
        requirement_ref: &str,
        title: &str,
        due_on: &str,
    ) -> Result<Self, AppError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(AppError::invalid("title", "Say what is promised."));
        }
        if title.chars().count() > 500 {
            return Err(AppError::invalid("title", "Use at most 500 characters."));
        }
        // A title is one line: it heads calendar entries and e-mails.
        if title.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "title",
                "Use a single line without control characters.",
            ));
        }
        let due_on = parse_optional_date("due_on", due_on)?;
        let promisor = match promisor.trim() {
            "supplier" => Promisor::Supplier,
            "owner" => Promisor::Owner,
            _ => return Err(AppError::invalid("promisor", "Choose supplier or owner.")),
        };
        let requirement_ref = match requirement_ref.trim() {
            "" => None,
            r => Some(parse_name("requirement", r, 100)?),
        };
        Ok(Self {
            promisor,
            requirement_ref,
            title: title.to_string(),
            due_on,
        })
    }
}

/// A move of a commitment, with its note and closure link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitmentMove {
    pub action: CommitmentAction,
    pub note: String,
    /// Only for fulfilling: the web address of the closure evidence.
    pub link: String,
}

impl CommitmentMove {
    pub fn parse(action: CommitmentAction, note: &str, link: &str) -> Result<Self, AppError> {
        let note = parse_text("note", note, 5000)?;
        let link = link.trim();
        match action {
            CommitmentAction::Fulfil if link.is_empty() => {
                return Err(AppError::invalid(
                    "link",
                    "Closing needs evidence: give the link to it (https://…).",
                ))
            }
            CommitmentAction::Fulfil if web_address(link).is_none() || link.len() > 2000 => {
                return Err(AppError::invalid(
                    "link",
                    "Give a web address starting with https:// or http:// (at most 2,000 characters).",
                ))
            }
            CommitmentAction::Waive | CommitmentAction::Reject if note.is_empty() => {
                return Err(AppError::invalid("note", "Give the reason."))
            }
            _ => {}
        }
        let link = match action {
            CommitmentAction::Fulfil => link.to_string(),
            _ => String::new(),
        };
        Ok(Self { action, note, link })
    }
}

/// An http(s) address with a host.
fn web_address(s: &str) -> Option<url::Url> {
    url::Url::parse(s)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// A web link offered as evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceLink {
    /// The title to show; the link's host when none was given.
    pub title: String,
    pub url: String,
}

impl EvidenceLink {
    pub fn parse(title: &str, url: &str) -> Result<Self, AppError> {
        let url = url.trim();
        let parsed = web_address(url).ok_or_else(|| {
            AppError::invalid("url", "Enter a web address starting with https://.")
        })?;
        if url.len() > 2000 {
            return Err(AppError::invalid("url", "Use at most 2,000 characters."));
        }
        let title = match title.trim() {
            "" => parsed.host_str().unwrap_or("link").to_string(),
            t => parse_name("title", t, 300)?,
        };
        Ok(Self {
            title,
            url: parsed.to_string(),
        })
    }
}

/// A comment on an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewComment {
    pub visibility: Visibility,
    pub body: String,
}

impl NewComment {
    pub fn parse(visibility: &str, body: &str) -> Result<Self, AppError> {
        let body = parse_text("body", body, 5000)?;
        if body.is_empty() {
            return Err(AppError::invalid("body", "Write the comment."));
        }
        let visibility = Visibility::parse(visibility)
            .ok_or_else(|| AppError::invalid("visibility", "Choose shared or internal."))?;
        Ok(Self { visibility, body })
    }
}

/// A reviewer's verdict on one answer.
pub fn parse_verdict(raw: &str) -> Result<ReviewStatus, AppError> {
    ReviewStatus::parse(raw).ok_or_else(|| {
        AppError::invalid(
            "status",
            "Choose accepted, rejected or clarification_requested.",
        )
    })
}

/// One condition of an acceptance: what, and by when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub title: String,
    pub due_on: Option<NaiveDate>,
}

/// The asset owner's decision on a reviewed assessment: accept, accept
/// with conditions (each becoming a proposed commitment of the supplier),
/// or reject, with the rationale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionInput {
    pub transition: Transition,
    pub rationale: String,
    pub conditions: Vec<Condition>,
    /// The decider saw that answers are still open (not reviewed, or
    /// awaiting clarification) and decides anyway.
    pub despite_open: bool,
}

impl DecisionInput {
    pub fn parse(decision: &str, rationale: &str, conditions: &str) -> Result<Self, AppError> {
        let transition = match decision.trim() {
            "accept" => Transition::Accept,
            "accept_with_conditions" => Transition::AcceptWithConditions,
            "reject" => Transition::Reject,
            _ => {
                return Err(AppError::invalid(
                    "decision",
                    "Choose accept, accept_with_conditions or reject.",
                ))
            }
        };
        let rationale = parse_text("rationale", rationale, 10_000)?;
        if rationale.is_empty() {
            return Err(AppError::invalid(
                "rationale",
                "Give the reason for the decision.",
            ));
        }
        let conditions = parse_conditions(conditions)?;
        match (transition, conditions.is_empty()) {
            (Transition::AcceptWithConditions, true) => Err(AppError::invalid(
                "conditions",
                "List at least one condition.",
            )),
            (Transition::Accept | Transition::Reject, false) => Err(AppError::invalid(
                "conditions",
                "Conditions belong to an acceptance with conditions.",
            )),
            _ => Ok(Self {
                transition,
                rationale,
                conditions,
                despite_open: false,
            }),
        }
    }

    /// The same decision, confirmed over answers still open when `yes`.
    pub fn despite_open(self, yes: bool) -> Self {
        Self {
            despite_open: yes,
            ..self
        }
    }
}

/// Reads conditions, one per line: "text" or "text | YYYY-MM-DD".
pub fn parse_conditions(raw: &str) -> Result<Vec<Condition>, AppError> {
    let mut out = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (title, due) = match line.rsplit_once('|') {
            Some((t, d)) => (t.trim(), Some(d.trim())),
            None => (line, None),
        };
        if title.is_empty() || title.chars().count() > 500 {
            return Err(AppError::invalid(
                "conditions",
                format!(
                    "Line {}: write the condition in at most 500 characters.",
                    i + 1
                ),
            ));
        }
        // Each condition becomes a commitment title: one line of text.
        if title.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "conditions",
                format!("Line {}: remove the control characters.", i + 1),
            ));
        }
        let due_on = match due {
            None | Some("") => None,
            Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                AppError::invalid(
                    "conditions",
                    format!("Line {}: give the date as YYYY-MM-DD after “|”.", i + 1),
                )
            })?),
        };
        out.push(Condition {
            title: title.to_string(),
            due_on,
        });
    }
    Ok(out)
}

/// An organization invited with its first admin: a supplier or an assessor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgInvite {
    pub name: String,
    pub kind: OrgKind,
    pub admin_email: Email,
}

impl OrgInvite {
    pub fn supplier(name: &str, kind: &str, admin_email: &str) -> Result<Self, AppError> {
        let name = parse_name("name", name, 200)?;
        let kind = OrgKind::parse(kind)?;
        if !kind.is_supplier() {
            return Err(AppError::invalid(
                "kind",
                "Choose product_supplier or service_provider.",
            ));
        }
        let admin_email = Email::parse(admin_email).map_err(|_| {
            AppError::invalid(
                "admin_email",
                "Enter the e-mail address of the supplier's first admin, like name@example.com.",
            )
        })?;
        Ok(Self {
            name,
            kind,
            admin_email,
        })
    }

    pub fn assessor(name: &str, admin_email: &str) -> Result<Self, AppError> {
        let name = parse_name("name", name, 200)?;
        let admin_email = Email::parse(admin_email).map_err(|_| {
            AppError::invalid(
                "admin_email",
                "Enter the e-mail address of the assessor's first admin, like name@example.com.",
            )
        })?;
        Ok(Self {
            name,
            kind: OrgKind::Assessor,
            admin_email,
        })
    }
}

/// A member invited to the actor's organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberInvite {
    pub email: Email,
    pub role: Role,
}

impl MemberInvite {
    pub fn parse(email: &str, role: &str) -> Result<Self, AppError> {
        Ok(Self {
            email: Email::parse(email)?,
            role: Role::parse(role)?,
        })
    }
}

/// A duty assigned in the responsibility matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub duty: Duty,
    /// Who does what, for a shared duty.
    pub split: String,
}

impl Assignment {
    pub fn parse(duty: &str, split: &str) -> Result<Self, AppError> {
        let duty = Duty::parse(duty)?;
        let split = parse_text("split", split, 500)?;
        if duty == Duty::Shared && split.is_empty() {
            return Err(AppError::invalid(
                "split",
                "Say how the requirement is shared (who does what).",
            ));
        }
        Ok(Self { duty, split })
    }
}

/// An assessment to send: its due date and the message to the supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendInput {
    pub due_on: NaiveDate,
    pub message: String,
}

impl SendInput {
    pub fn parse(due_on: &str, message: &str) -> Result<Self, AppError> {
        let due_on = NaiveDate::parse_from_str(due_on.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid("due_on", "Choose a due date."))?;
        Ok(Self {
            due_on,
            message: parse_text("message", message, 4000)?,
        })
    }
}

/// A profile version to send to several suppliers, each with its own due
/// date, with one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendManyInput {
    pub sends: Vec<(i64, NaiveDate)>,
    pub message: String,
}

impl SendManyInput {
    pub fn parse(sends: &[SendTo], message: &str) -> Result<Self, AppError> {
        let sends = sends
            .iter()
            .map(|s| {
                NaiveDate::parse_from_str(s.due_on.trim(), "%Y-%m-%d")
                    .map(|d| (s.supplier_org_id, d))
                    .map_err(|_| {
                        AppError::invalid("due_on", "Choose a due date for each supplier.")
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            sends,
            message: parse_text("message", message, 4000)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: AppError) -> String {
        match e {
            AppError::Validation { fields, .. } => fields[0].field.clone(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn text_keeps_lines_but_not_other_control_characters() {
        assert_eq!(parse_text("t", " a\r\nb\tc ", 10).unwrap(), "a\r\nb\tc");
        assert_eq!(field(parse_text("t", "a\rb", 10).unwrap_err()), "t");
        assert_eq!(field(parse_text("t", "a\u{1b}[2J", 10).unwrap_err()), "t");
        assert!(parse_text("t", &"x".repeat(11), 10).is_err());
        match parse_text("t", &"x".repeat(5001), 5000).unwrap_err() {
            AppError::Validation { fields, .. } => {
                assert_eq!(fields[0].message, "Use at most 5,000 characters.")
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn commitment_titles_are_one_line() {
        let ok = NewCommitmentInput::parse("supplier", "", "Patch within 30 days", "").unwrap();
        assert_eq!(ok.promisor, Promisor::Supplier);
        assert_eq!(ok.due_on, None);
        for bad in ["Patch\rnow", "Patch\nnow", "Bell\u{7}", ""] {
            assert_eq!(
                field(NewCommitmentInput::parse("owner", "", bad, "").unwrap_err()),
                "title",
                "{bad:?}"
            );
        }
        assert_eq!(
            field(NewCommitmentInput::parse("someone", "", "x", "").unwrap_err()),
            "promisor"
        );
        assert_eq!(
            field(NewCommitmentInput::parse("owner", "", "x", "31.12.2027").unwrap_err()),
            "due_on"
        );
    }

    fn act(name: &str) -> CommitmentAction {
        CommitmentAction::parse(name).unwrap()
    }

    #[test]
    fn fulfilling_needs_a_web_link_and_waiving_a_reason() {
        assert_eq!(
            field(CommitmentMove::parse(act("fulfil"), "", "").unwrap_err()),
            "link"
        );
        for bad in [
            "ftp://x.example",
            "https://",
            "https://a b.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                field(CommitmentMove::parse(act("fulfil"), "", bad).unwrap_err()),
                "link",
                "{bad}"
            );
        }
        let m = CommitmentMove::parse(act("fulfil"), "done", "https://docs.example/x").unwrap();
        assert_eq!(m.link, "https://docs.example/x");
        assert_eq!(
            field(CommitmentMove::parse(act("waive"), " ", "").unwrap_err()),
            "note"
        );
        // A link given with another move is not kept.
        assert_eq!(
            CommitmentMove::parse(act("agree"), "", "https://x.example")
                .unwrap()
                .link,
            ""
        );
    }

    #[test]
    fn evidence_links_default_their_title_to_the_host() {
        let l = EvidenceLink::parse("", "https://user@Docs.Example:8443/a?b").unwrap();
        assert_eq!(l.title, "docs.example");
        assert_eq!(
            field(EvidenceLink::parse("", "file:///etc/passwd").unwrap_err()),
            "url"
        );
        assert_eq!(
            field(EvidenceLink::parse("a\u{0}b", "https://x.example").unwrap_err()),
            "title"
        );
    }

    #[test]
    fn decisions_and_their_conditions_agree() {
        assert!(DecisionInput::parse("accept", "fine", "").is_ok());
        assert_eq!(
            field(DecisionInput::parse("accept", "fine", "one").unwrap_err()),
            "conditions"
        );
        assert_eq!(
            field(DecisionInput::parse("accept_with_conditions", "fine", "\n \n").unwrap_err()),
            "conditions"
        );
        let d = DecisionInput::parse("accept_with_conditions", "ok", "a\n\n b \n").unwrap();
        assert_eq!(
            d.conditions
                .iter()
                .map(|c| c.title.as_str())
                .collect::<Vec<_>>(),
            vec!["a", "b"]
        );
        let d = DecisionInput::parse("accept_with_conditions", "ok", "Patch | 2027-01-31").unwrap();
        assert_eq!(d.conditions[0].due_on, NaiveDate::from_ymd_opt(2027, 1, 31));
        assert_eq!(
            field(DecisionInput::parse("accept_with_conditions", "ok", "a\u{1b}b").unwrap_err()),
            "conditions"
        );
        assert_eq!(
            field(DecisionInput::parse("maybe", "x", "").unwrap_err()),
            "decision"
        );
        assert_eq!(
            field(DecisionInput::parse("reject", " ", "").unwrap_err()),
            "rationale"
        );
    }

    #[test]
    fn invitations_name_the_field_to_fix() {
        assert_eq!(
            field(OrgInvite::supplier("Helix", "asset_owner", "a@b.example").unwrap_err()),
            "kind"
        );
        assert_eq!(
            field(OrgInvite::assessor("Audit", "not-an-address").unwrap_err()),
            "admin_email"
        );
        assert_eq!(
            field(MemberInvite::parse("a@b.example", "owner").unwrap_err()),
            "role"
        );
    }

    #[test]
    fn shared_duties_say_who_does_what() {
        assert_eq!(field(Assignment::parse("shared", "").unwrap_err()), "split");
        assert!(Assignment::parse("shared", "we patch, they test").is_ok());
    }

    #[test]
    fn conditions_are_one_per_line_with_an_optional_date() {
        let c = parse_conditions(
            "Patch firmware to 5.2 | 2027-03-31\n\n  Deliver the hardening guide  \n",
        )
        .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].title, "Patch firmware to 5.2");
        assert_eq!(c[0].due_on.unwrap().to_string(), "2027-03-31");
        assert_eq!(c[1].due_on, None);
        assert!(parse_conditions("X | soon").is_err());
        assert!(parse_conditions(" | 2027-01-01").is_err());
        assert!(parse_conditions("").unwrap().is_empty());
    }
}
