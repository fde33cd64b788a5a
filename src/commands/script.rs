//! Parse and compile a whole script up front, so that nothing is sent unless all of it is valid.

use setkey::compile::{self, CompileOptions, Operation};
use setkey::lang::{self, diag, Statement};

use super::input::Script;

pub struct Compiled {
    pub statements: Vec<Statement>,
    pub operations: Vec<Vec<Operation>>,
}

/// All statements and their operations, or every error printed to stderr.
pub fn compile_script(script: &Script, opts: &CompileOptions) -> Result<Compiled, ()> {
    let statements = lang::parse(&script.text).map_err(|e| report(script, &e))?;
    let operations = compile::compile(&statements, opts).map_err(|e| report(script, &e))?;
    Ok(Compiled {
        statements,
        operations,
    })
}

pub fn report(script: &Script, errors: &[diag::Diagnostic]) {
    eprint!("{}", diag::render(&script.name, &script.text, errors));
}
