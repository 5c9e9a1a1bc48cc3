//! The data every output format renders, in a deterministic order.

use std::fmt;
use std::sync::Arc;

use leaklint_core::{Diagnostic, Severity};
use leaklint_files::{FileError, FileErrorKind};

use crate::heap_evidence::HeapEvidence;

/// Everything one run found.
///
/// Built only through [`Report::new`], which sorts, so every renderer sees
/// the same order whatever order the (parallel) checking finished in.
#[derive(Debug, Clone)]
pub struct Report {
    files_checked: usize,
    results: Vec<FileResult>,
    file_errors: Vec<FileErrorOut>,
}

impl Report {
    /// `files_checked` counts the files that were parsed and analysed.
    /// `results` may include files without findings; they are dropped.
    pub fn new(files_checked: usize, mut results: Vec<FileResult>, mut file_errors: Vec<FileErrorOut>) -> Self {
        results.retain(|r| !r.diagnostics.is_empty());
        results.sort_by(|a, b| a.path.cmp(&b.path));
        file_errors.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.kind, &a.message).cmp(&(&b.path, b.line, b.column, b.kind, &b.message))
        });
        Self { files_checked, results, file_errors }
    }

    /// Files that were parsed and analysed (with or without findings).
    pub fn files_checked(&self) -> usize {
        self.files_checked
    }

    /// Files with at least one finding, sorted by path.
    pub fn results(&self) -> &[FileResult] {
        &self.results
    }

    /// Paths that could not be checked, sorted by path and position.
    pub fn file_errors(&self) -> &[FileErrorOut] {
        &self.file_errors
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary { file_errors: self.file_errors.len(), ..Summary::default() };
        for result in &self.results {
            summary.files_with_findings += 1;
            for diagnostic in &result.diagnostics {
                match diagnostic.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                }
            }
        }
        summary
    }

    /// Attach heap evidence (`check --heap`) and rank by it: findings with
    /// evidence first, strongest first, within each file; files with evidence
    /// first, by their strongest. Everything else keeps its order after them.
    pub fn with_heap_evidence(
        mut self,
        mut evidence_for: impl FnMut(&FileResult, &Diagnostic) -> Option<HeapEvidence>,
    ) -> Self {
        for result in &mut self.results {
            let found: Vec<Option<HeapEvidence>> = result.diagnostics.iter().map(|d| evidence_for(result, d)).collect();
            let mut pairs: Vec<(Diagnostic, Option<HeapEvidence>)> =
                std::mem::take(&mut result.diagnostics).into_iter().zip(found).collect();
            // Stable: findings without evidence keep their relative order.
            pairs.sort_by_key(|(_, e)| e.as_ref().map(HeapEvidence::rank_key).map_or((1, None), |k| (0, Some(k))));
            (result.diagnostics, result.evidence) = pairs.into_iter().unzip();
        }
        self.results.sort_by_key(|r| {
            r.evidence.iter().flatten().map(HeapEvidence::rank_key).min().map_or((1, None), |k| (0, Some(k)))
        });
        self
    }

    /// The report `--quiet` shows: warnings removed (so not counted either).
    pub fn errors_only(mut self) -> Self {
        for result in &mut self.results {
            let keep: Vec<bool> = result.diagnostics.iter().map(|d| d.severity == Severity::Error).collect();
            let mut flags = keep.iter();
            result.diagnostics.retain(|_| *flags.next().unwrap_or(&false));
            if !result.evidence.is_empty() {
                let mut flags = keep.iter();
                result.evidence.retain(|_| *flags.next().unwrap_or(&false));
            }
        }
        self.results.retain(|r| !r.diagnostics.is_empty());
        self
    }
}

/// Counts over a [`Report`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Error-severity findings.
    pub errors: usize,
    /// Warning-severity findings.
    pub warnings: usize,
    /// Paths that could not be checked.
    pub file_errors: usize,
    /// Files with at least one finding.
    pub files_with_findings: usize,
}

/// One checked file with findings.
#[derive(Debug, Clone)]
pub struct FileResult {
    path: String,
    source: Arc<str>,
    diagnostics: Vec<Diagnostic>,
    /// Heap evidence per diagnostic (same order); empty when none was attached.
    evidence: Vec<Option<HeapEvidence>>,
}

impl FileResult {
    /// `path` is the display path (see [`crate::display_path`]); `source` is
    /// the text the diagnostics' spans point into.
    pub fn new(path: impl Into<String>, source: impl Into<Arc<str>>, mut diagnostics: Vec<Diagnostic>) -> Self {
        // Line and column grow with the byte offset, so offset order is line, column order.
        diagnostics.sort_by(|a, b| {
            (a.span.start, a.rule, a.span.end, &a.message).cmp(&(b.span.start, b.rule, b.span.end, &b.message))
        });
        Self { path: path.into(), source: source.into(), diagnostics, evidence: Vec::new() }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The source, shareable without copying (miette wants owned source code).
    pub(crate) fn shared_source(&self) -> Arc<str> {
        Arc::clone(&self.source)
    }

    /// Sorted by line, column, rule; with heap evidence attached, findings
    /// with evidence come first, strongest first.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Heap evidence for `diagnostics()[index]`.
    pub fn evidence(&self, index: usize) -> Option<&HeapEvidence> {
        self.evidence.get(index).and_then(Option::as_ref)
    }
}

/// Why a path could not be checked: the file-level reasons plus the two that
/// arise while checking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureKind {
    /// Found or read, but not usable (see [`FileErrorKind`]).
    File(FileErrorKind),
    /// The parser rejected the file.
    SyntaxError,
    /// The code nests deeper than leaklint can follow without overflowing its stack.
    TooDeep,
    /// A bug in leaklint (a panic) while checking the file.
    InternalError,
}

impl FailureKind {
    /// Stable snake_case name, used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::File(kind) => kind.as_str(),
            FailureKind::SyntaxError => "syntax_error",
            FailureKind::TooDeep => "too_deep",
            FailureKind::InternalError => "internal_error",
        }
    }
}

impl From<FileErrorKind> for FailureKind {
    fn from(kind: FileErrorKind) -> Self {
        FailureKind::File(kind)
    }
}

/// A path that could not be checked, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileErrorOut {
    /// Display path.
    pub path: String,
    pub kind: FailureKind,
    /// The reason, without the path.
    pub message: String,
    /// 1-based.
    pub line: Option<u32>,
    /// 1-based, in characters.
    pub column: Option<u32>,
}

impl FileErrorOut {
    /// `path` is the display path of `error.path`.
    pub fn from_file_error(error: &FileError, path: String) -> Self {
        Self { path, kind: error.kind.into(), message: error.message.clone(), line: error.line, column: error.column }
    }
}

/// `path:line:column: message`, the position only when known.
impl fmt::Display for FileErrorOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use leaklint_core::Span;

    use super::*;

    pub(crate) fn diagnostic(rule: &'static str, severity: Severity, start: u32) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            message: format!("{rule} at {start}"),
            span: Span::new(start, start + 1),
            label: String::new(),
            related: Vec::new(),
            help: String::new(),
            fixes: Vec::new(),
            subject: None,
        }
    }

    fn file_error(path: &str, line: Option<u32>) -> FileErrorOut {
        FileErrorOut { path: path.into(), kind: FailureKind::SyntaxError, message: "bad".into(), line, column: None }
    }

    #[test]
    fn orders_files_by_path_and_findings_by_position_then_rule() {
        let b = FileResult::new(
            "src/b.js",
            "0123456789",
            vec![
                diagnostic("z-rule", Severity::Warning, 5),
                diagnostic("b-rule", Severity::Error, 2),
                diagnostic("a-rule", Severity::Error, 5),
            ],
        );
        let a = FileResult::new("src/a.js", "0123456789", vec![diagnostic("x", Severity::Error, 1)]);
        let empty = FileResult::new("src/0.js", "", vec![]);
        let report = Report::new(3, vec![b, empty, a], vec![]);
        let paths: Vec<_> = report.results().iter().map(FileResult::path).collect();
        assert_eq!(paths, ["src/a.js", "src/b.js"]);
        let order: Vec<_> = report.results()[1].diagnostics().iter().map(|d| (d.span.start, d.rule)).collect();
        assert_eq!(order, [(2, "b-rule"), (5, "a-rule"), (5, "z-rule")]);
        assert_eq!(report.files_checked(), 3);
    }

    fn evidence(group: &str, count_growth: i64) -> HeapEvidence {
        HeapEvidence {
            group: group.into(),
            matched_by: vec!["test".into()],
            count_growth,
            retained_size: 100,
            size_delta: 0,
            snapshots: 2,
            location: None,
            retainer_path: String::new(),
        }
    }

    #[test]
    fn heap_evidence_ranks_findings_and_files_and_survives_quiet() {
        let a = FileResult::new(
            "src/a.js",
            "0123456789",
            vec![diagnostic("r", Severity::Error, 1), diagnostic("r", Severity::Warning, 2)],
        );
        let b = FileResult::new(
            "src/b.js",
            "0123456789",
            vec![
                diagnostic("r", Severity::Error, 1),
                diagnostic("r", Severity::Error, 2),
                diagnostic("r", Severity::Warning, 3),
                diagnostic("r", Severity::Error, 4),
            ],
        );
        let report =
            Report::new(2, vec![a, b], vec![]).with_heap_evidence(|file, d| match (file.path(), d.span.start) {
                ("src/a.js", 2) => Some(evidence("weak", 5)),
                ("src/b.js", 3) => Some(evidence("strong", 50)),
                ("src/b.js", 4) => Some(evidence("middle", 20)),
                _ => None,
            });
        let order = |report: &Report| -> Vec<(String, u32, Option<String>)> {
            report
                .results()
                .iter()
                .flat_map(|f| {
                    f.diagnostics()
                        .iter()
                        .enumerate()
                        .map(|(i, d)| (f.path().to_owned(), d.span.start, f.evidence(i).map(|e| e.group.clone())))
                })
                .collect()
        };
        let e = |g: &str| Some(g.to_owned());
        // Evidence first, strongest first; the rest keep their order after it.
        assert_eq!(
            order(&report),
            [
                ("src/b.js".into(), 3, e("strong")),
                ("src/b.js".into(), 4, e("middle")),
                ("src/b.js".into(), 1, None),
                ("src/b.js".into(), 2, None),
                ("src/a.js".into(), 2, e("weak")),
                ("src/a.js".into(), 1, None),
            ]
        );
        // --quiet drops warnings together with their evidence, keeping the rest aligned.
        assert_eq!(
            order(&report.errors_only()),
            [
                ("src/b.js".into(), 4, e("middle")),
                ("src/b.js".into(), 1, None),
                ("src/b.js".into(), 2, None),
                ("src/a.js".into(), 1, None),
            ]
        );
    }

    #[test]
    fn orders_file_errors_by_path_then_line() {
        let report = Report::new(
            0,
            vec![],
            vec![file_error("b.js", None), file_error("a.js", Some(9)), file_error("a.js", Some(2))],
        );
        let order: Vec<_> = report.file_errors().iter().map(|e| (e.path.as_str(), e.line)).collect();
        assert_eq!(order, [("a.js", Some(2)), ("a.js", Some(9)), ("b.js", None)]);
    }

    #[test]
    fn summary_counts_by_severity() {
        let report = Report::new(
            5,
            vec![
                FileResult::new(
                    "a.js",
                    "xxxxx",
                    vec![diagnostic("r", Severity::Error, 0), diagnostic("r", Severity::Warning, 1)],
                ),
                FileResult::new("b.js", "xxxxx", vec![diagnostic("r", Severity::Warning, 0)]),
            ],
            vec![file_error("c.js", None)],
        );
        assert_eq!(report.summary(), Summary { errors: 1, warnings: 2, file_errors: 1, files_with_findings: 2 });
    }

    #[test]
    fn errors_only_drops_warnings_and_files_left_empty() {
        let report = Report::new(
            2,
            vec![
                FileResult::new(
                    "a.js",
                    "xxxxx",
                    vec![diagnostic("r", Severity::Error, 0), diagnostic("r", Severity::Warning, 1)],
                ),
                FileResult::new("b.js", "xxxxx", vec![diagnostic("r", Severity::Warning, 0)]),
            ],
            vec![],
        )
        .errors_only();
        assert_eq!(report.summary(), Summary { errors: 1, warnings: 0, file_errors: 0, files_with_findings: 1 });
        assert_eq!(report.results().len(), 1);
        assert_eq!(report.files_checked(), 2);
    }

    #[test]
    fn file_error_display_has_position_only_when_known() {
        assert_eq!(file_error("a.js", None).to_string(), "a.js: bad");
        assert_eq!(file_error("a.js", Some(3)).to_string(), "a.js:3: bad");
        let full = FileErrorOut { column: Some(7), ..file_error("a.js", Some(3)) };
        assert_eq!(full.to_string(), "a.js:3:7: bad");
    }

    #[test]
    fn failure_kinds_have_stable_names() {
        assert_eq!(FailureKind::from(FileErrorKind::NotUtf8).as_str(), "not_utf8");
        assert_eq!(FailureKind::SyntaxError.as_str(), "syntax_error");
        assert_eq!(FailureKind::TooDeep.as_str(), "too_deep");
        assert_eq!(FailureKind::InternalError.as_str(), "internal_error");
    }
}
