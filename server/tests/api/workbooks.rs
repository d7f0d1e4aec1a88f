//! The offline answer workbook: downloaded, filled in, uploaded, applied
//! all or nothing.

use crate::assessments::{get, save, send};
use crate::both;
use crate::common::{Backend, TestApp, World};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// A workbook like the downloaded one, with `fill` applied to each row
/// (answer id, version, row index) → editable cells by column name.
pub fn sheet(
    rows: &[(String, i64)],
    fill: impl Fn(usize) -> Vec<(&'static str, String)>,
) -> Vec<u8> {
    use app::server::services::answer_sheets::SHEET_COLUMNS;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Answers").unwrap();
    for (c, h) in SHEET_COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (id, version)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, id).unwrap();
        ws.write_number(r, 1, *version as f64).unwrap();
        for (name, value) in fill(i) {
            let c = SHEET_COLUMNS.iter().position(|c| *c == name).unwrap();
            ws.write_string(r, c as u16, value).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn an_offline_workbook_round_trips_all_or_nothing(b: Backend) {
    use calamine::Reader;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let r = s
        .supplier
        .get(app.url(&format!("/assessments/{}/export/xlsx", s.assessment)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), vec!["Answers", "Instructions"]);
    let range = book.worksheet_range("Answers").unwrap();
    assert_eq!(range.height(), 48);
    let rows: Vec<(String, i64)> = range
        .rows()
        .skip(1)
        .map(|r| (r[0].to_string(), r[1].to_string().parse().unwrap()))
        .collect();
    // The asset owner reads the file too, but cannot upload answers.
    let r = s
        .owner
        .get(app.url(&format!("/assessments/{}/export/xlsx", s.assessment)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let good = sheet(&rows, |i| {
        if i == 0 {
            vec![
                ("compliance", "meets".into()),
                ("statement", "Audited SDL".into()),
                ("claimed_level", "3".into()),
            ]
        } else {
            vec![
                ("compliance", "not_applicable".into()),
                ("na_reason", "Not our process".into()),
            ]
        }
    });
    let upload = |endpoint: &'static str, name: &'static str, bytes: Vec<u8>, c: Client| {
        let app = &app;
        let id = s.assessment.clone();
        async move {
            app.upload(&c, endpoint, &[("assessment_id", &id)], name, bytes)
                .await
        }
    };
    let (st, p) = upload(
        "preview_answer_sheet",
        "a.xlsx",
        good.clone(),
        s.supplier.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p["rows"], 47);
    assert_eq!(p["changes"].as_array().unwrap().len(), 47);
    assert_eq!(
        p["changes"][0]["fields"][0],
        serde_json::json!(["compliance", "", "meets"])
    );
    let (st, _) = upload(
        "preview_answer_sheet",
        "a.xlsx",
        good.clone(),
        s.owner.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Every problem, by row and column; nothing applied.
    let mut bad_rows = rows.clone();
    bad_rows[3].0 = bad_rows[2].0.clone();
    bad_rows[4].0 = "999999".into();
    let bad = sheet(&bad_rows, |i| match i {
        0 => vec![("compliance", "maybe".into())],
        1 => vec![
            ("compliance", "meets".into()),
            ("statement", "=HYPERLINK(\"http://x\")".into()),
        ],
        5 => vec![
            ("compliance", "planned".into()),
            ("planned_on", "next year".into()),
        ],
        _ => vec![("compliance", "meets".into())],
    });
    let (st, err) = upload("apply_answer_sheet", "a.xlsx", bad, s.supplier.clone()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let fields: Vec<String> = err["Validation"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    for f in [
        "row 2, compliance",
        "row 3, statement",
        "row 5, answer_id",
        "row 6, answer_id",
        "row 7, planned_on",
    ] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }
    assert_eq!(
        get(&app, &s.supplier, &s.assessment).await["summary"]["progress"]["answered"],
        0
    );

    // A formula, a file that is not .xlsx, one too large.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["answer_id", "version", "compliance"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, &rows[0].0).unwrap();
    ws.write_number(1, 1, 0).unwrap();
    ws.write_formula(1, 2, "=CONCAT(\"me\",\"ets\")").unwrap();
    let (st, err) = upload(
        "preview_answer_sheet",
        "f.xlsx",
        wb.save_to_buffer().unwrap(),
        s.supplier.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().contains("Cell C2 holds a formula"), "{err}");
    let (st, err) = upload(
        "preview_answer_sheet",
        "f.xlsx",
        b"%PDF-1.7".to_vec(),
        s.supplier.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().contains("not an .xlsx file"), "{err}");
    let (st, _) = upload(
        "preview_answer_sheet",
        "big.xlsx",
        vec![b'P'; 2 * 1024 * 1024 + 10],
        s.supplier.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);

    // Someone changes an answer in the browser after the download: the old
    // file's row is a conflict, and nothing is applied.
    let first = &rows[0].0;
    let (st, _) = save(
        &app,
        &s.supplier,
        first,
        0,
        &[("compliance", "partially_meets")],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (st, err) = upload(
        "apply_answer_sheet",
        "a.xlsx",
        good.clone(),
        s.supplier.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(
        err.to_string()
            .contains("changed in Pactline after this file was downloaded"),
        "{err}"
    );
    assert_eq!(
        get(&app, &s.supplier, &s.assessment).await["summary"]["progress"]["answered"],
        1
    );

    // With the current version, all of it applies in one go.
    let mut fresh = rows.clone();
    fresh[0].1 = 1;
    let good = sheet(&fresh, |i| {
        if i == 0 {
            vec![
                ("compliance", "meets".into()),
                ("statement", "Audited SDL".into()),
            ]
        } else {
            vec![
                ("compliance", "not_applicable".into()),
                ("na_reason", "Not our process".into()),
            ]
        }
    });
    let (st, n) = upload(
        "apply_answer_sheet",
        "a.xlsx",
        good.clone(),
        s.supplier.clone(),
    )
    .await;
    assert_eq!((st, n), (StatusCode::OK, Value::from(47)));
    let a = get(&app, &s.owner, &s.assessment).await;
    assert_eq!(a["summary"]["progress"]["answered"], 47);
    assert_eq!(a["answers"][0]["fields"]["statement"], "Audited SDL");
    assert_eq!(a["answers"][0]["version"], 2);
    // The same file again changes nothing.
    let (st, p) = upload("preview_answer_sheet", "a.xlsx", good, s.supplier.clone()).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(p["unchanged"], 47);
    app.finish().await;
}
both!(an_offline_workbook_round_trips_all_or_nothing);
