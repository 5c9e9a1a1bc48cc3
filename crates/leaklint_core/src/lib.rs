//! leaklint's analysis core.
//!
//! Parses JavaScript/TypeScript files with oxc and builds one model for the
//! files checked together (a package): data flows one way,
//! files → facts (per file, in parallel) → link (the package's modules joined)
//! → solve (which values each location holds; the call graph) → lifetimes
//! (how often each function runs, with its evidence) → events (what leaks are
//! made of, on values) → rules → reports. Rules read only the model, so this
//! is the only crate that touches the oxc API. `docs/model.md` says what the
//! model knows.

pub mod diagnostic;
mod events;
mod facts;
mod grouped;
mod lifetimes;
mod link;
pub mod model;
mod nesting;
mod parse;
pub mod rule;
mod run_local;
mod solve;
pub mod span;
mod suppress;

use std::path::Path;

use rayon::prelude::*;

pub use diagnostic::{Diagnostic, Edit, Fix, Label, Severity, apply_edits};
pub use link::PackageRoot;
pub use model::{FileId, FileModel, Package};
pub use nesting::ANALYSIS_STACK_BYTES;
pub use rule::{Finding, Precision, Rule, RuleContext, RuleMeta};
pub use span::{LineIndex, Position, Span};
pub use suppress::{INVALID_DIRECTIVE_RULE, UNUSED_DIRECTIVE_RULE};

/// The file could not be parsed; no rule ran on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte offset of the first error, where the parser gave one.
    pub offset: Option<u32>,
    pub kind: SyntaxErrorKind,
}

/// Why a file could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The parser rejected the text.
    Invalid,
    /// The code nests deeper than this thread's stack has room for; it may be valid.
    TooDeep,
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

/// One file to check with the others of its package.
#[derive(Clone, Copy)]
pub struct SourceFile<'s> {
    pub path: &'s Path,
    pub source: &'s str,
    /// Project knowledge from the file's configuration.
    pub options: &'s Options,
}

/// Build the model of files checked together. Each input gets its file id in
/// the package, or the syntax error that kept it out.
pub fn build_package(files: &[SourceFile<'_>], root: &PackageRoot) -> (Package, Vec<Result<FileId, SyntaxError>>) {
    let facts: Vec<ParsedFacts> = files.par_iter().map(|f| parse::facts(f.path, f.source)).collect();
    let (package, ids, _) = build_from_facts(files, facts, root);
    (package, ids)
}

/// A file's facts, or why it has none.
type ParsedFacts = Result<facts::FileFacts, SyntaxError>;

/// The phases after parsing, over facts already made (one per input, in input order). The
/// facts come back for a cache to keep.
fn build_from_facts(
    files: &[SourceFile<'_>],
    facts: Vec<ParsedFacts>,
    root: &PackageRoot,
) -> (Package, Vec<Result<FileId, SyntaxError>>, Vec<ParsedFacts>) {
    let mut kept = Vec::with_capacity(files.len());
    let mut sources = Vec::with_capacity(files.len());
    let mut options = Vec::with_capacity(files.len());
    let mut ids = Vec::with_capacity(files.len());
    for (input, result) in files.iter().zip(facts) {
        match result {
            Ok(f) => {
                ids.push(Ok(FileId(kept.len() as u32)));
                kept.push(f);
                sources.push(input.source);
                options.push(input.options);
            }
            Err(e) => ids.push(Err(e)),
        }
    }
    let mut graph = link::link(&kept, root);
    let solved = solve::solve(&mut graph);
    let run_local = run_local::decide(&graph, &solved, &kept);
    let lifetimes = lifetimes::decide(&graph, &solved, &kept, &sources, &options);
    let package = events::build(&graph, &solved, &run_local, &lifetimes, &kept, &sources, &options);
    let mut kept = kept.into_iter();
    let facts = ids.iter().map(|id| id.clone().map(|_| kept.next().expect("one facts per parsed file"))).collect();
    (package, ids, facts)
}

/// The facts of files seen before, by path and text, so that checking one file with its package
/// again after an edit parses only the files whose text changed (the language server keeps one).
#[derive(Default)]
pub struct FactsCache {
    files: std::collections::HashMap<std::path::PathBuf, (u64, ParsedFacts)>,
}

impl FactsCache {
    pub fn new() -> Self {
        Self::default()
    }
}

fn text_hash(source: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(source.as_bytes());
    h.write_usize(source.len());
    h.finish()
}

/// Check `files[target]` with the other files of its package, as `check_package` does, reusing
/// the cached facts of every file whose text has not changed. Files under the package's folder
/// that the cache held and that are not in `files` any more are forgotten.
pub fn check_file_in_package(
    files: &[SourceFile<'_>],
    target: usize,
    root: &PackageRoot,
    rules: &[ActiveRule<'_>],
    cache: &mut FactsCache,
) -> Result<Vec<Diagnostic>, SyntaxError> {
    let hashes: Vec<u64> = files.par_iter().map(|f| text_hash(f.source)).collect();
    let mut facts: Vec<Option<ParsedFacts>> = files
        .iter()
        .zip(&hashes)
        .map(|(f, &h)| match cache.files.remove(f.path) {
            Some((cached, facts)) if cached == h => Some(facts),
            _ => None,
        })
        .collect();
    // Files of this package that are gone from it (deleted, now ignored) are forgotten; other
    // packages' files stay for when their buffers come back.
    if let Some(dir) = &root.dir {
        cache.files.retain(|path, _| !path.starts_with(dir));
    }
    let missing: Vec<usize> = (0..files.len()).filter(|&i| facts[i].is_none()).collect();
    let parsed: Vec<ParsedFacts> = missing.par_iter().map(|&i| parse::facts(files[i].path, files[i].source)).collect();
    for (i, result) in missing.into_iter().zip(parsed) {
        facts[i] = Some(result);
    }
    let facts = facts.into_iter().map(|f| f.expect("every file has facts")).collect();
    let (package, ids, facts) = build_from_facts(files, facts, root);
    for ((file, hash), facts) in files.iter().zip(hashes).zip(facts) {
        cache.files.insert(file.path.to_path_buf(), (hash, facts));
    }
    let input = files[target];
    let id = ids[target].clone()?;
    Ok(run_rules_with(package.file_model(id), input.source, rules, input.options))
}

/// Build the package and run each file's rules on it. One result per input,
/// in input order; files are checked in parallel on the current rayon pool.
pub fn check_package(
    files: &[SourceFile<'_>],
    root: &PackageRoot,
    rules: &[&[ActiveRule<'_>]],
) -> Vec<Result<Vec<Diagnostic>, SyntaxError>> {
    let (package, ids) = build_package(files, root);
    ids.par_iter()
        .enumerate()
        .map(|(i, id)| match id {
            Ok(file) => Ok(run_rules_with(package.file_model(*file), files[i].source, rules[i], files[i].options)),
            Err(e) => Err(e.clone()),
        })
        .collect()
}

/// Parse `source` (file type from `path`'s extension) and build its model, as a package of one file.
pub fn build_model(path: &Path, source: &str) -> Result<Package, SyntaxError> {
    build_model_with(path, source, &Options::default())
}

/// [`build_model`] with project options.
pub fn build_model_with(path: &Path, source: &str, options: &Options) -> Result<Package, SyntaxError> {
    let (package, mut ids) = build_package(&[SourceFile { path, source, options }], &PackageRoot::default());
    ids.remove(0).map(|_| package)
}

/// Build the model of one file alone and run `rules` on it with default
/// options. Diagnostics come back sorted by position, then rule id.
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
    let package = build_model_with(path, source, options)?;
    Ok(run_rules_with(package.file_model(FileId(0)), source, rules, options))
}

/// Run rules on one file of a built package, with default options.
pub fn run_rules(model: FileModel<'_>, source: &str, rules: &[ActiveRule<'_>]) -> Vec<Diagnostic> {
    run_rules_with(model, source, rules, &Options::default())
}

/// Run rules on one file of a built package.
pub fn run_rules_with(
    model: FileModel<'_>,
    source: &str,
    rules: &[ActiveRule<'_>],
    options: &Options,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for active in rules {
        let mut ctx = RuleContext::new(model, source, active.rule.meta(), active.severity, options);
        active.rule.check(&mut ctx);
        out.extend(ctx.into_diagnostics());
    }
    suppress::apply_directives(model.directive_comments(), source, rules, options, &mut out);
    // The most severe first among findings of one rule at one place: a write that reaches two
    // values of the same collection (two instances, two call paths) is one finding.
    out.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule, std::cmp::Reverse(a.severity)).cmp(&(
            b.span.start,
            b.span.end,
            b.rule,
            std::cmp::Reverse(b.severity),
        ))
    });
    out.dedup_by(|later, kept| later.span == kept.span && later.rule == kept.rule);
    out
}

/// oxc's parse + semantic analysis and nothing else: the floor that
/// benchmarks compare `leaklint check` against. Returns the number of
/// symbols so the work cannot be optimised away.
pub fn parse_and_semantic_only(path: &Path, source: &str) -> Result<usize, SyntaxError> {
    parse::floor(path, source)
}
