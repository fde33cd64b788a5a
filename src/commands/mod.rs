//! One module per mode of operation; these own all I/O and glue the pipeline together.

pub mod apply;
pub mod check;
pub mod decode;
pub mod dump;
pub mod flush;
pub mod input;
pub mod interfaces;
pub mod kernel_algorithms;
pub mod monitor;
pub mod protocols;
pub mod raw;
pub mod script;
pub mod session;

use setkey::pfkey::consts::*;

/// The text setkey prints for a kernel errno in reply to `msg_type`.
pub fn kernel_error_text(msg_type: u8, errno: u8) -> String {
    if i32::from(errno) == libc::ENOENT {
        match msg_type {
            SADB_DELETE | SADB_GET | SADB_X_SPDDELETE => return "No entry".into(),
            SADB_DUMP => return "No SAD entries".into(),
            SADB_X_SPDDUMP => return "No SPD entries".into(),
            _ => {}
        }
    }
    nix::errno::Errno::from_raw(i32::from(errno))
        .desc()
        .to_string()
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
