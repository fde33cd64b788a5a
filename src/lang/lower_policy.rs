//! Lowering of the policy text after `-P`: direction, priority, action and IPsec requests.

use super::tree::Node;

use super::ast::*;
use super::diag::Diagnostic;
use super::lower::Cx;
use super::parser::Rule;
use super::values::{self, Lowered};

/// `prio N` must fit the kernel's signed 32-bit offset from `def`.
const OFFSET_MIN: i64 = -2_147_483_647;
const OFFSET_MAX: i64 = 2_147_483_648;
/// `base + N` and `base - N` limits (libipsec).
const BASE_PLUS_MAX: i64 = 0x4000_0000;
const BASE_MINUS_MAX: i64 = 0x3fff_ffff;

pub(crate) fn policy(cx: Cx, pair: Node<'_>) -> Lowered<Spanned<PolicySpec>> {
    let mut policy = Spanned {
        value: PolicySpec::bare(Direction::Out),
        span: cx.span(&pair),
    };
    policy_into(cx, pair, &mut policy)?;
    Ok(policy)
}

/// As `policy`, into `policy` (a bare one): where a statement already holds it.
pub(crate) fn policy_into(cx: Cx, pair: Node<'_>, policy: &mut Spanned<PolicySpec>) -> Lowered<()> {
    policy.span = cx.span(&pair);
    let spec = &mut policy.value;
    // The -P flag leaves no node.
    let mut inner = pair.into_inner();
    spec.dir = match inner.next().as_ref().map(|p| p.as_bytes()) {
        Some(b"in") => Direction::In,
        Some(b"out") => Direction::Out,
        _ => Direction::Fwd,
    };
    spec.priority = match inner.next_if(|p| p.as_rule() == Rule::priority) {
        Some(p) => Some(priority(cx, p)?),
        None => None,
    };
    spec.action = inner.next().map(|p| match p.as_bytes() {
        b"discard" => PolicyAction::Discard,
        b"none" => PolicyAction::None,
        b"ipsec" => PolicyAction::Ipsec,
        b"entrust" => PolicyAction::Entrust,
        _ => PolicyAction::Bypass,
    });
    for r in inner {
        spec.requests.push(request(cx, r, spec.dir)?);
    }
    Ok(())
}

fn priority(cx: Cx, pair: Node<'_>) -> Lowered<Spanned<Priority>> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1);
    let Some(first) = inner.next() else {
        return Err(Diagnostic::new(span, "expected a priority after prio"));
    };
    let first_span = cx.span(&first);
    let value = if first.as_rule() == Rule::prio_offset {
        let n = signed(first.as_str(), first_span)?;
        if !(OFFSET_MIN..=OFFSET_MAX).contains(&n) {
            return Err(Diagnostic::new(
                first_span,
                format!("priority offset {n} is not in [{OFFSET_MIN}, {OFFSET_MAX}]"),
            ));
        }
        Priority::Offset(n)
    } else {
        let base = match first.as_str() {
            "low" => PriorityBase::Low,
            "def" => PriorityBase::Def,
            _ => PriorityBase::High,
        };
        let offset = match (inner.next(), inner.next()) {
            (Some(sign), Some(number)) => {
                let number_span = cx.span(&number);
                let n = signed(number.as_str(), number_span)?;
                let (max, signed_n) = if sign.as_str() == "+" {
                    (BASE_PLUS_MAX, n)
                } else {
                    (BASE_MINUS_MAX, -n)
                };
                if n > max {
                    return Err(Diagnostic::new(
                        number_span,
                        format!(
                            "priority offset {n} is too large after '{}' (at most {max})",
                            sign.as_str()
                        ),
                    ));
                }
                signed_n
            }
            _ => 0,
        };
        Priority::Base(base, offset)
    };
    Ok(Spanned { value, span })
}

fn signed(text: &str, span: Span) -> Lowered<i64> {
    text.parse::<i64>()
        .map_err(|_| Diagnostic::new(span, format!("priority {text} is out of range")))
}

/// `proto/mode[/[src-dst][/[level]]]`.
fn request(cx: Cx, pair: Node<'_>, dir: Direction) -> Lowered<IpsecRequestSpec> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let proto = match inner.next().as_ref().map(|p| p.as_bytes()) {
        Some(b"esp") => IpsecProtocol::Esp,
        Some(b"ah") => IpsecProtocol::Ah,
        Some(b"ipcomp") => IpsecProtocol::IpComp,
        _ => IpsecProtocol::Tcp,
    };
    let mode_pair = inner
        .next()
        .ok_or_else(|| Diagnostic::new(span, "expected an IPsec mode"))?;
    let mode = match mode_pair.as_bytes() {
        b"transport" => Mode::Transport,
        b"tunnel" => Mode::Tunnel,
        _ => {
            let other = mode_pair.as_str();
            return Err(Diagnostic::new(
                cx.span(&mode_pair),
                format!(
                "invalid IPsec mode '{other}' in a policy request; expected transport or tunnel"
            ),
            ));
        }
    };
    let endpoints = match inner.next_if(|p| p.as_rule() == Rule::req_endpoints) {
        Some(e) if me_any(&e).is_some() => {
            check_me_any(cx, &e, dir, mode)?;
            None
        }
        Some(e) => Some(endpoints(cx, e)?),
        None => None,
    };
    if mode == Mode::Tunnel && endpoints.is_none() {
        return Err(Diagnostic::new(
            span,
            "tunnel mode needs endpoints: PROTOCOL/tunnel/SRC-DST[/LEVEL]",
        ));
    }
    let level = match inner.next() {
        Some(l) => level(cx, l)?,
        None => Level::Default,
    };
    Ok(IpsecRequestSpec {
        proto,
        mode,
        endpoints,
        level,
        span,
    })
}

/// `me-any` (outbound) or `any-me` (inbound): the direction it is valid for.
fn me_any(pair: &Node<'_>) -> Option<Direction> {
    let mut hosts = (*pair)
        .into_inner()
        .filter(|p| p.as_rule() == Rule::req_host);
    match (hosts.next()?.as_str(), hosts.next()?.as_str()) {
        ("me", "any") => Some(Direction::Out),
        ("any", "me") => Some(Direction::In),
        _ => None,
    }
}

/// libipsec's policy_parse.y takes `me-any` only in an outbound and `any-me` only in an
/// inbound policy, and sends no addresses for them, so that its rule_check refuses them in
/// tunnel mode (EIPSEC_INVAL_ADDRESS); in transport mode they change nothing.
fn check_me_any(cx: Cx, pair: &Node<'_>, dir: Direction, mode: Mode) -> Lowered<()> {
    let span = cx.span(pair);
    let text = pair.as_str();
    if me_any(pair) != Some(dir) {
        let wanted = if text == "me-any" { "out" } else { "in" };
        return Err(Diagnostic::new(
            span,
            format!("{text} is only for -P {wanted} policies (Invalid direction)"),
        ));
    }
    if mode == Mode::Tunnel {
        return Err(Diagnostic::new(
            span,
            format!("{text} gives tunnel mode no addresses (Invalid address specification)"),
        ));
    }
    Ok(())
}

fn endpoints(cx: Cx, pair: Node<'_>) -> Lowered<RequestEndpoints> {
    let span = cx.span(&pair);
    let mut hosts = pair.into_inner().filter(|p| p.as_rule() == Rule::req_host);
    let (Some(src), Some(dst)) = (hosts.next(), hosts.next()) else {
        return Err(Diagnostic::new(span, "expected SRC-DST tunnel endpoints"));
    };
    let (src, _) = endpoint(cx, src)?;
    let (dst, dst_span) = endpoint(cx, dst)?;
    values::check_same_family(src.addr, dst.addr, dst_span)?;
    Ok(RequestEndpoints { src, dst })
}

fn endpoint(cx: Cx, pair: Node<'_>) -> Lowered<(Host, Span)> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let Some(addr_pair) = inner.next() else {
        return Err(Diagnostic::new(span, "expected an address"));
    };
    let (addr, zone) = values::zoned_address(addr_pair.as_str(), cx.span(&addr_pair))?;
    let port = match inner.next() {
        Some(p) => Some(values::port(p.as_bytes(), cx.span(&p))?),
        None => None,
    };
    Ok((Host { addr, port, zone }, span))
}

/// `default|use|require|unique[:N]`; a `:N` makes the level unique with reqid N.
fn level(cx: Cx, pair: Node<'_>) -> Lowered<Level> {
    let mut inner = pair.into_inner();
    let keyword = inner.next().map_or(&b"default"[..], |p| p.as_bytes());
    if let Some(reqid) = inner.next() {
        let n = values::decimal_u32(reqid.as_bytes(), cx.span(&reqid), "reqid")?;
        return Ok(Level::Unique(Some(n)));
    }
    Ok(match keyword {
        b"use" => Level::Use,
        b"require" => Level::Require,
        b"unique" => Level::Unique(None),
        _ => Level::Default,
    })
}
