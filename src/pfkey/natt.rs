//! NAT-T extensions: encapsulation type, source/destination port, and BSD fragment size.

use crate::pfkey::bytes::{FieldError, Reader, Writer};

pub(crate) fn emit_type(nat_type: u8, reserved: [u8; 3], w: &mut Writer) {
    w.u8(nat_type);
    w.bytes(&reserved);
}

pub(crate) fn parse_type(r: &mut Reader) -> Result<(u8, [u8; 3]), FieldError> {
    r.need(4, "sadb_x_nat_t_type")?;
    let nat_type = r.u8()?;
    let mut reserved = [0u8; 3];
    reserved.copy_from_slice(r.take(3)?);
    Ok((nat_type, reserved))
}

/// The port is in network order; the trailing reserved u16 is written as zero.
pub(crate) fn emit_port(port: u16, w: &mut Writer) {
    w.be16(port);
    w.u16(0);
}

pub(crate) fn parse_port(r: &mut Reader) -> Result<u16, FieldError> {
    r.need(4, "sadb_x_nat_t_port")?;
    let port = r.be16()?;
    r.skip(2)?;
    Ok(port)
}

pub(crate) fn emit_frag(fraglen: u16, reserved: u16, w: &mut Writer) {
    w.u16(fraglen);
    w.u16(reserved);
}

pub(crate) fn parse_frag(r: &mut Reader) -> Result<(u16, u16), FieldError> {
    r.need(4, "sadb_x_nat_t_frag")?;
    Ok((r.u16()?, r.u16()?))
}
