//! One JSON object per message: every field decoded, keys and unknown bytes hex-encoded.

use std::fmt::Write;

use crate::pfkey::{self, Dialect, Extension, Message, SockAddr};

/// A tiny JSON object writer: fields are appended in order, strings escaped.
pub(crate) struct Obj {
    out: String,
    first: bool,
}

impl Obj {
    pub(crate) fn new() -> Self {
        Obj {
            out: String::from("{"),
            first: true,
        }
    }
    fn key(&mut self, k: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_str(&mut self.out, k);
        self.out.push(':');
    }
    pub(crate) fn num(&mut self, k: &str, v: impl Into<u64>) -> &mut Self {
        self.key(k);
        let _ = write!(self.out, "{}", v.into());
        self
    }
    pub(crate) fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        push_str(&mut self.out, v);
        self
    }
    pub(crate) fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k);
        self.out.push_str(json);
        self
    }
    /// A string, or `null` for `None`.
    pub(crate) fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(k, v),
            None => self.raw(k, "null"),
        }
    }
    pub(crate) fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.raw(k, if v { "true" } else { "false" })
    }
    pub(crate) fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

pub(crate) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

pub(crate) fn array(items: impl IntoIterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

fn sockaddr(a: &SockAddr) -> String {
    let mut o = Obj::new();
    match a {
        SockAddr::V4 { addr, port } => {
            o.str("family", "inet")
                .str("addr", &addr.to_string())
                .num("port", *port);
        }
        SockAddr::V6 {
            addr,
            port,
            flowinfo,
            scope_id,
        } => {
            o.str("family", "inet6")
                .str("addr", &addr.to_string())
                .num("port", *port)
                .num("flowinfo", *flowinfo)
                .num("scope_id", *scope_id);
        }
        SockAddr::Other { family, data } => {
            o.num("family", *family).str("data", &hex(data));
        }
    }
    o.finish()
}

/// The whole message as one line of JSON; `time` is the receive time (seconds, microseconds).
/// One message as a JSON object; `promiscuous_copy` marks the copy a BSD kernel wrapped in
/// an X_PROMISC header for a promiscuous socket.
pub fn message(
    msg: &Message,
    dialect: Dialect,
    time: Option<(u64, u32)>,
    promiscuous_copy: bool,
) -> String {
    let mut o = Obj::new();
    if let Some((secs, micros)) = time {
        o.raw("time", &format!("{secs}.{micros:06}"));
    }
    if promiscuous_copy {
        o.raw("promiscuous_copy", "true");
    }
    let h = &msg.header;
    o.str("type", pfkey::msg_type_name(h.msg_type))
        .num("type_number", h.msg_type)
        .num("version", h.version)
        .num("errno", h.errno)
        .str("satype", pfkey::satype_name(h.satype))
        .num("satype_number", h.satype)
        .num("reserved", h.reserved)
        .num("seq", h.seq)
        .num("pid", h.pid);
    let exts = msg.extensions.iter().map(|e| extension(e, dialect));
    o.raw("extensions", &array(exts));
    o.finish()
}

fn extension(ext: &Extension, dialect: Dialect) -> String {
    let number = pfkey::ext_type_number(ext, dialect).unwrap_or(0);
    let mut o = Obj::new();
    o.str("ext", pfkey::ext_type_name(number, dialect))
        .num("ext_number", number);
    match ext {
        Extension::Sa(sa) => {
            o.num("spi", sa.spi)
                .num("replay", sa.replay)
                .num("state", sa.state)
                .num("auth", sa.auth)
                .num("encrypt", sa.encrypt)
                .num("flags", sa.flags);
        }
        Extension::Lifetime(_, l) => {
            o.num("allocations", l.allocations)
                .num("bytes", l.bytes)
                .num("addtime", l.addtime)
                .num("usetime", l.usetime);
        }
        Extension::Address(_, a) => {
            o.num("proto", a.proto)
                .num("prefixlen", a.prefixlen)
                .num("reserved", a.reserved)
                .raw("address", &sockaddr(&a.addr));
        }
        Extension::Key(_, k) => {
            o.num("bits", k.bits)
                .num("reserved", k.reserved)
                .str("key", &hex(&k.data));
        }
        Extension::Identity(_, i) => {
            o.num("ident_type", i.ident_type)
                .num("id", i.id)
                .str("text", &String::from_utf8_lossy(&i.text));
        }
        Extension::Sensitivity(s) => {
            o.num("dpd", s.dpd)
                .num("sens_level", s.sens_level)
                .num("integ_level", s.integ_level)
                .raw(
                    "sens_bitmap",
                    &array(s.sens_bitmap.iter().map(u64::to_string)),
                )
                .raw(
                    "integ_bitmap",
                    &array(s.integ_bitmap.iter().map(u64::to_string)),
                );
        }
        Extension::Proposal(p) => {
            let combs = p.combinations.iter().map(|c| {
                let mut co = Obj::new();
                co.num("auth", c.auth)
                    .num("encrypt", c.encrypt)
                    .num("flags", c.flags)
                    .num("auth_minbits", c.auth_minbits)
                    .num("auth_maxbits", c.auth_maxbits)
                    .num("encrypt_minbits", c.encrypt_minbits)
                    .num("encrypt_maxbits", c.encrypt_maxbits)
                    .num("soft_allocations", c.soft_allocations)
                    .num("hard_allocations", c.hard_allocations)
                    .num("soft_bytes", c.soft_bytes)
                    .num("hard_bytes", c.hard_bytes)
                    .num("soft_addtime", c.soft_addtime)
                    .num("hard_addtime", c.hard_addtime)
                    .num("soft_usetime", c.soft_usetime)
                    .num("hard_usetime", c.hard_usetime);
                co.finish()
            });
            o.num("replay", p.replay).raw("combinations", &array(combs));
        }
        Extension::Supported(_, algs) => {
            let algs = algs.iter().map(|a| {
                let mut ao = Obj::new();
                ao.num("id", a.id)
                    .num("ivlen", a.ivlen)
                    .num("minbits", a.minbits)
                    .num("maxbits", a.maxbits);
                ao.finish()
            });
            o.raw("algorithms", &array(algs));
        }
        Extension::SpiRange(r) => {
            o.num("min", r.min).num("max", r.max);
        }
        Extension::KmPrivate { reserved } => {
            o.num("reserved", *reserved);
        }
        Extension::Policy(p) => {
            let requests = p.requests.iter().map(|r| {
                let mut ro = Obj::new();
                ro.num("proto", r.proto)
                    .num("mode", r.mode)
                    .num("level", r.level)
                    .num("reqid", r.reqid);
                if let Some((src, dst)) = &r.endpoints {
                    ro.raw("src", &sockaddr(src)).raw("dst", &sockaddr(dst));
                }
                ro.finish()
            });
            o.num("policy_type", p.policy_type)
                .num("dir", p.dir)
                .num("scope", p.scope)
                .num("id", p.id)
                .num("priority", p.priority)
                .raw("requests", &array(requests));
        }
        Extension::Sa2(s) => {
            o.num("mode", s.mode)
                .num("reqid", s.reqid)
                .num("sequence", s.sequence);
        }
        Extension::NatTType { nat_type, .. } => {
            o.num("nat_type", *nat_type);
        }
        Extension::NatTPort(_, port) => {
            o.num("port", *port);
        }
        Extension::NatTFrag { fraglen, .. } => {
            o.num("fraglen", *fraglen);
        }
        Extension::SaReplay { replay } => {
            o.num("replay", *replay);
        }
        Extension::SecCtx(c) => {
            o.num("alg", c.alg)
                .num("doi", c.doi)
                .str("context", &String::from_utf8_lossy(&c.context));
        }
        Extension::KmAddress {
            reserved,
            local,
            remote,
        } => {
            o.num("reserved", *reserved)
                .raw("local", &sockaddr(local))
                .raw("remote", &sockaddr(remote));
        }
        Extension::Filter(f) => {
            o.num("family", f.family)
                .num("splen", f.splen)
                .num("dplen", f.dplen)
                .raw("saddr", &array(f.saddr.iter().map(u32::to_string)))
                .raw("daddr", &array(f.daddr.iter().map(u32::to_string)));
        }
        Extension::IfHwOffload(h) => {
            o.num("flags", h.flags).str("ifname", &h.ifname);
        }
        Extension::Unknown { body, .. } => {
            o.str("body", &hex(body));
        }
    }
    o.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let mut s = String::new();
        push_str(&mut s, "a\"b\\c\n\u{1}");
        assert_eq!(s, r#""a\"b\\c\n\u0001""#);
    }
}
