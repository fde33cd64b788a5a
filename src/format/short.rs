//! `setkey -D -l`: the one-line-per-SA listing, refreshed every second.

use std::fmt::Write;

use super::kame::host;
use crate::pfkey::{AddressKind, Extension, LifetimeKind, Message, SockAddr};

/// The header printed before every refresh.
pub const HEADER: &str = "time p   s spi      ltime   src -> dst\n";

fn endpoint(addr: &SockAddr) -> String {
    match addr {
        SockAddr::V4 { port, .. } | SockAddr::V6 { port, .. } if *port != 0 => {
            format!("{}[{port}]", host(addr))
        }
        _ => host(addr),
    }
}

/// One SA: `MMSS satype state spi age/hard src -> dst`; `now` in seconds since the epoch,
/// `minute_second` the local minutes and seconds of `now`.
pub fn entry(msg: &Message, now: u64, minute_second: (u32, u32)) -> String {
    let mut out = format!("{:02}{:02}", minute_second.0, minute_second.1);
    let satype = match msg.header.satype {
        2 => "ah".to_string(),
        3 => "esp".to_string(),
        n => format!("#{n}"),
    };
    let _ = write!(out, " {satype:<3}");
    let sa = msg.sa();
    let state = match sa.map(|s| s.state) {
        Some(0) => "L",
        Some(1) => "M",
        Some(2) => "D",
        Some(3) => "d",
        _ => "?",
    };
    let _ = write!(out, " {state:<1}");
    match sa {
        Some(sa) => {
            let _ = write!(out, " {:08x}", sa.spi);
        }
        None => out.push_str("?       "),
    }
    match (
        msg.lifetime(LifetimeKind::Current),
        msg.lifetime(LifetimeKind::Hard),
    ) {
        (Some(cur), Some(hard)) => {
            let age = now.saturating_sub(cur.addtime);
            let age = if age >= 1000 {
                "big".to_string()
            } else {
                format!("{age:>3}")
            };
            let limit = if hard.addtime >= 1000 {
                "big".to_string()
            } else {
                format!("{:<3}", hard.addtime)
            };
            let _ = write!(out, " {age}/{limit}");
        }
        _ => out.push_str(" ???/???"),
    }
    let addr = |kind| {
        msg.extensions.iter().find_map(|e| match e {
            Extension::Address(k, a) if *k == kind => Some(endpoint(&a.addr)),
            _ => None,
        })
    };
    let _ = writeln!(
        out,
        " {} -> {}",
        addr(AddressKind::Src).unwrap_or_default(),
        addr(AddressKind::Dst).unwrap_or_default()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pfkey::{Address, Lifetime, Sa};
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
            m.extensions.push(Extension::Lifetime(
                LifetimeKind::Current,
                Lifetime {
                    addtime,
                    ..Lifetime::default()
                },
            ));
            m.extensions.push(Extension::Lifetime(
                LifetimeKind::Hard,
                Lifetime {
                    addtime: 60,
                    ..Lifetime::default()
                },
            ));
        }
        m.extensions.push(addr(AddressKind::Src, 1, 0));
        m.extensions.push(addr(AddressKind::Dst, 2, 4500));
        m
    }

    #[test]
    fn one_line_per_sa() {
        assert_eq!(
            entry(&sa_message(true, 1000), 1042, (5, 9)),
            "0509 esp M 00001234  42/60  10.0.0.1 -> 10.0.0.2[4500]\n"
        );
        assert_eq!(
            entry(&sa_message(true, 0), 5000, (0, 0)),
            "0000 esp M 00001234 big/60  10.0.0.1 -> 10.0.0.2[4500]\n"
        );
        assert_eq!(
            entry(&sa_message(false, 0), 0, (0, 0)),
            "0000 esp M 00001234 ???/??? 10.0.0.1 -> 10.0.0.2[4500]\n"
        );
    }
}
