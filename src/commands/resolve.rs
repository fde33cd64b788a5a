//! The system's resolver for host and service names in scripts, as the C setkey uses it:
//! getaddrinfo(3) and getservbyname(3).

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

/// The addresses of host `name`, each with its IPv6 scope id, without repeats.
pub fn host(name: &str) -> Result<Vec<(IpAddr, u32)>, String> {
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

/// The port of UDP service `name` (setkey asks getaddrinfo for SOCK_DGRAM).
pub fn service(name: &str) -> Option<u16> {
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
