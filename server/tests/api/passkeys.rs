//! Passkeys over HTTP with a software authenticator made here (P-256 keys,
//! "none" attestation, a signature counter): adding, naming and removing
//! them; signing in with one alone and as the second step; what is refused
//! (another site's origin, a replayed answer, someone else's passkey).
//! Chromium's own WebAuthn is exercised by end2end/tests/passkeys.spec.ts.

use crate::both;
use crate::common::{deactivate, member_id, Backend, Options, TestApp, World, PASSWORD};
use app::model::Role;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};
use p256::ecdsa::{signature::Signer, Signature, SigningKey};
use reqwest::{Client, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Minimal CBOR (RFC 8949) for the few shapes an authenticator sends.
enum Cbor {
    Int(i64),
    Bytes(Vec<u8>),
    Text(&'static str),
    Map(Vec<(Cbor, Cbor)>),
}

fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        _ => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
    }
}

fn cbor(v: &Cbor, out: &mut Vec<u8>) {
    match v {
        Cbor::Int(i) if *i >= 0 => cbor_head(out, 0, *i as u64),
        Cbor::Int(i) => cbor_head(out, 1, (-1 - *i) as u64),
        Cbor::Bytes(b) => {
            cbor_head(out, 2, b.len() as u64);
            out.extend(b);
        }
        Cbor::Text(t) => {
            cbor_head(out, 3, t.len() as u64);
            out.extend(t.as_bytes());
        }
        Cbor::Map(m) => {
            cbor_head(out, 5, m.len() as u64);
            for (k, v) in m {
                cbor(k, out);
                cbor(v, out);
            }
        }
    }
}

/// A software authenticator holding one discoverable credential.
struct SoftPasskey {
    key: SigningKey,
    id: Vec<u8>,
    counter: u32,
    user_handle: Vec<u8>,
}

fn rp_hash(origin: &str) -> Vec<u8> {
    let host = url::Url::parse(origin)
        .unwrap()
        .host_str()
        .unwrap()
        .to_string();
    Sha256::digest(host.as_bytes()).to_vec()
}

impl SoftPasskey {
    fn new() -> Self {
        let secret: [u8; 32] = rand::random();
        SoftPasskey {
            key: SigningKey::from_slice(&secret).unwrap(),
            id: rand::random::<[u8; 16]>().to_vec(),
            counter: 0,
            user_handle: vec![],
        }
    }

    /// The answer to `navigator.credentials.create` for these options,
    /// as if the page were at `origin`.
    fn create(&mut self, options: &Value, origin: &str) -> Value {
        let pk = &options["publicKey"];
        self.user_handle = B64.decode(pk["user"]["id"].as_str().unwrap()).unwrap();
        let client_data = json!({
            "type": "webauthn.create",
            "challenge": pk["challenge"],
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string();
        let point = self.key.verifying_key().to_sec1_bytes();
        let mut cose = Vec::new();
        cbor(
            &Cbor::Map(vec![
                (Cbor::Int(1), Cbor::Int(2)),
                (Cbor::Int(3), Cbor::Int(-7)),
                (Cbor::Int(-1), Cbor::Int(1)),
                (Cbor::Int(-2), Cbor::Bytes(point[1..33].to_vec())),
                (Cbor::Int(-3), Cbor::Bytes(point[33..65].to_vec())),
            ]),
            &mut cose,
        );
        let mut auth_data = rp_hash(origin);
        auth_data.push(0x45); // user present, user verified, attested data
        auth_data.extend(self.counter.to_be_bytes());
        auth_data.extend([0u8; 16]); // AAGUID
        auth_data.extend((self.id.len() as u16).to_be_bytes());
        auth_data.extend(&self.id);
        auth_data.extend(cose);
        let mut attestation = Vec::new();
        cbor(
            &Cbor::Map(vec![
                (Cbor::Text("fmt"), Cbor::Text("none")),
                (Cbor::Text("attStmt"), Cbor::Map(vec![])),
                (Cbor::Text("authData"), Cbor::Bytes(auth_data)),
            ]),
            &mut attestation,
        );
        json!({
            "id": B64.encode(&self.id),
            "rawId": B64.encode(&self.id),
            "type": "public-key",
            "response": {
                "attestationObject": B64.encode(attestation),
                "clientDataJSON": B64.encode(client_data),
            },
            "extensions": {},
        })
    }

    /// The answer to `navigator.credentials.get`.
    fn get(&mut self, options: &Value, origin: &str) -> Value {
        self.counter += 1;
        let client_data = json!({
            "type": "webauthn.get",
            "challenge": options["publicKey"]["challenge"],
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string();
        let mut auth_data = rp_hash(origin);
        auth_data.push(0x05); // user present, user verified
        auth_data.extend(self.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(client_data.as_bytes()));
        let sig: Signature = self.key.sign(&signed);
        json!({
            "id": B64.encode(&self.id),
            "rawId": B64.encode(&self.id),
            "type": "public-key",
            "response": {
                "authenticatorData": B64.encode(auth_data),
                "clientDataJSON": B64.encode(client_data),
                "signature": B64.encode(sig.to_der().as_bytes()),
                "userHandle": B64.encode(&self.user_handle),
            },
            "extensions": {},
        })
    }
}

/// Adds a passkey named `name` to the signed-in `c`'s account.
async fn add(app: &TestApp, c: &Client, pk: &mut SoftPasskey, name: &str) -> (StatusCode, Value) {
    let (st, begun) = app.call(c, "begin_passkey", &[]).await;
    assert_eq!(st, StatusCode::OK, "{begun}");
    let options: Value = serde_json::from_str(begun["options"].as_str().unwrap()).unwrap();
    let sel = &options["publicKey"]["authenticatorSelection"];
    assert_eq!(sel["residentKey"], "required", "{options}");
    let credential = pk.create(&options, &app.state.config.base_url).to_string();
    app.call(
        c,
        "finish_passkey",
        &[
            ("token", begun["token"].as_str().unwrap()),
            ("name", name),
            ("credential", &credential),
        ],
    )
    .await
}

/// Signs in with the passkey alone; returns the response of the last step.
async fn sign_in(
    app: &TestApp,
    c: &Client,
    pk: &mut SoftPasskey,
    origin: &str,
) -> reqwest::Response {
    let r = c
        .post(app.url("/auth/passkey/options"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let begun: Value = r.json().await.unwrap();
    let options: Value = serde_json::from_str(begun["options"].as_str().unwrap()).unwrap();
    let credential = pk.get(&options, origin);
    c.post(app.url("/auth/passkey"))
        .json(&json!({"token": begun["token"], "credential": credential}))
        .send()
        .await
        .unwrap()
}

async fn a_user_adds_names_uses_and_removes_passkeys(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            localhost_base: true,
            ..Default::default()
        },
    )
    .await;
    let origin = app.state.config.base_url.clone();
    let w = World::build(&app).await;
    let email = w.alpha.email(Role::Reviewer);
    let c = app.login(email, PASSWORD).await;
    let mut pk = SoftPasskey::new();
    // A name is required.
    let (st, body) = add(&app, &c, &mut pk, " ").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (st, list) = add(&app, &c, &mut pk, "Work laptop").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list[0]["name"], "Work laptop");
    assert_eq!(list[0]["last_used"], Value::Null);
    // The same authenticator again: registered already.
    let (st, body) = add(&app, &c, &mut pk, "Again").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // The owner is told.
    assert!(app
        .mails_to(email)
        .await
        .iter()
        .any(|m| m.subject.contains("a passkey was added")));
    let id = list[0]["id"].to_string();
    let (st, list) = app
        .call(
            &c,
            "rename_passkey",
            &[("passkey_id", &id), ("name", "Laptop at the plant")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list[0]["name"], "Laptop at the plant");

    // Signing in with it alone, in a fresh browser.
    let fresh = app.client();
    let r = sign_in(&app, &fresh, &mut pk, &origin).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["redirect"], "/");
    let (st, me) = app.call(&fresh, "me", &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["email"], email);
    let (_, list) = app.call(&fresh, "list_passkeys", &[]).await;
    assert_ne!(list[0]["last_used"], Value::Null);

    // An answer made for another site is refused, and so is an answer
    // replayed (its ceremony is spent, and its counter is not new).
    let r = sign_in(&app, &app.client(), &mut pk, "http://evil.example").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .client()
        .post(app.url("/auth/passkey/options"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let begun: Value = r.json().await.unwrap();
    let options: Value = serde_json::from_str(begun["options"].as_str().unwrap()).unwrap();
    let answer = pk.get(&options, &origin);
    let thief = app.client();
    let first = thief
        .post(app.url("/auth/passkey"))
        .json(&json!({"token": begun["token"], "credential": answer}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let again = app
        .client()
        .post(app.url("/auth/passkey"))
        .json(&json!({"token": begun["token"], "credential": answer}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // With a passkey, a right password leads to the second step, which the
    // passkey completes.
    let c2 = app.client();
    let r = app.post_login(&c2, email, PASSWORD).await;
    assert_eq!(r.headers()["location"], "/login/code");
    let r = c2
        .post(app.url("/auth/passkey/second-step/options"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let begun: Value = r.json().await.unwrap();
    let options: Value = serde_json::from_str(begun["options"].as_str().unwrap()).unwrap();
    let answer = pk.get(&options, &origin);
    let r = c2
        .post(app.url("/auth/passkey/second-step"))
        .json(&json!({"token": begun["token"], "credential": answer}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.call(&c2, "me", &[]).await.1["email"], email);

    // Someone else cannot rename or remove it, nor see it.
    let other = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    assert_eq!(
        app.call(&other, "remove_passkey", &[("passkey_id", &id)])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.call(&other, "list_passkeys", &[]).await.1, json!([]));
    // Removed by its owner: it signs no one in, and a password alone does again.
    let (st, list) = app.call(&c, "remove_passkey", &[("passkey_id", &id)]).await;
    assert_eq!((st, list), (StatusCode::OK, json!([])));
    let r = sign_in(&app, &app.client(), &mut pk, &origin).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.post_login(&app.client(), email, PASSWORD).await;
    assert_eq!(r.headers()["location"], "/");
    let actions: Vec<String> = app::server::entities::audit_event::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in [
        "account.passkey_added",
        "account.passkey_renamed",
        "account.passkey_removed",
        "session.passkey_failed",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} missing");
    }
    app.finish().await;
}
both!(a_user_adds_names_uses_and_removes_passkeys);

async fn a_passkey_meets_the_second_factor_rule_and_deactivated_users_stay_out(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            localhost_base: true,
            ..Default::default()
        },
    )
    .await;
    let origin = app.state.config.base_url.clone();
    let w = World::build(&app).await;
    let admin_email = w.alpha.email(Role::Admin);
    let admin = app.login(admin_email, PASSWORD).await;
    let mut admin_key = SoftPasskey::new();
    assert_eq!(
        add(&app, &admin, &mut admin_key, "Admin key").await.0,
        StatusCode::OK
    );
    // With a passkey, the admin may require the rule.
    let (st, body) = app
        .call(&admin, "set_second_factor_policy", &[("required", "yes")])
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // A member without one is held, and may add a passkey while held.
    let email = w.alpha.email(Role::Viewer);
    let c = app.login(email, PASSWORD).await;
    assert_eq!(
        app.call(&c, "me", &[]).await.1["second_factor_missing"],
        true
    );
    let mut pk = SoftPasskey::new();
    let (st, body) = add(&app, &c, &mut pk, "Phone").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        app.call(&c, "me", &[]).await.1["second_factor_missing"],
        false
    );
    // An admin's reset of the member's second factor removes the passkeys.
    let id = member_id(&app, &admin, email).await;
    let (st, body) = app
        .call(
            &admin,
            "reset_member_second_factor",
            &[("membership_id", &id)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let r = sign_in(&app, &app.client(), &mut pk, &origin).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A deactivated member's passkey signs nobody in.
    let c = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let mut ck = SoftPasskey::new();
    // (Held by the rule, a member may still add a passkey.)
    assert_eq!(add(&app, &c, &mut ck, "Key").await.0, StatusCode::OK);
    deactivate(&app, &admin, w.alpha.email(Role::Contributor)).await;
    let r = sign_in(&app, &app.client(), &mut ck, &origin).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}
both!(a_passkey_meets_the_second_factor_rule_and_deactivated_users_stay_out);
