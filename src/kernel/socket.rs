//! `socket(PF_KEY, SOCK_RAW, PF_KEY_V2)`: whole messages in and out, one call each, timeouts.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use super::KernelError;

mod batch;
pub use batch::{ReceivedHeader, BATCH_MAX};

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

/// The longest datagram a PF_KEY socket can deliver: a header's 16-bit length in 64-bit words,
/// plus the 16-byte X_PROMISC header a BSD kernel puts around a promiscuous copy.
const MAX_DATAGRAM: usize = 0xffff * 8 + HEADER_LEN;

/// Largest receive buffer to ask for; the kernel caps it at its own limit.
const RCVBUF_WANTED: libc::c_int = 32 * 1024 * 1024;
const SNDBUF_WANTED: libc::c_int = 128 * 1024;

pub struct PfKeySocket {
    fd: OwnedFd,
    /// Room for the longest datagram, so that one receive takes any message whole.
    buffer: std::cell::RefCell<Vec<u8>>,
    timeout: std::cell::Cell<Armed>,
}

/// What the socket's receive timeout (SO_RCVTIMEO) is set to.
#[derive(Clone, Copy, PartialEq)]
enum Armed {
    NotYet,
    Set(Duration),
    /// The socket refuses the option: receives wait with poll.
    Unsupported,
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
        let socket = PfKeySocket::from_fd(fd);
        socket.size_buffers();
        Ok(socket)
    }

    fn from_fd(fd: OwnedFd) -> PfKeySocket {
        PfKeySocket {
            fd,
            buffer: std::cell::RefCell::new(vec![0; MAX_DATAGRAM]),
            timeout: std::cell::Cell::new(Armed::NotYet),
        }
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

    /// Waits until a message is readable or the deadline passes (where the socket takes no
    /// receive timeout).
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

    /// Makes a blocking receive give up after `timeout` (SO_RCVTIMEO, set only when it
    /// changes); false when the socket takes no such option, so a poll must wait instead.
    fn arm_timeout(&self, timeout: Duration) -> bool {
        match self.timeout.get() {
            Armed::Set(t) if t == timeout => return true,
            Armed::Unsupported => return false,
            _ => {}
        }
        // A zero SO_RCVTIMEO means no timeout at all: wait at least a microsecond.
        let timeout = timeout.max(Duration::from_micros(1));
        let value = libc::timeval {
            tv_sec: timeout.as_secs().min(i32::MAX as u64) as libc::time_t,
            tv_usec: libc::suseconds_t::from(timeout.subsec_micros() as i32),
        };
        // SAFETY: a valid fd and a pointer to a live timeval of the size given.
        let set = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&value as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            ) == 0
        };
        self.timeout.set(if set {
            Armed::Set(timeout)
        } else {
            Armed::Unsupported
        });
        set
    }

    /// `recv` into `buf`, retrying EINTR; returns the number of bytes received (at most
    /// `buf.len()`: a longer datagram is cut, which the caller's length check catches).
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

    /// Receives one datagram, whole, with one system call where the socket takes a receive
    /// timeout (the buffer holds the longest datagram, so no peek is needed), and returns
    /// its bytes, valid until the next receive.
    fn recv_raw(&self, timeout: Duration) -> Result<std::cell::RefMut<'_, [u8]>, KernelError> {
        if timeout.is_zero() {
            return Err(KernelError::Timeout);
        }
        let flags = if self.arm_timeout(timeout) {
            0
        } else {
            self.wait_readable(Instant::now() + timeout)?;
            libc::MSG_DONTWAIT
        };
        let mut buffer = self.buffer.borrow_mut();
        let received = self.recv_into(&mut buffer[..], flags)?;
        Ok(std::cell::RefMut::map(buffer, |b| &mut b[..received]))
    }

    /// Receives exactly one whole message, of any size, waiting at most `timeout`, and
    /// hands its bytes to `read`.
    pub fn recv_with<R>(
        &self,
        timeout: Duration,
        read: impl FnOnce(&[u8]) -> R,
    ) -> Result<R, KernelError> {
        let bytes = self.recv_raw(timeout)?;
        batch::length_agrees(&bytes, bytes.len())?;
        Ok(read(&bytes))
    }

    /// Receives one whole message if one is waiting (`None` when none is), without waiting.
    fn recv_ready<R>(&self, read: impl FnOnce(&[u8]) -> R) -> Result<Option<R>, KernelError> {
        let mut buffer = self.buffer.borrow_mut();
        let received = match self.recv_into(&mut buffer[..], libc::MSG_DONTWAIT) {
            Ok(n) => n,
            Err(KernelError::Timeout) => return Ok(None),
            Err(e) => return Err(e),
        };
        let bytes = &buffer[..received];
        batch::length_agrees(bytes, received)?;
        Ok(Some(read(bytes)))
    }

    /// Receives exactly one whole message, of any size, waiting at most `timeout`.
    pub fn recv(&self, timeout: Duration) -> Result<Vec<u8>, KernelError> {
        self.recv_with(timeout, <[u8]>::to_vec)
    }

    /// Receives one datagram as it arrived, of any length and whatever its header says
    /// (the monitor: NetBSD's and FreeBSD's keysock.c announce 16 bytes more than they
    /// deliver for a promiscuous copy), waiting at most `timeout`.
    pub fn recv_datagram(&self, timeout: Duration) -> Result<Vec<u8>, KernelError> {
        Ok(self.recv_raw(timeout)?.to_vec())
    }

    /// The receive buffer's size as the kernel reports it (what replies in flight may fill).
    pub fn receive_buffer_len(&self) -> Option<usize> {
        let mut value: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: a valid fd, and a pointer to a live c_int with its size.
        let rc = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVBUF,
                (&mut value as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        (rc == 0 && value > 0).then_some(value as usize)
    }

    /// Sends `msg` (whose seq and pid the caller has filled) and returns the first reply
    /// with the same type, seq and pid, skipping every other message (broadcasts, other
    /// requests' replies). `timeout` bounds the whole wait, not each message.
    pub fn request(&self, msg: &[u8], timeout: Duration) -> Result<Vec<u8>, KernelError> {
        self.send(msg)?;
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(KernelError::Timeout);
            }
            let reply = self.recv(left)?;
            if is_reply_to(msg, &reply) {
                return Ok(reply);
            }
        }
    }

    /// The pid this process puts in `sadb_msg_pid`, which the kernel echoes in replies.
    pub fn pid() -> u32 {
        std::process::id()
    }
}

/// Whether `reply` answers `request`: same message type, seq and pid.
pub(super) fn is_reply_to(request: &[u8], reply: &[u8]) -> bool {
    match (MatchKey::of(request), MatchKey::of(reply)) {
        (Some(asked), Some(answered)) => asked == answered,
        _ => false,
    }
}

/// The header fields that pair a reply with its request.
#[derive(PartialEq, Eq)]
struct MatchKey {
    msg_type: u8,
    seq: u32,
    pid: u32,
}

impl MatchKey {
    fn of(header: &[u8]) -> Option<MatchKey> {
        let u32_at = |at: usize| -> Option<u32> {
            let bytes = header.get(at..at + 4)?;
            Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        };
        Some(MatchKey {
            msg_type: *header.get(1)?,
            seq: u32_at(8)?,
            pid: u32_at(12)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(msg_type: u8, errno: u8, seq: u32, pid: u32) -> Vec<u8> {
        let mut h = vec![2, msg_type, errno, 3, 2, 0, 0, 0];
        h.extend_from_slice(&seq.to_le_bytes());
        h.extend_from_slice(&pid.to_le_bytes());
        h
    }

    #[test]
    fn a_reply_matches_on_type_seq_and_pid_whatever_its_errno() {
        let request = header(3, 0, 7, 4242);
        assert!(is_reply_to(&request, &header(3, 0, 7, 4242)));
        assert!(is_reply_to(&request, &header(3, 17, 7, 4242)));
    }

    #[test]
    fn other_sockets_and_other_requests_are_not_replies() {
        let request = header(3, 0, 7, 4242);
        assert!(!is_reply_to(&request, &header(3, 0, 7, 1)), "other pid");
        assert!(!is_reply_to(&request, &header(3, 0, 8, 4242)), "other seq");
        assert!(!is_reply_to(&request, &header(4, 0, 7, 4242)), "other type");
        assert!(!is_reply_to(&request, &header(3, 0, 7, 4242)[..15]), "cut");
        assert!(!is_reply_to(&request[..12], &header(3, 0, 7, 4242)));
    }

    /// A datagram socket pair standing in for the kernel: `.0` is ours, `.1` the kernel's.
    fn fake_kernel() -> (PfKeySocket, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: socketpair writes two descriptors into the array given.
        let rc = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_DGRAM, 0, fds.as_mut_ptr()) };
        assert_eq!(rc, 0, "socketpair: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors are fresh and owned by nobody else.
        let (ours, theirs) =
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let big = 1024 * 1024;
        assert!(set_int_option(theirs.as_raw_fd(), libc::SO_SNDBUF, big));
        assert!(set_int_option(ours.as_raw_fd(), libc::SO_RCVBUF, big));
        (PfKeySocket::from_fd(ours), theirs)
    }

    fn kernel_sends(kernel: &OwnedFd, datagram: &[u8]) {
        // SAFETY: the pointer and length describe `datagram`.
        let n = unsafe {
            libc::send(
                kernel.as_raw_fd(),
                datagram.as_ptr().cast(),
                datagram.len(),
                0,
            )
        };
        assert_eq!(
            n,
            datagram.len() as isize,
            "{}",
            std::io::Error::last_os_error()
        );
    }

    /// A message of `words` 64-bit words whose body bytes count up, so truncation shows.
    fn message(words: u16, seq: u32) -> Vec<u8> {
        let mut msg: Vec<u8> = (0..usize::from(words) * 8).map(|i| i as u8).collect();
        msg[..16].copy_from_slice(&header(10, 0, seq, 99));
        msg[4..6].copy_from_slice(&words.to_le_bytes());
        msg
    }

    const SHORT: Duration = Duration::from_millis(200);

    #[test]
    fn recv_returns_whole_messages_bigger_than_its_first_buffer() {
        let (socket, kernel) = fake_kernel();
        let small = message(2, 1);
        let big = message(20_000, 2); // 160,000 bytes
        kernel_sends(&kernel, &small);
        kernel_sends(&kernel, &big);
        kernel_sends(&kernel, &small);
        assert_eq!(socket.recv(SHORT).unwrap(), small);
        assert_eq!(socket.recv(SHORT).unwrap(), big);
        assert_eq!(socket.recv(SHORT).unwrap(), small);
    }

    #[test]
    fn recv_times_out_when_nothing_comes() {
        let (socket, _kernel) = fake_kernel();
        let start = Instant::now();
        assert!(matches!(socket.recv(SHORT), Err(KernelError::Timeout)));
        assert!(start.elapsed() >= SHORT);
    }

    #[test]
    fn a_datagram_disagreeing_with_its_header_is_an_error_and_is_consumed() {
        let (socket, kernel) = fake_kernel();
        let mut longer = message(3, 1);
        longer.extend_from_slice(&[0; 8]);
        let shorter = message(3, 2)[..16].to_vec();
        for bad in [longer, shorter, vec![2, 10, 0]] {
            kernel_sends(&kernel, &bad);
            kernel_sends(&kernel, &message(2, 3));
            let err = socket.recv(SHORT).unwrap_err();
            assert!(
                err.to_string().starts_with("invalid keymsg length"),
                "{err}"
            );
            assert_eq!(socket.recv(SHORT).unwrap(), message(2, 3));
        }
        let (socket, kernel) = fake_kernel();
        kernel_sends(&kernel, &message(3, 1)[..20]);
        assert_eq!(
            socket.recv(SHORT).unwrap_err().to_string(),
            "invalid keymsg length: received 20 bytes, the header says 24"
        );
    }

    #[test]
    fn recv_datagram_returns_what_arrived_whatever_the_header_claims() {
        let (socket, kernel) = fake_kernel();
        // A promiscuous copy as BSD kernels send it: the wrapper's length counts its own
        // 16-byte header twice.
        let inner = message(3, 5);
        let mut wrapped = header(SADB_X_PROMISC_TYPE, 0, 5, 99);
        wrapped[4..6].copy_from_slice(&(3u16 + 2 + 2).to_le_bytes());
        wrapped.extend_from_slice(&inner);
        // Bigger than the first buffer (a test VM's socket limits forbid the 512 KiB maximum).
        let big = message(20_000, 6);
        for datagram in [wrapped, inner, vec![2, 10, 0], vec![], big] {
            kernel_sends(&kernel, &datagram);
            assert_eq!(socket.recv_datagram(SHORT).unwrap(), datagram);
        }
        assert!(matches!(
            socket.recv_datagram(SHORT),
            Err(KernelError::Timeout)
        ));
    }

    const SADB_X_PROMISC_TYPE: u8 = 11;

    #[test]
    fn request_skips_what_is_not_its_reply() {
        let (socket, kernel) = fake_kernel();
        let request = header(3, 0, 7, 4242);
        let reply = header(3, 17, 7, 4242);
        for other in [
            header(3, 0, 7, 1),
            header(3, 0, 6, 4242),
            header(9, 0, 7, 4242),
        ] {
            kernel_sends(&kernel, &other);
        }
        kernel_sends(&kernel, &reply);
        assert_eq!(socket.request(&request, SHORT).unwrap(), reply);
        let mut sent = [0u8; 32];
        // SAFETY: the pointer and length describe `sent`.
        let n = unsafe { libc::recv(kernel.as_raw_fd(), sent.as_mut_ptr().cast(), 32, 0) };
        assert_eq!(&sent[..n as usize], &request[..]);
        kernel_sends(&kernel, &header(3, 0, 8, 4242));
        assert!(matches!(
            socket.request(&request, SHORT),
            Err(KernelError::Timeout)
        ));
    }

    #[test]
    fn recv_headers_takes_what_is_waiting_in_order_up_to_the_most_asked() {
        let (socket, kernel) = fake_kernel();
        let sizes = [2u16, 20_000, 3, 2, 5];
        for (seq, &words) in sizes.iter().enumerate() {
            kernel_sends(&kernel, &message(words, seq as u32));
        }
        let mut got = Vec::new();
        socket.recv_headers(3, SHORT, &mut got).unwrap();
        socket.recv_headers(10, SHORT, &mut got).unwrap();
        let expected: Vec<ReceivedHeader> = sizes
            .iter()
            .enumerate()
            .map(|(seq, &words)| message(words, seq as u32)[..16].try_into().unwrap())
            .collect();
        assert_eq!(got, expected);
        assert!(matches!(
            socket.recv_headers(4, SHORT, &mut got),
            Err(KernelError::Timeout)
        ));
    }

    #[test]
    fn recv_headers_refuses_a_message_whose_length_disagrees_with_its_header() {
        let (socket, kernel) = fake_kernel();
        kernel_sends(&kernel, &message(2, 1));
        kernel_sends(&kernel, &message(3, 2)[..20]);
        let mut got = Vec::new();
        let err = socket.recv_headers(5, SHORT, &mut got).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid keymsg length: received 20 bytes, the header says 24"
        );
        assert_eq!(got.len(), 1, "the message before the bad one is kept");
    }

    #[test]
    fn send_all_sends_every_message_whole_and_in_order() {
        let (socket, kernel) = fake_kernel();
        let msgs: Vec<Vec<u8>> = (0..150).map(|i| message(2 + (i % 7) as u16, i)).collect();
        let slices: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
        socket.send_all(&slices).unwrap();
        for msg in &msgs {
            let mut got = [0u8; 128];
            // SAFETY: the pointer and length describe `got`.
            let n = unsafe { libc::recv(kernel.as_raw_fd(), got.as_mut_ptr().cast(), 128, 0) };
            assert_eq!(&got[..n as usize], &msg[..]);
        }
    }

    #[test]
    fn pid_is_the_process_id() {
        assert_eq!(PfKeySocket::pid(), std::process::id());
    }

    /// Inside the test VM (SETKEY_VM=1) opening must succeed. Elsewhere a Linux host without
    /// af_key (checked after the attempt, which may load the module) must say exactly that.
    #[test]
    fn open_succeeds_or_says_why() {
        let in_vm = std::env::var("SETKEY_VM").as_deref() == Ok("1");
        let outcome = PfKeySocket::open().map(|_| ()).map_err(|e| e.to_string());
        let has_pfkey = std::path::Path::new("/proc/net/pfkey").exists();
        if in_vm {
            assert_eq!(outcome, Ok(()));
        } else if PF_KEY.is_none() {
            assert_eq!(outcome, Err("PF_KEY is not supported on this OS".into()));
        } else if cfg!(target_os = "linux") && !has_pfkey {
            assert_eq!(outcome, Err("this kernel has no PF_KEY support".into()));
        } else if let Err(e) = outcome {
            assert!(
                e == "PF_KEY needs root (or CAP_NET_ADMIN)"
                    || e == "this kernel has no PF_KEY support",
                "{e}"
            );
        }
    }
}
