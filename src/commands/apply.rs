//! `-f FILE` / `-c`: compile the whole script, then send each statement and check its reply.

use setkey::compile::{CompileOptions, Operation};
use setkey::format::kame::{self, DumpContext};
use setkey::lang::{diag, Statement};
use setkey::pfkey::consts::*;
use setkey::pfkey::{self, Extension, Message};

use super::input::Script;
use super::script::{compile_script, Compiled};
use super::session::Session;
use super::{kernel_error_text, protocols, unix_now};

pub struct ApplyOptions {
    pub compile: CompileOptions,
    pub verbose: bool,
    pub hex: bool,
    pub compat_exit: bool,
}

/// Exit status: 0 when every statement succeeded, 1 when any failed (0 with `--compat-exit`
/// for kernel errors); nothing is sent when the script does not compile.
pub fn run(script: &Script, opts: &ApplyOptions) -> i32 {
    let Ok(Compiled {
        statements,
        operations,
    }) = compile_script(script, &opts.compile)
    else {
        return 1;
    };
    let mut session = match Session::open(opts.compile.dialect, opts.verbose, opts.hex) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let mut failed = false;
    'script: for (statement, operations) in statements.iter().zip(&operations) {
        for op in operations {
            match execute(&mut session, op) {
                Ok(Outcome::Done) => {}
                Ok(Outcome::Exit) => break 'script,
                Ok(Outcome::KernelError(text)) => {
                    failed = true;
                    report_kernel_error(script, statement, &text);
                }
                Err(e) => {
                    eprintln!("setkey: {e}");
                    return 1;
                }
            }
        }
    }
    i32::from(failed && !opts.compat_exit)
}

enum Outcome {
    Done,
    Exit,
    KernelError(String),
}

fn execute(session: &mut Session, op: &Operation) -> Result<Outcome, super::session::SessionError> {
    let protocol_name = protocols::lookup;
    let ctx = DumpContext {
        now: unix_now(),
        with_ports: false,
        protocol_name: &protocol_name,
    };
    let dialect = session.dialect;
    match op {
        Operation::Exit => Ok(Outcome::Exit),
        Operation::Send(msg) => {
            let reply = session.transact(msg)?;
            Ok(check(&reply))
        }
        Operation::Get(msg) => {
            let reply = session.transact(msg)?;
            if reply.header.errno == 0 {
                print!("{}", kame::sa_entry(&reply, dialect, &ctx));
            }
            Ok(check(&reply))
        }
        Operation::Dump(msg) => {
            let spd = msg.header.msg_type == SADB_X_SPDDUMP;
            let errno = session.dump(msg, |entry| {
                let text = if spd {
                    kame::sp_entry(entry, dialect, &ctx)
                } else {
                    kame::sa_entry(entry, dialect, &ctx)
                };
                print!("{text}");
            })?;
            match errno {
                0 => Ok(Outcome::Done),
                e if e == libc::ENOENT as u8 => {
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
                    msg.header.msg_type,
                    e,
                ))),
            }
        }
        Operation::DeleteAllByDump {
            dump,
            satype,
            src,
            dst,
        } => {
            let mut victims: Vec<Message> = Vec::new();
            let errno = session.dump(dump, |entry| {
                if entry.header.satype == *satype && endpoints_match(entry, src, dst) {
                    victims.push(delete_for(entry));
                }
            })?;
            if errno != 0 && errno != libc::ENOENT as u8 {
                return Ok(Outcome::KernelError(kernel_error_text(
                    dump.header.msg_type,
                    errno,
                )));
            }
            for delete in victims {
                let reply = session.transact(&delete)?;
                if let Outcome::KernelError(e) = check(&reply) {
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

/// SADB_DELETE for the SA a dump entry describes (SA, SRC, DST only).
fn delete_for(entry: &Message) -> Message {
    let mut msg = Message::new(SADB_DELETE, entry.header.satype);
    msg.extensions = entry
        .extensions
        .iter()
        .filter(|e| {
            matches!(
                e,
                Extension::Sa(_)
                    | Extension::Address(pfkey::AddressKind::Src, _)
                    | Extension::Address(pfkey::AddressKind::Dst, _)
            )
        })
        .cloned()
        .collect();
    msg
}

fn check(reply: &Message) -> Outcome {
    match reply.header.errno {
        0 => Outcome::Done,
        e => Outcome::KernelError(kernel_error_text(reply.header.msg_type, e)),
    }
}

fn report_kernel_error(script: &Script, statement: &Statement, text: &str) {
    let (line, col) = diag::line_col(&script.text, statement.span.start);
    println!("The result of line {line}: {text}.");
    eprintln!(
        "{}:{line}:{col}: error: the kernel rejected this statement: {text}",
        script.name
    );
}
