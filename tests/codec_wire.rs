//! Exact wire bytes of each extension per dialect, written out by hand from the layouts.

use std::net::{Ipv4Addr, Ipv6Addr};

use setkey::pfkey::consts::*;
use setkey::pfkey::*;
use zeroize::Zeroizing;

/// The header used by the single-extension tests: version 2, type, satype, length in words,
/// everything else zero, followed by the extension bytes.
fn framed(msg_type: u8, satype: u8, ext: &[u8]) -> Vec<u8> {
    assert_eq!(ext.len() % 8, 0, "test extension bytes must be padded");
    let words = (16 + ext.len()) / 8;
    let mut out = vec![
        2,
        msg_type,
        0,
        satype,
        words as u8,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ];
    out.extend_from_slice(ext);
    out
}

fn one_ext(msg_type: u8, satype: u8, ext: Extension) -> Message {
    let mut m = Message::new(msg_type, satype);
    m.extensions.push(ext);
    m
}

/// emit gives exactly `bytes`, and parse of `bytes` gives back `msg`.
fn check(msg: &Message, dialect: Dialect, bytes: &[u8]) {
    assert_eq!(emit(msg, dialect).unwrap(), bytes, "emit on {dialect}");
    assert_eq!(&parse(bytes, dialect).unwrap(), msg, "parse on {dialect}");
}

#[test]
fn header_fields_and_length() {
    let m = Message {
        header: Header {
            version: 2,
            msg_type: SADB_ADD,
            errno: 0,
            satype: SADB_SATYPE_ESP,
            reserved: 0x0102,
            seq: 0x0102_0304,
            pid: 0x0a0b_0c0d,
        },
        extensions: vec![],
    };
    let bytes = [
        2, 3, 0, 3, 2, 0, 0x02, 0x01, 0x04, 0x03, 0x02, 0x01, 0x0d, 0x0c, 0x0b, 0x0a,
    ];
    for d in Dialect::ALL {
        check(&m, d, &bytes);
    }
}

fn v4_src() -> Extension {
    Extension::Address(
        AddressKind::Src,
        Address {
            proto: 255,
            prefixlen: 32,
            reserved: 0,
            addr: SockAddr::V4 {
                addr: Ipv4Addr::new(192, 0, 2, 1),
                port: 500,
            },
        },
    )
}

#[test]
fn ipv4_address_bsd_has_sa_len_linux_has_u16_family() {
    let m = one_ext(SADB_ADD, SADB_SATYPE_ESP, v4_src());
    let bsd = [
        3, 0, 5, 0, 255, 32, 0, 0, // sadb_address
        16, 2, 0x01, 0xf4, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, // sockaddr_in
    ];
    let linux = [
        3, 0, 5, 0, 255, 32, 0, 0, // sadb_address
        2, 0, 0x01, 0xf4, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, // sockaddr_in
    ];
    check(&m, Dialect::NetBsd, &framed(3, 3, &bsd));
    check(&m, Dialect::FreeBsd, &framed(3, 3, &bsd));
    check(&m, Dialect::Linux, &framed(3, 3, &linux));
}

#[test]
fn ipv6_address_family_differs_in_each_dialect() {
    let m = one_ext(
        SADB_X_SPDADD,
        0,
        Extension::Address(
            AddressKind::Dst,
            Address {
                proto: 6,
                prefixlen: 128,
                reserved: 0,
                addr: SockAddr::V6 {
                    addr: "2001:db8::1".parse::<Ipv6Addr>().unwrap(),
                    port: 443,
                    flowinfo: 0x0001_2345,
                    scope_id: 3,
                },
            },
        ),
    );
    let expected = |lead: [u8; 2]| {
        let mut ext = vec![5, 0, 6, 0, 6, 128, 0, 0];
        ext.extend_from_slice(&lead);
        ext.extend_from_slice(&[0x01, 0xbb, 0x00, 0x01, 0x23, 0x45]);
        ext.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        ext.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 0]); // scope_id, then padding
        framed(14, 0, &ext)
    };
    check(&m, Dialect::NetBsd, &expected([28, 24]));
    check(&m, Dialect::FreeBsd, &expected([28, 28]));
    check(&m, Dialect::Linux, &expected([10, 0]));
}

#[test]
fn sa_spi_is_network_order_flags_host_order() {
    let m = one_ext(
        SADB_GET,
        SADB_SATYPE_ESP,
        Extension::Sa(Sa {
            spi: 0x1000,
            replay: 4,
            state: SADB_SASTATE_MATURE,
            auth: 3,
            encrypt: 12,
            flags: SADB_X_EXT_CYCSEQ,
        }),
    );
    let ext = [2, 0, 1, 0, 0, 0, 0x10, 0, 4, 1, 3, 12, 0x40, 0, 0, 0];
    for d in Dialect::ALL {
        check(&m, d, &framed(5, 3, &ext));
    }
}

#[test]
fn lifetime_layout() {
    let m = one_ext(
        SADB_ADD,
        SADB_SATYPE_AH,
        Extension::Lifetime(
            LifetimeKind::Hard,
            Lifetime {
                allocations: 1,
                bytes: 0x0102,
                addtime: 3600,
                usetime: 60,
            },
        ),
    );
    let ext = [
        4, 0, 3, 0, 1, 0, 0, 0, // header, allocations
        0x02, 0x01, 0, 0, 0, 0, 0, 0, // bytes
        0x10, 0x0e, 0, 0, 0, 0, 0, 0, // addtime
        60, 0, 0, 0, 0, 0, 0, 0, // usetime
    ];
    for d in Dialect::ALL {
        check(&m, d, &framed(3, 2, &ext));
    }
}

#[test]
fn key_with_odd_bit_count_keeps_ceil_bits_bytes() {
    let m = one_ext(
        SADB_ADD,
        SADB_SATYPE_ESP,
        Extension::Key(
            KeyKind::Encrypt,
            Key {
                bits: 20,
                reserved: 0,
                data: Zeroizing::new(vec![0xab, 0xcd, 0xe0]),
            },
        ),
    );
    let ext = [2, 0, 9, 0, 20, 0, 0, 0, 0xab, 0xcd, 0xe0, 0, 0, 0, 0, 0];
    for d in Dialect::ALL {
        check(&m, d, &framed(3, 3, &ext));
    }
}

#[test]
fn sa2_layout() {
    let m = one_ext(
        SADB_GETSPI,
        SADB_SATYPE_ESP,
        Extension::Sa2(Sa2 {
            mode: IPSEC_MODE_TUNNEL,
            reserved1: 0,
            reserved2: 0,
            sequence: 7,
            reqid: 0x3fff,
        }),
    );
    let ext = [2, 0, 19, 0, 2, 0, 0, 0, 7, 0, 0, 0, 0xff, 0x3f, 0, 0];
    for d in Dialect::ALL {
        check(&m, d, &framed(1, 3, &ext));
    }
}

fn tunnel_policy(priority: u32) -> Message {
    one_ext(
        SADB_X_SPDADD,
        0,
        Extension::Policy(Policy {
            policy_type: IPSEC_POLICY_IPSEC,
            dir: IPSEC_DIR_OUTBOUND,
            scope: 0,
            id: 0,
            priority,
            requests: vec![IpsecRequest {
                proto: u16::from(IPPROTO_ESP),
                mode: IPSEC_MODE_TUNNEL,
                level: IPSEC_LEVEL_REQUIRE,
                reqid: 5,
                endpoints: Some((
                    SockAddr::V4 {
                        addr: Ipv4Addr::new(10, 0, 0, 1),
                        port: 0,
                    },
                    SockAddr::V4 {
                        addr: Ipv4Addr::new(10, 0, 0, 2),
                        port: 0,
                    },
                )),
            }],
        }),
    )
}

#[test]
fn policy_tunnel_request_bsd_8_byte_header() {
    let ext = [
        7, 0, 18, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, // sadb_x_policy
        40, 0, 50, 0, 2, 2, 5, 0, // ipsecrequest: len 40 bytes, esp, tunnel, require, reqid 5
        16, 2, 0, 0, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, // src
        16, 2, 0, 0, 10, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, // dst
    ];
    check(&tunnel_policy(0), Dialect::NetBsd, &framed(14, 0, &ext));
    check(&tunnel_policy(0), Dialect::FreeBsd, &framed(14, 0, &ext));
}

#[test]
fn policy_tunnel_request_linux_16_byte_header() {
    let ext = [
        8, 0, 18, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, // sadb_x_policy, priority 2^31
        48, 0, 50, 0, 2, 2, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, // ipsecrequest, reqid u32 at 8
        2, 0, 0, 0, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, // src
        2, 0, 0, 0, 10, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, // dst
    ];
    check(
        &tunnel_policy(PRIORITY_DEFAULT),
        Dialect::Linux,
        &framed(14, 0, &ext),
    );
}

#[test]
fn nat_t_type_and_port() {
    let mut m = Message::new(SADB_ADD, SADB_SATYPE_ESP);
    m.extensions.push(Extension::NatTType {
        nat_type: UDP_ENCAP_ESPINUDP,
        reserved: [0; 3],
    });
    m.extensions
        .push(Extension::NatTPort(NatTPortKind::Src, 4500));
    m.extensions
        .push(Extension::NatTPort(NatTPortKind::Dst, 500));
    let ext = [
        1, 0, 20, 0, 2, 0, 0, 0, // type
        1, 0, 21, 0, 0x11, 0x94, 0, 0, // sport 4500, network order
        1, 0, 22, 0, 0x01, 0xf4, 0, 0, // dport 500
    ];
    for d in Dialect::ALL {
        check(&m, d, &framed(3, 3, &ext));
    }
}

#[test]
fn freebsd_sa_replay_and_its_absence_elsewhere() {
    let m = one_ext(
        SADB_ADD,
        SADB_SATYPE_ESP,
        Extension::SaReplay { replay: 2048 },
    );
    check(
        &m,
        Dialect::FreeBsd,
        &framed(3, 3, &[1, 0, 26, 0, 0, 8, 0, 0]),
    );
    assert_eq!(
        emit(&m, Dialect::Linux).unwrap_err().to_string(),
        "x_sa_replay does not exist on linux"
    );
    assert_eq!(
        emit(&m, Dialect::NetBsd).unwrap_err().to_string(),
        "x_sa_replay does not exist on netbsd"
    );
}

#[test]
fn linux_sec_ctx() {
    let m = one_ext(
        SADB_X_SPDADD,
        0,
        Extension::SecCtx(SecCtx {
            alg: 1,
            doi: 1,
            context: b"ab\0".to_vec(),
        }),
    );
    let ext = [2, 0, 24, 0, 1, 1, 3, 0, b'a', b'b', 0, 0, 0, 0, 0, 0];
    check(&m, Dialect::Linux, &framed(14, 0, &ext));
    assert_eq!(
        emit(&m, Dialect::FreeBsd).unwrap_err().to_string(),
        "x_sec_ctx does not exist on freebsd"
    );
}

#[test]
fn number_23_to_26_mean_different_things_per_dialect() {
    // The same bytes decode to NAT_T_OAR on BSD and to a security context on Linux.
    let ext = [2, 0, 24, 0, 1, 1, 3, 0, b'a', b'b', 0, 0, 0, 0, 0, 0];
    let bytes = framed(3, 3, &ext);
    let linux = parse(&bytes, Dialect::Linux).unwrap();
    assert!(matches!(linux.extensions[0], Extension::SecCtx(_)));
    let bsd = parse(&bytes, Dialect::NetBsd).unwrap_err();
    assert_eq!(
        bsd.to_string(),
        "extension NAT_T_OAR (24) at byte 16: sockaddr sa_len 97 exceeds the 8 bytes left (byte 24)"
    );
    assert_eq!(ext_type_name(23, Dialect::Linux), "NAT_T_OA");
    assert_eq!(ext_type_name(23, Dialect::FreeBsd), "NAT_T_OAI");
    assert_eq!(ext_type_name(25, Dialect::NetBsd), "NAT_T_FRAG");
    assert_eq!(ext_type_name(25, Dialect::Linux), "KMADDRESS");
    assert_eq!(ext_type_name(26, Dialect::FreeBsd), "SA_REPLAY");
    assert_eq!(ext_type_name(26, Dialect::Linux), "FILTER");
    assert_eq!(ext_type_name(26, Dialect::NetBsd), "UNKNOWN");
    assert_eq!(ext_type_name(31, Dialect::FreeBsd), "IF_HW_OFFL");
    assert_eq!(ext_type_name(0, Dialect::FreeBsd), "UNKNOWN");
}

#[test]
fn whole_sadb_add_for_freebsd() {
    let addr = |kind, last| {
        Extension::Address(
            kind,
            Address {
                proto: 255,
                prefixlen: 32,
                reserved: 0,
                addr: SockAddr::V4 {
                    addr: Ipv4Addr::new(10, 0, 0, last),
                    port: 0,
                },
            },
        )
    };
    let mut m = Message::new(SADB_ADD, SADB_SATYPE_ESP);
    m.header.seq = 1;
    m.header.pid = 100;
    m.extensions = vec![
        Extension::Key(
            KeyKind::Encrypt,
            Key {
                bits: 128,
                reserved: 0,
                data: Zeroizing::new((1..=16).collect()),
            },
        ),
        Extension::Sa(Sa {
            spi: 0x1234,
            replay: 0,
            state: 0,
            auth: 0,
            encrypt: 12,
            flags: SADB_X_EXT_CYCSEQ,
        }),
        Extension::Sa2(Sa2::default()),
        addr(AddressKind::Src, 1),
        addr(AddressKind::Dst, 2),
    ];
    let bytes: Vec<u8> = [
        &[2u8, 3, 0, 3, 15, 0, 0, 0, 1, 0, 0, 0, 100, 0, 0, 0][..], // 120 bytes = 15 words
        &[3, 0, 9, 0, 128, 0, 0, 0],
        &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        &[2, 0, 1, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 12, 0x40, 0, 0, 0],
        &[2, 0, 19, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        &[3, 0, 5, 0, 255, 32, 0, 0],
        &[16, 2, 0, 0, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        &[3, 0, 6, 0, 255, 32, 0, 0],
        &[16, 2, 0, 0, 10, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0],
    ]
    .concat();
    check(&m, Dialect::FreeBsd, &bytes);
    assert_eq!(m.sa().map(|s| s.spi), Some(0x1234));
    assert_eq!(m.key(KeyKind::Encrypt).map(|k| k.bits), Some(128));
    assert!(m.key(KeyKind::Auth).is_none());
}

#[test]
fn emit_errors_say_what_cannot_be_represented() {
    let mut m = tunnel_policy(0);
    if let Extension::Policy(p) = &mut m.extensions[0] {
        p.requests[0].reqid = 70000;
    }
    assert_eq!(
        emit(&m, Dialect::NetBsd).unwrap_err().to_string(),
        "reqid 70000 does not fit the 16-bit BSD ipsecrequest field"
    );
    assert!(emit(&m, Dialect::Linux).is_ok());

    let key = one_ext(
        SADB_ADD,
        SADB_SATYPE_ESP,
        Extension::Key(
            KeyKind::Auth,
            Key {
                bits: 0,
                reserved: 0,
                data: Zeroizing::new(vec![0; 9000]),
            },
        ),
    );
    assert_eq!(
        emit(&key, Dialect::Linux).unwrap_err().to_string(),
        "key of 9000 bytes too long"
    );
    let short = one_ext(
        SADB_ADD,
        SADB_SATYPE_ESP,
        Extension::Key(
            KeyKind::Auth,
            Key {
                bits: 160,
                reserved: 0,
                data: Zeroizing::new(vec![0; 16]),
            },
        ),
    );
    assert_eq!(
        emit(&short, Dialect::FreeBsd).unwrap_err().to_string(),
        "key of 160 bits does not match its 16 bytes of data"
    );
}

#[test]
fn names() {
    assert_eq!(msg_type_name(SADB_GETSPI), "GETSPI");
    assert_eq!(msg_type_name(SADB_X_SPDADD), "X_SPDADD");
    assert_eq!(msg_type_name(SADB_X_MIGRATE), "X_MIGRATE");
    assert_eq!(msg_type_name(25), "UNKNOWN");
    let satypes: Vec<_> = (0..=12).map(satype_name).collect();
    assert_eq!(
        satypes,
        [
            "unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2", "ripv2", "mip",
            "ipcomp", "policy", "tcp", "unknown"
        ]
    );
    let sa_replay = Extension::SaReplay { replay: 1 };
    assert_eq!(ext_type_number(&sa_replay, Dialect::FreeBsd), Some(26));
    assert_eq!(ext_type_number(&sa_replay, Dialect::Linux), None);
}
