//! Pre-built messages: `--send-raw FILE` sends a file of raw PF_KEY messages and checks each
//! reply, with no parsing or compiling (the kernel-bound baseline of the apply benchmark).

use setkey::pfkey::{self, Dialect};

use super::session::Session;

pub fn send_raw(path: &std::path::Path, dialect: Dialect) -> i32 {
    let bytes = match super::input::read_input(Some(path)) {
        Ok((_, b)) => b,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let mut session = match Session::open(dialect, false, false) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let mut failures = 0u64;
    for one in pfkey::split(&bytes) {
        if pfkey::peek_len(one) != Some(one.len()) {
            eprintln!(
                "setkey: {}: trailing bytes that are not a message",
                path.display()
            );
            return 1;
        }
        match session.transact_status(one) {
            Ok(0) => {}
            Ok(_) => failures += 1,
            Err(e) => {
                eprintln!("setkey: {e}");
                return 1;
            }
        }
    }
    if failures > 0 {
        eprintln!("setkey: {failures} messages were rejected by the kernel");
        return 1;
    }
    0
}
