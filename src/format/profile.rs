//! How each OS's C setkey prints `-D` and `-DP`: one table per OS, read by `kame.rs` and
//! `kame_policy.rs`. FreeBSD's setkey is KAME's (lib/libipsec, sbin/setkey); NetBSD's and
//! Linux's are ipsec-tools (libipsec's pfkey_dump.c and ipsec_dump_policy.c), built with
//! different headers and configure results.

use super::names;
use crate::pfkey::consts::{IPPROTO_ICMP, IPPROTO_ICMPV6};
use crate::pfkey::Dialect;

const IPPROTO_GRE: u8 = 47;
const IPPROTO_MH: u8 = 135;

/// How the SA line's addresses and the errors after them are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaLayout {
    /// ipsec-tools: `src dst ` (a blank after each), `no SA extension.` on the same line.
    IpsecTools,
    /// KAME: `src dst` (no trailing blank), each error on a line of its own.
    Kame,
}

/// How the NAT-T original addresses print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatOa {
    /// ipsec-tools: `\tNAT OA=addr`, from NAT_T_OA (23) only.
    Oa,
    /// KAME: `\tNAT: OAI=addr OAR=addr`.
    OaiOar,
}

/// How `-DP` prints the upper-layer protocol after the two selectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpperSpec {
    /// `getprotobynumber()`'s name, or the number (ipsec-tools as released, Linux).
    Name,
    /// `number(name)`, or the number alone (NetBSD's libipsec since pfkey_dump.c 1.21;
    /// 1.20 printed the name alone).
    NumberAndName,
    /// KAME: `any`, `icmp6 type,code`, `ip4`, else the name or number.
    Kame,
}

/// What `-DP` prints when the policy text cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyError {
    /// ipsec-tools: `Policy:[reason]`.
    Reason,
    /// KAME: printf's `(null)` for the missing text.
    Null,
}

/// The line after the policy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyTrailer {
    /// `spid=N seq=N pid=N`.
    Plain,
    /// FreeBSD: `spid=N seq=N pid=N scope=NAME ` (blank at the end).
    Scope,
}

/// What libipsec's pfkey_align and pfkey_check accept (see `libipsec.rs`).
#[derive(Debug)]
pub struct LibipsecCheck {
    /// The extension types pfkey_align has a slot for; any other, or one twice, fails.
    pub extensions: &'static [u16],
    /// SADB_MAX of the headers it was built with.
    pub max_msg_type: u8,
}

/// NetBSD's libipsec (pfkey.c of the 2016 tree) with NetBSD's net/pfkeyv2.h: types 1..25
/// except KMPRIVATE (17) and NAT_T_OAR (24), which its switch does not list; NAT_T_OA
/// is 23 (OAI). SADB_MAX is 23.
const NETBSD_LIBIPSEC: LibipsecCheck = LibipsecCheck {
    extensions: &[
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 25,
    ],
    max_msg_type: 23,
};

#[derive(Debug)]
pub struct DumpProfile {
    /// NAT-T counts with a NAT_T_TYPE of 0 (KAME); ipsec-tools needs a non-zero type.
    pub natt_with_type_zero: bool,
    /// `-p` adds `[port]` to the SA's addresses.
    pub sa_ports: bool,
    pub sa_layout: SaLayout,
    /// NAT-T on an SA other than ESP prints `natt+` before the SA type.
    pub natt_plus: bool,
    pub nat_oa: NatOa,
    /// `\tNAT-T esp_frag=N` after the NAT-T addresses when NAT_T_FRAG has a non-zero length.
    pub esp_frag: bool,
    /// `replay=` from SA_REPLAY (bytes, shifted to packets) when the kernel sends one.
    pub replay_from_ext: bool,
    /// The `security context ...` lines (SADB_X_EXT_SEC_CTX exists).
    pub sec_ctx: bool,
    /// GETMSGV2S tables of the `A:` and `E:` lines.
    pub auth_names: &'static [(u8, &'static str)],
    pub encrypt_names: &'static [(u8, &'static str)],
    /// A policy id with `id % 8 >= 3` is a per-socket policy (Linux).
    pub per_socket_by_id: bool,
    /// Upper-layer protocols whose selectors print no `[port]`.
    pub portless_ulps: &'static [u8],
    pub upper_spec: UpperSpec,
    pub policy_error: PolicyError,
    /// `-p` adds `[port]` to tunnel endpoints in the policy text.
    pub request_ports: bool,
    pub policy_trailer: PolicyTrailer,
    /// Direction 3 prints as `fwd` (HAVE_POLICY_FWD).
    pub fwd: bool,
    /// `prio ...` after the direction (HAVE_PFKEY_POLICY_PRIORITY).
    pub priority: bool,
    /// A request for IPPROTO_TCP prints as `tcp`.
    pub request_tcp: bool,
    /// The names of the /etc/protocols the OS ships, for `getprotobynumber()` when the
    /// dump is printed on another system (`None`: that system's own file is used).
    pub stock_protocols: Option<&'static [(u8, &'static str)]>,
    /// Replies libipsec refuses print its error line instead of the entry (`None`: not
    /// modelled for this OS; the entry is printed).
    pub libipsec_check: Option<&'static LibipsecCheck>,
    /// The system's errno numbers and strerror(3) texts, for kernel errors (`None`: the
    /// host's strerror is used).
    pub errno_texts: Option<&'static [(u8, &'static str)]>,
}

const IPSEC_TOOLS_PORTLESS: &[u8] = &[IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_MH, IPPROTO_GRE];

pub const FREEBSD: DumpProfile = DumpProfile {
    natt_with_type_zero: true,
    sa_ports: false,
    sa_layout: SaLayout::Kame,
    natt_plus: false,
    nat_oa: NatOa::OaiOar,
    esp_frag: false,
    replay_from_ext: true,
    sec_ctx: false,
    auth_names: names::AUTH_FREEBSD,
    encrypt_names: names::ENCRYPT_FREEBSD,
    per_socket_by_id: false,
    portless_ulps: &[IPPROTO_ICMPV6],
    upper_spec: UpperSpec::Kame,
    policy_error: PolicyError::Null,
    request_ports: false,
    policy_trailer: PolicyTrailer::Scope,
    fwd: false,
    priority: false,
    request_tcp: true,
    stock_protocols: None,
    libipsec_check: None,
    errno_texts: None,
};

pub const NETBSD: DumpProfile = DumpProfile {
    natt_with_type_zero: false,
    sa_ports: true,
    sa_layout: SaLayout::IpsecTools,
    natt_plus: true,
    nat_oa: NatOa::Oa,
    // pfkey_dump.c 1.24 prints NAT_T_FRAG (25) of an SA that uses NAT-T, when not 0.
    esp_frag: true,
    replay_from_ext: false,
    sec_ctx: false,
    auth_names: names::AUTH_IPSEC_TOOLS,
    encrypt_names: names::ENCRYPT_NETBSD,
    per_socket_by_id: false,
    portless_ulps: IPSEC_TOOLS_PORTLESS,
    // pfkey_dump.c 1.24, str_upperspec: the number, then the /etc/protocols name in
    // parentheses when there is one.
    upper_spec: UpperSpec::NumberAndName,
    policy_error: PolicyError::Reason,
    request_ports: true,
    policy_trailer: PolicyTrailer::Plain,
    fwd: false,
    priority: false,
    // ipsec_dump_policy.c 1.9 names only esp, ah and ipcomp requests.
    request_tcp: false,
    stock_protocols: Some(names::PROTOCOLS_NETBSD),
    libipsec_check: Some(&NETBSD_LIBIPSEC),
    errno_texts: Some(super::errno::NETBSD),
};

pub const LINUX: DumpProfile = DumpProfile {
    natt_with_type_zero: false,
    sa_ports: true,
    sa_layout: SaLayout::IpsecTools,
    natt_plus: true,
    nat_oa: NatOa::Oa,
    // Linux has no NAT_T_FRAG (its 25 is KMADDRESS).
    esp_frag: false,
    replay_from_ext: false,
    sec_ctx: true,
    auth_names: names::AUTH_IPSEC_TOOLS,
    encrypt_names: names::ENCRYPT_LINUX,
    per_socket_by_id: true,
    portless_ulps: IPSEC_TOOLS_PORTLESS,
    upper_spec: UpperSpec::Name,
    policy_error: PolicyError::Reason,
    request_ports: true,
    policy_trailer: PolicyTrailer::Plain,
    fwd: true,
    priority: true,
    request_tcp: true,
    stock_protocols: None,
    libipsec_check: None,
    errno_texts: None,
};

/// The dump row of `dialect`, as its system's profile (`crate::profile`) names it.
pub fn of(dialect: Dialect) -> &'static DumpProfile {
    crate::profile::of(dialect).dump
}
