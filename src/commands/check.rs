//! `-n -f FILE` / `-n -c`: parse and compile a script, send nothing; `-v` shows each message.

use std::io::Write;

use setkey::compile::CompileOptions;
use setkey::format::{hexdump, kdebug};

use super::input::Script;
use super::script::{compile_script, Action};

pub struct CheckOptions {
    pub compile: CompileOptions,
    pub verbose: bool,
    pub hex: bool,
    /// Also write every compiled message, raw, to this file.
    pub emit_raw: Option<std::path::PathBuf>,
}

/// Compiles the whole script; prints every error (and nothing else) if any; returns the exit status.
pub fn run(script: &Script, opts: &CheckOptions) -> i32 {
    let keep = opts.verbose || opts.emit_raw.is_some();
    let Ok(steps) = compile_script(script, &opts.compile, keep) else {
        return 1;
    };
    let dialect = opts.compile.dialect;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut raw = Vec::new();
    for step in &steps {
        let bytes = match &step.action {
            Action::Send(b) | Action::Get(b) | Action::Dump(b) => b,
            Action::DeleteAllByDump { dump, .. } => dump,
            Action::Exit => continue,
        };
        if opts.emit_raw.is_some() {
            raw.extend_from_slice(bytes);
        }
        if opts.verbose {
            let _ = out.write_all(kdebug::render_bytes(bytes, dialect).as_bytes());
            if opts.hex {
                let _ = out.write_all(hexdump::offset_dump(bytes).as_bytes());
            }
            let _ = out.write_all(b"\n");
        }
    }
    let _ = out.flush();
    if let Some(path) = &opts.emit_raw {
        if let Err(e) = std::fs::write(path, &raw) {
            eprintln!("setkey: {}: {e}", path.display());
            return 1;
        }
    }
    0
}
