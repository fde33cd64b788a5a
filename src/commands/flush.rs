//! `-F` / `-FP`: flush the SAD or the SPD.

use setkey::pfkey::consts::*;
use setkey::pfkey::{Dialect, Message};

use super::kernel_error_text;
use super::session::Session;

pub fn run(dialect: Dialect, policy: bool, verbose: bool, hex: bool) -> i32 {
    let mut session = match Session::open(dialect, verbose, hex) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let request = if policy {
        Message::new(SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC)
    } else {
        Message::new(SADB_FLUSH, SADB_SATYPE_UNSPEC)
    };
    match session.transact(&request) {
        Ok(reply) if reply.header.errno == 0 => 0,
        Ok(reply) => {
            println!(
                "{}.",
                kernel_error_text(session.dialect, request.header.msg_type, reply.header.errno)
            );
            1
        }
        Err(e) => {
            eprintln!("setkey: {e}");
            1
        }
    }
}
