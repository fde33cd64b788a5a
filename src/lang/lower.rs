//! Lowering of parse-tree nodes to `ast` statements: dispatch and the helpers shared by all forms.

use super::tree::{Children, Node};

use super::ast::{AddressFlags, SecurityContext, Span, Spanned, Statement, StatementKind};
use super::diag::Diagnostic;
use super::parser::Rule;
use super::values::{self, Lowered};
use super::{lower_sa, lower_spd};

pub(crate) type Inner<'i> = Children<'i>;

/// Spans of pairs parsed from `source[base..]`, as offsets into the whole source.
#[derive(Clone, Copy)]
pub(crate) struct Cx {
    pub base: usize,
}

impl Cx {
    pub fn span(self, pair: &Node<'_>) -> Span {
        let s = pair.as_span();
        Span {
            start: s.start() + self.base,
            end: s.end() + self.base,
        }
    }

    /// The next pair, which the grammar guarantees; an error rather than a panic otherwise.
    pub fn next<'i>(self, inner: &mut Inner<'i>, at: Span) -> Lowered<Node<'i>> {
        inner
            .next()
            .ok_or_else(|| Diagnostic::new(at, "internal error: statement shape not understood"))
    }

    /// The next pair if it is of `rule`.
    pub fn next_if<'i>(self, inner: &mut Inner<'i>, rule: Rule) -> Option<Node<'i>> {
        inner.next_if(|p| p.as_rule() == rule)
    }

    /// The last inner pair of `pair` (the value after a flag such as `-u`).
    pub fn value<'i>(self, pair: Node<'i>) -> Lowered<(Node<'i>, Span)> {
        let at = self.span(&pair);
        let value = pair
            .into_inner()
            .last()
            .ok_or_else(|| Diagnostic::new(at, "internal error: missing value"))?;
        let span = self.span(&value);
        Ok((value, span))
    }
}

/// Lowers one statement onto the end of `statements` (built in place: statements are large).
pub(crate) fn statement(
    pair: Node<'_>,
    base: usize,
    statements: &mut Vec<Statement>,
) -> Lowered<()> {
    let cx = Cx { base };
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let body = cx.next(&mut inner, span)?;
    let kind = match body.as_rule() {
        // The two big forms are pushed where they are built: a statement is moved once less.
        Rule::sa_stmt => return lower_sa::sa_statement(cx, body, span, statements),
        Rule::spd_stmt => return lower_spd::spd_statement(cx, body, span, statements),
        Rule::deleteall_stmt => StatementKind::DeleteAll(lower_sa::delete_all(cx, body)?),
        Rule::flush_stmt => StatementKind::Flush(lower_sa::optional_protocol(cx, body)),
        Rule::dump_stmt => StatementKind::Dump(lower_sa::optional_protocol(cx, body)),
        Rule::spd_tagged_stmt => lower_spd::tagged(cx, body)?,
        Rule::spdflush_stmt => StatementKind::SpdFlush,
        Rule::spddump_stmt => StatementKind::SpdDump,
        _ => StatementKind::Exit,
    };
    statements.push(Statement { kind, span });
    Ok(())
}

/// Pushes `statement` and has `fill` complete it where it lies (statements are large: this
/// spares moving one); when `fill` fails the statement is taken back out.
#[inline]
pub(crate) fn push_and_fill(
    statements: &mut Vec<Statement>,
    statement: Statement,
    fill: impl FnOnce(&mut StatementKind) -> Lowered<()>,
) -> Lowered<()> {
    let span = statement.span;
    statements.push(statement);
    let filled = match statements.last_mut() {
        Some(pushed) => fill(&mut pushed.kind),
        None => Err(not_kept(span)),
    };
    if filled.is_err() {
        statements.pop();
    }
    filled
}

/// `push_and_fill`'s `fill` handed a statement of another kind than was pushed.
pub(crate) fn not_kept(span: Span) -> Diagnostic {
    Diagnostic::new(span, "internal error: statement not kept")
}

/// Consumes the `-4 -6 -n` switches after a command keyword.
pub(crate) fn address_flags(inner: &mut Inner<'_>) -> AddressFlags {
    let mut flags = AddressFlags::default();
    while let Some(p) = inner.next_if(|p| p.as_rule() == Rule::af_flags) {
        values::apply_address_flags(&mut flags, p.as_str());
    }
    flags
}

/// `-ctx doi alg "string"`.
pub(crate) fn security_context(cx: Cx, pair: Node<'_>) -> Lowered<Spanned<SecurityContext>> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let _flag = cx.next(&mut inner, span)?;
    let doi = cx.next(&mut inner, span)?;
    let doi = values::decimal_u8(doi.as_bytes(), cx.span(&doi), "security context DOI")?;
    let alg = cx.next(&mut inner, span)?;
    let alg = values::decimal_u8(alg.as_bytes(), cx.span(&alg), "security context algorithm")?;
    let text = cx.next(&mut inner, span)?;
    Ok(Spanned {
        value: SecurityContext {
            doi,
            alg,
            context: values::unquote(text.as_str()).to_string(),
        },
        span,
    })
}

/// `-hwif ifname`.
pub(crate) fn hwif(cx: Cx, pair: Node<'_>) -> Lowered<Spanned<String>> {
    let (name, span) = cx.value(pair)?;
    Ok(Spanned {
        value: name.as_str().to_string(),
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exit_at(start: usize) -> Statement {
        Statement {
            kind: StatementKind::Exit,
            span: Span {
                start,
                end: start + 5,
            },
        }
    }

    #[test]
    fn a_statement_that_fails_to_fill_is_taken_back_out_and_one_that_fills_is_kept() {
        let mut statements = vec![exit_at(0)];
        let failed = push_and_fill(&mut statements, exit_at(6), |_| {
            Err(Diagnostic::new(Span::default(), "no"))
        });
        assert_eq!(failed.map_err(|d| d.message), Err("no".to_string()));
        assert_eq!(statements, [exit_at(0)]);
        let mut seen = None;
        let kept = push_and_fill(&mut statements, exit_at(12), |kind| {
            seen = Some(kind.clone());
            Ok(())
        });
        assert!(kept.is_ok());
        assert_eq!(seen, Some(StatementKind::Exit));
        assert_eq!(statements, [exit_at(0), exit_at(12)]);
    }
}
