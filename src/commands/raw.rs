//! Pre-built messages: `--send-raw FILE` sends a file of raw PF_KEY messages and checks each
//! reply, with no parsing or compiling (the kernel-bound baseline of the apply benchmark);
//! `--send-raw-ahead FILE` sends them ahead of their replies, through the window `-f` uses
//! (what the kernel alone allows `-f`: its floor).

use setkey::pfkey::{self, Dialect};

use super::session::{Session, SessionError};

/// How the messages of a `--send-raw` file are sent.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Each request waits for the reply to the one before.
    OneAtATime,
    /// A window of requests in flight, as `-f` sends statements.
    Ahead,
}

pub fn send_raw(path: &std::path::Path, dialect: Dialect, pace: Pace) -> i32 {
    let bytes = match super::input::read_input(Some(path)) {
        Ok((_, b)) => b,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let mut messages = Vec::new();
    for one in pfkey::split(&bytes) {
        if pfkey::peek_len(one) != Some(one.len()) || one.len() < 16 {
            eprintln!(
                "setkey: {}: trailing bytes that are not a message",
                path.display()
            );
            return 1;
        }
        messages.push(one);
    }
    let mut session = match Session::open(dialect, false, false) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let sent = match pace {
        Pace::OneAtATime => one_at_a_time(&mut session, &messages),
        Pace::Ahead => ahead(&mut session, &messages),
    };
    match sent {
        Ok(0) => 0,
        Ok(failures) => {
            eprintln!("setkey: {failures} messages were rejected by the kernel");
            1
        }
        Err(e) => {
            eprintln!("setkey: {e}");
            1
        }
    }
}

/// Sends each message and reads its reply before the next; the count of rejections.
fn one_at_a_time(session: &mut Session, messages: &[&[u8]]) -> Result<u64, SessionError> {
    let mut failures = 0;
    for one in messages {
        if session.transact_status(one)? != 0 {
            failures += 1;
        }
    }
    Ok(failures)
}

/// Sends the messages ahead of their replies, as many in flight as the window holds; the
/// count of rejections.
fn ahead(session: &mut Session, messages: &[&[u8]]) -> Result<u64, SessionError> {
    let mut failures = 0;
    let mut count = |_, errno| failures += u64::from(errno != 0);
    for (index, one) in messages.iter().enumerate() {
        session.send_ahead(one, index, &mut count)?;
    }
    session.drain(&mut count)?;
    Ok(failures)
}
