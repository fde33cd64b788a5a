//! `sadb_address`: an 8-byte header (proto, prefixlen) followed by one sockaddr.

use crate::pfkey::bytes::{host16, FieldError, Reader, Writer};
use crate::pfkey::dialect::Dialect;
use crate::pfkey::error::EmitError;
use crate::pfkey::message::Address;
use crate::pfkey::sockaddr::{self, Sizing};

pub(crate) fn emit(addr: &Address, dialect: Dialect, w: &mut Writer) -> Result<(), EmitError> {
    let [r0, r1] = host16(addr.reserved);
    w.array([addr.proto, addr.prefixlen, r0, r1]);
    sockaddr::emit(&addr.addr, dialect, w)
}

pub(crate) fn parse(r: &mut Reader, dialect: Dialect) -> Result<Address, FieldError> {
    r.need(4, "sadb_address")?;
    let proto = r.u8()?;
    let prefixlen = r.u8()?;
    let reserved = r.u16()?;
    let addr = sockaddr::parse(r, dialect, Sizing::RestOfBody)?;
    Ok(Address {
        proto,
        prefixlen,
        reserved,
        addr,
    })
}
