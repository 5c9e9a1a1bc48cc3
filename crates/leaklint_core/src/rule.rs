//! The rule interface. Rules read the [`FileModel`]; they never see oxc types.

use crate::Options;
use crate::diagnostic::{Diagnostic, Fix, Label, Severity};
use crate::model::FileModel;
use crate::span::Span;

/// Static description of a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, e.g. `no-unbounded-collection`.
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The rule's page in `rules/<id>.md`, embedded at compile time.
    pub docs: &'static str,
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &mut RuleContext<'_>);
}

/// What a rule gets for one file: the model, the source, and a sink for findings.
pub struct RuleContext<'a> {
    pub model: &'a FileModel,
    pub source: &'a str,
    /// Project options from the configuration.
    pub options: &'a Options,
    rule: &'static RuleMeta,
    severity: Severity,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> RuleContext<'a> {
    pub fn new(
        model: &'a FileModel,
        source: &'a str,
        rule: &'static RuleMeta,
        severity: Severity,
        options: &'a Options,
    ) -> Self {
        Self { model, source, options, rule, severity, diagnostics: Vec::new() }
    }

    /// Source text of a span.
    pub fn text(&self, span: Span) -> &'a str {
        span.text(self.source)
    }

    pub fn report(&mut self, finding: Finding) {
        self.diagnostics.push(Diagnostic {
            rule: self.rule.id,
            severity: self.severity,
            message: finding.message,
            span: finding.span,
            label: finding.label,
            related: finding.related,
            help: finding.help,
            fixes: finding.fixes,
        });
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// A rule's report before the context stamps rule id and severity on it.
pub struct Finding {
    pub span: Span,
    pub message: String,
    pub label: String,
    pub related: Vec<Label>,
    pub help: String,
    /// Suggested edits (see [`crate::Fix`]); empty when no edit is safe to describe.
    pub fixes: Vec<Fix>,
}
