//! Checkstyle XML, which Jenkins (warnings-ng), reviewdog, GitLab and most
//! code-review bots read: one `<file>` per path, one `<error>` per problem.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use leaklint_core::LineIndex;

use crate::report::Report;
use crate::xml::escape;

pub fn render_checkstyle(report: &Report) -> String {
    // Path → the `<error>` elements for it; files with findings and files that
    // could not be checked share the map so each path appears once, in order.
    let mut files: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for file in report.results() {
        let lines = LineIndex::new(file.source());
        let errors = files.entry(file.path()).or_default();
        for d in file.diagnostics() {
            let at = lines.position(file.source(), d.span.start);
            errors.push(format!(
                r#"<error line="{}" column="{}" severity="{}" message="{}" source="leaklint.{}"/>"#,
                at.line,
                at.column,
                d.severity.as_str(),
                escape(&d.message),
                escape(d.rule)
            ));
        }
    }
    for error in report.file_errors() {
        let mut position = String::new();
        if let Some(line) = error.line {
            let _ = write!(position, r#"line="{line}" "#);
            if let Some(column) = error.column {
                let _ = write!(position, r#"column="{column}" "#);
            }
        }
        files.entry(error.path.as_str()).or_default().push(format!(
            r#"<error {position}severity="error" message="{}" source="leaklint.{}"/>"#,
            escape(&error.message),
            error.kind.as_str()
        ));
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<checkstyle version=\"4.3\">\n");
    for (path, errors) in files {
        let _ = writeln!(out, "  <file name=\"{}\">", escape(path));
        for error in errors {
            let _ = writeln!(out, "    {error}");
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_report;

    #[test]
    fn snapshot_sample_report() {
        insta::with_settings!({ snapshot_path => "../tests/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("checkstyle_sample_report", render_checkstyle(&sample_report()));
        });
    }

    #[test]
    fn clean_report_is_an_empty_document() {
        assert_eq!(
            render_checkstyle(&Report::new(2, vec![], vec![])),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<checkstyle version=\"4.3\">\n</checkstyle>\n"
        );
    }
}
