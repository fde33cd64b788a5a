//! `setkey FILE...`: print files of raw PF_KEY messages as the replies of a kernel would be
//! printed (SA and policy dumps; the other messages with -v).

use std::io::Write;

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
    // Entries are written in big blocks; stdout is flushed before anything goes to stderr,
    // so that the two keep their order.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut text = String::new();
    let mut status = 0;
    for path in paths {
        let bytes = match super::input::read_input(Some(path)) {
            Ok((_, b)) => b,
            Err(e) => {
                let _ = out.flush();
                eprintln!("setkey: {e}");
                status = 1;
                continue;
            }
        };
        for one in pfkey::split(&bytes) {
            let msg = match pfkey::parse(one, dialect) {
                Ok(m) => m,
                Err(e) => {
                    let _ = out.flush();
                    eprintln!("setkey: {}: {e}", path.display());
                    eprint!("{}", hexdump::offset_dump(one));
                    status = 1;
                    continue;
                }
            };
            text.clear();
            if verbose {
                text.push_str(&kdebug::render_bytes(one, dialect));
                text.push('\n');
            }
            let h = &msg.header;
            if h.errno != 0 {
                text.push_str(&kernel_error_text(dialect, h.msg_type, h.errno));
                text.push_str(".\n");
            } else {
                match h.msg_type {
                    SADB_GET | SADB_DUMP => kame::sa_entry_into(&mut text, &msg, dialect, &ctx),
                    SADB_X_SPDGET | SADB_X_SPDDUMP => {
                        kame::sp_entry_into(&mut text, &msg, dialect, &ctx)
                    }
                    _ => {}
                }
            }
            let _ = out.write_all(text.as_bytes());
        }
    }
    let _ = out.flush();
    status
}
