//! Which SA a policy request needs, and whether an SA is the one.

use crate::pfkey::consts::*;
use crate::pfkey::{AddressKind, IpsecRequest, Message, SockAddr};

/// The SA a request needs: its addresses, type, mode and (when not 0) reqid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needed {
    pub src: SockAddr,
    pub dst: SockAddr,
    pub satype: u8,
    pub mode: u8,
    pub reqid: u32,
}

pub fn satype_of(proto: u16) -> Option<u8> {
    match u8::try_from(proto).ok()? {
        IPPROTO_ESP => Some(SADB_SATYPE_ESP),
        IPPROTO_AH => Some(SADB_SATYPE_AH),
        IPPROTO_IPCOMP => Some(SADB_X_SATYPE_IPCOMP),
        _ => None,
    }
}

pub fn same_host(a: &SockAddr, b: &SockAddr) -> bool {
    a.without_port() == b.without_port()
}

fn full_prefix(a: &SockAddr) -> u8 {
    match a {
        SockAddr::V4 { .. } => 32,
        _ => 128,
    }
}

/// The SA addresses of a request: the tunnel endpoints, or in transport mode the two
/// selector hosts (unknown when a selector is a network).
pub fn endpoints_of(p: &Message, r: &IpsecRequest) -> Option<(SockAddr, SockAddr)> {
    if let Some((src, dst)) = &r.endpoints {
        return Some((src.without_port(), dst.without_port()));
    }
    if r.mode == IPSEC_MODE_TUNNEL {
        return None;
    }
    let src = p.address(AddressKind::Src)?;
    let dst = p.address(AddressKind::Dst)?;
    (src.prefixlen == full_prefix(&src.addr) && dst.prefixlen == full_prefix(&dst.addr))
        .then(|| (src.addr.without_port(), dst.addr.without_port()))
}

fn modes_agree(a: u8, b: u8) -> bool {
    a == IPSEC_MODE_ANY || b == IPSEC_MODE_ANY || a == b
}

/// `sa` is an SA the request described by `need` can use.
pub fn sa_matches(sa: &Message, need: &Needed) -> bool {
    let (Some(src), Some(dst), Some(sa2)) = (
        sa.address(AddressKind::Src),
        sa.address(AddressKind::Dst),
        sa.sa2(),
    ) else {
        return false;
    };
    sa.header.satype == need.satype
        && same_host(&src.addr, &need.src)
        && same_host(&dst.addr, &need.dst)
        && modes_agree(sa2.mode, need.mode)
        && (need.reqid == 0 || sa2.reqid == need.reqid)
}

pub fn inside(addr: &SockAddr, net: &SockAddr, prefixlen: u8) -> bool {
    let (a, n, bits): (Vec<u8>, Vec<u8>, u8) = match (addr, net) {
        (SockAddr::V4 { addr: a, .. }, SockAddr::V4 { addr: n, .. }) => {
            (a.octets().to_vec(), n.octets().to_vec(), prefixlen.min(32))
        }
        (SockAddr::V6 { addr: a, .. }, SockAddr::V6 { addr: n, .. }) => {
            (a.octets().to_vec(), n.octets().to_vec(), prefixlen.min(128))
        }
        _ => return false,
    };
    let whole = usize::from(bits / 8);
    let rest = bits % 8;
    a[..whole] == n[..whole]
        && (rest == 0 || {
            let mask = 0xffu8 << (8 - rest);
            a[whole] & mask == n[whole] & mask
        })
}

/// Policy `p`'s request `r` would use `sa` (a transport request: any SA between hosts of
/// its selectors).
pub fn request_uses(p: &Message, r: &IpsecRequest, sa: &Message) -> bool {
    let Some(satype) = satype_of(r.proto) else {
        return false;
    };
    if let Some((src, dst)) = endpoints_of(p, r) {
        return sa_matches(
            sa,
            &Needed {
                src,
                dst,
                satype,
                mode: r.mode,
                reqid: r.reqid,
            },
        );
    }
    let (Some(sel_src), Some(sel_dst), Some(sa_src), Some(sa_dst), Some(sa2)) = (
        p.address(AddressKind::Src),
        p.address(AddressKind::Dst),
        sa.address(AddressKind::Src),
        sa.address(AddressKind::Dst),
        sa.sa2(),
    ) else {
        return false;
    };
    sa.header.satype == satype
        && modes_agree(sa2.mode, r.mode)
        && (r.reqid == 0 || sa2.reqid == r.reqid)
        && inside(&sa_src.addr, &sel_src.addr, sel_src.prefixlen)
        && inside(&sa_dst.addr, &sel_dst.addr, sel_dst.prefixlen)
}
