//! `-D`/`-DP` text from dump replies recorded on a real Linux 6.1 kernel
//! (`VM_RECORD=1 vm-tests/linux/run.sh` writes tests/data/linux/*.bin).

use setkey::format::kame::{sa_entry, sp_entry, DumpContext};
use setkey::pfkey::{self, Dialect, Message};

/// Splits a file of concatenated messages and decodes each.
fn messages(bytes: &[u8]) -> Vec<Message> {
    pfkey::split(bytes)
        .map(|one| pfkey::parse(one, Dialect::Linux).expect("a recorded reply decodes"))
        .collect()
}

fn protocol_name(n: u8) -> Option<String> {
    match n {
        1 => Some("icmp".into()),
        6 => Some("tcp".into()),
        58 => Some("ipv6-icmp".into()),
        _ => None,
    }
}

fn render(file: &str, policy: bool) -> String {
    // SAFETY: set before any thread of this test binary reads the time zone.
    std::env::set_var("TZ", "UTC");
    let bytes = std::fs::read(format!("tests/data/linux/{file}")).expect("recorded replies");
    let msgs = messages(&bytes);
    assert!(msgs.len() >= 5, "only {} messages", msgs.len());
    // "now" is a minute after the newest SA or policy was created.
    let newest = msgs
        .iter()
        .filter_map(|m| m.lifetime(pfkey::LifetimeKind::Current))
        .map(|l| l.addtime)
        .max()
        .unwrap_or(0);
    let ctx = DumpContext {
        now: newest + 60,
        with_ports: false,
        protocol_name: &protocol_name,
    };
    msgs.iter()
        .map(|m| {
            assert_eq!(pfkey::emit(m, Dialect::Linux).unwrap().len() % 8, 0);
            if policy {
                sp_entry(m, Dialect::Linux, &ctx)
            } else {
                sa_entry(m, Dialect::Linux, &ctx)
            }
        })
        .collect()
}

#[test]
fn sad_dump_recorded_from_linux() {
    let text = render("sad.bin", false);
    assert!(text.contains("\tesp mode=tunnel spi=28673(0x00007001) reqid=7(0x00000007)\n"));
    assert!(text.contains("\tE: aes-ctr  01020304 05060708 090a0b0c 0d0e0f10 11121314\n"));
    insta::assert_snapshot!(text);
}

#[test]
fn spd_dump_recorded_from_linux() {
    let text = render("spd.bin", true);
    assert!(text.contains("\tout prio high + 5 ipsec\n"), "{text}");
    assert!(text.contains("\tfwd prio def ipsec\n"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn recorded_replies_survive_a_round_trip() {
    for file in ["sad.bin", "spd.bin"] {
        let bytes = std::fs::read(format!("tests/data/linux/{file}")).unwrap();
        let mut rebuilt = Vec::new();
        for m in messages(&bytes) {
            rebuilt.extend(pfkey::emit(&m, Dialect::Linux).unwrap());
        }
        assert_eq!(rebuilt, bytes, "{file}");
    }
}
