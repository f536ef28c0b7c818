//! Where a webhook may be sent. A department's webhook address is typed by
//! an administrator and the delivery outcome is shown to them, so without a
//! guard it would let anyone with that page probe the police network from
//! the server (SSRF). The guard refuses, on the form and again before every
//! delivery:
//!
//! - anything but an `http(s)://` URL with a host, and credentials in it;
//! - a host that is, or resolves to, a loopback, private (10/8, 172.16/12,
//!   192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), CGNAT
//!   (100.64/10), unspecified, "this network" (0/8), reserved (240/4),
//!   broadcast or multicast address, in IPv4, IPv6, IPv4-mapped and
//!   -embedded IPv6 forms. Other spellings of IPv4 (`2130706433`,
//!   `0x7f000001`, `0177.0.0.1`, `127.1`, `0`) are read as the WHATWG URL
//!   standard (and so every browser and HTTP client) reads them;
//! - plain `http`.
//!
//! An on-premise receiver is admitted by the allow-list setting
//! (`SANSE_WEBHOOK_ALLOW=10.20.0.5:8443,receiver.example.internal:443`,
//! `host:port` entries): a listed host and port may use any address and
//! plain `http`. The application's own listening address and its database
//! stay refused even when listed.
//!
//! A name is resolved once, here, and the delivery connects to the address
//! that was checked (no second lookup that could answer differently); the
//! client ignores proxy variables and follows no redirect.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

use crate::i18n::Lang;

/// The longest webhook address kept.
pub const URL_MAX: usize = 500;

/// Why an address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not an `http(s)://` URL with a host, too long, or with spaces.
    NotUrl,
    /// A user name or password in the URL.
    Credentials,
    /// Plain `http` to a receiver that is not on the allow-list.
    PlainHttp,
    /// The host is, or resolves to, an internal or special address.
    Internal,
    /// The application itself or its database.
    OwnService,
    /// The host name does not resolve.
    Unresolved,
}

impl Refusal {
    /// What the administrator is told, next to the field.
    pub fn message(self, lang: Lang) -> &'static str {
        let zh = lang == Lang::Zh;
        match self {
            Refusal::NotUrl if zh => {
                "请填写以 https:// 开头、不含空格的完整地址（最多 500 个字符）。"
            }
            Refusal::NotUrl => {
                "Enter a full address starting with https://, without spaces (at most 500 characters)."
            }
            Refusal::Credentials if zh => "地址中不能包含用户名或密码；接收方用签名密钥验证推送。",
            Refusal::Credentials => {
                "The address may not contain a user name or password; the receiver checks the signing secret instead."
            }
            Refusal::PlainHttp if zh => "只能使用 https；内网接收方须先由系统管理员列入允许清单。",
            Refusal::PlainHttp => {
                "Only https is allowed; an on-premise receiver must first be put on the allow-list by the system administrator."
            }
            Refusal::Internal if zh => {
                "该地址指向本机、内网或保留地址，不能作为推送地址；内网接收方须先列入允许清单。"
            }
            Refusal::Internal => {
                "This address points to this machine, an internal network or a reserved address; an on-premise receiver must first be put on the allow-list."
            }
            Refusal::OwnService if zh => "不能把推送发往本系统自身或其数据库。",
            Refusal::OwnService => "Webhooks cannot be sent to Sanse itself or its database.",
            Refusal::Unresolved if zh => "无法解析该主机名，请检查地址。",
            Refusal::Unresolved => "The host name cannot be resolved; check the address.",
        }
    }

    /// A short reason for the delivery log.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotUrl => "refused: not a valid address",
            Refusal::Credentials => "refused: credentials in the address",
            Refusal::PlainHttp => "refused: plain http",
            Refusal::Internal => "refused: internal address",
            Refusal::OwnService => "refused: Sanse or its database",
            Refusal::Unresolved => "refused: host name does not resolve",
        }
    }
}

/// Where a delivery goes: the checked URL and the address to connect to.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    pub addr: SocketAddr,
}

/// The allow-list and the services that stay refused.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Allowed `(host, port)`, the host lower case as URLs write it
    /// (`[::1]` with brackets).
    allow: Vec<(String, u16)>,
    /// The application's listening address and its database's.
    own: Vec<SocketAddr>,
}

impl Guard {
    /// A guard from the allow-list entries (`host:port` each) and the
    /// addresses of the application and its database. An entry that is not
    /// `host:port` is an error that names it.
    pub fn new(allow: &[String], own: Vec<SocketAddr>) -> Result<Guard, String> {
        let mut entries = Vec::new();
        for raw in allow.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            let parsed = Url::parse(&format!("http://{raw}/"))
                .ok()
                .filter(|u| u.username().is_empty() && u.path() == "/")
                .and_then(|u| Some((u.host_str()?.to_owned(), u.port_or_known_default()?)));
            match parsed {
                Some(entry) if raw.rsplit_once(':').is_some() => entries.push(entry),
                _ => return Err(format!("allow-list entry {raw:?} is not host:port")),
            }
        }
        Ok(Guard {
            allow: entries,
            own,
        })
    }

    /// Another service that stays refused, e.g. the listener once bound.
    pub fn refuse_also(&mut self, addr: SocketAddr) {
        self.own.push(addr);
    }

    fn listed(&self, url: &Url) -> bool {
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return false;
        };
        self.allow
            .iter()
            .any(|(h, p)| *p == port && h.eq_ignore_ascii_case(host))
    }

    fn is_own(&self, addr: SocketAddr) -> bool {
        self.own.iter().any(|own| {
            own.port() == addr.port()
                && (own.ip() == addr.ip()
                    || (own.ip().is_unspecified() && is_this_host(addr.ip()))
                    || (own.ip().is_loopback() && addr.ip().is_loopback()))
        })
    }

    /// Check what can be checked without resolving: the URL's form, its
    /// credentials and scheme, and a literal address.
    pub fn check(&self, raw: &str) -> Result<Url, Refusal> {
        let raw = raw.trim();
        if raw.is_empty()
            || raw.chars().count() > URL_MAX
            || raw.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Refusal::NotUrl);
        }
        let url = Url::parse(raw).map_err(|_| Refusal::NotUrl)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Refusal::NotUrl);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Credentials);
        }
        let listed = self.listed(&url);
        if url.scheme() == "http" && !listed {
            return Err(Refusal::PlainHttp);
        }
        if let Some(ip) = literal_ip(&url) {
            let port = url.port_or_known_default().unwrap_or(0);
            self.check_addr(SocketAddr::new(ip, port), listed)?;
        }
        Ok(url)
    }

    fn check_addr(&self, addr: SocketAddr, listed: bool) -> Result<(), Refusal> {
        if self.is_own(addr) {
            Err(Refusal::OwnService)
        } else if !listed && is_refused(addr.ip()) {
            Err(Refusal::Internal)
        } else {
            Ok(())
        }
    }

    /// Check `raw` and resolve its host once: the address a delivery
    /// connects to. A name of which any address is refused is refused.
    pub async fn target(&self, raw: &str) -> Result<Target, Refusal> {
        let url = self.check(raw)?;
        let listed = self.listed(&url);
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<SocketAddr> = match literal_ip(&url) {
            Some(ip) => vec![SocketAddr::new(ip, port)],
            None => {
                let host = url.host_str().unwrap_or_default().to_owned();
                match tokio::net::lookup_host((host.as_str(), port)).await {
                    Ok(found) => found.collect(),
                    Err(_) => Vec::new(),
                }
            }
        };
        let first = *addrs.first().ok_or(Refusal::Unresolved)?;
        for addr in &addrs {
            self.check_addr(*addr, listed)?;
        }
        Ok(Target { url, addr: first })
    }
}

/// The host as an address, when the URL names one (the URL parser has
/// already turned every IPv4 spelling into dotted decimal).
fn literal_ip(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.parse().ok()
}

/// An address of this machine as a wildcard listener receives it.
fn is_this_host(ip: IpAddr) -> bool {
    ip.is_loopback() || ip.is_unspecified()
}

/// Whether a webhook may not go to `ip` unless it is allow-listed.
pub fn is_refused(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_refused_v4(v4),
        IpAddr::V6(v6) => is_refused_v6(v6),
    }
}

fn is_refused_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0 // "this network"
        || a >= 240 // reserved
        || (a == 100 && (b & 0xc0) == 64) // CGNAT, 100.64/10
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b & 0xfe) == 18) // benchmarking, 198.18/15
}

fn is_refused_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64
    // (64:ff9b::a.b.c.d) addresses are judged by the IPv4 address in them.
    let mapped_or_compatible = s[..5] == [0, 0, 0, 0, 0] && (s[5] == 0xffff || s[5] == 0);
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    let embedded = (mapped_or_compatible || nat64).then(|| {
        let [.., a, b, c, d] = ip.octets();
        Ipv4Addr::new(a, b, c, d)
    });
    if let Some(v4) = embedded
        && !ip.is_loopback()
        && !ip.is_unspecified()
    {
        return is_refused_v4(v4);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated), fec0::/10
        || s[0] == 0x2001 && s[1] == 0x0db8 // documentation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard::new(&[], Vec::new()).unwrap()
    }

    #[test]
    fn every_spelling_of_an_internal_address_is_refused() {
        let g = guard();
        for url in [
            "https://127.0.0.1/hook",
            "https://127.1/hook",
            "https://2130706433/hook",
            "https://0x7f000001/hook",
            "https://0x7f.0.0.1/hook",
            "https://0177.0.0.1/hook",
            "https://017700000001/hook",
            "https://0/hook",
            "https://0.0.0.0/hook",
            "https://[::1]/hook",
            "https://[::]/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://[::ffff:7f00:1]/hook",
            "https://[::ffff:10.0.0.1]/hook",
            "https://[64:ff9b::a9fe:a9fe]/hook",
            "https://10.1.2.3/hook",
            "https://172.16.0.1/hook",
            "https://172.31.255.255/hook",
            "https://192.168.1.1/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/hook",
            "https://100.127.255.255/hook",
            "https://224.0.0.1/hook",
            "https://255.255.255.255/hook",
            "https://240.0.0.1/hook",
            "https://[fc00::1]/hook",
            "https://[fd12:3456::1]/hook",
            "https://[fe80::1]/hook",
            "https://[ff02::1]/hook",
        ] {
            assert_eq!(g.check(url).err(), Some(Refusal::Internal), "{url}");
        }
    }

    #[test]
    fn public_addresses_pass_and_neighbours_of_refused_ranges_too() {
        let g = guard();
        for url in [
            "https://8.8.8.8/hook",
            "https://100.63.255.255/hook",
            "https://100.128.0.1/hook",
            "https://172.15.255.255/hook",
            "https://172.32.0.1/hook",
            "https://[2606:4700::1111]/hook",
            "https://receiver.example.com:8443/hooks?x=1",
        ] {
            assert!(g.check(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn credentials_plain_http_and_junk_are_refused() {
        let g = guard();
        let refused = |url: &str| g.check(url).err();
        assert_eq!(
            refused("https://user:pw@receiver.example.com/"),
            Some(Refusal::Credentials)
        );
        assert_eq!(
            refused("https://user@receiver.example.com/"),
            Some(Refusal::Credentials)
        );
        assert_eq!(
            refused("http://receiver.example.com/"),
            Some(Refusal::PlainHttp)
        );
        for junk in [
            "",
            "receiver.example.com",
            "ftp://receiver.example.com/",
            "https://",
            "https://exa mple.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
        ] {
            assert_eq!(refused(junk), Some(Refusal::NotUrl), "{junk:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX));
        assert_eq!(refused(&long), Some(Refusal::NotUrl));
    }

    #[test]
    fn the_allow_list_admits_a_listed_host_and_port_only() {
        let g = Guard::new(
            &["10.20.0.5:8443".into(), "Receiver.Internal:80".into()],
            Vec::new(),
        )
        .unwrap();
        assert!(g.check("https://10.20.0.5:8443/hook").is_ok());
        assert!(g.check("http://10.20.0.5:8443/hook").is_ok());
        assert_eq!(
            g.check("https://10.20.0.5:8444/hook").err(),
            Some(Refusal::Internal)
        );
        assert!(g.check("http://receiver.internal/hook").is_ok());
        assert_eq!(
            g.check("http://receiver.internal:81/hook").err(),
            Some(Refusal::PlainHttp)
        );
        assert!(Guard::new(&["no-port".into()], Vec::new()).is_err());
        assert!(Guard::new(&["a:b:c".into()], Vec::new()).is_err());
    }

    #[test]
    fn the_application_and_its_database_stay_refused_when_listed() {
        let own = vec![
            "0.0.0.0:8080".parse().unwrap(),
            "10.0.0.9:5432".parse().unwrap(),
        ];
        let g = Guard::new(
            &[
                "127.0.0.1:8080".into(),
                "10.0.0.9:5432".into(),
                "10.0.0.9:8443".into(),
            ],
            own,
        )
        .unwrap();
        assert_eq!(
            g.check("http://127.0.0.1:8080/").err(),
            Some(Refusal::OwnService)
        );
        assert_eq!(
            g.check("http://10.0.0.9:5432/").err(),
            Some(Refusal::OwnService)
        );
        assert!(g.check("https://10.0.0.9:8443/").is_ok());
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused() {
        let g = guard();
        assert_eq!(
            g.target("https://localhost/hook").await.err(),
            Some(Refusal::Internal)
        );
        assert!(g.target("https://localhost./hook").await.is_err());
        let listed = Guard::new(&["localhost:9".into()], Vec::new()).unwrap();
        let target = listed.target("http://localhost:9/hook").await.unwrap();
        assert!(target.addr.ip().is_loopback());
        assert_eq!(target.addr.port(), 9);
        assert_eq!(
            g.target("https://no-such-host.invalid/").await.err(),
            Some(Refusal::Unresolved)
        );
    }
}
