//! Lowering of SAD statements: add/update/get/delete/getspi, deleteall, flush, dump.

use super::tree::Node;

use super::algorithms;
use super::ast::*;
use super::diag::Diagnostic;
use super::keys;
use super::lower::{self, Cx, Inner};
use super::parser::Rule;
use super::sa_checks;
use super::values::{self, Lowered, OneOrMore};

#[inline]
pub(crate) fn sa_statement(
    cx: Cx,
    pair: Node<'_>,
    span: Span,
    statements: &mut Vec<Statement>,
) -> Lowered<()> {
    let at = cx.span(&pair);
    let mut inner = pair.into_inner();
    let command = cx.next(&mut inner, at)?;
    let command_text = command.as_str();
    let flags = lower::address_flags(&mut inner);
    let single = (!matches!(command_text, "add" | "update" | "get")).then_some(command_text);
    let (src, dst, other_pairs) = host_pairs(cx, &mut inner, flags, at, single)?;
    let protocol = given_protocol(cx, &mut inner, dst.span);
    let esp_udp_oa = match cx.next_if(&mut inner, Rule::nat_oa) {
        Some(oa) => {
            let span = cx.span(&oa);
            let addr = values::address(oa.as_str(), span)?;
            Some(Spanned { value: addr, span })
        }
        None => None,
    };
    let spi_pair = cx.next(&mut inner, at)?;
    let spi_span = cx.span(&spi_pair);
    let spi = Spanned {
        value: values::spi(spi_pair.as_bytes(), spi_span)?,
        span: spi_span,
    };
    // The options and algorithms are lowered into the statement once it is pushed.
    let statement = SaStatement {
        flags,
        src,
        dst,
        protocol,
        esp_udp_oa,
        spi,
        options: SaOptions::default(),
        algorithms: Algorithms::default(),
        other_pairs,
    };
    let kind = match command_text {
        "add" => StatementKind::Add(statement),
        "update" => StatementKind::Update(statement),
        "get" => StatementKind::Get(statement),
        "getspi" => StatementKind::GetSpi(statement),
        _ => StatementKind::Delete(statement),
    };
    lower::push_and_fill(statements, Statement { kind, span }, |kind| match kind {
        StatementKind::Add(statement)
        | StatementKind::Update(statement)
        | StatementKind::Get(statement)
        | StatementKind::GetSpi(statement)
        | StatementKind::Delete(statement) => {
            options_and_algorithms(cx, inner, command_text, statement)
        }
        _ => Err(lower::not_kept(span)),
    })
}

/// The options and algorithms after the SPI, into `statement`, and the checks of the whole.
#[inline]
fn options_and_algorithms(
    cx: Cx,
    mut inner: Inner<'_>,
    command_text: &str,
    statement: &mut SaStatement,
) -> Lowered<()> {
    while let Some(option) = inner.next_if(|p| is_sa_option(p.as_rule())) {
        sa_option(cx, option, &mut statement.options)?;
    }
    let mut first_algorithm = None;
    for alg in inner {
        first_algorithm.get_or_insert(cx.span(&alg));
        algorithm(cx, alg, &mut statement.algorithms)?;
    }
    match first_algorithm {
        Some(span) if !matches!(command_text, "add" | "update") => {
            return Err(Diagnostic::new(
                span,
                format!("{command_text} takes no algorithms (-E, -A, -C, -R)"),
            ));
        }
        _ => {}
    }
    sa_checks::check(statement, command_text)
}

pub(crate) fn delete_all(cx: Cx, pair: Node<'_>) -> Lowered<DeleteAll> {
    let at = cx.span(&pair);
    let mut inner = pair.into_inner();
    let _command = cx.next(&mut inner, at)?;
    let flags = lower::address_flags(&mut inner);
    let (src, dst, other_pairs) = host_pairs(cx, &mut inner, flags, at, None)?;
    let protocol = given_protocol(cx, &mut inner, dst.span);
    Ok(DeleteAll {
        flags,
        src,
        dst,
        protocol,
        other_pairs,
    })
}

/// `flush [proto]` / `dump [proto]`.
pub(crate) fn optional_protocol(cx: Cx, pair: Node<'_>) -> Option<Spanned<SaProtocol>> {
    pair.into_inner().nth(1).map(|p| protocol(cx, p))
}

/// The protocol after the addresses, or `Unspec` (spanned just after `after`) when left out.
fn given_protocol(cx: Cx, inner: &mut Inner<'_>, after: Span) -> Spanned<SaProtocol> {
    match inner.next_if(|p| matches!(p.as_rule(), Rule::sa_protocol | Rule::esp_udp)) {
        Some(p) => protocol(cx, p),
        None => Spanned {
            value: SaProtocol::Unspec,
            span: Span {
                start: after.end,
                end: after.end,
            },
        },
    }
}

fn protocol(cx: Cx, pair: Node<'_>) -> Spanned<SaProtocol> {
    let value = match pair.as_bytes() {
        b"esp" => SaProtocol::Esp,
        b"esp-old" => SaProtocol::EspOld,
        b"ah" => SaProtocol::Ah,
        b"ah-old" => SaProtocol::AhOld,
        b"ipcomp" => SaProtocol::IpComp,
        b"tcp" => SaProtocol::Tcp,
        _ => SaProtocol::EspUdp,
    };
    Spanned {
        value,
        span: cx.span(&pair),
    }
}

/// Every pair of a source and a destination address of one family, in the order setkey's
/// setkeymsg_add loops over them (a host name may have several addresses).
type HostPair = (Spanned<Host>, Spanned<Host>);

/// The first pair of the source and destination hosts, and the others (sent as a message
/// each); one pair only where `single` names the command that takes one (setkey: "multiple
/// address specified").
fn host_pairs(
    cx: Cx,
    inner: &mut Inner<'_>,
    flags: AddressFlags,
    at: Span,
    single: Option<&str>,
) -> Lowered<(Spanned<Host>, Spanned<Host>, Vec<HostPair>)> {
    let srcs = host(cx, cx.next(inner, at)?, flags)?;
    let dsts = host(cx, cx.next(inner, at)?, flags)?;
    let (srcs, dsts) = match (srcs.single(), dsts.single()) {
        (Ok(src), Ok(dst)) => {
            values::check_same_family(src.value.addr, dst.value.addr, dst.span)?;
            return Ok((src, dst, Vec::new()));
        }
        (srcs, dsts) => (all(srcs), all(dsts)),
    };
    let mut pairs = srcs
        .iter()
        .flat_map(|s| dsts.iter().map(move |d| (s.clone(), d.clone())))
        .filter(|(s, d)| s.value.addr.is_ipv4() == d.value.addr.is_ipv4());
    let Some((src, dst)) = pairs.next() else {
        return Err(Diagnostic::new(
            dsts.first().map_or(at, |d| d.span),
            "no address of the source and of the destination is of one family",
        ));
    };
    let others: Vec<HostPair> = pairs.collect();
    if let (Some(command), Some(_)) = (single, others.first()) {
        return Err(Diagnostic::new(
            Span {
                start: src.span.start,
                end: dst.span.end,
            },
            format!("{command} takes one address each, and a name here has several (multiple address specified)"),
        ));
    }
    Ok((src, dst, others))
}

/// The hosts of `OneOrMore::single`, one or not, as a vector.
fn all<T>(hosts: Result<T, Vec<T>>) -> Vec<T> {
    match hosts {
        Ok(one) => vec![one],
        Err(all) => all,
    }
}

/// `addr`, `addr[port]` or `addr[any]` (port 0, as no port).
fn host(cx: Cx, pair: Node<'_>, flags: AddressFlags) -> Lowered<OneOrMore<Spanned<Host>>> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let addr_pair = inner
        .next()
        .ok_or_else(|| Diagnostic::new(span, "expected an address"))?;
    let addr_span = cx.span(&addr_pair);
    let addresses = values::host_addresses(addr_pair.as_bytes(), addr_span, flags)?;
    let port = match inner.next() {
        Some(p) if p.as_rule() == Rule::port_any => None,
        Some(p) => Some(values::port(p.as_bytes(), cx.span(&p))?),
        None => None,
    };
    Ok(addresses.map(|(addr, zone)| Spanned {
        value: Host { addr, port, zone },
        span,
    }))
}

/// The rules of `sa_option`, which leaves no node of its own.
fn is_sa_option(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::opt_mode
            | Rule::opt_number
            | Rule::opt_flag
            | Rule::ctx
            | Rule::opt_natt
            | Rule::opt_esn
            | Rule::opt_hwif
    )
}

fn sa_option(cx: Cx, option: Node<'_>, options: &mut SaOptions) -> Lowered<()> {
    let span = cx.span(&option);
    match option.as_rule() {
        Rule::opt_esn => options.esn = Some(span),
        Rule::ctx => options.ctx = Some(lower::security_context(cx, option)?),
        Rule::opt_hwif => options.hwif = Some(lower::hwif(cx, option)?),
        Rule::opt_natt => options.natt = Some(natt(cx, option)?),
        Rule::opt_mode => {
            let (mode, _) = cx.value(option)?;
            let value = match mode.as_bytes() {
                b"transport" => Mode::Transport,
                b"tunnel" => Mode::Tunnel,
                _ => Mode::Any,
            };
            options.mode = Some(Spanned { value, span });
        }
        Rule::opt_flag => {
            let (flag, _) = cx.value(option)?;
            let pad = match flag.as_bytes() {
                b"zero-pad" => PadOption::ZeroPad,
                b"random-pad" => PadOption::RandomPad,
                b"seq-pad" => PadOption::SeqPad,
                _ => {
                    options.nocyclic_seq = Some(span);
                    return Ok(());
                }
            };
            options.pads.push(Spanned { value: pad, span });
        }
        _ => {
            let mut inner = option.into_inner();
            let (Some(flag), Some(number)) = (inner.next(), inner.next()) else {
                return Err(Diagnostic::new(
                    span,
                    "internal error: option without value",
                ));
            };
            number_option(
                flag.as_bytes(),
                number.as_bytes(),
                cx.span(&number),
                span,
                options,
            )?;
        }
    }
    Ok(())
}

/// `-u`, `-r`, `-lh`, `-ls`, `-bh`, `-bs`, `-natt_mtu` with their decimal value.
fn number_option(
    flag: &[u8],
    text: &[u8],
    number_span: Span,
    span: Span,
    options: &mut SaOptions,
) -> Lowered<()> {
    match flag {
        b"-u" => {
            let value = values::decimal_u32(text, number_span, "reqid")?;
            options.reqid = Some(Spanned { value, span });
        }
        b"-r" => {
            let value = values::decimal_u32(text, number_span, "replay window size")?;
            options.replay = Some(Spanned { value, span });
        }
        b"-natt_mtu" => {
            let value = values::decimal_u16(text, number_span, "NAT-T fragment size")?;
            options.natt_mtu = Some(Spanned { value, span });
        }
        _ => {
            let (slot, what) = match flag {
                b"-lh" => (&mut options.lifetime_hard_secs, "hard lifetime"),
                b"-ls" => (&mut options.lifetime_soft_secs, "soft lifetime"),
                b"-bh" => (&mut options.lifetime_hard_bytes, "hard byte lifetime"),
                _ => (&mut options.lifetime_soft_bytes, "soft byte lifetime"),
            };
            let value = values::decimal_u64(text, number_span, what, u64::MAX, 64)?;
            *slot = Some(Spanned { value, span });
        }
    }
    Ok(())
}

/// `-natt oai [sport] oar [dport]`.
fn natt(cx: Cx, pair: Node<'_>) -> Lowered<Spanned<NatTraversal>> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skipping_one();
    let oai = nat_address(cx, &mut inner, span)?;
    let sport = bracket_port(cx, &mut inner)?;
    let oar = nat_address(cx, &mut inner, span)?;
    let dport = bracket_port(cx, &mut inner)?;
    let value = NatTraversal {
        oai,
        sport,
        oar,
        dport,
    };
    Ok(Spanned { value, span })
}

fn nat_address<'i>(cx: Cx, inner: &mut Inner<'i>, at: Span) -> Lowered<std::net::IpAddr> {
    let pair = inner
        .next()
        .ok_or_else(|| Diagnostic::new(at, "expected an address after -natt"))?;
    values::address(pair.as_str(), cx.span(&pair))
}

fn bracket_port<'i>(cx: Cx, inner: &mut Inner<'i>) -> Lowered<Option<u16>> {
    match inner.next_if(|p| p.as_rule() == Rule::bracket_port) {
        Some(p) => {
            let number = p.into_inner().next();
            match number {
                Some(n) => Ok(Some(values::port(n.as_bytes(), cx.span(&n))?)),
                None => Ok(None),
            }
        }
        None => Ok(None),
    }
}

/// One of the rules of `algorithm`, which leaves no node of its own.
fn algorithm(cx: Cx, alg: Node<'_>, algs: &mut Algorithms) -> Lowered<()> {
    let at = cx.span(&alg);
    let rule = alg.as_rule();
    if rule == Rule::alg_raw_cpi {
        algs.raw_cpi = Some(at);
        return Ok(());
    }
    // The flag (-E, -A or -C: two characters) leaves no node.
    let flag_span = Span {
        start: at.start,
        end: at.start + 2,
    };
    let mut inner = alg.into_inner();
    let name = inner
        .next()
        .ok_or_else(|| Diagnostic::new(at, "internal error: missing algorithm name"))?;
    let name_text = name.as_bytes();
    let name_span = cx.span(&name);
    let key = match inner.next() {
        Some(k) => {
            let span = cx.span(&k);
            Some(Spanned {
                value: keys::key(k.as_bytes(), span)?,
                span,
            })
        }
        None => None,
    };
    let twice = |flag: &str| Diagnostic::new(flag_span, format!("{flag} is given twice"));
    match rule {
        Rule::alg_encrypt => {
            if algs.encrypt.is_some() {
                return Err(twice("-E"));
            }
            let value = algorithms::encrypt(name_text)
                .ok_or_else(|| unknown(name_span, "encryption", name_text))?;
            // Whether `-E null` takes a key depends on the target: the compiler decides.
            if value != EncryptAlgorithm::Null {
                check_key(
                    name_text,
                    name_span,
                    algorithms::encrypt_takes_key(value),
                    &key,
                    "encryption",
                )?;
            }
            algs.encrypt = Some((
                Spanned {
                    value,
                    span: name_span,
                },
                key,
            ));
        }
        Rule::alg_auth => {
            if algs.auth.is_some() {
                return Err(twice("-A"));
            }
            let value = algorithms::auth(name_text)
                .ok_or_else(|| unknown(name_span, "authentication", name_text))?;
            check_key(
                name_text,
                name_span,
                algorithms::auth_takes_key(value),
                &key,
                "authentication",
            )?;
            algs.auth = Some((
                Spanned {
                    value,
                    span: name_span,
                },
                key,
            ));
        }
        _ => {
            if algs.compress.is_some() {
                return Err(twice("-C"));
            }
            let value = algorithms::compress(name_text)
                .ok_or_else(|| unknown(name_span, "compression", name_text))?;
            algs.compress = Some(Spanned {
                value,
                span: name_span,
            });
        }
    }
    Ok(())
}

fn unknown(span: Span, kind: &str, name: &[u8]) -> Diagnostic {
    let name = values::shown(name);
    Diagnostic::new(span, format!("unknown {kind} algorithm '{name}'"))
}

fn check_key(
    name: &[u8],
    name_span: Span,
    takes_key: bool,
    key: &Option<Spanned<KeyBytes>>,
    kind: &str,
) -> Lowered<()> {
    match (takes_key, key) {
        (true, None) => Err(Diagnostic::new(
            name_span,
            format!(
                "{kind} algorithm '{}' needs a key (0x... or \"...\")",
                values::shown(name)
            ),
        )),
        (false, Some(k)) => Err(Diagnostic::new(
            k.span,
            format!("{kind} algorithm '{}' takes no key", values::shown(name)),
        )),
        _ => Ok(()),
    }
}
