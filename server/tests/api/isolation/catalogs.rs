//! The isolation matrix's cases: catalogs, and reading profiles.

use super::*;

pub(super) fn catalog_cases(c: Caller, ids: &Ids) -> Vec<Case> {
    let me = slug(c);
    vec![
        ("list_catalogs", a(&[]), expect(c, 200, &[])),
        (
            "compare_profiles",
            a(&[
                ("profile_id", &ids.alpha_profile),
                ("other_id", &ids.alpha_profile),
            ]),
            expect(
                c,
                404,
                &[
                    (Alpha(Role::Admin), 200),
                    (Alpha(Role::Reviewer), 200),
                    (Alpha(Role::Contributor), 200),
                    (Alpha(Role::Viewer), 200),
                ],
            ),
        ),
        (
            "compare_profiles",
            a(&[
                ("profile_id", &ids.beta_profile),
                ("other_id", &ids.beta_profile),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "compare_profiles",
            a(&[
                ("profile_id", &ids.alpha_profile),
                ("other_id", &ids.beta_profile),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "create_catalog",
            a(&[("name", &format!("Catalog by {me}"))]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            "add_catalog_requirement",
            a(&[
                ("catalog_id", &ids.alpha_catalog),
                ("ref_id", &format!("M-{me}")),
                ("title", "T"),
                ("description", ""),
                ("group", ""),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            "add_catalog_requirement",
            a(&[
                ("catalog_id", &ids.beta_catalog),
                ("ref_id", &format!("M-{me}")),
                ("title", "T"),
                ("description", ""),
                ("group", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "add_catalog_requirement",
            a(&[
                ("catalog_id", &ids.shipped_catalog),
                ("ref_id", &format!("M-{me}")),
                ("title", "T"),
                ("description", ""),
                ("group", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "import_catalog",
            a(&[
                ("name", &format!("Imported by {me}")),
                ("file:matrix.csv", "ref_id,title\nM-1,Matrix requirement\n"),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        ("browse_shipped", a(&[]), expect(c, 200, &[])),
    ]
}
