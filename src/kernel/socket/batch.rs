//! Many messages per system call: sendmmsg and recvmmsg on Linux, one call each elsewhere.

use std::time::Duration;

use super::{PfKeySocket, HEADER_LEN};
use crate::kernel::{announced_len, KernelError};

/// The most messages one call sends or receives.
pub const BATCH_MAX: usize = 64;

/// A message's header as received, with the message's whole length.
pub type ReceivedHeader = [u8; HEADER_LEN];

impl PfKeySocket {
    /// Sends every message, whole and in order, as many per system call as the OS allows.
    /// On an error, how many were sent before it.
    pub fn send_all(&self, msgs: &[&[u8]]) -> Result<(), (usize, KernelError)> {
        let mut sent = 0;
        while sent < msgs.len() {
            let end = msgs.len().min(sent + BATCH_MAX);
            match self.send_some(&msgs[sent..end]) {
                Ok(n) => sent += n,
                Err(e) => return Err((sent, e)),
            }
        }
        Ok(())
    }

    #[cfg(target_os = "linux")]
    fn send_some(&self, msgs: &[&[u8]]) -> Result<usize, KernelError> {
        use std::os::fd::AsRawFd;
        let mut iovecs: Vec<libc::iovec> = msgs
            .iter()
            .map(|m| libc::iovec {
                iov_base: m.as_ptr() as *mut libc::c_void,
                iov_len: m.len(),
            })
            .collect();
        let mut headers = one_iovec_each(&mut iovecs);
        loop {
            // SAFETY: `headers` describes `iovecs`, which describe the live messages.
            let n = unsafe {
                libc::sendmmsg(
                    self.fd.as_raw_fd(),
                    headers.as_mut_ptr(),
                    headers.len() as libc::c_uint,
                    0,
                )
            };
            if n < 0 {
                match super::last_errno() {
                    libc::EINTR => continue,
                    libc::ENOBUFS => return Err(KernelError::Overflow),
                    e => return Err(KernelError::Os(std::io::Error::from_raw_os_error(e))),
                }
            }
            let n = n as usize;
            for (h, m) in headers.iter().zip(msgs).take(n) {
                if h.msg_len as usize != m.len() {
                    return Err(KernelError::ShortWrite {
                        written: h.msg_len as usize,
                        len: m.len(),
                    });
                }
            }
            return Ok(n.max(1).min(msgs.len()));
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn send_some(&self, msgs: &[&[u8]]) -> Result<usize, KernelError> {
        self.send(msgs[0]).map(|()| 1)
    }

    /// Receives the headers of at least one and at most `max` messages (waiting at most
    /// `timeout` for the first, not at all for the others) into `out`, each message checked
    /// against the length its header announces.
    pub fn recv_headers(
        &self,
        max: usize,
        timeout: Duration,
        out: &mut Vec<ReceivedHeader>,
    ) -> Result<(), KernelError> {
        let max = max.clamp(1, BATCH_MAX);
        #[cfg(target_os = "linux")]
        if !timeout.is_zero() && self.arm_timeout(timeout) {
            return self.recvmmsg_headers(max, out);
        }
        self.recv_headers_one_by_one(max, timeout, out)
    }

    /// `recv_headers` in one recvmmsg, the receive timeout being set.
    #[cfg(target_os = "linux")]
    fn recvmmsg_headers(
        &self,
        max: usize,
        out: &mut Vec<ReceivedHeader>,
    ) -> Result<(), KernelError> {
        use std::os::fd::AsRawFd;
        let mut slots = [[0u8; HEADER_LEN]; BATCH_MAX];
        let mut iovecs: Vec<libc::iovec> = slots[..max]
            .iter_mut()
            .map(|s| libc::iovec {
                iov_base: s.as_mut_ptr().cast(),
                iov_len: HEADER_LEN,
            })
            .collect();
        let mut headers = one_iovec_each(&mut iovecs);
        // MSG_TRUNC: each length is the whole message's, though only its header is copied.
        let flags = libc::MSG_WAITFORONE | libc::MSG_TRUNC;
        let n = loop {
            // SAFETY: `headers` describes `iovecs`, which describe `slots`.
            let n = unsafe {
                libc::recvmmsg(
                    self.fd.as_raw_fd(),
                    headers.as_mut_ptr(),
                    max as libc::c_uint,
                    flags,
                    std::ptr::null_mut(),
                )
            };
            if n >= 0 {
                break n as usize;
            }
            match super::last_errno() {
                libc::EINTR => continue,
                libc::ENOBUFS => return Err(KernelError::Overflow),
                libc::EAGAIN => return Err(KernelError::Timeout),
                e => return Err(KernelError::Os(std::io::Error::from_raw_os_error(e))),
            }
        };
        let lengths: Vec<usize> = headers[..n].iter().map(|h| h.msg_len as usize).collect();
        drop(headers);
        drop(iovecs);
        for (slot, whole_len) in slots[..n].iter().zip(lengths) {
            length_agrees(slot, whole_len)?;
            out.push(*slot);
        }
        Ok(())
    }

    /// `recv_headers` with one receive per message.
    fn recv_headers_one_by_one(
        &self,
        max: usize,
        timeout: Duration,
        out: &mut Vec<ReceivedHeader>,
    ) -> Result<(), KernelError> {
        out.push(self.recv_with(timeout, header_of)?);
        while out.len() < max {
            match self.recv_ready(header_of) {
                Ok(Some(h)) => out.push(h),
                Ok(None) => break,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// An mmsghdr for each iovec, with no name and no control data.
#[cfg(target_os = "linux")]
fn one_iovec_each(iovecs: &mut [libc::iovec]) -> Vec<libc::mmsghdr> {
    iovecs
        .iter_mut()
        .map(|iov| {
            // SAFETY: an all-zero mmsghdr is a valid one (null pointers, zero lengths).
            let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
            h.msg_hdr.msg_iov = iov;
            h.msg_hdr.msg_iovlen = 1;
            h
        })
        .collect()
}

/// The header of a whole message (checked by `recv_with`).
fn header_of(bytes: &[u8]) -> ReceivedHeader {
    let mut h = [0; HEADER_LEN];
    h.copy_from_slice(&bytes[..HEADER_LEN]);
    h
}

/// Whether a message received as its first `HEADER_LEN` bytes and its whole length agrees
/// with the length its header announces.
pub(super) fn length_agrees(header: &[u8], whole_len: usize) -> Result<(), KernelError> {
    let announced = announced_len(header).unwrap_or(0);
    if whole_len != announced || whole_len < HEADER_LEN {
        return Err(KernelError::InvalidLength {
            received: whole_len,
            announced,
        });
    }
    Ok(())
}
