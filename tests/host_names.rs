//! Host and service names, resolved as the C setkey resolves them (NetBSD ipsec-tools parse.y
//! parse_addr: getaddrinfo with the -4/-6 family and, for -n, AI_NUMERICHOST): add, update and
//! get are sent once per source and destination address pair of one family (setkeymsg_add and
//! setkeymsg_addr loop over them); delete and the SPD statements take one address each
//! ("multiple address specified"). A resolver of fixed answers stands in for the system's.

mod compile_support;

use std::net::IpAddr;

use compile_support::opts;
use setkey::compile::{compile_statement, Operation};
use setkey::lang::{names, parse, Diagnostic};
use setkey::pfkey::{AddressKind, Dialect, Extension, Message, SockAddr};

fn resolve(name: &str) -> Result<Vec<(IpAddr, u32)>, String> {
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    match name {
        "two.example" => Ok(vec![
            (ip("192.0.2.1"), 0),
            (ip("2001:db8::1"), 0),
            (ip("192.0.2.2"), 0),
        ]),
        "one.example" => Ok(vec![(ip("198.51.100.1"), 0)]),
        "v6.example" => Ok(vec![(ip("2001:db8::9"), 0)]),
        "two-v6.example" => Ok(vec![(ip("2001:db8::7"), 0), (ip("2001:db8::8"), 0)]),
        "ll.example" => Ok(vec![(ip("fe80::1"), 3)]),
        _ => Err(format!("'{name}' does not resolve: no such host")),
    }
}

fn service(name: &str) -> Option<u16> {
    match name {
        "https" => Some(443),
        "ipsec-nat-t" => Some(4500),
        _ => None,
    }
}

fn compiled(text: &str, dialect: Dialect) -> Result<Vec<Operation>, Vec<Diagnostic>> {
    names::set_resolvers(resolve, service);
    let stmts = parse(text)?;
    compile_statement(&stmts[0], &opts(dialect))
}

fn error(text: &str) -> String {
    match compiled(text, Dialect::NetBsd) {
        Ok(ops) => panic!("{text}: {ops:?}"),
        Err(e) => e[0].message.clone(),
    }
}

fn sent(ops: &[Operation]) -> Vec<&Message> {
    ops.iter()
        .filter_map(|op| match op {
            Operation::Send(m) | Operation::Get(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn address(m: &Message, kind: AddressKind) -> (String, u16, u32) {
    m.extensions
        .iter()
        .find_map(|e| match e {
            Extension::Address(k, a) if *k == kind => Some(match &a.addr {
                SockAddr::V4 { addr, port } => (addr.to_string(), *port, 0),
                SockAddr::V6 {
                    addr,
                    port,
                    scope_id,
                    ..
                } => (addr.to_string(), *port, *scope_id),
                SockAddr::Other { .. } => (String::new(), 0, 0),
            }),
            _ => None,
        })
        .unwrap()
}

fn pairs(ops: &[Operation]) -> Vec<(String, String)> {
    sent(ops)
        .iter()
        .map(|m| {
            (
                address(m, AddressKind::Src).0,
                address(m, AddressKind::Dst).0,
            )
        })
        .collect()
}

const KEY: &str = "0x00112233445566778899aabbccddeeff";

#[test]
fn add_is_sent_for_every_address_pair_of_one_family() {
    let ops = compiled(
        &format!("add two.example one.example esp 0x1000 -E aes-cbc {KEY};"),
        Dialect::NetBsd,
    )
    .unwrap();
    assert_eq!(
        pairs(&ops),
        [
            ("192.0.2.1".to_string(), "198.51.100.1".to_string()),
            ("192.0.2.2".to_string(), "198.51.100.1".to_string()),
        ]
    );
    let ops = compiled(
        &format!("add -6 two.example v6.example esp 0x1000 -E aes-cbc {KEY};"),
        Dialect::Linux,
    )
    .unwrap();
    assert_eq!(
        pairs(&ops),
        [("2001:db8::1".to_string(), "2001:db8::9".to_string())]
    );
    let ops = compiled("get two.example one.example esp 0x1000;", Dialect::FreeBsd).unwrap();
    assert_eq!(sent(&ops).len(), 2);
}

#[test]
fn one_address_each_where_setkey_takes_one() {
    assert_eq!(
        error("delete two.example one.example esp 0x1000;"),
        "delete takes one address each, and a name here has several (multiple address specified)"
    );
    assert_eq!(
        error("spdadd two.example one.example any -P out none;"),
        "'two.example' has 3 addresses; a policy takes one (multiple address specified)"
    );
    let ops = compiled(
        "spdadd one.example[https] 198.51.100.2[ipsec-nat-t] udp -P out none;",
        Dialect::NetBsd,
    )
    .unwrap();
    let m = sent(&ops)[0];
    assert_eq!(
        address(m, AddressKind::Src),
        ("198.51.100.1".into(), 443, 0)
    );
    assert_eq!(
        address(m, AddressKind::Dst),
        ("198.51.100.2".into(), 4500, 0)
    );
}

#[test]
fn names_that_cannot_be_used_are_errors() {
    assert_eq!(
        error(&format!(
            "add -n one.example 198.51.100.2 esp 0x1000 -E aes-cbc {KEY};"
        )),
        "host names are not resolved; give a numeric IPv4 or IPv6 address instead of 'one.example'"
    );
    assert_eq!(
        error(&format!(
            "add v6.example one.example esp 0x1000 -E aes-cbc {KEY};"
        )),
        "address family mismatch: the source is IPv6, the destination is IPv4"
    );
    assert_eq!(
        error(&format!(
            "add two-v6.example one.example esp 0x1000 -E aes-cbc {KEY};"
        )),
        "no address of the source and of the destination is of one family"
    );
    assert_eq!(
        error(&format!(
            "add -4 v6.example one.example esp 0x1000 -E aes-cbc {KEY};"
        )),
        "'v6.example' has no IPv4 address"
    );
    assert_eq!(
        error(&format!(
            "add nowhere.example one.example esp 0x1000 -E aes-cbc {KEY};"
        )),
        "'nowhere.example' does not resolve: no such host"
    );
    assert_eq!(
        error("spdadd one.example[nosuchservice] 198.51.100.2 udp -P out none;"),
        "unknown service 'nosuchservice' (getservbyname, udp)"
    );
}

#[test]
fn a_resolved_link_local_address_keeps_its_scope_and_warnings_are_said_once() {
    let ops = compiled(
        "spdadd ll.example fe80::2%3 any -P out none;",
        Dialect::NetBsd,
    )
    .unwrap();
    assert_eq!(
        address(sent(&ops)[0], AddressKind::Src),
        ("fe80::1".into(), 0, 3)
    );
    let ops = compiled(
        "add two.example one.example esp 0x1000 -E simple;",
        Dialect::NetBsd,
    )
    .unwrap();
    let warnings = ops
        .iter()
        .filter(|op| matches!(op, Operation::Warning(_)))
        .count();
    assert_eq!((warnings, sent(&ops).len()), (1, 2));
}
