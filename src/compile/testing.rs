//! Scripts compiled in one call, for the tests of the modules that read compiled messages.

use super::{compile, CompileOptions, Operation};
use crate::pfkey::Dialect;

/// Every operation `script` compiles to for `dialect`, without Linux fwd copies or
/// interface lookups; panics on a script that does not parse or compile.
pub(crate) fn operations(script: &str, dialect: Dialect) -> Vec<Operation> {
    let statements = crate::lang::parse(script).expect("parses");
    let opts = CompileOptions {
        dialect,
        pid: 1,
        linux_fwd_copy: false,
        interface_index: |_| None,
        require_interfaces: false,
    };
    compile(&statements, &opts)
        .expect("compiles")
        .into_iter()
        .flatten()
        .collect()
}
