//! Rendering decoded PF_KEY messages as text: the field-by-field debug form and hex dumps.

pub mod hexdump;
pub mod kdebug;
