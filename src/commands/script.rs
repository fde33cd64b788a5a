//! Parse, compile and encode a whole script up front, so that nothing is sent unless all of it
//! is valid. Pieces of the text are parsed, compiled and encoded on a thread per core (with
//! one core, on the calling thread), and only the encoded messages are kept, so memory stays
//! small for big scripts.

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

/// About the fewest bytes of text a step comes from (a short statement), so that a piece's
/// step list is reserved once, at most a little too big.
const BYTES_PER_STEP_ESTIMATE: usize = 64;

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
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let Collector { steps, errors, .. } = compile_pieces(&script.text, opts, keep, workers);
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

/// The steps and errors of `source`, compiled on `workers` threads (this one alone for 1).
fn compile_pieces(source: &str, opts: &CompileOptions, keep: bool, workers: usize) -> Collector {
    // The text is cut once, into passes; a piece is a run of them.
    let passes = lang::pass_ranges(source);
    let pieces = pieces_of(&passes);
    let compile_piece = |compiler: &mut PieceCompiler<'_>, piece: &[(usize, usize)]| {
        let mut errors = Vec::new();
        let mut steps = match (keep, piece.first(), piece.last()) {
            (true, Some(first), Some(last)) => {
                Vec::with_capacity((last.1 - first.0) / BYTES_PER_STEP_ESTIMATE)
            }
            _ => Vec::new(),
        };
        lang::parse_passes(source, piece, &mut errors, |statements, errors| {
            compiler.compile(statements, &mut steps, errors)
        });
        (steps, errors)
    };
    let mut collector = Collector::new();
    if workers == 1 || pieces.len() == 1 {
        // One core (or one piece): this thread does it all, with no hand-over.
        let mut compiler = PieceCompiler::new(opts, keep);
        for (index, piece) in pieces.iter().enumerate() {
            let (steps, errors) = compile_piece(&mut compiler, piece);
            collector.add(index, steps, errors);
        }
    } else {
        let (sender, receiver) = mpsc::sync_channel(2 * workers);
        std::thread::scope(|scope| {
            // Workers take the pieces in turn and parse, compile and encode them; this thread
            // puts the results back in order.
            for worker in 0..workers {
                let sender = sender.clone();
                let pieces = &pieces;
                scope.spawn(move || {
                    let mut compiler = PieceCompiler::new(opts, keep);
                    for (index, piece) in pieces.iter().enumerate().skip(worker).step_by(workers) {
                        let (steps, errors) = compile_piece(&mut compiler, piece);
                        if sender.send((index, steps, errors)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            for (index, steps, errors) in receiver {
                collector.add(index, steps, errors);
            }
        });
    }
    collector
}

/// The results of the pieces, taken in any order and kept in source order.
struct Collector {
    steps: Vec<Step>,
    errors: ErrorLog,
    /// Results that came before those of an earlier piece.
    waiting: BTreeMap<usize, (Vec<Step>, Vec<Diagnostic>)>,
    next: usize,
}

impl Collector {
    fn new() -> Self {
        Collector {
            steps: Vec::new(),
            errors: ErrorLog::new(MAX_ERRORS.load(Ordering::Relaxed)),
            waiting: BTreeMap::new(),
            next: 0,
        }
    }

    /// The steps and errors of piece `index`.
    fn add(&mut self, index: usize, steps: Vec<Step>, errors: Vec<Diagnostic>) {
        self.waiting.insert(index, (steps, errors));
        while let Some((mut steps, errors)) = self.waiting.remove(&self.next) {
            self.next += 1;
            self.errors.add(errors);
            if !self.errors.has_errors() {
                if self.steps.is_empty() {
                    self.steps = steps;
                } else {
                    self.steps.append(&mut steps);
                }
            } else {
                // Nothing is sent once there is an error: keep no steps.
                self.steps = Vec::new();
            }
        }
    }
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

    /// What a script compiles to, by statement: the encoded bytes of each step, and each
    /// error with its span.
    type Outcome = (Vec<(Span, Vec<u8>)>, Vec<(Span, String)>);

    fn outcome(source: &str, workers: usize) -> Outcome {
        let opts = CompileOptions {
            dialect: pfkey::Dialect::NetBsd,
            pid: 1,
            linux_fwd_copy: false,
            interface_index: |_| None,
            require_interfaces: false,
        };
        let Collector { steps, errors, .. } = compile_pieces(source, &opts, true, workers);
        let steps = steps
            .into_iter()
            .map(|step| match step.action {
                Action::Send(bytes) => (step.statement, bytes),
                _ => (step.statement, Vec::new()),
            })
            .collect();
        let errors = errors
            .kept
            .into_iter()
            .map(|d| (d.span, d.message))
            .collect();
        (steps, errors)
    }

    #[test]
    fn one_thread_or_several_compile_a_script_alike() {
        let mut good = String::new();
        for i in 0..12_000 {
            good += &format!(
                "add 10.0.{}.{} 10.1.0.1 esp 0x{:x} -E null;\nspdadd 10.0.0.{}/32 10.1.0.0/16 any -P out none;\n",
                i / 256 % 256,
                i % 256,
                i + 0x100,
                i % 256
            );
        }
        assert!(pieces_of(&lang::pass_ranges(&good)).len() >= 3);
        let one = outcome(&good, 1);
        assert_eq!(one.0.len(), 24_000);
        assert!(one.1.is_empty());
        // Errors early, in the middle and at the end: reported in order, and no steps kept.
        let bad =
            format!("add 10.0.0.1 10.1.0.1 espp 1;\n{good}spdadd x;\n{good}flush esp-old-new;\n");
        let bad_one = outcome(&bad, 1);
        assert_eq!(bad_one.1.len(), 3);
        assert!(bad_one.0.is_empty());
        for workers in [2, 3] {
            assert_eq!(outcome(&good, workers), one, "{workers} workers");
            assert_eq!(outcome(&bad, workers), bad_one, "{workers} workers");
        }
    }
}
