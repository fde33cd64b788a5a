//! `setkey -D` / `-DP` / `get` output, byte-for-byte as the C setkey of each OS prints it.

use std::fmt::Write;

use super::ctime::ctime20;
use super::digits::{push_hex08, push_u64};
use super::hexdump::{grouped, grouped_wide};
use super::names;
use super::profile::{self, NatOa, SaLayout};
use crate::pfkey::consts::*;
use crate::pfkey::{
    AddressKind, Dialect, Extension, KeyKind, Lifetime, LifetimeKind, Message, NatTPortKind,
    SockAddr,
};

/// What the caller knows that the message does not: the clock, `-p`, and protocol names.
pub struct DumpContext<'a> {
    /// Seconds since the epoch, for `current:` and `diff:`.
    pub now: u64,
    /// `-p`: print ports with SA addresses and policy endpoints (NetBSD/Linux style).
    pub with_ports: bool,
    /// `getprotobynumber()`: the name /etc/protocols gives a protocol number.
    pub protocol_name: &'a dyn Fn(u8) -> Option<String>,
    /// `if_indextoname()`: the interface of an IPv6 scope id, when it can be known (the
    /// dump is of this host's own kernel).
    pub interface_name: &'a dyn Fn(u32) -> Option<String>,
    /// `--wide`: keys on one line (the C setkey wraps them every 32 bytes).
    pub wide_keys: bool,
}

fn nat_port(msg: &Message, kind: NatTPortKind) -> Option<u16> {
    msg.extensions.iter().find_map(|e| match e {
        Extension::NatTPort(k, p) if *k == kind => Some(*p),
        _ => None,
    })
}

/// The numeric host form `getnameinfo(NI_NUMERICHOST)` gives.
pub fn host(addr: &SockAddr) -> String {
    match addr {
        SockAddr::V4 { addr, .. } => {
            let mut text = String::with_capacity(15);
            super::digits::push_ipv4(&mut text, *addr);
            text
        }
        SockAddr::V6 { addr, scope_id, .. } if *scope_id != 0 => {
            format!("{}%{scope_id}", ntop6(addr))
        }
        SockAddr::V6 { addr, .. } => ntop6(addr),
        SockAddr::Other { .. } => String::new(),
    }
}

/// `getnameinfo(NI_NUMERICHOST)` as setkey calls it for dumps: a link-local (unicast or
/// multicast) address with a scope id names its interface, `fe80::1%wm0`, when
/// `if_indextoname()` knows the index; other scoped addresses, and unknown indexes, keep
/// the number (NetBSD lib/libc/net/getnameinfo.c, ip6_sa2str; glibc and FreeBSD alike).
pub fn dump_host(addr: &SockAddr, ctx: &DumpContext) -> String {
    match addr {
        SockAddr::V6 { addr, scope_id, .. } if *scope_id != 0 => {
            let o = addr.octets();
            let link_local =
                (o[0] == 0xfe && o[1] & 0xc0 == 0x80) || (o[0] == 0xff && o[1] & 0x0f == 0x02);
            let zone = link_local
                .then(|| (ctx.interface_name)(*scope_id))
                .flatten()
                .unwrap_or_else(|| scope_id.to_string());
            format!("{}%{zone}", ntop6(addr))
        }
        _ => host(addr),
    }
}

/// `inet_ntop(AF_INET6)` of the C libraries (NetBSD's, FreeBSD's and glibc's share the
/// BIND code): as RFC 5952 text, except that an address whose first 96 bits are zero
/// and whose seventh group is not ends in dotted IPv4 (`::192.0.2.1`; `::1` and `::2`
/// stay hex). The IPv4-mapped form `::ffff:a.b.c.d` is the same in both.
pub(crate) fn ntop6(addr: &std::net::Ipv6Addr) -> String {
    let groups = addr.segments();
    if groups[..6].iter().all(|g| *g == 0) && groups[6] != 0 {
        let o = addr.octets();
        return format!("::{}.{}.{}.{}", o[12], o[13], o[14], o[15]);
    }
    addr.to_string()
}

fn port(addr: &SockAddr) -> u16 {
    match addr {
        SockAddr::V4 { port, .. } | SockAddr::V6 { port, .. } => *port,
        SockAddr::Other { .. } => 0,
    }
}

/// One SA of a `-D` dump or a `get` reply.
pub fn sa_entry(msg: &Message, dialect: Dialect, ctx: &DumpContext) -> String {
    let mut out = String::new();
    sa_entry_into(&mut out, msg, dialect, ctx);
    out
}

/// `sa_entry`, appended to `out` (a dump reuses one buffer for all its entries).
pub fn sa_entry_into(out: &mut String, msg: &Message, dialect: Dialect, ctx: &DumpContext) {
    let p = profile::of(dialect);
    if let Some(reason) = super::libipsec::refusal(msg, dialect) {
        let _ = writeln!(out, "{reason}");
        return;
    }
    let kame = p.sa_layout == SaLayout::Kame;
    let sa = msg.sa();
    let sa2 = msg.sa2();
    let natt_type = msg.extensions.iter().find_map(|e| match e {
        Extension::NatTType { nat_type, .. } => Some(*nat_type),
        _ => None,
    });
    // ipsec-tools only counts NAT-T when the type is non-zero.
    let use_natt = match natt_type {
        Some(t) => p.natt_with_type_zero || t != 0,
        None => false,
    };
    let ports_suffix = |kind| match nat_port(msg, kind) {
        Some(p) if use_natt => format!("[{p}]"),
        _ => String::new(),
    };
    let with_ports = |a: &SockAddr| {
        if ctx.with_ports && p.sa_ports {
            format!("{}[{}]", dump_host(a, ctx), port(a))
        } else {
            dump_host(a, ctx)
        }
    };

    let Some(src) = msg.address(AddressKind::Src) else {
        out.push_str("no ADDRESS_SRC extension.\n");
        return;
    };
    out.push_str(&with_ports(&src.addr));
    out.push_str(&ports_suffix(NatTPortKind::Src));
    if !kame {
        out.push(' ');
    }
    let Some(dst) = msg.address(AddressKind::Dst) else {
        out.push_str(if kame {
            "\nno ADDRESS_DST extension.\n"
        } else {
            " no ADDRESS_DST extension.\n"
        });
        return;
    };
    if kame {
        out.push(' ');
    }
    out.push_str(&with_ports(&dst.addr));
    out.push_str(&ports_suffix(NatTPortKind::Dst));
    if !kame {
        out.push(' ');
    }
    let lead = if kame { "\n" } else { "" };
    let Some(sa) = sa else {
        let _ = writeln!(out, "{lead}no SA extension.");
        return;
    };
    let Some(sa2) = sa2 else {
        let _ = writeln!(out, "{lead}no SA2 extension.");
        return;
    };
    out.push_str("\n\t");
    let satype = msg.header.satype;
    if use_natt && satype == SADB_SATYPE_ESP {
        out.push_str("esp-udp ");
    } else {
        if use_natt && p.natt_plus {
            out.push_str("natt+");
        }
        names::push_table_or_number(out, names::SATYPES, satype);
    }
    // The lines every entry has are appended piece by piece: core::fmt would cost a dump
    // more than decoding the kernel's messages does.
    out.push_str("mode=");
    names::push_table_or_number(out, names::MODES, sa2.mode);
    out.push_str("spi=");
    number_and_hex(out, sa.spi);
    out.push_str(" reqid=");
    number_and_hex(out, sa2.reqid);
    out.push('\n');
    if use_natt {
        let oai = msg.address(AddressKind::NatTOai);
        if p.nat_oa == NatOa::OaiOar {
            let oar = msg.address(AddressKind::NatTOar);
            if oai.is_some() || oar.is_some() {
                out.push_str("\tNAT:");
                if let Some(a) = oai {
                    let _ = write!(out, " OAI={}", dump_host(&a.addr, ctx));
                }
                if let Some(a) = oar {
                    let _ = write!(out, " OAR={}", dump_host(&a.addr, ctx));
                }
                out.push('\n');
            }
        } else if let Some(a) = oai {
            let _ = writeln!(out, "\tNAT OA={}", dump_host(&a.addr, ctx));
        }
        if p.esp_frag {
            if let Some(fraglen) = msg.extensions.iter().find_map(|e| match e {
                Extension::NatTFrag { fraglen, .. } if *fraglen != 0 => Some(*fraglen),
                _ => None,
            }) {
                let _ = writeln!(out, "\tNAT-T esp_frag={fraglen}");
            }
        }
    }
    let key = |kind| msg.key(kind);
    let key_text = |bytes: &[u8]| {
        if ctx.wide_keys {
            grouped_wide(bytes)
        } else {
            grouped(bytes)
        }
    };
    if satype == SADB_X_SATYPE_IPCOMP {
        let _ = write!(out, "\tC: {}", names::compress_name(sa.encrypt));
    } else if satype == SADB_SATYPE_ESP {
        if let Some(k) = key(KeyKind::Encrypt) {
            let bytes = &k.data[..(usize::from(k.bits) / 8).min(k.data.len())];
            out.push_str("\tE: ");
            names::push_lookup(out, p.encrypt_names, sa.encrypt);
            out.push_str(&key_text(bytes));
            out.push('\n');
        }
    }
    if let Some(k) = key(KeyKind::Auth) {
        let bytes = &k.data[..(usize::from(k.bits) / 8).min(k.data.len())];
        out.push_str("\tA: ");
        names::push_lookup(out, p.auth_names, sa.auth);
        out.push_str(&key_text(bytes));
        out.push('\n');
    }
    let replay = match msg.extensions.iter().find_map(|e| match e {
        Extension::SaReplay { replay } => Some(*replay),
        _ => None,
    }) {
        Some(r) if p.replay_from_ext => r >> 3,
        _ => u32::from(sa.replay),
    };
    out.push_str("\tseq=0x");
    push_hex08(out, sa2.sequence);
    out.push_str(" replay=");
    push_u64(out, replay.into());
    out.push_str(" flags=0x");
    push_hex08(out, sa.flags);
    out.push_str(" state=");
    names::push_table_or_number(out, names::STATES, sa.state);
    out.push('\n');
    if let Some(cur) = msg.lifetime(LifetimeKind::Current) {
        lifetime_block(out, cur, msg, ctx.now);
    }
    if p.sec_ctx {
        sec_ctx(out, msg);
    }
    out.push_str("\tsadb_seq=");
    push_u64(out, msg.header.seq.into());
    out.push_str(" pid=");
    push_u64(out, msg.header.pid.into());
    out.push_str(" refcnt=");
    push_u64(out, msg.header.reserved.into());
    out.push('\n');
}

/// `N(0x%08x)`.
fn number_and_hex(out: &mut String, n: u32) {
    push_u64(out, n.into());
    out.push_str("(0x");
    push_hex08(out, n);
    out.push(')');
}

/// For each (label, value): a tab, the label, the value in decimal and `unit`; then a newline.
fn labelled(out: &mut String, fields: &[(&str, u64)], unit: &str) {
    for (label, value) in fields {
        out.push('\t');
        out.push_str(label);
        push_u64(out, *value);
        out.push_str(unit);
    }
    out.push('\n');
}

fn lifetime_block(out: &mut String, cur: &Lifetime, msg: &Message, now: u64) {
    let hard = msg.lifetime(LifetimeKind::Hard);
    let soft = msg.lifetime(LifetimeKind::Soft);
    let diff = if cur.addtime == 0 {
        0
    } else {
        now.wrapping_sub(cur.addtime)
    };
    out.push_str("\tcreated: ");
    out.push_str(&ctime20(cur.addtime));
    out.push_str("\tcurrent: ");
    out.push_str(&ctime20(now));
    out.push('\n');
    let hard_or_soft = |l: Option<&Lifetime>, field: fn(&Lifetime) -> u64| l.map_or(0, field);
    labelled(
        out,
        &[
            ("diff: ", diff),
            ("hard: ", hard_or_soft(hard, |l| l.addtime)),
            ("soft: ", hard_or_soft(soft, |l| l.addtime)),
        ],
        "(s)",
    );
    out.push_str("\tlast: ");
    out.push_str(&ctime20(cur.usetime));
    out.push_str("\thard: ");
    push_u64(out, hard_or_soft(hard, |l| l.usetime));
    out.push_str("(s)\tsoft: ");
    push_u64(out, hard_or_soft(soft, |l| l.usetime));
    out.push_str("(s)\n");
    // setkey prints byte counts through a double ("%.0f"), which is exact up to 2^53.
    for (label, l) in [("current: ", Some(cur)), ("hard: ", hard), ("soft: ", soft)] {
        out.push('\t');
        out.push_str(label);
        match l.map_or(0, |l| l.bytes) {
            n if n <= 1 << 53 => push_u64(out, n),
            n => {
                let _ = write!(out, "{:.0}", n as f64);
            }
        }
        out.push_str("(bytes)");
    }
    out.push('\n');
    labelled(
        out,
        &[
            ("allocated: ", u64::from(cur.allocations)),
            ("hard: ", hard.map_or(0, |l| u64::from(l.allocations))),
            ("soft: ", soft.map_or(0, |l| u64::from(l.allocations))),
        ],
        "",
    );
}

fn sec_ctx_lines(out: &mut String, c: &crate::pfkey::SecCtx) {
    let text = c.context.split(|b| *b == 0).next().unwrap_or(&[]);
    let _ = writeln!(out, "\tsecurity context doi: {}", c.doi);
    let _ = writeln!(out, "\tsecurity context algorithm: {}", c.alg);
    let _ = writeln!(out, "\tsecurity context length: {}", c.context.len());
    let _ = writeln!(out, "\tsecurity context: {}", String::from_utf8_lossy(text));
}

/// One policy of a `-DP` dump.
pub fn sp_entry(msg: &Message, dialect: Dialect, ctx: &DumpContext) -> String {
    let mut out = String::new();
    sp_entry_into(&mut out, msg, dialect, ctx);
    out
}

/// `sp_entry`, appended to `out`.
pub fn sp_entry_into(out: &mut String, msg: &Message, dialect: Dialect, ctx: &DumpContext) {
    super::kame_policy::sp_entry_into(out, msg, dialect, ctx);
}

pub(super) fn src_dst(msg: &Message) -> Option<(&crate::pfkey::Address, &crate::pfkey::Address)> {
    Some((
        msg.address(AddressKind::Src)?,
        msg.address(AddressKind::Dst)?,
    ))
}

pub(super) fn lifetimes(msg: &Message) -> (Option<&Lifetime>, Option<&Lifetime>) {
    (
        msg.lifetime(LifetimeKind::Current),
        msg.lifetime(LifetimeKind::Hard),
    )
}

pub(super) fn addr_port(addr: &SockAddr) -> u16 {
    port(addr)
}

pub(super) fn sec_ctx(out: &mut String, msg: &Message) {
    if let Some(c) = msg.extensions.iter().find_map(|e| match e {
        Extension::SecCtx(c) => Some(c),
        _ => None,
    }) {
        sec_ctx_lines(out, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(text: &str) -> SockAddr {
        SockAddr::V6 {
            addr: text.parse().unwrap(),
            port: 0,
            flowinfo: 0,
            scope_id: 0,
        }
    }

    /// lib/libc/inet/inet_ntop.c (NetBSD 1.x, BIND's inet_ntop6): the IPv4-compatible
    /// form ends in dotted IPv4, the rest is the usual compressed text.
    #[test]
    fn ipv6_text_is_inet_ntop_s() {
        assert_eq!(host(&v6("::192.0.2.1")), "::192.0.2.1");
        assert_eq!(host(&v6("::1:2")), "::0.1.0.2");
        assert_eq!(host(&v6("::ffff:192.0.2.1")), "::ffff:192.0.2.1");
        assert_eq!(host(&v6("::1")), "::1");
        assert_eq!(host(&v6("::2")), "::2");
        assert_eq!(host(&v6("::")), "::");
        assert_eq!(host(&v6("2001:db8::1:0:0:1")), "2001:db8::1:0:0:1");
        assert_eq!(host(&v6("2001:0:0:1::1")), "2001:0:0:1::1");
        assert_eq!(host(&v6("fe80::1")), "fe80::1");
    }

    #[test]
    fn link_local_scopes_name_their_interface_when_it_is_known() {
        let scoped = |text: &str, scope_id: u32| SockAddr::V6 {
            addr: text.parse().unwrap(),
            port: 0,
            flowinfo: 0,
            scope_id,
        };
        let names = |i: u32| (i == 2).then(|| "wm0".to_string());
        let ctx = DumpContext {
            now: 0,
            with_ports: false,
            protocol_name: &|_| None,
            interface_name: &names,
            wide_keys: false,
        };
        assert_eq!(dump_host(&scoped("fe80::1", 2), &ctx), "fe80::1%wm0");
        assert_eq!(dump_host(&scoped("ff02::1", 2), &ctx), "ff02::1%wm0");
        assert_eq!(dump_host(&scoped("fe80::1", 7), &ctx), "fe80::1%7");
        assert_eq!(dump_host(&scoped("2001:db8::1", 2), &ctx), "2001:db8::1%2");
        assert_eq!(dump_host(&scoped("fe80::1", 0), &ctx), "fe80::1");
    }
}
