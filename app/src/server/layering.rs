//! Checks of the server's layering that no compiler makes: the service
//! modules under `server/services/` depend on each other without a cycle,
//! so that what two services share lives below them (`access`, `answers`,
//! `read_models`, `notify`, `writes`), never in one of them.

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
