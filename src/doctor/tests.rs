use super::*;
use crate::compile::{compile, CompileOptions, Operation};
use crate::pfkey::{Extension, Lifetime};

const NOW: u64 = 1_800_000_000;

/// The SAD and SPD a script leaves, as a dump shows them: SAs mature, created `age` seconds
/// before NOW (one second apart, in script order), policies numbered.
fn state(script: &str, age: u64) -> (Vec<Message>, Vec<Message>) {
    let statements = crate::lang::parse(script).expect("parses");
    let opts = CompileOptions {
        dialect: Dialect::Linux,
        pid: 1,
        linux_fwd_copy: false,
        interface_index: |_| None,
        require_interfaces: true,
    };
    let (mut sad, mut spd) = (Vec::new(), Vec::new());
    for op in compile(&statements, &opts)
        .expect("compiles")
        .into_iter()
        .flatten()
    {
        let Operation::Send(mut m) = op else { continue };
        if m.header.msg_type == SADB_ADD {
            for e in &mut m.extensions {
                if let Extension::Sa(sa) = e {
                    sa.state = SADB_SASTATE_MATURE;
                }
            }
            let created = NOW - age + sad.len() as u64;
            m.extensions.push(Extension::Lifetime(
                LifetimeKind::Current,
                Lifetime {
                    addtime: created,
                    ..Lifetime::default()
                },
            ));
            sad.push(m);
        } else {
            for e in &mut m.extensions {
                if let Extension::Policy(p) = e {
                    p.id = 8 * (spd.len() as u32 + 1);
                }
            }
            spd.push(m);
        }
    }
    (sad, spd)
}

fn random(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + 1) as u8).collect()
}

fn examine_with(script: &str, key_manager: Option<&str>) -> Vec<Finding> {
    let (sad, spd) = state(script, 100);
    let cx = Context {
        dialect: Dialect::Linux,
        now: NOW,
        key_manager: key_manager.map(str::to_string),
        random: &random,
    };
    examine(&sad, &spd, &cx)
}

fn kinds(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.kind.name()).collect()
}

const HEALTHY: &str = "
add 192.0.2.1 192.0.2.2 esp 0x1001 -m transport -E aes-cbc 0x00112233445566778899aabbccddeeff;
add 192.0.2.2 192.0.2.1 esp 0x1002 -m transport -E aes-cbc 0x00112233445566778899aabbccddeeff;
spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport//require;
spdadd 192.0.2.2 192.0.2.1 any -P in ipsec esp/transport//require;
";

#[test]
fn a_consistent_state_has_no_findings() {
    assert_eq!(examine_with(HEALTHY, None), vec![]);
}

#[test]
fn the_older_of_two_sas_for_the_same_pair_is_deleted() {
    let script = format!(
        "{HEALTHY}add 192.0.2.1 192.0.2.2 esp 0x1003 -m transport -E aes-cbc \
         0x00112233445566778899aabbccddeeff;"
    );
    let findings = examine_with(&script, None);
    assert_eq!(kinds(&findings), ["duplicate-sa"]);
    assert_eq!(findings[0].fix, ["delete 192.0.2.1 192.0.2.2 esp 0x1001;"]);
    assert!(
        findings[0].text.contains("spi 0x1001, 0x1003"),
        "{}",
        findings[0].text
    );
}

#[test]
fn a_required_sa_is_missing_only_without_a_key_manager() {
    let script = "
add 192.0.2.1 192.0.2.2 esp 0x1001 -m transport -E aes-cbc 0x00112233445566778899aabbccddeeff;
spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport//require;
spdadd 192.0.2.2 192.0.2.1 any -P in ipsec esp/transport//require;
";
    let findings = examine_with(script, None);
    assert_eq!(kinds(&findings), ["missing-sa"]);
    assert_eq!(
        findings[0].fix,
        [
            "add 192.0.2.2 192.0.2.1 esp 0x1090f16 -m transport -E aes-cbc \
          0x01080f161d242b323940474e555c636a -A hmac-sha256 \
          0x01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da;"
        ]
    );
    assert_eq!(examine_with(script, Some("racoon")), vec![]);
}

#[test]
fn a_unique_reqid_no_sa_carries_is_reported_even_with_a_key_manager() {
    let script = "
add 192.0.2.1 192.0.2.2 esp 0x1001 -m transport -u 7 -E aes-cbc 0x00112233445566778899aabbccddeeff;
add 192.0.2.2 192.0.2.1 esp 0x1002 -m transport -u 8 -E aes-cbc 0x00112233445566778899aabbccddeeff;
spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport//unique:9;
spdadd 192.0.2.2 192.0.2.1 any -P in ipsec esp/transport//unique:8;
";
    let findings = examine_with(script, Some("charon"));
    assert_eq!(kinds(&findings), ["unmatched-reqid", "unused-sa"]);
    assert!(
        findings[0].fix[0].contains(" -u 9 "),
        "{:?}",
        findings[0].fix
    );
    assert_eq!(findings[1].fix, ["delete 192.0.2.1 192.0.2.2 esp 0x1001;"]);
}

#[test]
fn an_sa_of_a_network_policy_is_used_when_its_hosts_are_inside() {
    let script = "
add 10.1.0.1 10.2.0.1 esp 0x1001 -m transport -E aes-cbc 0x00112233445566778899aabbccddeeff;
add 10.3.0.1 10.2.0.1 esp 0x1002 -m transport -E aes-cbc 0x00112233445566778899aabbccddeeff;
spdadd 10.1.0.0/16 10.2.0.0/16 any -P out ipsec esp/transport//require;
spdadd 10.2.0.0/16 10.1.0.0/16 any -P in ipsec esp/transport//use;
";
    let findings = examine_with(script, None);
    assert_eq!(kinds(&findings), ["unused-sa"]);
    assert_eq!(findings[0].fix, ["delete 10.3.0.1 10.2.0.1 esp 0x1002;"]);
}

#[test]
fn a_one_way_policy_gets_its_mirror_and_the_sa_it_needs() {
    let script = "
add 198.51.100.1 203.0.113.1 esp 0x2001 -m tunnel -u 10 -E aes-cbc 0x00112233445566778899aabbccddeeff;
spdadd 10.1.0.0/16 10.2.0.0/16 any -P out ipsec esp/tunnel/198.51.100.1-203.0.113.1/unique:10;
";
    let findings = examine_with(script, None);
    assert_eq!(kinds(&findings), ["asymmetric-policy"]);
    assert_eq!(findings[0].fix.len(), 2, "{:?}", findings[0].fix);
    assert_eq!(
        findings[0].fix[0],
        "spdadd 10.2.0.0/16[any] 10.1.0.0/16[any] any -P in prio def ipsec \
         esp/tunnel/203.0.113.1-198.51.100.1/require;"
    );
    assert!(findings[0].fix[1].starts_with("add 203.0.113.1 198.51.100.1 esp 0x"));
    assert!(findings[0].fix[1].contains(" -m tunnel -E aes-cbc "));
}

#[test]
fn an_sa_near_its_hard_lifetime_is_added_again() {
    let script = format!(
        "{HEALTHY}add 192.0.2.1 192.0.2.3 esp 0x3001 -m transport -lh 150 -E aes-cbc \
         0x00112233445566778899aabbccddeeff;\
         spdadd 192.0.2.1 192.0.2.3 any -P out ipsec esp/transport//use;\
         spdadd 192.0.2.3 192.0.2.1 any -P in ipsec esp/transport//use;"
    );
    // Created 98 s ago with 150 s to live: 52 s left, under the 60 s horizon.
    let findings = examine_with(&script, None);
    assert_eq!(kinds(&findings), ["expiring-sa"]);
    assert!(findings[0].text.contains("in 52 s"), "{}", findings[0].text);
    assert_eq!(
        findings[0].fix,
        [
            "delete 192.0.2.1 192.0.2.3 esp 0x3001;",
            "add 192.0.2.1 192.0.2.3 esp 0x3001 -m transport -lh 150 -E aes-cbc \
             0x00112233445566778899aabbccddeeff;"
        ]
    );
}

#[test]
fn every_fix_parses_for_its_target() {
    let script = "
add 192.0.2.1 192.0.2.2 esp 0x1001 -m transport -lh 100 -E aes-cbc 0x00112233445566778899aabbccddeeff;
add 192.0.2.1 192.0.2.2 esp 0x1003 -m transport -E aes-cbc 0x00112233445566778899aabbccddeeff;
add 192.0.2.9 192.0.2.8 ah 0x1004 -A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314;
spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport//require ah/transport//unique:5;
spdadd 192.0.2.2 192.0.2.1 any -P in ipsec esp/transport//require;
";
    let findings = examine_with(script, None);
    assert!(findings.len() >= 4, "{findings:?}");
    for f in &findings {
        for statement in &f.fix {
            crate::lang::parse(statement).unwrap_or_else(|e| panic!("{statement}: {e:?}"));
        }
    }
}
