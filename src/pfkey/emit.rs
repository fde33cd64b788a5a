//! `Message` -> bytes for one dialect: header, then each extension framed and padded to 8.

use crate::pfkey::bytes::Writer;
use crate::pfkey::dialect::{Dialect, ExtSlot};
use crate::pfkey::error::EmitError;
use crate::pfkey::message::{Extension, Message};
use crate::pfkey::{address, header, key, lifetime, misc, natt, policy, proposal, sa};

/// Most messages fit in this many bytes: the buffer is allocated once and trimmed to size
/// (growing it step by step would also leave copies of key material in freed memory).
const USUAL_MAX_LEN: usize = 512;

/// Encodes `msg` for `dialect`; lengths are computed here, never taken from the caller.
pub fn emit(msg: &Message, dialect: Dialect) -> Result<Vec<u8>, EmitError> {
    let mut buf = Vec::with_capacity(USUAL_MAX_LEN);
    emit_into(msg, dialect, &mut buf)?;
    buf.shrink_to_fit();
    Ok(buf)
}

/// As `emit`, into `buf` (cleared first): a buffer reused from one message to the next is
/// allocated once. On an error `buf` holds part of the message.
pub fn emit_into(msg: &Message, dialect: Dialect, buf: &mut Vec<u8>) -> Result<(), EmitError> {
    buf.clear();
    let mut w = Writer {
        buf: std::mem::take(buf),
    };
    let written = write_message(msg, dialect, &mut w);
    *buf = w.buf;
    written
}

fn write_message(msg: &Message, dialect: Dialect, w: &mut Writer) -> Result<(), EmitError> {
    header::emit(&msg.header, w);
    for ext in &msg.extensions {
        emit_extension(ext, dialect, w).map_err(|error| EmitError::InExtension {
            slot: ext.slot(),
            error: Box::new(error),
        })?;
    }
    let units = u16::try_from(w.len() / 8).map_err(|_| EmitError::TooLong {
        what: "message".into(),
        len: w.len(),
    })?;
    w.patch_u16(header::LEN_OFFSET, units);
    Ok(())
}

fn emit_extension(ext: &Extension, dialect: Dialect, w: &mut Writer) -> Result<(), EmitError> {
    let number =
        crate::pfkey::ext_type_number(ext, dialect).ok_or_else(|| EmitError::NotInDialect {
            label: ext.label(),
            dialect,
        })?;
    if let Extension::Unknown { ext_type, .. } = ext {
        if let Some(slot) = dialect.ext_by_number(*ext_type).and_then(|e| e.slot) {
            // The decoder reads this number as the typed extension, so it must be given so.
            return Err(EmitError::Invalid(format!(
                "extension type {ext_type} is the {} extension on {dialect}, not an unknown one",
                slot.label()
            )));
        }
    }
    let start = w.len();
    let [n0, n1] = crate::pfkey::bytes::host16(number);
    w.array([0, 0, n0, n1]);
    emit_body(ext, dialect, w)?;
    w.pad8();
    let size = w.len() - start;
    let units = u16::try_from(size / 8).map_err(|_| EmitError::TooLong {
        what: format!("{} extension", ext.label()),
        len: size,
    })?;
    w.patch_u16(start, units);
    Ok(())
}

fn emit_body(ext: &Extension, dialect: Dialect, w: &mut Writer) -> Result<(), EmitError> {
    match ext {
        Extension::Sa(v) => sa::emit_sa(v, w),
        Extension::Lifetime(_, v) => lifetime::emit(v, w),
        Extension::Address(_, v) => address::emit(v, dialect, w)?,
        Extension::Key(_, v) => key::emit(v, w)?,
        Extension::Identity(_, v) => misc::emit_identity(v, w)?,
        Extension::Sensitivity(v) => misc::emit_sensitivity(v, w)?,
        Extension::Proposal(v) => proposal::emit_proposal(v, w),
        Extension::Supported(_, v) => proposal::emit_supported(v, w),
        Extension::SpiRange(v) => proposal::emit_spirange(v, w),
        Extension::KmPrivate { reserved } => w.u32(*reserved),
        Extension::Policy(v) => policy::emit(v, dialect, w)?,
        Extension::Sa2(v) => sa::emit_sa2(v, w),
        Extension::NatTType { nat_type, reserved } => natt::emit_type(*nat_type, *reserved, w),
        Extension::NatTPort(_, port) => natt::emit_port(*port, w),
        Extension::NatTFrag { fraglen, reserved } => natt::emit_frag(*fraglen, *reserved, w),
        Extension::SaReplay { replay } => w.u32(*replay),
        Extension::SecCtx(v) => misc::emit_sec_ctx(v, w)?,
        Extension::KmAddress {
            reserved,
            local,
            remote,
        } => misc::emit_kmaddress(*reserved, local, remote, dialect, w)?,
        Extension::Filter(v) => misc::emit_filter(v, w),
        Extension::IfHwOffload(v) => misc::emit_if_hw_offload(v, w)?,
        Extension::Unknown { body, .. } => w.bytes(body),
    }
    Ok(())
}

impl Extension {
    /// Lower-case name for messages: the slot's label, or "unknown".
    pub fn label(&self) -> &'static str {
        self.slot().map_or("unknown", ExtSlot::label)
    }

    /// The typed slot of this extension; `None` only for `Extension::Unknown`.
    #[inline]
    pub fn slot(&self) -> Option<ExtSlot> {
        Some(match self {
            Extension::Sa(_) => ExtSlot::Sa,
            Extension::Lifetime(kind, _) => ExtSlot::Lifetime(*kind),
            Extension::Address(kind, _) => ExtSlot::Address(*kind),
            Extension::Key(kind, _) => ExtSlot::Key(*kind),
            Extension::Identity(kind, _) => ExtSlot::Identity(*kind),
            Extension::Sensitivity(_) => ExtSlot::Sensitivity,
            Extension::Proposal(_) => ExtSlot::Proposal,
            Extension::Supported(kind, _) => ExtSlot::Supported(*kind),
            Extension::SpiRange(_) => ExtSlot::SpiRange,
            Extension::KmPrivate { .. } => ExtSlot::KmPrivate,
            Extension::Policy(_) => ExtSlot::Policy,
            Extension::Sa2(_) => ExtSlot::Sa2,
            Extension::NatTType { .. } => ExtSlot::NatTType,
            Extension::NatTPort(kind, _) => ExtSlot::NatTPort(*kind),
            Extension::NatTFrag { .. } => ExtSlot::NatTFrag,
            Extension::SaReplay { .. } => ExtSlot::SaReplay,
            Extension::SecCtx(_) => ExtSlot::SecCtx,
            Extension::KmAddress { .. } => ExtSlot::KmAddress,
            Extension::Filter(_) => ExtSlot::Filter,
            Extension::IfHwOffload(_) => ExtSlot::IfHwOffload,
            Extension::Unknown { .. } => return None,
        })
    }
}
