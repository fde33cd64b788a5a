//! Errors of the codec: what could not be decoded (where), or what cannot be encoded.

use std::fmt;

use crate::pfkey::dialect::{Dialect, ExtSlot};

/// Where in the message a decoding problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseContext {
    /// The 16-byte `sadb_msg` base header.
    Header,
    /// One extension: its wire number, its name in the dialect, and its first byte.
    Extension {
        number: u16,
        name: &'static str,
        start: usize,
    },
}

/// A message that cannot be decoded. `offset` is the absolute byte offset of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub context: ParseContext,
    pub offset: usize,
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.context {
            ParseContext::Header => write!(f, "message header: ")?,
            ParseContext::Extension {
                number,
                name,
                start,
            } => write!(f, "extension {name} ({number}) at byte {start}: ")?,
        }
        write!(f, "{} (byte {})", self.reason, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// A `Message` that cannot be represented on the wire of the chosen dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmitError {
    /// The extension has no number in this dialect (`label` as in `ExtSlot::label`).
    NotInDialect {
        label: &'static str,
        dialect: Dialect,
    },
    /// A BSD `sadb_x_ipsecrequest` only has 16 bits for the reqid.
    ReqidTooLarge { reqid: u32 },
    /// Something is longer than its length field can express.
    TooLong { what: String, len: usize },
    /// Any other value the wire format cannot carry.
    Invalid(String),
    /// One of the above, met while writing this extension (`None`: an unknown one).
    InExtension {
        slot: Option<ExtSlot>,
        error: Box<EmitError>,
    },
}

impl EmitError {
    /// The extension that could not be written, when the fault is in one.
    pub fn extension(&self) -> Option<ExtSlot> {
        match self {
            EmitError::InExtension { slot, .. } => *slot,
            _ => None,
        }
    }
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmitError::NotInDialect { label, dialect } => {
                write!(f, "{label} does not exist on {dialect}")
            }
            EmitError::ReqidTooLarge { reqid } => write!(
                f,
                "reqid {reqid} does not fit the 16-bit BSD ipsecrequest field"
            ),
            EmitError::TooLong { what, len } => {
                write!(f, "{what} of {len} bytes too long")
            }
            EmitError::Invalid(text) => f.write_str(text),
            EmitError::InExtension { error, .. } => error.fmt(f),
        }
    }
}

impl std::error::Error for EmitError {}
