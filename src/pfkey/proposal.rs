//! `sadb_prop` + `sadb_comb`s, `sadb_supported` + `sadb_alg`s, and `sadb_spirange`.

use crate::pfkey::bytes::{FieldError, Reader, Writer};
use crate::pfkey::message::{Algorithm, Combination, Proposal, SpiRange};

const COMB_LEN: usize = 72;
const ALG_LEN: usize = 8;

pub(crate) fn emit_proposal(prop: &Proposal, w: &mut Writer) {
    w.u8(prop.replay);
    w.zeros(3);
    for c in &prop.combinations {
        w.u8(c.auth);
        w.u8(c.encrypt);
        w.u16(c.flags);
        w.u16(c.auth_minbits);
        w.u16(c.auth_maxbits);
        w.u16(c.encrypt_minbits);
        w.u16(c.encrypt_maxbits);
        w.u32(c.reserved);
        w.u32(c.soft_allocations);
        w.u32(c.hard_allocations);
        w.u64(c.soft_bytes);
        w.u64(c.hard_bytes);
        w.u64(c.soft_addtime);
        w.u64(c.hard_addtime);
        w.u64(c.soft_usetime);
        w.u64(c.hard_usetime);
    }
}

/// Checks that what follows the fixed header is a whole number of `item`-byte entries.
fn whole_items(r: &Reader, item: usize, what: &str) -> Result<usize, FieldError> {
    let rest = r.remaining();
    if rest % item != 0 {
        return Err(FieldError::new(
            r.pos(),
            format!("{rest} bytes after the header are not a whole number of {item}-byte {what}s"),
        ));
    }
    Ok(rest / item)
}

pub(crate) fn parse_proposal(r: &mut Reader) -> Result<Proposal, FieldError> {
    r.need(4, "sadb_prop")?;
    let replay = r.u8()?;
    r.skip(3)?;
    let count = whole_items(r, COMB_LEN, "sadb_comb")?;
    let mut combinations = Vec::with_capacity(count);
    for _ in 0..count {
        combinations.push(Combination {
            auth: r.u8()?,
            encrypt: r.u8()?,
            flags: r.u16()?,
            auth_minbits: r.u16()?,
            auth_maxbits: r.u16()?,
            encrypt_minbits: r.u16()?,
            encrypt_maxbits: r.u16()?,
            reserved: r.u32()?,
            soft_allocations: r.u32()?,
            hard_allocations: r.u32()?,
            soft_bytes: r.u64()?,
            hard_bytes: r.u64()?,
            soft_addtime: r.u64()?,
            hard_addtime: r.u64()?,
            soft_usetime: r.u64()?,
            hard_usetime: r.u64()?,
        });
    }
    Ok(Proposal {
        replay,
        combinations,
    })
}

pub(crate) fn emit_supported(algs: &[Algorithm], w: &mut Writer) {
    w.u32(0);
    for a in algs {
        w.u8(a.id);
        w.u8(a.ivlen);
        w.u16(a.minbits);
        w.u16(a.maxbits);
        w.u16(a.reserved);
    }
}

pub(crate) fn parse_supported(r: &mut Reader) -> Result<Vec<Algorithm>, FieldError> {
    r.need(4, "sadb_supported")?;
    r.skip(4)?;
    let count = whole_items(r, ALG_LEN, "sadb_alg")?;
    let mut algs = Vec::with_capacity(count);
    for _ in 0..count {
        algs.push(Algorithm {
            id: r.u8()?,
            ivlen: r.u8()?,
            minbits: r.u16()?,
            maxbits: r.u16()?,
            reserved: r.u16()?,
        });
    }
    Ok(algs)
}

pub(crate) fn emit_spirange(range: &SpiRange, w: &mut Writer) {
    w.u32(range.min);
    w.u32(range.max);
    w.u32(range.reserved);
}

pub(crate) fn parse_spirange(r: &mut Reader) -> Result<SpiRange, FieldError> {
    r.need(12, "sadb_spirange")?;
    Ok(SpiRange {
        min: r.u32()?,
        max: r.u32()?,
        reserved: r.u32()?,
    })
}
