//! setkey-rs: the setkey(8) language, its compiler to PF_KEY v2 messages, and the wire codec.

pub mod compile;
pub mod decompile;
pub mod doctor;
pub mod format;
pub mod kernel;
pub mod lang;
pub mod origin;
pub mod pfkey;
pub mod profile;
pub mod rollback;
pub mod sync;
