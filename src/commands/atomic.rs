//! `--atomic` with `-f`/`-c`: dump what the script may touch, apply it, and when the kernel
//! rejects a statement (or SIGINT, SIGTERM or SIGHUP arrive meanwhile) undo every change of
//! the run, so that the SAD and SPD are as they were.

use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use setkey::pfkey::consts::*;
use setkey::pfkey::{self, Message};
use setkey::rollback::{self, Scope};

use super::apply::{self, ApplyOptions};
use super::input::Script;
use super::kernel_error_text;
use super::script::{compile_script, Action, Step};
use super::session::{Session, SessionError};

/// The signals held back while the run and its undoing are under way.
fn held_signals() -> SigSet {
    let mut set = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        set.add(s);
    }
    set
}

fn scope_of(steps: &[Step], dialect: pfkey::Dialect) -> Scope {
    let mut scope = Scope::default();
    for step in steps {
        match &step.action {
            Action::Send(bytes) | Action::Get(bytes) => {
                if let Ok(msg) = pfkey::parse(bytes, dialect) {
                    scope.note(&msg);
                }
            }
            Action::DeleteAllByDump {
                satype, src, dst, ..
            } => scope.note_pair(*satype, src.clone(), dst.clone()),
            Action::Dump(_) | Action::Exit => {}
        }
    }
    scope
}

fn dump_all(session: &mut Session, msg_type: u8) -> Result<Vec<Message>, SessionError> {
    let mut entries = Vec::new();
    let errno = session.dump(&Message::new(msg_type, SADB_SATYPE_UNSPEC), |e| {
        entries.push(e.clone())
    })?;
    match i32::from(errno) {
        0 | libc::ENOENT => Ok(entries),
        _ => Err(SessionError::Decode(kernel_error_text(
            session.dialect,
            msg_type,
            errno,
        ))),
    }
}

pub fn snapshot(session: &mut Session) -> Result<(Vec<Message>, Vec<Message>), SessionError> {
    Ok((
        dump_all(session, SADB_DUMP)?,
        dump_all(session, SADB_X_SPDDUMP)?,
    ))
}

/// Exit status: 0 when every statement succeeded; 1 when the script did not compile
/// (nothing sent), or a statement was rejected and the run was undone, or the undoing failed;
/// with a signal held back during the run, the run is undone and the signal then delivered.
pub fn run(script: &Script, opts: &ApplyOptions) -> i32 {
    with_signals_held(|| {
        let Ok(steps) = compile_script(script, &opts.compile, true) else {
            return 1;
        };
        let dialect = opts.compile.dialect;
        let before = match Session::open(dialect, false, false) {
            Ok(mut session) => snapshot(&mut session)
                .map_err(|e| format!("--atomic: cannot read the SAD and SPD before the run: {e}")),
            Err(e) => Err(e.to_string()),
        };
        // A socket left open during the run would fill with the kernel's copies of its
        // messages; the undoing opens a fresh one.
        match before {
            Ok(before) => transaction(script, &steps, opts, &before, "--atomic"),
            Err(e) => {
                eprintln!("setkey: {e}");
                1
            }
        }
    })
}

/// Runs `body` with SIGINT, SIGTERM and SIGHUP held back; one that came meanwhile is
/// delivered afterwards, once the state is as it was.
pub fn with_signals_held(body: impl FnOnce() -> i32) -> i32 {
    let held = held_signals();
    let mut previous = SigSet::empty();
    if nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&held), Some(&mut previous))
        .is_err()
    {
        eprintln!("setkey: cannot hold back signals during the run");
        return 1;
    }
    let status = body();
    let _ = nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&previous), None);
    status
}

/// Applies `steps`; when one fails or a signal is pending, brings back the state `before`
/// (the SAD and SPD dumps taken first) for what the steps touch. `label` names the option in
/// the messages.
pub fn transaction(
    script: &Script,
    steps: &[Step],
    opts: &ApplyOptions,
    before: &(Vec<Message>, Vec<Message>),
    label: &str,
) -> i32 {
    let dialect = opts.compile.dialect;
    let strict = ApplyOptions {
        compat_exit: false,
        ..opts.clone()
    };
    let status = apply::run_steps(script, steps, &strict);
    let interrupted = pending_signal();
    if status == 0 && !interrupted {
        return 0;
    }
    let why = if interrupted {
        "a signal arrived during the run"
    } else {
        "a statement failed"
    };
    let undone = Session::open(dialect, false, false)
        .map_err(|e| e.to_string())
        .and_then(|mut session| undo(&mut session, &scope_of(steps, dialect), before));
    match undone {
        Ok((count, left_out)) => {
            eprintln!("setkey: {label}: {why}; the run's changes were undone ({count} requests)");
            for what in left_out {
                eprintln!("setkey: {label}: could not bring back {what}");
            }
            1
        }
        Err(e) => {
            eprintln!("setkey: {label}: {why}, and undoing the run failed: {e}");
            1
        }
    }
}

fn pending_signal() -> bool {
    let mut pending = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigpending fills the set it is given.
    if unsafe { libc::sigpending(pending.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: initialised by the successful sigpending above.
    let pending = unsafe { pending.assume_init() };
    [libc::SIGINT, libc::SIGTERM, libc::SIGHUP]
        .iter()
        // SAFETY: sigismember reads the initialised set.
        .any(|s| unsafe { libc::sigismember(&pending, *s) } == 1)
}

/// Sends the requests that bring back `before`; how many, and what could not be.
fn undo(
    session: &mut Session,
    scope: &Scope,
    before: &(Vec<Message>, Vec<Message>),
) -> Result<(usize, Vec<String>), String> {
    let after = snapshot(session).map_err(|e| e.to_string())?;
    let plan = rollback::plan(
        session.dialect,
        scope,
        (&before.0, &before.1),
        (&after.0, &after.1),
    );
    for request in &plan.requests {
        let reply = session.transact(request).map_err(|e| e.to_string())?;
        if reply.header.errno != 0 {
            return Err(format!(
                "{} answered: {}",
                pfkey::msg_type_name(request.header.msg_type),
                kernel_error_text(session.dialect, request.header.msg_type, reply.header.errno)
            ));
        }
    }
    Ok((plan.requests.len(), plan.left_out))
}
