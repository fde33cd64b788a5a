//! The parsers of `grammar.pest` and their driver: the generated recognizer makes one pass
//! per piece of text, a bad statement is skipped and then explained by pest's parser, pieces
//! of long texts are parsed on several threads.

use pest::Parser;

use super::ast::Statement;
use super::diag::Diagnostic;
use super::tree::Tok;
use super::{errors, lower, machine};

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

/// Texts at least this long are cut into pieces parsed on several threads.
const PARALLEL_MIN_LEN: usize = 64 * 1024;

/// Every statement that parsed, and the errors of those that did not.
pub fn parse_partial(source: &str) -> (Vec<Statement>, Vec<Diagnostic>) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if source.len() < PARALLEL_MIN_LEN || threads < 2 {
        return parse_range(source, 0, source.len());
    }
    let ranges = chunk_ranges(source, threads);
    let Some((&(first_start, first_end), others)) = ranges.split_first() else {
        return (Vec::new(), Vec::new());
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = others
            .iter()
            .map(|&(start, end)| scope.spawn(move || parse_range(source, start, end)))
            .collect();
        // This thread parses the first piece into a vector big enough for all of them, so
        // that only the other pieces are copied (statements are large).
        let mut statements = Vec::with_capacity(statement_estimate(source));
        let mut errors = Vec::new();
        parse_into(source, first_start, first_end, &mut statements, &mut errors);
        for handle in handles {
            match handle.join() {
                Ok((mut s, mut e)) => {
                    statements.append(&mut s);
                    errors.append(&mut e);
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        (statements, errors)
    })
}

/// About the number of statements in `text` (each ends with a `;`; a few more `;` may be in
/// comments and quoted strings), to size the vector of statements once.
fn statement_estimate(text: &str) -> usize {
    memchr::memchr_iter(b';', text.as_bytes()).count()
}

/// Cuts `source` into about `pieces` ranges, each ending just after a `;` that ends a
/// statement (outside quotes and comments), so that no statement spans two ranges.
pub fn chunk_ranges(source: &str, pieces: usize) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let step = source.len() / pieces.max(1);
    let mut cuts = vec![0];
    let mut next = step;
    let mut at = 0;
    // Where the last quoted string ended: a `"` right after it opens another one.
    let mut quote_end = 0;
    while cuts.len() < pieces {
        // Before the next cut only quotes and comments matter (a `;` there cuts nothing).
        let found = if at < next {
            let until = next.min(bytes.len());
            match memchr::memchr2(b'"', b'#', bytes.get(at..until).unwrap_or(&[])) {
                Some(found) => Some(found),
                // No `;` at or after `next`: no more cuts.
                None if until == bytes.len() => None,
                None => {
                    at = until;
                    continue;
                }
            }
        } else {
            memchr::memchr3(b'"', b'#', b';', bytes.get(at..).unwrap_or(&[]))
        };
        let Some(found) = found else {
            break;
        };
        let i = at + found;
        at = i + 1;
        let closing = match bytes[i] {
            // Inside a word a `"` is part of the word, as in the grammar's bad_statement.
            b'"' if i > 0 && i != quote_end && !b" \t\n\r;".contains(&bytes[i - 1]) => continue,
            b'"' => b'"',
            b'#' => b'\n',
            _ => {
                if i >= next {
                    cuts.push(i + 1);
                    next = i + step;
                }
                continue;
            }
        };
        // Skip the quoted string or the comment: a `;` inside does not end a statement.
        match memchr::memchr(closing, &bytes[at..]) {
            Some(end) => at += end + 1,
            None => break,
        }
        if closing == b'"' {
            quote_end = at;
        }
    }
    cuts.push(source.len());
    cuts.windows(2).map(|w| (w[0], w[1])).collect()
}

/// One pass of the grammar covers about this many bytes, so that its tokens stay in the
/// processor's cache. Measured on `-n -f` of 100,000 statements: 32 and 64 KiB took about
/// 4% less CPU than 16 KiB, 256 KiB more; the instructions are the same.
const PASS_LEN: usize = 32 * 1024;

/// Parses the statements of `source[start..end]`, which holds whole statements.
pub fn parse_range(source: &str, start: usize, end: usize) -> (Vec<Statement>, Vec<Diagnostic>) {
    let text = source.get(start..end).unwrap_or("");
    let mut statements = Vec::with_capacity(statement_estimate(text));
    let mut errors = Vec::new();
    parse_into(source, start, end, &mut statements, &mut errors);
    (statements, errors)
}

/// Appends the statements and errors of `source[start..end]` (whole statements).
fn parse_into(
    source: &str,
    start: usize,
    end: usize,
    statements: &mut Vec<Statement>,
    errors: &mut Vec<Diagnostic>,
) {
    passes(source, start, end, statements, errors, |_, _| {});
}

/// The passes of `source`: ranges of whole statements of about `PASS_LEN` bytes each, in order.
pub fn pass_ranges(source: &str) -> Vec<(usize, usize)> {
    chunk_ranges(source, source.len() / PASS_LEN + 1)
}

/// Parses the passes `ranges` of `source` (from `pass_ranges`) in order and hands the
/// statements of each to `each`, which may take them: one vector serves every pass, so the
/// statements stay in the processor's cache from parsing to their use.
pub fn parse_passes(
    source: &str,
    ranges: &[(usize, usize)],
    errors: &mut Vec<Diagnostic>,
    mut each: impl FnMut(&mut Vec<Statement>, &mut Vec<Diagnostic>),
) {
    let mut statements = Vec::new();
    run_passes(
        source,
        ranges,
        &mut statements,
        errors,
        |statements, errors| {
            each(statements, errors);
            statements.clear();
        },
    );
}

/// Runs `parse_pass` over the passes of `source[start..end]`, calling `after` after each.
fn passes(
    source: &str,
    start: usize,
    end: usize,
    statements: &mut Vec<Statement>,
    errors: &mut Vec<Diagnostic>,
    after: impl FnMut(&mut Vec<Statement>, &mut Vec<Diagnostic>),
) {
    let Some(text) = source.get(start..end) else {
        return;
    };
    let ranges: Vec<(usize, usize)> = pass_ranges(text)
        .into_iter()
        .map(|(from, to)| (start + from, start + to))
        .collect();
    run_passes(source, &ranges, statements, errors, after);
}

/// Runs `parse_pass` over `ranges` of `source`, calling `after` after each.
fn run_passes(
    source: &str,
    ranges: &[(usize, usize)],
    statements: &mut Vec<Statement>,
    errors: &mut Vec<Diagnostic>,
    mut after: impl FnMut(&mut Vec<Statement>, &mut Vec<Diagnostic>),
) {
    let len = match (ranges.first(), ranges.last()) {
        (Some(first), Some(last)) => last.1.saturating_sub(first.0),
        _ => return,
    };
    // About one token for every 4 bytes: reserved once, the buffer rarely grows.
    let mut toks = Vec::with_capacity(len.min(2 * PASS_LEN) / 4);
    for &(start, end) in ranges {
        parse_pass(source, start, end, &mut toks, statements, errors);
        after(statements, errors);
    }
}

/// Parses `source[start..end]` (whole statements) with one call of the grammar.
fn parse_pass(
    source: &str,
    start: usize,
    end: usize,
    toks: &mut Vec<Tok>,
    statements: &mut Vec<Statement>,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(text) = source.get(start..end) else {
        return;
    };
    let Some(tree) = machine::parse(Rule::file, text, toks) else {
        // `file` matches any text; should it not, pest says why.
        if let Err(e) = LangParser::parse(Rule::file, text) {
            errors.push(errors::from_pest(source, start, &e));
        }
        return;
    };
    let Some(file) = tree.top().next() else {
        return;
    };
    for pair in file.into_inner() {
        match pair.as_rule() {
            Rule::statement => {
                if let Err(d) = lower::statement(pair, start, statements) {
                    errors.push(d);
                }
            }
            Rule::bad_statement => {
                let span = pair.as_span();
                errors.push(statement_error(
                    source,
                    start + span.start(),
                    start + span.end(),
                ))
            }
            _ => {}
        }
    }
}

/// Parses the statement at `source[start..end]` again, with pest, for its report of what went
/// wrong. A statement is never read past its `;` (its end), and pest's errors take time in
/// proportion to the text they are given, so it is given only the statement.
fn statement_error(source: &str, start: usize, end: usize) -> Diagnostic {
    let statement = source.get(start..end).unwrap_or("");
    match LangParser::parse(Rule::statement_at, statement) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_after_statements_not_inside_quotes_or_comments() {
        let text = "add \"a;b\" x; # c;d\nflush; spdflush; dump;";
        let ranges = chunk_ranges(text, 3);
        assert_eq!(ranges.first().map(|r| r.0), Some(0));
        assert_eq!(ranges.last().map(|r| r.1), Some(text.len()));
        for (start, end) in &ranges {
            assert!(*end == text.len() || text.as_bytes()[end - 1] == b';');
            assert!(start <= end);
        }
        let cut_points: Vec<usize> = ranges.iter().map(|r| r.1).collect();
        assert!(
            !cut_points.contains(&6),
            "cut inside the quotes: {ranges:?}"
        );
        assert!(
            !cut_points.contains(&17),
            "cut inside the comment: {ranges:?}"
        );
    }

    /// Every `;` that ends a statement, with the rules `chunk_ranges` follows, one byte at
    /// a time.
    fn statement_ends(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let (mut ends, mut at, mut quote_end) = (Vec::new(), 0, 0);
        while at < bytes.len() {
            let i = at;
            at += 1;
            let closing = match bytes[i] {
                b'"' if i > 0 && i != quote_end && !b" \t\n\r;".contains(&bytes[i - 1]) => continue,
                b'"' => b'"',
                b'#' => b'\n',
                b';' => {
                    ends.push(i + 1);
                    continue;
                }
                _ => continue,
            };
            match bytes[at..].iter().position(|&b| b == closing) {
                Some(end) => at += end + 1,
                None => break,
            }
            if closing == b'"' {
                quote_end = at;
            }
        }
        ends
    }

    #[test]
    fn chunks_end_where_statements_end_for_any_text_and_count() {
        let even = "add x y;\n".repeat(1000);
        for pieces in 1..9 {
            assert_eq!(chunk_ranges(&even, pieces).len(), pieces);
        }
        let parts = [
            "a", " ", ";", "\"x;y\"", "\"", "# c;d\n", "#", "\n", "w\"v;", "\"\"", ";;",
        ];
        for text in crate::lang::random_texts::random_texts(&parts, 12345, 400, 60) {
            let ends = statement_ends(&text);
            for pieces in 1..8 {
                let ranges = chunk_ranges(&text, pieces);
                assert!(ranges.len() <= pieces.max(1), "{text:?} {pieces}");
                assert_eq!(ranges.first().map(|r| r.0), Some(0));
                assert_eq!(ranges.last().map(|r| r.1), Some(text.len()));
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].1, pair[1].0);
                }
                for &(_, end) in &ranges[..ranges.len() - 1] {
                    assert!(ends.contains(&end), "{text:?} {pieces}: cut at {end}");
                }
            }
        }
    }

    #[test]
    fn errors_of_every_pass_point_at_their_token() {
        let mut text = String::new();
        let mut bad_at = Vec::new();
        for i in 0..3000 {
            if i % 700 == 5 {
                bad_at.push(text.len() + "add 10.0.0.1 10.0.0.2 ".len());
                text.push_str("add 10.0.0.1 10.0.0.2 espp 1;\n");
            }
            text.push_str(&format!(
                "spdadd 10.0.{}.{}/32 10.1.0.1 any -P out ipsec esp/transport//require; # ;\n",
                i / 256,
                i % 256
            ));
        }
        assert!(text.len() > 4 * PASS_LEN);
        for (statements, errors) in [parse_range(&text, 0, text.len()), parse_partial(&text)] {
            assert_eq!(statements.len(), 3000);
            let starts: Vec<usize> = errors.iter().map(|e| e.span.start).collect();
            assert_eq!(starts, bad_at);
            for e in &errors {
                assert_eq!(&text[e.span.start..e.span.end], "espp");
            }
        }
    }

    #[test]
    fn parallel_and_serial_parses_agree() {
        let mut text = String::new();
        for i in 0..6000 {
            text.push_str(&format!(
                "add 10.0.{}.{} 10.1.0.1 esp {} -E aes-cbc 0x00112233445566778899aabbccddeeff; # x;\n",
                i / 256,
                i % 256,
                0x1000 + i
            ));
            if i == 4321 {
                text.push_str("add 10.0.0.1 10.0.0.2 espp 1;\n");
            }
        }
        assert!(text.len() > PARALLEL_MIN_LEN);
        let serial = parse_range(&text, 0, text.len());
        let parallel = parse_partial(&text);
        assert_eq!(serial, parallel);
        assert_eq!(parallel.0.len(), 6000);
        assert_eq!(parallel.1.len(), 1);

        // Pass by pass, the same statements and errors come in the same order, each pass's
        // statements handed over in a vector emptied after it.
        let (mut statements, mut errors) = (Vec::new(), Vec::new());
        let mut passes = 0;
        parse_passes(&text, &pass_ranges(&text), &mut errors, |pass, _| {
            passes += 1;
            statements.append(pass);
        });
        assert!(passes > 2, "{passes} passes");
        assert_eq!((statements, errors), serial);
    }
}
