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
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
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
    for d in diagnostics {
        let (line, col) = line_col(source, d.span.start);
        let text = source.lines().nth(line - 1).unwrap_or("");
        let width = {
            let end = d.span.end.max(d.span.start + 1);
            let (end_line, end_col) = line_col(source, end);
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
