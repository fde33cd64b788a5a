//! Kernel I/O: the PF_KEY socket, and memory hints for big input buffers. The only
//! OS-specific (`cfg(target_os)`) code of the project.

mod memory;
mod socket;

pub use memory::prefer_huge_pages;

pub use socket::{PfKeySocket, ReceivedHeader, BATCH_MAX};

use std::fmt;

#[derive(Debug)]
pub enum KernelError {
    /// The kernel has no PF_KEY (module not loaded or not built).
    NoPfKey,
    /// Opening PF_KEY needs privileges this process lacks.
    NotPermitted,
    /// No reply arrived in time.
    Timeout,
    /// The kernel dropped messages because the socket's receive buffer was full.
    Overflow,
    /// A datagram whose length disagrees with the length in its header.
    InvalidLength {
        received: usize,
        announced: usize,
    },
    /// A short write: the kernel took only part of a message.
    ShortWrite {
        written: usize,
        len: usize,
    },
    /// This OS has no PF_KEY support in this program.
    UnsupportedOs,
    Os(std::io::Error),
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KernelError::NoPfKey => f.write_str("this kernel has no PF_KEY support"),
            KernelError::NotPermitted => f.write_str("PF_KEY needs root (or CAP_NET_ADMIN)"),
            KernelError::Timeout => f.write_str("no reply from the kernel (timed out)"),
            KernelError::Overflow => {
                f.write_str("the kernel dropped messages: the socket receive buffer was full")
            }
            KernelError::InvalidLength {
                received,
                announced,
            } => write!(
                f,
                "invalid keymsg length: received {received} bytes, the header says {announced}"
            ),
            KernelError::ShortWrite { written, len } => {
                write!(f, "short write to PF_KEY: {written} of {len} bytes")
            }
            KernelError::UnsupportedOs => f.write_str("PF_KEY is not supported on this OS"),
            KernelError::Os(e) => write!(f, "PF_KEY: {e}"),
        }
    }
}

impl std::error::Error for KernelError {}

impl KernelError {
    /// Maps the errno of `socket(PF_KEY, ...)`.
    pub fn from_open_errno(errno: i32) -> KernelError {
        match errno {
            libc::EAFNOSUPPORT | libc::EPROTONOSUPPORT => KernelError::NoPfKey,
            libc::EPERM | libc::EACCES => KernelError::NotPermitted,
            e => KernelError::Os(std::io::Error::from_raw_os_error(e)),
        }
    }
}

/// The message length announced by a PF_KEY header (`sadb_msg_len` words), if complete.
pub fn announced_len(header: &[u8]) -> Option<usize> {
    let len = header.get(4..6)?;
    Some(usize::from(u16::from_le_bytes([len[0], len[1]])) * 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_errors_read_as_setkey_users_expect() {
        assert_eq!(
            KernelError::from_open_errno(libc::EAFNOSUPPORT).to_string(),
            "this kernel has no PF_KEY support"
        );
        assert_eq!(
            KernelError::from_open_errno(libc::EPERM).to_string(),
            "PF_KEY needs root (or CAP_NET_ADMIN)"
        );
        assert!(KernelError::from_open_errno(libc::EMFILE)
            .to_string()
            .starts_with("PF_KEY: "));
    }

    #[test]
    fn announced_length_is_in_64_bit_words() {
        assert_eq!(announced_len(&[2, 10, 0, 0, 3, 0, 0, 0]), Some(24));
        assert_eq!(announced_len(&[2, 10, 0, 0, 0, 1]), Some(2048));
        assert_eq!(announced_len(&[2, 10, 0]), None);
    }
}
