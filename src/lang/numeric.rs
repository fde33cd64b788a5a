//! Numeric IPv4 and IPv6 address text, read as the standard parser reads it but without its
//! generality for the usual forms.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::values::HEX_VALUE;

/// An IPv4 address in the one form `Ipv4Addr`'s parser takes (four decimal numbers of at
/// most 255, without leading zeros, between dots), read without its generality.
pub(super) fn dotted_quad(text: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut at = 0;
    for (i, octet) in octets.iter_mut().enumerate() {
        if i > 0 {
            if text.get(at) != Some(&b'.') {
                return None;
            }
            at += 1;
        }
        let start = at;
        let mut value = 0u32;
        while let Some(&d) = text.get(at).filter(|d| d.is_ascii_digit()) {
            value = value * 10 + u32::from(d - b'0');
            at += 1;
            if at - start > 3 {
                return None;
            }
        }
        let digits = at - start;
        if digits == 0 || (digits > 1 && text[start] == b'0') {
            return None;
        }
        *octet = u8::try_from(value).ok()?;
    }
    (at == text.len()).then_some(Ipv4Addr::from(octets))
}

/// An IPv4 or IPv6 address as `IpAddr`'s parser reads it; the usual forms without it.
pub(super) fn address(text: &str) -> Option<IpAddr> {
    if let Some(v4) = dotted_quad(text.as_bytes()) {
        return Some(IpAddr::V4(v4));
    }
    // Without a `.` there is no embedded IPv4 address, the one form left to the parser.
    if !text.contains('.') {
        return colon_hex(text.as_bytes()).map(IpAddr::V6);
    }
    text.parse().ok()
}

/// An IPv6 address of hexadecimal groups (with at most one `::`), read as `Ipv6Addr`'s
/// parser does: groups of one to four digits, `::` standing for at least one zero group.
fn colon_hex(text: &[u8]) -> Option<Ipv6Addr> {
    let mut at = 0;
    let mut head = [0u16; 8];
    let head_len = hex_groups(text, &mut at, &mut head);
    if head_len < 8 {
        if text.get(at..at + 2) != Some(b"::") {
            return None;
        }
        at += 2;
        let mut tail = [0u16; 7];
        let tail_len = hex_groups(text, &mut at, &mut tail[..7 - head_len]);
        head[8 - tail_len..].copy_from_slice(&tail[..tail_len]);
    }
    (at == text.len()).then(|| Ipv6Addr::from(head))
}

/// Reads `:`-separated groups from `at` into `groups` while they last; returns their count.
fn hex_groups(text: &[u8], at: &mut usize, groups: &mut [u16]) -> usize {
    for (i, group) in groups.iter_mut().enumerate() {
        let mut p = *at;
        if i > 0 {
            if text.get(p) != Some(&b':') {
                return i;
            }
            p += 1;
        }
        let start = p;
        let mut value = 0u32;
        while let Some(digit) = text
            .get(p)
            .and_then(|&b| HEX_VALUE.get(usize::from(b)))
            .filter(|&&v| v <= 0x0f)
        {
            value = value << 4 | u32::from(*digit);
            p += 1;
            if p - start > 4 {
                return i;
            }
        }
        if p == start {
            return i;
        }
        *group = value as u16;
        *at = p;
    }
    groups.len()
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
