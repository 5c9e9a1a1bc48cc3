//! JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure
//! Pipelines, CircleCI): one `<testsuite>` per file with problems, one failed
//! `<testcase>` per finding, an `<error>` test case per file that could not be
//! checked. No timings, so the same input gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use leaklint_core::LineIndex;

use crate::report::Report;
use crate::xml::escape;

struct Case {
    name: String,
    /// `failure` for findings, `error` for files that could not be checked.
    element: &'static str,
    kind: String,
    message: String,
    body: String,
}

pub fn render_junit(report: &Report) -> String {
    let mut suites: BTreeMap<&str, Vec<Case>> = BTreeMap::new();
    for file in report.results() {
        let lines = LineIndex::new(file.source());
        let cases = suites.entry(file.path()).or_default();
        for d in file.diagnostics() {
            let at = lines.position(file.source(), d.span.start);
            let mut body = format!("{}:{}:{}: {}", file.path(), at.line, at.column, d.message);
            if !d.help.is_empty() {
                let _ = write!(body, "\n{}", d.help);
            }
            cases.push(Case {
                name: format!("{} at {}:{}", d.rule, at.line, at.column),
                element: "failure",
                kind: d.severity.as_str().to_string(),
                message: d.message.clone(),
                body,
            });
        }
    }
    for error in report.file_errors() {
        suites.entry(error.path.as_str()).or_default().push(Case {
            name: error.kind.as_str().to_string(),
            element: "error",
            kind: error.kind.as_str().to_string(),
            message: error.message.clone(),
            body: error.to_string(),
        });
    }
    let count = |element: &str| suites.values().flatten().filter(|c| c.element == element).count();
    let (failures, errors) = (count("failure"), count("error"));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        r#"<testsuites name="leaklint" tests="{}" failures="{failures}" errors="{errors}">"#,
        failures + errors
    );
    for (path, cases) in &suites {
        let suite_failures = cases.iter().filter(|c| c.element == "failure").count();
        let _ = writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{suite_failures}" errors="{}">"#,
            escape(path),
            cases.len(),
            cases.len() - suite_failures
        );
        for case in cases {
            let _ = writeln!(
                out,
                r#"    <testcase name="{}" classname="{}"><{} message="{}" type="{}">{}</{}></testcase>"#,
                escape(&case.name),
                escape(path),
                case.element,
                escape(&case.message),
                escape(&case.kind),
                escape(&case.body),
                case.element
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_report;

    #[test]
    fn snapshot_sample_report() {
        insta::with_settings!({ snapshot_path => "../tests/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("junit_sample_report", render_junit(&sample_report()));
        });
    }

    #[test]
    fn counts_failures_and_errors() {
        let out = render_junit(&sample_report());
        assert!(out.contains(r#"<testsuites name="leaklint" tests="3" failures="2" errors="1">"#), "{out}");
        assert!(out.contains(r#"<testsuite name="src/broken.js" tests="1" failures="0" errors="1">"#), "{out}");
    }

    #[test]
    fn clean_report_has_no_suites() {
        assert_eq!(
            render_junit(&Report::new(2, vec![], vec![])),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"leaklint\" tests=\"0\" failures=\"0\" errors=\"0\">\n</testsuites>\n"
        );
    }
}
