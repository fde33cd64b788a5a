//! IPv6 zones: `%N` and `%ifname` fill sin6_scope_id of SA addresses, policy selectors and
//! tunnel endpoints, as getaddrinfo(3) fills it for the C setkey (NetBSD ipsec-tools parse.y
//! and FreeBSD sbin/setkey/parse.y take addresses through getaddrinfo; the NetBSD kernel
//! harness keeps fe80::1%1 and fe80::1 apart: scenario link-local-zones).

mod compile_support;

use compile_support::opts;
use setkey::compile::{compile_statement, CompileOptions, Operation};
use setkey::lang::parse;
use setkey::pfkey::{Dialect, Extension, Message, SockAddr};

fn compiled(text: &str, options: &CompileOptions) -> Result<Message, String> {
    let stmts = parse(text).map_err(|e| format!("{e:?}"))?;
    let ops = compile_statement(&stmts[0], options).map_err(|e| e[0].message.clone())?;
    match ops.into_iter().next() {
        Some(Operation::Send(m)) => Ok(m),
        other => Err(format!("{other:?}")),
    }
}

/// The scope ids of every IPv6 sockaddr of a message, in wire order.
fn scope_ids(m: &Message) -> Vec<u32> {
    let mut out = Vec::new();
    let mut take = |a: &SockAddr| {
        if let SockAddr::V6 { scope_id, .. } = a {
            out.push(*scope_id);
        }
    };
    for e in &m.extensions {
        match e {
            Extension::Address(_, a) => take(&a.addr),
            Extension::Policy(p) => {
                for (s, d) in p.requests.iter().filter_map(|r| r.endpoints.as_ref()) {
                    take(s);
                    take(d);
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn numeric_zones_are_sent_as_scope_ids() {
    for d in Dialect::ALL {
        let m = compiled(
            "add fe80::1%2 fe80::2%3 esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;",
            &opts(d),
        )
        .unwrap();
        assert_eq!(scope_ids(&m), [2, 3], "{d}");
        let m = compiled(
            "spdadd fe80::1%4/128 fe80::2%5 any -P out ipsec esp/tunnel/fe80::a%6-fe80::b%7/require;",
            &opts(d),
        )
        .unwrap();
        assert_eq!(scope_ids(&m), [6, 7, 4, 5], "{d}");
        let m = compiled(
            "add fe80::1 fe80::2 esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;",
            &opts(d),
        )
        .unwrap();
        assert_eq!(scope_ids(&m), [0, 0], "{d}");
    }
}

#[test]
fn interface_zones_are_looked_up() {
    // The test lookup knows em0 and lo0, both index 1.
    let m = compiled(
        "add fe80::1%em0 fe80::2%lo0 esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;",
        &opts(Dialect::NetBsd),
    )
    .unwrap();
    assert_eq!(scope_ids(&m), [1, 1]);
    let err = compiled(
        "add fe80::1%em9 fe80::2 esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;",
        &opts(Dialect::NetBsd),
    )
    .unwrap_err();
    assert_eq!(
        err,
        "no interface 'em9' on this host for the zone of this address (if_nametoindex); \
         give the zone as a number"
    );
    let err = compiled(
        "spdadd fe80::1 fe80::2 any -P out ipsec esp/tunnel/fe80::a%em9-fe80::b/require;",
        &opts(Dialect::FreeBsd),
    )
    .unwrap_err();
    assert!(err.starts_with("no interface 'em9'"), "{err}");
    // -n: nothing is sent, so an interface this host lacks is not an error.
    let lenient = CompileOptions {
        require_interfaces: false,
        ..opts(Dialect::Linux)
    };
    let m = compiled("spdadd fe80::1%em9 fe80::2 any -P out none;", &lenient).unwrap();
    assert_eq!(scope_ids(&m), [0, 0]);
}
