//! SPD statements compiled for each target: policy extension, selectors, fwd copies.

mod compile_support;

use compile_support::*;
use setkey::compile::Operation;
use setkey::lang::*;
use setkey::pfkey::consts::*;
use setkey::pfkey::{AddressKind, Dialect, Extension, IpsecRequest, Policy};

fn selector(a: &str, prefixlen: Option<u8>, port: Option<Port>, start: usize) -> Spanned<Selector> {
    at(
        Selector {
            addr: ip(a),
            prefixlen,
            port,
            zone: None,
        },
        start,
        start + 8,
    )
}

fn policy_spec(
    dir: Direction,
    action: PolicyAction,
    requests: Vec<IpsecRequestSpec>,
) -> Spanned<PolicySpec> {
    Spanned {
        value: PolicySpec {
            dir,
            priority: None,
            action: Some(action),
            requests: requests.into(),
        },
        span: POLICY_SPAN,
    }
}

fn request(
    proto: IpsecProtocol,
    mode: Mode,
    level: Level,
    tunnel: Option<(&str, &str)>,
) -> IpsecRequestSpec {
    IpsecRequestSpec {
        proto,
        mode,
        endpoints: tunnel.map(|(s, d)| RequestEndpoints {
            src: Host {
                addr: ip(s),
                port: None,
                zone: None,
            },
            dst: Host {
                addr: ip(d),
                port: None,
                zone: None,
            },
        }),
        level,
        span: span(60, 80),
    }
}

fn spd(upper: UpperProtocol, policy: Spanned<PolicySpec>) -> SpdStatement {
    SpdStatement {
        flags: AddressFlags::default(),
        src: selector("10.0.1.0", Some(24), None, 7),
        dst: selector("10.0.2.0", Some(24), Some(Port::Number(80)), 16),
        upper: at(upper, 25, 28),
        misc: None,
        ctx: None,
        policy,
        hwif: None,
    }
}

fn esp_transport_require() -> IpsecRequest {
    IpsecRequest {
        proto: 50,
        mode: IPSEC_MODE_TRANSPORT,
        level: IPSEC_LEVEL_REQUIRE,
        reqid: 0,
        endpoints: None,
    }
}

fn out_ipsec_policy(dialect: Dialect) -> Policy {
    Policy {
        requests: vec![esp_transport_require()],
        ..policy(
            IPSEC_DIR_OUTBOUND,
            IPSEC_POLICY_IPSEC,
            default_priority(dialect),
        )
    }
}

fn tcp_selectors() -> [Extension; 2] {
    [
        addr(AddressKind::Src, "10.0.1.0", 0, 6, 24),
        addr(AddressKind::Dst, "10.0.2.0", 80, 6, 24),
    ]
}

fn out_statement() -> SpdStatement {
    spd(
        UpperProtocol::Number(6),
        policy_spec(
            Direction::Out,
            PolicyAction::Ipsec,
            vec![request(
                IpsecProtocol::Esp,
                Mode::Transport,
                Level::Require,
                None,
            )],
        ),
    )
}

#[test]
fn spdadd_out_transport_on_every_target() {
    for d in Dialect::ALL {
        let [src, dst] = tcp_selectors();
        let expected = message(
            SADB_X_SPDADD,
            0,
            vec![Extension::Policy(out_ipsec_policy(d)), src, dst],
        );
        assert_eq!(
            send(StatementKind::SpdAdd(out_statement()), d),
            expected,
            "{d}"
        );
    }
}

#[test]
fn spdupdate_and_spddelete_share_the_shape() {
    for (d, kind, msg_type) in [
        (
            Dialect::NetBsd,
            StatementKind::SpdUpdate(out_statement()),
            SADB_X_SPDUPDATE,
        ),
        (
            Dialect::Linux,
            StatementKind::SpdUpdate(out_statement()),
            SADB_X_SPDUPDATE,
        ),
        (
            Dialect::FreeBsd,
            StatementKind::SpdDelete(out_statement()),
            SADB_X_SPDDELETE,
        ),
        (
            Dialect::Linux,
            StatementKind::SpdDelete(out_statement()),
            SADB_X_SPDDELETE,
        ),
    ] {
        let [src, dst] = tcp_selectors();
        let expected = message(
            msg_type,
            0,
            vec![Extension::Policy(out_ipsec_policy(d)), src, dst],
        );
        assert_eq!(send(kind, d), expected, "{d}");
    }
}

#[test]
fn missing_prefix_is_full_length_and_any_is_255() {
    let mut s = out_statement();
    s.src = selector("2001:db8::1", None, Some(Port::Any), 7);
    s.dst = selector("2001:db8::2", None, None, 16);
    s.upper = at(UpperProtocol::Any, 25, 28);
    let m = send(StatementKind::SpdAdd(s), Dialect::NetBsd);
    assert_eq!(
        m.extensions[1],
        addr(AddressKind::Src, "2001:db8::1", 0, 255, 128)
    );
    assert_eq!(
        m.extensions[2],
        addr(AddressKind::Dst, "2001:db8::2", 0, 255, 128)
    );
}

#[test]
fn policy_actions_map_to_their_types() {
    for (action, number) in [
        (PolicyAction::Discard, 0),
        (PolicyAction::None, 1),
        (PolicyAction::Ipsec, 2),
        (PolicyAction::Entrust, 3),
        (PolicyAction::Bypass, 4),
    ] {
        let s = spd(
            UpperProtocol::Any,
            policy_spec(Direction::In, action, vec![]),
        );
        // FreeBSD's kernel refuses entrust and bypass (tests/freebsd14_rules.rs).
        let m = send(StatementKind::SpdAdd(s), Dialect::NetBsd);
        assert_eq!(
            m.extensions[0],
            Extension::Policy(policy(IPSEC_DIR_INBOUND, number, 0))
        );
    }
}

#[test]
fn bare_direction_is_discard() {
    let mut p = policy_spec(Direction::Out, PolicyAction::None, vec![]);
    p.value.action = None;
    let s = spd(UpperProtocol::Any, p);
    let m = send(StatementKind::SpdDelete(s), Dialect::NetBsd);
    assert_eq!(
        m.extensions[0],
        Extension::Policy(policy(IPSEC_DIR_OUTBOUND, 0, 0))
    );
}

#[test]
fn tunnel_request_carries_its_endpoints_and_unique_reqid() {
    let s = spd(
        UpperProtocol::Any,
        policy_spec(
            Direction::Out,
            PolicyAction::Ipsec,
            vec![
                request(
                    IpsecProtocol::Esp,
                    Mode::Tunnel,
                    Level::Unique(Some(42)),
                    Some(("192.0.2.1", "192.0.2.2")),
                ),
                request(IpsecProtocol::Ah, Mode::Transport, Level::Use, None),
                request(IpsecProtocol::IpComp, Mode::Transport, Level::Default, None),
            ],
        ),
    );
    for d in Dialect::ALL {
        let m = send(StatementKind::SpdAdd(s.clone()), d);
        let expected = Policy {
            requests: vec![
                IpsecRequest {
                    proto: 50,
                    mode: IPSEC_MODE_TUNNEL,
                    level: IPSEC_LEVEL_UNIQUE,
                    reqid: 42,
                    endpoints: Some((sockaddr("192.0.2.1", 0), sockaddr("192.0.2.2", 0))),
                },
                IpsecRequest {
                    proto: 51,
                    mode: IPSEC_MODE_TRANSPORT,
                    level: IPSEC_LEVEL_USE,
                    reqid: 0,
                    endpoints: None,
                },
                IpsecRequest {
                    proto: 108,
                    mode: IPSEC_MODE_TRANSPORT,
                    level: IPSEC_LEVEL_DEFAULT,
                    reqid: 0,
                    endpoints: None,
                },
            ],
            ..policy(IPSEC_DIR_OUTBOUND, IPSEC_POLICY_IPSEC, default_priority(d))
        };
        assert_eq!(m.extensions[0], Extension::Policy(expected), "{d}");
    }
}

#[test]
fn freebsd_tcp_request_protocol_is_6() {
    let s = spd(
        UpperProtocol::Number(6),
        policy_spec(
            Direction::Out,
            PolicyAction::Ipsec,
            vec![request(
                IpsecProtocol::Tcp,
                Mode::Transport,
                Level::Require,
                None,
            )],
        ),
    );
    let m = send(StatementKind::SpdAdd(s), Dialect::FreeBsd);
    let Extension::Policy(p) = &m.extensions[0] else {
        panic!("policy first");
    };
    assert_eq!(p.requests[0].proto, 6);
}

fn inbound_unique() -> SpdStatement {
    spd(
        UpperProtocol::Any,
        policy_spec(
            Direction::In,
            PolicyAction::Ipsec,
            vec![
                request(
                    IpsecProtocol::Esp,
                    Mode::Tunnel,
                    Level::Unique(Some(9)),
                    Some(("192.0.2.2", "192.0.2.1")),
                ),
                request(
                    IpsecProtocol::Ah,
                    Mode::Transport,
                    Level::Unique(Some(10)),
                    None,
                ),
            ],
        ),
    )
}

#[test]
fn linux_inbound_policy_gets_a_fwd_copy_with_the_first_unique_made_require() {
    let ops = ops(StatementKind::SpdAdd(inbound_unique()), Dialect::Linux).unwrap();
    let in_requests = vec![
        IpsecRequest {
            proto: 50,
            mode: IPSEC_MODE_TUNNEL,
            level: IPSEC_LEVEL_UNIQUE,
            reqid: 9,
            endpoints: Some((sockaddr("192.0.2.2", 0), sockaddr("192.0.2.1", 0))),
        },
        IpsecRequest {
            proto: 51,
            mode: IPSEC_MODE_TRANSPORT,
            level: IPSEC_LEVEL_UNIQUE,
            reqid: 10,
            endpoints: None,
        },
    ];
    let mut fwd_requests = in_requests.clone();
    fwd_requests[0].level = IPSEC_LEVEL_REQUIRE;
    fwd_requests[0].reqid = 0;
    let build = |dir, requests| {
        let [src, dst] = [
            addr(AddressKind::Src, "10.0.1.0", 0, 255, 24),
            addr(AddressKind::Dst, "10.0.2.0", 80, 255, 24),
        ];
        Operation::Send(message(
            SADB_X_SPDADD,
            0,
            vec![
                Extension::Policy(Policy {
                    requests,
                    ..policy(dir, IPSEC_POLICY_IPSEC, 0x8000_0000)
                }),
                src,
                dst,
            ],
        ))
    };
    assert_eq!(
        ops,
        vec![
            build(IPSEC_DIR_INBOUND, in_requests),
            build(IPSEC_DIR_FWD, fwd_requests)
        ]
    );
}

#[test]
fn fwd_copy_also_follows_spddelete_but_not_outbound_policies() {
    assert_eq!(
        ops(StatementKind::SpdDelete(inbound_unique()), Dialect::Linux)
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        ops(StatementKind::SpdAdd(out_statement()), Dialect::Linux)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn no_fwd_copy_without_rfc_mode_or_on_bsd() {
    let mut o = opts(Dialect::Linux);
    o.linux_fwd_copy = false;
    let stmt = stmt(StatementKind::SpdAdd(inbound_unique()));
    assert_eq!(
        setkey::compile::compile_statement(&stmt, &o).unwrap().len(),
        1
    );
    for d in [Dialect::NetBsd, Dialect::FreeBsd] {
        let mut o = opts(d);
        o.linux_fwd_copy = true;
        assert_eq!(
            setkey::compile::compile_statement(&stmt, &o).unwrap().len(),
            1,
            "{d}"
        );
    }
}

#[test]
fn linux_fwd_direction_is_3() {
    let s = spd(
        UpperProtocol::Any,
        policy_spec(Direction::Fwd, PolicyAction::None, vec![]),
    );
    let m = send(StatementKind::SpdAdd(s), Dialect::Linux);
    assert_eq!(
        m.extensions[0],
        Extension::Policy(policy(IPSEC_DIR_FWD, 1, 0x8000_0000))
    );
}

fn with_priority(prio: Priority) -> SpdStatement {
    let mut p = policy_spec(Direction::Out, PolicyAction::Discard, vec![]);
    p.value.priority = Some(at(prio, 47, 60));
    spd(UpperProtocol::Any, p)
}

fn priority_of(prio: Priority, d: Dialect) -> u32 {
    let m = send(StatementKind::SpdAdd(with_priority(prio)), d);
    match &m.extensions[0] {
        Extension::Policy(p) => p.priority,
        other => panic!("policy first, got {other:?}"),
    }
}

#[test]
fn priority_arithmetic_on_linux() {
    let d = Dialect::Linux;
    assert_eq!(priority_of(Priority::Offset(100), d), 0x8000_0000 - 100);
    assert_eq!(priority_of(Priority::Offset(-100), d), 0x8000_0000 + 100);
    assert_eq!(
        priority_of(Priority::Base(PriorityBase::High, 0), d),
        0x4000_0000
    );
    assert_eq!(
        priority_of(Priority::Base(PriorityBase::Low, 5), d),
        0xC000_0000 - 5
    );
    assert_eq!(
        priority_of(Priority::Base(PriorityBase::Def, -5), d),
        0x8000_0005
    );
    assert_eq!(
        priority_of(Priority::Base(PriorityBase::High, 0x4000_0000), d),
        0
    );
    assert_eq!(
        priority_of(Priority::Base(PriorityBase::Low, -0x3fff_ffff), d),
        0xFFFF_FFFF
    );
}

#[test]
fn priority_is_accepted_on_freebsd_with_the_same_values() {
    assert_eq!(
        priority_of(Priority::Offset(100), Dialect::FreeBsd),
        0x8000_0000 - 100
    );
    assert_eq!(
        priority_of(Priority::Base(PriorityBase::Low, 5), Dialect::FreeBsd),
        0xC000_0000 - 5
    );
}

#[test]
fn icmp_type_and_code_become_the_ports() {
    let mut s = out_statement();
    s.src = selector("10.0.1.0", Some(24), None, 7);
    s.dst = selector("10.0.2.0", Some(24), None, 16);
    s.upper = at(UpperProtocol::Number(58), 25, 30);
    s.misc = Some(at(
        UpperMisc::IcmpType {
            icmp_type: 135,
            code: Some(2),
        },
        31,
        36,
    ));
    for d in Dialect::ALL {
        let m = send(StatementKind::SpdAdd(s.clone()), d);
        assert_eq!(
            m.extensions[1],
            addr(AddressKind::Src, "10.0.1.0", 135, 58, 24),
            "{d}"
        );
        assert_eq!(
            m.extensions[2],
            addr(AddressKind::Dst, "10.0.2.0", 2, 58, 24),
            "{d}"
        );
    }
}

#[test]
fn icmp_type_without_code_leaves_dst_port_0() {
    let mut s = out_statement();
    s.dst = selector("10.0.2.0", Some(24), None, 16);
    s.upper = at(UpperProtocol::Number(1), 25, 29);
    s.misc = Some(at(
        UpperMisc::IcmpType {
            icmp_type: 8,
            code: None,
        },
        30,
        31,
    ));
    let m = send(StatementKind::SpdAdd(s), Dialect::Linux);
    assert_eq!(
        m.extensions[1],
        addr(AddressKind::Src, "10.0.1.0", 8, 1, 24)
    );
    assert_eq!(
        m.extensions[2],
        addr(AddressKind::Dst, "10.0.2.0", 0, 1, 24)
    );
}

#[test]
fn gre_key_is_split_into_two_ports() {
    let mut s = out_statement();
    s.dst = selector("10.0.2.0", Some(24), None, 16);
    s.upper = at(UpperProtocol::Number(47), 25, 28);
    s.misc = Some(at(UpperMisc::GreKey(0x0102_0304), 29, 36));
    for d in [Dialect::NetBsd, Dialect::Linux] {
        let m = send(StatementKind::SpdAdd(s.clone()), d);
        assert_eq!(
            m.extensions[1],
            addr(AddressKind::Src, "10.0.1.0", 0x0102, 47, 24),
            "{d}"
        );
        assert_eq!(
            m.extensions[2],
            addr(AddressKind::Dst, "10.0.2.0", 0x0304, 47, 24),
            "{d}"
        );
    }
}

#[test]
fn linux_security_context_follows_the_addresses() {
    let mut s = out_statement();
    s.ctx = Some(at(
        SecurityContext {
            doi: 1,
            alg: 1,
            context: "a:b:c".into(),
        },
        30,
        45,
    ));
    let m = send(StatementKind::SpdAdd(s), Dialect::Linux);
    assert_eq!(m.extensions.len(), 4);
    assert_eq!(
        m.extensions[3],
        Extension::SecCtx(setkey::pfkey::SecCtx {
            alg: 1,
            doi: 1,
            context: b"a:b:c\0".to_vec()
        })
    );
}

#[test]
fn freebsd_hwif_follows_the_policy() {
    let mut s = out_statement();
    s.hwif = Some(at("mce0".to_string(), 91, 95));
    let m = send(StatementKind::SpdAdd(s), Dialect::FreeBsd);
    assert_eq!(
        m.extensions[1],
        Extension::IfHwOffload(setkey::pfkey::IfHwOffload {
            flags: 0,
            ifname: "mce0".into()
        })
    );
    assert_eq!(m.extensions.len(), 4);
}

/// No target has SADB_X_EXT_TAG: ipsec-tools would send the policy with neither tag nor
/// addresses, which the NetBSD kernel harness refuses (key_spdadd: invalid message is passed).
#[test]
fn spdadd_tagged_is_refused_on_every_target() {
    let kind = StatementKind::SpdAddTagged {
        tag: at("tag1".to_string(), 13, 19),
        policy: policy_spec(Direction::In, PolicyAction::Discard, vec![]),
    };
    for d in Dialect::ALL {
        let e = ops(kind.clone(), d).unwrap_err();
        assert_eq!(e.len(), 1, "{d}");
        assert!(
            e[0].message.starts_with(&format!(
                "spdadd tagged cannot work on {d}: its PF_KEY has no tag extension"
            )),
            "{d}: {}",
            e[0].message
        );
    }
}

/// ipsec-tools' libipsec (NetBSD, Linux) takes `addr[port]` tunnel endpoints
/// (policy_parse.y: `IPADDRESS PORT HYPHEN IPADDRESS PORT`); FreeBSD's libipsec has no such
/// form. The NetBSD kernel harness accepts the policy.
#[test]
fn tunnel_endpoint_ports_on_ipsec_tools_targets_only() {
    let mut r = request(
        IpsecProtocol::Esp,
        Mode::Tunnel,
        Level::Require,
        Some(("192.0.2.1", "192.0.2.2")),
    );
    if let Some(e) = &mut r.endpoints {
        e.src.port = Some(4500);
        e.dst.port = Some(4501);
    }
    let s = spd(
        UpperProtocol::Any,
        policy_spec(Direction::Out, PolicyAction::Ipsec, vec![r]),
    );
    for d in [Dialect::NetBsd, Dialect::Linux] {
        let m = send(StatementKind::SpdAdd(s.clone()), d);
        let Extension::Policy(p) = &m.extensions[0] else {
            panic!("{d}: no policy first");
        };
        assert_eq!(
            p.requests[0].endpoints,
            Some((sockaddr("192.0.2.1", 4500), sockaddr("192.0.2.2", 4501))),
            "{d}"
        );
    }
    assert!(ops(StatementKind::SpdAdd(s), Dialect::FreeBsd).is_err());
}
