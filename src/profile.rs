//! What differs in behaviour between the target systems, as one row per system: the forms of
//! the language each one's setkey takes (read by the compiler) and how its `-D`/`-DP` print
//! (the formatters' table, `format::profile`).

use crate::format::kdebug_profile::{self as kdebug, KdebugProfile};
use crate::format::profile::{self as dump, DumpProfile};
use crate::format::rejection::RejectionReport;
use crate::pfkey::consts::{IPSEC_MODE_ANY, IPSEC_MODE_TRANSPORT};
use crate::pfkey::Dialect;

/// One system's row.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// How its setkey prints dumps.
    pub dump: &'static DumpProfile,
    /// How its setkey prints each message for `-v` and `-x` (libipsec's kdebug_sadb).
    pub kdebug: &'static KdebugProfile,
    /// `addr[port]` in tunnel endpoints: ipsec-tools' libipsec policy_parse.y (NetBSD and
    /// Linux) has `IPADDRESS PORT HYPHEN IPADDRESS PORT`; FreeBSD's libipsec does not.
    pub tunnel_endpoint_ports: bool,
    /// `-P fwd`.
    pub fwd_policy: FwdPolicy,
    /// `-ctx DOI ALG "TEXT"` on SAs and policies.
    pub security_context: Feature,
    /// `-P DIR prio ...`.
    pub policy_priority: Feature,
    /// Options taken from a later release of the system's setkey, sent as that one sends
    /// them, with a warning: (this release, the later one).
    pub later_release: Option<(&'static str, &'static str)>,
    /// Why the kernel refuses `entrust` and `bypass` in the SPD (spdadd, spdupdate,
    /// spddelete), when it does.
    pub spd_refuses_bypass_entrust: Option<&'static str>,
    /// How its setkey reports a statement of `-f FILE` that the kernel rejected.
    pub kernel_rejection: RejectionReport,
    /// Why the kernel refuses an ESP or AH SA whose SPI is below 256, when it does.
    pub refuses_reserved_spis: Option<&'static str>,
    /// Why the kernel refuses an SA with only one of the hard and soft lifetimes, when it
    /// does.
    pub lifetimes_in_pairs: Option<&'static str>,
    /// The mode the kernel keeps for an SA added with mode any (what its dumps then show).
    pub sa_mode_any_kept_as: u8,
}

/// What a system's setkey does with `-P fwd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FwdPolicy {
    /// A forward policy (IPSEC_DIR_FWD).
    Forward,
    /// Parsed, and sent as an inbound policy: said in a warning.
    AsInbound,
    /// Not in the language.
    Refused,
}

/// What a system's setkey does with an optional form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// Sent to the kernel.
    Sent,
    /// Parsed and left out of the message: said in a warning.
    Ignored,
    /// Refused; the text says why.
    Refused(&'static str),
}

// NetBSD builds ipsec-tools with lib/libipsec/config.h, where HAVE_POLICY_FWD and
// HAVE_PFKEY_POLICY_PRIORITY are undefined: libipsec's policy_token.l then reads `fwd` as
// IPSEC_DIR_INBOUND, and policy_parse.y's init_x_policy fails any nonzero priority with
// EIPSEC_PRIORITY_NOT_COMPILED. Its pfkeyv2.h has no SADB_X_EXT_SEC_CTX, so setkey's parse.y
// parses `-ctx` and sends no extension for it.
const NETBSD: Profile = Profile {
    dump: &dump::NETBSD,
    kdebug: &kdebug::NETBSD,
    tunnel_endpoint_ports: true,
    fwd_policy: FwdPolicy::AsInbound,
    security_context: Feature::Ignored,
    policy_priority: Feature::Refused(
        "NetBSD's libipsec is built without policy priorities (HAVE_PFKEY_POLICY_PRIORITY): \
         its setkey fails this with \"Policy priority not compiled in\"",
    ),
    later_release: None,
    spd_refuses_bypass_entrust: None,
    kernel_rejection: RejectionReport::FileComma,
    // sys/netipsec/key.c: key_mature refuses ESP and AH SPIs up to 255; key_add and
    // key_update need both lifetime extensions or neither (both EINVAL, also seen on the
    // NetBSD kernel harness: "key_mature: illegal range of SPI 100.", "key_add: invalid
    // message is passed.").
    refuses_reserved_spis: Some(
        "NetBSD's kernel refuses ESP and AH SPIs below 256 (key_mature: illegal range of SPI)",
    ),
    lifetimes_in_pairs: Some(
        "NetBSD's kernel takes the hard and soft lifetimes together or not at all: give both \
         (-lh and -ls, or -bh and -bs)",
    ),
    // sys/netipsec/key.c key_add keeps the SA2 mode as sent; the harness dumps mode=any.
    sa_mode_any_kept_as: IPSEC_MODE_ANY,
};

// FreeBSD's libipsec has no priority syntax, but its kernel takes the priority from the
// x_policy field (key_msg2sp), so the clause is accepted there as an extension.
const FREEBSD: Profile = Profile {
    dump: &dump::FREEBSD,
    kdebug: &kdebug::FREEBSD,
    tunnel_endpoint_ports: false,
    fwd_policy: FwdPolicy::Refused,
    security_context: Feature::Refused("-ctx (a security context) exists only on linux"),
    policy_priority: Feature::Sent,
    // FreeBSD 14's sbin/setkey/token.l (sobomax/freebsd14_vendor 0f7ff3427c99) has none of
    // -natt, -natt_mtu, -esn and -hwif, which FreeBSD 15's setkey and pfkeyv2.h add.
    later_release: Some(("FreeBSD 14", "FreeBSD 15")),
    // sys/netipsec/key.c key_spdadd and key_spddelete (sobomax/freebsd14_vendor 0f7ff3427c99)
    // take only discard, none and ipsec and answer EINVAL to anything else.
    spd_refuses_bypass_entrust: Some(
        "FreeBSD's kernel refuses entrust and bypass in the SPD: key_spdadd and key_spddelete \
         take only discard, none and ipsec",
    ),
    kernel_rejection: RejectionReport::ResultOfLine,
    // sys/netipsec/key.c (sobomax/freebsd14_vendor 0f7ff3427c99): key_newsav refuses ESP
    // and AH SPIs up to 255 ("illegal range of SPI"); key_add and key_updatelifetimes need
    // both lifetime extensions or neither ("missing required header"), both EINVAL.
    refuses_reserved_spis: Some(
        "FreeBSD's kernel refuses ESP and AH SPIs below 256 (key_newsav: illegal range of SPI)",
    ),
    lifetimes_in_pairs: Some(
        "FreeBSD's kernel takes the hard and soft lifetimes together or not at all: give both \
         (-lh and -ls)",
    ),
    // As NetBSD's (KAME key_add); neither FreeBSD's key.c nor a FreeBSD kernel checked here.
    sa_mode_any_kept_as: IPSEC_MODE_ANY,
};

const LINUX: Profile = Profile {
    dump: &dump::LINUX,
    kdebug: &kdebug::LINUX,
    tunnel_endpoint_ports: true,
    fwd_policy: FwdPolicy::Forward,
    security_context: Feature::Sent,
    policy_priority: Feature::Sent,
    later_release: None,
    spd_refuses_bypass_entrust: None,
    kernel_rejection: RejectionReport::ResultOfLine,
    refuses_reserved_spis: None,
    lifetimes_in_pairs: None,
    // net/key/af_key.c pfkey_mode_to_xfrm turns IPSEC_MODE_ANY into XFRM_MODE_TRANSPORT,
    // which dumps as transport (seen on the Linux VM).
    sa_mode_any_kept_as: IPSEC_MODE_TRANSPORT,
};

/// The row of `dialect`.
pub fn of(dialect: Dialect) -> &'static Profile {
    match dialect {
        Dialect::NetBsd => &NETBSD,
        Dialect::FreeBsd => &FREEBSD,
        Dialect::Linux => &LINUX,
    }
}
