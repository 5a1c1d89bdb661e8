//! The address a request came from, which failed sign-ins are counted by: its TCP peer, or —
//! when that peer is a reverse proxy the server was told to trust (`--trusted-proxy`) — the
//! address the proxy forwarded for, read from `X-Forwarded-For`.
//!
//! The header is read from its right end, the entry the nearest proxy appended, leftwards while
//! the address reached so far is a trusted proxy: the first address that is not one is the client.
//! Whatever a client writes into the header itself stays to the left of what the trusted proxies
//! appended and is never reached, so it cannot choose the address it is counted under. Without
//! trusted proxies the header is not read at all (no layer is added), and a request from a peer
//! that is not trusted keeps the peer's address whatever it sends.

use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;

use crate::connections::ClientAddress;

/// The header a proxy appends the address it received a request from to.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// Addresses read from `X-Forwarded-For` at most: a longer chain of proxies is not believed.
const MAX_HOPS: usize = 32;

/// One address or a network of them (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// An address (`127.0.0.1`, `::1`) or a network in CIDR form (`10.0.0.0/24`); an IPv4
    /// network may be written IPv4-mapped (`::ffff:10.0.0.0/120`). A prefix of 0 is refused: it
    /// would believe any peer, so any client could name the address it is counted under.
    fn parse(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let written: IpAddr = address
            .parse()
            .map_err(|_| format!("'{text}' is not an IP address or network (e.g. 10.0.0.5)"))?;
        let bits = if written.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => match prefix.parse::<u8>() {
                Ok(prefix) if prefix <= bits => prefix,
                _ => return Err(format!("'{text}': the prefix length must be 0 to {bits}")),
            },
        };
        let address = written.to_canonical();
        // An IPv4-mapped network's prefix counts the 96 bits of the mapping.
        let prefix = if written.is_ipv6() && address.is_ipv4() {
            prefix.checked_sub(96).ok_or_else(|| {
                format!("'{text}': an IPv4-mapped network's prefix length must be 96 to 128")
            })?
        } else {
            prefix
        };
        if prefix == 0 {
            return Err(format!(
                "'{text}' would trust every address, so any client could name the address it \
                 is counted under: name the proxies themselves"
            ));
        }
        Ok(Network { address, prefix })
    }

    fn contains(&self, address: IpAddr) -> bool {
        match (self.address, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                same_prefix(&network.octets(), &address.octets(), self.prefix)
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                same_prefix(&network.octets(), &address.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether the first `prefix` bits of `a` and `b` are the same.
fn same_prefix(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let mut left = usize::from(prefix);
    for (x, y) in a.iter().zip(b) {
        if left == 0 {
            return true;
        }
        let bits = left.min(8);
        let mask = u8::MAX << (8 - bits);
        if (x ^ y) & mask != 0 {
            return false;
        }
        left -= bits;
    }
    true
}

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<Network>,
}

impl TrustedProxies {
    /// The proxies named by `--trusted-proxy` values: addresses or CIDR networks.
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<TrustedProxies, String> {
        let networks = values
            .iter()
            .map(|value| Network::parse(value.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(TrustedProxies { networks })
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.networks
            .iter()
            .any(|network| network.contains(address))
    }

    /// The client a request from `peer` with `headers` came from (see the module's doc).
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        // Several header lines are one list, in the order they came. A line is read even when
        // a client put bytes that are not text in it (a proxy appends to the client's line):
        // such an entry is no address, and the walk stops there, past what the proxies wrote.
        let lines: Vec<std::borrow::Cow<'_, str>> = headers
            .get_all(FORWARDED_FOR)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()))
            .collect();
        let right_to_left = lines.iter().rev().flat_map(|line| line.rsplit(','));
        for entry in right_to_left.take(MAX_HOPS) {
            let Some(address) = forwarded_address(entry) else {
                // Not an address: nothing left of it can be believed.
                break;
            };
            client = address;
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// The address of one `X-Forwarded-For` entry: `1.2.3.4`, `2001:db8::1`, or either with a port
/// as some proxies write it (`1.2.3.4:5678`, `[2001:db8::1]:443`).
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let bare = entry
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(entry);
    let address = bare
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<std::net::SocketAddr>().map(|at| at.ip()))
        .ok()?;
    Some(address.to_canonical())
}

/// `router` with each request's [`ClientAddress`] taken from `X-Forwarded-For` when its peer is
/// one of `proxies`; `router` itself when no proxy is trusted.
pub fn behind(router: Router, proxies: &TrustedProxies) -> Router {
    if proxies.is_empty() {
        return router;
    }
    router.layer(middleware::from_fn_with_state(
        Arc::new(proxies.clone()),
        forwarded_client,
    ))
}

async fn forwarded_client(
    State(proxies): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ClientAddress(peer)) = request.extensions().get::<ClientAddress>().copied() {
        let client = proxies.client(peer, request.headers());
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(FORWARDED_FOR, HeaderValue::from_str(line).unwrap());
        }
        headers
    }

    #[test]
    fn the_client_is_the_first_address_from_the_right_that_is_not_a_trusted_proxy() {
        let proxies = TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8", "fd00::/8"]).unwrap();
        let cases: &[(&str, &[&str], &str)] = &[
            // (peer, X-Forwarded-For lines, client)
            ("127.0.0.1", &["203.0.113.7"], "203.0.113.7"),
            ("127.0.0.1", &["203.0.113.7, 10.1.2.3"], "203.0.113.7"),
            // What the client wrote itself, left of what the proxies appended, is not reached.
            ("127.0.0.1", &["1.1.1.1, 203.0.113.7"], "203.0.113.7"),
            (
                "127.0.0.1",
                &["1.1.1.1", "203.0.113.7, 10.9.9.9"],
                "203.0.113.7",
            ),
            // A peer that is not trusted keeps its own address whatever it sends.
            ("198.51.100.4", &["203.0.113.7"], "198.51.100.4"),
            // Trusted, but no header: the proxy itself.
            ("127.0.0.1", &[], "127.0.0.1"),
            // Garbage stops the walk at the last address believed.
            ("127.0.0.1", &["203.0.113.7, not-an-address"], "127.0.0.1"),
            ("127.0.0.1", &["not-an-address, 10.0.0.5"], "10.0.0.5"),
            ("127.0.0.1", &["203.0.113.9,, 203.0.113.7"], "203.0.113.7"),
            // Only trusted proxies in the chain: the farthest one.
            ("127.0.0.1", &["10.0.0.2, 10.0.0.1"], "10.0.0.2"),
            // Ports, brackets and IPv4 written as IPv6.
            ("127.0.0.1", &["203.0.113.7:5678"], "203.0.113.7"),
            ("127.0.0.1", &["[2001:db8::1]:443"], "2001:db8::1"),
            ("127.0.0.1", &["[2001:db8::1]"], "2001:db8::1"),
            ("::ffff:127.0.0.1", &["::ffff:203.0.113.7"], "203.0.113.7"),
            ("fd12::1", &["2001:db8::9"], "2001:db8::9"),
        ];
        for (peer, lines, client) in cases {
            assert_eq!(
                proxies.client(ip(peer), &forwarded(lines)),
                ip(client),
                "peer {peer}, X-Forwarded-For {lines:?}"
            );
        }
    }

    #[test]
    fn bytes_that_are_not_text_stop_the_walk_only_where_they_are() {
        let proxies = TrustedProxies::parse(&["127.0.0.1"]).unwrap();
        let mut headers = HeaderMap::new();
        let line = b"\xff\xfe, 203.0.113.7";
        headers.append(FORWARDED_FOR, HeaderValue::from_bytes(line).unwrap());
        assert_eq!(proxies.client(ip("127.0.0.1"), &headers), ip("203.0.113.7"));
    }

    #[test]
    fn a_chain_is_read_only_so_far() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8"]).unwrap();
        // The client, then `proxies` trusted hops.
        let chain = |proxies: usize| {
            let mut entries = vec!["203.0.113.7"];
            entries.extend(vec!["10.0.0.1"; proxies]);
            entries.join(", ")
        };
        for (hops, client) in [
            (MAX_HOPS - 1, "203.0.113.7"),
            (MAX_HOPS, "10.0.0.1"),
            (MAX_HOPS + 5, "10.0.0.1"),
        ] {
            let line = chain(hops);
            assert_eq!(
                proxies.client(ip("10.0.0.1"), &forwarded(&[&line])),
                ip(client),
                "{hops} trusted hops"
            );
        }
    }

    #[test]
    fn networks_match_their_prefix_only() {
        let cases = [
            ("10.0.0.0/8", "10.255.1.2", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("192.168.4.0/22", "192.168.7.255", true),
            ("192.168.4.0/22", "192.168.8.0", false),
            ("127.0.0.1", "127.0.0.2", false),
            ("fd00::/8", "fdff::1", true),
            ("fd00::/8", "fe80::1", false),
            ("::1", "::1", true),
            ("10.0.0.0/8", "::1", false),
            ("::ffff:10.0.0.0/104", "10.1.2.3", true),
            ("::ffff:10.0.0.0/104", "11.1.2.3", false),
            ("::ffff:10.0.0.0/104", "::ffff:10.9.9.9", true),
        ];
        for (network, address, inside) in cases {
            let proxies = TrustedProxies::parse(&[network]).unwrap();
            assert_eq!(
                proxies.trusts(ip(address)),
                inside,
                "{address} in {network}"
            );
        }
    }

    #[test]
    fn values_that_are_not_networks_are_refused_with_what_was_wrong() {
        for (value, says) in [
            ("localhost", "not an IP address"),
            ("10.0.0.0/33", "0 to 32"),
            ("fd00::/129", "0 to 128"),
            ("10.0.0.0/x", "prefix length"),
            ("", "not an IP address"),
            ("0.0.0.0/0", "would trust every address"),
            ("::/0", "would trust every address"),
            ("::ffff:0.0.0.0/96", "would trust every address"),
            ("::ffff:10.0.0.0/64", "96 to 128"),
        ] {
            match TrustedProxies::parse(&[value]) {
                Err(message) => assert!(message.contains(says), "{value}: {message}"),
                Ok(parsed) => panic!("{value} was taken as {parsed:?}"),
            }
        }
    }
}
