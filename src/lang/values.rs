//! Token values: numbers, addresses, ports and prefixes, parsed from source slices. Numbers
//! are read from a token's bytes (`Node::as_bytes`: no character-boundary checks); the text
//! is shown as it is in errors.

use std::borrow::Cow;
use std::net::IpAddr;

use super::ast::{AddressFlags, InterfaceName, Span, Zone};
use super::diag::Diagnostic;
use super::numeric::HEX_VALUE;
use super::{names, numeric};

pub(crate) type Lowered<T> = Result<T, Diagnostic>;

/// Token bytes as text, for an error message: a token is always whole characters, so this is
/// the token's text.
pub(crate) fn shown(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// A decimal number that must fit in `bits` bits (`what` names it in the error).
#[inline]
pub(crate) fn decimal_u64(
    text: &[u8],
    span: Span,
    what: &str,
    max: u64,
    bits: u32,
) -> Lowered<u64> {
    match decimal(text) {
        Some(v) if v <= max => Ok(v),
        _ => Err(too_wide(text, span, what, bits)),
    }
}

#[cold]
fn too_wide(text: &[u8], span: Span, what: &str, bits: u32) -> Diagnostic {
    let text = shown(text);
    Diagnostic::new(span, format!("{what} {text} does not fit in {bits} bits"))
}

pub(crate) fn decimal_u32(text: &[u8], span: Span, what: &str) -> Lowered<u32> {
    decimal_u64(text, span, what, u32::MAX.into(), 32).map(|v| v as u32)
}

pub(crate) fn decimal_u16(text: &[u8], span: Span, what: &str) -> Lowered<u16> {
    decimal_u64(text, span, what, u16::MAX.into(), 16).map(|v| v as u16)
}

pub(crate) fn decimal_u8(text: &[u8], span: Span, what: &str) -> Lowered<u8> {
    decimal_u64(text, span, what, u8::MAX.into(), 8).map(|v| v as u8)
}

/// An SPI: decimal or `0x` hexadecimal, at most 32 bits.
pub(crate) fn spi(text: &[u8], span: Span) -> Lowered<u32> {
    let parsed = match hex_digits(text) {
        Some(digits) => hexadecimal(digits),
        None => decimal(text),
    };
    let parsed = parsed.and_then(|v| u32::try_from(v).ok());
    parsed.ok_or_else(|| {
        let text = shown(text);
        Diagnostic::new(span, format!("SPI {text} does not fit in 32 bits"))
    })
}

/// The digits of a number as `str::parse` takes them: after one optional `+`, at least one.
fn number_digits(digits: &[u8]) -> Option<&[u8]> {
    let digits = digits.strip_prefix(b"+").unwrap_or(digits);
    (!digits.is_empty()).then_some(digits)
}

/// A decimal number as `text.parse::<u64>()` reads it, without its generality.
fn decimal(text: &[u8]) -> Option<u64> {
    let digits = number_digits(text)?;
    // Nineteen digits are below 10^19, which fits: no step of the sum can overflow.
    let checked = digits.len() > 19;
    let mut value = 0u64;
    for &b in digits {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = if checked {
            value.checked_mul(10)?.checked_add(u64::from(digit))?
        } else {
            value * 10 + u64::from(digit)
        };
    }
    Some(value)
}

/// A hexadecimal number as `u64::from_str_radix(text, 16)` reads it.
fn hexadecimal(text: &[u8]) -> Option<u64> {
    let digits = number_digits(text)?;
    // Sixteen digits fit in 64 bits: no step of the sum can overflow.
    let checked = digits.len() > 16;
    let mut value = 0u64;
    for &b in digits {
        let digit = HEX_VALUE[usize::from(b)];
        if digit > 0x0f {
            return None;
        }
        value = if checked {
            value.checked_mul(16)?.checked_add(u64::from(digit))?
        } else {
            value << 4 | u64::from(digit)
        };
    }
    Some(value)
}

/// The digits after `0x` or `0X`.
pub(super) fn hex_digits(text: &[u8]) -> Option<&[u8]> {
    text.strip_prefix(b"0x")
        .or_else(|| text.strip_prefix(b"0X"))
}

/// A port number in `[...]`.
#[inline]
pub(crate) fn port(text: &[u8], span: Span) -> Lowered<u16> {
    match decimal(text).map(u16::try_from) {
        Some(Ok(v)) => Ok(v),
        _ => service_port(&shown(text), span),
    }
}

/// `port` of a text that is not a number of 16 bits.
#[cold]
#[inline(never)]
fn service_port(text: &str, span: Span) -> Lowered<u16> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Diagnostic::new(
            span,
            format!("port {text} is out of range (0-65535)"),
        ));
    }
    match names::service(text) {
        Some(Some(port)) => Ok(port),
        Some(None) => Err(Diagnostic::new(
            span,
            format!("unknown service '{text}' (getservbyname, udp)"),
        )),
        None => Err(Diagnostic::new(
            span,
            format!("service names are not resolved; give a port number instead of '{text}'"),
        )),
    }
}

/// The zone of a valid scope text.
fn zone(scope: &str) -> Zone {
    match scope.parse::<u32>() {
        Ok(index) => Zone::Index(index),
        Err(_) => InterfaceName::new(scope).map_or(Zone::Index(0), Zone::Interface),
    }
}

/// Whether the text after `%` is a zone: a number that fits sin6_scope_id (32 bits) or an
/// interface name as if_nametoindex(3) could know it (IFNAMSIZ is 16 with the NUL).
fn valid_scope(scope: &str) -> bool {
    if scope.bytes().all(|b| b.is_ascii_digit()) {
        return scope.parse::<u32>().is_ok();
    }
    scope.len() <= 15
        && scope
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A numeric IPv4/IPv6 address; an IPv6 `%scope` suffix is checked and not kept.
pub(crate) fn address(text: &str, span: Span) -> Lowered<IpAddr> {
    zoned_address(text, span).map(|(addr, _)| addr)
}

/// One value, or several (a host name with several addresses): one needs no vector.
#[derive(Debug)]
pub(crate) enum OneOrMore<T> {
    One(T),
    More(Vec<T>),
}

impl<T> OneOrMore<T> {
    pub fn len(&self) -> usize {
        match self {
            OneOrMore::One(_) => 1,
            OneOrMore::More(all) => all.len(),
        }
    }

    /// The value when there is exactly one, else all of them.
    pub fn single(self) -> Result<T, Vec<T>> {
        match self {
            OneOrMore::One(one) => Ok(one),
            OneOrMore::More(mut all) if all.len() == 1 => all.pop().ok_or(all),
            OneOrMore::More(all) => Err(all),
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> OneOrMore<U> {
        match self {
            OneOrMore::One(one) => OneOrMore::One({ f }(one)),
            OneOrMore::More(all) => OneOrMore::More(all.into_iter().map(f).collect()),
        }
    }
}

/// The addresses of a host word: the numeric address itself, or what its name resolves to
/// (of the family `-4`/`-6` ask for; `-n` takes numeric addresses only, as AI_NUMERICHOST).
#[inline]
pub(crate) fn host_addresses(
    text: &[u8],
    span: Span,
    flags: AddressFlags,
) -> Lowered<OneOrMore<(IpAddr, Option<Zone>)>> {
    // The usual host word, a dotted quad, without the layers the other forms go through.
    if let Some(addr) = numeric::dotted_quad(text) {
        let addr = IpAddr::V4(addr);
        check_flags(flags, addr, span)?;
        return Ok(OneOrMore::One((addr, None)));
    }
    other_host_addresses(&shown(text), span, flags)
}

/// `host_addresses` of a word that is not a dotted quad.
fn other_host_addresses(
    text: &str,
    span: Span,
    flags: AddressFlags,
) -> Lowered<OneOrMore<(IpAddr, Option<Zone>)>> {
    let not_numeric = match zoned_address(text, span) {
        Ok((addr, zone)) => {
            check_flags(flags, addr, span)?;
            return Ok(OneOrMore::One((addr, zone)));
        }
        Err(e) => e,
    };
    let resolvable = !text.contains(['%', ':'])
        && !text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !flags.numeric;
    if !resolvable || is_sa_protocol(text) {
        return Err(not_numeric);
    }
    let Some(found) = names::host(text) else {
        return Err(not_numeric);
    };
    let found = found.map_err(|e| Diagnostic::new(span, e))?;
    let wanted: Vec<(IpAddr, Option<Zone>)> = found
        .into_iter()
        .filter(|(a, _)| !(flags.inet4_only && a.is_ipv6() || flags.inet6_only && a.is_ipv4()))
        .map(|(a, scope)| (a, (scope != 0).then_some(Zone::Index(scope))))
        .collect();
    if wanted.is_empty() {
        let family = if flags.inet4_only { "IPv4" } else { "IPv6" };
        return Err(Diagnostic::new(
            span,
            format!("'{text}' has no {family} address"),
        ));
    }
    Ok(OneOrMore::More(wanted))
}

/// An SA protocol keyword, which is never taken for a host name.
fn is_sa_protocol(text: &str) -> bool {
    matches!(
        text,
        "esp" | "esp-old" | "ah" | "ah-old" | "ipcomp" | "tcp" | "esp-udp"
    )
}

/// A numeric IPv4/IPv6 address and the zone of its `%scope` suffix.
pub(crate) fn zoned_address(text: &str, span: Span) -> Lowered<(IpAddr, Option<Zone>)> {
    if let Some(addr) = numeric::dotted_quad(text.as_bytes()) {
        return Ok((IpAddr::V4(addr), None));
    }
    let (addr_text, scope) = match text.bytes().position(|b| b == b'%') {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    if let Some(addr) = numeric::address(addr_text) {
        return match (addr, scope) {
            (IpAddr::V4(_), Some(_)) => Err(Diagnostic::new(
                span,
                format!("a scope (%...) is only allowed on IPv6 addresses: '{text}'"),
            )),
            (_, Some("")) => Err(Diagnostic::new(
                span,
                format!("missing scope after '%' in '{text}'"),
            )),
            (_, Some(scope)) if !valid_scope(scope) => Err(Diagnostic::new(
                span,
                format!(
                    "'{scope}' in '{text}' is not a scope: give a zone number (at most \
                     4294967295) or an interface name (at most 15 letters, digits, '.', '_' or '-')"
                ),
            )),
            (_, Some(scope)) => Ok((addr, Some(zone(scope)))),
            (_, None) => Ok((addr, None)),
        };
    }
    let looks_numeric =
        addr_text.contains(':') || addr_text.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let message = if is_sa_protocol(text) {
        format!("expected an IPv4 or IPv6 address, found the SA protocol '{text}': is an address missing?")
    } else if looks_numeric {
        format!("'{text}' is not a valid IPv4 or IPv6 address")
    } else {
        format!(
            "host names are not resolved; give a numeric IPv4 or IPv6 address instead of '{text}'"
        )
    };
    Err(Diagnostic::new(span, message))
}

/// Checks an address against the `-4`/`-6` switches of its statement.
pub(crate) fn check_flags(flags: AddressFlags, addr: IpAddr, span: Span) -> Lowered<()> {
    match addr {
        IpAddr::V6(_) if flags.inet4_only => Err(Diagnostic::new(
            span,
            "-4 allows only IPv4 addresses, but this address is IPv6",
        )),
        IpAddr::V4(_) if flags.inet6_only => Err(Diagnostic::new(
            span,
            "-6 allows only IPv6 addresses, but this address is IPv4",
        )),
        _ => Ok(()),
    }
}

/// Source and destination of one statement must be of the same family.
pub(crate) fn check_same_family(src: IpAddr, dst: IpAddr, dst_span: Span) -> Lowered<()> {
    if src.is_ipv4() == dst.is_ipv4() {
        Ok(())
    } else {
        Err(Diagnostic::new(
            dst_span,
            format!(
                "address family mismatch: the source is {}, the destination is {}",
                family_name(src),
                family_name(dst)
            ),
        ))
    }
}

pub(crate) fn family_name(addr: IpAddr) -> &'static str {
    if addr.is_ipv4() {
        "IPv4"
    } else {
        "IPv6"
    }
}

/// A prefix length, at most the address length.
pub(crate) fn prefix_len(text: &[u8], span: Span, addr: IpAddr) -> Lowered<u8> {
    let max: u64 = if addr.is_ipv4() { 32 } else { 128 };
    match decimal(text) {
        Some(v) if v <= max => Ok(v as u8),
        _ => Err(Diagnostic::new(
            span,
            format!(
                "prefix length {} is too long for an {} address (at most {max})",
                shown(text),
                family_name(addr)
            ),
        )),
    }
}

/// `-4`, `-6`, `-n` letters after `-`; the last of -4/-6 wins, as in setkey.
pub(crate) fn apply_address_flags(flags: &mut AddressFlags, text: &str) {
    for b in text.bytes().skip(1) {
        match b {
            b'4' => {
                flags.inet4_only = true;
                flags.inet6_only = false;
            }
            b'6' => {
                flags.inet6_only = true;
                flags.inet4_only = false;
            }
            b'n' => flags.numeric = true,
            _ => {}
        }
    }
}

/// The text between the quotes of a `"..."` token.
pub(crate) fn unquote(text: &str) -> &str {
    // The quotes are one byte each: what is between them starts and ends on characters.
    match unquote_bytes(text.as_bytes()).len() {
        len if len == text.len() => text,
        len => text.get(1..1 + len).unwrap_or(text),
    }
}

/// `unquote` of a token's bytes.
pub(crate) fn unquote_bytes(text: &[u8]) -> &[u8] {
    text.strip_prefix(b"\"")
        .and_then(|t| t.strip_suffix(b"\""))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_what_the_standard_parser_takes() {
        let mut texts: Vec<String> = [
            "",
            "+",
            "-",
            "++1",
            "+1",
            "-1",
            "0",
            "00",
            "007",
            "1a",
            "a",
            " 1",
            "1 ",
            "é",
            "65535",
            "65536",
            "4294967295",
            "4294967296",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "9999999999999999999",
            "00000000000000000000000000000000018446744073709551615",
            "ffffffff",
            "0ffffffffffffffff",
            "FFFFFFFFF",
            "ffffffffffffffff",
            "10000000000000000",
            "+ff",
            "0x1",
            "g",
        ]
        .map(String::from)
        .to_vec();
        let mut level = vec![String::new()];
        for _ in 0..5 {
            level = level
                .iter()
                .flat_map(|t| ["0", "9", "a", "F", "+", "/", ":", "G"].map(|c| format!("{t}{c}")))
                .collect();
            texts.extend(level.iter().cloned());
        }
        for text in &texts {
            assert_eq!(
                decimal(text.as_bytes()),
                text.parse::<u64>().ok(),
                "{text:?}"
            );
            assert_eq!(
                hexadecimal(text.as_bytes()),
                u64::from_str_radix(text, 16).ok(),
                "{text:?}"
            );
        }
    }
}
