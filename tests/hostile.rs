//! Hostile and unlucky inputs, end to end: each gives its expected error and exit status, and
//! nothing reaches a kernel. Every case runs as `setkey -n -v`, which prints each message at
//! the point it would be sent (stdout stays empty for a refused input), and again without
//! `-n`: on this host (no PF_KEY) opening the socket would be reported, so an input refused
//! without that report never opened one. The whole account is snapshotted for review.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

struct Case {
    name: String,
    /// Arguments before the input; `{file}` is replaced by the input written to a file,
    /// otherwise the input is given on standard input.
    args: Vec<String>,
    input: Vec<u8>,
    status: i32,
    /// A text the error output must hold (empty: the error output must be empty).
    stderr_has: String,
}

fn case(name: &str, args: &[&str], input: impl AsRef<[u8]>, status: i32, has: &str) -> Case {
    Case {
        name: name.to_string(),
        args: args.iter().map(|a| a.to_string()).collect(),
        input: input.as_ref().to_vec(),
        status,
        stderr_has: has.to_string(),
    }
}

/// A script on standard input for `target`.
fn script(name: &str, target: &str, input: impl AsRef<[u8]>, has: &str) -> Case {
    case(name, &["--target", target, "-c"], input, 1, has)
}

const SA: &str = "add 10.0.0.1 10.0.0.2 esp 0x1000 -m transport -u 5 -E aes-cbc \
0x00112233445566778899aabbccddeeff -A hmac-sha256 \
0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff;";
const SPD: &str = "spdadd 10.0.0.0/24[any] 10.0.1.0/24[80] tcp -P out prio def+5 ipsec \
esp/tunnel/192.0.2.1-192.0.2.2/unique:7 ah/transport//require;";
const NATT: &str = "add 10.0.0.1 [4500] 10.0.0.2 [4500] esp-udp 0x2000 -E aes-cbc \
0x00112233445566778899aabbccddeeff;";
const IPCOMP: &str = "add fe80::1%lo fe80::2%1 ipcomp 0x3000 -C deflate -R;";

fn issue_cases() -> Vec<Case> {
    let mut v = vec![
        // The parallel splitter once took this `"` as a quote and broke a file > 64 KiB.
        script(
            "quote inside an IPv6 scope before 70 KiB of statements",
            "netbsd",
            format!(
                "add fe80::1%\" fe80::2 esp 1 -E null;\n{}",
                format!("{SA}\n").repeat(500)
            ),
            "(stdin):1:5: error: ",
        ),
        script(
            "scope too large",
            "linux",
            "spdadd fe80::1%99999999999999999999 fe80::2 any -P out none;",
            "(stdin):1:8: error: ",
        ),
        script(
            "two scopes",
            "linux",
            "spdadd fe80::1%eth0%eth1 fe80::2 any -P out none;",
            "(stdin):1:8: error: ",
        ),
        script(
            "escape sequence in a word",
            "netbsd",
            "add 10.0.0.1 10.0.0.2 esp 1 -E \x1b[2J\x1b]0;owned\x07;",
            "\\x1b[2J",
        ),
        script(
            "NUL in a statement",
            "netbsd",
            "add 10.0.0.1\0 10.0.0.2 esp 1 -E null;",
            "\\0",
        ),
        script(
            "byte order mark",
            "freebsd",
            "\u{feff}spdflush;",
            "(stdin):1:1: error: a byte order mark (U+FEFF) is not setkey text",
        ),
        script(
            "unique above the manual's range",
            "netbsd",
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//unique:16384;",
            "(stdin):1:",
        ),
        script(
            "spdadd tagged",
            "netbsd",
            "spdadd tagged \"x\" -P out none;",
            "(stdin):1:1: error: ",
        ),
        script(
            "x_policy longer than its length field",
            "linux",
            format!(
                "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec {};",
                "esp/transport//require ".repeat(40_000)
            ),
            "(stdin):1:30: error: x_policy extension of 640016 bytes too long",
        ),
        script(
            "security context longer than its length field",
            "linux",
            format!(
                "spdadd 10.0.0.1 10.0.0.2 any -ctx 1 1 \"{}\" -P out none;",
                "a".repeat(70_000)
            ),
            "(stdin):1:30: error: security context of 70001 bytes too long",
        ),
        script(
            "unclosed port bracket of an SA address",
            "netbsd",
            "add 10.0.0.1 [500 10.0.0.2 esp 1 -E null;",
            "(stdin):1:14: error: unclosed '[': expected a port (a number or any) and ']'",
        ),
        script(
            "unclosed port bracket of a selector",
            "freebsd",
            "spdadd 10.0.0.1[500 10.0.0.2 any -P out none;",
            "(stdin):1:16: error: unclosed '['",
        ),
        case(
            "input over --max-input",
            &["--max-input", "100", "-c"],
            format!("{SA}\n{SA}\n"),
            1,
            "(stdin): more than the input limit of 100 bytes",
        ),
        case(
            "replay file over --max-input",
            &["--max-input", "64", "-x", "--replay", "-"],
            [0u8; 65],
            1,
            "(stdin): more than the input limit of 64 bytes",
        ),
        case(
            "10,000 bad statements are cut at --max-errors",
            &["--target", "netbsd", "-c"],
            "add 10.0.0.1 10.0.0.2 esp 4096 -E aes-cbc 0x00;\n".repeat(10_000),
            1,
            "setkey: 9900 more errors not shown (--max-errors 100)",
        ),
    ];
    // /dev/zero and friends: read up to the limit, then refused (a small limit keeps it fast).
    for (name, args) in [
        (
            "-f /dev/zero",
            vec!["--max-input", "1048576", "-f", "/dev/zero"],
        ),
        (
            "-x --replay /dev/zero",
            vec!["--max-input", "1048576", "-x", "--replay", "/dev/zero"],
        ),
        (
            "message file /dev/zero",
            vec!["--max-input", "1048576", "/dev/zero"],
        ),
    ] {
        v.push(case(
            name,
            &args,
            "",
            1,
            "/dev/zero: more than the input limit of 1048576 bytes",
        ));
    }
    v
}

fn file_cases() -> Vec<Case> {
    vec![
        case(
            "a directory",
            &["-f", "/"],
            "",
            1,
            "setkey: /: Is a directory",
        ),
        case(
            "a missing file",
            &["-f", "/nonexistent/setkey.conf"],
            "",
            1,
            "setkey: /nonexistent/setkey.conf: No such file or directory",
        ),
        // Readable by name, but every read fails (root reads any mode bits).
        case(
            "an unreadable file",
            &["-f", "/proc/self/mem"],
            "",
            1,
            "setkey: /proc/self/mem: Input/output error",
        ),
        case(
            "invalid UTF-8",
            &["-f", "{file}"],
            b"flush;\nadd 10.0.0.1 10.0.0.2 esp 1 -E \xff\xfe;\n",
            1,
            ":2:32: error: the file is not valid UTF-8 text",
        ),
        case(
            "truncated UTF-8 at the end",
            &["-f", "{file}"],
            b"flush; # caf\xc3",
            1,
            ":1:13: error: the file is not valid UTF-8 text",
        ),
        case(
            "a 1 MiB line of one word",
            &["-c"],
            "a".repeat(1 << 20),
            1,
            "(stdin):1:1: error: expected a command",
        ),
        case(
            "100,000 statements on one line, the last one bad",
            &["--target", "linux", "-c"],
            format!("{}spdflush", "flush; ".repeat(100_000)),
            1,
            "(stdin):1:700009: error: expected ';' at the end of the statement",
        ),
        case(
            "10,000 repeated options",
            &["--target", "netbsd", "-c"],
            format!(
                "add 10.0.0.1 10.0.0.2 esp 1 {}-E null -Q;",
                "-m transport ".repeat(10_000)
            ),
            1,
            "(stdin):1:",
        ),
        case(
            "10,000 nested brackets",
            &["-c"],
            format!("add 10.0.0.1{} 10.0.0.2 esp 1 -E null;", "[".repeat(10_000)),
            1,
            "(stdin):1:14: error: unclosed '['",
        ),
        case(
            "only comments and blank lines",
            &["-c"],
            "# nothing\n\n   \t\n# more\n",
            0,
            "",
        ),
        case("empty input", &["-c"], "", 0, ""),
        case(
            "CRLF line ends",
            &["--target", "netbsd", "-c"],
            format!("{SA}\r\n{SPD}\r\nspdflush;\r\n").replace(" prio def+5", ""),
            0,
            "",
        ),
        case(
            "CRLF with an error on line 2",
            &["--target", "netbsd", "-c"],
            format!("{SA}\r\nflush esp ah;\r\n"),
            1,
            "(stdin):2:",
        ),
    ]
}

/// Every valid statement cut after each of its words: the missing rest is named.
fn truncation_cases() -> Vec<Case> {
    let mut v = Vec::new();
    for (target, stmt) in [
        ("netbsd", SA),
        ("linux", SPD),
        ("netbsd", NATT),
        ("linux", IPCOMP),
    ] {
        let words: Vec<&str> = stmt.trim_end_matches(';').split(' ').collect();
        for n in 1..=words.len() {
            let cut = words[..n].join(" ");
            v.push(script(
                &format!("{target}: truncated after {n} words of '{}'", words[0]),
                target,
                &cut,
                "found end of input",
            ));
        }
    }
    v
}

fn number_cases() -> Vec<Case> {
    let t = "linux";
    [
        (
            "add 10.0.0.1 10.0.0.2 esp 0x100000000 -E null;",
            "SPI 0x100000000 does not fit in 32 bits",
        ),
        (
            "add 10.0.0.1 10.0.0.2 esp 99999999999999999999999 -E null;",
            "(stdin):1:27: error: ",
        ),
        (
            "add 10.0.0.1 10.0.0.2 esp 1 -u 4294967296 -E null;",
            "reqid 4294967296 does not fit in 32 bits",
        ),
        (
            "add 10.0.0.1 10.0.0.2 esp 1 -r 99999999999 -E null;",
            "does not fit in 32 bits",
        ),
        (
            "add 10.0.0.1 10.0.0.2 esp 1 -lh 18446744073709551616 -E null;",
            "does not fit in 64 bits",
        ),
        (
            "add 10.0.0.1 10.0.0.2 esp 1 -bs 99999999999999999999 -E null;",
            "does not fit in 64 bits",
        ),
        (
            "spdadd 10.0.0.1/33 10.0.0.2 any -P out none;",
            "prefix length 33 is too long for an IPv4 address",
        ),
        (
            "spdadd ::1/129 ::2 any -P out none;",
            "prefix length 129 is too long for an IPv6 address",
        ),
        (
            "spdadd 10.0.0.1/999999999999 10.0.0.2 any -P out none;",
            "(stdin):1:17: error: ",
        ),
        (
            "spdadd 10.0.0.1[65536] 10.0.0.2 any -P out none;",
            "port 65536 is out of range (0-65535)",
        ),
        (
            "add 10.0.0.1[99999999999] 10.0.0.2 esp 1 -E null;",
            "(stdin):1:14: error: ",
        ),
        (
            "spdadd 10.0.0.1 10.0.0.2 256 -P out none;",
            "upper-layer protocol 256 does not fit in 8 bits",
        ),
        (
            "spdadd ::1 ::2 icmp6 256,0 -P out none;",
            "ICMP type 256 does not fit in 8 bits",
        ),
        ("spdadd ::1 ::2 icmp6 1,256 -P out none;", "(stdin):1:"),
        (
            "spdadd 10.0.0.1 10.0.0.2 any -P out prio def+4294967296 none;",
            "priority offset 4294967296 is too large",
        ),
        (
            "spdadd 10.0.0.1 10.0.0.2 any -P out prio 99999999999 none;",
            "(stdin):1:",
        ),
        (
            "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//unique:4294967296;",
            "(stdin):1:",
        ),
        (
            "add 10.0.0.1 10.0.0.2 esp 1 -m bogus -E null;",
            "(stdin):1:32: error: ",
        ),
        (
            "spdadd 300.0.0.1 10.0.0.2 any -P out none;",
            "(stdin):1:8: error: ",
        ),
        (
            "spdadd 10.0.0.1 1:2:3:4:5:6:7:8:9 any -P out none;",
            "(stdin):1:17: error: ",
        ),
    ]
    .iter()
    .enumerate()
    .map(|(i, (text, has))| script(&format!("number {i}: {text}"), t, text, has))
    .collect()
}

/// Keys one byte short of what each algorithm takes (and one byte long).
fn key_cases() -> Vec<Case> {
    let mut v = Vec::new();
    for (target, flag, alg, bytes) in [
        ("netbsd", "-E", "des-cbc", 8),
        ("netbsd", "-E", "3des-cbc", 24),
        ("netbsd", "-E", "aes-cbc", 16),
        ("freebsd", "-E", "aes-cbc", 32),
        ("linux", "-E", "aes-ctr", 20),
        ("netbsd", "-E", "aes-gcm-16", 20),
        ("linux", "-A", "hmac-md5", 16),
        ("netbsd", "-A", "hmac-sha1", 20),
        ("freebsd", "-A", "hmac-sha2-256", 32),
        ("linux", "-A", "hmac-sha384", 48),
        ("netbsd", "-A", "hmac-sha512", 64),
        ("linux", "-A", "hmac-ripemd160", 20),
    ] {
        for len in [bytes - 1, bytes + 1] {
            let key = "ab".repeat(len);
            let stmt = if flag == "-E" {
                format!("add 10.0.0.1 10.0.0.2 esp 4096 -E {alg} 0x{key};")
            } else {
                format!("add 10.0.0.1 10.0.0.2 ah 4096 -A {alg} 0x{key};")
            };
            v.push(script(
                &format!("{target}: {alg} with a {len}-byte key"),
                target,
                stmt,
                "key must be",
            ));
        }
    }
    v.push(script(
        "odd number of hex digits",
        "netbsd",
        "add 10.0.0.1 10.0.0.2 ah 1 -A hmac-sha1 0xabc;",
        "(stdin):1:",
    ));
    v.push(script(
        "a quoted key never closed",
        "netbsd",
        "add 10.0.0.1 10.0.0.2 ah 1 -A hmac-sha1 \"abc;\nflush;\n",
        "(stdin):1:",
    ));
    v
}

fn all_cases() -> Vec<Case> {
    let mut v = issue_cases();
    v.extend(file_cases());
    v.extend(truncation_cases());
    v.extend(number_cases());
    v.extend(key_cases());
    v
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(case: &Case, dry_run: bool, dir: &std::path::Path) -> Run {
    let file = dir.join("input.conf");
    let mut uses_file = false;
    let mut args: Vec<String> = Vec::new();
    if dry_run {
        args.extend(["-n".to_string(), "-v".to_string()]);
    }
    for a in &case.args {
        if a == "{file}" {
            std::fs::write(&file, &case.input).unwrap();
            uses_file = true;
            args.push(file.display().to_string());
        } else {
            args.push(a.clone());
        }
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run setkey");
    let mut stdin = child.stdin.take().unwrap();
    let input = if uses_file {
        Vec::new()
    } else {
        case.input.clone()
    };
    // The tool may stop reading early (a limit): a broken pipe is then expected.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The first lines of an error output, each clipped, for the snapshot.
fn excerpt(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().take(4) {
        let clipped: String = line.chars().take(110).collect();
        let _ = writeln!(out, "    | {clipped}");
    }
    let more = text.lines().count().saturating_sub(4);
    if more > 0 {
        let _ = writeln!(out, "    | ... {more} more lines");
    }
    out
}

fn host_has_pf_key() -> bool {
    let out = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(["--target", "linux", "-D"])
        .output()
        .unwrap();
    !String::from_utf8_lossy(&out.stderr).contains("no PF_KEY support")
}

#[test]
fn hostile_inputs_are_refused_clearly_and_nothing_is_sent() {
    let cases = all_cases();
    assert!(cases.len() >= 120, "{} cases", cases.len());
    let dir = std::env::temp_dir().join(format!("setkey-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let check_socket = !host_has_pf_key();
    let mut account = String::new();
    let mut failures = Vec::new();
    for case in &cases {
        let dry = run(case, true, &dir);
        let mut wrong = Vec::new();
        if dry.status != Some(case.status) {
            wrong.push(format!("status {:?}, expected {}", dry.status, case.status));
        }
        if case.stderr_has.is_empty() != dry.stderr.is_empty()
            || !dry.stderr.contains(&case.stderr_has)
        {
            wrong.push(format!("stderr lacks {:?}", case.stderr_has));
        }
        if case.status != 0 && !dry.stdout.is_empty() {
            wrong.push("a message would have been sent (-n -v printed it)".into());
        }
        if dry.stderr.contains("panicked") {
            wrong.push("panic".into());
        }
        if case.status != 0 && check_socket {
            let live = run(case, false, &dir);
            if live.stderr.contains("no PF_KEY support") || live.status != Some(case.status) {
                wrong.push(format!(
                    "without -n the kernel was reached: {}",
                    live.stderr
                ));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}\n{}",
                case.name,
                wrong.join("; "),
                excerpt(&dry.stderr)
            ));
        }
        let _ = writeln!(account, "{} -> exit {:?}", case.name, dry.status);
        let dir_text = dir.display().to_string();
        account.push_str(&excerpt(&dry.stderr.replace(&dir_text, "TMP")));
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    insta::assert_snapshot!(account);
}
