//! Host and service names in addresses and ports: looked up through resolvers the program
//! installs (the binary's are the system's getaddrinfo(3)); without them a name is an error.

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
