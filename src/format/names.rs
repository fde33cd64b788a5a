//! The names setkey prints for numbers in dumps (SA types, modes, states, algorithms); the
//! algorithm tables of each OS are chosen in `profile.rs`.

pub const SATYPES: &[&str] = &[
    "unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2", "ripv2", "mip", "ipcomp",
    "policy", "tcp",
];
pub const MODES: &[&str] = &["any", "transport", "tunnel"];
pub const STATES: &[&str] = &["larval", "mature", "dying", "dead"];

/// `name ` from `table`, or `number ` past its end (setkey's GETMSGSTR).
pub fn table_or_number(table: &[&str], value: u8) -> String {
    match table.get(usize::from(value)) {
        Some(name) => format!("{name} "),
        None => format!("{value} "),
    }
}

/// (id, name) rows of the authentication algorithms each OS's setkey names in dumps.
pub const AUTH_FREEBSD: &[(u8, &str)] = &[
    (0, "none"),
    (3, "hmac-sha1"),
    (251, "null"),
    (252, "tcp-md5"),
    (5, "hmac-sha2-256"),
    (6, "hmac-sha2-384"),
    (7, "hmac-sha2-512"),
    (9, "aes-xcbc-mac"),
];
pub const AUTH_IPSEC_TOOLS: &[(u8, &str)] = &[
    (0, "none"),
    (2, "hmac-md5"),
    (3, "hmac-sha1"),
    (249, "md5"),
    (250, "sha"),
    (251, "null"),
    (252, "tcp-md5"),
    (5, "hmac-sha256"),
    (6, "hmac-sha384"),
    (7, "hmac-sha512"),
    (8, "hmac-ripemd160"),
    (9, "aes-xcbc-mac"),
];
pub const ENCRYPT_FREEBSD: &[(u8, &str)] = &[
    (0, "none"),
    (11, "null"),
    (12, "aes-cbc"),
    (13, "aes-ctr"),
    (20, "aes-gcm-16"),
];
pub const ENCRYPT_NETBSD: &[(u8, &str)] = &[
    (0, "none"),
    (2, "des-cbc"),
    (3, "3des-cbc"),
    (11, "null"),
    (6, "cast128-cbc"),
    (7, "blowfish-cbc"),
    (12, "aes-cbc"),
    (13, "aes-ctr"),
    (22, "camellia-cbc"),
    (20, "aes-gcm-16"),
    (23, "aes-gmac"),
];
pub const ENCRYPT_LINUX: &[(u8, &str)] = &[
    (0, "none"),
    (2, "des-cbc"),
    (3, "3des-cbc"),
    (11, "null"),
    (6, "cast128-cbc"),
    (7, "blowfish-cbc"),
    (12, "aes-cbc"),
    (253, "twofish-cbc"),
    (13, "aes-ctr"),
    (22, "camellia-cbc"),
];
const COMPRESS: &[(u8, &str)] = &[(0, "none"), (1, "oui"), (2, "deflate"), (3, "lzs")];

/// `name ` from rows, or `number ` (setkey's GETMSGV2S).
pub fn lookup(rows: &[(u8, &str)], value: u8) -> String {
    match rows.iter().find(|(id, _)| *id == value) {
        Some((_, name)) => format!("{name} "),
        None => format!("{value} "),
    }
}

pub fn compress_name(id: u8) -> String {
    lookup(COMPRESS, id)
}
