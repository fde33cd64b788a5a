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
        "vm-tests/scenarios/state.sh",
        "vm-tests/scenarios/dump-roundtrip/check.sh",
        "vm-tests/scenarios/doctor/check.sh",
        "vm-tests/scenarios/sync/check.sh",
        "bench/run.sh",
        "run-tests",
        ".ci/run",
    ];
    let mut all: Vec<String> = scripts.iter().map(|s| s.to_string()).collect();
    for dir in [
        "vm-tests/freebsd",
        "vm-tests/netbsd",
        "vm-tests/netbsd-rump",
        "vm-tests/lib",
    ] {
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

/// What one cell of the manual's algorithm tables promises for one system.
#[derive(Debug, Clone, PartialEq)]
enum KeyCell {
    Unsupported,
    /// Known, but refused before sending because the kernel refuses it.
    Refused,
    Keyless,
    Sizes(Vec<u32>),
    Range(u32, u32),
}

fn key_cell(text: &str) -> KeyCell {
    let text = text.trim();
    if text == "\\(em" {
        return KeyCell::Unsupported;
    }
    if text == "no key" {
        return KeyCell::Keyless;
    }
    if text == "refused" {
        return KeyCell::Refused;
    }
    if let Some((low, high)) = text.split_once("\\(en") {
        return KeyCell::Range(low.parse().unwrap(), high.parse().unwrap());
    }
    KeyCell::Sizes(text.split('/').map(|s| s.parse().unwrap()).collect())
}

/// The manual's algorithm tables: (names, [FreeBSD, NetBSD, Linux]) rows of the
/// authentication table, then of the encryption table.
type AlgorithmRow = (Vec<String>, [KeyCell; 3]);

fn manual_algorithm_tables() -> (Vec<AlgorithmRow>, Vec<AlgorithmRow>) {
    let section = MANUAL
        .split(".Ss Algorithms")
        .nth(1)
        .and_then(|s| s.split(".Sh ").next())
        .unwrap();
    let mut tables = section.split(".Bl -column").skip(1).map(|table| {
        let body = table.split(".El").next().unwrap();
        body.lines()
            .filter_map(|line| line.strip_prefix(".It "))
            .filter(|row| !row.starts_with("Sy "))
            .map(|row| {
                let cells: Vec<&str> = row.split(" Ta ").collect();
                assert_eq!(cells.len(), 4, "row {row:?}");
                let names = cells[0].split(", ").map(str::to_string).collect();
                (
                    names,
                    [key_cell(cells[1]), key_cell(cells[2]), key_cell(cells[3])],
                )
            })
            .collect::<Vec<_>>()
    });
    let auth = tables.next().unwrap();
    let encrypt = tables.next().unwrap();
    (auth, encrypt)
}

fn hex_key(bits: u32) -> String {
    if bits == 0 {
        "\"\"".to_string()
    } else {
        format!("0x{}", "ab".repeat((bits / 8) as usize))
    }
}

/// One SA statement per key to try, each with whether the table says it must compile.
fn key_statements(flag: &str, name: &str, cell: &KeyCell, os: &str) -> Vec<(String, Expect)> {
    let proto = match name {
        "tcp-md5" => "tcp",
        "des-32iv" => "esp-old",
        _ if flag == "-A" => "ah",
        _ => "esp",
    };
    let sa = |key: &str| format!("add 192.0.2.1 192.0.2.2 {proto} 0x1000 {flag} {name} {key};");
    let mut out = Vec::new();
    let mut sizes = |ok: &[u32], bad: &[u32]| {
        out.extend(ok.iter().map(|&b| (sa(&hex_key(b)), Expect::Compiles)));
        out.extend(bad.iter().map(|&b| (sa(&hex_key(b)), Expect::Fails(None))));
    };
    match cell {
        KeyCell::Unsupported => {
            let reason = format!("not supported on {os}");
            out.push((sa(&hex_key(128)), Expect::Fails(Some(reason))));
        }
        KeyCell::Refused => {
            // null takes no key; any other refused algorithm is tried with a key it could take.
            let key = if name == "null" {
                String::new()
            } else {
                hex_key(128)
            };
            let reason = "kernel refuses".to_string();
            out.push((sa(&key), Expect::Fails(Some(reason))));
        }
        KeyCell::Keyless => {
            out.push((sa(""), Expect::Compiles));
            out.push((sa("\"\""), Expect::Fails(None)));
        }
        KeyCell::Sizes(list) => {
            let bad: Vec<u32> = list
                .iter()
                .map(|b| b + 8)
                .filter(|b| !list.contains(b))
                .collect();
            sizes(list, &bad);
        }
        KeyCell::Range(low, high) => {
            let mut bad = vec![high + 8];
            if *low >= 8 {
                bad.push(low - 8);
            }
            sizes(&[*low, *high], &bad);
        }
    }
    out
}

#[derive(Debug)]
enum Expect {
    Compiles,
    Fails(Option<String>),
}

#[test]
fn the_algorithm_tables_match_what_each_target_accepts() {
    let (auth, encrypt) = manual_algorithm_tables();
    assert!(
        auth.len() >= 10 && encrypt.len() >= 10,
        "{auth:?} {encrypt:?}"
    );
    let dir = std::env::temp_dir().join(format!("setkey-manpage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut problems = Vec::new();
    for (column, os) in ["freebsd", "netbsd", "linux"].into_iter().enumerate() {
        let mut statements = Vec::new();
        for (flag, table) in [("-A", &auth), ("-E", &encrypt)] {
            for (names, cells) in table {
                for name in names {
                    statements.extend(key_statements(flag, name, &cells[column], os));
                }
            }
        }
        let script = dir.join(format!("{os}.conf"));
        let text: Vec<&str> = statements.iter().map(|(s, _)| s.as_str()).collect();
        std::fs::write(&script, text.join("\n") + "\n").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_setkey"))
            .args(["-n", "--target", os, "-f"])
            .arg(&script)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let prefix = format!("{}:", script.display());
        let errors: Vec<(usize, &str)> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .filter_map(|l| {
                let (line, rest) = l.split_once(':')?;
                Some((line.parse().ok()?, rest))
            })
            .collect();
        for (index, (statement, expect)) in statements.iter().enumerate() {
            let line_errors: Vec<&str> = errors
                .iter()
                .filter(|(n, _)| *n == index + 1)
                .map(|(_, e)| *e)
                .collect();
            let fine = match expect {
                Expect::Compiles => line_errors.is_empty(),
                Expect::Fails(None) => !line_errors.is_empty(),
                Expect::Fails(Some(reason)) => line_errors.iter().any(|e| e.contains(reason)),
            };
            if !fine {
                problems.push(format!(
                    "{os}: {statement} expected {expect:?}, got {line_errors:?}"
                ));
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

const GRAMMAR: &str = include_str!("../src/grammar.pest");

/// The quoted literals of the grammar: keywords (`spdadd`, `esp-udp`) and flags (`-natt`).
fn grammar_literals() -> BTreeSet<String> {
    let mut literals = Vec::new();
    for line in GRAMMAR.lines() {
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '/' if chars.peek() == Some(&'/') => break,
                '\'' => {
                    // A character literal such as '"': skip it whole.
                    for d in chars.by_ref() {
                        if d == '\'' {
                            break;
                        }
                    }
                }
                '"' => {
                    let mut literal = String::new();
                    while let Some(d) = chars.next() {
                        match d {
                            '\\' => literal.extend(chars.next()),
                            '"' => break,
                            _ => literal.push(d),
                        }
                    }
                    literals.push(literal);
                }
                _ => {}
            }
        }
    }
    literals
        .into_iter()
        .filter(|word| {
            let body = word.strip_prefix('-').unwrap_or(word);
            body.len() > 1
                && body.starts_with(|c: char| c.is_ascii_alphabetic())
                && body
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect()
}

/// Words of the manual's macro lines, with `Fl x` read back as `-x`.
fn manual_words() -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for line in MANUAL.lines().filter(|l| l.starts_with('.')) {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        for (i, token) in tokens.iter().enumerate() {
            let word = token.trim_end_matches([',', ';', ')']).replace("\\&", "");
            if i > 0 && tokens[i - 1] == "Fl" {
                words.insert(format!("-{word}"));
            }
            words.insert(word);
        }
    }
    words
}

#[test]
fn the_manual_names_every_keyword_and_flag_of_the_language() {
    let literals = grammar_literals();
    assert!(literals.len() > 50, "{literals:?}");
    let words = manual_words();
    let missing: Vec<&String> = literals.iter().filter(|l| !words.contains(*l)).collect();
    assert!(missing.is_empty(), "not in the manual: {missing:?}");
}
