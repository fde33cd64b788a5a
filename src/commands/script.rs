//! Parse, compile and encode a whole script up front, so that nothing is sent unless all of it
//! is valid. Pieces of the text are parsed, compiled and encoded on a thread per core, and only
//! the encoded messages are kept, so memory stays small for big scripts.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use setkey::compile::{self, CompileOptions, Operation};
use setkey::lang::{self, diag, Diagnostic, Span, Statement};
use setkey::pfkey::{self, SockAddr};
use zeroize::Zeroizing;

use super::input::Script;
use super::kernel_algorithms::SaAlgorithms;

/// Pieces of about this many bytes go through the pipeline.
const PIECE_LEN: usize = 256 * 1024;

/// `passes` in runs of at least `PIECE_LEN` bytes (the last one may be shorter).
fn pieces_of(passes: &[(usize, usize)]) -> Vec<&[(usize, usize)]> {
    let mut pieces = Vec::new();
    let mut first = 0;
    for (index, &(_, end)) in passes.iter().enumerate() {
        if end - passes[first].0 >= PIECE_LEN || index + 1 == passes.len() {
            pieces.push(&passes[first..=index]);
            first = index + 1;
        }
    }
    pieces
}

/// One encoded message and what to do with its reply.
pub enum Action {
    Send(Vec<u8>),
    Get(Vec<u8>),
    Dump(Vec<u8>),
    DeleteAllByDump {
        dump: Vec<u8>,
        satype: u8,
        src: SockAddr,
        dst: SockAddr,
    },
    Exit,
}

/// An action and the statement it comes from.
pub struct Step {
    pub statement: Span,
    pub action: Action,
    /// For an AH or ESP ADD/UPDATE: what it asks of the kernel's algorithms.
    pub algorithms: Option<SaAlgorithms>,
}

/// Every step of the script, or every error (parse, target and encoding errors alike, in
/// source order) printed to stderr. With `keep` false the steps are checked and dropped
/// (an empty list comes back): enough for `-n`, and light on memory.
pub fn compile_script(script: &Script, opts: &CompileOptions, keep: bool) -> Result<Vec<Step>, ()> {
    let source = script.text.as_str();
    // The text is cut once, into passes; a piece is a run of them.
    let passes = lang::pass_ranges(source);
    let pieces = pieces_of(&passes);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (sender, receiver) = mpsc::sync_channel(2 * workers);
    let (steps, errors) = std::thread::scope(|scope| {
        // Workers take the pieces in turn and parse, compile and encode them; this thread
        // puts the results back in order.
        for worker in 0..workers {
            let sender = sender.clone();
            let pieces = &pieces;
            scope.spawn(move || {
                let mut compiler = PieceCompiler::new(opts, keep);
                for (index, piece) in pieces.iter().enumerate().skip(worker).step_by(workers) {
                    let mut errors = Vec::new();
                    let mut steps = Vec::new();
                    lang::parse_passes(source, piece, &mut errors, |statements, errors| {
                        compiler.compile(statements, &mut steps, errors)
                    });
                    if sender.send((index, steps, errors)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut steps = Vec::new();
        let mut errors = ErrorLog::new(MAX_ERRORS.load(Ordering::Relaxed));
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (index, piece_steps, piece_errors) in receiver {
            waiting.insert(index, (piece_steps, piece_errors));
            while let Some((mut piece_steps, piece_errors)) = waiting.remove(&next) {
                next += 1;
                errors.add(piece_errors);
                if !errors.has_errors() {
                    steps.append(&mut piece_steps);
                } else {
                    // Nothing is sent once there is an error: keep no steps.
                    steps = Vec::new();
                }
            }
        }
        (steps, errors)
    });
    // Warnings come with the errors, or alone before anything is sent.
    report(script, &errors.kept);
    for (count, what) in [
        (errors.dropped_errors, "errors"),
        (errors.dropped_warnings, "warnings"),
    ] {
        if count > 0 {
            eprintln!(
                "setkey: {count} more {what} not shown (--max-errors {})",
                errors.limit
            );
        }
    }
    if errors.has_errors() {
        return Err(());
    }
    Ok(steps)
}

/// The most errors printed unless `--max-errors` says otherwise (0: all).
pub const DEFAULT_MAX_ERRORS: usize = 100;

static MAX_ERRORS: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_ERRORS);

/// `--max-errors`: how many errors a script's check prints before it only counts them.
pub fn set_max_errors(limit: usize) {
    MAX_ERRORS.store(limit, Ordering::Relaxed);
}

/// The first `limit` errors and warnings in source order, and a count of the others: memory
/// stays bounded however many errors a file has.
struct ErrorLog {
    limit: usize,
    kept: Vec<Diagnostic>,
    errors: u64,
    dropped_errors: u64,
    dropped_warnings: u64,
}

impl ErrorLog {
    fn new(limit: usize) -> ErrorLog {
        ErrorLog {
            limit,
            kept: Vec::new(),
            errors: 0,
            dropped_errors: 0,
            dropped_warnings: 0,
        }
    }

    fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// The errors and warnings of the next piece (pieces come in source order).
    fn add(&mut self, mut piece: Vec<Diagnostic>) {
        piece.sort_by_key(|d| d.span.start);
        for d in piece {
            if d.is_error() {
                self.errors += 1;
            }
            if self.limit == 0 || self.kept.len() < self.limit {
                self.kept.push(d);
            } else if d.is_error() {
                self.dropped_errors += 1;
            } else {
                self.dropped_warnings += 1;
            }
        }
    }
}

/// Compiles and encodes statements; the steps are kept only with `keep` (else each message
/// is encoded, to check it, and dropped). Its buffers serve every statement it is given.
struct PieceCompiler<'o> {
    opts: &'o CompileOptions,
    keep: bool,
    ops: Vec<Operation>,
    spare: compile::Spare,
    /// Every message is encoded here first; it holds key material, zeroed when dropped.
    scratch: Zeroizing<Vec<u8>>,
}

impl<'o> PieceCompiler<'o> {
    fn new(opts: &'o CompileOptions, keep: bool) -> Self {
        PieceCompiler {
            opts,
            keep,
            ops: Vec::new(),
            spare: compile::Spare::default(),
            scratch: Zeroizing::new(Vec::with_capacity(SCRATCH_LEN)),
        }
    }

    /// Appends the steps of `statements` to `steps`, and their errors to `errors`.
    fn compile(
        &mut self,
        statements: &[Statement],
        steps: &mut Vec<Step>,
        errors: &mut Vec<Diagnostic>,
    ) {
        let (opts, keep, spare) = (self.opts, self.keep, &self.spare);
        for statement in statements {
            self.ops.clear();
            if let Err(mut e) =
                compile::compile_statement_reusing(statement, opts, &mut self.ops, spare)
            {
                errors.append(&mut e);
                continue;
            }
            for op in self.ops.drain(..) {
                if let Operation::Warning(w) = op {
                    errors.push(w);
                    continue;
                }
                let encoded = encode(&op, opts, keep, &mut self.scratch);
                let algorithms = match &op {
                    Operation::Send(m) if keep => SaAlgorithms::of(m),
                    _ => None,
                };
                spare.recycle(op);
                match encoded {
                    Ok(Some(action)) if keep => steps.push(Step {
                        statement: statement.span,
                        action,
                        algorithms,
                    }),
                    Ok(_) => {}
                    Err(e) => errors.push(Diagnostic::new(
                        compile::span_of_extension(statement, e.extension()),
                        e.to_string(),
                    )),
                }
            }
        }
    }
}

/// Room for the usual message, reserved once per worker.
const SCRATCH_LEN: usize = 512;

/// The bytes of one operation (none for a warning), encoded in `scratch` and copied out
/// when they are kept.
fn encode(
    op: &Operation,
    opts: &CompileOptions,
    keep: bool,
    scratch: &mut Vec<u8>,
) -> Result<Option<Action>, pfkey::EmitError> {
    let mut emit = |m: &pfkey::Message| {
        pfkey::emit_into(m, opts.dialect, scratch).map(|()| match keep {
            true => scratch.to_vec(),
            false => Vec::new(),
        })
    };
    Ok(Some(match op {
        Operation::Send(m) => Action::Send(emit(m)?),
        Operation::Get(m) => Action::Get(emit(m)?),
        Operation::Dump(m) => Action::Dump(emit(m)?),
        Operation::DeleteAllByDump {
            dump,
            satype,
            src,
            dst,
        } => Action::DeleteAllByDump {
            dump: emit(dump)?,
            satype: *satype,
            src: src.clone(),
            dst: dst.clone(),
        },
        Operation::Exit => Action::Exit,
        Operation::Warning(_) => return Ok(None),
    }))
}

pub fn report(script: &Script, errors: &[diag::Diagnostic]) {
    let mut stderr = std::io::BufWriter::new(std::io::stderr().lock());
    let written = diag::write_rendered(&mut stderr, &script.name, &script.text, errors);
    // Nothing more can be said when stderr is gone.
    let _ = written.and_then(|()| std::io::Write::flush(&mut stderr));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_runs_of_passes_of_at_least_the_piece_length() {
        let pass = PIECE_LEN / 3 + 1;
        let passes: Vec<(usize, usize)> = (0..10).map(|i| (i * pass, (i + 1) * pass)).collect();
        let pieces = pieces_of(&passes);
        assert_eq!(
            pieces.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [3, 3, 3, 1]
        );
        assert_eq!(pieces.concat(), passes);
        assert_eq!(pieces_of(&[(0, 0)]), [&[(0, 0)][..]]);
        assert!(pieces_of(&[]).is_empty());
    }
}
