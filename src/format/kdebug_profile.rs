//! How each OS's `kdebug_sadb` (the C setkey's `-v` and `-x` text) lays a message out: one
//! row per OS, read by `kdebug.rs` and `kdebug_ext.rs`.
//!
//! NetBSD 10: ipsec-tools' libipsec/key_debug.c as NetBSD carries it (rev 1.14, 2018-05-28;
//! the same kdebug text as rev 1.11.10.1 in NetBSD/src 84676f36b7f6), built by
//! lib/libipsec/Makefile with -DINET6 and lib/libipsec/config.h (HAVE_PFKEY_POLICY_PRIORITY
//! undefined), NetBSD's net/pfkeyv2.h (NAT_T_TYPE..NAT_T_FRAG,
//! no KMADDRESS, no PACKET).
//! Linux: ipsec-tools 0.8.2's key_debug.c (rev 1.10, 2012-01-09), configured for Linux:
//! INET6 and HAVE_PFKEY_POLICY_PRIORITY (configure.ac finds sadb_x_policy_priority in
//! linux/pfkeyv2.h), which also defines NAT_T_TYPE..NAT_T_OA and KMADDRESS but no NAT_T_FRAG.
//! FreeBSD 14: sys/netipsec/key_debug.c, compiled into sbin/setkey (its Makefile's .PATH)
//! with -DINET -DINET6 (sobomax/freebsd14_vendor 0f7ff3427c99).

use crate::pfkey::{Dialect, MSG_TYPE_NAMES};

/// Which of key_debug.c's printers an extension number goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    Sa,
    Lifetime,
    Address,
    Key,
    Identity,
    /// A `case` that only breaks: the `sadb_ext{ ... }` line and nothing else.
    Quiet,
    Proposal,
    Supported,
    Policy,
    Sa2,
    NatTType,
    NatTPort,
    NatTFrag,
    SaReplay,
    KmAddress,
}

/// How a sockaddr prints (kdebug_sockaddr).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockaddrForm {
    /// ipsec-tools: `sockaddr{ len=L family=F port=P` and a newline, the address as
    /// ipsec_hexdump groups (after `  flowinfo=..., scope_id=...` for inet6), then `  }`
    /// right after the hex, on the same line.
    Hex,
    /// FreeBSD: `sockaddr{ len=L family=F addr=TEXT }`, TEXT from inet_ntop.
    Text,
}

/// Where a sockaddr's length and family are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockaddrHeader {
    /// BSD: `sa_len` then `sa_family`, one byte each.
    LenFamily,
    /// Linux: a 16-bit family; the length is sysdep_sa_len's by family (inet6 28, else 16).
    Family16,
}

/// The `sadb_x_policy{ ... }` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyLine {
    /// `type= dir= id=` (HAVE_PFKEY_POLICY_PRIORITY undefined).
    Plain,
    /// `type= dir= id= priority=`.
    Priority,
    /// FreeBSD: `type= dir= id= scope= priority=` (`ifindex=` for an ifnet-scope policy).
    Scope,
}

/// The fixed part of a `sadb_x_ipsecrequest`: its size and where its reqid is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestLayout {
    /// BSD: 8 bytes, a 16-bit reqid at 6.
    Bsd,
    /// Linux: 16 bytes, a 32-bit reqid at 8.
    Linux,
}

/// The texts of the early returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wording {
    /// ipsec-tools: `kdebug_sadb: ext_len exceeds end of buffer.`,
    /// `kdebug_sadb: invalid ext_type N was passed.`, `invalid ipsec policy length`.
    IpsecTools,
    /// FreeBSD (`__func__` in each): `kdebug_sadb: ext_len too big (A > B).`,
    /// `kdebug_sadb: invalid ext_type N`,
    /// `kdebug_sadb_x_policy: invalid ipsec policy length (A > B)`.
    FreeBsd,
}

#[derive(Debug)]
pub struct KdebugProfile {
    /// Names after the message and extension type numbers, `type=6(ACQUIRE)`, from these
    /// tables (index = number; a number past the end is `UNKNOWN`).
    pub type_names: Option<(&'static [&'static str], &'static [&'static str])>,
    /// `sadb_ext{ len=` in bytes (PFKEY_UNUNIT64, key_debug.c 1.11 on) rather than in the
    /// 8-byte units of the field.
    pub ext_len_bytes: bool,
    pub wording: Wording,
    /// The cases of kdebug_sadb's switch after the 1..=19 all share; any other number ends
    /// the message with `invalid ext_type`.
    pub decoders: &'static [(u16, Decoder)],
    pub sockaddr: SockaddrForm,
    pub sockaddr_header: SockaddrHeader,
    /// AF_INET6 of the system's headers.
    pub af_inet6: u16,
    pub policy_line: PolicyLine,
    pub request: RequestLayout,
}

use Decoder::*;

/// The cases 1..=19 all three switches share.
const COMMON: [(u16, Decoder); 19] = [
    (1, Sa),
    (2, Lifetime),
    (3, Lifetime),
    (4, Lifetime),
    (5, Address),
    (6, Address),
    (7, Address),
    (8, Key),
    (9, Key),
    (10, Identity),
    (11, Identity),
    (12, Quiet),
    (13, Proposal),
    (14, Supported),
    (15, Supported),
    (16, Quiet),
    (17, Quiet),
    (18, Policy),
    (19, Sa2),
];

// NAT_T_OA (23) goes to kdebug_sadb_address; NAT_T_OAR (24) has no case.
const NETBSD_DECODERS: [(u16, Decoder); 5] = [
    (20, NatTType),
    (21, NatTPort),
    (22, NatTPort),
    (23, Address),
    (25, NatTFrag),
];

// 24 (SEC_CTX) and 26 (FILTER) have no case.
const LINUX_DECODERS: [(u16, Decoder); 5] = [
    (20, NatTType),
    (21, NatTPort),
    (22, NatTPort),
    (23, Address),
    (25, KmAddress),
];

// 25 (NAT_T_FRAG) and 29..=31 have no case.
const FREEBSD_DECODERS: [(u16, Decoder); 8] = [
    (20, NatTType),
    (21, NatTPort),
    (22, NatTPort),
    (23, Address),
    (24, Address),
    (26, SaReplay),
    (27, Address),
    (28, Address),
];

/// kdebug_sadb_type's names (SADB_NAME(n) is `#n`): RESERVED to X_SPDDELETE2.
const FREEBSD_MSG_NAMES: &[&str] = MSG_TYPE_NAMES.split_at(23).0;

/// kdebug_sadb_exttype's names (without `SADB_EXT_` / `SADB_X_EXT_`).
const FREEBSD_EXT_NAMES: [&str; 29] = [
    "RESERVED",
    "SA",
    "LIFETIME_CURRENT",
    "LIFETIME_HARD",
    "LIFETIME_SOFT",
    "ADDRESS_SRC",
    "ADDRESS_DST",
    "ADDRESS_PROXY",
    "KEY_AUTH",
    "KEY_ENCRYPT",
    "IDENTITY_SRC",
    "IDENTITY_DST",
    "SENSITIVITY",
    "PROPOSAL",
    "SUPPORTED_AUTH",
    "SUPPORTED_ENCRYPT",
    "SPIRANGE",
    "KMPRIVATE",
    "POLICY",
    "SA2",
    "NAT_T_TYPE",
    "NAT_T_SPORT",
    "NAT_T_DPORT",
    "NAT_T_OAI",
    "NAT_T_OAR",
    "NAT_T_FRAG",
    "SA_REPLAY",
    "NEW_ADDRESS_SRC",
    "NEW_ADDRESS_DST",
];

pub const NETBSD: KdebugProfile = KdebugProfile {
    type_names: None,
    ext_len_bytes: true,
    wording: Wording::IpsecTools,
    decoders: &NETBSD_DECODERS,
    sockaddr: SockaddrForm::Hex,
    sockaddr_header: SockaddrHeader::LenFamily,
    af_inet6: 24,
    policy_line: PolicyLine::Plain,
    request: RequestLayout::Bsd,
};

pub const LINUX: KdebugProfile = KdebugProfile {
    type_names: None,
    ext_len_bytes: false,
    wording: Wording::IpsecTools,
    decoders: &LINUX_DECODERS,
    sockaddr: SockaddrForm::Hex,
    sockaddr_header: SockaddrHeader::Family16,
    af_inet6: 10,
    policy_line: PolicyLine::Priority,
    request: RequestLayout::Linux,
};

pub const FREEBSD: KdebugProfile = KdebugProfile {
    type_names: Some((FREEBSD_MSG_NAMES, &FREEBSD_EXT_NAMES)),
    ext_len_bytes: false,
    wording: Wording::FreeBsd,
    decoders: &FREEBSD_DECODERS,
    sockaddr: SockaddrForm::Text,
    sockaddr_header: SockaddrHeader::LenFamily,
    af_inet6: 28,
    policy_line: PolicyLine::Scope,
    request: RequestLayout::Bsd,
};

/// The row of `dialect`, as its system's profile (`crate::profile`) names it.
pub fn of(dialect: Dialect) -> &'static KdebugProfile {
    crate::profile::of(dialect).kdebug
}

impl KdebugProfile {
    pub fn decoder(&self, ext_type: u16) -> Option<Decoder> {
        COMMON
            .iter()
            .chain(self.decoders)
            .find(|(n, _)| *n == ext_type)
            .map(|(_, d)| *d)
    }
}
