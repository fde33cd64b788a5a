//! `sadb_sa` (SPI, algorithms, state) and `sadb_x_sa2` (mode, reqid).

use crate::pfkey::bytes::{host16, host32, put, FieldError, Reader, Writer};
use crate::pfkey::message::{Sa, Sa2};

pub(crate) fn emit_sa(sa: &Sa, w: &mut Writer) {
    let mut out = [0u8; 12];
    put(&mut out, 0, sa.spi.to_be_bytes());
    put(&mut out, 4, [sa.replay, sa.state, sa.auth, sa.encrypt]);
    put(&mut out, 8, host32(sa.flags));
    w.array(out);
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
    let mut out = [sa2.mode, sa2.reserved1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    put(&mut out, 2, host16(sa2.reserved2));
    put(&mut out, 4, host32(sa2.sequence));
    put(&mut out, 8, host32(sa2.reqid));
    w.array(out);
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
