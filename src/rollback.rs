//! What undoes a failed run (`--atomic`): from the dumps taken before and after it, the
//! deletes and adds that bring back every SA and policy the script could have changed.
//!
//! Only what the script names is compared (its SAs by SPI, its policies by selector and
//! direction, everything of a kind it flushes or deletes wholesale), so SAs a key daemon adds
//! meanwhile are left alone.

use crate::pfkey::consts::*;
use crate::pfkey::{Address, AddressKind, Dialect, Extension, LifetimeKind, Message, SockAddr};

/// A policy's place in the SPD: direction and the two selectors.
type PolicyKey = (u8, Address, Address);

/// What a script may change, learnt from the requests it sends.
#[derive(Debug, Default)]
pub struct Scope {
    sas: Vec<(u8, u32, SockAddr)>,
    flushed_satypes: Vec<u8>,
    sa_pairs: Vec<(u8, SockAddr, SockAddr)>,
    policies: Vec<PolicyKey>,
    all_policies: bool,
}

fn address(msg: &Message, kind: AddressKind) -> Option<&Address> {
    msg.extensions.iter().find_map(|e| match e {
        Extension::Address(k, a) if *k == kind => Some(a),
        _ => None,
    })
}

fn spi(msg: &Message) -> Option<u32> {
    msg.extensions.iter().find_map(|e| match e {
        Extension::Sa(sa) => Some(sa.spi),
        _ => None,
    })
}

fn policy_key(msg: &Message) -> Option<PolicyKey> {
    let dir = msg.extensions.iter().find_map(|e| match e {
        Extension::Policy(p) => Some(p.dir),
        _ => None,
    })?;
    Some((
        dir,
        address(msg, AddressKind::Src)?.clone(),
        address(msg, AddressKind::Dst)?.clone(),
    ))
}

impl Scope {
    /// Takes note of one request the script sends.
    pub fn note(&mut self, request: &Message) {
        let satype = request.header.satype;
        let src = address(request, AddressKind::Src).map(|a| a.addr.clone());
        let dst = address(request, AddressKind::Dst).map(|a| a.addr.clone());
        match request.header.msg_type {
            SADB_ADD | SADB_UPDATE | SADB_DELETE | SADB_GETSPI => {
                match (spi(request), request.header.msg_type, src, dst) {
                    (Some(spi), t, _, Some(dst)) if t != SADB_GETSPI => {
                        self.sas.push((satype, spi, dst))
                    }
                    (_, _, Some(src), Some(dst)) => self.note_pair(satype, src, dst),
                    _ => {}
                }
            }
            SADB_FLUSH => self.flushed_satypes.push(satype),
            SADB_X_SPDADD | SADB_X_SPDUPDATE | SADB_X_SPDDELETE => {
                if let Some(key) = policy_key(request) {
                    self.policies.push(key);
                }
            }
            SADB_X_SPDFLUSH | SADB_X_SPDDELETE2 => self.all_policies = true,
            _ => {}
        }
    }

    /// Every SA of `satype` between two hosts (deleteall, getspi).
    pub fn note_pair(&mut self, satype: u8, src: SockAddr, dst: SockAddr) {
        self.sa_pairs.push((satype, src, dst));
    }

    fn covers_sa(&self, entry: &Message) -> bool {
        let satype = entry.header.satype;
        let src = address(entry, AddressKind::Src).map(|a| &a.addr);
        let dst = address(entry, AddressKind::Dst).map(|a| &a.addr);
        self.flushed_satypes
            .iter()
            .any(|t| *t == SADB_SATYPE_UNSPEC || *t == satype)
            || self
                .sas
                .iter()
                .any(|(t, s, d)| *t == satype && Some(*s) == spi(entry) && Some(d) == dst)
            || self
                .sa_pairs
                .iter()
                .any(|(t, s, d)| *t == satype && Some(s) == src && Some(d) == dst)
    }

    fn covers_policy(&self, entry: &Message) -> bool {
        self.all_policies || policy_key(entry).is_some_and(|k| self.policies.contains(&k))
    }
}

/// The requests that undo the run, and what cannot be brought back.
#[derive(Debug, Default)]
pub struct Plan {
    pub requests: Vec<Message>,
    /// Entries of the snapshot no request can recreate as they were (larval SAs).
    pub left_out: Vec<String>,
}

/// An SADB_ADD that recreates a dumped SA: what the kernel keeps of an ADD, without the
/// counters (current lifetime, replay sequence).
pub fn sa_add_form(entry: &Message) -> Message {
    let mut msg = Message::new(SADB_ADD, entry.header.satype);
    msg.extensions = entry
        .extensions
        .iter()
        .filter_map(|e| match e {
            Extension::Sa(sa) => {
                let mut sa = *sa;
                sa.state = SADB_SASTATE_MATURE;
                Some(Extension::Sa(sa))
            }
            Extension::Sa2(sa2) => {
                let mut sa2 = *sa2;
                sa2.sequence = 0;
                Some(Extension::Sa2(sa2))
            }
            Extension::Lifetime(LifetimeKind::Current, _) => None,
            Extension::Address(AddressKind::NewSrc | AddressKind::NewDst, _) => None,
            Extension::Lifetime(..)
            | Extension::Address(..)
            | Extension::Key(..)
            | Extension::Identity(..)
            | Extension::NatTType { .. }
            | Extension::NatTPort(..)
            | Extension::NatTFrag { .. }
            | Extension::SaReplay { .. }
            | Extension::SecCtx(_) => Some(e.clone()),
            _ => None,
        })
        .collect();
    msg
}

/// An SADB_X_SPDADD that recreates a dumped policy (the kernel gives it a new id).
pub fn policy_add_form(entry: &Message) -> Message {
    let mut msg = Message::new(SADB_X_SPDADD, SADB_SATYPE_UNSPEC);
    msg.extensions = entry
        .extensions
        .iter()
        .filter_map(|e| match e {
            Extension::Policy(p) => {
                let mut p = p.clone();
                p.id = 0;
                Some(Extension::Policy(p))
            }
            Extension::Lifetime(LifetimeKind::Current, _) => None,
            Extension::Lifetime(..)
            | Extension::Address(AddressKind::Src | AddressKind::Dst, _)
            | Extension::SecCtx(_) => Some(e.clone()),
            _ => None,
        })
        .collect();
    msg
}

/// SADB_DELETE for the SA a dump entry describes (SA, SRC, DST only).
pub fn sa_delete(entry: &Message) -> Message {
    let mut msg = Message::new(SADB_DELETE, entry.header.satype);
    msg.extensions = entry
        .extensions
        .iter()
        .filter(|e| {
            matches!(
                e,
                Extension::Sa(_) | Extension::Address(AddressKind::Src | AddressKind::Dst, _)
            )
        })
        .cloned()
        .collect();
    msg
}

/// SADB_X_SPDDELETE for the policy a dump entry describes.
pub fn policy_delete(entry: &Message) -> Message {
    let mut msg = policy_add_form(entry);
    msg.header.msg_type = SADB_X_SPDDELETE;
    msg.extensions
        .retain(|e| !matches!(e, Extension::Lifetime(..)));
    msg
}

fn sa_identity(entry: &Message) -> (u8, Option<u32>, Option<&SockAddr>, Option<&SockAddr>) {
    (
        entry.header.satype,
        spi(entry),
        address(entry, AddressKind::Src).map(|a| &a.addr),
        address(entry, AddressKind::Dst).map(|a| &a.addr),
    )
}

fn is_larval(entry: &Message) -> bool {
    entry
        .extensions
        .iter()
        .any(|e| matches!(e, Extension::Sa(sa) if sa.state == SADB_SASTATE_LARVAL))
}

/// The deletes (policies, then SAs), then the adds (SAs, then policies) that turn the
/// `after` dumps back into the `before` ones, within `scope`. The adds go in the order that
/// lists them as `before` did (oldest first), for the kernel of `dialect`.
pub fn plan(
    dialect: Dialect,
    scope: &Scope,
    (before_sad, before_spd): (&[Message], &[Message]),
    (after_sad, after_spd): (&[Message], &[Message]),
) -> Plan {
    let mut out = Plan::default();
    let before_sad: Vec<&Message> = before_sad.iter().filter(|e| scope.covers_sa(e)).collect();
    let after_sad: Vec<&Message> = after_sad.iter().filter(|e| scope.covers_sa(e)).collect();
    let before_spd: Vec<&Message> = before_spd
        .iter()
        .filter(|e| scope.covers_policy(e))
        .collect();
    let after_spd: Vec<&Message> = after_spd
        .iter()
        .filter(|e| scope.covers_policy(e))
        .collect();

    let same_sa = |a: &Message, b: &Message| sa_add_form(a) == sa_add_form(b);
    let same_policy = |a: &Message, b: &Message| policy_add_form(a) == policy_add_form(b);
    let mut sa_adds = Vec::new();
    let mut policy_adds = Vec::new();
    for now in &after_spd {
        let was = before_spd.iter().find(|b| policy_key(b) == policy_key(now));
        if !was.is_some_and(|b| same_policy(b, now)) {
            out.requests.push(policy_delete(now));
        }
    }
    for now in &after_sad {
        let was = before_sad
            .iter()
            .find(|b| sa_identity(b) == sa_identity(now));
        if !was.is_some_and(|b| same_sa(b, now)) {
            out.requests.push(sa_delete(now));
        }
    }
    for was in &before_sad {
        let now = after_sad
            .iter()
            .find(|a| sa_identity(a) == sa_identity(was));
        if now.is_some_and(|a| same_sa(was, a)) {
            continue;
        }
        if is_larval(was) {
            out.left_out.push(format!(
                "the larval SA with SPI {:#010x}",
                spi(was).unwrap_or(0)
            ));
        } else {
            sa_adds.push(sa_add_form(was));
        }
    }
    for was in &before_spd {
        let now = after_spd.iter().find(|a| policy_key(a) == policy_key(was));
        if !now.is_some_and(|a| same_policy(was, a)) {
            policy_adds.push(policy_add_form(was));
        }
    }
    let order = crate::decompile::profile(dialect);
    if order.sad_newest_first {
        sa_adds.reverse();
    }
    if order.spd_newest_first {
        policy_adds.reverse();
    }
    out.requests.extend(sa_adds);
    out.requests.extend(policy_adds);
    out
}

#[cfg(test)]
#[path = "rollback_tests.rs"]
mod tests;
