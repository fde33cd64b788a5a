use std::net::Ipv4Addr;

use super::*;
use crate::compile::{compile, CompileOptions, Operation};
use crate::lang::diag::LineIndex;
use crate::pfkey::{Dialect, Extension, SockAddr};

/// A configuration in which each statement is on a line of its own.
const CONF: &str = "\
add 192.0.2.1 192.0.2.2 esp 0x1001 -E aes-cbc 0x00112233445566778899aabbccddeeff;
spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport//require;
spdadd 192.0.2.2 192.0.2.1 any -P in ipsec esp/transport//require;
spdadd 10.1.0.0/16 10.2.0.0/16 any -P out ipsec esp/tunnel/198.51.100.1-203.0.113.1/require;
spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/transport//use;
spdadd 192.0.2.1 192.0.2.9 any -P out discard;
";

/// The messages `script` compiles to (Linux, with fwd copies), each with `conf:LINE`.
fn compiled(script: &str) -> Vec<(Message, String)> {
    let statements = crate::lang::parse(script).expect("parses");
    let opts = CompileOptions {
        dialect: Dialect::Linux,
        pid: 1,
        linux_fwd_copy: true,
        interface_index: |_| None,
        require_interfaces: true,
    };
    let lines = LineIndex::new(script);
    let per_statement = compile(&statements, &opts).expect("compiles");
    statements
        .iter()
        .zip(per_statement)
        .flat_map(|(statement, ops)| {
            let (line, _) = lines.line_col(statement.span.start);
            ops.into_iter().filter_map(move |op| match op {
                Operation::Send(m) => Some((m, format!("conf:{line}"))),
                _ => None,
            })
        })
        .collect()
}

/// The configuration's policies as the kernel dumps them, numbered 8, 16, ... in file order.
fn dumped(script: &str) -> Vec<Message> {
    compiled(script)
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| m.header.msg_type == SADB_X_SPDADD)
        .enumerate()
        .map(|(i, mut m)| {
            m.header.msg_type = SADB_X_SPDDUMP;
            for e in &mut m.extensions {
                if let Extension::Policy(p) = e {
                    p.id = 8 * (i as u32 + 1);
                }
            }
            m
        })
        .collect()
}

fn v4(a: &str) -> SockAddr {
    SockAddr::V4 {
        addr: a.parse::<Ipv4Addr>().unwrap(),
        port: 0,
    }
}

fn address(kind: AddressKind, a: &str) -> Extension {
    Extension::Address(
        kind,
        Address {
            proto: 0,
            prefixlen: 32,
            reserved: 0,
            addr: v4(a),
        },
    )
}

/// An ACQUIRE as Linux sends one: the SA's addresses, and the outbound policy's id.
fn acquire(src: &str, dst: &str, policy_id: Option<u32>) -> Message {
    let mut m = Message::new(SADB_ACQUIRE, SADB_SATYPE_ESP);
    m.extensions.push(address(AddressKind::Src, src));
    m.extensions.push(address(AddressKind::Dst, dst));
    if let Some(id) = policy_id {
        m.extensions.push(Extension::Policy(Policy {
            policy_type: IPSEC_POLICY_IPSEC,
            dir: IPSEC_DIR_OUTBOUND,
            scope: 0,
            id,
            priority: 0,
            requests: Vec::new(),
        }));
    }
    m
}

fn learnt(script: &str) -> PolicyOrigins {
    let mut origins = PolicyOrigins::new(compiled(script));
    for m in dumped(script) {
        origins.learn(&m);
    }
    origins
}

fn traced(origins: &PolicyOrigins, msg: &Message) -> Option<(String, MatchedBy)> {
    origins.origin(msg).map(|o| (o.location.to_string(), o.by))
}

#[test]
fn only_policies_are_kept_with_the_fwd_copies() {
    // Five spdadd statements; the inbound one has a fwd copy on Linux.
    assert_eq!(PolicyOrigins::new(compiled(CONF)).len(), 6);
}

#[test]
fn an_acquire_is_traced_by_the_id_learnt_from_the_dump() {
    let origins = learnt(CONF);
    // Ids in dump order: 8 out (line 2), 16 in, 24 fwd (line 3), 32 tunnel (line 4), 40, 48.
    let msg = acquire("198.51.100.1", "203.0.113.1", Some(32));
    assert_eq!(
        traced(&origins, &msg),
        Some(("conf:4".into(), MatchedBy::PolicyId))
    );
    assert_eq!(origins.origin(&msg).unwrap().policy_id, Some(32));
    // The id wins over the addresses, which would fit line 2.
    let msg = acquire("192.0.2.1", "192.0.2.2", Some(40));
    assert_eq!(
        traced(&origins, &msg),
        Some(("conf:5".into(), MatchedBy::PolicyId))
    );
}

#[test]
fn an_unknown_id_falls_back_to_the_selectors() {
    let origins = PolicyOrigins::new(compiled(CONF));
    let host_pair = acquire("192.0.2.1", "192.0.2.2", Some(4711));
    assert_eq!(
        traced(&origins, &host_pair),
        Some(("conf:2".into(), MatchedBy::Selector))
    );
    // Tunnel endpoints are the ACQUIRE's addresses; the selectors are networks.
    let tunnel = acquire("198.51.100.1", "203.0.113.1", None);
    assert_eq!(
        traced(&origins, &tunnel),
        Some(("conf:4".into(), MatchedBy::Selector))
    );
    // Inside 192.0.2.0/24 -> 198.51.100.0/24 only.
    let network = acquire("192.0.2.77", "198.51.100.5", None);
    assert_eq!(
        traced(&origins, &network),
        Some(("conf:5".into(), MatchedBy::Selector))
    );
    // A discard policy asks for no SA, an inbound one sends no ACQUIRE.
    assert_eq!(
        traced(&origins, &acquire("192.0.2.1", "192.0.2.9", None)),
        None
    );
    assert_eq!(
        traced(&origins, &acquire("192.0.2.2", "192.0.2.1", None)),
        None
    );
}

#[test]
fn deleted_and_flushed_policies_lose_their_ids() {
    let mut origins = learnt(CONF);
    let by_id = acquire("198.51.100.1", "203.0.113.1", Some(32));
    let mut delete = dumped(CONF)[3].clone();
    delete.header.msg_type = SADB_X_SPDDELETE2;
    origins.learn(&delete);
    assert_eq!(
        traced(&origins, &by_id),
        Some(("conf:4".into(), MatchedBy::Selector))
    );
    let mut origins = learnt(CONF);
    origins.learn(&Message::new(SADB_X_SPDFLUSH, 0));
    assert_eq!(
        traced(&origins, &acquire("192.0.2.1", "192.0.2.2", Some(40))),
        Some(("conf:2".into(), MatchedBy::Selector))
    );
}

#[test]
fn an_spdadd_seen_later_teaches_its_id_and_a_foreign_policy_takes_an_id_away() {
    let mut origins = PolicyOrigins::new(compiled(CONF));
    let mut added = dumped(CONF)[4].clone();
    added.header.msg_type = SADB_X_SPDADD;
    origins.learn(&added);
    let msg = acquire("192.0.2.1", "192.0.2.2", Some(40));
    assert_eq!(
        traced(&origins, &msg),
        Some(("conf:5".into(), MatchedBy::PolicyId))
    );
    // The kernel reuses id 40 for a policy the file does not have.
    let mut other =
        dumped("spdadd 10.9.0.0/16 10.8.0.0/16 any -P out ipsec esp/transport//use;").remove(0);
    other.header.msg_type = SADB_X_SPDADD;
    if let Some(Extension::Policy(p)) = other
        .extensions
        .iter_mut()
        .find(|e| matches!(e, Extension::Policy(_)))
    {
        p.id = 40;
    }
    origins.learn(&other);
    assert_eq!(
        traced(&origins, &msg),
        Some(("conf:2".into(), MatchedBy::Selector))
    );
    // A failed SPDADD (an error reply) teaches nothing.
    let mut failed = added.clone();
    failed.header.errno = 17;
    origins.learn(&failed);
    assert_eq!(traced(&origins, &msg).unwrap().1, MatchedBy::Selector);
}

#[test]
fn an_spdexpire_is_traced_by_id_or_by_its_exact_selectors() {
    let origins = learnt(CONF);
    let mut expire = dumped(CONF)[1].clone();
    expire.header.msg_type = SADB_X_SPDEXPIRE;
    assert_eq!(
        traced(&origins, &expire),
        Some(("conf:3".into(), MatchedBy::PolicyId))
    );
    let fresh = PolicyOrigins::new(compiled(CONF));
    assert_eq!(
        traced(&fresh, &expire),
        Some(("conf:3".into(), MatchedBy::Selector))
    );
    // The same selectors in the other direction are another policy.
    if let Some(Extension::Policy(p)) = expire
        .extensions
        .iter_mut()
        .find(|e| matches!(e, Extension::Policy(_)))
    {
        p.dir = IPSEC_DIR_OUTBOUND;
    }
    assert_eq!(traced(&fresh, &expire), None);
}

#[test]
fn other_messages_have_no_origin() {
    let origins = learnt(CONF);
    let mut add = dumped(CONF)[0].clone();
    add.header.msg_type = SADB_X_SPDADD;
    assert_eq!(origins.origin(&add), None);
    assert_eq!(
        origins.origin(&Message::new(SADB_EXPIRE, SADB_SATYPE_ESP)),
        None
    );
}
