//! leaklint's findings and files seen through miette's traits.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use leaklint_core::{Diagnostic, LineIndex, Severity, Span};
use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::cut::CutView;
use crate::report::FileResult;

/// A file's text under its display path, like miette's `NamedSource`, but
/// the `path:line:column` it reports counts columns in characters (as the
/// JSON output, ESLint and editors do), where `NamedSource` counts bytes and
/// would point editors at the wrong column on any line with non-ASCII text.
pub(crate) struct SourceFile {
    name: String,
    text: Arc<str>,
    lines: LineIndex,
}

impl SourceFile {
    pub(crate) fn new(result: &FileResult) -> Self {
        Self { name: result.path().to_string(), text: result.shared_source(), lines: LineIndex::new(result.source()) }
    }

    /// A span miette can read: inside the text and on character boundaries.
    fn clamp(&self, span: Span) -> SourceSpan {
        SourceSpan::from(self.range(span))
    }

    fn range(&self, span: Span) -> Range<usize> {
        let start = self.text.floor_char_boundary(span.start as usize);
        let end = self.text.floor_char_boundary((span.end as usize).max(start));
        start..end
    }

    /// A finding's spans (primary first) as readable ranges of the text.
    pub(crate) fn spans(&self, diagnostic: &Diagnostic) -> Vec<Range<usize>> {
        std::iter::once(diagnostic.span)
            .chain(diagnostic.related.iter().map(|r| r.span))
            .map(|s| self.range(s))
            .collect()
    }

    /// The finding shown with long lines cut, when any of its spans is on one.
    pub(crate) fn cut_view(&self, spans: &[Range<usize>]) -> Option<CutView> {
        CutView::needed(&self.text, spans).then(|| CutView::new(self.name.clone(), Arc::clone(&self.text), spans))
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = &self.text;
        let contents = text.read_span(span, context_lines_before, context_lines_after)?;
        let start = self.lines.position(text, contents.span().offset() as u32);
        Ok(named_at(&self.name, contents.as_ref(), start))
    }
}

/// `contents` (read from some text) as the file `name` shows them, starting at `start` of that
/// file: the file's own text, or an excerpt of it (`CutView`).
pub(crate) fn named_at<'a>(
    name: &str,
    contents: &(dyn SpanContents<'a> + 'a),
    start: leaklint_core::Position,
) -> Box<dyn SpanContents<'a> + 'a> {
    Box::new(MietteSpanContents::new_named(
        name.to_string(),
        contents.data(),
        *contents.span(),
        start.line as usize - 1,
        start.column as usize - 1,
        contents.line_count(),
    ))
}

/// One finding as a miette `Diagnostic`: message, rule id as code, severity,
/// the primary label, one secondary label per related place, and help.
pub(crate) struct MietteFinding<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a dyn SourceCode,
    primary: SourceSpan,
    /// `related[i]` is where `diagnostic.related[i]` is shown, if it is.
    related: Vec<Option<SourceSpan>>,
}

impl<'a> MietteFinding<'a> {
    pub(crate) fn new(diagnostic: &'a Diagnostic, source: &'a SourceFile) -> Self {
        let related = diagnostic.related.iter().map(|r| Some(source.clamp(r.span))).collect();
        Self { diagnostic, source, primary: source.clamp(diagnostic.span), related }
    }

    /// The finding on `view`, an excerpt with long lines cut; `spans` are its
    /// spans in the file (primary first), as `SourceFile::spans` gives them.
    pub(crate) fn cut(diagnostic: &'a Diagnostic, view: &'a CutView, spans: &[Range<usize>]) -> Self {
        let primary = view.span(&spans[0]).unwrap_or_else(|| SourceSpan::from(0..0));
        let related = spans[1..].iter().map(|span| view.span(span)).collect();
        Self { diagnostic, source: view, primary, related }
    }
}

impl fmt::Debug for MietteFinding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MietteFinding").field("diagnostic", self.diagnostic).finish_non_exhaustive()
    }
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile").field("name", &self.name).finish_non_exhaustive()
    }
}

impl fmt::Display for MietteFinding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for MietteFinding<'_> {}

impl miette::Diagnostic for MietteFinding<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = &self.diagnostic.help;
        (!help.is_empty()).then(|| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(label_text(&self.diagnostic.label), self.primary);
        let related = self.diagnostic.related.iter().zip(&self.related).filter_map(|(related, span)| {
            span.map(|span| LabeledSpan::new_with_span(label_text(&related.message), span))
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// No text for an empty label: miette would draw a pointer to nothing.
fn label_text(label: &str) -> Option<String> {
    (!label.is_empty()).then(|| label.to_string())
}
