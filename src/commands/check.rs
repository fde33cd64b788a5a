//! `-n -f FILE` / `-n -c`: parse and compile a script, send nothing; `-v` shows each message.

use std::io::Write;

use setkey::compile::{CompileOptions, Operation};
use setkey::format::{hexdump, kdebug};
use setkey::lang::diag;
use setkey::pfkey;

use super::input::Script;
use super::script::{compile_script, report, Compiled};

pub struct CheckOptions {
    pub compile: CompileOptions,
    pub verbose: bool,
    pub hex: bool,
    /// Also write every compiled message, raw, to this file.
    pub emit_raw: Option<std::path::PathBuf>,
}

/// Compiles the whole script; prints every error (and nothing else) if any; returns the exit status.
pub fn run(script: &Script, opts: &CheckOptions) -> i32 {
    let Ok(Compiled {
        statements,
        operations,
    }) = compile_script(script, &opts.compile)
    else {
        return 1;
    };
    let dialect = opts.compile.dialect;
    let mut errors = Vec::new();
    let mut raw = Vec::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (statement, operations) in statements.iter().zip(&operations) {
        for op in operations {
            let msg = match op {
                Operation::Send(m) | Operation::Get(m) | Operation::Dump(m) => m,
                Operation::DeleteAllByDump { dump, .. } => dump,
                Operation::Exit => continue,
            };
            let emitted = pfkey::emit(msg, dialect);
            if let (Some(_), Ok(bytes)) = (&opts.emit_raw, &emitted) {
                raw.extend_from_slice(bytes);
            }
            match emitted {
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
    if let Some(path) = &opts.emit_raw {
        if let Err(e) = std::fs::write(path, &raw) {
            eprintln!("setkey: {}: {e}", path.display());
            return 1;
        }
    }
    if errors.is_empty() {
        0
    } else {
        report(script, &errors);
        1
    }
}
