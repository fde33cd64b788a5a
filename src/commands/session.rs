//! A conversation with the kernel: typed requests out, typed replies back, matched by seq and pid.

use std::time::Duration;

use setkey::kernel::{KernelError, PfKeySocket};
use setkey::pfkey::{self, Dialect, Message};

use super::window::Window;

/// How long to wait for one reply before giving up.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Session {
    socket: PfKeySocket,
    pub dialect: Dialect,
    pub pid: u32,
    /// `-v`: print each message sent and received.
    pub verbose: bool,
    pub hex: bool,
    /// Where every message received is also written, raw (`--record`).
    record: Option<std::fs::File>,
    /// The request being sent, with our pid patched in (kept to spare an allocation each).
    outgoing: Vec<u8>,
    /// Requests sent ahead of their replies.
    window: Window,
}

#[derive(Debug)]
pub enum SessionError {
    Kernel(KernelError),
    Emit(String),
    /// A reply that could not be decoded, with the reason.
    Decode(String),
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::Kernel(e) => write!(f, "{e}"),
            SessionError::Emit(e) => write!(f, "cannot encode the message: {e}"),
            SessionError::Decode(e) => write!(f, "cannot decode the kernel's reply: {e}"),
        }
    }
}

impl From<KernelError> for SessionError {
    fn from(e: KernelError) -> Self {
        SessionError::Kernel(e)
    }
}

impl Session {
    pub fn open(dialect: Dialect, verbose: bool, hex: bool) -> Result<Session, KernelError> {
        let socket = PfKeySocket::open()?;
        let window = Window::new(socket.receive_buffer_len().unwrap_or(0));
        Ok(Session {
            socket,
            dialect,
            pid: std::process::id(),
            verbose,
            hex,
            record: None,
            outgoing: Vec::new(),
            window,
        })
    }

    /// Also writes every message received from now on to `path`.
    pub fn record_to(&mut self, path: &std::path::Path) -> std::io::Result<()> {
        self.record = Some(std::fs::File::create(path)?);
        Ok(())
    }

    /// `-v` as the C sendkeymsg() prints it: kdebug_sadb and a blank line for each message,
    /// then, for the one sent, the `-H` dump.
    fn show(&self, bytes: &[u8], sent: bool) {
        if self.verbose {
            print!(
                "{}",
                setkey::format::kdebug::render_bytes(bytes, self.dialect)
            );
            println!();
            if self.hex && sent {
                print!("{}", setkey::format::hexdump::offset_dump(bytes));
            }
        }
    }

    /// Sends an encoded message with our pid patched in. Its seq stays 0, as the C setkey
    /// sends every request (the kernel copies it into an added SA, and `get` and EXPIRE show
    /// it), so a reply is known by its type and pid, and replies come in order.
    pub fn send_bytes(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        if bytes.len() < 16 {
            return Err(SessionError::Emit("message shorter than its header".into()));
        }
        let mut outgoing = std::mem::take(&mut self.outgoing);
        outgoing.clear();
        outgoing.extend_from_slice(bytes);
        outgoing[12..16].copy_from_slice(&self.pid.to_le_bytes());
        self.show(&outgoing, true);
        let sent = self.socket.send(&outgoing);
        self.outgoing = outgoing;
        Ok(sent?)
    }

    /// Whether requests may be sent ahead of their replies: not with `-v`, which shows
    /// each request next to its reply.
    pub fn pipelines(&self) -> bool {
        !self.verbose
    }

    /// Sends an encoded request without waiting for its reply (the kernel answers in
    /// order), once the window has room for it: until then the oldest replies are read, and
    /// each is handed to `reply` with its request's `tag` and its errno. Requests go out in
    /// batches: a failure to send is told once the replies to those sent before it have been
    /// read. A request too short to be a message is refused before anything is read.
    pub fn send_ahead(
        &mut self,
        bytes: &[u8],
        tag: usize,
        mut reply: impl FnMut(usize, u8),
    ) -> Result<(), SessionError> {
        if bytes.len() < 16 {
            return Err(SessionError::Emit("message shorter than its header".into()));
        }
        while !self.window.has_room(bytes.len()) {
            match self.next_status()? {
                Some((tag, errno)) => reply(tag, errno),
                None => break,
            }
        }
        self.window.push(&self.socket, bytes, self.pid, tag);
        Ok(())
    }

    /// Reads the replies to every request sent ahead, each handed to `reply` as by
    /// `send_ahead`.
    pub fn drain(&mut self, mut reply: impl FnMut(usize, u8)) -> Result<(), SessionError> {
        while let Some((tag, errno)) = self.next_status()? {
            reply(tag, errno);
        }
        Ok(())
    }

    /// Reads the reply to the oldest request sent ahead: its tag and the reply's errno.
    /// `None` when nothing is in flight.
    fn next_status(&mut self) -> Result<Option<(usize, u8)>, SessionError> {
        Ok(self.window.next(&self.socket, self.pid, REPLY_TIMEOUT)?)
    }

    /// The errno of the next reply of `msg_type` addressed to us, read from its header only.
    fn recv_status(&mut self, msg_type: u8) -> Result<u8, SessionError> {
        let pid = self.pid;
        loop {
            let status = self.socket.recv_with(REPLY_TIMEOUT, |reply| {
                pfkey::peek_header(reply)
                    .filter(|h| h.pid == pid && h.msg_type == msg_type)
                    .map(|h| h.errno)
            })?;
            if let Some(errno) = status {
                return Ok(errno);
            }
        }
    }

    /// Receives the next message addressed to us (our pid), skipping everything else.
    pub fn recv_ours(&mut self, msg_type: u8) -> Result<Message, SessionError> {
        let (pid, dialect) = (self.pid, self.dialect);
        let show = self.verbose;
        loop {
            let record = &mut self.record;
            let decoded = self.socket.recv_with(REPLY_TIMEOUT, |bytes| {
                let ours = pfkey::peek_header(bytes)
                    .is_some_and(|h| h.pid == pid && h.msg_type == msg_type);
                if !ours {
                    return None;
                }
                if let Some(file) = record {
                    use std::io::Write;
                    if let Err(e) = file.write_all(bytes) {
                        return Some(Err(SessionError::Emit(format!("--record: {e}"))));
                    }
                }
                let msg =
                    pfkey::parse(bytes, dialect).map_err(|e| SessionError::Decode(e.to_string()));
                Some(msg.map(|m| (m, show.then(|| bytes.to_vec()))))
            })?;
            if let Some(decoded) = decoded {
                let (msg, bytes) = decoded?;
                if let Some(bytes) = bytes {
                    self.show(&bytes, false);
                }
                return Ok(msg);
            }
        }
    }

    /// Sends an encoded request and returns only the reply's errno, reading no more of the
    /// reply than its header (unless `-v` asks to see it).
    pub fn transact_status(&mut self, bytes: &[u8]) -> Result<u8, SessionError> {
        if self.verbose {
            return self.transact_bytes(bytes).map(|r| r.header.errno);
        }
        let msg_type = bytes.get(1).copied().unwrap_or(0);
        self.send_bytes(bytes)?;
        self.recv_status(msg_type)
    }

    /// One request, one reply (matched by type, seq and pid).
    pub fn transact(&mut self, msg: &Message) -> Result<Message, SessionError> {
        let bytes =
            pfkey::emit(msg, self.dialect).map_err(|e| SessionError::Emit(e.to_string()))?;
        self.transact_bytes(&bytes)
    }

    /// One encoded request, one decoded reply.
    pub fn transact_bytes(&mut self, bytes: &[u8]) -> Result<Message, SessionError> {
        let msg_type = bytes.get(1).copied().unwrap_or(0);
        self.send_bytes(bytes)?;
        self.recv_ours(msg_type)
    }

    /// Sends a dump request and calls `entry` for every reply until the one with seq 0
    /// (or an error reply, which is returned as the errno).
    pub fn dump(&mut self, msg: &Message, entry: impl FnMut(&Message)) -> Result<u8, SessionError> {
        let bytes =
            pfkey::emit(msg, self.dialect).map_err(|e| SessionError::Emit(e.to_string()))?;
        self.dump_bytes(&bytes, entry)
    }

    /// `dump` for an encoded request.
    pub fn dump_bytes(
        &mut self,
        bytes: &[u8],
        mut entry: impl FnMut(&Message),
    ) -> Result<u8, SessionError> {
        let msg_type = bytes.get(1).copied().unwrap_or(0);
        self.send_bytes(bytes)?;
        loop {
            let reply = self.recv_ours(msg_type)?;
            if reply.header.errno != 0 {
                return Ok(reply.header.errno);
            }
            entry(&reply);
            if reply.header.seq == 0 {
                return Ok(0);
            }
        }
    }
}
