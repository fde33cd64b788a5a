use super::*;
use crate::compile::testing::operations;
use crate::compile::Operation;
use crate::pfkey::{Extension, LifetimeKind};

fn intents(script: &str, dialect: Dialect) -> Vec<Intent> {
    operations(script, dialect)
        .into_iter()
        .map(|op| match op {
            Operation::Send(m) => Intent::Request(m),
            Operation::Exit => Intent::Exit,
            _ => Intent::Read,
        })
        .collect()
}

/// What NetBSD's dumps list once `script` (adds and spdadds) is applied: SAs newest first.
fn kernel(script: &str, dialect: Dialect) -> (Vec<Message>, Vec<Message>) {
    let (mut sad, mut spd) = (Vec::new(), Vec::new());
    for intent in intents(script, dialect) {
        let Intent::Request(mut m) = intent else {
            continue;
        };
        for e in &mut m.extensions {
            match e {
                Extension::Sa(sa) => sa.state = SADB_SASTATE_MATURE,
                Extension::Policy(p) => p.id = 8 * (spd.len() as u32 + 1),
                _ => {}
            }
        }
        m.extensions.push(Extension::Lifetime(
            LifetimeKind::Current,
            crate::pfkey::Lifetime {
                addtime: 1_700_000_000,
                ..Default::default()
            },
        ));
        if m.header.msg_type == SADB_ADD {
            m.header.msg_type = SADB_DUMP;
            sad.insert(0, m);
        } else {
            m.header.msg_type = SADB_X_SPDDUMP;
            spd.push(m);
        }
    }
    (sad, spd)
}

fn diff_of(state: &str, script: &str) -> Result<Diff, Refusal> {
    let (sad, spd) = kernel(state, Dialect::NetBsd);
    diff_with(&sad, &spd, script, Dialect::NetBsd)
}

fn diff_with(
    sad: &[Message],
    spd: &[Message],
    script: &str,
    dialect: Dialect,
) -> Result<Diff, Refusal> {
    let kernel = KernelState { sad, spd };
    diff(&intents(script, dialect), &kernel, dialect, &|i| {
        format!("#{i}")
    })
}

const K1: &str = "0x00112233445566778899aabbccddeeff";
const K2: &str = "0xffeeddccbbaa99887766554433221100";

fn sa(spi: u32, key: &str) -> String {
    format!("add 10.0.0.1 10.0.0.2 esp {spi:#x} -E aes-cbc {key};\n")
}

fn types(d: &Diff) -> Vec<u8> {
    d.changes
        .iter()
        .flat_map(|c| &c.requests)
        .map(|r| r.message.header.msg_type)
        .collect()
}

#[test]
fn the_state_a_script_made_is_in_sync_with_it() {
    let script = format!(
        "{}{}spdadd 10.1.0.0/24 10.2.0.0/24 any -P out ipsec esp/transport//require;\n",
        sa(0x1001, K1),
        sa(0x1002, K2)
    );
    let d = diff_of(&script, &format!("flush;\nspdflush;\n{script}")).unwrap();
    assert!(d.is_empty(), "{}", d.text());
    assert!(diff_of(&script, &script).unwrap().is_empty());
}

#[test]
fn missing_changed_and_deleted_entries_are_the_lines_and_requests_of_the_diff() {
    let state = format!(
        "{}{}{}spdadd 10.1.0.0/24 10.2.0.0/24 any -P out none;\n",
        sa(0x1001, K1),
        sa(0x1002, K1),
        sa(0x1003, K1)
    );
    let script = format!(
        "{}{}delete 10.0.0.1 10.0.0.2 esp 0x1003;\n\
         spdadd 10.1.0.0/24 10.2.0.0/24 any -P out discard;\n\
         spdadd 10.3.0.0/24 10.4.0.0/24 tcp -P in none;\n",
        sa(0x1001, K1),
        sa(0x1002, K2)
    );
    let d = diff_of(&state, &script).unwrap();
    let kinds: Vec<ChangeKind> = d.changes.iter().map(|c| c.kind).collect();
    use ChangeKind::*;
    assert_eq!(kinds, [Extra, Changed, Changed, Missing]);
    assert_eq!(
        d.text(),
        format!(
            "- delete 10.0.0.1 10.0.0.2 esp 0x1003;\n\
             # the kernel has: add 10.0.0.1 10.0.0.2 esp 0x1002 -m any -E aes-cbc {K1};\n\
             - delete 10.0.0.1 10.0.0.2 esp 0x1002;\n\
             + add 10.0.0.1 10.0.0.2 esp 0x1002 -m any -E aes-cbc {K2};\n\
             # the kernel has: spdadd 10.1.0.0/24[any] 10.2.0.0/24[any] any -P out none;\n\
             + spdupdate 10.1.0.0/24[any] 10.2.0.0/24[any] any -P out discard;\n\
             + spdadd 10.3.0.0/24[any] 10.4.0.0/24[any] tcp -P in none;\n"
        )
    );
    assert_eq!(
        types(&d),
        [
            SADB_DELETE,
            SADB_DELETE,
            SADB_ADD,
            SADB_X_SPDUPDATE,
            SADB_X_SPDADD
        ]
    );
    // Each request is reported at the statement it comes from: the delete of 0x1003 at the
    // script's delete (intent 2), the replacement of 0x1002 at its add (intent 1).
    let origins: Vec<usize> = d
        .changes
        .iter()
        .flat_map(|c| &c.requests)
        .map(|r| r.origin)
        .collect();
    assert_eq!(origins, [2, 1, 1, 3, 4]);
}

#[test]
fn without_a_flush_what_the_script_does_not_name_is_left_alone() {
    let state = format!(
        "{}{}spdadd 10.9.0.0/24 10.9.1.0/24 any -P out discard;\n",
        sa(0x1001, K1),
        sa(0x2002, K1)
    );
    assert!(diff_of(&state, &sa(0x1001, K1)).unwrap().is_empty());
    let d = diff_of(&state, &format!("flush;\nspdflush;\n{}", sa(0x1001, K1))).unwrap();
    assert_eq!(
        d.text(),
        "- delete 10.0.0.1 10.0.0.2 esp 0x2002;\n\
         - spddelete 10.9.0.0/24[any] 10.9.1.0/24[any] any -P out;\n"
    );
    // Both deletes are reported at the flush that covers them.
    assert_eq!(d.changes[0].requests[0].origin, 0);
    assert_eq!(d.changes[1].requests[0].origin, 1);
    assert_eq!(types(&d), [SADB_DELETE, SADB_X_SPDDELETE]);
}

#[test]
fn a_flush_of_one_protocol_and_deleteall_cover_only_their_sas() {
    let state = format!(
        "{}add 10.0.0.1 10.0.0.2 ah 0x3001 -A hmac-sha1 0x00112233445566778899aabbccddeeff00112233;\n\
         add 10.0.0.5 10.0.0.2 esp 0x4001 -E aes-cbc {K1};\n",
        sa(0x1001, K1)
    );
    let d = diff_of(&state, "flush ah;\n").unwrap();
    assert_eq!(d.text(), "- delete 10.0.0.1 10.0.0.2 ah 0x3001;\n");
    let d = diff_of(&state, "deleteall 10.0.0.1 10.0.0.2 esp;\n").unwrap();
    assert_eq!(d.text(), "- delete 10.0.0.1 10.0.0.2 esp 0x1001;\n");
}

#[test]
fn an_sa_deleted_and_added_again_is_one_change() {
    let state = sa(0x1001, K1);
    let d = diff_of(&state, &format!("flush;\n{}", sa(0x1001, K2))).unwrap();
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].kind, ChangeKind::Changed);
    assert!(diff_of(&state, &format!("flush;\n{}", sa(0x1001, K1)))
        .unwrap()
        .is_empty());
}

#[test]
fn what_follows_exit_is_not_part_of_the_state() {
    let d = diff_of("", &format!("{}exit;\n{}", sa(0x1001, K1), sa(0x1002, K1))).unwrap();
    assert_eq!(d.changes.len(), 1);
}

#[test]
fn getspi_describes_no_state_and_is_refused_at_its_statement() {
    let err = diff_of(
        "",
        &format!("{}getspi 10.0.0.1 10.0.0.2 esp 0x1100;\n", sa(0x1001, K1)),
    )
    .unwrap_err();
    assert_eq!(err.origin, 1);
    assert!(err.reason.starts_with("getspi"), "{}", err.reason);
}

/// Linux keeps an SA added with mode any as transport (af_key.c pfkey_mode_to_xfrm), and so
/// dumps it: that is the same SA, not a changed one. NetBSD keeps mode any.
#[test]
fn an_sa_of_mode_any_is_the_transport_sa_a_linux_kernel_lists() {
    let (mut sad, spd) = kernel(&sa(0x1001, K1), Dialect::Linux);
    for e in &mut sad[0].extensions {
        if let Extension::Sa2(sa2) = e {
            sa2.mode = IPSEC_MODE_TRANSPORT;
        }
    }
    assert!(diff_with(&sad, &spd, &sa(0x1001, K1), Dialect::Linux)
        .unwrap()
        .is_empty());
    let d = diff_with(&sad, &spd, &sa(0x1001, K1), Dialect::NetBsd).unwrap();
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].kind, ChangeKind::Changed);
}

#[test]
fn an_sa_named_by_update_is_installed_by_an_add() {
    let script = format!("update 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-cbc {K1};\n");
    let d = diff_of("", &script).unwrap();
    assert_eq!(types(&d), [SADB_ADD]);
    assert!(diff_of(&sa(0x1001, K1), &script).unwrap().is_empty());
}
