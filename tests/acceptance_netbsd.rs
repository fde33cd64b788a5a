//! Acceptance: every setkey statement of NetBSD's own IPsec test suite compiles with
//! `setkey -n --target netbsd`, and every one that suite expects setkey or the kernel to refuse
//! is refused.
//!
//! The statements live in `tests/acceptance/netbsd/`, one file per script of NetBSD/src
//! `tests/net/ipsec/` (the revision read heads each file): `t_xxx.conf` holds what the script
//! sends with `setkey -c` and expects to succeed, `t_xxx.fail.conf` what it expects to fail,
//! each after a `# expect:` line with the verdict the script checks for. The scripts' loops over
//! algorithms and address families are expanded as `algorithms.sh` 1.6 does it (one key of each
//! valid length, `"aaa..."` of length/8 bytes), shell variables replaced by the addresses the
//! scripts assign, the statement text kept as they write it.
//!
//! Each statement is compiled on its own, from a file with `-f`, by the built binary. A
//! statement whose outcome differs from what NetBSD's suite expects must be listed in
//! [`KNOWN_GAPS`]; one that is listed but behaves fails the test too, so the list stays true.

use std::path::{Path, PathBuf};
use std::process::Command;

const DATA: &str = "tests/acceptance/netbsd";

/// Statements whose outcome under `-n --target netbsd` is not yet what NetBSD's suite expects:
/// (a substring of the statement with its blanks collapsed to one space, the reason). Every entry
/// must match at least one statement that misbehaves, and every statement that misbehaves must
/// match an entry.
const KNOWN_GAPS: &[(&str, &str)] = &[
    // AH with -A null and no key: t_ipsec_ah_keys.sh 1.4 (valid keys), t_ipsec_transport.sh
    // 1.8, t_ipsec_tunnel.sh 1.11, t_ipsec_tunnel_odd.sh 1.5, t_ipsec_tunnel_ipcomp.sh 1.4,
    // t_ipsec_misc.sh 1.21, t_ipsec_gif.sh 1.2, t_ipsec_l2tp.sh 1.5.2.1, t_ipsec_sockopt.sh
    // 1.2.2.2 and t_ipsec_tcp.sh 1.2.2.2 expect it to be added (AH_AUTHENTICATION_ALGORITHMS
    // and _MINIMUM of algorithms.sh 1.6 hold null). setkey-rs refuses it for netbsd before
    // sending, from a rump kernel's EINVAL and ah_init0 in sys/netipsec/xform_ah.c 1.111
    // (no key_auth). The C setkey sends no KEY_AUTH for -A null either (parse.y: ALG_AUTH_NOKEY
    // leaves p_key_auth NULL, setkeymsg_add adds KEY_AUTH only when it is set), so which side
    // is right depends on the kernel these tests run against.
    (
        "-A null ;",
        "NetBSD's kernel refuses authentication null: it needs an authentication key",
    ),
];

#[derive(Debug)]
struct Statement {
    /// `t_xxx.conf:LINE`
    place: String,
    text: String,
    /// The text with every run of blanks made one space.
    flat: String,
    expect_fail: Option<String>,
}

/// Statements of one data file: comment and blank lines between statements are skipped, a
/// statement runs until a line that ends with `;`; `# expect: ...` names the verdict of the next.
fn statements(path: &Path) -> Vec<Statement> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let fail_file = name.ends_with(".fail.conf");
    let text = std::fs::read_to_string(path).unwrap();
    let (mut out, mut lines, mut start, mut expect) = (Vec::new(), Vec::new(), 0, None);
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if lines.is_empty() && (t.is_empty() || t.starts_with('#')) {
            if let Some(why) = t.strip_prefix("# expect:") {
                expect = Some(why.trim().to_string());
            }
            continue;
        }
        if lines.is_empty() {
            start = i + 1;
        }
        lines.push(line);
        if t.ends_with(';') {
            let text = lines.join("\n");
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let expect_fail = if fail_file {
                Some(
                    expect
                        .take()
                        .unwrap_or_else(|| panic!("{name}:{start}: no # expect:")),
                )
            } else {
                None
            };
            out.push(Statement {
                place: format!("{name}:{start}"),
                text,
                flat,
                expect_fail,
            });
            lines.clear();
        }
    }
    assert!(
        lines.is_empty(),
        "{name}: a statement without ';' at the end"
    );
    out
}

fn data_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(DATA)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    files
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
}

fn compile(file: &Path) -> Outcome {
    let out = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(["-n", "--target", "netbsd", "-f"])
        .arg(file)
        .output()
        .expect("run setkey");
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What NetBSD's suite expects: success is exit 0 with no error printed; failure is a non-zero
/// exit (not a signal) with the error setkey-rs gives for what the script checks.
fn behaves(st: &Statement, out: &Outcome) -> bool {
    match &st.expect_fail {
        None => out.code == Some(0) && !out.stderr.contains("error"),
        Some(why) => matches!(out.code, Some(c) if c != 0) && out.stderr.contains(refusal(why)),
    }
}

/// The setkey-rs diagnostic for a verdict the scripts expect: the C setkey's parser says
/// `syntax error` for a key after `null`; the kernel says `Invalid argument` (or `Invalid key
/// length`) for a key of the wrong size, which setkey-rs finds before sending.
fn refusal(expect: &str) -> &'static str {
    if expect.starts_with("syntax error") {
        "takes no key"
    } else if expect.starts_with("Invalid (key length|argument)") {
        " key must be "
    } else {
        panic!("no setkey-rs diagnostic known for '# expect: {expect}'")
    }
}

fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("acceptance_netbsd");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn netbsd_ipsec_suite_statements() {
    let all: Vec<Statement> = data_files().iter().flat_map(|p| statements(p)).collect();
    let failing = all.iter().filter(|s| s.expect_fail.is_some()).count();
    // The expansion of the scripts gives this many; a change means the data lost or gained some.
    assert_eq!(
        (all.len() - failing, failing),
        (677, 60),
        "statement counts"
    );

    let dir = scratch();
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let chunks: Vec<_> = all
            .chunks(all.len().div_ceil(threads))
            .map(|chunk| {
                let dir = &dir;
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|st| {
                            let file = dir.join(st.place.replace(':', "-"));
                            std::fs::write(&file, format!("{}\n", st.text)).unwrap();
                            compile(&file)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });

    let mut problems = Vec::new();
    let mut gap_hits = vec![0usize; KNOWN_GAPS.len()];
    for (st, out) in all.iter().zip(&outcomes) {
        let gap = KNOWN_GAPS.iter().position(|(sub, _)| st.flat.contains(sub));
        let what = match &st.expect_fail {
            None => "expected to compile".to_string(),
            Some(why) => format!("expected to fail ({why})"),
        };
        match (behaves(st, out), gap) {
            (true, None) => {}
            (false, Some(g)) => {
                gap_hits[g] += 1;
                if !out.stderr.contains(KNOWN_GAPS[g].1) {
                    problems.push(format!(
                        "{}: {}\n  fails, but not as KNOWN_GAPS says ({}):\n  {}",
                        st.place, st.flat, KNOWN_GAPS[g].1, out.stderr
                    ));
                }
            }
            (false, None) => problems.push(format!(
                "{}: {}\n  {what}, got exit {:?}:\n  {}",
                st.place, st.flat, out.code, out.stderr
            )),
            (true, Some(g)) => problems.push(format!(
                "{}: {}\n  behaves now: take it out of KNOWN_GAPS ({})",
                st.place, st.flat, KNOWN_GAPS[g].1
            )),
        }
    }
    // The scripts feed their statements in groups: each data file as one `-f` file must report
    // one error per statement that fails on its own, and compile when none does.
    for path in data_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let alone = all
            .iter()
            .zip(&outcomes)
            .filter(|(st, out)| st.place.starts_with(&format!("{name}:")) && out.code != Some(0))
            .count();
        let out = compile(&path);
        let errors = out
            .stderr
            .lines()
            .filter(|l| l.contains(": error:"))
            .count();
        let want = if alone == 0 { Some(0) } else { Some(1) };
        if errors != alone || out.code != want {
            problems.push(format!(
                "{name} as one file: exit {:?} and {errors} errors, \
                 want exit {want:?} and {alone} (one per statement failing alone)",
                out.code
            ));
        }
    }
    for (g, (sub, why)) in KNOWN_GAPS.iter().enumerate() {
        eprintln!(
            "known gap: {:3} statements with {sub:?}: {why}",
            gap_hits[g]
        );
        if gap_hits[g] == 0 {
            problems.push(format!(
                "KNOWN_GAPS entry {sub:?} matches no failing statement"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
