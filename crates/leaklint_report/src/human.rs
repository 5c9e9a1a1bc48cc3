//! The human format: miette's graphical reports, one-line file errors, a summary.

use std::fmt::{self, Write as _};
use std::time::Duration;

use leaklint_core::{Diagnostic, LineIndex};
use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::miette_adapter::{MietteFinding, SourceFile};
use crate::report::{FileResult, Report};

#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// ANSI colours in the findings and the summary (stdout).
    pub stdout_color: bool,
    /// ANSI colours in the file-error lines (stderr).
    pub stderr_color: bool,
    /// Wall time of the run, for the last line.
    pub elapsed: Duration,
}

/// The human format comes in three parts so the caller can send the file
/// errors to stderr between the findings and the summary on stdout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HumanOutput {
    /// One graphical report per finding, each followed by a blank line (stdout).
    pub findings: String,
    /// `error: path:line:column: reason`, one line per path (stderr).
    pub file_errors: String,
    /// The closing count and timing lines (stdout).
    pub summary: String,
}

pub fn render_human(report: &Report, options: &HumanOptions) -> HumanOutput {
    let theme = if options.stdout_color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // Fixed width (miette's default) rather than the terminal's, so output is reproducible.
    let handler = GraphicalReportHandler::new_themed(theme);
    let mut findings = String::new();
    for result in report.results() {
        let source = SourceFile::new(result);
        for (index, diagnostic) in result.diagnostics().iter().enumerate() {
            render_finding(&handler, &mut findings, result, &source, diagnostic);
            if let Some(evidence) = result.evidence(index) {
                render_evidence(&mut findings, evidence);
            }
            findings.push('\n');
        }
    }
    HumanOutput {
        findings,
        file_errors: render_file_errors(report, options.stderr_color),
        summary: render_summary(report, options),
    }
}

fn render_finding(
    handler: &GraphicalReportHandler,
    out: &mut String,
    result: &FileResult,
    source: &SourceFile,
    diagnostic: &Diagnostic,
) {
    let spans = source.spans(diagnostic);
    let cut = source.cut_view(&spans);
    let finding = match &cut {
        Some(view) => MietteFinding::cut(diagnostic, view, &spans),
        None => MietteFinding::new(diagnostic, source),
    };
    let mut rendered = String::new();
    match handler.render_report(&mut rendered, &finding) {
        Ok(()) => out.push_str(&rendered),
        // miette refuses spans it cannot read; a finding must still show.
        Err(fmt::Error) => render_plain(out, result, diagnostic),
    }
}

/// The heap evidence under a finding (`check --heap`).
fn render_evidence(out: &mut String, evidence: &crate::HeapEvidence) {
    let _ = writeln!(out, "  heap: {}", evidence.summary_line());
    for reason in &evidence.matched_by {
        let _ = writeln!(out, "        matched: {reason}");
    }
    if let Some(location) = &evidence.location {
        let _ = writeln!(out, "        defined at {location}");
    }
    if !evidence.retainer_path.is_empty() {
        let _ = writeln!(out, "        retained by {}", evidence.retainer_path);
    }
}

/// `warning[rule]: path:line:column: message`, for when the graphical report fails.
fn render_plain(out: &mut String, result: &FileResult, diagnostic: &Diagnostic) {
    let position = LineIndex::new(result.source()).position(result.source(), diagnostic.span.start);
    let _ = writeln!(
        out,
        "{}[{}]: {}:{}:{}: {}",
        diagnostic.severity.as_str(),
        diagnostic.rule,
        result.path(),
        position.line,
        position.column,
        diagnostic.message
    );
    if !diagnostic.help.is_empty() {
        let _ = writeln!(out, "  help: {}", diagnostic.help);
    }
}

fn render_file_errors(report: &Report, color: bool) -> String {
    let prefix = if color { "\x1b[1;31merror\x1b[0m:" } else { "error:" };
    let mut out = String::new();
    for file_error in report.file_errors() {
        let _ = writeln!(out, "{prefix} {file_error}");
    }
    out
}

fn render_summary(report: &Report, options: &HumanOptions) -> String {
    let summary = report.summary();
    let mut found = format!(
        "Found {} and {}",
        plural(summary.errors, "error", "errors"),
        plural(summary.warnings, "warning", "warnings")
    );
    if summary.files_with_findings > 0 {
        let _ = write!(found, " in {}", plural(summary.files_with_findings, "file", "files"));
    }
    found.push('.');
    let mut out = String::new();
    if options.stdout_color {
        // Red when something must be fixed, yellow for warnings only, plain otherwise.
        let style = if summary.errors > 0 || summary.file_errors > 0 {
            "\x1b[1;31m"
        } else if summary.warnings > 0 {
            "\x1b[1;33m"
        } else {
            "\x1b[1m"
        };
        let _ = writeln!(out, "{style}{found}\x1b[0m");
    } else {
        let _ = writeln!(out, "{found}");
    }
    if summary.file_errors > 0 {
        let _ = writeln!(out, "Could not check {}.", plural(summary.file_errors, "file", "files"));
    }
    let _ = writeln!(
        out,
        "Finished in {} on {}.",
        format_elapsed(options.elapsed),
        plural(report.files_checked(), "file", "files")
    );
    out
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `12ms` below a second, `1.23s` above, as oxlint does.
fn format_elapsed(elapsed: Duration) -> String {
    let millis = elapsed.as_millis();
    if millis < 1000 { format!("{millis}ms") } else { format!("{:.2}s", elapsed.as_secs_f64()) }
}

#[cfg(test)]
mod tests {
    use leaklint_core::{Label, Severity, Span};

    use super::*;
    use crate::report::{FailureKind, FileErrorOut};
    use crate::test_support::sample_report;

    fn plain(report: &Report) -> HumanOutput {
        render_human(report, &HumanOptions { elapsed: Duration::from_millis(42), ..HumanOptions::default() })
    }

    #[test]
    fn snapshot_finding_with_secondary_label_and_help() {
        let out = plain(&sample_report());
        let all = format!("{}--- stderr ---\n{}--- summary ---\n{}", out.findings, out.file_errors, out.summary);
        insta::with_settings!({ snapshot_path => "../tests/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("human_sample_report", all);
        });
    }

    #[test]
    fn colour_switch_controls_ansi_codes_per_stream() {
        let report = sample_report();
        let none = plain(&report);
        assert!(!format!("{none:?}").contains("\\u{1b}["));
        let stdout_only = render_human(&report, &HumanOptions { stdout_color: true, ..HumanOptions::default() });
        assert!(stdout_only.findings.contains("\x1b["));
        assert!(stdout_only.summary.contains("\x1b["));
        assert!(!stdout_only.file_errors.contains("\x1b["));
        let stderr_only = render_human(&report, &HumanOptions { stderr_color: true, ..HumanOptions::default() });
        assert!(stderr_only.file_errors.starts_with("\x1b[1;31merror\x1b[0m: "));
        assert!(!stderr_only.findings.contains("\x1b["));
    }

    #[test]
    fn file_errors_are_one_line_each_with_position_when_known() {
        let report = Report::new(
            1,
            vec![],
            vec![
                FileErrorOut {
                    path: "b.js".into(),
                    kind: FailureKind::File(leaklint_files::FileErrorKind::Binary),
                    message: "binary file".into(),
                    line: None,
                    column: None,
                },
                FileErrorOut {
                    path: "a.ts".into(),
                    kind: FailureKind::SyntaxError,
                    message: "syntax error: Unexpected token".into(),
                    line: Some(3),
                    column: Some(9),
                },
            ],
        );
        let out = plain(&report);
        assert_eq!(out.file_errors, "error: a.ts:3:9: syntax error: Unexpected token\nerror: b.js: binary file\n");
        assert_eq!(out.findings, "");
        assert_eq!(
            out.summary,
            "Found 0 errors and 0 warnings.\nCould not check 2 files.\nFinished in 42ms on 1 file.\n"
        );
    }

    #[test]
    fn summary_pluralises() {
        let source = "let a = 1;\nlet b = 2;\n";
        let one = |severity, start| Diagnostic {
            rule: "r",
            severity,
            message: "m".into(),
            span: Span::new(start, start + 1),
            label: String::new(),
            related: vec![],
            help: String::new(),
            fixes: Vec::new(),
            subject: None,
        };
        let report = Report::new(
            2,
            vec![FileResult::new("a.js", source, vec![one(Severity::Error, 0), one(Severity::Warning, 11)])],
            vec![],
        );
        assert_eq!(plain(&report).summary, "Found 1 error and 1 warning in 1 file.\nFinished in 42ms on 2 files.\n");
    }

    #[test]
    fn plain_fallback_has_rule_position_message_and_help() {
        let diagnostic = Diagnostic {
            rule: "some-rule",
            severity: Severity::Warning,
            message: "leaks".into(),
            span: Span::new(4, 5),
            label: String::new(),
            related: vec![],
            help: "fix it".into(),
            fixes: Vec::new(),
            subject: None,
        };
        let result = FileResult::new("a.js", "x;\n €y", vec![diagnostic.clone()]);
        let mut out = String::new();
        render_plain(&mut out, &result, &diagnostic);
        assert_eq!(out, "warning[some-rule]: a.js:2:2: leaks\n  help: fix it\n");
    }

    #[test]
    fn elapsed_is_ms_below_a_second() {
        assert_eq!(format_elapsed(Duration::from_micros(900)), "0ms");
        assert_eq!(format_elapsed(Duration::from_millis(999)), "999ms");
        assert_eq!(format_elapsed(Duration::from_millis(1234)), "1.23s");
    }

    #[test]
    fn out_of_range_and_mid_character_spans_do_not_panic() {
        let source = "const s = '€';\n";
        let diagnostic = |span| Diagnostic {
            rule: "r",
            severity: Severity::Error,
            message: "odd span".into(),
            span,
            label: "here".into(),
            related: vec![Label { span: Span::new(500, 900), message: "far away".into() }],
            help: String::new(),
            fixes: Vec::new(),
            subject: None,
        };
        let report = Report::new(
            1,
            vec![FileResult::new("a.js", source, vec![diagnostic(Span::new(12, 13)), diagnostic(Span::new(400, 300))])],
            vec![],
        );
        let out = plain(&report);
        assert_eq!(out.findings.matches("odd span").count(), 2, "{}", out.findings);
    }

    /// A finding on a line of 500,000 characters, with a related place on a short line before it.
    fn wide_line_report(related_far_along: bool) -> (Report, String) {
        let wide = format!("var filler = \"{}\"; cache.set(key, value);", "a".repeat(500_000));
        let source = format!("const cache = new Map();\n{wide}\nnext();\n");
        let at = source.find("cache.set").unwrap() as u32;
        let mut related = vec![Label { span: Span::new(6, 11), message: "declared here".into() }];
        if related_far_along {
            related.push(Label { span: Span::new(40, 41), message: "far away on the same line".into() });
        }
        let diagnostic = Diagnostic {
            rule: "r",
            severity: Severity::Error,
            message: "grows".into(),
            span: Span::new(at, at + "cache.set(key, value)".len() as u32),
            label: "adds here".into(),
            related,
            help: String::new(),
            fixes: Vec::new(),
            subject: None,
        };
        let report = Report::new(1, vec![FileResult::new("wide.js", source.as_str(), vec![diagnostic])], vec![]);
        let column = at as usize - source.find('\n').unwrap();
        (report, format!("[wide.js:2:{column}]"))
    }

    #[test]
    fn a_finding_past_column_65535_is_shown_on_a_cut_line() {
        let (report, header) = wide_line_report(false);
        let out = plain(&report).findings;
        assert!(out.contains(&header), "{out}");
        assert!(out.lines().all(|line| line.chars().count() < 1200), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let at = lines.iter().position(|line| line.starts_with(" 2 │ ")).expect("line 2 is shown");
        let (line, under) = (lines[at], lines[at + 1]);
        assert!(line.starts_with(" 2 │ …aaa") && line.ends_with("cache.set(key, value);"), "{line}");
        // The underline sits under `cache.set(key, value)`.
        let column = |text: &str, what: &str| text[..text.find(what).unwrap()].chars().count();
        assert_eq!(column(under, "─"), column(line, "cache.set"), "{out}");
        assert!(out.contains("declared here") && out.contains("adds here"), "{out}");
    }

    #[test]
    fn a_related_place_outside_the_cut_is_left_out_of_the_snippet() {
        let (report, header) = wide_line_report(true);
        let out = plain(&report).findings;
        assert!(out.contains(&header), "{out}");
        assert!(out.contains("adds here") && out.contains("declared here"), "{out}");
        assert!(!out.contains("far away"), "{out}");
    }
}
