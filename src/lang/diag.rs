//! Diagnostics: an error at a span of the source, rendered as `FILE:LINE:COL: error: ...`.

use super::ast::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(source).line_col(offset)
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
        let offset = floor_char_boundary(self.source, offset.min(self.source.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        let col = self.source[line_start..offset].chars().count() + 1;
        (line, col)
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

/// Renders each diagnostic as `FILE:LINE:COL: error: MESSAGE`, the source line, and a caret.
pub fn render(file_name: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let index = LineIndex::new(source);
    for d in diagnostics {
        let (line, col) = index.line_col(d.span.start);
        let text = index.line(line);
        let width = {
            let end = d.span.end.max(d.span.start + 1);
            let (end_line, end_col) = index.line_col(end);
            if end_line == line && end_col > col {
                end_col - col
            } else {
                1
            }
        };
        out.push_str(&format!("{file_name}:{line}:{col}: error: {}\n", d.message));
        out.push_str(&format!("    {}\n", text.replace('\t', " ")));
        out.push_str(&format!(
            "    {}{}\n",
            " ".repeat(col - 1),
            "^".repeat(width)
        ));
    }
    out
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
}
