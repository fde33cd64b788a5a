//! `-D`/`-DP` as JSON, as setkey statements and `--wide`, from dump replies recorded on real
//! kernels (Linux 6.1 in QEMU and NetBSD's sys/netipsec as a rump kernel, tests/data/*/).

use setkey::compile::{compile, CompileOptions, Operation};
use setkey::format::json_dump;
use setkey::format::kame::{sa_entry, DumpContext};
use setkey::pfkey::{AddressKind, Dialect, Extension, KeyKind, LifetimeKind, Message};

mod recorded_support;
use recorded_support::{newest, protocol_name, recorded};

fn json_document(dialect: Dialect, file: &str, policy: bool) -> String {
    let msgs = recorded(dialect, file);
    let ctx = DumpContext {
        now: newest(&msgs) + 60,
        with_ports: false,
        protocol_name: &protocol_name,
        interface_name: &|_| None,
        wide_keys: false,
    };
    let mut text = json_dump::document_start(dialect, policy);
    for (i, m) in msgs.iter().enumerate() {
        text.push_str(if i == 0 { "\n" } else { ",\n" });
        text.push_str(&if policy {
            json_dump::sp_entry(m, dialect, &ctx)
        } else {
            json_dump::sa_entry(m, dialect, &ctx)
        });
    }
    text.push('\n');
    text.push_str(json_dump::DOCUMENT_END);
    text
}

fn parsed(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn sad_json_from_linux() {
    let text = json_document(Dialect::Linux, "sad.bin", false);
    let doc = parsed(&text);
    assert_eq!(doc["schema"], 1);
    let first = &doc["sad"][0];
    assert_eq!(first["spi"], 0x7001);
    assert_eq!(first["mode"], "tunnel");
    assert_eq!(first["encrypt"]["name"], "aes-ctr");
    assert_eq!(
        first["encrypt"]["key"],
        "0102030405060708090a0b0c0d0e0f1011121314"
    );
    assert_eq!(first["lifetime"]["hard"]["bytes"], 1_000_000);
    assert_eq!(first["lifetime"]["soft"]["addtime"], 2880);
    assert_eq!(first["created"], "2026-11-22T10:19:57Z");
    assert_eq!(first["last_used"], serde_json::Value::Null);
    assert_eq!(doc["sad"].as_array().unwrap().len(), 10);
    insta::assert_snapshot!(text);
}

#[test]
fn spd_json_from_linux() {
    let text = json_document(Dialect::Linux, "spd.bin", true);
    let doc = parsed(&text);
    let tcp = &doc["spd"][1];
    assert_eq!(tcp["src"]["prefixlen"], 24);
    assert_eq!(tcp["dst"]["port"], 443);
    assert_eq!(tcp["upper"]["name"], "tcp");
    assert_eq!(tcp["priority_text"], "high + 5");
    assert_eq!(tcp["requests"][0]["level"], "require");
    let auto = &doc["spd"][2]["requests"][0];
    assert_eq!(auto["reqid"], 16385);
    assert_eq!(auto["reqid_assigned"], true);
    insta::assert_snapshot!(text);
}

#[test]
fn sad_json_from_netbsd() {
    let text = json_document(Dialect::NetBsd, "sad.bin", false);
    let doc = parsed(&text);
    assert_eq!(doc["target"], "netbsd");
    assert_eq!(doc["sad"][0]["flags"], 0x40);
    assert_eq!(doc["sad"][1]["compress"]["name"], "deflate");
    insta::assert_snapshot!(text);
}

#[test]
fn spd_json_from_netbsd() {
    let text = json_document(Dialect::NetBsd, "spd.bin", true);
    let doc = parsed(&text);
    assert_eq!(doc["spd"][1]["requests"][0]["src"]["addr"], "203.0.113.1");
    assert_eq!(doc["spd"][1]["requests"][0]["reqid"], 11);
    assert_eq!(doc["spd"][0]["created"], serde_json::Value::Null);
    insta::assert_snapshot!(text);
}

#[test]
fn an_empty_dump_is_an_empty_document() {
    let text = format!(
        "{}{}",
        json_dump::document_start(Dialect::FreeBsd, true),
        json_dump::DOCUMENT_END
    );
    assert_eq!(parsed(&text)["spd"], serde_json::json!([]));
}

fn options(dialect: Dialect) -> CompileOptions {
    CompileOptions {
        dialect,
        pid: 1,
        linux_fwd_copy: true,
        interface_index: |_| None,
        require_interfaces: true,
    }
}

/// Every message the script sends, in order.
fn sent(script: &str, dialect: Dialect) -> Vec<Message> {
    let statements = setkey::lang::parse(script)
        .unwrap_or_else(|e| panic!("the script does not parse for {dialect}: {e:?}\n{script}"));
    let compiled = compile(&statements, &options(dialect))
        .unwrap_or_else(|e| panic!("the script does not compile for {dialect}: {e:?}\n{script}"));
    compiled
        .into_iter()
        .flatten()
        .filter_map(|op| match op {
            Operation::Send(m) => Some(m),
            Operation::Warning(w) => panic!("warning {w:?} for\n{script}"),
            _ => None,
        })
        .collect()
}

/// What an SA statement decides, as the kernel stores it and dumps it back.
fn sa_state(m: &Message) -> String {
    let sa = m.sa().expect("SA");
    let sa2 = m.sa2().expect("SA2");
    let key = |k| m.key(k).map(|k| k.data[..usize::from(k.bits) / 8].to_vec());
    let life = |k| {
        m.lifetime(k)
            .map(|l| (l.addtime, l.bytes))
            .filter(|l| *l != (0, 0))
    };
    format!(
        "{:?} {:?} {} {} {} {} {} {} {} {:?} {:?} {:?} {:?}",
        m.address(AddressKind::Src).map(|a| &a.addr),
        m.address(AddressKind::Dst).map(|a| &a.addr),
        m.header.satype,
        sa.spi,
        sa.auth,
        sa.encrypt,
        sa.replay,
        sa2.mode,
        sa2.reqid,
        key(KeyKind::Encrypt),
        key(KeyKind::Auth),
        life(LifetimeKind::Hard),
        life(LifetimeKind::Soft),
    )
}

fn sp_state(m: &Message) -> String {
    let mut p = m.policy().expect("policy").clone();
    p.id = 0;
    for r in &mut p.requests {
        if r.reqid > setkey::pfkey::consts::IPSEC_MANUAL_REQID_MAX {
            r.reqid = 0;
        }
    }
    format!(
        "{:?} {:?} {:?}",
        m.address(AddressKind::Src),
        m.address(AddressKind::Dst),
        p
    )
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn round_trip(dialect: Dialect) -> (String, String) {
    let sad = recorded(dialect, "sad.bin");
    let spd = recorded(dialect, "spd.bin");
    let sad_script = setkey::decompile::script(&sad, dialect, false);
    let spd_script = setkey::decompile::script(&spd, dialect, true);
    let adds = sent(&sad_script, dialect);
    assert_eq!(
        sorted(adds.iter().map(sa_state).collect()),
        sorted(sad.iter().map(sa_state).collect()),
        "{sad_script}"
    );
    // The SAs are added oldest first, so that the kernel lists them as before.
    assert_eq!(
        adds.iter()
            .rev()
            .map(|m| m.sa().unwrap().spi)
            .collect::<Vec<_>>(),
        sad.iter().map(|m| m.sa().unwrap().spi).collect::<Vec<_>>()
    );
    let spdadds = sent(&spd_script, dialect);
    let mut installed: Vec<String> = Vec::new();
    for m in &spdadds {
        let state = sp_state(m);
        // spdupdate replaces the fwd copy an inbound spdadd made (Linux).
        if m.header.msg_type == setkey::pfkey::consts::SADB_X_SPDUPDATE {
            installed.retain(|s| s != &state);
        }
        installed.push(state);
    }
    assert_eq!(
        sorted(installed),
        sorted(spd.iter().map(sp_state).collect()),
        "{spd_script}"
    );
    (sad_script, spd_script)
}

#[test]
fn linux_dumps_as_statements_compile_back_to_the_same_entries() {
    let (sad, spd) = round_trip(Dialect::Linux);
    insta::assert_snapshot!("linux_sad_as_setkey", sad);
    insta::assert_snapshot!("linux_spd_as_setkey", spd);
}

#[test]
fn netbsd_dumps_as_statements_compile_back_to_the_same_entries() {
    let (sad, spd) = round_trip(Dialect::NetBsd);
    insta::assert_snapshot!("netbsd_sad_as_setkey", sad);
    insta::assert_snapshot!("netbsd_spd_as_setkey", spd);
}

#[test]
fn wide_keys_are_the_wrapped_ones_on_one_line() {
    let msgs = recorded(Dialect::Linux, "sad.bin");
    let ctx = |wide_keys| DumpContext {
        now: 0,
        with_ports: false,
        protocol_name: &|_| None,
        interface_name: &|_| None,
        wide_keys,
    };
    let wrapped = sa_entry(&msgs[0], Dialect::Linux, &ctx(false));
    let wide = sa_entry(&msgs[0], Dialect::Linux, &ctx(true));
    assert!(wrapped.contains("1d1e1f20\n 21222324"), "{wrapped}");
    assert_eq!(
        wide,
        wrapped.replace("1d1e1f20\n 21222324", "1d1e1f20 21222324")
    );
    assert!(wide.lines().all(|l| !l.starts_with(' ')), "{wide}");
}

#[test]
fn entries_without_a_setkey_form_are_comments() {
    let mut msgs = recorded(Dialect::Linux, "sad.bin");
    msgs.truncate(1);
    if let Some(Extension::Sa(sa)) = msgs[0]
        .extensions
        .iter_mut()
        .find(|e| matches!(e, Extension::Sa(_)))
    {
        sa.state = setkey::pfkey::consts::SADB_SASTATE_LARVAL;
    }
    let script = setkey::decompile::script(&msgs, Dialect::Linux, false);
    assert_eq!(
        script,
        "# larval SA 192.0.2.1 192.0.2.2 spi 0x7001 (reserved by getspi or an ACQUIRE, no keys \
         yet): not re-created\n"
    );
    assert!(sent(&script, Dialect::Linux).is_empty());
}
