//! `sadb_lifetime`: allocations, bytes, add time and use time (current, hard or soft).

use crate::pfkey::bytes::{FieldError, Reader, Writer};
use crate::pfkey::message::Lifetime;

pub(crate) fn emit(lifetime: &Lifetime, w: &mut Writer) {
    w.u32(lifetime.allocations);
    w.u64(lifetime.bytes);
    w.u64(lifetime.addtime);
    w.u64(lifetime.usetime);
}

pub(crate) fn parse(r: &mut Reader) -> Result<Lifetime, FieldError> {
    r.need(28, "sadb_lifetime")?;
    Ok(Lifetime {
        allocations: r.u32()?,
        bytes: r.u64()?,
        addtime: r.u64()?,
        usetime: r.u64()?,
    })
}
