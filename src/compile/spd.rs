//! SPD statements: spdadd, spdupdate, spddelete, `spdadd tagged`, and the policy extension.

use super::{
    address, check_families, full_prefix, host_sockaddr, security_context, zoned_sockaddr,
    CompileOptions, Cx, Errors, Operation,
};
use crate::lang::{
    Diagnostic, Direction, IpsecProtocol, Level, Mode, PolicyAction, PolicySpec, Port, Priority,
    PriorityBase, Selector, Span, Spanned, SpdStatement, UpperMisc, UpperProtocol,
};
use crate::pfkey::consts::*;
use crate::pfkey::{AddressKind, Dialect, Extension, IfHwOffload, IpsecRequest, Policy};
use crate::profile::{self, Feature, FwdPolicy};

const IPPROTO_GRE: u8 = 47;
const IPPROTO_MH: u8 = 135;

const PRIORITY_HIGH: i64 = 0x4000_0000;
const PRIORITY_DEF: i64 = 0x8000_0000;
const PRIORITY_LOW: i64 = 0xC000_0000;

/// spdadd, spdupdate, spddelete (and the fwd copy of inbound policies on Linux).
pub(super) fn spd(
    cx: Cx,
    opts: &CompileOptions,
    s: &SpdStatement,
    msg_type: u8,
    span: Span,
    ops: &mut Vec<Operation>,
) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Errors::default();
    if msg_type == SADB_X_SPDUPDATE {
        errors.check(cx.require(&[Dialect::NetBsd, Dialect::Linux], "spdupdate", span));
    }
    check_families(
        s.flags,
        (s.src.value.addr, s.src.span),
        (s.dst.value.addr, s.dst.span),
        &mut errors,
    );
    let upper = match s.upper.value {
        UpperProtocol::Any => IPSEC_ULPROTO_ANY,
        UpperProtocol::Number(n) => n,
    };
    let ports = selector_ports(cx, s, upper, &mut errors);
    let policy = errors.check(policy(cx, &s.policy).map_err(|mut e| e.remove(0)));
    let ctx = security_context(cx, &s.ctx, &mut errors);
    let hwif = s.hwif.as_ref().and_then(|h| {
        errors.check(cx.require(&[Dialect::FreeBsd], "-hwif", h.span))?;
        cx.later_release_option("-hwif", h.span);
        Some(Extension::IfHwOffload(IfHwOffload {
            flags: 0,
            ifname: h.value.clone(),
        }))
    });
    let (sport, dport) = ports.unwrap_or((0, 0));
    let mut selector = |kind, sel: &Spanned<Selector>, port| {
        let plen = sel.value.prefixlen.unwrap_or(full_prefix(sel.value.addr));
        let scope_id = cx.scope_id(&sel.value.zone, sel.span, &mut errors);
        address(
            kind,
            zoned_sockaddr(sel.value.addr, port, scope_id),
            upper,
            plen,
        )
    };
    let src = selector(AddressKind::Src, &s.src, sport);
    let dst = selector(AddressKind::Dst, &s.dst, dport);
    errors.done()?;
    let policy = policy.unwrap_or_default();
    let build = |policy: Policy, src: Extension, dst: Extension| {
        let mut m = cx.message(msg_type, SADB_SATYPE_UNSPEC);
        m.extensions.push(Extension::Policy(policy));
        m.extensions.extend(hwif.clone());
        m.extensions.push(src);
        m.extensions.push(dst);
        m.extensions.extend(ctx.clone());
        Operation::Send(m)
    };
    if cx.dialect == Dialect::Linux && opts.linux_fwd_copy && policy.dir == IPSEC_DIR_INBOUND {
        ops.push(build(policy.clone(), src.clone(), dst.clone()));
        ops.push(build(fwd_copy(policy), src, dst));
    } else {
        ops.push(build(policy, src, dst));
    }
    Ok(())
}

/// ipsec-tools' RFC mode: the same policy for forwarded traffic; a unique first request
/// becomes require, without its reqid.
fn fwd_copy(mut policy: Policy) -> Policy {
    policy.dir = IPSEC_DIR_FWD;
    if let Some(first) = policy.requests.first_mut() {
        if first.level == IPSEC_LEVEL_UNIQUE {
            first.level = IPSEC_LEVEL_REQUIRE;
            first.reqid = 0;
        }
    }
    policy
}

/// The selector ports: from `[port]`, or the ICMP type/code or GRE key after the protocol.
fn selector_ports(cx: Cx, s: &SpdStatement, upper: u8, errors: &mut Errors) -> Option<(u16, u16)> {
    let port = |p: Option<Port>| match p {
        Some(Port::Number(n)) => n,
        Some(Port::Any) | None => IPSEC_PORT_ANY,
    };
    let ports = (port(s.src.value.port), port(s.dst.value.port));
    let Some(misc) = &s.misc else {
        return Some(ports);
    };
    let explicit_ports = s.src.value.port.is_some() || s.dst.value.port.is_some();
    if explicit_ports {
        errors.push(
            misc.span,
            "give either [port] selectors or a type,code, not both",
        );
        return None;
    }
    match misc.value {
        UpperMisc::IcmpType { icmp_type, code } => {
            let allowed: &[u8] = if cx.dialect == Dialect::FreeBsd {
                &[IPPROTO_ICMPV6]
            } else {
                &[IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_MH]
            };
            if !allowed.contains(&upper) {
                let which = if cx.dialect == Dialect::FreeBsd {
                    "icmp6 on freebsd"
                } else {
                    "icmp, icmp6 and mh"
                };
                errors.push(
                    misc.span,
                    format!("type,code is accepted only with {which}"),
                );
                return None;
            }
            Some((icmp_type, code.unwrap_or(0)))
        }
        UpperMisc::GreKey(key) => {
            if upper != IPPROTO_GRE {
                errors.push(misc.span, "a key is accepted only with gre");
                return None;
            }
            errors.check(cx.require(
                &[Dialect::NetBsd, Dialect::Linux],
                "a GRE key selector",
                misc.span,
            ))?;
            Some(((key >> 16) as u16, (key & 0xffff) as u16))
        }
    }
}

/// `spdadd tagged "name" policy;` is refused on every target: none of their PF_KEYs has the
/// tag extension (NetBSD's pfkeyv2.h keeps SADB_X_EXT_TAG under `#if 0`, Linux has none),
/// so ipsec-tools' setkeymsg_spdaddr_tag sends the policy alone, with neither tag nor
/// addresses, and the kernel refuses it (NetBSD harness: "key_spdadd: invalid message is
/// passed"); FreeBSD's parse.y refuses the statement itself.
pub(super) fn tagged(
    cx: Cx,
    _tag: &Spanned<String>,
    _policy_spec: &Spanned<PolicySpec>,
    span: Span,
) -> Result<(), Vec<Diagnostic>> {
    Err(vec![Diagnostic::new(
        span,
        format!(
            "spdadd tagged cannot work on {}: its PF_KEY has no tag extension, so the policy \
             would go out with neither tag nor addresses and the kernel refuses that",
            cx.dialect
        ),
    )])
}

/// The largest reqid the kernels keep from a policy's `unique:N` (IPSEC_MANUAL_REQID_MAX of
/// NetBSD's and FreeBSD's key.c and Linux's af_key.c); above it they choose their own, as the
/// NetBSD kernel harness shows (unique:20000 became unique#16385).
const IPSEC_MANUAL_REQID_MAX: u32 = 0x3fff;

/// The x_policy extension for a `-P` text on this target.
fn policy(cx: Cx, spec: &Spanned<PolicySpec>) -> Result<Policy, Vec<Diagnostic>> {
    let mut errors = Errors::default();
    let p = &spec.value;
    let dir = match p.dir {
        Direction::In => IPSEC_DIR_INBOUND,
        Direction::Out => IPSEC_DIR_OUTBOUND,
        Direction::Fwd => match profile::of(cx.dialect).fwd_policy {
            FwdPolicy::Forward => IPSEC_DIR_FWD,
            FwdPolicy::AsInbound => {
                cx.warn(
                    spec.span,
                    format!(
                        "-P fwd is sent as -P in on {}: its libipsec has no forward policies",
                        cx.dialect
                    ),
                );
                IPSEC_DIR_INBOUND
            }
            FwdPolicy::Refused => {
                errors.check(cx.require(&[Dialect::Linux], "policy direction fwd", spec.span));
                IPSEC_DIR_FWD
            }
        },
    };
    let policy_type = match p.action {
        None | Some(PolicyAction::Discard) => IPSEC_POLICY_DISCARD,
        Some(PolicyAction::None) => IPSEC_POLICY_NONE,
        Some(PolicyAction::Ipsec) => IPSEC_POLICY_IPSEC,
        Some(PolicyAction::Entrust) => IPSEC_POLICY_ENTRUST,
        Some(PolicyAction::Bypass) => IPSEC_POLICY_BYPASS,
    };
    if let (Some(PolicyAction::Entrust | PolicyAction::Bypass), Some(why)) = (
        p.action,
        crate::profile::of(cx.dialect).spd_refuses_bypass_entrust,
    ) {
        errors.push(spec.span, why);
    }
    let priority = match &p.priority {
        None if cx.dialect == Dialect::Linux => PRIORITY_DEFAULT,
        None => 0,
        Some(prio) => {
            let value = errors
                .check(priority_value(prio.value, prio.span))
                .unwrap_or(0);
            // A priority that comes to 0 is what such a libipsec writes anyway.
            if let (Feature::Refused(why), true) =
                (profile::of(cx.dialect).policy_priority, value != 0)
            {
                errors.push(prio.span, why);
            }
            value
        }
    };
    let mut requests = cx.spare.requests(p.requests.len());
    for r in &p.requests {
        let proto = match r.proto {
            IpsecProtocol::Esp => IPPROTO_ESP,
            IpsecProtocol::Ah => IPPROTO_AH,
            IpsecProtocol::IpComp => IPPROTO_IPCOMP,
            IpsecProtocol::Tcp => {
                errors.check(cx.require(&[Dialect::FreeBsd], "the tcp request protocol", r.span));
                IPPROTO_TCP
            }
        };
        let mode = match r.mode {
            Mode::Transport => IPSEC_MODE_TRANSPORT,
            Mode::Tunnel => IPSEC_MODE_TUNNEL,
            Mode::Any => IPSEC_MODE_ANY,
        };
        let (level, reqid) = match r.level {
            Level::Default => (IPSEC_LEVEL_DEFAULT, 0),
            Level::Use => (IPSEC_LEVEL_USE, 0),
            Level::Require => (IPSEC_LEVEL_REQUIRE, 0),
            Level::Unique(id) => (IPSEC_LEVEL_UNIQUE, id.unwrap_or(0)),
        };
        if reqid > IPSEC_MANUAL_REQID_MAX {
            errors.push(
                r.span,
                format!(
                    "unique:{reqid} is above {IPSEC_MANUAL_REQID_MAX} (0x3fff), the largest \
                     reqid a kernel takes from a policy: it would put one of its own instead \
                     (key_msg2sp: range violation), and an SA added with -u {reqid} would \
                     never pair with this policy"
                ),
            );
        }
        if r.mode == Mode::Tunnel && r.endpoints.is_none() {
            errors.push(
                r.span,
                "tunnel mode needs src-dst endpoints (Invalid address specification)",
            );
        }
        let endpoints = r.endpoints.map(|e| {
            let has_ports = e.src.port.is_some() || e.dst.port.is_some();
            if has_ports && !crate::profile::of(cx.dialect).tunnel_endpoint_ports {
                errors.push(
                    r.span,
                    format!("tunnel endpoints take no [port] on {}", cx.dialect),
                );
            }
            (
                host_sockaddr(cx, &e.src, r.span, &mut errors),
                host_sockaddr(cx, &e.dst, r.span, &mut errors),
            )
        });
        requests.push(IpsecRequest {
            proto: u16::from(proto),
            mode,
            level,
            reqid,
            endpoints,
        });
    }
    errors.finish(|| Policy {
        policy_type,
        dir,
        scope: 0,
        id: 0,
        priority,
        requests,
    })
}

/// ipsec-tools' priority arithmetic: offsets count towards `high` when positive.
fn priority_value(prio: Priority, span: Span) -> Result<u32, Diagnostic> {
    let value = match prio {
        Priority::Offset(n) => {
            if !(-2_147_483_647..=2_147_483_648).contains(&n) {
                return Err(Diagnostic::new(
                    span,
                    "Priority offset not in valid range [-2147483647, 2147483648]",
                ));
            }
            PRIORITY_DEF - n
        }
        Priority::Base(base, n) => {
            let base = match base {
                PriorityBase::Low => PRIORITY_LOW,
                PriorityBase::Def => PRIORITY_DEF,
                PriorityBase::High => PRIORITY_HIGH,
            };
            if !(-0x3fff_ffff..=0x4000_0000).contains(&n) {
                return Err(Diagnostic::new(
                    span,
                    "Priority offset from base not in valid range [0, 1073741823] for negative \
                     offsets and [0, 1073741824] for positive offsets",
                ));
            }
            base - n
        }
    };
    u32::try_from(value).map_err(|_| Diagnostic::new(span, "policy priority out of range"))
}
