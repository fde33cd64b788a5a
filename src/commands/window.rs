//! Requests sent ahead of their replies: a window of them in flight, sent and read in batches.

use std::collections::VecDeque;
use std::time::Duration;

use setkey::kernel::{KernelError, PfKeySocket, ReceivedHeader, BATCH_MAX};
use setkey::pfkey;

/// The fewest and the most requests kept in flight.
const WINDOW_MIN: usize = 1;
const WINDOW_MAX: usize = 1024;

/// What one reply in flight is reckoned to take of the receive buffer: a reply is about as
/// long as its request (the kernel echoes it, keys and lifetimes included), and the kernels
/// count their buffer overhead against the limit too (Linux a socket buffer's truesize,
/// the BSDs mbufs and clusters), so twice the length plus a kilobyte.
fn reply_cost(request_len: usize) -> usize {
    2 * request_len.max(64) + 1024
}

/// A request sent (or queued to be sent) whose reply is still to be read.
struct InFlight {
    msg_type: u8,
    /// The caller's name for the request, handed back with its reply.
    tag: usize,
    cost: usize,
}

pub struct Window {
    in_flight: VecDeque<InFlight>,
    /// What the replies in flight may take of the receive buffer, and what they take now.
    budget: usize,
    used: usize,
    /// Requests queued but not yet sent (the last `queued_ends.len()` of `in_flight`),
    /// end to end in one buffer.
    queued: Vec<u8>,
    queued_ends: Vec<usize>,
    /// Headers received and not yet matched, oldest first.
    received: VecDeque<ReceivedHeader>,
    /// A failure to send, handed out once every reply to what was sent has been read.
    send_failure: Option<KernelError>,
    /// A failure to receive, handed out after the headers received before it.
    recv_failure: Option<KernelError>,
}

impl Window {
    /// A window for a socket whose receive buffer is `receive_buffer` bytes: half of it
    /// for our replies, the rest room for other processes' broadcasts arriving meanwhile.
    pub fn new(receive_buffer: usize) -> Window {
        Window {
            in_flight: VecDeque::new(),
            budget: receive_buffer / 2,
            used: 0,
            queued: Vec::new(),
            queued_ends: Vec::new(),
            received: VecDeque::new(),
            send_failure: None,
            recv_failure: None,
        }
    }

    /// Whether a request of `len` bytes may be sent now without risking its reply being
    /// dropped for want of room in the receive buffer.
    pub fn has_room(&self, len: usize) -> bool {
        let count = self.in_flight.len();
        count < WINDOW_MIN || (count < WINDOW_MAX && self.used + reply_cost(len) <= self.budget)
    }

    /// Queues a request to be sent, as from `pid`, with the next batch.
    pub fn push(&mut self, socket: &PfKeySocket, bytes: &[u8], pid: u32, tag: usize) {
        let cost = reply_cost(bytes.len());
        self.used += cost;
        self.in_flight.push_back(InFlight {
            msg_type: bytes.get(1).copied().unwrap_or(0),
            tag,
            cost,
        });
        let start = self.queued.len();
        self.queued.extend_from_slice(bytes);
        self.queued[start + 12..start + 16].copy_from_slice(&pid.to_le_bytes());
        self.queued_ends.push(self.queued.len());
        if self.queued_ends.len() >= BATCH_MAX {
            self.send_queued(socket);
        }
    }

    /// Sends what is queued. After a failure the requests not sent leave the window and
    /// the failure waits until the replies to those sent have been read.
    fn send_queued(&mut self, socket: &PfKeySocket) {
        if self.queued_ends.is_empty() {
            return;
        }
        let mut start = 0;
        let msgs: Vec<&[u8]> = self
            .queued_ends
            .iter()
            .map(|&end| {
                let m = &self.queued[start..end];
                start = end;
                m
            })
            .collect();
        if let Err((sent, e)) = socket.send_all(&msgs) {
            let unsent = msgs.len() - sent;
            for _ in 0..unsent {
                if let Some(dropped) = self.in_flight.pop_back() {
                    self.used -= dropped.cost;
                }
            }
            self.send_failure.get_or_insert(e);
        }
        self.queued.clear();
        self.queued_ends.clear();
    }

    /// The reply to the oldest request in flight (addressed to `pid`): its tag and errno;
    /// `None` when nothing is in flight.
    pub fn next(
        &mut self,
        socket: &PfKeySocket,
        pid: u32,
        timeout: Duration,
    ) -> Result<Option<(usize, u8)>, KernelError> {
        if self.received.is_empty() {
            self.send_queued(socket);
        }
        let Some(oldest) = self.in_flight.pop_front() else {
            self.received.clear();
            return self.send_failure.take().map_or(Ok(None), Err);
        };
        self.used -= oldest.cost;
        loop {
            while let Some(header) = self.received.pop_front() {
                let ours = pfkey::peek_header(&header)
                    .filter(|h| h.pid == pid && h.msg_type == oldest.msg_type);
                if let Some(h) = ours {
                    return Ok(Some((oldest.tag, h.errno)));
                }
            }
            if let Some(e) = self.recv_failure.take() {
                return Err(e);
            }
            // No more replies can be ours than requests are in flight, so none is read
            // that belongs to a later conversation.
            let mut batch = Vec::new();
            let result = socket.recv_headers(self.in_flight.len() + 1, timeout, &mut batch);
            self.received.extend(batch);
            if let Err(e) = result {
                self.recv_failure = Some(e);
            }
        }
    }
}
