//! Property tests: every parser and validated type that reads user input
//! gets 10,000 generated inputs (arbitrary strings and bytes, plus inputs
//! shaped like the real thing) and must answer each with a value or an
//! error, never a panic; where a parser promises a shape, the shape holds.

use crate::model::*;
use crate::server::{
    import::{self, read_oscal, read_oscal_profile},
    proxy::TrustedProxies,
    services::evidence_files::{clean_filename, sniff},
    untrusted::{check_json_depth, check_zip},
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Strings with the characters that break naive parsers: controls,
/// separators, quotes, non-ASCII letters, and some ordinary text.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,80}",
        "[a-z0-9@._+\\-]{0,40}",
        "[\\x00-\\x1f\"',;=<>/\\\\ \u{a0}\u{202e}éß中]{0,40}",
    ]
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        // Zip-, PDF- and JSON-looking starts, with anything after.
        proptest::collection::vec(any::<u8>(), 0..512).prop_map(|mut b| {
            let mut v = b"PK\x03\x04".to_vec();
            v.append(&mut b);
            v
        }),
        proptest::collection::vec(any::<u8>(), 0..256).prop_map(|mut b| {
            let mut v = b"%PDF-1.7\n".to_vec();
            v.append(&mut b);
            v
        }),
        "[\\[\\]{}\":,0-9a-z \\\\]{0,200}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn text_fields_parse_or_refuse(a in text(), b in text(), c in text()) {
        let _ = Email::parse(&a);
        if let Ok(e) = Email::parse(&a) {
            prop_assert_eq!(e.as_str(), e.as_str().trim().to_lowercase());
        }
        let _ = parse_text("f", &a, 50);
        if let Ok(t) = parse_name("f", &a, 50) {
            prop_assert!(t.chars().count() <= 50);
            prop_assert!(!t.chars().any(char::is_control));
        }
        let _ = parse_optional_date("f", &a);
        let _ = parse_level("f", &a);
        let _ = parse_reminder_days(&a);
        let _ = parse_conditions(&a);
        let _ = parse_verdict(&a);
        let _ = check_password_shape(&a);
        let _ = OrgKind::parse(&a);
        let _ = OrgKind::parse_list(&a);
        let _ = Role::parse(&a);
        let _ = CommitmentAction::parse(&a);
        let _ = RowFilter::parse(&a);
        let _ = Described::parse(&a, &b);
        let _ = EvidenceLink::parse(&a, &b);
        let _ = DecisionInput::parse(&a, &b, &c);
        let _ = NewComment::parse(&a, &b);
        let _ = OrgInvite::supplier(&a, &b, &c);
        let _ = MemberInvite::parse(&a, &b);
        let _ = Assignment::parse(&a, &b);
        let _ = SendInput::parse(&a, &b);
        let _ = NewCommitmentInput::parse(&a, &b, &c, &a);
        let _ = TrustedProxies::parse(&a);
    }

    #[test]
    fn file_names_come_out_safe(name in text()) {
        let clean = clean_filename(&name);
        prop_assert!(!clean.is_empty());
        prop_assert!(clean.chars().count() <= 200);
        prop_assert!(!clean.contains(['/', '\\', '"']));
        prop_assert!(!clean.chars().any(char::is_control));
    }

    #[test]
    fn uploaded_bytes_are_read_or_refused(data in bytes(), name in text()) {
        let _ = sniff(&name, &data);
        let _ = check_zip(&data);
        let _ = check_json_depth(&data, 32);
        let _ = import::read_json(&data);
        let _ = import::read_table("upload.csv", &data);
        let _ = import::read_table("upload.xlsx", &data);
        let _ = import::read_table(&name, &data);
        let _ = read_oscal(&data);
        let _ = read_oscal_profile(&data);
    }
}
