//! The isolation matrix's cases: editing, publishing and importing profiles; catalog changes.

use super::*;

pub(super) fn profile_cases(c: Caller, ids: &Ids) -> Vec<Case> {
    let me = slug(c);
    vec![
        (
            "import_profile",
            a(&[
                ("name", &format!("Imported by {me}")),
                (
                    "file:p.csv",
                    "catalog,ref_id,target\niec-62443-4-2,CR 1.1,2\n",
                ),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            // Another tenant's catalog, by name: as unknown as a missing one.
            "import_profile",
            a(&[
                ("name", "Sneaky"),
                (
                    "file:p.csv",
                    "catalog,ref_id,target\nBeta Power OT standard,B-1,2\n",
                ),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 422), (Alpha(Role::Contributor), 422)],
            ),
        ),
        (
            // … and by id, through an OSCAL profile's import href.
            "import_profile",
            a(&[
                ("name", "Sneaky"),
                ("file:p.json", &oscal_profile_of(&ids.beta_catalog)),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 422), (Alpha(Role::Contributor), 422)],
            ),
        ),
        (
            "add_profile_requirements",
            a(&[
                ("profile_id", &ids.alpha_profile),
                ("catalog_id", &ids.shipped_catalog),
                ("ref_ids[0]", "CR 1.1"),
                ("level", "2"),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            "add_profile_requirements",
            a(&[
                ("profile_id", &ids.beta_profile),
                ("catalog_id", &ids.shipped_catalog),
                ("ref_ids[0]", "CR 1.1"),
                ("level", "2"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "add_profile_requirements",
            a(&[
                ("profile_id", &ids.alpha_profile),
                ("catalog_id", &ids.beta_catalog),
                ("ref_ids[0]", "B-1"),
                ("level", "2"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "list_profiles",
            a(&[]),
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
            "create_profile",
            a(&[("name", &format!("Profile by {me}")), ("description", "")]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            "get_profile",
            a(&[("profile_id", &ids.alpha_profile)]),
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
            "get_profile",
            a(&[("profile_id", &ids.beta_profile)]),
            expect(c, 404, &[]),
        ),
        (
            "add_profile_items",
            a(&[
                ("profile_id", &ids.alpha_profile),
                ("catalog_id", &ids.shipped_catalog),
                ("component_type", "EDR"),
                ("level", "1"),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            "add_profile_items",
            a(&[
                ("profile_id", &ids.beta_profile),
                ("catalog_id", &ids.shipped_catalog),
                ("component_type", "EDR"),
                ("level", "2"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "add_profile_items",
            a(&[
                ("profile_id", &ids.alpha_profile),
                ("catalog_id", &ids.beta_catalog),
                ("component_type", ""),
                ("level", "2"),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "update_profile_item",
            a(&[
                ("item_id", &ids.alpha_item),
                ("section", "S"),
                ("target", "2"),
                ("responsible_party", "asset_owner"),
                ("weight", "2"),
                ("parameters", ""),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            "update_profile_item",
            a(&[
                ("item_id", &ids.beta_item),
                ("section", "S"),
                ("target", "2"),
                ("responsible_party", "asset_owner"),
                ("weight", "2"),
                ("parameters", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "bulk_update_profile_items",
            a(&[
                ("profile_id", &ids.alpha_profile),
                ("item_ids[0]", &ids.alpha_item),
                ("target", "2"),
                ("responsible_party", ""),
                ("weight", "3"),
                ("evidence_required", "yes"),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            // Another tenant's item slipped into one's own profile: not in it.
            "bulk_update_profile_items",
            a(&[
                ("profile_id", &ids.alpha_profile),
                ("item_ids[0]", &ids.alpha_item),
                ("item_ids[1]", &ids.beta_item),
                ("target", "1"),
                ("responsible_party", ""),
                ("weight", ""),
                ("evidence_required", ""),
            ]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 422), (Alpha(Role::Contributor), 422)],
            ),
        ),
        (
            "bulk_update_profile_items",
            a(&[
                ("profile_id", &ids.beta_profile),
                ("item_ids[0]", &ids.beta_item),
                ("target", "1"),
                ("responsible_party", ""),
                ("weight", ""),
                ("evidence_required", ""),
            ]),
            expect(c, 404, &[]),
        ),
        (
            "move_profile_item",
            a(&[("item_id", &ids.alpha_item), ("direction", "down")]),
            expect(
                c,
                404,
                &[(Alpha(Role::Admin), 200), (Alpha(Role::Contributor), 200)],
            ),
        ),
        (
            "move_profile_item",
            a(&[("item_id", &ids.beta_item), ("direction", "down")]),
            expect(c, 404, &[]),
        ),
        (
            "remove_profile_item",
            a(&[("item_id", &ids.beta_item)]),
            expect(c, 404, &[]),
        ),
        (
            "publish_profile",
            a(&[("profile_id", &ids.beta_profile)]),
            expect(c, 404, &[]),
        ),
        (
            "new_profile_version",
            a(&[("profile_id", &ids.beta_profile)]),
            expect(c, 404, &[]),
        ),
        (
            "get_catalog",
            a(&[("catalog_id", &ids.shipped_catalog)]),
            expect(c, 200, &[]),
        ),
        (
            "get_catalog",
            a(&[("catalog_id", &ids.beta_catalog)]),
            expect(c, 404, &[]),
        ),
    ]
}
