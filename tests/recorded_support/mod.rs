//! Dump replies recorded on real kernels (tests/data/<os>/*.bin: Linux 6.1 in QEMU, NetBSD's
//! sys/netipsec as a rump kernel), read and decoded, and what their dumps are rendered with.
#![allow(dead_code)]

use setkey::pfkey::{self, Dialect, LifetimeKind, Message};

/// `tests/data/<os>/FILE`.
pub fn path(dialect: Dialect, file: &str) -> String {
    let dir = match dialect {
        Dialect::Linux => "linux",
        Dialect::NetBsd => "netbsd",
        Dialect::FreeBsd => "freebsd",
    };
    format!("tests/data/{dir}/{file}")
}

/// The recorded bytes: the kernel's replies, one after the other.
pub fn bytes(dialect: Dialect, file: &str) -> Vec<u8> {
    std::fs::read(path(dialect, file)).expect("recorded replies")
}

/// Each recorded reply, decoded.
pub fn recorded(dialect: Dialect, file: &str) -> Vec<Message> {
    pfkey::split(&bytes(dialect, file))
        .map(|one| pfkey::parse(one, dialect).expect("a recorded reply decodes"))
        .collect()
}

/// The protocol names of a Linux host's /etc/protocols that the recorded dumps use.
pub fn protocol_name(n: u8) -> Option<String> {
    match n {
        1 => Some("icmp".into()),
        6 => Some("tcp".into()),
        58 => Some("ipv6-icmp".into()),
        _ => None,
    }
}

/// When the newest of the entries was created (its current lifetime's addtime).
pub fn newest(msgs: &[Message]) -> u64 {
    msgs.iter()
        .filter_map(|m| m.lifetime(LifetimeKind::Current))
        .map(|l| l.addtime)
        .max()
        .unwrap_or(0)
}
