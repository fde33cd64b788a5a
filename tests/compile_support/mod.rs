//! Builders for compiler tests: AST statements in, hand-written expected messages out.
#![allow(dead_code)]

use std::net::IpAddr;

use setkey::compile::{self, CompileOptions, Operation};
use setkey::lang::*;
use setkey::pfkey::consts::*;
use setkey::pfkey::{
    Address, AddressKind, Dialect, Extension, Key, KeyKind, Message, Policy, Sa, Sa2, SockAddr,
};
use zeroize::Zeroizing;

pub const PID: u32 = 4711;

pub const SRC_SPAN: Span = Span { start: 4, end: 12 };
pub const DST_SPAN: Span = Span { start: 13, end: 21 };
pub const PROTO_SPAN: Span = Span { start: 22, end: 25 };
pub const SPI_SPAN: Span = Span { start: 26, end: 32 };
pub const STMT_SPAN: Span = Span { start: 0, end: 100 };
pub const POLICY_SPAN: Span = Span { start: 40, end: 90 };

pub fn span(start: usize, end: usize) -> Span {
    Span { start, end }
}

pub fn at<T>(value: T, start: usize, end: usize) -> Spanned<T> {
    Spanned {
        value,
        span: span(start, end),
    }
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

pub fn opts(dialect: Dialect) -> CompileOptions {
    CompileOptions {
        dialect,
        pid: PID,
        linux_fwd_copy: dialect == Dialect::Linux,
        interface_index: |name| (name == "lo0" || name == "em0").then_some(1),
        require_interfaces: true,
    }
}

pub fn stmt(kind: StatementKind) -> Statement {
    Statement {
        kind,
        span: STMT_SPAN,
    }
}

/// `src dst proto spi` with no options or algorithms.
pub fn sa(src: &str, dst: &str, protocol: SaProtocol, spi: u32) -> SaStatement {
    SaStatement {
        flags: AddressFlags::default(),
        src: Spanned {
            value: Host {
                addr: ip(src),
                port: None,
                zone: None,
            },
            span: SRC_SPAN,
        },
        dst: Spanned {
            value: Host {
                addr: ip(dst),
                port: None,
                zone: None,
            },
            span: DST_SPAN,
        },
        protocol: Spanned {
            value: protocol,
            span: PROTO_SPAN,
        },
        esp_udp_oa: None,
        spi: Spanned {
            value: spi,
            span: SPI_SPAN,
        },
        options: SaOptions::default(),
        algorithms: Algorithms::default(),
        other_pairs: Vec::new(),
    }
}

pub fn key(bytes: usize, start: usize) -> Spanned<KeyBytes> {
    let data: Vec<u8> = (0..bytes).map(|i| i as u8 ^ 0x5a).collect();
    at(KeyBytes::new(data), start, start + 2 + bytes * 2)
}

pub fn enc(
    alg: EncryptAlgorithm,
    key_bytes: Option<usize>,
) -> (Spanned<EncryptAlgorithm>, Option<Spanned<KeyBytes>>) {
    (at(alg, 50, 57), key_bytes.map(|n| key(n, 58)))
}

pub fn auth(
    alg: AuthAlgorithm,
    key_bytes: Option<usize>,
) -> (Spanned<AuthAlgorithm>, Option<Spanned<KeyBytes>>) {
    (at(alg, 150, 159), key_bytes.map(|n| key(n, 160)))
}

/// The key extension the expected message must carry for `key(bytes, _)`.
pub fn key_ext(kind: KeyKind, bytes: usize) -> Extension {
    let data: Vec<u8> = (0..bytes).map(|i| i as u8 ^ 0x5a).collect();
    Extension::Key(
        kind,
        Key {
            bits: (bytes * 8) as u16,
            reserved: 0,
            data: Zeroizing::new(data),
        },
    )
}

pub fn sockaddr(addr: &str, port: u16) -> SockAddr {
    match ip(addr) {
        IpAddr::V4(addr) => SockAddr::V4 { addr, port },
        IpAddr::V6(addr) => SockAddr::V6 {
            addr,
            port,
            flowinfo: 0,
            scope_id: 0,
        },
    }
}

pub fn addr(kind: AddressKind, a: &str, port: u16, proto: u8, prefixlen: u8) -> Extension {
    Extension::Address(
        kind,
        Address {
            proto,
            prefixlen,
            reserved: 0,
            addr: sockaddr(a, port),
        },
    )
}

/// SRC and DST of an SA message: proto any, full prefix.
pub fn sa_addrs(src: &str, dst: &str) -> [Extension; 2] {
    let plen = if ip(src).is_ipv4() { 32 } else { 128 };
    [
        addr(AddressKind::Src, src, 0, IPSEC_ULPROTO_ANY, plen),
        addr(AddressKind::Dst, dst, 0, IPSEC_ULPROTO_ANY, plen),
    ]
}

pub fn sa_ext(spi: u32, auth: u8, encrypt: u8, flags: u32) -> Extension {
    Extension::Sa(Sa {
        spi,
        replay: 0,
        state: 0,
        auth,
        encrypt,
        flags,
    })
}

pub fn sa2_ext(mode: u8, reqid: u32) -> Extension {
    Extension::Sa2(Sa2 {
        mode,
        reserved1: 0,
        reserved2: 0,
        sequence: 0,
        reqid,
    })
}

pub fn message(msg_type: u8, satype: u8, extensions: Vec<Extension>) -> Message {
    let mut m = Message::new(msg_type, satype);
    m.header.pid = PID;
    m.extensions = extensions;
    m
}

pub fn policy(dir: u8, policy_type: u16, priority: u32) -> Policy {
    Policy {
        policy_type,
        dir,
        scope: 0,
        id: 0,
        priority,
        requests: Vec::new(),
    }
}

/// The priority a policy without a prio clause carries on each target.
pub fn default_priority(dialect: Dialect) -> u32 {
    if dialect == Dialect::Linux {
        0x8000_0000
    } else {
        0
    }
}

pub fn ops(kind: StatementKind, dialect: Dialect) -> Result<Vec<Operation>, Vec<Diagnostic>> {
    compile::compile_statement(&stmt(kind), &opts(dialect))
}

/// Compiles a statement that must produce exactly one `Send` (and any warnings).
pub fn send(kind: StatementKind, dialect: Dialect) -> Message {
    let without_warnings = ops(kind, dialect).map(|v| {
        v.into_iter()
            .filter(|op| !matches!(op, Operation::Warning(_)))
            .collect::<Vec<_>>()
    });
    match without_warnings {
        Ok(mut v) if v.len() == 1 => match v.remove(0) {
            Operation::Send(m) => m,
            other => panic!("expected Send on {dialect}, got {other:?}"),
        },
        other => panic!("expected one operation on {dialect}, got {other:?}"),
    }
}

/// Compiles a statement that must fail; returns its diagnostics as (span, message).
pub fn errors(kind: StatementKind, dialect: Dialect) -> Vec<(Span, String)> {
    match ops(kind, dialect) {
        Ok(v) => panic!("expected an error on {dialect}, got {v:?}"),
        Err(e) => e.into_iter().map(|d| (d.span, d.message)).collect(),
    }
}

/// The single diagnostic of a failing statement.
pub fn error(kind: StatementKind, dialect: Dialect) -> (Span, String) {
    let mut e = errors(kind, dialect);
    assert_eq!(e.len(), 1, "expected one diagnostic on {dialect}: {e:?}");
    e.remove(0)
}
