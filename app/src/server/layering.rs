//! Checks of the server's layering that no compiler makes: the service
//! modules under `server/services/` depend on each other without a cycle,
//! so that what two services share lives below them (`access`, `answers`,
//! `read_models`, `notify`, `writes`), never in one of them; and they reach
//! tenant rows only through `access`, unless a line says why not.

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    /// Service module → the service modules it names (`super::x`,
    /// `services::x`, `use super::{x, …}`), comments left out.
    fn graph() -> BTreeMap<String, BTreeSet<String>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/services");
        let mut sources = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("services folder") {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.extension().is_some_and(|e| e == "rs") && name != "mod" {
                let text = std::fs::read_to_string(&path).unwrap();
                let code: String = text
                    .lines()
                    .map(|l| l.split("//").next().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n");
                sources.insert(name, code);
            }
        }
        let names: BTreeSet<String> = sources.keys().cloned().collect();
        let mut g = BTreeMap::new();
        for (m, code) in &sources {
            let mut deps = BTreeSet::new();
            for prefix in ["super::", "services::"] {
                for (i, _) in code.match_indices(prefix) {
                    let rest = &code[i + prefix.len()..];
                    let words: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                        let group = &group[..group.find('}').unwrap_or(group.len())];
                        group
                            .split(',')
                            .map(|p| p.trim().split("::").next().unwrap_or("").trim())
                            .collect()
                    } else {
                        let end = rest
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .unwrap_or(rest.len());
                        vec![&rest[..end]]
                    };
                    for w in words {
                        if w != m && names.contains(w) {
                            deps.insert(w.to_string());
                        }
                    }
                }
            }
            g.insert(m.clone(), deps);
        }
        g
    }

    fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
        fn visit(
            g: &BTreeMap<String, BTreeSet<String>>,
            m: &str,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
        ) -> Option<Vec<String>> {
            if let Some(i) = path.iter().position(|p| p == m) {
                let mut c = path[i..].to_vec();
                c.push(m.to_string());
                return Some(c);
            }
            if done.contains(m) {
                return None;
            }
            path.push(m.to_string());
            for d in g.get(m).into_iter().flatten() {
                if let Some(c) = visit(g, d, path, done) {
                    return Some(c);
                }
            }
            path.pop();
            done.insert(m.to_string());
            None
        }
        let mut done = BTreeSet::new();
        g.keys()
            .find_map(|m| visit(g, m, &mut Vec::new(), &mut done))
    }

    #[test]
    fn services_import_each_other_without_a_cycle() {
        let g = graph();
        assert!(g.len() > 15, "the services were not found: {g:?}");
        if let Some(c) = cycle(&g) {
            panic!(
                "service modules import each other in a circle: {}. Move what they share \
                 down (access, answers, read_models, notify, writes).",
                c.join(" → ")
            );
        }
    }

    /// Tables whose rows belong to an organization (or two).
    const TENANT: &[&str] = &[
        "answer",
        "answer_version",
        "assessment",
        "assessment_gap",
        "audit_event",
        "calendar_feed",
        "catalog",
        "comment",
        "commitment",
        "engagement",
        "engagement_assessor",
        "evidence",
        "identity_provider",
        "invitation",
        "membership",
        "notification",
        "outbox",
        "passkey",
        "profile",
        "profile_item",
        "program_rating",
        "program_rating_version",
        "program_trace",
        "reminder_claim",
        "requirement",
        "responsibility",
        "review",
        "sso_domain",
        "system",
        "conduit",
        "zone",
        "zone_component",
        "countermeasure",
        "countermeasure_review",
        "risk_acceptance",
        "product",
        "product_version",
        "certificate",
        "product_answer",
        "product_answer_version",
        "library_evidence",
        "product_share",
        "product_share_change",
        "sso_login",
        "supplier_link",
    ];

    /// The lines of `code` that query a tenant table themselves: an
    /// entity's `find`/`find_by_id`, or raw SQL naming a tenant table. A
    /// line passes with `access: allow` on it or in the comment right above.
    fn unguarded(code: &str) -> Vec<(usize, String)> {
        let lines: Vec<&str> = code.lines().collect();
        let allowed = |i: usize| {
            if lines[i].contains("access: allow") {
                return true;
            }
            let mut j = i;
            while j > 0 && lines[j - 1].trim_start().starts_with("//") {
                j -= 1;
                if lines[j].contains("access: allow") {
                    return true;
                }
            }
            false
        };
        let is_query = |line: &str| {
            let code = line.split("//").next().unwrap_or("");
            let entity = TENANT.iter().any(|t| {
                [
                    format!("{t}::Entity::find()"),
                    format!("{t}::Entity::find_by_id("),
                ]
                .iter()
                .any(|p| {
                    code.match_indices(p.as_str()).any(|(k, _)| {
                        // `answer::` but not `other_answer::`.
                        k == 0
                            || !code[..k]
                                .chars()
                                .last()
                                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                })
            });
            let raw = ["from_sql_and_values", "from_string(", "execute_unprepared"]
                .iter()
                .any(|r| code.contains(r));
            entity || raw
        };
        lines
            .iter()
            .enumerate()
            .filter(|(i, l)| is_query(l) && !allowed(*i))
            .map(|(i, l)| (i + 1, l.trim().to_string()))
            .collect()
    }

    #[test]
    fn services_query_tenant_rows_only_through_access() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/services");
        let mut found = Vec::new();
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).expect("services folder") {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                for (n, line) in unguarded(&text) {
                    found.push(format!("services/{name}:{n}: {line}"));
                }
            }
        }
        assert!(files > 15, "the services were not found");
        assert!(
            found.is_empty(),
            "services query tenant rows without `access` (use or add a function in \
             server/access/, or mark a reviewed system/token lookup \
             `// access: allow — why`):\n{}",
            found.join("\n")
        );
    }

    /// Public service functions that act for a user and have no tracing span
    /// (the span carries organization, user and object id into every log
    /// line written inside).
    fn untraced(code: &str) -> Vec<String> {
        let lines: Vec<&str> = code.lines().collect();
        let mut found = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if !l.starts_with("pub async fn ") {
                continue;
            }
            let end = lines[i..]
                .iter()
                .position(|s| s.trim_end().ends_with('{'))
                .map_or(lines.len(), |k| i + k + 1);
            let sig = lines[i..end].join(" ");
            let acts = sig.contains("actor: &Actor");
            let traced = i > 0 && lines[i - 1].starts_with("#[tracing::instrument(");
            if acts && !traced {
                found.push(l.trim().to_string());
            }
        }
        found
    }

    #[test]
    fn public_services_acting_for_a_user_are_traced() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/services");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("services folder") {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                for f in untraced(&std::fs::read_to_string(&path).unwrap()) {
                    found.push(format!("services/{name}: {f}"));
                }
            }
        }
        assert!(
            found.is_empty(),
            "add #[tracing::instrument(skip_all, fields(org = …, user = …, id = …))]:\n{}",
            found.join("\n")
        );
        assert_eq!(
            untraced("pub async fn f(\n    actor: &Actor,\n) -> R {\n"),
            ["pub async fn f("]
        );
    }

    #[test]
    fn the_scan_finds_direct_queries_and_honours_the_marker() {
        let code = "let a = assessment::Entity::find_by_id(1);\n\
                    // access: allow — a system job\n\
                    let b = commitment::Entity::find();\n\
                    let c = user::Entity::find();\n\
                    let d = access::answers_of(&a);\n\
                    db.execute_unprepared(\"DELETE FROM answers\");\n";
        let hits: Vec<usize> = unguarded(code).into_iter().map(|(n, _)| n).collect();
        assert_eq!(hits, [1, 6]);
    }

    #[test]
    fn the_cycle_finder_finds_cycles() {
        let mut g = BTreeMap::new();
        g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
        g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
        g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
        assert_eq!(cycle(&g).unwrap(), ["a", "b", "c", "a"]);
        g.get_mut("c").unwrap().clear();
        assert_eq!(cycle(&g), None);
    }
}
