//! Target-specific rejections and checks: each diagnostic names the target and points at
//! the offending part of the statement.

mod compile_support;

use compile_support::*;
use setkey::compile::Operation;
use setkey::lang::*;
use setkey::pfkey::{Dialect, Extension};

fn esp(encrypt: EncryptAlgorithm, key_bytes: Option<usize>) -> SaStatement {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x1000);
    s.algorithms.encrypt = Some(enc(encrypt, key_bytes));
    s
}

fn ah(alg: AuthAlgorithm, key_bytes: Option<usize>) -> SaStatement {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Ah, 0x1000);
    s.algorithms.auth = Some(auth(alg, key_bytes));
    s
}

const ENC_SPAN: Span = Span { start: 50, end: 57 };
const AUTH_SPAN: Span = Span {
    start: 150,
    end: 159,
};

#[test]
fn esp_udp_is_rejected_on_freebsd_with_a_hint() {
    let mut s = esp(EncryptAlgorithm::AesCbc, Some(16));
    s.protocol = at(SaProtocol::EspUdp, 22, 29);
    assert_eq!(
        error(StatementKind::Add(s), Dialect::FreeBsd),
        (
            span(22, 29),
            "esp-udp is not supported on freebsd (use -natt)".to_string()
        )
    );
}

#[test]
fn removed_ciphers_are_rejected_on_freebsd() {
    for (alg, name, bytes) in [
        (EncryptAlgorithm::DesCbc, "des-cbc", 8),
        (EncryptAlgorithm::TripleDesCbc, "3des-cbc", 24),
        (EncryptAlgorithm::BlowfishCbc, "blowfish-cbc", 16),
        (EncryptAlgorithm::Cast128Cbc, "cast128-cbc", 16),
        (EncryptAlgorithm::CamelliaCbc, "camellia-cbc", 16),
    ] {
        assert_eq!(
            error(StatementKind::Add(esp(alg, Some(bytes))), Dialect::FreeBsd),
            (
                ENC_SPAN,
                format!("encryption algorithm {name} is not supported on freebsd")
            )
        );
    }
}

#[test]
fn removed_authenticators_are_rejected_on_freebsd() {
    for (alg, name, bytes) in [
        (AuthAlgorithm::HmacMd5, "hmac-md5", 16),
        (AuthAlgorithm::HmacRipemd160, "hmac-ripemd160", 20),
        (AuthAlgorithm::KeyedMd5, "keyed-md5", 16),
        (AuthAlgorithm::KeyedSha1, "keyed-sha1", 20),
    ] {
        assert_eq!(
            error(StatementKind::Add(ah(alg, Some(bytes))), Dialect::FreeBsd),
            (
                AUTH_SPAN,
                format!("authentication algorithm {name} is not supported on freebsd")
            )
        );
    }
}

#[test]
fn aead_ciphers_are_rejected_where_the_target_lacks_them() {
    for d in Dialect::ALL {
        for (alg, name, supported_on) in [
            (
                EncryptAlgorithm::AesGcm16,
                "aes-gcm-16",
                &[Dialect::FreeBsd, Dialect::NetBsd][..],
            ),
            (EncryptAlgorithm::AesGmac, "aes-gmac", &[Dialect::NetBsd]),
            (
                EncryptAlgorithm::Chacha20Poly1305,
                "chacha20-poly1305",
                // FreeBSD is refused with its own reason (tests/freebsd14_rules.rs).
                &[Dialect::FreeBsd],
            ),
        ] {
            if supported_on.contains(&d) {
                continue;
            }
            assert_eq!(
                error(StatementKind::Add(esp(alg, Some(36))), d),
                (
                    ENC_SPAN,
                    format!("encryption algorithm {name} is not supported on {d}")
                )
            );
        }
    }
}

#[test]
fn twofish_exists_only_on_linux() {
    for d in [Dialect::NetBsd, Dialect::FreeBsd] {
        assert_eq!(
            error(
                StatementKind::Add(esp(EncryptAlgorithm::TwofishCbc, Some(32))),
                d
            )
            .1,
            format!("encryption algorithm twofish-cbc is not supported on {d}")
        );
    }
}

#[test]
fn tcp_md5_and_the_tcp_satype_are_rejected_on_linux() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Tcp, 0x1000);
    s.algorithms.auth = Some(auth(AuthAlgorithm::TcpMd5, Some(10)));
    let e = errors(StatementKind::Add(s), Dialect::Linux);
    assert_eq!(
        e,
        vec![
            (
                PROTO_SPAN,
                "the tcp (TCP-MD5) SA type is not supported on linux".to_string()
            ),
            (
                AUTH_SPAN,
                "authentication algorithm tcp-md5 is not supported on linux".to_string()
            ),
        ]
    );
}

/// `-C oui` has no Linux number (net/xfrm/xfrm_algo.c calg_list: deflate, lzs, lzjh).
#[test]
fn compression_oui_is_rejected_on_linux() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::IpComp, 0x1000);
    s.algorithms.compress = Some(at(CompressAlgorithm::Oui, 50, 53));
    assert_eq!(
        error(StatementKind::Add(s), Dialect::Linux),
        (
            span(50, 53),
            "compression algorithm oui is not supported on linux".to_string()
        )
    );
}

#[test]
fn aes_key_length_error_says_what_is_wanted() {
    for d in Dialect::ALL {
        let (at_span, message) = error(
            StatementKind::Add(esp(EncryptAlgorithm::AesCbc, Some(15))),
            d,
        );
        assert_eq!(at_span, span(58, 90));
        assert_eq!(
            message,
            "aes-cbc key must be 128, 192 or 256 bits, got 120 bits (15 bytes)"
        );
    }
}

#[test]
fn freebsd_aes_gcm_needs_the_salted_sizes() {
    assert_eq!(
        error(
            StatementKind::Add(esp(EncryptAlgorithm::AesGcm16, Some(16))),
            Dialect::FreeBsd
        )
        .1,
        "aes-gcm-16 key must be 160, 224 or 288 bits, got 128 bits (16 bytes)"
    );
}

#[test]
fn hmac_key_length_is_exact() {
    assert_eq!(
        error(
            StatementKind::Add(ah(AuthAlgorithm::HmacSha1, Some(16))),
            Dialect::Linux
        ),
        (
            span(160, 194),
            "hmac-sha1 key must be 160 bits, got 128 bits (16 bytes)".to_string()
        )
    );
}

#[test]
fn tcp_md5_keys_are_1_to_80_bytes() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Tcp, 0x1000);
    s.algorithms.auth = Some(auth(AuthAlgorithm::TcpMd5, Some(81)));
    assert_eq!(
        error(StatementKind::Add(s), Dialect::NetBsd).1,
        "tcp-md5 key must be 1 to 80 bytes, got 81"
    );
}

#[test]
fn aead_with_an_auth_algorithm_is_rejected() {
    let mut s = esp(EncryptAlgorithm::AesGcm16, Some(20));
    s.algorithms.auth = Some(auth(AuthAlgorithm::HmacSha1, Some(20)));
    assert_eq!(
        error(StatementKind::Add(s), Dialect::FreeBsd),
        (
            AUTH_SPAN,
            "aes-gcm-16 authenticates by itself: give no -A".to_string()
        )
    );
}

#[test]
fn esp_null_on_freebsd_needs_a_key_string() {
    assert_eq!(
        error(
            StatementKind::Add(esp(EncryptAlgorithm::Null, None)),
            Dialect::FreeBsd
        ),
        (
            ENC_SPAN,
            "null needs a key on freebsd (use \"\" for an empty one)".to_string()
        )
    );
}

#[test]
fn esp_null_on_ipsec_tools_takes_no_key() {
    assert_eq!(
        error(
            StatementKind::Add(esp(EncryptAlgorithm::Null, Some(4))),
            Dialect::Linux
        )
        .1,
        "null takes no key on linux"
    );
}

/// NetBSD's kernel refuses authentication null, which takes no key, for AH (key_add: no
/// KEY_AUTH) and for ESP (sys/netipsec/xform_ah.c 1.111 ah_init0: "no authentication key");
/// both answered EINVAL on the NetBSD kernel harness. FreeBSD 14's ah_init0
/// (sobomax/freebsd14_vendor 0f7ff3427c99 sys/netipsec/xform_ah.c) refuses it the same way.
/// Refused before anything is sent.
#[test]
fn authentication_null_is_refused_for_the_bsds_before_sending() {
    let mut esp_null_auth = esp(EncryptAlgorithm::AesCbc, Some(16));
    esp_null_auth.algorithms.auth = Some(auth(AuthAlgorithm::Null, None));
    for s in [ah(AuthAlgorithm::Null, None), esp_null_auth] {
        let (span, message) = error(StatementKind::Add(s.clone()), Dialect::NetBsd);
        assert_eq!(span, AUTH_SPAN);
        assert!(
            message.starts_with(
                "NetBSD's kernel refuses authentication null: it needs an authentication key"
            ),
            "{message}"
        );
        let (span, message) = error(StatementKind::Add(s.clone()), Dialect::FreeBsd);
        assert_eq!(span, AUTH_SPAN);
        assert!(
            message.starts_with("FreeBSD's kernel refuses authentication null: ah_init0"),
            "{message}"
        );
        assert!(ops(StatementKind::Add(s.clone()), Dialect::Linux).is_ok());
    }
}

#[test]
fn freebsd_only_sa_options_name_the_target() {
    let mut s = esp(EncryptAlgorithm::AesCbc, Some(16));
    s.options.esn = Some(span(33, 37));
    s.options.natt_mtu = Some(at(1400, 38, 50));
    s.options.hwif = Some(at("mce0".to_string(), 51, 60));
    for d in [Dialect::NetBsd, Dialect::Linux] {
        let e = errors(StatementKind::Add(s.clone()), d);
        let expected = vec![
            (
                span(33, 37),
                format!("-esn exists only on freebsd, not on {d}"),
            ),
            (
                span(38, 50),
                format!("-natt_mtu exists only on freebsd, not on {d}"),
            ),
            (span(38, 50), "-natt_mtu needs -natt".to_string()),
            (
                span(51, 60),
                format!("-hwif exists only on freebsd, not on {d}"),
            ),
        ];
        assert_eq!(e, expected, "{d}");
    }
}

#[test]
fn natt_is_freebsd_only() {
    let mut s = esp(EncryptAlgorithm::AesCbc, Some(16));
    s.options.natt = Some(at(
        NatTraversal {
            oai: ip("10.1.1.1"),
            sport: Some(4500),
            oar: ip("10.2.2.2"),
            dport: Some(4500),
        },
        33,
        70,
    ));
    assert_eq!(
        error(StatementKind::Add(s), Dialect::Linux),
        (
            span(33, 70),
            "-natt exists only on freebsd, not on linux".to_string()
        )
    );
}

#[test]
fn byte_lifetimes_are_rejected_on_freebsd() {
    let mut s = esp(EncryptAlgorithm::AesCbc, Some(16));
    s.options.lifetime_hard_bytes = Some(at(1000, 33, 41));
    assert_eq!(
        error(StatementKind::Add(s), Dialect::FreeBsd),
        (
            span(33, 41),
            "byte lifetimes (-bh, -bs) is not supported on freebsd".to_string()
        )
    );
}

#[test]
fn security_context_is_sent_on_linux_ignored_on_netbsd_refused_on_freebsd() {
    let mut s = esp(EncryptAlgorithm::AesCbc, Some(16));
    s.options.ctx = Some(at(
        SecurityContext {
            doi: 1,
            alg: 1,
            context: "x".into(),
        },
        33,
        45,
    ));
    assert_eq!(
        error(StatementKind::Add(s.clone()), Dialect::FreeBsd),
        (
            span(33, 45),
            "-ctx (a security context) exists only on linux, not on freebsd".to_string()
        )
    );
    // NetBSD's setkey parses -ctx and sends nothing for it (parse.y, #ifdef SADB_X_EXT_SEC_CTX).
    let netbsd = ops(StatementKind::Add(s.clone()), Dialect::NetBsd).unwrap();
    let [Operation::Warning(w), Operation::Send(m)] = &netbsd[..] else {
        panic!("{netbsd:?}")
    };
    assert_eq!(w.span, span(33, 45));
    assert!(w.message.starts_with("-ctx is ignored on netbsd"));
    assert!(!m
        .extensions
        .iter()
        .any(|e| matches!(e, Extension::SecCtx(_))));
    let linux = send(StatementKind::Add(s), Dialect::Linux);
    assert!(linux
        .extensions
        .iter()
        .any(|e| matches!(e, Extension::SecCtx(_))));
}

#[test]
fn replay_over_255_does_not_fit_outside_freebsd() {
    let mut s = esp(EncryptAlgorithm::AesCbc, Some(16));
    s.options.replay = Some(at(256, 33, 40));
    for d in [Dialect::NetBsd, Dialect::Linux] {
        assert_eq!(
            error(StatementKind::Add(s.clone()), d),
            (
                span(33, 40),
                format!(
                    "replay window of 256 bytes does not fit the 8-bit field on {d} (at most 255)"
                )
            )
        );
    }
}

#[test]
fn replay_with_old_protocols_is_rejected() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::EspOld, 0x1000);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::DesCbc, Some(8)));
    s.options.replay = Some(at(4, 33, 38));
    assert_eq!(
        error(StatementKind::Add(s), Dialect::NetBsd),
        (
            span(33, 38),
            "replay prevention cannot be used with ah/esp-old".to_string()
        )
    );
}

#[test]
fn des_deriv_and_des_32iv_need_the_matching_protocol_generation() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::EspOld, 0x1000);
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::DesDeriv, Some(8)));
    assert_eq!(
        error(StatementKind::Add(s), Dialect::NetBsd),
        (
            ENC_SPAN,
            "des-deriv needs new-style esp, not esp-old (algorithm mismatched)".to_string()
        )
    );
    let s = esp(EncryptAlgorithm::Des32Iv, Some(8));
    assert_eq!(
        error(StatementKind::Add(s), Dialect::Linux),
        (
            ENC_SPAN,
            "des-32iv needs esp-old (algorithm mismatched)".to_string()
        )
    );
}

#[test]
fn getspi_is_rejected_on_freebsd() {
    let s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x1000);
    assert_eq!(
        error(StatementKind::GetSpi(s), Dialect::FreeBsd),
        (STMT_SPAN, "getspi is not supported on freebsd".to_string())
    );
}

#[test]
fn family_switches_reject_the_other_family() {
    let mut s = esp(EncryptAlgorithm::AesCbc, Some(16));
    s.flags.inet6_only = true;
    assert_eq!(
        errors(StatementKind::Add(s), Dialect::Linux),
        vec![
            (
                SRC_SPAN,
                "-6 allows only IPv6 addresses, got 10.0.0.1".to_string()
            ),
            (
                DST_SPAN,
                "-6 allows only IPv6 addresses, got 10.0.0.2".to_string()
            ),
        ]
    );
    let mut s = sa("2001:db8::1", "10.0.0.2", SaProtocol::Esp, 0x1000);
    s.flags.inet4_only = true;
    s.algorithms.encrypt = Some(enc(EncryptAlgorithm::AesCbc, Some(16)));
    assert_eq!(
        errors(StatementKind::Delete(s), Dialect::NetBsd),
        vec![
            (
                SRC_SPAN,
                "-4 allows only IPv4 addresses, got 2001:db8::1".to_string()
            ),
            (
                DST_SPAN,
                "source 2001:db8::1 and destination 10.0.0.2 are not of the same address family"
                    .to_string()
            ),
        ]
    );
}
