//! GitHub Actions workflow commands: one `::error`/`::warning` line per
//! finding, which the runner turns into annotations on the changed lines.

use std::fmt::Write as _;

use leaklint_core::{LineIndex, Severity};

use crate::report::Report;

/// One workflow command per finding and per file that could not be checked.
pub fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for file in report.results() {
        let lines = LineIndex::new(file.source());
        for d in file.diagnostics() {
            let start = lines.position(file.source(), d.span.start);
            let end = lines.position(file.source(), d.span.end.max(d.span.start));
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut message = d.message.clone();
            if !d.help.is_empty() {
                message.push('\n');
                message.push_str(&d.help);
            }
            let _ = writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(file.path()),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("leaklint({})", d.rule)),
                escape_data(&message),
            );
        }
    }
    for error in report.file_errors() {
        let mut properties = format!("file={}", escape_property(&error.path));
        if let Some(line) = error.line {
            let _ = write!(properties, ",line={line}");
            if let Some(column) = error.column {
                let _ = write!(properties, ",col={column}");
            }
        }
        let title = escape_property(&format!("leaklint({})", error.kind.as_str()));
        let _ = writeln!(out, "::error {properties},title={title}::{}", escape_data(&error.message));
    }
    out
}

/// The message after `::`: `%`, CR and LF would end or corrupt the command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A `key=value` property: also `:` and `,`, which separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use leaklint_core::{Diagnostic, Span};

    use super::*;
    use crate::report::FileResult;
    use crate::test_support::sample_report;

    #[test]
    fn snapshot_sample_report() {
        insta::with_settings!({ snapshot_path => "../tests/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("github_sample_report", render_github(&sample_report()));
        });
    }

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("dir/a:b,c%.js"), "dir/a%3Ab%2Cc%25.js");
    }

    #[test]
    fn one_line_per_finding_even_with_newlines_in_the_message() {
        let diagnostic = Diagnostic {
            rule: "r",
            severity: Severity::Warning,
            message: "first\nsecond, 50%".into(),
            span: Span::new(3, 5),
            label: String::new(),
            related: vec![],
            help: String::new(),
            fixes: vec![],
            subject: None,
        };
        let report = Report::new(1, vec![FileResult::new("a,b:c.js", "ab\ncdef", vec![diagnostic])], vec![]);
        assert_eq!(
            render_github(&report),
            "::warning file=a%2Cb%3Ac.js,line=2,col=1,endLine=2,endColumn=3,title=leaklint(r)::first%0Asecond, 50%25\n"
        );
    }

    #[test]
    fn columns_count_characters() {
        let out = render_github(&sample_report());
        // `const 名前 = "😀"; ` is 16 characters; the finding starts after it.
        assert!(out.contains("file=src/timer.ts,line=1,col=17,"), "{out}");
    }
}
