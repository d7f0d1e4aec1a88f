//! The API's documentation as a page Pactline serves itself, made from the
//! OpenAPI document: plants run air-gapped, so nothing loads from a CDN.

use axum::response::Html;
use serde_json::Value;
use std::fmt::Write;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A schema's name or shape in a few words.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => {
            format!(
                "array of {}",
                type_of(schema.get("items").unwrap_or(&Value::Null))
            )
        }
        Some(Value::String(t)) => {
            let mut s = esc(t);
            if let Some(f) = schema.get("format").and_then(Value::as_str) {
                let _ = write!(s, " ({})", esc(f));
            }
            s
        }
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(esc)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => schema
            .get("oneOf")
            .and_then(Value::as_array)
            .map(|v| v.iter().map(type_of).collect::<Vec<_>>().join(" or "))
            .unwrap_or_else(|| "any".into()),
    }
}

/// Every problem `type` the API answers with, and what it means.
pub const PROBLEMS: &[(&str, &str)] = &[
    (
        "bad-parameter",
        "A parameter, header or the body is malformed: <code>errors</code> names it.",
    ),
    ("bad-request", "The request could not be read."),
    (
        "unauthorized",
        "No token, or one that is unknown, expired or revoked.",
    ),
    ("read-only-token", "The token may only read."),
    ("not-found", "No such object, or not the organization's."),
    ("no-such-route", "No such route."),
    (
        "invalid",
        "An input is not acceptable: <code>errors</code> says what to fix.",
    ),
    ("conflict", "The object's state does not allow the change."),
    (
        "changed-meanwhile",
        "Someone saved the answer meanwhile: both versions are in the answer.",
    ),
    (
        "if-match-required",
        "A change to an answer needs <code>If-Match</code>.",
    ),
    (
        "idempotency-key-reused",
        "The <code>Idempotency-Key</code> was used for another request.",
    ),
    (
        "idempotency-key-in-flight",
        "The first request with the <code>Idempotency-Key</code> is still being handled.",
    ),
    (
        "rate-limited",
        "Too many requests with this token: wait <code>Retry-After</code> seconds.",
    ),
    ("too-large", "The body is too large."),
    (
        "internal",
        "Something failed on the server; the request id is in the log.",
    ),
];

fn page_html(doc: &Value, stylesheet: &str) -> String {
    let info = &doc["info"];
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         {stylesheet}</head><body><main class=\"container api-docs\">\
         <h1>{title}</h1><p>{desc}</p>\
         <p>The machine-readable description: <a href=\"/api/v1/openapi.json\">openapi.json</a> (OpenAPI {version}).</p>\
         <h2>Conventions</h2><ul>\
         <li>JSON with snake_case names; times in RFC 3339, days as YYYY-MM-DD.</li>\
         <li>Lists come in pages: <code>limit</code> (1 to 200) and the <code>next</code> link, null on the last page.</li>\
         <li>Reads carry an <code>ETag</code>; send it back in <code>If-None-Match</code> to get <code>304 Not Modified</code> when nothing changed.</li>\
         <li>Every <code>POST</code> may carry an <code>Idempotency-Key</code> (1 to 255 visible ASCII characters, new for each change): sent again with the same request within a day, it gets the first answer back (with <code>Idempotent-Replayed: true</code>) and nothing happens twice. Keys belong to the token that sent them.</li>\
         <li>Each token has its own request budget; over it, <code>429</code> with <code>Retry-After</code> seconds.</li>\
         <li>A change to an answer sends the version last read in <code>If-Match</code>; a save made meanwhile is never overwritten (<code>412</code> with both versions).</li>\
         <li id=\"problems\">Errors are problem details (<code>application/problem+json</code>): <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, and <code>errors</code> naming each input to fix. An id of another organization is simply not found (404).</li>\
         </ul><h2>Problem types</h2><dl class=\"api-problems\">{problems}</dl>",
        problems = PROBLEMS
            .iter()
            .map(|(kind, meaning)| format!(
                "<dt id=\"problem-{kind}\"><code>{kind}</code></dt><dd>{meaning}</dd>"
            ))
            .collect::<String>(),
        title = esc(info["title"].as_str().unwrap_or("API")),
        desc = esc(info["description"].as_str().unwrap_or("")),
        version = esc(doc["openapi"].as_str().unwrap_or("3.1")),
    );
    let _ = write!(h, "<h2>Routes</h2>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else {
                continue;
            };
            for (method, op) in ops {
                let _ = write!(
                    h,
                    "<section class=\"card api-op\" id=\"{id}\"><h3><code>{m} {p}</code></h3>",
                    id = esc(op["operationId"].as_str().unwrap_or("")),
                    m = esc(&method.to_uppercase()),
                    p = esc(path),
                );
                if let Some(s) = op["description"].as_str().or(op["summary"].as_str()) {
                    let _ = write!(h, "<p>{}</p>", esc(s));
                }
                if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                    let _ = write!(h, "<table class=\"table\"><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">In</th><th scope=\"col\">Type</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
                    for p in params {
                        let _ = write!(
                            h,
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            esc(p["name"].as_str().unwrap_or("")),
                            esc(p["in"].as_str().unwrap_or("")),
                            type_of(&p["schema"]),
                            esc(p["description"].as_str().unwrap_or("")),
                        );
                    }
                    let _ = write!(h, "</tbody></table>");
                }
                if let Some(rs) = op["responses"].as_object() {
                    let _ = write!(h, "<ul class=\"api-responses\">");
                    for (code, r) in rs {
                        let body = r["content"]
                            .as_object()
                            .and_then(|c| c.values().next())
                            .map(|c| format!(": {}", type_of(&c["schema"])))
                            .unwrap_or_default();
                        let _ = write!(
                            h,
                            "<li><strong>{}</strong> {}{}</li>",
                            esc(code),
                            esc(r["description"].as_str().unwrap_or("")),
                            body
                        );
                    }
                    let _ = write!(h, "</ul>");
                }
                let _ = write!(h, "</section>");
            }
        }
    }
    let _ = write!(h, "<h2>Objects</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, s) in schemas {
            let _ = write!(
                h,
                "<section class=\"card\" id=\"schema-{0}\"><h3>{0}</h3>",
                esc(name)
            );
            if let Some(d) = s["description"].as_str() {
                let _ = write!(h, "<p>{}</p>", esc(d));
            }
            if let Some(props) = s["properties"].as_object() {
                let _ = write!(h, "<table class=\"table\"><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
                for (field, p) in props {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                        esc(field),
                        type_of(p),
                        esc(p["description"].as_str().unwrap_or("")),
                    );
                }
                let _ = write!(h, "</tbody></table>");
            }
            let _ = write!(h, "</section>");
        }
    }
    let _ = write!(h, "</main></body></html>");
    h
}

/// `GET /api/v1/docs`: public, like the OpenAPI document itself. Its own
/// stylesheet is all it loads; it runs no script.
pub async fn page(
    axum::extract::State(options): axum::extract::State<leptos::prelude::LeptosOptions>,
) -> impl axum::response::IntoResponse {
    use leptos::prelude::RenderHtml;
    let doc = serde_json::to_value(super::openapi()).unwrap_or(Value::Null);
    // The app's stylesheet under the name the build gave it.
    let stylesheet = leptos_meta::HashedStylesheet(leptos_meta::HashedStylesheetProps {
        options,
        id: None,
        root: None,
    })
    .to_html();
    (
        [(
            axum::http::header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        )],
        Html(page_html(&doc, &stylesheet)),
    )
}

#[cfg(test)]
mod tests {
    /// Every problem type the code answers with is explained on the page
    /// its `type` links to.
    #[test]
    fn every_problem_type_is_documented() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("problem.rs"),
            include_str!("answers.rs"),
            include_str!("assessments.rs"),
            include_str!("catalogs.rs"),
            include_str!("commitments.rs"),
            include_str!("engagements.rs"),
            include_str!("evidence.rs"),
            include_str!("organization.rs"),
            include_str!("reviews.rs"),
        ];
        let mut kinds = Vec::new();
        for src in sources {
            for part in src.split("Problem::new(").skip(1) {
                // Only calls whose kind is written out (not passed through).
                let args = part.split('"').next().unwrap_or_default();
                if !args.contains(')') {
                    kinds.push(part.split('"').nth(1).unwrap_or_default().to_string());
                }
            }
            // The kinds given to the access layer's errors.
            for line in src
                .lines()
                .filter(|l| l.trim_start().starts_with("AppError::"))
            {
                if let Some(k) = line.split("=> \"").nth(1) {
                    kinds.push(k.split('"').next().unwrap_or_default().to_string());
                }
            }
        }
        assert!(kinds.len() > 15, "{kinds:?}");
        for k in kinds {
            assert!(
                super::PROBLEMS.iter().any(|(p, _)| *p == k),
                "the problem type {k:?} is not explained in the API documentation"
            );
        }
    }

    use super::*;

    #[test]
    fn text_from_the_document_is_escaped() {
        let doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "<script>x</script>", "description": "a & b"},
            "paths": {"/x": {"get": {"operationId": "x\"y", "responses": {}}}}
        });
        let h = page_html(&doc, "");
        assert!(!h.contains("<script>x"), "{h}");
        assert!(h.contains("&lt;script&gt;") && h.contains("a &amp; b") && h.contains("x&quot;y"));
    }
}
