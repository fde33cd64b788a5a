//! The PF_KEY v2 wire format: typed messages, and emit/parse per `Dialect`. Pure, no I/O.

pub mod consts;
pub mod dialect;
pub mod message;

pub use dialect::Dialect;
pub use message::*;
