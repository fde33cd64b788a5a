//! bytes -> `Message` for one dialect; every length is checked, nothing here can panic.

use crate::pfkey::bytes::{n_bytes, FieldError, Reader};
use crate::pfkey::dialect::{Dialect, ExtSlot};
use crate::pfkey::error::{ParseContext, ParseError};
use crate::pfkey::header::{self, HEADER_LEN};
use crate::pfkey::message::{Extension, Message};
use crate::pfkey::{address, ext_type_name, key, lifetime, misc, natt, policy, proposal, sa};

/// Decodes one complete PF_KEY message (`sadb_msg_len * 8` must equal `bytes.len()`).
pub fn parse(bytes: &[u8], dialect: Dialect) -> Result<Message, ParseError> {
    let header_error = |e: FieldError| ParseError {
        context: ParseContext::Header,
        offset: e.at,
        reason: e.reason,
    };
    let (header, len) = header::parse(bytes).map_err(header_error)?;
    let declared = usize::from(len) * 8;
    if declared != bytes.len() {
        return Err(header_error(FieldError::new(
            header::LEN_OFFSET,
            format!(
                "sadb_msg_len {len} ({}) does not match the {} of the message",
                n_bytes(declared),
                n_bytes(bytes.len())
            ),
        )));
    }
    // Every extension takes 8 bytes at least; a usual message has fewer than 16.
    let most = bytes.len().saturating_sub(HEADER_LEN) / 8;
    let mut extensions = Vec::with_capacity(most.min(16));
    let mut pos = HEADER_LEN;
    while pos < bytes.len() {
        let rest = bytes.get(pos..).unwrap_or_default();
        let mut r = Reader::new(rest, 0);
        let (ext_len, ext_type) = match (r.u16(), r.u16()) {
            (Ok(l), Ok(t)) => (usize::from(l), t),
            _ => {
                return Err(header_error(FieldError::new(
                    pos,
                    format!("{} left over after the last extension", n_bytes(rest.len())),
                )))
            }
        };
        let context = ParseContext::Extension {
            number: ext_type,
            name: ext_type_name(ext_type, dialect),
            start: pos,
        };
        let fail = |e: FieldError| ParseError {
            context: context.clone(),
            offset: pos + e.at,
            reason: e.reason,
        };
        let size = ext_len * 8;
        if ext_len == 0 {
            return Err(fail(FieldError::new(0, "extension length is 0")));
        }
        if size > rest.len() {
            return Err(fail(FieldError::new(
                0,
                format!(
                    "extension length {ext_len} ({}) runs past the end of the message ({} left)",
                    n_bytes(size),
                    n_bytes(rest.len())
                ),
            )));
        }
        let ext_bytes = rest.get(..size).unwrap_or_default();
        extensions.push(decode(ext_bytes, ext_type, dialect).map_err(fail)?);
        pos += size;
    }
    Ok(Message { header, extensions })
}

/// Decodes one whole extension (`ext` starts at its `sadb_ext` header).
fn decode(ext: &[u8], ext_type: u16, dialect: Dialect) -> Result<Extension, FieldError> {
    let slot = dialect.ext_by_number(ext_type).and_then(|e| e.slot);
    let Some(slot) = slot else {
        return Ok(Extension::Unknown {
            ext_type,
            body: ext.get(4..).unwrap_or_default().to_vec(),
        });
    };
    let r = &mut Reader::new(ext, 4);
    Ok(match slot {
        ExtSlot::Sa => Extension::Sa(sa::parse_sa(r)?),
        ExtSlot::Lifetime(kind) => Extension::Lifetime(kind, lifetime::parse(r)?),
        ExtSlot::Address(kind) => Extension::Address(kind, address::parse(r, dialect)?),
        ExtSlot::Key(kind) => Extension::Key(kind, key::parse(r)?),
        ExtSlot::Identity(kind) => Extension::Identity(kind, misc::parse_identity(r)?),
        ExtSlot::Sensitivity => Extension::Sensitivity(misc::parse_sensitivity(r)?),
        ExtSlot::Proposal => Extension::Proposal(proposal::parse_proposal(r)?),
        ExtSlot::Supported(kind) => Extension::Supported(kind, proposal::parse_supported(r)?),
        ExtSlot::SpiRange => Extension::SpiRange(proposal::parse_spirange(r)?),
        ExtSlot::KmPrivate => Extension::KmPrivate {
            reserved: misc::parse_u32(r, "sadb_x_kmprivate")?,
        },
        ExtSlot::Policy => Extension::Policy(policy::parse(r, dialect)?),
        ExtSlot::Sa2 => Extension::Sa2(sa::parse_sa2(r)?),
        ExtSlot::NatTType => {
            let (nat_type, reserved) = natt::parse_type(r)?;
            Extension::NatTType { nat_type, reserved }
        }
        ExtSlot::NatTPort(kind) => Extension::NatTPort(kind, natt::parse_port(r)?),
        ExtSlot::NatTFrag => {
            let (fraglen, reserved) = natt::parse_frag(r)?;
            Extension::NatTFrag { fraglen, reserved }
        }
        ExtSlot::SaReplay => Extension::SaReplay {
            replay: misc::parse_u32(r, "sadb_x_sa_replay")?,
        },
        ExtSlot::SecCtx => Extension::SecCtx(misc::parse_sec_ctx(r)?),
        ExtSlot::KmAddress => {
            let (reserved, local, remote) = misc::parse_kmaddress(r, dialect)?;
            Extension::KmAddress {
                reserved,
                local,
                remote,
            }
        }
        ExtSlot::Filter => Extension::Filter(misc::parse_filter(r)?),
        ExtSlot::IfHwOffload => Extension::IfHwOffload(misc::parse_if_hw_offload(r)?),
    })
}
