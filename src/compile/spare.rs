//! The allocations of messages already encoded, handed on to the next statement's messages.

use std::cell::RefCell;

use zeroize::{Zeroize, Zeroizing};

use super::Operation;
use crate::pfkey::{Extension, IpsecRequest, Message};

/// At most this many buffers of each kind are kept: a statement makes one or two messages.
const KEPT: usize = 4;

/// Extension lists, key buffers and request lists of dropped messages. Key buffers are zeroed
/// when they come back, so key bytes live no longer than in the message that held them.
#[derive(Debug, Default)]
pub struct Spare(RefCell<Kept>);

#[derive(Debug, Default)]
struct Kept {
    extensions: Vec<Vec<Extension>>,
    keys: Vec<Zeroizing<Vec<u8>>>,
    requests: Vec<Vec<IpsecRequest>>,
}

impl Spare {
    /// Takes back the messages of `op` once they are no longer needed.
    pub fn recycle(&self, op: Operation) {
        match op {
            Operation::Send(m) | Operation::Get(m) | Operation::Dump(m) => self.recycle_message(m),
            Operation::DeleteAllByDump { dump, .. } => self.recycle_message(dump),
            Operation::Exit | Operation::Warning(_) => {}
        }
    }

    fn recycle_message(&self, mut m: Message) {
        let kept = &mut *self.0.borrow_mut();
        for ext in m.extensions.drain(..) {
            match ext {
                Extension::Key(_, mut key) if kept.keys.len() < KEPT => {
                    key.data.zeroize();
                    kept.keys.push(key.data);
                }
                Extension::Policy(mut policy) if kept.requests.len() < KEPT => {
                    policy.requests.clear();
                    kept.requests.push(policy.requests);
                }
                plain if !plain.owns_memory() => std::mem::forget(plain),
                other => drop(other),
            }
        }
        if kept.extensions.len() < KEPT {
            kept.extensions.push(m.extensions);
        }
    }

    /// An empty extension list (with room for the usual message when new).
    pub(super) fn extensions(&self) -> Option<Vec<Extension>> {
        self.0.borrow_mut().extensions.pop()
    }

    /// A copy of `bytes` in a buffer that is never reallocated (which would leave key bytes
    /// in freed memory).
    pub(super) fn key(&self, bytes: &[u8]) -> Zeroizing<Vec<u8>> {
        let mut data = match self.0.borrow_mut().keys.pop() {
            Some(data) if data.capacity() >= bytes.len() => data,
            _ => Zeroizing::new(Vec::with_capacity(bytes.len())),
        };
        data.extend_from_slice(bytes);
        data
    }

    /// An empty list of requests with room for `len`.
    pub(super) fn requests(&self, len: usize) -> Vec<IpsecRequest> {
        match self.0.borrow_mut().requests.pop() {
            Some(mut requests) => {
                requests.reserve(len);
                requests
            }
            None => Vec::with_capacity(len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pfkey::{Key, KeyKind, Policy};

    fn message_with_key(key: &[u8]) -> Message {
        let mut m = Message::new(3, 3);
        m.extensions.push(Extension::Key(
            KeyKind::Encrypt,
            Key {
                bits: (key.len() * 8) as u16,
                reserved: 0,
                data: Zeroizing::new(key.to_vec()),
            },
        ));
        m
    }

    #[test]
    fn a_recycled_key_buffer_is_zeroed_and_given_again_with_the_new_bytes_only() {
        let spare = Spare::default();
        spare.recycle(Operation::Send(message_with_key(&[0xaa; 16])));
        let keys = spare.0.borrow();
        let kept = keys.keys.last().expect("the key buffer is kept");
        assert!(kept.is_empty());
        // SAFETY: the buffer's capacity was 16 initialised bytes; zeroize wrote zeros there.
        let all = unsafe { std::slice::from_raw_parts(kept.as_ptr(), kept.capacity()) };
        assert_eq!(all, [0; 16]);
        drop(keys);
        let again = spare.key(&[1, 2, 3]);
        assert_eq!(again.as_slice(), [1, 2, 3]);
        let fresh = spare.key(&[7; 32]);
        assert_eq!(fresh.as_slice(), [7; 32]);
    }

    #[test]
    fn only_extensions_holding_no_heap_memory_are_forgotten_rather_than_dropped() {
        use crate::pfkey::{Address, AddressKind, Lifetime, LifetimeKind, Sa, SockAddr};
        let address = |addr| {
            Extension::Address(
                AddressKind::Src,
                Address {
                    proto: 255,
                    prefixlen: 32,
                    reserved: 0,
                    addr,
                },
            )
        };
        let v4 = SockAddr::V4 {
            addr: [10, 0, 0, 1].into(),
            port: 0,
        };
        let other = SockAddr::Other {
            family: 99,
            data: vec![1, 2, 3],
        };
        assert!(!address(v4).owns_memory());
        assert!(address(other).owns_memory());
        assert!(!Extension::Sa(Sa::default()).owns_memory());
        assert!(!Extension::Lifetime(LifetimeKind::Hard, Lifetime::default()).owns_memory());
        assert!(message_with_key(&[1; 16]).extensions[0].owns_memory());
        assert!(Extension::Policy(Policy::default()).owns_memory());
    }

    #[test]
    fn a_recycled_message_gives_back_an_empty_extension_list_and_request_list() {
        let spare = Spare::default();
        let mut m = Message::new(14, 0);
        m.extensions.push(Extension::Policy(Policy {
            requests: vec![IpsecRequest {
                proto: 50,
                mode: 1,
                level: 2,
                reqid: 0,
                endpoints: None,
            }],
            ..Policy::default()
        }));
        spare.recycle(Operation::Dump(m));
        assert_eq!(spare.extensions().map(|e| e.len()), Some(0));
        assert!(spare.requests(2).is_empty());
        assert!(spare.requests(2).capacity() >= 2);
        assert_eq!(spare.extensions(), None);
    }
}
