//! The names setkey prints for numbers in dumps (SA types, modes, states, algorithms, and the
//! policy language's directions, actions, protocols and levels); the algorithm tables of each
//! OS are chosen in `profile.rs`.

use crate::pfkey::consts::*;

pub const SATYPES: &[&str] = &[
    "unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2", "ripv2", "mip", "ipcomp",
    "policy", "tcp",
];
pub const MODES: &[&str] = &["any", "transport", "tunnel"];
pub const STATES: &[&str] = &["larval", "mature", "dying", "dead"];

/// The policy language's words for a policy's direction (`-P in`), action and, per request,
/// protocol and level (`esp/transport//require`); a request's mode is in `MODES`.
pub const DIRECTIONS: &[(u8, &str)] = &[
    (IPSEC_DIR_ANY, "any"),
    (IPSEC_DIR_INBOUND, "in"),
    (IPSEC_DIR_OUTBOUND, "out"),
    (IPSEC_DIR_FWD, "fwd"),
];
pub const ACTIONS: &[(u16, &str)] = &[
    (IPSEC_POLICY_DISCARD, "discard"),
    (IPSEC_POLICY_NONE, "none"),
    (IPSEC_POLICY_IPSEC, "ipsec"),
    (IPSEC_POLICY_ENTRUST, "entrust"),
    (IPSEC_POLICY_BYPASS, "bypass"),
];
pub const REQUEST_PROTOCOLS: &[(u16, &str)] = &[
    (IPPROTO_ESP as u16, "esp"),
    (IPPROTO_AH as u16, "ah"),
    (IPPROTO_IPCOMP as u16, "ipcomp"),
    (IPPROTO_TCP as u16, "tcp"),
];
pub const LEVELS: &[(u8, &str)] = &[
    (IPSEC_LEVEL_DEFAULT, "default"),
    (IPSEC_LEVEL_USE, "use"),
    (IPSEC_LEVEL_REQUIRE, "require"),
    (IPSEC_LEVEL_UNIQUE, "unique"),
];

/// The word `table` has for `value`, if any.
pub fn word<T: Copy + PartialEq>(table: &[(T, &'static str)], value: T) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == value).map(|(_, w)| *w)
}

/// A request's mode (`transport`), if it has a name.
pub fn mode_word(mode: u8) -> Option<&'static str> {
    MODES.get(usize::from(mode)).copied()
}

/// `name ` from `table`, or `number ` past its end (setkey's GETMSGSTR).
pub fn table_or_number(table: &[&str], value: u8) -> String {
    let mut out = String::new();
    push_table_or_number(&mut out, table, value);
    out
}

/// `table_or_number`, appended to `out`.
pub fn push_table_or_number(out: &mut String, table: &[&str], value: u8) {
    match table.get(usize::from(value)) {
        Some(name) => out.push_str(name),
        None => super::digits::push_u8(out, value),
    }
    out.push(' ');
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
/// The protocol names of the /etc/protocols NetBSD ships (etc/protocols 1.25, from the
/// IANA registry of 2012-08-21): the first name of each numbered line.
pub const PROTOCOLS_NETBSD: &[(u8, &str)] = &[
    (0, "hopopt"),
    (1, "icmp"),
    (2, "igmp"),
    (3, "ggp"),
    (4, "ipv4"),
    (5, "st"),
    (6, "tcp"),
    (7, "cbt"),
    (8, "egp"),
    (9, "igp"),
    (10, "bbn-rcc-mon"),
    (11, "nvp-ii"),
    (12, "pup"),
    (13, "argus"),
    (14, "emcon"),
    (15, "xnet"),
    (16, "chaos"),
    (17, "udp"),
    (18, "mux"),
    (19, "dcn-meas"),
    (20, "hmp"),
    (21, "prm"),
    (22, "xns-idp"),
    (23, "trunk-1"),
    (24, "trunk-2"),
    (25, "leaf-1"),
    (26, "leaf-2"),
    (27, "rdp"),
    (28, "irtp"),
    (29, "iso-tp4"),
    (30, "netblt"),
    (31, "mfe-nsp"),
    (32, "merit-inp"),
    (33, "dccp"),
    (34, "3pc"),
    (35, "idpr"),
    (36, "xtp"),
    (37, "ddp"),
    (38, "idpr-cmtp"),
    (39, "tp++"),
    (40, "il"),
    (41, "ipv6"),
    (42, "sdrp"),
    (43, "ipv6-route"),
    (44, "ipv6-frag"),
    (45, "idrp"),
    (46, "rsvp"),
    (47, "gre"),
    (48, "dsr"),
    (49, "bna"),
    (50, "esp"),
    (51, "ah"),
    (52, "i-nlsp"),
    (53, "swipe"),
    (54, "narp"),
    (55, "mobile"),
    (56, "tlsp"),
    (57, "skip"),
    (58, "ipv6-icmp"),
    (59, "ipv6-nonxt"),
    (60, "ipv6-opts"),
    (62, "cftp"),
    (64, "sat-expak"),
    (65, "kryptolan"),
    (66, "rvd"),
    (67, "ippc"),
    (69, "sat-mon"),
    (70, "visa"),
    (71, "ipcv"),
    (72, "cpnx"),
    (73, "cphb"),
    (74, "wsn"),
    (75, "pvp"),
    (76, "br-sat-mon"),
    (77, "sun-nd"),
    (78, "wb-mon"),
    (79, "wb-expak"),
    (80, "iso-ip"),
    (81, "vmtp"),
    (82, "secure-vmtp"),
    (83, "vines"),
    (84, "ttp"),
    (85, "nsfnet-igp"),
    (86, "dgp"),
    (87, "tcf"),
    (88, "eigrp"),
    (89, "ospfigp"),
    (90, "sprite-rpc"),
    (91, "larp"),
    (92, "mtp"),
    (93, "ax.25"),
    (94, "ipip"),
    (95, "micp"),
    (96, "scc-sp"),
    (97, "etherip"),
    (98, "encap"),
    (100, "gmtp"),
    (101, "ifmp"),
    (102, "pnni"),
    (103, "pim"),
    (104, "aris"),
    (105, "scps"),
    (106, "qnx"),
    (107, "a/n"),
    (108, "ipcomp"),
    (109, "snp"),
    (110, "compaq-peer"),
    (111, "ipx-in-ip"),
    (112, "vrrp"),
    (113, "pgm"),
    (115, "l2tp"),
    (116, "ddx"),
    (117, "iatp"),
    (118, "stp"),
    (119, "srp"),
    (120, "uti"),
    (121, "smp"),
    (122, "sm"),
    (123, "ptp"),
    (124, "isis"),
    (125, "fire"),
    (126, "crtp"),
    (127, "crudp"),
    (128, "sscopmce"),
    (129, "iplt"),
    (130, "sps"),
    (131, "pipe"),
    (132, "sctp"),
    (133, "fc"),
    (134, "rsvp-e2e-ignore"),
    (135, "mobility"),
    (136, "udplite"),
    (137, "mpls-in-ip"),
    (138, "manet"),
    (139, "hip"),
    (140, "shim6"),
    (141, "wesp"),
    (142, "rohc"),
    (255, "reserved"),
];
const COMPRESS: &[(u8, &str)] = &[(0, "none"), (1, "oui"), (2, "deflate"), (3, "lzs")];

/// `name ` from rows, or `number ` (setkey's GETMSGV2S).
pub fn lookup(rows: &[(u8, &str)], value: u8) -> String {
    let mut out = String::new();
    push_lookup(&mut out, rows, value);
    out
}

/// `lookup`, appended to `out`.
pub fn push_lookup(out: &mut String, rows: &[(u8, &str)], value: u8) {
    match rows.iter().find(|(id, _)| *id == value) {
        Some((_, name)) => out.push_str(name),
        None => super::digits::push_u8(out, value),
    }
    out.push(' ');
}

pub fn compress_name(id: u8) -> String {
    lookup(COMPRESS, id)
}
