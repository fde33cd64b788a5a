//! Diagnostics: an error or a warning at a span of the source, rendered as
//! `FILE:LINE:COL: error: ...` (or `warning:`).

use super::ast::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    /// Nothing is sent.
    #[default]
    Error,
    /// Said on stderr; the statement is sent as the C setkey sends it.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub severity: Severity,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(span, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(source).line_col(offset)
}

/// A byte offset (on a character boundary) and its 1-based line and column.
#[derive(Clone, Copy)]
struct Position {
    offset: usize,
    line: usize,
    col: usize,
}

/// Where each line of a source starts, to find the line and column of many offsets in one
/// pass over the text.
pub struct LineIndex<'s> {
    source: &'s str,
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(source: &'s str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1));
        LineIndex { source, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let found = self.position(offset, None);
        (found.line, found.col)
    }

    /// Where `offset` is; on the line of an earlier `previous` position, its column is counted
    /// on from there rather than from the start of the line (many errors on one huge line).
    fn position(&self, offset: usize, previous: Option<Position>) -> Position {
        let offset = floor_char_boundary(self.source, offset.min(self.source.len()));
        let line = self.line_of(offset);
        let col = match previous {
            Some(p) if p.line == line && p.offset <= offset => {
                p.col + self.source[p.offset..offset].chars().count()
            }
            _ => self.source[self.starts[line - 1]..offset].chars().count() + 1,
        };
        Position { offset, line, col }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    /// The text of a 1-based line, without its line end.
    pub fn line(&self, line: usize) -> &'s str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .starts
            .get(line)
            .map_or(self.source.len(), |&next| next - 1);
        let text = &self.source[start..end];
        text.strip_suffix('\r').unwrap_or(text)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Source lines up to this many bytes are shown whole; of a longer line, only a window around
/// the error (so that many errors on one huge line do not print it again and again).
const LINE_SHOWN_WHOLE: usize = 1000;
const WINDOW_BEFORE: usize = 80;
const WINDOW_AFTER: usize = 120;

/// Renders each diagnostic as `FILE:LINE:COL: error: MESSAGE` (or `warning:`), the source
/// line, and a caret.
pub fn render(file_name: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = Vec::new();
    // Writing to a vector cannot fail.
    let _ = write_rendered(&mut out, file_name, source, diagnostics);
    String::from_utf8_lossy(&out).into_owned()
}

/// `render`, written to `out` as it goes. In time linear in the source and the diagnostics
/// when these are in source order, as the parser reports them.
/// How a character of the input is shown in a diagnostic: control characters, other
/// invisible ones and a byte-order mark are escaped (`\x1b`, `\0`, `\u{feff}`), so that a file
/// cannot drive the terminal of whoever reads its errors; a tab is a blank.
fn shown_char(c: char, out: &mut String) {
    match c {
        '\t' => out.push(' '),
        '\0' => out.push_str("\\0"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = std::fmt::Write::write_fmt(out, format_args!("\\x{:02x}", c as u32));
        }
        c if c.is_control()
            || matches!(c, '\u{feff}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
        {
            let _ = std::fmt::Write::write_fmt(out, format_args!("\\u{{{:x}}}", c as u32));
        }
        c => out.push(c),
    }
}

/// `text` as a diagnostic shows it.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        shown_char(c, &mut out);
    }
    out
}

/// The columns `text` takes once shown.
fn visible_width(text: &str) -> usize {
    let mut buf = String::new();
    text.chars()
        .map(|c| {
            buf.clear();
            shown_char(c, &mut buf);
            buf.chars().count()
        })
        .sum()
}

pub fn write_rendered(
    out: &mut dyn std::io::Write,
    file_name: &str,
    source: &str,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    let index = LineIndex::new(source);
    let mut last = None;
    for d in diagnostics {
        let found = index.position(d.span.start, last);
        last = Some(found);
        let Position {
            offset: start,
            line,
            col,
        } = found;
        let line_start = index.starts[line - 1];
        let text = index.line(line);
        let at = start - line_start;
        // The caret runs to the end of the span if it ends on this line (a '\n' included).
        let line_end = index
            .starts
            .get(line)
            .map_or(source.len(), |&next| next - 1);
        let span_end = d.span.end.max(start + 1);
        let caret_end = if span_end <= line_end {
            floor_char_boundary(source, span_end)
        } else {
            start
        };
        let (shown, pad, shown_to) = if text.len() <= LINE_SHOWN_WHOLE {
            (visible(text), visible_width(&text[..at]), line_end)
        } else {
            let from = floor_char_boundary(text, at.saturating_sub(WINDOW_BEFORE));
            let to = floor_char_boundary(text, (at + WINDOW_AFTER).min(text.len()));
            let mut shown = String::new();
            if from > 0 {
                shown.push_str("...");
            }
            shown.push_str(&visible(&text[from..to]));
            if to < text.len() {
                shown.push_str("...");
            }
            let pad = usize::from(from > 0) * 3 + visible_width(&text[from..at.max(from)]);
            (shown, pad, line_start + to)
        };
        let width = source
            .get(start..caret_end.min(shown_to).max(start))
            .map_or(0, visible_width)
            .max(1);
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "{file_name}:{line}:{col}: {severity}: {}",
            visible(&d.message)
        )?;
        writeln!(out, "    {}", shown.trim_end_matches("\\r"))?;
        writeln!(out, "    {}{}", " ".repeat(pad), "^".repeat(width))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_counting_from_the_start() {
        let source = "add x;\r\n\n  é spdadd\ty;\n# last line without end";
        let index = LineIndex::new(source);
        for offset in 0..=source.len() + 2 {
            let at = floor_char_boundary(source, offset.min(source.len()));
            let before = &source[..at];
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let col = before[line_start..].chars().count() + 1;
            assert_eq!(index.line_col(offset), (line, col), "offset {offset}");
        }
        for line in 0usize..7 {
            let expected = line
                .checked_sub(1)
                .and_then(|n| source.lines().nth(n))
                .unwrap_or("");
            assert_eq!(index.line(line), expected, "line {line}");
        }
    }

    #[test]
    fn a_long_line_is_shown_around_each_error() {
        let source = format!("{}BAD{};\n", "a ".repeat(1000), "b".repeat(500));
        let start = 2000;
        let errors = [
            Diagnostic::new(Span { start: 0, end: 1 }, "first"),
            Diagnostic::new(
                Span {
                    start,
                    end: start + 3,
                },
                "second",
            ),
        ];
        let text = render("f.conf", &source, &errors);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "f.conf:1:1: error: first");
        assert_eq!(lines[1], format!("    {}...", &source[..120]));
        assert_eq!(lines[2], "    ^");
        assert_eq!(lines[3], "f.conf:1:2001: error: second");
        assert_eq!(
            lines[4],
            format!("    ...{}...", &source[start - 80..start + 120])
        );
        assert_eq!(lines[5], format!("    {}^^^", " ".repeat(83)));
        assert_eq!(lines.len(), 6);
    }

    #[test]
    fn carets_cover_the_span_on_its_line_only() {
        let source = "add x\tyz;\r\nflush;";
        let errors = [
            Diagnostic::new(Span { start: 6, end: 8 }, "two"),
            Diagnostic::new(Span { start: 8, end: 12 }, "to the next line"),
        ];
        let expected = "f:1:7: error: two\n    add x yz;\n          ^^\n\
                        f:1:9: error: to the next line\n    add x yz;\n            ^\n";
        assert_eq!(render("f", source, &errors), expected);
    }
}
