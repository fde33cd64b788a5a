//! `setkey -D -l`: the one-line-per-SA listing, refreshed every second.

use std::fmt::Write;

use super::kame::host;
use crate::pfkey::{Address, AddressKind, LifetimeKind, Message, SockAddr};

/// The header, printed once before the first listing.
pub const HEADER: &str = "time p   s spi      ltime   src -> dst\n";

/// The upper-layer protocol names of the listing's own table (setkey.c's `ipproto`,
/// numbers 0..=60); any other number prints as `#N`.
const IPPROTO: &[(u8, &str)] = &[
    (0, "ip"),
    (1, "icmp"),
    (2, "igmp"),
    (3, "ggp"),
    (4, "ip4"),
    (6, "tcp"),
    (8, "egp"),
    (17, "udp"),
    (22, "idp"),
    (29, "tp"),
    (41, "ip6"),
    (43, "rt6"),
    (44, "frag6"),
    (46, "rsvp"),
    (47, "gre"),
    (50, "esp"),
    (51, "ah"),
    (58, "icmp6"),
    (59, "none"),
    (60, "dst6"),
];

/// setkey.c's STR_OR_ID: the table's name, or `#N`.
fn name_or_number(table: &[(u8, &str)], n: u8) -> String {
    table
        .iter()
        .find(|(k, _)| *k == n)
        .map_or_else(|| format!("#{n}"), |(_, name)| (*name).to_string())
}

/// An address: the protocol first when it is not 0 (SA addresses carry 255, `#255`),
/// then the host, with `[port]` unless the port is 0.
fn endpoint(a: &Address) -> String {
    let mut out = String::new();
    if a.proto != 0 {
        let _ = write!(out, "{} ", name_or_number(IPPROTO, a.proto));
    }
    match a.addr {
        SockAddr::V4 { port, .. } | SockAddr::V6 { port, .. } if port != 0 => {
            let _ = write!(out, "{}[{port}]", host(&a.addr));
        }
        _ => out.push_str(&host(&a.addr)),
    }
    out
}

/// One SA: `MMSS satype state spi age/hard src -> dst`, as setkey.c's shortdump prints
/// it (the same in KAME's and ipsec-tools' setkey): `MMSS` is `now` modulo an hour, in
/// seconds since the epoch, not the local clock; the age is 0 for an SA never stamped
/// and, like the hard lifetime, a 32-bit number (`big` from 1000 on); both need all
/// three lifetimes.
pub fn entry(msg: &Message, now: u64) -> String {
    let mut out = format!("{:02}{:02}", now % 3600 / 60, now % 60);
    const SATYPES: &[(u8, &str)] = &[(2, "ah"), (3, "esp")];
    let _ = write!(out, " {:<3}", name_or_number(SATYPES, msg.header.satype));
    const STATES: &[(u8, &str)] = &[(0, "L"), (1, "M"), (2, "D"), (3, "d")];
    match msg.sa() {
        Some(sa) => {
            let _ = write!(out, " {:<1}", name_or_number(STATES, sa.state));
            let _ = write!(out, " {:08x}", sa.spi);
        }
        None => out.push_str("? ?       "),
    }
    match (
        msg.lifetime(LifetimeKind::Soft),
        msg.lifetime(LifetimeKind::Hard),
        msg.lifetime(LifetimeKind::Current),
    ) {
        (Some(_), Some(hard), Some(cur)) => {
            let age = if cur.addtime == 0 {
                0
            } else {
                now.wrapping_sub(cur.addtime) as u32
            };
            if age >= 1000 {
                out.push_str(" big/");
            } else {
                let _ = write!(out, " {age:>3}/");
            }
            let limit = hard.addtime as u32;
            if limit >= 1000 {
                out.push_str("big");
            } else {
                let _ = write!(out, "{limit:<3}");
            }
        }
        _ => out.push_str(" ???/???"),
    }
    let addr = |kind| msg.address(kind).map_or_else(|| "?".to_string(), endpoint);
    let _ = writeln!(
        out,
        " {} -> {}",
        addr(AddressKind::Src),
        addr(AddressKind::Dst)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pfkey::{Extension, Lifetime, Sa};
    use std::net::Ipv4Addr;

    fn sa_message(with_lifetimes: bool, addtime: u64) -> Message {
        let addr = |kind, last, port| {
            Extension::Address(
                kind,
                Address {
                    proto: 255,
                    prefixlen: 32,
                    reserved: 0,
                    addr: SockAddr::V4 {
                        addr: Ipv4Addr::new(10, 0, 0, last),
                        port,
                    },
                },
            )
        };
        let mut m = Message::new(10, 3);
        m.extensions.push(Extension::Sa(Sa {
            spi: 0x1234,
            state: 1,
            ..Sa::default()
        }));
        if with_lifetimes {
            let lifetime = |kind, addtime| {
                Extension::Lifetime(
                    kind,
                    Lifetime {
                        addtime,
                        ..Lifetime::default()
                    },
                )
            };
            m.extensions.push(lifetime(LifetimeKind::Current, addtime));
            m.extensions.push(lifetime(LifetimeKind::Hard, 60));
            m.extensions.push(lifetime(LifetimeKind::Soft, 48));
        }
        m.extensions.push(addr(AddressKind::Src, 1, 0));
        m.extensions.push(addr(AddressKind::Dst, 2, 4500));
        m
    }

    /// setkey.c's shortdump (NetBSD crypto/dist/ipsec-tools/src/setkey/setkey.c 1.16;
    /// KAME's is the same): SA addresses carry protocol 255, printed `#255`.
    #[test]
    fn one_line_per_sa() {
        // 3909 s after the epoch is 01:05:09 UTC.
        assert_eq!(
            entry(&sa_message(true, 3867), 3909),
            "0509 esp M 00001234  42/60  #255 10.0.0.1 -> #255 10.0.0.2[4500]\n"
        );
        assert_eq!(
            entry(&sa_message(true, 1), 5000),
            "2320 esp M 00001234 big/60  #255 10.0.0.1 -> #255 10.0.0.2[4500]\n"
        );
        // An SA never stamped is 0 seconds old.
        assert_eq!(
            entry(&sa_message(true, 0), 5000),
            "2320 esp M 00001234   0/60  #255 10.0.0.1 -> #255 10.0.0.2[4500]\n"
        );
        assert_eq!(
            entry(&sa_message(false, 0), 0),
            "0000 esp M 00001234 ???/??? #255 10.0.0.1 -> #255 10.0.0.2[4500]\n"
        );
    }

    #[test]
    fn odd_fields() {
        let mut m = sa_message(true, 100);
        // Without the soft lifetime the ages are not shown.
        m.extensions
            .retain(|e| !matches!(e, Extension::Lifetime(LifetimeKind::Soft, _)));
        m.extensions.retain(|e| !matches!(e, Extension::Sa(_)));
        m.extensions
            .retain(|e| !matches!(e, Extension::Address(AddressKind::Dst, _)));
        m.header.satype = 9;
        for e in &mut m.extensions {
            if let Extension::Address(_, a) = e {
                a.proto = 6;
            }
        }
        assert_eq!(
            entry(&m, 160),
            "0240 #9 ? ?        ???/??? tcp 10.0.0.1 -> ?\n"
        );
    }
}
