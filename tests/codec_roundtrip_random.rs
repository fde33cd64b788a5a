//! Property test: random valid messages of each dialect survive emit -> parse -> emit.

use proptest::prelude::*;
use setkey::pfkey::*;
use zeroize::Zeroizing;

fn arb_sockaddr(dialect: Dialect, allow_other: bool) -> BoxedStrategy<SockAddr> {
    let v4 = (any::<[u8; 4]>(), any::<u16>()).prop_map(|(a, port)| SockAddr::V4 {
        addr: a.into(),
        port,
    });
    let v6 = (any::<[u8; 16]>(), any::<u16>(), any::<u32>(), any::<u32>()).prop_map(
        |(a, port, flowinfo, scope_id)| SockAddr::V6 {
            addr: a.into(),
            port,
            flowinfo,
            scope_id,
        },
    );
    if !allow_other && !dialect.is_bsd() {
        return prop_oneof![v4, v6].boxed();
    }
    let reserved = [dialect.af_inet(), dialect.af_inet6()];
    let other = if dialect.is_bsd() {
        (0u16..=255, prop::collection::vec(any::<u8>(), 0..40)).boxed()
    } else {
        // Linux: an unknown family fills the rest of the address extension.
        (
            any::<u16>(),
            (0usize..4).prop_flat_map(|k| prop::collection::vec(any::<u8>(), 8 * k + 6)),
        )
            .boxed()
    }
    .prop_filter("family decodes as IP", move |(f, _)| !reserved.contains(f))
    .prop_map(|(family, data)| SockAddr::Other { family, data });
    prop_oneof![v4, v6, other].boxed()
}

fn arb_address_kind() -> impl Strategy<Value = AddressKind> {
    prop::sample::select(vec![
        AddressKind::Src,
        AddressKind::Dst,
        AddressKind::Proxy,
        AddressKind::NatTOai,
        AddressKind::NatTOar,
        AddressKind::NewSrc,
        AddressKind::NewDst,
    ])
}

fn arb_key() -> impl Strategy<Value = Key> {
    prop::collection::vec(any::<u8>(), 0..64).prop_flat_map(|data| {
        let len = data.len() as u16;
        let bits = if len == 0 {
            0..=0
        } else {
            (len - 1) * 8 + 1..=len * 8
        };
        (bits, any::<u16>()).prop_map(move |(bits, reserved)| Key {
            bits,
            reserved,
            data: Zeroizing::new(data.clone()),
        })
    })
}

fn arb_comb() -> impl Strategy<Value = Combination> {
    (
        (
            any::<u8>(),
            any::<u8>(),
            any::<u16>(),
            any::<u16>(),
            any::<u16>(),
            any::<u16>(),
        ),
        (any::<u16>(), any::<u32>(), any::<u32>(), any::<u32>()),
        any::<[u64; 6]>(),
    )
        .prop_map(
            |((a, e, fl, amin, amax, emin), (emax, res, sa, ha), t)| Combination {
                auth: a,
                encrypt: e,
                flags: fl,
                auth_minbits: amin,
                auth_maxbits: amax,
                encrypt_minbits: emin,
                encrypt_maxbits: emax,
                reserved: res,
                soft_allocations: sa,
                hard_allocations: ha,
                soft_bytes: t[0],
                hard_bytes: t[1],
                soft_addtime: t[2],
                hard_addtime: t[3],
                soft_usetime: t[4],
                hard_usetime: t[5],
            },
        )
}

fn arb_request(dialect: Dialect) -> impl Strategy<Value = IpsecRequest> {
    let reqid = if dialect.is_bsd() {
        (0u32..=0xffff).boxed()
    } else {
        any::<u32>().boxed()
    };
    let pair = (arb_sockaddr(dialect, false), arb_sockaddr(dialect, false));
    (
        any::<u16>(),
        any::<u8>(),
        any::<u8>(),
        reqid,
        prop::option::of(pair),
    )
        .prop_map(|(proto, mode, level, reqid, endpoints)| IpsecRequest {
            proto,
            mode,
            level,
            reqid,
            endpoints,
        })
}

fn arb_extension(dialect: Dialect) -> impl Strategy<Value = Extension> {
    let lifetime_kind = prop::sample::select(vec![
        LifetimeKind::Current,
        LifetimeKind::Hard,
        LifetimeKind::Soft,
    ]);
    let key_kind = prop::sample::select(vec![KeyKind::Auth, KeyKind::Encrypt]);
    let ident_kind = prop::sample::select(vec![IdentityKind::Src, IdentityKind::Dst]);
    let supported_kind = prop::sample::select(vec![SupportedKind::Auth, SupportedKind::Encrypt]);
    let port_kind = prop::sample::select(vec![NatTPortKind::Src, NatTPortKind::Dst]);
    let typed =
        prop_oneof![
            any::<(u32, u8, u8, u8, u8, u32)>().prop_map(
                |(spi, replay, state, auth, encrypt, flags)| {
                    Extension::Sa(Sa {
                        spi,
                        replay,
                        state,
                        auth,
                        encrypt,
                        flags,
                    })
                }
            ),
            (lifetime_kind, any::<(u32, u64, u64, u64)>()).prop_map(|(k, (a, b, c, d))| {
                Extension::Lifetime(
                    k,
                    Lifetime {
                        allocations: a,
                        bytes: b,
                        addtime: c,
                        usetime: d,
                    },
                )
            }),
            (
                arb_address_kind(),
                any::<(u8, u8, u16)>(),
                arb_sockaddr(dialect, true)
            )
                .prop_map(|(k, (proto, prefixlen, reserved), addr)| {
                    Extension::Address(
                        k,
                        Address {
                            proto,
                            prefixlen,
                            reserved,
                            addr,
                        },
                    )
                }),
            (key_kind, arb_key()).prop_map(|(k, key)| Extension::Key(k, key)),
            (
                ident_kind,
                any::<(u16, u16, u64)>(),
                prop::collection::vec(any::<u8>(), 0..30)
            )
                .prop_map(|(k, (ident_type, reserved, id), mut text)| {
                    while text.last() == Some(&0) {
                        text.pop();
                    }
                    Extension::Identity(
                        k,
                        Identity {
                            ident_type,
                            reserved,
                            id,
                            text,
                        },
                    )
                }),
            (
                any::<(u32, u8, u8, u32)>(),
                prop::collection::vec(any::<u64>(), 0..4),
                prop::collection::vec(any::<u64>(), 0..4)
            )
                .prop_map(|((dpd, sens_level, integ_level, reserved), s, i)| {
                    Extension::Sensitivity(Sensitivity {
                        dpd,
                        sens_level,
                        integ_level,
                        reserved,
                        sens_bitmap: s,
                        integ_bitmap: i,
                    })
                }),
            (any::<u8>(), prop::collection::vec(arb_comb(), 0..3)).prop_map(
                |(replay, combinations)| Extension::Proposal(Proposal {
                    replay,
                    combinations
                })
            ),
            (
                supported_kind,
                prop::collection::vec(any::<(u8, u8, u16, u16, u16)>(), 0..5)
            )
                .prop_map(|(k, algs)| Extension::Supported(
                    k,
                    algs.into_iter()
                        .map(|(id, ivlen, minbits, maxbits, reserved)| Algorithm {
                            id,
                            ivlen,
                            minbits,
                            maxbits,
                            reserved
                        })
                        .collect()
                )),
            any::<(u32, u32, u32)>().prop_map(|(min, max, reserved)| Extension::SpiRange(
                SpiRange { min, max, reserved }
            )),
            any::<u32>().prop_map(|reserved| Extension::KmPrivate { reserved }),
            (
                any::<(u16, u8, u8, u32, u32)>(),
                prop::collection::vec(arb_request(dialect), 0..3)
            )
                .prop_map(|((policy_type, dir, scope, id, priority), requests)| {
                    Extension::Policy(Policy {
                        policy_type,
                        dir,
                        scope,
                        id,
                        priority,
                        requests,
                    })
                }),
            any::<(u8, u8, u16, u32, u32)>().prop_map(
                |(mode, reserved1, reserved2, sequence, reqid)| {
                    Extension::Sa2(Sa2 {
                        mode,
                        reserved1,
                        reserved2,
                        sequence,
                        reqid,
                    })
                }
            ),
            any::<(u8, [u8; 3])>()
                .prop_map(|(nat_type, reserved)| Extension::NatTType { nat_type, reserved }),
            (port_kind, any::<u16>()).prop_map(|(k, p)| Extension::NatTPort(k, p)),
            any::<(u16, u16)>()
                .prop_map(|(fraglen, reserved)| Extension::NatTFrag { fraglen, reserved }),
            any::<u32>().prop_map(|replay| Extension::SaReplay { replay }),
            (any::<(u8, u8)>(), prop::collection::vec(any::<u8>(), 0..50))
                .prop_map(|((alg, doi), context)| Extension::SecCtx(SecCtx { alg, doi, context })),
            (
                any::<u32>(),
                arb_sockaddr(dialect, false),
                arb_sockaddr(dialect, false)
            )
                .prop_map(|(reserved, local, remote)| Extension::KmAddress {
                    reserved,
                    local,
                    remote
                }),
            any::<([u32; 4], [u32; 4], u16, u8, u8)>().prop_map(
                |(saddr, daddr, family, splen, dplen)| {
                    Extension::Filter(Filter {
                        saddr,
                        daddr,
                        family,
                        splen,
                        dplen,
                    })
                }
            ),
            (any::<u32>(), "[a-z0-9]{0,31}")
                .prop_map(|(flags, ifname)| Extension::IfHwOffload(IfHwOffload { flags, ifname })),
        ]
        .prop_filter("not in this dialect", move |e| {
            ext_type_number(e, dialect).is_some()
        });
    let unknown = (
        prop_oneof![Just(0u16), 26u16..=40, any::<u16>()],
        (0usize..4).prop_flat_map(|k| prop::collection::vec(any::<u8>(), 8 * k + 4)),
    )
        .prop_filter("decoded by this dialect", move |(t, _)| {
            dialect.ext_by_number(*t).and_then(|e| e.slot).is_none()
        })
        .prop_map(|(ext_type, body)| Extension::Unknown { ext_type, body });
    prop_oneof![9 => typed, 1 => unknown]
}

fn arb_message(dialect: Dialect) -> impl Strategy<Value = Message> {
    (
        any::<(u8, u8, u8, u8, u16, u32, u32)>(),
        prop::collection::vec(arb_extension(dialect), 0..8),
    )
        .prop_map(
            |((version, msg_type, errno, satype, reserved, seq, pid), extensions)| Message {
                header: Header {
                    version,
                    msg_type,
                    errno,
                    satype,
                    reserved,
                    seq,
                    pid,
                },
                extensions,
            },
        )
}

fn round_trip(m: &Message, dialect: Dialect) -> Result<(), TestCaseError> {
    let bytes = emit(m, dialect).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = parse(&bytes, dialect).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, m);
    prop_assert_eq!(emit(&back, dialect).unwrap(), bytes);
    Ok(())
}

proptest! {
    #[test]
    fn random_netbsd_messages_round_trip(m in arb_message(Dialect::NetBsd)) {
        round_trip(&m, Dialect::NetBsd)?;
    }

    #[test]
    fn random_freebsd_messages_round_trip(m in arb_message(Dialect::FreeBsd)) {
        round_trip(&m, Dialect::FreeBsd)?;
    }

    #[test]
    fn random_linux_messages_round_trip(m in arb_message(Dialect::Linux)) {
        round_trip(&m, Dialect::Linux)?;
    }
}
