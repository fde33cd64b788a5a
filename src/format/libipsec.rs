//! The checks libipsec makes of a reply before pfkey_sadump or pfkey_spdump print it
//! (pfkey.c: pfkey_align, then pfkey_check). When one fails, setkey prints the
//! ipsec_strerror() text on a line of its own instead of the entry.

use super::profile::LibipsecCheck;
use crate::pfkey::consts::*;
use crate::pfkey::{AddressKind, Dialect, Extension, Message, SockAddr};

/// The line that replaces the entry, or `None` when libipsec accepts the message.
/// The error line the target's libipsec prints instead of this dump entry, if it refuses it.
pub fn refusal(msg: &Message, dialect: Dialect) -> Option<&'static str> {
    super::profile::of(dialect)
        .libipsec_check
        .and_then(|check| rejects(msg, dialect, check))
}

pub fn rejects(msg: &Message, dialect: Dialect, check: &LibipsecCheck) -> Option<&'static str> {
    align(msg, dialect, check).or_else(|| validate(msg, dialect, check))
}

/// pfkey_align: every extension type once, and only the types it has a slot for.
fn align(msg: &Message, dialect: Dialect, check: &LibipsecCheck) -> Option<&'static str> {
    let mut seen = Vec::with_capacity(msg.extensions.len());
    for ext in &msg.extensions {
        let number = match ext {
            Extension::Unknown { ext_type, .. } => Some(*ext_type),
            _ => ext
                .slot()
                .and_then(|slot| dialect.ext_by_slot(slot))
                .map(|e| e.number),
        };
        match number {
            Some(n) if check.extensions.contains(&n) && !seen.contains(&n) => seen.push(n),
            _ => return Some("Invalid extension type"),
        }
    }
    None
}

/// pfkey_check: version, message type, SA type against message type, then the two
/// addresses (same upper-layer protocol, same family, IPv4 or IPv6).
fn validate(msg: &Message, dialect: Dialect, check: &LibipsecCheck) -> Option<&'static str> {
    let h = &msg.header;
    if h.version != PF_KEY_V2 {
        return Some("Invalid version");
    }
    if h.msg_type > check.max_msg_type {
        return Some("Invalid message type");
    }
    let sa_message = matches!(
        h.msg_type,
        SADB_GETSPI
            | SADB_UPDATE
            | SADB_ADD
            | SADB_DELETE
            | SADB_GET
            | SADB_ACQUIRE
            | SADB_EXPIRE
            | SADB_X_NAT_T_NEW_MAPPING
    );
    let spd_message = matches!(
        h.msg_type,
        SADB_X_SPDADD | SADB_X_SPDDELETE | SADB_X_SPDGET | SADB_X_SPDDUMP | SADB_X_SPDFLUSH
    );
    match h.satype {
        SADB_SATYPE_UNSPEC if sa_message => return Some("Invalid SA type"),
        SADB_SATYPE_UNSPEC => {}
        SADB_SATYPE_ESP | SADB_SATYPE_AH | SADB_X_SATYPE_IPCOMP | SADB_X_SATYPE_TCPSIGNATURE => {
            if spd_message
                || (h.msg_type == SADB_X_NAT_T_NEW_MAPPING && h.satype != SADB_SATYPE_ESP)
            {
                return Some("Invalid SA type");
            }
        }
        SADB_SATYPE_RSVP | SADB_SATYPE_OSPFV2 | SADB_SATYPE_RIPV2 | SADB_SATYPE_MIP => {
            return Some("Not supported")
        }
        1 if h.msg_type == SADB_X_PROMISC => {}
        _ => return Some("Invalid SA type"),
    }
    let (Some(src), Some(dst)) = (msg.address(AddressKind::Src), msg.address(AddressKind::Dst))
    else {
        return None;
    };
    if src.proto != dst.proto {
        return Some("Protocol mismatch");
    }
    let family = |a: &SockAddr| match a {
        SockAddr::V4 { .. } => dialect.af_inet(),
        SockAddr::V6 { .. } => dialect.af_inet6(),
        SockAddr::Other { family, .. } => *family,
    };
    if family(&src.addr) != family(&dst.addr) {
        return Some("Family mismatch");
    }
    if matches!(src.addr, SockAddr::Other { .. }) {
        return Some("Invalid address family");
    }
    None
}
