//! `-D --json` and `-DP --json`: every field of the text dump of one SA or policy as JSON.

use super::json::{array, hex, Obj};
use super::kame::{addr_port, dump_host, DumpContext};
use super::kame_policy;
use super::names;
use super::profile;
use super::rfc3339::utc;
use crate::pfkey::consts::*;
use crate::pfkey::{
    AddressKind, Dialect, Extension, KeyKind, Lifetime, LifetimeKind, Message, NatTPortKind,
    SockAddr,
};

/// The version of the document layout below; fields may be added without changing it.
pub const SCHEMA: u32 = 1;

/// The opening of a dump document: `{"schema":1,"target":"linux","sad":[` (or `"spd"`).
pub fn document_start(dialect: Dialect, policy: bool) -> String {
    format!(
        "{{\"schema\":{SCHEMA},\"target\":\"{}\",\"{}\":[",
        dialect.name(),
        if policy { "spd" } else { "sad" }
    )
}

/// The closing of a dump document.
pub const DOCUMENT_END: &str = "]}";

fn trimmed(text: String) -> String {
    text.trim_end().to_string()
}

fn endpoint(addr: &SockAddr, ctx: &DumpContext) -> String {
    let mut o = Obj::new();
    o.str("addr", &dump_host(addr, ctx))
        .num("port", addr_port(addr));
    o.finish()
}

fn lifetime(l: Option<&Lifetime>) -> String {
    match l {
        None => "null".into(),
        Some(l) => {
            let mut o = Obj::new();
            o.num("allocations", l.allocations)
                .num("bytes", l.bytes)
                .num("addtime", l.addtime)
                .num("usetime", l.usetime);
            o.finish()
        }
    }
}

fn lifetimes(o: &mut Obj, msg: &Message, now: u64) {
    let current = msg.lifetime(LifetimeKind::Current);
    o.opt_str("created", current.and_then(|c| utc(c.addtime)).as_deref())
        .opt_str("last_used", current.and_then(|c| utc(c.usetime)).as_deref());
    if let Some(c) = current {
        o.num(
            "diff",
            if c.addtime == 0 {
                0
            } else {
                now.wrapping_sub(c.addtime)
            },
        );
    }
    let mut l = Obj::new();
    l.raw("current", &lifetime(current))
        .raw("hard", &lifetime(msg.lifetime(LifetimeKind::Hard)))
        .raw("soft", &lifetime(msg.lifetime(LifetimeKind::Soft)));
    o.raw("lifetime", &l.finish());
}

fn sec_ctx(o: &mut Obj, msg: &Message) {
    let ctx = msg.extensions.iter().find_map(|e| match e {
        Extension::SecCtx(c) => Some(c),
        _ => None,
    });
    if let Some(c) = ctx {
        let text = c.context.split(|b| *b == 0).next().unwrap_or(&[]);
        let mut co = Obj::new();
        co.num("doi", c.doi)
            .num("alg", c.alg)
            .str("context", &String::from_utf8_lossy(text));
        o.raw("sec_ctx", &co.finish());
    }
}

fn algorithm(name: String, number: u8, key: Option<&crate::pfkey::Key>) -> String {
    let mut o = Obj::new();
    o.str("name", &trimmed(name)).num("number", number);
    match key {
        Some(k) => {
            let bytes = &k.data[..(usize::from(k.bits) / 8).min(k.data.len())];
            o.num("bits", k.bits).str("key", &hex(bytes));
        }
        None => {
            o.raw("bits", "null").raw("key", "null");
        }
    }
    o.finish()
}

fn nat_t(msg: &Message, ctx: &DumpContext) -> Option<String> {
    let nat_type = msg.extensions.iter().find_map(|e| match e {
        Extension::NatTType { nat_type, .. } => Some(*nat_type),
        _ => None,
    })?;
    let port = |kind| {
        msg.extensions.iter().find_map(|e| match e {
            Extension::NatTPort(k, p) if *k == kind => Some(*p),
            _ => None,
        })
    };
    let addr = |kind| msg.address(kind).map(|a| dump_host(&a.addr, ctx));
    let frag = msg.extensions.iter().find_map(|e| match e {
        Extension::NatTFrag { fraglen, .. } => Some(*fraglen),
        _ => None,
    });
    let mut o = Obj::new();
    o.num("type", nat_type);
    let number = |o: &mut Obj, k: &str, v: Option<u16>| match v {
        Some(v) => {
            o.num(k, v);
        }
        None => {
            o.raw(k, "null");
        }
    };
    number(&mut o, "sport", port(NatTPortKind::Src));
    number(&mut o, "dport", port(NatTPortKind::Dst));
    o.opt_str("oai", addr(AddressKind::NatTOai).as_deref())
        .opt_str("oar", addr(AddressKind::NatTOar).as_deref());
    number(&mut o, "frag", frag);
    Some(o.finish())
}

/// One SA of `-D --json`.
pub fn sa_entry(msg: &Message, dialect: Dialect, ctx: &DumpContext) -> String {
    let p = profile::of(dialect);
    let mut o = Obj::new();
    let address = |kind| match msg.address(kind) {
        Some(a) => endpoint(&a.addr, ctx),
        None => "null".into(),
    };
    o.raw("src", &address(AddressKind::Src))
        .raw("dst", &address(AddressKind::Dst));
    let satype = msg.header.satype;
    o.str(
        "satype",
        &trimmed(names::table_or_number(names::SATYPES, satype)),
    )
    .num("satype_number", satype);
    if let Some(nat) = nat_t(msg, ctx) {
        o.raw("nat_t", &nat);
    }
    if let Some(sa2) = msg.sa2() {
        o.str(
            "mode",
            &trimmed(names::table_or_number(names::MODES, sa2.mode)),
        )
        .num("reqid", sa2.reqid)
        .num("seq", sa2.sequence);
    }
    if let Some(sa) = msg.sa() {
        o.num("spi", sa.spi);
        let encrypt_key = msg.key(KeyKind::Encrypt);
        match satype {
            SADB_X_SATYPE_IPCOMP => {
                let mut c = Obj::new();
                c.str("name", &trimmed(names::compress_name(sa.encrypt)))
                    .num("number", sa.encrypt);
                o.raw("compress", &c.finish());
            }
            SADB_SATYPE_ESP => {
                o.raw(
                    "encrypt",
                    &algorithm(
                        names::lookup(p.encrypt_names, sa.encrypt),
                        sa.encrypt,
                        encrypt_key,
                    ),
                );
            }
            _ => {}
        }
        let auth_key = msg.key(KeyKind::Auth);
        if auth_key.is_some() || sa.auth != 0 {
            o.raw(
                "auth",
                &algorithm(names::lookup(p.auth_names, sa.auth), sa.auth, auth_key),
            );
        }
        let replay = match msg.extensions.iter().find_map(|e| match e {
            Extension::SaReplay { replay } => Some(*replay),
            _ => None,
        }) {
            Some(r) if p.replay_from_ext => r >> 3,
            _ => u32::from(sa.replay),
        };
        o.num("replay", replay)
            .num("flags", sa.flags)
            .str(
                "state",
                &trimmed(names::table_or_number(names::STATES, sa.state)),
            )
            .num("state_number", sa.state);
    }
    lifetimes(&mut o, msg, ctx.now);
    sec_ctx(&mut o, msg);
    o.num("sadb_seq", msg.header.seq)
        .num("pid", msg.header.pid)
        .num("refcnt", msg.header.reserved);
    o.finish()
}

fn selector(a: &crate::pfkey::Address, ctx: &DumpContext) -> String {
    let mut o = Obj::new();
    o.str("addr", &dump_host(&a.addr, ctx))
        .num("prefixlen", a.prefixlen)
        .num("port", addr_port(&a.addr));
    o.finish()
}

/// The name of `value` in `table`, or the number when it has none.
fn word<T: Copy + PartialEq + ToString>(table: &[(T, &'static str)], value: T) -> String {
    names::word(table, value).map_or_else(|| value.to_string(), str::to_string)
}

fn request(r: &crate::pfkey::IpsecRequest, ctx: &DumpContext) -> String {
    let mut o = Obj::new();
    o.str("proto", &word(names::REQUEST_PROTOCOLS, r.proto))
        .str(
            "mode",
            &names::mode_word(r.mode).map_or_else(|| r.mode.to_string(), str::to_string),
        );
    match &r.endpoints {
        Some((src, dst)) => {
            o.raw("src", &endpoint(src, ctx))
                .raw("dst", &endpoint(dst, ctx));
        }
        None => {
            o.raw("src", "null").raw("dst", "null");
        }
    }
    o.str("level", &word(names::LEVELS, r.level))
        .num("reqid", r.reqid)
        .bool("reqid_assigned", r.reqid > IPSEC_MANUAL_REQID_MAX);
    o.finish()
}

/// One policy of `-DP --json`.
pub fn sp_entry(msg: &Message, dialect: Dialect, ctx: &DumpContext) -> String {
    let p = profile::of(dialect);
    let mut o = Obj::new();
    let policy = msg.policy();
    let per_socket = p.per_socket_by_id && policy.is_some_and(|x| x.id % 8 >= 3);
    let address = |kind| match msg.address(kind) {
        Some(a) => selector(a, ctx),
        None => "null".into(),
    };
    o.raw("src", &address(AddressKind::Src))
        .raw("dst", &address(AddressKind::Dst));
    if let Some(src) = msg.address(AddressKind::Src) {
        let name = match src.proto {
            IPSEC_ULPROTO_ANY => Some("any".to_string()),
            n => (ctx.protocol_name)(n),
        };
        let mut u = Obj::new();
        u.num("number", src.proto).opt_str("name", name.as_deref());
        o.raw("upper", &u.finish());
    }
    o.bool("per_socket", per_socket);
    if let Some(policy) = policy {
        o.str("dir", &word(names::DIRECTIONS, policy.dir))
            .num("priority", policy.priority)
            .opt_str(
                "priority_text",
                (p.priority && policy.priority != 0)
                    .then(|| kame_policy::priority_text(policy.priority))
                    .as_deref()
                    .map(|t| t.trim_start_matches(" prio ")),
            )
            .str("action", &word(names::ACTIONS, policy.policy_type))
            .raw(
                "requests",
                &array(policy.requests.iter().map(|r| request(r, ctx))),
            );
    }
    lifetimes(&mut o, msg, ctx.now);
    sec_ctx(&mut o, msg);
    if let Some(policy) = policy {
        o.num("spid", policy.id).num("scope", policy.scope);
        if p.policy_trailer == profile::PolicyTrailer::Scope && policy.scope == 2 {
            o.opt_str("ifname", (ctx.interface_name)(policy.priority).as_deref());
        }
    }
    o.num("seq", msg.header.seq)
        .num("pid", msg.header.pid)
        .num("refcnt", msg.header.reserved);
    o.finish()
}
