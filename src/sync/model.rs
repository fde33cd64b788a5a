//! The desired SAD and SPD: the kernel's, with a script's requests played over them.

use std::collections::HashMap;
use std::hash::Hash;

use super::KernelState;
use crate::pfkey::consts::*;
use crate::pfkey::{Address, AddressKind, Dialect, Extension, Message, SockAddr};
use crate::profile;

/// What one step of a script asks of the kernel's state.
#[derive(Debug, Clone)]
pub enum Intent {
    Request(Message),
    /// `deleteall`: every SA of a type between two hosts.
    DeleteAll {
        satype: u8,
        src: SockAddr,
        dst: SockAddr,
    },
    /// `exit`/`quit`: what follows is not part of the script.
    Exit,
    /// Reads the state (`get`, dumps): no part of the desired state.
    Read,
}

/// An intent with no place in a desired state (`getspi`), by its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub origin: usize,
    pub reason: String,
}

/// One entry of the desired state, and the intent that put it there (`None`: the kernel's,
/// untouched by the script).
pub(super) struct Entry {
    pub message: Message,
    pub origin: Option<usize>,
}

/// An SA as the kernel finds it: protocol, SPI and destination host.
pub(super) type SaKey = (u8, u32, SockAddr);
/// A policy as the kernel finds it: direction and both selectors.
pub(super) type PolicyKey = (u8, Address, Address);

pub(super) fn sa_key(msg: &Message) -> Option<SaKey> {
    Some((
        msg.header.satype,
        msg.sa()?.spi,
        msg.address(AddressKind::Dst)?.addr.without_port(),
    ))
}

pub(super) fn policy_key(msg: &Message) -> Option<PolicyKey> {
    Some((
        msg.policy()?.dir,
        msg.address(AddressKind::Src)?.clone(),
        msg.address(AddressKind::Dst)?.clone(),
    ))
}

/// Entries in order, each found by its key at once, however many there are.
pub(super) struct Table<K> {
    entries: Vec<Option<Entry>>,
    index: HashMap<K, usize>,
    /// The keys of entries the script removed, and the intent that removed each last.
    removed: HashMap<K, usize>,
    key: fn(&Message) -> Option<K>,
}

impl<K: Hash + Eq + Clone> Table<K> {
    fn of_kernel(entries: &[Message], key: fn(&Message) -> Option<K>) -> Self {
        let mut table = Table {
            entries: Vec::with_capacity(entries.len()),
            index: HashMap::with_capacity(entries.len()),
            removed: HashMap::new(),
            key,
        };
        for m in entries {
            table.put(Entry {
                message: m.clone(),
                origin: None,
            });
        }
        table
    }

    /// Adds `entry` at the end, in place of the entry of the same key.
    fn put(&mut self, entry: Entry) {
        let Some(k) = (self.key)(&entry.message) else {
            return;
        };
        if let Some(old) = self.index.insert(k, self.entries.len()) {
            self.entries[old] = None;
        }
        self.entries.push(Some(entry));
    }

    fn remove(&mut self, origin: usize, k: K) {
        if let Some(at) = self.index.remove(&k) {
            self.entries[at] = None;
        }
        self.removed.insert(k, origin);
    }

    fn remove_where(&mut self, origin: usize, doomed: impl Fn(&Message) -> bool) {
        let keys: Vec<K> = self
            .iter()
            .filter(|e| doomed(&e.message))
            .filter_map(|e| (self.key)(&e.message))
            .collect();
        for k in keys {
            self.remove(origin, k);
        }
    }

    pub fn get(&self, k: &K) -> Option<&Entry> {
        self.index.get(k).and_then(|at| self.entries[*at].as_ref())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().flatten()
    }

    /// The intent that removed the entry of key `k` (0 when none did).
    pub fn removed_by(&self, k: &K) -> usize {
        self.removed.get(k).copied().unwrap_or(0)
    }
}

pub(super) struct Desired {
    pub sad: Table<SaKey>,
    pub spd: Table<PolicyKey>,
}

fn host_of(msg: &Message, kind: AddressKind) -> Option<SockAddr> {
    msg.address(kind).map(|a| a.addr.without_port())
}

/// A request as the kernel of `dialect` would list it once applied: the fields a request
/// leaves to the kernel set as it sets them.
pub(super) fn as_stored(request: &Message, dialect: Dialect) -> Message {
    let mut msg = request.clone();
    for e in &mut msg.extensions {
        match e {
            Extension::Sa(sa) => sa.state = SADB_SASTATE_MATURE,
            Extension::Sa2(sa2) if sa2.mode == IPSEC_MODE_ANY => {
                sa2.mode = profile::of(dialect).sa_mode_any_kept_as;
            }
            _ => {}
        }
    }
    msg
}

/// The kernel's state with `intents` played over it.
pub(super) fn desired(intents: &[Intent], kernel: &KernelState) -> Result<Desired, Refusal> {
    let mut state = Desired {
        sad: Table::of_kernel(kernel.sad, sa_key),
        spd: Table::of_kernel(kernel.spd, policy_key),
    };
    let between = |satype: u8, src: Option<SockAddr>, dst: Option<SockAddr>| {
        move |m: &Message| {
            m.header.satype == satype
                && host_of(m, AddressKind::Src) == src
                && host_of(m, AddressKind::Dst) == dst
        }
    };
    for (origin, intent) in intents.iter().enumerate() {
        let request = match intent {
            Intent::Request(m) => m,
            Intent::DeleteAll { satype, src, dst } => {
                let pair = between(*satype, Some(src.without_port()), Some(dst.without_port()));
                state.sad.remove_where(origin, pair);
                continue;
            }
            Intent::Exit => break,
            Intent::Read => continue,
        };
        let satype = request.header.satype;
        match request.header.msg_type {
            SADB_ADD | SADB_UPDATE => {
                // Installed by an ADD whatever the statement: a BSD kernel updates only a
                // larval SA, and the SA the script names may not exist yet.
                let mut add = request.clone();
                add.header.msg_type = SADB_ADD;
                if let Some(k) = sa_key(&add) {
                    state.sad.remove(origin, k);
                }
                state.sad.put(Entry {
                    message: add,
                    origin: Some(origin),
                });
            }
            SADB_DELETE => match sa_key(request) {
                Some(k) => state.sad.remove(origin, k),
                // BSD deleteall: a DELETE without SA extension.
                None => state.sad.remove_where(
                    origin,
                    between(
                        satype,
                        host_of(request, AddressKind::Src),
                        host_of(request, AddressKind::Dst),
                    ),
                ),
            },
            SADB_FLUSH => state.sad.remove_where(origin, |m| {
                satype == SADB_SATYPE_UNSPEC || m.header.satype == satype
            }),
            SADB_X_SPDADD | SADB_X_SPDUPDATE => {
                if let Some(k) = policy_key(request) {
                    state.spd.remove(origin, k);
                }
                state.spd.put(Entry {
                    message: request.clone(),
                    origin: Some(origin),
                });
            }
            SADB_X_SPDDELETE => {
                if let Some(k) = policy_key(request) {
                    state.spd.remove(origin, k);
                }
            }
            SADB_X_SPDFLUSH => state.spd.remove_where(origin, |_| true),
            SADB_GETSPI => {
                return Err(Refusal {
                    origin,
                    reason: "getspi reserves an SPI for a key manager: it describes no state \
                             to compare with"
                        .into(),
                })
            }
            SADB_X_SPDDELETE2 => {
                return Err(Refusal {
                    origin,
                    reason: "a policy deleted by its kernel id names no selectors to compare"
                        .into(),
                })
            }
            _ => {}
        }
    }
    Ok(state)
}
