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
}
