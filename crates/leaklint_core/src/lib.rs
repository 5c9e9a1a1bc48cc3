//! leaklint's analysis core.
//!
//! Parses a JavaScript/TypeScript file with oxc, builds its semantic model,
//! and lowers it into a [`model::FileModel`]: functions with a *lifetime*
//! (start-up, per request, per instance, repeatable), long-lived values,
//! and the events that matter for leaks (collection writes and removals,
//! listener additions and removals). Rules read only that model, so this is
//! the only crate that touches the oxc API.

pub mod diagnostic;
mod grouped;
mod lower;
pub mod model;
pub mod rule;
pub mod span;
mod suppress;

use std::path::Path;

pub use diagnostic::{Diagnostic, Edit, Fix, Label, Severity, apply_edits};
pub use model::FileModel;
pub use rule::{Finding, Precision, Rule, RuleContext, RuleMeta};
pub use span::{LineIndex, Position, Span};
pub use suppress::{INVALID_DIRECTIVE_RULE, UNUSED_DIRECTIVE_RULE};

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

/// Project knowledge that comes from configuration rather than from the code
/// (see `.leaklintrc.json`). The default is what leaklint knows on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Extra long-lived emitters, as access paths (`bus`, `app.events`).
    pub long_lived_emitters: Vec<String>,
    /// Extra functions or methods whose callback argument runs once per
    /// request (`registerHandler`, `router.route`), for in-house frameworks.
    pub request_registrars: Vec<String>,
    /// Extra objects that must be built once, not per call.
    pub per_call_factories: Vec<FactorySpec>,
    /// Report `leaklint-disable`/`-enable` directives that change nothing, as
    /// `unused-disable-directive` diagnostics at this severity
    /// (`--report-unused-disable-directives`); `None`: do not.
    pub report_unused_disable_directives: Option<Severity>,
    /// Every rule id there is, on or off, so that a directive naming a rule
    /// that is turned off is not reported as unknown. Empty: the rules being
    /// run are taken as all there is.
    pub known_rules: Vec<&'static str>,
}

/// A factory whose result is meant to be created once (`new Ajv()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorySpec {
    /// npm package the export comes from (`ajv`).
    pub package: String,
    /// Export name; `default` for the default export. A `new` call or a plain
    /// call of it both count.
    pub export: String,
    /// Why building it per call hurts, quoted in the finding.
    pub why: String,
}

/// Parse `source` (file type from `path`'s extension) and build its model.
pub fn build_model(path: &Path, source: &str) -> Result<FileModel, SyntaxError> {
    build_model_with(path, source, &Options::default())
}

/// [`build_model`] with project options.
pub fn build_model_with(path: &Path, source: &str, options: &Options) -> Result<FileModel, SyntaxError> {
    lower::build(path, source, options)
}

/// Build the model and run `rules` on it with default options. Diagnostics
/// come back sorted by position, then rule id.
pub fn analyze(path: &Path, source: &str, rules: &[ActiveRule<'_>]) -> Result<Vec<Diagnostic>, SyntaxError> {
    analyze_with(path, source, rules, &Options::default())
}

/// [`analyze`] with project options.
pub fn analyze_with(
    path: &Path,
    source: &str,
    rules: &[ActiveRule<'_>],
    options: &Options,
) -> Result<Vec<Diagnostic>, SyntaxError> {
    let model = build_model_with(path, source, options)?;
    Ok(run_rules_with(&model, source, rules, options))
}

/// Run rules on an already-built model with default options.
pub fn run_rules(model: &FileModel, source: &str, rules: &[ActiveRule<'_>]) -> Vec<Diagnostic> {
    run_rules_with(model, source, rules, &Options::default())
}

/// Run rules on an already-built model.
pub fn run_rules_with(model: &FileModel, source: &str, rules: &[ActiveRule<'_>], options: &Options) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for active in rules {
        let mut ctx = RuleContext::new(model, source, active.rule.meta(), active.severity, options);
        active.rule.check(&mut ctx);
        out.extend(ctx.into_diagnostics());
    }
    suppress::apply_directives(model, source, rules, options, &mut out);
    out.sort_by(|a, b| (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule)));
    out
}

/// oxc's parse + semantic analysis and nothing else: the floor that
/// benchmarks compare `leaklint check` against. Returns the number of
/// symbols so the work cannot be optimised away.
pub fn parse_and_semantic_only(path: &Path, source: &str) -> Result<usize, SyntaxError> {
    lower::floor(path, source)
}
