//! leaklint's analysis core.
//!
//! Parses a JavaScript/TypeScript file with oxc, builds its semantic model,
//! and lowers it into a [`model::FileModel`]: functions with a *lifetime*
//! (start-up, per request, per instance, repeatable), long-lived values,
//! and the events that matter for leaks (collection writes and removals,
//! listener additions and removals). Rules read only that model, so this is
//! the only crate that touches the oxc API.

pub mod diagnostic;
mod lower;
pub mod model;
pub mod rule;
pub mod span;

use std::path::Path;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use model::FileModel;
pub use rule::{Finding, Rule, RuleContext, RuleMeta};
pub use span::{LineIndex, Position, Span};

/// The file could not be parsed; no rule ran on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte offset of the first error, where the parser gave one.
    pub offset: Option<u32>,
}

/// A rule to run with the severity it runs at.
pub struct ActiveRule<'r> {
    pub rule: &'r dyn Rule,
    pub severity: Severity,
}

/// Parse `source` (file type from `path`'s extension) and build its model.
pub fn build_model(path: &Path, source: &str) -> Result<FileModel, SyntaxError> {
    lower::build(path, source)
}

/// Build the model and run `rules` on it. Diagnostics come back sorted by
/// position, then rule id.
pub fn analyze(path: &Path, source: &str, rules: &[ActiveRule<'_>]) -> Result<Vec<Diagnostic>, SyntaxError> {
    let model = build_model(path, source)?;
    Ok(run_rules(&model, source, rules))
}

/// Run rules on an already-built model.
pub fn run_rules(model: &FileModel, source: &str, rules: &[ActiveRule<'_>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for active in rules {
        let mut ctx = RuleContext::new(model, source, active.rule.meta(), active.severity);
        active.rule.check(&mut ctx);
        out.extend(ctx.into_diagnostics());
    }
    out.sort_by(|a, b| (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule)));
    out
}

/// oxc's parse + semantic analysis and nothing else: the floor that
/// benchmarks compare `leaklint check` against. Returns the number of
/// symbols so the work cannot be optimised away.
pub fn parse_and_semantic_only(path: &Path, source: &str) -> Result<usize, SyntaxError> {
    lower::floor(path, source)
}
