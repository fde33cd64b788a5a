//! Golden bytes: every statement of tests/golden/statements.txt, compiled for every dialect,
//! snapshotted as hex plus the decoded form (or the error where the dialect rejects it).

use setkey::compile::{self, CompileOptions, Operation};
use setkey::format::{hexdump, kdebug};
use setkey::lang::{self, diag};
use setkey::pfkey::{self, Dialect};

const CORPUS: &str = include_str!("golden/statements.txt");

fn corpus() -> Vec<(Vec<Dialect>, &'static str)> {
    CORPUS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (targets, statement) = line.split_once('\t').expect("targets<TAB>statement");
            let dialects = if targets == "none" {
                Vec::new()
            } else if targets == "all" {
                Dialect::ALL.to_vec()
            } else {
                targets.split(',').map(|t| t.parse().unwrap()).collect()
            };
            (dialects, statement)
        })
        .collect()
}

fn render(statement: &str, dialect: Dialect) -> Result<String, String> {
    let stmts = lang::parse(statement).map_err(|e| diag::render("golden", statement, &e))?;
    let opts = CompileOptions {
        dialect,
        pid: 4242,
        linux_fwd_copy: true,
        interface_index: |name| (name == "lo0" || name == "em0").then_some(1),
        require_interfaces: true,
    };
    let ops = compile::compile(&stmts, &opts).map_err(|e| diag::render("golden", statement, &e))?;
    let mut out = String::new();
    for op in ops.iter().flatten() {
        let msg = match op {
            Operation::Send(m) | Operation::Get(m) | Operation::Dump(m) => m,
            Operation::DeleteAllByDump { dump, .. } => {
                out.push_str("(dump, then one SADB_DELETE per matching SA)\n");
                dump
            }
            Operation::Exit => continue,
            Operation::Warning(w) => {
                out.push_str(&format!("warning: {}\n", w.message));
                continue;
            }
        };
        let bytes = pfkey::emit(msg, dialect).map_err(|e| e.to_string())?;
        let back = pfkey::parse(&bytes, dialect).map_err(|e| e.to_string())?;
        assert_eq!(&back, msg, "round trip of {statement} on {dialect}");
        out.push_str(&hexdump::offset_dump(&bytes));
        out.push_str(&kdebug::render_bytes(&bytes, dialect));
    }
    Ok(out)
}

#[test]
fn golden_statements() {
    let corpus = corpus();
    assert!(
        corpus.len() >= 120,
        "corpus has {} statements",
        corpus.len()
    );
    let mut wrong: Vec<String> = Vec::new();
    for (index, (valid_on, statement)) in corpus.iter().enumerate() {
        let mut snapshot = format!("{statement}\n");
        for dialect in Dialect::ALL {
            let result = render(statement, dialect);
            match (&result, valid_on.contains(&dialect)) {
                (Ok(text), true) => snapshot.push_str(&format!("\n=== {dialect}\n{text}")),
                (Err(e), false) => snapshot.push_str(&format!("\n=== {dialect}: rejected\n{e}")),
                (Ok(_), false) => wrong.push(format!("{statement}: accepted on {dialect}")),
                (Err(e), true) => wrong.push(format!("{statement}: rejected on {dialect}:\n{e}")),
            }
        }
        insta::assert_snapshot!(format!("golden_{index:03}"), snapshot);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
