//! `--diff` and `--sync` with `-f`/`-c`: compare the kernel's SAD and SPD with the state the
//! script describes, and print the difference as script lines or apply it atomically.

use setkey::lang::Diagnostic;
use setkey::pfkey::consts::*;
use setkey::pfkey::{self, Message};
use setkey::sync::{self, Intent, KernelState};

use super::apply::ApplyOptions;
use super::atomic::{snapshot, transaction, with_signals_held};
use super::input::Script;
use super::kernel_algorithms::SaAlgorithms;
use super::script::{compile_script, report, Action, Step};
use super::session::Session;

/// Exit status: `--diff` 0 in sync, 2 when different, 1 on error; `--sync` 0 when the
/// difference was applied (or there was none), 1 on error, the run then undone.
pub fn run(script: &Script, opts: &ApplyOptions, apply: bool) -> i32 {
    let body = || {
        let Ok(steps) = compile_script(script, &opts.compile, true) else {
            return 1;
        };
        let dialect = opts.compile.dialect;
        let before = match Session::open(dialect, false, false) {
            Ok(mut session) => match snapshot(&mut session) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("setkey: cannot read the SAD and SPD: {e}");
                    return 1;
                }
            },
            Err(e) => {
                eprintln!("setkey: {e}");
                return 1;
            }
        };
        let intents: Vec<Intent> = steps.iter().map(|s| intent(s, dialect)).collect();
        let kernel = KernelState {
            sad: &before.0,
            spd: &before.1,
        };
        let source = |origin: usize| statement_text(script, &steps[origin]);
        let diff = match sync::diff(&intents, &kernel, dialect, &source) {
            Ok(d) => d,
            Err(refusal) => {
                let span = steps[refusal.origin].statement;
                report(script, &[Diagnostic::new(span, refusal.reason)]);
                return 1;
            }
        };
        print!("{}", diff.text());
        if !apply {
            return if diff.is_empty() { 0 } else { 2 };
        }
        if diff.is_empty() {
            return 0;
        }
        let mut changes = Vec::new();
        for request in diff.changes.iter().flat_map(|c| &c.requests) {
            match pfkey::emit(&request.message, dialect) {
                Ok(bytes) => changes.push(Step {
                    statement: steps[request.origin].statement,
                    action: Action::Send(bytes),
                    algorithms: SaAlgorithms::of(&request.message),
                }),
                Err(e) => {
                    eprintln!("setkey: --sync: a request cannot be encoded: {e}");
                    return 1;
                }
            }
        }
        transaction(script, &changes, opts, &before, "--sync")
    };
    if apply {
        with_signals_held(body)
    } else {
        body()
    }
}

/// What a compiled step asks of the state; a message that does not decode reads nothing.
fn intent(step: &Step, dialect: pfkey::Dialect) -> Intent {
    match &step.action {
        Action::Send(bytes) => match pfkey::parse(bytes, dialect) {
            Ok(msg) if is_read(&msg) => Intent::Read,
            Ok(msg) => Intent::Request(msg),
            Err(_) => Intent::Read,
        },
        Action::DeleteAllByDump {
            satype, src, dst, ..
        } => Intent::DeleteAll {
            satype: *satype,
            src: src.clone(),
            dst: dst.clone(),
        },
        Action::Get(_) | Action::Dump(_) => Intent::Read,
        Action::Exit => Intent::Exit,
    }
}

fn is_read(msg: &Message) -> bool {
    matches!(
        msg.header.msg_type,
        SADB_GET | SADB_DUMP | SADB_X_SPDDUMP | SADB_X_SPDGET | SADB_REGISTER
    )
}

/// A statement's text on one line, for a `+` line of an entry with no statement form.
fn statement_text(script: &Script, step: &Step) -> String {
    let text = script
        .text
        .get(step.statement.start..step.statement.end)
        .unwrap_or("");
    let uncommented = text.lines().map(|line| match line.find('#') {
        Some(at) if !line.contains('"') => &line[..at],
        _ => line,
    });
    let words: Vec<&str> = uncommented.flat_map(str::split_whitespace).collect();
    words.join(" ")
}
