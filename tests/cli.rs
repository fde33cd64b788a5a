//! The `setkey` binary end to end in `-n` mode: exit statuses, diagnostics, -v/-h output.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn setkey(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run setkey");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `-v` output with the process id (which changes every run) replaced.
fn without_pid(s: &str) -> String {
    s.lines()
        .map(|l| match l.find(" pid=") {
            Some(i) if l.starts_with("  len=") => format!("{} pid=PID", &l[..i]),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn dry_run_of_a_valid_script_prints_nothing_and_exits_0() {
    for target in ["netbsd", "freebsd", "linux"] {
        let out = setkey(
            &["-n", "--target", target, "-f", "examples/host-to-host.conf"],
            "",
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{target}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn every_example_compiles_for_every_target() {
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        for target in ["netbsd", "freebsd", "linux"] {
            let out = setkey(
                &["-n", "--target", target, "-f", path.to_str().unwrap()],
                "",
            );
            assert_eq!(
                out.status.code(),
                Some(0),
                "{} on {target}: {}",
                path.display(),
                text(&out.stderr)
            );
        }
    }
}

#[test]
fn stdin_with_dash_c_and_combined_flags() {
    let script = "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;\n";
    let out = setkey(&["-nvc", "--target", "netbsd"], script);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(without_pid(&text(&out.stdout)));
}

#[test]
fn verbose_hex_dump_shows_the_bytes() {
    let script = "flush esp;\n";
    let out = setkey(
        &["-n", "-v", "-h", "--target", "freebsd", "-f", "-"],
        script,
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("sadb_msg{ version=2 type=9(FLUSH) errno=0 satype=3"),
        "{stdout}"
    );
    assert!(
        stdout.contains("00000000: 02 09 00 03 02 00 00 00 00 00 00 00 "),
        "{stdout}"
    );
}

#[test]
fn every_error_is_reported_with_file_line_column_and_nothing_else_happens() {
    let script =
        "add 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;\n\
                  add 10.0.0.1 10.0.0.2 espp 0x1000;\n\
                  spdadd 10.0.0.1 10.0.0.2 any -P sideways none;\n\
                  add 10.0.0.1 ::1 ah 0x1001 -A hmac-sha1 0x00;\n";
    let out = setkey(&["-n", "--target", "linux", "-f", "-"], script);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("(stdin):2:"), "{stderr}");
    assert!(stderr.contains("(stdin):3:"), "{stderr}");
    assert!(stderr.contains("(stdin):4:"), "{stderr}");
    assert!(!stderr.contains("(stdin):1:"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn target_specific_forms_are_rejected_naming_the_target() {
    let out = setkey(
        &["-n", "--target", "freebsd", "-f", "-"],
        "add 10.0.0.1 10.0.0.2 esp-udp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("(stdin):1:"), "{stderr}");
    assert!(stderr.contains("freebsd"), "{stderr}");
}

#[test]
fn missing_file_and_bad_usage_exit_1() {
    let out = setkey(
        &["-n", "--target", "netbsd", "-f", "/nonexistent/x.conf"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent/x.conf"));
    let out = setkey(&["--target", "plan9", "-n", "-c"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("plan9"));
    let out = setkey(&["-Z"], "");
    assert_eq!(out.status.code(), Some(1));
    let out = setkey(&[], "");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn help_is_question_mark_or_long_and_h_is_not_help() {
    for flag in ["-?", "--help"] {
        let out = setkey(&[flag], "");
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out.stdout).contains("--target"), "{flag}");
    }
    let out = setkey(&["-h", "-n", "--target", "netbsd", "-c"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("Usage"));
}

#[test]
fn non_utf8_input_is_an_error_with_a_position() {
    let out = setkey(
        &["-n", "--target", "netbsd", "-f", "-"],
        "flush;\nadd \u{0}",
    );
    assert_eq!(out.status.code(), Some(1));
    let mut child = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(["-n", "--target", "netbsd", "-f", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"flush;\n\xff;")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("(stdin):2:1: error"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn null_encryption_key_depends_on_the_target() {
    let with_key = "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null \"\";\n";
    let without = "add 10.0.0.1 10.0.0.2 esp 0x1000 -E null;\n";
    let run = |target, script| setkey(&["-n", "--target", target, "-f", "-"], script);
    assert_eq!(run("freebsd", with_key).status.code(), Some(0));
    let out = run("freebsd", without);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("null needs a key on freebsd"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(run("netbsd", without).status.code(), Some(0));
    let out = run("linux", with_key);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("null takes no key on linux"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn syntax_and_target_errors_are_reported_together_in_source_order() {
    let script = "spdadd 10.0.0.1 10.0.0.2 any -P fwd none;\n\
                  add 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-cbc 0x0011;\n\
                  spdadd 10.0.0.1 10.0.0.2 any -P out none\n";
    let out = setkey(&["-n", "--target", "freebsd", "-f", "-"], script);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines[0].starts_with("(stdin):1:") && lines[0].contains("fwd exists only on linux"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("(stdin):2:") && lines[1].contains("aes-cbc key must be"),
        "{stderr}"
    );
    assert!(
        lines[2].starts_with("(stdin):3:") && lines[2].contains("expected"),
        "{stderr}"
    );
}

#[test]
fn raw_message_files_print_like_kernel_replies() {
    let out = setkey(&["--target", "linux", "tests/data/linux/sad.bin"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\tesp mode=tunnel spi=28673(0x00007001) reqid=7(0x00000007)\n"));
    assert_eq!(stdout.matches("\tsadb_seq=").count(), 10, "{stdout}");
    let out = setkey(&["--target", "linux", "Cargo.toml"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("setkey: Cargo.toml: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(["--target", "linux", "tests/data/linux/spd.bin"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}

/// A `"` inside a word (here an IPv6 scope) opens no quoted string, for the grammar and for
/// the splitter that cuts big files into pieces alike: the statements after it, well past the
/// first 256 KiB piece, parse as they are, also those whose quoted keys hold a `;`.
#[test]
fn a_quote_inside_a_word_does_not_swallow_the_statements_after_it() {
    let mut script = String::from("spdadd fe80::1%\" fe80::2 any -P out none;\n");
    for i in 0..8000 {
        script.push_str(&format!(
            "add 10.0.{}.{} 10.1.0.1 esp {} -E aes-cbc {};\n",
            i / 256,
            i % 256,
            0x1000 + i,
            // Quoted keys here and there: the old splitter paired the scope's `"` with one.
            if i % 500 == 499 {
                "\"0123456789abc;ef\""
            } else {
                "0x00112233445566778899aabbccddeeff"
            }
        ));
    }
    assert!(script.len() > 512 * 1024);
    let out = setkey(&["-n", "--target", "netbsd", "-f", "-"], &script);
    let stderr = text(&out.stderr);
    let elsewhere: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("(stdin):") && !l.starts_with("(stdin):1:"))
        .collect();
    assert!(elsewhere.is_empty(), "{}", elsewhere.join("\n"));
}

/// Input is bounded while it is read: `/dev/zero` ends in an error naming the limit instead of
/// filling memory; a file of exactly the limit is still read.
#[test]
fn input_is_bounded_by_max_input() {
    for args in [
        &["-n", "--max-input", "64K", "-f", "/dev/zero"][..],
        &["-x", "--max-input", "64K", "--replay", "/dev/zero"],
        &["--max-input", "64K", "/dev/zero"],
    ] {
        let out = setkey(&[&["--target", "netbsd"], args].concat(), "");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            "setkey: /dev/zero: more than the input limit of 65536 bytes (raise it with --max-input)\n",
            "{args:?}"
        );
    }
    let script = format!("{}flush;\n", "#".repeat(1024 - 7));
    assert_eq!(script.len(), 1024);
    let out = setkey(&["-n", "--max-input", "1K", "-f", "-"], &script);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = setkey(&["-n", "--max-input", "1023", "-f", "-"], &script);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("(stdin): more than the input limit of 1023 bytes"));
}

/// After --max-errors errors (100 by default) only a count of the others is printed; every
/// error shown keeps its FILE:LINE:COL, and nothing is sent.
#[test]
fn errors_are_bounded_by_max_errors() {
    let script = "add 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-cbc 0x00;\n".repeat(300);
    let count = |stderr: &str| {
        stderr
            .lines()
            .filter(|l| l.starts_with("(stdin):") && l.contains(": error: "))
            .count()
    };
    let out = setkey(
        &["-n", "--target", "netbsd", "--max-errors", "5", "-f", "-"],
        &script,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(count(&stderr), 5, "{stderr}");
    assert!(stderr.starts_with("(stdin):1:"), "{stderr}");
    assert!(stderr.contains("(stdin):5:"), "{stderr}");
    assert!(stderr.ends_with("setkey: 295 more errors not shown (--max-errors 5)\n"));
    let out = setkey(&["-n", "--target", "netbsd", "-f", "-"], &script);
    let stderr = text(&out.stderr);
    assert_eq!(count(&stderr), 100);
    assert!(stderr.ends_with("setkey: 200 more errors not shown (--max-errors 100)\n"));
    let out = setkey(
        &["-n", "--target", "netbsd", "--max-errors", "0", "-f", "-"],
        &script,
    );
    assert_eq!(count(&text(&out.stderr)), 300);
}

/// Control and invisible characters of the input are shown escaped in diagnostics (the
/// message and the quoted line alike), with the caret under the escaped text; a CRLF line
/// ends cleanly.
#[test]
fn diagnostics_escape_control_characters() {
    let script = "add 10.0.0.1 10.0.0.2 esp 0x1000 -E \u{1b}]0;x\u{7}aes-cbc 0x00;\r\n\u{feff}flush;\nadd\0 1;\n";
    let out = setkey(&["-n", "--target", "netbsd", "-f", "-"], script);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\0') && !stderr.contains('\u{feff}'));
    assert!(!stderr.contains('\r'), "{stderr:?}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[0],
        "(stdin):1:37: error: expected an algorithm name, found '\\x1b'"
    );
    assert_eq!(
        lines[1],
        "    add 10.0.0.1 10.0.0.2 esp 0x1000 -E \\x1b]0;x\\x07aes-cbc 0x00;"
    );
    assert_eq!(lines[2], format!("    {}^^^^", " ".repeat(36)));
    assert!(
        stderr.contains("(stdin):2:1: error: a byte order mark (U+FEFF) is not setkey text"),
        "{stderr}"
    );
    assert!(stderr.contains("    \\u{feff}flush;\n"), "{stderr}");
    assert!(stderr.contains("    add\\0 1;\n"), "{stderr}");
}

/// `-d` is not an option of the targets' setkey (ipsec-tools' setkey.c has no case for it and
/// prints its usage; FreeBSD 14's getopt string lacks it): exit 1.
#[test]
fn dash_d_is_a_usage_error() {
    let out = setkey(&["-d", "-D", "--target", "freebsd"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("-d is not an option"));
}

/// What NetBSD's setkey takes but changes or leaves out is sent as it sends it, with a warning
/// each on stderr and exit 0: `-P fwd` is an inbound policy (NetBSD lib/libipsec/config.h has
/// no HAVE_POLICY_FWD; libipsec policy_token.l then returns IPSEC_DIR_INBOUND), `-ctx` is not
/// sent (no SADB_X_EXT_SEC_CTX in its pfkeyv2.h), `-E simple` is the null cipher with an empty
/// key (setkey token.l ALG_ENC_OLD, parse.y "WARNING: obsolete algorithm"). With an error in
/// the file, the warnings are shown with it and nothing is sent.
#[test]
fn netbsd_warns_of_forms_it_changes_and_sends_them() {
    let script = "spdadd 10.0.0.1 10.0.0.2 any -P fwd none;\n\
                  spdadd 10.0.0.1 10.0.0.2 any -ctx 1 1 \"x\" -P out none;\n\
                  add 10.0.0.1 10.0.0.2 esp 0x1000 -E simple;\n";
    let out = setkey(&["-n", "-v", "--target", "netbsd", "-f", "-"], script);
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": warning: "))
        .collect();
    assert_eq!(warnings.len(), 3, "{stderr}");
    assert!(warnings[0].starts_with("(stdin):1:30: warning: -P fwd is sent as -P in"));
    assert!(warnings[1].starts_with("(stdin):2:30: warning: -ctx is ignored on netbsd"));
    assert!(warnings[2].starts_with("(stdin):3:37: warning: obsolete algorithm simple"));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("sadb_x_policy{ type=1 dir=1 "), "{stdout}");
    assert!(!stdout.contains("SEC_CTX"), "{stdout}");
    assert!(stdout.contains("encrypt=11 "), "{stdout}");
    assert!(stdout.contains("sadb_key{ bits=0 "), "{stdout}");

    let with_error = format!("{script}flush bogus;\n");
    let out = setkey(&["-n", "-v", "--target", "netbsd", "-f", "-"], &with_error);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches(": warning: ").count(), 3, "{stderr}");
    assert!(stderr.contains("(stdin):4:7: error: "), "{stderr}");
}

/// Host names go through the system's resolver as in the C setkey (getaddrinfo); `-4` keeps
/// the IPv4 addresses of `localhost`, so the one message holds 127.0.0.1 twice (in the
/// ipsec_hexdump form of NetBSD's key_debug.c, the hex right before `  }`).
#[test]
fn host_names_are_resolved_by_the_system() {
    let out = setkey(
        &["-n", "-v", "--target", "netbsd", "-c"],
        "add -4 localhost localhost esp 0x1000 -E aes-cbc 0x00112233445566778899aabbccddeeff;\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.matches("sadb_msg{ version=2 type=3 ").count(),
        1,
        "{stdout}"
    );
    assert_eq!(
        stdout
            .matches("sockaddr{ len=16 family=2 port=0\n 7f000001  }\n")
            .count(),
        2,
        "{stdout}"
    );
}

/// `--diff`/`--sync` compare a script with the kernel: without a script they are a usage
/// error, and a script that does not compile is reported, position and all, before any
/// PF_KEY socket is opened (this host has none, so a later failure would say so instead).
#[test]
fn diff_and_sync_need_a_script_that_compiles_before_the_kernel_is_asked() {
    for flag in ["--diff", "--sync", "--atomic"] {
        let out = setkey(&[flag, "--target", "netbsd", "-D"], "");
        assert_eq!(out.status.code(), Some(1), "{flag}");
        assert!(
            text(&out.stderr).contains(&format!("{flag} goes with a script")),
            "{}",
            text(&out.stderr)
        );
        let out = setkey(
            &[flag, "--target", "netbsd", "-c"],
            "spdflush;\nadd 10.0.0.1 10.0.0.2 esp 0x1001 -E;\n",
        );
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(
            err.contains("(stdin):2:36: error: expected an algorithm name"),
            "{flag}: {err}"
        );
        assert!(!err.contains("PF_KEY"), "{flag}: {err}");
    }
    let out = setkey(&["--diff", "--sync", "-c"], "");
    assert_eq!(out.status.code(), Some(1));
}
