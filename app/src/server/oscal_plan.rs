//! A system's zone model as an OSCAL system security plan: the system
//! characteristics (its zones as the boundary, its conduits as the network
//! architecture), its zones, conduits and components as system components,
//! and a control implementation over IEC 62443-3-3 that says, per zone, how
//! each system requirement its SL-T selects stands: implemented where the
//! zone's components reach the level, an alternative where a compensating
//! countermeasure stands in, partial where the gap is open or its risk
//! accepted. Pactline's facts (SL-T, reach and state per FR, component
//! types, dates, who carries a countermeasure) travel as namespaced props.

use super::oscal::{non_empty, prop, token, uuid_for, NS, OSCAL_VERSION};
use crate::model::{
    fr_of, ComponentDto, ComponentType, CountermeasureLocation, GapState, RequirementDto, SystemDto,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// What a plan is made of besides the system itself.
pub struct PlanInput<'a> {
    /// The asset owner (the organization whose system it is).
    pub owner: &'a str,
    pub system: &'a SystemDto,
    /// The IEC 62443-3-3 requirements (the controls), in catalog order.
    pub controls: &'a [RequirementDto],
    /// Where that catalog downloads as OSCAL.
    pub catalog_href: String,
    /// RFC 3339.
    pub last_modified: &'a str,
    /// Where a linked assessment downloads as OSCAL assessment results.
    pub assessment_href: &'a dyn Fn(i64) -> String,
}

fn gap_word(g: GapState) -> &'static str {
    match g {
        GapState::Met => "met",
        GapState::Open => "open",
        GapState::Compensated => "compensated",
        GapState::Accepted => "accepted",
    }
}

fn levels(v: [u8; 7]) -> String {
    v.iter().map(u8::to_string).collect::<Vec<_>>().join(" ")
}

fn org_uuid(name: &str) -> String {
    uuid_for(&format!("org/{name}"))
}

fn component_kind(c: &ComponentDto) -> &'static str {
    match c.component_type {
        ComponentType::SAR => "software",
        _ => "hardware",
    }
}

/// The plan, or `None` for a system without zones (nothing to implement).
pub fn system_security_plan(p: &PlanInput) -> Option<Value> {
    let s = p.system;
    if s.zones.is_empty() {
        return None;
    }
    let base = format!("ssp/{}/system/{}", p.owner, s.id);
    let this_system = uuid_for(&format!("{base}/this-system"));
    let zone_uuid = |id: i64| uuid_for(&format!("{base}/zone/{id}"));
    let conduit_uuid = |id: i64| uuid_for(&format!("{base}/conduit/{id}"));
    let component_uuid = |id: i64| uuid_for(&format!("{base}/component/{id}"));

    // Parties: the owner, the suppliers of components, who carries a
    // countermeasure.
    let mut parties: BTreeMap<String, &str> = BTreeMap::new();
    parties.insert(org_uuid(p.owner), p.owner);
    let mut components = vec![json!({
        "uuid": this_system,
        "type": "this-system",
        "title": s.name,
        "description": non_empty(&s.description),
        "props": [
            prop("zones", s.zones.len().to_string()),
            prop("conduits", s.conduits.len().to_string()),
        ],
        "status": {"state": "operational"},
        "responsible-roles": [{"role-id": "asset-owner", "party-uuids": [org_uuid(p.owner)]}],
    })];
    for z in &s.zones {
        let mut props = vec![prop("component-role", "zone")];
        for fr in 0..7 {
            let class = format!("fr{}", fr + 1);
            let mut t = prop("sl-t", z.sl_t.0[fr].to_string());
            t["class"] = json!(class);
            props.push(t);
            if let Some(r) = z.reach {
                let mut x = prop("sl-reached", r[fr].to_string());
                x["class"] = json!(class);
                props.push(x);
            }
            if let Some(g) = z.states.get(fr) {
                let mut x = prop("gap-state", gap_word(*g));
                x["class"] = json!(class);
                props.push(x);
            }
        }
        let mut zone = json!({
            "uuid": zone_uuid(z.id),
            "type": "network",
            "title": z.name,
            "description": format!(
                "Zone of {}{}. SL-T {}.",
                s.name,
                if z.description.trim().is_empty() { String::new() } else { format!(": {}", z.description.trim()) },
                z.sl_t
            ),
            "props": props,
            "links": [{"href": format!("#{this_system}"), "rel": "part-of"}],
            "status": {"state": "operational"},
        });
        if !z.acceptances.is_empty() {
            zone["remarks"] = json!(z
                .acceptances
                .iter()
                .map(|a| format!(
                    "FR{} risk accepted by {} until {}{}: {}",
                    a.fr,
                    non_empty(&a.accepted_by),
                    a.accepted_until,
                    if a.expired { " (expired)" } else { "" },
                    a.reason
                ))
                .collect::<Vec<_>>()
                .join("\n"));
        }
        components.push(zone);
        for c in &z.components {
            let mut props = vec![
                prop("component-role", "asset"),
                prop("component-type", c.component_type.as_str()),
                prop("legacy", if c.legacy { "true" } else { "false" }),
            ];
            for (name, v) in [("product", &c.product), ("version", &c.version)] {
                if !v.trim().is_empty() {
                    props.push(prop(name, v.trim()));
                }
            }
            if let Some(d) = c.in_service_since {
                props.push(prop("in-service-since", d.to_string()));
            }
            if let Some(d) = c.end_of_support {
                props.push(prop("end-of-support", d.to_string()));
            }
            for (fr, l) in c.sl_c.iter().enumerate() {
                if let Some(l) = l {
                    let mut x = prop("sl-c", l.to_string());
                    x["class"] = json!(format!("fr{}", fr + 1));
                    props.push(x);
                }
            }
            let mut links =
                vec![json!({"href": format!("#{}", zone_uuid(z.id)), "rel": "part-of"})];
            if let Some(a) = c.assessment_id {
                links.push(json!({
                    "href": (p.assessment_href)(a.0),
                    "rel": "assessment-results",
                    "media-type": "application/oscal.assessment-results+json",
                }));
            }
            let mut comp = json!({
                "uuid": component_uuid(c.id),
                "type": component_kind(c),
                "title": c.name,
                "description": format!(
                    "{} ({}) in zone {}{}.",
                    [c.product.trim(), c.version.trim()].iter().filter(|x| !x.is_empty()).copied().collect::<Vec<_>>().join(" ").trim(),
                    c.component_type.label(),
                    z.name,
                    c.supplier.as_deref().map(|n| format!(", supplied by {n}")).unwrap_or_default()
                ),
                "props": props,
                "links": links,
                "status": if c.past_end_of_support {
                    json!({"state": "operational", "remarks": "Past its end of support."})
                } else {
                    json!({"state": "operational"})
                },
            });
            if let Some(n) = &c.supplier {
                parties.insert(org_uuid(n), n);
                comp["responsible-roles"] =
                    json!([{"role-id": "product-supplier", "party-uuids": [org_uuid(n)]}]);
            }
            components.push(comp);
        }
    }
    for k in &s.conduits {
        let mut props = vec![prop("component-role", "conduit")];
        for fr in 0..7 {
            let class = format!("fr{}", fr + 1);
            let mut t = prop("sl-t", k.sl_t.0[fr].to_string());
            t["class"] = json!(class);
            props.push(t);
            if let Some(g) = k.states.get(fr) {
                let mut x = prop("gap-state", gap_word(*g));
                x["class"] = json!(class);
                props.push(x);
            }
        }
        components.push(json!({
            "uuid": conduit_uuid(k.id),
            "type": "interconnection",
            "title": k.name,
            "description": format!(
                "Conduit between {} and {}{}. SL-T {}.",
                k.from_name,
                k.to_name,
                if k.description.trim().is_empty() { String::new() } else { format!(": {}", k.description.trim()) },
                k.sl_t
            ),
            "props": props,
            "links": [
                {"href": format!("#{}", zone_uuid(k.from_zone)), "rel": "joins"},
                {"href": format!("#{}", zone_uuid(k.to_zone)), "rel": "joins"},
            ],
            "status": {"state": "operational"},
        }));
    }

    // Per 3-3 requirement, each zone whose SL-T selects it.
    let mut implemented = Vec::new();
    for r in p.controls {
        let (Some(fr), Some(min)) = (fr_of(r), r.min_sl()) else {
            continue;
        };
        let i = usize::from(fr) - 1;
        let mut by = Vec::new();
        for z in s.zones.iter().filter(|z| z.sl_t.0[i] >= min) {
            let reached = z.reach.map(|v| v[i]);
            let gap = z.states.get(i).copied();
            let (state, word) = match (reached, gap) {
                (None, _) => ("planned", "no components recorded"),
                (Some(l), _) if l >= min => ("implemented", "met"),
                (_, Some(GapState::Compensated)) => ("alternative", "compensated"),
                (_, Some(GapState::Accepted)) => ("partial", "accepted"),
                _ => ("partial", "open"),
            };
            by.push(json!({
                "component-uuid": zone_uuid(z.id),
                "uuid": uuid_for(&format!("{base}/zone/{}/{}", z.id, r.ref_id)),
                "description": format!(
                    "Zone {}: SL-T {} in FR{fr}, needed from SL {min}; its components reach {}.",
                    z.name,
                    z.sl_t.0[i],
                    reached.map_or("nothing yet".to_string(), |l| format!("SL {l}"))
                ),
                "props": [prop("gap-state", word)],
                "implementation-status": {"state": state},
            }));
            // What stands in where the zone falls short.
            if state != "alternative" {
                continue;
            }
            for c in &z.components {
                for m in c.countermeasures.iter().filter(|m| m.frs.contains(&fr)) {
                    let at = match (m.location, &m.conduit) {
                        (CountermeasureLocation::Conduit, Some((id, _))) => conduit_uuid(*id),
                        (CountermeasureLocation::ZoneBoundary, _) => zone_uuid(z.id),
                        _ => component_uuid(c.id),
                    };
                    parties.insert(org_uuid(&m.responsible), &m.responsible);
                    let role = if m.responsible == p.owner {
                        "asset-owner"
                    } else {
                        "service-provider"
                    };
                    let mut props = vec![
                        prop("compensating-countermeasure", "true"),
                        prop("for-component", c.name.clone()),
                        prop("next-review", m.review_on.to_string()),
                    ];
                    if let Some(st) = m.commitment {
                        props.push(prop("commitment-status", st.as_str()));
                    }
                    let mut b = json!({
                        "component-uuid": at,
                        "uuid": uuid_for(&format!("{base}/countermeasure/{}/{}", m.id, r.ref_id)),
                        "description": m.description,
                        "props": props,
                        "implementation-status": {"state": "alternative"},
                        "responsible-roles": [{"role-id": role, "party-uuids": [org_uuid(&m.responsible)]}],
                    });
                    if !m.residual_gap.trim().is_empty() {
                        b["remarks"] = json!(format!("Residual gap: {}", m.residual_gap.trim()));
                    }
                    by.push(b);
                }
            }
        }
        if by.is_empty() {
            continue;
        }
        implemented.push(json!({
            "uuid": uuid_for(&format!("{base}/requirement/{}", r.ref_id)),
            "control-id": token(&r.ref_id),
            "props": [prop("requirement", r.ref_id.clone())],
            "by-components": by,
        }));
    }

    let catalog_resource = uuid_for(&format!("{base}/catalog"));
    let parties: Vec<Value> = parties
        .iter()
        .map(|(uuid, name)| json!({"uuid": uuid, "type": "organization", "name": non_empty(name)}))
        .collect();
    let zones_text = s
        .zones
        .iter()
        .map(|z| format!("{} (SL-T {})", z.name, z.sl_t))
        .collect::<Vec<_>>()
        .join("; ");
    let conduits_text = if s.conduits.is_empty() {
        "No conduits recorded.".to_string()
    } else {
        s.conduits
            .iter()
            .map(|k| {
                format!(
                    "{} joins {} and {} (SL-T {})",
                    k.name, k.from_name, k.to_name, k.sl_t
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let reached: Vec<String> = s
        .zones
        .iter()
        .filter_map(|z| Some(format!("{}: {}", z.name, levels(z.reach?))))
        .collect();
    let mut characteristics = json!({
        "system-ids": [{"identifier-type": NS, "id": format!("system-{}", s.id)}],
        "system-name": s.name,
        "description": non_empty(&s.description),
        "props": [prop("zones", s.zones.len().to_string()), prop("conduits", s.conduits.len().to_string())],
        "system-information": {"information-types": [{
            "title": "Process control information",
            "description": "Commands, measurements and configuration exchanged in the system's zones and conduits. The zones' target security levels per foundational requirement stand in for a categorization.",
        }]},
        "status": {"state": "operational"},
        "authorization-boundary": {"description": format!("The system under consideration, partitioned into zones: {zones_text}.")},
        "network-architecture": {"description": format!("Conduits: {conduits_text}")},
        "responsible-parties": [{"role-id": "asset-owner", "party-uuids": [org_uuid(p.owner)]}],
    });
    if !reached.is_empty() {
        characteristics["remarks"] = json!(format!(
            "SL reached per FR1–FR7 from the components' accepted assessments — {}.",
            reached.join("; ")
        ));
    }
    Some(json!({
        "system-security-plan": {
            "uuid": uuid_for(&base),
            "metadata": {
                "title": format!("Zone model of {}", s.name),
                "last-modified": p.last_modified,
                "version": "1",
                "oscal-version": OSCAL_VERSION,
                "roles": [
                    {"id": "asset-owner", "title": "Asset owner"},
                    {"id": "product-supplier", "title": "Product supplier"},
                    {"id": "service-provider", "title": "Service provider"},
                ],
                "parties": parties,
            },
            "import-profile": {
                "href": format!("#{catalog_resource}"),
                "remarks": "The zones' SL-T vectors select from the IEC 62443-3-3 catalog directly; no separate profile.",
            },
            "system-characteristics": characteristics,
            "system-implementation": {
                "users": [{
                    "uuid": uuid_for(&format!("{base}/users/owner")),
                    "title": format!("{}'s operators and engineers", non_empty(p.owner)),
                    "role-ids": ["asset-owner"],
                }],
                "components": components,
            },
            "control-implementation": {
                "description": "Per zone, each IEC 62443-3-3 requirement its SL-T selects in the requirement's foundational requirement: implemented where the zone's components reach the level the requirement is needed from; an alternative where a compensating countermeasure stands in (listed with where it is implemented and who carries it); partial where the gap is open or its risk accepted.",
                "implemented-requirements": implemented,
            },
            "back-matter": {"resources": [{
                "uuid": catalog_resource,
                "title": "IEC 62443-3-3 system requirements (Pactline's catalog)",
                "rlinks": [{"href": p.catalog_href, "media-type": "application/oscal.catalog+json"}],
            }]},
        }
    }))
}
