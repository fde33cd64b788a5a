//! What differs in behaviour between the target systems, as one row per system: the forms of
//! the language each one's setkey takes (read by the compiler) and how its `-D`/`-DP` print
//! (the formatters' table, `format::profile`).

use crate::format::profile::{self as dump, DumpProfile};
use crate::pfkey::Dialect;

/// One system's row.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// How its setkey prints dumps.
    pub dump: &'static DumpProfile,
    /// `addr[port]` in tunnel endpoints: ipsec-tools' libipsec policy_parse.y (NetBSD and
    /// Linux) has `IPADDRESS PORT HYPHEN IPADDRESS PORT`; FreeBSD's libipsec does not.
    pub tunnel_endpoint_ports: bool,
    /// Why the kernel refuses `entrust` and `bypass` in the SPD (spdadd, spdupdate,
    /// spddelete), when it does.
    pub spd_refuses_bypass_entrust: Option<&'static str>,
}

const NETBSD: Profile = Profile {
    dump: &dump::NETBSD,
    tunnel_endpoint_ports: true,
    spd_refuses_bypass_entrust: None,
};

const FREEBSD: Profile = Profile {
    dump: &dump::FREEBSD,
    tunnel_endpoint_ports: false,
    // sys/netipsec/key.c key_spdadd and key_spddelete (sobomax/freebsd14_vendor 0f7ff3427c99)
    // take only discard, none and ipsec and answer EINVAL to anything else.
    spd_refuses_bypass_entrust: Some(
        "FreeBSD's kernel refuses entrust and bypass in the SPD: key_spdadd and key_spddelete \
         take only discard, none and ipsec",
    ),
};

const LINUX: Profile = Profile {
    dump: &dump::LINUX,
    tunnel_endpoint_ports: true,
    spd_refuses_bypass_entrust: None,
};

/// The row of `dialect`.
pub fn of(dialect: Dialect) -> &'static Profile {
    match dialect {
        Dialect::NetBsd => &NETBSD,
        Dialect::FreeBsd => &FREEBSD,
        Dialect::Linux => &LINUX,
    }
}
