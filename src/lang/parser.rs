//! The pest parser over `grammar.pest` and the statement-by-statement driver with recovery.

use pest::Parser;

use super::ast::Statement;
use super::diag::Diagnostic;
use super::{errors, lower};

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
pub(crate) struct LangParser;

/// Parses a whole setkey script. Every statement is checked, so all errors are reported.
pub fn parse(source: &str) -> Result<Vec<Statement>, Vec<Diagnostic>> {
    let (statements, errors) = parse_partial(source);
    if errors.is_empty() {
        Ok(statements)
    } else {
        Err(errors)
    }
}

/// Every statement that parsed, and the errors of those that did not.
pub fn parse_partial(source: &str) -> (Vec<Statement>, Vec<Diagnostic>) {
    let mut statements = Vec::new();
    let mut errors = Vec::new();
    let mut offset = 0;
    while offset < source.len() {
        let rest = &source[offset..];
        let item = match LangParser::parse(Rule::item, rest) {
            Ok(mut pairs) => match pairs.next() {
                Some(item) => item,
                None => break,
            },
            Err(e) => {
                errors.push(errors::from_pest(source, offset, &e));
                break;
            }
        };
        let consumed = item.as_span().end();
        match item.into_inner().next() {
            None => break,
            Some(pair) if pair.as_rule() == Rule::statement => {
                match lower::statement(pair, offset) {
                    Ok(statement) => statements.push(statement),
                    Err(d) => errors.push(d),
                }
            }
            Some(bad) => errors.push(statement_error(source, offset + bad.as_span().start())),
        }
        if consumed == 0 {
            break;
        }
        offset += consumed;
    }
    (statements, errors)
}

/// Parses the statement at `start` again, alone, for pest's report of what went wrong.
fn statement_error(source: &str, start: usize) -> Diagnostic {
    let rest = source.get(start..).unwrap_or("");
    match LangParser::parse(Rule::statement_at, rest) {
        Err(e) => errors::from_pest(source, start, &e),
        Ok(_) => Diagnostic::new(
            super::ast::Span {
                start,
                end: start + 1,
            },
            "this statement could not be parsed",
        ),
    }
}
