//! The analysis thread: runs the core on document snapshots and converts the
//! findings to LSP diagnostics, so the message loop never waits on it.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};
use leaklint_config::{ConfigError, ConfigResolver, ResolvedConfig};
use leaklint_core::{FactsCache, PackageRoot, Severity, SourceFile, SyntaxErrorKind, check_file_in_package};
use leaklint_files::PackageRoots;
use lsp_types::{CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use crate::position::{Encoding, PositionMap};

/// `source` on every diagnostic, and the suffix of the fix-all code action kind.
pub const SOURCE: &str = "leaklint";

/// `code` of the one diagnostic a file that does not parse gets.
pub const PARSE_ERROR_CODE: &str = "parse-error";

/// One document version to analyse.
pub struct Job {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
    pub path: PathBuf,
    pub on_disk: bool,
}

/// The findings for one document version, as the core reported them and as
/// the client sees them.
pub struct Analysis {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
    /// The core's findings; `diagnostics[i]` shows `findings[i]`.
    pub findings: Vec<leaklint_core::Diagnostic>,
    /// Published diagnostics: one per finding, or the single parse error.
    pub diagnostics: Vec<lsp_types::Diagnostic>,
    /// The configuration that applied, if it could be read.
    pub config_path: Option<PathBuf>,
    /// Why the configuration could not be used (the defaults ran instead).
    pub config_error: Option<ConfigError>,
}

/// Run jobs until the sender side closes. Jobs for the same document that
/// queued up while another ran are coalesced: only the newest is analysed.
pub fn run(jobs: Receiver<Job>, results: Sender<Analysis>, configs: Arc<ConfigResolver>, encoding: Encoding) {
    // Facts of the packages' files, so that an edit re-parses only the buffer that changed.
    let mut cache = FactsCache::new();
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        batch.extend(jobs.try_iter());
        for job in newest_per_document(batch) {
            let analysis = analyze(job, &configs, encoding, &mut cache);
            if results.send(analysis).is_err() {
                return;
            }
        }
    }
}

/// Keeps the last job for each document, in the order documents first appeared.
fn newest_per_document(batch: Vec<Job>) -> Vec<Job> {
    let mut slot: HashMap<Uri, usize> = HashMap::new();
    let mut kept: Vec<Job> = Vec::with_capacity(batch.len());
    for job in batch {
        match slot.get(&job.uri) {
            Some(&i) => kept[i] = job,
            None => {
                slot.insert(job.uri.clone(), kept.len());
                kept.push(job);
            }
        }
    }
    kept
}

pub fn analyze(job: Job, configs: &ConfigResolver, encoding: Encoding, cache: &mut FactsCache) -> Analysis {
    let (config, config_error) = if job.on_disk {
        match configs.for_file(&job.path) {
            Ok(config) => (config, None),
            Err(err) => (Arc::new(ResolvedConfig::default()), Some(err)),
        }
    } else {
        (Arc::new(ResolvedConfig::default()), None)
    };
    let mut analysis = Analysis {
        uri: job.uri,
        version: job.version,
        text: job.text,
        findings: Vec::new(),
        diagnostics: Vec::new(),
        config_path: config.path.clone(),
        config_error,
    };
    if (job.on_disk && config.is_ignored(&job.path)) || !worth_checking(&job.path) {
        return analysis;
    }
    let text = &*analysis.text;
    let map = PositionMap::new(text, encoding);
    // A panic in a rule must cost one file its findings, not the editor its server.
    let package = if job.on_disk { PackageRoots::default().of(&job.path) } else { None };
    let outcome = catch_unwind(AssertUnwindSafe(|| match &package {
        Some(root) => check_with_package(&job.path, text, &config, root, configs, cache),
        None => leaklint_core::analyze_with(&job.path, text, &config.rules, &config.options),
    }));
    match outcome {
        Ok(Ok(findings)) => {
            analysis.diagnostics = findings.iter().map(|f| to_lsp(f, &map, &analysis.uri)).collect();
            analysis.findings = findings;
        }
        Ok(Err(syntax)) => {
            let at = map.position(syntax.offset.unwrap_or(0));
            analysis.diagnostics = vec![problem(
                lsp_types::Range { start: at, end: at },
                PARSE_ERROR_CODE,
                match syntax.kind {
                    SyntaxErrorKind::Invalid => {
                        format!("leaklint could not parse this file, so it was not checked: {}", syntax.message)
                    }
                    SyntaxErrorKind::TooDeep => format!("leaklint did not check this file: {}", syntax.message),
                },
            )];
        }
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            analysis.diagnostics = vec![problem(
                lsp_types::Range::default(),
                "internal-error",
                format!("leaklint failed on this file (a bug; please report it): {detail}"),
            )];
        }
    }
    analysis
}

/// A package larger than this is not linked in the editor: the open file is checked alone.
const MAX_PACKAGE_FILES: usize = 5000;

/// Check the open buffer `text` of `path` with the other files of its package as they are on
/// disk, as `leaklint check` on the package would (facts cached per file; a file whose text has
/// not changed since the last check is not parsed again).
fn check_with_package(
    path: &Path,
    text: &str,
    config: &ResolvedConfig,
    root: &Path,
    configs: &ConfigResolver,
    cache: &mut FactsCache,
) -> Result<Vec<leaklint_core::Diagnostic>, leaklint_core::SyntaxError> {
    let discovery = leaklint_files::discover(&[root.to_path_buf()]);
    // The package's own files: not those of a package nested in it, not ignored ones. Grouped
    // as `leaklint check` groups them, each folder looked up once.
    let mut roots = PackageRoots::default();
    let mut members: Vec<(PathBuf, Arc<ResolvedConfig>)> = Vec::new();
    for file in discovery.files {
        if file == path || roots.of(&file).as_deref() != Some(root) {
            continue;
        }
        if let Ok(config) = configs.for_file(&file)
            && !config.is_ignored(&file)
        {
            members.push((file, config));
        }
    }
    if members.len() >= MAX_PACKAGE_FILES {
        return leaklint_core::analyze_with(path, text, &config.rules, &config.options);
    }
    let sources: Vec<Option<String>> = members.iter().map(|(file, _)| leaklint_files::read_source(file).ok()).collect();
    let mut files = vec![SourceFile { path, source: text, options: &config.options }];
    for ((file, config), source) in members.iter().zip(&sources) {
        if let Some(source) = source {
            files.push(SourceFile { path: file, source, options: &config.options });
        }
    }
    let package = PackageRoot::read(root);
    check_file_in_package(&files, 0, &package, &config.rules, cache)
}

/// What `leaklint check` would check: JS/TS sources, not declaration or
/// minified files. A file without an extension is checked: the editor says
/// it is JavaScript (a script with a `#!` line, say).
fn worth_checking(path: &Path) -> bool {
    path.extension().is_none() || leaklint_files::is_source_file(path)
}

/// The address of a rule's documentation page.
pub fn rule_docs_url(rule: &str) -> String {
    format!("{}/blob/main/rules/{rule}.md", env!("CARGO_PKG_REPOSITORY"))
}

fn to_lsp(finding: &leaklint_core::Diagnostic, map: &PositionMap<'_>, uri: &Uri) -> lsp_types::Diagnostic {
    let message = if finding.help.is_empty() {
        finding.message.clone()
    } else {
        format!("{}\n\n{}", finding.message, finding.help)
    };
    let mut related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location { uri: uri.clone(), range: map.range(label.span) },
            message: label.message.clone(),
        })
        .collect();
    if !finding.label.is_empty() {
        // The primary label says why this spot matters; editors show related
        // information as a list, so it leads.
        related.insert(
            0,
            DiagnosticRelatedInformation {
                location: Location { uri: uri.clone(), range: map.range(finding.span) },
                message: finding.label.clone(),
            },
        );
    }
    lsp_types::Diagnostic {
        range: map.range(finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: rule_docs_url(finding.rule).parse().ok().map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    }
}

/// An error-level diagnostic that is about the file, not a finding.
pub fn problem(range: lsp_types::Range, code: &str, message: String) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(code.to_string())),
        source: Some(SOURCE.to_string()),
        message,
        ..Default::default()
    }
}

/// The diagnostic shown on a broken configuration file: at the key it names
/// when that key can be found in the text, else at the top.
pub fn config_problem(error: &ConfigError, encoding: Encoding) -> lsp_types::Diagnostic {
    let text = std::fs::read_to_string(error.file()).unwrap_or_default();
    let map = PositionMap::new(&text, encoding);
    let key = error.key_path().and_then(last_key);
    let range = key
        .and_then(|key| text.find(&format!("\"{key}\"")))
        .map(|at| map.range(leaklint_core::Span::new(at as u32, (at + key.unwrap_or("").len() + 2) as u32)))
        .unwrap_or_default();
    problem(range, "config-error", format!("{}: {}", error.key_path().unwrap_or("configuration"), error.message()))
}

/// `rules.no-listener-leak` -> `no-listener-leak`; `perCallFactories[0].why` -> `why`.
fn last_key(key_path: &str) -> Option<&str> {
    let last = key_path.rsplit('.').next()?;
    let last = last.split('[').next()?;
    (!last.is_empty()).then_some(last)
}

/// Whether `path` names a configuration file (its change means re-reading them).
pub fn is_config_file(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == leaklint_config::CONFIG_FILE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(uri: &str, version: i32, text: &str) -> Job {
        Job {
            uri: uri.parse().unwrap(),
            version,
            text: text.into(),
            path: PathBuf::from("untitled.js"),
            on_disk: false,
        }
    }

    #[test]
    fn coalescing_keeps_the_newest_job_per_document_in_first_seen_order() {
        let kept = newest_per_document(vec![
            job("file:///a.js", 1, ""),
            job("file:///b.js", 1, ""),
            job("file:///a.js", 2, ""),
            job("file:///a.js", 3, ""),
        ]);
        let seen: Vec<(&str, i32)> = kept.iter().map(|j| (j.uri.as_str(), j.version)).collect();
        assert_eq!(seen, [("file:///a.js", 3), ("file:///b.js", 1)]);
    }

    #[test]
    fn a_parse_failure_is_one_error_diagnostic() {
        let configs = ConfigResolver::new(None).unwrap();
        let analysis = analyze(
            job("untitled:x", 1, "const = ;\nfoo("),
            &configs,
            Encoding::Utf16,
            &mut leaklint_core::FactsCache::new(),
        );
        assert_eq!(analysis.diagnostics.len(), 1, "{:?}", analysis.diagnostics);
        let d = &analysis.diagnostics[0];
        assert_eq!(d.code, Some(NumberOrString::String(PARSE_ERROR_CODE.into())));
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
        assert!(d.message.contains("could not parse"), "{}", d.message);
        assert!(analysis.findings.is_empty());
    }

    #[test]
    fn findings_carry_rule_code_docs_and_related_spans() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/leaky/session-cache.ts"))
                .unwrap();
        let configs = ConfigResolver::new(None).unwrap();
        let mut ts_job = job("untitled:x", 7, &text);
        ts_job.path = PathBuf::from("untitled.ts");
        let analysis = analyze(ts_job, &configs, Encoding::Utf16, &mut leaklint_core::FactsCache::new());
        assert_eq!(analysis.version, 7);
        assert!(!analysis.findings.is_empty());
        assert_eq!(analysis.findings.len(), analysis.diagnostics.len());
        for (finding, d) in analysis.findings.iter().zip(&analysis.diagnostics) {
            assert_eq!(d.code, Some(NumberOrString::String(finding.rule.into())));
            assert_eq!(d.source.as_deref(), Some("leaklint"));
            let href = d.code_description.as_ref().unwrap().href.as_str();
            assert_eq!(href, format!("https://github.com/leaklint/leaklint/blob/main/rules/{}.md", finding.rule));
            let related = d.related_information.as_ref().unwrap();
            assert_eq!(related.len(), finding.related.len() + usize::from(!finding.label.is_empty()));
            let map = PositionMap::new(&text, Encoding::Utf16);
            assert_eq!(d.range, map.range(finding.span));
        }
    }

    #[test]
    fn declaration_minified_and_foreign_files_are_not_checked() {
        let configs = ConfigResolver::new(None).unwrap();
        let leak = "const seen = new Map();\nexport function handler(req) {\n  seen.set(req, 1);\n}\n";
        for (path, checked) in
            [("a.js", true), ("bin/serve", true), ("a.d.ts", false), ("a.min.js", false), ("Component.vue", false)]
        {
            let mut job = job("untitled:x", 1, leak);
            job.path = PathBuf::from(path);
            let analysis = analyze(job, &configs, Encoding::Utf16, &mut leaklint_core::FactsCache::new());
            assert_eq!(!analysis.diagnostics.is_empty(), checked, "{path}: {:?}", analysis.diagnostics);
        }
    }

    #[test]
    fn key_paths_point_at_their_last_key() {
        assert_eq!(last_key("rules.no-listener-leak"), Some("no-listener-leak"));
        assert_eq!(last_key("perCallFactories[0].why"), Some("why"));
        assert_eq!(last_key("ignorePatterns[2]"), Some("ignorePatterns"));
    }
}
