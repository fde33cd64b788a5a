//! `-x` rendering of every message type users watch for, per dialect, through `--replay`.

use std::net::Ipv4Addr;
use std::process::Command;

use setkey::pfkey::consts::*;
use setkey::pfkey::*;
use zeroize::Zeroizing;

fn v4(a: [u8; 4], port: u16) -> SockAddr {
    SockAddr::V4 {
        addr: Ipv4Addr::from(a),
        port,
    }
}

fn addr(kind: AddressKind, a: SockAddr, proto: u8, prefixlen: u8) -> Extension {
    Extension::Address(
        kind,
        Address {
            proto,
            prefixlen,
            reserved: 0,
            addr: a,
        },
    )
}

fn msg(msg_type: u8, satype: u8, extensions: Vec<Extension>) -> Message {
    Message {
        header: Header {
            version: 2,
            msg_type,
            errno: 0,
            satype,
            reserved: 0,
            seq: 7,
            pid: 0,
        },
        extensions,
    }
}

fn sa(spi: u32, state: u8) -> Extension {
    Extension::Sa(Sa {
        spi,
        replay: 4,
        state,
        auth: 5,
        encrypt: 12,
        flags: 0x40,
    })
}

fn endpoints() -> Vec<Extension> {
    vec![
        addr(AddressKind::Src, v4([192, 0, 2, 1], 0), 255, 32),
        addr(AddressKind::Dst, v4([192, 0, 2, 2], 0), 255, 32),
    ]
}

fn policy(dir: u8) -> Extension {
    Extension::Policy(Policy {
        policy_type: IPSEC_POLICY_IPSEC,
        dir,
        scope: 0,
        id: 17,
        priority: 0,
        requests: vec![IpsecRequest {
            proto: 50,
            mode: IPSEC_MODE_TRANSPORT,
            level: IPSEC_LEVEL_REQUIRE,
            reqid: 0,
            endpoints: None,
        }],
    })
}

fn lifetime(kind: LifetimeKind, addtime: u64, bytes: u64) -> Extension {
    Extension::Lifetime(
        kind,
        Lifetime {
            allocations: 0,
            bytes,
            addtime,
            usetime: 0,
        },
    )
}

/// One message of every kind the monitor renders specially.
fn traffic() -> Vec<Message> {
    let mut acquire = msg(
        SADB_ACQUIRE,
        SADB_SATYPE_ESP,
        vec![
            addr(AddressKind::Src, v4([192, 0, 2, 1], 0), 1, 32),
            addr(AddressKind::Dst, v4([192, 0, 2, 99], 0), 1, 32),
            policy(IPSEC_DIR_OUTBOUND),
            Extension::Proposal(Proposal {
                replay: 32,
                combinations: vec![Combination {
                    auth: 5,
                    encrypt: 12,
                    auth_minbits: 256,
                    auth_maxbits: 256,
                    encrypt_minbits: 128,
                    encrypt_maxbits: 256,
                    ..Combination::default()
                }],
            }),
        ],
    );
    acquire.header.seq = 1;
    let mut soft = vec![sa(0x1234, SADB_SASTATE_DYING)];
    soft.extend(endpoints());
    soft.push(lifetime(LifetimeKind::Current, 0, 420));
    soft.push(lifetime(LifetimeKind::Soft, 1, 0));
    let mut hard = vec![sa(0x1234, SADB_SASTATE_DEAD)];
    hard.extend(endpoints());
    hard.push(lifetime(LifetimeKind::Current, 0, 840));
    hard.push(lifetime(LifetimeKind::Hard, 3, 0));
    let mut sa_exts = vec![
        sa(0x1234, SADB_SASTATE_MATURE),
        Extension::Sa2(Sa2::default()),
    ];
    sa_exts.extend(endpoints());
    let mut add = sa_exts.clone();
    add.push(Extension::Key(
        KeyKind::Encrypt,
        Key {
            bits: 128,
            reserved: 0,
            data: Zeroizing::new(vec![0x11; 16]),
        },
    ));
    let mut spd = vec![policy(IPSEC_DIR_OUTBOUND)];
    spd.extend(endpoints());
    vec![
        acquire,
        msg(SADB_EXPIRE, SADB_SATYPE_ESP, soft),
        msg(SADB_EXPIRE, SADB_SATYPE_ESP, hard),
        msg(SADB_ADD, SADB_SATYPE_ESP, add),
        msg(SADB_UPDATE, SADB_SATYPE_ESP, sa_exts.clone()),
        msg(SADB_GETSPI, SADB_SATYPE_ESP, sa_exts.clone()),
        msg(SADB_DELETE, SADB_SATYPE_ESP, sa_exts),
        msg(SADB_X_SPDADD, 0, spd.clone()),
        msg(SADB_X_SPDDELETE, 0, spd.clone()),
        msg(SADB_X_SPDEXPIRE, 0, spd),
        msg(
            SADB_REGISTER,
            SADB_SATYPE_ESP,
            vec![Extension::Supported(
                SupportedKind::Encrypt,
                vec![Algorithm {
                    id: 12,
                    ivlen: 16,
                    minbits: 128,
                    maxbits: 256,
                    reserved: 0,
                }],
            )],
        ),
        msg(SADB_FLUSH, SADB_SATYPE_UNSPEC, vec![]),
        msg(SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC, vec![]),
    ]
}

/// The traffic as the monitor receives it plainly (every copy on Linux; on the BSDs, the copy
/// that follows each promiscuous one).
fn wire(dialect: Dialect) -> Vec<u8> {
    traffic()
        .iter()
        .flat_map(|m| emit(m, dialect).unwrap())
        .collect()
}

fn replay(dialect: Dialect, extra: &[&str], bytes: &[u8]) -> (i32, String) {
    // Tests run in parallel threads of one process: a counter keeps their files apart.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "setkey-replay-{}-{dialect}-{n}.bin",
        std::process::id()
    ));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(["-x", "--target", dialect.name(), "--replay"])
        .arg(&path)
        .args(extra)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// `replay` with `--annotate`: the summary line before each message.
fn annotated(dialect: Dialect, extra: &[&str], bytes: &[u8]) -> (i32, String) {
    let mut args = vec!["--annotate"];
    args.extend_from_slice(extra);
    replay(dialect, &args, bytes)
}

#[test]
fn text_rendering_per_dialect() {
    for dialect in Dialect::ALL {
        let (status, text) = annotated(dialect, &[], &wire(dialect));
        assert_eq!(status, 0);
        insta::assert_snapshot!(format!("text_{dialect}"), text);
    }
}

#[test]
fn json_rendering_per_dialect() {
    for dialect in Dialect::ALL {
        let (status, text) = replay(dialect, &["--json"], &wire(dialect));
        assert_eq!(status, 0);
        assert_eq!(text.lines().count(), traffic().len());
        insta::assert_snapshot!(format!("json_{dialect}"), text);
    }
}

#[test]
fn acquire_shows_the_flow_and_the_policy() {
    let (_, text) = annotated(
        Dialect::Linux,
        &["--filter", "acquire"],
        &wire(Dialect::Linux),
    );
    assert!(
        text.contains("# ACQUIRE esp 192.0.2.1 -> 192.0.2.99 proto 1 policy id 17"),
        "{text}"
    );
    assert_eq!(text.matches("sadb_msg{").count(), 1);
}

#[test]
fn filter_and_summary() {
    let (status, text) = annotated(
        Dialect::NetBsd,
        &["--filter", "expire,delete", "--summary"],
        &wire(Dialect::NetBsd),
    );
    assert_eq!(status, 0);
    assert!(
        text.contains("# EXPIRE (soft) esp spi 0x00001234 192.0.2.1 -> 192.0.2.2"),
        "{text}"
    );
    assert!(
        text.contains("# EXPIRE (hard) esp spi 0x00001234"),
        "{text}"
    );
    assert!(text.contains("# DELETE esp spi 0x00001234"), "{text}");
    assert!(!text.contains("ACQUIRE"));
    assert!(text.contains("| EXPIRE  | 2     |"), "{text}");
    assert!(text.contains("| DELETE  | 1     |"), "{text}");
}

#[test]
fn undecodable_messages_are_dumped_and_the_monitor_goes_on() {
    let mut bytes = wire(Dialect::FreeBsd);
    // A message whose only extension claims to run past the end.
    let bad: [u8; 24] = [
        2, SADB_ADD, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0, 0, 0, 0, 0,
    ];
    let mut wrapped = vec![2, SADB_X_PROMISC, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    wrapped.extend_from_slice(&bad);
    let mut all = wrapped;
    all.append(&mut bytes);
    let (status, text) = annotated(Dialect::FreeBsd, &[], &all);
    assert_eq!(status, 0);
    assert!(text.contains("# undecodable message: extension"), "{text}");
    assert!(text.contains("# ACQUIRE"), "{text}");
}

#[test]
fn timestamps_local_with_x_and_raw_with_xx() {
    let one = emit(&msg(SADB_FLUSH, 0, vec![]), Dialect::NetBsd).unwrap();
    // As the C setkey's promisc() (NetBSD's crypto/dist/ipsec-tools/src/setkey/setkey.c
    // 1.16, FreeBSD's sbin/setkey/setkey.c alike): printdate()'s `HH:MM:SS.uuuuuu ` and a
    // newline, then kdebug_sadb's text (key_debug.c 1.14), then a blank line.
    let (_, text) = replay(Dialect::NetBsd, &[], &one);
    assert_eq!(
        text,
        "00:00:00.000000 \nsadb_msg{ version=2 type=9 errno=0 satype=0\n  \
         len=2 reserved=0 seq=7 pid=0\n\n"
    );
    let (_, text) = annotated(Dialect::NetBsd, &[], &one);
    assert!(
        text.starts_with("00:00:00.000000 \n# FLUSH unspec\n"),
        "{text}"
    );
    // A second -x makes -xx: seconds.microseconds since the epoch.
    let (_, text) = annotated(Dialect::NetBsd, &["-x"], &one);
    assert!(text.starts_with("0.000000 \n# FLUSH unspec\n"), "{text}");
}

#[test]
fn random_and_mutated_messages_never_crash_the_monitor() {
    // A fixed-seed generator: the same inputs every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let valid = wire(Dialect::Linux);
    for dialect in Dialect::ALL {
        let mut blob = Vec::new();
        for _ in 0..300 {
            // A header announcing a length, then bytes that are random or a mutated message.
            let len = (next() % 40 + 2) as usize * 8;
            let mut msg: Vec<u8> = if next() % 2 == 0 {
                (0..len).map(|_| next() as u8).collect()
            } else {
                let start = (next() as usize % (valid.len() / 8)) * 8;
                valid[start..].iter().copied().take(len).collect()
            };
            msg.resize(len, 0);
            msg[0] = 2;
            msg[4..6].copy_from_slice(&((len / 8) as u16).to_le_bytes());
            for _ in 0..4 {
                let at = next() as usize % len;
                msg[at] = next() as u8;
            }
            msg[4..6].copy_from_slice(&((len / 8) as u16).to_le_bytes());
            blob.extend_from_slice(&msg);
        }
        let path =
            std::env::temp_dir().join(format!("setkey-fuzz-{}-{dialect}.bin", std::process::id()));
        std::fs::write(&path, &blob).unwrap();
        for extra in [&[][..], &["--json"][..]] {
            let out = Command::new(env!("CARGO_BIN_EXE_setkey"))
                .args(["-x", "--target", dialect.name(), "--replay"])
                .arg(&path)
                .args(extra)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{dialect} {extra:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
        // Kept when a check fails, to replay by hand.
        std::fs::remove_file(&path).ok();
    }
}

/// A BSD kernel's promiscuous socket gets a broadcast twice: first wrapped in X_PROMISC with a
/// length 16 bytes too long (NetBSD sys/netipsec/keysock.c 1.50 key_sendup0 adds the wrapper's
/// length to a message length that already counts it; FreeBSD 14's keysock.c does the same),
/// then plain. Both are shown, the wrapped one marked, and framing follows the inner message.
#[test]
fn bsd_promiscuous_copies_are_marked_and_framed_by_the_inner_message() {
    for dialect in [Dialect::NetBsd, Dialect::FreeBsd] {
        let add = emit(
            &msg(
                SADB_ADD,
                SADB_SATYPE_ESP,
                [vec![sa(0x4242, 1)], endpoints()].concat(),
            ),
            dialect,
        )
        .unwrap();
        let flush = emit(&msg(SADB_X_SPDFLUSH, 0, vec![]), dialect).unwrap();
        let overstated = ((16 + 16 + add.len()) / 8) as u16;
        let mut bytes = vec![2, SADB_X_PROMISC, 0, 0];
        bytes.extend_from_slice(&overstated.to_le_bytes());
        bytes.extend_from_slice(&[0; 10]);
        bytes.extend_from_slice(&add);
        bytes.extend_from_slice(&add);
        bytes.extend_from_slice(&flush);
        let (status, text) = annotated(dialect, &["--summary"], &bytes);
        assert_eq!(status, 0);
        let summaries: Vec<&str> = text.lines().filter(|l| l.starts_with("# ")).collect();
        assert_eq!(
            summaries,
            [
                "# ADD esp spi 0x00004242 192.0.2.1 -> 192.0.2.2 [promiscuous copy]",
                "# ADD esp spi 0x00004242 192.0.2.1 -> 192.0.2.2",
                "# X_SPDFLUSH",
            ],
            "{dialect}: {text}"
        );
        assert!(
            text.contains("| ADD [promiscuous copy] | 1     |"),
            "{text}"
        );
        let (_, json) = replay(dialect, &["--json"], &bytes);
        let lines: Vec<&str> = json.lines().collect();
        assert_eq!(lines.len(), 3, "{json}");
        assert!(
            lines[0].contains("\"promiscuous_copy\":true,\"type\":\"ADD\""),
            "{json}"
        );
        assert!(!lines[1].contains("promiscuous_copy"), "{json}");
    }
}

/// A policy message (SPDADD, SPDEXPIRE, ...) from `src` to `dst` with the kernel's `id`.
fn policy_message(msg_type: u8, src: [u8; 4], dst: [u8; 4], dir: u8, id: u32) -> Message {
    let mut policy = policy(dir);
    if let Extension::Policy(p) = &mut policy {
        p.id = id;
    }
    msg(
        msg_type,
        0,
        vec![
            addr(AddressKind::Src, v4(src, 0), 255, 32),
            addr(AddressKind::Dst, v4(dst, 0), 255, 32),
            policy,
        ],
    )
}

/// An ACQUIRE for `dst`, with the id of the policy that asked for it.
fn acquire_for(dst: [u8; 4], policy_id: u32) -> Message {
    let mut m = policy_message(
        SADB_ACQUIRE,
        [192, 0, 2, 1],
        dst,
        IPSEC_DIR_OUTBOUND,
        policy_id,
    );
    m.header.satype = SADB_SATYPE_ESP;
    m
}

/// `-x --config`: an SPDADD teaches the id of line 3, an ACQUIRE with it is traced by id, one
/// with an unknown id by its addresses, one no policy of the file fits to none, and an
/// SPDEXPIRE by id; after an SPDDELETE the id is forgotten.
#[test]
fn acquires_and_spdexpires_are_traced_to_the_lines_of_their_policies() {
    let dir = std::env::temp_dir().join(format!("setkey-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("policies.conf");
    std::fs::write(
        &config,
        "# two policies\n\
         spdadd 192.0.2.1 192.0.2.78 any -P out ipsec esp/transport//require;\n\
         spdadd 192.0.2.1 192.0.2.77 any -P out ipsec esp/transport//require;\n",
    )
    .unwrap();
    let name = config.display().to_string();
    // Messages about the outbound policy 192.0.2.1 -> 192.0.2.77 of line 3, id 40.
    let line3 = |msg_type| {
        policy_message(
            msg_type,
            [192, 0, 2, 1],
            [192, 0, 2, 77],
            IPSEC_DIR_OUTBOUND,
            40,
        )
    };
    let traffic = [
        line3(SADB_X_SPDADD),
        acquire_for([192, 0, 2, 77], 40),
        acquire_for([192, 0, 2, 78], 99),
        acquire_for([192, 0, 2, 200], 7),
        line3(SADB_X_SPDEXPIRE),
        line3(SADB_X_SPDDELETE2),
        acquire_for([192, 0, 2, 77], 40),
    ];
    let bytes: Vec<u8> = traffic
        .iter()
        .flat_map(|m| emit(m, Dialect::Linux).unwrap())
        .collect();
    let (status, text) = replay(Dialect::Linux, &["--config", &name], &bytes);
    assert_eq!(status, 0);
    let notes: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("# policy: "))
        .collect();
    assert_eq!(
        notes,
        [
            format!("# policy: {name}:3 (kernel policy id 40)"),
            format!("# policy: {name}:2 (by selector; kernel policy id 99)"),
            format!("# policy: none in {name} (kernel policy id 7)"),
            format!("# policy: {name}:3 (kernel policy id 40)"),
            format!("# policy: {name}:3 (by selector; kernel policy id 40)"),
        ]
    );
    // Each note comes right before the message's dump.
    assert!(text.contains(&format!(
        "# policy: {name}:3 (kernel policy id 40)\nsadb_msg{{ version=2 type=6 errno=0 satype=3"
    )));
    let (_, json) = replay(Dialect::Linux, &["--json", "--config", &name], &bytes);
    let origins: Vec<String> = json
        .lines()
        .map(|l| match l.find(",\"policy_origin\":") {
            Some(at) => l[at + 1..].replace(&name, "FILE"),
            None => "-".to_string(),
        })
        .collect();
    insta::assert_snapshot!("config_origins_json", origins.join("\n"));
    for line in json.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("one JSON object a line");
    }
    std::fs::remove_dir_all(&dir).ok();
}
