//! The PF_KEY v2 wire format: typed messages, and emit/parse per `Dialect`. Pure, no I/O.

pub mod consts;
pub mod dialect;
pub mod message;

mod access;
mod address;
mod bytes;
mod emit;
mod error;
mod header;
mod key;
mod lifetime;
mod misc;
mod names;
mod natt;
mod parse;
mod policy;
mod proposal;
mod sa;
mod sockaddr;

pub use dialect::{Dialect, ExtEntry, ExtSlot};
pub use emit::{emit, emit_into};
pub use error::{EmitError, ParseContext, ParseError};
pub use header::{peek as peek_header, peek_len, split};
pub use message::*;
pub use names::{ext_type_name, ext_type_number, msg_type_name, satype_name, MSG_TYPE_NAMES};
pub use parse::parse;
