//! The smaller extensions: identity, sensitivity, kmprivate, FreeBSD sa_replay and
//! if_hw_offl, Linux sec_ctx, kmaddress and filter.

use crate::pfkey::bytes::{FieldError, Reader, Writer};
use crate::pfkey::dialect::Dialect;
use crate::pfkey::error::EmitError;
use crate::pfkey::message::{Filter, Identity, IfHwOffload, SecCtx, Sensitivity, SockAddr};
use crate::pfkey::sockaddr::{self, Sizing};

pub(crate) fn emit_identity(id: &Identity, w: &mut Writer) -> Result<(), EmitError> {
    if id.text.last() == Some(&0) {
        // The decoder takes trailing NULs for the padding, so they could not be read back.
        return Err(EmitError::Invalid(
            "identity text ends in a NUL (padding is added on emit)".into(),
        ));
    }
    w.u16(id.ident_type);
    w.u16(id.reserved);
    w.u64(id.id);
    w.bytes(&id.text);
    Ok(())
}

pub(crate) fn parse_identity(r: &mut Reader) -> Result<Identity, FieldError> {
    r.need(12, "sadb_ident")?;
    let ident_type = r.u16()?;
    let reserved = r.u16()?;
    let id = r.u64()?;
    let rest = r.rest();
    let text_len = rest.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    Ok(Identity {
        ident_type,
        reserved,
        id,
        text: rest.get(..text_len).unwrap_or_default().to_vec(),
    })
}

fn bitmap_len(words: &[u64], what: &str) -> Result<u8, EmitError> {
    u8::try_from(words.len()).map_err(|_| EmitError::TooLong {
        what: what.into(),
        len: words.len() * 8,
    })
}

pub(crate) fn emit_sensitivity(sens: &Sensitivity, w: &mut Writer) -> Result<(), EmitError> {
    let sens_len = bitmap_len(&sens.sens_bitmap, "sensitivity bitmap")?;
    let integ_len = bitmap_len(&sens.integ_bitmap, "integrity bitmap")?;
    w.u32(sens.dpd);
    w.u8(sens.sens_level);
    w.u8(sens_len);
    w.u8(sens.integ_level);
    w.u8(integ_len);
    w.u32(sens.reserved);
    for word in sens.sens_bitmap.iter().chain(&sens.integ_bitmap) {
        w.u64(*word);
    }
    Ok(())
}

pub(crate) fn parse_sensitivity(r: &mut Reader) -> Result<Sensitivity, FieldError> {
    r.need(12, "sadb_sens")?;
    let dpd = r.u32()?;
    let sens_level = r.u8()?;
    let sens_len = usize::from(r.u8()?);
    let integ_level = r.u8()?;
    let integ_len = usize::from(r.u8()?);
    let reserved = r.u32()?;
    r.need(
        (sens_len + integ_len) * 8,
        &format!("{sens_len}+{integ_len} bitmap words"),
    )?;
    let mut read_words = |n: usize| (0..n).map(|_| r.u64()).collect::<Result<Vec<_>, _>>();
    let sens_bitmap = read_words(sens_len)?;
    let integ_bitmap = read_words(integ_len)?;
    Ok(Sensitivity {
        dpd,
        sens_level,
        integ_level,
        reserved,
        sens_bitmap,
        integ_bitmap,
    })
}

/// `sadb_x_kmprivate` and `sadb_x_sa_replay` both carry a single u32 after the header.
pub(crate) fn parse_u32(r: &mut Reader, what: &str) -> Result<u32, FieldError> {
    r.need(4, what)?;
    r.u32()
}

pub(crate) fn emit_sec_ctx(ctx: &SecCtx, w: &mut Writer) -> Result<(), EmitError> {
    let len = u16::try_from(ctx.context.len()).map_err(|_| EmitError::TooLong {
        what: "security context".into(),
        len: ctx.context.len(),
    })?;
    w.u8(ctx.alg);
    w.u8(ctx.doi);
    w.u16(len);
    w.bytes(&ctx.context);
    Ok(())
}

pub(crate) fn parse_sec_ctx(r: &mut Reader) -> Result<SecCtx, FieldError> {
    r.need(4, "sadb_x_sec_ctx")?;
    let alg = r.u8()?;
    let doi = r.u8()?;
    let len = usize::from(r.u16()?);
    r.need(len, &format!("security context of ctx_len {len}"))?;
    Ok(SecCtx {
        alg,
        doi,
        context: r.take(len)?.to_vec(),
    })
}

pub(crate) fn emit_kmaddress(
    reserved: u32,
    local: &SockAddr,
    remote: &SockAddr,
    dialect: Dialect,
    w: &mut Writer,
) -> Result<(), EmitError> {
    sockaddr::check_self_sized(local, dialect, "x_kmaddress")?;
    sockaddr::check_self_sized(remote, dialect, "x_kmaddress")?;
    w.u32(reserved);
    sockaddr::emit(local, dialect, w)?;
    sockaddr::emit(remote, dialect, w)
}

pub(crate) fn parse_kmaddress(
    r: &mut Reader,
    dialect: Dialect,
) -> Result<(u32, SockAddr, SockAddr), FieldError> {
    r.need(4, "sadb_x_kmaddress")?;
    let reserved = r.u32()?;
    let local = sockaddr::parse(r, dialect, Sizing::FromFamily)?;
    let remote = sockaddr::parse(r, dialect, Sizing::FromFamily)?;
    Ok((reserved, local, remote))
}

// The address words hold raw address bytes (the kernel copies an xfrm_address_t into
// them), so they are read in network order: `Ipv4Addr::from(saddr[0])` is the address.
pub(crate) fn emit_filter(filter: &Filter, w: &mut Writer) {
    for word in filter.saddr.iter().chain(&filter.daddr) {
        w.be32(*word);
    }
    w.u16(filter.family);
    w.u8(filter.splen);
    w.u8(filter.dplen);
}

pub(crate) fn parse_filter(r: &mut Reader) -> Result<Filter, FieldError> {
    r.need(36, "sadb_x_filter")?;
    let mut filter = Filter::default();
    for word in filter.saddr.iter_mut().chain(filter.daddr.iter_mut()) {
        *word = r.be32()?;
    }
    filter.family = r.u16()?;
    filter.splen = r.u8()?;
    filter.dplen = r.u8()?;
    Ok(filter)
}

/// Size of the NUL-padded interface name in `sadb_x_if_hw_offl`. The FreeBSD 15 header
/// could not be checked; 32 bytes (a 40-byte extension) is the documented belief.
const IF_HW_OFFL_NAME_LEN: usize = 32;

pub(crate) fn emit_if_hw_offload(hw: &IfHwOffload, w: &mut Writer) -> Result<(), EmitError> {
    let name = hw.ifname.as_bytes();
    if name.len() >= IF_HW_OFFL_NAME_LEN {
        return Err(EmitError::TooLong {
            what: "interface name".into(),
            len: name.len(),
        });
    }
    if name.contains(&0) {
        return Err(EmitError::Invalid(
            "interface name contains a NUL byte".into(),
        ));
    }
    w.u32(hw.flags);
    w.bytes(name);
    w.zeros(IF_HW_OFFL_NAME_LEN - name.len());
    Ok(())
}

pub(crate) fn parse_if_hw_offload(r: &mut Reader) -> Result<IfHwOffload, FieldError> {
    r.need(4, "sadb_x_if_hw_offl")?;
    let flags = r.u32()?;
    let rest = r.rest();
    // A name the encoder could write back: text, NUL-terminated within its 32-byte field.
    let field = rest.get(..IF_HW_OFFL_NAME_LEN).unwrap_or(rest);
    let Some(end) = field.iter().position(|&b| b == 0) else {
        return Err(FieldError::new(
            4,
            "sadb_x_if_hw_offl interface name is not NUL-terminated within 32 bytes",
        ));
    };
    let ifname = std::str::from_utf8(&field[..end])
        .map_err(|_| FieldError::new(4, "sadb_x_if_hw_offl interface name is not text"))?;
    Ok(IfHwOffload {
        flags,
        ifname: ifname.to_string(),
    })
}
