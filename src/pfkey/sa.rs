//! `sadb_sa` (SPI, algorithms, state) and `sadb_x_sa2` (mode, reqid).

use crate::pfkey::bytes::{FieldError, Reader, Writer};
use crate::pfkey::message::{Sa, Sa2};

pub(crate) fn emit_sa(sa: &Sa, w: &mut Writer) {
    w.be32(sa.spi);
    w.u8(sa.replay);
    w.u8(sa.state);
    w.u8(sa.auth);
    w.u8(sa.encrypt);
    w.u32(sa.flags);
}

pub(crate) fn parse_sa(r: &mut Reader) -> Result<Sa, FieldError> {
    r.need(12, "sadb_sa")?;
    Ok(Sa {
        spi: r.be32()?,
        replay: r.u8()?,
        state: r.u8()?,
        auth: r.u8()?,
        encrypt: r.u8()?,
        flags: r.u32()?,
    })
}

pub(crate) fn emit_sa2(sa2: &Sa2, w: &mut Writer) {
    w.u8(sa2.mode);
    w.u8(sa2.reserved1);
    w.u16(sa2.reserved2);
    w.u32(sa2.sequence);
    w.u32(sa2.reqid);
}

pub(crate) fn parse_sa2(r: &mut Reader) -> Result<Sa2, FieldError> {
    r.need(12, "sadb_x_sa2")?;
    Ok(Sa2 {
        mode: r.u8()?,
        reserved1: r.u8()?,
        reserved2: r.u16()?,
        sequence: r.u32()?,
        reqid: r.u32()?,
    })
}
