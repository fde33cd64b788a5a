//! `-v`/`-x` text per OS, from hand-built messages, against what each C setkey's
//! `kdebug_sadb` prints. Sources:
//! - NetBSD: crypto/dist/ipsec-tools/src/libipsec/key_debug.c rev 1.14 (2018-05-28; its
//!   kdebug text is that of rev 1.11.10.1, NetBSD/src 84676f36b7f6), built with -DINET6 and without HAVE_PFKEY_POLICY_PRIORITY
//!   (lib/libipsec/Makefile, lib/libipsec/config.h).
//! - Linux: the same file at rev 1.10 (2012-01-09, ipsec-tools 0.8.2; rumpkernel/src-netbsd
//!   all-src), with INET6 and HAVE_PFKEY_POLICY_PRIORITY (configure.ac finds
//!   sadb_x_policy_priority in linux/pfkeyv2.h).
//! - FreeBSD 14: sys/netipsec/key_debug.c (sobomax/freebsd14_vendor 0f7ff3427c99), which
//!   sbin/setkey/Makefile compiles in with -DINET -DINET6.

use setkey::format::kdebug::render_bytes;
use setkey::pfkey::Dialect::{self, FreeBsd, Linux, NetBsd};

/// An extension: `body` follows the 4-byte length/type header, padded to 8 bytes.
fn ext(ext_type: u16, body: &[u8]) -> Vec<u8> {
    let mut e = vec![0, 0];
    e.extend_from_slice(&ext_type.to_le_bytes());
    e.extend_from_slice(body);
    while e.len() % 8 != 0 {
        e.push(0);
    }
    let units = (e.len() / 8) as u16;
    e[..2].copy_from_slice(&units.to_le_bytes());
    e
}

fn msg(msg_type: u8, satype: u8, exts: &[Vec<u8>]) -> Vec<u8> {
    let mut m = vec![2, msg_type, 0, satype, 0, 0, 0, 0];
    m.extend_from_slice(&7u32.to_le_bytes());
    m.extend_from_slice(&42u32.to_le_bytes());
    for e in exts {
        m.extend_from_slice(e);
    }
    let units = (m.len() / 8) as u16;
    m[4..6].copy_from_slice(&units.to_le_bytes());
    m
}

/// The text after the two sadb_msg lines.
fn body(dialect: Dialect, exts: &[Vec<u8>]) -> String {
    let text = render_bytes(&msg(3, 3, exts), dialect);
    text.splitn(3, '\n').nth(2).unwrap().to_string()
}

fn sin(dialect: Dialect, port: u16, addr: [u8; 4]) -> Vec<u8> {
    let mut s = match dialect {
        Linux => 2u16.to_le_bytes().to_vec(),
        _ => vec![16, 2],
    };
    s.extend_from_slice(&port.to_be_bytes());
    s.extend_from_slice(&addr);
    s.extend_from_slice(&[0; 8]);
    s
}

fn sin6(dialect: Dialect, addr: [u8; 16], scope: u32) -> Vec<u8> {
    let mut s = match dialect {
        Linux => 10u16.to_le_bytes().to_vec(),
        NetBsd => vec![28, 24],
        FreeBsd => vec![28, 28],
    };
    s.extend_from_slice(&500u16.to_be_bytes());
    s.extend_from_slice(&[0, 0, 0, 1]);
    s.extend_from_slice(&addr);
    s.extend_from_slice(&scope.to_le_bytes());
    s
}

fn address(ext_type: u16, sockaddr: &[u8]) -> Vec<u8> {
    let mut b = vec![6, 24, 0xab, 0xcd];
    b.extend_from_slice(sockaddr);
    ext(ext_type, &b)
}

#[test]
fn message_and_extension_headers() {
    let sa = ext(1, &[0, 0, 0x12, 0x34, 4, 1, 2, 12, 0x40, 0, 0, 0]);
    // kdebug_sadb: `len` of sadb_msg is in 8-byte units everywhere; of sadb_ext in bytes on
    // NetBSD (1.14 prints PFKEY_UNUNIT64) and in units on Linux (1.10) and FreeBSD, which
    // also names both types (kdebug_sadb_type, kdebug_sadb_exttype).
    let netbsd = "sadb_msg{ version=2 type=3 errno=0 satype=3\n  \
                  len=4 reserved=0 seq=7 pid=42\n\
                  sadb_ext{ len=16 type=1 }\n\
                  sadb_sa{ spi=4660 replay=4 state=1\n  auth=2 encrypt=12 flags=0x00000040 }\n";
    assert_eq!(
        render_bytes(&msg(3, 3, std::slice::from_ref(&sa)), NetBsd),
        netbsd
    );
    let linux = netbsd.replace("len=16 type=1", "len=2 type=1");
    assert_eq!(
        render_bytes(&msg(3, 3, std::slice::from_ref(&sa)), Linux),
        linux
    );
    let freebsd = netbsd
        .replace("type=3 errno", "type=3(ADD) errno")
        .replace("len=16 type=1", "len=2 type=1(SA)");
    assert_eq!(render_bytes(&msg(3, 3, &[sa]), FreeBsd), freebsd);
    // Numbers past kdebug_sadb_type's table print UNKNOWN.
    assert!(render_bytes(&msg(23, 0, &[]), FreeBsd)
        .starts_with("sadb_msg{ version=2 type=23(UNKNOWN) "));
}

#[test]
fn lifetime_prints_32_bits_of_each_count() {
    let mut b = 7u32.to_le_bytes().to_vec();
    b.extend_from_slice(&0x1_0000_0005u64.to_le_bytes());
    b.extend_from_slice(&1_700_000_000u64.to_le_bytes());
    b.extend_from_slice(&9u64.to_le_bytes());
    let want = "sadb_lifetime{ alloc=7, bytes=5\n  addtime=1700000000, usetime=9 }\n";
    for d in Dialect::ALL {
        assert!(body(d, &[ext(3, &b)]).ends_with(want), "{d}");
    }
}

#[test]
fn ipv4_address_hex_form_has_no_newline_before_the_brace() {
    let a = address(5, &sin(NetBsd, 500, [192, 0, 2, 1]));
    assert_eq!(
        body(NetBsd, &[a]),
        "sadb_ext{ len=24 type=5 }\n\
         sadb_address{ proto=6 prefixlen=24 reserved=0xabcd }\n\
         sockaddr{ len=16 family=2 port=500\n c0000201  }\n"
    );
    // Linux: sysdep_sa_len gives 16 for AF_INET; the family is 16 bits.
    let a = address(6, &sin(Linux, 0, [10, 0, 0, 1]));
    assert_eq!(
        body(Linux, &[a]),
        "sadb_ext{ len=3 type=6 }\n\
         sadb_address{ proto=6 prefixlen=24 reserved=0xabcd }\n\
         sockaddr{ len=16 family=2 port=0\n 0a000001  }\n"
    );
    let a = address(5, &sin(FreeBsd, 500, [192, 0, 2, 1]));
    assert_eq!(
        body(FreeBsd, &[a]),
        "sadb_ext{ len=3 type=5(ADDRESS_SRC) }\n\
         sadb_address{ proto=6 prefixlen=24 reserved=0xabcd }\n\
         sockaddr{ len=16 family=2 addr=192.0.2.1 }\n"
    );
}

#[test]
fn ipv6_address_per_os() {
    let mut ll = [0u8; 16];
    ll[0] = 0xfe;
    ll[1] = 0x80;
    ll[15] = 1;
    // kdebug_sockaddr (ipsec-tools): port, then flowinfo and scope_id as %08x of the raw
    // host-order words, then the 16 bytes in ipsec_hexdump groups.
    let six = "sockaddr{ len=28 family=24 port=500\n  \
               flowinfo=0x01000000, scope_id=0x00000003\n \
               fe800000 00000000 00000000 00000001  }\n";
    assert!(body(NetBsd, &[address(5, &sin6(NetBsd, ll, 3))]).ends_with(six));
    let linux = six.replace("family=24", "family=10");
    assert!(body(Linux, &[address(5, &sin6(Linux, ll, 3))]).ends_with(&linux));
    // FreeBSD: inet_ntop, and `%scope` for a link-local unicast address only.
    assert!(body(FreeBsd, &[address(5, &sin6(FreeBsd, ll, 3))])
        .ends_with("sockaddr{ len=28 family=28 addr=fe80::1%3 }\n"));
    let mut doc = [0u8; 16];
    doc[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    doc[15] = 1;
    assert!(body(FreeBsd, &[address(5, &sin6(FreeBsd, doc, 3))])
        .ends_with("sockaddr{ len=28 family=28 addr=2001:db8::1 }\n"));
}

#[test]
fn unknown_family() {
    let odd = [16u8, 99, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0];
    assert!(body(NetBsd, &[address(5, &odd)]).ends_with("sockaddr{ len=16 family=99  }\n"));
    assert!(
        body(FreeBsd, &[address(5, &odd)]).ends_with("sockaddr{ len=16 family=99 addr=unknown }\n")
    );
}

fn key_ext(bits: u16, key: &[u8]) -> Vec<u8> {
    let mut b = bits.to_le_bytes().to_vec();
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(key);
    ext(9, &b)
}

#[test]
fn key_bytes_in_groups_of_four_with_a_break_every_32() {
    // ipsec_hexdump: a blank before every 4-byte group, a newline before byte 32. (The
    // key printed is the key itself: key_debug.c 1.10 and 1.14 pass `key +
    // sizeof(struct sadb_key)`, which points 256 bytes past the extension.)
    let key: Vec<u8> = (0u8..36).collect();
    let want = "sadb_key{ bits=288 reserved=0\n  key= 00010203 04050607 08090a0b 0c0d0e0f \
                10111213 14151617 18191a1b 1c1d1e1f\n 20212223 }\n";
    for d in Dialect::ALL {
        assert!(body(d, &[key_ext(288, &key)]).ends_with(want), "{d}");
    }
}

#[test]
fn key_longer_than_its_extension() {
    // The C mismatch line follows `  key=`; the dump stops at the extension's end (the C
    // code goes on into whatever follows).
    let text = body(NetBsd, &[key_ext(128, &[1, 2, 3, 4])]);
    assert!(
        text.ends_with(
            "sadb_key{ bits=128 reserved=0\n  key=kdebug_sadb_key: key length mismatch, \
             bit:16 len:8.\n 01020304 00000000 }\n"
        ),
        "{text}"
    );
}

#[test]
fn identity_string_stops_at_nul_and_escapes_the_unprintable() {
    let mut b = 3u16.to_le_bytes().to_vec();
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(&77u64.to_le_bytes());
    b.extend_from_slice(b"a b\x01\xff\0zz");
    let want = "sadb_ident_src{ type=3 id=77\n  str=\"a b\\001\\377\" }\n";
    for d in Dialect::ALL {
        assert!(body(d, &[ext(10, &b)]).ends_with(want), "{d}");
    }
    // No string: nothing after the id. Type 11 is the destination.
    let bare = ext(11, &b[..12]);
    assert!(body(Linux, &[bare]).ends_with("sadb_ident_dst{ type=3 id=77 }\n"));
}

#[test]
fn quiet_extensions_print_only_their_header() {
    // SENSITIVITY, SPIRANGE and KMPRIVATE: `case ...: break;`.
    let spirange = ext(16, &[0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        body(NetBsd, std::slice::from_ref(&spirange)),
        "sadb_ext{ len=16 type=16 }\n"
    );
    assert_eq!(
        body(FreeBsd, &[spirange]),
        "sadb_ext{ len=2 type=16(SPIRANGE) }\n"
    );
    assert_eq!(
        body(Linux, &[ext(12, &[0; 20])]),
        "sadb_ext{ len=3 type=12 }\n"
    );
}

#[test]
fn proposal_with_the_c_labels_of_its_last_line() {
    let mut comb = vec![3u8, 12];
    comb.extend_from_slice(&1u16.to_le_bytes());
    for bits in [160u16, 160, 128, 256] {
        comb.extend_from_slice(&bits.to_le_bytes());
    }
    comb.extend_from_slice(&0xdeadu32.to_le_bytes());
    comb.extend_from_slice(&1u32.to_le_bytes());
    comb.extend_from_slice(&2u32.to_le_bytes());
    for v in [3u64, 4, 5, 6, 7, 8] {
        comb.extend_from_slice(&v.to_le_bytes());
    }
    let mut b = vec![32, 0, 0, 0];
    b.extend_from_slice(&comb);
    let want = "sadb_prop{ replay=32\n\
                sadb_comb{ auth=3 encrypt=12 flags=0x0001 reserved=0x0000dead\n  \
                auth_minbits=160 auth_maxbits=160 encrypt_minbits=128 encrypt_maxbits=256\n  \
                soft_alloc=1 hard_alloc=2 soft_bytes=3 hard_bytes=4\n  \
                soft_alloc=5 hard_alloc=6 soft_bytes=7 hard_bytes=8 }\n}\n";
    for d in Dialect::ALL {
        assert!(body(d, &[ext(13, &b)]).ends_with(want), "{d}");
    }
}

#[test]
fn supported_algorithms() {
    let mut b = vec![0, 0, 0, 0];
    b.extend_from_slice(&[2, 0, 160, 0, 160, 0, 0, 0]);
    b.extend_from_slice(&[12, 16, 128, 0, 0, 1, 0, 0]);
    let want = "sadb_sup{\n  { id=2 ivlen=0 min=160 max=160 }\n  \
                { id=12 ivlen=16 min=128 max=256 }\n}\n";
    for d in Dialect::ALL {
        assert!(body(d, &[ext(14, &b)]).ends_with(want), "{d}");
    }
}

#[test]
fn sa2_nat_t_and_the_extensions_only_one_os_decodes() {
    let mut sa2 = vec![2, 1];
    sa2.extend_from_slice(&3u16.to_le_bytes());
    sa2.extend_from_slice(&4u32.to_le_bytes());
    sa2.extend_from_slice(&5u32.to_le_bytes());
    let want = "sadb_x_sa2{ mode=2 reqid=5\n  reserved1=1 reserved2=3 sequence=4 }\n";
    for d in Dialect::ALL {
        assert!(body(d, &[ext(19, &sa2)]).ends_with(want), "{d}");
        assert!(body(d, &[ext(20, &[2])]).ends_with("sadb_x_nat_t_type{ type=2 }\n"));
        assert!(body(d, &[ext(21, &[0x11, 0x94])]).ends_with("sadb_x_nat_t_port{ port=4500 }\n"));
    }
    // 25: NetBSD's NAT_T_FRAG; FreeBSD's switch has no case for it (FreeBSD 14).
    let frag = ext(25, &[0xdc, 0x05]);
    assert!(
        body(NetBsd, std::slice::from_ref(&frag)).ends_with("sadb_x_nat_t_frag{ esp_frag=1500 }\n")
    );
    assert!(body(FreeBsd, &[frag]).ends_with("kdebug_sadb: invalid ext_type 25\n"));
    // 26: FreeBSD's SA_REPLAY; NetBSD's and Linux's switches have none.
    let replay = ext(26, &[64, 0, 0, 0]);
    assert!(
        body(FreeBsd, std::slice::from_ref(&replay)).ends_with("sadb_x_sa_replay{ replay=64 }\n")
    );
    assert!(body(NetBsd, std::slice::from_ref(&replay))
        .ends_with("sadb_ext{ len=8 type=26 }\nkdebug_sadb: invalid ext_type 26 was passed.\n"));
    // Linux's SEC_CTX (24) is not decoded either: the message ends there.
    let text = body(Linux, &[ext(24, &[1, 1, 4, 0, 0, 0, 0, 0]), replay]);
    assert_eq!(
        text,
        "sadb_ext{ len=2 type=24 }\nkdebug_sadb: invalid ext_type 24 was passed.\n"
    );
}

fn policy_ext(scope: u8, requests: &[Vec<u8>]) -> Vec<u8> {
    let mut b = 2u16.to_le_bytes().to_vec();
    b.extend_from_slice(&[2, scope]);
    b.extend_from_slice(&0x1au32.to_le_bytes());
    b.extend_from_slice(&0x8000_0000u32.to_le_bytes());
    for r in requests {
        b.extend_from_slice(r);
    }
    ext(18, &b)
}

fn request(dialect: Dialect, endpoints: Option<(Vec<u8>, Vec<u8>)>) -> Vec<u8> {
    let mut r = vec![0, 0];
    r.extend_from_slice(&50u16.to_le_bytes());
    r.extend_from_slice(&[2, 3]);
    match dialect {
        Linux => {
            r.extend_from_slice(&[0, 0]);
            r.extend_from_slice(&7u32.to_le_bytes());
            r.extend_from_slice(&[0; 4]);
        }
        _ => r.extend_from_slice(&7u16.to_le_bytes()),
    }
    if let Some((a, b)) = endpoints {
        r.extend_from_slice(&a);
        r.extend_from_slice(&b);
    }
    let len = r.len() as u16;
    r[..2].copy_from_slice(&len.to_le_bytes());
    r
}

#[test]
fn policy_line_and_requests_per_os() {
    let tunnel = |d| Some((sin(d, 0, [192, 0, 2, 1]), sin(d, 0, [192, 0, 2, 2])));
    let netbsd = body(NetBsd, &[policy_ext(0, &[request(NetBsd, tunnel(NetBsd))])]);
    assert_eq!(
        netbsd,
        "sadb_ext{ len=56 type=18 }\n\
         sadb_x_policy{ type=2 dir=2 id=1a }\n \
         { len=40 proto=50 mode=2 level=3 reqid=7\n\
         sockaddr{ len=16 family=2 port=0\n c0000201  }\n\
         sockaddr{ len=16 family=2 port=0\n c0000202  }\n }\n"
    );
    let linux = body(Linux, &[policy_ext(0, &[request(Linux, None)])]);
    assert_eq!(
        linux,
        "sadb_ext{ len=4 type=18 }\n\
         sadb_x_policy{ type=2 dir=2 id=1a priority=2147483648 }\n \
         { len=16 proto=50 mode=2 level=3 reqid=7\n }\n"
    );
    let freebsd = body(
        FreeBsd,
        &[policy_ext(2, &[request(FreeBsd, tunnel(FreeBsd))])],
    );
    assert_eq!(
        freebsd,
        "sadb_ext{ len=7 type=18(POLICY) }\n\
         sadb_x_policy{ type=2 dir=2 id=1a scope=2 ifindex=2147483648 }\n \
         { len=40 proto=50 mode=2 level=3 reqid=7\n\
         sockaddr{ len=16 family=2 addr=192.0.2.1 }\n\
         sockaddr{ len=16 family=2 addr=192.0.2.2 }\n }\n"
    );
    assert!(body(FreeBsd, &[policy_ext(1, &[])])
        .ends_with("sadb_x_policy{ type=2 dir=2 id=1a scope=1 priority=2147483648 }\n"));
}

#[test]
fn policy_request_lengths_that_stop_the_policy() {
    // Length 0: the request line, ` }`, the message; the walk goes on with the next
    // extension.
    let mut zero = request(NetBsd, None);
    zero[..2].copy_from_slice(&0u16.to_le_bytes());
    let next = ext(20, &[1]);
    let text = body(NetBsd, &[policy_ext(0, &[zero]), next]);
    assert!(
        text.contains(
            " { len=0 proto=50 mode=2 level=3 reqid=7\n }\n\
             kdebug_sadb_x_policy: wrong policy struct.\nsadb_ext{ len=8 type=20 }\n"
        ),
        "{text}"
    );
    // Longer than what is left of the policy.
    let mut long = request(FreeBsd, None);
    long[..2].copy_from_slice(&16u16.to_le_bytes());
    let text = body(FreeBsd, &[policy_ext(0, std::slice::from_ref(&long))]);
    assert!(
        text.ends_with("kdebug_sadb_x_policy: invalid ipsec policy length (16 > 8)\n"),
        "{text}"
    );
    let text = body(NetBsd, &[policy_ext(0, &[long])]);
    assert!(
        text.ends_with(" }\ninvalid ipsec policy length\n"),
        "{text}"
    );
}

#[test]
fn linux_kmaddress() {
    let mut b = vec![1, 2, 3, 4];
    b.extend_from_slice(&sin(Linux, 0, [192, 0, 2, 1]));
    b.extend_from_slice(&sin6(Linux, [0; 16], 0));
    let text = body(Linux, &[ext(25, &b)]);
    assert!(
        text.starts_with(
            "sadb_ext{ len=7 type=25 }\nsadb_x_kmaddress{ reserved=0x01020304 }\n\
             sockaddr{ len=16 family=2 port=0\n c0000201  }\nsockaddr{ len=28 family=10 "
        ),
        "{text}"
    );
    assert!(text.ends_with(
        "kdebug_sadb_x_kmaddress:  !!!! Please, note the unexpected mismatch in address \
         family.\n"
    ));
    // Too short for the second sockaddr: the C code panics (prints, exits); the rest of
    // the message is not printed.
    let short = ext(25, &b[..20]);
    let text = body(Linux, &[short, ext(20, &[1])]);
    assert!(
        text.ends_with("kdebug_sadb_x_kmaddress: not enough data to read second sockaddr.\n"),
        "{text}"
    );
}

#[test]
fn early_returns() {
    let mut zero = ext(1, &[0; 12]);
    zero[..2].copy_from_slice(&0u16.to_le_bytes());
    assert_eq!(
        body(Linux, std::slice::from_ref(&zero)),
        "sadb_ext{ len=0 type=1 }\nkdebug_sadb: invalid ext_len=0 was passed.\n"
    );
    // sadb_ext_len (units) compared with the bytes left, as the C code does.
    let mut big = ext(1, &[0; 12]);
    big[..2].copy_from_slice(&17u16.to_le_bytes());
    assert_eq!(
        body(NetBsd, std::slice::from_ref(&big)),
        "sadb_ext{ len=136 type=1 }\nkdebug_sadb: ext_len exceeds end of buffer.\n"
    );
    assert_eq!(
        body(FreeBsd, &[big]),
        "sadb_ext{ len=17 type=1(SA) }\nkdebug_sadb: ext_len too big (17 > 16).\n"
    );
    // Within the C check but past the end of the message: stopped too, in bytes.
    let mut past = ext(1, &[0; 12]);
    past[..2].copy_from_slice(&3u16.to_le_bytes());
    assert_eq!(
        body(FreeBsd, &[past]),
        "sadb_ext{ len=3 type=1(SA) }\nkdebug_sadb: ext_len too big (24 > 16).\n"
    );
    assert_eq!(
        body(FreeBsd, &[ext(99, &[0; 4])]),
        "sadb_ext{ len=1 type=99(UNKNOWN) }\nkdebug_sadb: invalid ext_type 99\n"
    );
}

#[test]
fn a_length_below_the_header_still_prints_the_header() {
    let mut m = msg(9, 3, &[]);
    m[4] = 1;
    assert_eq!(
        render_bytes(&m, NetBsd),
        "sadb_msg{ version=2 type=9 errno=0 satype=3\n  len=1 reserved=0 seq=7 pid=42\n"
    );
}

#[test]
fn any_bytes_render_without_panicking() {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let seed = msg(
        14,
        0,
        &[
            policy_ext(0, &[request(NetBsd, None)]),
            address(5, &sin(NetBsd, 0, [1, 2, 3, 4])),
            key_ext(64, &[9; 8]),
            ext(25, &[0; 40]),
        ],
    );
    for _ in 0..3000 {
        let mut m = seed.clone();
        for _ in 0..(next() % 6) {
            let at = (next() as usize) % m.len();
            m[at] = next() as u8;
        }
        m.truncate((next() as usize) % (m.len() + 1));
        for d in Dialect::ALL {
            let _ = render_bytes(&m, d);
        }
    }
}
