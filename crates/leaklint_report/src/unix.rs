//! The unix format: `path:line:column: message [Severity/rule]`, one line per
//! problem, as compilers and ESLint's `unix` formatter print them, so editors
//! and `grep` can jump to them.

use std::fmt::Write as _;

use leaklint_core::{LineIndex, Severity};

use crate::report::Report;

pub fn render_unix(report: &Report) -> String {
    let mut out = String::new();
    let mut problems = 0usize;
    for file in report.results() {
        let lines = LineIndex::new(file.source());
        for d in file.diagnostics() {
            let at = lines.position(file.source(), d.span.start);
            let severity = match d.severity {
                Severity::Error => "Error",
                Severity::Warning => "Warning",
            };
            let _ = writeln!(
                out,
                "{}:{}:{}: {} [{severity}/{}]",
                file.path(),
                at.line,
                at.column,
                one_line(&d.message),
                d.rule
            );
            problems += 1;
        }
    }
    for error in report.file_errors() {
        let line = error.line.unwrap_or(1);
        let column = error.column.unwrap_or(1);
        let _ = writeln!(
            out,
            "{}:{line}:{column}: {} [Error/{}]",
            error.path,
            one_line(&error.message),
            error.kind.as_str()
        );
        problems += 1;
    }
    if problems > 0 {
        let _ = writeln!(out, "\n{problems} problem{}", if problems == 1 { "" } else { "s" });
    }
    out
}

/// Line breaks would split one problem over several records.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n']).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_report;

    #[test]
    fn snapshot_sample_report() {
        insta::with_settings!({ snapshot_path => "../tests/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("unix_sample_report", render_unix(&sample_report()));
        });
    }

    #[test]
    fn clean_report_prints_nothing() {
        assert_eq!(render_unix(&Report::new(3, vec![], vec![])), "");
    }

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(one_line("a\r\nb\nc"), "a b c");
    }
}
