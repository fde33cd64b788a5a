//! `setkey FILE...`: print files of raw PF_KEY messages as the replies of a kernel would be
//! printed (SA and policy dumps; the other messages with -v).

use setkey::format::kame::{self, DumpContext};
use setkey::format::{hexdump, kdebug};
use setkey::pfkey::consts::*;
use setkey::pfkey::{self, Dialect};

use super::{interfaces, kernel_error_text, protocols, unix_now};

pub fn run(paths: &[std::path::PathBuf], dialect: Dialect, verbose: bool) -> i32 {
    let protocol_name = |n| protocols::lookup_for(dialect, n);
    let interface_name = |i| interfaces::name_for(dialect, i);
    let ctx = DumpContext {
        now: unix_now(),
        with_ports: false,
        protocol_name: &protocol_name,
        interface_name: &interface_name,
        wide_keys: false,
    };
    let mut status = 0;
    for path in paths {
        let bytes = match super::input::read_input(Some(path)) {
            Ok((_, b)) => b,
            Err(e) => {
                eprintln!("setkey: {e}");
                status = 1;
                continue;
            }
        };
        for one in pfkey::split(&bytes) {
            let msg = match pfkey::parse(one, dialect) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("setkey: {}: {e}", path.display());
                    eprint!("{}", hexdump::offset_dump(one));
                    status = 1;
                    continue;
                }
            };
            if verbose {
                println!("{}", kdebug::render_bytes(one, dialect));
            }
            let h = &msg.header;
            if h.errno != 0 {
                println!("{}.", kernel_error_text(dialect, h.msg_type, h.errno));
                continue;
            }
            match h.msg_type {
                SADB_GET | SADB_DUMP => print!("{}", kame::sa_entry(&msg, dialect, &ctx)),
                SADB_X_SPDGET | SADB_X_SPDDUMP => {
                    print!("{}", kame::sp_entry(&msg, dialect, &ctx))
                }
                _ => {}
            }
        }
    }
    status
}
