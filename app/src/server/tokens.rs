//! Random secrets handed to users (session ids, invitation and reset links)
//! and the hashes under which the database keeps them.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let mut out = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// What the database stores instead of a token: a leaked table gives no
/// usable links or sessions.
pub fn hash_token(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// A token as it may arrive in a URL or cookie: anything else is not looked up.
pub fn looks_like_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What every API token starts with (secret scanners can find leaked ones).
pub const API_TOKEN_PREFIX: &str = "plt_";

/// A new API token: the prefix and 256 random bits.
pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", new_token())
}

/// An API token as it may arrive in an `Authorization` header.
pub fn looks_like_api_token(s: &str) -> bool {
    s.strip_prefix(API_TOKEN_PREFIX)
        .is_some_and(looks_like_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_well_formed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(looks_like_token(&a), "{a}");
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&format!("{}!", &a[..42])));
    }

    #[test]
    fn api_tokens_carry_their_prefix() {
        let t = new_api_token();
        assert!(t.starts_with("plt_") && looks_like_api_token(&t), "{t}");
        assert!(
            !looks_like_api_token(&new_token()),
            "a session id is no API token"
        );
        assert!(!looks_like_api_token("plt_"));
    }

    #[test]
    fn hashes_are_stable_and_hide_the_token() {
        let t = new_token();
        assert_eq!(hash_token(&t), hash_token(&t));
        assert_eq!(hash_token(&t).len(), 64);
        assert!(!hash_token(&t).contains(&t));
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
