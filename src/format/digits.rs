//! Numbers appended to text without `core::fmt`: the few forms dumps print for every entry.

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `{:02x}`.
pub fn push_hex_byte(out: &mut String, b: u8) {
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0x0f)]));
}

/// `{}` of a u8.
pub fn push_u8(out: &mut String, n: u8) {
    if n >= 100 {
        out.push(char::from(b'0' + n / 100));
    }
    if n >= 10 {
        out.push(char::from(b'0' + n / 10 % 10));
    }
    out.push(char::from(b'0' + n % 10));
}

/// `{}` of a u64 (and of the smaller unsigned types).
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// `{:08x}` of a u32.
pub fn push_hex08(out: &mut String, n: u32) {
    for b in n.to_be_bytes() {
        push_hex_byte(out, b);
    }
}

/// `{:02}` of a value below 100.
pub fn two_digits(n: u32) -> [u8; 2] {
    [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]
}

/// Dotted-quad text of an IPv4 address, as `Ipv4Addr`'s `Display` writes it.
pub fn push_ipv4(out: &mut String, addr: std::net::Ipv4Addr) {
    let [a, b, c, d] = addr.octets();
    push_u8(out, a);
    out.push('.');
    push_u8(out, b);
    out.push('.');
    push_u8(out, c);
    out.push('.');
    push_u8(out, d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_core_fmt() {
        for n in 0..=255u8 {
            let mut hex = String::new();
            push_hex_byte(&mut hex, n);
            assert_eq!(hex, format!("{n:02x}"));
            let mut dec = String::new();
            push_u8(&mut dec, n);
            assert_eq!(dec, n.to_string());
        }
        for n in [0, 1, 9, 10, 99, 100, 4_294_967_295, 1 << 53, u64::MAX] {
            let mut dec = String::new();
            push_u64(&mut dec, n);
            assert_eq!(dec, n.to_string());
        }
        for n in [0, 1, 0xabc, 0x0012_3400, u32::MAX] {
            let mut hex = String::new();
            push_hex08(&mut hex, n);
            assert_eq!(hex, format!("{n:08x}"));
        }
        for n in 0..100 {
            assert_eq!(two_digits(n), format!("{n:02}").as_bytes());
        }
        for addr in ["0.0.0.0", "10.1.200.7", "255.255.255.255", "192.0.2.10"] {
            let mut text = String::new();
            push_ipv4(&mut text, addr.parse().unwrap());
            assert_eq!(text, addr);
        }
    }
}
