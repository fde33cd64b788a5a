//! The `--doctor` report, as text or as one JSON document.

use std::fmt::Write;

use super::Finding;
use crate::format::json::{array, push_str, Obj};
use crate::pfkey::Dialect;

/// What was examined, for the report's first line.
pub struct Examined<'a> {
    pub dialect: Dialect,
    pub sas: usize,
    pub policies: usize,
    pub key_manager: Option<&'a str>,
}

/// One line saying what was examined, then each finding with its fix, indented.
pub fn text(findings: &[Finding], examined: &Examined) -> String {
    let mut out = String::new();
    let verdict = match findings.len() {
        0 => "healthy".to_string(),
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    };
    let _ = writeln!(
        out,
        "setkey --doctor: {verdict} ({} SAs, {} policies, key manager: {})",
        examined.sas,
        examined.policies,
        examined.key_manager.unwrap_or("none found")
    );
    for f in findings {
        let _ = writeln!(out, "{}: {}", f.kind.name(), f.text);
        for statement in &f.fix {
            let _ = writeln!(out, "\tfix: {statement}");
        }
    }
    out
}

/// `{"schema":1,"target":...,"healthy":...,"sas":N,"policies":N,"key_manager":...,
/// "findings":[{"kind":...,"text":...,"fix":[...]}]}`.
pub fn json(findings: &[Finding], examined: &Examined) -> String {
    let mut o = Obj::new();
    o.num("schema", 1u32)
        .str("target", examined.dialect.name())
        .bool("healthy", findings.is_empty())
        .num("sas", examined.sas as u64)
        .num("policies", examined.policies as u64)
        .opt_str("key_manager", examined.key_manager);
    let items = findings.iter().map(|f| {
        let mut fo = Obj::new();
        let fix = f.fix.iter().map(|s| {
            let mut quoted = String::new();
            push_str(&mut quoted, s);
            quoted
        });
        fo.str("kind", f.kind.name())
            .str("text", &f.text)
            .raw("fix", &array(fix));
        fo.finish()
    });
    o.raw("findings", &array(items));
    o.finish()
}
