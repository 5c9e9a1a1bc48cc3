//! The rule interface. Rules read the [`FileModel`]; they never see oxc types.

use crate::Options;
use crate::diagnostic::{Diagnostic, Fix, Label, Severity};
use crate::model::{Assumption, FileModel};
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
    /// Topic tags for SARIF viewers and `leaklint rules` (`memory`, `node`, `react`, ...).
    pub tags: &'static [&'static str],
    /// How often a finding is a real leak, in SARIF's terms.
    pub precision: Precision,
}

/// SARIF's `precision` property: how likely a finding is a true positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
    Low,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
            Precision::Low => "low",
        }
    }
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &mut RuleContext<'_>);
}

/// What a rule gets for one file: the model, the source, and a sink for findings.
pub struct RuleContext<'a> {
    pub model: FileModel<'a>,
    pub source: &'a str,
    /// Project options from the configuration.
    pub options: &'a Options,
    rule: &'static RuleMeta,
    severity: Severity,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> RuleContext<'a> {
    pub fn new(
        model: FileModel<'a>,
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

    /// Report a finding. One that rests on an assumption (`Finding::assumption`)
    /// is at most a warning, and its help says what it assumes; one that rests on a place the
    /// analysis lost track of is not reported.
    pub fn report(&mut self, finding: Finding) {
        let (severity, help) = match &finding.assumption {
            Some(Assumption::Lost) => return,
            Some(Assumption::Stated(assumed)) => (
                self.severity.min(Severity::Warning),
                format!("{} This rests on an assumption: {assumed}.", finding.help),
            ),
            None => (self.severity, finding.help),
        };
        self.diagnostics.push(Diagnostic {
            rule: self.rule.id,
            severity,
            message: finding.message,
            span: finding.span,
            label: finding.label,
            related: finding.related,
            help,
            fixes: finding.fixes,
            subject: finding.subject,
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
    /// Name of the long-lived thing that grows or holds the leak (see [`Diagnostic::subject`]).
    pub subject: Option<String>,
    /// What the finding assumes when its chain is not proven (a library's exported
    /// function, called by code we cannot see): it is then reported as a warning.
    pub assumption: Option<Assumption>,
}
