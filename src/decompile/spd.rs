//! One dumped policy as an `spdadd` (or, for Linux fwd policies, `spdupdate`) statement.

use std::fmt::Write;

use super::{host, profile, Rendered};
use crate::format::kame_policy::priority_text;
use crate::format::names::{mode_word, word, ACTIONS, DIRECTIONS, LEVELS, REQUEST_PROTOCOLS};
use crate::format::profile as dump_profile;
use crate::pfkey::consts::*;
use crate::pfkey::{Address, AddressKind, Dialect, IpsecRequest, LifetimeKind, Message, SockAddr};

const IPPROTO_GRE: u8 = 47;

fn port_of(addr: &SockAddr) -> u16 {
    match addr {
        SockAddr::V4 { port, .. } | SockAddr::V6 { port, .. } => *port,
        SockAddr::Other { .. } => 0,
    }
}

fn full_prefix(addr: &SockAddr) -> u8 {
    match addr {
        SockAddr::V4 { .. } => 32,
        _ => 128,
    }
}

fn selector(a: &Address, with_port: bool) -> Option<String> {
    let mut text = host(&a.addr)?;
    if a.prefixlen != full_prefix(&a.addr) {
        let _ = write!(text, "/{}", a.prefixlen);
    }
    if with_port {
        match port_of(&a.addr) {
            IPSEC_PORT_ANY => text.push_str("[any]"),
            port => {
                let _ = write!(text, "[{port}]");
            }
        }
    }
    Some(text)
}

fn upper_name(proto: u8) -> String {
    match proto {
        IPSEC_ULPROTO_ANY => "any".into(),
        IPPROTO_ICMP => "icmp".into(),
        IPPROTO_TCP => "tcp".into(),
        17 => "udp".into(),
        IPPROTO_ICMPV6 => "icmp6".into(),
        n => n.to_string(),
    }
}

fn request(r: &IpsecRequest) -> Result<String, String> {
    let proto = word(REQUEST_PROTOCOLS, r.proto)
        .ok_or_else(|| format!("request protocol {} has no setkey form", r.proto))?;
    let mode =
        mode_word(r.mode).ok_or_else(|| format!("request mode {} has no setkey form", r.mode))?;
    let endpoints = match &r.endpoints {
        None => String::new(),
        Some((src, dst)) => {
            let one = |a: &SockAddr| -> Result<String, String> {
                let h = host(a).ok_or("a tunnel endpoint of an unknown address family")?;
                Ok(match port_of(a) {
                    0 => h,
                    port => format!("{h}[{port}]"),
                })
            };
            format!("{}-{}", one(src)?, one(dst)?)
        }
    };
    let level = word(LEVELS, r.level)
        .ok_or_else(|| format!("request level {} has no setkey form", r.level))?;
    let mut text = format!("{proto}/{mode}/{endpoints}/{level}");
    // A reqid above the manual range was assigned by the kernel; a new one will be.
    if r.reqid != 0 && r.reqid <= IPSEC_MANUAL_REQID_MAX {
        let _ = write!(text, ":{}", r.reqid);
    }
    Ok(text)
}

fn same_selectors(a: &Message, b: &Message) -> bool {
    a.address(AddressKind::Src) == b.address(AddressKind::Src)
        && a.address(AddressKind::Dst) == b.address(AddressKind::Dst)
}

/// `SRC DST UPPER[ PORTS]`: the part of a policy statement that names its selectors.
fn selectors(msg: &Message, id: u32, dialect: Dialect) -> Result<String, Rendered> {
    let dump = dump_profile::of(dialect);
    let (Some(src), Some(dst)) = (msg.address(AddressKind::Src), msg.address(AddressKind::Dst))
    else {
        return Err(Rendered::refused(format!(
            "policy spid={id} has no selectors: not re-created"
        )));
    };
    let upper = src.proto;
    let portless = dump.portless_ulps.contains(&upper);
    let (Some(src_text), Some(dst_text)) = (selector(src, !portless), selector(dst, !portless))
    else {
        return Err(Rendered::refused(format!(
            "policy spid={id}: a selector of an unknown address family"
        )));
    };
    let mut text = format!("{src_text} {dst_text} {}", upper_name(upper));
    let (sport, dport) = (port_of(&src.addr), port_of(&dst.addr));
    if portless && (sport != 0 || dport != 0) {
        if upper == IPPROTO_GRE {
            let _ = write!(text, " {}", (u32::from(sport) << 16) | u32::from(dport));
        } else {
            let _ = write!(text, " {sport},{dport}");
        }
    }
    Ok(text)
}

/// `spddelete SRC DST UPPER -P DIR;` for one policy of a dump.
pub fn sp_delete_statement(msg: &Message, dialect: Dialect) -> Option<String> {
    let policy = msg.policy()?;
    let dir = word(DIRECTIONS, policy.dir)?;
    let head = selectors(msg, policy.id, dialect).ok()?;
    Some(format!("spddelete {head} -P {dir};"))
}

/// `spdadd ...;` for one policy of a dump (`all`: the whole dump, which decides how Linux
/// fwd policies and inbound policies without one are written).
pub fn sp_statement(msg: &Message, dialect: Dialect, all: &[Message]) -> Rendered {
    let p = profile(dialect);
    let dump = dump_profile::of(dialect);
    let Some(policy) = msg.policy() else {
        return Rendered::refused("a policy without X_POLICY extension has no setkey form");
    };
    if dump.per_socket_by_id && policy.id % 8 >= 3 {
        return Rendered::refused(format!(
            "per-socket policy spid={}: set by a program on its own socket, not re-created",
            policy.id
        ));
    }
    if dump.policy_trailer == dump_profile::PolicyTrailer::Scope && policy.scope == 2 {
        return Rendered::refused(format!(
            "ifnet-scope policy spid={}: made by its if_ipsec(4) interface, not by setkey",
            policy.id
        ));
    }
    let head = match selectors(msg, policy.id, dialect) {
        Ok(head) => head,
        Err(refused) => return refused,
    };
    let mut notes = Vec::new();
    // `-P any` is not a direction a policy can be added with.
    let dir = match word(DIRECTIONS, policy.dir) {
        Some(dir) if policy.dir != IPSEC_DIR_ANY && (policy.dir != IPSEC_DIR_FWD || dump.fwd) => {
            dir
        }
        _ => {
            return Rendered::refused(format!(
                "policy spid={}: direction {} has no setkey form",
                policy.id, policy.dir
            ))
        }
    };
    let command = if p.fwd_copies && policy.dir == IPSEC_DIR_FWD {
        "spdupdate"
    } else {
        "spdadd"
    };
    let mut text = format!("{command} {head}");
    if let Some(c) = msg.extensions.iter().find_map(|e| match e {
        crate::pfkey::Extension::SecCtx(c) => Some(c),
        _ => None,
    }) {
        let context = c.context.split(|b| *b == 0).next().unwrap_or(&[]);
        let _ = write!(
            text,
            " -ctx {} {} \"{}\"",
            c.doi,
            c.alg,
            String::from_utf8_lossy(context)
        );
    }
    let Some(action) = word(ACTIONS, policy.policy_type) else {
        return Rendered::refused(format!(
            "policy spid={}: action {} has no setkey form",
            policy.id, policy.policy_type
        ));
    };
    let _ = write!(text, " -P {dir}");
    if dump.priority && policy.priority != 0 {
        text.push_str(&priority_text(policy.priority));
    }
    let _ = write!(text, " {action}");
    if policy.policy_type == IPSEC_POLICY_IPSEC {
        for r in &policy.requests {
            match request(r) {
                Ok(r) => {
                    let _ = write!(text, " {r}");
                }
                Err(reason) => {
                    return Rendered::refused(format!("policy spid={}: {reason}", policy.id))
                }
            }
            if r.reqid > IPSEC_MANUAL_REQID_MAX {
                notes.push(format!(
                    "policy spid={}: reqid {} was assigned by the kernel; it assigns a new one",
                    policy.id, r.reqid
                ));
            }
        }
    }
    if let Some(h) = msg.lifetime(LifetimeKind::Hard) {
        if h.addtime != 0 || h.usetime != 0 {
            notes.push(format!(
                "policy spid={}: its lifetime ({}s) and validtime ({}s) have no setkey form",
                policy.id, h.addtime, h.usetime
            ));
        }
    }
    if p.fwd_copies && policy.dir == IPSEC_DIR_INBOUND {
        let has_fwd = all
            .iter()
            .any(|m| m.policy().is_some_and(|q| q.dir == IPSEC_DIR_FWD) && same_selectors(m, msg));
        if !has_fwd {
            notes.push(format!(
                "policy spid={} has no fwd copy in the kernel: apply with -k to keep it so",
                policy.id
            ));
        }
    }
    text.push(';');
    Rendered {
        statement: Some(text),
        notes,
    }
}
