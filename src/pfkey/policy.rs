//! `sadb_x_policy` and its `sadb_x_ipsecrequest`s (8-byte BSD header vs 16-byte Linux header).

use crate::pfkey::bytes::{host16, host32, put, FieldError, Reader, Writer};
use crate::pfkey::dialect::Dialect;
use crate::pfkey::error::EmitError;
use crate::pfkey::message::{IpsecRequest, Policy};
use crate::pfkey::sockaddr::{self, Sizing};

pub(crate) fn emit(policy: &Policy, dialect: Dialect, w: &mut Writer) -> Result<(), EmitError> {
    let mut out = [0u8; 12];
    put(&mut out, 0, host16(policy.policy_type));
    put(&mut out, 2, [policy.dir, policy.scope]);
    put(&mut out, 4, host32(policy.id));
    put(&mut out, 8, host32(policy.priority));
    w.array(out);
    for request in &policy.requests {
        emit_request(request, dialect, w)?;
    }
    Ok(())
}

fn emit_request(req: &IpsecRequest, dialect: Dialect, w: &mut Writer) -> Result<(), EmitError> {
    let header_len = dialect.ipsecrequest_header_len();
    let mut len = header_len;
    if let Some((src, dst)) = &req.endpoints {
        sockaddr::check_self_sized(src, dialect, "an ipsecrequest")?;
        sockaddr::check_self_sized(dst, dialect, "an ipsecrequest")?;
        len += sockaddr::wire_len(src) + sockaddr::wire_len(dst);
    }
    let len = u16::try_from(len).map_err(|_| EmitError::TooLong {
        what: "ipsecrequest".into(),
        len,
    })?;
    let mut out = [0u8; 16];
    put(&mut out, 0, host16(len));
    put(&mut out, 2, host16(req.proto));
    put(&mut out, 4, [req.mode, req.level]);
    if dialect.is_bsd() {
        let reqid =
            u16::try_from(req.reqid).map_err(|_| EmitError::ReqidTooLarge { reqid: req.reqid })?;
        put(&mut out, 6, host16(reqid));
        w.bytes(&out[..8]);
    } else {
        put(&mut out, 8, host32(req.reqid));
        w.array(out);
    }
    if let Some((src, dst)) = &req.endpoints {
        sockaddr::emit(src, dialect, w)?;
        sockaddr::emit(dst, dialect, w)?;
    }
    Ok(())
}

pub(crate) fn parse(r: &mut Reader, dialect: Dialect) -> Result<Policy, FieldError> {
    r.need(12, "sadb_x_policy")?;
    let mut policy = Policy {
        policy_type: r.u16()?,
        dir: r.u8()?,
        scope: r.u8()?,
        id: r.u32()?,
        priority: r.u32()?,
        requests: Vec::new(),
    };
    // Fewer than 8 bytes left can only be the extension's zero padding.
    while r.remaining() >= 8 {
        policy.requests.push(parse_request(r, dialect)?);
    }
    Ok(policy)
}

fn parse_request(r: &mut Reader, dialect: Dialect) -> Result<IpsecRequest, FieldError> {
    let start = r.pos();
    let header_len = dialect.ipsecrequest_header_len();
    let available = r.remaining();
    let len = usize::from(r.u16()?);
    if len < header_len {
        return Err(FieldError::new(
            start,
            format!("ipsecrequest len {len} is smaller than its {header_len}-byte header"),
        ));
    }
    if len > available {
        return Err(FieldError::new(
            start,
            format!("ipsecrequest len {len} runs past the end of the extension ({available} bytes left)"),
        ));
    }
    let proto = r.u16()?;
    let mode = r.u8()?;
    let level = r.u8()?;
    let reqid = if dialect.is_bsd() {
        u32::from(r.u16()?)
    } else {
        r.skip(2)?;
        let reqid = r.u32()?;
        r.skip(4)?;
        reqid
    };
    let endpoints = if len > header_len {
        let mut inner = r.sub(len - header_len)?;
        let src = sockaddr::parse(&mut inner, dialect, Sizing::FromFamily)?;
        let dst = sockaddr::parse(&mut inner, dialect, Sizing::FromFamily)?;
        if inner.remaining() != 0 {
            return Err(FieldError::new(
                inner.pos(),
                format!(
                    "ipsecrequest len {len} leaves {} bytes after its two addresses",
                    inner.remaining()
                ),
            ));
        }
        Some((src, dst))
    } else {
        None
    };
    Ok(IpsecRequest {
        proto,
        mode,
        level,
        reqid,
        endpoints,
    })
}
