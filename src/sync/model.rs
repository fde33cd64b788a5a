//! The desired SAD and SPD: the kernel's, with a script's requests played over them.

use super::KernelState;
use crate::pfkey::consts::*;
use crate::pfkey::{AddressKind, Dialect, Extension, Message, SockAddr};
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

pub(super) struct Desired {
    pub sad: Vec<Entry>,
    pub spd: Vec<Entry>,
    /// Kernel entries the script removes, and the intent that removed each last.
    removed_sas: Vec<(Message, usize)>,
    removed_policies: Vec<(Message, usize)>,
}

impl Desired {
    pub fn removed_sa_by(&self, entry: &Message) -> usize {
        self.removed_sas
            .iter()
            .rev()
            .find(|(m, _)| same_sa(m, entry))
            .map_or(0, |(_, origin)| *origin)
    }

    pub fn removed_policy_by(&self, entry: &Message) -> usize {
        self.removed_policies
            .iter()
            .rev()
            .find(|(m, _)| same_policy(m, entry))
            .map_or(0, |(_, origin)| *origin)
    }

    fn remove_sas(&mut self, origin: usize, doomed: impl Fn(&Message) -> bool) {
        let (gone, kept) = std::mem::take(&mut self.sad)
            .into_iter()
            .partition(|e| doomed(&e.message));
        self.sad = kept;
        self.removed_sas
            .extend(gone.into_iter().map(|e: Entry| (e.message, origin)));
    }

    fn remove_policies(&mut self, origin: usize, doomed: impl Fn(&Message) -> bool) {
        let (gone, kept) = std::mem::take(&mut self.spd)
            .into_iter()
            .partition(|e| doomed(&e.message));
        self.spd = kept;
        self.removed_policies
            .extend(gone.into_iter().map(|e: Entry| (e.message, origin)));
    }
}

fn spi(msg: &Message) -> Option<u32> {
    msg.sa().map(|sa| sa.spi)
}

fn host_of(msg: &Message, kind: AddressKind) -> Option<SockAddr> {
    msg.address(kind).map(|a| a.addr.without_port())
}

/// The same SA: protocol, SPI and destination host, as the kernel finds it.
pub(super) fn same_sa(a: &Message, b: &Message) -> bool {
    a.header.satype == b.header.satype
        && spi(a).is_some()
        && spi(a) == spi(b)
        && host_of(a, AddressKind::Dst) == host_of(b, AddressKind::Dst)
}

/// The same policy: direction and both selectors.
pub(super) fn same_policy(a: &Message, b: &Message) -> bool {
    let dir = |m: &Message| m.policy().map(|p| p.dir);
    dir(a).is_some()
        && dir(a) == dir(b)
        && a.address(AddressKind::Src) == b.address(AddressKind::Src)
        && a.address(AddressKind::Dst) == b.address(AddressKind::Dst)
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
    let from_kernel = |m: &Message| Entry {
        message: m.clone(),
        origin: None,
    };
    let mut state = Desired {
        sad: kernel.sad.iter().map(from_kernel).collect(),
        spd: kernel.spd.iter().map(from_kernel).collect(),
        removed_sas: Vec::new(),
        removed_policies: Vec::new(),
    };
    for (origin, intent) in intents.iter().enumerate() {
        let request = match intent {
            Intent::Request(m) => m,
            Intent::DeleteAll { satype, src, dst } => {
                let (src, dst) = (src.without_port(), dst.without_port());
                state.remove_sas(origin, |m| {
                    m.header.satype == *satype
                        && host_of(m, AddressKind::Src).as_ref() == Some(&src)
                        && host_of(m, AddressKind::Dst).as_ref() == Some(&dst)
                });
                continue;
            }
            Intent::Exit => break,
            Intent::Read => continue,
        };
        let satype = request.header.satype;
        match request.header.msg_type {
            SADB_ADD | SADB_UPDATE => {
                state.remove_sas(origin, |m| same_sa(m, request));
                // Installed by an ADD whatever the statement: a BSD kernel updates only a
                // larval SA, and the SA the script names may not exist yet.
                let mut add = request.clone();
                add.header.msg_type = SADB_ADD;
                state.sad.push(Entry {
                    message: add,
                    origin: Some(origin),
                });
            }
            SADB_DELETE if request.sa().is_some() => {
                state.remove_sas(origin, |m| same_sa(m, request))
            }
            // BSD deleteall: a DELETE without SA extension.
            SADB_DELETE => {
                let (src, dst) = (
                    host_of(request, AddressKind::Src),
                    host_of(request, AddressKind::Dst),
                );
                state.remove_sas(origin, |m| {
                    m.header.satype == satype
                        && host_of(m, AddressKind::Src) == src
                        && host_of(m, AddressKind::Dst) == dst
                })
            }
            SADB_FLUSH => state.remove_sas(origin, |m| {
                satype == SADB_SATYPE_UNSPEC || m.header.satype == satype
            }),
            SADB_X_SPDADD | SADB_X_SPDUPDATE => {
                state.remove_policies(origin, |m| same_policy(m, request));
                state.spd.push(Entry {
                    message: request.clone(),
                    origin: Some(origin),
                });
            }
            SADB_X_SPDDELETE => state.remove_policies(origin, |m| same_policy(m, request)),
            SADB_X_SPDFLUSH => state.remove_policies(origin, |_| true),
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
