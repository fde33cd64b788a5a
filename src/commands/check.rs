//! `-n -f FILE` / `-n -c`: parse and compile a script, send nothing; `-v` shows each message.

use std::io::Write;

use setkey::compile::{self, CompileOptions, Operation};
use setkey::format::{hexdump, kdebug};
use setkey::lang::{self, diag};
use setkey::pfkey;

use super::input::Script;

pub struct CheckOptions {
    pub compile: CompileOptions,
    pub verbose: bool,
    pub hex: bool,
}

/// Compiles the whole script; prints every error (and nothing else) if any; returns the exit status.
pub fn run(script: &Script, opts: &CheckOptions) -> i32 {
    let statements = match lang::parse(&script.text) {
        Ok(s) => s,
        Err(errors) => return report(script, &errors),
    };
    let compiled = match compile::compile(&statements, &opts.compile) {
        Ok(c) => c,
        Err(errors) => return report(script, &errors),
    };
    let dialect = opts.compile.dialect;
    let mut errors = Vec::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (statement, operations) in statements.iter().zip(&compiled) {
        for op in operations {
            let msg = match op {
                Operation::Send(m) | Operation::Get(m) | Operation::Dump(m) => m,
                Operation::DeleteAllByDump { dump, .. } => dump,
                Operation::Exit => continue,
            };
            match pfkey::emit(msg, dialect) {
                Ok(bytes) if opts.verbose => {
                    let _ = out.write_all(kdebug::render(msg, dialect).as_bytes());
                    if opts.hex {
                        let _ = out.write_all(hexdump::offset_dump(&bytes).as_bytes());
                    }
                    let _ = out.write_all(b"\n");
                }
                Ok(_) => {}
                Err(e) => errors.push(diag::Diagnostic::new(statement.span, e.to_string())),
            }
        }
    }
    let _ = out.flush();
    if errors.is_empty() {
        0
    } else {
        report(script, &errors)
    }
}

fn report(script: &Script, errors: &[diag::Diagnostic]) -> i32 {
    eprint!("{}", diag::render(&script.name, &script.text, errors));
    1
}
