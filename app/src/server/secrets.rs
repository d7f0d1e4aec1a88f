//! Secrets Pactline must keep and use again (an identity provider's client
//! secret) are sealed before they reach the database: XChaCha20-Poly1305
//! with the server's secret key, a fresh random nonce per value, and the
//! purpose bound in as associated data (a sealed value moved to another
//! column or row does not open). A database dump or backup alone reveals
//! none of them.
//!
//! The key comes from `PACTLINE_SECRET_KEY` (64 hex digits), or the key file
//! (`PACTLINE_SECRET_KEY_FILE`, by default `secret.key` in the data
//! directory), generated on first start. Keep it apart from database
//! backups: without it sealed secrets must be entered again.

use super::config::Config;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use std::sync::Arc;

/// The first characters of every sealed value: the scheme, so a later key
/// or cipher can be told apart.
const PREFIX: &str = "v1.";
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct SecretKey(Arc<[u8; 32]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// A sealed value that does not open: tampered with, sealed for another
/// purpose, or sealed with another key.
#[derive(Debug, thiserror::Error)]
#[error("a sealed secret could not be opened (another secret key, or the value was changed)")]
pub struct Unsealable;

impl SecretKey {
    /// A key from 64 hex digits (`openssl rand -hex 32`).
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "the secret key must be 64 hex digits (openssl rand -hex 32)")?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the secret key must be 64 hex digits (openssl rand -hex 32)")?;
        Ok(SecretKey(Arc::new(key)))
    }

    /// A new random key.
    pub fn generate() -> Self {
        SecretKey(Arc::new(rand::random()))
    }

    /// The key the configuration names: `PACTLINE_SECRET_KEY`, else the key
    /// file, created (readable by its owner only) when missing.
    pub fn load(config: &Config) -> Result<Self, String> {
        if let Some(k) = &config.secret_key {
            return Ok(k.clone());
        }
        let path = config
            .secret_key_file
            .clone()
            .unwrap_or_else(|| config.data_dir.join("secret.key"));
        let (text, created) = super::key_file::read_or_create(&path, "secret key", || {
            hex::encode(rand::random::<[u8; 32]>())
        })?;
        let key = Self::from_hex(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if created {
            tracing::warn!(
                path = %path.display(),
                "generated a new secret key; keep a copy apart from the database backups: without it identity providers' client secrets must be entered again"
            );
        }
        Ok(key)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }

    /// Seals `plain` for `purpose` (e.g. "identity_providers.client_secret").
    pub fn seal(&self, purpose: &str, plain: &str) -> String {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: purpose.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any message that fits in memory");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens what [`seal`](Self::seal) made for the same purpose.
    pub fn open(&self, purpose: &str, sealed: &str) -> Result<String, Unsealable> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(Unsealable)?;
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| Unsealable)?;
        String::from_utf8(plain).map_err(|_| Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_purpose() {
        let key = SecretKey::generate();
        let sealed = key.seal("idp.secret", "s3cr3t value");
        assert!(sealed.starts_with(PREFIX));
        assert!(!sealed.contains("s3cr3t"));
        assert_eq!(key.open("idp.secret", &sealed).unwrap(), "s3cr3t value");
        // Fresh nonce: the same secret seals differently each time.
        assert_ne!(key.seal("idp.secret", "s3cr3t value"), sealed);
        assert!(key.open("other.purpose", &sealed).is_err());
        assert!(SecretKey::generate().open("idp.secret", &sealed).is_err());
        // One changed character anywhere: refused.
        let mut chars: Vec<char> = sealed.chars().collect();
        let i = chars.len() - 3;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        assert!(key.open("idp.secret", &tampered).is_err());
        assert!(key.open("idp.secret", "v1.").is_err());
        assert!(key.open("idp.secret", "plain text").is_err());
    }

    #[test]
    fn keys_are_64_hex_digits() {
        assert!(SecretKey::from_hex(&"ab".repeat(32)).is_ok());
        assert!(SecretKey::from_hex(&"ab".repeat(31)).is_err());
        assert!(SecretKey::from_hex(&"zz".repeat(32)).is_err());
    }
}
