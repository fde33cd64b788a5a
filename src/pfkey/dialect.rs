//! The three PF_KEY dialects and the numbers and layouts that differ between them.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    NetBsd,
    FreeBsd,
    Linux,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::NetBsd, Dialect::FreeBsd, Dialect::Linux];

    /// The dialect of the OS this binary was built for, if it is one of the three.
    pub fn host() -> Option<Dialect> {
        if cfg!(target_os = "netbsd") {
            Some(Dialect::NetBsd)
        } else if cfg!(target_os = "freebsd") {
            Some(Dialect::FreeBsd)
        } else if cfg!(target_os = "linux") {
            Some(Dialect::Linux)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::NetBsd => "netbsd",
            Dialect::FreeBsd => "freebsd",
            Dialect::Linux => "linux",
        }
    }

    pub fn is_bsd(self) -> bool {
        !matches!(self, Dialect::Linux)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "netbsd" => Ok(Dialect::NetBsd),
            "freebsd" => Ok(Dialect::FreeBsd),
            "linux" => Ok(Dialect::Linux),
            other => Err(format!(
                "unknown target '{other}' (expected netbsd, freebsd or linux)"
            )),
        }
    }
}

use crate::pfkey::message::{
    AddressKind, IdentityKind, KeyKind, LifetimeKind, NatTPortKind, SupportedKind,
};

/// Which typed extension a wire number decodes to (the variant plus its role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtSlot {
    Sa,
    Lifetime(LifetimeKind),
    Address(AddressKind),
    Key(KeyKind),
    Identity(IdentityKind),
    Sensitivity,
    Proposal,
    Supported(SupportedKind),
    SpiRange,
    KmPrivate,
    Policy,
    Sa2,
    NatTType,
    NatTPort(NatTPortKind),
    NatTFrag,
    SaReplay,
    SecCtx,
    KmAddress,
    Filter,
    IfHwOffload,
}

/// One row of an extension-number table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtEntry {
    pub number: u16,
    pub name: &'static str,
    /// `None`: a number the dialect defines but the codec keeps as `Extension::Unknown`.
    pub slot: Option<ExtSlot>,
}

const fn entry(number: u16, name: &'static str, slot: ExtSlot) -> ExtEntry {
    ExtEntry {
        number,
        name,
        slot: Some(slot),
    }
}

/// Extension numbers 1..=22, identical in all three dialects.
const COMMON_EXTS: [ExtEntry; 22] = [
    entry(1, "SA", ExtSlot::Sa),
    entry(
        2,
        "LIFETIME_CURRENT",
        ExtSlot::Lifetime(LifetimeKind::Current),
    ),
    entry(3, "LIFETIME_HARD", ExtSlot::Lifetime(LifetimeKind::Hard)),
    entry(4, "LIFETIME_SOFT", ExtSlot::Lifetime(LifetimeKind::Soft)),
    entry(5, "ADDRESS_SRC", ExtSlot::Address(AddressKind::Src)),
    entry(6, "ADDRESS_DST", ExtSlot::Address(AddressKind::Dst)),
    entry(7, "ADDRESS_PROXY", ExtSlot::Address(AddressKind::Proxy)),
    entry(8, "KEY_AUTH", ExtSlot::Key(KeyKind::Auth)),
    entry(9, "KEY_ENCRYPT", ExtSlot::Key(KeyKind::Encrypt)),
    entry(10, "IDENTITY_SRC", ExtSlot::Identity(IdentityKind::Src)),
    entry(11, "IDENTITY_DST", ExtSlot::Identity(IdentityKind::Dst)),
    entry(12, "SENSITIVITY", ExtSlot::Sensitivity),
    entry(13, "PROPOSAL", ExtSlot::Proposal),
    entry(
        14,
        "SUPPORTED_AUTH",
        ExtSlot::Supported(SupportedKind::Auth),
    ),
    entry(
        15,
        "SUPPORTED_ENCRYPT",
        ExtSlot::Supported(SupportedKind::Encrypt),
    ),
    entry(16, "SPIRANGE", ExtSlot::SpiRange),
    entry(17, "KMPRIVATE", ExtSlot::KmPrivate),
    entry(18, "POLICY", ExtSlot::Policy),
    entry(19, "SA2", ExtSlot::Sa2),
    entry(20, "NAT_T_TYPE", ExtSlot::NatTType),
    entry(21, "NAT_T_SPORT", ExtSlot::NatTPort(NatTPortKind::Src)),
    entry(22, "NAT_T_DPORT", ExtSlot::NatTPort(NatTPortKind::Dst)),
];

const NETBSD_EXTS: [ExtEntry; 3] = [
    entry(23, "NAT_T_OAI", ExtSlot::Address(AddressKind::NatTOai)),
    entry(24, "NAT_T_OAR", ExtSlot::Address(AddressKind::NatTOar)),
    entry(25, "NAT_T_FRAG", ExtSlot::NatTFrag),
];

// 29..=31 follow the FreeBSD 15 enum order (SA_REPLAY, NEW_ADDRESS_SRC/DST, then the two
// offload lifetimes and IF_HW_OFFL); the numeric values are derived from that order and
// could not be checked against the header itself.
const FREEBSD_EXTS: [ExtEntry; 9] = [
    entry(23, "NAT_T_OAI", ExtSlot::Address(AddressKind::NatTOai)),
    entry(24, "NAT_T_OAR", ExtSlot::Address(AddressKind::NatTOar)),
    entry(25, "NAT_T_FRAG", ExtSlot::NatTFrag),
    entry(26, "SA_REPLAY", ExtSlot::SaReplay),
    entry(27, "NEW_ADDRESS_SRC", ExtSlot::Address(AddressKind::NewSrc)),
    entry(28, "NEW_ADDRESS_DST", ExtSlot::Address(AddressKind::NewDst)),
    ExtEntry {
        number: 29,
        name: "LFT_CUR_SW_OFFL",
        slot: None,
    },
    ExtEntry {
        number: 30,
        name: "LFT_CUR_HW_OFFL",
        slot: None,
    },
    entry(31, "IF_HW_OFFL", ExtSlot::IfHwOffload),
];

const LINUX_EXTS: [ExtEntry; 4] = [
    entry(23, "NAT_T_OA", ExtSlot::Address(AddressKind::NatTOai)),
    entry(24, "SEC_CTX", ExtSlot::SecCtx),
    entry(25, "KMADDRESS", ExtSlot::KmAddress),
    entry(26, "FILTER", ExtSlot::Filter),
];

impl ExtSlot {
    /// Lower-case name used in error messages ("x_sa_replay does not exist on linux").
    pub fn label(self) -> &'static str {
        match self {
            ExtSlot::Sa => "sa",
            ExtSlot::Lifetime(LifetimeKind::Current) => "lifetime_current",
            ExtSlot::Lifetime(LifetimeKind::Hard) => "lifetime_hard",
            ExtSlot::Lifetime(LifetimeKind::Soft) => "lifetime_soft",
            ExtSlot::Address(AddressKind::Src) => "address_src",
            ExtSlot::Address(AddressKind::Dst) => "address_dst",
            ExtSlot::Address(AddressKind::Proxy) => "address_proxy",
            ExtSlot::Address(AddressKind::NatTOai) => "x_nat_t_oai",
            ExtSlot::Address(AddressKind::NatTOar) => "x_nat_t_oar",
            ExtSlot::Address(AddressKind::NewSrc) => "x_new_address_src",
            ExtSlot::Address(AddressKind::NewDst) => "x_new_address_dst",
            ExtSlot::Key(KeyKind::Auth) => "key_auth",
            ExtSlot::Key(KeyKind::Encrypt) => "key_encrypt",
            ExtSlot::Identity(IdentityKind::Src) => "identity_src",
            ExtSlot::Identity(IdentityKind::Dst) => "identity_dst",
            ExtSlot::Sensitivity => "sensitivity",
            ExtSlot::Proposal => "proposal",
            ExtSlot::Supported(SupportedKind::Auth) => "supported_auth",
            ExtSlot::Supported(SupportedKind::Encrypt) => "supported_encrypt",
            ExtSlot::SpiRange => "spirange",
            ExtSlot::KmPrivate => "x_kmprivate",
            ExtSlot::Policy => "x_policy",
            ExtSlot::Sa2 => "x_sa2",
            ExtSlot::NatTType => "x_nat_t_type",
            ExtSlot::NatTPort(NatTPortKind::Src) => "x_nat_t_sport",
            ExtSlot::NatTPort(NatTPortKind::Dst) => "x_nat_t_dport",
            ExtSlot::NatTFrag => "x_nat_t_frag",
            ExtSlot::SaReplay => "x_sa_replay",
            ExtSlot::SecCtx => "x_sec_ctx",
            ExtSlot::KmAddress => "x_kmaddress",
            ExtSlot::Filter => "x_filter",
            ExtSlot::IfHwOffload => "x_if_hw_offl",
        }
    }
}

impl ExtSlot {
    /// How many slots there are: `index` is below this.
    const COUNT: usize = 32;

    /// A dense number for the slot, to index the per-dialect tables.
    const fn index(self) -> usize {
        match self {
            ExtSlot::Sa => 0,
            ExtSlot::Lifetime(LifetimeKind::Current) => 1,
            ExtSlot::Lifetime(LifetimeKind::Hard) => 2,
            ExtSlot::Lifetime(LifetimeKind::Soft) => 3,
            ExtSlot::Address(AddressKind::Src) => 4,
            ExtSlot::Address(AddressKind::Dst) => 5,
            ExtSlot::Address(AddressKind::Proxy) => 6,
            ExtSlot::Address(AddressKind::NatTOai) => 7,
            ExtSlot::Address(AddressKind::NatTOar) => 8,
            ExtSlot::Address(AddressKind::NewSrc) => 9,
            ExtSlot::Address(AddressKind::NewDst) => 10,
            ExtSlot::Key(KeyKind::Auth) => 11,
            ExtSlot::Key(KeyKind::Encrypt) => 12,
            ExtSlot::Identity(IdentityKind::Src) => 13,
            ExtSlot::Identity(IdentityKind::Dst) => 14,
            ExtSlot::Sensitivity => 15,
            ExtSlot::Proposal => 16,
            ExtSlot::Supported(SupportedKind::Auth) => 17,
            ExtSlot::Supported(SupportedKind::Encrypt) => 18,
            ExtSlot::SpiRange => 19,
            ExtSlot::KmPrivate => 20,
            ExtSlot::Policy => 21,
            ExtSlot::Sa2 => 22,
            ExtSlot::NatTType => 23,
            ExtSlot::NatTPort(NatTPortKind::Src) => 24,
            ExtSlot::NatTPort(NatTPortKind::Dst) => 25,
            ExtSlot::NatTFrag => 26,
            ExtSlot::SaReplay => 27,
            ExtSlot::SecCtx => 28,
            ExtSlot::KmAddress => 29,
            ExtSlot::Filter => 30,
            ExtSlot::IfHwOffload => 31,
        }
    }
}

/// For each slot (by `ExtSlot::index`), one more than the position of its entry in the
/// common entries followed by `tail`; 0 where the dialect has no number for it. The first
/// entry of a slot wins, as a search from the start would find.
const fn by_slot(tail: &[ExtEntry]) -> [u8; ExtSlot::COUNT] {
    let mut table = [0u8; ExtSlot::COUNT];
    let mut at = 0;
    while at < COMMON_EXTS.len() + tail.len() {
        let entry = if at < COMMON_EXTS.len() {
            &COMMON_EXTS[at]
        } else {
            &tail[at - COMMON_EXTS.len()]
        };
        if let Some(slot) = entry.slot {
            if table[slot.index()] == 0 {
                table[slot.index()] = (at + 1) as u8;
            }
        }
        at += 1;
    }
    table
}

/// For each slot, its wire number (0: none), from the position table `by_slot` gives.
const fn numbers(tail: &[ExtEntry], positions: [u8; ExtSlot::COUNT]) -> [u16; ExtSlot::COUNT] {
    let mut table = [0u16; ExtSlot::COUNT];
    let mut slot = 0;
    while slot < ExtSlot::COUNT {
        let at = positions[slot] as usize;
        if at > COMMON_EXTS.len() {
            table[slot] = tail[at - 1 - COMMON_EXTS.len()].number;
        } else if at > 0 {
            table[slot] = COMMON_EXTS[at - 1].number;
        }
        slot += 1;
    }
    table
}

const NETBSD_NUMBERS: [u16; ExtSlot::COUNT] = numbers(&NETBSD_EXTS, NETBSD_BY_SLOT);
const FREEBSD_NUMBERS: [u16; ExtSlot::COUNT] = numbers(&FREEBSD_EXTS, FREEBSD_BY_SLOT);
const LINUX_NUMBERS: [u16; ExtSlot::COUNT] = numbers(&LINUX_EXTS, LINUX_BY_SLOT);

const NETBSD_BY_SLOT: [u8; ExtSlot::COUNT] = by_slot(&NETBSD_EXTS);
const FREEBSD_BY_SLOT: [u8; ExtSlot::COUNT] = by_slot(&FREEBSD_EXTS);
const LINUX_BY_SLOT: [u8; ExtSlot::COUNT] = by_slot(&LINUX_EXTS);

impl Dialect {
    /// The extension numbers this dialect adds after the common 1..=22.
    fn ext_tail(self) -> &'static [ExtEntry] {
        match self {
            Dialect::NetBsd => &NETBSD_EXTS,
            Dialect::FreeBsd => &FREEBSD_EXTS,
            Dialect::Linux => &LINUX_EXTS,
        }
    }

    /// Every extension number this dialect defines.
    pub fn ext_entries(self) -> impl Iterator<Item = &'static ExtEntry> {
        COMMON_EXTS.iter().chain(self.ext_tail().iter())
    }

    pub fn ext_by_number(self, number: u16) -> Option<&'static ExtEntry> {
        self.ext_entries().find(|e| e.number == number)
    }

    /// The wire number of `slot` here, as `ext_by_slot` gives it, from one table look-up.
    #[inline]
    pub fn ext_number(self, slot: ExtSlot) -> Option<u16> {
        let table = match self {
            Dialect::NetBsd => &NETBSD_NUMBERS,
            Dialect::FreeBsd => &FREEBSD_NUMBERS,
            Dialect::Linux => &LINUX_NUMBERS,
        };
        Some(table[slot.index()]).filter(|n| *n != 0)
    }

    pub fn ext_by_slot(self, slot: ExtSlot) -> Option<&'static ExtEntry> {
        let table = match self {
            Dialect::NetBsd => &NETBSD_BY_SLOT,
            Dialect::FreeBsd => &FREEBSD_BY_SLOT,
            Dialect::Linux => &LINUX_BY_SLOT,
        };
        let at = usize::from(table[slot.index()]).checked_sub(1)?;
        COMMON_EXTS
            .get(at)
            .or_else(|| self.ext_tail().get(at - COMMON_EXTS.len()))
    }

    /// `AF_INET6` as written into a sockaddr's family field.
    pub fn af_inet6(self) -> u16 {
        match self {
            Dialect::NetBsd => 24,
            Dialect::FreeBsd => 28,
            Dialect::Linux => 10,
        }
    }

    /// `AF_INET`, the same everywhere.
    pub fn af_inet(self) -> u16 {
        2
    }

    /// Size of the `sadb_x_ipsecrequest` header (BSD 16-bit reqid, Linux 32-bit reqid).
    pub fn ipsecrequest_header_len(self) -> usize {
        if self.is_bsd() {
            8
        } else {
            16
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_find_the_entry_a_search_finds() {
        let slots: Vec<ExtSlot> = Dialect::ALL
            .iter()
            .flat_map(|d| d.ext_entries().filter_map(|e| e.slot))
            .collect();
        assert_eq!(slots.len(), 22 * 3 + 3 + 7 + 4);
        for dialect in Dialect::ALL {
            for &slot in &slots {
                let searched = dialect.ext_entries().find(|e| e.slot == Some(slot));
                assert_eq!(dialect.ext_by_slot(slot), searched, "{dialect} {slot:?}");
                let number = searched.map(|e| e.number);
                assert_eq!(dialect.ext_number(slot), number, "{dialect} {slot:?}");
            }
        }
        assert_eq!(Dialect::Linux.ext_by_slot(ExtSlot::SaReplay), None);
        assert_eq!(Dialect::Linux.ext_number(ExtSlot::SaReplay), None);
        assert_eq!(Dialect::Linux.ext_number(ExtSlot::SecCtx), Some(24));
        assert_eq!(
            Dialect::FreeBsd
                .ext_by_slot(ExtSlot::SaReplay)
                .map(|e| e.number),
            Some(26)
        );
    }
}
