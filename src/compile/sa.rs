//! SAD statements: add, update, get, delete, getspi, deleteall.

use zeroize::Zeroizing;

use super::algorithms::{self, KeyRule, Support};
use super::{
    address, check_families, full_prefix, host_sockaddr, security_context, sockaddr, Cx, Errors,
    Operation,
};
use crate::lang::{
    DeleteAll, Diagnostic, EncryptAlgorithm, KeyBytes, Mode, PadOption, SaProtocol, SaStatement,
    Span, Spanned,
};
use crate::pfkey::consts::*;
use crate::pfkey::{
    AddressKind, Dialect, Extension, Key, KeyKind, Lifetime, LifetimeKind, Message, NatTPortKind,
    Sa, Sa2, SpiRange,
};

const NATT_DEFAULT_PORT: u16 = 4500;
const BSD: &[Dialect] = &[Dialect::NetBsd, Dialect::FreeBsd];
const IPSEC_TOOLS: &[Dialect] = &[Dialect::NetBsd, Dialect::Linux];

fn mode_number(mode: Mode) -> u8 {
    match mode {
        Mode::Any => IPSEC_MODE_ANY,
        Mode::Transport => IPSEC_MODE_TRANSPORT,
        Mode::Tunnel => IPSEC_MODE_TUNNEL,
    }
}

fn key_ext(cx: Cx, kind: KeyKind, key: &KeyBytes) -> Extension {
    Extension::Key(
        kind,
        Key {
            bits: (key.as_slice().len() * 8) as u16,
            reserved: 0,
            data: cx.key_data(key.as_slice()),
        },
    )
}

fn empty_key_ext(kind: KeyKind) -> Extension {
    Extension::Key(
        kind,
        Key {
            bits: 0,
            reserved: 0,
            data: Zeroizing::new(Vec::new()),
        },
    )
}

/// One `-E`/`-A` choice of a statement, with what the target supports of it.
struct Choice<'a> {
    name: &'static str,
    kind: &'static str,
    support: Option<Support>,
    span: Span,
    key: Option<&'a Spanned<KeyBytes>>,
    key_kind: KeyKind,
}

/// Checks one algorithm and its key against the target; returns its support and key ext.
#[inline]
fn algorithm(cx: Cx, errors: &mut Errors, choice: Choice) -> Option<(Support, Option<Extension>)> {
    let Choice {
        name,
        kind,
        support,
        span: alg_span,
        key,
        key_kind,
    } = choice;
    let Some(support) = support else {
        errors.push(
            alg_span,
            format!("{kind} algorithm {name} is not supported on {}", cx.dialect),
        );
        return None;
    };
    if let Some(warning) = support.warning {
        cx.warn(alg_span, warning);
    }
    match (support.key, key) {
        (KeyRule::Refused(why), _) => {
            errors.push(alg_span, why);
            None
        }
        (KeyRule::Keyless, None) => Some((support, None)),
        (KeyRule::EmptyKey, None) => Some((support, Some(empty_key_ext(key_kind)))),
        (KeyRule::Keyless | KeyRule::EmptyKey, Some(k)) => {
            errors.push(k.span, format!("{name} takes no key on {}", cx.dialect));
            None
        }
        (_, None) => {
            let hint = if name == "null" {
                " (use \"\" for an empty one)"
            } else {
                ""
            };
            errors.push(
                alg_span,
                format!("{name} needs a key on {}{hint}", cx.dialect),
            );
            None
        }
        (rule, Some(k)) => {
            let len = k.value.as_slice().len();
            let checked = if name == "tcp-md5" && !(1..=80).contains(&len) {
                Err(format!("tcp-md5 key must be 1 to 80 bytes, got {len}"))
            } else {
                algorithms::check_key(name, rule, len)
            };
            match checked {
                Ok(()) => Some((support, Some(key_ext(cx, key_kind, &k.value)))),
                Err(e) => {
                    errors.push(k.span, e);
                    None
                }
            }
        }
    }
}

/// The SA flags from `-f`, `-R`, the protocol and `-esn`.
fn sa_flags(cx: Cx, s: &SaStatement, errors: &mut Errors) -> u32 {
    let o = &s.options;
    let mut flags = if o.nocyclic_seq.is_some() {
        0
    } else {
        SADB_X_EXT_CYCSEQ
    };
    // parse.y: `F_EXT EXTENSION { p_ext |= $2; }` (seq-pad is SADB_X_EXT_PSEQ, 0).
    for pad in &o.pads {
        flags |= match pad.value {
            PadOption::ZeroPad => SADB_X_EXT_PZERO,
            PadOption::RandomPad => SADB_X_EXT_PRAND,
            PadOption::SeqPad => 0,
        };
    }
    if matches!(s.protocol.value, SaProtocol::EspOld | SaProtocol::AhOld) {
        flags |= SADB_X_EXT_OLD;
    }
    if s.algorithms.raw_cpi.is_some() {
        flags |= SADB_X_EXT_RAWCPI;
    }
    if let Some(span) = o.esn {
        if errors
            .check(cx.require(&[Dialect::FreeBsd], "-esn", span))
            .is_some()
        {
            cx.later_release_option("-esn", span);
            flags |= SADB_X_SAFLAGS_ESN;
        }
    }
    flags
}

/// The parts of an SA statement every message type shares: SA and SA2 values, and the
/// replay extension FreeBSD adds for windows over 255 bytes.
fn sa_and_sa2(
    cx: Cx,
    s: &SaStatement,
    errors: &mut Errors,
    auth: u8,
    encrypt: u8,
    flags: u32,
) -> (Sa, Sa2, Option<Extension>) {
    let o = &s.options;
    let mut replay_ext = None;
    if let Some(r) = &o.replay {
        if matches!(s.protocol.value, SaProtocol::EspOld | SaProtocol::AhOld) {
            errors.push(r.span, "replay prevention cannot be used with ah/esp-old");
        }
    }
    let replay = match &o.replay {
        None => 0,
        Some(r) if r.value <= 255 => r.value as u8,
        Some(r) if cx.dialect == Dialect::FreeBsd => {
            match r.value.checked_mul(8) {
                Some(packets) => replay_ext = Some(Extension::SaReplay { replay: packets }),
                None => errors.push(
                    r.span,
                    format!("replay window of {} bytes is too large", r.value),
                ),
            }
            255
        }
        Some(r) => {
            errors.push(
                r.span,
                format!(
                    "replay window of {} bytes does not fit the 8-bit field on {} (at most 255)",
                    r.value, cx.dialect
                ),
            );
            0
        }
    };
    let sa = Sa {
        spi: s.spi.value,
        replay,
        state: 0,
        auth,
        encrypt,
        flags,
    };
    let sa2 = Sa2 {
        mode: o
            .mode
            .as_ref()
            .map_or(IPSEC_MODE_ANY, |m| mode_number(m.value)),
        reqid: o.reqid.as_ref().map_or(0, |r| r.value),
        ..Sa2::default()
    };
    (sa, sa2, replay_ext)
}

/// The hard and soft lifetimes; `checked_in_pairs`: refuse one without the other where the
/// kernel does (it reads them only for ADD and UPDATE).
fn lifetimes(
    cx: Cx,
    s: &SaStatement,
    errors: &mut Errors,
    checked_in_pairs: bool,
) -> Vec<Extension> {
    let o = &s.options;
    let mut bytes_refused = false;
    for bytes in [&o.lifetime_hard_bytes, &o.lifetime_soft_bytes]
        .into_iter()
        .flatten()
    {
        bytes_refused |= errors
            .check(cx.require(IPSEC_TOOLS, "byte lifetimes (-bh, -bs)", bytes.span))
            .is_none();
    }
    let mut out = Vec::new();
    let value = |v: &Option<Spanned<u64>>| v.as_ref().map_or(0, |v| v.value);
    for (kind, secs, bytes) in [
        (
            LifetimeKind::Hard,
            value(&o.lifetime_hard_secs),
            value(&o.lifetime_hard_bytes),
        ),
        (
            LifetimeKind::Soft,
            value(&o.lifetime_soft_secs),
            value(&o.lifetime_soft_bytes),
        ),
    ] {
        if secs != 0 || bytes != 0 {
            out.push(Extension::Lifetime(
                kind,
                Lifetime {
                    allocations: 0,
                    bytes,
                    addtime: secs,
                    usetime: 0,
                },
            ));
        }
    }
    let paired = crate::profile::of(cx.dialect)
        .lifetimes_in_pairs
        .filter(|_| checked_in_pairs);
    if let (Some(why), 1, false) = (paired, out.len(), bytes_refused) {
        let given = [
            &o.lifetime_hard_secs,
            &o.lifetime_hard_bytes,
            &o.lifetime_soft_secs,
            &o.lifetime_soft_bytes,
        ];
        if let Some(option) = given.into_iter().flatten().find(|v| v.value != 0) {
            errors.push(option.span, why);
        }
    }
    out
}

fn check_sa_families(s: &SaStatement, errors: &mut Errors) {
    check_families(
        s.flags,
        (s.src.value.addr, s.src.span),
        (s.dst.value.addr, s.dst.span),
        errors,
    );
}

/// `add` and `update`, and `getspi`'s message.
pub(super) fn add(cx: Cx, s: &SaStatement, msg_type: u8) -> Result<Message, Vec<Diagnostic>> {
    let mut errors = Errors::default();
    check_sa_families(s, &mut errors);
    let satype = errors.check(cx.satype(s.protocol.value, s.protocol.span));
    let algs = &s.algorithms;
    let mut encrypt_id = 0;
    let mut auth_id = 0;
    let mut flags = sa_flags(cx, s, &mut errors);
    // The encryption key, then the authentication key.
    let mut keys: [Option<Extension>; 2] = [None, None];
    if let Some((alg, key)) = &algs.encrypt {
        let name = algorithms::encrypt_name(alg.value);
        let support = algorithms::encrypt(alg.value, cx.dialect);
        let choice = Choice {
            name,
            kind: "encryption",
            support,
            span: alg.span,
            key: key.as_ref(),
            key_kind: KeyKind::Encrypt,
        };
        if let Some((support, ext)) = algorithm(cx, &mut errors, choice) {
            encrypt_id = support.id;
            flags |= support.flags;
            keys[0] = ext;
        }
        if matches!(
            alg.value,
            EncryptAlgorithm::AesGcm16
                | EncryptAlgorithm::AesGmac
                | EncryptAlgorithm::Chacha20Poly1305
        ) {
            if let Some((auth, _)) = &algs.auth {
                errors.push(
                    auth.span,
                    format!("{name} authenticates by itself: give no -A"),
                );
            }
        }
        let old = matches!(s.protocol.value, SaProtocol::EspOld | SaProtocol::AhOld);
        match alg.value {
            EncryptAlgorithm::DesDeriv if old => errors.push(
                alg.span,
                "des-deriv needs new-style esp, not esp-old (algorithm mismatched)",
            ),
            EncryptAlgorithm::Des32Iv if !old => {
                errors.push(alg.span, "des-32iv needs esp-old (algorithm mismatched)")
            }
            _ => {}
        }
    }
    if let Some((alg, key)) = &algs.auth {
        let name = algorithms::auth_name(alg.value);
        let support = algorithms::auth(alg.value, cx.dialect);
        let choice = Choice {
            name,
            kind: "authentication",
            support,
            span: alg.span,
            key: key.as_ref(),
            key_kind: KeyKind::Auth,
        };
        if let Some((support, ext)) = algorithm(cx, &mut errors, choice) {
            auth_id = support.id;
            keys[1] = ext;
        }
    }
    if let Some(alg) = &algs.compress {
        match algorithms::compress(alg.value, cx.dialect) {
            Some(Support {
                key: KeyRule::Refused(why),
                ..
            }) => errors.push(alg.span, why),
            Some(support) => encrypt_id = support.id,
            None => errors.push(
                alg.span,
                format!(
                    "compression algorithm {} is not supported on {}",
                    algorithms::compress_name(alg.value),
                    cx.dialect
                ),
            ),
        }
    }
    let (sa, sa2, replay_ext) = sa_and_sa2(cx, s, &mut errors, auth_id, encrypt_id, flags);
    // The kernel reads the SPI and the lifetimes of an ADD or UPDATE, not of a GETSPI.
    let maturing = msg_type != SADB_GETSPI;
    let lifetime_exts = lifetimes(cx, s, &mut errors, maturing);
    if let (Some(why), Some(satype)) =
        (crate::profile::of(cx.dialect).refuses_reserved_spis, satype)
    {
        if maturing && matches!(satype, SADB_SATYPE_ESP | SADB_SATYPE_AH) && s.spi.value <= 255 {
            errors.push(s.spi.span, why);
        }
    }
    let o = &s.options;
    let ctx = security_context(cx, &o.ctx, &mut errors);
    if let Some(h) = &o.hwif {
        // FreeBSD's setkey accepts -hwif on add but never sends it; neither do we.
        if errors
            .check(cx.require(&[Dialect::FreeBsd], "-hwif", h.span))
            .is_some()
        {
            cx.later_release_option("-hwif", h.span);
        }
    }
    let natt = natt_extensions(cx, s, &mut errors);

    let src = host_sockaddr(cx, &s.src.value, s.src.span, &mut errors);
    let dst = host_sockaddr(cx, &s.dst.value, s.dst.span, &mut errors);
    let plen = full_prefix(s.src.value.addr);
    errors.done()?;
    let mut m = cx.message(msg_type, satype.unwrap_or(0));
    let e = &mut m.extensions;
    let [encrypt_key, auth_key] = keys;
    e.extend(encrypt_key);
    e.extend(auth_key);
    e.extend(lifetime_exts);
    e.extend(ctx);
    if msg_type == SADB_GETSPI && s.spi.value != 0 {
        e.push(Extension::SpiRange(SpiRange {
            min: s.spi.value,
            max: s.spi.value,
            reserved: 0,
        }));
    }
    e.push(Extension::Sa(sa));
    e.push(Extension::Sa2(sa2));
    e.extend(replay_ext);
    e.extend(natt.before_addresses);
    e.push(address(AddressKind::Src, src, IPSEC_ULPROTO_ANY, plen));
    e.push(address(AddressKind::Dst, dst, IPSEC_ULPROTO_ANY, plen));
    e.extend(natt.after_addresses);
    Ok(m)
}

#[derive(Default)]
struct NatT {
    before_addresses: Vec<Extension>,
    after_addresses: Vec<Extension>,
}

fn nat_type() -> Extension {
    Extension::NatTType {
        nat_type: UDP_ENCAP_ESPINUDP,
        reserved: [0; 3],
    }
}

/// NAT-T: FreeBSD's `-natt oai [sport] oar [dport]`, or ipsec-tools' `esp-udp [oa]`.
fn natt_extensions(cx: Cx, s: &SaStatement, errors: &mut Errors) -> NatT {
    let mut out = NatT::default();
    let o = &s.options;
    if let Some(mtu) = &o.natt_mtu {
        if errors
            .check(cx.require(&[Dialect::FreeBsd], "-natt_mtu", mtu.span))
            .is_some()
        {
            cx.later_release_option("-natt_mtu", mtu.span);
        }
        if o.natt.is_none() {
            errors.push(mtu.span, "-natt_mtu needs -natt");
        }
    }
    if let Some(n) = &o.natt {
        if errors
            .check(cx.require(&[Dialect::FreeBsd], "-natt", n.span))
            .is_none()
        {
            return out;
        }
        cx.later_release_option("-natt", n.span);
        let (Some(sport), Some(dport)) = (n.value.sport, n.value.dport) else {
            errors.push(n.span, "-natt needs a [port] after each address on freebsd");
            return out;
        };
        let oa = |kind, addr| address(kind, sockaddr(addr, 0), 0, full_prefix(addr));
        out.before_addresses = vec![
            nat_type(),
            oa(AddressKind::NatTOai, n.value.oai),
            Extension::NatTPort(NatTPortKind::Src, sport),
            oa(AddressKind::NatTOar, n.value.oar),
            Extension::NatTPort(NatTPortKind::Dst, dport),
        ];
        if let Some(mtu) = &o.natt_mtu {
            out.before_addresses.push(Extension::NatTFrag {
                fraglen: mtu.value,
                reserved: 0,
            });
        }
    }
    if s.protocol.value == SaProtocol::EspUdp {
        out.before_addresses.push(nat_type());
        if let Some(oa) = &s.esp_udp_oa {
            out.before_addresses.push(address(
                AddressKind::NatTOai,
                sockaddr(oa.value, 0),
                IPSEC_ULPROTO_ANY,
                full_prefix(oa.value),
            ));
        }
        let port = |p: Option<u16>| p.filter(|p| *p != 0).unwrap_or(NATT_DEFAULT_PORT);
        out.after_addresses = vec![
            Extension::NatTPort(NatTPortKind::Src, port(s.src.value.port)),
            Extension::NatTPort(NatTPortKind::Dst, port(s.dst.value.port)),
        ];
    } else if let Some(p) = s.src.value.port.or(s.dst.value.port) {
        let span = if s.src.value.port.is_some() {
            s.src.span
        } else {
            s.dst.span
        };
        if cx.dialect == Dialect::FreeBsd {
            errors.push(
                span,
                format!("an SA address takes no [port] on freebsd (got [{p}])"),
            );
        }
    }
    out
}

/// `get` and `delete`: SA, SA2 (and FreeBSD's big replay), SRC, DST.
pub(super) fn get_or_delete(
    cx: Cx,
    s: &SaStatement,
    msg_type: u8,
) -> Result<Message, Vec<Diagnostic>> {
    let mut errors = Errors::default();
    check_sa_families(s, &mut errors);
    let satype = errors.check(cx.satype(s.protocol.value, s.protocol.span));
    let flags = sa_flags(cx, s, &mut errors);
    let (sa, sa2, replay_ext) = sa_and_sa2(cx, s, &mut errors, 0, 0, flags);
    let plen = full_prefix(s.src.value.addr);
    let src = host_sockaddr(cx, &s.src.value, s.src.span, &mut errors);
    let dst = host_sockaddr(cx, &s.dst.value, s.dst.span, &mut errors);
    errors.done()?;
    let mut m = cx.message(msg_type, satype.unwrap_or(0));
    m.extensions.push(Extension::Sa(sa));
    m.extensions.push(Extension::Sa2(sa2));
    m.extensions.extend(replay_ext);
    m.extensions
        .push(address(AddressKind::Src, src, IPSEC_ULPROTO_ANY, plen));
    m.extensions
        .push(address(AddressKind::Dst, dst, IPSEC_ULPROTO_ANY, plen));
    Ok(m)
}

/// `getspi` (NetBSD): built by `add`'s builder, as NetBSD's setkey builds it, without keys:
/// lifetimes, the SPI range (min = max = the SPI, when one is given), SA, SA2, NAT-T type
/// and ports for esp-udp, SRC, DST. The kernel answers with a LARVAL SA.
pub(super) fn getspi(cx: Cx, s: &SaStatement, span: Span) -> Result<Message, Vec<Diagnostic>> {
    cx.require(IPSEC_TOOLS, "getspi", span)
        .map_err(|e| vec![e])?;
    add(cx, s, SADB_GETSPI)
}

/// `deleteall`: BSD kernels delete every SA between two hosts for a DELETE without SA;
/// Linux needs a dump and one DELETE per SA.
pub(super) fn delete_all(cx: Cx, d: &DeleteAll) -> Result<Operation, Vec<Diagnostic>> {
    let mut errors = Errors::default();
    check_families(
        d.flags,
        (d.src.value.addr, d.src.span),
        (d.dst.value.addr, d.dst.span),
        &mut errors,
    );
    let satype = errors.check(cx.satype(d.protocol.value, d.protocol.span));
    let src = host_sockaddr(cx, &d.src.value, d.src.span, &mut errors);
    let dst = host_sockaddr(cx, &d.dst.value, d.dst.span, &mut errors);
    let satype = errors.finish(|| satype.unwrap_or(0))?;
    let plen = full_prefix(d.src.value.addr);
    if BSD.contains(&cx.dialect) {
        let mut m = cx.message(SADB_DELETE, satype);
        m.extensions
            .push(address(AddressKind::Src, src, IPSEC_ULPROTO_ANY, plen));
        m.extensions
            .push(address(AddressKind::Dst, dst, IPSEC_ULPROTO_ANY, plen));
        Ok(Operation::Send(m))
    } else {
        Ok(Operation::DeleteAllByDump {
            dump: cx.message(SADB_DUMP, satype),
            satype,
            src,
            dst,
        })
    }
}
