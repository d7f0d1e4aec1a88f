//! The REST API in the isolation matrix: every `/api/v1` route, with a
//! token of each role an admin can make, of each organization (the asset
//! owner, its supplier, its assessor, a second supplier in the same
//! engagement), against the owner's assessment and another owner's; and
//! with no token or a forged one.

use super::{foreign, Caller, Caller::*, Ids};
use crate::common::TestApp;
use reqwest::{Client, StatusCode};
use std::collections::BTreeSet;

/// Every route as the matrix calls it: (method, template, path to call,
/// whose object it names: None for lists, Some(true) for Alpha's).
fn routes(ids: &Ids) -> Vec<(&'static str, &'static str, String, Option<bool>)> {
    let mut v = vec![
        (
            "GET",
            "/api/v1/assessments",
            "/api/v1/assessments".to_string(),
            None,
        ),
        (
            "GET",
            "/api/v1/commitments",
            "/api/v1/commitments".to_string(),
            None,
        ),
    ];
    for (alpha, id, answer, commitment) in [
        (
            true,
            &ids.alpha_assessment,
            &ids.alpha_answer,
            &ids.alpha_commitment,
        ),
        (
            false,
            &ids.beta_assessment,
            &ids.beta_answer,
            &ids.beta_commitment,
        ),
    ] {
        // Starting a proposed commitment never applies: the parties that
        // may move it get 409, so the matrix changes nothing.
        v.push((
            "POST",
            "/api/v1/commitments/{id}/moves",
            format!("/api/v1/commitments/{commitment}/moves"),
            Some(alpha),
        ));
        v.push((
            "GET",
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{id}"),
            Some(alpha),
        ));
        v.push((
            "GET",
            "/api/v1/assessments/{id}/answers",
            format!("/api/v1/assessments/{id}/answers"),
            Some(alpha),
        ));
        // A stale version: the one allowed writer gets 412, so the matrix
        // changes nothing.
        v.push((
            "PUT",
            "/api/v1/answers/{id}",
            format!("/api/v1/answers/{answer}"),
            Some(alpha),
        ));
    }
    v
}

/// What `c` with a token of `role` gets from `method` on an object.
fn want(method: &str, c: Caller, role: &str, alpha: Option<bool>) -> u16 {
    match (method, alpha) {
        ("GET", None) => 200,
        // Alpha's assessment (sent to Sigma): Alpha, Sigma and Alpha's
        // assessor read it; Rho, the other supplier, does not.
        ("GET", Some(true)) if matches!(c, Alpha(_) | Sigma(_) | Kappa(_)) => 200,
        // Only Sigma's contributors answer it.
        ("PUT", Some(true)) if matches!(c, Sigma(_)) && role == "contributor" => 412,
        // Alpha's commitment: Alpha's contributors and reviewers and
        // Sigma's contributors may move it.
        ("POST", Some(true))
            if (matches!(c, Alpha(_)) && role != "viewer")
                || (matches!(c, Sigma(_)) && role == "contributor") =>
        {
            409
        }
        _ => 404,
    }
}

#[test]
fn every_api_route_is_in_the_matrix() {
    let ids_paths: BTreeSet<String> = pactline::api::openapi()
        .paths
        .paths
        .keys()
        .cloned()
        .collect();
    let dummy = Ids {
        ..super::tests_ids()
    };
    let covered: BTreeSet<String> = routes(&dummy)
        .into_iter()
        .map(|(_, t, ..)| t.to_string())
        .collect();
    assert!(!ids_paths.is_empty());
    assert_eq!(
        ids_paths, covered,
        "every documented API route is in the isolation matrix, and only those"
    );
}

async fn token_of(app: &TestApp, admin: &Client, role: &str) -> String {
    let (st, t) = app
        .call(
            admin,
            "create_api_token",
            &[
                ("name", &format!("matrix {role}")),
                ("role", role),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{t}");
    t["secret"].as_str().unwrap().to_string()
}

/// Calls every route as every token; returns what went wrong.
pub async fn matrix(app: &TestApp, ids: &Ids, admins: &[(Caller, Client)]) -> Vec<String> {
    let mut failures = Vec::new();
    let http = Client::new();
    // Who calls, with which token, as which organization and token role.
    type Calling<'a> = (String, Option<String>, Option<(Caller, &'a str)>);
    let mut callers: Vec<Calling> = vec![
        ("no token".into(), None, None),
        (
            "forged token".into(),
            Some(format!("plt_{}", "A".repeat(43))),
            None,
        ),
    ];
    for (c, admin) in admins {
        for role in ["viewer", "contributor", "reviewer"] {
            callers.push((
                format!("{c:?} {role} token"),
                Some(token_of(app, admin, role).await),
                Some((*c, role)),
            ));
        }
    }
    let mut listed = 0;
    for (who, token, org) in &callers {
        for (method, template, path, alpha) in routes(ids) {
            let mut req = if method == "POST" {
                http.post(app.url(&path))
                    .json(&serde_json::json!({"action": "start"}))
            } else if method == "PUT" {
                http.put(app.url(&path))
                    .header("if-match", "\"0\"")
                    .json(&serde_json::json!({"compliance": "does_not_meet", "statement": "MATRIX-OVERWRITE"}))
            } else {
                http.get(app.url(&path))
            };
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let text = r.text().await.unwrap();
            let want = match org {
                None => 401,
                Some((c, role)) => want(method, *c, role, alpha),
            };
            if status != want {
                failures.push(format!(
                    "{who} {method} {template} ({path}): got {status}, want {want}: {text}"
                ));
            }
            if let Some((c, _)) = org {
                for marker in foreign(*c) {
                    if text.contains(marker) {
                        failures.push(format!("{who} GET {path}: answer mentions {marker}"));
                    }
                }
                if template == "/api/v1/assessments" && status == 200 {
                    listed += 1;
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                    let ids_listed: Vec<String> = v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a["id"].to_string())
                        .collect();
                    let sees_alpha = matches!(c, Alpha(_) | Sigma(_) | Kappa(_));
                    if ids_listed.contains(&ids.alpha_assessment) != sees_alpha {
                        failures.push(format!(
                            "{who}: list {ids_listed:?} and Alpha's assessment {}",
                            ids.alpha_assessment
                        ));
                    }
                    if ids_listed.contains(&ids.beta_assessment) {
                        failures.push(format!("{who}: list shows Beta's assessment"));
                    }
                }
            } else if !text.contains("\"status\":401") {
                failures.push(format!("{who} GET {path}: no problem details: {text}"));
            }
        }
    }
    assert_eq!(listed, admins.len() * 3, "every token listed");
    failures
}
