//! Parse and compile a whole script up front, so that nothing is sent unless all of it is valid.

use setkey::compile::{self, CompileOptions, Operation};
use setkey::lang::{self, diag, Statement};

use super::input::Script;

pub struct Compiled {
    pub statements: Vec<Statement>,
    pub operations: Vec<Vec<Operation>>,
}

/// All statements and their operations, or every error (parse and target errors alike,
/// in source order) printed to stderr.
pub fn compile_script(script: &Script, opts: &CompileOptions) -> Result<Compiled, ()> {
    let (statements, mut errors) = lang::parse_partial(&script.text);
    match compile::compile(&statements, opts) {
        Ok(operations) if errors.is_empty() => {
            return Ok(Compiled {
                statements,
                operations,
            })
        }
        Ok(_) => {}
        Err(mut compile_errors) => errors.append(&mut compile_errors),
    }
    errors.sort_by_key(|d| d.span.start);
    report(script, &errors);
    Err(())
}

pub fn report(script: &Script, errors: &[diag::Diagnostic]) {
    eprint!("{}", diag::render(&script.name, &script.text, errors));
}
