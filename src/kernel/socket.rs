//! `socket(PF_KEY, SOCK_RAW, PF_KEY_V2)`: whole messages in and out, big buffers, timeouts.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use super::{announced_len, KernelError};

const PF_KEY_V2: libc::c_int = 2;
const HEADER_LEN: usize = 16;

/// The PF_KEY protocol family of the OS this binary runs on.
#[cfg(target_os = "linux")]
const PF_KEY: Option<libc::c_int> = Some(15);
#[cfg(target_os = "freebsd")]
const PF_KEY: Option<libc::c_int> = Some(27);
#[cfg(target_os = "netbsd")]
const PF_KEY: Option<libc::c_int> = Some(29);
#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "netbsd")))]
const PF_KEY: Option<libc::c_int> = None;

/// Largest receive buffer to ask for; the kernel caps it at its own limit.
const RCVBUF_WANTED: libc::c_int = 32 * 1024 * 1024;
const SNDBUF_WANTED: libc::c_int = 128 * 1024;

pub struct PfKeySocket {
    fd: OwnedFd,
    buffer: std::cell::RefCell<Vec<u8>>,
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn set_int_option(fd: libc::c_int, name: libc::c_int, value: libc::c_int) -> bool {
    // SAFETY: a valid fd and a pointer to a live c_int of the size given.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            name,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        ) == 0
    }
}

impl PfKeySocket {
    /// Opens a PF_KEY v2 socket with send and receive buffers sized for big dumps.
    pub fn open() -> Result<PfKeySocket, KernelError> {
        let family = PF_KEY.ok_or(KernelError::UnsupportedOs)?;
        // SAFETY: plain socket(2) call; the result is checked.
        let raw = unsafe { libc::socket(family, libc::SOCK_RAW, PF_KEY_V2) };
        if raw < 0 {
            return Err(KernelError::from_open_errno(last_errno()));
        }
        // SAFETY: `raw` is a fresh descriptor we own.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: fcntl on our own descriptor.
        unsafe {
            libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC);
        }
        let socket = PfKeySocket {
            fd,
            buffer: std::cell::RefCell::new(vec![0; 64 * 1024]),
        };
        socket.size_buffers();
        Ok(socket)
    }

    fn size_buffers(&self) {
        let fd = self.fd.as_raw_fd();
        set_int_option(fd, libc::SO_SNDBUF, SNDBUF_WANTED);
        #[cfg(target_os = "linux")]
        if set_int_option(fd, libc::SO_RCVBUFFORCE, RCVBUF_WANTED) {
            return;
        }
        let mut size = RCVBUF_WANTED;
        while size >= 64 * 1024 && !set_int_option(fd, libc::SO_RCVBUF, size) {
            size /= 2;
        }
    }

    /// Sends one whole message.
    pub fn send(&self, msg: &[u8]) -> Result<(), KernelError> {
        loop {
            // SAFETY: the pointer and length describe `msg`.
            let n = unsafe { libc::send(self.fd.as_raw_fd(), msg.as_ptr().cast(), msg.len(), 0) };
            if n < 0 {
                match last_errno() {
                    libc::EINTR => continue,
                    libc::ENOBUFS => return Err(KernelError::Overflow),
                    e => return Err(KernelError::Os(std::io::Error::from_raw_os_error(e))),
                }
            }
            let written = n as usize;
            if written != msg.len() {
                return Err(KernelError::ShortWrite {
                    written,
                    len: msg.len(),
                });
            }
            return Ok(());
        }
    }

    /// Waits until a message is readable or the deadline passes.
    fn wait_readable(&self, deadline: Instant) -> Result<(), KernelError> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(KernelError::Timeout);
            }
            let mut pfd = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = left.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&mut pfd, 1, ms) };
            match n {
                n if n > 0 => return Ok(()),
                0 => continue,
                _ if last_errno() == libc::EINTR => continue,
                _ => return Err(KernelError::Os(std::io::Error::last_os_error())),
            }
        }
    }

    /// `recv` into `buf`, retrying EINTR; returns the datagram's full length
    /// (with MSG_TRUNC on Linux, which reports it even when the buffer is smaller).
    fn recv_into(&self, buf: &mut [u8], flags: libc::c_int) -> Result<usize, KernelError> {
        loop {
            // SAFETY: the pointer and length describe `buf`.
            let n = unsafe {
                libc::recv(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    flags,
                )
            };
            if n >= 0 {
                return Ok(n as usize);
            }
            match last_errno() {
                libc::EINTR => continue,
                libc::ENOBUFS => return Err(KernelError::Overflow),
                libc::EAGAIN => return Err(KernelError::Timeout),
                e => return Err(KernelError::Os(std::io::Error::from_raw_os_error(e))),
            }
        }
    }

    /// Receives exactly one whole message, of any size, waiting at most `timeout`.
    pub fn recv(&self, timeout: Duration) -> Result<Vec<u8>, KernelError> {
        self.wait_readable(Instant::now() + timeout)?;
        let mut header = [0u8; HEADER_LEN];
        let peeked = self.recv_into(&mut header, libc::MSG_PEEK | libc::MSG_DONTWAIT)?;
        let announced = if peeked >= 6 {
            announced_len(&header).unwrap_or(0)
        } else {
            0
        };
        let mut buffer = self.buffer.borrow_mut();
        let wanted = announced.max(HEADER_LEN) + 8;
        if buffer.len() < wanted {
            buffer.resize(wanted, 0);
        }
        let received = self.recv_into(&mut buffer[..], libc::MSG_DONTWAIT)?;
        if received != announced || received < HEADER_LEN {
            return Err(KernelError::InvalidLength {
                received,
                announced,
            });
        }
        Ok(buffer[..received].to_vec())
    }
}
