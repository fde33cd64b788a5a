//! Names of numbers: extension types per dialect, message types, SA types.

use crate::pfkey::dialect::Dialect;
use crate::pfkey::message::Extension;

/// The wire number of `ext` in `dialect`; `None` when the dialect has no such extension.
#[inline]
pub fn ext_type_number(ext: &Extension, dialect: Dialect) -> Option<u16> {
    match ext {
        Extension::Unknown { ext_type, .. } => Some(*ext_type),
        _ => ext.slot().and_then(|slot| dialect.ext_number(slot)),
    }
}

/// The dialect's name for an extension number without the `SADB_(X_)EXT_` prefix.
pub fn ext_type_name(number: u16, dialect: Dialect) -> &'static str {
    dialect.ext_by_number(number).map_or("UNKNOWN", |e| e.name)
}

/// Message type names by number, without the `SADB_` prefix.
pub const MSG_TYPE_NAMES: [&str; 25] = [
    "RESERVED",
    "GETSPI",
    "UPDATE",
    "ADD",
    "DELETE",
    "GET",
    "ACQUIRE",
    "REGISTER",
    "EXPIRE",
    "FLUSH",
    "DUMP",
    "X_PROMISC",
    "X_PCHANGE",
    "X_SPDUPDATE",
    "X_SPDADD",
    "X_SPDDELETE",
    "X_SPDGET",
    "X_SPDACQUIRE",
    "X_SPDDUMP",
    "X_SPDFLUSH",
    "X_SPDSETIDX",
    "X_SPDEXPIRE",
    "X_SPDDELETE2",
    "X_NAT_T_NEW_MAPPING",
    "X_MIGRATE",
];

/// `sadb_msg_type` without the `SADB_` prefix, or "UNKNOWN".
pub fn msg_type_name(t: u8) -> &'static str {
    MSG_TYPE_NAMES
        .get(usize::from(t))
        .copied()
        .unwrap_or("UNKNOWN")
}

const SATYPE_NAMES: [&str; 12] = [
    "unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2", "ripv2", "mip", "ipcomp",
    "policy", "tcp",
];

/// `sadb_msg_satype` as setkey prints it in dumps; "unknown" past the table.
pub fn satype_name(t: u8) -> &'static str {
    SATYPE_NAMES
        .get(usize::from(t))
        .copied()
        .unwrap_or("unknown")
}
