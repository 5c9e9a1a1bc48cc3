//! The JSON format. Its schema is documented in `docs/json-format.md`; any
//! change to the shape below must bump [`JSON_SCHEMA_VERSION`] and the doc.

use leaklint_core::{LineIndex, Position};
use serde::Serialize;

use crate::report::Report;

/// Version of the JSON schema. Adding a field is compatible; renaming,
/// removing or changing the meaning of one bumps this.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The `tool.name` field.
pub const TOOL_NAME: &str = "leaklint";

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: JsonTool<'a>,
    files_checked: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    file_errors: Vec<JsonFileError<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonTool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    file: &'a str,
    message: &'a str,
    label: &'a str,
    help: &'a str,
    start: JsonPosition,
    end: JsonPosition,
    related: Vec<JsonRelated<'a>>,
    /// Present only with `check --heap` when a snapshot backs the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    heap: Option<&'a crate::HeapEvidence>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    start: JsonPosition,
    end: JsonPosition,
}

/// Our own copy of the position fields, so a change to the core's type cannot
/// silently change the schema.
#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    column: u32,
    column_utf16: u32,
    offset: u32,
}

impl From<Position> for JsonPosition {
    fn from(p: Position) -> Self {
        Self { line: p.line, column: p.column, column_utf16: p.column_utf16, offset: p.offset }
    }
}

#[derive(Serialize)]
struct JsonFileError<'a> {
    file: &'a str,
    kind: &'static str,
    message: &'a str,
    line: Option<u32>,
    column: Option<u32>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    file_errors: usize,
}

/// The report as pretty-printed JSON with a trailing newline. No timings, so
/// the same input always gives the same bytes.
pub fn render_json(report: &Report, tool_version: &str) -> String {
    let mut diagnostics = Vec::new();
    for result in report.results() {
        let source = result.source();
        let lines = LineIndex::new(source);
        let position = |offset: u32| JsonPosition::from(lines.position(source, offset));
        for (index, d) in result.diagnostics().iter().enumerate() {
            diagnostics.push(JsonDiagnostic {
                rule: d.rule,
                severity: d.severity.as_str(),
                file: result.path(),
                message: &d.message,
                label: &d.label,
                help: &d.help,
                start: position(d.span.start),
                end: position(d.span.end),
                related: d
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        message: &r.message,
                        start: position(r.span.start),
                        end: position(r.span.end),
                    })
                    .collect(),
                heap: result.evidence(index),
            });
        }
    }
    let file_errors = report
        .file_errors()
        .iter()
        .map(|e| JsonFileError {
            file: &e.path,
            kind: e.kind.as_str(),
            message: &e.message,
            line: e.line,
            column: e.column,
        })
        .collect();
    let summary = report.summary();
    let json = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        tool: JsonTool { name: TOOL_NAME, version: tool_version },
        files_checked: report.files_checked(),
        diagnostics,
        file_errors,
        summary: JsonSummary { errors: summary.errors, warnings: summary.warnings, file_errors: summary.file_errors },
    };
    // Serialising plain structs of strings and numbers into a String cannot fail.
    let mut out = serde_json::to_string_pretty(&json).expect("JSON report serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_report;

    #[test]
    fn snapshot_sample_report() {
        insta::with_settings!({ snapshot_path => "../tests/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("json_sample_report", render_json(&sample_report(), "9.9.9"));
        });
    }

    #[test]
    fn is_valid_json_with_schema_version_and_trailing_newline() {
        let text = render_json(&sample_report(), "1.2.3");
        assert!(text.ends_with("}\n"));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["schema_version"], 1);
        assert_eq!(value["tool"]["name"], "leaklint");
        assert_eq!(value["tool"]["version"], "1.2.3");
        assert_eq!(value["summary"]["errors"], 1);
        assert_eq!(value["summary"]["warnings"], 1);
        assert_eq!(value["summary"]["file_errors"], 1);
    }

    #[test]
    fn positions_count_characters_and_utf16_units() {
        let value: serde_json::Value = serde_json::from_str(&render_json(&sample_report(), "0")).unwrap();
        let timer = value["diagnostics"].as_array().unwrap().iter().find(|d| d["file"] == "src/timer.ts").unwrap();
        // `const 名前 = "😀"; ` is 16 characters, 17 UTF-16 units, 23 bytes.
        assert_eq!(timer["start"]["column"], 17);
        assert_eq!(timer["start"]["column_utf16"], 18);
        assert_eq!(timer["start"]["offset"], 23);
    }

    #[test]
    fn quiet_report_has_no_warnings() {
        let text = render_json(&sample_report().errors_only(), "0");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["summary"]["warnings"], 0);
        assert!(value["diagnostics"].as_array().unwrap().iter().all(|d| d["severity"] == "error"));
    }
}
