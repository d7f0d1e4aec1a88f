//! The second factor's own rules, below the services that use them (the
//! account's set-up in `services::second_factor`, signing in in
//! `services::auth`): an authenticator app's secret and its codes (RFC
//! 6238: SHA-1, six digits, 30-second steps, one step either way for a
//! clock that drifts), the enrolment QR code as SVG, and recovery codes.

use super::{
    entities::{recovery_code, user},
    tokens,
};
use crate::model::{AppError, UserId};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// How many recovery codes a user gets.
pub const RECOVERY_CODES: usize = 10;

/// A new random secret (160 bits, as RFC 4226 recommends), base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    Secret::from(bytes).to_base32()
}

/// What an authenticator secret is sealed for (`users.totp_secret` and
/// `users.totp_pending` alike: a confirmed secret moves between them).
const SEALED_FOR: &str = "users.totp_secret";

/// The secret as it is stored: sealed with the server's secret key.
pub fn seal(key: &super::secrets::SecretKey, plain: &str) -> String {
    key.seal(SEALED_FOR, plain)
}

/// The stored secret, opened. One stored before secrets were sealed (plain
/// base32, which never starts with "v1.") is read as it is until
/// [`seal_stored`] seals it at start-up.
pub fn open(key: &super::secrets::SecretKey, stored: &str) -> Result<String, AppError> {
    if stored.starts_with("v1.") {
        key.open(SEALED_FOR, stored)
            .map_err(crate::server::respond::internal)
    } else {
        Ok(stored.to_string())
    }
}

/// Seals the authenticator secrets stored in clear by an earlier version;
/// returns how many.
pub async fn seal_stored<C: ConnectionTrait>(
    conn: &C,
    key: &super::secrets::SecretKey,
) -> Result<usize, sea_orm::DbErr> {
    let plain = user::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(user::Column::TotpSecret.is_not_null())
                        .add(user::Column::TotpSecret.not_like("v1.%")),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(user::Column::TotpPending.is_not_null())
                        .add(user::Column::TotpPending.not_like("v1.%")),
                ),
        )
        .all(conn)
        .await?;
    let n = plain.len();
    for u in plain {
        let mut am: user::ActiveModel = u.clone().into();
        if let Some(s) = u.totp_secret.filter(|s| !s.starts_with("v1.")) {
            am.totp_secret = Set(Some(seal(key, &s)));
        }
        if let Some(s) = u.totp_pending.filter(|s| !s.starts_with("v1.")) {
            am.totp_pending = Set(Some(seal(key, &s)));
        }
        am.update(conn).await?;
    }
    Ok(n)
}

/// The authenticator's view of `secret` for `email`.
fn totp(secret: &str, email: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret)
        .map_err(|e| crate::server::respond::internal(format!("stored second factor: {e:?}")))?;
    Ok(Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some("Pactline"))
        .with_account_name(email)
        .build_noncompliant())
}

/// The time step a code is right for at `now` (Unix seconds), if it is.
pub fn check(secret: &str, email: &str, code: &str, now: i64) -> Result<Option<i64>, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let now = u64::try_from(now).unwrap_or(0);
    Ok(totp(secret, email)?.check(&code, now).map(|s| s as i64))
}

/// The code an authenticator shows at `now` (for tests and tools).
pub fn code_at(secret: &str, email: &str, now: i64) -> Result<String, AppError> {
    Ok(totp(secret, email)?
        .generate(u64::try_from(now).unwrap_or(0))
        .to_string())
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &str, email: &str) -> Result<String, AppError> {
    totp(secret, email)?
        .to_url()
        .map_err(|e| crate::server::respond::internal(format!("otpauth url: {e:?}")))
}

/// The QR code of `url` as an SVG image, drawn on the server.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| crate::server::respond::internal(format!("qr code: {e}")))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// The secret in groups of four, as a person types it into an app.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ten single-use recovery codes, `xxxxx-xxxxx` in lowercase letters and
/// digits (50 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut s = String::with_capacity(11);
            for i in 0..10 {
                if i == 5 {
                    s.push('-');
                }
                s.push(ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char);
            }
            s
        })
        .collect()
}

/// Whether `code` is shaped like a recovery code (then it is looked up as one).
pub fn looks_like_recovery_code(code: &str) -> bool {
    let c = code.trim();
    c.len() == 11
        && c.as_bytes()[5] == b'-'
        && c.chars()
            .filter(|c| *c != '-')
            .all(|c| c.is_ascii_alphanumeric())
}

/// What the database keeps of a recovery code.
pub fn hash_recovery_code(code: &str) -> String {
    tokens::sha256_hex(code.trim().to_lowercase().as_bytes())
}

/// `user`'s unused recovery code `code`, if that is what it is.
pub async fn unused_recovery_code<C: ConnectionTrait>(
    conn: &C,
    user: UserId,
    code: &str,
) -> Result<Option<recovery_code::Model>, AppError> {
    if !looks_like_recovery_code(code) {
        return Ok(None);
    }
    // access: allow — the account's own recovery codes (sign-in has no actor yet).
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user.0))
        .filter(recovery_code::Column::CodeHash.eq(hash_recovery_code(code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .one(conn)
        .await?)
}

/// Turns `u`'s second factor off: the secret, anything being set up, and
/// every recovery code.
pub async fn clear<C: ConnectionTrait>(conn: &C, u: user::Model) -> Result<(), AppError> {
    let id = u.id;
    let mut am: user::ActiveModel = u.into();
    am.totp_secret = Set(None);
    am.totp_pending = Set(None);
    am.totp_pending_codes = Set(None);
    am.totp_enabled_at = Set(None);
    am.totp_last_step = Set(None);
    am.update(conn).await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at
        // 59 s gives 94287082; its last six digits are the six-digit code.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, "a@b.test", 59).unwrap(), "287082");
        assert_eq!(check(&secret, "a@b.test", "287082", 59).unwrap(), Some(1));
        // One step of drift either way is accepted, two are not.
        assert_eq!(
            check(&secret, "a@b.test", "287082", 59 + 30).unwrap(),
            Some(1)
        );
        assert_eq!(check(&secret, "a@b.test", "287082", 59 + 60).unwrap(), None);
        for bad in ["", "28708", "2870821", "abcdef", "28 7082x"] {
            assert_eq!(check(&secret, "a@b.test", bad, 59).unwrap(), None, "{bad}");
        }
        assert_eq!(
            check(&secret, "a@b.test", " 287 082 ", 59).unwrap(),
            Some(1)
        );
    }

    #[test]
    fn recovery_codes_are_distinct_and_recognizable() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for c in &codes {
            assert!(looks_like_recovery_code(c), "{c}");
            assert_eq!(hash_recovery_code(c), hash_recovery_code(&c.to_uppercase()));
        }
        assert!(!looks_like_recovery_code("123456"));
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert!(otpauth_url(&secret, "a@b.test")
            .unwrap()
            .starts_with("otpauth://totp/"));
        assert!(qr_svg("otpauth://totp/x").unwrap().contains("<svg"));
        assert_eq!(grouped("ABCDEFGH"), "ABCD EFGH");
    }
}
