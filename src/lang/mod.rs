//! The setkey input language: parse text into typed, validated `Statement`s.

pub mod ast;
pub mod diag;

pub use ast::*;
pub use diag::Diagnostic;
