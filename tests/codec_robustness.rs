//! parse never panics on bad input, and says exactly what is wrong and where.

use std::net::Ipv4Addr;

use proptest::prelude::*;
use setkey::pfkey::consts::*;
use setkey::pfkey::*;
use zeroize::Zeroizing;

/// A header of `words` 64-bit words (type ADD, satype ESP) followed by `body`.
fn with_header(words: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![2, 3, 0, 3, words, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    out.extend_from_slice(body);
    out
}

fn error_text(bytes: &[u8], dialect: Dialect) -> String {
    parse(bytes, dialect).unwrap_err().to_string()
}

/// Sets `sadb_msg_len` to match the buffer (when it is a whole number of words).
fn fix_len(bytes: &mut [u8]) {
    if bytes.len() >= 16 {
        let words = (bytes.len() / 8) as u16;
        bytes[4..6].copy_from_slice(&words.to_le_bytes());
    }
}

fn sample(dialect: Dialect) -> Vec<u8> {
    let v4 = |last| SockAddr::V4 {
        addr: Ipv4Addr::new(10, 0, 0, last),
        port: 500,
    };
    let mut m = Message::new(SADB_X_SPDADD, 0);
    m.extensions = vec![
        Extension::Policy(Policy {
            policy_type: IPSEC_POLICY_IPSEC,
            dir: IPSEC_DIR_OUTBOUND,
            requests: vec![IpsecRequest {
                proto: 50,
                mode: IPSEC_MODE_TUNNEL,
                level: IPSEC_LEVEL_REQUIRE,
                reqid: 1,
                endpoints: Some((v4(1), v4(2))),
            }],
            ..Policy::default()
        }),
        Extension::Key(
            KeyKind::Auth,
            Key {
                bits: 160,
                reserved: 0,
                data: Zeroizing::new(vec![7; 20]),
            },
        ),
        Extension::Address(
            AddressKind::Src,
            Address {
                proto: 255,
                prefixlen: 32,
                reserved: 0,
                addr: v4(1),
            },
        ),
        Extension::Identity(
            IdentityKind::Dst,
            Identity {
                ident_type: 2,
                reserved: 0,
                id: 0,
                text: b"peer".to_vec(),
            },
        ),
        Extension::Sensitivity(Sensitivity {
            sens_bitmap: vec![1],
            ..Sensitivity::default()
        }),
    ];
    emit(&m, dialect).unwrap()
}

#[test]
fn every_prefix_of_a_valid_message_is_an_error() {
    for dialect in Dialect::ALL {
        let bytes = sample(dialect);
        assert!(parse(&bytes, dialect).is_ok());
        for end in 0..bytes.len() {
            assert!(
                parse(&bytes[..end], dialect).is_err(),
                "{dialect} prefix {end}"
            );
            // With the header length patched, the extension checks themselves must catch it.
            let mut cut = bytes[..end - end % 8].to_vec();
            fix_len(&mut cut);
            let _ = parse(&cut, dialect);
        }
    }
}

#[test]
fn header_errors() {
    assert_eq!(
        error_text(&[2, 3, 0, 3, 1, 0, 0, 0], Dialect::Linux),
        "message header: sadb_msg header needs 16 bytes, only 8 bytes left (byte 0)"
    );
    assert_eq!(
        error_text(&with_header(3, &[]), Dialect::NetBsd),
        "message header: sadb_msg_len 3 (24 bytes) does not match the 16 bytes of the message (byte 4)"
    );
    assert_eq!(
        error_text(&with_header(2, &[0; 8]), Dialect::NetBsd),
        "message header: sadb_msg_len 2 (16 bytes) does not match the 24 bytes of the message (byte 4)"
    );
}

#[test]
fn extension_length_errors() {
    assert_eq!(
        error_text(&with_header(3, &[0, 0, 1, 0, 0, 0, 0, 0]), Dialect::FreeBsd),
        "extension SA (1) at byte 16: extension length is 0 (byte 16)"
    );
    assert_eq!(
        error_text(&with_header(3, &[2, 0, 1, 0, 0, 0, 0, 0]), Dialect::FreeBsd),
        "extension SA (1) at byte 16: extension length 2 (16 bytes) runs past the end of the message (8 bytes left) (byte 16)"
    );
    assert_eq!(
        error_text(&with_header(3, &[1, 0, 3, 0, 0, 0, 0, 0]), Dialect::Linux),
        "extension LIFETIME_HARD (3) at byte 16: sadb_lifetime needs 28 bytes, only 4 bytes left (byte 20)"
    );
}

#[test]
fn sockaddr_errors() {
    let mut ext = vec![3, 0, 5, 0, 255, 32, 0, 0, 40, 2, 0, 0, 10, 0, 0, 1];
    ext.extend_from_slice(&[0; 8]);
    assert_eq!(
        error_text(&with_header(5, &ext), Dialect::NetBsd),
        "extension ADDRESS_SRC (5) at byte 16: sockaddr sa_len 40 exceeds the 16 bytes left (byte 24)"
    );
    ext[8] = 15;
    assert_eq!(
        error_text(&with_header(5, &ext), Dialect::FreeBsd),
        "extension ADDRESS_SRC (5) at byte 16: sockaddr sa_len 15 does not match family 2 (needs 16) (byte 24)"
    );
    ext[8] = 1;
    assert_eq!(
        error_text(&with_header(5, &ext), Dialect::FreeBsd),
        "extension ADDRESS_SRC (5) at byte 16: sockaddr sa_len 1 is too small (byte 24)"
    );
    // Linux: AF_INET6 (10) needs 28 bytes but only 16 follow.
    let linux = [
        3, 0, 6, 0, 255, 128, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    assert_eq!(
        error_text(&with_header(5, &linux), Dialect::Linux),
        "extension ADDRESS_DST (6) at byte 16: sockaddr of family 10 needs 28 bytes, only 16 left (byte 24)"
    );
}

#[test]
fn ipsecrequest_length_errors() {
    let policy = |req: &[u8]| {
        let mut ext = vec![(2 + req.len() / 8) as u8, 0, 18, 0, 2, 0, 2, 0];
        ext.extend_from_slice(&[0; 8]);
        ext.extend_from_slice(req);
        with_header((2 + ext.len() / 8) as u8, &ext)
    };
    assert_eq!(
        error_text(&policy(&[4, 0, 50, 0, 1, 2, 0, 0]), Dialect::NetBsd),
        "extension POLICY (18) at byte 16: ipsecrequest len 4 is smaller than its 8-byte header (byte 32)"
    );
    assert_eq!(
        error_text(&policy(&[16, 0, 50, 0, 1, 2, 0, 0]), Dialect::FreeBsd),
        "extension POLICY (18) at byte 16: ipsecrequest len 16 runs past the end of the extension (8 bytes left) (byte 32)"
    );
    assert_eq!(
        error_text(&policy(&[8, 0, 50, 0, 1, 2, 0, 0]), Dialect::Linux),
        "extension POLICY (18) at byte 16: ipsecrequest len 8 is smaller than its 16-byte header (byte 32)"
    );
    // A BSD request whose length leaves room for only one sockaddr.
    let mut one = vec![24, 0, 50, 0, 2, 2, 0, 0, 16, 2, 0, 0, 10, 0, 0, 1];
    one.extend_from_slice(&[0; 8]);
    assert_eq!(
        error_text(&policy(&one), Dialect::NetBsd),
        "extension POLICY (18) at byte 16: sockaddr needs 2 bytes, only 0 bytes left (byte 56)"
    );
}

#[test]
fn key_bits_larger_than_the_extension() {
    let ext = [2, 0, 8, 0, 200, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
    assert_eq!(
        error_text(&with_header(4, &ext), Dialect::Linux),
        "extension KEY_AUTH (8) at byte 16: key of 200 bits needs 25 bytes, the extension holds 8 (byte 24)"
    );
}

#[test]
fn sec_ctx_and_sensitivity_lengths_are_checked() {
    let ctx = [2, 0, 24, 0, 1, 1, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        error_text(&with_header(4, &ctx), Dialect::Linux),
        "extension SEC_CTX (24) at byte 16: security context of ctx_len 200 needs 200 bytes, only 8 bytes left (byte 24)"
    );
    let sens = [2, 0, 12, 0, 0, 0, 0, 0, 0, 3, 0, 1, 0, 0, 0, 0];
    assert_eq!(
        error_text(&with_header(4, &sens), Dialect::NetBsd),
        "extension SENSITIVITY (12) at byte 16: 3+1 bitmap words needs 32 bytes, only 0 bytes left (byte 32)"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for dialect in Dialect::ALL {
            let _ = parse(&bytes, dialect);
        }
    }

    #[test]
    fn random_bytes_behind_a_consistent_header_never_panic(
        words in prop::collection::vec(any::<u64>(), 2..40),
    ) {
        let mut bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        fix_len(&mut bytes);
        for dialect in Dialect::ALL {
            let _ = parse(&bytes, dialect);
        }
    }

    #[test]
    fn mutated_valid_messages_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        for dialect in Dialect::ALL {
            let mut bytes = sample(dialect);
            for (at, value) in &flips {
                let i = at.index(bytes.len());
                bytes[i] = *value;
            }
            fix_len(&mut bytes);
            if let Ok(m) = parse(&bytes, dialect) {
                // Whatever parses must emit again, and that emission must parse to the same.
                if let Ok(again) = emit(&m, dialect) {
                    prop_assert_eq!(parse(&again, dialect).unwrap(), m);
                }
            }
        }
    }
}
