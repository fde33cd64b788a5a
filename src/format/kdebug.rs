//! The `-v` rendering: every field of a message, one `sadb_*{ ... }` block per extension.

use std::fmt::Write;

use super::hexdump::grouped;
use crate::pfkey::{self, Dialect, Extension, Message, SockAddr};

/// Renders `msg` field by field as it is laid out for `dialect`.
pub fn render(msg: &Message, dialect: Dialect) -> String {
    let mut out = String::new();
    let h = &msg.header;
    let total_len = pfkey::emit(msg, dialect).map(|b| b.len() / 8).unwrap_or(0);
    let _ = writeln!(
        out,
        "sadb_msg{{ version={} type={}({}) errno={} satype={}",
        h.version,
        h.msg_type,
        pfkey::msg_type_name(h.msg_type),
        h.errno,
        h.satype
    );
    let _ = writeln!(
        out,
        "  len={} reserved={} seq={} pid={}",
        total_len, h.reserved, h.seq, h.pid
    );
    for ext in &msg.extensions {
        render_extension(&mut out, ext, dialect);
    }
    out.push_str("}\n");
    out
}

fn ext_len_units(ext: &Extension, dialect: Dialect) -> usize {
    let single = Message {
        header: Default::default(),
        extensions: vec![ext.clone()],
    };
    pfkey::emit(&single, dialect)
        .map(|b| b.len().saturating_sub(16) / 8)
        .unwrap_or(0)
}

fn render_extension(out: &mut String, ext: &Extension, dialect: Dialect) {
    let number = pfkey::ext_type_number(ext, dialect).unwrap_or(0);
    let _ = writeln!(
        out,
        "sadb_ext{{ len={} type={}({}) }}",
        ext_len_units(ext, dialect),
        number,
        pfkey::ext_type_name(number, dialect)
    );
    match ext {
        Extension::Sa(sa) => {
            let _ = writeln!(
                out,
                "sadb_sa{{ spi={} replay={} state={}\n  auth={} encrypt={} flags=0x{:08x} }}",
                sa.spi, sa.replay, sa.state, sa.auth, sa.encrypt, sa.flags
            );
        }
        Extension::Lifetime(_, lt) => {
            let _ = writeln!(
                out,
                "sadb_lifetime{{ alloc={}, bytes={}\n  addtime={}, usetime={} }}",
                lt.allocations, lt.bytes, lt.addtime, lt.usetime
            );
        }
        Extension::Address(_, a) => {
            let _ = writeln!(
                out,
                "sadb_address{{ proto={} prefixlen={} reserved=0x{:04x} }}",
                a.proto, a.prefixlen, a.reserved
            );
            render_sockaddr(out, "", &a.addr, dialect);
        }
        Extension::Key(_, k) => {
            let _ = writeln!(
                out,
                "sadb_key{{ bits={} reserved={}\n  key={} }}",
                k.bits,
                k.reserved,
                grouped(&k.data)
            );
        }
        Extension::Identity(kind, id) => {
            let side = match kind {
                pfkey::IdentityKind::Src => "src",
                pfkey::IdentityKind::Dst => "dst",
            };
            let _ = write!(
                out,
                "sadb_ident_{side}{{ type={} id={}",
                id.ident_type, id.id
            );
            if !id.text.is_empty() {
                let _ = write!(out, "\n  str=\"{}\"", String::from_utf8_lossy(&id.text));
            }
            out.push_str(" }\n");
        }
        Extension::Sensitivity(s) => {
            let _ = writeln!(
                out,
                "sadb_sens{{ dpd={} sens_level={} integ_level={} sens_words={} integ_words={} }}",
                s.dpd,
                s.sens_level,
                s.integ_level,
                s.sens_bitmap.len(),
                s.integ_bitmap.len()
            );
        }
        Extension::Proposal(p) => {
            let _ = writeln!(out, "sadb_prop{{ replay={}", p.replay);
            for c in &p.combinations {
                let _ = writeln!(
                    out,
                    "  sadb_comb{{ auth={} encrypt={} flags=0x{:04x} reserved=0x{:08x}\n    \
                     auth_minbits={} auth_maxbits={} encrypt_minbits={} encrypt_maxbits={}\n    \
                     soft_alloc={} hard_alloc={} soft_bytes={} hard_bytes={}\n    \
                     soft_addtime={} hard_addtime={} soft_usetime={} hard_usetime={} }}",
                    c.auth,
                    c.encrypt,
                    c.flags,
                    c.reserved,
                    c.auth_minbits,
                    c.auth_maxbits,
                    c.encrypt_minbits,
                    c.encrypt_maxbits,
                    c.soft_allocations,
                    c.hard_allocations,
                    c.soft_bytes,
                    c.hard_bytes,
                    c.soft_addtime,
                    c.hard_addtime,
                    c.soft_usetime,
                    c.hard_usetime
                );
            }
            out.push_str("}\n");
        }
        Extension::Supported(_, algs) => {
            out.push_str("sadb_sup{\n");
            for a in algs {
                let _ = writeln!(
                    out,
                    "  {{ id={} ivlen={} min={} max={} }}",
                    a.id, a.ivlen, a.minbits, a.maxbits
                );
            }
            out.push_str("}\n");
        }
        Extension::SpiRange(r) => {
            let _ = writeln!(out, "sadb_spirange{{ min={} max={} }}", r.min, r.max);
        }
        Extension::KmPrivate { reserved } => {
            let _ = writeln!(out, "sadb_x_kmprivate{{ reserved={reserved} }}");
        }
        Extension::Policy(p) => {
            let _ = writeln!(
                out,
                "sadb_x_policy{{ type={} dir={} id={:x} scope={} priority={} }}",
                p.policy_type, p.dir, p.id, p.scope, p.priority
            );
            for r in &p.requests {
                let _ = writeln!(
                    out,
                    " {{ proto={} mode={} level={} reqid={}",
                    r.proto, r.mode, r.level, r.reqid
                );
                if let Some((src, dst)) = &r.endpoints {
                    render_sockaddr(out, "  ", src, dialect);
                    render_sockaddr(out, "  ", dst, dialect);
                }
                out.push_str(" }\n");
            }
        }
        Extension::Sa2(s) => {
            let _ = writeln!(
                out,
                "sadb_x_sa2{{ mode={} reqid={}\n  reserved1={} reserved2={} sequence={} }}",
                s.mode, s.reqid, s.reserved1, s.reserved2, s.sequence
            );
        }
        Extension::NatTType { nat_type, .. } => {
            let _ = writeln!(out, "sadb_x_nat_t_type{{ type={nat_type} }}");
        }
        Extension::NatTPort(_, port) => {
            let _ = writeln!(out, "sadb_x_nat_t_port{{ port={port} }}");
        }
        Extension::NatTFrag { fraglen, .. } => {
            let _ = writeln!(out, "sadb_x_nat_t_frag{{ fraglen={fraglen} }}");
        }
        Extension::SaReplay { replay } => {
            let _ = writeln!(out, "sadb_x_sa_replay{{ replay={replay} }}");
        }
        Extension::SecCtx(c) => {
            let _ = writeln!(
                out,
                "sadb_x_sec_ctx{{ alg={} doi={} len={}\n  context=\"{}\" }}",
                c.alg,
                c.doi,
                c.context.len(),
                String::from_utf8_lossy(c.context.strip_suffix(&[0]).unwrap_or(&c.context))
            );
        }
        Extension::KmAddress {
            reserved,
            local,
            remote,
        } => {
            let _ = writeln!(out, "sadb_x_kmaddress{{ reserved=0x{reserved:08x}");
            render_sockaddr(out, "  ", local, dialect);
            render_sockaddr(out, "  ", remote, dialect);
            out.push_str("}\n");
        }
        Extension::Filter(f) => {
            let _ = writeln!(
                out,
                "sadb_x_filter{{ family={} splen={} dplen={} }}",
                f.family, f.splen, f.dplen
            );
        }
        Extension::IfHwOffload(h) => {
            let _ = writeln!(
                out,
                "sadb_x_if_hw_offl{{ flags=0x{:08x} ifname=\"{}\" }}",
                h.flags, h.ifname
            );
        }
        Extension::Unknown { ext_type, body } => {
            let _ = writeln!(
                out,
                "sadb_ext_unknown{{ type={ext_type} body={} }}",
                grouped(body).trim_start()
            );
        }
    }
}

fn render_sockaddr(out: &mut String, indent: &str, addr: &SockAddr, dialect: Dialect) {
    let len_field = |len: usize| {
        if dialect.is_bsd() {
            format!("len={len} ")
        } else {
            String::new()
        }
    };
    match addr {
        SockAddr::V4 { addr, port } => {
            let _ = writeln!(
                out,
                "{indent}sockaddr{{ {}family=inet port={port} addr={addr} }}",
                len_field(16)
            );
        }
        SockAddr::V6 {
            addr,
            port,
            flowinfo,
            scope_id,
        } => {
            let scope = if *scope_id != 0 {
                format!("%{scope_id}")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{indent}sockaddr{{ {}family=inet6 port={port} flowinfo=0x{flowinfo:08x} addr={addr}{scope} }}",
                len_field(28)
            );
        }
        SockAddr::Other { family, data } => {
            let _ = writeln!(
                out,
                "{indent}sockaddr{{ family={family} data={} }}",
                grouped(data).trim_start()
            );
        }
    }
}
