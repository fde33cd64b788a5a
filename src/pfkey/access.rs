//! Convenience lookups of the first extension of a given kind in a `Message`, and of an
//! address's host.

use crate::pfkey::message::{
    Address, AddressKind, Extension, Key, KeyKind, Lifetime, LifetimeKind, Message, Policy, Sa,
    Sa2, SockAddr,
};

impl SockAddr {
    /// The host alone: no port, no IPv6 flow label (the zone stays).
    pub fn without_port(&self) -> SockAddr {
        match self {
            SockAddr::V4 { addr, .. } => SockAddr::V4 {
                addr: *addr,
                port: 0,
            },
            SockAddr::V6 { addr, scope_id, .. } => SockAddr::V6 {
                addr: *addr,
                port: 0,
                flowinfo: 0,
                scope_id: *scope_id,
            },
            other => other.clone(),
        }
    }
}

impl Message {
    pub fn sa(&self) -> Option<&Sa> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Sa(sa) => Some(sa),
            _ => None,
        })
    }

    pub fn sa2(&self) -> Option<&Sa2> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Sa2(sa2) => Some(sa2),
            _ => None,
        })
    }

    pub fn address(&self, kind: AddressKind) -> Option<&Address> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Address(k, a) if *k == kind => Some(a),
            _ => None,
        })
    }

    pub fn key(&self, kind: KeyKind) -> Option<&Key> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Key(k, key) if *k == kind => Some(key),
            _ => None,
        })
    }

    pub fn lifetime(&self, kind: LifetimeKind) -> Option<&Lifetime> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Lifetime(k, l) if *k == kind => Some(l),
            _ => None,
        })
    }

    pub fn policy(&self) -> Option<&Policy> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Policy(p) => Some(p),
            _ => None,
        })
    }
}
