//! Which address a request came from when Pactline runs behind proxies.
//!
//! `X-Forwarded-For` is a list each proxy appends to: the left-most entries
//! are whatever the client wrote, so only the entries the operator's own
//! proxies appended can be believed. They are read from the right: past
//! `PACTLINE_TRUST_PROXY` hops (a number), or past every address inside the
//! trusted networks (a list of CIDRs). `true` means one hop.

use ipnet::IpNet;
use std::net::IpAddr;

/// The proxies whose `X-Forwarded-For` entries are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TrustedProxies {
    /// The peer is the client; `X-Forwarded-For` is ignored.
    #[default]
    None,
    /// This many proxies stand in front of Pactline.
    Hops(u8),
    /// Peers and hops inside these networks are proxies.
    Networks(Vec<IpNet>),
}

impl TrustedProxies {
    /// Parses `PACTLINE_TRUST_PROXY`: `false`, `true` (one hop), a hop
    /// count, or a comma-separated list of networks (`10.0.0.0/8, ::1/128`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        match raw.to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "no" | "off" => return Ok(TrustedProxies::None),
            "true" | "yes" | "on" => return Ok(TrustedProxies::Hops(1)),
            _ => {}
        }
        if let Ok(n) = raw.parse::<u8>() {
            return Ok(TrustedProxies::Hops(n));
        }
        let nets = raw
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "PACTLINE_TRUST_PROXY: {s:?} is neither a hop count nor a network \
                             such as 10.0.0.0/8"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedProxies::Networks(nets))
    }

    pub fn is_none(&self) -> bool {
        matches!(self, TrustedProxies::None)
    }

    /// The client's address, from the connection's peer and the
    /// `X-Forwarded-For` header values in the order they came.
    pub fn client(&self, peer: Option<IpAddr>, forwarded: &[&str]) -> Option<IpAddr> {
        // Right to left: the nearest hop first. An entry that is not an
        // address ends the walk (a proxy appends addresses; junk came from
        // the client).
        let mut hops = forwarded
            .iter()
            .rev()
            .flat_map(|v| v.rsplit(','))
            .map(|e| e.trim().parse::<IpAddr>().ok());
        match self {
            TrustedProxies::None => peer,
            TrustedProxies::Hops(n) => {
                let mut client = peer;
                for _ in 0..*n {
                    match hops.next() {
                        Some(Some(ip)) => client = Some(ip),
                        _ => break,
                    }
                }
                client
            }
            TrustedProxies::Networks(nets) => {
                let mut client = peer?;
                while nets.iter().any(|n| n.contains(&client)) {
                    match hops.next() {
                        Some(Some(ip)) => client = ip,
                        _ => break,
                    }
                }
                Some(client)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let t = TrustedProxies::None;
        assert_eq!(t.client(ip("10.0.0.5"), &["1.2.3.4"]), ip("10.0.0.5"));
    }

    #[test]
    fn one_hop_takes_the_entry_the_proxy_appended_not_what_the_client_wrote() {
        let t = TrustedProxies::parse("true").unwrap();
        // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended 203.0.113.9.
        assert_eq!(
            t.client(ip("10.0.0.5"), &["6.6.6.6, 203.0.113.9"]),
            ip("203.0.113.9")
        );
        // The same across several header lines.
        assert_eq!(
            t.client(ip("10.0.0.5"), &["6.6.6.6", "203.0.113.9"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn two_hops_and_too_few_entries() {
        let t = TrustedProxies::parse("2").unwrap();
        assert_eq!(
            t.client(ip("10.0.0.5"), &["6.6.6.6, 203.0.113.9, 10.0.0.7"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            t.client(ip("10.0.0.5"), &["203.0.113.9"]),
            ip("203.0.113.9")
        );
        assert_eq!(t.client(ip("10.0.0.5"), &[]), ip("10.0.0.5"));
    }

    #[test]
    fn junk_ends_the_walk() {
        let t = TrustedProxies::parse("3").unwrap();
        assert_eq!(
            t.client(ip("10.0.0.5"), &["<script>, 203.0.113.9"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn networks_skip_every_trusted_hop() {
        let t = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        assert_eq!(
            t.client(ip("127.0.0.1"), &["6.6.6.6, 198.51.100.1, 10.1.1.1"]),
            ip("198.51.100.1")
        );
        // A peer outside the networks is the client, whatever it forwards.
        assert_eq!(
            t.client(ip("198.51.100.7"), &["6.6.6.6"]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn bad_settings_say_what_to_write() {
        let e = TrustedProxies::parse("10.0.0.0/33").unwrap_err();
        assert!(e.contains("10.0.0.0/8"), "{e}");
        assert_eq!(TrustedProxies::parse("off").unwrap(), TrustedProxies::None);
    }
}
