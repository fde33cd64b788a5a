//! Rendering decoded PF_KEY messages as text: KAME dumps, the field-by-field debug form, hex.

pub mod ctime;
mod digits;
pub mod errno;
pub mod hexdump;
pub mod json;
pub mod json_dump;
pub mod kame;
pub mod kame_policy;
pub mod kdebug;
mod kdebug_ext;
pub mod kdebug_profile;
pub mod libipsec;
pub mod monitor;
pub mod monitor_entry;
pub mod names;
pub mod profile;
pub mod rejection;
pub mod rfc3339;
pub mod short;
