//! The isolation matrix's cases: the asset owner's own security program.
//! Only the owner's people read it and only its admins, reviewers and
//! contributors change it; for a supplier or an assessor it does not exist.
//! Beta rated ORG 1.1 with a BETA-PROMISE note that no caller may see.

use super::*;

pub(super) fn program_cases(c: Caller, _ids: &Ids) -> Vec<Case> {
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
    vec![
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
