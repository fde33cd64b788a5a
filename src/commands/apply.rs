//! `-f FILE` / `-c`: compile the whole script, check its algorithms against the kernel's
//! list, then send each statement and check its reply.

use setkey::compile::CompileOptions;
use setkey::format::kame::{self, DumpContext};
use setkey::format::monitor;
use setkey::format::rejection::{self, ScriptSource, Stream};
use setkey::lang::{diag, Span};
use setkey::pfkey::consts::*;
use setkey::pfkey::{self, Dialect, Extension, Message};

use super::input::Script;
use super::kernel_algorithms;
use super::script::{compile_script, report, Action, Step};
use super::session::{Session, SessionError};
use super::{interfaces, kernel_error_text, protocols, unix_now};

#[derive(Clone)]
pub struct ApplyOptions {
    pub compile: CompileOptions,
    pub verbose: bool,
    pub hex: bool,
    pub compat_exit: bool,
    pub source: ScriptSource,
}

/// Exit status: 0 when every statement succeeded, 1 when any failed (0 with `--compat-exit`
/// for kernel errors); nothing is sent when the script does not compile.
pub fn run(script: &Script, opts: &ApplyOptions) -> i32 {
    let Ok(steps) = compile_script(script, &opts.compile, true) else {
        return 1;
    };
    run_steps(script, &steps, opts)
}

/// Sends the compiled `steps` of `script`; the exit status as for `run`.
pub fn run_steps(script: &Script, steps: &[Step], opts: &ApplyOptions) -> i32 {
    let mut session = match Session::open(opts.compile.dialect, opts.verbose, opts.hex) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    if let Some(algorithms) = kernel_algorithms::query(&mut session) {
        let refused = kernel_algorithms::check_steps(steps, &algorithms, session.dialect);
        if !refused.is_empty() {
            report(script, &refused);
            return 1;
        }
    }
    let mut errors = KernelErrors {
        script,
        opts,
        lines: None,
        failed: false,
    };
    // Statements whose reply is only a status are sent ahead, a window of them in flight;
    // any other statement waits until every earlier reply has been read and reported.
    for (index, step) in steps.iter().enumerate() {
        let outcome = match &step.action {
            Action::Send(bytes) if session.pipelines() && sent_ahead(bytes) => {
                let dialect = session.dialect;
                let reply = |index, errno| settle(steps, &mut errors, dialect, index, errno);
                match session.send_ahead(bytes, index, reply) {
                    Ok(()) => continue,
                    // Not sent: the statements before this one were, so report them first.
                    Err(e @ SessionError::Emit(_)) => {
                        return match drain(&mut session, steps, &mut errors) {
                            Ok(()) => stop(&e),
                            Err(drain_error) => stop(&drain_error),
                        };
                    }
                    Err(e) => return stop(&e),
                }
            }
            action => match drain(&mut session, steps, &mut errors) {
                Ok(()) => execute(&mut session, action),
                Err(e) => Err(e),
            },
        };
        match outcome {
            Ok(Outcome::Done) => {}
            Ok(Outcome::PolicyInstalled { id, dir }) => {
                let lines = errors
                    .lines
                    .get_or_insert_with(|| diag::LineIndex::new(&script.text));
                let (line, _) = lines.line_col(step.statement.start);
                let location = format!("{}:{line}", script.name);
                print!("{}", monitor::policy_id_note(&location, id, dir));
            }
            Ok(Outcome::Exit) => break,
            Ok(Outcome::KernelError(text)) => errors.report(step.statement, &text),
            Err(e) => return stop(&e),
        }
    }
    if let Err(e) = drain(&mut session, steps, &mut errors) {
        return stop(&e);
    }
    i32::from(errors.failed && !opts.compat_exit)
}

/// Kernel errors, each reported against its statement as its reply is read.
struct KernelErrors<'a> {
    script: &'a Script,
    opts: &'a ApplyOptions,
    lines: Option<diag::LineIndex<'a>>,
    failed: bool,
}

impl KernelErrors<'_> {
    fn report(&mut self, statement: Span, text: &str) {
        self.failed = true;
        let script = self.script;
        let lines = self
            .lines
            .get_or_insert_with(|| diag::LineIndex::new(&script.text));
        report_kernel_error(script, lines, statement, text, self.opts);
    }
}

/// Reports the kernel's error in the reply to the request of step `index`, if it has one.
fn settle(steps: &[Step], errors: &mut KernelErrors, dialect: Dialect, index: usize, errno: u8) {
    let step = &steps[index];
    if let Action::Send(bytes) = &step.action {
        if let Outcome::KernelError(text) = status(dialect, bytes[1], errno) {
            errors.report(step.statement, &text);
        }
    }
}

/// Reads and reports the replies to every request in flight.
fn drain(
    session: &mut Session,
    steps: &[Step],
    errors: &mut KernelErrors,
) -> Result<(), SessionError> {
    let dialect = session.dialect;
    session.drain(|index, errno| settle(steps, errors, dialect, index, errno))
}

/// A failure of the conversation itself (not a kernel error) ends the run.
fn stop(error: &SessionError) -> i32 {
    eprintln!("setkey: {error}");
    1
}

/// Whether a statement may be sent before the replies to earlier ones are read: those
/// that change one SA or policy. A flush waits for them, so that its reply and theirs
/// keep the order of the script.
fn sent_ahead(bytes: &[u8]) -> bool {
    !matches!(bytes.get(1), Some(&SADB_FLUSH) | Some(&SADB_X_SPDFLUSH))
}

enum Outcome {
    Done,
    /// With -v: the kernel took an SPDADD or SPDUPDATE and gave the policy this id.
    PolicyInstalled {
        id: u32,
        dir: u8,
    },
    Exit,
    KernelError(String),
}

fn execute(session: &mut Session, action: &Action) -> Result<Outcome, SessionError> {
    let dialect = session.dialect;
    let protocol_name = |n| protocols::lookup_for(dialect, n);
    let interface_name = |i| interfaces::name_for(dialect, i);
    let ctx = DumpContext {
        now: unix_now(),
        with_ports: false,
        protocol_name: &protocol_name,
        interface_name: &interface_name,
        wide_keys: false,
    };
    let msg_type = |bytes: &[u8]| bytes.get(1).copied().unwrap_or(0);
    match action {
        Action::Exit => Ok(Outcome::Exit),
        Action::Send(bytes)
            if session.verbose && matches!(msg_type(bytes), SADB_X_SPDADD | SADB_X_SPDUPDATE) =>
        {
            let reply = session.transact_bytes(bytes)?;
            match reply.policy() {
                Some(p) if reply.header.errno == 0 => Ok(Outcome::PolicyInstalled {
                    id: p.id,
                    dir: p.dir,
                }),
                _ => Ok(status(dialect, reply.header.msg_type, reply.header.errno)),
            }
        }
        Action::Send(bytes) => {
            let errno = session.transact_status(bytes)?;
            Ok(status(dialect, msg_type(bytes), errno))
        }
        Action::Get(bytes) => {
            let reply = session.transact_bytes(bytes)?;
            if reply.header.errno == 0 {
                print!("{}", kame::sa_entry(&reply, dialect, &ctx));
            }
            Ok(status(dialect, reply.header.msg_type, reply.header.errno))
        }
        Action::Dump(bytes) => {
            let spd = msg_type(bytes) == SADB_X_SPDDUMP;
            let errno = session.dump_bytes(bytes, |entry| {
                let text = if spd {
                    kame::sp_entry(entry, dialect, &ctx)
                } else {
                    kame::sa_entry(entry, dialect, &ctx)
                };
                print!("{text}");
            })?;
            match errno {
                0 => Ok(Outcome::Done),
                e if i32::from(e) == libc::ENOENT => {
                    println!(
                        "{}",
                        if spd {
                            "No SPD entries."
                        } else {
                            "No SAD entries."
                        }
                    );
                    Ok(Outcome::Done)
                }
                e => Ok(Outcome::KernelError(kernel_error_text(
                    dialect,
                    msg_type(bytes),
                    e,
                ))),
            }
        }
        Action::DeleteAllByDump {
            dump,
            satype,
            src,
            dst,
        } => {
            let mut victims: Vec<Message> = Vec::new();
            let errno = session.dump_bytes(dump, |entry| {
                if entry.header.satype == *satype && endpoints_match(entry, src, dst) {
                    victims.push(setkey::rollback::sa_delete(entry));
                }
            })?;
            if errno != 0 && i32::from(errno) != libc::ENOENT {
                return Ok(Outcome::KernelError(kernel_error_text(
                    dialect, SADB_DUMP, errno,
                )));
            }
            for delete in victims {
                let reply = session.transact(&delete)?;
                if let Outcome::KernelError(e) = status(dialect, SADB_DELETE, reply.header.errno) {
                    return Ok(Outcome::KernelError(e));
                }
            }
            Ok(Outcome::Done)
        }
    }
}

fn endpoints_match(entry: &Message, src: &pfkey::SockAddr, dst: &pfkey::SockAddr) -> bool {
    let addr = |kind| {
        entry.extensions.iter().find_map(|e| match e {
            Extension::Address(k, a) if *k == kind => Some(&a.addr),
            _ => None,
        })
    };
    addr(pfkey::AddressKind::Src) == Some(src) && addr(pfkey::AddressKind::Dst) == Some(dst)
}

fn status(dialect: Dialect, msg_type: u8, errno: u8) -> Outcome {
    match errno {
        0 => Outcome::Done,
        e => Outcome::KernelError(kernel_error_text(dialect, msg_type, e)),
    }
}

/// The C tool's line for the rejection (its `lineno` is the line of the statement's `;`),
/// then the rejection as a diagnostic at the statement's start.
fn report_kernel_error(
    script: &Script,
    lines: &diag::LineIndex,
    statement: Span,
    text: &str,
    opts: &ApplyOptions,
) {
    let (line, col) = lines.line_col(statement.start);
    let (end_line, _) = lines.line_col(statement.end.saturating_sub(1).max(statement.start));
    let report = setkey::profile::of(opts.compile.dialect).kernel_rejection;
    match rejection::line(report, &opts.source, end_line, text) {
        (Stream::Stdout, text) => println!("{text}"),
        (Stream::Stderr, text) => eprintln!("{text}"),
    }
    eprintln!(
        "{}:{line}:{col}: error: the kernel rejected this statement: {text}",
        script.name
    );
}
