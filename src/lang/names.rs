//! Host and service names in addresses and ports: looked up through resolvers the program
//! installs (the C setkey's getaddrinfo(3)); without them a name is an error.

use std::net::IpAddr;
use std::sync::OnceLock;

/// The addresses of a host name, in the resolver's order, each with its IPv6 scope id (0 when
/// none); an error text when the name does not resolve.
pub type HostResolver = fn(&str) -> Result<Vec<(IpAddr, u32)>, String>;
/// The port number of a service name (as a UDP service, the type setkey asks getaddrinfo for).
pub type ServiceResolver = fn(&str) -> Option<u16>;

static RESOLVERS: OnceLock<(HostResolver, ServiceResolver)> = OnceLock::new();

/// Installs the resolvers for the rest of the process; the first call wins.
pub fn set_resolvers(host: HostResolver, service: ServiceResolver) {
    let _ = RESOLVERS.set((host, service));
}

pub(crate) fn host(name: &str) -> Option<Result<Vec<(IpAddr, u32)>, String>> {
    RESOLVERS.get().map(|(host, _)| host(name))
}

pub(crate) fn service(name: &str) -> Option<Option<u16>> {
    RESOLVERS.get().map(|(_, service)| service(name))
}

/// getaddrinfo(3) of this system for a host name.
pub fn system_host(name: &str) -> Result<Vec<(IpAddr, u32)>, String> {
    use std::net::{SocketAddr, ToSocketAddrs};
    let found = (name, 0)
        .to_socket_addrs()
        .map_err(|e| format!("'{name}' does not resolve: {e}"))?;
    let mut out: Vec<(IpAddr, u32)> = Vec::new();
    for a in found {
        let entry = match a {
            SocketAddr::V4(v4) => (IpAddr::V4(*v4.ip()), 0),
            SocketAddr::V6(v6) => (IpAddr::V6(*v6.ip()), v6.scope_id()),
        };
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// getservbyname(3) of this system for a UDP service.
pub fn system_service(name: &str) -> Option<u16> {
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: both strings are NUL-terminated; the entry is read before any other call.
    unsafe {
        let entry = libc::getservbyname(name.as_ptr(), c"udp".as_ptr());
        if entry.is_null() {
            return None;
        }
        Some(u16::from_be((*entry).s_port as u16))
    }
}
