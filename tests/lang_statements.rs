//! The exact statements `lang::parse` produces for each statement form and option.

use std::net::IpAddr;

use setkey::lang::*;

fn one(src: &str) -> StatementKind {
    let mut statements = parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    assert_eq!(statements.len(), 1, "{src}");
    statements.remove(0).kind
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn sa(src: &str) -> SaStatement {
    match one(src) {
        StatementKind::Add(s)
        | StatementKind::Update(s)
        | StatementKind::Get(s)
        | StatementKind::Delete(s)
        | StatementKind::GetSpi(s) => s,
        other => panic!("not an SA statement: {other:?}"),
    }
}

fn spd(src: &str) -> SpdStatement {
    match one(src) {
        StatementKind::SpdAdd(s) | StatementKind::SpdUpdate(s) | StatementKind::SpdDelete(s) => s,
        other => panic!("not an SPD statement: {other:?}"),
    }
}

fn span(start: usize, end: usize) -> Span {
    Span { start, end }
}

#[test]
fn man_page_esp_ipv6_des() {
    let src = "add 3ffe:501:4819::1 3ffe:501:481d::1 esp 123457 -E des-cbc 0x3ffe05014819ffff ;";
    let statements = parse(src).unwrap();
    assert_eq!(statements[0].span, span(0, src.len()));
    let s = sa(src);
    assert_eq!(s.flags, AddressFlags::default());
    assert_eq!(
        s.src.value,
        Host {
            addr: ip("3ffe:501:4819::1"),
            port: None,
            zone: None
        }
    );
    assert_eq!(s.src.span, span(4, 20));
    assert_eq!(
        s.dst.value,
        Host {
            addr: ip("3ffe:501:481d::1"),
            port: None,
            zone: None
        }
    );
    assert_eq!(s.protocol.value, SaProtocol::Esp);
    assert_eq!(s.protocol.span, span(38, 41));
    assert_eq!(s.spi.value, 123457);
    assert_eq!(s.options, SaOptions::default());
    let (alg, key) = s.algorithms.encrypt.unwrap();
    assert_eq!(alg.value, EncryptAlgorithm::DesCbc);
    assert_eq!(
        key.unwrap().value.as_slice(),
        &[0x3f, 0xfe, 0x05, 0x01, 0x48, 0x19, 0xff, 0xff]
    );
    assert!(s.algorithms.auth.is_none());
}

#[test]
fn man_page_spdadd_tunnel() {
    let s = spd("spdadd 10.0.11.41/32[21] 10.0.11.33/32[any] any -P out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require ;");
    assert_eq!(
        s.src.value,
        Selector {
            addr: ip("10.0.11.41"),
            prefixlen: Some(32),
            port: Some(Port::Number(21)),
            zone: None
        }
    );
    assert_eq!(
        s.dst.value,
        Selector {
            addr: ip("10.0.11.33"),
            prefixlen: Some(32),
            port: Some(Port::Any),
            zone: None
        }
    );
    assert_eq!(s.upper.value, UpperProtocol::Any);
    assert_eq!(s.misc, None);
    let p = s.policy.value;
    assert_eq!(p.dir, Direction::Out);
    assert_eq!(p.action, Some(PolicyAction::Ipsec));
    assert_eq!(p.priority, None);
    assert_eq!(p.requests.len(), 1);
    let r = &p.requests[0];
    assert_eq!(r.proto, IpsecProtocol::Esp);
    assert_eq!(r.mode, Mode::Tunnel);
    assert_eq!(
        r.endpoints,
        Some(RequestEndpoints {
            src: Host {
                addr: ip("192.168.0.1"),
                port: None,
                zone: None
            },
            dst: Host {
                addr: ip("192.168.1.2"),
                port: None,
                zone: None
            },
        })
    );
    assert_eq!(r.level, Level::Require);
}

#[test]
fn man_page_icmp6_with_type_code() {
    let s = spd("spdadd fec0::1 fec0::2 icmp6 135,0 -P out none ;");
    assert_eq!(
        s.src.value,
        Selector {
            addr: ip("fec0::1"),
            prefixlen: None,
            port: None,
            zone: None
        }
    );
    assert_eq!(s.upper.value, UpperProtocol::Number(58));
    assert_eq!(
        s.misc.unwrap().value,
        UpperMisc::IcmpType {
            icmp_type: 135,
            code: Some(0)
        }
    );
    assert_eq!(s.policy.value.action, Some(PolicyAction::None));
    assert!(s.policy.value.requests.is_empty());
}

#[test]
fn icmp6_type_without_code_is_accepted() {
    let s = spd("spdadd fec0::1 fec0::2 icmp6 135 -P in none;");
    assert_eq!(
        s.misc.unwrap().value,
        UpperMisc::IcmpType {
            icmp_type: 135,
            code: None
        }
    );
}

#[test]
fn gre_keys() {
    let s = spd("spdadd 10.0.0.1 10.0.0.2 gre 1.2.3.4 -P out none;");
    assert_eq!(s.misc.unwrap().value, UpperMisc::GreKey(0x0102_0304));
    let s = spd("spdadd 10.0.0.1 10.0.0.2 47 4294967295 -P out none;");
    assert_eq!(s.misc.unwrap().value, UpperMisc::GreKey(u32::MAX));
}

#[test]
fn man_page_ipcomp() {
    let s = sa("add 10.0.11.41 10.0.11.33 ipcomp 543 -C deflate ;");
    assert_eq!(s.protocol.value, SaProtocol::IpComp);
    assert_eq!(s.spi.value, 543);
    assert_eq!(
        s.algorithms.compress.unwrap().value,
        CompressAlgorithm::Deflate
    );
    assert_eq!(s.algorithms.raw_cpi, None);
    let s = sa("add 10.0.11.41 10.0.11.33 ipcomp 543 -C lzs -R ;");
    assert_eq!(s.algorithms.raw_cpi, Some(span(44, 46)));
}

#[test]
fn man_page_two_requests() {
    let s =
        spd("spdadd 10.0.11.41 10.0.11.33 any -P out ipsec ah/transport//use esp/transport//use ;");
    let reqs = s.policy.value.requests;
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        (reqs[0].proto, reqs[0].mode, reqs[0].level),
        (IpsecProtocol::Ah, Mode::Transport, Level::Use)
    );
    assert_eq!(
        (reqs[1].proto, reqs[1].mode, reqs[1].level),
        (IpsecProtocol::Esp, Mode::Transport, Level::Use)
    );
    assert_eq!(reqs[0].span, span(46, 63));
    assert_eq!(reqs[0].endpoints, None);
}

#[test]
fn request_short_forms_and_levels() {
    let levels = [
        ("esp/transport//require", Level::Require),
        ("esp/transport/", Level::Default),
        ("esp/transport", Level::Default),
        ("esp/transport//default", Level::Default),
        ("esp/transport//unique", Level::Unique(None)),
        (
            "esp/transport//unique:4294967295",
            Level::Unique(Some(u32::MAX)),
        ),
        ("ipcomp/transport//use", Level::Use),
    ];
    for (text, level) in levels {
        let s = spd(&format!(
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec {text};"
        ));
        assert_eq!(s.policy.value.requests[0].level, level, "{text}");
    }
    let s = spd("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec tcp/transport//require;");
    assert_eq!(s.policy.value.requests[0].proto, IpsecProtocol::Tcp);
}

/// libipsec's policy_parse.y: `me-any` only for outbound, `any-me` only for inbound
/// policies, with no addresses sent, so tunnel mode refuses them (EIPSEC_INVAL_ADDRESS).
#[test]
fn me_any_and_any_me_carry_no_endpoints() {
    let s = spd("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport/me-any/require;");
    assert_eq!(s.policy.value.requests[0].endpoints, None);
    let s = spd("spdadd 10.0.0.2 10.0.0.1 any -P in ipsec esp/transport/any-me/require;");
    assert_eq!(s.policy.value.requests[0].endpoints, None);
    for (bad, message) in [
        (
            "-P in ipsec esp/transport/me-any/require",
            "me-any is only for -P out policies",
        ),
        (
            "-P out ipsec esp/transport/any-me/require",
            "any-me is only for -P in policies",
        ),
        (
            "-P out ipsec esp/tunnel/me-any/require",
            "me-any gives tunnel mode no addresses",
        ),
    ] {
        let e = parse(&format!("spdadd 10.0.0.1 10.0.0.2 any {bad};")).unwrap_err();
        assert!(e[0].message.starts_with(message), "{bad}: {e:?}");
    }
}

#[test]
fn tunnel_endpoints_v6_and_ports() {
    let s = spd("spdadd fe80::1 fe80::2 any -P out ipsec ah/tunnel/fe80::1-fe80::2/use;");
    let e = s.policy.value.requests[0].endpoints.unwrap();
    assert_eq!(e.src.addr, ip("fe80::1"));
    assert_eq!(e.dst.addr, ip("fe80::2"));
    let s = spd("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/10.0.0.1[4500]-10.0.0.2[500]/require;");
    let e = s.policy.value.requests[0].endpoints.unwrap();
    assert_eq!(
        e.src,
        Host {
            addr: ip("10.0.0.1"),
            port: Some(4500),
            zone: None
        }
    );
    assert_eq!(
        e.dst,
        Host {
            addr: ip("10.0.0.2"),
            port: Some(500),
            zone: None
        }
    );
}

#[test]
fn policy_directions_actions_and_bare_direction() {
    for (d, dir) in [
        ("in", Direction::In),
        ("out", Direction::Out),
        ("fwd", Direction::Fwd),
    ] {
        let s = spd(&format!("spdadd 10.0.0.1 10.0.0.2 any -P {d} discard;"));
        assert_eq!(s.policy.value.dir, dir);
        assert_eq!(s.policy.value.action, Some(PolicyAction::Discard));
    }
    for (a, action) in [
        ("entrust", PolicyAction::Entrust),
        ("bypass", PolicyAction::Bypass),
    ] {
        let s = spd(&format!("spdadd 10.0.0.1 10.0.0.2 any -P in {a};"));
        assert_eq!(s.policy.value.action, Some(action));
    }
    let s = spd("spddelete 10.0.0.1 10.0.0.2 any -P out;");
    assert_eq!(s.policy.value.action, None);
}

#[test]
fn priorities() {
    let cases = [
        ("prio 5", Priority::Offset(5)),
        ("priority -7", Priority::Offset(-7)),
        ("prio high", Priority::Base(PriorityBase::High, 0)),
        ("prio low + 3", Priority::Base(PriorityBase::Low, 3)),
        ("prio def - 4", Priority::Base(PriorityBase::Def, -4)),
        (
            "prio def +1073741824",
            Priority::Base(PriorityBase::Def, 1 << 30),
        ),
        // ipsec-tools policy_token.l returns PRIO_BASE, PLUS/HYPHEN and PRIO_OFFSET as tokens
        // of their own, so no blank is needed between them (NetBSD's tests/net/ipsec).
        ("priority def+1", Priority::Base(PriorityBase::Def, 1)),
        ("prio high-5", Priority::Base(PriorityBase::High, -5)),
        ("prio low+2", Priority::Base(PriorityBase::Low, 2)),
    ];
    for (text, prio) in cases {
        let s = spd(&format!("spdadd 10.0.0.1 10.0.0.2 any -P out {text} none;"));
        assert_eq!(s.policy.value.priority.unwrap().value, prio, "{text}");
    }
}

/// The C lexers (NetBSD's and FreeBSD's token.l) return `[` and `]` as tokens of their own,
/// so blanks may stand around them; `[any]` is port 0 (NetBSD parse.y `portstr`).
#[test]
fn sa_ports_with_blanks_and_any() {
    let s = sa("add 10.0.1.2 [4500] 20.0.0.2 [ 4500 ] esp-udp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;");
    assert_eq!(s.src.value.port, Some(4500));
    assert_eq!(s.dst.value.port, Some(4500));
    assert_eq!(s.src.span, span(4, 19));
    let s = sa("add 10.0.1.2[any] 20.0.0.2 [any] esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;");
    assert_eq!((s.src.value.port, s.dst.value.port), (None, None));
    let StatementKind::DeleteAll(d) = one("deleteall 10.0.1.2 [4500] 20.0.0.2[4500] esp;") else {
        panic!("not deleteall");
    };
    assert_eq!(
        (d.src.value.port, d.dst.value.port),
        (Some(4500), Some(4500))
    );
}

#[test]
fn sa_options_all() {
    let s = sa("add -64n 10.0.0.1[4500] 10.0.0.2[500] esp 0x1000 -m tunnel -u 7 -r 32 -f random-pad \
                -f nocyclic-seq -lh 100 -ls 90 -bh 18446744073709551615 -bs 1 -ctx 1 2 \"system_u\" \
                -natt 192.168.0.1 [4500] 192.168.0.2 [4501] -natt_mtu 1400 -esn -hwif em0 \
                -E aes-cbc \"0123456789abcdef\" -A hmac-sha1 0xabc;");
    // -6 then -4: the last one wins, as in setkey.
    assert_eq!(
        s.flags,
        AddressFlags {
            inet4_only: true,
            inet6_only: false,
            numeric: true
        }
    );
    assert_eq!(s.src.value.port, Some(4500));
    assert_eq!(s.dst.value.port, Some(500));
    let o = &s.options;
    assert_eq!(o.mode.as_ref().unwrap().value, Mode::Tunnel);
    assert_eq!(o.reqid.as_ref().unwrap().value, 7);
    assert_eq!(o.replay.as_ref().unwrap().value, 32);
    assert_eq!(o.pads.last().unwrap().value, PadOption::RandomPad);
    assert!(o.nocyclic_seq.is_some());
    assert_eq!(o.lifetime_hard_secs.as_ref().unwrap().value, 100);
    assert_eq!(o.lifetime_soft_secs.as_ref().unwrap().value, 90);
    assert_eq!(o.lifetime_hard_bytes.as_ref().unwrap().value, u64::MAX);
    assert_eq!(o.lifetime_soft_bytes.as_ref().unwrap().value, 1);
    assert_eq!(
        o.ctx.as_ref().unwrap().value,
        SecurityContext {
            doi: 1,
            alg: 2,
            context: "system_u".into()
        }
    );
    assert_eq!(
        o.natt.as_ref().unwrap().value,
        NatTraversal {
            oai: ip("192.168.0.1"),
            sport: Some(4500),
            oar: ip("192.168.0.2"),
            dport: Some(4501)
        }
    );
    assert_eq!(o.natt_mtu.as_ref().unwrap().value, 1400);
    assert!(o.esn.is_some());
    assert_eq!(o.hwif.as_ref().unwrap().value, "em0");
    let (e, ekey) = s.algorithms.encrypt.unwrap();
    assert_eq!(e.value, EncryptAlgorithm::AesCbc);
    assert_eq!(ekey.unwrap().value.as_slice(), b"0123456789abcdef");
    let (a, akey) = s.algorithms.auth.unwrap();
    assert_eq!(a.value, AuthAlgorithm::HmacSha1);
    // An odd digit count gets a leading zero nibble.
    assert_eq!(akey.unwrap().value.as_slice(), &[0x0a, 0xbc]);
}

#[test]
fn duplicated_options_last_wins() {
    let s = sa("add 10.0.0.1 10.0.0.2 esp 1000 -m tunnel -m transport -u 1 -u 2 -E null;");
    assert_eq!(s.options.mode.unwrap().value, Mode::Transport);
    assert_eq!(s.options.reqid.unwrap().value, 2);
    let (e, key) = s.algorithms.encrypt.unwrap();
    assert_eq!((e.value, key), (EncryptAlgorithm::Null, None));
}

#[test]
fn algorithm_name_aliases() {
    let a = |name: &str| {
        sa(&format!("add 10.0.0.1 10.0.0.2 ah 1000 -A {name} 0x00;"))
            .algorithms
            .auth
            .unwrap()
            .0
            .value
    };
    assert_eq!(a("hmac-sha256"), AuthAlgorithm::HmacSha256);
    assert_eq!(a("hmac-sha2-256"), AuthAlgorithm::HmacSha256);
    assert_eq!(a("hmac-sha2-512"), AuthAlgorithm::HmacSha512);
    let e = |name: &str| {
        sa(&format!("add 10.0.0.1 10.0.0.2 esp 1000 -E {name} 0x00;"))
            .algorithms
            .encrypt
            .unwrap()
            .0
            .value
    };
    assert_eq!(e("aes-cbc"), EncryptAlgorithm::AesCbc);
    assert_eq!(e("rijndael-cbc"), EncryptAlgorithm::RijndaelCbc);
    assert_eq!(e("aes-gcm-16"), EncryptAlgorithm::AesGcm16);
    assert_eq!(e("3des-cbc"), EncryptAlgorithm::TripleDesCbc);
    let s = sa("add 10.0.0.1 10.0.0.2 esp-old 1000 -E des-32iv 0x00;");
    assert_eq!(
        s.algorithms.encrypt.unwrap().0.value,
        EncryptAlgorithm::Des32Iv
    );
}

#[test]
fn sa_commands() {
    assert!(matches!(
        one("get 10.0.0.1 10.0.0.2 esp 0x1000;"),
        StatementKind::Get(_)
    ));
    assert!(matches!(
        one("delete 10.0.0.1 10.0.0.2 ah 4096;"),
        StatementKind::Delete(_)
    ));
    assert!(matches!(
        one("getspi 10.0.0.1 10.0.0.2 esp 0;"),
        StatementKind::GetSpi(_)
    ));
    assert!(matches!(
        one("update 10.0.0.1 10.0.0.2 ah 4096 -A hmac-md5 \"1234567890123456\";"),
        StatementKind::Update(_)
    ));
    let s = sa("add 10.0.0.1 10.0.0.2 tcp 0x1000 -A tcp-md5 \"secret\";");
    assert_eq!(s.protocol.value, SaProtocol::Tcp);
    let s = sa("add 10.0.0.1 10.0.0.2 esp-udp 192.168.1.1 0x1000 -E null;");
    assert_eq!(s.protocol.value, SaProtocol::EspUdp);
    assert_eq!(s.esp_udp_oa.unwrap().value, ip("192.168.1.1"));
    let s = sa("add 10.0.0.1 10.0.0.2 esp-udp 0x1000 -E null;");
    assert_eq!((s.esp_udp_oa, s.spi.value), (None, 0x1000));
    let s = sa("add fe80::1%em0 fe80::2%em0 esp 0xffffffff -E null;");
    assert_eq!(s.src.value.addr, ip("fe80::1"));
    assert_eq!(s.spi.value, u32::MAX);
}

#[test]
fn other_commands() {
    match one("deleteall -4 10.0.0.1 10.0.0.2 esp;") {
        StatementKind::DeleteAll(d) => {
            assert!(d.flags.inet4_only);
            assert_eq!(d.protocol.value, SaProtocol::Esp);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(one("flush;"), StatementKind::Flush(None));
    match one("dump ah-old;") {
        StatementKind::Dump(Some(p)) => {
            assert_eq!((p.value, p.span), (SaProtocol::AhOld, span(5, 11)))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(one("spdflush;"), StatementKind::SpdFlush);
    assert_eq!(one("spddump;"), StatementKind::SpdDump);
    for word in ["exit", "quit", "bye"] {
        assert_eq!(one(&format!("{word};")), StatementKind::Exit);
    }
    match one("spdadd tagged \"my tag\" -P out ipsec esp/transport//require;") {
        StatementKind::SpdAddTagged { tag, policy } => {
            assert_eq!(tag.value, "my tag");
            assert_eq!(policy.value.requests.len(), 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn spd_forms() {
    let s = spd("spdupdate -6 fe80::/64[500] fe80::2/128 udp -ctx 1 1 \"ctx\" -P in ipsec esp/transport//use -hwif ix0;");
    assert_eq!(
        s.src.value,
        Selector {
            addr: ip("fe80::"),
            prefixlen: Some(64),
            port: Some(Port::Number(500)),
            zone: None
        }
    );
    assert_eq!(s.upper.value, UpperProtocol::Number(17));
    assert_eq!(s.ctx.unwrap().value.context, "ctx");
    assert_eq!(s.hwif.unwrap().value, "ix0");
    assert!(s.flags.inet6_only);
    let names = [
        ("tcp", 6),
        ("ip4", 4),
        ("ipv6-icmp", 58),
        ("sctp", 132),
        ("mh", 135),
        ("gre", 47),
        ("255", 255),
    ];
    for (name, number) in names {
        let s = spd(&format!("spdadd 10.0.0.0/8 10.0.0.0/8 {name} -P out none;"));
        assert_eq!(s.upper.value, UpperProtocol::Number(number), "{name}");
    }
}

#[test]
fn comments_lines_and_empty_files() {
    assert_eq!(parse("").unwrap(), vec![]);
    assert_eq!(parse("  # only a comment\n\n# another\n").unwrap(), vec![]);
    let src = "flush; spdflush; # two on a line\nadd # comment inside\n 10.0.0.1\n10.0.0.2 esp 1000 -E null\n;";
    let statements = parse(src).unwrap();
    assert_eq!(statements.len(), 3);
    assert_eq!(statements[2].span, span(33, src.len()));
}

/// A scope after `%` must be a zone number that fits sin6_scope_id or an interface name:
/// garbage is an error instead of being dropped.
#[test]
fn ipv6_scopes_are_checked() {
    for good in [
        "fe80::1%em0",
        "fe80::1%2",
        "fe80::1%4294967295",
        "fe80::1%vlan0.100",
    ] {
        let s = sa(&format!(
            "add {good} fe80::2 esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;"
        ));
        assert_eq!(s.src.value.addr, ip("fe80::1"), "{good}");
    }
    for bad in [
        "fe80::1%99999999999999999999",
        "fe80::1%4294967296",
        "fe80::1%eth0%eth1",
        "fe80::1%\"",
        "fe80::1%abcdefghijklmnop",
    ] {
        let e = parse(&format!(
            "add {bad} fe80::2 esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;"
        ))
        .unwrap_err();
        assert!(e[0].message.contains("is not a scope"), "{bad}: {e:?}");
        assert_eq!(e[0].span, span(4, 4 + bad.len()), "{bad}");
    }
}
