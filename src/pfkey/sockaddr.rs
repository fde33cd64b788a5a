//! Socket addresses inside extensions: BSD (`sa_len` + 8-bit family) vs Linux (16-bit family).

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::pfkey::bytes::{host16, host32, put, FieldError, Reader, Writer};
use crate::pfkey::dialect::Dialect;
use crate::pfkey::error::EmitError;
use crate::pfkey::message::SockAddr;

pub(crate) const SOCKADDR_IN_LEN: usize = 16;
pub(crate) const SOCKADDR_IN6_LEN: usize = 28;

/// How a Linux sockaddr of a family the codec does not know is sized (Linux has no `sa_len`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sizing {
    /// It takes the rest of the extension body (an address extension holds one sockaddr).
    RestOfBody,
    /// Its size must be known from the family; an unknown family is an error.
    FromFamily,
}

/// Bytes this sockaddr occupies on the wire of `dialect`.
pub(crate) fn wire_len(addr: &SockAddr) -> usize {
    match addr {
        SockAddr::V4 { .. } => SOCKADDR_IN_LEN,
        SockAddr::V6 { .. } => SOCKADDR_IN6_LEN,
        SockAddr::Other { data, .. } => 2 + data.len(),
    }
}

/// The first two bytes of a sockaddr: BSD `sa_len` and 8-bit family, or Linux's 16-bit family.
fn family_bytes(family: u16, len: usize, dialect: Dialect) -> Result<[u8; 2], EmitError> {
    if dialect.is_bsd() {
        let sa_len = u8::try_from(len).map_err(|_| EmitError::TooLong {
            what: "sockaddr".into(),
            len,
        })?;
        let family = u8::try_from(family).map_err(|_| {
            EmitError::Invalid(format!(
                "address family {family} does not fit the 8-bit BSD sa_family"
            ))
        })?;
        Ok([sa_len, family])
    } else {
        Ok(host16(family))
    }
}

pub(crate) fn emit(addr: &SockAddr, dialect: Dialect, w: &mut Writer) -> Result<(), EmitError> {
    let len = wire_len(addr);
    match addr {
        SockAddr::V4 { addr, port } => {
            let mut out = [0u8; SOCKADDR_IN_LEN];
            put(&mut out, 0, family_bytes(dialect.af_inet(), len, dialect)?);
            put(&mut out, 2, port.to_be_bytes());
            put(&mut out, 4, addr.octets());
            w.array(out);
        }
        SockAddr::V6 {
            addr,
            port,
            flowinfo,
            scope_id,
        } => {
            let mut out = [0u8; SOCKADDR_IN6_LEN];
            put(&mut out, 0, family_bytes(dialect.af_inet6(), len, dialect)?);
            put(&mut out, 2, port.to_be_bytes());
            put(&mut out, 4, flowinfo.to_be_bytes());
            put(&mut out, 8, addr.octets());
            put(&mut out, 24, host32(*scope_id));
            w.array(out);
        }
        SockAddr::Other { family, data } => {
            if *family == dialect.af_inet() || *family == dialect.af_inet6() {
                return Err(EmitError::Invalid(format!(
                    "SockAddr::Other cannot use family {family}, which {dialect} decodes as an IP address"
                )));
            }
            w.array(family_bytes(*family, len, dialect)?);
            w.bytes(data);
        }
    }
    Ok(())
}

fn parse_body(
    r: &mut Reader,
    family: u16,
    dialect: Dialect,
    start: usize,
    total: usize,
) -> Result<SockAddr, FieldError> {
    if family == dialect.af_inet() {
        let port = r.be16()?;
        let octets: [u8; 4] = r.take(4)?.try_into().unwrap_or_default();
        r.skip(total - 8)?;
        return Ok(SockAddr::V4 {
            addr: Ipv4Addr::from(octets),
            port,
        });
    }
    if family == dialect.af_inet6() {
        let port = r.be16()?;
        let flowinfo = r.be32()?;
        let octets: [u8; 16] = r.take(16)?.try_into().unwrap_or_default();
        let scope_id = r.u32()?;
        return Ok(SockAddr::V6 {
            addr: Ipv6Addr::from(octets),
            port,
            flowinfo,
            scope_id,
        });
    }
    let data = r.take(total.saturating_sub(r.pos() - start))?.to_vec();
    Ok(SockAddr::Other { family, data })
}

fn expected_len(family: u16, dialect: Dialect) -> Option<usize> {
    if family == dialect.af_inet() {
        Some(SOCKADDR_IN_LEN)
    } else if family == dialect.af_inet6() {
        Some(SOCKADDR_IN6_LEN)
    } else {
        None
    }
}

pub(crate) fn parse(
    r: &mut Reader,
    dialect: Dialect,
    sizing: Sizing,
) -> Result<SockAddr, FieldError> {
    let start = r.pos();
    r.need(2, "sockaddr")?;
    if dialect.is_bsd() {
        let sa_len = usize::from(r.u8()?);
        let family = u16::from(r.u8()?);
        if sa_len < 2 {
            return Err(FieldError::new(
                start,
                format!("sockaddr sa_len {sa_len} is too small"),
            ));
        }
        if sa_len > r.remaining() + 2 {
            return Err(FieldError::new(
                start,
                format!(
                    "sockaddr sa_len {sa_len} exceeds the {} bytes left",
                    r.remaining() + 2
                ),
            ));
        }
        if let Some(want) = expected_len(family, dialect) {
            if sa_len != want {
                return Err(FieldError::new(
                    start,
                    format!(
                        "sockaddr sa_len {sa_len} does not match family {family} (needs {want})"
                    ),
                ));
            }
        }
        parse_body(r, family, dialect, start, sa_len)
    } else {
        let family = r.u16()?;
        let total = match (expected_len(family, dialect), sizing) {
            (Some(want), _) => want,
            (None, Sizing::RestOfBody) => r.remaining() + 2,
            (None, Sizing::FromFamily) => {
                return Err(FieldError::new(
                    start,
                    format!("sockaddr of unknown family {family} has no known size"),
                ))
            }
        };
        if total > r.remaining() + 2 {
            return Err(FieldError::new(
                start,
                format!(
                    "sockaddr of family {family} needs {total} bytes, only {} left",
                    r.remaining() + 2
                ),
            ));
        }
        parse_body(r, family, dialect, start, total)
    }
}

/// Linux sockaddrs carry no length; where two are packed together the family must size them.
pub(crate) fn check_self_sized(
    addr: &SockAddr,
    dialect: Dialect,
    place: &str,
) -> Result<(), EmitError> {
    match addr {
        SockAddr::Other { family, .. } if !dialect.is_bsd() => Err(EmitError::Invalid(format!(
            "sockaddr of unknown family {family} cannot be sized inside {place} on {dialect}"
        ))),
        _ => Ok(()),
    }
}
