//! What a rule reports. Plain data: output crates render it, the core never prints.

use serde::Serialize;

use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary span with a short label (the declaration, the matching removal, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Rule id, e.g. `no-unbounded-collection`.
    pub rule: &'static str,
    pub severity: Severity,
    /// What leaks, in one sentence that reads on its own.
    pub message: String,
    /// The growing write / the leaking call.
    pub span: Span,
    /// Label shown at `span`.
    pub label: String,
    /// Related places: the declaration of the container, the per-request entry point, ...
    pub related: Vec<Label>,
    /// Why it leaks and how to fix it.
    pub help: String,
    /// Suggested edits, each complete on its own. Never applied unless the user asks.
    pub fixes: Vec<Fix>,
    /// The long-lived thing that grows or holds the leak, as written in the
    /// code (`tasks`, `this.listeners`, `server`); heap evidence is matched
    /// against it (context-variable and property edge names).
    pub subject: Option<String>,
}

/// Replace the bytes of `span` with `replacement` (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A suggested fix: a title for menus and the edits that make it, in source
/// order and never overlapping, all against the text the finding came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, e.g. "Use a WeakMap".
    pub message: String,
    /// Safe fixes change nothing but the leak, so "fix all" may apply them
    /// unreviewed; others are offered one at a time.
    pub safe: bool,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// Apply the edits to `source`. Returns `None` when edits overlap, are out
    /// of order, or fall outside the text or off a char boundary.
    pub fn apply(&self, source: &str) -> Option<String> {
        apply_edits(source, self.edits.iter())
    }
}

/// Apply non-overlapping edits, given in any order, to `source`; `None` when
/// two overlap or one is out of bounds.
pub fn apply_edits<'e>(source: &str, edits: impl IntoIterator<Item = &'e Edit>) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.into_iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0usize;
    for edit in sorted {
        let (start, end) = (edit.span.start as usize, edit.span.end as usize);
        if start < at || end < start || end > source.len() {
            return None;
        }
        out.push_str(source.get(at..start)?);
        out.push_str(&edit.replacement);
        at = end;
    }
    out.push_str(source.get(at..)?);
    Some(out)
}
