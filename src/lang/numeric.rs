//! Numeric IPv4 and IPv6 address text, read as the standard parser reads it but without its
//! generality for the usual forms, and the values of hexadecimal digits.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An IPv4 address in the one form `Ipv4Addr`'s parser takes (four decimal numbers of at
/// most 255, without leading zeros, between dots), read an octet at a time.
pub(super) fn dotted_quad(text: &[u8]) -> Option<Ipv4Addr> {
    let (a, rest) = octet(text)?;
    let (b, rest) = octet(rest.strip_prefix(b".")?)?;
    let (c, rest) = octet(rest.strip_prefix(b".")?)?;
    let (d, rest) = octet(rest.strip_prefix(b".")?)?;
    rest.is_empty().then(|| Ipv4Addr::new(a, b, c, d))
}

/// The decimal octet at the start of `text` and what follows it. A leading zero stands
/// alone, so that a digit after it ends the address as not a dotted quad.
fn octet(text: &[u8]) -> Option<(u8, &[u8])> {
    match *text {
        [a @ b'1'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9', ref rest @ ..] => {
            let value = u32::from(a - b'0') * 100 + u32::from(b - b'0') * 10 + u32::from(c - b'0');
            Some((u8::try_from(value).ok()?, rest))
        }
        [a @ b'1'..=b'9', b @ b'0'..=b'9', ref rest @ ..] => {
            Some(((a - b'0') * 10 + (b - b'0'), rest))
        }
        [a @ b'0'..=b'9', ref rest @ ..] => Some((a - b'0', rest)),
        _ => None,
    }
}

/// An IPv4 or IPv6 address as `IpAddr`'s parser reads it; the usual forms without it.
pub(super) fn address(text: &str) -> Option<IpAddr> {
    let bytes = text.as_bytes();
    if let Some(v4) = dotted_quad(bytes) {
        return Some(IpAddr::V4(v4));
    }
    if let Some(v6) = colon_hex(bytes) {
        return Some(IpAddr::V6(v6));
    }
    // An IPv6 address with an IPv4 address at its end, the one form left to the parser.
    if bytes.contains(&b'.') {
        return text.parse().ok();
    }
    None
}

/// An IPv6 address of hexadecimal groups (with at most one `::`), read as `Ipv6Addr`'s
/// parser does: groups of one to four digits, `::` standing for at least one zero group.
fn colon_hex(text: &[u8]) -> Option<Ipv6Addr> {
    let mut groups = [0u16; 8];
    let mut count = 0;
    // Where `::` stands among the groups.
    let mut gap = None;
    let mut at = 0;
    if text.starts_with(b"::") {
        gap = Some(0);
        at = 2;
        if text.len() == 2 {
            return Some(Ipv6Addr::UNSPECIFIED);
        }
    }
    loop {
        // Up to four digits; a fifth is not followed by the `:` or end that must come next.
        let start = at;
        let mut value = 0u16;
        while let Some(&b) = text.get(at).filter(|_| at - start < 4) {
            let digit = HEX_VALUE[usize::from(b)];
            if digit > 0x0f {
                break;
            }
            value = value << 4 | u16::from(digit);
            at += 1;
        }
        if at == start {
            return None;
        }
        *groups.get_mut(count)? = value;
        count += 1;
        match text.get(at..) {
            Some([]) => break,
            Some([b':', b':', rest @ ..]) => {
                if gap.is_some() {
                    return None;
                }
                gap = Some(count);
                at += 2;
                if rest.is_empty() {
                    break;
                }
            }
            Some([b':', _, ..]) => at += 1,
            _ => return None,
        }
    }
    match gap {
        None => (count == 8).then(|| Ipv6Addr::from(groups)),
        Some(gap) if count < 8 => {
            let tail = count - gap;
            for i in (0..tail).rev() {
                groups[8 - tail + i] = groups[gap + i];
                groups[gap + i] = 0;
            }
            Some(Ipv6Addr::from(groups))
        }
        Some(_) => None,
    }
}

/// The value of each hexadecimal digit; `0xff` for every other byte.
pub(super) const HEX_VALUE: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut b = 0;
    while b < 256 {
        if let Some(v) = nibble(b as u8) {
            table[b] = v;
        }
        b += 1;
    }
    table
};

pub(super) const fn nibble(d: u8) -> Option<u8> {
    match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        b'A'..=b'F' => Some(d - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_quads_are_what_the_standard_parser_takes() {
        let parts = [
            "0", "1", "00", "01", "9", "10", "99", "100", "255", "256", "999", "1000", "",
        ];
        let mut texts = vec![
            "1.2.3.4.", ".1.2.3.4", "1.2.3", "1..2.3", "1.2.3.4 ", "+1.2.3.4",
        ];
        let mut owned = Vec::new();
        for a in parts {
            for b in ["0", "255", "01", "256", ""] {
                owned.push(format!("{a}.{b}.{a}.{b}"));
                owned.push(format!("{b}.{a}.1.{a}"));
            }
        }
        // Every text of up to 9 of these characters (0, 2, 5 make 0, 02, 255, 256, 2555).
        let mut short = vec![String::new()];
        for _ in 0..9 {
            short = short
                .iter()
                .flat_map(|t| ["0", "2", "5", "."].map(|c| format!("{t}{c}")))
                .collect();
            owned.extend(short.iter().cloned());
        }
        texts.extend(owned.iter().map(String::as_str));
        for text in texts {
            assert_eq!(
                dotted_quad(text.as_bytes()),
                text.parse::<Ipv4Addr>().ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn addresses_are_what_the_standard_parser_takes() {
        let mut texts: Vec<String> = [
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8::",
            "1::2::3",
            "12345::",
            "fe80::1",
            "2001:db8::ffff:1.2.3.4",
            "::1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1:::2",
            ":1::",
            "1:2:3:4:5:6:7:8:9",
            "0000:0000::00000",
            "FFFF::fffF",
            "::g",
            "1.2.3.4",
            "01.2.3.4",
        ]
        .map(String::from)
        .to_vec();
        for alphabet in [&["0", "a", ":"][..], &["1", "F", ":", "g", "."][..]] {
            let mut level = vec![String::new()];
            let depth = if alphabet.len() == 3 { 11 } else { 6 };
            for _ in 0..depth {
                level = level
                    .iter()
                    .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                    .collect();
                texts.extend(level.iter().cloned());
            }
        }
        for text in &texts {
            assert_eq!(address(text), text.parse::<IpAddr>().ok(), "{text:?}");
        }
    }
}
