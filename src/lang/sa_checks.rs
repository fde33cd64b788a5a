//! Target-independent consistency of an SA statement: protocol vs. algorithms and options.

use super::ast::*;
use super::diag::Diagnostic;
use super::values::Lowered;

fn protocol_name(p: SaProtocol) -> &'static str {
    match p {
        SaProtocol::Esp => "esp",
        SaProtocol::EspOld => "esp-old",
        SaProtocol::Ah => "ah",
        SaProtocol::AhOld => "ah-old",
        SaProtocol::IpComp => "ipcomp",
        SaProtocol::Tcp => "tcp",
        SaProtocol::EspUdp => "esp-udp",
        SaProtocol::Unspec => "an SA without a protocol",
    }
}

pub(crate) fn check(sa: &SaStatement, command: &str) -> Lowered<()> {
    let proto = sa.protocol.value;
    let name = protocol_name(proto);
    let old_style = matches!(proto, SaProtocol::EspOld | SaProtocol::AhOld);
    if let (Some(replay), true) = (&sa.options.replay, old_style) {
        return Err(Diagnostic::new(
            replay.span,
            format!("-r (replay window) cannot be used with {name}"),
        ));
    }
    if sa.esp_udp_oa.is_some() && proto != SaProtocol::EspUdp {
        // The grammar only allows it after esp-udp; kept for completeness.
        return Err(Diagnostic::new(
            sa.protocol.span,
            "a NAT-OA address needs esp-udp",
        ));
    }
    if !matches!(command, "add" | "update") {
        return Ok(());
    }
    let algs = &sa.algorithms;
    let encrypt = algs.encrypt.as_ref().map(|(a, _)| a);
    let auth = algs.auth.as_ref().map(|(a, _)| a);
    let not_allowed =
        |span: Span, what: &str| Diagnostic::new(span, format!("{name} does not take {what}"));
    if let Some(raw) = algs.raw_cpi {
        if proto != SaProtocol::IpComp {
            return Err(Diagnostic::new(raw, "-R is only allowed with ipcomp"));
        }
    }
    match proto {
        SaProtocol::Ah | SaProtocol::AhOld | SaProtocol::Tcp => {
            if let Some(e) = encrypt {
                return Err(not_allowed(e.span, "an encryption algorithm (-E)"));
            }
            if let Some(c) = &algs.compress {
                return Err(not_allowed(c.span, "a compression algorithm (-C)"));
            }
            let tcp = proto == SaProtocol::Tcp;
            match auth {
                None if tcp => {
                    return Err(Diagnostic::new(
                        sa.protocol.span,
                        "tcp needs -A tcp-md5 KEY",
                    ))
                }
                None => {
                    return Err(Diagnostic::new(
                        sa.protocol.span,
                        format!("{name} needs an authentication algorithm (-A ALGORITHM KEY)"),
                    ))
                }
                Some(a) if tcp && a.value != AuthAlgorithm::TcpMd5 => {
                    return Err(Diagnostic::new(
                        a.span,
                        "tcp needs -A tcp-md5, not another authentication algorithm",
                    ))
                }
                _ => {}
            }
        }
        SaProtocol::Unspec => {}
        SaProtocol::Esp | SaProtocol::EspOld | SaProtocol::EspUdp => {
            if let Some(c) = &algs.compress {
                return Err(not_allowed(c.span, "a compression algorithm (-C)"));
            }
            match encrypt {
                None => {
                    return Err(Diagnostic::new(
                        sa.protocol.span,
                        format!("{name} needs an encryption algorithm (-E ALGORITHM KEY)"),
                    ))
                }
                Some(e) if e.value == EncryptAlgorithm::DesDeriv && old_style => {
                    return Err(Diagnostic::new(
                        e.span,
                        format!("des-deriv cannot be used with {name}; use esp"),
                    ))
                }
                Some(e) if e.value == EncryptAlgorithm::Des32Iv && !old_style => {
                    return Err(Diagnostic::new(
                        e.span,
                        format!("des-32iv needs esp-old, not {name}"),
                    ))
                }
                _ => {}
            }
        }
        SaProtocol::IpComp => {
            if let Some(e) = encrypt {
                return Err(not_allowed(e.span, "an encryption algorithm (-E)"));
            }
            if let Some(a) = auth {
                return Err(not_allowed(a.span, "an authentication algorithm (-A)"));
            }
            if algs.compress.is_none() {
                return Err(Diagnostic::new(
                    sa.protocol.span,
                    "ipcomp needs a compression algorithm (-C ALGORITHM)",
                ));
            }
        }
    }
    Ok(())
}
