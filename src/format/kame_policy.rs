//! `setkey -DP` entries and the policy text of libipsec's `ipsec_dump_policy`, per OS.

use std::fmt::Write;

use super::ctime::ctime20;
use super::digits::push_u64;
use super::kame::{addr_port, dump_host, lifetimes, sec_ctx, src_dst, DumpContext};
use super::names::{mode_word, word, ACTIONS, DIRECTIONS, LEVELS, REQUEST_PROTOCOLS};
use super::profile::{self, DumpProfile, PolicyError, PolicyTrailer, UpperSpec};
use crate::pfkey::consts::*;
use crate::pfkey::{Dialect, IpsecRequest, Message, Policy, SockAddr};

const IPPROTO_IPV4: u8 = 4;
const IPPROTO_GRE: u8 = 47;
const IPPROTO_MH: u8 = 135;

pub(super) fn sp_entry_into(out: &mut String, msg: &Message, dialect: Dialect, ctx: &DumpContext) {
    let p = profile::of(dialect);
    if let Some(reason) = super::libipsec::refusal(msg, dialect) {
        let _ = writeln!(out, "{reason}");
        return;
    }
    let policy = msg.policy();
    let per_socket = p.per_socket_by_id && policy.is_some_and(|x| x.id % 8 >= 3);
    if per_socket {
        out.push_str("(per-socket policy) ");
    } else if let Some((src, dst)) = src_dst(msg) {
        let ulp = src.proto;
        let sport = addr_port(&src.addr);
        let dport = addr_port(&dst.addr);
        selector(out, &src.addr, src.prefixlen, sport, ulp, p, ctx);
        selector(out, &dst.addr, dst.prefixlen, dport, ulp, p, ctx);
        if src.proto != dst.proto {
            out.push_str("upper layer protocol mismatched.\n");
            return;
        }
        upper_spec(out, ulp, sport, dport, p, ctx);
    } else {
        out.push_str("(no selector, probably per-socket policy) ");
    }
    let Some(policy) = policy else {
        out.push_str("no X_POLICY extension.\n");
        return;
    };
    let with_ports = ctx.with_ports && p.request_ports;
    match policy_text(policy, dialect, "\n\t", with_ports, ctx.interface_name) {
        Ok(text) => {
            out.push_str("\n\t");
            out.push_str(&text);
            out.push('\n');
        }
        Err(e) if p.policy_error == PolicyError::Reason => {
            let _ = writeln!(out, "\n\tPolicy:[{e}]");
        }
        Err(_) => out.push_str("\n\t(null)\n"),
    }
    let (current, hard) = lifetimes(msg);
    // The lines every entry has are appended piece by piece, not through core::fmt.
    if let Some(c) = current {
        out.push_str("\tcreated: ");
        out.push_str(&ctime20(c.addtime));
        out.push_str("  lastused: ");
        out.push_str(&ctime20(c.usetime));
        out.push('\n');
    }
    if let Some(h) = hard {
        out.push_str("\tlifetime: ");
        push_u64(out, h.addtime);
        out.push_str("(s) validtime: ");
        push_u64(out, h.usetime);
        out.push_str("(s)\n");
    }
    if p.sec_ctx {
        sec_ctx(out, msg);
    }
    if p.policy_trailer == PolicyTrailer::Scope {
        let scope = match policy.scope {
            1 => "global".to_string(),
            2 => "ifnet".to_string(),
            4 => "pcb".to_string(),
            n => n.to_string(),
        };
        // An ifnet-scope policy (if_ipsec(4)) carries its interface's index where other
        // policies have the priority; FreeBSD's setkey names it (`scope=ifnet ifname=ipsec0`).
        let ifname = match policy.scope {
            2 => (ctx.interface_name)(policy.priority)
                .map(|name| format!("ifname={name}"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "\tspid={} seq={} pid={} scope={scope} {ifname}",
            policy.id, msg.header.seq, msg.header.pid
        );
    } else {
        out.push_str("\tspid=");
        push_u64(out, policy.id.into());
        out.push_str(" seq=");
        push_u64(out, msg.header.seq.into());
        out.push_str(" pid=");
        push_u64(out, msg.header.pid.into());
        out.push('\n');
    }
    out.push_str("\trefcnt=");
    push_u64(out, msg.header.reserved.into());
    out.push('\n');
}

fn selector(
    out: &mut String,
    addr: &SockAddr,
    prefixlen: u8,
    port: u16,
    ulp: u8,
    p: &DumpProfile,
    ctx: &DumpContext,
) {
    let full = match addr {
        SockAddr::V4 { .. } => 32,
        SockAddr::V6 { .. } => 128,
        SockAddr::Other { .. } => {
            out.push_str("unknown-af ");
            return;
        }
    };
    out.push_str(&dump_host(addr, ctx));
    if prefixlen != full {
        out.push('/');
        push_u64(out, prefixlen.into());
    }
    if !p.portless_ulps.contains(&ulp) {
        if port == IPSEC_PORT_ANY {
            out.push_str("[any]");
        } else {
            out.push('[');
            push_u64(out, port.into());
            out.push(']');
        }
    }
    out.push(' ');
}

fn upper_spec(out: &mut String, ulp: u8, p1: u16, p2: u16, p: &DumpProfile, ctx: &DumpContext) {
    let named = |n: u8| (ctx.protocol_name)(n).unwrap_or_else(|| n.to_string());
    if p.upper_spec == UpperSpec::Kame {
        match ulp {
            IPSEC_ULPROTO_ANY => out.push_str("any"),
            IPPROTO_ICMPV6 => {
                out.push_str("icmp6");
                if p1 != 0 || p2 != 0 {
                    let _ = write!(out, " {p1},{p2}");
                }
            }
            IPPROTO_IPV4 => out.push_str("ip4"),
            n => out.push_str(&named(n)),
        }
        return;
    }
    match ((ctx.protocol_name)(ulp), p.upper_spec) {
        (Some(name), UpperSpec::NumberAndName) => {
            let _ = write!(out, "{ulp}({name})");
        }
        (Some(name), _) => out.push_str(&name),
        (None, _) => {
            let _ = write!(out, "{ulp}");
        }
    }
    if p1 == 0 && p2 == 0 {
        return;
    }
    match ulp {
        IPPROTO_ICMP | IPPROTO_ICMPV6 | IPPROTO_MH => {
            let _ = write!(out, " {p1},{p2}");
        }
        IPPROTO_GRE => {
            let _ = write!(out, " {}", (u32::from(p1) << 16) + u32::from(p2));
        }
        _ => {}
    }
}

/// libipsec's policy text: `dir [prio ...] action` then each request after `delimiter`;
/// `interface_name` names the zone of a scoped link-local tunnel endpoint.
pub fn policy_text(
    policy: &Policy,
    dialect: Dialect,
    delimiter: &str,
    with_ports: bool,
    interface_name: &dyn Fn(u32) -> Option<String>,
) -> Result<String, &'static str> {
    let p = profile::of(dialect);
    let dir = match word(DIRECTIONS, policy.dir) {
        Some(_) if policy.dir == IPSEC_DIR_FWD && !p.fwd => return Err("Invalid direction"),
        Some(dir) => dir,
        None => return Err("Invalid direction"),
    };
    let action = word(ACTIONS, policy.policy_type).ok_or("Invalid security policy")?;
    let mut text = String::from(dir);
    if p.priority && policy.priority != 0 {
        text.push_str(&priority_text(policy.priority));
    }
    text.push(' ');
    text.push_str(action);
    if policy.policy_type != IPSEC_POLICY_IPSEC {
        return Ok(text);
    }
    for request in &policy.requests {
        text.push_str(delimiter);
        text.push_str(&request_text(request, with_ports, p, interface_name)?);
    }
    Ok(text)
}

pub(crate) fn priority_text(priority: u32) -> String {
    const HIGH: i64 = 0x4000_0000;
    const DEF: i64 = 0x8000_0000;
    const LOW: i64 = 0xC000_0000;
    let value = i64::from(priority);
    let (name, base) = if value < DEF / 4 * 3 {
        ("high", HIGH)
    } else if value < DEF / 4 * 5 {
        ("def", DEF)
    } else {
        ("low", LOW)
    };
    match base - value {
        0 => [" prio ", name].concat(),
        n if n > 0 => format!(" prio {name} + {n}"),
        n => format!(" prio {name} - {}", -n),
    }
}

fn request_text(
    r: &IpsecRequest,
    with_ports: bool,
    profile: &DumpProfile,
    interface_name: &dyn Fn(u32) -> Option<String>,
) -> Result<String, &'static str> {
    let ctx = DumpContext {
        now: 0,
        with_ports,
        protocol_name: &|_| None,
        interface_name,
        wide_keys: false,
    };
    let host = |a: &SockAddr| dump_host(a, &ctx);
    let proto = match word(REQUEST_PROTOCOLS, r.proto) {
        Some(_) if r.proto == u16::from(IPPROTO_TCP) && !profile.request_tcp => {
            return Err("Invalid ipsec protocol")
        }
        Some(proto) => proto,
        None => return Err("Invalid ipsec protocol"),
    };
    let mode = mode_word(r.mode).ok_or("Invalid ipsec mode")?;
    // The endpoints are made before the level is looked at; getnameinfo() fails on a
    // family it does not know, which libipsec reports as a bad address.
    let endpoints = match &r.endpoints {
        Some((SockAddr::Other { .. }, _)) | Some((_, SockAddr::Other { .. })) => {
            return Err("Invalid address specification")
        }
        Some((src, dst)) if with_ports => format!(
            "{}[{}]-{}[{}]",
            host(src),
            addr_port(src),
            host(dst),
            addr_port(dst)
        ),
        Some((src, dst)) => format!("{}-{}", host(src), host(dst)),
        None => String::new(),
    };
    let level = word(LEVELS, r.level).ok_or("Invalid ipsec level")?;
    let mut text = format!("{proto}/{mode}/{endpoints}/{level}");
    if r.reqid != 0 {
        let mark = if r.reqid > IPSEC_MANUAL_REQID_MAX {
            '#'
        } else {
            ':'
        };
        let _ = write!(text, "{mark}{}", r.reqid);
    }
    Ok(text)
}
