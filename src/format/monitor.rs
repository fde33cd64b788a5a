//! `setkey -x`: timestamp lines and a one-line, readable account of each message users watch for.

use std::fmt::Write;

use super::ctime;
use super::kame::host;
use super::names;
use crate::origin::{ConfigTrace, MatchedBy};
use crate::pfkey::consts::*;
use crate::pfkey::{self, AddressKind, Dialect, Extension, LifetimeKind, Message, SockAddr};

/// `HH:MM:SS.uuuuuu ` in local time (`-x`) or `secs.uuuuuu ` (`-xx`), then a newline.
pub fn timestamp_line(secs: u64, micros: u32, raw: bool) -> String {
    if raw {
        format!("{secs}.{micros:06} \n")
    } else {
        format!("{}.{micros:06} \n", ctime::clock(secs))
    }
}

/// How the summary line marks the copy of a message that a BSD kernel wraps in an
/// X_PROMISC header for promiscuous sockets (the plain message follows it when it was
/// broadcast; a reply meant for another socket comes only wrapped).
pub const PROMISCUOUS_COPY: &str = "[promiscuous copy]";

/// The message inside an X_PROMISC wrapper, or the bytes themselves.
pub fn unwrap_promisc(bytes: &[u8]) -> &[u8] {
    match pfkey::peek_header(bytes) {
        Some(h) if h.msg_type == SADB_X_PROMISC && bytes.len() > 16 => &bytes[16..],
        _ => bytes,
    }
}

fn endpoint(msg: &Message, kind: AddressKind) -> Option<(&SockAddr, u8, u8)> {
    msg.extensions.iter().find_map(|e| match e {
        Extension::Address(k, a) if *k == kind => Some((&a.addr, a.proto, a.prefixlen)),
        _ => None,
    })
}

fn addr_text(a: &SockAddr, prefixlen: Option<u8>) -> String {
    let mut s = host(a);
    let full = matches!(a, SockAddr::V4 { .. })
        .then_some(32)
        .unwrap_or(128);
    if let Some(p) = prefixlen.filter(|p| *p != full) {
        let _ = write!(s, "/{p}");
    }
    match a {
        SockAddr::V4 { port, .. } | SockAddr::V6 { port, .. } if *port != 0 => {
            let _ = write!(s, "[{port}]");
        }
        _ => {}
    }
    s
}

fn flow(msg: &Message, with_prefix: bool) -> String {
    let src = endpoint(msg, AddressKind::Src);
    let dst = endpoint(msg, AddressKind::Dst);
    match (src, dst) {
        (Some((s, proto, sp)), Some((d, _, dp))) => {
            let (sp, dp) = if with_prefix {
                (Some(sp), Some(dp))
            } else {
                (None, None)
            };
            let mut text = format!("{} -> {}", addr_text(s, sp), addr_text(d, dp));
            if proto != IPSEC_ULPROTO_ANY && with_prefix {
                let _ = write!(text, " proto {proto}");
            }
            text
        }
        _ => "(no addresses)".to_string(),
    }
}

fn satype(msg: &Message) -> &'static str {
    pfkey::satype_name(msg.header.satype)
}

fn spi(msg: &Message) -> String {
    match msg.sa() {
        Some(sa) => format!("spi 0x{:08x}", sa.spi),
        None => "no spi".to_string(),
    }
}

fn lifetime_usage(msg: &Message, now: u64) -> String {
    let cur = msg.lifetime(LifetimeKind::Current);
    let (limit_kind, limit) = match (
        msg.lifetime(LifetimeKind::Hard),
        msg.lifetime(LifetimeKind::Soft),
    ) {
        (Some(h), _) => ("hard", h),
        (None, Some(s)) => ("soft", s),
        (None, None) => return "no limit given".to_string(),
    };
    let mut parts = Vec::new();
    if limit.addtime != 0 {
        // The current lifetime's addtime is the absolute time the SA was added.
        let age = cur.map_or(0, |c| now.saturating_sub(c.addtime));
        parts.push(format!("age {age}s of {}s", limit.addtime));
    }
    if limit.bytes != 0 {
        parts.push(format!(
            "{} of {} bytes",
            cur.map_or(0, |c| c.bytes),
            limit.bytes
        ));
    }
    if limit.allocations != 0 {
        parts.push(format!(
            "{} of {} allocations",
            cur.map_or(0, |c| c.allocations),
            limit.allocations
        ));
    }
    if limit.usetime != 0 {
        parts.push(format!("use time limit {}s", limit.usetime));
    }
    if parts.is_empty() {
        format!("{limit_kind} limit reached")
    } else {
        format!("{limit_kind}: {}", parts.join(", "))
    }
}

/// `# policy: FILE:LINE (kernel policy id N)`: where the policy the kernel knows by `id` is in
/// a configuration (after an SPDADD or SPDUPDATE with `-v`, and for `-x --config`).
pub fn policy_id_note(location: &str, id: u32, dir: u8) -> String {
    let dir = names::word(names::DIRECTIONS, dir).unwrap_or("?");
    format!("# policy: {location} (kernel policy id {id}, -P {dir})\n")
}

/// The `-x --config` line of an ACQUIRE or SPDEXPIRE: the policy of the configuration it
/// comes from and how that was found, or that none of its policies fits.
pub fn origin_line(trace: &ConfigTrace, msg: &Message) -> String {
    let id = match msg.policy() {
        Some(p) => format!("kernel policy id {}", p.id),
        None => "no policy id".to_string(),
    };
    match trace.origins.origin(msg) {
        Some(o) if o.by == MatchedBy::PolicyId => format!("# policy: {} ({id})\n", o.location),
        Some(o) => format!("# policy: {} (by selector; {id})\n", o.location),
        None => format!("# policy: none in {} ({id})\n", trace.name),
    }
}

/// The `policy_origin` member `-x --json --config` adds to an ACQUIRE or SPDEXPIRE.
pub fn origin_json(trace: &ConfigTrace, msg: &Message) -> String {
    let origin = trace.origins.origin(msg);
    let mut o = super::json::Obj::new();
    o.str("config", &trace.name);
    match origin {
        Some(origin) => {
            o.str("location", origin.location).str(
                "matched_by",
                match origin.by {
                    MatchedBy::PolicyId => "policy_id",
                    MatchedBy::Selector => "selector",
                },
            );
        }
        None => {
            o.raw("location", "null").raw("matched_by", "null");
        }
    }
    o.finish()
}

/// A readable one-line account of `msg`, e.g. `ACQUIRE esp 192.0.2.1 -> 192.0.2.2 proto 1 ...`;
/// `now` (seconds since the epoch) gives the age of an expiring SA.
pub fn summary(msg: &Message, dialect: Dialect, now: u64) -> String {
    let h = &msg.header;
    let name = pfkey::msg_type_name(h.msg_type);
    let mut line = match h.msg_type {
        SADB_ACQUIRE => {
            let mut s = format!("ACQUIRE {} {}", satype(msg), flow(msg, true));
            if let Some(p) = msg.policy() {
                let _ = write!(s, " policy id {}", p.id);
            }
            if let Some(prop) = msg.extensions.iter().find_map(|e| match e {
                Extension::Proposal(p) => Some(p),
                _ => None,
            }) {
                let combs: Vec<String> = prop
                    .combinations
                    .iter()
                    .map(|c| format!("auth {} enc {}", c.auth, c.encrypt))
                    .collect();
                let _ = write!(s, " proposal [{}]", combs.join("; "));
            }
            s
        }
        SADB_EXPIRE => {
            let kind = if msg.lifetime(LifetimeKind::Hard).is_some() {
                "hard"
            } else if msg.lifetime(LifetimeKind::Soft).is_some() {
                "soft"
            } else {
                "unknown"
            };
            format!(
                "EXPIRE ({kind}) {} {} {}: {}",
                satype(msg),
                spi(msg),
                flow(msg, false),
                lifetime_usage(msg, now)
            )
        }
        SADB_ADD | SADB_UPDATE | SADB_DELETE | SADB_GET | SADB_GETSPI => {
            format!("{name} {} {} {}", satype(msg), spi(msg), flow(msg, false))
        }
        SADB_X_SPDADD | SADB_X_SPDUPDATE | SADB_X_SPDDELETE | SADB_X_SPDDELETE2
        | SADB_X_SPDEXPIRE | SADB_X_SPDGET | SADB_X_SPDSETIDX => {
            let mut s = format!("{name} {}", flow(msg, true));
            if let Some(p) = msg.policy() {
                match super::kame_policy::policy_text(p, dialect, " ", false, &|_| None) {
                    Ok(text) => {
                        let _ = write!(s, " {text} (id {})", p.id);
                    }
                    Err(_) => {
                        let _ = write!(s, " policy id {}", p.id);
                    }
                }
            }
            s
        }
        SADB_REGISTER => {
            let count: usize = msg
                .extensions
                .iter()
                .map(|e| match e {
                    Extension::Supported(_, algs) => algs.len(),
                    _ => 0,
                })
                .sum();
            format!("REGISTER {} ({count} algorithms supported)", satype(msg))
        }
        SADB_FLUSH => format!("FLUSH {}", satype(msg)),
        SADB_X_SPDFLUSH => "X_SPDFLUSH".to_string(),
        _ => format!("{name} satype {}", satype(msg)),
    };
    if h.errno != 0 {
        let _ = write!(line, " (errno {})", h.errno);
    }
    line
}
