//! `-D`/`-DP` text from dump replies recorded on real kernels: Linux 6.1
//! (`VM_RECORD=1 vm-tests/linux/run.sh` writes tests/data/linux/*.bin) and NetBSD's
//! sys/netipsec run as a rump kernel (tests/data/netbsd/*.bin).

use setkey::format::kame::{sa_entry, sp_entry, DumpContext};
use setkey::format::profile;
use setkey::pfkey::{self, Dialect};

mod recorded_support;
use recorded_support::{bytes, newest, path, protocol_name, recorded};

/// The names of the /etc/protocols NetBSD ships, as setkey gets them on NetBSD.
fn netbsd_protocol_name(n: u8) -> Option<String> {
    let stock = profile::NETBSD.stock_protocols.expect("NetBSD's table");
    stock
        .iter()
        .find(|(number, _)| *number == n)
        .map(|(_, name)| name.to_string())
}

fn render(dialect: Dialect, file: &str, policy: bool) -> String {
    // SAFETY: set before any thread of this test binary reads the time zone.
    std::env::set_var("TZ", "UTC");
    let msgs = recorded(dialect, file);
    assert!(msgs.len() >= 5, "only {} messages", msgs.len());
    // "now" is a minute after the newest SA or policy was created.
    let newest = newest(&msgs);
    let names = match dialect {
        Dialect::NetBsd => netbsd_protocol_name,
        _ => protocol_name,
    };
    let ctx = DumpContext {
        now: newest + 60,
        with_ports: false,
        protocol_name: &names,
        interface_name: &|_| None,
        wide_keys: false,
    };
    msgs.iter()
        .map(|m| {
            assert_eq!(pfkey::emit(m, dialect).unwrap().len() % 8, 0);
            if policy {
                sp_entry(m, dialect, &ctx)
            } else {
                sa_entry(m, dialect, &ctx)
            }
        })
        .collect()
}

#[test]
fn sad_dump_recorded_from_linux() {
    let text = render(Dialect::Linux, "sad.bin", false);
    assert!(text.contains("\tesp mode=tunnel spi=28673(0x00007001) reqid=7(0x00000007)\n"));
    assert!(text.contains("\tE: aes-ctr  01020304 05060708 090a0b0c 0d0e0f10 11121314\n"));
    insta::assert_snapshot!(text);
}

#[test]
fn spd_dump_recorded_from_linux() {
    let text = render(Dialect::Linux, "spd.bin", true);
    assert!(text.contains("\tout prio high + 5 ipsec\n"), "{text}");
    assert!(text.contains("\tfwd prio def ipsec\n"), "{text}");
    insta::assert_snapshot!(text);
}

/// NetBSD's setkey prints each SA with libipsec's pfkey_sadump
/// (crypto/dist/ipsec-tools/src/libipsec/pfkey_dump.c 1.24): the address line ends with
/// a blank, the state too, and `sadb_seq=`/`refcnt=` close the entry.
#[test]
fn sad_dump_recorded_from_netbsd() {
    let text = render(Dialect::NetBsd, "sad.bin", false);
    assert!(text.starts_with("192.0.2.1 192.0.2.2 \n\tesp mode=tunnel spi=28673(0x00007001)"));
    assert!(text.contains("\tseq=0x00000000 replay=32 flags=0x00000040 state=mature \n"));
    assert!(text.contains("\tdiff: 60(s)\thard: 3600(s)\tsoft: 2880(s)\n"));
    assert!(text.contains("\tcurrent: 0(bytes)\thard: 1000000(bytes)\tsoft: 800000(bytes)\n"));
    assert!(text.contains("\tC: deflate \tseq=0x00000000 replay=0"));
    assert!(
        text.ends_with("\tsadb_seq=0 pid=13561 refcnt=1\n"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// NetBSD's -DP: pfkey_spdump (pfkey_dump.c 1.24) and ipsec_dump_policy
/// (ipsec_dump_policy.c 1.9); the kernel sends no lifetimes with a policy.
#[test]
fn spd_dump_recorded_from_netbsd() {
    let text = render(Dialect::NetBsd, "spd.bin", true);
    assert!(text.contains("\tesp/transport//unique#16386\n"), "{text}");
    assert!(text.contains("\tesp/tunnel/203.0.113.1-198.51.100.1/unique:11\n"));
    assert!(
        !text.contains("created:") && !text.contains("prio"),
        "{text}"
    );
    assert!(
        text.ends_with("\tspid=432 seq=0 pid=13565\n\trefcnt=1\n"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn recorded_replies_survive_a_round_trip() {
    for dialect in [Dialect::Linux, Dialect::NetBsd] {
        for file in ["sad.bin", "spd.bin"] {
            let mut rebuilt = Vec::new();
            for m in recorded(dialect, file) {
                rebuilt.extend(pfkey::emit(&m, dialect).unwrap());
            }
            assert_eq!(rebuilt, bytes(dialect, file), "{}", path(dialect, file));
        }
    }
}
