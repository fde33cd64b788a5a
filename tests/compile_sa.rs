//! SAD statements compiled for each target: exact headers and extension lists.

mod compile_support;

use compile_support::*;
use setkey::compile::Operation;
use setkey::lang::*;
use setkey::pfkey::consts::*;
use setkey::pfkey::{
    AddressKind, Dialect, Extension, KeyKind, Lifetime, LifetimeKind, NatTPortKind,
};

fn esp_aes_sha1() -> SaStatement {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x1000);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::AesCbc, Some(16)));
    s.algorithms.auth = Some(auth(AuthAlgorithm::HmacSha1, Some(20)));
    s
}

fn expected_esp_aes_sha1(msg_type: u8) -> setkey::pfkey::Message {
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    message(
        msg_type,
        SADB_SATYPE_ESP,
        vec![
            key_ext(KeyKind::Encrypt, 16),
            key_ext(KeyKind::Auth, 20),
            sa_ext(0x1000, 3, 12, SADB_X_EXT_CYCSEQ),
            sa2_ext(IPSEC_MODE_ANY, 0),
            src,
            dst,
        ],
    )
}

#[test]
fn add_esp_aes_cbc_hmac_sha1_on_every_target() {
    for d in Dialect::ALL {
        let m = send(StatementKind::Add(esp_aes_sha1()), d);
        assert_eq!(m, expected_esp_aes_sha1(SADB_ADD), "{d}");
    }
}

#[test]
fn header_is_version_2_with_zero_errno_reserved_seq_and_our_pid() {
    let m = send(StatementKind::Add(esp_aes_sha1()), Dialect::Linux);
    assert_eq!(m.header.version, 2);
    assert_eq!(m.header.errno, 0);
    assert_eq!(m.header.reserved, 0);
    assert_eq!(m.header.seq, 0);
    assert_eq!(m.header.pid, PID);
}

#[test]
fn update_is_shaped_like_add_on_every_target() {
    for d in Dialect::ALL {
        let m = send(StatementKind::Update(esp_aes_sha1()), d);
        assert_eq!(m, expected_esp_aes_sha1(SADB_UPDATE), "{d}");
    }
}

#[test]
fn add_ipv6_uses_128_bit_prefixes() {
    let mut s = sa("2001:db8::1", "2001:db8::2", SaProtocol::Esp, 0x2000);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::AesCbc, Some(32)));
    let [src, dst] = sa_addrs("2001:db8::1", "2001:db8::2");
    let expected = message(
        SADB_ADD,
        SADB_SATYPE_ESP,
        vec![
            key_ext(KeyKind::Encrypt, 32),
            sa_ext(0x2000, 0, 12, SADB_X_EXT_CYCSEQ),
            sa2_ext(0, 0),
            src,
            dst,
        ],
    );
    for d in Dialect::ALL {
        assert_eq!(send(StatementKind::Add(s.clone()), d), expected, "{d}");
    }
}

#[test]
fn add_ah_hmac_sha256() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Ah, 0x300);
    s.algorithms.auth = Some(auth(AuthAlgorithm::HmacSha256, Some(32)));
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    let expected = message(
        SADB_ADD,
        SADB_SATYPE_AH,
        vec![
            key_ext(KeyKind::Auth, 32),
            sa_ext(0x300, 5, 0, SADB_X_EXT_CYCSEQ),
            sa2_ext(0, 0),
            src,
            dst,
        ],
    );
    for d in Dialect::ALL {
        assert_eq!(send(StatementKind::Add(s.clone()), d), expected, "{d}");
    }
}

#[test]
fn add_ipcomp_deflate_raw_cpi_has_no_key() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::IpComp, 0x4000);
    s.algorithms.compress = Some(at(CompressAlgorithm::Deflate, 50, 57));
    s.algorithms.raw_cpi = Some(span(58, 60));
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    let expected = message(
        SADB_ADD,
        SADB_X_SATYPE_IPCOMP,
        vec![
            sa_ext(0x4000, 0, 2, SADB_X_EXT_CYCSEQ | SADB_X_EXT_RAWCPI),
            sa2_ext(0, 0),
            src,
            dst,
        ],
    );
    for d in Dialect::ALL {
        assert_eq!(send(StatementKind::Add(s.clone()), d), expected, "{d}");
    }
}

#[test]
fn add_ipcomp_lzs_on_netbsd() {
    // FreeBSD 14's kernel has deflate alone (tests/freebsd14_rules.rs).
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::IpComp, 0x4001);
    s.algorithms.compress = Some(at(CompressAlgorithm::Lzs, 50, 53));
    let m = send(StatementKind::Add(s), Dialect::NetBsd);
    assert_eq!(m.extensions[0], sa_ext(0x4001, 0, 3, SADB_X_EXT_CYCSEQ));
}

#[test]
fn mode_reqid_and_replay_fill_sa_and_sa2() {
    let mut s = esp_aes_sha1();
    s.options.mode = Some(at(Mode::Tunnel, 33, 42));
    s.options.reqid = Some(at(7, 43, 48));
    s.options.replay = Some(at(32, 49, 54));
    for d in Dialect::ALL {
        let m = send(StatementKind::Add(s.clone()), d);
        let mut expected_sa = sa_ext(0x1000, 3, 12, SADB_X_EXT_CYCSEQ);
        if let Extension::Sa(sa) = &mut expected_sa {
            sa.replay = 32;
        }
        assert_eq!(m.extensions[2], expected_sa, "{d}");
        assert_eq!(m.extensions[3], sa2_ext(IPSEC_MODE_TUNNEL, 7), "{d}");
        assert_eq!(m.extensions.len(), 6, "{d}");
    }
}

#[test]
fn transport_mode_is_1() {
    let mut s = esp_aes_sha1();
    s.options.mode = Some(at(Mode::Transport, 33, 45));
    let m = send(StatementKind::Add(s), Dialect::NetBsd);
    assert_eq!(m.extensions[3], sa2_ext(IPSEC_MODE_TRANSPORT, 0));
}

#[test]
fn padding_and_nocyclic_seq_flags() {
    let cases = [
        (Some(PadOption::ZeroPad), false, 0x240),
        (Some(PadOption::RandomPad), false, 0x140),
        (Some(PadOption::SeqPad), false, 0x40),
        (Some(PadOption::ZeroPad), true, 0x200),
        (None, true, 0),
    ];
    // NetBSD crypto/dist/ipsec-tools/src/setkey/parse.y: `F_EXT EXTENSION { p_ext |= $2; }`.
    let mut both = esp_aes_sha1();
    both.options.pads = vec![
        at(PadOption::ZeroPad, 33, 45),
        at(PadOption::RandomPad, 46, 60),
    ];
    for d in Dialect::ALL {
        let m = send(StatementKind::Add(both.clone()), d);
        assert_eq!(m.extensions[2], sa_ext(0x1000, 3, 12, 0x340), "{d}");
    }
    for (pad, nocyclic, flags) in cases {
        let mut s = esp_aes_sha1();
        s.options.pads = pad.map(|p| at(p, 33, 45)).into_iter().collect();
        s.options.nocyclic_seq = nocyclic.then(|| span(46, 60));
        for d in Dialect::ALL {
            let m = send(StatementKind::Add(s.clone()), d);
            assert_eq!(
                m.extensions[2],
                sa_ext(0x1000, 3, 12, flags),
                "{pad:?} {nocyclic} {d}"
            );
        }
    }
}

#[test]
fn esp_old_sets_the_old_flag_and_des_32iv_its_iv_flag() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::EspOld, 0x500);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::Des32Iv, Some(8)));
    for d in [Dialect::NetBsd, Dialect::Linux] {
        let m = send(StatementKind::Add(s.clone()), d);
        assert_eq!(m.header.satype, SADB_SATYPE_ESP);
        assert_eq!(m.extensions[0], key_ext(KeyKind::Encrypt, 8));
        assert_eq!(
            m.extensions[1],
            sa_ext(0x500, 0, 2, 0x40 | 0x1 | 0x10),
            "{d}"
        );
    }
}

#[test]
fn ah_old_sets_the_old_flag() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::AhOld, 0x501);
    s.algorithms.auth = Some(auth(AuthAlgorithm::KeyedMd5, Some(16)));
    let m = send(StatementKind::Add(s), Dialect::NetBsd);
    assert_eq!(m.header.satype, SADB_SATYPE_AH);
    assert_eq!(m.extensions[1], sa_ext(0x501, 249, 0, 0x41));
}

#[test]
fn des_deriv_sets_the_deriv_flag() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x502);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::DesDeriv, Some(8)));
    let m = send(StatementKind::Add(s), Dialect::Linux);
    assert_eq!(m.extensions[1], sa_ext(0x502, 0, 2, 0x60));
}

#[test]
fn time_lifetimes_follow_the_keys_on_every_target() {
    let mut s = esp_aes_sha1();
    s.options.lifetime_hard_secs = Some(at(3600, 33, 40));
    s.options.lifetime_soft_secs = Some(at(3000, 41, 48));
    let hard = Lifetime {
        addtime: 3600,
        ..Lifetime::default()
    };
    let soft = Lifetime {
        addtime: 3000,
        ..Lifetime::default()
    };
    for d in Dialect::ALL {
        let m = send(StatementKind::Add(s.clone()), d);
        assert_eq!(
            m.extensions[2],
            Extension::Lifetime(LifetimeKind::Hard, hard),
            "{d}"
        );
        assert_eq!(
            m.extensions[3],
            Extension::Lifetime(LifetimeKind::Soft, soft),
            "{d}"
        );
        assert_eq!(m.extensions[4], sa_ext(0x1000, 3, 12, 0x40), "{d}");
        assert_eq!(m.extensions.len(), 8, "{d}");
    }
}

#[test]
fn byte_lifetimes_on_netbsd_and_linux() {
    let mut s = esp_aes_sha1();
    s.options.lifetime_hard_bytes = Some(at(1_000_000, 33, 40));
    s.options.lifetime_soft_bytes = Some(at(900_000, 41, 48));
    s.options.lifetime_soft_secs = Some(at(60, 49, 52));
    for d in [Dialect::NetBsd, Dialect::Linux] {
        let m = send(StatementKind::Add(s.clone()), d);
        let hard = Lifetime {
            bytes: 1_000_000,
            ..Lifetime::default()
        };
        let soft = Lifetime {
            bytes: 900_000,
            addtime: 60,
            ..Lifetime::default()
        };
        assert_eq!(
            m.extensions[2],
            Extension::Lifetime(LifetimeKind::Hard, hard)
        );
        assert_eq!(
            m.extensions[3],
            Extension::Lifetime(LifetimeKind::Soft, soft)
        );
    }
}

#[test]
fn freebsd_replay_over_255_adds_sa_replay_in_packets() {
    let mut s = esp_aes_sha1();
    s.options.replay = Some(at(300, 33, 40));
    let m = send(StatementKind::Add(s), Dialect::FreeBsd);
    let mut expected_sa = sa_ext(0x1000, 3, 12, 0x40);
    if let Extension::Sa(sa) = &mut expected_sa {
        sa.replay = 255;
    }
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    assert_eq!(
        m.extensions,
        vec![
            key_ext(KeyKind::Encrypt, 16),
            key_ext(KeyKind::Auth, 20),
            expected_sa,
            sa2_ext(0, 0),
            Extension::SaReplay { replay: 2400 },
            src,
            dst,
        ]
    );
}

#[test]
fn freebsd_replay_of_255_needs_no_sa_replay() {
    let mut s = esp_aes_sha1();
    s.options.replay = Some(at(255, 33, 40));
    let m = send(StatementKind::Add(s), Dialect::FreeBsd);
    assert_eq!(m.extensions.len(), 6);
    assert!(!m
        .extensions
        .iter()
        .any(|e| matches!(e, Extension::SaReplay { .. })));
}

#[test]
fn freebsd_natt_extensions_sit_between_sa2_and_the_addresses() {
    let mut s = esp_aes_sha1();
    s.options.natt = Some(at(
        NatTraversal {
            oai: ip("192.168.1.10"),
            sport: Some(4500),
            oar: ip("198.51.100.7"),
            dport: Some(4501),
        },
        33,
        80,
    ));
    s.options.natt_mtu = Some(at(1400, 81, 95));
    let m = send(StatementKind::Add(s), Dialect::FreeBsd);
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    assert_eq!(
        m.extensions,
        vec![
            key_ext(KeyKind::Encrypt, 16),
            key_ext(KeyKind::Auth, 20),
            sa_ext(0x1000, 3, 12, 0x40),
            sa2_ext(0, 0),
            Extension::NatTType {
                nat_type: 2,
                reserved: [0; 3]
            },
            addr(AddressKind::NatTOai, "192.168.1.10", 0, 0, 32),
            Extension::NatTPort(NatTPortKind::Src, 4500),
            addr(AddressKind::NatTOar, "198.51.100.7", 0, 0, 32),
            Extension::NatTPort(NatTPortKind::Dst, 4501),
            Extension::NatTFrag {
                fraglen: 1400,
                reserved: 0
            },
            src,
            dst,
        ]
    );
}

#[test]
fn freebsd_esn_sets_its_flag() {
    let mut s = esp_aes_sha1();
    s.options.esn = Some(span(33, 37));
    let m = send(StatementKind::Add(s.clone()), Dialect::FreeBsd);
    assert_eq!(m.extensions[2], sa_ext(0x1000, 3, 12, 0x440));
    // FreeBSD 14's sbin/setkey/token.l has no -esn: sent as FreeBSD 15 sends it, with a warning.
    let all = ops(StatementKind::Add(s), Dialect::FreeBsd).unwrap();
    let Some(Operation::Warning(w)) = all.first() else {
        panic!("{all:?}")
    };
    assert_eq!(w.span, span(33, 37));
    assert_eq!(
        w.message,
        "-esn is FreeBSD 15's: FreeBSD 14's setkey does not take it"
    );
}

#[test]
fn esp_udp_sends_nat_type_and_ports_after_the_addresses() {
    let mut s = esp_aes_sha1();
    s.protocol = at(SaProtocol::EspUdp, 22, 29);
    s.src.value.port = Some(4500);
    s.dst.value.port = Some(4600);
    for d in [Dialect::NetBsd, Dialect::Linux] {
        let m = send(StatementKind::Add(s.clone()), d);
        assert_eq!(m.header.satype, SADB_SATYPE_ESP);
        assert_eq!(
            m.extensions,
            vec![
                key_ext(KeyKind::Encrypt, 16),
                key_ext(KeyKind::Auth, 20),
                sa_ext(0x1000, 3, 12, 0x40),
                sa2_ext(0, 0),
                Extension::NatTType {
                    nat_type: 2,
                    reserved: [0; 3]
                },
                addr(AddressKind::Src, "10.0.0.1", 4500, 255, 32),
                addr(AddressKind::Dst, "10.0.0.2", 4600, 255, 32),
                Extension::NatTPort(NatTPortKind::Src, 4500),
                Extension::NatTPort(NatTPortKind::Dst, 4600),
            ],
            "{d}"
        );
    }
}

#[test]
fn esp_udp_ports_default_to_4500_and_the_oa_follows_nat_type() {
    let mut s = esp_aes_sha1();
    s.protocol = at(SaProtocol::EspUdp, 22, 29);
    s.esp_udp_oa = Some(at(ip("192.168.0.5"), 30, 41));
    let m = send(StatementKind::Add(s), Dialect::Linux);
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    assert_eq!(
        m.extensions[4..],
        [
            Extension::NatTType {
                nat_type: 2,
                reserved: [0; 3]
            },
            addr(AddressKind::NatTOai, "192.168.0.5", 0, 255, 32),
            src,
            dst,
            Extension::NatTPort(NatTPortKind::Src, 4500),
            Extension::NatTPort(NatTPortKind::Dst, 4500),
        ]
    );
}

#[test]
fn linux_security_context_counts_the_nul() {
    let mut s = esp_aes_sha1();
    s.options.ctx = Some(at(
        SecurityContext {
            doi: 1,
            alg: 1,
            context: "system_u:object_r:ipsec_spd_t:s0".into(),
        },
        33,
        80,
    ));
    let m = send(StatementKind::Add(s), Dialect::Linux);
    let mut context = b"system_u:object_r:ipsec_spd_t:s0".to_vec();
    context.push(0);
    assert_eq!(
        m.extensions[2],
        Extension::SecCtx(setkey::pfkey::SecCtx {
            alg: 1,
            doi: 1,
            context
        })
    );
    assert_eq!(m.extensions[3], sa_ext(0x1000, 3, 12, 0x40));
}

/// `-E null` takes no key, yet an 8-byte KEY_ENCRYPT of 0 bits goes out, as the C setkey
/// sends it: NetBSD's key_add refuses an ESP SA without one (sys/netipsec/key.c: "invalid
/// message is passed", seen on the NetBSD kernel harness).
#[test]
fn esp_null_sends_an_empty_encryption_key_on_ipsec_tools_targets() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x600);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::Null, None));
    s.algorithms.auth = Some(auth(AuthAlgorithm::HmacSha1, Some(20)));
    for d in [Dialect::NetBsd, Dialect::Linux] {
        let m = send(StatementKind::Add(s.clone()), d);
        assert_eq!(m.extensions[0], key_ext(KeyKind::Encrypt, 0), "{d}");
        assert_eq!(m.extensions[1], key_ext(KeyKind::Auth, 20), "{d}");
        assert_eq!(m.extensions[2], sa_ext(0x600, 3, 11, 0x40), "{d}");
        let bytes = setkey::pfkey::emit(&m, d).unwrap();
        assert_eq!(&bytes[16..24], &[1, 0, 9, 0, 0, 0, 0, 0], "{d}");
    }
}

#[test]
fn esp_null_on_freebsd_takes_an_empty_key() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x601);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::Null, Some(0)));
    let m = send(StatementKind::Add(s), Dialect::FreeBsd);
    assert_eq!(m.extensions[0], key_ext(KeyKind::Encrypt, 0));
    assert_eq!(m.extensions[1], sa_ext(0x601, 0, 11, 0x40));
}

#[test]
fn freebsd_aes_gcm_16_key_carries_a_salt() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x700);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::AesGcm16, Some(36)));
    let m = send(StatementKind::Add(s), Dialect::FreeBsd);
    assert_eq!(m.extensions[0], key_ext(KeyKind::Encrypt, 36));
    assert_eq!(m.extensions[1], sa_ext(0x700, 0, 20, 0x40));
}

/// NetBSD's pfkeyv2.h: SADB_X_EALG_AESGCM16 20 and SADB_X_EALG_AESGMAC 23, keys with a
/// 32-bit salt; the NetBSD kernel harness installs both (its REGISTER reply lists 20 and 23
/// with 160 to 288 bits).
#[test]
fn netbsd_aes_gcm_16_and_aes_gmac_carry_a_salt() {
    for (alg, id) in [
        (EncryptAlgorithm::AesGcm16, 20),
        (EncryptAlgorithm::AesGmac, 23),
    ] {
        let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x610);
        s.algorithms.encrypt = Some(enc(alg, Some(36)));
        let m = send(StatementKind::Add(s), Dialect::NetBsd);
        assert_eq!(m.extensions[0], key_ext(KeyKind::Encrypt, 36));
        assert_eq!(m.extensions[1], sa_ext(0x610, 0, id, 0x40));
    }
}

#[test]
fn aes_ctr_key_sizes_include_the_nonce() {
    for bytes in [20, 28, 36] {
        let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x702);
        s.algorithms.encrypt = Some(enc(EncryptAlgorithm::AesCtr, Some(bytes)));
        for d in Dialect::ALL {
            let m = send(StatementKind::Add(s.clone()), d);
            assert_eq!(m.extensions[1], sa_ext(0x702, 0, 13, 0x40), "{d} {bytes}");
        }
    }
}

#[test]
fn twofish_is_linux_algorithm_253() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x703);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::TwofishCbc, Some(32)));
    let m = send(StatementKind::Add(s), Dialect::Linux);
    assert_eq!(m.extensions[1], sa_ext(0x703, 0, 253, 0x40));
}

#[test]
fn tcp_md5_on_bsd_uses_satype_11() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Tcp, 0x1000);
    s.algorithms.auth = Some(auth(AuthAlgorithm::TcpMd5, Some(10)));
    for d in [Dialect::NetBsd, Dialect::FreeBsd] {
        let m = send(StatementKind::Add(s.clone()), d);
        assert_eq!(m.header.satype, SADB_X_SATYPE_TCPSIGNATURE);
        assert_eq!(m.extensions[0], key_ext(KeyKind::Auth, 10));
        assert_eq!(m.extensions[1], sa_ext(0x1000, 252, 0, 0x40), "{d}");
    }
}

#[test]
fn numeric_and_matching_family_switches_compile_unchanged() {
    let mut s = esp_aes_sha1();
    s.flags = AddressFlags {
        inet4_only: true,
        inet6_only: false,
        numeric: true,
    };
    assert_eq!(
        send(StatementKind::Add(s), Dialect::NetBsd),
        expected_esp_aes_sha1(SADB_ADD)
    );
}
