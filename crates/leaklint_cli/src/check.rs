//! `leaklint check`: discover, read and analyse files in parallel, collect a report.

use std::path::{Path, PathBuf};

use leaklint_core::{ActiveRule, Diagnostic, LineIndex, SyntaxError};
use leaklint_files::{discover, read_source};
use leaklint_report::{FailureKind, FileErrorOut, FileResult, Report, display_path};
use rayon::prelude::*;

use crate::panic_guard::catch_panic;

/// What checking one file's text means: the core with the rules in production,
/// anything (a panicking stub, say) in tests.
pub type Analyzer<'a> = dyn Fn(&Path, &str) -> Result<Vec<Diagnostic>, SyntaxError> + Sync + 'a;

/// Every rule at its default severity.
pub fn default_rules() -> Vec<ActiveRule<'static>> {
    leaklint_rules::all_rules()
        .into_iter()
        .map(|rule| ActiveRule { rule, severity: rule.meta().default_severity })
        .collect()
}

/// Check `paths` with `analyze` on the current rayon pool. Never stops early:
/// each file that cannot be checked becomes one file error.
pub fn check_paths(paths: &[PathBuf], cwd: Option<&Path>, analyze: &Analyzer<'_>) -> Report {
    let discovery = discover(paths);
    let mut file_errors: Vec<FileErrorOut> = discovery
        .errors
        .iter()
        .map(|error| FileErrorOut::from_file_error(error, display_path(&error.path, cwd)))
        .collect();
    // `collect` on an indexed parallel iterator keeps input order, so results
    // do not depend on the thread count (the report sorts them anyway).
    let outcomes: Vec<FileOutcome> =
        discovery.files.par_iter().map(|path| check_file(path, display_path(path, cwd), analyze)).collect();
    let mut files_checked = 0;
    let mut results = Vec::new();
    for outcome in outcomes {
        match outcome {
            FileOutcome::Checked(result) => {
                files_checked += 1;
                results.extend(result);
            }
            FileOutcome::Failed(error) => file_errors.push(error),
        }
    }
    Report::new(files_checked, results, file_errors)
}

enum FileOutcome {
    /// Analysed; the result when there were findings.
    Checked(Option<FileResult>),
    Failed(FileErrorOut),
}

fn check_file(path: &Path, display: String, analyze: &Analyzer<'_>) -> FileOutcome {
    let outcome = catch_panic(|| {
        let source = match read_source(path) {
            Ok(source) => source,
            Err(error) => return FileOutcome::Failed(FileErrorOut::from_file_error(&error, display.clone())),
        };
        match analyze(path, &source) {
            Ok(diagnostics) if diagnostics.is_empty() => FileOutcome::Checked(None),
            Ok(diagnostics) => FileOutcome::Checked(Some(FileResult::new(display.clone(), source, diagnostics))),
            Err(error) => FileOutcome::Failed(syntax_error(display.clone(), &source, &error)),
        }
    });
    outcome.unwrap_or_else(|panic| {
        FileOutcome::Failed(FileErrorOut {
            path: display,
            kind: FailureKind::InternalError,
            message: format!("internal error: leaklint {panic} (this is a bug in leaklint, please report it)"),
            line: None,
            column: None,
        })
    })
}

fn syntax_error(path: String, source: &str, error: &SyntaxError) -> FileErrorOut {
    let position = error.offset.map(|offset| LineIndex::new(source).position(source, offset));
    FileErrorOut {
        path,
        kind: FailureKind::SyntaxError,
        message: format!("syntax error: {}", error.message),
        line: position.map(|p| p.line),
        column: position.map(|p| p.column),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use leaklint_core::{Severity, Span};

    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    /// Reports one warning per file at offset 0, panics on `panic.js`, and
    /// rejects `syntax.js` at the position of `!`.
    fn stub(path: &Path, source: &str) -> Result<Vec<Diagnostic>, SyntaxError> {
        match path.file_name().unwrap().to_str().unwrap() {
            "panic.js" => panic!("stub analyzer exploded"),
            "syntax.js" => {
                Err(SyntaxError { message: "Unexpected token".into(), offset: source.find('!').map(|o| o as u32) })
            }
            _ => Ok(vec![Diagnostic {
                rule: "stub",
                severity: Severity::Warning,
                message: "stub finding".into(),
                span: Span::new(0, 1),
                label: String::new(),
                related: vec![],
                help: String::new(),
                fixes: Vec::new(),
                subject: None,
            }]),
        }
    }

    #[test]
    fn panic_in_one_file_is_an_internal_error_and_the_others_are_kept() {
        let dir = tree(&[("a.js", "a"), ("panic.js", "p"), ("z.js", "z")]);
        let report = check_paths(&[dir.path().to_path_buf()], Some(dir.path()), &stub);
        assert_eq!(report.files_checked(), 2);
        let paths: Vec<_> = report.results().iter().map(FileResult::path).collect();
        assert_eq!(paths, ["a.js", "z.js"]);
        assert_eq!(report.file_errors().len(), 1);
        let error = &report.file_errors()[0];
        assert_eq!((error.path.as_str(), error.kind), ("panic.js", FailureKind::InternalError));
        assert!(error.message.contains("stub analyzer exploded"), "{}", error.message);
        assert!(error.message.starts_with("internal error: leaklint panicked at "), "{}", error.message);
    }

    #[test]
    fn syntax_error_offset_becomes_line_and_character_column() {
        let dir = tree(&[("syntax.js", "let a;\nlet é = !;\n")]);
        let report = check_paths(&[dir.path().to_path_buf()], Some(dir.path()), &stub);
        let error = &report.file_errors()[0];
        assert_eq!(error.kind, FailureKind::SyntaxError);
        assert_eq!((error.line, error.column), (Some(2), Some(9)));
        assert_eq!(error.to_string(), "syntax.js:2:9: syntax error: Unexpected token");
    }

    #[test]
    fn syntax_error_without_offset_has_no_position() {
        let error = syntax_error("a.js".into(), "x", &SyntaxError { message: "bad".into(), offset: None });
        assert_eq!(error.to_string(), "a.js: syntax error: bad");
    }

    #[test]
    fn read_and_discovery_errors_are_file_errors() {
        let dir = tree(&[("ok.js", "a"), ("bin.js", "\0\0")]);
        let missing = dir.path().join("missing");
        let report = check_paths(&[dir.path().to_path_buf(), missing], Some(dir.path()), &stub);
        let kinds: Vec<_> = report.file_errors().iter().map(|e| (e.path.as_str(), e.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("bin.js", FailureKind::File(leaklint_files::FileErrorKind::Binary)),
                ("missing", FailureKind::File(leaklint_files::FileErrorKind::NotFound))
            ]
        );
        assert_eq!(report.files_checked(), 1);
    }

    #[test]
    fn default_rules_run_at_their_default_severity() {
        let rules = default_rules();
        assert_eq!(rules.len(), leaklint_rules::all_rules().len());
        for active in rules {
            assert_eq!(active.severity, active.rule.meta().default_severity);
        }
    }
}
