//! The REST API in the isolation matrix: every `/api/v1` route, with a
//! token of each role an admin can make, of each organization (the asset
//! owner, its supplier, its assessor, a second supplier in the same
//! engagement), against the owner's assessment and another owner's; and
//! with no token or a forged one.

use super::{foreign, Caller, Caller::*, Ids};
use crate::common::TestApp;
use reqwest::{Client, StatusCode};
use std::collections::BTreeSet;

/// Who gets what from a route: the status for a caller's organization
/// and its token's role (read-only admin tokens are refused every change
/// before this is asked).
type Rule = fn(Caller, &str) -> u16;

/// What a route is sent.
#[derive(Clone)]
enum Body {
    None,
    Json(serde_json::Value),
    File(&'static [u8]),
}

/// One call of the matrix: method, template, path, body, and who gets what.
struct Route {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Body,
    rule: Rule,
}

fn everyone(_: Caller, _: &str) -> u16 {
    200
}

fn nobody(_: Caller, _: &str) -> u16 {
    404
}

/// Alpha's assessment (sent to Sigma): Alpha, Sigma and Alpha's assessor
/// read it; Rho, the other supplier, does not.
fn assessment_readers(c: Caller, _: &str) -> u16 {
    if matches!(c, Alpha(_) | Sigma(_) | Kappa(_)) {
        200
    } else {
        404
    }
}

fn alpha_only(c: Caller, _: &str) -> u16 {
    if matches!(c, Alpha(_)) {
        200
    } else {
        404
    }
}

/// Alpha's engagement: Alpha and its assessor.
fn engagement_readers(c: Caller, _: &str) -> u16 {
    if matches!(c, Alpha(_) | Kappa(_)) {
        200
    } else {
        404
    }
}

fn admins(_: Caller, role: &str) -> u16 {
    if role == "admin" {
        200
    } else {
        404
    }
}

/// Routes that name an object: Alpha's, and the same route for Beta's.
fn object_routes(ids: &Ids, alpha: bool) -> Vec<Route> {
    let (assessment, answer, commitment, engagement, profile, catalog, evidence) = if alpha {
        (
            &ids.alpha_assessment,
            &ids.alpha_answer,
            &ids.alpha_commitment,
            &ids.alpha_engagement,
            &ids.alpha_profile,
            &ids.alpha_catalog,
            &ids.alpha_evidence,
        )
    } else {
        (
            &ids.beta_assessment,
            &ids.beta_answer,
            &ids.beta_commitment,
            &ids.beta_engagement,
            &ids.beta_profile,
            &ids.beta_catalog,
            &ids.beta_evidence,
        )
    };
    let r = |method, template, path: String, body, rule: Rule| Route {
        method,
        template,
        path,
        body,
        rule: if alpha { rule } else { nobody },
    };
    use serde_json::json;
    vec![
        r(
            "GET",
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{assessment}"),
            Body::None,
            assessment_readers,
        ),
        r(
            "GET",
            "/api/v1/assessments/{id}/answers",
            format!("/api/v1/assessments/{assessment}/answers"),
            Body::None,
            assessment_readers,
        ),
        r(
            "GET",
            "/api/v1/assessments/{id}/oscal",
            format!("/api/v1/assessments/{assessment}/oscal"),
            Body::None,
            assessment_readers,
        ),
        // Suppliers read shared comments only (the markers check it); Rho
        // none of Sigma's.
        r(
            "GET",
            "/api/v1/assessments/{id}/comments",
            format!("/api/v1/assessments/{assessment}/comments"),
            Body::None,
            assessment_readers,
        ),
        // Not submitted, not under review: the owner's reviewers get 409 or
        // 422, so the matrix changes nothing.
        r(
            "POST",
            "/api/v1/assessments/{id}/review",
            format!("/api/v1/assessments/{assessment}/review"),
            Body::None,
            |c, role| match c {
                Alpha(_) if role == "reviewer" => 409,
                _ => 404,
            },
        ),
        r(
            "POST",
            "/api/v1/assessments/{id}/changes-requested",
            format!("/api/v1/assessments/{assessment}/changes-requested"),
            Body::None,
            |c, role| match c {
                Alpha(_) if role == "reviewer" => 422,
                _ => 404,
            },
        ),
        r(
            "POST",
            "/api/v1/assessments/{id}/decision",
            format!("/api/v1/assessments/{assessment}/decision"),
            Body::Json(json!({"decision": "accept", "rationale": "Fine."})),
            |c, role| match c {
                Alpha(_) if role == "reviewer" => 409,
                _ => 404,
            },
        ),
        // A stale version: the one allowed writer gets 412.
        r(
            "PUT",
            "/api/v1/answers/{id}",
            format!("/api/v1/answers/{answer}"),
            Body::Json(json!({"compliance": "does_not_meet", "statement": "MATRIX-OVERWRITE"})),
            |c, role| match c {
                Sigma(_) if role == "contributor" => 412,
                _ => 404,
            },
        ),
        r(
            "PUT",
            "/api/v1/answers/{id}/review",
            format!("/api/v1/answers/{answer}/review"),
            Body::Json(json!({"status": "accepted"})),
            |c, role| match c {
                Alpha(_) if role == "reviewer" => 409,
                _ => 404,
            },
        ),
        // A shared comment: the owner's reviewers and the supplier's
        // contributors write one; an assessor writes internal ones only.
        r(
            "POST",
            "/api/v1/answers/{id}/comments",
            format!("/api/v1/answers/{answer}/comments"),
            Body::Json(json!({"visibility": "shared", "body": "Matrix note."})),
            |c, role| match c {
                Alpha(_) if role == "reviewer" => 201,
                Sigma(_) if role == "contributor" => 201,
                Kappa(_) if role != "viewer" => 422,
                _ => 404,
            },
        ),
        r(
            "POST",
            "/api/v1/answers/{id}/evidence",
            format!("/api/v1/answers/{answer}/evidence?filename=matrix.txt"),
            Body::File(b"matrix evidence"),
            |c, role| match c {
                Sigma(_) if role == "contributor" => 201,
                _ => 404,
            },
        ),
        r(
            "POST",
            "/api/v1/answers/{id}/links",
            format!("/api/v1/answers/{answer}/links"),
            Body::Json(json!({"title": "Matrix", "url": "https://docs.example/matrix"})),
            |c, role| match c {
                Sigma(_) if role == "contributor" => 201,
                _ => 404,
            },
        ),
        r(
            "GET",
            "/api/v1/evidence/{id}",
            format!("/api/v1/evidence/{evidence}"),
            Body::None,
            assessment_readers,
        ),
        // Starting a proposed commitment never applies: the parties that
        // may move it get 409.
        r(
            "POST",
            "/api/v1/commitments/{id}/moves",
            format!("/api/v1/commitments/{commitment}/moves"),
            Body::Json(json!({"action": "start"})),
            |c, role| match c {
                Alpha(_) if role != "viewer" => 409,
                Sigma(_) if role == "contributor" => 409,
                _ => 404,
            },
        ),
        r(
            "GET",
            "/api/v1/engagements/{id}",
            format!("/api/v1/engagements/{engagement}"),
            Body::None,
            engagement_readers,
        ),
        // Each supplier sees its own column of the matrix.
        r(
            "GET",
            "/api/v1/engagements/{id}/matrix",
            format!("/api/v1/engagements/{engagement}/matrix"),
            Body::None,
            everyone,
        ),
        r(
            "GET",
            "/api/v1/profiles/{id}",
            format!("/api/v1/profiles/{profile}"),
            Body::None,
            alpha_only,
        ),
        r(
            "GET",
            "/api/v1/profiles/{id}/items",
            format!("/api/v1/profiles/{profile}/items"),
            Body::None,
            alpha_only,
        ),
        r(
            "GET",
            "/api/v1/catalogs/{id}",
            format!("/api/v1/catalogs/{catalog}"),
            Body::None,
            alpha_only,
        ),
        r(
            "GET",
            "/api/v1/catalogs/{id}/requirements",
            format!("/api/v1/catalogs/{catalog}/requirements"),
            Body::None,
            alpha_only,
        ),
    ]
}

/// Every route as the matrix calls it.
fn routes(ids: &Ids) -> Vec<Route> {
    let list = |template: &'static str, rule: Rule| Route {
        method: "GET",
        template,
        path: template.to_string(),
        body: Body::None,
        rule,
    };
    let mut v = vec![
        list("/api/v1/assessments", everyone),
        list("/api/v1/commitments", everyone),
        list("/api/v1/catalogs", everyone),
        // Suppliers have no engagements of their own: they read assessments.
        list("/api/v1/engagements", engagement_readers),
        list("/api/v1/notifications", everyone),
        // Profiles are an asset owner's.
        list("/api/v1/profiles", alpha_only),
        list("/api/v1/audit-events", admins),
        // Shipped catalogs are everyone's.
        Route {
            method: "GET",
            template: "/api/v1/catalogs/{id}",
            path: format!("/api/v1/catalogs/{}", ids.shipped_catalog),
            body: Body::None,
            rule: everyone,
        },
        Route {
            method: "GET",
            template: "/api/v1/catalogs/{id}/requirements",
            path: format!("/api/v1/catalogs/{}/requirements", ids.shipped_catalog),
            body: Body::None,
            rule: everyone,
        },
    ];
    v.extend(object_routes(ids, true));
    v.extend(object_routes(ids, false));
    v
}

/// What `c` with a token of `role` gets from a route.
fn want(route: &Route, c: Caller, role: &str) -> u16 {
    if role == "admin" && route.method != "GET" {
        // Admin tokens only read.
        return 403;
    }
    (route.rule)(c, role)
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
        .map(|r| r.template.to_string())
        .collect();
    assert!(!ids_paths.is_empty());
    assert_eq!(
        ids_paths, covered,
        "every documented API route is in the isolation matrix, and only those"
    );
}

async fn token_of(app: &TestApp, admin: &Client, role: &str) -> String {
    let name = format!("matrix {role}");
    let mut form = vec![("name", name.as_str()), ("role", role), ("days", "30")];
    if role == "admin" {
        // An admin token only reads.
        form.push(("read_only", "yes"));
    }
    let (st, t) = app.call(admin, "create_api_token", &form).await;
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
        for role in ["viewer", "contributor", "reviewer", "admin"] {
            callers.push((
                format!("{c:?} {role} token"),
                Some(token_of(app, admin, role).await),
                Some((*c, role)),
            ));
        }
    }
    let mut listed = 0;
    for (who, token, org) in &callers {
        for route in routes(ids) {
            let (method, template, path) = (route.method, route.template, &route.path);
            let url = app.url(path);
            let mut req = match route.method {
                "POST" => http.post(url),
                "PUT" => http.put(url).header("if-match", "\"0\""),
                _ => http.get(url),
            };
            req = match &route.body {
                Body::None => req,
                Body::Json(v) => req.json(v),
                Body::File(b) => req
                    .header("content-type", "application/octet-stream")
                    .body(b.to_vec()),
            };
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let text = r.text().await.unwrap();
            let want = match org {
                None => 401,
                Some((c, role)) => want(&route, *c, role),
            };
            if status != want {
                failures.push(format!(
                    "{who} {method} {template} ({path}): got {status}, want {want}: {text}"
                ));
            }
            if let Some((c, _)) = org {
                for marker in foreign(*c) {
                    if text.contains(marker) {
                        failures.push(format!("{who} {method} {path}: answer mentions {marker}"));
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
                failures.push(format!("{who} {method} {path}: no problem details: {text}"));
            }
        }
    }
    assert_eq!(listed, admins.len() * 4, "every token listed");
    failures
}
