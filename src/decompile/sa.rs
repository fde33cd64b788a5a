//! One dumped SA as an `add` statement.

use std::fmt::Write;

use super::{host, profile, Rendered};
use crate::compile::algorithms::{auth_name_of_id, encrypt_name_of_id};
use crate::format::profile as dump_profile;
use crate::pfkey::consts::*;
use crate::pfkey::{
    AddressKind, Dialect, Extension, Key, KeyKind, LifetimeKind, Message, NatTPortKind, SockAddr,
};

fn key_hex(key: &Key) -> Option<String> {
    let bytes = &key.data[..(usize::from(key.bits) / 8).min(key.data.len())];
    if bytes.is_empty() {
        return None;
    }
    let mut text = String::from("0x");
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    Some(text)
}

fn port_of(addr: &SockAddr) -> u16 {
    match addr {
        SockAddr::V4 { port, .. } | SockAddr::V6 { port, .. } => *port,
        SockAddr::Other { .. } => 0,
    }
}

fn compress_name(id: u8) -> Option<&'static str> {
    match id {
        1 => Some("oui"),
        2 => Some("deflate"),
        3 => Some("lzs"),
        _ => None,
    }
}

/// `delete SRC DST PROTOCOL SPI;` for one SA of a dump, whatever its state.
pub fn sa_delete_statement(msg: &Message) -> Option<String> {
    let sa = msg.sa()?;
    let src = host(&msg.address(AddressKind::Src)?.addr)?;
    let dst = host(&msg.address(AddressKind::Dst)?.addr)?;
    let protocol = match msg.header.satype {
        SADB_SATYPE_ESP => "esp",
        SADB_SATYPE_AH => "ah",
        SADB_X_SATYPE_IPCOMP => "ipcomp",
        SADB_X_SATYPE_TCPSIGNATURE => "tcp",
        _ => return None,
    };
    Some(format!("delete {src} {dst} {protocol} 0x{:x};", sa.spi))
}

/// `add ...;` for one SA of a dump; refused for SAs that a script cannot make (larval, dead,
/// unknown algorithms or families).
pub fn sa_statement(msg: &Message, dialect: Dialect) -> Rendered {
    let p = profile(dialect);
    let (Some(sa), Some(sa2)) = (msg.sa(), msg.sa2()) else {
        return Rendered::refused("an SA without SA or SA2 extension has no setkey form");
    };
    let (Some(src), Some(dst)) = (msg.address(AddressKind::Src), msg.address(AddressKind::Dst))
    else {
        return Rendered::refused("an SA without its addresses has no setkey form");
    };
    let (Some(src_host), Some(dst_host)) = (host(&src.addr), host(&dst.addr)) else {
        return Rendered::refused("an SA of an address family setkey does not know");
    };
    let spi = format!("0x{:x}", sa.spi);
    match sa.state {
        SADB_SASTATE_LARVAL => {
            return Rendered::refused(format!(
                "larval SA {src_host} {dst_host} spi {spi} (reserved by getspi or an ACQUIRE, \
                 no keys yet): not re-created"
            ))
        }
        SADB_SASTATE_DEAD => {
            return Rendered::refused(format!(
                "dead SA {src_host} {dst_host} spi {spi}: not re-created"
            ))
        }
        _ => {}
    }
    let mut notes = Vec::new();
    let mut flags = sa.flags;
    let natt_type = msg.extensions.iter().find_map(|e| match e {
        Extension::NatTType { nat_type, .. } => Some(*nat_type),
        _ => None,
    });
    let nat_port = |kind| {
        msg.extensions.iter().find_map(|e| match e {
            Extension::NatTPort(k, port) if *k == kind => Some(*port),
            _ => None,
        })
    };
    let satype = msg.header.satype;
    let esp_udp = natt_type.is_some_and(|t| t != 0) && satype == SADB_SATYPE_ESP;
    if esp_udp && !p.esp_udp {
        return Rendered::refused(format!(
            "NAT-T SA {src_host} {dst_host} spi {spi}: FreeBSD 14's setkey has no NAT-T form"
        ));
    }
    let old = flags & SADB_X_EXT_OLD != 0;
    flags &= !SADB_X_EXT_OLD;
    let protocol = match (satype, old) {
        (SADB_SATYPE_ESP, _) if esp_udp => {
            let oa = msg
                .address(AddressKind::NatTOai)
                .and_then(|a| host(&a.addr));
            match oa {
                Some(oa) => format!("esp-udp {oa}"),
                None => "esp-udp".to_string(),
            }
        }
        (SADB_SATYPE_ESP, false) => "esp".into(),
        (SADB_SATYPE_ESP, true) => "esp-old".into(),
        (SADB_SATYPE_AH, false) => "ah".into(),
        (SADB_SATYPE_AH, true) => "ah-old".into(),
        (SADB_X_SATYPE_IPCOMP, _) => "ipcomp".into(),
        (SADB_X_SATYPE_TCPSIGNATURE, _) => "tcp".into(),
        (n, _) => return Rendered::refused(format!("an SA of type {n} has no setkey form")),
    };
    let endpoint = |host: &str, addr: &SockAddr, kind| {
        let port = if esp_udp {
            nat_port(kind).unwrap_or(0)
        } else {
            port_of(addr)
        };
        if port != 0 && (p.sa_ports || esp_udp) {
            format!("{host}[{port}]")
        } else {
            host.to_string()
        }
    };
    if !esp_udp && !p.sa_ports && (port_of(&src.addr) != 0 || port_of(&dst.addr) != 0) {
        notes.push(format!(
            "the ports of SA {src_host} {dst_host} spi {spi} have no setkey form on {dialect}"
        ));
    }
    let mut text = format!(
        "add {} {} {protocol} {spi}",
        endpoint(&src_host, &src.addr, NatTPortKind::Src),
        endpoint(&dst_host, &dst.addr, NatTPortKind::Dst)
    );
    let mode = match sa2.mode {
        IPSEC_MODE_ANY => "any",
        IPSEC_MODE_TRANSPORT => "transport",
        IPSEC_MODE_TUNNEL => "tunnel",
        n => return Rendered::refused(format!("SA mode {n} has no setkey form")),
    };
    let _ = write!(text, " -m {mode}");
    if sa2.reqid != 0 {
        let _ = write!(text, " -u {}", sa2.reqid);
    }
    let replay = match msg.extensions.iter().find_map(|e| match e {
        Extension::SaReplay { replay } => Some(*replay),
        _ => None,
    }) {
        Some(r) if dump_profile::of(dialect).replay_from_ext => r >> 3,
        _ => u32::from(sa.replay),
    };
    if replay != 0 {
        let _ = write!(text, " -r {replay}");
    }
    if p.cyclic_seq_flag && flags & SADB_X_EXT_CYCSEQ == 0 {
        text.push_str(" -f nocyclic-seq");
    }
    flags &= !SADB_X_EXT_CYCSEQ;
    for (bit, word) in [
        (SADB_X_EXT_PZERO, "zero-pad"),
        (SADB_X_EXT_PRAND, "random-pad"),
    ] {
        if flags & bit != 0 {
            let _ = write!(text, " -f {word}");
            flags &= !bit;
        }
    }
    if let Some(frag) = msg.extensions.iter().find_map(|e| match e {
        Extension::NatTFrag { fraglen, .. } if *fraglen != 0 => Some(*fraglen),
        _ => None,
    }) {
        notes.push(format!(
            "SA spi {spi}: the NAT-T fragment size ({frag}) is left out (-esp_frag)"
        ));
    }
    lifetimes(&mut text, &mut notes, msg, p.byte_lifetimes, &spi);
    if let Some(c) = msg.extensions.iter().find_map(|e| match e {
        Extension::SecCtx(c) => Some(c),
        _ => None,
    }) {
        let context = c.context.split(|b| *b == 0).next().unwrap_or(&[]);
        let context = String::from_utf8_lossy(context);
        if context.contains('"') {
            notes.push(format!(
                "the security context of SA spi {spi} holds a '\"' and is left out"
            ));
        } else {
            let _ = write!(text, " -ctx {} {} \"{context}\"", c.doi, c.alg);
        }
    }
    if let Err(reason) = algorithms(&mut text, &mut flags, msg, sa, dialect) {
        return Rendered::refused(format!("SA {src_host} {dst_host} spi {spi}: {reason}"));
    }
    if flags & SADB_X_EXT_RAWCPI != 0 {
        text.push_str(" -R");
        flags &= !SADB_X_EXT_RAWCPI;
    }
    if flags != 0 {
        notes.push(format!(
            "SA spi {spi}: flags 0x{flags:08x} are set by the kernel, not by setkey"
        ));
    }
    text.push(';');
    Rendered {
        statement: Some(text),
        notes,
    }
}

fn lifetimes(
    text: &mut String,
    notes: &mut Vec<String>,
    msg: &Message,
    byte_lifetimes: bool,
    spi: &str,
) {
    for (kind, secs_flag, bytes_flag) in [
        (LifetimeKind::Hard, "-lh", "-bh"),
        (LifetimeKind::Soft, "-ls", "-bs"),
    ] {
        let Some(l) = msg.lifetime(kind) else {
            continue;
        };
        if l.addtime != 0 {
            let _ = write!(text, " {secs_flag} {}", l.addtime);
        }
        if l.bytes != 0 {
            if byte_lifetimes {
                let _ = write!(text, " {bytes_flag} {}", l.bytes);
            } else {
                notes.push(format!(
                    "SA spi {spi}: a byte lifetime ({} bytes) has no setkey form here",
                    l.bytes
                ));
            }
        }
        if l.allocations != 0 || l.usetime != 0 {
            notes.push(format!(
                "SA spi {spi}: allocation and use-time lifetimes have no setkey form"
            ));
        }
    }
}

fn algorithms(
    text: &mut String,
    flags: &mut u32,
    msg: &Message,
    sa: &crate::pfkey::Sa,
    dialect: Dialect,
) -> Result<(), String> {
    let with_key = |text: &mut String, flag: &str, name: &str, kind| {
        let _ = write!(text, " {flag} {name}");
        if let Some(key) = msg.key(kind).and_then(key_hex) {
            let _ = write!(text, " {key}");
        }
    };
    match msg.header.satype {
        SADB_X_SATYPE_IPCOMP => {
            let name = compress_name(sa.encrypt)
                .ok_or_else(|| format!("compression algorithm {} has no name", sa.encrypt))?;
            let _ = write!(text, " -C {name}");
            return Ok(());
        }
        SADB_SATYPE_ESP => {
            let mut name = encrypt_name_of_id(sa.encrypt, dialect).ok_or_else(|| {
                format!(
                    "encryption algorithm {} has no name in setkey on {dialect}",
                    sa.encrypt
                )
            })?;
            if name == "des-cbc" && *flags & SADB_X_EXT_DERIV != 0 {
                name = "des-deriv";
                *flags &= !SADB_X_EXT_DERIV;
            } else if name == "des-cbc" && *flags & SADB_X_EXT_IV4B != 0 {
                name = "des-32iv";
                *flags &= !SADB_X_EXT_IV4B;
            }
            with_key(text, "-E", name, KeyKind::Encrypt);
        }
        _ => {}
    }
    if sa.auth != 0 || msg.key(KeyKind::Auth).is_some() {
        let name = auth_name_of_id(sa.auth, dialect).ok_or_else(|| {
            format!(
                "authentication algorithm {} has no name in setkey on {dialect}",
                sa.auth
            )
        })?;
        with_key(text, "-A", name, KeyKind::Auth);
    }
    Ok(())
}
