//! Hex dumps: the `-h` offset form and the grouped key form setkey uses in dumps.

use std::fmt::Write;

/// `%08x: ` offset then `%02x ` per byte, 16 bytes per line (setkey `-x -h`).
pub fn offset_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3 + bytes.len() / 16 * 12 + 12);
    for (line_no, line) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:08x}: ", line_no * 16);
        for b in line {
            let _ = write!(out, "{b:02x} ");
        }
        out.push('\n');
    }
    out
}

/// Groups of 4 bytes, each preceded by a space; a newline before every 32nd byte
/// (KAME's `ipsec_hexdump`, used for keys).
pub fn grouped(bytes: &[u8]) -> String {
    grouped_lines(bytes, 32)
}

/// The grouped key form on one line, however long the key (`--wide`).
pub fn grouped_wide(bytes: &[u8]) -> String {
    grouped_lines(bytes, usize::MAX)
}

fn grouped_lines(bytes: &[u8], per_line: usize) -> String {
    let mut out = String::with_capacity(bytes.len() * 2 + bytes.len() / 4 + 2);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % per_line == 0 {
            out.push('\n');
        }
        if i % 4 == 0 {
            out.push(' ');
        }
        super::digits::push_hex_byte(&mut out, *b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_dump_wraps_every_16_bytes() {
        let bytes: Vec<u8> = (0u8..18).collect();
        assert_eq!(
            offset_dump(&bytes),
            "00000000: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f \n\
             00000010: 10 11 \n"
        );
        assert_eq!(offset_dump(&[]), "");
    }

    #[test]
    fn grouped_matches_kame_key_layout() {
        assert_eq!(grouped(&[0x00, 0x11, 0x22, 0x33, 0x44]), " 00112233 44");
        let long: Vec<u8> = vec![0xab; 36];
        let text = grouped(&long);
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], " abababab".repeat(8));
        assert_eq!(lines[1], " abababab");
        assert_eq!(grouped_wide(&long), " abababab".repeat(9));
    }
}
