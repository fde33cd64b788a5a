//! key_debug.c's printer of each extension kind and of sockaddrs, for `kdebug.rs`. Offsets
//! are those of the C structs (net/pfkeyv2.h); `at` is where the extension starts.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::hexdump::grouped;
use super::kame::ntop6;
use super::kdebug::{Flow, Mem};
use super::kdebug_profile::{
    Decoder, KdebugProfile, PolicyLine, RequestLayout, SockaddrForm, SockaddrHeader, Wording,
};

const AF_INET: u16 = 2;
const IPSEC_POLICY_IPSEC: u16 = 2;
const IPSEC_POLICYSCOPE_IFNET: u8 = 2;
const SADB_EXT_IDENTITY_SRC: u16 = 10;
const SOCKADDR_SIZE: usize = 16;

/// Prints the extension of `len` bytes at `at` with `decoder`.
pub(super) fn render(
    out: &mut String,
    m: Mem<'_>,
    at: usize,
    len: usize,
    decoder: Decoder,
    p: &KdebugProfile,
) -> Flow {
    match decoder {
        Decoder::Sa => {
            let _ = writeln!(
                out,
                "sadb_sa{{ spi={} replay={} state={}\n  auth={} encrypt={} flags=0x{:08x} }}",
                m.be32(at + 4),
                m.u8(at + 8),
                m.u8(at + 9),
                m.u8(at + 10),
                m.u8(at + 11),
                m.u32(at + 12)
            );
        }
        // The C code casts bytes and both times to u_int32_t.
        Decoder::Lifetime => {
            let _ = writeln!(
                out,
                "sadb_lifetime{{ alloc={}, bytes={}\n  addtime={}, usetime={} }}",
                m.u32(at + 4),
                m.u64(at + 8) as u32,
                m.u64(at + 16) as u32,
                m.u64(at + 24) as u32
            );
        }
        Decoder::Address => {
            let _ = writeln!(
                out,
                "sadb_address{{ proto={} prefixlen={} reserved=0x{:02x}{:02x} }}",
                m.u8(at + 4),
                m.u8(at + 5),
                m.u8(at + 6),
                m.u8(at + 7)
            );
            sockaddr(out, m, at + 8, p);
        }
        Decoder::Key => key(out, m, at, len),
        Decoder::Identity => identity(out, m, at, len),
        Decoder::Quiet => {}
        Decoder::Proposal => proposal(out, m, at, len),
        Decoder::Supported => {
            out.push_str("sadb_sup{\n");
            for i in 0..len.saturating_sub(8) / 8 {
                let a = at + 8 + i * 8;
                let _ = writeln!(
                    out,
                    "  {{ id={} ivlen={} min={} max={} }}",
                    m.u8(a),
                    m.u8(a + 1),
                    m.u16(a + 2),
                    m.u16(a + 4)
                );
            }
            out.push_str("}\n");
        }
        Decoder::Policy => policy(out, m, at, len, p),
        Decoder::Sa2 => {
            let _ = writeln!(
                out,
                "sadb_x_sa2{{ mode={} reqid={}\n  reserved1={} reserved2={} sequence={} }}",
                m.u8(at + 4),
                m.u32(at + 12),
                m.u8(at + 5),
                m.u16(at + 6),
                m.u32(at + 8)
            );
        }
        Decoder::NatTType => {
            let _ = writeln!(out, "sadb_x_nat_t_type{{ type={} }}", m.u8(at + 4));
        }
        Decoder::NatTPort => {
            let _ = writeln!(out, "sadb_x_nat_t_port{{ port={} }}", m.be16(at + 4));
        }
        Decoder::NatTFrag => {
            let _ = writeln!(out, "sadb_x_nat_t_frag{{ esp_frag={} }}", m.u16(at + 4));
        }
        Decoder::SaReplay => {
            let _ = writeln!(out, "sadb_x_sa_replay{{ replay={} }}", m.u32(at + 4));
        }
        Decoder::KmAddress => return kmaddress(out, m, at, len, p),
    }
    Flow::Next
}

/// ipsec_hexdump of the key bytes. key_debug.c 1.10 and 1.14 pass `key + sizeof(struct
/// sadb_key)`, pointer arithmetic on a `struct sadb_key *` that starts 256 bytes past the
/// extension; the key itself is printed here. A key longer than its extension is cut at
/// the extension's end, after the C code's mismatch line.
fn key(out: &mut String, m: Mem<'_>, at: usize, len: usize) {
    let bits = m.u16(at + 4);
    let _ = writeln!(out, "sadb_key{{ bits={bits} reserved={}", m.u16(at + 6));
    out.push_str("  key=");
    let want = usize::from(bits >> 3);
    let room = len.saturating_sub(8);
    if want > room {
        let _ = writeln!(
            out,
            "kdebug_sadb_key: key length mismatch, bit:{want} len:{room}."
        );
    }
    out.push_str(&grouped(m.bytes(at + 8, want, at + len)));
    out.push_str(" }\n");
}

/// The identity string up to its first NUL; bytes outside isprint() as `\ooo`.
fn identity(out: &mut String, m: Mem<'_>, at: usize, len: usize) {
    let side = if m.u16(at + 2) == SADB_EXT_IDENTITY_SRC {
        "src"
    } else {
        "dst"
    };
    let _ = write!(
        out,
        "sadb_ident_{side}{{ type={} id={}",
        m.u16(at + 4),
        m.u64(at + 8)
    );
    if len != 16 {
        out.push_str("\n  str=\"");
        for &b in m.bytes(at + 16, len.saturating_sub(16), at + len) {
            if b == 0 {
                break;
            }
            if (0x20..0x7f).contains(&b) {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "\\{b:03o}");
            }
        }
        out.push('"');
    }
    out.push_str(" }\n");
}

/// sadb_comb is 72 bytes; the fourth line's labels are the C code's (it names the four
/// times soft_alloc, hard_alloc, soft_bytes and hard_bytes).
fn proposal(out: &mut String, m: Mem<'_>, at: usize, len: usize) {
    let _ = writeln!(out, "sadb_prop{{ replay={}", m.u8(at + 4));
    for i in 0..len.saturating_sub(8) / 72 {
        let c = at + 8 + i * 72;
        let _ = writeln!(
            out,
            "sadb_comb{{ auth={} encrypt={} flags=0x{:04x} reserved=0x{:08x}",
            m.u8(c),
            m.u8(c + 1),
            m.u16(c + 2),
            m.u32(c + 12)
        );
        let _ = writeln!(
            out,
            "  auth_minbits={} auth_maxbits={} encrypt_minbits={} encrypt_maxbits={}",
            m.u16(c + 4),
            m.u16(c + 6),
            m.u16(c + 8),
            m.u16(c + 10)
        );
        let _ = writeln!(
            out,
            "  soft_alloc={} hard_alloc={} soft_bytes={} hard_bytes={}",
            m.u32(c + 16),
            m.u32(c + 20),
            m.u64(c + 24),
            m.u64(c + 32)
        );
        let _ = writeln!(
            out,
            "  soft_alloc={} hard_alloc={} soft_bytes={} hard_bytes={} }}",
            m.u64(c + 40),
            m.u64(c + 48),
            m.u64(c + 56),
            m.u64(c + 64)
        );
    }
    out.push_str("}\n");
}

fn policy(out: &mut String, m: Mem<'_>, at: usize, len: usize, p: &KdebugProfile) {
    let policy_type = m.u16(at + 4);
    let (dir, id, priority) = (m.u8(at + 6), m.u32(at + 8), m.u32(at + 12));
    match p.policy_line {
        PolicyLine::Plain => {
            let _ = writeln!(
                out,
                "sadb_x_policy{{ type={policy_type} dir={dir} id={id:x} }}"
            );
        }
        PolicyLine::Priority => {
            let _ = writeln!(
                out,
                "sadb_x_policy{{ type={policy_type} dir={dir} id={id:x} priority={priority} }}"
            );
        }
        PolicyLine::Scope => {
            let scope = m.u8(at + 7);
            let label = if scope == IPSEC_POLICYSCOPE_IFNET {
                "ifindex"
            } else {
                "priority"
            };
            let _ = writeln!(
                out,
                "sadb_x_policy{{ type={policy_type} dir={dir} id={id:x} scope={scope} \
                 {label}={priority} }}"
            );
        }
    }
    if policy_type != IPSEC_POLICY_IPSEC {
        return;
    }
    let (header, reqid_of): (usize, fn(Mem<'_>, usize) -> u32) = match p.request {
        RequestLayout::Bsd => (8, |m, r| m.u16(r + 6).into()),
        RequestLayout::Linux => (16, |m, r| m.u32(r + 8)),
    };
    let mut tlen = len as i64 - 16;
    let mut r = at + 16;
    while tlen > 0 {
        let req_len = m.u16(r);
        let _ = writeln!(
            out,
            " {{ len={req_len} proto={} mode={} level={} reqid={}",
            m.u16(r + 2),
            m.u8(r + 4),
            m.u8(r + 5),
            reqid_of(m, r)
        );
        if usize::from(req_len) > header {
            let first = r + header;
            sockaddr(out, m, first, p);
            sockaddr(out, m, first + sockaddr_len(m, first, p), p);
        }
        out.push_str(" }\n");
        if req_len == 0 {
            out.push_str("kdebug_sadb_x_policy: wrong policy struct.\n");
            return;
        }
        if i64::from(req_len) > tlen {
            match p.wording {
                Wording::IpsecTools => out.push_str("invalid ipsec policy length\n"),
                Wording::FreeBsd => {
                    let _ = writeln!(
                        out,
                        "kdebug_sadb_x_policy: invalid ipsec policy length ({req_len} > {tlen})"
                    );
                }
            }
            return;
        }
        tlen -= i64::from(req_len);
        r += usize::from(req_len);
    }
}

/// Linux's only decoded kmaddress: two sockaddrs. Where the C code panics (prints, exits)
/// the message ends.
fn kmaddress(out: &mut String, m: Mem<'_>, at: usize, len: usize, p: &KdebugProfile) -> Flow {
    let _ = writeln!(
        out,
        "sadb_x_kmaddress{{ reserved=0x{:02x}{:02x}{:02x}{:02x} }}",
        m.u8(at + 4),
        m.u8(at + 5),
        m.u8(at + 6),
        m.u8(at + 7)
    );
    let mut left = len.saturating_sub(8);
    let local = at + 8;
    let local_len = sockaddr_len(m, local, p);
    if left < SOCKADDR_SIZE || local_len > left {
        out.push_str("kdebug_sadb_x_kmaddress: not enough data to read first sockaddr.\n");
        return Flow::Stop;
    }
    sockaddr(out, m, local, p);
    left -= local_len;
    let remote = local + local_len;
    if left < SOCKADDR_SIZE || sockaddr_len(m, remote, p) > left {
        out.push_str("kdebug_sadb_x_kmaddress: not enough data to read second sockaddr.\n");
        return Flow::Stop;
    }
    sockaddr(out, m, remote, p);
    if family(m, local, p) != family(m, remote, p) {
        out.push_str(
            "kdebug_sadb_x_kmaddress:  !!!! Please, note the unexpected mismatch in \
             address family.\n",
        );
    }
    Flow::Next
}

fn family(m: Mem<'_>, at: usize, p: &KdebugProfile) -> u16 {
    match p.sockaddr_header {
        SockaddrHeader::LenFamily => m.u8(at + 1).into(),
        SockaddrHeader::Family16 => m.u16(at),
    }
}

/// `sa_len`, or Linux's sysdep_sa_len: 28 for inet6, 16 for anything else.
fn sockaddr_len(m: Mem<'_>, at: usize, p: &KdebugProfile) -> usize {
    match p.sockaddr_header {
        SockaddrHeader::LenFamily => m.u8(at).into(),
        SockaddrHeader::Family16 if m.u16(at) == p.af_inet6 => 28,
        SockaddrHeader::Family16 => 16,
    }
}

fn sockaddr(out: &mut String, m: Mem<'_>, at: usize, p: &KdebugProfile) {
    let len = sockaddr_len(m, at, p);
    let fam = family(m, at, p);
    let v4 = Ipv4Addr::from(m.be32(at + 4));
    let mut v6 = [0u8; 16];
    for (i, b) in v6.iter_mut().enumerate() {
        *b = m.u8(at + 8 + i);
    }
    let v6 = Ipv6Addr::from(v6);
    match p.sockaddr {
        SockaddrForm::Hex => {
            let _ = write!(out, "sockaddr{{ len={len} family={fam}");
            if fam == AF_INET {
                let _ = writeln!(out, " port={}", m.be16(at + 2));
                out.push_str(&grouped(&v4.octets()));
            } else if fam == p.af_inet6 {
                let _ = writeln!(out, " port={}", m.be16(at + 2));
                let _ = writeln!(
                    out,
                    "  flowinfo=0x{:08x}, scope_id=0x{:08x}",
                    m.u32(at + 4),
                    m.u32(at + 24)
                );
                out.push_str(&grouped(&v6.octets()));
            }
            out.push_str("  }\n");
        }
        SockaddrForm::Text => {
            let text = if fam == AF_INET {
                v4.to_string()
            } else if fam == p.af_inet6 {
                let o = v6.octets();
                if o[0] == 0xfe && o[1] & 0xc0 == 0x80 {
                    format!("{}%{}", ntop6(&v6), m.u32(at + 24))
                } else {
                    ntop6(&v6)
                }
            } else {
                "unknown".to_string()
            };
            let _ = writeln!(out, "sockaddr{{ len={len} family={fam} addr={text} }}");
        }
    }
}
