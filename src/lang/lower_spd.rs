//! Lowering of SPD statements: spdadd/spdupdate/spddelete selectors, upper-layer spec, tagged.

use super::tree::Node;

use super::ast::*;
use super::diag::Diagnostic;
use super::lower::{self, Cx};
use super::lower_policy;
use super::parser::Rule;
use super::protocols;
use super::values::{self, Lowered};

#[inline]
pub(crate) fn spd_statement(
    cx: Cx,
    pair: Node<'_>,
    span: Span,
    statements: &mut Vec<Statement>,
) -> Lowered<()> {
    let at = cx.span(&pair);
    let mut inner = pair.into_inner();
    let command = cx.next(&mut inner, at)?;
    let flags = lower::address_flags(&mut inner);
    let src = selector(cx, cx.next(&mut inner, at)?, flags)?;
    let dst = selector(cx, cx.next(&mut inner, at)?, flags)?;
    values::check_same_family(src.value.addr, dst.value.addr, dst.span)?;
    let upper = upper_spec(cx, cx.next(&mut inner, at)?)?;
    let misc = match cx.next_if(&mut inner, Rule::upper_misc) {
        Some(m) => Some(upper_misc(cx, m, upper.value)?),
        None => None,
    };
    let ctx = match cx.next_if(&mut inner, Rule::ctx) {
        Some(c) => Some(lower::security_context(cx, c)?),
        None => None,
    };
    let policy_pair = cx.next(&mut inner, at)?;
    // The policy is lowered into the statement once it is pushed.
    let statement = SpdStatement {
        flags,
        src,
        dst,
        upper,
        misc,
        ctx,
        policy: Spanned {
            value: PolicySpec::bare(Direction::Out),
            span: at,
        },
        hwif: None,
    };
    let kind = match command.as_bytes() {
        b"spdadd" => StatementKind::SpdAdd(statement),
        b"spdupdate" => StatementKind::SpdUpdate(statement),
        _ => StatementKind::SpdDelete(statement),
    };
    lower::push_and_fill(statements, Statement { kind, span }, |kind| match kind {
        StatementKind::SpdAdd(statement)
        | StatementKind::SpdUpdate(statement)
        | StatementKind::SpdDelete(statement) => {
            lower_policy::policy_into(cx, policy_pair, &mut statement.policy)?;
            if let Some(h) = inner.next() {
                statement.hwif = Some(lower::hwif(cx, h)?);
            }
            Ok(())
        }
        _ => Err(lower::not_kept(span)),
    })
}

/// `spdadd tagged "name" policy`.
pub(crate) fn tagged(cx: Cx, pair: Node<'_>) -> Lowered<StatementKind> {
    let at = cx.span(&pair);
    let mut inner = pair.into_inner();
    let _spdadd = cx.next(&mut inner, at)?;
    let _tagged = cx.next(&mut inner, at)?;
    let name = cx.next(&mut inner, at)?;
    let tag = Spanned {
        value: values::unquote(name.as_str()).to_string(),
        span: cx.span(&name),
    };
    let policy = lower_policy::policy(cx, cx.next(&mut inner, at)?)?;
    Ok(StatementKind::SpdAddTagged { tag, policy })
}

/// `address[/prefixlen][[port]]`.
fn selector(cx: Cx, pair: Node<'_>, flags: AddressFlags) -> Lowered<Spanned<Selector>> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let addr_pair = cx.next(&mut inner, span)?;
    let addr_span = cx.span(&addr_pair);
    let addresses = values::host_addresses(addr_pair.as_bytes(), addr_span, flags)?;
    let count = addresses.len();
    let (addr, zone) = match addresses.single() {
        Ok(one) => one,
        // setkey's spdadd: "multiple address specified".
        Err(_) if count > 1 => {
            return Err(Diagnostic::new(
                addr_span,
                format!(
                    "'{}' has {count} addresses; a policy takes one (multiple address specified)",
                    addr_pair.as_str(),
                ),
            ))
        }
        Err(_) => return Err(Diagnostic::new(addr_span, "expected an address")),
    };
    let prefixlen = match cx.next_if(&mut inner, Rule::prefix_len) {
        Some(p) => Some(values::prefix_len(p.as_bytes(), cx.span(&p), addr)?),
        None => None,
    };
    let port = match inner.next() {
        Some(p) if p.as_bytes() == b"any" => Some(Port::Any),
        Some(p) => Some(Port::Number(values::port(p.as_bytes(), cx.span(&p))?)),
        None => None,
    };
    Ok(Spanned {
        value: Selector {
            addr,
            prefixlen,
            port,
            zone,
        },
        span,
    })
}

fn upper_spec(cx: Cx, pair: Node<'_>) -> Lowered<Spanned<UpperProtocol>> {
    let span = cx.span(&pair);
    let text = pair.as_str();
    let value = if text == "any" {
        UpperProtocol::Any
    } else if text.bytes().all(|b| b.is_ascii_digit()) {
        UpperProtocol::Number(values::decimal_u8(
            text.as_bytes(),
            span,
            "upper-layer protocol",
        )?)
    } else {
        match protocols::by_name(text) {
            Some(n) => UpperProtocol::Number(n),
            None => {
                return Err(Diagnostic::new(
                    span,
                    format!("unknown upper-layer protocol '{text}'"),
                ))
            }
        }
    };
    Ok(Spanned { value, span })
}

/// ICMP/ICMPv6/MH `type[,code]` or a GRE key (`a.b.c.d` or a 32-bit number).
fn upper_misc(cx: Cx, pair: Node<'_>, upper: UpperProtocol) -> Lowered<Spanned<UpperMisc>> {
    let span = cx.span(&pair);
    let text = pair.as_str();
    let number = match upper {
        UpperProtocol::Number(n) => n,
        UpperProtocol::Any => 255,
    };
    let value = match number {
        protocols::ICMP | protocols::ICMPV6 | protocols::MOBILITY_HEADER => icmp_type(text, span)?,
        protocols::GRE => UpperMisc::GreKey(gre_key(text, span)?),
        _ => {
            return Err(Diagnostic::new(
                span,
                format!(
                    "'{text}' after the upper-layer protocol is only allowed for icmp, icmp6, \
                     ipv6-mh (type[,code]) and gre (key)"
                ),
            ))
        }
    };
    Ok(Spanned { value, span })
}

fn icmp_type(text: &str, span: Span) -> Lowered<UpperMisc> {
    let (type_text, code_text) = match text.split_once(',') {
        Some((t, c)) => (t, Some(c)),
        None => (text, None),
    };
    let bad = || Diagnostic::new(span, format!("expected TYPE or TYPE,CODE, found '{text}'"));
    if type_text.is_empty() || type_text.contains('.') {
        return Err(bad());
    }
    let icmp_type = values::decimal_u8(type_text.as_bytes(), span, "ICMP type")?;
    let code = match code_text {
        Some(c) if c.is_empty() || c.contains(['.', ',']) => return Err(bad()),
        Some(c) => Some(u16::from(values::decimal_u8(
            c.as_bytes(),
            span,
            "ICMP code",
        )?)),
        None => None,
    };
    Ok(UpperMisc::IcmpType {
        icmp_type: u16::from(icmp_type),
        code,
    })
}

fn gre_key(text: &str, span: Span) -> Lowered<u32> {
    if text.contains(',') {
        return Err(Diagnostic::new(
            span,
            format!("a GRE key is a.b.c.d or a 32-bit number, found '{text}'"),
        ));
    }
    if text.contains('.') {
        return text
            .parse::<std::net::Ipv4Addr>()
            .map(u32::from)
            .map_err(|_| {
                Diagnostic::new(
                    span,
                    format!("a GRE key is a.b.c.d or a 32-bit number, found '{text}'"),
                )
            });
    }
    values::decimal_u32(text.as_bytes(), span, "GRE key")
}
