//! Findings on very long lines (bundles, generated code) shown with each long
//! line cut to a window around the finding. miette draws a whole line and
//! cannot draw a label past column 65,535 (it panics); a 500,000-character
//! line would be no help to read anyway.

use std::ops::Range;

use leaklint_core::LineIndex;
use miette::{MietteError, SourceCode, SourceSpan, SpanContents};

/// Lines longer than this (in bytes) are cut when a finding points into them.
pub(crate) const MAX_SHOWN_LINE: usize = 1000;

/// Text kept before a span on a cut line (and after it, up to `MAX_SHOWN_LINE`).
const MARGIN: usize = 60;

const ELLIPSIS: &str = "…";

/// The lines a finding's spans are on (with one line around them), each long
/// line cut to a window; offsets map between the file and this excerpt.
pub(crate) struct CutView {
    name: String,
    excerpt: String,
    lines: Vec<CutLine>,
    /// The file's text and line index, for the line and column miette shows.
    text: std::sync::Arc<str>,
    index: LineIndex,
}

/// One line of the excerpt.
struct CutLine {
    /// Where the line starts in the excerpt.
    excerpt_start: usize,
    /// The part of the file's line that is kept.
    kept: Range<usize>,
    /// Bytes of the `…` before the kept part (0 when the line starts there).
    prefix: usize,
}

impl CutView {
    /// Whether any of `spans` touches a line too long to show whole.
    pub(crate) fn needed(text: &str, spans: &[Range<usize>]) -> bool {
        spans.iter().any(|span| {
            let lines = line_bounds(text, span.start).start..line_bounds(text, span.end).end;
            text[lines].split('\n').any(|line| line.len() > MAX_SHOWN_LINE)
        })
    }

    /// `spans` are inside `text` and on character boundaries; the first is the
    /// primary one, around which a long line is cut when it is on it.
    pub(crate) fn new(name: String, text: std::sync::Arc<str>, spans: &[Range<usize>]) -> Self {
        let first_span_line = line_bounds(&text, spans.iter().map(|s| s.start).min().unwrap_or(0));
        let last_span_line = line_bounds(&text, spans.iter().map(|s| s.end).max().unwrap_or(0));
        // One line of context either side, as miette shows.
        let from = if first_span_line.start > 0 { line_bounds(&text, first_span_line.start - 1).start } else { 0 };
        let to =
            if last_span_line.end < text.len() { line_bounds(&text, last_span_line.end + 1).end } else { text.len() };
        let mut excerpt = String::new();
        let mut lines = Vec::new();
        let mut line_start = from;
        loop {
            let line = line_start..line_bounds(&text, line_start).end;
            let kept = window(&text, &line, spans);
            let excerpt_start = excerpt.len();
            let prefix = if kept.start > line.start { ELLIPSIS.len() } else { 0 };
            if prefix > 0 {
                excerpt.push_str(ELLIPSIS);
            }
            excerpt.push_str(&text[kept.clone()]);
            if kept.end < line.end {
                excerpt.push_str(ELLIPSIS);
            }
            lines.push(CutLine { excerpt_start, kept, prefix });
            if line.end >= to {
                break;
            }
            excerpt.push('\n');
            line_start = line.end + 1;
        }
        let index = LineIndex::new(&text);
        Self { name, excerpt, lines, text, index }
    }

    /// Where a span of the file is in the excerpt; `None` when it lies
    /// outside what is kept of its line (a label far along a long line).
    pub(crate) fn span(&self, span: &Range<usize>) -> Option<SourceSpan> {
        let start = self.to_excerpt(span.start)?;
        let end = self.to_excerpt(span.end).unwrap_or_else(|| self.line_end(span.end));
        Some(SourceSpan::from(start..end.max(start)))
    }

    fn line_of(&self, offset: usize) -> Option<&CutLine> {
        let i = self.lines.partition_point(|l| l.kept.start <= offset).checked_sub(1)?;
        self.lines.get(i)
    }

    fn to_excerpt(&self, offset: usize) -> Option<usize> {
        let line = self.line_of(offset).filter(|l| l.kept.contains(&offset) || l.kept.end == offset)?;
        Some(line.excerpt_start + line.prefix + (offset - line.kept.start))
    }

    /// The end of what is kept of the line of `offset`, in the excerpt.
    fn line_end(&self, offset: usize) -> usize {
        self.line_of(offset).map_or(self.excerpt.len(), |l| l.excerpt_start + l.prefix + l.kept.len())
    }

    fn to_file(&self, excerpt_offset: usize) -> usize {
        let i = self.lines.partition_point(|l| l.excerpt_start <= excerpt_offset).saturating_sub(1);
        let line = &self.lines[i];
        let into = excerpt_offset.saturating_sub(line.excerpt_start + line.prefix).min(line.kept.len());
        line.kept.start + into
    }
}

impl SourceCode for CutView {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let excerpt: &'a str = &self.excerpt;
        let contents = excerpt.read_span(span, context_lines_before, context_lines_after)?;
        let start = self.index.position(&self.text, self.to_file(contents.span().offset()) as u32);
        Ok(crate::miette_adapter::named_at(&self.name, contents.as_ref(), start))
    }
}

/// The line around `offset`, without its `\n`.
fn line_bounds(text: &str, offset: usize) -> Range<usize> {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    start..end
}

/// The part of `line` to show: all of it when short; else a window around
/// the first span (the primary one, if it is on the line) that touches it.
fn window(text: &str, line: &Range<usize>, spans: &[Range<usize>]) -> Range<usize> {
    if line.len() <= MAX_SHOWN_LINE {
        return line.clone();
    }
    let anchor = spans.iter().find(|s| s.start <= line.end && s.end >= line.start).map_or(line.start, |s| s.start);
    let start = text.floor_char_boundary(anchor.max(line.start).saturating_sub(MARGIN).max(line.start));
    let end = text.floor_char_boundary((start + MAX_SHOWN_LINE).min(line.end));
    start..end
}
