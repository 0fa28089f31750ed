//! The client's address, for throttling.
//!
//! `X-Forwarded-For` is anyone's to write, so it counts only when the peer
//! that sent the request is one of the operator's proxies
//! (`TILLIT_TRUSTED_PROXIES`). Then the header is read from the right, past
//! every trusted hop, to the first address a trusted proxy saw connect:
//! entries further left were written by the client and prove nothing.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// Parses `TILLIT_TRUSTED_PROXIES`: addresses or CIDR ranges, comma separated.
pub fn parse_proxies(raw: &str) -> Result<Vec<IpNet>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s:?} is not an address or CIDR range"))
        })
        .collect()
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|n| n.contains(&ip))
}

/// The address requests are counted against.
pub fn client_ip(req: &HttpRequest, proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted(peer, proxies) {
        return Some(peer);
    }
    let mut hops: Vec<IpAddr> = Vec::new();
    for value in req.headers().get_all("x-forwarded-for") {
        let Ok(text) = value.to_str() else {
            return Some(peer);
        };
        for part in text.split(',') {
            match part.trim().parse::<IpAddr>() {
                Ok(ip) => hops.push(ip),
                // A mangled chain: trust none of it.
                Err(_) => return Some(peer),
            }
        }
    }
    Some(
        hops.into_iter()
            .rev()
            .find(|ip| !trusted(*ip, proxies))
            .unwrap_or(peer),
    )
}

/// The address as a throttle key; requests without one share a key.
pub fn client_key(req: &HttpRequest, proxies: &[IpNet]) -> String {
    client_ip(req, proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn req(peer: &str, xff: Option<&str>) -> HttpRequest {
        let mut r = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(x) = xff {
            r = r.insert_header(("X-Forwarded-For", x));
        }
        r.to_http_request()
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxies = parse_proxies("10.0.0.0/8, 192.168.1.5").unwrap();
        // Straight from the internet: the header is the client's own words.
        assert_eq!(
            client_key(&req("203.0.113.9", Some("198.51.100.1")), &proxies),
            "203.0.113.9"
        );
        // Through the load balancer: the address it saw.
        assert_eq!(
            client_key(&req("10.1.2.3", Some("198.51.100.1")), &proxies),
            "198.51.100.1"
        );
        // A client that writes its own header in front gains nothing.
        assert_eq!(
            client_key(
                &req("10.1.2.3", Some("1.1.1.1, 198.51.100.1, 10.9.9.9")),
                &proxies
            ),
            "198.51.100.1"
        );
        assert_eq!(
            client_key(&req("192.168.1.5", Some("garbage")), &proxies),
            "192.168.1.5"
        );
        assert!(parse_proxies("not-an-ip").is_err());
    }
}
