//! One module per mode of operation; these own all I/O and glue the pipeline together.

pub mod apply;
pub mod atomic;
pub mod check;
pub mod decode;
pub mod doctor;
pub mod dump;
pub mod flush;
pub mod input;
pub mod interfaces;
pub mod kernel_algorithms;
pub mod monitor;
pub mod protocols;
pub mod raw;
pub mod resolve;
pub mod script;
pub mod session;
pub mod sync;
pub mod window;

use setkey::pfkey::consts::*;
use setkey::pfkey::Dialect;

/// The text setkey prints for a kernel errno in reply to `msg_type`, in the words of the
/// target system (setkey.c postproc: "No entry" and friends for ENOENT, else strerror).
pub fn kernel_error_text(dialect: Dialect, msg_type: u8, errno: u8) -> String {
    if i32::from(errno) == libc::ENOENT {
        match msg_type {
            SADB_DELETE | SADB_GET | SADB_X_SPDDELETE => return "No entry".into(),
            SADB_DUMP => return "No SAD entries".into(),
            SADB_X_SPDDUMP => return "No SPD entries".into(),
            _ => {}
        }
    }
    if let Some(text) = setkey::format::errno::text(dialect, errno) {
        return text;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// NetBSD's setkey.c postproc: "No entry" for ENOENT of DELETE, GET and SPDDELETE, else
    /// strerror, which for a NetBSD kernel's numbers must be NetBSD's words on any host.
    #[test]
    fn kernel_errors_read_in_the_target_words() {
        assert_eq!(
            kernel_error_text(Dialect::NetBsd, SADB_DELETE, 2),
            "No entry"
        );
        assert_eq!(
            kernel_error_text(Dialect::NetBsd, SADB_ADD, 2),
            "No such file or directory"
        );
        assert_eq!(
            kernel_error_text(Dialect::NetBsd, SADB_ADD, 55),
            "No buffer space available"
        );
        assert_eq!(
            kernel_error_text(Dialect::NetBsd, SADB_ADD, 22),
            "Invalid argument"
        );
        assert_eq!(
            kernel_error_text(Dialect::NetBsd, SADB_X_SPDDUMP, 2),
            "No SPD entries"
        );
    }
}
