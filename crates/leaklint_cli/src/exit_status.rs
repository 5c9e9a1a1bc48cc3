//! The process exit status, as ESLint defines it.

use std::process::ExitCode;

use leaklint_report::{FailureKind, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Nothing to report.
    Clean = 0,
    /// Error findings, too many warnings, or a file that could not be checked.
    Problems = 1,
    /// leaklint could not do what was asked: a path that does not exist, an
    /// internal error. (Usage errors exit with 2 from clap directly.)
    Failure = 2,
}

impl ExitStatus {
    /// `report` must be the full report, before `--quiet` removes warnings:
    /// as in ESLint, `--max-warnings` still counts the warnings `--quiet` hides.
    pub fn of(report: &Report, max_warnings: Option<usize>) -> Self {
        let failure = report.file_errors().iter().any(|e| {
            matches!(e.kind, FailureKind::File(leaklint_files::FileErrorKind::NotFound) | FailureKind::InternalError)
        });
        if failure {
            return ExitStatus::Failure;
        }
        let summary = report.summary();
        let too_many_warnings = max_warnings.is_some_and(|max| summary.warnings > max);
        if summary.errors > 0 || summary.file_errors > 0 || too_many_warnings {
            ExitStatus::Problems
        } else {
            ExitStatus::Clean
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status as u8)
    }
}

#[cfg(test)]
mod tests {
    use leaklint_core::{Diagnostic, Severity, Span};
    use leaklint_report::{FileErrorOut, FileResult};

    use super::*;

    fn finding(severity: Severity, start: u32) -> Diagnostic {
        Diagnostic {
            rule: "r",
            severity,
            message: "m".into(),
            span: Span::new(start, start + 1),
            label: String::new(),
            related: vec![],
            help: String::new(),
            fixes: Vec::new(),
            subject: None,
        }
    }

    fn report(findings: Vec<Diagnostic>, failures: &[FailureKind]) -> Report {
        let errors = failures
            .iter()
            .map(|&kind| FileErrorOut { path: "x.js".into(), kind, message: "m".into(), line: None, column: None })
            .collect();
        Report::new(1, vec![FileResult::new("a.js", "0123456789", findings)], errors)
    }

    #[test]
    fn clean_run_is_zero() {
        assert_eq!(ExitStatus::of(&report(vec![], &[]), None), ExitStatus::Clean);
        assert_eq!(ExitStatus::of(&report(vec![], &[]), Some(0)), ExitStatus::Clean);
    }

    #[test]
    fn warnings_alone_are_zero_until_over_max_warnings() {
        let warnings = || report(vec![finding(Severity::Warning, 0), finding(Severity::Warning, 1)], &[]);
        assert_eq!(ExitStatus::of(&warnings(), None), ExitStatus::Clean);
        assert_eq!(ExitStatus::of(&warnings(), Some(2)), ExitStatus::Clean);
        assert_eq!(ExitStatus::of(&warnings(), Some(1)), ExitStatus::Problems);
        assert_eq!(ExitStatus::of(&warnings(), Some(0)), ExitStatus::Problems);
    }

    #[test]
    fn max_warnings_counts_warnings_hidden_by_quiet() {
        // `main` passes the full report; the quiet one has no warnings left to count.
        let full = report(vec![finding(Severity::Warning, 0)], &[]);
        assert_eq!(ExitStatus::of(&full, Some(0)), ExitStatus::Problems);
    }

    #[test]
    fn an_error_finding_is_one() {
        assert_eq!(ExitStatus::of(&report(vec![finding(Severity::Error, 0)], &[]), None), ExitStatus::Problems);
    }

    #[test]
    fn files_that_could_not_be_checked_are_one() {
        for kind in [
            FailureKind::SyntaxError,
            FailureKind::File(leaklint_files::FileErrorKind::Unreadable),
            FailureKind::File(leaklint_files::FileErrorKind::Binary),
            FailureKind::File(leaklint_files::FileErrorKind::NotUtf8),
            FailureKind::File(leaklint_files::FileErrorKind::TooLarge),
            FailureKind::File(leaklint_files::FileErrorKind::SymlinkLoop),
            FailureKind::File(leaklint_files::FileErrorKind::InvalidIgnoreFile),
        ] {
            assert_eq!(ExitStatus::of(&report(vec![], &[kind]), None), ExitStatus::Problems, "{kind:?}");
        }
    }

    #[test]
    fn missing_path_or_internal_error_is_two_even_with_other_problems() {
        for kind in [FailureKind::File(leaklint_files::FileErrorKind::NotFound), FailureKind::InternalError] {
            let r = report(vec![finding(Severity::Error, 0)], &[FailureKind::SyntaxError, kind]);
            assert_eq!(ExitStatus::of(&r, None), ExitStatus::Failure, "{kind:?}");
        }
    }

    #[test]
    fn exit_codes_are_the_documented_numbers() {
        assert_eq!(ExitStatus::Clean as u8, 0);
        assert_eq!(ExitStatus::Problems as u8, 1);
        assert_eq!(ExitStatus::Failure as u8, 2);
    }
}
