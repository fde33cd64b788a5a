//! Dumped SAs and policies back to setkey statements of the target's language (`--format setkey`).

mod sa;
mod spd;

use std::fmt::Write;

use crate::pfkey::{Dialect, Message, SockAddr};

pub use sa::{sa_delete_statement, sa_statement};
pub use spd::{sp_delete_statement, sp_statement};

/// One dump entry as setkey text: the statement, and what it cannot carry over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The statement, ending in `;`; `None` when the entry has no setkey form.
    pub statement: Option<String>,
    /// Why there is no statement, or what the statement leaves out.
    pub notes: Vec<String>,
}

impl Rendered {
    fn refused(reason: impl Into<String>) -> Self {
        Rendered {
            statement: None,
            notes: vec![reason.into()],
        }
    }
}

/// What differs per OS when a dump is turned back into a script.
#[derive(Debug)]
pub struct Profile {
    /// The kernel lists the SAD newest first, so the script adds in reverse dump order.
    pub sad_newest_first: bool,
    /// The same for the SPD.
    pub spd_newest_first: bool,
    /// SADB_X_EXT_CYCSEQ survives in the dump's flags (BSD), so its absence means
    /// `-f nocyclic-seq`; Linux reports no such flag.
    pub cyclic_seq_flag: bool,
    /// `-bh`/`-bs` exist (ipsec-tools).
    pub byte_lifetimes: bool,
    /// An SA address may carry `[port]` (ipsec-tools).
    pub sa_ports: bool,
    /// The `esp-udp` protocol writes a NAT-T SA (ipsec-tools; FreeBSD 14's setkey has no
    /// NAT-T form).
    pub esp_udp: bool,
    /// `setkey -f` installs every inbound policy a second time as fwd (Linux, without -k),
    /// so fwd policies are written as `spdupdate`, which replaces that copy or adds.
    pub fwd_copies: bool,
}

const NETBSD: Profile = Profile {
    sad_newest_first: true,
    spd_newest_first: false,
    cyclic_seq_flag: true,
    byte_lifetimes: true,
    esp_udp: true,
    sa_ports: true,
    fwd_copies: false,
};

const FREEBSD: Profile = Profile {
    sad_newest_first: true,
    spd_newest_first: false,
    cyclic_seq_flag: true,
    byte_lifetimes: false,
    esp_udp: false,
    sa_ports: false,
    fwd_copies: false,
};

const LINUX: Profile = Profile {
    sad_newest_first: true,
    spd_newest_first: true,
    cyclic_seq_flag: false,
    byte_lifetimes: true,
    esp_udp: true,
    sa_ports: true,
    fwd_copies: true,
};

pub fn profile(dialect: Dialect) -> &'static Profile {
    match dialect {
        Dialect::NetBsd => &NETBSD,
        Dialect::FreeBsd => &FREEBSD,
        Dialect::Linux => &LINUX,
    }
}

/// An address as the language takes it: the zone of a scoped IPv6 address as its number.
pub(crate) fn host(addr: &SockAddr) -> Option<String> {
    match addr {
        SockAddr::V4 { addr, .. } => Some(addr.to_string()),
        SockAddr::V6 {
            addr, scope_id: 0, ..
        } => Some(addr.to_string()),
        SockAddr::V6 { addr, scope_id, .. } => Some(format!("{addr}%{scope_id}")),
        SockAddr::Other { .. } => None,
    }
}

/// The whole dump (`policy`: the SPD) as a script that re-creates it, in the order that
/// gives the same dump again; entries with no setkey form become comments.
pub fn script(entries: &[Message], dialect: Dialect, policy: bool) -> String {
    let p = profile(dialect);
    let newest_first = if policy {
        p.spd_newest_first
    } else {
        p.sad_newest_first
    };
    let mut order: Vec<&Message> = entries.iter().collect();
    if newest_first {
        order.reverse();
    }
    let mut out = String::new();
    for msg in order {
        let rendered = if policy {
            sp_statement(msg, dialect, entries)
        } else {
            sa_statement(msg, dialect)
        };
        for note in &rendered.notes {
            let _ = writeln!(out, "# {note}");
        }
        if let Some(s) = rendered.statement {
            let _ = writeln!(out, "{s}");
        }
    }
    out
}
