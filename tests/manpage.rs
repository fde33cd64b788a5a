//! The manual agrees with the program: the same flags, and a lint-clean mdoc source.

use std::collections::BTreeSet;
use std::process::Command;

const MANUAL: &str = include_str!("../man/setkey.8");

/// Flags of `setkey --help`: `-x` and `--long` tokens at the start of option lines.
fn help_flags() -> BTreeSet<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let options = help.split("Options:").nth(1).expect("an Options section");
    let mut flags = BTreeSet::new();
    for line in options.lines() {
        let spec = line.trim_start();
        if !spec.starts_with('-') {
            continue;
        }
        // "-?, --help   Print help": the flags are before the first run of two spaces.
        let spec = spec.split("  ").next().unwrap_or("");
        for part in spec.split(", ") {
            let flag = part.split_whitespace().next().unwrap_or("");
            flags.insert(flag.trim_end_matches("...").to_string());
        }
    }
    flags
}

/// Flags the manual documents: every `.It Fl x` and `.It Fl Fl long` of its option list.
fn manual_flags() -> BTreeSet<String> {
    let mut flags = BTreeSet::new();
    let options = MANUAL
        .split(".Sh DESCRIPTION")
        .nth(1)
        .and_then(|d| d.split(".Ss Statements").next())
        .unwrap();
    for line in options.lines().filter(|l| l.starts_with(".It Fl ")) {
        for item in line.trim_start_matches(".It ").split(" , ") {
            let words: Vec<&str> = item.split_whitespace().collect();
            match words.as_slice() {
                ["Fl", "Fl", long, ..] => flags.insert(format!("--{long}")),
                ["Fl", short, ..] => flags.insert(format!("-{}", short.replace("\\&", ""))),
                _ => false,
            };
        }
    }
    flags
}

#[test]
fn the_manual_documents_exactly_the_flags_of_help() {
    let help = help_flags();
    let manual = manual_flags();
    assert!(help.len() > 20, "{help:?}");
    assert_eq!(help, manual, "flags of --help vs. the manual's option list");
}

#[test]
fn the_manual_is_lint_clean() {
    let Ok(out) = Command::new("mandoc")
        .args(["-Tlint", "-Wstyle", "man/setkey.8"])
        .output()
    else {
        eprintln!("mandoc is not installed: lint skipped");
        return;
    };
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.is_empty(), "mandoc -Tlint -Wstyle:\n{report}");
}

#[test]
fn shell_scripts_are_shellcheck_clean() {
    let scripts = [
        "vm-tests/linux/run.sh",
        "vm-tests/linux/setup.sh",
        "vm-tests/linux/suite.sh",
        "vm-tests/linux/monitor.sh",
        "vm-tests/linux/init",
        "vm-tests/scenarios/run.sh",
        "vm-tests/scenarios/bigdump.sh",
        "vm-tests/scenarios/monitor-basic.sh",
        "bench/run.sh",
        "run-tests",
        ".ci/run",
    ];
    let mut all: Vec<String> = scripts.iter().map(|s| s.to_string()).collect();
    for dir in ["vm-tests/freebsd", "vm-tests/netbsd", "vm-tests/lib"] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().is_some_and(|x| x == "sh") {
                    all.push(path.display().to_string());
                }
            }
        }
    }
    let Ok(out) = Command::new("shellcheck").arg("-x").args(&all).output() else {
        eprintln!("shellcheck is not installed: check skipped");
        return;
    };
    assert!(
        out.status.success(),
        "shellcheck:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
