//! `sadb_msg`: the 16-byte base header of every PF_KEY message.

use crate::pfkey::bytes::{host16, host32, put, FieldError, Reader, Writer};
use crate::pfkey::message::Header;

pub(crate) const HEADER_LEN: usize = 16;
/// Byte offset of `sadb_msg_len`, patched once the message is complete.
pub(crate) const LEN_OFFSET: usize = 4;

/// Writes the header with a zero length; the caller patches `LEN_OFFSET` at the end.
pub(crate) fn emit(header: &Header, w: &mut Writer) {
    let mut out = [0u8; HEADER_LEN];
    put(
        &mut out,
        0,
        [header.version, header.msg_type, header.errno, header.satype],
    );
    put(&mut out, 6, host16(header.reserved));
    put(&mut out, 8, host32(header.seq));
    put(&mut out, 12, host32(header.pid));
    w.array(out);
}

/// Decodes the header and returns it with its `len` field (in 64-bit words).
pub(crate) fn parse(bytes: &[u8]) -> Result<(Header, u16), FieldError> {
    let mut r = Reader::new(bytes, 0);
    r.need(HEADER_LEN, "sadb_msg header")?;
    let version = r.u8()?;
    let msg_type = r.u8()?;
    let errno = r.u8()?;
    let satype = r.u8()?;
    let len = r.u16()?;
    let header = Header {
        version,
        msg_type,
        errno,
        satype,
        reserved: r.u16()?,
        seq: r.u32()?,
        pid: r.u32()?,
    };
    Ok((header, len))
}

/// The header of a message, without looking at its extensions (None if under 16 bytes).
pub fn peek(bytes: &[u8]) -> Option<Header> {
    parse(bytes).ok().map(|(header, _)| header)
}

/// The message length in bytes that the header announces (None if under 16 bytes).
pub fn peek_len(bytes: &[u8]) -> Option<usize> {
    parse(bytes).ok().map(|(_, len)| usize::from(len) * 8)
}

/// The length of the message at the start of `bytes`: what its header announces, except for
/// an X_PROMISC wrapper, whose header and the message inside it are the whole (NetBSD's and
/// FreeBSD's keysock.c announce 16 bytes more, counting the wrapper's header twice).
fn framed_len(bytes: &[u8]) -> Option<usize> {
    let (header, len) = parse(bytes).ok()?;
    if header.msg_type == crate::pfkey::consts::SADB_X_PROMISC {
        if let Some(inner) = bytes.get(HEADER_LEN..).and_then(peek_len) {
            if inner >= HEADER_LEN {
                return Some(HEADER_LEN + inner);
            }
        }
    }
    Some(usize::from(len) * 8)
}

/// Splits concatenated messages by the lengths their headers announce (an X_PROMISC wrapper
/// by the message inside it). The last item holds whatever is left when a header is short,
/// announces no length or more bytes than remain.
pub fn split(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let len = framed_len(rest)
            .filter(|l| *l >= HEADER_LEN && *l <= rest.len())
            .unwrap_or(rest.len());
        let (one, tail) = rest.split_at(len);
        rest = tail;
        Some(one)
    })
}
