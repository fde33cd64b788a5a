//! The setkey input language: parse text into typed, validated `Statement`s.

mod algorithms;
pub mod ast;
pub mod diag;
mod errors;
mod keys;
mod lower;
mod lower_policy;
mod lower_sa;
mod lower_spd;
mod machine;
#[cfg(test)]
mod machine_equivalence;
pub mod names;
mod numeric;
mod parser;
pub mod protocols;
#[cfg(test)]
mod random_texts;
mod sa_checks;
mod tree;
mod values;

pub use ast::*;
pub use diag::Diagnostic;
pub use parser::{chunk_ranges, parse, parse_partial, parse_passes, parse_range, pass_ranges};
