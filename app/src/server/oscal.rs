//! OSCAL 1.1 JSON: catalogs and profiles out, catalogs back in; an
//! assessment's answers and review out as assessment results.
//!
//! Requirement enhancements nest under their base control; Pactline's own
//! facts (security levels, component types, provisional items, targets,
//! responsible party, weight, evidence flag) travel as namespaced props, the
//! one-line description as a guidance part and the owner's parameters as a
//! part of their own.

use crate::model::{
    AnswerDto, AppError, AssessmentDto, CatalogDto, CommitmentDto, Compliance, ComponentType,
    OscalOrigin, ProfileDto, RequirementDto, ReviewStatus, TargetKind,
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

pub const OSCAL_VERSION: &str = "1.1.2";
pub const NS: &str = "https://pactline.dev/ns/oscal";

/// An OSCAL token (`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`) from an identifier:
/// "CR 1.1 RE(1)" becomes "cr-1.1-re-1".
pub fn token(id: &str) -> String {
    let mut out = String::new();
    for c in id.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => out,
        _ => format!("r-{out}"),
    }
}

pub(crate) fn uuid_for(name: &str) -> String {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{NS}/{name}").as_bytes(),
    )
    .to_string()
}

pub(crate) fn prop(name: &str, value: impl Into<String>) -> Value {
    json!({"name": name, "ns": NS, "value": value.into()})
}

fn control(r: &RequirementDto, children: Vec<Value>) -> Value {
    let id = token(&r.ref_id);
    let mut props = vec![json!({"name": "label", "value": r.ref_id})];
    if let Some(l) = &r.sl {
        props.push(prop(
            "security-levels",
            if l.is_empty() {
                "none".into()
            } else {
                l.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            },
        ));
    }
    if let Some(t) = &r.component_types {
        if !t.is_empty() {
            props.push(prop(
                "component-types",
                t.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" "),
            ));
        }
    }
    props.push(prop("kind", r.kind.clone()));
    if !r.verified {
        props.push(prop("provisional", "true"));
    }
    let mut c = Map::new();
    c.insert("id".into(), json!(id));
    c.insert("title".into(), json!(r.title));
    c.insert("props".into(), Value::Array(props));
    if !r.description.trim().is_empty() {
        c.insert(
            "parts".into(),
            json!([{"id": format!("{id}_gdn"), "name": "guidance", "prose": r.description}]),
        );
    }
    if !children.is_empty() {
        c.insert("controls".into(), Value::Array(children));
    }
    Value::Object(c)
}

/// A catalog as an OSCAL catalog document.
pub fn catalog(c: &CatalogDto, last_modified: &str) -> Value {
    let reqs = &c.requirements;
    let children_of = |parent: &str| -> Vec<&RequirementDto> {
        reqs.iter()
            .filter(|r| r.parent.as_deref() == Some(parent))
            .collect()
    };
    fn build<'a>(
        r: &'a RequirementDto,
        children_of: &dyn Fn(&str) -> Vec<&'a RequirementDto>,
    ) -> Value {
        let kids = children_of(&r.ref_id)
            .into_iter()
            .map(|k| build(k, children_of))
            .collect();
        control(r, kids)
    }
    let known: std::collections::HashSet<&str> = reqs.iter().map(|r| r.ref_id.as_str()).collect();
    let mut groups: Vec<(String, String, Vec<Value>)> = Vec::new();
    for r in reqs
        .iter()
        .filter(|r| r.parent.as_deref().is_none_or(|p| !known.contains(p)))
    {
        let ctl = build(r, &children_of);
        match groups.iter_mut().find(|(g, ..)| *g == r.group) {
            Some((_, _, controls)) => controls.push(ctl),
            None => groups.push((r.group.clone(), r.group_title.clone(), vec![ctl])),
        }
    }
    let mut cat = Map::new();
    let (uuid, last_modified, version, remarks) = match &c.origin {
        Some(o) => (
            o.uuid.clone(),
            o.last_modified.clone(),
            o.version.clone(),
            o.remarks.clone(),
        ),
        None => (
            uuid_for(&format!("catalog/{}/{}", c.summary.key, c.summary.version)),
            last_modified.to_string(),
            c.summary.version.to_string(),
            Some(c.source.clone()),
        ),
    };
    cat.insert("uuid".into(), json!(uuid));
    let mut metadata = json!({
        "title": c.summary.name,
        "last-modified": last_modified,
        "version": version,
        "oscal-version": OSCAL_VERSION,
    });
    if let Some(r) = remarks {
        metadata["remarks"] = json!(r);
    }
    cat.insert("metadata".into(), metadata);
    if !groups.is_empty() {
        cat.insert(
            "groups".into(),
            Value::Array(
                groups
                    .into_iter()
                    .map(|(g, t, controls)| {
                        json!({"id": format!("grp-{}", token(&g)), "title": t, "props": [{"name": "label", "value": g}], "controls": controls})
                    })
                    .collect(),
            ),
        );
    }
    json!({ "catalog": cat })
}

/// A profile version as an OSCAL profile: which controls of which catalog,
/// and the asset owner's targets as added props.
pub fn profile(p: &ProfileDto, last_modified: &str, catalog_href: impl Fn(i64) -> String) -> Value {
    let mut imports: Vec<(i64, Vec<String>)> = Vec::new();
    for it in &p.items {
        let id = token(&it.requirement.ref_id);
        match imports.iter_mut().find(|(c, _)| *c == it.catalog_id.0) {
            Some((_, ids)) => ids.push(id),
            None => imports.push((it.catalog_id.0, vec![id])),
        }
    }
    let alters: Vec<Value> = p
        .items
        .iter()
        .map(|it| {
            let id = token(&it.requirement.ref_id);
            let mut add = Map::new();
            add.insert("position".into(), json!("ending"));
            add.insert(
                "props".into(),
                json!([
                    prop("target", it.target_kind.label(it.target)),
                    prop("responsible-party", it.responsible_party.as_str()),
                    prop("weight", it.weight.to_string()),
                    prop("evidence-required", if it.evidence_required { "true" } else { "false" }),
                    prop("section", it.section.clone()),
                ]),
            );
            if !it.parameters.trim().is_empty() {
                add.insert("parts".into(), json!([{"id": format!("{id}_prm"), "name": "parameters", "ns": NS, "prose": it.parameters}]));
            }
            json!({"control-id": id, "adds": [Value::Object(add)]})
        })
        .collect();
    let mut prof = Map::new();
    prof.insert(
        "uuid".into(),
        json!(uuid_for(&format!("profile/{}", p.id.0))),
    );
    prof.insert(
        "metadata".into(),
        json!({
            "title": p.name,
            "last-modified": last_modified,
            "version": p.version.to_string(),
            "oscal-version": OSCAL_VERSION,
            "props": [prop("status", p.status.as_str())],
        }),
    );
    prof.insert(
        "imports".into(),
        Value::Array(
            imports
                .into_iter()
                .map(|(c, ids)| json!({"href": catalog_href(c), "include-controls": [{"with-ids": ids}]}))
                .collect(),
        ),
    );
    if !alters.is_empty() {
        prof.insert("modify".into(), json!({"alters": alters}));
    }
    json!({ "profile": prof })
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

fn ns_prop<'a>(c: &'a Value, name: &str) -> Option<&'a str> {
    c["props"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["value"].as_str())
}

/// An OSCAL catalog read back: its title, identity and requirements.
pub struct ReadCatalog {
    pub title: String,
    pub origin: OscalOrigin,
    pub requirements: Vec<RequirementDto>,
}

/// Reads an OSCAL catalog back into a name, identity and requirements.
pub fn read_catalog(doc: &Value) -> Result<ReadCatalog, AppError> {
    let cat = doc
        .get("catalog")
        .ok_or_else(|| bad("This is not an OSCAL catalog (no “catalog” object)."))?;
    let meta = &cat["metadata"];
    let title = meta["title"]
        .as_str()
        .ok_or_else(|| bad("The catalog has no metadata title."))?
        .to_string();
    let uuid = cat["uuid"]
        .as_str()
        .and_then(|u| uuid::Uuid::parse_str(u).ok())
        .ok_or_else(|| bad("The catalog has no valid uuid."))?;
    let last_modified = meta["last-modified"]
        .as_str()
        .filter(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
        .ok_or_else(|| bad("The catalog metadata has no valid last-modified date."))?;
    let version = meta["version"]
        .as_str()
        .filter(|v| !v.trim().is_empty() && v.chars().count() <= 100)
        .ok_or_else(|| bad("The catalog metadata has no version (at most 100 characters)."))?;
    let remarks = meta["remarks"].as_str().map(str::to_string);
    if remarks.as_ref().is_some_and(|r| r.chars().count() > 2000) {
        return Err(bad("The catalog remarks are longer than 2,000 characters."));
    }
    let origin = OscalOrigin {
        uuid: uuid.hyphenated().to_string(),
        last_modified: last_modified.to_string(),
        version: version.to_string(),
        remarks,
    };
    let mut out = Vec::new();
    fn walk(
        c: &Value,
        group: &str,
        group_title: &str,
        parent: Option<&str>,
        out: &mut Vec<RequirementDto>,
    ) -> Result<(), AppError> {
        let ref_id = ns_prop(c, "label")
            .or(c["id"].as_str())
            .ok_or_else(|| bad("A control has no id."))?
            .to_string();
        let title = c["title"]
            .as_str()
            .ok_or_else(|| bad(format!("Control {ref_id} has no title.")))?
            .to_string();
        let description = c["parts"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["name"] == "guidance"))
            .and_then(|p| p["prose"].as_str())
            .unwrap_or("")
            .to_string();
        let sl = ns_prop(c, "security-levels").map(|v| {
            if v == "none" {
                vec![]
            } else {
                v.split(' ').filter_map(|n| n.parse().ok()).collect()
            }
        });
        let component_types = ns_prop(c, "component-types")
            .map(|v| v.split(' ').filter_map(ComponentType::parse).collect());
        out.push(RequirementDto {
            kind: ns_prop(c, "kind")
                .unwrap_or(if parent.is_some() { "RE" } else { "custom" })
                .to_string(),
            verified: ns_prop(c, "provisional") != Some("true"),
            ref_id: ref_id.clone(),
            group: group.to_string(),
            group_title: group_title.to_string(),
            title,
            description,
            parent: parent.map(str::to_string),
            sl,
            component_types,
        });
        for child in c["controls"].as_array().into_iter().flatten() {
            walk(child, group, group_title, Some(&ref_id), out)?;
        }
        Ok(())
    }
    for g in cat["groups"].as_array().into_iter().flatten() {
        let title = g["title"].as_str().unwrap_or("").to_string();
        let code = ns_prop(g, "label")
            .unwrap_or_else(|| {
                g["id"]
                    .as_str()
                    .unwrap_or("General")
                    .trim_start_matches("grp-")
            })
            .to_string();
        for c in g["controls"].as_array().into_iter().flatten() {
            walk(c, &code, &title, None, &mut out)?;
        }
    }
    for c in cat["controls"].as_array().into_iter().flatten() {
        walk(c, "General", "General", None, &mut out)?;
    }
    Ok(ReadCatalog {
        title,
        origin,
        requirements: out,
    })
}

/// One control of an OSCAL profile, as text cells to be checked like a row
/// of a profile table.
pub struct ProfileControl {
    pub catalog_id: i64,
    /// The OSCAL control id (a token of the requirement identifier).
    pub ref_id: String,
    pub section: String,
    pub target: String,
    pub party: String,
    pub weight: String,
    pub evidence_required: String,
    pub parameters: String,
}

/// The catalog id in a Pactline catalog href: `…/catalogs/{id}/export/oscal`.
fn catalog_id_in(href: &str) -> Option<i64> {
    let rest = href.strip_suffix("/export/oscal")?;
    let (head, id) = rest.rsplit_once('/')?;
    if !head.ends_with("/catalogs") && head != "catalogs" {
        return None;
    }
    id.parse().ok()
}

/// Reads an OSCAL profile back: its title and its controls in order.
pub fn read_profile(doc: &Value) -> Result<(String, Vec<ProfileControl>), AppError> {
    let prof = doc
        .get("profile")
        .ok_or_else(|| bad("This is not an OSCAL profile (no “profile” object)."))?;
    let title = prof["metadata"]["title"]
        .as_str()
        .ok_or_else(|| bad("The profile has no metadata title."))?
        .to_string();
    let imports = prof["imports"]
        .as_array()
        .filter(|i| !i.is_empty())
        .ok_or_else(|| bad("The profile imports no catalog."))?;
    let alters: Vec<&Value> = prof["modify"]["alters"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (n, imp) in imports.iter().enumerate() {
        let href = imp["href"].as_str().unwrap_or_default();
        let catalog_id = catalog_id_in(href).ok_or_else(|| {
            bad(format!(
                "Import {} points at “{href}”; Pactline reads profiles of its own catalogs (…/catalogs/ID/export/oscal).",
                n + 1
            ))
        })?;
        let ids = imp["include-controls"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|i| i["with-ids"].as_array().into_iter().flatten())
            .map(|id| id.as_str().map(str::to_string))
            .collect::<Option<Vec<String>>>()
            .filter(|ids| !ids.is_empty())
            .ok_or_else(|| {
                bad(format!(
                    "Import {} must list its controls (include-controls with-ids).",
                    n + 1
                ))
            })?;
        for id in ids {
            let adds: Vec<&Value> = alters
                .iter()
                .filter(|a| a["control-id"] == id.as_str())
                .flat_map(|a| a["adds"].as_array().into_iter().flatten())
                .collect();
            let prop = |name: &str| {
                adds.iter()
                    .find_map(|a| ns_prop(a, name))
                    .unwrap_or("")
                    .to_string()
            };
            let parameters = adds
                .iter()
                .flat_map(|a| a["parts"].as_array().into_iter().flatten())
                .find(|p| p["name"] == "parameters")
                .and_then(|p| p["prose"].as_str())
                .unwrap_or("")
                .to_string();
            out.push(ProfileControl {
                catalog_id,
                section: prop("section"),
                target: prop("target"),
                party: prop("responsible-party"),
                weight: prop("weight"),
                evidence_required: prop("evidence-required"),
                parameters,
                ref_id: id,
            });
        }
    }
    Ok((title, out))
}

/// Commitments as an OSCAL plan of action and milestones: one POA&M item
/// per commitment, each tied to a risk that is open until the commitment
/// is verified or waived, with its due date as the deadline.
pub fn poam(title: &str, items: &[CommitmentDto], last_modified: &str) -> Value {
    let mut risks = Vec::new();
    let mut poam_items = Vec::new();
    for c in items {
        let risk_uuid = uuid_for(&format!("commitment/{}/risk", c.id.0));
        let closed = matches!(
            c.status,
            crate::model::CommitmentStatus::Verified | crate::model::CommitmentStatus::Waived
        );
        let mut props = vec![
            prop("commitment-status", c.status.as_str()),
            prop("party", non_empty(&c.party)),
            prop("supplier", non_empty(&c.supplier)),
            prop("engagement", non_empty(&c.engagement)),
            prop("source", c.source.as_str()),
        ];
        if c.overdue {
            props.push(prop("overdue", "true"));
        }
        if let Some(r) = &c.requirement {
            props.push(prop("requirement", non_empty(r)));
        }
        let mut risk = json!({
            "uuid": risk_uuid,
            "title": c.title,
            "description": format!("{} has not yet met what it promised to {}.", c.party, c.owner),
            "statement": format!("Promise: {}", c.title),
            "status": if closed { "closed" } else { "open" },
        });
        if let Some(d) = c.due_on {
            risk["deadline"] = json!(format!("{d}T23:59:59Z"));
        }
        if !c.closure_link.is_empty() {
            risk["links"] = json!([{"href": c.closure_link, "rel": "evidence"}]);
        }
        risks.push(risk);
        poam_items.push(json!({
            "uuid": uuid_for(&format!("commitment/{}", c.id.0)),
            "title": c.title,
            "description": format!("Commitment of {} to {}{}.", c.party, c.owner,
                c.due_on.map(|d| format!(", due {d}")).unwrap_or_default()),
            "props": props,
            "related-risks": [{"risk-uuid": risk_uuid}],
        }));
    }
    json!({
        "plan-of-action-and-milestones": {
            "uuid": uuid::Uuid::new_v4().to_string(),
            "metadata": {
                "title": title,
                "last-modified": last_modified,
                "version": "1",
                "oscal-version": OSCAL_VERSION,
            },
            "system-id": {"identifier-type": NS, "id": "pactline"},
            "risks": risks,
            "poam-items": poam_items,
        }
    })
}

/// What an assessment-results document is made of besides the
/// assessment: its times and where its plan and evidence files are.
pub struct ResultsInput<'a> {
    pub assessment: &'a AssessmentDto,
    /// When the questionnaire was sent, answered (or now) and decided.
    pub sent: DateTime<Utc>,
    pub collected: DateTime<Utc>,
    pub decided: Option<DateTime<Utc>>,
    /// The questionnaire's profile as OSCAL (the plan assessed against).
    pub plan_href: String,
    /// Where an evidence file downloads from.
    pub evidence_href: &'a dyn Fn(i64) -> String,
}

/// An assessment as OSCAL assessment results: the reviewed controls are
/// the profile's requirements; each answer is an observation (compliance,
/// claimed level, review verdict, its evidence as links); each requirement
/// not met, unanswered, rejected or met only with a compensating
/// countermeasure is a finding; the decision and its rationale close the
/// result. The document's uuid is a digest of its content, so the same
/// assessment gives the same document.
pub fn assessment_results(r: &ResultsInput) -> Value {
    let a = r.assessment;
    let s = &a.summary;
    let rfc = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    let mut controls = Vec::new();
    for x in &a.answers {
        let control_id = token(&x.requirement.ref_id);
        controls.push(json!({"control-id": control_id}));
        let obs_uuid = uuid_for(&format!(
            "assessment/{}/answer/{}/v{}",
            s.id.0, x.id.0, x.version
        ));
        observations.push(observation(
            x,
            &obs_uuid,
            &rfc(r.collected),
            r.evidence_href,
        ));
        if let Some((state, reason, why)) = shortfall(x) {
            let mut status = json!({"state": state, "reason": reason});
            if !why.is_empty() {
                status["remarks"] = json!(why);
            }
            findings.push(json!({
                "uuid": uuid_for(&format!("assessment/{}/finding/{}/v{}", s.id.0, x.id.0, x.version)),
                "title": format!("{}: {}", x.requirement.ref_id, non_empty(&x.requirement.title)),
                "description": why_text(x),
                "props": [prop("requirement", non_empty(&x.requirement.ref_id))],
                "target": {
                    "type": "objective-id",
                    "target-id": format!("{control_id}_obj"),
                    "status": status,
                },
                "related-observations": [{"observation-uuid": obs_uuid}],
            }));
        }
    }
    let mut props = vec![
        prop("assessment-status", s.status.as_str()),
        prop("owner", non_empty(&s.owner)),
        prop("supplier", non_empty(&s.supplier)),
        prop("profile", non_empty(&s.profile)),
        prop("profile-version", s.profile_version.to_string()),
        prop("engagement", non_empty(&s.engagement)),
    ];
    props.push(prop("answered", s.progress.answered.to_string()));
    props.push(prop("requirements", s.progress.total.to_string()));
    let mut result = json!({
        "uuid": uuid_for(&format!("assessment/{}/result", s.id.0)),
        "title": format!("{} — {}", non_empty(&s.profile), non_empty(&s.supplier)),
        "description": format!(
            "{}'s answers to {}'s questionnaire “{}” (version {}), in the engagement “{}”, as reviewed by {}.",
            non_empty(&s.supplier), non_empty(&s.owner), non_empty(&s.profile),
            s.profile_version, non_empty(&s.engagement), non_empty(&s.owner)
        ),
        "start": rfc(r.sent),
        "props": props,
        "reviewed-controls": {
            "description": "The requirements of the questionnaire's profile.",
            "control-selections": [if controls.is_empty() {
                json!({"include-all": {}})
            } else {
                json!({"include-controls": controls})
            }],
        },
    });
    if !observations.is_empty() {
        result["observations"] = json!(observations);
    }
    if !findings.is_empty() {
        result["findings"] = json!(findings);
    }
    if let Some(d) = r.decided {
        result["end"] = json!(rfc(d));
    }
    if let Some(why) = a
        .decision
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        result["remarks"] = json!(format!("Decision ({}): {why}", s.status.as_str()));
    }
    let last_modified = r.decided.unwrap_or(r.collected).max(r.sent);
    let mut doc = json!({
        "assessment-results": {
            "uuid": "",
            "metadata": {
                "title": format!("Assessment results: {}", non_empty(&s.profile)),
                "last-modified": rfc(last_modified),
                "version": s.profile_version.to_string(),
                "oscal-version": OSCAL_VERSION,
                "parties": [
                    {"uuid": uuid_for(&format!("org/{}", s.owner)), "type": "organization", "name": non_empty(&s.owner)},
                    {"uuid": uuid_for(&format!("org/{}", s.supplier)), "type": "organization", "name": non_empty(&s.supplier)},
                ],
            },
            "import-ap": {
                "href": r.plan_href,
                "remarks": "Pactline keeps no separate assessment plan: the questionnaire's profile is what was assessed against.",
            },
            "results": [result],
        }
    });
    let digest = crate::server::tokens::sha256_hex(doc.to_string().as_bytes());
    doc["assessment-results"]["uuid"] = json!(uuid_for(&format!("results/{digest}")));
    doc
}

/// One answer as an observation.
fn observation(
    x: &AnswerDto,
    uuid: &str,
    collected: &str,
    evidence_href: &dyn Fn(i64) -> String,
) -> Value {
    let f = &x.fields;
    let target = match x.target_kind {
        TargetKind::Sl => format!("SL {}", x.target),
        TargetKind::Ml => format!("ML {}", x.target),
    };
    let mut props = vec![
        prop("requirement", non_empty(&x.requirement.ref_id)),
        prop("target", target),
        prop(
            "compliance",
            f.compliance.map(|c| c.as_str()).unwrap_or("unanswered"),
        ),
    ];
    if let Some(l) = f.claimed_level {
        props.push(prop("claimed-level", l.to_string()));
    }
    if let Some(v) = x.review {
        props.push(prop("review", v.as_str()));
    }
    let evidence: Vec<Value> = x
        .evidence
        .iter()
        .map(|e| {
            let mut description = non_empty(&e.title);
            if e.kind == "certificate" {
                let parts: Vec<&str> = [&e.scheme, &e.level, &e.scope, &e.issuer, &e.expires_on]
                    .into_iter()
                    .filter_map(|p| p.as_deref())
                    .filter(|p| !p.trim().is_empty())
                    .collect();
                description = format!("Certificate: {}", parts.join(", "));
            }
            let href = match e.kind.as_str() {
                "file" => Some(evidence_href(e.id.0)),
                "link" => e.url.clone(),
                _ => None,
            };
            let mut ev = json!({"description": description, "props": [prop("evidence-kind", non_empty(&e.kind))]});
            if let Some(h) = href {
                ev["href"] = json!(h);
            }
            ev
        })
        .collect();
    let mut o = json!({
        "uuid": uuid,
        "title": non_empty(&x.requirement.ref_id),
        "description": answer_text(x),
        "props": props,
        "methods": ["EXAMINE"],
        "types": ["control-objective"],
        "collected": collected,
    });
    if !evidence.is_empty() {
        o["relevant-evidence"] = json!(evidence);
    }
    o
}

/// The supplier's answer in words.
fn answer_text(x: &AnswerDto) -> String {
    let f = &x.fields;
    let Some(c) = f.compliance else {
        return "The supplier has not answered.".into();
    };
    let mut t = format!("{}.", c.label());
    for (label, v) in [
        ("Statement", f.statement.as_str()),
        ("Compensating countermeasure", f.countermeasure.as_str()),
        ("Not applicable because", f.na_reason.as_str()),
        ("Carried by", f.other_party.as_str()),
    ] {
        if !v.trim().is_empty() {
            t.push_str(&format!(" {label}: {}", v.trim()));
        }
    }
    if let Some(d) = f.planned_on {
        t.push_str(&format!(" Planned for {d}."));
    }
    t
}

/// Why a requirement is a finding, if it is one: the objective's state,
/// the OSCAL reason and Pactline's words.
fn shortfall(x: &AnswerDto) -> Option<(&'static str, &'static str, String)> {
    let f = &x.fields;
    let below =
        matches!((x.target_kind, f.claimed_level), (TargetKind::Sl, Some(l)) if l < x.target);
    if x.review == Some(ReviewStatus::Rejected) {
        return Some((
            "not-satisfied",
            "fail",
            "The asset owner rejected the answer.".into(),
        ));
    }
    match f.compliance {
        None => Some(("not-satisfied", "fail", "Not answered.".into())),
        Some(Compliance::DoesNotMeet | Compliance::PartiallyMeets | Compliance::Planned) => {
            Some(("not-satisfied", "fail", String::new()))
        }
        Some(Compliance::MeetsWithCompensatingCountermeasure) => Some((
            "satisfied",
            "other",
            "Met with a compensating countermeasure.".into(),
        )),
        Some(_) if below => Some((
            "not-satisfied",
            "fail",
            format!("The claimed level is below the target SL {}.", x.target),
        )),
        Some(_) => None,
    }
}

fn why_text(x: &AnswerDto) -> String {
    let mut t = answer_text(x);
    if let Some(v) = x.review {
        t.push_str(&format!(" Review: {}.", v.label()));
    }
    t
}

pub(crate) fn non_empty(s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        "unknown".into()
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{catalog_id_in, token};

    #[test]
    fn catalog_hrefs_name_an_id() {
        assert_eq!(
            catalog_id_in("https://x.example/catalogs/42/export/oscal"),
            Some(42)
        );
        assert_eq!(catalog_id_in("/catalogs/7/export/oscal"), Some(7));
        assert_eq!(
            catalog_id_in("https://x.example/catalogs/abc/export/oscal"),
            None
        );
        assert_eq!(
            catalog_id_in("https://x.example/other/4/export/oscal"),
            None
        );
        assert_eq!(catalog_id_in("#local"), None);
    }

    #[test]
    fn identifiers_become_oscal_tokens() {
        assert_eq!(token("CR 1.1 RE(1)"), "cr-1.1-re-1");
        assert_eq!(token("SP.01.01 BR"), "sp.01.01-br");
        assert_eq!(token("SM-1"), "sm-1");
        assert_eq!(token("1.2 (corp)"), "r-1.2-corp");
        assert_eq!(token("EDR 3.14"), "edr-3.14");
    }
}
