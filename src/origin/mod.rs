//! Which policy of a configuration file a kernel message (ACQUIRE, SPDEXPIRE) comes from: by
//! the kernel's policy id, learnt from an SPD dump and from SPDADD/SPDUPDATE/SPDDELETE, else
//! by selector.

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use crate::doctor::matching::{inside, same_host};
use crate::pfkey::consts::*;
use crate::pfkey::{Address, AddressKind, Message, Policy};

/// One policy a configuration installs: its selectors, direction and tunnel endpoints, and
/// where the file says so (`FILE:LINE`).
#[derive(Debug, Clone)]
struct Configured {
    location: String,
    src: Address,
    dst: Address,
    policy: Policy,
}

/// How an origin was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// The kernel's policy id, learnt earlier from the policy with the same selectors.
    PolicyId,
    /// The message's selectors or addresses (its policy id was not known).
    Selector,
}

/// The statement a kernel message is traced to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    pub location: &'a str,
    pub by: MatchedBy,
    /// The kernel's policy id the message carries, if any.
    pub policy_id: Option<u32>,
}

/// The policies of a configuration and the kernel ids known for them.
#[derive(Debug, Default, Clone)]
pub struct PolicyOrigins {
    configured: Vec<Configured>,
    by_id: HashMap<u32, usize>,
}

/// A configuration's policies under the name of its file, as `-x --config FILE` follows them.
#[derive(Debug, Clone)]
pub struct ConfigTrace {
    pub name: String,
    pub origins: PolicyOrigins,
}

/// The messages `--config` traces to a policy.
pub fn is_traced(msg_type: u8) -> bool {
    matches!(msg_type, SADB_ACQUIRE | SADB_X_SPDEXPIRE)
}

impl PolicyOrigins {
    /// From the messages a configuration compiles to, each with its `FILE:LINE`; those that
    /// do not install a policy (SAs, deletes, dumps) are left out.
    pub fn new(compiled: impl IntoIterator<Item = (Message, String)>) -> PolicyOrigins {
        let configured = compiled
            .into_iter()
            .filter(|(m, _)| matches!(m.header.msg_type, SADB_X_SPDADD | SADB_X_SPDUPDATE))
            .filter_map(|(m, location)| {
                Some(Configured {
                    location,
                    src: m.address(AddressKind::Src)?.clone(),
                    dst: m.address(AddressKind::Dst)?.clone(),
                    policy: m.policy()?.clone(),
                })
            })
            .collect();
        PolicyOrigins {
            configured,
            by_id: HashMap::new(),
        }
    }

    /// How many policies the configuration installs.
    pub fn len(&self) -> usize {
        self.configured.len()
    }

    pub fn is_empty(&self) -> bool {
        self.configured.is_empty()
    }

    /// Learns from a policy the kernel reports (an SPDDUMP entry, an SPDADD or SPDUPDATE):
    /// its id belongs to the configured policy with the same selectors and direction. An
    /// SPDDELETE forgets the id, an SPDFLUSH every id.
    pub fn learn(&mut self, msg: &Message) {
        if msg.header.errno != 0 {
            return;
        }
        match msg.header.msg_type {
            SADB_X_SPDDUMP | SADB_X_SPDADD | SADB_X_SPDUPDATE => {
                let Some(policy) = msg.policy() else { return };
                match self.same_selectors(msg) {
                    Some(index) => {
                        self.by_id.insert(policy.id, index);
                    }
                    None => {
                        self.by_id.remove(&policy.id);
                    }
                }
            }
            SADB_X_SPDDELETE | SADB_X_SPDDELETE2 => {
                if let Some(policy) = msg.policy() {
                    self.by_id.remove(&policy.id);
                }
            }
            SADB_X_SPDFLUSH => self.by_id.clear(),
            _ => {}
        }
    }

    /// The configured policy an ACQUIRE or SPDEXPIRE comes from (`None` for other messages,
    /// or when no policy of the configuration fits).
    pub fn origin(&self, msg: &Message) -> Option<Origin<'_>> {
        let policy_id = msg.policy().map(|p| p.id);
        let found = |index: usize, by| Origin {
            location: &self.configured[index].location,
            by,
            policy_id,
        };
        if !is_traced(msg.header.msg_type) {
            return None;
        }
        let by_selector = if msg.header.msg_type == SADB_ACQUIRE {
            self.acquired_by(msg)
        } else {
            self.same_selectors(msg)
        };
        if let Some(index) = policy_id.and_then(|id| self.by_id.get(&id)) {
            return Some(found(*index, MatchedBy::PolicyId));
        }
        by_selector.map(|index| found(index, MatchedBy::Selector))
    }

    /// The first configured policy with exactly `msg`'s selectors and direction.
    fn same_selectors(&self, msg: &Message) -> Option<usize> {
        let (src, dst, policy) = (
            msg.address(AddressKind::Src)?,
            msg.address(AddressKind::Dst)?,
            msg.policy()?,
        );
        self.configured.iter().position(|c| {
            c.policy.dir == policy.dir && same_selector(&c.src, src) && same_selector(&c.dst, dst)
        })
    }

    /// The first outbound IPsec policy of the configuration an ACQUIRE for these addresses
    /// can come from: one with a tunnel request between them, or else one whose selectors
    /// hold them.
    fn acquired_by(&self, msg: &Message) -> Option<usize> {
        let src = &msg.address(AddressKind::Src)?.addr;
        let dst = &msg.address(AddressKind::Dst)?.addr;
        let outbound: Vec<usize> = (0..self.configured.len())
            .filter(|i| {
                let p = &self.configured[*i].policy;
                p.dir == IPSEC_DIR_OUTBOUND && p.policy_type == IPSEC_POLICY_IPSEC
            })
            .collect();
        let tunnel_between = |c: &Configured| {
            c.policy.requests.iter().any(|r| {
                r.endpoints
                    .as_ref()
                    .is_some_and(|(s, d)| same_host(s, src) && same_host(d, dst))
            })
        };
        let holds = |c: &Configured| {
            inside(src, &c.src.addr, c.src.prefixlen) && inside(dst, &c.dst.addr, c.dst.prefixlen)
        };
        let first = |fits: &dyn Fn(&Configured) -> bool| {
            outbound
                .iter()
                .copied()
                .find(|i| fits(&self.configured[*i]))
        };
        first(&tunnel_between).or_else(|| first(&holds))
    }
}

/// Two selectors (address, prefix length, port, upper-layer protocol) are the same.
fn same_selector(a: &Address, b: &Address) -> bool {
    a.proto == b.proto
        && a.prefixlen == b.prefixlen
        && same_host(&a.addr, &b.addr)
        && port(a) == port(b)
}

fn port(a: &Address) -> u16 {
    match a.addr {
        crate::pfkey::SockAddr::V4 { port, .. } | crate::pfkey::SockAddr::V6 { port, .. } => port,
        crate::pfkey::SockAddr::Other { .. } => 0,
    }
}
