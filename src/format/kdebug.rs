//! The `-v` and `-x` text: a message as the target's C setkey prints it with libipsec's
//! `kdebug_sadb`, walked from its bytes (the layouts per OS are in `kdebug_profile.rs`).

use std::fmt::Write;

use super::kdebug_ext;
use super::kdebug_profile::{self, KdebugProfile, Wording};
use crate::pfkey::{self, Dialect, Message};

/// Renders `msg` as its bytes for `dialect` print.
pub fn render(msg: &Message, dialect: Dialect) -> String {
    match pfkey::emit(msg, dialect) {
        Ok(bytes) => render_bytes(&bytes, dialect),
        Err(e) => format!("(cannot encode the message: {e})\n"),
    }
}

/// Little-endian ("host order") reads from a message; a field past the end of the message
/// reads as 0, where the C code would read whatever memory follows.
#[derive(Clone, Copy)]
pub(super) struct Mem<'a>(pub &'a [u8]);

impl Mem<'_> {
    fn array<const N: usize>(&self, at: usize) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, b) in out.iter_mut().enumerate() {
            *b = at
                .checked_add(i)
                .and_then(|p| self.0.get(p))
                .copied()
                .unwrap_or(0);
        }
        out
    }
    pub fn u8(&self, at: usize) -> u8 {
        self.array::<1>(at)[0]
    }
    pub fn u16(&self, at: usize) -> u16 {
        u16::from_le_bytes(self.array(at))
    }
    pub fn u32(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.array(at))
    }
    pub fn u64(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.array(at))
    }
    pub fn be16(&self, at: usize) -> u16 {
        u16::from_be_bytes(self.array(at))
    }
    pub fn be32(&self, at: usize) -> u32 {
        u32::from_be_bytes(self.array(at))
    }
    /// Up to `len` bytes from `at`, stopping at `end` and at the end of the message.
    pub fn bytes(&self, at: usize, len: usize, end: usize) -> &[u8] {
        let end = end.min(self.0.len());
        let stop = at.saturating_add(len).min(end);
        self.0.get(at..stop).unwrap_or(&[])
    }
}

/// What an extension printer tells the walk.
pub(super) enum Flow {
    Next,
    /// The C code panics (prints and exits): nothing more of the message is printed.
    Stop,
}

fn type_name(names: &'static [&'static str], n: usize) -> &'static str {
    names.get(n).copied().unwrap_or("UNKNOWN")
}

/// Renders the message at the start of `bytes` (its own length field bounds it) as the C
/// `kdebug_sadb` of `dialect`'s setkey prints it.
pub fn render_bytes(bytes: &[u8], dialect: Dialect) -> String {
    let p = kdebug_profile::of(dialect);
    let mut out = String::new();
    let m = Mem(bytes);
    let msg_len = m.u16(4);
    let msg_type = m.u8(1);
    let type_text = match p.type_names {
        Some((names, _)) => format!("{msg_type}({})", type_name(names, msg_type.into())),
        None => msg_type.to_string(),
    };
    let _ = writeln!(
        out,
        "sadb_msg{{ version={} type={type_text} errno={} satype={}",
        m.u8(0),
        m.u8(2),
        m.u8(3)
    );
    let _ = writeln!(
        out,
        "  len={msg_len} reserved={} seq={} pid={}",
        m.u16(6),
        m.u32(8),
        m.u32(12)
    );
    // The header as received; the extensions as far as its length says.
    let extensions = &bytes[..bytes.len().min(usize::from(msg_len) * 8)];
    walk_extensions(&mut out, Mem(extensions), p);
    out
}

fn walk_extensions(out: &mut String, m: Mem<'_>, p: &KdebugProfile) {
    let mut tlen = i64::from(m.u16(4)) * 8 - 16;
    let mut at = 16usize;
    while tlen > 0 {
        let ext_len = m.u16(at);
        let ext_type = m.u16(at + 2);
        let shown_len = if p.ext_len_bytes {
            u32::from(ext_len) * 8
        } else {
            u32::from(ext_len)
        };
        let type_text = match p.type_names {
            Some((_, names)) => format!("{ext_type}({})", type_name(names, ext_type.into())),
            None => ext_type.to_string(),
        };
        let _ = writeln!(out, "sadb_ext{{ len={shown_len} type={type_text} }}");
        if ext_len == 0 {
            out.push_str("kdebug_sadb: invalid ext_len=0 was passed.\n");
            return;
        }
        let ext_bytes = usize::from(ext_len) * 8;
        // The C check compares the 8-byte units with the bytes left; the second check
        // stops where the C code would go on reading past the end of the message.
        let left = usize::try_from(tlen)
            .unwrap_or(0)
            .min(m.0.len().saturating_sub(at));
        if i64::from(ext_len) > tlen || ext_bytes > left {
            let (shown, bound) = if i64::from(ext_len) > tlen {
                (usize::from(ext_len), tlen)
            } else {
                (ext_bytes, left as i64)
            };
            match p.wording {
                Wording::IpsecTools => {
                    out.push_str("kdebug_sadb: ext_len exceeds end of buffer.\n")
                }
                Wording::FreeBsd => {
                    let _ = writeln!(out, "kdebug_sadb: ext_len too big ({shown} > {bound}).");
                }
            }
            return;
        }
        let Some(decoder) = p.decoder(ext_type) else {
            match p.wording {
                Wording::IpsecTools => {
                    let _ = writeln!(out, "kdebug_sadb: invalid ext_type {ext_type} was passed.");
                }
                Wording::FreeBsd => {
                    let _ = writeln!(out, "kdebug_sadb: invalid ext_type {ext_type}");
                }
            }
            return;
        };
        if let Flow::Stop = kdebug_ext::render(out, m, at, ext_bytes, decoder, p) {
            return;
        }
        tlen -= ext_bytes as i64;
        at += ext_bytes;
    }
}
