use super::*;
use crate::compile::testing::operations;
use crate::compile::Operation;
use crate::pfkey::Dialect;

/// The requests `script` compiles to for NetBSD.
fn requests(script: &str) -> Vec<Message> {
    operations(script, Dialect::NetBsd)
        .into_iter()
        .filter_map(|op| match op {
            Operation::Send(m) => Some(m),
            _ => None,
        })
        .collect()
}

/// What a dump would list after the kernel took `add`/`spdadd` requests.
fn dumped(script: &str) -> Vec<Message> {
    requests(script)
        .into_iter()
        .map(|mut m| {
            m.header.msg_type = if m.header.msg_type == SADB_ADD {
                SADB_DUMP
            } else {
                SADB_X_SPDDUMP
            };
            for e in &mut m.extensions {
                if let Extension::Sa(sa) = e {
                    sa.state = SADB_SASTATE_MATURE;
                }
                if let Extension::Policy(p) = e {
                    p.id = 7;
                }
            }
            m.extensions.push(Extension::Lifetime(
                LifetimeKind::Current,
                crate::pfkey::Lifetime {
                    addtime: 1_700_000_000,
                    ..Default::default()
                },
            ));
            m
        })
        .collect()
}

const KEY: &str = "0x00112233445566778899aabbccddeeff";

fn sa(spi: u32) -> String {
    format!("add 10.0.0.1 10.0.0.2 esp {spi:#x} -E aes-cbc {KEY};")
}

fn scope_of(script: &str) -> Scope {
    let mut scope = Scope::default();
    for r in requests(script) {
        scope.note(&r);
    }
    scope
}

#[test]
fn what_the_run_added_is_deleted_and_nothing_else() {
    let script = format!("{}{}", sa(0x1001), sa(0x1002));
    let before = dumped(&format!("{}{}", sa(0x2000), sa(0x1002)));
    // 0x1002 was there already (the run's duplicate add failed); 0x3000 came from elsewhere.
    let after = dumped(&format!("{}{}{}", sa(0x2000), sa(0x1002), sa(0x3000)));
    let after = [after, dumped(&sa(0x1001))].concat();
    let plan = plan(
        Dialect::NetBsd,
        &scope_of(&script),
        (&before, &[]),
        (&after, &[]),
    );
    assert_eq!(plan.requests.len(), 1, "{:?}", plan.requests);
    let delete = &plan.requests[0];
    assert_eq!(delete.header.msg_type, SADB_DELETE);
    assert_eq!(spi(delete), Some(0x1001));
    assert_eq!(delete.extensions.len(), 3, "SA, SRC and DST only");
}

#[test]
fn what_the_run_deleted_or_flushed_is_added_back_with_its_keys() {
    // As NetBSD lists them, newest first: added back oldest first, they list the same again.
    let before = dumped(&format!("{}{}", sa(0x1002), sa(0x1001)));
    let plan = plan(
        Dialect::NetBsd,
        &scope_of("flush esp;"),
        (&before, &[]),
        (&[], &[]),
    );
    assert_eq!(plan.requests.len(), 2);
    for (add, spi_value) in plan.requests.iter().zip([0x1001, 0x1002]) {
        assert_eq!(add.header.msg_type, SADB_ADD);
        assert_eq!(spi(add), Some(spi_value));
        assert!(add
            .extensions
            .iter()
            .any(|e| matches!(e, Extension::Key(..))));
        assert!(!add
            .extensions
            .iter()
            .any(|e| matches!(e, Extension::Lifetime(LifetimeKind::Current, _))));
    }
}

#[test]
fn an_sa_the_run_changed_is_deleted_and_added_as_it_was() {
    let script = format!("update 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-cbc {KEY};");
    let before = dumped(&sa(0x1001));
    let after = dumped(&format!(
        "add 10.0.0.1 10.0.0.2 esp 0x1001 -m tunnel -E aes-cbc {KEY};"
    ));
    let plan = plan(
        Dialect::NetBsd,
        &scope_of(&script),
        (&before, &[]),
        (&after, &[]),
    );
    let types: Vec<u8> = plan.requests.iter().map(|m| m.header.msg_type).collect();
    assert_eq!(types, [SADB_DELETE, SADB_ADD]);
    assert_eq!(plan.requests[1], sa_add_form(&before[0]));
}

#[test]
fn policies_are_matched_by_direction_and_selectors_not_by_id() {
    let ours = "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;";
    let theirs = "spdadd 10.9.0.1 10.9.0.2 any -P out ipsec esp/transport//require;";
    let mut before = dumped(theirs);
    let mut after = dumped(&format!("{theirs}{ours}"));
    // The same policy under another id is the same policy.
    if let Some(Extension::Policy(p)) = after[0].extensions.first_mut() {
        p.id = 99;
    }
    let plan_ = plan(
        Dialect::NetBsd,
        &scope_of(ours),
        (&[], &before),
        (&[], &after),
    );
    assert_eq!(plan_.requests.len(), 1);
    assert_eq!(plan_.requests[0].header.msg_type, SADB_X_SPDDELETE);
    assert_eq!(policy_key(&plan_.requests[0]), policy_key(&after[1]));
    // spdflush: every policy is the run's, and comes back.
    before.append(&mut dumped(ours));
    let plan_ = plan(
        Dialect::NetBsd,
        &scope_of("spdflush;"),
        (&[], &before),
        (&[], &[]),
    );
    assert_eq!(plan_.requests.len(), 2);
    assert!(plan_
        .requests
        .iter()
        .all(|m| m.header.msg_type == SADB_X_SPDADD));
}

#[test]
fn an_unchanged_state_needs_nothing() {
    let state = dumped(&format!("{}{}", sa(0x1001), sa(0x1002)));
    let plan = plan(
        Dialect::NetBsd,
        &scope_of("flush;"),
        (&state, &[]),
        (&state, &[]),
    );
    assert!(plan.requests.is_empty());
}
