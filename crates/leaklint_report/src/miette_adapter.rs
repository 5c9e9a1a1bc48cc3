//! leaklint's findings and files seen through miette's traits.

use std::fmt;
use std::sync::Arc;

use leaklint_core::{Diagnostic, LineIndex, Severity, Span};
use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

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
        let start = self.text.floor_char_boundary(span.start as usize);
        let end = self.text.floor_char_boundary((span.end as usize).max(start));
        SourceSpan::from(start..end)
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
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            start.line as usize - 1,
            start.column as usize - 1,
            contents.line_count(),
        )))
    }
}

/// One finding as a miette `Diagnostic`: message, rule id as code, severity,
/// the primary label, one secondary label per related place, and help.
#[derive(Debug)]
pub(crate) struct MietteFinding<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a SourceFile,
}

impl<'a> MietteFinding<'a> {
    pub(crate) fn new(diagnostic: &'a Diagnostic, source: &'a SourceFile) -> Self {
        Self { diagnostic, source }
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
        let primary = LabeledSpan::new_primary_with_span(
            label_text(&self.diagnostic.label),
            self.source.clamp(self.diagnostic.span),
        );
        let related =
            self.diagnostic.related.iter().map(|related| {
                LabeledSpan::new_with_span(label_text(&related.message), self.source.clamp(related.span))
            });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// No text for an empty label: miette would draw a pointer to nothing.
fn label_text(label: &str) -> Option<String> {
    (!label.is_empty()).then(|| label.to_string())
}
