//! The isolation matrix's cases: the asset owner's own security program.
//! Only the owner's people read it and only its admins, reviewers and
//! contributors change it; for a supplier or an assessor it does not exist.
//! Beta rated ORG 1.1 with a BETA-PROMISE note that no caller may see.

use super::*;

pub(super) fn program_cases(c: Caller, ids: &Ids) -> Vec<Case> {
    // Each caller rates its own requirement, so that no caller's save makes
    // the next one's version stale.
    let mine = match c {
        Alpha(Role::Admin) => "ORG 1.2",
        Alpha(Role::Reviewer) => "ORG 1.3",
        Alpha(Role::Contributor) => "ORG 1.4",
        _ => "ORG 1.5",
    };
    let readers = || expect(c, 404, &alpha_all(200));
    let raters = || expect(c, 404, &alpha_managers(200));
    let me = slug(c);
    let nobody = || expect(c, 404, &[]);
    vec![
        // The zone model (IEC 62443-3-2): the same people; Beta's zone,
        // system and component are nobody's business here.
        ("zones_and_conduits", a(&[]), readers()),
        ("get_zone", a(&[("zone_id", &ids.alpha_zone)]), readers()),
        ("get_zone", a(&[("zone_id", &ids.beta_zone)]), nobody()),
        (
            "create_system",
            a(&[("name", &format!("{me} plant")), ("description", "")]),
            raters(),
        ),
        (
            "create_zone",
            a(&[
                ("system_id", &ids.alpha_system),
                ("name", &format!("{me} zone")),
                ("sl_t", "1,1,1,1,1,1,1"),
            ]),
            raters(),
        ),
        (
            "create_zone",
            a(&[
                ("system_id", &ids.beta_system),
                ("name", &format!("{me} zone")),
                ("sl_t", "1,1,1,1,1,1,1"),
            ]),
            nobody(),
        ),
        (
            "set_zone_target",
            a(&[("zone_id", &ids.alpha_zone), ("sl_t", "2,2,3,1,2,1,2")]),
            raters(),
        ),
        (
            "set_zone_target",
            a(&[("zone_id", &ids.beta_zone), ("sl_t", "1,1,1,1,1,1,1")]),
            nobody(),
        ),
        // Alpha's zone to itself: checked, and refused, only for Alpha's
        // editors; Beta's system for nobody.
        (
            "create_conduit",
            a(&[
                ("system_id", &ids.alpha_system),
                ("name", &format!("{me} conduit")),
                ("from_zone_id", &ids.alpha_zone),
                ("to_zone_id", &ids.alpha_zone),
                ("sl_t", "1,1,1,1,1,1,1"),
            ]),
            expect(c, 404, &alpha_managers(422)),
        ),
        (
            "create_conduit",
            a(&[
                ("system_id", &ids.alpha_system),
                ("name", &format!("{me} conduit")),
                ("from_zone_id", &ids.alpha_zone),
                ("to_zone_id", &ids.beta_zone),
                ("sl_t", "1,1,1,1,1,1,1"),
            ]),
            expect(c, 404, &alpha_managers(422)),
        ),
        (
            "create_conduit",
            a(&[
                ("system_id", &ids.beta_system),
                ("name", &format!("{me} conduit")),
                ("from_zone_id", &ids.beta_zone),
                ("to_zone_id", &ids.beta_zone),
                ("sl_t", "1,1,1,1,1,1,1"),
            ]),
            nobody(),
        ),
        (
            "add_component",
            a(&[
                ("zone_id", &ids.alpha_zone),
                ("component[name]", &format!("{me} PLC")),
                ("component[component_type]", "EDR"),
            ]),
            raters(),
        ),
        // A component linked to another tenant's assessment: refused.
        (
            "add_component",
            a(&[
                ("zone_id", &ids.alpha_zone),
                ("component[name]", "Sneaky"),
                ("component[component_type]", "EDR"),
                ("component[assessment_id]", &ids.beta_assessment),
            ]),
            expect(c, 404, &alpha_managers(422)),
        ),
        (
            "add_component",
            a(&[
                ("zone_id", &ids.beta_zone),
                ("component[name]", "Sneaky"),
                ("component[component_type]", "EDR"),
            ]),
            nobody(),
        ),
        (
            "set_component_legacy",
            a(&[("component_id", &ids.alpha_component), ("legacy", "yes")]),
            raters(),
        ),
        (
            "set_component_legacy",
            a(&[("component_id", &ids.beta_component), ("legacy", "yes")]),
            nobody(),
        ),
        // A countermeasure for Alpha's (by now legacy) component, carried
        // by Alpha itself (no commitment: Sigma, the component's supplier,
        // learns nothing of it); Beta's component is nobody's business.
        (
            "add_countermeasure",
            a(&[
                ("component_id", &ids.alpha_component),
                ("countermeasure[frs]", "FR3"),
                ("countermeasure[description]", "ALPHA-INTERNAL jump host"),
                ("countermeasure[location]", "zone_boundary"),
                ("countermeasure[review_on]", "2099-01-01"),
            ]),
            raters(),
        ),
        (
            "add_countermeasure",
            a(&[
                ("component_id", &ids.beta_component),
                ("countermeasure[frs]", "FR3"),
                ("countermeasure[description]", "Sneaky"),
                ("countermeasure[location]", "component"),
                ("countermeasure[review_on]", "2099-01-01"),
            ]),
            nobody(),
        ),
        // Reviews of a countermeasure the owner carries: its editors; Beta's
        // is nobody's business.
        (
            "review_countermeasure",
            a(&[
                ("countermeasure_id", &ids.alpha_countermeasure),
                ("finding", &format!("{me} still effective")),
                (
                    "next_review_on",
                    &(chrono::Utc::now().date_naive() + chrono::Days::new(90)).to_string(),
                ),
            ]),
            raters(),
        ),
        (
            "review_countermeasure",
            a(&[
                ("countermeasure_id", &ids.beta_countermeasure),
                ("finding", "Sneaky"),
                (
                    "next_review_on",
                    &(chrono::Utc::now().date_naive() + chrono::Days::new(90)).to_string(),
                ),
            ]),
            nobody(),
        ),
        // Accepting a risk is for Alpha's admin alone.
        (
            "accept_zone_risk",
            a(&[
                ("zone_id", &ids.alpha_zone),
                ("fr", "FR1"),
                ("reason", "Isolated"),
                (
                    "accepted_until",
                    &(chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string(),
                ),
            ]),
            expect(c, 404, &[(Alpha(Role::Admin), 200)]),
        ),
        (
            "accept_zone_risk",
            a(&[
                ("zone_id", &ids.beta_zone),
                ("fr", "FR1"),
                ("reason", "Sneaky"),
                ("accepted_until", "2027-01-01"),
            ]),
            nobody(),
        ),
        // Profiles are made by admins and contributors.
        (
            "profile_from_zone",
            a(&[
                ("zone_id", &ids.alpha_zone),
                ("component_type", "EDR"),
                ("name", &format!("{me} zone profile")),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            "profile_from_zone",
            a(&[
                ("zone_id", &ids.beta_zone),
                ("component_type", "EDR"),
                ("name", ""),
            ]),
            nobody(),
        ),
        ("security_program", a(&[]), readers()),
        (
            "program_requirement",
            a(&[("ref_id", "ORG 1.1")]),
            readers(),
        ),
        (
            "rate_program_requirement",
            a(&[
                ("ref_id", mine),
                ("rating[target_ml]", "2"),
                ("rating[achieved_ml]", "1"),
                ("version", "0"),
            ]),
            raters(),
        ),
        (
            "set_program_trace",
            a(&[("ref_id", mine), ("trace", "4-1 SUM-1")]),
            raters(),
        ),
        (
            "set_program_trace",
            a(&[("ref_id", mine), ("reset", "yes")]),
            raters(),
        ),
    ]
}
