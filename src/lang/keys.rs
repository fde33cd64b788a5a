//! Key material from its source text: `0x...` hexadecimal digits or a `"..."` string.

use super::ast::{KeyBytes, Span};
use super::diag::Diagnostic;
use super::numeric::{nibble, HEX_VALUE};
use super::values::{hex_digits, shown, unquote_bytes, Lowered};

/// Key bytes from `0x...` (an odd digit count gets a leading zero nibble) or `"..."`.
pub(crate) fn key(text: &[u8], span: Span) -> Lowered<KeyBytes> {
    let Some(digits) = hex_digits(text) else {
        let bytes = unquote_bytes(text);
        let mut key = KeyBytes::zeroed(bytes.len());
        key.as_mut_slice().copy_from_slice(bytes);
        return Ok(key);
    };
    let mut key = KeyBytes::zeroed(digits.len().div_ceil(2));
    if !decode_hex(digits, key.as_mut_slice()) {
        let at = digits
            .iter()
            .position(|&d| HEX_VALUE[usize::from(d)] > 0x0f)
            .unwrap_or(0);
        return Err(bad_digit(text, span, at));
    }
    Ok(key)
}

/// Decodes `digits` into `out` (half as long, rounded up), whether all of them are
/// hexadecimal digits: with an odd count, the first digit stands alone as the low nibble of
/// the first byte; the others a pair at a time, four pairs to a step while they last.
fn decode_hex(digits: &[u8], out: &mut [u8]) -> bool {
    let (head, pairs) = digits.split_at(digits.len() % 2);
    let (first, out) = out.split_at_mut(head.len());
    // A bit above the low byte of any value seen marks a byte that is not a digit.
    let mut seen = 0u16;
    if let ([d], [byte]) = (head, first) {
        let value = HEX_WIDE[usize::from(*d)];
        seen |= value;
        *byte = value as u8;
    }
    let pair = |high: u8, low: u8| HEX_WIDE[usize::from(high)] << 4 | HEX_WIDE[usize::from(low)];
    let mut quads = pairs.chunks_exact(8);
    let mut quad_out = out.chunks_exact_mut(4);
    for (d, out) in (&mut quads).zip(&mut quad_out) {
        if let ([d0, d1, d2, d3, d4, d5, d6, d7], [o0, o1, o2, o3]) = (d, out) {
            let values = [
                pair(*d0, *d1),
                pair(*d2, *d3),
                pair(*d4, *d5),
                pair(*d6, *d7),
            ];
            seen |= values[0] | values[1] | values[2] | values[3];
            (*o0, *o1, *o2, *o3) = (
                values[0] as u8,
                values[1] as u8,
                values[2] as u8,
                values[3] as u8,
            );
        }
    }
    for (d, byte) in quads
        .remainder()
        .chunks_exact(2)
        .zip(quad_out.into_remainder())
    {
        let value = pair(d[0], d[1]);
        seen |= value;
        *byte = value as u8;
    }
    seen <= 0xff
}

/// The value of each hexadecimal digit; `0x100` for every other byte.
const HEX_WIDE: [u16; 256] = {
    let mut table = [0x100; 256];
    let mut b = 0;
    while b < 256 {
        if let Some(v) = nibble(b as u8) {
            table[b] = v as u16;
        }
        b += 1;
    }
    table
};

/// The error for the character at `index` of the digits of `text` (after its `0x`).
fn bad_digit(text: &[u8], span: Span, index: usize) -> Diagnostic {
    let bad = shown(text)
        .get(2 + index..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or('?');
    let at = span.start + 2 + index;
    Diagnostic::new(
        Span {
            start: at,
            end: at + bad.len_utf8(),
        },
        format!("invalid hexadecimal digit '{bad}' in key"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Span {
        Span {
            start: 100,
            end: 100 + text.len(),
        }
    }

    #[test]
    fn hex_keys_decode_with_a_leading_nibble_for_odd_counts() {
        for (text, bytes) in [
            ("0x00ff10", vec![0x00, 0xff, 0x10]),
            ("0XaBc", vec![0x0a, 0xbc]),
            ("0x7", vec![0x07]),
            ("\"ab;c\"", b"ab;c".to_vec()),
        ] {
            assert_eq!(
                key(text.as_bytes(), at(text)).unwrap().as_slice(),
                bytes,
                "{text}"
            );
        }
    }

    #[test]
    fn long_keys_decode_as_byte_by_byte() {
        let digits = "0123456789abcdefABCDEF0123456789fedcba9876543210FEDCBA98";
        for len in 0..=digits.len() {
            let text = format!("0x{}", &digits[..len]);
            let expected: Vec<u8> = {
                let d = &digits.as_bytes()[..len];
                let (head, pairs) = d.split_at(len % 2);
                let value = |b: u8| (b as char).to_digit(16).unwrap() as u8;
                head.iter()
                    .map(|&b| value(b))
                    .chain(pairs.chunks(2).map(|p| value(p[0]) << 4 | value(p[1])))
                    .collect()
            };
            assert_eq!(
                key(text.as_bytes(), at(&text)).unwrap().as_slice(),
                expected,
                "{text}"
            );
        }
        for bad in [b'g', b'G', b'/', b':', b'@', b'`', b' ', 0x10, 0x7f] {
            for index in [0, 7, 8, 15, 16, 33] {
                let mut digits: Vec<u8> = b"00112233445566778899aabbccddeeff0011".to_vec();
                digits[index] = bad;
                let text = format!("0x{}", String::from_utf8(digits).unwrap());
                let error = key(text.as_bytes(), at(&text)).unwrap_err();
                assert_eq!(error.span.start, 100 + 2 + index, "{text:?}");
            }
        }
    }

    #[test]
    fn a_bad_hex_digit_is_pointed_at() {
        for (text, index, bad) in [
            ("0xz123", 2, "z"),
            ("0x1z23", 3, "z"),
            ("0x12g3", 4, "g"),
            ("0xz12", 2, "z"),
            ("0x1g2", 3, "g"),
            ("0x12é", 4, "é"),
        ] {
            let error = key(text.as_bytes(), at(text)).unwrap_err();
            assert_eq!(error.span.start, 100 + index, "{text}");
            assert_eq!(error.span.end - error.span.start, bad.len(), "{text}");
            assert!(
                error.message.contains(&format!("'{bad}'")),
                "{text}: {}",
                error.message
            );
        }
    }
}
